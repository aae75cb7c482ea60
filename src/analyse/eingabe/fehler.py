"""Eingabefehler: ein Befund je Problem, alle auf einmal gemeldet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """Ein Problem in einer Eingabedatei, mit Ort, Wert und Erwartung."""

    datei: str
    zeile: int | None
    spalte: str | None
    wert: str | None
    erwartet: str

    def __str__(self) -> str:
        ort = self.datei if self.zeile is None else f"{self.datei}, Zeile {self.zeile}"
        teile = [ort]
        if self.spalte is not None:
            teile.append(f"Spalte '{self.spalte}'")
        if self.wert is not None:
            teile.append(f"Wert '{_kuerzen(self.wert)}'")
        return ": ".join([", ".join(teile), f"erwartet {self.erwartet}"])


def _kuerzen(text: str, laenge: int = 80) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


class Eingabefehler(Exception):
    """Fehlerhafte Eingabe; trägt alle gefundenen Probleme (CLI: Exit-Code 2)."""

    def __init__(self, probleme: Iterable[Problem]):
        self.probleme = sorted(set(probleme), key=_sortierschluessel)
        super().__init__(self.text())

    def text(self) -> str:
        n = len(self.probleme)
        kopf = f"{n} Problem{'e' if n != 1 else ''} in den Eingabedaten:"
        return "\n".join([kopf, *(f"  {p}" for p in self.probleme)])


def _sortierschluessel(p: Problem) -> tuple:
    return (p.datei, p.zeile or 0, p.spalte or "", p.wert or "", p.erwartet)


class Sammler:
    """Sammelt Probleme über mehrere Prüfschritte und wirft am Ende einmal."""

    def __init__(self) -> None:
        self.probleme: list[Problem] = []

    def melden(self, datei: str, zeile: int | None, spalte: str | None, wert: object,
               erwartet: str) -> None:
        self.probleme.append(
            Problem(datei, zeile, spalte, None if wert is None else str(wert), erwartet)
        )

    def uebernehmen(self, fehler: Eingabefehler) -> None:
        self.probleme.extend(fehler.probleme)

    def pruefen(self) -> None:
        if self.probleme:
            raise Eingabefehler(self.probleme)
