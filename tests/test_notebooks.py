"""Notebooks: ohne Ausgaben eingecheckt, dünn, und die Erkundungsnotebooks laufen."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ALLE = sorted(NOTEBOOKS.glob("*.ipynb"))
VORLAGEN = {"bericht_kommune.ipynb", "abschlussbericht.ipynb"}
ERKUNDEN = [p for p in ALLE if p.name not in VORLAGEN]


def test_es_gibt_vorlagen_und_erkundung():
    assert {p.name for p in ALLE} >= VORLAGEN
    assert ERKUNDEN


@pytest.mark.parametrize("pfad", ALLE, ids=lambda p: p.name)
def test_ohne_ausgaben_und_mit_parametern(pfad):
    nb = nbformat.read(pfad, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1


@pytest.mark.parametrize("pfad", ALLE, ids=lambda p: p.name)
def test_notebooks_bleiben_duenn(pfad):
    """Logik gehört ins Paket: keine Funktionen, Klassen oder Schleifen in Notebooks."""
    nb = nbformat.read(pfad, as_version=4)
    for zelle in nb.cells:
        if zelle.cell_type == "code":
            for zeile in zelle.source.splitlines():
                assert not zeile.lstrip().startswith(("def ", "class ", "for ", "while ")), zeile


@pytest.mark.langsam
@pytest.mark.parametrize("pfad", ERKUNDEN, ids=lambda p: p.name)
def test_erkundungsnotebook_laeuft(pfad, lauf, tmp_path):
    ergebnisse = lauf["ausgabe"] / "ergebnisse"
    papermill.execute_notebook(str(pfad), str(tmp_path / pfad.name),
                               parameters={"ergebnisse": str(ergebnisse)}, cwd=str(NOTEBOOKS),
                               kernel_name="python3", progress_bar=False)
