"""Notebook-Berichte im Stapel: warmer Kernel, parallele Worker, inkrementell, Dask.

Leichtgewichtig zu importieren: papermill lädt beim eigenen Import den Entry-Point
``analyse.batch.engine``, und der Kernel lädt ``analyse.batch.im_kernel``.
"""

from .auftrag import Auftrag, Zusammenfassung
from .fortschritt import zusammenfassung_drucken
from .lauf import STANDARD_EXPORTER, ausfuehren

__all__ = [
    "STANDARD_EXPORTER",
    "Auftrag",
    "Zusammenfassung",
    "ausfuehren",
    "zusammenfassung_drucken",
]
