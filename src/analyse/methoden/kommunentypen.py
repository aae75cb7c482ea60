"""Kommunentypen: Clustering der priorisierten Digitalisierungsziele.

Ablauf (jeder Schritt ist eine Funktion hier; alle Entscheidungen landen in
``Typisierung.modell`` (``TypenModell``) und damit im Methodenanhang und in ``docs/methoden.md``):

1. **Vorbereiten** (``vorbereiten``): Kommunen mit weniger als der Hälfte beantworteter Ziele
   werden nicht typisiert; sonst ersetzt das Zeilenmittel der Kommune eine fehlende Priorität.
   Optional Ipsatisierung (``ipsatisieren``: Zeilenmittel abziehen, damit allgemeine Zustimmung
   die Prioritäten nicht überdeckt) und z-Standardisierung je Ziel.
2. **Lösungen** (``_loesungen``): jedes Verfahren aus ``CLUSTERVERFAHREN`` für jedes k im
   ``k_bereich``; Silhouette, Calinski-Harabasz, Davies-Bouldin, beim Gaussian-Mixture-Modell
   dazu das BIC.
3. **Stabilität und Wahl** (``_waehlen``): je Verfahren die zwei besten k (GMM: kleinstes BIC,
   sonst mittlerer Rang der drei Maße) im Bootstrap nach Hennig (clusterboot); gewählt wird das
   Verfahren, dessen stabiler Kandidat den besten Rang hat. Danach wird die Stabilität für
   *jedes* k des gewählten Verfahrens geprüft und k innerhalb des Verfahrens nach seinem
   Kriterium unter den stabilen k gewählt.
4. **Nullreferenz** (``_nullvergleich``): ``null_ziehungen`` Datensätze ohne Clusterstruktur
   auf der Ratingskala (Gauß-Copula mit den beobachteten Randverteilungen und Korrelationen),
   gleiches Verfahren, gleiches k. Eine Typenstruktur gilt nur, wenn die Silhouette über dem
   ``null_perzentil`` dieser Nullverteilung liegt (ohne feste Marge) und alle Typen stabil sind.
5. **Benennung** (``benennen``): Eins-zu-eins-Zuordnung der Zentren zu den Prototypen
   (ungarische Methode), aber ein Name nur, wenn der Abstand höchstens ``benennung_schwelle`` ×
   kleinster Abstand zwischen zwei Prototypen beträgt. Sonst ein neuer Typ mit eigener ID, Name
   und Kurz-Steckbrief aus seinem Profil. Prototypen ohne Cluster werden berichtet.
6. **Sicherheit** (``_sicherheit``): jede Kommune gehört zum Typ des nächsten Zentrums (wie beim
   Einordnen). Je Bootstrap-Wiederholung die Zentren der neu geclusterten Stichprobe und die
   Antworten der Kommune mit gezogener Antwortstreuung ihres Typs; Sicherheit = Anteil der
   Wiederholungen im eigenen Typ („in 87 von 100 Wiederholungen“).
7. **Mischtyp** (``lage``, ``mischtyp_kalibrieren``): die Lage der Kommune auf der
   Verbindungslinie ihrer zwei nächsten Zentren (0 = am eigenen, 0,5 = genau in der Mitte).
   Mischtyp über der Schwelle, die simulierte reine Typmitglieder (Zentrum plus je Ziel gezogene
   Residuen des Typs) nur mit der Rate ``mischtyp_fehlalarm`` überschreiten. Die Lage ist die
   Größe, von der die Sicherheit abhängt, ohne deren Zufallsrauschen; die Residuen werden nach
   einem ersten Durchgang ohne die dort erkannten Mischtypen geschätzt (mit simulierter
   Korrektur der Verzerrung durch dieses Kürzen).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict
from scipy.stats import norm
from threadpoolctl import threadpool_limits

from analyse.eingabe.studie import CLUSTERVERFAHREN, KommunentypenEinstellungen
from analyse.eingabe.typkatalog import Typkatalog
from analyse.zahlen import zahl

if TYPE_CHECKING:
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

# sklearn, scipy.cluster und scipy.optimize werden erst in den Funktionen geladen, die sie
# brauchen: Berichte lesen nur das fertige Modell (``TypenModell``), und jeder Kernel und Worker
# des Stapels spart so 0,22 CPU-s beim Start (docs/benchmarks.md).

METHODEN = tuple(CLUSTERVERFAHREN)
METHODEN_NAME = {m: v.name for m, v in CLUSTERVERFAHREN.items()}
MISCHTYP = "mischtyp"
MISCHTYP_REGEL = ("Lage auf der Verbindungslinie der zwei nächsten Zentren (0 = am eigenen, "
                  "0,5 = in der Mitte) über der Schwelle aus simulierten reinen Typmitgliedern")

#: Teilstichprobe für Silhouette und Nullvergleich (Silhouette ist quadratisch in n).
STICHPROBE_GUETE = 1500
#: Größe der Stichprobe, aus der die Bootstrap-Ziehungen gezogen werden.
STICHPROBE_BOOTSTRAP = 800
#: Ward braucht n² Speicher und Zeit; darüber: Baum auf einer Teilstichprobe, Rest zum nächsten Zentrum.
WARD_MAXIMUM = 3000
#: Mindestanteil beantworteter Ziele, damit eine Kommune typisiert wird.
MINDESTANTEIL_ZIELE = 0.5
#: Mindestzahl typisierbarer Kommunen (``pipeline.versprechen`` prüft sie vorab).
MINDESTANZAHL = 10
#: Je Verfahren so viele k (beste nach seinem Kriterium) in die erste Stabilitätsprüfung.
KANDIDATEN_JE_METHODE = 2
#: Simulierte reine Typmitglieder für die Kalibrierung der Mischtyp-Schwelle.
KALIBRIERUNG_N = 20000
#: Iterationen, mit denen die Copula-Korrelation an die beobachteten Korrelationen angepasst wird.
COPULA_ITERATIONEN = 3


# --------------------------------------------------------------------------- Ergebnisobjekte


class _Modell(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Nullvergleich(_Modell):
    verfahren: str
    ziehungen: int
    perzentil: float
    silhouette: float
    null_mittel: float
    null_schwelle: float  # Wert der Nullverteilung am Perzentil
    p_wert: float
    ueber_null: bool


class Benennung(_Modell):
    cluster: int
    typ: str
    name: str
    art: str  # "prototyp" | "variante" | "neu"
    naechster_prototyp: str
    distanz: float
    kurz: str = ""
    hoch: list[str] = []
    niedrig: list[str] = []


class Sicherheitsregel(_Modell):
    """Sicherheit (Wiederholungen) und Mischtyp-Regel (Lage zwischen den zwei nächsten Zentren)."""

    wiederholungen: int
    regel: str
    lage_schwelle: float          # Mischtyp, wenn die Lage darüber liegt (0 … 0,5)
    fehlalarm_ziel: float
    fehlalarm_simuliert: float
    kalibrierung_n: int           # simulierte reine Typmitglieder
    kalibrierung_ohne: int        # Kommunen, die bei der Schätzung der Residuen fehlen
    lage_schwelle_ungekuerzt: float  # erster Durchgang (Residuen aller Kommunen)
    kalibrierung_korrektur: float    # Verzerrung durch das Kürzen (simuliert), aufgeschlagen
    anteil_mischtyp: float
    # für das Einordnen einzelner Kommunen ohne neues Clustering (``einordnen``):
    merkmal_mittel: list[float] = []
    merkmal_streuung: list[float] = []
    zentren_merkmale: list[list[float]] = []          # k × Ziele, im Merkmalsraum
    residuen_quantile: list[list[list[float]]] = []   # k × Ziele × Quantile
    bootstrap_zentren: list[list[list[float] | None]] = []  # Wiederholung × k × Ziele


class Vorbereitung(_Modell):
    mindestanteil_ziele: float
    imputation: str
    anteil_imputiert: float
    standardisierung: str
    ipsatisieren: bool


class Verfahren(_Modell):
    methoden: list[str]
    k_bereich: list[int]
    bootstrap: int
    stichprobe_bootstrap: int
    stichprobe_silhouette: int
    ward_maximum: int
    kandidaten_stabilitaet: list[tuple[str, int]]
    benennung_schwelle: float
    benennung_grenze: float
    kleinster_prototypabstand: float


class TypenModell(_Modell):
    """Alles, was der Methodenanhang und die Berichte über die Typisierung wissen müssen."""

    methode: str
    k: int
    seed: int
    auswahl: str
    typisiert: bool = True  # false: ohne Kommunentypen ausgewertet (``ohne_typen``)
    erklaerung: str
    typstruktur_belastbar: bool
    struktur_satz: str
    null: Nullvergleich
    ari_bootstrap: float | None
    jaccard_min: float | None
    stabil_ab: float
    sicherheit: Sicherheitsregel
    n_typisiert: int
    n_nicht_typisiert: int
    nicht_typisiert: list[str]
    zentren: dict[str, dict[str, float]]
    benennung: list[Benennung]
    prototypen_ohne_cluster: list[str]
    vorbereitung: Vorbereitung
    verfahren: Verfahren
    pca_varianz: list[float]
    pca_prototypen: dict[str, list[float]]

    @property
    def typnamen(self) -> dict[str, str]:
        """Namen aller gefundenen Typen (auch neuer, die nicht im Katalog stehen)."""
        return {b.typ: b.name for b in self.benennung}

    def benennung_von(self, typ: str) -> Benennung | None:
        return next((b for b in self.benennung if b.typ == typ), None)


@dataclass
class Typisierung:
    zuordnung: pd.DataFrame
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    modell: TypenModell | None = None


# --------------------------------------------------------------------------- 1. Vorbereiten


@dataclass(frozen=True)
class Merkmale:
    roh: pd.DataFrame      # imputierte Prioritäten (Originalskala), nur typisierte Kommunen
    profil: np.ndarray     # Raum der Benennung: roh, ggf. ipsatisiert
    x: np.ndarray          # Merkmalsmatrix des Clusterings
    ohne: pd.Index         # nicht typisierte ags
    anteil_imputiert: float


def transformieren(werte: np.ndarray, ipsatisieren: bool, standardisierung: str,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(Profil, Merkmale): Profil ggf. zeilenzentriert; Merkmale zentriert, ggf. z-standardisiert."""
    profil = werte - werte.mean(axis=1, keepdims=True) if ipsatisieren else werte
    mittel, streuung = skalierung(profil, standardisierung)
    return profil, (profil - mittel) / streuung


