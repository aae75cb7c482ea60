"""Dateien, die das Paket mitbringt (Vorlagen, Kataloge), über ``importlib.resources``.

Der einzige Ort, an dem Code Paketdateien findet; nichts sucht das Repository.
Installierte Pakete liegen als Ordner vor (kein Zip-Import), daher genügt ein ``Path``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def datei(paket: str, *teile: str) -> Path:
    """Pfad einer mitgelieferten Datei, z. B. ``datei("analyse.berichte", "vorlagen", "bericht.css")``."""
    return Path(str(resources.files(paket).joinpath(*teile)))


def berichtsvorlage(name: str) -> Path:
    """Eine Berichtsvorlage (Notebook, CSS, Site-Vorlage) aus ``analyse/berichte/vorlagen``."""
    return datei("analyse.berichte", "vorlagen", name)
