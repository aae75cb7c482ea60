"""Notebook-Berichte im Stapel: warmer Kernel, parallele Worker, inkrementell, Dask.

Leichtgewichtig zu importieren: papermill lädt beim eigenen Import den Entry-Point
``analyse.batch.engine``, und der Kernel lädt ``analyse.batch.im_kernel``.
"""

from analyse.batch.auftrag import Auftrag, Zusammenfassung
from analyse.batch.fortschritt import zusammenfassung_drucken
from analyse.batch.lauf import STANDARD_EXPORTER, ausfuehren

__all__ = [
    "STANDARD_EXPORTER",
    "Auftrag",
    "Zusammenfassung",
    "ausfuehren",
    "zusammenfassung_drucken",
]
