"""Fixtures für die Importtests: echte Exportformate (LimeSurvey, SPSS, Excel) und Studien."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

DATEN = Path(__file__).parent / "daten"


@pytest.fixture
def studie(kleine_studie) -> Path:
    """Die kleine Demostudie ohne die Antworten der Welle 2026 (die importiert wird)."""
    pfad = kleine_studie / "antworten.csv"
    antworten = pd.read_csv(pfad, dtype=str, keep_default_na=False)
    antworten[antworten["welle"] != "2026"].to_csv(pfad, index=False, lineterminator="\n")
    return kleine_studie


@pytest.fixture
def fixtures(tmp_path) -> Path:
    """Eine Kopie der Fixture-Dateien (Tests dürfen sie ändern)."""
    ziel = tmp_path / "quellen"
    shutil.copytree(DATEN, ziel)
    return ziel
