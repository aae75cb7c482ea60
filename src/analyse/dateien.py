"""Dateien sicher lesen und schreiben.

- Atomares Schreiben: eine Datei oder ein Ordner erscheint erst, wenn er vollständig ist.
- Besitz: ein Ausgabeordner wird nur ersetzt, wenn er den Besitzvermerk des Werkzeugs trägt
  und nichts anderes enthält als das, was der Vermerk aufzählt. Nie wird etwas gelöscht,
  das das Werkzeug nicht selbst geschrieben hat.
- Lesen: nur normale Dateien; ein Ordner, eine FIFO oder ein Gerät wird nie blockierend
  geöffnet, und die Größe ist begrenzt.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Der Besitzvermerk eines Ordners, den das Werkzeug als Ganzes ersetzt, liegt neben ihm:
#: ``.<ordner>.analyse-ausgabe.json`` (nicht darin, damit er nicht mitveröffentlicht wird).
VERMERK = ".analyse-ausgabe.json"
_WERKZEUG = "analyse"


def vermerk_pfad(ordner: Path) -> Path:
    return ordner.parent / f".{ordner.name}{VERMERK}"


class AusgabeVerweigert(Exception):
    """Das Werkzeug weigert sich, ein Ziel zu schreiben (CLI: Exit-Code 2); Text auf Deutsch."""


class Unlesbar(Exception):
    """Eine Eingabedatei lässt sich nicht lesen; ``grund`` ist eine deutsche Erwartung."""

    def __init__(self, pfad: Path, grund: str):
        self.pfad = pfad
        self.grund = grund
        super().__init__(f"{pfad}: {grund}")


# --- Betriebssystemfehler als deutsche Antwort ----------------------------------------------

_OS_GRUENDE = {
    errno.ENOENT: "nicht vorhanden",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.EISDIR: "ist ein Ordner, keine Datei",
    errno.ENOTDIR: "ein Teil des Pfads ist eine Datei, kein Ordner",
    errno.EEXIST: "ist schon vorhanden (als Datei statt Ordner?)",
    errno.ENOSPC: "kein Platz mehr auf dem Datenträger",
    errno.EDQUOT: "Speicherkontingent erschöpft",
    errno.EROFS: "Datenträger ist schreibgeschützt",
    errno.ENAMETOOLONG: "Pfad zu lang",
    errno.ELOOP: "zu viele symbolische Links (Schleife?)",
    errno.ENOTEMPTY: "Ordner ist nicht leer",
    errno.EXDEV: "liegt auf einem anderen Datenträger",
    errno.EMFILE: "zu viele offene Dateien",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
    errno.EBUSY: "wird gerade benutzt",
    errno.ETXTBSY: "wird gerade benutzt",
    errno.ENXIO: "ist eine Sonderdatei ohne Gegenstelle",
}


def os_fehler_text(e: OSError) -> str:
    """Eine deutsche Meldung für einen Betriebssystemfehler, mit Pfad und Grund."""
    grund = _OS_GRUENDE.get(e.errno if e.errno is not None else -1) or "Fehler des Betriebssystems"
    pfade = [os.fsdecode(p) for p in (e.filename, e.filename2) if p]
    if pfade:
        return f"{' → '.join(pfade)}: {grund}"
    return grund


# --- Lesen ---------------------------------------------------------------------------------

def _art(modus: int) -> str:
    if stat.S_ISDIR(modus):
        return "ein Ordner"
    if stat.S_ISFIFO(modus):
        return "eine benannte Pipe (FIFO)"
    if stat.S_ISSOCK(modus):
        return "ein Socket"
    if stat.S_ISCHR(modus) or stat.S_ISBLK(modus):
        return "ein Gerät"
    return "keine normale Datei"


def datei_lesen(pfad: Path, hoechstens: int | None = None) -> bytes:
    """Liest eine normale Datei ganz; wirft ``Unlesbar`` mit deutschem Grund.

    Geöffnet wird nicht blockierend und erst nach ``fstat`` gelesen: Eine FIFO oder ein
    Gerät hält den Aufruf nie an, ein Ordner gibt keinen ``IsADirectoryError``.
    """
    pfad = Path(pfad)
    try:
        fd = os.open(pfad, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Unlesbar(pfad, "eine vorhandene Datei") from None
    except IsADirectoryError:
        raise Unlesbar(pfad, "eine Datei (dies ist ein Ordner)") from None
    except OSError as e:
        raise Unlesbar(pfad, f"eine lesbare Datei ({_OS_GRUENDE.get(e.errno or -1, 'Fehler')})"
                       ) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unlesbar(pfad, f"eine normale Datei (dies ist {_art(st.st_mode)})")
        if hoechstens is not None and st.st_size > hoechstens:
            raise Unlesbar(pfad, f"eine Datei bis {hoechstens // 1_000_000} MB (diese hat "
                                 f"{st.st_size / 1_000_000:.1f} MB)")
        teile = []
        while True:
            teil = os.read(fd, 1 << 20)
            if not teil:
                break
            teile.append(teil)
        return b"".join(teile)
    except OSError as e:
        raise Unlesbar(pfad, f"eine lesbare Datei ({_OS_GRUENDE.get(e.errno or -1, 'Fehler')})"
                       ) from None
    finally:
        os.close(fd)


def ist_normale_datei(pfad: Path) -> bool:
    """Wie ``Path.is_file``, ohne je zu öffnen (für optionale Dateien)."""
    try:
        return stat.S_ISREG(os.stat(pfad).st_mode)
    except OSError:
        return False


# --- Schreiben -----------------------------------------------------------------------------

@contextlib.contextmanager
def atomar_datei(ziel: Path, modus: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Öffnet eine Temporärdatei neben ``ziel`` und benennt sie am Ende um."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    if ziel.is_dir() and not ziel.is_symlink():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(ziel))
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


def _inhalt(ordner: Path) -> set[str]:
    """Alle Einträge unter ``ordner`` (relativ, POSIX), ohne symbolischen Links zu folgen."""
    eintraege = set()
    for wurzel, ordner_namen, datei_namen in os.walk(ordner, followlinks=False):
        rel = Path(wurzel).relative_to(ordner)
        for name in [*ordner_namen, *datei_namen]:
            eintraege.add((rel / name).as_posix())
    return eintraege


def vermerk_schreiben(ordner: Path, eintraege: set[str] | None = None) -> None:
    """Schreibt den Besitzvermerk (atomar): er zählt auf, was dem Werkzeug im Ordner gehört
    (ohne ``eintraege``: alles, was jetzt darin liegt)."""
    eintraege = _inhalt(ordner) if eintraege is None else eintraege
    atomar_schreiben(vermerk_pfad(ordner), json.dumps(
        {"werkzeug": _WERKZEUG, "ordner": ordner.name, "eintraege": sorted(eintraege)},
        indent=0))


def _vermerk_lesen(ordner: Path) -> set[str] | None:
    try:
        daten = json.loads(datei_lesen(vermerk_pfad(ordner), hoechstens=50_000_000))
    except (Unlesbar, ValueError):
        return None
    if not isinstance(daten, dict) or daten.get("werkzeug") != _WERKZEUG:
        return None
    eintraege = daten.get("eintraege")
    return set(eintraege) if isinstance(eintraege, list) else None


def besitz_pruefen(ziel: Path) -> None:
    """Darf ``ziel`` als Ganzes ersetzt werden? Sonst ``AusgabeVerweigert`` mit Grund.

    Ja, wenn es fehlt, ein leerer Ordner ist oder den Besitzvermerk trägt und nichts
    enthält, was der Vermerk nicht aufzählt.
    """
    if not os.path.lexists(ziel):
        return
    if ziel.is_symlink():
        raise AusgabeVerweigert(
            f"{ziel} ist ein symbolischer Link; das Werkzeug ersetzt nur Ordner, die es selbst "
            "angelegt hat. Bitte den Link entfernen oder eine andere --ausgabe wählen.")
    if not ziel.is_dir():
        raise AusgabeVerweigert(
            f"{ziel} ist eine Datei, kein Ordner; sie wird nicht überschrieben. Bitte umbenennen "
            "oder eine andere --ausgabe wählen.")
    vorhanden = _inhalt(ziel)
    if not vorhanden:
        return  # leer: nichts zu verlieren
    eigen = _vermerk_lesen(ziel)
    if eigen is None:
        raise AusgabeVerweigert(
            f"{ziel} enthält Dateien, die nicht von diesem Werkzeug stammen (kein Besitzvermerk "
            f"{vermerk_pfad(ziel).name} daneben); es ersetzt nur Ordner, die es selbst "
            "geschrieben hat. Nichts wurde verändert. Bitte den Ordner umbenennen, leeren oder "
            "eine andere --ausgabe wählen.")
    fremd = sorted(vorhanden - eigen)
    if fremd:
        beispiele = ", ".join(fremd[:5]) + (f" und {len(fremd) - 5} weitere" if len(fremd) > 5
                                            else "")
        raise AusgabeVerweigert(
            f"{ziel} enthält Dateien, die nicht von diesem Werkzeug stammen ({beispiele}); "
            "der Ordner wird deshalb nicht ersetzt, nichts wurde verändert. Bitte diese "
            "Dateien an einen anderen Ort verschieben.")


def _ist_in(innen: Path, aussen: Path) -> bool:
    return innen == aussen or aussen in innen.parents


def ziel_pruefen(ziel: Path, studienordner: Path, innen_erlaubt: bool = False) -> None:
    """Ein Ausgabeziel darf nie der Studienordner sein oder ihn enthalten (und, außer bei
    ``innen_erlaubt``, nicht in ihm liegen). Sonst ``AusgabeVerweigert``."""
    for vorfahr in (Path(ziel), *Path(ziel).parents):
        if os.path.lexists(vorfahr):
            if not vorfahr.is_dir():
                raise AusgabeVerweigert(
                    f"{vorfahr} ist eine Datei, kein Ordner; dorthin kann nichts geschrieben "
                    "werden. Bitte mit --ausgabe einen Ordner wählen.")
            break
    z = Path(os.path.realpath(ziel))
    s = Path(os.path.realpath(studienordner))
    if _ist_in(s, z):
        raise AusgabeVerweigert(
            f"Das Ausgabeziel {ziel} ist der Studienordner {studienordner} oder enthält ihn; "
            "das Werkzeug schreibt dort nicht, damit keine Eingabedaten verloren gehen. Bitte "
            "mit --ausgabe einen Ordner außerhalb des Studienordners wählen.")
    if not innen_erlaubt and _ist_in(z, s):
        raise AusgabeVerweigert(
            f"Das Ausgabeziel {ziel} liegt im Studienordner {studienordner}; Ein- und Ausgaben "
            "bleiben getrennt. Bitte mit --ausgabe einen Ordner außerhalb des Studienordners "
            "wählen.")


@contextlib.contextmanager
def atomar_ordner(ziel: Path) -> Iterator[Path]:
    """Baut einen Ordner im Temporärordner daneben und tauscht ihn am Ende aus.

    Ein vorhandener Ordner wird erst ersetzt, wenn der neue vollständig ist, und nur, wenn
    er dem Werkzeug gehört (``besitz_pruefen``: vorher und unmittelbar vor dem Tausch).
    """
    besitz_pruefen(ziel)
    ziel.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=ziel.parent, prefix=f".{ziel.name}."))
    os.chmod(tmp, 0o777 & ~_UMASK)  # mkdtemp legt 0700 an; die Site muss lesbar sein
    try:
        yield tmp
        neu = _inhalt(tmp)
        besitz_pruefen(ziel)
        # Vermerk und Tausch sind zwei Schritte: erst beides vermerken, dann tauschen, dann
        # nur das Neue. Bricht der Lauf dazwischen ab, deckt der Vermerk, was dort liegt.
        alt_inhalt = _inhalt(ziel) if ziel.is_dir() else set()
        vermerk_schreiben(ziel, alt_inhalt | neu)
        alt = None
        if os.path.lexists(ziel):
            alt = ziel.with_name(f".{ziel.name}.alt.{os.getpid()}")
            os.replace(ziel, alt)
        os.replace(tmp, ziel)
        vermerk_schreiben(ziel, neu)
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
