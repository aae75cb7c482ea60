"""Datenschutz per Voreinstellung: welche Quellspalten nach personenbezogenen Daten aussehen.

Eine Zuordnung, die eine solche Spalte nennt, braucht eine ausdrückliche Begründung
(``personenbezogen`` in ``zuordnung.yml``); alle anderen Spalten erreichen den
Studienordner ohnehin nie.
"""

from __future__ import annotations

import re

import pandas as pd

# Muster auf dem Spaltencode (klein geschrieben); das erste passende gibt den Grund an
_CODE_MUSTER: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^token$"), "Teilnehmer-Token"),
    (re.compile(r"e-?mail|^mail$"), "E-Mail-Adresse"),
    (re.compile(r"^ip(addr|adresse|_?address)?$"), "IP-Adresse"),
    (re.compile(r"^refurl$"), "Herkunfts-URL"),
    (re.compile(r"^(first|last)_?name$|^(vor|nach|familien)name$|^name$"), "Name einer Person"),
    (re.compile(r"^attribute_\d+$"), "Teilnehmerattribut (oft Name oder Anschrift)"),
    (re.compile(r"telefon|phone|^tel$|handy|mobil"), "Telefonnummer"),
    (re.compile(r"stra(ss|ß)e|adresse|address|anschrift"), "Anschrift"),
    (re.compile(r"\[(other|comment)\]$|comment$|kommentar|anmerkung|freitext|bemerkung"),
     "Freitext"),
]
_TEXT_MUSTER: list[tuple[re.Pattern, str]] = [
    (re.compile(r"e-?mail", re.IGNORECASE), "E-Mail-Adresse"),
    (re.compile(r"telefon|phone", re.IGNORECASE), "Telefonnummer"),
    (re.compile(r"ip-adresse|ip address", re.IGNORECASE), "IP-Adresse"),
]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-fA-F:]{6,}:[0-9a-fA-F]{1,4}$")


def grund(code: str, text: str = "", werte: pd.Series | None = None) -> str | None:
    """Warum eine Spalte nach personenbezogenen Daten aussieht, oder ``None``."""
    klein = code.lower()
    for muster, warum in _CODE_MUSTER:
        if muster.search(klein):
            return warum
    for muster, warum in _TEXT_MUSTER:
        if text and muster.search(text):
            return warum
    if werte is not None:
        gefuellt = werte[werte != ""].head(500)
        if len(gefuellt):
            if gefuellt.str.match(_EMAIL).mean() > 0.2:
                return "E-Mail-Adressen in den Werten"
            if gefuellt.str.match(_IP).mean() > 0.2:
                return "IP-Adressen in den Werten"
    return None
