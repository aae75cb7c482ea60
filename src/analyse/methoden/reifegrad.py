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
   Antworten, fallweiser Ausschluss).
6. **Gewichtung**: Items innerhalb eines Feldes gleich; Felder gleich, sofern ``gewichte`` nichts
   anderes sagt.
7. **Aggregation**: Felder → Gesamt arithmetisch (voreingestellt) oder geometrisch; das geometrische
   Mittel wird auf (Wert + 1) gebildet und danach um 1 verschoben, damit ein einzelnes Feld mit 0
   nicht alles auf 0 zieht. Items → Feld immer arithmetisch.
8. **Unsicherheit**: Monte Carlo über Gewichte (je Feld unabhängig ±25 %), Aggregation
   (arithmetisch/geometrisch je 50 %) und Imputation („weiß nicht“ als 0 oder fehlend;
   Ersatz durch Kommunen- oder Itemmittel der Welle); Ergebnis: Median-Rang und 5–95-%-Intervall.
9. **Stufen**: benannte Reifegradstufen mit festen Untergrenzen (``stufen``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from analyse.eingabe.fragebogen import Fragebogen, Item
from analyse.eingabe.studie import ReifegradEinstellungen

GESAMT = "gesamt"
#: Relative Schwankung der Feldgewichte in der Monte-Carlo-Analyse (wie COINr-Beispiele: ±25 %).
GEWICHT_SCHWANKUNG = 0.25
IMPUTATIONEN = ("kommune", "item")
WEISS_NICHT = ("niedrigste_stufe", "fehlend")


@dataclass
class Reifegrad:
    werte: pd.DataFrame
    ausschluesse: pd.DataFrame
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    modell: dict = field(default_factory=dict)


@dataclass
class _Feld:
    """Die Items eines Feldes, normalisiert (0–100, Reife-Richtung) mit Masken."""

    id: str
    items: list[str]
    norm: np.ndarray  # NaN, wo keine inhaltliche Antwort
    weiss_nicht: np.ndarray  # bool
    inhaltlich: np.ndarray  # bool


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


def felder_vorbereiten(antworten: pd.DataFrame, fragebogen: Fragebogen) -> list[_Feld]:
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
        felder.append(_Feld(hf.id, [i.id for i in items], norm,
                            np.column_stack([p[1] for p in paare]), ~np.isnan(norm)))
    return felder


def _feldwerte(f: _Feld, wellen: np.ndarray, weiss_nicht: str, imputation: str) -> np.ndarray:
    """Feldwert je Zeile unter einer Regelvariante (ohne Mindestanteil-Prüfung)."""
    x = f.norm.copy()
    if weiss_nicht == "niedrigste_stufe":
        x[f.weiss_nicht] = 0.0
    if imputation == "item":
        for w in np.unique(wellen):
            zeilen = wellen == w
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mittel = np.nanmean(np.where(f.inhaltlich[zeilen], f.norm[zeilen], np.nan), axis=0)
            teil = x[zeilen]
            luecke = np.isnan(teil)
            teil[luecke] = np.broadcast_to(mittel, teil.shape)[luecke]
            x[zeilen] = teil
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Zeilen ohne Antwort → NaN
        return np.nanmean(x, axis=1)


def aggregieren(felder: np.ndarray, gewichte: np.ndarray, art: str) -> np.ndarray:
    """Gewichtete Aggregation der Feldwerte (Zeilen: Kommunen, Spalten: Felder).

    Zeilen mit einem fehlenden Feld ergeben NaN. ``geometrisch``: auf (Wert + 1), dann − 1.
    """
    w = np.asarray(gewichte, float) / np.sum(gewichte)
    if art == "arithmetisch":
        return felder @ w
    if art == "geometrisch":
        return np.exp(np.log1p(felder) @ w) - 1
    raise ValueError(f"unbekannte Aggregation {art!r}")


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


def _reliabilitaet(felder: list[_Feld], wellen: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def _raenge(werte: np.ndarray) -> np.ndarray:
    """Rang 1 = höchster Wert, Bindungen gemittelt; entlang der letzten Achse."""
    return rankdata(-werte, method="average", axis=-1)


def entwicklung(werte: pd.DataFrame) -> pd.DataFrame:
    """Veränderung je Kommune und Feld seit der jeweils vorigen Welle (in ``werte``)."""
    wellen = sorted(werte["welle"].unique())
    teile = []
    for vor, nach in zip(wellen, wellen[1:], strict=False):
        a = werte[werte["welle"] == nach]
        b = werte[werte["welle"] == vor][["ags", "handlungsfeld", "wert", "stufe"]]
        m = a.merge(b, on=["ags", "handlungsfeld"], suffixes=("", "_vorwelle"))
        m["vorwelle"] = vor
        m["veraenderung"] = m["wert"] - m["wert_vorwelle"]
        teile.append(m)
    spalten = ["ags", "welle", "vorwelle", "handlungsfeld", "wert", "wert_vorwelle",
               "veraenderung", "stufe", "stufe_vorwelle"]
    if not teile:
        return pd.DataFrame({s: pd.Series(dtype=object) for s in spalten})
    return pd.concat(teile, ignore_index=True)[spalten]


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
    """Reifegrad je Kommune, Welle und Handlungsfeld samt Gesamtwert, Reliabilität und Unsicherheit."""
    felder = felder_vorbereiten(antworten, fragebogen)
    feld_ids = [f.id for f in felder]
    unbekannt = sorted(set(einst.gewichte) - set(feld_ids))
    if unbekannt:
        raise ValueError(f"Gewichte für unbekannte Handlungsfelder {unbekannt}; bekannt: {feld_ids}")
    gewichte = np.array([float(einst.gewichte.get(f, 1.0)) for f in feld_ids])
    ags = antworten["ags"].astype(str).to_numpy()
    wellen = antworten["welle"].astype(int).to_numpy()
    n = len(antworten)

    # Mindestanteil je Feld
    bewertbar = np.column_stack([f.inhaltlich.mean(axis=1) >= einst.mindestanteil for f in felder])
    varianten = {(wn, imp): np.column_stack([_feldwerte(f, wellen, wn, imp) for f in felder])
                 for wn in WEISS_NICHT for imp in IMPUTATIONEN}
    for v in varianten.values():
        v[~bewertbar] = np.nan
    feld = varianten[(einst.weiss_nicht, "kommune")]
    gesamt = aggregieren(feld, gewichte, einst.aggregation)

    # Werte (lang), Ausschlüsse mit Grund
    werte = pd.DataFrame({
        "ags": np.repeat(ags, len(felder) + 1),
        "welle": np.repeat(wellen, len(felder) + 1),
        "handlungsfeld": np.tile([*feld_ids, GESAMT], n),
        "wert": np.column_stack([feld, gesamt]).ravel(),
    })
    werte["stufe"] = stufe(werte["wert"], einst.stufen)
    aus = []
    for j, f in enumerate(felder):
        anzahl = len(f.items)
        beantwortet = f.inhaltlich.sum(axis=1)
        for i in np.flatnonzero(~bewertbar[:, j]):
            aus.append((ags[i], int(wellen[i]), f.id,
                        _ausschlussgrund(int(beantwortet[i]), anzahl, einst.mindestanteil)))
    for i in np.flatnonzero(~bewertbar.all(axis=1)):
        fehlend = [feld_ids[j] for j in np.flatnonzero(~bewertbar[i])]
        aus.append((ags[i], int(wellen[i]), GESAMT,
                    "Gesamtwert braucht alle Handlungsfelder; ausgeschlossen: " + ", ".join(fehlend)))
    ausschluesse = pd.DataFrame(aus, columns=["ags", "welle", "handlungsfeld", "grund"])
    ausschluesse = ausschluesse.sort_values(["welle", "ags", "handlungsfeld"], ignore_index=True)
    werte = werte.sort_values(["welle", "ags"], kind="stable", ignore_index=True)

    unsicherheit = _monte_carlo(varianten, gewichte, ags, wellen, gesamt, einst, seed)
    reliabilitaet, trennschaerfe = _reliabilitaet(felder, wellen)
    korrelation = _feldkorrelation(feld, feld_ids, wellen)

    modell = {
        "handlungsfelder": {f.id: f.items for f in felder},
        "umgepolt": [i.id for f in felder for i in (fragebogen.item[x] for x in f.items)
                     if i.umgepolt],
        "gewichte": dict(zip(feld_ids, (gewichte / gewichte.sum()).tolist(), strict=True)),
        "aggregation": einst.aggregation,
        "mindestanteil": einst.mindestanteil,
        "weiss_nicht": einst.weiss_nicht,
        "imputation": "Mittel der übrigen Antworten der Kommune im selben Feld",
        "normalisierung": "linear über die theoretischen Skalengrenzen auf 0–100",
        "stufen": dict(sorted(einst.stufen.items(), key=lambda p: p[1])),
        "monte_carlo": {"ziehungen": int(einst.monte_carlo), "seed": int(seed),
                        "gewicht_schwankung": GEWICHT_SCHWANKUNG,
                        "aggregationen": ["arithmetisch", "geometrisch"],
                        "weiss_nicht": list(WEISS_NICHT), "imputationen": list(IMPUTATIONEN)},
        "wellen": sorted(int(w) for w in np.unique(wellen)),
        "anzahl_ausschluesse": {f: int((ausschluesse["handlungsfeld"] == f).sum())
                                for f in [*feld_ids, GESAMT]},
        "schritte": schritte(einst),
    }
    return Reifegrad(werte=werte, ausschluesse=ausschluesse, modell=modell, tabellen={
        "reliabilitaet": reliabilitaet,
        "trennschaerfe": trennschaerfe,
        "unsicherheit": unsicherheit,
        "entwicklung": entwicklung(werte),
        "reifegrad_korrelation": korrelation,
        "reifegrad_ausschluesse": ausschluesse,
    })


def _monte_carlo(varianten: dict, gewichte: np.ndarray, ags: np.ndarray, wellen: np.ndarray,
                 gesamt: np.ndarray, einst: ReifegradEinstellungen, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    schluessel = list(varianten)
    d = einst.monte_carlo
    teile = []
    # Ziehungen einmal für alle Wellen, damit jede Welle dieselben Szenarien sieht
    wahl = rng.integers(0, len(schluessel), d)
    geometrisch = rng.random(d) < 0.5
    faktoren = rng.uniform(1 - GEWICHT_SCHWANKUNG, 1 + GEWICHT_SCHWANKUNG, (d, len(gewichte)))
    for w in np.unique(wellen):
        zeilen = np.flatnonzero((wellen == w) & ~np.isnan(gesamt))
        if len(zeilen) == 0:
            continue
        nominal = _raenge(gesamt[zeilen])
        simuliert = np.empty((d, len(zeilen)))
        for i in range(d):
            felder = varianten[schluessel[wahl[i]]][zeilen]
            art = "geometrisch" if geometrisch[i] else "arithmetisch"
            simuliert[i] = aggregieren(felder, gewichte * faktoren[i], art)
        if d:
            raenge = _raenge(simuliert)
            q_rang = np.quantile(raenge, [0.05, 0.5, 0.95], axis=0)
            # Intervallgrenzen als ganze Ränge, nach außen gerundet (eher zu breit als zu schmal)
            q_rang[0], q_rang[2] = np.floor(q_rang[0]), np.ceil(q_rang[2])
            q_wert = np.quantile(simuliert, [0.05, 0.5, 0.95], axis=0)
        else:
            q_rang = np.vstack([nominal] * 3)
            q_wert = np.vstack([gesamt[zeilen]] * 3)
        teile.append(pd.DataFrame({
            "ags": ags[zeilen], "welle": int(w), "anzahl": len(zeilen), "rang": nominal,
            "rang_median": q_rang[1], "rang_p05": q_rang[0], "rang_p95": q_rang[2],
            "wert_median": q_wert[1], "wert_p05": q_wert[0], "wert_p95": q_wert[2]}))
    spalten = ["ags", "welle", "anzahl", "rang", "rang_median", "rang_p05", "rang_p95",
               "wert_median", "wert_p05", "wert_p95"]
    if not teile:
        return pd.DataFrame(columns=spalten)
    return pd.concat(teile, ignore_index=True).sort_values(["welle", "ags"], ignore_index=True)


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
         "Skalengrenzen; so bleiben Werte über Wellen vergleichbar."},
        {"schritt": "Fehlende Antworten", "wahl": f"„weiß nicht“ {wn}; „keine Angabe“ und leere "
         "Antworten werden durch das Mittel der übrigen Antworten der Kommune im Feld ersetzt. "
         f"Ein Feld wird nur bewertet, wenn mindestens {prozent(einst.mindestanteil)} seiner "
         "Items inhaltlich beantwortet sind; der Gesamtwert braucht alle Felder."},
        {"schritt": "Multivariate Analyse", "wahl": "Cronbach's Alpha und korrigierte "
         "Trennschärfen je Feld; Korrelationen zwischen den Feldern."},
        {"schritt": "Gewichtung", "wahl": f"Items im Feld gleich gewichtet; Felder {gewichte}."},
        {"schritt": "Aggregation", "wahl": ("Gewichtetes arithmetisches Mittel der Felder"
         if einst.aggregation == "arithmetisch" else "Gewichtetes geometrisches Mittel der Felder "
         "(auf Wert + 1, damit ein Feld mit 0 nicht alles auf 0 setzt)") + "."},
        {"schritt": "Unsicherheit", "wahl": f"{einst.monte_carlo} Monte-Carlo-Ziehungen: Gewichte "
         f"je Feld ±{prozent(GEWICHT_SCHWANKUNG)}, arithmetische oder geometrische Aggregation, "
         "„weiß nicht“ als 0 oder fehlend, Ersatz durch Kommunen- oder Itemmittel. Berichtet "
         "werden Median-Rang und 5–95-%-Intervall, nie ein Rang allein."},
        {"schritt": "Stufen", "wahl": "; ".join(
            f"{name} ab {grenze:g}" for name, grenze in sorted(einst.stufen.items(),
                                                               key=lambda p: p[1]))},
    ]
