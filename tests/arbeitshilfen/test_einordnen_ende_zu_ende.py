"""Ende zu Ende über die Kommandozeile: Arbeitsbuch → ausfüllen → Bericht; Site bietet es an."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from arbeitshilfen_hilfen import ausgefuellt, auskunft_der_studie
from hilfen import analyse_lauf, defekte_links
from openpyxl import load_workbook

from analyse.arbeitshilfen import selbstauskunft as sa
from analyse.ergebnisse import speicher

pytestmark = pytest.mark.langsam


def _stand(ordner: Path) -> dict[str, str]:
    return {str(p.relative_to(ordner)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(ordner.rglob("*")) if p.is_file()}


def test_mitglied_bekommt_seinen_bericht_mit_einem_befehl(studie, erg, tmp_path):
    r = analyse_lauf("selbstauskunft", "--daten", str(studie.daten), "--ausgabe",
                     str(tmp_path / "leer.xlsx"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # Eine Kommune, die nicht in der Studie war, füllt das Arbeitsbuch aus
    vorlage = str(erg.kommunen.index[erg.kommunen["referenzkommune"]][0])
    kommune, antworten = auskunft_der_studie(erg, vorlage)
    kommune.update(ags="09999001" if len(vorlage) == 8 else "09999", name="Neuhausen")
    wb = load_workbook(tmp_path / "leer.xlsx")
    sa.ausfuellen(wb, erg.fragebogen, kommune, antworten)
    wb.save(tmp_path / "neuhausen.xlsx")

    vorher = _stand(studie.ergebnisse)
    r = analyse_lauf("einordnen", "--daten", str(studie.daten), "--antwort",
                     str(tmp_path / "neuhausen.xlsx"), "--ausgabe", str(tmp_path / "aus"),
                     "--parallel", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert _stand(studie.ergebnisse) == vorher
    ags = kommune["ags"]
    assert f"{ags} Neuhausen: Reifegrad" in r.stdout
    seite = (tmp_path / "aus" / "kommunen" / f"{ags}.html").read_text(encoding="utf-8")
    assert "beruht auf einer Selbstauskunft (neuhausen.xlsx)" in seite
    for abschnitt in ("Auf einen Blick", "Reifegrad je Handlungsfeld", "Kommunentyp",
                      "Handlungsempfehlungen", "Roadmap"):
        assert re.search(rf"<h2[^>]*>\s*{re.escape(abschnitt)}", seite), abschnitt
    assert (tmp_path / "aus" / "kommunen" / f"{ags}.xlsx").exists()
    assert f'href="kommunen/{ags}.html"' in (tmp_path / "aus" / "index.html").read_text(
        encoding="utf-8")
    # die Navigation verlinkt die Erklärung zur Barrierefreiheit: sie liegt daneben
    erklaerung = (tmp_path / "aus" / "barrierefreiheit.html").read_text(encoding="utf-8")
    assert "Erklärung zur Barrierefreiheit" in erklaerung and "Excel-Arbeitsbücher" in erklaerung
    # jede Seite der Einordnung verlinkt nur, was es dort gibt (kein Abschlussbericht)
    assert defekte_links(tmp_path / "aus") == []


def test_ordner_mit_fortschritt_und_isolierten_fehlern(studie, erg, tmp_path):
    ordner = tmp_path / "eingang"
    for ags in [str(a) for a in erg.kommunen.index[:2]]:
        ausgefuellt(erg, ordner / f"{ags}.xlsx", *auskunft_der_studie(erg, ags))
    sa.schreiben(erg.fragebogen, ordner / "leer.xlsx")
    r = analyse_lauf("einordnen", "--daten", str(studie.daten), "--antwort", str(ordner),
                     "--ausgabe", str(tmp_path / "aus"), "--parallel", "1", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "✗ leer.xlsx" in r.stderr and "leer" in r.stderr
    assert "2 erstellt" in r.stdout
    assert len(list((tmp_path / "aus" / "kommunen").glob("*.html"))) == 2


def test_fehlerhafte_datei_exit_2_und_nichts_geschrieben(studie, erg, tmp_path):
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", {"ags": "12", "name": "N", "art": "Stadt",
                                                  "einwohner": 5}, {"STR01": 3.0})
    r = analyse_lauf("einordnen", "--daten", str(studie.daten), "--antwort", str(pfad),
                     "--ausgabe", str(tmp_path / "aus"), cwd=tmp_path)
    assert r.returncode == 2
    assert "a.xlsx, Blatt 'Stammdaten', Zelle C6, Wert '12'" in r.stderr
    assert "Es wurde nichts geschrieben." in r.stderr
    assert not (tmp_path / "aus").exists()


def test_site_bietet_die_selbstauskunft_an(lauf):
    site = lauf["ausgabe"] / "berichte" / "_site"
    erg = speicher.laden(lauf["ausgabe"] / "ergebnisse")
    buch = load_workbook(site / "selbstauskunft.xlsx")
    assert buch[sa.BLATT_CODEBUCH]["B1"].value == sa.fingerabdruck(erg.fragebogen)
    for seite in ("index.html", "abschlussbericht.html"):
        text = (site / seite).read_text(encoding="utf-8")
        assert '<a href="selbstauskunft.xlsx">Selbstauskunft herunterladen</a>' in text, seite
        assert "analyse einordnen" in text, seite
