"""Ausgaben atomar schreiben: ein Bericht erscheint erst, wenn er vollständig ist."""

from __future__ import annotations

import contextlib

from analyse.batch.auftrag import Auftrag, Ergebnis
from analyse.dateien import atomar_schreiben


def reste_entfernen(auftrag: Auftrag) -> None:
    """Temporärdateien eines hart abgebrochenen Laufs (SIGKILL, Stromausfall) wegräumen.

    ``dateien.atomar_schreiben`` legt ``.<ziel>.<zufall>.tmp`` neben das Ziel; bei normalen
    Ausnahmen und Strg+C räumt es selbst auf.
    """
    for ziel in (auftrag.ziel_ipynb, auftrag.ziel_html, auftrag.fehler_ipynb, auftrag.ziel_pdf):
        if ziel is not None and ziel.parent.is_dir():
            for rest in ziel.parent.glob(f".{ziel.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    rest.unlink()


def schreiben(auftrag: Auftrag, ergebnis: Ergebnis) -> None:
    """Erfolg: Notebook, HTML und PDF ersetzen, alte Fehlerdatei weg. Fehler: nur
    ``*.fehler.ipynb``; ein älterer, vollständiger Bericht bleibt dann unangetastet stehen."""
    if ergebnis.ok:
        assert ergebnis.ipynb is not None and ergebnis.html is not None
        assert (auftrag.ziel_pdf is None) == (ergebnis.pdf is None)
        atomar_schreiben(auftrag.ziel_ipynb, ergebnis.ipynb)
        atomar_schreiben(auftrag.ziel_html, ergebnis.html)
        if auftrag.ziel_pdf is not None and ergebnis.pdf is not None:
            atomar_schreiben(auftrag.ziel_pdf, ergebnis.pdf)
        with contextlib.suppress(FileNotFoundError):
            auftrag.fehler_ipynb.unlink()
    elif ergebnis.ipynb is not None:
        atomar_schreiben(auftrag.fehler_ipynb, ergebnis.ipynb)
