"""Website: nur Berichte des letzten Laufs, Seitenrahmen (Quarto: test_quarto.py)."""

from __future__ import annotations

import json
import shutil

import pytest

from analyse.berichte import website
from analyse.ergebnisse import speicher as ergebnisse


def test_seite_ist_deutsch_und_maskiert_den_titel():
    html = website.seite("<b>Titel</b>", "<p>sicher</p>", "Studie & Co")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html
    assert "&lt;b&gt;Titel&lt;/b&gt;" in html and "Studie &amp; Co" in html
    assert "<p>sicher</p>" in html  # Inhalt ist bereits sicheres HTML


@pytest.mark.langsam
def test_site_zeigt_nur_berichte_des_letzten_laufs(lauf, tmp_path):
    erg = ergebnisse.laden(lauf["ausgabe"] / "ergebnisse")
    berichte = tmp_path / "berichte"
    shutil.copytree(lauf["ausgabe"] / "berichte", berichte,
                    ignore=shutil.ignore_patterns("_site"))
    lauf_liste = json.loads((berichte / "berichte.json").read_text(encoding="utf-8"))["kommunen"]
    # ein alter Bericht aus einem früheren Lauf liegt noch im Ordner
    alt = next(a for a in erg.kommunen.index if a not in lauf_liste)
    shutil.copy2(berichte / "kommunen" / f"{lauf_liste[0]}.ipynb",
                 berichte / "kommunen" / f"{alt}.ipynb")
    shutil.copy2(berichte / "html" / "kommunen" / f"{lauf_liste[0]}.html",
                 berichte / "html" / "kommunen" / f"{alt}.html")
    site = website.nbconvert_site(erg, berichte)
    seiten = {p.stem for p in (site / "kommunen").glob("*.html")}
    assert seiten == set(lauf_liste)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert alt not in index
    assert not list(site.rglob(".*"))  # keine Manifeste o. Ä. veröffentlichen


@pytest.mark.langsam
def test_website_ohne_berichte_ist_ein_klarer_fehler(tmp_path, lauf):
    erg = ergebnisse.laden(lauf["ausgabe"] / "ergebnisse")
    with pytest.raises(FileNotFoundError, match="analyse berichte"):
        website.nbconvert_site(erg, tmp_path / "leer")
