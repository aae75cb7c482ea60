"""Personal- und Finanzrichtwerte je Größenklasse für die Mitglieder ohne Referenzstatus.

Abgeleitet aus den Daten, nicht gesetzt: Je Größenklasse bilden die Kommunen mit dem
höchsten Gesamtreifegrad (oberes Quartil der Klasse) die *Spitzengruppe*. Für sie werden
die Kennzahlen

- IT- und Digitalisierungspersonal je 10.000 Einwohner (``it_personal``),
- Digitalbudget je Einwohner (``digitalbudget``) und
- Anteil des IT-Personals an den Beschäftigten (``it_personal`` / ``beschaeftigte``)

als **Spanne** angegeben: unteres bis oberes Quartil der Spitzengruppe (dazu ihr Median und
der Median der ganzen Klasse zum Vergleich). Hat das obere Quartil weniger als
``mindestgroesse`` Kommunen, bilden die ``mindestgroesse`` stärksten die Spitzengruppe
(Spalte ``basis``). Hat die Klasse selbst weniger, wird keine Spanne gezeigt (``hinweis``).
Einzelwerte von Kommunen erscheinen nie, nur Gruppenwerte und Anzahlen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyse.eingabe.groessenklassen import BEZEICHNUNG, KLASSEN
from analyse.zahlen import zahl

KENNZAHLEN = {
    "it_personal_je_10000_ew": ("IT- und Digitalisierungspersonal je 10.000 Einwohner", "Stellen"),
    "digitalbudget_je_ew": ("Digitalbudget je Einwohner", "€"),
    "it_anteil_beschaeftigte": ("Anteil IT-Personal an allen Beschäftigten", "%"),
}
SPALTEN = ["groessenklasse", "bezeichnung", "kennzahl", "kennzahl_name", "einheit", "n_klasse",
           "n_spitze", "basis", "spitze_von", "spitze_median", "spitze_bis", "klasse_median",
           "n_mitglieder_ohne_referenz", "n_mitglieder_unter_spanne", "empfehlung", "hinweis"]


def kennzahlen(kommunen: pd.DataFrame, reifegrad: pd.DataFrame, struktur: pd.DataFrame,
               welle: int) -> pd.DataFrame:
    """Kennzahlen je Kommune (nur intern; Berichte zeigen nur Gruppenwerte)."""
    k = kommunen.set_index("ags") if "ags" in kommunen.columns else kommunen.copy()
    k.index = k.index.astype(str)
    s = struktur[struktur["welle"] == welle].copy()
    s["ags"] = s["ags"].astype(str)
    s = s.drop_duplicates("ags").set_index("ags")
    g = reifegrad[(reifegrad["welle"] == welle) & (reifegrad["handlungsfeld"] == "gesamt")].copy()
    g["ags"] = g["ags"].astype(str)
    df = pd.DataFrame(index=k.index)
    df["groessenklasse"] = k["groessenklasse"].astype(str)
    df["einwohner"] = k["einwohner"].astype(float)
    df["mitglied"] = k.get("mitglied", pd.Series(False, index=k.index)).fillna(False).astype(bool)
    df["referenzkommune"] = k["referenzkommune"].fillna(False).astype(bool)
    df["gesamt"] = g.drop_duplicates("ags").set_index("ags")["wert"].reindex(df.index)
    it = s["it_personal"].reindex(df.index) if "it_personal" in s else np.nan
    budget = s["digitalbudget"].reindex(df.index) if "digitalbudget" in s else np.nan
    besch = s["beschaeftigte"].reindex(df.index) if "beschaeftigte" in s else np.nan
    ew = df["einwohner"].where(df["einwohner"] > 0)
    df["it_personal_je_10000_ew"] = it / ew * 10_000
    df["digitalbudget_je_ew"] = budget / ew
    df["it_anteil_beschaeftigte"] = 100 * it / pd.Series(besch, index=df.index).where(
        lambda x: x > 0)
    return df


def _fmt(wert: float, einheit: str) -> str:
    stellen = 1 if einheit in ("Stellen", "%") else 0
    return zahl(wert, stellen, "" if einheit == "Stellen" else einheit)


def richtwerte(kommunen: pd.DataFrame, reifegrad: pd.DataFrame, struktur: pd.DataFrame,
               welle: int, mindestgroesse: int, quantil: float = 0.75) -> pd.DataFrame:
    """Richtwert-Spannen je Größenklasse und Kennzahl (Regeln siehe Moduldoku)."""
    if struktur is None or struktur.empty:
        return pd.DataFrame(columns=SPALTEN)
    df = kennzahlen(kommunen, reifegrad, struktur, welle)
    zeilen = []
    for gk in [k for k in KLASSEN if k in set(df["groessenklasse"])]:
        klasse = df[df["groessenklasse"] == gk]
        for kz, (name, einheit) in KENNZAHLEN.items():
            basis_df = klasse.dropna(subset=["gesamt", kz])
            zeile = {"groessenklasse": gk, "bezeichnung": BEZEICHNUNG.get(gk, gk),
                     "kennzahl": kz, "kennzahl_name": name, "einheit": einheit,
                     "n_klasse": len(basis_df), "n_spitze": 0, "basis": "",
                     "spitze_von": np.nan, "spitze_median": np.nan, "spitze_bis": np.nan,
                     "klasse_median": np.nan, "n_mitglieder_ohne_referenz": 0,
                     "n_mitglieder_unter_spanne": 0, "empfehlung": "", "hinweis": ""}
            ohne_ref = klasse[klasse["mitglied"] & ~klasse["referenzkommune"]]
            zeile["n_mitglieder_ohne_referenz"] = len(ohne_ref)
            if len(basis_df) < mindestgroesse:
                zeile["hinweis"] = (f"Zu wenige Kommunen mit Angaben ({len(basis_df)}; "
                                    f"mindestens {mindestgroesse}) – keine Spanne.")
                zeilen.append(zeile)
                continue
            schwelle = basis_df["gesamt"].quantile(quantil)
            spitze = basis_df[basis_df["gesamt"] >= schwelle]
            zeile["basis"] = f"oberes Quartil des Gesamtreifegrads (ab {schwelle:.0f} Punkten)"
            if len(spitze) < mindestgroesse:
                # Stabil sortiert, Gleichstände nach AGS: deterministisch.
                spitze = basis_df.sort_values(["gesamt"], ascending=False, kind="stable") \
                    .head(mindestgroesse)
                zeile["basis"] = f"die {mindestgroesse} Kommunen mit dem höchsten Gesamtreifegrad"
            werte = spitze[kz]
            von, median, bis = (float(werte.quantile(q)) for q in (0.25, 0.5, 0.75))
            zeile.update({"n_spitze": len(spitze), "spitze_von": von, "spitze_median": median,
                          "spitze_bis": bis, "klasse_median": float(basis_df[kz].median())})
            unter = int((ohne_ref[kz].dropna() < von).sum())
            zeile["n_mitglieder_unter_spanne"] = unter
            mit_angabe = int(ohne_ref[kz].notna().sum())
            satz = (f"{name}: Die stärksten Kommunen der Klasse {BEZEICHNUNG.get(gk, gk)} "
                    f"liegen zwischen {_fmt(von, einheit)} und {_fmt(bis, einheit)} "
                    f"(Median der ganzen Klasse: {_fmt(zeile['klasse_median'], einheit)}).")
            if mit_angabe:
                satz += (f" {unter} von {mit_angabe} Mitgliedern ohne Referenzstatus mit Angaben "
                         f"liegen darunter; für sie ist ein Ausbau bis in diese Spanne ein "
                         f"realistisches Ziel.")
            zeile["empfehlung"] = satz
            zeilen.append(zeile)
    return pd.DataFrame(zeilen, columns=SPALTEN)
