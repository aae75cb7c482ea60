"""Unsicherheit und Sensitivität des Reifegrad-Index (OECD/JRC-Handbuch, Schritt 7).

Ein *Szenario* ist eine Wahl für jede unsichere Entscheidung:

- **Messfehler**: die Items jedes Feldes mit Zurücklegen gezogen (Bootstrap über Items: so
  schwankt ein Feldwert, wie er bei einer anderen Auswahl gleichwertiger Fragen schwanken würde);
- **Normalisierung**: theoretische Skalengrenzen (nominal), beobachtete Grenzen oder Perzentile;
- **„weiß nicht“**: niedrigste Stufe oder fehlend; **Imputation**: Kommunen- oder Itemmittel;
- **Gewichte**: je Feld unabhängig um ±``GEWICHT_SCHWANKUNG``;
- **Aggregation**: arithmetisch oder geometrisch.

``monte_carlo`` zieht Szenarien zufällig und berichtet Bänder als Spanne in 90 % der Varianten
(kein Konfidenzintervall). ``sensitivitaet`` schätzt Sobol'-Indizes erster und totaler Ordnung
je Entscheidung mit SALib (Saltelli-Stichprobe; diskrete Entscheidungen über Auslöser, die eine
Gleichverteilung auf [0, 1) in Stufen teilen). Zielgröße der Sensitivität: mittlere absolute
Rangverschiebung der Kommunen gegenüber dem nominalen Index.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import rankdata
from threadpoolctl import threadpool_limits

#: Relative Schwankung der Feldgewichte (wie COINr-Beispiele: ±25 %).
GEWICHT_SCHWANKUNG = 0.25
IMPUTATIONEN = ("kommune", "item")
WEISS_NICHT = ("niedrigste_stufe", "fehlend")
AGGREGATIONEN = ("arithmetisch", "geometrisch")
#: Die unsicheren Entscheidungen der Sensitivitätsanalyse, in dieser Reihenfolge.
FAKTOREN = {
    "messfehler": "Messfehler (Items je Feld gezogen)",
    "normalisierung": "Normalisierung",
    "weiss_nicht": "„weiß nicht“",
    "imputation": "Imputation fehlender Antworten",
    "gewichte": "Feldgewichte (±25 %)",
    "aggregation": "Aggregation",
}
#: Vorab gezogene Gewichte bzw. Item-Stichproben, unter denen ein Sobol'-Auslöser wählt.
AUSLOESER_STUFEN = 64


@dataclass
class Feld:
    """Die Items eines Feldes, normalisiert (0–100, Reife-Richtung) mit Masken."""

    id: str
    items: list[str]
    norm: np.ndarray  # NaN, wo keine inhaltliche Antwort
    weiss_nicht: np.ndarray  # bool
    inhaltlich: np.ndarray  # bool


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


def raenge(werte: np.ndarray) -> np.ndarray:
    """Rang 1 = höchster Wert, Bindungen gemittelt; entlang der letzten Achse."""
    return rankdata(-werte, method="average", axis=-1)


def itemwerte(f: Feld, wellen: np.ndarray, weiss_nicht: str, imputation: str) -> np.ndarray:
    """Itemmatrix eines Feldes unter einer Regel für „weiß nicht“ und eine Imputation.

    ``kommune``: Lücken bleiben NaN (der Feldwert ist das Mittel der vorhandenen Items, also
    dasselbe wie Ersatz durch das Kommunenmittel); ``item``: Ersatz durch das Itemmittel der Welle.
    """
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
    return x


def normalisieren(x: np.ndarray, art: str) -> np.ndarray:
    """Alternative Normalisierung je Item (Spalte), über alle Wellen gemeinsam.

    ``theoretisch``: unverändert (0–100 über die Skalengrenzen); ``beobachtet``: 0–100 über das
    beobachtete Minimum und Maximum; ``perzentil``: mittlerer Perzentilrang der Antwortstufe.
    """
    if art == "theoretisch":
        return x
    aus = np.empty_like(x)
    for j in range(x.shape[1]):
        spalte = x[:, j]
        werte = spalte[~np.isnan(spalte)]
        if len(werte) == 0:
            aus[:, j] = spalte
            continue
        if art == "beobachtet":
            lo, hi = werte.min(), werte.max()
            aus[:, j] = (spalte - lo) / (hi - lo) * 100 if hi > lo else 50.0
            continue
        stufen, anzahl = np.unique(werte, return_counts=True)
        kumuliert = np.cumsum(anzahl)
        prozent = (kumuliert - anzahl / 2) / len(werte) * 100
        aus[:, j] = np.where(np.isnan(spalte), np.nan, np.interp(spalte, stufen, prozent))
    return aus


@dataclass
class Varianten:
    """Itemwerte aller Felder unter jeder Regelvariante (beim ersten Zugriff berechnet).

    Feldwerte sind Mittel über (gezogene) Items: mit Ziehungsgewichten ``w`` (wie oft ein Item
    gezogen wurde) ist das Σ w·x / Σ w·[x vorhanden], also zwei Matrixprodukte je Szenario."""

    felder: list[Feld]
    wellen: np.ndarray
    bewertbar: np.ndarray  # Zeilen × Felder: Mindestanteil erfüllt
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def zugehoerigkeit(self) -> np.ndarray:
        """Items × Felder: 1, wo das Item zum Feld gehört."""
        spalten = np.repeat(np.arange(len(self.felder)), [len(f.items) for f in self.felder])
        return (spalten[:, None] == np.arange(len(self.felder))[None, :]).astype(np.float32)

    def items(self, weiss_nicht: str, imputation: str, norm: str
              ) -> tuple[np.ndarray, np.ndarray]:
        """(Werte mit 0 statt NaN, vorhanden als 0/1), Zeilen × alle Items."""
        schluessel = (weiss_nicht, imputation, norm)
        if schluessel not in self._cache:
            x = np.column_stack([normalisieren(itemwerte(f, self.wellen, weiss_nicht,
                                                         imputation), norm)
                                 for f in self.felder])
            da = ~np.isnan(x)
            self._cache[schluessel] = (np.where(da, x, 0).astype(np.float32),
                                       da.astype(np.float32))
        return self._cache[schluessel]

    def teil(self, zeilen: np.ndarray, normalisierungen: list[str]) -> Varianten:
        """Dieselben Varianten für eine Auswahl von Zeilen (Itemmittel usw. wie im Ganzen)."""
        t = Varianten(self.felder, self.wellen[zeilen], self.bewertbar[zeilen])
        for wn in WEISS_NICHT:
            for imp in IMPUTATIONEN:
                for norm in normalisierungen:
                    x, da = self.items(wn, imp, norm)
                    t._cache[(wn, imp, norm)] = (x[zeilen], da[zeilen])
        return t

    def alle_items(self, weiss_nicht: str, imputation: str, norm: str) -> np.ndarray:
        """Feldwerte über alle Items (ohne Maske), je Variante einmal berechnet."""
        schluessel = ("alle", weiss_nicht, imputation, norm)
        if schluessel not in self._cache:
            x, da = self.items(weiss_nicht, imputation, norm)
            with np.errstate(invalid="ignore", divide="ignore"):
                self._cache[schluessel] = (x @ self.zugehoerigkeit) / (da @ self.zugehoerigkeit)
        return self._cache[schluessel]

    def feldwerte(self, weiss_nicht: str, imputation: str, norm: str = "theoretisch",
                  spalten: list[np.ndarray] | None = None,
                  zeilen: np.ndarray | None = None) -> np.ndarray:
        """Feldwerte (Zeilen × Felder); nicht bewertbare Felder NaN.

        ``spalten``: je Feld die gezogenen Items; trifft die Ziehung nur fehlende Items einer
        Kommune, gilt das Mittel aller ihrer Items (sonst fiele sie aus dem Vergleich)."""
        x, da = self.items(weiss_nicht, imputation, norm)
        werte = self.alle_items(weiss_nicht, imputation, norm)
        if zeilen is not None:
            x, da, werte = x[zeilen], da[zeilen], werte[zeilen]
        alle = self.zugehoerigkeit
        with np.errstate(invalid="ignore", divide="ignore"):
            if spalten is not None:
                w = np.zeros_like(alle)
                start = 0
                for j, (f, s) in enumerate(zip(self.felder, spalten, strict=True)):
                    w[start:start + len(f.items), j] = np.bincount(s, minlength=len(f.items))
                    start += len(f.items)
                gezogen = (x @ w) / (da @ w)
                werte = np.where(np.isnan(gezogen), werte, gezogen)
        werte = werte.astype(float)
        werte[~(self.bewertbar if zeilen is None else self.bewertbar[zeilen])] = np.nan
        return werte


@dataclass(frozen=True)
class Szenario:
    weiss_nicht: str
    imputation: str
    normalisierung: str
    spalten: list[np.ndarray] | None  # Item-Stichprobe je Feld (None = alle Items)
    faktoren: np.ndarray              # Gewichtsfaktoren je Feld
    aggregation: str


def item_stichproben(felder: list[Feld], anzahl: int, rng: np.random.Generator,
                     ) -> list[list[np.ndarray]]:
    """Je Ziehung und Feld die Items mit Zurücklegen."""
    return [[rng.integers(0, len(f.items), len(f.items)) for f in felder] for _ in range(anzahl)]


def szenarien(felder: list[Feld], anzahl: int, normalisierungen: list[str], messfehler: bool,
              seed: int) -> list[Szenario]:
    """Zufällige Szenarien des Monte Carlo (alle Entscheidungen unabhängig gleichverteilt)."""
    rng = np.random.default_rng(seed)
    stichproben = item_stichproben(felder, anzahl, rng)
    return [Szenario(
        weiss_nicht=WEISS_NICHT[rng.integers(2)], imputation=IMPUTATIONEN[rng.integers(2)],
        normalisierung=normalisierungen[rng.integers(len(normalisierungen))],
        spalten=stichproben[i] if messfehler else None,
        faktoren=rng.uniform(1 - GEWICHT_SCHWANKUNG, 1 + GEWICHT_SCHWANKUNG, len(felder)),
        aggregation=AGGREGATIONEN[rng.integers(2)]) for i in range(anzahl)]


def auswerten(v: Varianten, s: Szenario, gewichte: np.ndarray,
              zeilen: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(Feldwerte, Gesamtwert) eines Szenarios."""
    felder = v.feldwerte(s.weiss_nicht, s.imputation, s.normalisierung, s.spalten, zeilen)
    return felder, aggregieren(felder, gewichte * s.faktoren, s.aggregation)


