"""Gemeinsame Nachschlagewerte für Berichtsabschnitte (aus einem ``Ergebnisse``-Objekt)."""

from __future__ import annotations

import pandas as pd

from analyse.eingabe import groessenklassen
from analyse.eingabe.studienordner import AGS_MUSTER
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.methoden import peers
from analyse.methoden.kommunentypen import TypenModell
from analyse.namen import Tabelle as T


def ags_pruefen(erg: Ergebnisse, ags: str) -> str:
    """Ein Berichtsparameter: muss ein AGS der Studie sein."""
    ags = str(ags)
    if not AGS_MUSTER.match(ags) or ags not in erg.kommunen.index:
        raise ValueError(f"Unbekannter AGS {ags!r}: erwartet ein AGS aus kommunen.csv")
    return ags


def feldnamen(erg: Ergebnisse) -> dict[str, str]:
    """Handlungsfeld-ID → Name, in Codebuch-Reihenfolge, plus ``gesamt``."""
    return {h.id: h.name for h in erg.fragebogen.handlungsfelder} | {"gesamt": "Gesamt"}


def reifegrad_breit(erg: Ergebnisse, welle: int | None = None) -> pd.DataFrame:
    welle = erg.studie.aktuelle_welle if welle is None else welle
    breit = peers.aktuell(erg.tabelle(T.REIFEGRAD), welle)
    return breit.reindex(columns=list(feldnamen(erg)))


def typ_je_kommune(erg: Ergebnisse) -> pd.Series:
    return erg.tabelle(T.TYPEN).set_index("ags")["typ"]


def typmodell(erg: Ergebnisse) -> TypenModell:
    """Das Modell der Typisierung als typisiertes Objekt (aus ``modell.json``)."""
    return erg.modell.kommunentypen


def typnamen(erg: Ergebnisse) -> dict[str, str]:
    """Typ-ID → Name, auch für Varianten und neue Typen, die nicht im Typkatalog stehen."""
    return erg.typkatalog.name | typmodell(erg).typnamen


def gk_bezeichnung(gk: str) -> str:
    return groessenklassen.bezeichnung(gk)


def mindestgroesse(erg: Ergebnisse) -> int:
    return erg.studie.berichte.peer_mindestgroesse


def kleine_typen(erg: Ergebnisse) -> set[str]:
    """Typen (IDs) mit weniger Kommunen als die Mindestgröße: die eine Regel für alle Berichte.

    Klein ist ein Typ, der in der Studie (``typen``) oder als Cluster des Modells
    (``typen_stabilitaet``) weniger als ``peer_mindestgroesse`` Kommunen hat. Seine Größe ist ein
    Ergebnis des Modells und darf als „< n“ erscheinen; seine Merkmale nicht: kein Median, kein
    Zielprofil, kein Steckbrief, kein aus dem Profil gebildeter Name, kein Abstand zum Prototyp,
    kein Anteil Mischtyp. Aus ihnen ließe sich ablesen, wie wenige, oft bekannte Kommunen
    antworten.
    """
    mindest = mindestgroesse(erg)
    n = erg.tabelle_oder_leer(T.TYPEN)
    klein = ({str(t) for t, z in n["typ"].value_counts().items() if z < mindest}
             if not n.empty else set())
    st = erg.tabelle_oder_leer(T.TYPEN_STABILITAET)
    if not st.empty:
        klein |= {str(t) for t in st.loc[st["n"] < mindest, "typ"]}
    return klein
