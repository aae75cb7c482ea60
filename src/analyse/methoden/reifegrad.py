"""Digitaler Reifegrad als Composite Indicator (nach OECD/JRC-Handbuch, 2008).

Schritte und Entscheidungen (jede steht auch in ``Reifegrad.modell["schritte"]`` und damit im
Methodenanhang):

1. **Rahmen**: Reifeitems sind die Items mit ``handlungsfeld`` im Codebuch; ein Wert je
   Handlungsfeld und ein Gesamtwert.
2. **Umpolung**: ``umgepolt``-Items werden gespiegelt (hoher Wert = hohe Reife).
3. **Normalisierung**: linear auf 0–100 über die *theoretischen* Skalengrenzen
   (Minimum → 0, Maximum → 100), nicht über beobachtete Minima/Maxima: so bleiben Werte
   zwischen Wellen und Studien vergleichbar und hängen nicht von der besten Kommune ab.
4. **Fehlende Antworten** je Item: „weiß nicht“ zählt als niedrigste Stufe (0), weil ein
   unbekannter Digitalisierungsstand im Alltag nicht wirksam ist (einstellbar: wie fehlend);
   „keine Angabe“ und leere Antworten fehlen und werden durch den Mittelwert der übrigen
   Antworten der Kommune im selben Feld ersetzt (gleichbedeutend mit dem Mittel der vorhandenen
   Items). Ein Feld wird nur bewertet, wenn mindestens ``mindestanteil`` seiner Items eine
   inhaltliche Antwort (gültiger Skalenwert; „weiß nicht“ zählt nicht) haben; sonst wird die
   Kommune in diesem Feld mit Grund ausgeschlossen. Der Gesamtwert braucht alle Felder.
5. **Multivariate Analyse**: Cronbach's Alpha und korrigierte Trennschärfen je Feld (inhaltliche
   Antworten, fallweiser Ausschluss); Parallelanalyse nach Horn (1965) je Feld, über alle Items
   und über die Feldwerte: Tragen die Daten die Felder und einen Gesamtindex?
6. **Gewichtung**: Items innerhalb eines Feldes gleich; Felder gleich, sofern ``gewichte`` nichts
   anderes sagt.
7. **Aggregation**: Felder → Gesamt arithmetisch (voreingestellt) oder geometrisch; das geometrische
   Mittel wird auf (Wert + 1) gebildet und danach um 1 verschoben, damit ein einzelnes Feld mit 0
   nicht alles auf 0 zieht. Items → Feld immer arithmetisch.
8. **Unsicherheit und Sensitivität** (``analyse.methoden.unsicherheit``): Monte Carlo über
   Messfehler (Items je Feld mit Zurücklegen), Normalisierung, Gewichte (je Feld ±25 %),
   Aggregation und Behandlung fehlender Antworten; berichtet als Spanne in 90 % der Varianten
   für Ränge, Werte und Veränderungen zwischen Wellen (mit Klartext-Urteil). Sobol'-Indizes
   erster und totaler Ordnung je Entscheidung (SALib).
9. **Stufen**: benannte Reifegradstufen mit festen Untergrenzen (``stufen``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict
from scipy.stats import wishart

from analyse.eingabe.fragebogen import Fragebogen, Item
from analyse.eingabe.studie import ReifegradEinstellungen
from analyse.methoden import unsicherheit as mc
from analyse.methoden.unsicherheit import (
    GEWICHT_SCHWANKUNG,
    IMPUTATIONEN,
    WEISS_NICHT,
    Feld,
    aggregieren,
)
from analyse.namen import Tabelle as T

__all__ = ["GEWICHT_SCHWANKUNG", "IMPUTATIONEN", "WEISS_NICHT", "aggregieren"]

GESAMT = "gesamt"
#: Anteil der Varianten, deren Spanne berichtet wird (5.–95. Perzentil).
SPANNE = (0.05, 0.95)
#: Höchstens so viele Kommunen der aktuellen Welle gehen in die Sobol'-Analyse (Stichprobe).
SENSITIVITAET_KOMMUNEN = 1000
URTEILE = ("deutlich gestiegen", "deutlich gesunken", "keine gesicherte Veränderung")


class _Modell(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MonteCarlo(_Modell):
    ziehungen: int
    seed: int
    gewicht_schwankung: float
    aggregationen: list[str]
    weiss_nicht: list[str]
    imputationen: list[str]
    normalisierungen: list[str]
    messfehler: bool


class Sobolindex(_Modell):
    faktor: str
    name: str
    s1: float
    s1_konfidenz: float
    st: float
    st_konfidenz: float


class Sensitivitaet(_Modell):
    basis: int
    auswertungen: int
    kommunen: int
    welle: int
    zielgroesse: str
    indizes: list[Sobolindex]


class Dimension(_Modell):
    """Parallelanalyse (Horn) einer Item- oder Feldmenge."""

    ebene: str          # Feld-ID, "items" (alle Items) oder "felder" (Feldwerte)
    variablen: int
    faelle: int
    faktoren: int       # Eigenwerte über dem 95. Perzentil der Zufallsdaten
    eigenwert_1: float
    anteil_1: float
    schwelle_1: float


class Schritt(_Modell):
    schritt: str
    wahl: str


class ReifegradModell(_Modell):
    """Alles, was der Methodenanhang über den Index wissen muss."""

    handlungsfelder: dict[str, list[str]]
    umgepolt: list[str]
    gewichte: dict[str, float]
    aggregation: str
    mindestanteil: float
    weiss_nicht: str
    imputation: str
    normalisierung: str
    stufen: dict[str, float]
    monte_carlo: MonteCarlo
    sensitivitaet: Sensitivitaet | None
    dimensionen: list[Dimension]
    struktur_satz: str
    wellen: list[int]
    anzahl_ausschluesse: dict[str, int]
    schritte: list[Schritt]


@dataclass
class Reifegrad:
    werte: pd.DataFrame
    ausschluesse: pd.DataFrame
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    modell: ReifegradModell | None = None




def _item_normalisieren(roh: pd.Series, item: Item, fragebogen: Fragebogen,
                        ) -> tuple[np.ndarray, np.ndarray]:
    skala = fragebogen.skala_von(item)
    if skala is None:
        raise ValueError(f"Reifeitem '{item.id}' braucht eine Skala (keine Zahl)")
    werte = pd.to_numeric(roh, errors="coerce").to_numpy(float)
    gueltig = np.isin(werte, list(skala.werte))
    norm = np.where(gueltig, (werte - skala.minimum) / (skala.maximum - skala.minimum) * 100, np.nan)
    if item.umgepolt:
        norm = 100 - norm
    wn_code = skala.fehlend.weiss_nicht
    weiss_nicht = (werte == wn_code) if wn_code is not None else np.zeros(len(werte), bool)
    return norm, weiss_nicht


def felder_vorbereiten(antworten: pd.DataFrame, fragebogen: Fragebogen) -> list[Feld]:
    felder = []
    for hf in fragebogen.handlungsfelder:
        items = fragebogen.items_im_feld(hf.id)
        if not items:
            continue
        fehlt = [i.id for i in items if i.id not in antworten.columns]
        if fehlt:
            raise ValueError(f"Antworten fehlen für die Reifeitems {fehlt}")
        paare = [_item_normalisieren(antworten[i.id], i, fragebogen) for i in items]
        norm = np.column_stack([p[0] for p in paare])
        felder.append(Feld(hf.id, [i.id for i in items], norm,
                            np.column_stack([p[1] for p in paare]), ~np.isnan(norm)))
    return felder


def stufe(werte: np.ndarray | pd.Series, stufen: dict[str, float]) -> np.ndarray:
    """Stufenname je Wert (größte Untergrenze ≤ Wert); NaN → None."""
    sortiert = sorted(stufen.items(), key=lambda p: p[1])
    grenzen = np.array([g for _, g in sortiert])
    namen = np.array([n for n, _ in sortiert], dtype=object)
    w = np.asarray(werte, float)
    pos = np.clip(np.searchsorted(grenzen, np.nan_to_num(w, nan=0.0), side="right") - 1, 0, None)
    return np.where(np.isnan(w), None, namen[pos])


def cronbach_alpha(daten: np.ndarray) -> float:
    """Cronbach's Alpha auf vollständigen Fällen (Zeilen mit NaN fallen weg)."""
    x = daten[~np.isnan(daten).any(axis=1)]
    n, k = x.shape
    if n < 2 or k < 2:
        return np.nan
    kov = np.cov(x, rowvar=False, ddof=1)
    gesamt = kov.sum()
    return float(k / (k - 1) * (1 - np.trace(kov) / gesamt)) if gesamt > 0 else np.nan


