"""Jahresrahmen einer Kommune: wie viel Geld und Personal je Jahr für neue Maßnahmen bereitsteht.

Regel (Parameter in ``studie.yml``, Abschnitt ``roadmap``):

- **Budget** = ``anteil_digitalbudget`` × gemeldetes IT- und Digitalbudget (``digitalbudget``).
  Da der Anteil höchstens 1 ist, liegt der Rahmen nie über dem gemeldeten Budget.
- **Personentage** = (``anteil_it_personal`` × IT-Stellen + ``anteil_beschaeftigte`` ×
  Beschäftigte) × ``arbeitstage_je_vzae``: ein Teil der IT-Stellen und ein kleiner Teil der
  Arbeitszeit der Fachbereiche steht für Vorhaben bereit.
- Fehlt eine Angabe, gilt der **Klassenwert** der Kostenklasse (``budget_je_jahr`` bzw.
  ``personentage_je_jahr``); Spalte ``budget_quelle``/``personal_quelle`` und der Satz sagen das.

Der Rahmen umfasst auch die Umlage für neue Verbandsleistungen (``planung.verband``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyse.eingabe.groessenklassen import KOSTENKLASSE, kurz
from analyse.eingabe.studie import RoadmapEinstellungen
from analyse.zahlen import euro, zahl

SPALTEN = ["ags", "groessenklasse", "kostenklasse", "digitalbudget", "it_personal",
           "beschaeftigte", "budget", "kapazitaet_personentage", "budget_quelle",
           "personal_quelle", "satz"]
EIGEN, KLASSE = "eigene Angabe", "Klassenwert"


def _angabe(struktur: pd.DataFrame | None, welle: int, spalte: str, index: pd.Index) -> pd.Series:
    """Gemeldeter Wert je AGS (NaN, wenn nicht gemeldet oder nicht positiv)."""
    if struktur is None or struktur.empty or spalte not in struktur.columns:
        return pd.Series(np.nan, index=index)
    s = struktur[struktur["welle"] == welle].drop_duplicates("ags")
    werte = pd.Series(s[spalte].to_numpy(dtype=float), index=s["ags"].astype(str))
    return werte.where(werte > 0).reindex(index)


def _budget_satz(z: pd.Series, e: RoadmapEinstellungen) -> str:
    if z["budget_quelle"] == EIGEN:
        return (f"{euro(z['budget'])} ({zahl(100 * e.anteil_digitalbudget)} % des gemeldeten "
                f"IT- und Digitalbudgets von {euro(z['digitalbudget'])})")
    return (f"{euro(z['budget'])} (Klassenwert für {kurz(z['kostenklasse'])} aus studie.yml, weil "
            f"kein IT- und Digitalbudget gemeldet wurde)")


def _personal_satz(z: pd.Series, e: RoadmapEinstellungen) -> str:
    if z["personal_quelle"] == EIGEN:
        return (f"{zahl(z['kapazitaet_personentage'])} Personentage "
                f"({zahl(100 * e.anteil_it_personal)} % von {zahl(z['it_personal'], 1)} "
                f"IT-Stellen und {zahl(100 * e.anteil_beschaeftigte, 1)} % der Arbeitszeit von "
                f"{zahl(z['beschaeftigte'])} Beschäftigten, je {zahl(e.arbeitstage_je_vzae)} "
                f"Arbeitstage)")
    fehlt = " und ".join(n for n, w in (("IT-Personal", z["it_personal"]),
                                        ("Beschäftigte", z["beschaeftigte"])) if pd.isna(w))
    return (f"{zahl(z['kapazitaet_personentage'])} Personentage (Klassenwert für "
            f"{kurz(z['kostenklasse'])} aus studie.yml, weil {fehlt} nicht gemeldet)")


def berechnen(kommunen: pd.DataFrame, struktur: pd.DataFrame | None, welle: int,
              e: RoadmapEinstellungen) -> pd.DataFrame:
    """Rahmen je Kommune (Spalten ``SPALTEN``); ``satz`` nennt Rahmen und Quelle in einem Satz."""
    k = kommunen.set_index("ags") if "ags" in kommunen.columns else kommunen
    index = k.index.astype(str)
    df = pd.DataFrame({"ags": index, "groessenklasse": k["groessenklasse"].astype(str).to_numpy()})
    df["kostenklasse"] = df["groessenklasse"].map(lambda g: KOSTENKLASSE.get(g, g))
    for spalte in ("digitalbudget", "it_personal", "beschaeftigte"):
        df[spalte] = _angabe(struktur, welle, spalte, index).to_numpy()
    hat_budget = df["digitalbudget"].notna()
    df["budget"] = np.where(hat_budget, e.anteil_digitalbudget * df["digitalbudget"],
                            df["kostenklasse"].map(e.budget_je_jahr).astype(float))
    hat_personal = df["it_personal"].notna() & df["beschaeftigte"].notna()
    eigen_pt = (e.anteil_it_personal * df["it_personal"]
                + e.anteil_beschaeftigte * df["beschaeftigte"]) * e.arbeitstage_je_vzae
    df["kapazitaet_personentage"] = np.where(
        hat_personal, eigen_pt, df["kostenklasse"].map(e.personentage_je_jahr).astype(float))
    df["budget_quelle"] = np.where(hat_budget, EIGEN, KLASSE)
    df["personal_quelle"] = np.where(hat_personal, EIGEN, KLASSE)
    df["satz"] = [f"Jahresrahmen für neue Maßnahmen: {_budget_satz(z, e)} und "
                  f"{_personal_satz(z, e)}." for _, z in df.iterrows()]
    return df[SPALTEN]
