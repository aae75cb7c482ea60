"""Inkrementelle Builds: Prüfsummen und das Manifest ``.stand.json`` je Ausgabeordner.

Ein Auftrag gilt als aktuell, wenn seine Prüfsumme im Manifest steht und alle Ausgaben
existieren (Notebook, HTML und, wo verlangt, das PDF: fehlt es, wird der Bericht neu gebaut). In die Prüfsumme gehen ein: Vorlage (Bytes), Parameter, Titel, Exporter,
Inhalt der ``eingaben`` (Ordner rekursiv) und der Paketstand (``analyse.__version__`` plus
eine Prüfsumme der Paketquellen, damit auch Änderungen an ``analyse.berichte`` ohne
Versionssprung neu bauen).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import cache
from pathlib import Path

from analyse.batch.auftrag import Auftrag
from analyse.dateien import atomar_schreiben

MANIFEST = ".stand.json"
_BLOCK = 1 << 20


def _datei_hash(pfad: Path) -> str:
    h = hashlib.sha256()
    with open(pfad, "rb") as f:
        while block := f.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def _ordner_hash(ordner: Path) -> str:
    """Relativer Pfad + Inhalt aller Dateien; versteckte Dateien (Temporärdateien) zählen nicht."""
    h = hashlib.sha256()
    for wurzel, ordnernamen, dateien in os.walk(ordner):
        ordnernamen[:] = sorted(
            d for d in ordnernamen if not d.startswith(".") and d != "__pycache__"
        )
        for name in sorted(dateien):
            if name.startswith(".") or name.endswith(".pyc"):
                continue
            p = Path(wurzel, name)
            h.update(p.relative_to(ordner).as_posix().encode() + b"\0")
            h.update(_datei_hash(p).encode() + b"\n")
    return h.hexdigest()


def inhalt_hash(pfad: Path, cache: dict[Path, str] | None = None) -> str:
    """Prüfsumme einer Datei oder eines Ordners (``cache`` spart Mehrfachlesen im selben Lauf)."""
    schluessel = Path(os.path.abspath(pfad))
    if cache is not None and schluessel in cache:
        return cache[schluessel]
    if schluessel.is_dir():
        wert = "d:" + _ordner_hash(schluessel)
    elif schluessel.is_file():
        wert = "f:" + _datei_hash(schluessel)
    else:
        wert = "fehlt"
    if cache is not None:
        cache[schluessel] = wert
    return wert


@cache
def paket_stand() -> str:
    import analyse

    return f"{analyse.__version__}+{_ordner_hash(Path(analyse.__file__).parent)[:16]}"


def pruefsumme(auftrag: Auftrag, exporter: str, cache: dict[Path, str] | None = None,
               drucker: str | None = None) -> str:
    teile = {
        "paket": paket_stand(),
        "vorlage": inhalt_hash(auftrag.vorlage, cache),
        "parameter": auftrag.parameter,
        "titel": auftrag.titel,
        "exporter": exporter,
        "eingaben": [[p.name, inhalt_hash(p, cache)] for p in auftrag.eingaben],
    }
    if auftrag.ziel_pdf is not None:  # ohne PDF bleibt die Summe wie vor den PDFs
        teile["pdf"] = {"drucker": drucker, "ziel": auftrag.ziel_pdf.name}
    roh = json.dumps(teile, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(roh.encode()).hexdigest()


class Staende:
    """Die Manifeste aller berührten Ausgabeordner; jede Änderung wird sofort atomar geschrieben,
    damit ein abgebrochener Lauf beim nächsten Mal genau dort weitermacht."""

    def __init__(self) -> None:
        self._manifeste: dict[Path, dict] = {}

    @staticmethod
    def _ordner(auftrag: Auftrag) -> Path:
        return Path(os.path.abspath(auftrag.ziel_html.parent))

    def _laden(self, ordner: Path) -> dict:
        if ordner not in self._manifeste:
            try:
                daten = json.loads((ordner / MANIFEST).read_text(encoding="utf-8"))
                berichte = daten.get("berichte", {}) if isinstance(daten, dict) else {}
            except (OSError, ValueError):
                berichte = {}  # fehlt oder kaputt: alles gilt als veraltet
            self._manifeste[ordner] = berichte
        return self._manifeste[ordner]

    def aktuell(self, auftrag: Auftrag, summe: str) -> bool:
        eintrag = self._laden(self._ordner(auftrag)).get(auftrag.name)
        return (
            isinstance(eintrag, dict)
            and eintrag.get("pruefsumme") == summe
            and auftrag.ziel_ipynb.is_file()
            and auftrag.ziel_html.is_file()
            and (auftrag.ziel_pdf is None or auftrag.ziel_pdf.is_file())
        )

    def eintragen(self, auftrag: Auftrag, summe: str) -> None:
        """Vermerkt einen fertigen Bericht. Entstand er diesmal ohne PDF, wo der letzte Lauf
        eines geschrieben hatte (etwa weil Chromium fehlt), wird dieses alte PDF entfernt: Es
        zeigte sonst veraltete Zahlen. Anderes als das selbst geschriebene PDF wird nie gelöscht.
        """
        ordner = self._ordner(auftrag)
        alt = self._laden(ordner).get(auftrag.name)
        eintrag: dict = {"pruefsumme": summe}
        if auftrag.ziel_pdf is not None:
            eintrag["pdf"] = os.path.abspath(auftrag.ziel_pdf)
        elif (isinstance(alt, dict) and isinstance(alt.get("pdf"), str)
              and Path(alt["pdf"]).name == f"{auftrag.name}.pdf"):
            with contextlib.suppress(OSError):
                Path(alt["pdf"]).unlink()
        self._laden(ordner)[auftrag.name] = eintrag
        self._schreiben(ordner)

    def entfernen(self, auftrag: Auftrag) -> None:
        ordner = self._ordner(auftrag)
        if self._laden(ordner).pop(auftrag.name, None) is not None:
            self._schreiben(ordner)

    def _schreiben(self, ordner: Path) -> None:
        inhalt = {"format": 1, "berichte": dict(sorted(self._manifeste[ordner].items()))}
        atomar_schreiben(ordner / MANIFEST, json.dumps(inhalt, indent=1, ensure_ascii=False) + "\n")
