"""Fixtures der Arbeitshilfen: eine kleine, einmal ausgewertete Studie und Arbeitsbücher."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyse import pipeline
from analyse.arbeitshilfen import selbstauskunft
from analyse.ergebnisse import speicher


@pytest.fixture(scope="session")
def studie(kleine_studie_vorlage, tmp_path_factory) -> pipeline.Pfade:
    """Die kleine Demostudie, ausgewertet (nur lesen)."""
    daten = tmp_path_factory.mktemp("arbeitshilfen") / "studie"
    shutil.copytree(kleine_studie_vorlage, daten)
    pfade = pipeline.Pfade(daten)
    pipeline.auswerten(pfade)
    return pfade


@pytest.fixture(scope="session")
def erg(studie) -> speicher.Ergebnisse:
    return speicher.laden(studie.ergebnisse)


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