def trennschaerfen(daten: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Korrigierte Item-Total-Korrelation und Alpha ohne Item (vollständige Fälle)."""
    x = daten[~np.isnan(daten).any(axis=1)]
    k = x.shape[1]
    r = np.full(k, np.nan)
    ohne = np.full(k, np.nan)
    if x.shape[0] < 3:
        return r, ohne
    for j in range(k):
        rest = np.delete(x, j, axis=1)
        summe = rest.sum(axis=1)
        if x[:, j].std() > 0 and summe.std() > 0:
            r[j] = np.corrcoef(x[:, j], summe)[0, 1]
        if k > 2:
            ohne[j] = cronbach_alpha(rest)
    return r, ohne


def _reliabilitaet(felder: list[Feld], wellen: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    rel, ts = [], []
    for w in np.unique(wellen):
        zeilen = wellen == w
        for f in felder:
            x = f.norm[zeilen]
            voll = int((~np.isnan(x).any(axis=1)).sum())
            rel.append({"welle": int(w), "handlungsfeld": f.id, "items": len(f.items),
                        "faelle": voll, "alpha": cronbach_alpha(x)})
            r, ohne = trennschaerfen(x)
            for item, ri, ai in zip(f.items, r, ohne, strict=True):
                ts.append({"welle": int(w), "handlungsfeld": f.id, "item": item,
                           "trennschaerfe": ri, "alpha_ohne_item": ai, "faelle": voll})
    return pd.DataFrame(rel), pd.DataFrame(ts)


def _ausschlussgrund(beantwortet: int, anzahl: int, mindestanteil: float) -> str:
    return (f"nur {beantwortet} von {anzahl} Items inhaltlich beantwortet "
            f"({prozent(beantwortet / anzahl)}, nötig {prozent(mindestanteil)})")


def prozent(anteil: float) -> str:
    """Anteil als deutsche Prozentangabe: 0.6 → '60 %'."""
    return f"{anteil * 100:.0f}\u00a0%"


def urteil(p05: float, p95: float) -> str:
    """Klartext zu einer Veränderung: „deutlich …“ nur, wenn die Spanne 0 ausschließt."""
    if pd.isna(p05) or pd.isna(p95):
        return ""
    if p05 > 0:
        return URTEILE[0]
    if p95 < 0:
        return URTEILE[1]
    return URTEILE[2]


ENTWICKLUNG_SPALTEN = ["ags", "welle", "vorwelle", "handlungsfeld", "wert", "wert_vorwelle",
                       "veraenderung", "veraenderung_p05", "veraenderung_p95", "urteil", "stufe",
                       "stufe_vorwelle"]


def entwicklung(werte: pd.DataFrame, spannen: pd.DataFrame | None = None) -> pd.DataFrame:
    """Veränderung je Kommune und Feld seit der jeweils vorigen Welle (in ``werte``).

    ``spannen`` (``ags``, ``welle``, ``handlungsfeld``, ``veraenderung_p05``,
    ``veraenderung_p95``) aus dem Monte Carlo geben jeder Veränderung ihre Spanne und ihr Urteil.
    """
    wellen = sorted(werte["welle"].unique())
    teile = []
    for vor, nach in zip(wellen, wellen[1:], strict=False):
        a = werte[werte["welle"] == nach]
        b = werte[werte["welle"] == vor][["ags", "handlungsfeld", "wert", "stufe"]]
        m = a.merge(b, on=["ags", "handlungsfeld"], suffixes=("", "_vorwelle"))
        m["vorwelle"] = vor
        m["veraenderung"] = m["wert"] - m["wert_vorwelle"]
        teile.append(m)
    if not teile:
        return pd.DataFrame({s: pd.Series(dtype=object) for s in ENTWICKLUNG_SPALTEN})
    ent = pd.concat(teile, ignore_index=True)
    if spannen is not None and len(spannen):
        ent = ent.merge(spannen, on=["ags", "welle", "handlungsfeld"], how="left")
    else:
        ent["veraenderung_p05"] = np.nan
        ent["veraenderung_p95"] = np.nan
    p05, p95 = ent["veraenderung_p05"].to_numpy(float), ent["veraenderung_p95"].to_numpy(float)
    ent["urteil"] = np.select([np.isnan(p05) | np.isnan(p95), p05 > 0, p95 < 0],
                              ["", URTEILE[0], URTEILE[1]], URTEILE[2])
    return ent[ENTWICKLUNG_SPALTEN]


def verbandsentwicklung(werte: pd.DataFrame, kommunen: pd.DataFrame) -> pd.DataFrame:
    """Entwicklung der Verbandsmitglieder je Welle und Feld.

    ``mittelwert``/``median`` über alle bewerteten Mitglieder der Welle; ``veraenderung_panel``
    nur über Mitglieder, die in dieser und der vorigen Welle bewertet sind (sonst vermischen
    sich echte Veränderung und wechselnde Teilnahme).
    """
    k = kommunen.reset_index() if "ags" not in kommunen.columns else kommunen
    mitglieder = set(k.loc[k["mitglied"].astype(bool), "ags"].astype(str))
    w = werte[werte["ags"].astype(str).isin(mitglieder)].dropna(subset=["wert"])
    stand = (w.groupby(["welle", "handlungsfeld"])["wert"]
             .agg(n="count", mittelwert="mean", median="median").reset_index())
    ent = entwicklung(w).dropna(subset=["veraenderung"])
    panel = (ent.groupby(["welle", "handlungsfeld"])["veraenderung"]
             .agg(n_panel="count", veraenderung_panel="mean").reset_index())
    return stand.merge(panel, on=["welle", "handlungsfeld"], how="left")


def berechnen(antworten: pd.DataFrame, fragebogen: Fragebogen, einst: ReifegradEinstellungen,
              seed: int) -> Reifegrad:
    """Reifegrad je Kommune, Welle und Handlungsfeld samt Gesamtwert, Reliabilität, Struktur,
    Unsicherheit (Monte Carlo) und Sensitivität (Sobol')."""
    felder = felder_vorbereiten(antworten, fragebogen)
    feld_ids = [f.id for f in felder]
    unbekannt = sorted(set(einst.gewichte) - set(feld_ids))
    if unbekannt:
        raise ValueError(f"Gewichte für unbekannte Handlungsfelder {unbekannt}; bekannt: {feld_ids}")
    gewichte = np.array([float(einst.gewichte.get(f, 1.0)) for f in feld_ids])
    ags = antworten["ags"].astype(str).to_numpy()
    wellen = antworten["welle"].astype(int).to_numpy()

    bewertbar = np.column_stack([f.inhaltlich.mean(axis=1) >= einst.mindestanteil for f in felder])
    v = mc.Varianten(felder, wellen, bewertbar)
    nominal = _nominal(einst, len(felder))
    feld, gesamt = mc.auswerten(v, nominal, gewichte)
    werte = _werte_lang(ags, wellen, feld_ids, feld, gesamt, einst)
    ausschluesse = _ausschluesse(felder, bewertbar, ags, wellen, einst)

    liste = mc.szenarien(felder, einst.monte_carlo, einst.normalisierungen, einst.messfehler, seed)
    sim_felder, sim_gesamt = mc.monte_carlo(v, gewichte, liste)
    unsicherheit = _rangunsicherheit(sim_gesamt, ags, wellen, gesamt)
    spannen = _spannen(sim_felder, sim_gesamt, ags, wellen, feld_ids)
    reliabilitaet, trennschaerfe = _reliabilitaet(felder, wellen)
    aktuell = int(wellen.max())
    dimensionen = _dimensionen(felder, feld, wellen == aktuell, einst.parallelanalyse, seed)
    sens = _sensitivitaet(v, gewichte, nominal, wellen, gesamt, einst, seed)

    modell = ReifegradModell(
        handlungsfelder={f.id: f.items for f in felder},
        umgepolt=[i.id for f in felder for i in (fragebogen.item[x] for x in f.items) if i.umgepolt],
        gewichte=dict(zip(feld_ids, (gewichte / gewichte.sum()).tolist(), strict=True)),
        aggregation=einst.aggregation, mindestanteil=einst.mindestanteil,
        weiss_nicht=einst.weiss_nicht,
        imputation="Mittel der übrigen Antworten der Kommune im selben Feld",
        normalisierung="linear über die theoretischen Skalengrenzen auf 0–100",
        stufen=dict(sorted(einst.stufen.items(), key=lambda p: p[1])),
        monte_carlo=MonteCarlo(
            ziehungen=int(einst.monte_carlo), seed=int(seed),
            gewicht_schwankung=GEWICHT_SCHWANKUNG, aggregationen=list(mc.AGGREGATIONEN),
            weiss_nicht=list(WEISS_NICHT), imputationen=list(IMPUTATIONEN),
            normalisierungen=list(einst.normalisierungen), messfehler=einst.messfehler),
        sensitivitaet=sens, dimensionen=dimensionen,
        struktur_satz=struktur_satz(dimensionen, len(felder)),
        wellen=sorted(int(w) for w in np.unique(wellen)),
        anzahl_ausschluesse={f: int((ausschluesse["handlungsfeld"] == f).sum())
                             for f in [*feld_ids, GESAMT]},
        schritte=[Schritt(**s) for s in schritte(einst)],
    )
    return Reifegrad(werte=werte, ausschluesse=ausschluesse, modell=modell, tabellen={
        T.RELIABILITAET: reliabilitaet,
        T.TRENNSCHAERFE: trennschaerfe,
        T.UNSICHERHEIT: unsicherheit,
        T.UNSICHERHEIT_FELDER: spannen.drop(columns=["veraenderung_p05", "veraenderung_p95"]),
        T.ENTWICKLUNG: entwicklung(werte, spannen[["ags", "welle", "handlungsfeld",
                                                   "veraenderung_p05", "veraenderung_p95"]]),
        T.REIFEGRAD_KORRELATION: _feldkorrelation(feld, feld_ids, wellen),
        T.REIFEGRAD_STRUKTUR: pd.DataFrame([d.model_dump() for d in dimensionen],
                                           columns=list(Dimension.model_fields)),
        T.SENSITIVITAET: pd.DataFrame([i.model_dump() for i in sens.indizes] if sens else [],
                                      columns=list(Sobolindex.model_fields)),
        T.REIFEGRAD_AUSSCHLUESSE: ausschluesse,
    })


def _nominal(einst: ReifegradEinstellungen, k: int) -> mc.Szenario:
    return mc.Szenario(weiss_nicht=einst.weiss_nicht, imputation="kommune",
                       normalisierung="theoretisch", spalten=None, faktoren=np.ones(k),
                       aggregation=einst.aggregation)


def _werte_lang(ags: np.ndarray, wellen: np.ndarray, feld_ids: list[str], feld: np.ndarray,
                gesamt: np.ndarray, einst: ReifegradEinstellungen) -> pd.DataFrame:
    werte = pd.DataFrame({
        "ags": np.repeat(ags, len(feld_ids) + 1),
        "welle": np.repeat(wellen, len(feld_ids) + 1),
        "handlungsfeld": np.tile([*feld_ids, GESAMT], len(ags)),
        "wert": np.column_stack([feld, gesamt]).ravel(),
    })
    werte["stufe"] = stufe(werte["wert"], einst.stufen)
    return werte.sort_values(["welle", "ags"], kind="stable", ignore_index=True)


def _ausschluesse(felder: list[Feld], bewertbar: np.ndarray, ags: np.ndarray, wellen: np.ndarray,
                  einst: ReifegradEinstellungen) -> pd.DataFrame:
    aus = []
    for j, f in enumerate(felder):
        beantwortet = f.inhaltlich.sum(axis=1)
        for i in np.flatnonzero(~bewertbar[:, j]):
            aus.append((ags[i], int(wellen[i]), f.id,
                        _ausschlussgrund(int(beantwortet[i]), len(f.items), einst.mindestanteil)))
    for i in np.flatnonzero(~bewertbar.all(axis=1)):
        fehlend = [felder[j].id for j in np.flatnonzero(~bewertbar[i])]
        aus.append((ags[i], int(wellen[i]), GESAMT,
                    "Gesamtwert braucht alle Handlungsfelder; ausgeschlossen: " + ", ".join(fehlend)))
    tab = pd.DataFrame(aus, columns=["ags", "welle", "handlungsfeld", "grund"])
    return tab.sort_values(["welle", "ags", "handlungsfeld"], ignore_index=True)


RANG_SPALTEN = ["ags", "welle", "anzahl", "rang", "rang_median", "rang_p05", "rang_p95",
                "wert_median", "wert_p05", "wert_p95"]


def _rangunsicherheit(simuliert: np.ndarray, ags: np.ndarray, wellen: np.ndarray,
                      gesamt: np.ndarray) -> pd.DataFrame:
    """Median-Rang und Spanne in 90 % der Varianten je Kommune (Gesamtwert), je Welle."""
    teile = []
    for w in np.unique(wellen):
        zeilen = np.flatnonzero((wellen == w) & ~np.isnan(gesamt))
        if len(zeilen) == 0:
            continue
        nominal = mc.raenge(gesamt[zeilen])
        if len(simuliert):
            teil = simuliert[:, zeilen].astype(float)
            q_rang = np.quantile(mc.raenge(teil), [SPANNE[0], 0.5, SPANNE[1]], axis=0)
            # Grenzen als ganze Ränge, nach außen gerundet (eher zu breit als zu schmal)
            q_rang[0], q_rang[2] = np.floor(q_rang[0]), np.ceil(q_rang[2])
            q_wert = np.quantile(teil, [SPANNE[0], 0.5, SPANNE[1]], axis=0)
        else:
            q_rang = np.vstack([nominal] * 3)
            q_wert = np.vstack([gesamt[zeilen]] * 3)
        teile.append(pd.DataFrame({
            "ags": ags[zeilen], "welle": int(w), "anzahl": len(zeilen), "rang": nominal,
            "rang_median": q_rang[1], "rang_p05": q_rang[0], "rang_p95": q_rang[2],
            "wert_median": q_wert[1], "wert_p05": q_wert[0], "wert_p95": q_wert[2]}))
    if not teile:
        return pd.DataFrame(columns=RANG_SPALTEN)
    return pd.concat(teile, ignore_index=True).sort_values(["welle", "ags"], ignore_index=True)


def _spannen(sim_felder: np.ndarray, sim_gesamt: np.ndarray, ags: np.ndarray, wellen: np.ndarray,
             feld_ids: list[str]) -> pd.DataFrame:
    """Spanne in 90 % der Varianten je Kommune, Welle und Feld (auch gesamt), dazu die Spanne
    der Veränderung seit der vorigen Welle (dieselbe Variante in beiden Wellen)."""
    spalten = ["ags", "welle", "handlungsfeld", "wert_p05", "wert_median", "wert_p95",
               "veraenderung_p05", "veraenderung_p95"]
    if len(sim_gesamt) == 0:
        return pd.DataFrame(columns=spalten)
    alle = np.concatenate([sim_felder, sim_gesamt[:, :, None]], axis=2)  # Ziehungen × n × (k+1)
    namen = [*feld_ids, GESAMT]
    # NaN nur, wo auch der nominale Wert fehlt (nicht bewertbar): np.quantile reicht
    q = np.quantile(alle, [SPANNE[0], 0.5, SPANNE[1]], axis=0)
    tab = pd.DataFrame({
        "ags": np.repeat(ags, len(namen)), "welle": np.repeat(wellen, len(namen)),
        "handlungsfeld": np.tile(namen, len(ags)), "wert_p05": q[0].ravel(),
        "wert_median": q[1].ravel(), "wert_p95": q[2].ravel(),
        "veraenderung_p05": np.nan, "veraenderung_p95": np.nan})
    schluessel = pd.MultiIndex.from_arrays([ags, wellen])
    folge = sorted(np.unique(wellen))
    for vor, nach in zip(folge, folge[1:], strict=False):
        beide = np.intersect1d(ags[wellen == vor], ags[wellen == nach])
        if len(beide) == 0:
            continue
        i_nach = schluessel.get_indexer(pd.MultiIndex.from_arrays([beide, np.full(len(beide), nach)]))
        i_vor = schluessel.get_indexer(pd.MultiIndex.from_arrays([beide, np.full(len(beide), vor)]))
        d = np.quantile(alle[:, i_nach, :] - alle[:, i_vor, :], SPANNE, axis=0)
        ziel = (i_nach[:, None] * len(namen) + np.arange(len(namen))[None, :]).ravel()
        tab.loc[ziel, "veraenderung_p05"] = d[0].ravel()
        tab.loc[ziel, "veraenderung_p95"] = d[1].ravel()
    return tab[spalten]


def _sensitivitaet(v: mc.Varianten, gewichte: np.ndarray, nominal: mc.Szenario,
                   wellen: np.ndarray, gesamt: np.ndarray, einst: ReifegradEinstellungen,
                   seed: int) -> Sensitivitaet | None:
    """Sobol'-Indizes auf der aktuellen Welle (Stichprobe von höchstens 1.000 Kommunen)."""
    welle = int(wellen.max())
    zeilen = np.flatnonzero((wellen == welle) & ~np.isnan(gesamt))
    if not einst.sensitivitaet or len(zeilen) < 3:
        return None
    if len(zeilen) > SENSITIVITAET_KOMMUNEN:
        zeilen = np.sort(np.random.default_rng([seed, 5]).choice(
            zeilen, SENSITIVITAET_KOMMUNEN, replace=False))
    indizes = mc.sensitivitaet(v, gewichte, nominal, zeilen, einst.sensitivitaet,
                               einst.normalisierungen, einst.messfehler, seed)
    return Sensitivitaet(basis=einst.sensitivitaet,
                         auswertungen=einst.sensitivitaet * (len(indizes) + 2),
                         kommunen=len(zeilen), welle=welle,
                         zielgroesse="mittlere absolute Rangverschiebung gegenüber dem nominalen "
                                     "Index", indizes=[Sobolindex(**i) for i in indizes])


def parallelanalyse(daten: np.ndarray, ziehungen: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Horn (1965): Eigenwerte der Korrelationsmatrix (paarweise vollständige Fälle) und das
    95. Perzentil der Eigenwerte gleich großer unkorrelierter Normaldaten."""
    da = (~np.isnan(daten)).astype(float)
    n = int(np.median((da.T @ da)[np.triu_indices(daten.shape[1], 1)]))
    kor = pd.DataFrame(daten).corr(min_periods=3).fillna(0.0).to_numpy()
    eigen = np.sort(np.linalg.eigvalsh(kor))[::-1]
    p = daten.shape[1]
    # Korrelationsmatrizen unkorrelierter Normaldaten direkt aus der Wishart-Verteilung
    # (gleichverteilt wie aus n × p Zufallszahlen, aber ohne sie zu erzeugen)
    w = wishart(df=max(n - 1, p), scale=np.eye(p)).rvs(size=ziehungen,
                                                        random_state=np.random.default_rng([seed, 13]))
    w = w.reshape(ziehungen, p, p)
    d = np.sqrt(np.einsum("zii->zi", w))
    zufall = np.sort(np.linalg.eigvalsh(w / d[:, :, None] / d[:, None, :]), axis=1)[:, ::-1]
    return eigen, np.quantile(zufall, 0.95, axis=0)


def _dimension(ebene: str, daten: np.ndarray, ziehungen: int, seed: int) -> Dimension | None:
    x = daten[(~np.isnan(daten)).sum(axis=1) >= 2]
    if x.shape[0] < x.shape[1] + 3 or x.shape[1] < 2 or (np.nanstd(x, axis=0) == 0).any():
        return None
    eigen, schwelle = parallelanalyse(x, ziehungen, seed)
    ueber = eigen > schwelle
    faktoren = int(np.argmin(ueber)) if not ueber.all() else len(eigen)
    return Dimension(ebene=ebene, variablen=x.shape[1], faelle=x.shape[0], faktoren=faktoren,
                     eigenwert_1=float(eigen[0]), anteil_1=float(eigen[0] / len(eigen)),
                     schwelle_1=float(schwelle[0]))


def _dimensionen(felder: list[Feld], feld: np.ndarray, aktuell: np.ndarray, ziehungen: int,
                 seed: int) -> list[Dimension]:
    """Parallelanalyse je Feld (Items), über alle Items und über die Feldwerte (aktuelle Welle)."""
    if not ziehungen:
        return []
    teile = [(f.id, f.norm[aktuell]) for f in felder]
    teile += [("items", np.column_stack([f.norm[aktuell] for f in felder])),
              ("felder", feld[aktuell])]
    return [d for ebene, x in teile if (d := _dimension(ebene, x, ziehungen, seed)) is not None]


def struktur_satz(dimensionen: list[Dimension], anzahl_felder: int) -> str:
    """Klartext: tragen die Daten die Felder und einen Gesamtindex?"""
    if not dimensionen:
        return "Keine Parallelanalyse gerechnet."
    d = {x.ebene: x for x in dimensionen}
    mehr = [x.ebene for x in dimensionen if x.ebene not in ("items", "felder") and x.faktoren != 1]
    saetze = [("Jedes Handlungsfeld ist eindimensional (ein Faktor in der Parallelanalyse)."
               if not mehr else "Nicht eindimensional (mehr oder weniger als ein Faktor): "
               + ", ".join(mehr) + "; diese Feldwerte bündeln Verschiedenes.")]
    if "items" in d:
        f = d["items"].faktoren
        saetze.append(f"Über alle Items trägt die Parallelanalyse {f} Faktor{'en' if f != 1 else ''}; "
                      + ("das stützt die Trennung in die Handlungsfelder." if f >= anzahl_felder
                         else f"weniger als die {anzahl_felder} Felder: nicht alle Felder sind "
                              "empirisch voneinander getrennt."))
    if "felder" in d:
        f = d["felder"]
        saetze.append(
            f"Die Feldwerte laden auf {f.faktoren} Faktor{'en' if f.faktoren != 1 else ''} "
            f"(erster Eigenwert erklärt {round(f.anteil_1 * 100)} %): "
            + ("ein Gesamtindex ist gestützt." if f.faktoren == 1 else
               "ein einziger Gesamtindex fasst mehrere Dimensionen zusammen und ist vorsichtig "
               "zu lesen."))
    return " ".join(saetze)


def _feldkorrelation(feld: np.ndarray, feld_ids: Sequence[str], wellen: np.ndarray) -> pd.DataFrame:
    """Pearson-Korrelationen der Feldwerte je Welle (lang: welle, feld_a, feld_b, r, n)."""
    zeilen = []
    for w in np.unique(wellen):
        x = feld[wellen == w]
        x = x[~np.isnan(x).any(axis=1)]
        r = np.corrcoef(x, rowvar=False) if len(x) > 2 else np.full((len(feld_ids),) * 2, np.nan)
        for a in range(len(feld_ids)):
            for b in range(a + 1, len(feld_ids)):
                zeilen.append({"welle": int(w), "feld_a": feld_ids[a], "feld_b": feld_ids[b],
                               "r": float(r[a, b]), "n": len(x)})
    return pd.DataFrame(zeilen, columns=["welle", "feld_a", "feld_b", "r", "n"])


def schritte(einst: ReifegradEinstellungen) -> list[dict[str, str]]:
    """Die Bauschritte des Index mit der hier getroffenen Wahl (für den Methodenanhang)."""
    wn = ("zählt als niedrigste Stufe (0)" if einst.weiss_nicht == "niedrigste_stufe"
          else "wird wie eine fehlende Antwort behandelt")
    gewichte = ("gleich für alle Handlungsfelder" if not einst.gewichte else
                "je Handlungsfeld laut studie.yml (nicht genannte Felder: 1)")
    return [
        {"schritt": "Rahmen", "wahl": "Ein Wert je Handlungsfeld aus dessen Reifeitems, dazu ein "
         "Gesamtwert über alle Felder."},
        {"schritt": "Umpolung", "wahl": "Umgepolte Items werden gespiegelt, sodass ein hoher Wert "
         "immer hohe Reife bedeutet."},
        {"schritt": "Normalisierung", "wahl": "Linear auf 0–100 über die theoretischen "
         "Skalengrenzen; so bleiben Werte über Wellen vergleichbar. Beobachtete Grenzen und "
         "Perzentile gehen als Alternativen in die Unsicherheitsanalyse ein."},
        {"schritt": "Fehlende Antworten", "wahl": f"„weiß nicht“ {wn}; „keine Angabe“ und leere "
         "Antworten werden durch das Mittel der übrigen Antworten der Kommune im Feld ersetzt. "
         f"Ein Feld wird nur bewertet, wenn mindestens {prozent(einst.mindestanteil)} seiner "
         "Items inhaltlich beantwortet sind; der Gesamtwert braucht alle Felder."},
        {"schritt": "Multivariate Analyse", "wahl": "Cronbach's Alpha und korrigierte "
         "Trennschärfen je Feld; Korrelationen zwischen den Feldern; Parallelanalyse nach Horn "
         f"({einst.parallelanalyse} Zufallsdatensätze) je Feld, über alle Items und über die "
         "Feldwerte."},
        {"schritt": "Gewichtung", "wahl": f"Items im Feld gleich gewichtet; Felder {gewichte}."},
        {"schritt": "Aggregation", "wahl": ("Gewichtetes arithmetisches Mittel der Felder"
         if einst.aggregation == "arithmetisch" else "Gewichtetes geometrisches Mittel der Felder "
         "(auf Wert + 1, damit ein Feld mit 0 nicht alles auf 0 setzt)") + "."},
        {"schritt": "Unsicherheit", "wahl": f"{einst.monte_carlo} Monte-Carlo-Varianten: "
         + ("Items je Feld mit Zurücklegen gezogen (Messfehler), " if einst.messfehler else "")
         + "Normalisierung (" + ", ".join(einst.normalisierungen) + "), Gewichte je Feld "
         f"±{prozent(GEWICHT_SCHWANKUNG)}, arithmetische oder geometrische Aggregation, "
         "„weiß nicht“ als 0 oder fehlend, Ersatz durch Kommunen- oder Itemmittel. Berichtet "
         "wird die Spanne, in der 90 % der Varianten liegen (kein Konfidenzintervall), für "
         "Ränge, Werte und Veränderungen seit der vorigen Welle."},
        {"schritt": "Sensitivität", "wahl": (
            f"Sobol'-Indizes erster und totaler Ordnung je Entscheidung (SALib, Basisstichprobe "
            f"{einst.sensitivitaet}); Zielgröße: mittlere absolute Rangverschiebung."
            if einst.sensitivitaet else "Keine Sobol'-Analyse (sensitivitaet: 0).")},
        {"schritt": "Stufen", "wahl": "; ".join(
            f"{name} ab {grenze:g}" for name, grenze in sorted(einst.stufen.items(),
                                                               key=lambda p: p[1]))},
    ]
