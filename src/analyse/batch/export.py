"""HTML-Export im Worker: Auflösen des Exporter-Pfads und ein schlichter Standard-Exporter."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

import nbformat

from .auftrag import Auftrag

Exporter = Callable[[nbformat.NotebookNode, Auftrag], str]


@cache
def exporter_laden(pfad: str) -> Exporter:
    """``"paket.modul:funktion"`` → Funktion (einmal je Prozess; Strings lassen sich gut picklen)."""
    modul, sep, name = pfad.partition(":")
    if not sep or not modul or not name:
        raise ValueError(f"Exporter {pfad!r} hat nicht die Form 'modul:funktion'")
    funktion = getattr(importlib.import_module(modul), name)
    if not callable(funktion):
        raise TypeError(f"Exporter {pfad!r} ist nicht aufrufbar")
    return funktion


@cache
def _html_exporter():
    from nbconvert import HTMLExporter

    # Vorlagen laden kostet ~0,1 s: einmal je Prozess
    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def einfaches_html(nb: nbformat.NotebookNode, auftrag: Auftrag) -> str:
    """Schlichte Seite ohne Code-Zellen (nbconvert ``HTMLExporter``); Ersatz, solange
    ``analyse.website:notebook_html`` fehlt, und für Tests/Benchmark."""
    html, _ = _html_exporter().from_notebook_node(
        nb, resources={"metadata": {"name": auftrag.titel}}
    )
    return html
