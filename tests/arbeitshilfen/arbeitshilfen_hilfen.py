"""Hilfen der Arbeitshilfen-Tests (kein conftest, damit sie importierbar sind)."""

from __future__ import annotations

from pathlib import Path

from analyse.arbeitshilfen import selbstauskunft
from analyse.ergebnisse import speicher


def auskunft_der_studie(erg: speicher.Ergebnisse, ags: str) -> tuple[dict, dict]:
    """Stammdaten und Antwortcodes einer Kommune der Studie in der aktuellen Welle."""
    welle = erg.studie.aktuelle_welle
    a = erg.tabelle("antworten")
    zeile = a[(a["ags"] == ags) & (a["welle"] == welle)].iloc[0]
    k = erg.kommunen.loc[ags]
    kommune = {"ags": ags, **{s: k[s] for s in ("name", "art", "kreis", "land")},
               "einwohner": int(k["einwohner"])}
    return kommune, {i.id: float(zeile[i.id]) for i in erg.fragebogen.items}


def ausgefuellt(erg: speicher.Ergebnisse, ziel: Path, kommune: dict, antworten: dict) -> Path:
    """Ein mit ``ausfuellen`` ausgefülltes Arbeitsbuch (wie von Hand, aber reproduzierbar)."""
    wb = selbstauskunft.arbeitsbuch(erg.fragebogen, erg.studie.titel, erg.studie.verband)
    selbstauskunft.ausfuellen(wb, erg.fragebogen, kommune, antworten)
    ziel.parent.mkdir(parents=True, exist_ok=True)
    wb.save(ziel)
    return ziel
