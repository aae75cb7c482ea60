"""Kommunentypen: Clustering der priorisierten Digitalisierungsziele.

Ablauf (alle Entscheidungen landen in ``Typisierung.modell`` und im Methodenanhang):

1. **Fehlende Prioritäten**: Kommunen mit weniger als der Hälfte beantworteter Ziele werden
   nicht typisiert. Sonst wird eine fehlende Priorität durch den Mittelwert der übrigen
   Prioritäten derselben Kommune ersetzt (Zeilenmittel): Befragte unterscheiden sich stark im
   Gesamtniveau ihrer Antworten, und das Zeilenmittel verschiebt eine Kommune nicht zur
   Stichprobenmitte hin, wie es ein Spaltenmedian täte.
2. **Standardisierung**: voreingestellt keine, weil alle Ziele dieselbe Skala 1–5 haben und eine
   z-Standardisierung Ziele mit wenig Streuung (meist Rauschen) aufblähen würde; ``"z"`` ist wählbar.
3. **Methoden und k**: k-means, Ward und ein Gaussian-Mixture-Modell (diagonale Kovarianzen) für
   jedes k im ``k_bereich``. Gütemaße Silhouette, Calinski-Harabasz und Davies-Bouldin (auf einer
   festen Teilstichprobe, damit 11.000 Kommunen schnell bleiben); je Methode werden die zwei k mit
   dem besten mittleren Rang der drei Maße in einer Bootstrap-Stabilitätsprüfung (Hennig,
   clusterboot: mittlerer Jaccard je Cluster, adjustierter Rand-Index) mit ``bootstrap``
   Ziehungen geprüft. Gewählt wird unter den Lösungen, deren Cluster alle stabil sind
   (Jaccard ≥ ``stabil_ab``), die mit dem besten mittleren Rang.
4. **Ehrlichkeit**: Die Silhouette wird mit Daten ohne Clusterstruktur verglichen (multivariate
   Normalverteilung mit gleichem Mittelwert und gleicher Kovarianz, gleiche Methode und gleiches k).
   Liegt sie nicht deutlich darüber oder ist die Lösung instabil, gilt ``struktur_vorhanden=False``.
5. **Benennung**: optimale Eins-zu-eins-Zuordnung der Clusterzentren (Originalskala) zu den
   Prototypen (ungarische Methode, euklidischer Abstand). Bei k > Zahl der Prototypen heißen die
   überzähligen Cluster nach ihrem nächsten Prototyp („Variante“); bei k < Zahl der Prototypen
   bleiben Prototypen unbesetzt.
6. **Sicherheit**: relativer Abstandsvorteil ``1 − d₁/d₂`` (d₁: Abstand zum eigenen, d₂: zum
   zweitnächsten Clusterzentrum, im Merkmalsraum). 0 heißt: genau zwischen zwei Typen, 1: im
   Zentrum. Unter ``mischtyp_schwelle`` → Mischtyp. Warum nicht die A-posteriori-Wahrscheinlichkeit:
   Bei gut getrennten Typen ist sie fast immer ≈ 1, auch für Kommunen, deren Profil genau zwischen
   zwei Typen liegt; der Abstandsvorteil erkennt solche Mischprofile (in der Demostudie mit
   Schwelle 0,2 rund die Hälfte der geplanten Mischprofile bei etwa 2–3 % Fehlalarmen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from analyse.eingabe.studie import KommunentypenEinstellungen
from analyse.eingabe.typkatalog import Typkatalog
from analyse.zahlen import zahl

METHODEN = ("kmeans", "ward", "gmm")
METHODEN_NAME = {"kmeans": "k-means", "ward": "Ward", "gmm": "Gaussian Mixture"}

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
#: Zahl der Datensätze ohne Clusterstruktur für den Silhouette-Vergleich.
NULL_ZIEHUNGEN = 10
#: Mindestabstand der Silhouette über dem 95-%-Quantil der Nullverteilung.
SILHOUETTE_MARGE = 0.02
#: Je Methode so viele k (beste nach Gütemaßen) in die Stabilitätsprüfung.
KANDIDATEN_JE_METHODE = 2


@dataclass
class Typisierung:
    zuordnung: pd.DataFrame
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    modell: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- Vorbereitung


def vorbereiten(ziele: pd.DataFrame, standardisierung: str = "keine",
                ) -> tuple[pd.DataFrame, np.ndarray, pd.Index, dict]:
    """Imputiert fehlende Prioritäten (Zeilenmittel) und skaliert für das Clustering.

    Gibt die imputierten Rohwerte (nur typisierte Kommunen), die Merkmalsmatrix, die nicht
    typisierten ``ags`` und die Skalierung (Mittel, Streuung) zurück.
    """
    werte = ziele.astype(float)
    anteil = werte.notna().mean(axis=1)
    genug = anteil >= MINDESTANTEIL_ZIELE
    roh = werte.loc[genug]
    zeilenmittel = roh.mean(axis=1)
    roh = roh.apply(lambda s: s.fillna(zeilenmittel))
    x = roh.to_numpy(float)
    mittel = x.mean(axis=0)
    streuung = x.std(axis=0) if standardisierung == "z" else np.ones(x.shape[1])
    streuung = np.where(streuung > 0, streuung, 1.0)
    skalierung = {"mittel": mittel, "streuung": streuung,
                  "anteil_imputiert": float(roh.shape[0] and werte.loc[genug].isna().to_numpy().mean())}
    return roh, (x - mittel) / streuung, werte.index[~genug], skalierung


# --------------------------------------------------------------------------- Clustering


def _ward_baum(x: np.ndarray):
    return linkage(x, method="ward")


def _ward_labels(baum, k: int) -> np.ndarray:
    return fcluster(baum, k, criterion="maxclust") - 1


def _zentren(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return np.vstack([x[labels == c].mean(axis=0) if np.any(labels == c) else
                      np.full(x.shape[1], np.inf) for c in range(k)])


def _naechstes(x: np.ndarray, zentren: np.ndarray) -> np.ndarray:
    d = ((x[:, None, :] - zentren[None, :, :]) ** 2).sum(axis=2)
    return d.argmin(axis=1)


def _kmeans(k: int, seed: int, n_init: int = 4) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed)


def _gmm(k: int, seed: int) -> GaussianMixture:
    return GaussianMixture(n_components=k, covariance_type="diag", reg_covar=1e-3,
                           init_params="k-means++", max_iter=100, random_state=seed)


@dataclass
class _Loesung:
    methode: str
    k: int
    labels: np.ndarray
    zentren: np.ndarray  # im Merkmalsraum
    posterior: np.ndarray


def _posterior_kugel(x: np.ndarray, labels: np.ndarray, zentren: np.ndarray) -> np.ndarray:
    """A-posteriori-Wahrscheinlichkeiten unter kugelförmigen Normalverteilungen gleicher Varianz."""
    n, d = x.shape
    k = zentren.shape[0]
    abstand = ((x[:, None, :] - zentren[None, :, :]) ** 2).sum(axis=2)
    varianz = max(abstand[np.arange(n), labels].sum() / (n * d), 1e-9)
    anteile = np.bincount(labels, minlength=k) / n
    log_p = np.log(np.maximum(anteile, 1e-12))[None, :] - abstand / (2 * varianz)
    return np.exp(log_p - logsumexp(log_p, axis=1, keepdims=True))


def _anpassen(methode: str, k: int, x: np.ndarray, seed: int, baum=None,
              ward_index: np.ndarray | None = None) -> _Loesung:
    """Passt eine Lösung auf allen Zeilen von ``x`` an (Ward ggf. über eine Teilstichprobe)."""
    if methode == "kmeans":
        m = _kmeans(k, seed).fit(x)
        labels = m.labels_
        zentren = m.cluster_centers_
        return _Loesung(methode, k, labels, zentren, _posterior_kugel(x, labels, zentren))
    if methode == "gmm":
        m = _gmm(k, seed).fit(x)
        posterior = m.predict_proba(x)
        return _Loesung(methode, k, posterior.argmax(axis=1), m.means_, posterior)
    if methode == "ward":
        teil = x if ward_index is None else x[ward_index]
        baum = _ward_baum(teil) if baum is None else baum
        teil_labels = _ward_labels(baum, k)
        zentren = _zentren(teil, teil_labels, k)
        if ward_index is None:
            labels = teil_labels
        else:
            labels = _naechstes(x, zentren)
            labels[ward_index] = teil_labels
        return _Loesung(methode, k, labels, zentren, _posterior_kugel(x, labels, zentren))
    raise ValueError(f"unbekannte Methode {methode!r}")


def _bootstrap_labels(methode: str, ks: list[int], xb: np.ndarray, seed: int) -> dict[int, np.ndarray]:
    """Clustert eine Bootstrap-Stichprobe für mehrere k (Ward: ein Baum für alle k)."""
    if methode == "ward":
        baum = _ward_baum(xb)
        return {k: _ward_labels(baum, k) for k in ks}
    if methode == "kmeans":
        return {k: _kmeans(k, seed, n_init=2).fit(xb).labels_ for k in ks}
    return {k: _gmm(k, seed).fit(xb).predict(xb) for k in ks}


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


def stabilitaet(x: np.ndarray, referenzen: dict[tuple[str, int], np.ndarray], b: int,
                seed: int) -> dict[tuple[str, int], dict]:
    """Bootstrap-Stabilität nach Hennig (clusterboot) für mehrere Lösungen zugleich.

    ``x`` ist die Bootstrap-Grundgesamtheit, ``referenzen`` die Labels der zu prüfenden Lösungen
    auf ``x``. Je Ziehung wird mit Zurücklegen gezogen, neu geclustert und auf den eindeutig
    gezogenen Punkten verglichen: bester Jaccard je Referenzcluster und ARI.
    """
    n = x.shape[0]
    je_methode: dict[str, list[int]] = {}
    for methode, k in referenzen:
        je_methode.setdefault(methode, []).append(k)

    def ziehung(i: int) -> dict[tuple[str, int], tuple[np.ndarray, float]]:
        # eigener Zufallsstrom je Ziehung: Ergebnis hängt nicht von der Reihenfolge ab
        idx = np.random.default_rng([seed, i]).integers(0, n, n)
        eindeutig, erste = np.unique(idx, return_index=True)
        aus = {}
        for methode, ks in je_methode.items():
            labels = _bootstrap_labels(methode, ks, x[idx], seed + i)
            for k in ks:
                boot = labels[k][erste]
                ref = referenzen[(methode, k)][eindeutig]
                aus[(methode, k)] = _vergleich(ref, boot, k)
        return aus

    # kleine Anpassungen einfädig: OpenMP-Threads kosten hier mehr Abstimmung, als sie bringen,
    # und bremsen stark, wenn andere Prozesse die Kerne belegen
    with threadpool_limits(limits=1):
        ergebnisse = [ziehung(i) for i in range(b)]
    jaccard = {key: np.vstack([e[key][0] for e in ergebnisse]) for key in referenzen}
    ari = {key: np.array([e[key][1] for e in ergebnisse]) for key in referenzen}
    return {key: {"jaccard": np.nanmean(jaccard[key], axis=0), "ari": float(ari[key].mean())}
            for key in referenzen}


def _guete(x: np.ndarray, labels: np.ndarray, stichprobe: np.ndarray) -> dict[str, float]:
    if len(np.unique(labels)) < 2:
        return {"silhouette": np.nan, "calinski_harabasz": np.nan, "davies_bouldin": np.nan}
    teil = labels[stichprobe]
    sil = silhouette_score(x[stichprobe], teil) if len(np.unique(teil)) > 1 else np.nan
    return {"silhouette": float(sil),
            "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
            "davies_bouldin": float(davies_bouldin_score(x, labels))}


def _null_silhouette(x: np.ndarray, methode: str, k: int, seed: int) -> np.ndarray:
    """Silhouette derselben Methode auf Normalverteilungen mit Mittel und Kovarianz der Daten."""
    rng = np.random.default_rng(seed)
    mittel, kov = x.mean(axis=0), np.cov(x, rowvar=False)
    with threadpool_limits(limits=1):
        werte = [_null_eine(xn, methode, k, seed + i) for i, xn in enumerate(
            rng.multivariate_normal(mittel, kov, size=x.shape[0], method="eigh")
            for _ in range(NULL_ZIEHUNGEN))]
    return np.asarray(werte)


def _null_eine(xn: np.ndarray, methode: str, k: int, seed: int) -> float:
    labels = _anpassen(methode, k, xn, seed).labels
    return float(silhouette_score(xn, labels)) if len(np.unique(labels)) > 1 else 0.0


# --------------------------------------------------------------------------- Benennung


def benennen(zentren_roh: pd.DataFrame, prototypen: pd.DataFrame) -> pd.DataFrame:
    """Eins-zu-eins-Zuordnung Cluster → Prototyp (ungarische Methode, euklidischer Abstand).

    ``zentren_roh``: Zeilen Cluster, Spalten Ziel-IDs (Originalskala). Gibt je Cluster
    ``typ``, ``distanz`` und ``art`` zurück: ``"eindeutig"`` (optimal zugeordnet) oder
    ``"variante"`` (k > Zahl der Prototypen: nächster Prototyp, nicht eindeutig).
    """
    p = prototypen.loc[:, zentren_roh.columns].to_numpy(float)
    z = zentren_roh.to_numpy(float)
    kosten = np.sqrt(((z[:, None, :] - p[None, :, :]) ** 2).sum(axis=2))
    zeilen, spalten = linear_sum_assignment(kosten)
    typ = {int(r): prototypen.index[c] for r, c in zip(zeilen, spalten, strict=True)}
    zeilen_liste = []
    for c in range(len(z)):
        if c in typ:
            t, art = typ[c], "eindeutig"
        else:
            t, art = prototypen.index[int(kosten[c].argmin())], "variante"
        j = prototypen.index.get_loc(t)
        zeilen_liste.append({"cluster": int(zentren_roh.index[c]), "typ": t,
                             "distanz": float(kosten[c, j]), "art": art})
    return pd.DataFrame(zeilen_liste)


# --------------------------------------------------------------------------- Hauptfunktion


def _raenge(tabelle: pd.DataFrame) -> pd.Series:
    r = pd.concat([tabelle["silhouette"].rank(ascending=False),
                   tabelle["calinski_harabasz"].rank(ascending=False),
                   tabelle["davies_bouldin"].rank(ascending=True)], axis=1)
    return r.mean(axis=1)


def typisieren(ziele: pd.DataFrame, katalog: Typkatalog, einst: KommunentypenEinstellungen,
               seed: int) -> Typisierung:
    """Typisiert Kommunen nach ihren Zielprioritäten (Index ``ags``, je Ziel-ID eine Spalte)."""
    # einfädig: die vielen kleinen Anpassungen gewinnen durch OpenMP kaum, verlieren aber stark,
    # sobald andere Prozesse die Kerne belegen; so bleibt die Laufzeit vorhersagbar
    with threadpool_limits(limits=1):
        return _typisieren(ziele, katalog, einst, seed)


def _typisieren(ziele: pd.DataFrame, katalog: Typkatalog, einst: KommunentypenEinstellungen,
                seed: int) -> Typisierung:
    prototypen = katalog.prototypen()
    fehlt = sorted(set(prototypen.columns) - set(ziele.columns))
    if fehlt:
        raise ValueError(f"Zielprioritäten fehlen für die Ziele {fehlt}")
    ziele = ziele.loc[:, list(prototypen.columns)]
    standardisierung = getattr(einst, "standardisierung", "keine")
    roh, x, ohne, skalierung = vorbereiten(ziele, standardisierung)
    n = x.shape[0]
    k_min, k_max = einst.k_bereich
    k_max = min(k_max, n - 1)
    if n < MINDESTANZAHL or k_max < k_min:
        raise ValueError(f"zu wenige typisierbare Kommunen ({n}) für k im Bereich {einst.k_bereich}")
    rng = np.random.default_rng(seed)
    reihenfolge = rng.permutation(n)
    guete_idx = np.sort(reihenfolge[:STICHPROBE_GUETE])
    boot_idx = np.sort(reihenfolge[:STICHPROBE_BOOTSTRAP])
    ward_idx = None if n <= WARD_MAXIMUM else np.sort(reihenfolge[:WARD_MAXIMUM])

    methoden = METHODEN if einst.methode == "auto" else (einst.methode,)
    ks = list(range(k_min, k_max + 1))
    if einst.k != "auto" and not k_min <= einst.k <= k_max:
        ks = sorted({*ks, int(einst.k)})

    # 1. alle Lösungen auf allen Daten, Gütemaße
    loesungen: dict[tuple[str, int], _Loesung] = {}
    zeilen = []
    ward_baum = _ward_baum(x if ward_idx is None else x[ward_idx]) if "ward" in methoden else None
    for methode in methoden:
        for k in ks:
            loe = _anpassen(methode, k, x, seed, baum=ward_baum, ward_index=ward_idx)
            loesungen[(methode, k)] = loe
            anteile = np.bincount(loe.labels, minlength=k) / n
            zeilen.append({"methode": methode, "k": k, **_guete(x, loe.labels, guete_idx),
                           "kleinster_anteil": float(anteile.min())})
    validitaet = pd.DataFrame(zeilen)
    validitaet["rang"] = _raenge(validitaet)

    # 2. Stabilität für die Kandidaten
    if einst.k != "auto":
        kandidaten = [(m, int(einst.k)) for m in methoden]
    else:
        kandidaten = []
        for methode in methoden:
            teil = validitaet[validitaet["methode"] == methode].sort_values(["rang", "k"])
            kandidaten += [(methode, int(k)) for k in teil["k"].head(KANDIDATEN_JE_METHODE)]
    stab = stabilitaet(x[boot_idx], {key: loesungen[key].labels[boot_idx] for key in kandidaten},
                       einst.bootstrap, seed)
    validitaet["jaccard_min"] = np.nan
    validitaet["jaccard_mittel"] = np.nan
    validitaet["ari_bootstrap"] = np.nan
    for (methode, k), s in stab.items():
        maske = (validitaet["methode"] == methode) & (validitaet["k"] == k)
        validitaet.loc[maske, "jaccard_min"] = float(np.nanmin(s["jaccard"]))
        validitaet.loc[maske, "jaccard_mittel"] = float(np.nanmean(s["jaccard"]))
        validitaet.loc[maske, "ari_bootstrap"] = s["ari"]
    validitaet["stabil"] = validitaet["jaccard_min"] >= einst.stabil_ab

    # 3. Auswahl
    geprueft = validitaet.dropna(subset=["jaccard_min"])
    stabile = geprueft[geprueft["stabil"]]
    if len(stabile):
        wahl = stabile.sort_values(["rang", "k"]).iloc[0]
        grund = (f"unter den Lösungen, deren Typen alle stabil sind (Jaccard ≥ "
                 f"{zahl(einst.stabil_ab, 2)}), hat sie den besten mittleren Rang aus Silhouette, "
                 f"Calinski-Harabasz und Davies-Bouldin")
    else:
        wahl = geprueft.sort_values(["jaccard_min", "rang"], ascending=[False, True]).iloc[0]
        grund = ("keine geprüfte Lösung ist durchgehend stabil; sie ist die stabilste "
                 f"(kleinster mittlerer Jaccard {zahl(wahl['jaccard_min'], 2)})")
    methode, k = str(wahl["methode"]), int(wahl["k"])
    validitaet["gewaehlt"] = (validitaet["methode"] == methode) & (validitaet["k"] == k)
    fest = [t for t, frei in (("Methode", einst.methode == "auto"), ("k", einst.k == "auto"))
            if not frei]
    erklaerung = (f"Gewählt wurde {METHODEN_NAME[methode]} mit k = {k} "
                  f"(Silhouette {zahl(wahl['silhouette'], 2)}, Calinski-Harabasz "
                  f"{zahl(wahl['calinski_harabasz'], 0)}, Davies-Bouldin "
                  f"{zahl(wahl['davies_bouldin'], 2)}, mittlerer Jaccard "
                  f"{zahl(wahl['jaccard_mittel'], 2)}): {grund}.")
    if fest:
        erklaerung += f" Fest vorgegeben: {' und '.join(fest)}."
    loesung = loesungen[(methode, k)]

    # 4. Ehrlichkeit: Silhouette gegen Daten ohne Struktur
    null = _null_silhouette(x[guete_idx], methode, k, seed)
    null_q95 = float(np.quantile(null, 0.95))
    sil = float(wahl["silhouette"])
    ueber_null = sil >= null_q95 + SILHOUETTE_MARGE
    stabil = bool(wahl["stabil"])
    struktur = bool(ueber_null and stabil)
    if struktur:
        struktur_satz = (f"Die Daten zeigen eine belastbare Typenstruktur: Die Silhouette "
                         f"({zahl(sil, 2)}) liegt klar über der von Daten ohne Clusterstruktur "
                         f"({zahl(null_q95, 2)}), und alle {k} Typen sind stabil.")
    else:
        gruende = []
        if not ueber_null:
            gruende.append(f"die Silhouette ({zahl(sil, 2)}) liegt nicht deutlich über der von "
                           f"Daten ohne Clusterstruktur ({zahl(null_q95, 2)})")
        if not stabil:
            gruende.append(f"nicht alle Typen sind stabil (kleinster mittlerer Jaccard "
                           f"{zahl(wahl['jaccard_min'], 2)} < {zahl(einst.stabil_ab, 2)})")
        struktur_satz = ("Die Daten zeigen keine belastbare Typenstruktur: "
                         + " und ".join(gruende) + ". Die Typen sind daher nur als grobe "
                         "Orientierung zu lesen, nicht als klar getrennte Gruppen.")

    # 5. Benennung über die Zentren auf der Originalskala
    zentren_roh = roh.groupby(loesung.labels).mean()
    zentren_roh.index.name = "cluster"
    benennung = benennen(zentren_roh, prototypen)
    typ_von = dict(zip(benennung["cluster"], benennung["typ"], strict=True))

    # 6. Zuordnung je Kommune
    zentren_x = _zentren(x, loesung.labels, k)
    abstand = np.sqrt(((x[:, None, :] - zentren_x[None, :, :]) ** 2).sum(axis=2))
    eigen = abstand[np.arange(n), loesung.labels]
    andere = abstand.copy()
    andere[np.arange(n), loesung.labels] = np.inf
    zweit = andere.argmin(axis=1) if k > 1 else loesung.labels
    d2 = andere[np.arange(n), zweit] if k > 1 else np.full(n, np.inf)
    sicherheit = np.clip(1 - eigen / np.maximum(d2, 1e-12), 0, 1)
    typ = np.array([typ_von[c] for c in loesung.labels], dtype=object)
    typ[sicherheit < einst.mischtyp_schwelle] = "mischtyp"
    zuordnung = pd.DataFrame({
        "ags": roh.index.astype(str),
        "typ": typ,
        "cluster": loesung.labels.astype(int),
        "sicherheit": sicherheit.astype(float),
        # nächster Typ = der des eigenen Clusters (bei Mischtypen der Typ, dem sie am nächsten
        # liegen); zweiter Typ = der des zweitnächsten Clusters
        "naechster_typ": [typ_von[c] for c in loesung.labels],
        "zweiter_typ": [typ_von[c] for c in zweit],
    }).sort_values("ags", ignore_index=True)

    # 7. Tabellen
    s = stab.get((methode, k), None)
    groesse = np.bincount(loesung.labels, minlength=k)
    stabil_tab = benennung.assign(
        name=lambda d: d["typ"].map(katalog.name),
        n=groesse[benennung["cluster"]],
        anteil=groesse[benennung["cluster"]] / n,
        anteil_mischtyp=[float(np.mean(sicherheit[loesung.labels == c] < einst.mischtyp_schwelle))
                         if groesse[c] else np.nan for c in benennung["cluster"]],
        jaccard_mittel=np.nan if s is None else s["jaccard"][benennung["cluster"]],
    )
    stabil_tab["stabil"] = stabil_tab["jaccard_mittel"] >= einst.stabil_ab
    stabil_tab = stabil_tab[["cluster", "typ", "name", "art", "n", "anteil", "anteil_mischtyp",
                             "distanz", "jaccard_mittel", "stabil"]]

    pca = PCA(n_components=2, random_state=seed).fit(x)
    koord = pca.transform(x)
    zufall = np.random.default_rng(seed + 1).permutation(n)  # Reihenfolge verrät keine AGS
    projektion = pd.DataFrame({"pc1": koord[zufall, 0], "pc2": koord[zufall, 1],
                               "typ": typ[zufall], "cluster": loesung.labels[zufall].astype(int)})
    proto_x = (prototypen.to_numpy(float) - skalierung["mittel"]) / skalierung["streuung"]
    proto_koord = pca.transform(proto_x)

    modell = {
        "methode": methode,
        "k": k,
        "seed": int(seed),
        "auswahl": "daten" if not fest else "fest: " + ", ".join(fest),
        "erklaerung": erklaerung,
        "struktur_vorhanden": struktur,
        "struktur_satz": struktur_satz,
        "silhouette": sil,
        "silhouette_null_mittel": float(null.mean()),
        "silhouette_null_q95": null_q95,
        "ari_bootstrap": None if s is None else s["ari"],
        "jaccard_min": None if s is None else float(np.nanmin(s["jaccard"])),
        "stabil_ab": einst.stabil_ab,
        "mischtyp_schwelle": einst.mischtyp_schwelle,
        "anteil_mischtyp": float(np.mean(typ == "mischtyp")),
        "n_typisiert": int(n),
        "n_nicht_typisiert": int(len(ohne)),
        "nicht_typisiert": [str(a) for a in ohne],
        "zentren": {str(c): {z: float(v) for z, v in zeile.items()}
                    for c, zeile in zentren_roh.iterrows()},
        "benennung": benennung.to_dict(orient="records"),
        "prototypen_ohne_cluster": sorted(set(prototypen.index) - set(
            benennung.loc[benennung["art"] == "eindeutig", "typ"])),
        "vorbereitung": {
            "mindestanteil_ziele": MINDESTANTEIL_ZIELE,
            "imputation": "Zeilenmittel der übrigen Prioritäten derselben Kommune",
            "anteil_imputiert": skalierung["anteil_imputiert"],
            "standardisierung": standardisierung,
        },
        "verfahren": {
            "methoden": list(methoden),
            "k_bereich": [k_min, k_max],
            "gmm_kovarianz": "diagonal",
            "bootstrap": int(einst.bootstrap),
            "stichprobe_bootstrap": int(len(boot_idx)),
            "stichprobe_silhouette": int(len(guete_idx)),
            "ward_maximum": WARD_MAXIMUM,
            "null_ziehungen": NULL_ZIEHUNGEN,
            "silhouette_marge": SILHOUETTE_MARGE,
            "kandidaten_stabilitaet": [[m, kk] for m, kk in kandidaten],
            "sicherheit": ("relativer Abstandsvorteil 1 − d₁/d₂ zum nächsten gegenüber dem "
                           "zweitnächsten Clusterzentrum"),
        },
        "pca": {"erklaerte_varianz": [float(v) for v in pca.explained_variance_ratio_],
                "prototypen": {t: [float(a), float(b)]
                               for t, (a, b) in zip(prototypen.index, proto_koord, strict=True)}},
    }
    return Typisierung(zuordnung=zuordnung,
                       tabellen={"typen_validitaet": validitaet,
                                 "typen_stabilitaet": stabil_tab,
                                 "typen_projektion": projektion},
                       modell=modell)
