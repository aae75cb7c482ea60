"""Hilfen für die Tests (kein conftest, damit sie importierbar sind)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BOESE = "<script>alert(1)</script>"
ANALYSE = [sys.executable, "-m", "analyse"]


def analyse_lauf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*ANALYSE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def modell_beispiel(**ueberschreiben) -> dict:
    """Ein gültiges, kleines ``modell.json``-Dict (ohne ``format``; das setzt ``speichern``)."""
    modell = {
        "version": "test",
        "studie": {"titel": "t", "verband": "v", "wellen": [2026], "aktuelle_welle": 2026,
                   "seed": 1},
        "reifegrad": {
            "handlungsfelder": {}, "umgepolt": [], "gewichte": {}, "aggregation": "arithmetisch",
            "mindestanteil": 0.5, "weiss_nicht": "fehlend", "imputation": "keine",
            "normalisierung": "min-max", "stufen": {"Einsteiger": 0.0}, "sensitivitaet": None,
            "dimensionen": [], "struktur_satz": "Test.", "wellen": [2026],
            "anzahl_ausschluesse": {}, "schritte": [],
            "monte_carlo": {"ziehungen": 10, "seed": 1, "gewicht_schwankung": 0.25,
                            "aggregationen": [], "weiss_nicht": [], "imputationen": [],
                            "normalisierungen": [], "messfehler": False}},
        "kommunentypen": {
            "methode": "kmeans", "k": 2, "seed": 1, "auswahl": "Test.", "erklaerung": "Test.",
            "typstruktur_belastbar": True, "struktur_satz": "Test.",
            "null": {"verfahren": "–", "ziehungen": 2, "perzentil": 0.95, "silhouette": 0.5,
                     "null_mittel": 0.2, "null_schwelle": 0.3, "p_wert": 0.0,
                     "ueber_null": True},
            "ari_bootstrap": None, "jaccard_min": None, "stabil_ab": 0.75,
            "sicherheit": {"wiederholungen": 10, "regel": "Lage", "lage_schwelle": 0.35,
                           "fehlalarm_ziel": 0.05, "fehlalarm_simuliert": 0.05,
                           "kalibrierung_n": 100, "kalibrierung_ohne": 0,
                           "lage_schwelle_ungekuerzt": 0.35, "kalibrierung_korrektur": 0.0,
                           "anteil_mischtyp": 0.0},
            "n_typisiert": 0, "n_nicht_typisiert": 0, "nicht_typisiert": [],
            "zentren": {}, "benennung": [], "prototypen_ohne_cluster": [],
            "vorbereitung": {"mindestanteil_ziele": 0.5, "imputation": "–",
                             "anteil_imputiert": 0.0, "standardisierung": "keine",
                             "ipsatisieren": False},
            "verfahren": {"methoden": ["kmeans"], "k_bereich": [2, 4], "bootstrap": 10,
                          "stichprobe_bootstrap": 10, "stichprobe_silhouette": 10,
                          "ward_maximum": 100, "kandidaten_stabilitaet": [],
                          "benennung_schwelle": 0.5, "benennung_grenze": 1.0,
                          "kleinster_prototypabstand": 2.0},
            "pca_varianz": [0.5, 0.3], "pca_prototypen": {}},
        "einstellungen": {},
    }
    return modell | ueberschreiben


def ergebnisse_speichern(ordner: Path, tabellen: dict, daten: Path, modell: dict | None = None):
    """Speichert kleine Test-Ergebnisse über ``speicher.speichern`` (mit allen Prüfungen).

    Fehlende Spalten der Schemas werden mit neutralen Werten ergänzt, damit ein Test nur die
    Spalten angeben muss, um die es ihm geht; das Modell ist ``modell_beispiel()``.
    """
    from analyse.ergebnisse import schemas, speicher

    ergaenzt = {}
    for name, df in tabellen.items():
        df = df.copy()
        for spalte, col in schemas.SCHEMAS[name].columns.items():
            if spalte not in df.columns:
                df[spalte] = schemas.LEER[col.metadata["art"]]
        ergaenzt[name] = df
    speicher.speichern(ordner, ergaenzt, modell or modell_beispiel(), daten)


def defekte_links(site: Path) -> list[str]:
    """Interne Links aller HTML-Seiten unter ``site`` (ohne Browser), deren Ziel fehlt, aus der
    Site hinaus zeigt oder deren Anker auf der Zielseite fehlt. Dieselbe Regel wie
    ``tests/browser/pruefung.defekte_links``; externe Links (https:, mailto:) und data: zählen
    nicht."""
    from urllib.parse import unquote, urlsplit

    from bs4 import BeautifulSoup

    site = site.resolve()
    seiten = {p.resolve(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
              for p in site.rglob("*.html")}
    ids = {p: {e["id"] for e in s.find_all(id=True)} | {e["name"] for e in s.find_all("a", attrs={"name": True})}
           for p, s in seiten.items()}
    defekt = []
    for pfad, soup in seiten.items():
        for element in soup.find_all(["a", "area", "link"], href=True):
            href = element["href"]
            teile = urlsplit(href)
            if teile.scheme or teile.netloc:
                continue
            ziel = (pfad.parent / unquote(teile.path)).resolve() if teile.path else pfad
            wo = f"{pfad.relative_to(site)}: {href!r}"
            if site not in ziel.parents:
                defekt.append(f"{wo} zeigt aus der Site hinaus")
            elif not ziel.is_file():
                defekt.append(f"{wo}: {ziel.relative_to(site)} fehlt")
            elif teile.fragment and ziel.suffix == ".html" and not (
                    {teile.fragment, unquote(teile.fragment)} & ids.get(ziel, set())):
                defekt.append(f"{wo}: Anker #{teile.fragment} fehlt")
    return defekt
