"""HTML-Export im Worker: den Exporter-Pfad ``"modul:funktion"`` auflösen (Standard:
``analyse.berichte.website:notebook_html``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

import nbformat

from analyse.batch.auftrag import Auftrag

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
