"""Gemeinsame Helfer der Batch-Tests (eigener Modulname, damit nichts mit anderen Tests kollidiert)."""

from __future__ import annotations

import copy
from pathlib import Path

from analyse.batch import Auftrag

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTER = "analyse.berichte.website:notebook_html"


def auftrag(ordner: Path, name: str, vorlage: str = "bericht", **kw) -> Auftrag:
    kw.setdefault("parameter", {"ags": "05999001"})
    return Auftrag(
        name=name,
        titel=f"Bericht {name}",
        vorlage=FIXTURES / f"{vorlage}.ipynb",
        ziel_ipynb=ordner / f"{name}.ipynb",
        ziel_html=ordner / f"{name}.html",
        **kw,
    )


def ohne_fluechtiges(nb):
    """Zeitstempel, Dauern, Pfade und Ausführungsmetadaten entfernen."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    for zelle in nb.cells:
        zelle.metadata.pop("papermill", None)
        zelle.metadata.pop("execution", None)
        zelle.pop("id", None)
    return nb
