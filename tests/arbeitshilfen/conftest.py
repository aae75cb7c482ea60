"""Fixtures der Arbeitshilfen: eine kleine, einmal ausgewertete Studie."""

from __future__ import annotations

import shutil

import pytest

from analyse import pipeline
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
