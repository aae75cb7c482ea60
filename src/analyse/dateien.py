"""Atomares Schreiben: eine Datei oder ein Ordner erscheint erst, wenn er vollständig ist."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomar_datei(ziel: Path, modus: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Öffnet eine Temporärdatei neben ``ziel`` und benennt sie am Ende um."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ziel.parent, prefix=f".{ziel.name}.", suffix=".tmp")
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp legt 0600 an
    try:
        with open(tmp, modus, encoding=None if "b" in modus else encoding) as f:
            yield f
        os.replace(tmp, ziel)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


# Einmal beim Import gelesen: os.umask zu setzen und zurückzusetzen ist nicht threadsicher.
_UMASK = os.umask(0)
os.umask(_UMASK)


def atomar_schreiben(ziel: Path, inhalt: str | bytes) -> None:
    modus = "wb" if isinstance(inhalt, bytes) else "w"
    with atomar_datei(ziel, modus) as f:
        f.write(inhalt)


@contextlib.contextmanager
def atomar_ordner(ziel: Path) -> Iterator[Path]:
    """Baut einen Ordner im Temporärordner daneben und tauscht ihn am Ende aus.

    Ein vorhandener Ordner wird erst ersetzt, wenn der neue vollständig ist.
    """
    ziel.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=ziel.parent, prefix=f".{ziel.name}."))
    os.chmod(tmp, 0o777 & ~_UMASK)  # mkdtemp legt 0700 an; die Site muss lesbar sein
    try:
        yield tmp
        alt = None
        if ziel.exists():
            alt = ziel.with_name(f".{ziel.name}.alt.{os.getpid()}")
            os.replace(ziel, alt)
        os.replace(tmp, ziel)
        if alt is not None:
            shutil.rmtree(alt, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise



def xlsx_ohne_zeit(inhalt: bytes) -> bytes:
    """Dieselbe XLSX-Datei mit festen Zeitstempeln: zipfile trägt je Eintrag die Uhrzeit ein
    und openpyxl das Änderungsdatum; gleiche Eingaben sollen gleiche Bytes ergeben."""
    import io
    import re
    import zipfile

    aus = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(inhalt)) as alt, \
            zipfile.ZipFile(aus, "w", zipfile.ZIP_DEFLATED) as neu:
        for info in alt.infolist():
            daten = alt.read(info.filename)
            if info.filename == "docProps/core.xml":
                daten = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                               rb"\g<1>2000-01-01T00:00:00Z\g<2>", daten)
            fest = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fest.compress_type = zipfile.ZIP_DEFLATED
            fest.external_attr = info.external_attr
            neu.writestr(fest, daten)
    return aus.getvalue()
