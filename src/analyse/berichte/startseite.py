"""Die Startseite der Site: Studie und Stand, Eckdaten, dann die Tabelle der Kommunen.

Die Tabelle ist ohne JavaScript vollständig (alle Zeilen, alle Links; vorsortiert nach Name,
Referenzkommunen zuerst). Mit JavaScript lässt sie sich filtern und nach jeder Spalte sortieren
(``vorlagen/filter.js``). Alles aus Daten wird von der Jinja-Vorlage maskiert.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analyse.berichte.kontext import reifegrad_breit, typmodell
from analyse.berichte.kontext import typnamen as typnamen_je_typ
from analyse.eingabe import groessenklassen
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.namen import Tabelle as T
from analyse.zahlen import zahl

#: Verfügbare Fassungen eines Kommunenberichts neben der HTML-Seite (Endung → Linktext).
FASSUNGEN = {"pdf": "PDF", "xlsx": "Excel"}


def stand(erg: Ergebnisse) -> str:
    """Der Stand der Studie: die aktuelle Welle mit ihrem Datum, wo angegeben."""
    welle = next(w for w in erg.studie.wellen if w.id == erg.studie.aktuelle_welle)
    if welle.datum:
        return f"{welle.bezeichnung}, Stand {welle.datum:%d.%m.%Y}"
    return welle.bezeichnung


def _typen_belastbar(erg: Ergebnisse) -> bool:
    """Typen nennt die Startseite nur, wo die Studie eine belastbare Typenstruktur hat."""
    return typmodell(erg).typstruktur_belastbar


def typnamen(erg: Ergebnisse) -> pd.Series:
    """Typname je Kommune; leer, wo die Studie keine belastbaren Typen hat."""
    typen = erg.tabelle_oder_leer(T.TYPEN)
    if typen.empty or not _typen_belastbar(erg):
        return pd.Series(dtype=object)
    namen = typnamen_je_typ(erg)
    return typen.set_index("ags")["typ"].map(lambda t: namen.get(t, t))


def eckdaten(erg: Ergebnisse, anzahl_berichte: int) -> list[tuple[str, str]]:
    k = erg.kommunen
    rg = reifegrad_breit(erg)
    median = rg["gesamt"].median() if "gesamt" in rg and rg["gesamt"].notna().any() else np.nan
    return [
        ("Kommunen in der Studie", zahl(len(k))),
        ("Mitglieder des Verbands", zahl(int(k["mitglied"].sum()))),
        ("Referenzkommunen", zahl(int(k["referenzkommune"].sum()))),
        ("Berichte auf dieser Seite", zahl(anzahl_berichte)),
        ("Reifegrad gesamt (Median aller Kommunen)", f"{zahl(median)} von 100"),
    ]


def zeilen(erg: Ergebnisse, ags_liste: list[str], berichte: Path) -> list[dict]:
    """Je Kommune mit Bericht: Stammdaten, Typ, Stufe, Reifegrad und die vorhandenen Fassungen."""
    k = erg.kommunen.reindex(ags_liste)
    rg = reifegrad_breit(erg)
    r = erg.tabelle(T.REIFEGRAD)
    r = r[(r["welle"] == erg.studie.aktuelle_welle) & (r["handlungsfeld"] == "gesamt")]
    stufe = r.set_index("ags")["stufe"]
    typ = typnamen(erg)
    ergebnis = []
    for ags, z in k.iterrows():
        wert = rg["gesamt"].get(ags, np.nan) if "gesamt" in rg else np.nan
        ergebnis.append({
            "ags": ags, "name": z["name"], "art": z["art"], "kreis": z["kreis"] or "",
            "groessenklasse": groessenklassen.bezeichnung(str(z["groessenklasse"]), kurz=True),
            "referenzkommune": bool(z["referenzkommune"]),
            "typ": typ.get(ags, ""), "stufe": stufe.get(ags, "") if pd.notna(
                stufe.get(ags, np.nan)) else "",
            "reifegrad": "" if pd.isna(wert) else zahl(wert),
            "reifegrad_sort": "" if pd.isna(wert) else f"{float(wert):07.2f}",
            "fassungen": [(endung, text) for endung, text in FASSUNGEN.items()
                          if (berichte / "kommunen" / f"{ags}.{endung}").is_file()],
        })
    return sorted(ergebnis, key=lambda z: (not z["referenzkommune"], z["name"]))
