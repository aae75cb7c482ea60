"""Ausgaben atomar schreiben: ein Bericht erscheint erst, wenn er vollständig ist."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .auftrag import Auftrag, Ergebnis

_umask = os.umask(0)
os.umask(_umask)


def atomar_schreiben(ziel: Path, text: str) -> None:
    """Temporärdatei im Zielordner, dann ``os.replace``. Anders als ``mkstemp`` allein mit den
    üblichen Rechten (0666 & ~umask), damit ein Webserver die Seiten lesen darf."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ziel.parent, prefix=f".{ziel.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, ziel)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def reste_entfernen(auftrag: Auftrag) -> None:
    """Temporärdateien eines hart abgebrochenen Laufs (SIGKILL, Stromausfall) wegräumen.

    ``atomar_schreiben`` legt ``.<ziel>.<zufall>.tmp`` neben das Ziel; bei normalen
    Ausnahmen und Strg+C räumt es selbst auf.
    """
    for ziel in (auftrag.ziel_ipynb, auftrag.ziel_html, auftrag.fehler_ipynb):
        if ziel.parent.is_dir():
            for rest in ziel.parent.glob(f".{ziel.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    rest.unlink()


def schreiben(auftrag: Auftrag, ergebnis: Ergebnis) -> None:
    """Erfolg: Notebook und HTML ersetzen, alte Fehlerdatei weg. Fehler: nur ``*.fehler.ipynb``;
    ein älterer, vollständiger Bericht bleibt dann unangetastet stehen."""
    if ergebnis.ok:
        assert ergebnis.ipynb is not None and ergebnis.html is not None
        atomar_schreiben(auftrag.ziel_ipynb, ergebnis.ipynb)
        atomar_schreiben(auftrag.ziel_html, ergebnis.html)
        with contextlib.suppress(FileNotFoundError):
            auftrag.fehler_ipynb.unlink()
    elif ergebnis.ipynb is not None:
        atomar_schreiben(auftrag.fehler_ipynb, ergebnis.ipynb)
