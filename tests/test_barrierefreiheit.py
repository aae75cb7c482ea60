"""Erklärung zur Barrierefreiheit, Angaben in studie.yml, Fokusfarben, Zeilenköpfe."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hilfen import BOESE
from pydantic import ValidationError

from analyse.berichte import barrierefreiheit, html, website
from analyse.eingabe import studie as studie_modul

WURZEL = Path(__file__).resolve().parents[1]


def _studie(**barrierefreiheit_angaben) -> studie_modul.Studie:
    daten = {"titel": "Monitor", "verband": "Verband", "wellen": [{"id": 2026, "bezeichnung": "E"}]}
    if barrierefreiheit_angaben is not None:
        daten["barrierefreiheit"] = {
            "stelle": "Zweckverband", "email": "hilfe@verband.example", "datum": "2026-11-20",
            "durchsetzung": {"name": "Durchsetzungsstelle", "webseite": "https://d.example"},
        } | barrierefreiheit_angaben
    return studie_modul.Studie.model_validate(daten)


def test_erklaerung_hat_die_teile_des_musters():
    seite = barrierefreiheit.inhalt(_studie(ueberprueft="2026-12-01"), []).inhalt
    assert seite.count("<h1") == 1 and "Erklärung zur Barrierefreiheit" in seite
    for anker in ("stand", "nicht-barrierefrei", "erstellung", "feedback", "durchsetzung"):
        assert f'id="{anker}"' in seite
    assert "teilweise mit der BITV 2.0 vereinbar" in seite
    assert "am 20.11.2026 erstellt und zuletzt am 01.12.2026 überprüft" in seite
    assert f"axe-core {barrierefreiheit.AXE_VERSION}" in seite and "Selbstbewertung" in seite
    assert '<a href="mailto:hilfe@verband.example">' in seite
    assert '<a href="https://d.example">' in seite and "Durchsetzungsstelle" in seite
    assert "Leichter Sprache" in seite  # ehrlich: BITV 2.0 § 4 ist nicht erfüllt


def test_nicht_barrierefreie_downloads_nur_wenn_sie_da_sind():
    def titel(downloads, quarto=False):
        return " ".join(t for t, _ in barrierefreiheit.nicht_barrierefrei(downloads, quarto))

    assert "PDF" not in titel([]) and "Excel" not in titel([]) and "Quarto" not in titel([])
    assert "PDF" in titel(["kommunen/01001000.pdf"]) and "Excel" not in titel(["a.pdf"])
    assert "Excel" in titel(["selbstauskunft.xlsx"])
    assert "Quarto" in titel([], quarto=True)
    assert "Diagramme" in titel([])


def test_daten_werden_maskiert():
    s = _studie(stelle=BOESE, anschrift=BOESE, telefon=BOESE,
                durchsetzung={"name": BOESE, "anschrift": BOESE})
    seite = barrierefreiheit.inhalt(s, []).inhalt
    assert "<script>" not in seite and seite.count("&lt;script&gt;") >= 5


def test_ohne_angaben_sagt_die_seite_was_fehlt():
    s = studie_modul.Studie.model_validate(
        {"titel": "T", "verband": "V", "wellen": [{"id": 2026, "bezeichnung": "E"}]})
    assert s.barrierefreiheit is None
    seite = barrierefreiheit.inhalt(s, []).inhalt
    assert "fehlt der Abschnitt barrierefreiheit" in seite and "mailto:" not in seite


@pytest.mark.parametrize("aenderung, feld", [
    ({"email": "keine-adresse"}, "email"),
    ({"email": 'a@b.de"><script>'}, "email"),
    ({"ueberprueft": "2026-01-01"}, "ueberprueft"),
    ({"webadresse": "javascript:alert(1)"}, "webadresse"),
    ({"durchsetzung": {"name": "D", "webseite": "javascript:alert(1)"}}, "webseite"),
    ({"durchsetzung": {"name": ""}}, "name"),
])
def test_studie_prueft_die_angaben(aenderung, feld):
    with pytest.raises(ValidationError, match=feld):
        _studie(**aenderung)


def test_demostudie_fuellt_den_abschnitt():
    for pfad in (WURZEL / "daten" / "studie.yml",
                 WURZEL / "src" / "analyse" / "demo" / "vorlagen" / "studie.yml"):
        a = studie_modul.laden(pfad).barrierefreiheit
        assert a is not None and a.email.endswith(".example") and a.datum <= dt.date.today()
    assert "`barrierefreiheit`" in (WURZEL / "daten" / "README.md").read_text(encoding="utf-8")


def test_axe_version_wie_in_package_json():
    paket = json.loads((WURZEL / "package.json").read_text(encoding="utf-8"))
    sperre = json.loads((WURZEL / "package-lock.json").read_text(encoding="utf-8"))
    assert paket["devDependencies"]["axe-core"] == barrierefreiheit.AXE_VERSION
    assert sperre["packages"]["node_modules/axe-core"]["version"] == barrierefreiheit.AXE_VERSION


def test_jede_seite_verlinkt_die_erklaerung_in_navigation_und_fuss():
    for wurzel in ("", "../"):
        seite = website.seite("T", "<p>x</p>", "S", wurzel=wurzel)
        ziel = f'href="{wurzel}{barrierefreiheit.DATEI}"'
        nav = seite[seite.index("<nav"):seite.index("</nav>")]
        fuss = seite[seite.index("<footer"):seite.index("</footer>")]
        assert ziel in nav and ziel in fuss
    aktiv = website.seite("T", "", "S", aktiv="barrierefreiheit")
    assert f'href="{barrierefreiheit.DATEI}" aria-current="page"' in aktiv


# --- Fokus: mindestens 3:1 auf jedem Hintergrund ------------------------------------------

def _luminanz(farbe: str) -> float:
    farbe = farbe.lstrip("#")
    if len(farbe) == 3:
        farbe = "".join(c * 2 for c in farbe)
    kanaele = [int(farbe[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in kanaele]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _kontrast(a: str, b: str) -> float:
    hell, dunkel = sorted((_luminanz(a), _luminanz(b)), reverse=True)
    return (hell + 0.05) / (dunkel + 0.05)


def test_fokusring_hat_auf_jedem_hintergrund_3_zu_1():
    css = (website.VORLAGEN / "bericht.css").read_text(encoding="utf-8")
    regel = re.search(r"^:focus-visible\s*\{([^}]*)\}", css, re.M).group(1)
    innen = re.search(r"outline:\s*\d+px solid (#[0-9a-fA-F]{3,6})", regel).group(1)
    aussen = re.search(r"box-shadow:\s*0 0 0 \d+px (#[0-9a-fA-F]{3,6})", regel).group(1)
    variablen = dict(re.findall(r"--(\w+):\s*(#[0-9a-fA-F]{3,6})", css))
    hintergruende = set(re.findall(r"background:\s*(#[0-9a-fA-F]{3,6})", css))
    hintergruende |= {variablen[v] for v in re.findall(r"background:\s*var\(--(\w+)\)", css)}
    assert {"#fff", variablen["akzent"], variablen["hell"]} <= hintergruende
    assert _kontrast(innen, aussen) >= 3  # die Ringe grenzen sich voneinander ab
    for hg in hintergruende:
        assert max(_kontrast(innen, hg), _kontrast(aussen, hg)) >= 3, hg
    # die alte orange Linie (2,48:1 auf Weiß) fiele durch
    assert _kontrast("#e69138", "#fff") < 3


# --- Zeilenköpfe -------------------------------------------------------------------------

def test_zeilenkopf_erste_spalte_eine_benannte_oder_keine():
    df = pd.DataFrame({"Rang": [1, 2], "Maßnahme": ["A", "B"], "Kosten": [3, 4]})
    erste = html.tabelle(df).inhalt
    assert '<th scope="row">1</th>' in erste
    benannt = html.tabelle(df, zeilenkopf="Maßnahme").inhalt
    assert '<td>1</td><th scope="row">A</th><td>3</td>' in benannt
    assert 'scope="row"' not in html.tabelle(df, zeilenkopf=False).inhalt
    with pytest.raises(ValueError, match="Zeilenkopf"):
        html.tabelle(df, zeilenkopf="Gibt es nicht")

