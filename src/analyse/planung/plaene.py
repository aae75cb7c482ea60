"""Der Schritt „Roadmap“: für jede Referenzkommune ein Plan im eigenen Jahresrahmen.

Je Kommune: Jahresrahmen aus ``planung.rahmen``; die Umlage an den Verband
(``verband_umlage``) ist vorab gebucht; die Empfehlungen werden in Rangfolge geplant
(``planung.roadmap``). Empfehlungen „über den Verband“ kosten im Plan kein eigenes Geld (ihr
Anteil steckt in der Umlage, so wird nichts doppelt gezählt), nur den Anschlussaufwand, und
beginnen frühestens, wenn der Verband liefert. Dazu die Summen für den Abschlussbericht.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from analyse.eingabe.massnahmen import Katalog
from analyse.eingabe.studie import Studie
from analyse.namen import Tabelle as T
from analyse.planung import roadmap

ZUSATZ = ["rang", "hauptfeld", "hauptfeld_name", "ueber_verband", "verband_titel"]
BILANZ_SPALTEN = ["ags", "n_geplant", "n_verschoben", "zusatz_budget_je_jahr",
                  "zusatz_personentage_je_jahr", "n_zeitlich", "zusatz_satz"]


def vorhaben(tabelle: pd.DataFrame, katalog: Katalog) -> list[roadmap.Vorhaben]:
    """Empfehlungen einer Kommune (Rangfolge) → Vorhaben für den Planer."""
    ergebnis = []
    for z in tabelle.sort_values("rang").itertuples():
        v = roadmap.Vorhaben(
            id=z.massnahme, titel=z.titel, dauer_quartale=int(z.dauer_quartale),
            kosten_einmalig=float(z.kosten_einmalig), kosten_jaehrlich=float(z.kosten_jaehrlich),
            personentage=float(z.aufwand_personentage),
            voraussetzungen=tuple(katalog.nach_id[z.massnahme].voraussetzungen.massnahmen))
        if z.ueber_verband:
            v = replace(roadmap.ohne_kosten(v), frueheste=int(z.verband_ab_quartal),
                        frueheste_grund=f"der Verband liefert „{z.verband_titel}“ ab "
                                        f"{z.verband_ab}")
        ergebnis.append(v)
    return ergebnis


def umlage_je_jahr(umlage: pd.DataFrame, ags: str, startjahr: int, jahre: int) -> np.ndarray:
    werte = np.zeros(jahre)
    if umlage is None or umlage.empty:
        return werte
    teil = umlage[umlage["ags"].astype(str) == ags]
    for z in teil.itertuples():
        if startjahr <= z.jahr < startjahr + jahre:
            werte[z.jahr - startjahr] += z.umlage
    return werte


def kommune_planen(tabelle: pd.DataFrame, rahmen_zeile: pd.Series, umlage: np.ndarray,
                   katalog: Katalog, startjahr: int, jahre: int
                   ) -> tuple[tuple[pd.DataFrame, ...], dict]:
    """Plan einer Kommune: (Roadmap-Tabellen, Bilanzzeile)."""
    ags = str(rahmen_zeile["ags"])
    vh = vorhaben(tabelle, katalog)
    plan = roadmap.planen(vh, float(rahmen_zeile["budget"]),
                          float(rahmen_zeile["kapazitaet_personentage"]), startjahr, jahre,
                          vorbelegt=umlage)
    zusatz = {z.massnahme: {s: getattr(z, s) for s in ZUSATZ} for z in tabelle.itertuples()}
    geld, tage, zeitlich = roadmap.zusatzbedarf(vh, plan)
    bilanz = {"ags": ags, "n_geplant": len(plan.termine), "n_verschoben": len(plan.verschoben),
              "zusatz_budget_je_jahr": geld, "zusatz_personentage_je_jahr": tage,
              "n_zeitlich": len(zeitlich),
              "zusatz_satz": roadmap.zusatz_satz(geld, tage, sorted(zeitlich),
                                                 {v.id: v.titel for v in vh})}
    return roadmap.tabellen(ags, plan, vh, zusatz), bilanz


def _verbinden(teile: list[pd.DataFrame], spalten: list[str]) -> pd.DataFrame:
    teile = [x for x in teile if not x.empty]
    df = pd.concat(teile, ignore_index=True) if teile else pd.DataFrame(columns=spalten)
    return df.reindex(columns=spalten)


def erstellen(empfehlungen: pd.DataFrame, rahmen: pd.DataFrame, verband_umlage: pd.DataFrame,
              katalog: Katalog, studie: Studie, feldnamen: Mapping[str, str]
              ) -> dict[str, pd.DataFrame]:
    """Der Schritt „Roadmap“: ``roadmap``, ``roadmap_kosten``, ``roadmap_jahre``,
    ``verschiebungen``, ``roadmap_bilanz``, ``empfehlungen_summen``, ``kosten_je_feld_jahr``."""
    r = studie.roadmap
    startjahr = r.startjahr or studie.aktuelle_welle + 1
    rahmen_i = rahmen.set_index(rahmen["ags"].astype(str), drop=False)
    teile: list[list[pd.DataFrame]] = [[], [], [], []]
    bilanz = []
    for ags, tabelle in empfehlungen.groupby("ags", sort=True):
        umlage = umlage_je_jahr(verband_umlage, str(ags), startjahr, r.jahre)
        tabellen, zeile = kommune_planen(tabelle, rahmen_i.loc[str(ags)], umlage, katalog,
                                         startjahr, r.jahre)
        for liste, t in zip(teile, tabellen, strict=True):
            liste.append(t)
        bilanz.append(zeile)
    ergebnis = {
        T.ROADMAP: _verbinden(teile[0], [*roadmap.ROADMAP_SPALTEN, *ZUSATZ]),
        T.ROADMAP_KOSTEN: _verbinden(teile[1], [*roadmap.KOSTEN_SPALTEN[:2], *ZUSATZ,
                                                *roadmap.KOSTEN_SPALTEN[2:]]),
        T.ROADMAP_JAHRE: _verbinden(teile[2], roadmap.JAHRE_SPALTEN),
        T.VERSCHIEBUNGEN: _verbinden(teile[3], [*roadmap.VERSCHOBEN_SPALTEN[:3], *ZUSATZ,
                                                *roadmap.VERSCHOBEN_SPALTEN[3:]]),
        T.ROADMAP_BILANZ: pd.DataFrame(bilanz, columns=BILANZ_SPALTEN),
    }
    summe, je_jahr = summen(empfehlungen, ergebnis[T.ROADMAP_KOSTEN], ergebnis[T.VERSCHIEBUNGEN],
                            feldnamen)
    return ergebnis | {T.EMPFEHLUNGEN_SUMMEN: summe, T.KOSTEN_JE_FELD_JAHR: je_jahr}


def summen(empfehlungen: pd.DataFrame, roadmap_kosten: pd.DataFrame,
           verschiebungen: pd.DataFrame, feldnamen: Mapping[str, str]
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``empfehlungen_summen`` je Handlungsfeld, ``kosten_je_feld_jahr``), mit Zeile ``gesamt``.

    Kosten der Empfehlungen „über den Verband“ sind die Anteile der Kommunen (nicht die
    vollen Kosten); ``davon_ueber_verband`` zählt sie.
    """
    versch = set(zip(verschiebungen.get("ags", []), verschiebungen.get("massnahme", []),
                     strict=True))
    gruppen = [(f, empfehlungen[empfehlungen["hauptfeld"] == f])
               for f in sorted(set(empfehlungen["hauptfeld"]))] + [("gesamt", empfehlungen)]
    summe = pd.DataFrame([{
        "handlungsfeld": f, "handlungsfeld_name": feldnamen.get(f, "Gesamt"),
        "anzahl_empfehlungen": len(teil), "anzahl_kommunen": teil["ags"].nunique(),
        "kosten_einmalig": float(teil["kosten_einmalig"].sum()),
        "kosten_jaehrlich": float(teil["kosten_jaehrlich"].sum()),
        "aufwand_personentage": float(teil["aufwand_personentage"].sum()),
        "davon_ueber_verband": int(teil["ueber_verband"].astype(bool).sum()),
        "davon_verschoben": sum((a, m) in versch for a, m in zip(teil["ags"], teil["massnahme"],
                                                                 strict=True))}
        for f, teil in gruppen])
    spalten = ["handlungsfeld", "handlungsfeld_name", "jahr", "anzahl_massnahmen",
               "kosten_einmalig", "kosten_laufend", "kosten_gesamt", "personentage"]
    if roadmap_kosten.empty:
        return summe, pd.DataFrame(columns=spalten)
    alle = pd.concat([roadmap_kosten.assign(handlungsfeld=roadmap_kosten["hauptfeld"]),
                      roadmap_kosten.assign(handlungsfeld="gesamt")], ignore_index=True)
    j = (alle.groupby(["handlungsfeld", "jahr"], sort=True)
         .agg(anzahl_massnahmen=("massnahme", "size"), kosten_einmalig=("kosten_einmalig", "sum"),
              kosten_laufend=("kosten_laufend", "sum"), personentage=("personentage", "sum"))
         .reset_index())
    j["kosten_gesamt"] = j["kosten_einmalig"] + j["kosten_laufend"]
    j["handlungsfeld_name"] = j["handlungsfeld"].map(lambda f: feldnamen.get(f, "Gesamt"))
    return summe, j[spalten]
