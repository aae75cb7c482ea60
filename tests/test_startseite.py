"""Startseite: Stand, Eckdaten, Tabelle mit Typ, Stufe, Reifegrad und Fassungen; ohne JS vollständig."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from analyse import pipeline
from analyse.berichte import startseite, website
from analyse.ergebnisse import laden


@pytest.fixture(scope="module")
def erg(kleine_studie_vorlage, tmp_path_factory):
    aus = tmp_path_factory.mktemp("startseite")
    pipeline.auswerten(pipeline.Pfade(kleine_studie_vorlage, aus))
    return laden(aus / "ergebnisse")


def _seite(erg, tmp_path, ags_liste, fassungen=()):
    (tmp_path / "kommunen").mkdir(exist_ok=True)
    for ags, endung in fassungen:
        (tmp_path / "kommunen" / f"{ags}.{endung}").write_bytes(b"x")
    zeilen = startseite.zeilen(erg, ags_liste, tmp_path)
    inhalt, skript = website.startseite_inhalt(erg, tmp_path, zeilen)
    return BeautifulSoup(inhalt, "html.parser"), zeilen, skript


def test_tabelle_mit_stufe_reifegrad_und_links(erg, tmp_path):
    refs = list(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    soup, zeilen, skript = _seite(erg, tmp_path, refs, [(refs[0], "pdf"), (refs[0], "xlsx")])
    koepfe = [th.get_text() for th in soup.select("#kommunenliste thead th")]
    assert {"Stufe", "Reifegrad gesamt", "Weitere Fassungen"} <= set(koepfe)
    reihen = soup.select("#kommunenliste tbody tr")
    assert len(reihen) == len(refs)
    erste = soup.find("a", href=f"kommunen/{refs[0]}.pdf")
    assert erste is not None and soup.find("a", href=f"kommunen/{refs[0]}.xlsx") is not None
    # nur vorhandene Fassungen werden verlinkt
    assert soup.find("a", href=f"kommunen/{refs[1]}.pdf") is None
    r = erg.tabelle("reifegrad")
    r = r[(r["welle"] == erg.studie.aktuelle_welle) & (r["handlungsfeld"] == "gesamt")]
    stufen = r.set_index("ags")["stufe"]
    for z in zeilen:
        erwartet = stufen.get(z["ags"])
        assert z["stufe"] == (erwartet if isinstance(erwartet, str) else "")
    # nur Referenzkommunen: keine Marke, die nur "ja" wiederholt
    assert not soup.select(".marke")
    assert "aria-sort" in skript and "localeCompare" in skript


def test_ohne_javascript_vollstaendig_und_stand_genannt(erg, tmp_path):
    alle = list(erg.kommunen.index)
    soup, _, _ = _seite(erg, tmp_path, alle)
    assert len(soup.select("#kommunenliste tbody tr")) == len(alle)
    # das Suchfeld braucht JavaScript und ist ohne es verborgen
    assert soup.select_one(".liste-filter").has_attr("hidden")
    assert soup.select(".marke")  # gemischte Liste: Referenzkommunen markiert
    untertitel = soup.select_one(".untertitel").get_text()
    assert erg.studie.wellen[-1].bezeichnung in untertitel or re.search(r"\d{4}", untertitel)
    eckdaten = dict(zip([d.get_text() for d in soup.select("dl.kennzahlen dt")],
                        [d.get_text() for d in soup.select("dl.kennzahlen dd")], strict=True))
    assert eckdaten["Kommunen in der Studie"] == str(len(erg.kommunen))


def test_namen_werden_maskiert(erg, tmp_path):
    ags = erg.kommunen.index[0]
    erg.kommunen.loc[ags, "name"] = '<img src=x onerror="alert(1)">'
    try:
        soup, _, _ = _seite(erg, tmp_path, [ags])
        assert soup.find("img") is None
    finally:
        erg.kommunen.loc[ags, "name"] = "x"
