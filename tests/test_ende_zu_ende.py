"""Ende zu Ende: `analyse alles` auf einer kleinen Studie in einen Temporärordner."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hilfen import BOESE
from hilfen import analyse_lauf as _lauf

pytestmark = pytest.mark.langsam


def test_site_hat_seite_je_referenzkommune(lauf):
    site = lauf["ausgabe"] / "berichte" / "_site"
    k = lauf["kommunen"]
    refs = set(k.loc[k["referenzkommune"] == "ja", "ags"])
    seiten = {p.stem for p in (site / "kommunen").glob("*.html")}
    assert seiten == refs
    index = (site / "index.html").read_text(encoding="utf-8")
    for ags in refs:
        assert f'href="kommunen/{ags}.html"' in index
    assert 'href="abschlussbericht.html"' in index
    assert "index.html" in lauf["ausgabe_text"]


@pytest.mark.parametrize("abschnitt", [
    "Auf einen Blick", "Reifegrad je Handlungsfeld", "Kommunentyp", "Stärken und Schwächen",
    "Handlungsempfehlungen", "Roadmap", "Glossar"])
def test_kommunenbericht_abschnitte(lauf, abschnitt):
    site = lauf["ausgabe"] / "berichte" / "_site"
    for seite in (site / "kommunen").glob("*.html"):
        text = seite.read_text(encoding="utf-8")
        assert re.search(rf"<h2[^>]*>\s*{re.escape(abschnitt)}", text), (seite.name, abschnitt)


def test_seiten_sind_berichte(lauf):
    site = lauf["ausgabe"] / "berichte" / "_site"
    for seite in [site / "index.html", site / "abschlussbericht.html",
                  *(site / "kommunen").glob("*.html")]:
        text = seite.read_text(encoding="utf-8")
        assert '<html lang="de">' in text
        assert "from analyse" not in text and "erg = laden" not in text  # kein Code
        assert "Traceback" not in text and "Error" not in text
        assert 'href="' in text and "index.html" in text  # Navigation


@pytest.mark.parametrize("abschnitt", [
    "Das Wichtigste in Kürze", "Referenzkommunen", "Kommunentypen", "Reifegrad im Überblick",
    "Handlungsempfehlungen", "OZG im Verband", "Personal und Finanzen", "Anhang: Methodik",
    "Glossar"])
def test_abschlussbericht_abschnitte(lauf, abschnitt):
    text = (lauf["ausgabe"] / "berichte" / "_site" / "abschlussbericht.html").read_text("utf-8")
    assert re.search(rf"<h2[^>]*>\s*{re.escape(abschnitt)}", text)


def test_daten_werden_maskiert(lauf):
    site = lauf["ausgabe"] / "berichte" / "_site"
    alle = [site / "index.html", site / "abschlussbericht.html",
            *(site / "kommunen").glob("*.html")]
    for seite in alle:
        assert BOESE not in seite.read_text(encoding="utf-8"), seite
    eigene = (site / "kommunen" / f"{lauf['boese_ags']}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in eigene


def test_alles_liegt_unter_ausgabe(lauf):
    assert not (lauf["daten"] / "ergebnisse").exists()
    assert not (lauf["basis"] / "berichte").exists()
    erg = lauf["ausgabe"] / "ergebnisse"
    assert (erg / "modell.json").exists() and (erg / "tabellen" / "reifegrad.parquet").exists()
    assert not list(erg.rglob("*.pkl")) and not list(erg.rglob("*.pickle"))
    json.loads((erg / "modell.json").read_text(encoding="utf-8"))


def test_gleiche_eingabe_gleiche_tabellen(lauf, tmp_path):
    r = _lauf("auswerten", "--daten", str(lauf["daten"]), "--ausgabe", str(tmp_path),
              cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    a = lauf["ausgabe"] / "ergebnisse"
    b = tmp_path / "ergebnisse"
    assert (a / "modell.json").read_bytes() == (b / "modell.json").read_bytes()
    namen = sorted(p.name for p in (a / "tabellen").glob("*.parquet"))
    assert namen == sorted(p.name for p in (b / "tabellen").glob("*.parquet"))
    for name in namen:
        pd.testing.assert_frame_equal(pd.read_parquet(a / "tabellen" / name),
                                      pd.read_parquet(b / "tabellen" / name))


def test_fehlerhafte_eingabe_schreibt_nichts(kleine_studie, tmp_path):
    pfad = kleine_studie / "antworten.csv"
    zeilen = pfad.read_text(encoding="utf-8").splitlines()
    kopf = zeilen[0].split(",")
    felder = zeilen[4].split(",")
    felder[kopf.index("ORG02")] = "6"
    zeilen[4] = ",".join(felder)
    zeilen.append(zeilen[1])
    pfad.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    ausgabe = tmp_path / "aus"
    for befehl in ("pruefen", "alles"):
        extra = ["--ausgabe", str(ausgabe)] if befehl == "alles" else []
        r = _lauf(befehl, "--daten", str(kleine_studie), *extra, cwd=tmp_path)
        assert r.returncode == 2
        assert "antworten.csv, Zeile 5, Spalte 'ORG02', Wert '6'" in r.stderr
        assert f"Zeile {len(zeilen)}" in r.stderr  # alle Probleme, nicht nur das erste
    assert not ausgabe.exists()


def test_alle_kommunen_mit_filter_und_inkrementell(lauf, tmp_path):
    """`--alle`: ein Bericht je Kommune, durchsuchbare Startseite; ein zweiter Lauf ohne
    Änderungen erstellt nichts neu."""
    import shutil

    ausgabe = tmp_path / "aus"
    shutil.copytree(lauf["ausgabe"], ausgabe)
    args = ["--daten", str(lauf["daten"]), "--ausgabe", str(ausgabe)]
    r = _lauf("berichte", *args, "--alle", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _lauf("website", *args, "--nbconvert", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    site = ausgabe / "berichte" / "_site"
    alle = set(lauf["kommunen"]["ags"])
    assert {p.stem for p in (site / "kommunen").glob("*.html")} == alle
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<input id="filter" type="search"' in index and '<label for="filter">' in index
    r = _lauf("berichte", *args, "--alle", cwd=tmp_path)
    assert r.returncode == 0
    assert f"0 erstellt, {len(alle) + 1} unverändert übersprungen" in r.stdout + r.stderr
