"""Eingabefehler: ein Befund je Problem, alle auf einmal gemeldet, aber begrenzt.

Ein ``Sammler`` fasst gleiche Probleme (Datei, Spalte, Erwartung) zusammen: Bis zu
``EINZELN`` Fälle werden einzeln gemeldet, darüber ein Befund „Spalte STR01: 754 Zeilen
ungültig, z. B. Zeile 2 Wert 'x'; erwartet …“. Je Art wird nur gezählt und ein Beispiel
behalten; die Zahl der Arten ist gedeckelt. So bleiben Meldung und Speicher flach, auch
wenn 200.000 Zeilen falsch sind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: So viele gleichartige Fälle werden einzeln gemeldet; darüber eine Zusammenfassung.
EINZELN = 3
#: Höchstzahl verschiedener Problemarten, die ein Sammler festhält (der Rest wird gezählt).
MAX_ARTEN = 200
#: Höchstzahl Zeilen, die eine Meldung zeigt.
MAX_ZEILEN = 60


@dataclass(frozen=True, order=True)
class Problem:
    """Ein Problem in einer Eingabedatei, mit Ort, Wert und Erwartung.

    ``anzahl`` > 1: eine Zusammenfassung gleichartiger Probleme; ``zeile``/``wert`` sind dann
    das erste Beispiel. ``hinweis``: eine vermutete Ursache mit Abhilfe.
    """

    datei: str
    zeile: int | None
    spalte: str | None
    wert: str | None
    erwartet: str
    anzahl: int = 1
    hinweis: str | None = None

    def __str__(self) -> str:
        if self.anzahl > 1:
            ort = self.datei if self.spalte is None else f"{self.datei}, Spalte '{self.spalte}'"
            beispiel = []
            if self.zeile is not None:
                beispiel.append(f"Zeile {self.zeile}")
            if self.wert is not None:
                beispiel.append(f"Wert '{_kuerzen(self.wert)}'")
            text = f"{ort}: {self.anzahl} Zeilen ungültig"
            if beispiel:
                text += ", z. B. " + " ".join(beispiel)
            text += f"; erwartet {self.erwartet}"
        else:
            ort = self.datei if self.zeile is None else f"{self.datei}, Zeile {self.zeile}"
            teile = [ort]
            if self.spalte is not None:
                teile.append(f"Spalte '{_kuerzen(self.spalte)}'")
            if self.wert is not None:
                teile.append(f"Wert '{_kuerzen(self.wert)}'")
            text = ": ".join([", ".join(teile), f"erwartet {self.erwartet}"])
        if self.hinweis:
            text += f" (Hinweis: {self.hinweis})"
        return text


def _kuerzen(text: str, laenge: int = 80) -> str:
    # Steuerzeichen sichtbar machen: eine Meldung bleibt eine Zeile und verbirgt nichts
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: laenge * 2])
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


class Eingabefehler(Exception):
    """Fehlerhafte Eingabe; trägt alle gefundenen Probleme (CLI: Exit-Code 2).

    ``weitere``: Zahl der Probleme, die über die Deckelung hinaus nur gezählt wurden.
    """

    def __init__(self, probleme: Iterable[Problem], weitere: int = 0):
        self.probleme = sorted(set(probleme), key=_sortierschluessel)
        self.weitere = weitere
        super().__init__(self.text())

    @property
    def gesamt(self) -> int:
        return sum(p.anzahl for p in self.probleme) + self.weitere

    def text(self, max_zeilen: int = MAX_ZEILEN) -> str:
        n = self.gesamt
        kopf = f"{n} Problem{'e' if n != 1 else ''} in den Eingabedaten:"
        zeilen = [f"  {p}" for p in self.probleme[:max_zeilen]]
        rest = len(self.probleme) - len(zeilen)
        if rest > 0 or self.weitere:
            mehr = sum(p.anzahl for p in self.probleme[max_zeilen:]) + self.weitere
            zeilen.append(f"  … und {mehr} weitere Probleme (zuerst die obigen beheben)")
        return "\n".join([kopf, *zeilen])


def _sortierschluessel(p: Problem) -> tuple:
    return (p.datei, p.zeile or 0, p.spalte or "", p.wert or "", p.erwartet, p.anzahl,
            p.hinweis or "")


class Sammler:
    """Sammelt Probleme über mehrere Prüfschritte und wirft am Ende einmal.

    Gleiche Probleme (Datei, Spalte, Erwartung, Hinweis) werden gezählt statt gespeichert.
    """

    def __init__(self, einzeln: int = EINZELN, max_arten: int = MAX_ARTEN) -> None:
        self._einzeln = einzeln
        self._max_arten = max_arten
        # Art → [Anzahl, bis zu ``einzeln`` Beispiele (Zeile, Wert)]
        self._arten: dict[tuple, list] = {}
        self.weitere = 0

    def melden(self, datei: str, zeile: int | None, spalte: str | None, wert: object,
               erwartet: str, hinweis: str | None = None) -> None:
        self._zaehlen(datei, spalte, erwartet, 1,
                      [(zeile, None if wert is None else str(wert))], hinweis)

    def melden_viele(self, datei: str, spalte: str | None, zeilen: Sequence[int | None],
                     werte: Sequence[object] | None, erwartet: str,
                     hinweis: str | None = None, anzahl: int | None = None) -> None:
        """Viele gleichartige Fälle auf einmal (z. B. aus einer Maske über eine Spalte).

        ``zeilen``/``werte``: die Fälle oder nur die ersten davon, dann mit ``anzahl`` allen.
        """
        n = len(zeilen) if anzahl is None else anzahl
        if n == 0:
            return
        beispiele = [(None if zeilen[i] is None else int(zeilen[i]),
                      None if werte is None or werte[i] is None else str(werte[i]))
                     for i in range(min(len(zeilen), self._einzeln))]
        self._zaehlen(datei, spalte, erwartet, n, beispiele, hinweis)

    def _zaehlen(self, datei, spalte, erwartet, n, beispiele, hinweis) -> None:
        art = (datei, spalte, erwartet, hinweis)
        eintrag = self._arten.get(art)
        if eintrag is None:
            if len(self._arten) >= self._max_arten:
                self.weitere += n
                return
            eintrag = self._arten[art] = [0, []]
        eintrag[0] += n
        platz = self._einzeln - len(eintrag[1])
        if platz > 0:
            eintrag[1].extend(beispiele[:platz])

    def uebernehmen(self, fehler: Eingabefehler | Iterable[Problem]) -> None:
        probleme = fehler.probleme if isinstance(fehler, Eingabefehler) else fehler
        for p in probleme:
            self._zaehlen(p.datei, p.spalte, p.erwartet, p.anzahl, [(p.zeile, p.wert)],
                          p.hinweis)
        if isinstance(fehler, Eingabefehler):
            self.weitere += fehler.weitere

    @property
    def anzahl(self) -> int:
        """Zahl aller gemeldeten Probleme (auch der nur gezählten)."""
        return sum(e[0] for e in self._arten.values()) + self.weitere

    @property
    def probleme(self) -> list[Problem]:
        """Einzelne Probleme, bzw. je Art eine Zusammenfassung ab ``einzeln`` + 1 Fällen."""
        liste = []
        for (datei, spalte, erwartet, hinweis), (n, beispiele) in self._arten.items():
            if n <= self._einzeln:
                liste.extend(Problem(datei, z, spalte, w, erwartet, 1, hinweis)
                             for z, w in beispiele)
            else:
                z, w = min(beispiele, key=lambda b: (b[0] is not None, b[0] or 0))
                liste.append(Problem(datei, z, spalte, w, erwartet, n, hinweis))
        return liste

    def fehler(self) -> Eingabefehler | None:
        return Eingabefehler(self.probleme, self.weitere) if self.anzahl else None

    def pruefen(self) -> None:
        if self.anzahl:
            raise Eingabefehler(self.probleme, self.weitere)
