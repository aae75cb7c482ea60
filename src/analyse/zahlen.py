"""Zahlen in deutscher Schreibweise – die eine Stelle dafür (Berichte, Begründungen, Tabellen)."""

from __future__ import annotations

import math


def zahl(wert: object, stellen: int = 0, einheit: str = "") -> str:
    """``12345.6`` → ``"12.345,6"``; fehlende Werte als Gedankenstrich; Einheit mit
    geschütztem Leerzeichen (``"25.000 €"``)."""
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return "–"
    s = f"{float(wert):,.{stellen}f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return f"{s}\u00a0{einheit}" if einheit else s


def euro(wert: object) -> str:
    return zahl(wert, 0, "€")


def anzahl(n: object, einzahl: str, mehrzahl: str, stellen: int = 0) -> str:
    """Eine Anzahl mit dem passenden Numerus: ``anzahl(1, "Maßnahme", "Maßnahmen")`` →
    ``"1 Maßnahme"``, sonst ``"11 Maßnahmen"`` (auch ``"0 Maßnahmen"``).

    Maßgeblich ist die *angezeigte* Zahl: ``anzahl(0.6, …)`` zeigt „1“ und nimmt die Einzahl,
    ``anzahl(1.04, …, stellen=1)`` zeigt „1,0“ und nimmt die Mehrzahl."""
    text = zahl(n, stellen)
    return f"{text} {einzahl if text == '1' else mehrzahl}"
