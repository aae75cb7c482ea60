"""``analyse importieren``: LimeSurvey, SPSS und Excel über eine Zuordnung in die Studie."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from conftest import DATEN
from typer.testing import CliRunner

from analyse.cli import app
from analyse.eingabe.fehler import Eingabefehler
from analyse.eingabe.quellen.importieren import importieren

runner = CliRunner()


def _antworten(studie, welle="2026") -> pd.DataFrame:
    df = pd.read_csv(studie / "antworten.csv", dtype=str, keep_default_na=False)
    return df[df["welle"] == welle].set_index("ags")


@pytest.mark.parametrize("datei", ["limesurvey_codes.csv", "limesurvey_code_text.csv"])
def test_limesurvey_beide_stile_mit_derselben_zuordnung(studie, datei):
    ergebnis = runner.invoke(app, ["importieren", "--quelle", str(DATEN / datei), "--zuordnung",
                                   str(DATEN / "zuordnung_limesurvey.yml"), "--daten",
                                   str(studie), "--welle", "2026"])
    assert ergebnis.exit_code == 0, ergebnis.output
    neu = _antworten(studie)
    assert {"99001", "99001001", "99001002"} <= set(neu.index)
    assert not {"99001003", "99001004", "99001005"} & set(neu.index)
    # die neuere Antwort (id 3, 9. Mai) gewinnt vor der älteren (id 1)
    assert neu.loc["99001001", ["STR01", "STR02", "STR03", "STR04", "STR05"]].tolist() == \
        ["5", "5", "4", "2", "8"]  # A6 = weiß nicht → Fehlcode 8 der Skala
    assert neu.loc["99001001", "STRUK_BESCH"] == "415"
    assert neu.loc["99001002", "STR04"] == "1"
    assert neu.loc["99001002", "ORG01"] == ""  # nicht zugeordnet: leer
    text = ergebnis.output
    assert "7 Zeilen gelesen, 3 übernommen (3 neu, 0 ersetzt)" in text
    assert "unvollständig (leeres submitdate): 1: Zeile 5 (AGS 99001003)" in text
    assert "AGS nicht in kommunen.csv: 1: Zeile 6 (AGS 12345678)" in text
    assert "ohne AGS: 1: Zeile 7" in text
    assert "AGS 99001001: Zeile 4 gewinnt vor Zeile 2" in text
    assert "Spalten verworfen (Metadaten): 11" in text
    # nur zugeordnete Spalten erreichen den Studienordner
    inhalt = (studie / "antworten.csv").read_text(encoding="utf-8")
    for geheim in ("tok1a2b3c", "192.0.2.10", "Frau Beispiel", "Danke für die Umfrage"):
        assert geheim not in inhalt
    assert runner.invoke(app, ["pruefen", "--daten", str(studie)]).exit_code == 0


def test_gleiche_welle_nur_mit_ersetzen(studie):
    argumente = ["importieren", "--quelle", str(DATEN / "limesurvey_codes.csv"), "--zuordnung",
                 str(DATEN / "zuordnung_limesurvey.yml"), "--daten", str(studie), "--welle",
                 "2026"]
    assert runner.invoke(app, argumente).exit_code == 0
    vorher = (studie / "antworten.csv").read_bytes()
    zweimal = runner.invoke(app, argumente)
    assert zweimal.exit_code == 2
    assert "3 haben in antworten.csv schon eine" in zweimal.output
    assert "mit --ersetzen werden sie ersetzt" in zweimal.output
    assert (studie / "antworten.csv").read_bytes() == vorher
    ersetzt = runner.invoke(app, [*argumente, "--ersetzen"])
    assert ersetzt.exit_code == 0 and "(0 neu, 3 ersetzt)" in ersetzt.output
    assert (studie / "antworten.csv").read_bytes() == vorher


def test_schlechte_zuordnung_alle_probleme_auf_einmal_nichts_geschrieben(studie, fixtures):
    zuordnung = fixtures / "zuordnung_limesurvey.yml"
    text = zuordnung.read_text(encoding="utf-8")
    text = text.replace("  STR05: \"G02Q02[SQ005]\"", "  STR99: \"G02Q02[SQ005]\"")
    text = text.replace("STRUK_BESCH: G03Q03", "STRUK_BESCH: G03Q09")
    text = text.replace("A5: 5}", "A5: 5, A7: 7}")
    zuordnung.write_text(text, encoding="utf-8")
    quelle = fixtures / "limesurvey_codes.csv"
    roh = quelle.read_bytes().decode("utf-8-sig").replace('"A2";"A2";"A1"', '"A2";"A9";"A1"')
    quelle.write_bytes(("\ufeff" + roh).encode())
    vorher = (studie / "antworten.csv").read_bytes()
    with pytest.raises(Eingabefehler) as e:
        importieren(quelle, zuordnung, studie, 2026)
    meldung = e.value.text()
    zeilen = text.splitlines()
    nr = next(i for i, z in enumerate(zeilen, 1) if "STR99" in z)
    assert f"zuordnung_limesurvey.yml, Zeile {nr}, Spalte 'items', Wert 'STR99': erwartet " \
           "eine Item-ID aus fragebogen.yml" in meldung
    assert "Wert 'G03Q09': erwartet eine Spalte der Quelle (ähnlich: 'G03Q03')" in meldung
    assert "Wert '7': erwartet einen Code der Skala 'zustimmung'" in meldung
    assert "limesurvey_codes.csv, Zeile 3, Spalte 'G02Q02[SQ002]', Wert 'A9': erwartet einen " \
           "Code für Item STR02" in meldung
    assert len(e.value.probleme) == 4
    assert (studie / "antworten.csv").read_bytes() == vorher


def test_personenbezogene_spalte_nur_mit_begruendung(studie, fixtures):
    zuordnung = fixtures / "zuordnung_limesurvey.yml"
    zuordnung.write_text(zuordnung.read_text(encoding="utf-8").replace(
        "ags: G01Q01", "ags: attribute_1"), encoding="utf-8")
    with pytest.raises(Eingabefehler) as e:
        importieren(DATEN / "limesurvey_codes.csv", zuordnung, studie, 2026)
    assert "keine personenbezogene Spalte (Teilnehmerattribut" in e.value.text()
    # Token als Quelle eines Items: ebenso abgelehnt
    zuordnung.write_text(zuordnung.read_text(encoding="utf-8").replace(
        "ags: attribute_1", "ags: G01Q01").replace("STRUK_BESCH: G03Q03", "STRUK_BESCH: token"),
        encoding="utf-8")
    with pytest.raises(Eingabefehler, match="Teilnehmer-Token"):
        importieren(DATEN / "limesurvey_codes.csv", zuordnung, studie, 2026)
    # mit Begründung geht die Prüfung weiter (und scheitert hier an den Werten)
    zuordnung.write_text(zuordnung.read_text(encoding="utf-8") + (
        "personenbezogen:\n  token: \"Die Token-Liste enthält die Beschäftigtenzahl.\"\n"),
        encoding="utf-8")
    with pytest.raises(Eingabefehler) as e:
        importieren(DATEN / "limesurvey_codes.csv", zuordnung, studie, 2026)
    assert "personenbezogen" not in e.value.text() and "Wert 'tok1a2b3c'" in e.value.text()


def test_unbekannte_welle(studie):
    with pytest.raises(Eingabefehler, match="eine Welle aus studie.yml"):
        importieren(DATEN / "limesurvey_codes.csv", DATEN / "zuordnung_limesurvey.yml", studie,
                    2030)


def test_spss_mit_einer_zuordnung(studie, tmp_path):
    df = pd.DataFrame({"gkz": [99001001.0, 99001002.0, 99001004.0],
                       "v_strat": [2.0, 5.0, 99.0], "v_budget": [1.0, 6.0, 3.0],
                       "v_besch": [412.0, 1250.0, float("nan")]})
    pfad = tmp_path / "befragung.sav"
    pyreadstat.write_sav(df, str(pfad), column_labels=["Gemeindekennziffer", "Strategie",
                                                       "Budget", "Beschäftigte"],
                         variable_value_labels={"v_strat": {99.0: "keine Angabe"},
                                                "v_budget": {6.0: "weiß nicht"}},
                         missing_ranges={"v_strat": [99.0]})
    zuordnung = tmp_path / "zuordnung.yml"
    zuordnung.write_text(
        "ags: gkz\nitems:\n  STR01:\n    spalte: v_strat\n    fehlend: {keine_angabe: [\"99\"]}\n"
        "  STR04:\n    spalte: v_budget\n    umkodierung: {\"6\": 8}\n"
        "  STRUK_BESCH: v_besch\n", encoding="utf-8")
    bericht = importieren(pfad, zuordnung, studie, 2026)
    neu = _antworten(studie)
    assert neu.loc["99001001", ["STR01", "STR04", "STRUK_BESCH"]].tolist() == ["2", "1", "412"]
    assert neu.loc["99001004", ["STR01", "STR04", "STRUK_BESCH"]].tolist() == ["9", "3", ""]
    assert neu.loc["99001002", "STR04"] == "8"
    assert bericht.format == "spss" and bericht.uebernommen == 3


def test_excel_mit_titelzeilen_und_antworttexten(studie, tmp_path):
    pfad = tmp_path / "rueckmeldungen.xlsx"
    mappe = openpyxl.Workbook()
    blatt = mappe.active
    blatt["A1"] = "Rückmeldungen der Kommunen"
    blatt.merge_cells("A1:C1")
    blatt.append([])
    blatt.append(["Gemeindeschlüssel", "Strategie", "Koordination"])
    blatt.append(["99001001", "trifft voll zu", "weiß nicht"])
    blatt.append(["99001005", "teils/teils", None])
    mappe.save(pfad)
    zuordnung = tmp_path / "zuordnung.yml"
    zuordnung.write_text(
        "ags: Gemeindeschlüssel\nskalen:\n  zustimmung: {\"trifft voll zu\": 5, \"teils/teils\": 3}\n"
        "fehlend: {leer: [\"\"], weiss_nicht: [\"weiß nicht\"]}\n"
        "items: {STR01: Strategie, STR02: Koordination}\n", encoding="utf-8")
    bericht = importieren(pfad, zuordnung, studie, 2026)
    neu = _antworten(studie)
    assert neu.loc["99001001", ["STR01", "STR02"]].tolist() == ["5", "8"]
    assert neu.loc["99001005", ["STR01", "STR02"]].tolist() == ["3", ""]
    assert bericht.umkodiert["STR01"] == 2
