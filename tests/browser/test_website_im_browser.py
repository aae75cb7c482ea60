"""Jede Seite der Demo-Site in Headless-Chromium: axe-core (WCAG 2.1 A/AA) ohne Verstöße, kein
Seitwärtsscrollen bei 320 px, keine Anfrage außer file: und data:, jeder interne Link löst auf.

Dazu je Prüfung eine absichtlich kaputte Seite: Die Prüfung muss sie finden.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pruefung import SCHMAL, defekte_links, seite_pruefen

from analyse.berichte import html
from analyse.berichte.website import VORLAGEN

pytestmark = pytest.mark.langsam


@pytest.fixture(scope="session")
def befunde(demo_site, browser, axe_quelle) -> dict[Path, object]:
    return {p: seite_pruefen(browser, p, axe_quelle) for p in sorted(demo_site.rglob("*.html"))}


def _name(site: Path, pfad: Path) -> str:
    return str(pfad.relative_to(site))


def test_jede_seite_wird_geprueft(demo_site, befunde):
    namen = {_name(demo_site, p) for p in befunde}
    assert {"index.html", "abschlussbericht.html", "barrierefreiheit.html"} <= namen
    kommunen = {n for n in namen if n.startswith("kommunen/")}
    assert len(kommunen) == 8  # die Referenzkommunen der Demostudie


def test_axe_findet_keine_verstoesse(demo_site, befunde):
    verstoesse = {_name(demo_site, p): b.verstoesse for p, b in befunde.items() if b.verstoesse}
    assert not verstoesse, json.dumps(verstoesse, ensure_ascii=False, indent=1)


def test_nichts_scrollt_seitwaerts_bei_320_px(demo_site, befunde):
    zu_breit = {_name(demo_site, p): (b.breite_schmal, b.zu_breit)
                for p, b in befunde.items() if b.breite_schmal > SCHMAL}
    assert not zu_breit, json.dumps(zu_breit, ensure_ascii=False, indent=1)


def test_keine_anfrage_verlaesst_die_maschine(demo_site, befunde):
    fremd = {_name(demo_site, p): b.fremde_anfragen for p, b in befunde.items()
             if b.fremde_anfragen}
    assert not fremd, fremd
    # Die Mitschrift sieht Anfragen überhaupt: jede Seite lädt mindestens ihr Stylesheet.
    assert all(any(u.endswith("bericht.css") for u in b.anfragen) for b in befunde.values())


def test_jeder_interne_link_loest_auf(demo_site, befunde):
    assert defekte_links(befunde, demo_site) == []
    assert sum(len(b.links) for b in befunde.values()) > 50  # es gibt etwas zu prüfen


def test_fokusring_hat_auf_seinem_hintergrund_3_zu_1(demo_site, befunde):
    schwach = {_name(demo_site, p): b.fokus_schwach for p, b in befunde.items() if b.fokus_schwach}
    assert not schwach, schwach
    assert all(b.fokus_geprueft >= 5 for b in befunde.values())  # Navigation, Sprunglink, …


#: Tabellen, in denen erst mehrere Spalten zusammen die Zeile benennen (``zeilenkopf=False``)
OHNE_ZEILENKOPF = ("Gütemaße je Verfahren und k", "Relevante Leistungen im mitgelieferten Katalog")


def test_jede_tabelle_hat_zeilenkoepfe(demo_site, befunde):
    tabellen = [(_name(demo_site, p), t) for p, b in befunde.items() for t in b.tabellen]
    ohne = {(n, t["beschriftung"][:60]) for n, t in tabellen
            if t["zeilenkoepfe"] < t["zeilen"] and not t["beschriftung"].startswith(OHNE_ZEILENKOPF)}
    assert not ohne, sorted(ohne)
    assert len(tabellen) > 50


def test_keine_skriptfehler(demo_site, befunde):
    fehler = {_name(demo_site, p): b.skriptfehler for p, b in befunde.items() if b.skriptfehler}
    assert not fehler, fehler


# --- Die Prüfungen können scheitern ---------------------------------------------------------

KOPF = ('<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Probe</title><link rel="stylesheet" href="bericht.css"></head><body><main>'
        '<h1>Probe</h1>')
FUSS = "</main></body></html>"


@pytest.fixture
def probe(tmp_path, browser, axe_quelle):
    (tmp_path / "bericht.css").write_text((VORLAGEN / "bericht.css").read_text(encoding="utf-8"),
                                          encoding="utf-8")

    def pruefen(inhalt: str, name: str = "probe.html"):
        pfad = tmp_path / name
        pfad.write_text(KOPF + inhalt + FUSS, encoding="utf-8")
        return seite_pruefen(browser, pfad, axe_quelle)

    return pruefen


def _breite_tabelle(rahmen: bool) -> str:
    df = pd.DataFrame({f"Spalte {i}": ["Digitalisierungsstrategieentwicklung"] for i in range(8)})
    t = html.tabelle(df, "Breit").inhalt
    if not rahmen:  # dieselbe Tabelle ohne ihren Scroll-Kasten
        t = t[t.index("<table"):t.rindex("</div>")]
    return t


def test_breite_tabelle_ohne_scroll_kasten_faellt_auf(probe):
    ohne = probe(_breite_tabelle(rahmen=False))
    assert ohne.breite_schmal > SCHMAL and ohne.zu_breit
    mit = probe(_breite_tabelle(rahmen=True))
    assert mit.breite_schmal <= SCHMAL


def test_langes_wort_bricht_um(probe):
    wort = "Digitalisierungsbeschleunigungsverbandsumlagenberechnungsgrundlage" * 2
    assert probe(f"<h2>{wort}</h2><p>{wort}</p>").breite_schmal <= SCHMAL
    # ohne die Regeln aus bericht.css ragt es hinaus
    assert probe(f'<p style="overflow-wrap: normal">{wort}</p>').breite_schmal > SCHMAL


def test_axe_findet_bild_ohne_alternativtext(probe):
    befund = probe('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')
    assert "image-alt" in {v["id"] for v in befund.verstoesse}


def test_schwacher_fokusring_faellt_auf(probe):
    befund = probe('<style>a:focus-visible { outline: 3px solid #e69138 !important; '
                   'box-shadow: none !important; }</style><p><a href="#x" id="x">Link</a></p>')
    assert any("2.48:1" in s for s in befund.fokus_schwach), befund.fokus_schwach


def test_fremde_anfrage_wird_mitgeschnitten(probe):
    # Loopback: die Anfrage scheitert sofort, wird aber gesehen
    befund = probe('<img alt="" src="http://127.0.0.1:9/bild.png">')
    assert befund.fremde_anfragen == ["http://127.0.0.1:9/bild.png"]


def test_defekter_link_und_anker_fallen_auf(probe, tmp_path):
    seite = probe('<p><a href="fehlt.html">weg</a> <a href="#nirgends">Anker</a> '
                  '<a href="../draussen.html">hinaus</a> <a href="https://example.org">extern</a>'
                  '<a href="#da" id="da">da</a></p>')
    defekt = defekte_links({tmp_path / "probe.html": seite}, tmp_path)
    assert len(defekt) == 3, defekt
    assert any("fehlt.html" in d for d in defekt) and any("#nirgends" in d for d in defekt)
    assert any("hinaus" in d for d in defekt)
