"""Gemeinsame Fixtures: kleine, deterministisch erzeugte Studien."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hilfen import BOESE, analyse_lauf
from hypothesis import settings

from analyse import demo

# Eigenschaftstests sind in CI deterministisch: dieselben Beispiele in jedem Lauf, keine Datenbank
# (ein Fehlschlag lässt sich wiederholen; ein grüner Lauf bleibt grün).
settings.register_profile("analyse", derandomize=True, database=None)
settings.load_profile("analyse")


@pytest.fixture(scope="session")
def kleine_studie_vorlage(tmp_path_factory) -> Path:
    """Eine kleine gültige Studie (nur lesen; zum Ändern ``kleine_studie`` nehmen)."""
    ordner = tmp_path_factory.mktemp("vorlage") / "studie"
    demo.schreiben(ordner, anzahl=80, seed=7)
    return ordner


@pytest.fixture
def kleine_studie(kleine_studie_vorlage, tmp_path) -> Path:
    """Eine eigene, veränderbare Kopie der kleinen Studie."""
    ziel = tmp_path / "studie"
    shutil.copytree(kleine_studie_vorlage, ziel)
    return ziel


@pytest.fixture(scope="session")
def lauf(kleine_studie_vorlage, tmp_path_factory):
    """Eine Studie mit einem bösartigen Kommunennamen, komplett ausgewertet und gerendert."""
    basis = tmp_path_factory.mktemp("e2e")
    daten = basis / "studie"
    shutil.copytree(kleine_studie_vorlage, daten)
    kommunen = pd.read_csv(daten / "kommunen.csv", dtype=str, keep_default_na=False)
    ref = kommunen.index[kommunen["referenzkommune"] == "ja"][1]
    kommunen.loc[ref, "name"] = BOESE
    kommunen.to_csv(daten / "kommunen.csv", index=False)
    ausgabe = basis / "aus"
    ergebnis = analyse_lauf("alles", "--daten", str(daten), "--ausgabe", str(ausgabe),
                     "--nbconvert", "--parallel", "2", cwd=basis)
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    return {"daten": daten, "ausgabe": ausgabe, "basis": basis, "kommunen": kommunen,
            "boese_ags": kommunen.loc[ref, "ags"], "ausgabe_text": ergebnis.stdout}
