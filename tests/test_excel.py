"""Excel-Export: deutsche Blätter und Überschriften, nur die eigene Kommune, atomar."""

import pandas as pd

from analyse.berichte import excel


def _tabellen():
    empf = pd.DataFrame({"ags": ["05000001", "05000001", "05000002"], "rang": [2, 1, 1],
                         "massnahme": ["b", "a", "x"], "titel": ["B", "A", "X"],
                         "hauptfeld_name": "Technik", "begruendung": "weil",
                         "beschreibung": "…", "dauer_monate": 6, "aufwand_personentage": 10.0,
                         "kosten_einmalig": 1000.0, "kosten_jaehrlich": 100.0,
                         "ozg_relevant": [True, False, False], "voraussetzungen": "",
                         "quelle": "Q"})
    roadmap = pd.DataFrame({"ags": ["05000001"], "massnahme": ["a"], "titel": ["A"], "rang": [1],
                            "hauptfeld_name": ["Technik"], "start": ["2027 Q1"],
                            "ende": ["2027 Q2"], "dauer_quartale": [2],
                            "kosten_einmalig": [1000.0], "kosten_jaehrlich": [100.0],
                            "aufwand_personentage": [10.0]})
    versch = pd.DataFrame({"ags": ["05000001"], "massnahme": ["b"], "titel": ["B"], "rang": [2],
                           "engpass": ["budget"], "grund": ["zu teuer"],
                           "kosten_einmalig": [1000.0]})
    return {"empfehlungen": empf, "roadmap": roadmap, "verschiebungen": versch,
            "roadmap_jahre": pd.DataFrame(columns=["ags", "jahr"])}


def test_xlsx_mit_deutschen_blaettern(tmp_path):
    ziel = excel.schreiben(_tabellen(), "05000001", tmp_path / "05000001.xlsx")
    blaetter = pd.read_excel(ziel, sheet_name=None)
    assert list(blaetter) == ["Maßnahmen", "Roadmap", "Kosten je Jahr", "Verschoben"]
    m = blaetter["Maßnahmen"]
    assert list(m["Maßnahme"]) == ["A", "B"]            # nach Rang, ohne fremde Kommune
    assert "Kosten einmalig (€)" in m.columns
    assert list(m["OZG-relevant"]) == ["nein", "ja"]
    assert blaetter["Verschoben"].loc[0, "Engpass"] == "Budget"
    assert not list(tmp_path.glob(".*.tmp"))           # keine Reste des atomaren Schreibens


def test_gleiche_eingaben_gleiche_bytes():
    assert excel.inhalt(_tabellen(), "05000001") == excel.inhalt(_tabellen(), "05000001")


def test_verbandsdatei_mit_umlage_je_mitglied(tmp_path):
    tabellen = {
        "verband_empfehlungen": pd.DataFrame({"rang": [1], "titel": ["Plattform"],
                                              "massnahme": ["v"], "kosten_einmalig": [1000.0]}),
        "verband_umlage": pd.DataFrame({"ags": ["1", "2", "1", "2"], "name": ["A", "=B", "A", "=B"],
                                        "jahr": [2027, 2027, 2028, 2028],
                                        "anteil": [0.25, 0.75, 0.25, 0.75],
                                        "umlage": [250.0, 750.0, 100.0, 300.0]})}
    ziel = excel.schreiben(tabellen, None, tmp_path / "verband.xlsx")
    blaetter = pd.read_excel(ziel, sheet_name=None, dtype={"AGS": str})
    assert list(blaetter) == list(excel.VERBAND_BLAETTER)
    u = blaetter["Umlage je Mitglied"]
    assert list(u["Umlage (€)"]) == [250, 750, 100, 300]
    assert list(u["Mitglied"]) == ["A", "'=B", "A", "'=B"]   # keine Formel aus Daten