def skalierung(profil: np.ndarray, standardisierung: str) -> tuple[np.ndarray, np.ndarray]:
    streuung = profil.std(axis=0) if standardisierung == "z" else np.ones(profil.shape[1])
    return profil.mean(axis=0), np.where(streuung > 0, streuung, 1.0)


def vorbereiten(ziele: pd.DataFrame, einst: KommunentypenEinstellungen | None = None) -> Merkmale:
    """Imputiert fehlende Prioritäten (Zeilenmittel) und bildet die Merkmale des Clusterings."""
    einst = einst or KommunentypenEinstellungen()
    werte = ziele.astype(float)
    genug = werte.notna().mean(axis=1) >= MINDESTANTEIL_ZIELE
    roh = werte.loc[genug]
    zeilenmittel = roh.mean(axis=1)
    roh = roh.apply(lambda s: s.fillna(zeilenmittel))
    profil, x = transformieren(roh.to_numpy(float), einst.ipsatisieren, einst.standardisierung)
    anteil = float(roh.shape[0] and werte.loc[genug].isna().to_numpy().mean())
    return Merkmale(roh, profil, x, werte.index[~genug], anteil)


# --------------------------------------------------------------------------- 2. Verfahren


def _ward_labels(baum, k: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster
    return fcluster(baum, k, criterion="maxclust") - 1


def _zentren(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return np.vstack([x[labels == c].mean(axis=0) if np.any(labels == c) else
                      np.full(x.shape[1], np.nan) for c in range(k)])


def _abstand2(x: np.ndarray, zentren: np.ndarray, gewichte: np.ndarray | None = None) -> np.ndarray:
    d = (x[:, None, :] - zentren[None, :, :]) ** 2
    if gewichte is not None:
        d = d * gewichte
    return np.nan_to_num(d.sum(axis=2), nan=np.inf)


def _kmeans(k: int, seed: int, n_init: int = 4) -> KMeans:
    from sklearn.cluster import KMeans
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed)


def _gmm(k: int, seed: int, tol: float = 1e-3) -> GaussianMixture:
    from sklearn.mixture import GaussianMixture
    return GaussianMixture(n_components=k, covariance_type="diag", reg_covar=1e-3, tol=tol,
                           init_params="k-means++", max_iter=100, random_state=seed)


@dataclass
class _Loesung:
    methode: str
    k: int
    labels: np.ndarray
    zentren: np.ndarray  # im Merkmalsraum
    bic: float = np.nan


def _kmeans_anpassen(k: int, x: np.ndarray, seed: int, **_) -> _Loesung:
    m = _kmeans(k, seed).fit(x)
    return _Loesung("kmeans", k, m.labels_, m.cluster_centers_)


def _gmm_anpassen(k: int, x: np.ndarray, seed: int, **_) -> _Loesung:
    m = _gmm(k, seed).fit(x)
    return _Loesung("gmm", k, m.predict(x), m.means_, float(m.bic(x)))


def _ward_anpassen(k: int, x: np.ndarray, seed: int, baum=None,
                   ward_index: np.ndarray | None = None) -> _Loesung:
    from scipy.cluster.hierarchy import linkage
    teil = x if ward_index is None else x[ward_index]
    baum = linkage(teil, method="ward") if baum is None else baum
    teil_labels = _ward_labels(baum, k)
    zentren = _zentren(teil, teil_labels, k)
    if ward_index is None:
        return _Loesung("ward", k, teil_labels, zentren)
    labels = _abstand2(x, zentren).argmin(axis=1)
    labels[ward_index] = teil_labels
    return _Loesung("ward", k, labels, zentren)


def _bootstrap_kmeans(ks: list[int], xb: np.ndarray, seed: int) -> dict[int, np.ndarray]:
    return {k: _kmeans(k, seed, n_init=1).fit(xb).labels_ for k in ks}


def _bootstrap_ward(ks: list[int], xb: np.ndarray, seed: int) -> dict[int, np.ndarray]:
    from scipy.cluster.hierarchy import linkage
    baum = linkage(xb, method="ward")  # ein Baum für alle k
    return {k: _ward_labels(baum, k) for k in ks}


def _bootstrap_gmm(ks: list[int], xb: np.ndarray, seed: int) -> dict[int, np.ndarray]:
    # gröbere Konvergenz im Bootstrap: die Labels ändern sich danach kaum, die Zeit halbiert sich
    return {k: _gmm(k, seed, tol=1e-2).fit(xb).predict(xb) for k in ks}


@dataclass(frozen=True)
class _Umsetzung:
    anpassen: Callable[..., _Loesung]
    bootstrap: Callable[[list[int], np.ndarray, int], dict[int, np.ndarray]]
    kriterium: str  # "rang" (Gütemaße) oder "bic"


UMSETZUNG: dict[str, _Umsetzung] = {
    "kmeans": _Umsetzung(_kmeans_anpassen, _bootstrap_kmeans, "rang"),
    "ward": _Umsetzung(_ward_anpassen, _bootstrap_ward, "rang"),
    "gmm": _Umsetzung(_gmm_anpassen, _bootstrap_gmm, "bic"),
}
if set(UMSETZUNG) != set(CLUSTERVERFAHREN):  # das Register ist die einzige Liste
    raise ImportError("Umsetzungen und CLUSTERVERFAHREN stimmen nicht überein")


def _guete(x: np.ndarray, labels: np.ndarray, stichprobe: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
    leer = {"silhouette": np.nan, "calinski_harabasz": np.nan, "davies_bouldin": np.nan}
    if len(np.unique(labels)) < 2:
        return leer
    teil = labels[stichprobe]
    sil = silhouette_score(x[stichprobe], teil) if len(np.unique(teil)) > 1 else np.nan
    return {"silhouette": float(sil),
            "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
            "davies_bouldin": float(davies_bouldin_score(x, labels))}


def _raenge(tabelle: pd.DataFrame) -> pd.Series:
    r = pd.concat([tabelle["silhouette"].rank(ascending=False),
                   tabelle["calinski_harabasz"].rank(ascending=False),
                   tabelle["davies_bouldin"].rank(ascending=True)], axis=1)
    return r.mean(axis=1)


@dataclass
class _Stichproben:
    guete: np.ndarray
    bootstrap: np.ndarray
    ward: np.ndarray | None


def _stichproben(n: int, seed: int) -> _Stichproben:
    reihenfolge = np.random.default_rng(seed).permutation(n)
    return _Stichproben(np.sort(reihenfolge[:STICHPROBE_GUETE]),
                        np.sort(reihenfolge[:STICHPROBE_BOOTSTRAP]),
                        None if n <= WARD_MAXIMUM else np.sort(reihenfolge[:WARD_MAXIMUM]))


def _loesungen(x: np.ndarray, methoden: tuple[str, ...], ks: list[int], seed: int,
               st: _Stichproben) -> tuple[dict[tuple[str, int], _Loesung], pd.DataFrame]:
    """Alle Lösungen auf allen Daten mit Gütemaßen (eine Zeile je Verfahren und k)."""
    from scipy.cluster.hierarchy import linkage
    loesungen: dict[tuple[str, int], _Loesung] = {}
    zeilen = []
    baum = None
    if "ward" in methoden:
        baum = linkage(x if st.ward is None else x[st.ward], method="ward")
    for methode in methoden:
        for k in ks:
            loe = UMSETZUNG[methode].anpassen(k, x, seed, baum=baum, ward_index=st.ward)
            loesungen[(methode, k)] = loe
            anteile = np.bincount(loe.labels, minlength=k) / len(x)
            zeilen.append({"methode": methode, "k": k, **_guete(x, loe.labels, st.guete),
                           "bic": loe.bic, "kleinster_anteil": float(anteile.min())})
    validitaet = pd.DataFrame(zeilen)
    validitaet["rang"] = _raenge(validitaet)
    return loesungen, validitaet


# --------------------------------------------------------------------------- 3. Stabilität


def _vergleich(ref: np.ndarray, boot: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Bester Jaccard je Referenzcluster und adjustierter Rand-Index, aus einer Kreuztabelle."""
    kb = int(boot.max()) + 1
    tafel = np.zeros((k, kb))
    np.add.at(tafel, (ref, boot), 1)
    zeilen, spalten = tafel.sum(axis=1), tafel.sum(axis=0)
    vereinigung = zeilen[:, None] + spalten[None, :] - tafel
    with np.errstate(invalid="ignore", divide="ignore"):
        j = np.where(vereinigung > 0, tafel / vereinigung, 0.0)
    jaccard = np.where(zeilen > 0, j.max(axis=1), np.nan)
    # ARI nach Hubert & Arabie (wie sklearn.metrics.adjusted_rand_score)
    paare = lambda a: (a * (a - 1) / 2).sum()  # noqa: E731
    n = tafel.sum()
    index, a, b = paare(tafel), paare(zeilen), paare(spalten)
    erwartet = a * b / (n * (n - 1) / 2)
    maximal = (a + b) / 2
    ari = 1.0 if maximal == erwartet else float((index - erwartet) / (maximal - erwartet))
    return jaccard, ari


@dataclass
class Stabilitaet:
    jaccard: np.ndarray           # mittlerer bester Jaccard je Referenzcluster
    ari: float
    zentren: list[np.ndarray]     # Zentren der Bootstrap-Lösungen (für die Sicherheit)


def stabilitaet(x: np.ndarray, referenzen: dict[tuple[str, int], np.ndarray], b: int,
                seed: int) -> dict[tuple[str, int], Stabilitaet]:
    """Bootstrap-Stabilität nach Hennig (clusterboot) für mehrere Lösungen zugleich.

    ``x`` ist die Bootstrap-Grundgesamtheit, ``referenzen`` die Labels der zu prüfenden Lösungen
    auf ``x``. Je Ziehung wird mit Zurücklegen gezogen, neu geclustert und auf den eindeutig
    gezogenen Punkten verglichen: bester Jaccard je Referenzcluster und ARI. Die Ziehungen hängen
    nur von ``seed`` und ihrer Nummer ab: jede Lösung sieht dieselben Stichproben.
    """
    n = x.shape[0]
    je_methode: dict[str, list[int]] = {}
    for methode, k in referenzen:
        je_methode.setdefault(methode, []).append(k)
    jac: dict = {key: [] for key in referenzen}
    ari: dict = {key: [] for key in referenzen}
    zentren: dict = {key: [] for key in referenzen}
    for i in range(b):
        idx = np.random.default_rng([seed, i]).integers(0, n, n)
        eindeutig, erste = np.unique(idx, return_index=True)
        for methode, ks in je_methode.items():
            labels = UMSETZUNG[methode].bootstrap(ks, x[idx], seed + i)
            for k in ks:
                j, a = _vergleich(referenzen[(methode, k)][eindeutig], labels[k][erste], k)
                jac[(methode, k)].append(j)
                ari[(methode, k)].append(a)
                zentren[(methode, k)].append(_zentren(x[idx], labels[k], k))
    return {key: Stabilitaet(np.nanmean(np.vstack(jac[key]), axis=0), float(np.mean(ari[key])),
                             zentren[key]) for key in referenzen}


def _stabilitaet_eintragen(validitaet: pd.DataFrame, stab: Mapping[tuple[str, int], Stabilitaet],
                           stabil_ab: float) -> None:
    for (methode, k), s in stab.items():
        maske = (validitaet["methode"] == methode) & (validitaet["k"] == k)
        validitaet.loc[maske, "jaccard_min"] = float(np.nanmin(s.jaccard))
        validitaet.loc[maske, "jaccard_mittel"] = float(np.nanmean(s.jaccard))
        validitaet.loc[maske, "ari_bootstrap"] = s.ari
    validitaet["stabil"] = validitaet["jaccard_min"] >= stabil_ab


def _ordnen(teil: pd.DataFrame, methode: str) -> pd.DataFrame:
    """Zeilen eines Verfahrens nach seinem Kriterium (GMM: BIC, sonst mittlerer Rang)."""
    schluessel = "bic" if UMSETZUNG[methode].kriterium == "bic" else "rang"
    return teil.sort_values([schluessel, "k"])


@dataclass
class _Wahl:
    methode: str
    k: int
    zeile: pd.Series
    grund: str
    kandidaten: list[tuple[str, int]]
    stab: dict[tuple[str, int], Stabilitaet]


def _waehlen(x: np.ndarray, loesungen: dict, validitaet: pd.DataFrame, methoden: tuple[str, ...],
             ks: list[int], einst: KommunentypenEinstellungen, st: _Stichproben,
             seed: int) -> _Wahl:
    """Stabilität der Kandidaten, Wahl des Verfahrens, dann Stabilität für jedes k dieses
    Verfahrens und Wahl von k nach dem Kriterium des Verfahrens unter den stabilen k."""
    fest_k = einst.k != "auto"
    if fest_k:
        kandidaten = [(m, int(einst.k)) for m in methoden]
    else:
        kandidaten = [(m, int(k)) for m in methoden
                      for k in _ordnen(validitaet[validitaet["methode"] == m], m)["k"]
                      .head(KANDIDATEN_JE_METHODE)]

    def pruefen(keys: list[tuple[str, int]]) -> dict:
        return stabilitaet(x[st.bootstrap], {key: loesungen[key].labels[st.bootstrap]
                                             for key in keys}, einst.bootstrap, seed)

    for spalte in ("jaccard_min", "jaccard_mittel", "ari_bootstrap"):
        validitaet[spalte] = np.nan
    stab = pruefen(kandidaten)
    _stabilitaet_eintragen(validitaet, stab, einst.stabil_ab)
    geprueft = validitaet.dropna(subset=["jaccard_min"])
    stabile = geprueft[geprueft["stabil"]]
    if len(stabile):
        methode = str(stabile.sort_values(["rang", "k"]).iloc[0]["methode"])
    else:
        methode = str(geprueft.sort_values(["jaccard_min", "rang"], ascending=[False, True])
                      .iloc[0]["methode"])

    # Stabilität für jedes k des gewählten Verfahrens (Ward: ein Baum je Ziehung für alle k)
    rest = [(methode, k) for k in ks if (methode, k) not in stab]
    if rest:
        stab |= pruefen(rest)
        _stabilitaet_eintragen(validitaet, stab, einst.stabil_ab)
    eigene = _ordnen(validitaet[validitaet["methode"] == methode].dropna(subset=["jaccard_min"]),
                     methode)
    kriterium = ("kleinstes BIC" if UMSETZUNG[methode].kriterium == "bic" else
                 "bester mittlerer Rang aus Silhouette, Calinski-Harabasz und Davies-Bouldin")
    if fest_k:
        zeile = eigene[eigene["k"] == int(einst.k)].iloc[0]
        grund = "k ist fest vorgegeben"
    elif eigene["stabil"].any():
        zeile = eigene[eigene["stabil"]].iloc[0]
        grund = (f"unter den k, deren Typen alle stabil sind (Jaccard ≥ "
                 f"{zahl(einst.stabil_ab, 2)}), hat es das beste Kriterium ({kriterium})")
    else:
        zeile = eigene.sort_values(["jaccard_min"], ascending=False).iloc[0]
        grund = ("kein k ist durchgehend stabil; es ist das stabilste (kleinster mittlerer "
                 f"Jaccard {zahl(zeile['jaccard_min'], 2)})")
    return _Wahl(methode, int(zeile["k"]), zeile, grund, kandidaten, stab)


# --------------------------------------------------------------------------- 4. Nullreferenz


def _nachbessern(kor: np.ndarray) -> np.ndarray:
    """Nächste positiv definite Korrelationsmatrix (Eigenwerte nach unten begrenzt)."""
    w, v = np.linalg.eigh((kor + kor.T) / 2)
    m = (v * np.maximum(w, 1e-6)) @ v.T
    d = np.sqrt(np.diag(m))
    return m / np.outer(d, d)


def _copula_ziehen(sortiert: np.ndarray, latent: np.ndarray, n: int,
                   rng: np.random.Generator) -> np.ndarray:
    """n Zeilen mit den Randverteilungen der Spalten von ``sortiert`` (Quantilfunktion)."""
    z = rng.multivariate_normal(np.zeros(len(latent)), latent, size=n, method="eigh")
    idx = np.minimum((norm.cdf(z) * sortiert.shape[0]).astype(int), sortiert.shape[0] - 1)
    return sortiert[idx, np.arange(sortiert.shape[1])]


def copula_null(roh: np.ndarray, n: int, anzahl: int, seed: int) -> Iterator[np.ndarray]:
    """Datensätze ohne Clusterstruktur auf der Ratingskala (Gauß-Copula).

    Randverteilungen: die beobachteten Werte je Ziel. Korrelationen: die latente Korrelation wird
    so angepasst (NORTA-Iteration), dass die Pearson-Korrelationen der *gezogenen* Ratings den
    beobachteten entsprechen; die Diskretisierung würde sie sonst abschwächen und die Null
    strukturärmer machen, als die Daten ohne Typen wären.
    """
    rng = np.random.default_rng([seed, 7])
    sortiert = np.sort(roh, axis=0)
    ziel = np.nan_to_num(np.corrcoef(roh, rowvar=False))
    np.fill_diagonal(ziel, 1.0)
    latent = _nachbessern(ziel)
    for _ in range(COPULA_ITERATIONEN):
        probe = _copula_ziehen(sortiert, latent, 4000, rng)
        erreicht = np.nan_to_num(np.corrcoef(probe, rowvar=False))
        latent = _nachbessern(np.clip(latent + (ziel - erreicht), -0.999, 0.999))
    for _ in range(anzahl):
        yield _copula_ziehen(sortiert, latent, n, rng)


def _nullvergleich(m: Merkmale, methode: str, k: int, silhouette: float,
                   einst: KommunentypenEinstellungen, st: _Stichproben, seed: int) -> Nullvergleich:
    from sklearn.metrics import silhouette_score
    werte = []
    for i, nd in enumerate(copula_null(m.roh.to_numpy(float)[st.guete], len(st.guete),
                                       einst.null_ziehungen, seed)):
        _, xn = transformieren(nd, einst.ipsatisieren, einst.standardisierung)
        labels = UMSETZUNG[methode].anpassen(k, xn, seed + i).labels
        werte.append(float(silhouette_score(xn, labels)) if len(np.unique(labels)) > 1 else 0.0)
    null = np.asarray(werte)
    schwelle = float(np.quantile(null, einst.null_perzentil))
    return Nullvergleich(
        verfahren="Gauß-Copula mit beobachteten Randverteilungen und Korrelationen",
        ziehungen=len(null), perzentil=einst.null_perzentil, silhouette=silhouette,
        null_mittel=float(null.mean()), null_schwelle=schwelle,
        p_wert=float((1 + np.sum(null >= silhouette)) / (1 + len(null))),
        ueber_null=bool(silhouette > schwelle))


def _struktur_satz(null: Nullvergleich, wahl: _Wahl, stabil_ab: float) -> tuple[bool, str]:
    stabil = bool(wahl.zeile["stabil"])
    p = round(null.perzentil * 100)
    if null.ueber_null and stabil:
        return True, (f"Die Daten zeigen eine belastbare Typenstruktur: Die Silhouette "
                      f"({zahl(null.silhouette, 2)}) liegt über dem {p}. Perzentil von "
                      f"{null.ziehungen} Datensätzen ohne Clusterstruktur auf der Ratingskala "
                      f"({zahl(null.null_schwelle, 2)}), und alle {wahl.k} Typen sind stabil.")
    gruende = []
    if not null.ueber_null:
        gruende.append(f"die Silhouette ({zahl(null.silhouette, 2)}) liegt nicht über dem {p}. "
                       f"Perzentil von {null.ziehungen} Datensätzen ohne Clusterstruktur mit "
                       f"denselben Randverteilungen und Korrelationen ({zahl(null.null_schwelle, 2)})")
    if not stabil:
        gruende.append(f"nicht alle Typen sind stabil (kleinster mittlerer Jaccard "
                       f"{zahl(wahl.zeile['jaccard_min'], 2)} < {zahl(stabil_ab, 2)})")
    return False, ("Die Daten zeigen keine belastbare Typenstruktur: " + " und ".join(gruende)
                   + ". Kommunen werden daher nicht einem Typ zugeordnet; die Berichte zeigen "
                   "ihr Zielprofil.")


# --------------------------------------------------------------------------- 5. Benennung


def prototypabstand(prototypen: pd.DataFrame) -> float:
    """Kleinster euklidischer Abstand zwischen zwei Prototypen."""
    p = prototypen.to_numpy(float)
    d = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(axis=2))
    return float(d[~np.eye(len(p), dtype=bool)].min())


def benennen(zentren: pd.DataFrame, prototypen: pd.DataFrame, schwelle: float = 0.5,
             ) -> pd.DataFrame:
    """Cluster → Prototyp, nur innerhalb der Grenze ``schwelle`` × kleinster Prototypabstand.

    ``zentren`` und ``prototypen``: Zeilen Cluster bzw. Typ-ID, Spalten Ziel-IDs, im selben Raum.
    Eins-zu-eins (ungarische Methode) → ``art = "prototyp"``; überzählige Cluster in der Grenze
    eines schon vergebenen Prototyps → ``"variante"``; alle anderen → ``"neu"`` (``typ`` leer).
    """
    from scipy.optimize import linear_sum_assignment
    p = prototypen.loc[:, zentren.columns].to_numpy(float)
    z = zentren.to_numpy(float)
    kosten = np.sqrt(((z[:, None, :] - p[None, :, :]) ** 2).sum(axis=2))
    grenze = schwelle * prototypabstand(prototypen)
    zeilen, spalten = linear_sum_assignment(kosten)
    eins = {int(r): int(c) for r, c in zip(zeilen, spalten, strict=True) if kosten[r, c] <= grenze}
    liste = []
    for c in range(len(z)):
        naechster = int(kosten[c].argmin())
        if c in eins:
            typ, art, j = prototypen.index[eins[c]], "prototyp", eins[c]
        elif kosten[c, naechster] <= grenze:
            typ, art, j = prototypen.index[naechster], "variante", naechster
        else:
            typ, art, j = "", "neu", naechster
        liste.append({"cluster": int(zentren.index[c]), "typ": typ, "art": art,
                      "naechster_prototyp": prototypen.index[naechster],
                      "distanz": float(kosten[c, j]), "grenze": grenze})
    return pd.DataFrame(liste)


def _benennungen(tab: pd.DataFrame, zentren_roh: pd.DataFrame, namen: Mapping[str, str],
                 zielnamen: Mapping[str, str]) -> list[Benennung]:
    """Namen und (für neue Typen) Kurz-Steckbriefe aus dem Profil."""
    gesamt = zentren_roh.mean()
    aus, neu_nr, varianten = [], 0, {}
    for z in tab.itertuples():
        abweichung = (zentren_roh.loc[z.cluster] - gesamt).sort_values(ascending=False)
        hoch = [zielnamen.get(g, g) for g in abweichung.index[:3]]
        niedrig = [zielnamen.get(g, g) for g in abweichung.index[::-1][:2]]
        kurz, typ = "", z.typ
        if z.art == "prototyp":
            name = namen.get(z.typ, z.typ)
        elif z.art == "variante":
            varianten[z.typ] = varianten.get(z.typ, 1) + 1
            typ = f"{z.typ}_{varianten[z.typ]}"
            name = f"{namen.get(z.typ, z.typ)} (Variante {varianten[z.typ]})"
        else:
            neu_nr += 1
            typ = f"neu_{neu_nr}"
            name = f"Neuer Typ {neu_nr}: {hoch[0]} und {hoch[1]}"
            kurz = (f"Aus den Daten gebildeter Typ, zu dem kein Prototyp passt (Abstand "
                    f"{zahl(z.distanz, 1)} zum nächsten Prototyp „"
                    f"{namen.get(z.naechster_prototyp, z.naechster_prototyp)}“, Grenze "
                    f"{zahl(z.grenze, 1)}). Diese Kommunen priorisieren stärker als im Mittel: "
                    f"{', '.join(hoch)}; schwächer: {', '.join(niedrig)}.")
        aus.append(Benennung(cluster=z.cluster, typ=typ, name=name, art=z.art,
                             naechster_prototyp=z.naechster_prototyp, distanz=z.distanz,
                             kurz=kurz, hoch=hoch, niedrig=niedrig))
    return aus


# --------------------------------------------------------------------------- 6. Sicherheit


def _abgleichen(zentren_b: np.ndarray, zentren: np.ndarray) -> np.ndarray:
    """Bootstrap-Cluster → Referenzcluster (ungarische Methode auf den Abständen der Zentren)."""
    from scipy.optimize import linear_sum_assignment
    kosten = np.nan_to_num(_abstand2(zentren_b, zentren), posinf=1e12)
    zeilen, spalten = linear_sum_assignment(kosten)
    abbildung = np.full(len(zentren_b), -1)
    abbildung[zeilen] = spalten
    return abbildung


@dataclass
class Mischtypregel:
    schwelle: float          # Lage, über der eine Kommune Mischtyp ist
    fehlalarm: float         # Anteil simulierter reiner Profile (Residuen aller) darüber
    n: int                   # simulierte reine Typmitglieder
    ohne: int                # bei der Schätzung der Residuen ausgelassene Kommunen
    ungekuerzt: float        # Schwelle aus allen Residuen (erster Durchgang)
    korrektur: float         # Verzerrung durch das Kürzen, auf reinen Profilen simuliert


#: Stützstellen der Residuenverteilung je Typ und Ziel (Quantile 0, 1 %, …, 100 %).
RESIDUEN_QUANTILE = 101


def _zufall(schluessel: list[str], b: int, d: int, seed: int) -> np.ndarray:
    """Gleichverteilte Zufallszahlen (Zeilen × Wiederholungen × Ziele), je Kommune aus ihrem
    eigenen Zufallsstrom (Seed und AGS): so erhält eine Kommune beim späteren Einordnen mit dem
    gespeicherten Modell genau dieselben Wiederholungen wie im Studienlauf."""
    return np.stack([np.random.default_rng(
        [seed, 19, int(hashlib.sha256(s.encode()).hexdigest()[:12], 16)]).random((b, d))
        for s in schluessel]) if schluessel else np.zeros((0, b, d))


def residuen_quantile(x: np.ndarray, labels: np.ndarray, zentren: np.ndarray) -> np.ndarray:
    """Typen × Ziele × Quantile: die beobachtete Verteilung der Residuen je Typ und Ziel
    (mit ihrer Schiefe, etwa durch die Decke der Skala)."""
    stufen = np.linspace(0, 1, RESIDUEN_QUANTILE)
    return np.stack([np.quantile(x[labels == c] - zentren[c], stufen, axis=0,
                                 method="inverted_cdf").T if np.any(labels == c)
                     else np.zeros((x.shape[1], RESIDUEN_QUANTILE)) for c in range(len(zentren))])


def _residuen(u: np.ndarray, quantile: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Gezogene Residuen (Form von ``u``: Zeilen × … × Ziele) aus den Quantilen des Typs der Zeile."""
    idx = np.minimum((u * RESIDUEN_QUANTILE).astype(int), RESIDUEN_QUANTILE - 1)
    # direkt aus (Typ, Ziel, Quantil) lesen, ohne je Zeile eine Kopie der Quantile des Typs
    typ = np.asarray(labels).reshape((-1,) + (1,) * (u.ndim - 1))
    return quantile[typ, np.arange(u.shape[-1]), idx]


def _boot_geordnet(boot_zentren: list[np.ndarray], zentren: np.ndarray) -> list[list]:
    """Bootstrap-Zentren in der Reihenfolge der Referenzcluster (fehlend: None)."""
    aus = []
    for zb in boot_zentren:
        geordnet: list = [None] * len(zentren)
        for j, c in enumerate(_abgleichen(zb, zentren)):
            if c >= 0 and not np.isnan(zb[j]).any():
                geordnet[c] = [float(v) for v in zb[j]]
        aus.append(geordnet)
    return aus


def treffer_zaehlen(x: np.ndarray, labels: np.ndarray, schluessel: list[str],
                    quantile: np.ndarray, boot: list[list], seed: int) -> np.ndarray:
    """Zeilen × Typen: wie oft eine Kommune (mit gezogener Antwortstreuung ihres Typs) in den
    Wiederholungen beim Zentrum jedes Typs landet. In Blöcken, damit der Speicher klein bleibt."""
    k, d = quantile.shape[:2]
    zb = [np.array([z if z is not None else [np.nan] * d for z in b], float) for b in boot]
    zaehler = np.zeros((len(x), k))
    for start in range(0, len(x), 2000):
        teil = slice(start, start + 2000)
        stoerung = _residuen(_zufall(schluessel[teil], len(zb), d, seed), quantile, labels[teil])
        for i, z in enumerate(zb):
            zu = _abstand2(x[teil] + stoerung[:, i, :], z).argmin(axis=1)
            zaehler[np.arange(start, start + len(zu)), zu] += 1
    return zaehler


def naechste_zwei(x: np.ndarray, zentren: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nächstes und zweitnächstes Zentrum je Zeile (bei Gleichstand das mit kleinerer Nummer)."""
    reihenfolge = np.argsort(_abstand2(x, zentren), axis=1, kind="stable")
    return reihenfolge[:, 0], reihenfolge[:, 1]


def lage(x: np.ndarray, zentren: np.ndarray) -> np.ndarray:
    """Lage jeder Zeile auf der Verbindungslinie ihrer zwei nächsten Zentren.

    Projektion auf die Strecke vom nächsten (0) zum zweitnächsten Zentrum (1); weil das erste
    das nächste ist, liegt sie höchstens bei 0,5 (genau in der Mitte). Sie ist eine lineare
    Funktion des Abstandsunterschieds (|x − c₂|² − |x − c₁|²) / (2 |c₂ − c₁|²) und damit bei
    Antwortrauschen gleicher Streuung die trennschärfste Größe zwischen einem reinen Profil und
    einer Mischung der beiden Typen (Neyman-Pearson)."""
    eins, zwei = naechste_zwei(x, zentren)
    v = zentren[zwei] - zentren[eins]
    laenge2 = np.maximum((v * v).sum(axis=1), 1e-12)
    return ((x - zentren[eins]) * v).sum(axis=1) / laenge2


def _kalibrierungsschwelle(x: np.ndarray, labels: np.ndarray, zentren: np.ndarray,
                           sim_lab: np.ndarray, u: np.ndarray, fehlalarm: float,
                           ) -> tuple[float, np.ndarray, np.ndarray]:
    """(Schwelle, simulierte Profile, ihre Lage) aus den Residuen von ``x`` um ``zentren``."""
    sim_x = zentren[sim_lab] + _residuen(u, residuen_quantile(x, labels, zentren), sim_lab)
    sim_lage = lage(sim_x, zentren)
    return float(np.quantile(sim_lage, 1 - fehlalarm)), sim_x, sim_lage


def mischtyp_kalibrieren(x: np.ndarray, labels: np.ndarray, zentren: np.ndarray,
                         fehlalarm: float, seed: int) -> Mischtypregel:
    """Schwelle der Lage, die simulierte reine Typmitglieder mit der Rate ``fehlalarm`` überschreiten.

    Reine Typmitglieder: Zentrum des Typs plus je Ziel unabhängig gezogene Residuen aus der
    beobachteten Verteilung des Typs (Anteile der Typen wie beobachtet). Unabhängig je Ziel
    gezogen fehlt ihnen die gemeinsame Richtung zu einem anderen Typ, die Mischprofile haben.

    Mischprofile verbreitern aber die Residuen ihres Typs und heben so die Schwelle. Daher:
    1. Schwelle s₁ aus allen Residuen;
    2. Schwelle s₂ aus den Residuen ohne die Kommunen über s₁ (ohne erkannte Mischprofile);
    3. das Kürzen allein macht die Residuen auch bei reinen Daten schmaler. Wie stark, zeigt
       derselbe Schritt auf den simulierten reinen Profilen aus 1 (s₁ → s₂*); die Schwelle ist
       s₂ + (s₁ − s₂*): ohne Mischprofile im Mittel s₁, mit Mischprofilen um deren Einfluss
       kleiner (ein parametrischer Bootstrap der Verzerrung durch das Kürzen).
    """
    k, d = zentren.shape
    rng = np.random.default_rng([seed, 23])
    anzahl = np.round(np.bincount(labels, minlength=k) / len(x) * KALIBRIERUNG_N).astype(int)
    sim_lab = np.repeat(np.arange(k), anzahl)
    u = rng.random((len(sim_lab), d))  # dieselben Zufallszahlen in allen drei Schritten
    s1, sim_x, sim_lage = _kalibrierungsschwelle(x, labels, zentren, sim_lab, u, fehlalarm)
    behalten = lage(x, zentren) <= s1
    s2, _, _ = _kalibrierungsschwelle(x[behalten], labels[behalten], zentren, sim_lab, u,
                                      fehlalarm)
    rein = sim_lage <= s1
    s2_rein, _, _ = _kalibrierungsschwelle(sim_x[rein], sim_lab[rein], zentren, sim_lab, u,
                                           fehlalarm)
    schwelle = min(s2 + (s1 - s2_rein), 0.5)
    return Mischtypregel(schwelle=schwelle, fehlalarm=float(np.mean(sim_lage > schwelle)),
                         n=len(sim_lab), ohne=int(np.sum(~behalten)), ungekuerzt=s1,
                         korrektur=s1 - s2_rein)


SPALTEN = ["ags", "typ", "cluster", "sicherheit", "treffer", "wiederholungen", "lage",
           "naechster_typ", "zweiter_typ", "typstruktur_belastbar"]


def zuordnen(x: np.ndarray, schluessel: list[str], zentren: np.ndarray, quantile: np.ndarray,
             boot: list[list], lage_schwelle: float, typ_von: np.ndarray, seed: int,
             belastbar: bool) -> pd.DataFrame:
    """Typ, Sicherheit und Mischtyp je Kommune: eine Regel für die Studie und das Einordnen.

    Typ ist der des nächsten Zentrums; Sicherheit der Anteil der Wiederholungen, in denen die
    Kommune (mit gezogener Antwortstreuung ihres Typs) dort landet; Mischtyp, wenn ihre Lage
    zwischen den zwei nächsten Zentren über ``lage_schwelle`` liegt."""
    labels, zweit = naechste_zwei(x, zentren)
    zaehler = treffer_zaehlen(x, labels, schluessel, quantile, boot, seed)
    treffer = zaehler[np.arange(len(x)), labels].astype(int)
    b = max(len(boot), 1)
    l_ = lage(x, zentren)
    typ = np.where(l_ > lage_schwelle, MISCHTYP, typ_von[labels]).astype(object)
    return pd.DataFrame({
        "ags": pd.Index(schluessel).astype(str), "typ": typ, "cluster": labels.astype(int),
        "sicherheit": (treffer / b).astype(float), "treffer": treffer, "wiederholungen": b,
        "lage": l_.astype(float),
        # nächster Typ = der des eigenen Zentrums (auch bei Mischtypen), zweiter = zweitnächster
        "naechster_typ": typ_von[labels], "zweiter_typ": typ_von[zweit],
        "typstruktur_belastbar": belastbar}, columns=SPALTEN)


# --------------------------------------------------------------------------- Hauptfunktion


def typisieren(ziele: pd.DataFrame, katalog: Typkatalog, einst: KommunentypenEinstellungen,
               seed: int, zielnamen: Mapping[str, str] | None = None) -> Typisierung:
    """Typisiert Kommunen nach ihren Zielprioritäten (Index ``ags``, je Ziel-ID eine Spalte).

    Mit ``typisieren: false`` in den Einstellungen: eine Auswertung ohne Typen (``ohne_typen``)."""
    if not einst.typisieren:
        return ohne_typen(ziele.reindex(columns=katalog.prototypen().columns), einst, seed)
    # einfädig: die vielen kleinen Anpassungen gewinnen durch OpenMP kaum, verlieren aber stark,
    # sobald andere Prozesse die Kerne belegen; so bleibt die Laufzeit vorhersagbar
    with threadpool_limits(limits=1):
        return _typisieren(ziele, katalog, einst, seed, dict(zielnamen or {}))


def _vorbereitung(m: Merkmale, einst: KommunentypenEinstellungen) -> Vorbereitung:
    """Wie die Zielprioritäten vorbereitet wurden (für Modell und Methodenanhang)."""
    return Vorbereitung(
        mindestanteil_ziele=MINDESTANTEIL_ZIELE,
        imputation="Zeilenmittel der übrigen Prioritäten derselben Kommune",
        anteil_imputiert=m.anteil_imputiert, standardisierung=einst.standardisierung,
        ipsatisieren=einst.ipsatisieren)


def _ks(einst: KommunentypenEinstellungen, n: int) -> list[int]:
    k_min, k_max = einst.k_bereich
    k_max = min(k_max, n - 1)
    if n < MINDESTANZAHL or k_max < k_min:
        raise ValueError(f"zu wenige typisierbare Kommunen ({n}) für k im Bereich {einst.k_bereich}")
    ks = list(range(k_min, k_max + 1))
    if einst.k != "auto" and not k_min <= einst.k <= k_max:
        ks = sorted({*ks, int(einst.k)})
    return ks


def _typisieren(ziele: pd.DataFrame, katalog: Typkatalog, einst: KommunentypenEinstellungen,
                seed: int, zielnamen: dict[str, str]) -> Typisierung:
    from sklearn.decomposition import PCA

    prototypen = katalog.prototypen()
    fehlt = sorted(set(prototypen.columns) - set(ziele.columns))
    if fehlt:
        raise ValueError(f"Zielprioritäten fehlen für die Ziele {fehlt}")
    m = vorbereiten(ziele.loc[:, list(prototypen.columns)], einst)
    ks = _ks(einst, len(m.x))
    st = _stichproben(len(m.x), seed)
    methoden = METHODEN if einst.methode == "auto" else (einst.methode,)
    loesungen, validitaet = _loesungen(m.x, methoden, ks, seed, st)
    wahl = _waehlen(m.x, loesungen, validitaet, methoden, ks, einst, st, seed)
    validitaet["gewaehlt"] = (validitaet["methode"] == wahl.methode) & (validitaet["k"] == wahl.k)
    loesung = loesungen[(wahl.methode, wahl.k)]
    null = _nullvergleich(m, wahl.methode, wahl.k, float(wahl.zeile["silhouette"]), einst, st,
                          seed)
    belastbar, satz = _struktur_satz(null, wahl, einst.stabil_ab)

    proto_profil, _ = transformieren(prototypen.to_numpy(float), einst.ipsatisieren, "keine")
    proto_profil = pd.DataFrame(proto_profil, index=prototypen.index, columns=prototypen.columns)
    zentren_profil = pd.DataFrame(m.profil, columns=prototypen.columns).groupby(loesung.labels).mean()
    zentren_roh = m.roh.groupby(loesung.labels).mean()
    tab = benennen(zentren_profil, proto_profil, einst.benennung_schwelle)
    benennungen = _benennungen(tab, zentren_roh, katalog.name, zielnamen)

    s = wahl.stab[(wahl.methode, wahl.k)]
    # Zuordnung zum nächsten Zentrum des Verfahrens (wie beim Einordnen mit dem Modell)
    zentren = _zentren(m.x, loesung.labels, wahl.k)
    labels, _ = naechste_zwei(m.x, zentren)
    quantile = residuen_quantile(m.x, labels, zentren)
    boot = _boot_geordnet(s.zentren, zentren)
    regel = mischtyp_kalibrieren(m.x, labels, zentren, einst.mischtyp_fehlalarm, seed)
    typ_von = np.array([b.typ for b in benennungen], dtype=object)
    zuordnung = zuordnen(m.x, [str(a) for a in m.roh.index], zentren, quantile, boot,
                         regel.schwelle, typ_von, seed, belastbar)
    typ = zuordnung["typ"].to_numpy()
    zuordnung = zuordnung.sort_values("ags", ignore_index=True)

    tabellen = {"typen_validitaet": validitaet,
                "typen_stabilitaet": _stabilitaetstabelle(benennungen, labels, typ, s,
                                                          einst.stabil_ab)}
    pca = PCA(n_components=2, random_state=seed).fit(m.x)
    tabellen["typen_projektion"] = _projektion(pca.transform(m.x), typ, labels, seed)
    mittel, streuung = skalierung(m.profil, einst.standardisierung)
    proto_koord = pca.transform((proto_profil.to_numpy() - mittel) / streuung)
    modell = TypenModell(
        methode=wahl.methode, k=wahl.k, seed=int(seed), auswahl=_auswahl(einst),
        erklaerung=_erklaerung(wahl, einst), typstruktur_belastbar=belastbar, struktur_satz=satz,
        null=null, ari_bootstrap=s.ari, jaccard_min=float(np.nanmin(s.jaccard)),
        stabil_ab=einst.stabil_ab,
        sicherheit=Sicherheitsregel(
            wiederholungen=int(einst.bootstrap), regel=MISCHTYP_REGEL,
            lage_schwelle=regel.schwelle, fehlalarm_ziel=einst.mischtyp_fehlalarm,
            fehlalarm_simuliert=regel.fehlalarm, kalibrierung_n=regel.n,
            kalibrierung_ohne=regel.ohne, lage_schwelle_ungekuerzt=regel.ungekuerzt,
            kalibrierung_korrektur=regel.korrektur, anteil_mischtyp=float(np.mean(typ == MISCHTYP)),
            merkmal_mittel=mittel.tolist(), merkmal_streuung=streuung.tolist(),
            zentren_merkmale=zentren.tolist(), residuen_quantile=quantile.tolist(),
            bootstrap_zentren=boot),
        n_typisiert=len(m.x), n_nicht_typisiert=len(m.ohne),
        nicht_typisiert=[str(a) for a in m.ohne],
        zentren={str(c): {z: float(v) for z, v in zeile.items()}
                 for c, zeile in zentren_roh.iterrows()},
        benennung=benennungen,
        prototypen_ohne_cluster=sorted(set(prototypen.index) - {
            b.typ for b in benennungen if b.art == "prototyp"}),
        vorbereitung=_vorbereitung(m, einst),
        verfahren=Verfahren(
            methoden=list(methoden), k_bereich=[ks[0], ks[-1]], bootstrap=int(einst.bootstrap),
            stichprobe_bootstrap=len(st.bootstrap), stichprobe_silhouette=len(st.guete),
            ward_maximum=WARD_MAXIMUM, kandidaten_stabilitaet=wahl.kandidaten,
            benennung_schwelle=einst.benennung_schwelle,
            benennung_grenze=float(tab["grenze"].iloc[0]),
            kleinster_prototypabstand=prototypabstand(proto_profil)),
        pca_varianz=[float(v) for v in pca.explained_variance_ratio_],
        pca_prototypen={t: [float(a), float(b)]
                        for t, (a, b) in zip(prototypen.index, proto_koord, strict=True)},
    )
    return Typisierung(zuordnung=zuordnung, tabellen=tabellen, modell=modell)


OHNE_TYPEN_SATZ = ("Die Studie wird ohne Kommunentypen ausgewertet (studie.yml: kommunentypen: "
                   "typisieren: false). Kommunen werden keinem Typ zugeordnet; die Berichte "
                   "zeigen ihr Zielprofil, und die Empfehlungen berücksichtigen keinen Typ.")


def ohne_typen(ziele: pd.DataFrame, einst: KommunentypenEinstellungen, seed: int) -> Typisierung:
    """Eine Auswertung ohne Kommunentypen: derselbe Weg wie „keine belastbare Typenstruktur“
    (``typstruktur_belastbar`` ist falsch), aber ohne Clustering und mit leeren Typtabellen."""
    m = vorbereiten(ziele, einst)
    leer = lambda spalten: pd.DataFrame({s: pd.Series(dtype=t) for s, t in spalten})  # noqa: E731
    zuordnung = leer([("ags", object), ("typ", object), ("cluster", "int64"),
                      ("sicherheit", float), ("treffer", "int64"), ("wiederholungen", "int64"),
                      ("lage", float), ("naechster_typ", object), ("zweiter_typ", object),
                      ("typstruktur_belastbar", bool)])
    tabellen = {
        "typen_validitaet": leer([("methode", object), ("k", "int64"), ("silhouette", float),
                                  ("calinski_harabasz", float), ("davies_bouldin", float),
                                  ("bic", float), ("jaccard_min", float),
                                  ("ari_bootstrap", float), ("gewaehlt", bool)]),
        "typen_stabilitaet": leer([("cluster", "int64"), ("typ", object), ("name", object),
                                   ("art", object), ("naechster_prototyp", object), ("n", "int64"),
                                   ("anteil_mischtyp", float), ("distanz", float),
                                   ("jaccard_mittel", float), ("stabil", bool)]),
        "typen_projektion": leer([("pc1", float), ("pc2", float), ("typ", object),
                                  ("cluster", "int64")]),
    }
    modell = TypenModell(
        methode="keine", k=0, seed=int(seed), auswahl="ohne Typen", typisiert=False,
        erklaerung=OHNE_TYPEN_SATZ, typstruktur_belastbar=False, struktur_satz=OHNE_TYPEN_SATZ,
        null=Nullvergleich(verfahren="–", ziehungen=0, perzentil=einst.null_perzentil,
                           silhouette=0.0, null_mittel=0.0, null_schwelle=0.0, p_wert=1.0,
                           ueber_null=False),
        ari_bootstrap=None, jaccard_min=None, stabil_ab=einst.stabil_ab,
        sicherheit=Sicherheitsregel(
            wiederholungen=0, regel="–", lage_schwelle=0.5, fehlalarm_ziel=einst.mischtyp_fehlalarm,
            fehlalarm_simuliert=0.0, kalibrierung_n=0, kalibrierung_ohne=0,
            lage_schwelle_ungekuerzt=0.5, kalibrierung_korrektur=0.0, anteil_mischtyp=0.0),
        n_typisiert=0, n_nicht_typisiert=int(len(ziele)), nicht_typisiert=[],
        zentren={}, benennung=[], prototypen_ohne_cluster=[],
        vorbereitung=_vorbereitung(m, einst),
        verfahren=Verfahren(
            methoden=[], k_bereich=list(einst.k_bereich), bootstrap=0, stichprobe_bootstrap=0,
            stichprobe_silhouette=0, ward_maximum=WARD_MAXIMUM, kandidaten_stabilitaet=[],
            benennung_schwelle=einst.benennung_schwelle, benennung_grenze=0.0,
            kleinster_prototypabstand=0.0),
        pca_varianz=[], pca_prototypen={})
    return Typisierung(zuordnung=zuordnung, tabellen=tabellen, modell=modell)


def _auswahl(einst: KommunentypenEinstellungen) -> str:
    fest = [t for t, frei in (("Methode", einst.methode == "auto"), ("k", einst.k == "auto"))
            if not frei]
    return "daten" if not fest else "fest: " + ", ".join(fest)


def _erklaerung(wahl: _Wahl, einst: KommunentypenEinstellungen) -> str:
    z = wahl.zeile
    text = (f"Gewählt wurde {METHODEN_NAME[wahl.methode]} mit k = {wahl.k} "
            f"(Silhouette {zahl(z['silhouette'], 2)}, Calinski-Harabasz "
            f"{zahl(z['calinski_harabasz'], 0)}, Davies-Bouldin {zahl(z['davies_bouldin'], 2)}"
            + (f", BIC {zahl(z['bic'], 0)}" if pd.notna(z["bic"]) else "")
            + f", mittlerer Jaccard {zahl(z['jaccard_mittel'], 2)}): {wahl.grund}.")
    if einst.methode != "auto" or einst.k != "auto":
        text += f" Fest vorgegeben: {_auswahl(einst).removeprefix('fest: ')}."
    return text


def _stabilitaetstabelle(benennungen: list[Benennung], labels: np.ndarray, typ: np.ndarray,
                         s: Stabilitaet, stabil_ab: float) -> pd.DataFrame:
    groesse = np.bincount(labels, minlength=len(benennungen))
    tab = pd.DataFrame([{
        "cluster": b.cluster, "typ": b.typ, "name": b.name, "art": b.art,
        "naechster_prototyp": b.naechster_prototyp, "n": int(groesse[b.cluster]),
        "anteil": float(groesse[b.cluster] / len(labels)),
        "anteil_mischtyp": float(np.mean(typ[labels == b.cluster] == MISCHTYP))
        if groesse[b.cluster] else np.nan,
        "distanz": b.distanz, "jaccard_mittel": float(s.jaccard[b.cluster]),
    } for b in benennungen])
    tab["stabil"] = tab["jaccard_mittel"] >= stabil_ab
    return tab


def _projektion(koord: np.ndarray, typ: np.ndarray, labels: np.ndarray, seed: int) -> pd.DataFrame:
    zufall = np.random.default_rng(seed + 1).permutation(len(koord))  # Reihenfolge verrät keine AGS
    return pd.DataFrame({"pc1": koord[zufall, 0], "pc2": koord[zufall, 1],
                         "typ": typ[zufall], "cluster": labels[zufall].astype(int)})


def einordnen(ziele: pd.DataFrame, modell: TypenModell, seed: int) -> pd.DataFrame:
    """Ordnet Kommunen mit dem gespeicherten Modell ein, ohne neu zu clustern.

    Gleiche Vorbereitung und dieselbe Funktion ``zuordnen`` wie im Studienlauf: nächstes Zentrum
    als Typ, Sicherheit mit den gespeicherten Bootstrap-Zentren und derselben Antwortstreuung
    (Zufallsstrom je AGS), Mischtyp über derselben Lage-Schwelle. Für eine Kommune der Studie
    ergibt das genau ihr Ergebnis.
    """
    s = modell.sicherheit
    v = modell.vorbereitung
    einst = KommunentypenEinstellungen(ipsatisieren=v.ipsatisieren,
                                       standardisierung=v.standardisierung)
    m = vorbereiten(ziele, einst)
    if m.roh.empty or not s.zentren_merkmale:
        return pd.DataFrame(columns=SPALTEN)
    x = (m.profil - np.asarray(s.merkmal_mittel)) / np.asarray(s.merkmal_streuung)
    typ_von = np.array([bn.typ for bn in sorted(modell.benennung, key=lambda b: b.cluster)],
                       dtype=object)
    return zuordnen(x, [str(a) for a in m.roh.index], np.asarray(s.zentren_merkmale),
                    np.asarray(s.residuen_quantile), s.bootstrap_zentren, s.lage_schwelle,
                    typ_von, seed, modell.typstruktur_belastbar)
