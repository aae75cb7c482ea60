"""Lesen der Exportformate: LimeSurvey (beide Überschriftenstile), SPSS, Excel, CSV."""

from __future__ import annotations

import os

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from conftest import DATEN

from analyse.eingabe.fehler import Eingabefehler
from analyse.eingabe.quellen import lesen
from analyse.eingabe.quellen.anwenden import ags_normalisieren, spalten_einordnen


def test_limesurvey_beide_ueberschriftenstile_geben_dieselben_codes_und_werte():
    codes = lesen.lesen(DATEN / "limesurvey_codes.csv")
    texte = lesen.lesen(DATEN / "limesurvey_code_text.csv")
    assert codes.format == texte.format == "limesurvey"
    assert codes.codes == texte.codes
    assert "G02Q02[SQ001]" in codes.codes and "G03Q06[other]" in codes.codes
    pd.testing.assert_frame_equal(codes.daten, texte.daten)
    # der Fragetext steht nur im zweiten Stil, mit der Unterfrage in Klammern
    assert texte.spalte("G02Q02[SQ001]").text.endswith(
        "[Unsere Kommune hat eine beschlossene Digitalisierungsstrategie.]")
    assert codes.spalte("G02Q02[SQ001]").text == ""
    assert codes.zeilen == [2, 3, 4, 5, 6, 7, 8]
    assert codes.daten.loc[3, "submitdate"] == ""  # unvollständig
    assert codes.daten.loc[0, "G02Q02[SQ004]"] == ""  # keine Antwort


def test_limesurvey_metadaten_und_zeiten_werden_erkannt():
    q = lesen.lesen(DATEN / "limesurvey_codes.csv")
    arten = spalten_einordnen(q, set())
    assert {"id", "submitdate", "token", "ipaddr", "attribute_1"} <= set(arten["Metadaten"])
    assert {"interviewtime", "groupTime11", "G01Q01Time"} <= set(arten["Zeiten"])
    assert "G02Q02[SQ001]" in arten["nicht zugeordnet"]


@pytest.mark.parametrize("kopf, code, text", [
    ("G3Q00001[SQ002]. The child... [... can express him-/herself through sound.]",
     "G3Q00001[SQ002]", "The child... [... can express him-/herself through sound.]"),
    ("G2Q00005[other]", "G2Q00005[other]", ""),
    ("G01Q03", "G01Q03", ""),
    ("Anzahl Beschäftigte", "Anzahl Beschäftigte", "Anzahl Beschäftigte"),
])
def test_ueberschrift_zerlegen(kopf, code, text):
    s = lesen.kopf_zerlegen(kopf)
    assert (s.code, s.text) == (code, text)


def test_spss_mit_wertelabels(tmp_path):
    df = pd.DataFrame({"AGS": ["99001001", "99001002"], "STR01": [4.0, 9.0],
                       "beschaeftigte": [412.0, float("nan")]})
    pfad = tmp_path / "befragung.sav"
    pyreadstat.write_sav(df, str(pfad), column_labels=["Gemeindeschlüssel", "Strategie", "Köpfe"],
                         variable_value_labels={"STR01": {4.0: "trifft eher zu",
                                                          9.0: "keine Angabe"}},
                         missing_ranges={"STR01": [9.0]})
    q = lesen.lesen(pfad)
    assert q.format == "spss"
    assert q.daten["STR01"].tolist() == ["4", "9"]  # benutzerdefinierter Fehlcode bleibt
    assert q.daten["beschaeftigte"].tolist() == ["412", ""]
    assert q.wertelabels["STR01"] == {"4": "trifft eher zu", "9": "keine Angabe"}
    assert q.spalte("STR01").text == "Strategie"


def test_excel_mit_titelzeilen_ueber_dem_kopf(tmp_path):
    pfad = tmp_path / "antworten.xlsx"
    mappe = openpyxl.Workbook()
    blatt = mappe.active
    blatt["A1"] = "Befragung Digitalisierung 2026"
    blatt.merge_cells("A1:D1")
    blatt["A2"] = "Stand: Mai 2026"
    blatt.append([])
    blatt.append(["AGS", "Strategie beschlossen", "Beschäftigte", "Bemerkung"])
    blatt.append([1001000, "trifft eher zu", 412, None])  # AGS als Zahl: führende Null weg
    blatt.append(["99001002", "trifft voll zu", 1250.0, "x"])
    mappe.create_sheet("Legende")["A1"] = "Erläuterungen"
    mappe.save(pfad)
    q = lesen.lesen(pfad)
    assert q.format == "excel"
    assert q.codes == ["AGS", "Strategie beschlossen", "Beschäftigte", "Bemerkung"]
    assert q.zeilen == [5, 6]
    assert q.daten["Beschäftigte"].tolist() == ["412", "1250"]
    assert any("Zeile 4" in h for h in q.hinweise)
    assert ags_normalisieren(q.daten["AGS"].iat[0]) == ("01001000", True)


def test_xlsx_mit_endung_csv_wird_als_excel_gelesen(tmp_path):
    pfad = tmp_path / "export.csv"
    mappe = openpyxl.Workbook()
    mappe.active.append(["AGS", "STR01"])
    mappe.active.append(["99001001", 3])
    mappe.save(pfad)
    q = lesen.lesen(pfad)
    assert q.format == "excel" and q.daten["STR01"].tolist() == ["3"]
    assert "Excel-Datei" in q.hinweise[0]


def test_csv_mit_komma_und_windows_kodierung(tmp_path):
    pfad = tmp_path / "eigene.csv"
    pfad.write_bytes("AGS,Größe\n99001001,12\n".encode("cp1252"))
    q = lesen.lesen(pfad)
    assert q.format == "csv" and q.codes == ["AGS", "Größe"]
    assert "Windows-1252" in q.hinweise[0]


def test_unbekannte_endung_und_fehlende_datei(tmp_path):
    with pytest.raises(Eingabefehler, match="Endung"):
        (tmp_path / "x.pdf").write_bytes(b"%PDF")
        lesen.lesen(tmp_path / "x.pdf")
    with pytest.raises(Eingabefehler, match="vorhandene Datei"):
        lesen.lesen(tmp_path / "fehlt.csv")


def test_zeile_mit_falscher_feldzahl(tmp_path):
    pfad = tmp_path / "kaputt.csv"
    pfad.write_text('"id";"submitdate";"AGS"\n"1";"2026-01-01";"99001"\n"2";"x"\n',
                    encoding="utf-8")
    with pytest.raises(Eingabefehler) as e:
        lesen.lesen(pfad)
    assert "Zeile 3" in e.value.text() and "3 Felder" in e.value.text()


def test_fifo_haelt_nicht_an(tmp_path):
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    with pytest.raises(Eingabefehler, match="FIFO"):
        lesen.lesen(fifo)
