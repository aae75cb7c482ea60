"""Excel zum Planen: Blätter, Formeln, Summen, Auswahllisten, Quellen; sicher gegen
Formel-Injektion; LibreOffice rechnet die Summen gleich den Ergebnistabellen nach."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from analyse import pipeline
from analyse.berichte import excel
from analyse.ergebnisse import laden

BOESE = ["=HYPERLINK(\"http://x\",\"klick\")", "+1+1", "-2+3", "@SUMME(A1)"]


def _tabellen():
    empf = pd.DataFrame({"ags": ["05000001", "05000001", "05000002"], "rang": [2, 1, 1],
                         "massnahme": ["b", "a", "x"], "titel": ["B", BOESE[0], "X"],
                         "hauptfeld_name": "Technik", "begruendung": BOESE[1],
                         "beschreibung": "…", "dauer_monate": 6, "aufwand_personentage": 10.0,
                         "kosten_einmalig": [1000.0, 2000.0, 5.0], "kosten_jaehrlich": 100.0,
                         "ozg_relevant": [True, False, False], "voraussetzungen": ["a", "", ""],
                         "quelle": BOESE[3], "ueber_verband": False})
    roadmap = pd.DataFrame({"ags": ["05000001"], "massnahme": ["a"], "titel": [BOESE[0]],
                            "rang": [1], "hauptfeld_name": ["Technik"], "start": ["2027 Q1"],
                            "ende": ["2027 Q2"], "start_quartal": [1], "ende_quartal": [2],
                            "startjahr": [2027], "dauer_quartale": [2], "ueber_verband": [False],
                            "kosten_einmalig": [2000.0], "kosten_jaehrlich": [100.0],
                            "aufwand_personentage": [10.0]})
    versch = pd.DataFrame({"ags": ["05000001"], "massnahme": ["b"], "titel": ["B"], "rang": [2],
                           "engpass": ["budget"], "grund": [BOESE[2]],
                           "kosten_einmalig": [1000.0], "aufwand_personentage": [10.0]})
    jahre = pd.DataFrame({"ags": "05000001", "jahr": [2027, 2028], "budget": 5000.0,
                          "umlage_verband": 0.0, "kapazitaet_personentage": 20.0})
    return {"empfehlungen": empf, "roadmap": roadmap, "verschiebungen": versch,
            "roadmap_jahre": jahre}


def _texte(wb) -> dict[str, object]:
    """Alle Zellen, die keine Formel sind, als Wert."""
    return {f"{ws.title}!{c.coordinate}": c for ws in wb for zeile in ws.iter_rows()
            for c in zeile if c.value is not None}


def test_blaetter_zeilen_und_lesbare_voraussetzungen(tmp_path):
    ziel = excel.schreiben(_tabellen(), "05000001", tmp_path / "05000001.xlsx")
    blaetter = pd.read_excel(ziel, sheet_name=None)
    assert list(blaetter) == list(excel.BLAETTER)
    m = blaetter["Maßnahmen"]
    assert list(m["Maßnahme"].iloc[:2]) == [BOESE[0], "B"]   # nach Rang, ohne fremde Kommune
    assert list(m["OZG-relevant"].iloc[:2]) == ["nein", "ja"]
    assert m.loc[1, "Voraussetzungen"] == BOESE[0]            # Titel statt ID „a“
    assert list(m["Status"].iloc[:2]) == ["offen", "offen"]
    assert m.loc[1, "Im Plan"].startswith("verschoben")
    assert blaetter["Verschoben"].loc[0, "Engpass"] == "Budget"
    assert not list(tmp_path.glob(".*.tmp"))           # keine Reste des atomaren Schreibens


def test_formeln_summen_filter_kopf_und_auswahl(tmp_path):
    ziel = excel.schreiben(_tabellen(), "05000001", tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(ziel)
    m = wb["Maßnahmen"]
    assert m.freeze_panes == "C2" and m.auto_filter.ref == "A1:S3"
    kopf = [c.value for c in m[1]]
    summe = {kopf[c.column - 1]: c.value for c in m[4] if c.value is not None}
    assert summe["Kosten einmalig (€)"] == "=SUBTOTAL(109,J2:J3)"
    status = m.data_validations.dataValidation[0]
    assert status.type == "list" and "in Arbeit" in status.formula1
    assert str(status.sqref).startswith(f"{openpyxl.utils.get_column_letter(kopf.index('Status') + 1)}2:")
    r = wb["Roadmap"]
    assert r["I2"].value.startswith('=IF($D2="über den Verband",0,INDEX(') and "MATCH($L2" in r["I2"].value
    assert wb["Quartale"]["H2"].value.startswith("=IF(AND($C2<=1")
    assert wb["Quartale"]["B2"].value == "='Roadmap'!B2"  # Zeile folgt der Roadmap
    assert wb["Kosten je Jahr"]["D2"].value.startswith("=SUMPRODUCT(")
    assert wb["OZG"].auto_filter.ref and wb["Quellen"]["A1"].value == "Angabe"


def test_texte_aus_daten_werden_nie_formeln(tmp_path):
    ziel = excel.schreiben(_tabellen(), "05000001", tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(ziel)
    gefunden = set()
    for ort, c in _texte(wb).items():
        if c.data_type == "f":
            assert not any(b in c.value for b in BOESE), ort
        elif isinstance(c.value, str) and c.value in BOESE:
            assert c.data_type == "s" and c.quotePrefix, ort
            gefunden.add(c.value)
    assert gefunden == set(BOESE)  # Titel, Begründung, Grund, Quelle: Text, unverändert


def test_gleiche_eingaben_gleiche_bytes():
    assert excel.inhalt(_tabellen(), "05000001") == excel.inhalt(_tabellen(), "05000001")


def test_verbandsmappe_mit_umlage_je_mitglied(tmp_path):
    tabellen = {
        "verband_empfehlungen": pd.DataFrame({"rang": [1], "titel": ["Plattform"],
                                              "massnahme": ["v"], "kosten_einmalig": [1000.0]}),
        "verband_umlage": pd.DataFrame({"ags": ["1", "2", "1", "2"], "name": ["A", "=B", "A", "=B"],
                                        "jahr": [2027, 2027, 2028, 2028], "einwohner": [1, 3, 1, 3],
                                        "schluessel": "einwohner", "rahmen_mitglied": 1.0,
                                        "anteil": [0.25, 0.75, 0.25, 0.75],
                                        "umlage": [250.0, 750.0, 100.0, 300.0]})}
    ziel = excel.schreiben(tabellen, None, tmp_path / "verband.xlsx")
    blaetter = pd.read_excel(ziel, sheet_name=None, dtype={"AGS": str})
    assert list(blaetter) == list(excel.VERBAND_BLAETTER)
    u = blaetter["Umlage je Mitglied"]
    assert list(u["Mitglied"].iloc[:2]) == ["=B", "A"]   # Text, keine Formel aus Daten
    assert list(u["Umlage 2027 (€)"].iloc[:2]) == [750, 250]
    ws = openpyxl.load_workbook(ziel)["Umlage je Mitglied"]
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["H2"].value == "=SUM(F2:G2)"


# ------------------------------------------------------------------ auf einer ausgewerteten Studie


@pytest.fixture(scope="module")
def erg(kleine_studie_vorlage, tmp_path_factory):
    aus = tmp_path_factory.mktemp("excel")
    pipeline.auswerten(pipeline.Pfade(kleine_studie_vorlage, aus))
    return laden(aus / "ergebnisse")


@pytest.fixture(scope="module")
def mappen(erg, tmp_path_factory):
    ordner = tmp_path_factory.mktemp("mappen")
    refs = sorted(erg.tabelle("empfehlungen")["ags"].unique())
    dateien = {ags: excel.schreiben(erg, ags, ordner / f"{ags}.xlsx") for ags in refs}
    dateien[None] = excel.schreiben(erg, None, ordner / "verband.xlsx")
    return dateien


def test_mappe_der_studie_hat_quellen_und_titel(erg, mappen):
    ags = next(a for a in mappen if a)
    wb = openpyxl.load_workbook(mappen[ags])
    quellen = {r[0]: r[1] for r in wb["Quellen"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert {"Studie", "Erhebungswelle", "Kosten und Aufwand", "Jahresrahmen und Personalkapazität",
            "OZG-Leistungen", "Roadmap und Quartale"} <= set(quellen)
    rahmen = erg.tabelle("rahmen").set_index("ags").loc[ags, "satz"]
    assert quellen["Jahresrahmen und Personalkapazität"] == rahmen
    e = erg.tabelle("empfehlungen")
    ids = {i.strip() for v in e["voraussetzungen"] for i in str(v).split(";") if i.strip()}
    texte = " ".join(str(v) for r in wb["Maßnahmen"].iter_rows(min_row=2, values_only=True)
                     for v in r if v)
    kopf = [c.value for c in wb["Maßnahmen"][1]]
    spalte = kopf.index("Voraussetzungen")
    voraus = [r[spalte] for r in wb["Maßnahmen"].iter_rows(min_row=2, values_only=True) if r[spalte]]
    assert not ids & {t for v in voraus for t in v.split("; ")}   # keine nackten IDs
    assert texte


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def nachgerechnet(mappen, tmp_path_factory):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) ist nicht installiert; .ci/run installiert "
                    "libreoffice-calc")
    ordner = tmp_path_factory.mktemp("lo")
    profil = f"file://{ordner / 'profil'}"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profil}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(ordner / "aus"), *map(str, mappen.values())],
                   check=True, capture_output=True, timeout=300)
    return {ags: openpyxl.load_workbook(ordner / "aus" / pfad.name, data_only=True)
            for ags, pfad in mappen.items()}


def _tabelle_mit_summe(ws) -> tuple[pd.DataFrame, dict]:
    zeilen = list(ws.iter_rows(values_only=True))
    kopf = list(zeilen[0])
    daten = []
    for z in zeilen[1:]:
        if z[0] is None or str(z[0]).startswith("Summe") or (
                isinstance(z[0], str) and len(z[0]) > 40):
            break
        daten.append(z)
    summe = next((dict(zip(kopf, z, strict=True)) for z in zeilen[1:]
                  if any(isinstance(v, str) and v.startswith("Summe") for v in z)), {})
    return pd.DataFrame(daten, columns=kopf), summe


def test_libreoffice_rechnet_wie_die_ergebnistabellen(erg, nachgerechnet):
    e = erg.tabelle("empfehlungen")
    j = erg.tabelle("roadmap_jahre")
    k = erg.tabelle("roadmap_kosten")
    for ags, wb in nachgerechnet.items():
        if ags is None:
            continue
        _, summe = _tabelle_mit_summe(wb["Maßnahmen"])
        eigen = e[e["ags"] == ags]
        assert summe["Kosten einmalig (€)"] == pytest.approx(eigen["kosten_einmalig"].sum())
        assert summe["Kosten jährlich (€)"] == pytest.approx(eigen["kosten_jaehrlich"].sum())
        assert summe["Aufwand (Personentage)"] == pytest.approx(
            eigen["aufwand_personentage"].sum())
        jahre, js = _tabelle_mit_summe(wb["Kosten je Jahr"])
        soll = j[j["ags"] == ags].sort_values("jahr")
        assert list(jahre["Jahr"]) == list(soll["jahr"])
        for spalte, quelle in (("Eigene einmalige Kosten (€)", "kosten_einmalig"),
                               ("Eigene laufende Kosten (€)", "kosten_laufend"),
                               ("Kosten gesamt (€)", "kosten_gesamt"),
                               ("Budget frei (€)", "budget_frei"),
                               ("Geplante Personentage", "personentage")):
            assert list(jahre[spalte]) == pytest.approx(list(soll[quelle]), abs=1e-6), spalte
            assert js[spalte] == pytest.approx(soll[quelle].sum(), abs=1e-6), spalte
        quartale, qs = _tabelle_mit_summe(wb["Quartale"])
        roadmap, _ = _tabelle_mit_summe(wb["Roadmap"])
        assert list(quartale["Maßnahme"]) == list(roadmap["Maßnahme"])
        assert sorted(roadmap["Maßnahmen-ID"]) == sorted(
            erg.tabelle("roadmap").query("ags == @ags")["massnahme"])
        kosten = sum(v for s, v in qs.items() if s and s.startswith("Kosten 20"))
        tage = sum(v for s, v in qs.items() if s and s.startswith("Personentage 20"))
        eigene_k = k[k["ags"] == ags]
        assert kosten == pytest.approx((eigene_k["kosten_einmalig"]
                                        + eigene_k["kosten_laufend"]).sum(), abs=1e-6)
        assert tage == pytest.approx(eigene_k["personentage"].sum(), abs=1e-6)
        ozg = list(wb["OZG"].iter_rows(values_only=True))
        anteil = next(z[5] for z in ozg if z[0] == "Anteil online (bewertete Leistungen)")
        a = erg.tabelle("ozg_abdeckung")
        a = a[(a["ags"] == ags) & (a["welle"] == erg.studie.aktuelle_welle)]
        assert anteil == pytest.approx(float(a["anteil_online"].fillna(0).iloc[0]))


def test_libreoffice_rechnet_die_verbandsmappe_nach(erg, nachgerechnet):
    wb = nachgerechnet[None]
    vj = erg.tabelle("verband_jahre").sort_values("jahr")
    jahre, js = _tabelle_mit_summe(wb["Kosten je Jahr"])
    for spalte, quelle in (("Einmalige Kosten (€)", "kosten_einmalig"),
                           ("Laufende Kosten (€)", "kosten_laufend"),
                           ("Kosten gesamt (€)", "kosten_gesamt"),
                           ("Geplante Personentage", "personentage")):
        assert list(jahre[spalte]) == pytest.approx(list(vj[quelle]), abs=1e-6), spalte
    u = erg.tabelle("verband_umlage")
    _, us = _tabelle_mit_summe(wb["Umlage je Mitglied"])
    for jahr, betrag in u.groupby("jahr")["umlage"].sum().items():
        assert us[f"Umlage {jahr} (€)"] == pytest.approx(betrag)
    assert us["Umlage zusammen (€)"] == pytest.approx(vj["kosten_gesamt"].sum())
    assert us["Anteil"] == pytest.approx(1.0)
    _, vs = _tabelle_mit_summe(wb["Verbandsmaßnahmen"])
    v = erg.tabelle("verband_empfehlungen")
    assert vs["Kosten einmalig (€)"] == pytest.approx(v["kosten_einmalig"].sum())
