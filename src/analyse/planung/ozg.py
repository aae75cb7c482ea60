"""OZG-Stand einer Kommune: Reifegradstufe je relevanter Leistung, Abdeckung und Vergleich.

Katalog und Relevanzregel stehen in ``analyse.eingabe.ozg_katalog``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyse.eingabe.fragebogen import Fragebogen
from analyse.eingabe.groessenklassen import kurz
from analyse.eingabe.ozg_katalog import ONLINE_AB, relevanz
from analyse.namen import Tabelle as T


def stand(kommunen: pd.DataFrame, antworten: pd.DataFrame, fragebogen: Fragebogen,
          katalog: pd.DataFrame, welle: int) -> pd.DataFrame:
    """OZG-Reifegradstufe je Kommune und befragter, für sie relevanter Leistung.

    Spalten: ``ags``, ``welle``, ``leistung``, ``leistung_name``, ``themenfeld``,
    ``ebene``, ``stufe`` (0–4, NaN = nicht beantwortet oder Fehlcode).
    """
    spalten = ["ags", "welle", "leistung", "leistung_name", "themenfeld", "ebene", "stufe"]
    k = kommunen.set_index("ags") if "ags" in kommunen.columns else kommunen
    items = [i for i in fragebogen.items_der_art("ozg")
             if i.ozg_leistung in set(katalog["id"]) and i.id in antworten.columns]
    if not items:
        return pd.DataFrame(columns=spalten)
    # Lang: eine Zeile je Kommune und befragter Leistung (vektorisiert; 11.000 Kommunen × 20 Items)
    a = antworten.loc[antworten["welle"] == welle, ["ags", *(i.id for i in items)]]
    lang = a.melt(id_vars="ags", var_name="item", value_name="wert")
    lang["leistung"] = lang["item"].map({i.id: i.ozg_leistung for i in items})
    gueltig = {i.id: set(fragebogen.skala_von(i).werte) if i.skala else set(range(5))
               for i in items}
    ist_gueltig = [w in gueltig[i] for i, w in zip(lang["item"], lang["wert"], strict=True)]
    lang["stufe"] = lang["wert"].where(ist_gueltig).astype(float)
    lang = lang[lang["ags"].isin(k.index)]
    lang["art"] = lang["ags"].map(k["art"])
    lang["groessenklasse"] = lang["ags"].map(k["groessenklasse"].astype(str))
    rel = relevanz(katalog)
    lang = lang.merge(rel[rel["relevant"]], on=["leistung", "art", "groessenklasse"])
    kat = katalog.set_index("id")
    lang["leistung_name"] = lang["leistung"].map(kat["leistung"])
    lang["themenfeld"] = lang["leistung"].map(kat["themenfeld"])
    lang["ebene"] = lang["leistung"].map(kat["ebene"])
    lang["welle"] = welle
    return (lang[spalten].sort_values(["ags", "leistung"], kind="stable")
            .reset_index(drop=True))


def vergleich(stand_: pd.DataFrame, kommunen: pd.DataFrame, mindestgroesse: int) -> pd.DataFrame:
    """Gruppenwerte je Größenklasse und Leistung, nur für Gruppen ab ``mindestgroesse``."""
    k = kommunen.set_index("ags") if "ags" in kommunen.columns else kommunen
    s = stand_.dropna(subset=["stufe"]).copy()
    s["groessenklasse"] = s["ags"].map(k["groessenklasse"].astype(str))
    s["online"] = s["stufe"] >= ONLINE_AB
    g = (s.groupby(["groessenklasse", "leistung"], sort=True)
         .agg(n=("stufe", "size"), mittlere_stufe=("stufe", "mean"),
              anteil_online=("online", "mean")).reset_index())
    return g[g["n"] >= mindestgroesse].reset_index(drop=True)


def abdeckung(stand_: pd.DataFrame, kommunen: pd.DataFrame, mindestgroesse: int) -> pd.DataFrame:
    """Abdeckung je Kommune und Vergleich mit ihrer Größenklasse (Gruppen ab ``mindestgroesse``).

    ``anteil_online``: Anteil der beantworteten relevanten Leistungen mit Stufe ≥ 3.
    Peer-Spalten sind NaN, wenn weniger als ``mindestgroesse`` Kommunen der Klasse antworteten.
    """
    k = kommunen.set_index("ags") if "ags" in kommunen.columns else kommunen
    spalten = ["ags", "welle", "groessenklasse", "n_relevant", "n_beantwortet", "mittlere_stufe",
               "anteil_online", "anteil_transaktion", "peer_n", "peer_anteil_online_p25",
               "peer_anteil_online_median", "peer_anteil_online_p75",
               "peer_mittlere_stufe_median"]
    if stand_.empty:
        return pd.DataFrame(columns=spalten)
    s = stand_.copy()
    s["beantwortet"] = s["stufe"].notna()
    # als Gleitkommazahl, damit groupby.mean im schnellen Pfad rechnet (bool+NaN wäre object)
    s["online"] = (s["stufe"] >= ONLINE_AB).astype(float).where(s["beantwortet"])
    s["transaktion"] = (s["stufe"] >= 4).astype(float).where(s["beantwortet"])
    je = (s.groupby(["ags", "welle"], sort=True)
          .agg(n_relevant=("leistung", "size"), n_beantwortet=("beantwortet", "sum"),
               mittlere_stufe=("stufe", "mean"), anteil_online=("online", "mean"),
               anteil_transaktion=("transaktion", "mean")).reset_index())
    je["groessenklasse"] = je["ags"].map(k["groessenklasse"].astype(str))
    basis = je[je["n_beantwortet"] > 0]
    peer = (basis.groupby("groessenklasse")
            .agg(peer_n=("ags", "size"),
                 peer_anteil_online_p25=("anteil_online", lambda x: x.quantile(0.25)),
                 peer_anteil_online_median=("anteil_online", "median"),
                 peer_anteil_online_p75=("anteil_online", lambda x: x.quantile(0.75)),
                 peer_mittlere_stufe_median=("mittlere_stufe", "median")))
    klein = peer["peer_n"] < mindestgroesse
    peer.loc[klein, peer.columns.drop("peer_n")] = np.nan
    je = je.merge(peer, left_on="groessenklasse", right_index=True, how="left")
    je["n_beantwortet"] = je["n_beantwortet"].astype(int)
    je["peer_n"] = je["peer_n"].fillna(0).astype(int)
    return je[spalten].reset_index(drop=True)


LUECKEN_SPALTEN = ["ags", "groessenklasse", "n_beantwortet", "anteil", "ziel", "bezug", "n_bezug",
                   "luecke"]


def luecken(stand_: pd.DataFrame, kommunen: pd.DataFrame, stufe: int, quantil: float,
            mindestgroesse: int) -> pd.DataFrame:
    """OZG-Lücke je Kommune: Anteil der beantworteten relevanten Leistungen ab ``stufe``
    gegenüber dem ``quantil`` der Größenklasse (wie der Zielwert der Handlungsfelder).

    Ist die Klasse kleiner als ``mindestgroesse``, gilt das Quantil aller Städte und Gemeinden
    bzw. aller Kreise. ``luecke`` = max(0, Ziel − eigener Anteil), 0 bis 1; ohne Angaben NaN.
    """
    k = kommunen.set_index("ags") if "ags" in kommunen.columns else kommunen
    if stand_.empty:
        return pd.DataFrame(columns=LUECKEN_SPALTEN)
    s = stand_.dropna(subset=["stufe"])
    je = (s.assign(erreicht=(s["stufe"] >= stufe).astype(float))
          .groupby("ags").agg(n_beantwortet=("stufe", "size"), anteil=("erreicht", "mean")))
    je["groessenklasse"] = je.index.map(k["groessenklasse"].astype(str))
    je["kreis"] = je["groessenklasse"].str.startswith("K")
    klasse = je.groupby("groessenklasse")["anteil"].agg(["size", lambda x: x.quantile(quantil)])
    klasse.columns = ["n", "ziel"]
    ebene = je.groupby("kreis")["anteil"].agg(["size", lambda x: x.quantile(quantil)])
    ebene.columns = ["n", "ziel"]
    zeilen = []
    for ags, z in je.iterrows():
        n, ziel = klasse.loc[z["groessenklasse"]]
        bezug = f"der Größenklasse {kurz(z['groessenklasse'])}"
        if n < mindestgroesse:
            n, ziel = ebene.loc[z["kreis"]]
            bezug = "aller Kreise" if z["kreis"] else "aller Städte und Gemeinden"
        if n < mindestgroesse:
            ziel, bezug = np.nan, ""
        zeilen.append({"ags": str(ags), "groessenklasse": z["groessenklasse"],
                       "n_beantwortet": int(z["n_beantwortet"]), "anteil": float(z["anteil"]),
                       "ziel": float(ziel), "bezug": bezug, "n_bezug": int(n),
                       "luecke": max(0.0, float(ziel) - float(z["anteil"]))
                       if pd.notna(ziel) else np.nan})
    return pd.DataFrame(zeilen, columns=LUECKEN_SPALTEN)


def auswerten(kommunen: pd.DataFrame, antworten: pd.DataFrame | None,
              fragebogen: Fragebogen | None, katalog: pd.DataFrame, welle: int, stufe: int,
              quantil: float, mindestgroesse: int) -> dict[str, pd.DataFrame]:
    """Der OZG-Schritt: ``ozg_stand``, ``ozg_abdeckung``, ``ozg_vergleich``, ``ozg_relevanz``,
    ``ozg_luecken`` (Eingang der Auswahl)."""
    from analyse.eingabe.ozg_katalog import relevanz_uebersicht

    k = kommunen.reset_index() if "ags" not in kommunen.columns else kommunen
    s = (stand(k, antworten, fragebogen, katalog, welle)
         if fragebogen is not None and antworten is not None else
         pd.DataFrame(columns=["ags", "welle", "leistung", "leistung_name", "themenfeld",
                               "ebene", "stufe"]))
    return {T.OZG_STAND: s, T.OZG_ABDECKUNG: abdeckung(s, k, mindestgroesse),
            T.OZG_VERGLEICH: vergleich(s, k, mindestgroesse),
            T.OZG_RELEVANZ: relevanz_uebersicht(katalog),
            T.OZG_LUECKEN: luecken(s, k, stufe, quantil, mindestgroesse)}
