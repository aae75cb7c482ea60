"""``analyse zuordnung-entwurf``: Codes genau, Fragetexte unscharf, Kommentare an unsicheren Stellen."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import DATEN

from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe.fehler import Eingabefehler
from analyse.eingabe.quellen import entwurf, lesen, limesurvey_struktur
from analyse.eingabe.quellen.importieren import entwurf_schreiben, importieren


def test_entwurf_findet_spalten_ueber_fragetexte_und_markiert_unsicheres(studie, tmp_path):
    ziel = tmp_path / "zuordnung.yml"
    entwurf_schreiben(DATEN / "limesurvey_code_text.csv", studie, ziel)
    text = ziel.read_text(encoding="utf-8")
    daten = yaml.safe_load(text)
    assert daten["ags"] == "G01Q01"
    assert daten["items"]["STR01"]["spalte"] == "G02Q02[SQ001]"
    assert daten["items"]["STR05"]["spalte"] == "G02Q02[SQ005]"
    assert daten["items"]["STR05"]["umkodierung"]["A6"] == 8  # A6 nach A1–A5: weiß nicht
    assert daten["items"]["STRUK_BESCH"] == "G03Q03"
    zeile_str02 = next(z for z in text.splitlines() if z.startswith("  STR02:"))
    assert "PRÜFEN: unsicher" in zeile_str02  # Text anders formuliert
    zeile_str01 = next(z for z in text.splitlines() if z.startswith("  STR01:"))
    assert "unsicher" not in zeile_str01
    assert "# ORG01: \"\"  # PRÜFEN: keine passende Spalte" in text
    # der Entwurf ist eine gültige Zuordnung: er importiert ohne Änderung
    bericht = importieren(DATEN / "limesurvey_code_text.csv", ziel, studie, 2026)
    assert bericht.uebernommen == 3


def test_entwurf_ueberschreibt_nichts(studie, tmp_path):
    ziel = tmp_path / "zuordnung.yml"
    ziel.write_text("# meine Arbeit\n", encoding="utf-8")
    with pytest.raises(Eingabefehler, match="existiert schon"):
        entwurf_schreiben(DATEN / "limesurvey_codes.csv", studie, ziel)
    assert ziel.read_text(encoding="utf-8") == "# meine Arbeit\n"


def test_antworttexte_werden_aus_den_skalenbeschriftungen_umkodiert(studie, tmp_path):
    pfad = tmp_path / "texte.csv"
    pfad.write_text('"id";"submitdate";"AGS";"STR01";"ZIE_RECHT"\n'
                    '"1";"2026-05-01";"99001001";"trifft voll zu";"weiß nicht"\n'
                    '"2";"2026-05-01";"99001002";"Trifft eher zu";"hohe Priorität"\n'
                    '"3";"2026-05-01";"99001003";"weiß nicht";"keine Angabe"\n', encoding="utf-8")
    fb = fragebogen_modul.laden(studie / "fragebogen.yml")
    text = entwurf.entwurf(lesen.lesen(pfad), fb, "texte.csv")
    daten = yaml.safe_load(text)
    assert daten["skalen"]["zustimmung"]["trifft voll zu"] == 5
    assert daten["skalen"]["zustimmung"]["Trifft eher zu"] == 4
    assert daten["fehlend"]["weiss_nicht"] == ["weiß nicht"]
    assert daten["fehlend"]["keine_angabe"] == ["keine Angabe"]
    # die Prioritätsskala kennt kein „weiß nicht“: für dieses Item leer, mit Hinweis
    assert daten["items"]["ZIE_RECHT"]["fehlend"] == {"leer": ["weiß nicht"]}
    assert "keinen Code für 'weiss_nicht'" in text


@pytest.mark.parametrize("item, spalte, erwartet", [
    ("Unsere Kommune hat eine beschlossene Digitalisierungsstrategie.",
     "Wie sehr trifft zu? [Unsere Kommune hat eine beschlossene Digitalisierungsstrategie.]", 100),
    ("Priorität: Bürgernähe", "Wie hoch ist der Anteil der Online-Anträge?", 0),
])
def test_textaehnlichkeit(item, spalte, erwartet):
    wert = entwurf.textaehnlichkeit(item, spalte)
    assert (wert >= entwurf.SICHER) if erwartet else (wert < entwurf.MINDESTENS)


@pytest.mark.parametrize("struktur", ["limesurvey_survey_123456.txt",
                                      "limesurvey_survey_123456.lss"])
def test_entwurf_mit_umfragestruktur_fuer_einen_export_nur_mit_codes(studie, tmp_path, struktur):
    ziel = tmp_path / "zuordnung.yml"
    entwurf_schreiben(DATEN / "limesurvey_codes.csv", studie, ziel,
                      struktur=DATEN / struktur)
    text = ziel.read_text(encoding="utf-8")
    daten = yaml.safe_load(text)
    assert daten["ags"] == "G01Q01"
    for n in range(1, 6):
        assert daten["items"][f"STR0{n}"]["spalte"] == f"G02Q02[SQ00{n}]"
        # aus den Antworttexten, auch für Codes, die niemand gewählt hat
        assert daten["items"][f"STR0{n}"]["umkodierung"] == {"A1": 1, "A2": 2, "A3": 3,
                                                             "A4": 4, "A5": 5}
        assert daten["items"][f"STR0{n}"]["fehlend"] == {"weiss_nicht": ["A6"]}
    assert "nach ihrer Nummer" not in text  # keine Vermutung aus der Reihenfolge nötig
    bericht = importieren(DATEN / "limesurvey_codes.csv", ziel, studie, 2026)
    assert bericht.uebernommen == 3


def test_umfragestruktur_unlesbar(studie, tmp_path):
    kaputt = tmp_path / "umfrage.lss"
    kaputt.write_text("<document><questions>", encoding="utf-8")
    with pytest.raises(Eingabefehler, match="LimeSurvey-Umfragestruktur"):
        entwurf_schreiben(DATEN / "limesurvey_codes.csv", studie, tmp_path / "z.yml",
                          struktur=kaputt)


def test_umfragestruktur_passt_auch_auf_spss_namen():
    wissen = limesurvey_struktur.lesen(DATEN / "limesurvey_survey_123456.txt")
    quelle = lesen.Quelle("x.sav", "spss", [lesen.Spalte("G02Q02_SQ001", "G02Q02_SQ001", "")],
                          pd.DataFrame({"G02Q02_SQ001": ["A1"]}), [1])
    reich = limesurvey_struktur.anreichern(quelle, wissen)
    assert reich.spalten[0].text.endswith("[Unsere Kommune hat eine beschlossene "
                                          "Digitalisierungsstrategie.]")
    assert reich.wertelabels["G02Q02_SQ001"]["A6"] == "weiß nicht"


def test_hinweis_auf_limesurvey_antwortcodes(studie, fixtures):
    zuordnung = fixtures / "zuordnung_limesurvey.yml"
    zuordnung.write_text(zuordnung.read_text(encoding="utf-8").replace(
        "  zustimmung: {A1: 1, A2: 2, A3: 3, A4: 4, A5: 5}\n", "  zustimmung: {}\n"),
        encoding="utf-8")
    with pytest.raises(Eingabefehler, match="--struktur"):
        importieren(DATEN / "limesurvey_codes.csv", zuordnung, studie, 2026)
