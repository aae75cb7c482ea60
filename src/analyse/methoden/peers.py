"""Vergleichsgruppen: Mediane nach Größenklasse und Kommunentyp.

Gruppenwerte werden nur gezeigt, wenn die Gruppe mindestens
``studie.berichte.peer_mindestgroesse`` Kommunen umfasst (Schutz einzelner Angaben).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def aktuell(reifegrad: pd.DataFrame, welle: int) -> pd.DataFrame:
    """Reifegrad der Welle breit: Index ags, Spalten Handlungsfelder und ``gesamt``."""
    teil = reifegrad[reifegrad["welle"] == welle]
    return teil.pivot(index="ags", columns="handlungsfeld", values="wert")


def gruppenmedian(werte: pd.DataFrame, gruppe: pd.Series, mindestgroesse: int) -> pd.DataFrame:
    """Median und Anzahl je Gruppe und Spalte; Gruppen unter der Mindestgröße werden NaN.

    ``werte``: Index ags, Spalten Merkmale. ``gruppe``: Index ags → Gruppenschlüssel.
    Ergebnis: Index Gruppe, Spalten ``(merkmal, "median"|"n")``.
    """
    g = gruppe.reindex(werte.index)
    median = werte.groupby(g, observed=True).median()
    anzahl = werte.notna().groupby(g, observed=True).sum()
    median = median.where(anzahl >= mindestgroesse)
    return pd.concat({"median": median, "n": anzahl}, axis=1).swaplevel(axis=1).sort_index(axis=1)


def vergleich(werte: pd.DataFrame, ags: str, gruppen: dict[str, pd.Series],
              mindestgroesse: int) -> pd.DataFrame:
    """Eigener Wert je Merkmal gegen den Median jeder Vergleichsgruppe.

    ``gruppen``: Bezeichnung → Zuordnung ags → Gruppe (z. B. Größenklasse, Typ).
    Ergebnis: Index Merkmal, Spalten ``wert`` und je Gruppe ``<name>`` und ``<name>_n``.
    Die eigene Kommune zählt zur Gruppe (wie bei veröffentlichten Medianen üblich).
    """
    zeilen = pd.DataFrame({"wert": werte.loc[ags]})
    for name, zuordnung in gruppen.items():
        schluessel = zuordnung.get(ags)
        mitglieder = zuordnung.index[zuordnung == schluessel].intersection(werte.index)
        teil = werte.loc[mitglieder]
        n = teil.notna().sum()
        zeilen[name] = teil.median().where(n >= mindestgroesse)
        zeilen[f"{name}_n"] = n
    return zeilen


def perzentil(werte: pd.Series, wert: float) -> float:
    """Anteil der Werte, die kleiner oder gleich ``wert`` sind (0–100)."""
    w = werte.dropna().to_numpy()
    if len(w) == 0 or np.isnan(wert):
        return float("nan")
    return float((w <= wert).mean() * 100)
