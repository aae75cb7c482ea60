"""Glossar: jede Abkürzung einer Seite wird erklärt, aus einer Datei."""

from __future__ import annotations

import re

import pytest

from analyse.berichte import glossar, html


def test_findet_ganze_woerter_und_schreibweisen():
    gefunden = {b.begriff for b in glossar.gefunden(
        "<p>OZG-Leistungen in GK 7, 0,3 VZÄ, 12 PT; TR-RESISCAN; PTB und OZGX nicht.</p>")}
    assert gefunden == {"OZG", "GK", "VZÄ", "Personentage", "RESISCAN"}


def test_liest_nur_sichtbaren_text():
    assert glossar.gefunden('<img alt="" src="data:image/png;base64,OZGVZÄ"><p>nichts</p>') == []


def test_glossar_sammelt_die_angezeigten_abschnitte():
    html.seite_beginnen()
    html.absatz("Die DSFA nach DSGVO.")._repr_html_()
    inhalt = str(glossar.glossar())
    assert "DSFA" in inhalt and "DSGVO" in inhalt and "OZG" not in inhalt
    html.seite_beginnen()
    assert "keine Abkürzungen" in str(glossar.glossar())


def test_ergaenzen_erklaert_spaeter_eingefuegten_text():
    """Der PDF-Link kommt erst nach dem Notebook auf die Seite; sein "PDF" erklärt das Glossar."""
    html.seite_beginnen()
    html.absatz("Die OECD und das OZG.")._repr_html_()
    seite = f"<h2>Glossar</h2>{glossar.glossar()}<p>Ende</p>"
    neu = glossar.ergaenzen(seite, "Als PDF herunterladen")
    begriffe = re.findall(r'<dt id="[^"]+">([^<]+)</dt>', neu)
    assert begriffe == ["OECD", "OZG", "PDF"]  # alphabetisch, nur die Einträge der Seite (nicht JRC)
    assert neu.endswith("<p>Ende</p>") and neu.count('<dl class="glossar">') == 1
    assert glossar.ergaenzen(neu, "PDF") == neu  # schon erklärt: unverändert
    leer = f"<h2>Glossar</h2>{html.absatz(glossar.KEINE_ABKUERZUNGEN)}"
    assert re.findall(r"<dt[^>]*>([^<]+)</dt>", glossar.ergaenzen(leer, "PDF")) == ["PDF"]
    assert glossar.ergaenzen("<p>ohne Glossar</p>", "PDF") == "<p>ohne Glossar</p>"


def test_jeder_eintrag_vollstaendig_und_eindeutig():
    begriffe = glossar.begriffe()
    assert len({b.begriff for b in begriffe}) == len(begriffe)
    schreibweisen = [s for b in begriffe for s in b.schreibweisen]
    assert len(set(schreibweisen)) == len(schreibweisen)
    for b in begriffe:
        assert b.erklaerung.strip().endswith(".")


#: Großbuchstaben-Wörter, die keine Abkürzung sind, die ein Laie nachschlagen müsste.
KEINE_ABKUERZUNG = {"IT", "EU", "KPIs", "IDs", "WLAN", "SPEC", "ORP", "OPS", "NET", "II", "III"}


@pytest.mark.langsam
def test_jede_abkuerzung_der_site_steht_im_glossar_der_seite(lauf):
    """Jedes Wort aus zwei oder mehr Großbuchstaben auf einer Berichtsseite wird dort erklärt."""
    site = lauf["ausgabe"] / "berichte" / "_site"
    seiten = [site / "abschlussbericht.html", *(site / "kommunen").glob("*.html")]
    schreibweisen = {s: b for b in glossar.begriffe() for s in b.schreibweisen}
    for seite in seiten:
        text = seite.read_text(encoding="utf-8")
        teile = text.split('<dl class="glossar">')
        assert len(teile) == 2, f"{seite.name}: kein Glossar"
        inhalt, erklaert = teile
        sichtbar = glossar._nur_text(re.sub(r"<(header|nav|footer)\b.*?</\1>", " ", inhalt,
                                            flags=re.S))
        erklaert_text = glossar._nur_text(erklaert.split("</dl>")[0])
        # Jedes Kompositum mit einem Wort aus Großbuchstaben ("OZG-Leistung", "TR-RESISCAN")
        # muss eine Schreibweise des Glossars enthalten, die dort erklärt wird.
        for kompositum in set(re.findall(r"[\w.]*[A-ZÄÖÜ]{2,}[\w.-]*", sichtbar)):
            kompositum = kompositum.strip(".-")
            teile = set(re.findall(r"[A-ZÄÖÜ][A-ZÄÖÜ0-9]+[a-z]?", kompositum))
            if not teile or teile <= KEINE_ABKUERZUNG:
                continue
            treffer = [b for s, b in schreibweisen.items()
                       if glossar._muster(s).search(kompositum)]
            assert treffer, f"{seite.name}: {kompositum} fehlt in glossar.yml"
            assert any(b.begriff in erklaert_text for b in treffer), f"{seite.name}: {kompositum}"
