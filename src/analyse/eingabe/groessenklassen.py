"""KGSt-Größenklassen: aus Art und Einwohnerzahl abgeleitet, nie von Hand gesetzt.

Städte und Gemeinden: GK1 > 400.000 … GK7 < 10.000 Einwohner.
Kreise haben eigene Klassen: GK1 > 250.000, GK2 150.000–250.000, GK3 < 150.000;
sie heißen hier ``K1``–``K3``, damit die Schlüssel eindeutig bleiben.
"""

from __future__ import annotations

import pandas as pd

ARTEN = ("Gemeinde", "Stadt", "kreisfreie Stadt", "Kreis")

# (Schlüssel, Untergrenze Einwohner inklusive, Bezeichnung), absteigend
_GEMEINDEN = (
    ("GK1", 400_000, "GK 1 (über 400.000 EW)"),
    ("GK2", 200_000, "GK 2 (200.000–400.000 EW)"),
    ("GK3", 100_000, "GK 3 (100.000–200.000 EW)"),
    ("GK4", 50_000, "GK 4 (50.000–100.000 EW)"),
    ("GK5", 25_000, "GK 5 (25.000–50.000 EW)"),
    ("GK6", 10_000, "GK 6 (10.000–25.000 EW)"),
    ("GK7", 0, "GK 7 (unter 10.000 EW)"),
)
_KREISE = (
    ("K1", 250_000, "Kreis GK 1 (über 250.000 EW)"),
    ("K2", 150_000, "Kreis GK 2 (150.000–250.000 EW)"),
    ("K3", 0, "Kreis GK 3 (unter 150.000 EW)"),
)

#: Alle Klassen in Berichtsreihenfolge (groß vor klein, Gemeinden vor Kreisen).
KLASSEN: tuple[str, ...] = tuple(k for k, _, _ in _GEMEINDEN + _KREISE)
#: Die eine Bezeichnung je Klasse für Berichte, Tabellen und Excel ("GK 7 (unter 10.000 EW)",
#: "Kreis GK 2 (150.000–250.000 EW)"); ``KURZ`` ohne Spanne ("GK 7", "Kreis GK 2").
BEZEICHNUNG: dict[str, str] = {k: b for k, _, b in _GEMEINDEN + _KREISE}
KURZ: dict[str, str] = {k: b.split(" (")[0] for k, b in BEZEICHNUNG.items()}


def bezeichnung(klasse: str, kurz: bool = False) -> str:
    """Bezeichnung einer Klasse; Unbekanntes (z. B. zusammengefasste Gruppen) bleibt, wie es ist."""
    return (KURZ if kurz else BEZEICHNUNG).get(klasse, klasse)

#: Kostenklassen: die Gemeindeklassen GK1–GK7, nach denen Kosten und Kapazitäten angegeben werden.
KOSTENKLASSEN: tuple[str, ...] = tuple(k for k, _, _ in _GEMEINDEN)

#: Für Kosten und Personal werden Kreisverwaltungen wie Städte dieser Klasse behandelt
#: (Kreisverwaltungen sind nach Beschäftigten etwa so groß wie Mittelstädte).
KOSTENKLASSE: dict[str, str] = {
    **{k: k for k, _, _ in _GEMEINDEN},
    "K1": "GK3",
    "K2": "GK4",
    "K3": "GK5",
}


def groessenklasse(art: str, einwohner: int) -> str:
    """KGSt-Größenklasse für eine Kommune."""
    stufen = _KREISE if art == "Kreis" else _GEMEINDEN
    for schluessel, untergrenze, _ in stufen:
        if einwohner >= untergrenze:
            return schluessel
    raise ValueError(f"Einwohnerzahl {einwohner} ist negativ")


def groessenklassen(kommunen: pd.DataFrame) -> pd.Series:
    """Größenklasse je Zeile eines Kommunen-Frames (Spalten ``art``, ``einwohner``)."""
    werte = [groessenklasse(a, int(e)) for a, e in zip(kommunen["art"], kommunen["einwohner"],
                                                        strict=True)]
    return pd.Series(pd.Categorical(werte, categories=KLASSEN, ordered=True),
                     index=kommunen.index, name="groessenklasse")


def kurz(groessenklasse: str) -> str:
    """``GK6`` → ``GK 6``, ``K2`` → ``Kreis GK 2`` (für Sätze in Berichten; ``KURZ``)."""
    return bezeichnung(groessenklasse, kurz=True)