def monte_carlo(v: Varianten, gewichte: np.ndarray, liste: list[Szenario],
                ) -> tuple[np.ndarray, np.ndarray]:
    """Feldwerte (Ziehungen × Zeilen × Felder, float32) und Gesamtwerte (Ziehungen × Zeilen)."""
    n, k = v.bewertbar.shape
    felder = np.empty((len(liste), n, k), dtype=np.float32)
    gesamt = np.empty((len(liste), n), dtype=np.float32)
    with threadpool_limits(limits=1):  # kleine Matrixprodukte: Threads kosten mehr, als sie bringen
        for i, s in enumerate(liste):
            felder[i], gesamt[i] = auswerten(v, s, gewichte)
    return felder, gesamt


def sensitivitaet(v: Varianten, gewichte: np.ndarray, nominal: Szenario, zeilen: np.ndarray,
                  basis: int, normalisierungen: list[str], messfehler: bool,
                  seed: int) -> list[dict]:
    """Sobol'-Indizes erster (S1) und totaler Ordnung (ST) je unsicherer Entscheidung.

    Zielgröße: mittlere absolute Rangverschiebung der Kommunen in ``zeilen`` gegenüber dem
    nominalen Index. Kontinuierliche Auslöser auf [0, 1) wählen die Stufe einer diskreten
    Entscheidung (bei Gewichten und Messfehler: eine von ``AUSLOESER_STUFEN`` vorab gezogenen).
    """
    from SALib.analyze import sobol as sobol_analyse
    from SALib.sample import sobol as sobol_stichprobe

    namen = [f for f in FAKTOREN if messfehler or f != "messfehler"]
    problem = {"num_vars": len(namen), "names": namen, "bounds": [[0.0, 1.0]] * len(namen)}
    rng = np.random.default_rng([seed, 3])
    stichproben = item_stichproben(v.felder, AUSLOESER_STUFEN, rng)
    faktoren = rng.uniform(1 - GEWICHT_SCHWANKUNG, 1 + GEWICHT_SCHWANKUNG,
                           (AUSLOESER_STUFEN, len(v.felder)))
    v = v.teil(zeilen, normalisierungen)  # einmal schneiden statt in jeder Auswertung
    nominal_raenge = raenge(auswerten(v, nominal, gewichte)[1])
    x = sobol_stichprobe.sample(problem, basis, calc_second_order=False, seed=seed)

    def stufe(u: float, anzahl: int) -> int:
        return min(int(u * anzahl), anzahl - 1)

    y = np.empty(len(x))
    for i, zeile in enumerate(x):
        u = dict(zip(namen, zeile, strict=True))
        s = Szenario(
            weiss_nicht=WEISS_NICHT[stufe(u["weiss_nicht"], 2)],
            imputation=IMPUTATIONEN[stufe(u["imputation"], 2)],
            normalisierung=normalisierungen[stufe(u["normalisierung"], len(normalisierungen))],
            spalten=stichproben[stufe(u["messfehler"], AUSLOESER_STUFEN)] if messfehler else None,
            faktoren=faktoren[stufe(u["gewichte"], AUSLOESER_STUFEN)],
            aggregation=AGGREGATIONEN[stufe(u["aggregation"], 2)])
        y[i] = np.mean(np.abs(raenge(auswerten(v, s, gewichte)[1]) - nominal_raenge))
    si = sobol_analyse.analyze(problem, y, calc_second_order=False, seed=seed)
    return [{"faktor": f, "name": FAKTOREN[f], "s1": float(si["S1"][j]),
             "s1_konfidenz": float(si["S1_conf"][j]), "st": float(si["ST"][j]),
             "st_konfidenz": float(si["ST_conf"][j])} for j, f in enumerate(namen)]
