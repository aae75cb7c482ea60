"""Kleine Gruppen bleiben verborgen, in Abbildungen wie in Tabellen.

Jede Abbildung übergibt ``html.abbildung`` ihre ``Diagrammdaten``: die Tabelle, aus der sie
gezeichnet ist, und die Größe jeder gezeigten Gruppe von Kommunen. ``html.abbildungsfunktion``
prüft sie mit ``verletzungen`` gegen ``berichte.peer_mindestgroesse`` aus ``studie.yml`` und
bricht ab, wenn eine Gruppe darunter liegt: lieber kein Bericht als ein Bericht, aus dessen Bild
sich Einzelne ablesen lassen.

``zusammenlegen`` macht aus einer Kreuztabelle (Zeilen: geordnete Gruppen, etwa Größenklassen;
Spalten: Kategorien, etwa Typen) eine, in der jede Zelle 0 oder mindestens die Mindestgröße ist.
Alle Zahlen der Ergebnistabelle sind danach exakt zeigbar; es gibt keine Lücken, die sich aus
Randsummen zurückrechnen ließen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd


class KleineZellenFehler(RuntimeError):
    """Eine Abbildung zeigt eine Gruppe unter der Mindestgröße (ein Programmierfehler)."""


@dataclass(frozen=True)
class Diagrammdaten:
    """Was eine Abbildung zeigt.

    ``tabelle``: die Werte der Abbildung für Leserinnen und Leser (Daten zur Abbildung).
    ``gruppen``: jede gezeigte Gruppe von Kommunen (Balkenabschnitt, Box, Linie, Punktwolke,
    Heatmap-Zeile, Median) mit der Zahl ihrer Kommunen. Werte der Kommune, um die es im Bericht
    geht, sind keine Gruppe; eine Abbildung nur aus ihnen (Zeitplan) hat ``gruppen={}``.
    ``sichtbar``: die Tabelle steht schon sichtbar beim Bild (sonst aufklappbar darunter).
    """

    tabelle: pd.DataFrame
    gruppen: Mapping[str, int]
    formate: dict[str, str] = field(default_factory=dict)
    sichtbar: bool = False
    zeilenkopf: bool = True


def verletzungen(daten: Diagrammdaten, mindest: int) -> list[str]:
    """Gruppen unter der Mindestgröße (leer: in Ordnung)."""
    return [f"{g} ({n})" for g, n in daten.gruppen.items() if int(n) < mindest]


@dataclass(frozen=True)
class Zusammengelegt:
    """Ergebnis von ``zusammenlegen``: neue Kreuztabelle und was wohin ging."""

    kreuz: pd.DataFrame
    zeilen: dict[str, list[str]]   # neue Zeile → alte Zeilen
    spalten: dict[str, list[str]]  # neue Spalte → alte Spalten

    @property
    def geaendert(self) -> bool:
        return (any(len(v) > 1 for v in self.zeilen.values())
                or any(len(v) > 1 or k != v[0] for k, v in self.spalten.items()))


def _ok(werte: pd.Series | pd.DataFrame, mindest: int) -> bool:
    s = werte.sum() if isinstance(werte, pd.DataFrame) else werte
    return bool(((s == 0) | (s >= mindest)).all())


def zusammenlegen(kreuz: pd.DataFrame, mindest: int, abschnitte: Sequence[Sequence[str]],
                  zeilenname: Callable[[list[str]], str], weitere: str,
                  auffang: str | None = None) -> Zusammengelegt:
    """Zellen unter ``mindest`` verschwinden durch Zusammenlegen, nie durch Lücken.

    1. Spalten mit zusammen weniger als ``mindest`` Kommunen werden zur Spalte ``weitere``; ist
       auch die zu klein, kommt sie zur Spalte ``auffang`` (etwa dem Mischtyp), sonst zur
       kleinsten übrigen Spalte.
    2. Zeilen werden innerhalb eines Abschnitts (``abschnitte``: etwa Gemeinden, Kreise; je in
       ihrer Reihenfolge) mit ihren Nachbarn zusammengelegt, bis jede Zelle 0 oder mindestens
       ``mindest`` ist; ein zu kleiner Rest kommt zum vorigen Band, notfalls über die
       Abschnittsgrenze. Da jede Spalte insgesamt 0 oder mindestens ``mindest`` ist, endet das
       spätestens mit einer einzigen Zeile.
    """
    kreuz = kreuz.astype(int)
    if kreuz.empty:
        return Zusammengelegt(kreuz, {z: [z] for z in kreuz.index}, {s: [s] for s in kreuz})
    kreuz, spalten = _spalten_zusammenlegen(kreuz, mindest, weitere, auffang)
    baender = _baender(kreuz, mindest, abschnitte)
    neu = pd.DataFrame({zeilenname(b): kreuz.loc[b].sum() for b in baender}).T
    neu = neu.reindex(columns=kreuz.columns).fillna(0).astype(int)
    return Zusammengelegt(neu, {zeilenname(b): b for b in baender}, spalten)


def _spalten_zusammenlegen(kreuz: pd.DataFrame, mindest: int, weitere: str,
                           auffang: str | None) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    spalten = {s: [s] for s in kreuz.columns}
    klein = [s for s in kreuz.columns if 0 < kreuz[s].sum() < mindest]
    if not klein:
        return kreuz, spalten
    kreuz = kreuz.drop(columns=klein).assign(**{weitere: kreuz[klein].sum(axis=1)})
    spalten = {s: v for s, v in spalten.items() if s not in klein} | {weitere: klein}
    if 0 < kreuz[weitere].sum() < mindest and len(kreuz.columns) > 1:
        uebrige = [s for s in kreuz.columns if s != weitere]
        ziel = auffang if auffang in uebrige else kreuz[uebrige].sum().idxmin()
        kreuz[ziel] += kreuz.pop(weitere)
        spalten[ziel] = spalten[ziel] + spalten.pop(weitere)
    return kreuz, spalten


def _baender(kreuz: pd.DataFrame, mindest: int,
             abschnitte: Sequence[Sequence[str]]) -> list[list[str]]:
    baender: list[list[str]] = []
    bekannt = {z for a in abschnitte for z in a}
    rest = [z for z in kreuz.index if z not in bekannt]
    for abschnitt in [*abschnitte, rest]:
        aktuell: list[str] = []
        eigene: list[list[str]] = []
        for z in (z for z in abschnitt if z in kreuz.index):
            aktuell.append(z)
            if _ok(kreuz.loc[aktuell], mindest):
                eigene.append(aktuell)
                aktuell = []
        if aktuell and eigene:
            eigene[-1] = eigene[-1] + aktuell
        elif aktuell:
            eigene.append(aktuell)
        baender += eigene
    # Abschnitte, die für sich nicht reichen, gehen im Nachbarband auf
    i = 0
    while i < len(baender):
        if len(baender) > 1 and not _ok(kreuz.loc[baender[i]], mindest):
            ziel = i - 1 if i > 0 else 1
            zusammen = (baender[ziel] + baender[i]) if ziel < i else (baender[i] + baender[ziel])
            baender[ziel] = zusammen
            del baender[i]
            i = max(0, i - 1)
        else:
            i += 1
    return baender


def anzahl(n: float, mindest: int) -> str:
    """Eine Gruppengröße für Tabellen: unter der Mindestgröße nur „< mindest“ (wie amtlich)."""
    if pd.isna(n):
        return "–"
    return f"< {mindest}" if 0 < n < mindest else f"{int(n):,}".replace(",", ".")
