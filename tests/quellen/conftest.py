"""Fixtures für die Importtests: echte Exportformate (LimeSurvey, SPSS, Excel) und Studien."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

DATEN = Path(__file__).parent / "daten"


#: Kommunen, deren Antworten der Welle 2026 die Tests importieren
IMPORT_AGS = ["99001", "99001001", "99001002", "99001003", "99001004", "99001005"]


@pytest.fixture
def studie(kleine_studie) -> Path:
    """Die kleine Demostudie ohne die Antworten dieser Kommunen in Welle 2026.

    Die übrigen Kommunen behalten ihre Antworten, damit die Studie nach dem Import wie vorher
    auswertbar bleibt (genug Kommunen für die Typen in der aktuellen Welle).
    """
    pfad = kleine_studie / "antworten.csv"
    antworten = pd.read_csv(pfad, dtype=str, keep_default_na=False)
    weg = (antworten["welle"] == "2026") & antworten["ags"].isin(IMPORT_AGS)
    antworten[~weg].to_csv(pfad, index=False, lineterminator="\n")
    return kleine_studie


@pytest.fixture
def fixtures(tmp_path) -> Path:
    """Eine Kopie der Fixture-Dateien (Tests dürfen sie ändern)."""
    ziel = tmp_path / "quellen"
    shutil.copytree(DATEN, ziel)
    return ziel
