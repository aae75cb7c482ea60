"""Berichtsabschnitte zu Reifegrad-Unsicherheit, Wellen und Methodenanhang.

Kommunalberichte zeigen nur Werte der eigenen Kommune und Gruppenwerte ab
``berichte.peer_mindestgroesse`` Kommunen; Ränge stehen immer mit ihrem Intervall.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analyse.berichte import html
from analyse.berichte.html import Html
from analyse.berichte.kontext import feldnamen
from analyse.ergebnisse.namen import Tabelle as T
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.methoden import reifegrad

GESAMT = reifegrad.GESAMT


def _feldname(erg: Ergebnisse, feld: str) -> str:
    return feldnamen(erg).get(feld, feld)


def _vorzeichen(wert: float) -> str:
    if pd.isna(wert):
        return "–"
    return ("+" if wert > 0 else "") + html.zahl(wert, 1)


def _rang(wert: float) -> str:
    return html.zahl(wert, 0) if float(wert).is_integer() else html.zahl(wert, 1)


def rang_mit_intervall(erg: Ergebnisse, ags: str) -> Html:
    """Gesamtrang der Kommune als Median mit 5–95-%-Intervall aus der Monte-Carlo-Analyse."""
    welle = erg.studie.aktuelle_welle
    u = erg.tabelle(T.UNSICHERHEIT)
    zeile = u[(u["ags"].astype(str) == str(ags)) & (u["welle"] == welle)]
    teile = [html.ueberschrift("Platzierung mit Unsicherheit", 3)]
    if zeile.empty:
        aus = erg.tabelle(T.REIFEGRAD_AUSSCHLUESSE)
        grund = aus[(aus["ags"].astype(str) == str(ags)) & (aus["welle"] == welle)
                    & (aus["handlungsfeld"] == GESAMT)]["grund"]
        text = "Für diese Kommune gibt es in der aktuellen Welle keinen Gesamtwert"
        text += f": {grund.iloc[0]}." if len(grund) else "."
        return Html.verbinden([*teile, html.hinweis(text)])
    z = zeile.iloc[0]
    mc = erg.modell.reifegrad.monte_carlo.ziehungen
    teile.append(html.kennzahlen([
        ("Rang (Median)", f"{_rang(z['rang_median'])} von {int(z['anzahl'])}"),
        ("90-%-Intervall", f"Rang {_rang(z['rang_p05'])} bis {_rang(z['rang_p95'])}"),
        ("Gesamtwert (Median)", f"{html.zahl(z['wert_median'], 1)} "
                                f"({html.zahl(z['wert_p05'], 1)}–{html.zahl(z['wert_p95'], 1)})"),
    ]))
    teile.append(html.absatz(
        f"Der Rang ist keine feste Größe: Er hängt davon ab, wie die Handlungsfelder gewichtet "
        f"und zusammengefasst und wie fehlende Antworten behandelt werden. In {mc} "
        f"durchgerechneten Varianten lag die Kommune in 90 % der Fälle zwischen Rang "
        f"{_rang(z['rang_p05'])} und {_rang(z['rang_p95'])} von {int(z['anzahl'])} Kommunen. "
        f"Ränge, deren Intervalle sich überschneiden, sind nicht sicher verschieden."))
    return Html.verbinden(teile)


def _verbandsmittel(erg: Ergebnisse) -> pd.DataFrame:
    return reifegrad.verbandsentwicklung(erg.tabelle(T.REIFEGRAD), erg.kommunen)


def entwicklung(erg: Ergebnisse, ags: str) -> Html:
    """Veränderung der Kommune je Handlungsfeld seit der vorigen Welle (mit Verbandsmittel)."""
    welle = erg.studie.aktuelle_welle
    teile: list[Html] = []  # Überschrift steht im Notebook
    ent = erg.tabelle(T.ENTWICKLUNG)
    eigen = ent[(ent["ags"].astype(str) == str(ags)) & (ent["welle"] == welle)]
    if eigen.empty:
        vorige = [w for w in erg.studie.welle_ids if w < welle]
        text = ("Dies ist die erste Erhebungswelle; eine Veränderung lässt sich noch nicht zeigen."
                if not vorige else "Die Kommune hat an der vorigen Erhebungswelle nicht "
                "teilgenommen; eine Veränderung lässt sich nicht zeigen.")
        return Html.verbinden([*teile, html.hinweis(text)])
    vorwelle = int(eigen["vorwelle"].iloc[0])
    mindest = erg.studie.berichte.peer_mindestgroesse
    verband = _verbandsmittel(erg)
    verband = verband[(verband["welle"] == welle) & (verband["n_panel"] >= mindest)]
    verband = verband.set_index("handlungsfeld")["veraenderung_panel"]
    reihen = []
    for z in eigen.itertuples():
        reihen.append({
            "Handlungsfeld": _feldname(erg, z.handlungsfeld),
            f"Wert {vorwelle}": z.wert_vorwelle,
            f"Wert {welle}": z.wert,
            "Veränderung": _vorzeichen(z.veraenderung),
            "Stufe": z.stufe if isinstance(z.stufe, str) else "–",
            "Verband: Veränderung im Mittel": _vorzeichen(verband.get(z.handlungsfeld, np.nan)),
        })
    df = pd.DataFrame(reihen)
    teile.append(html.tabelle(df, beschriftung=f"Reifegrad (0–100) {vorwelle} und {welle}",
                              formate={f"Wert {vorwelle}": "zahl1", f"Wert {welle}": "zahl1"}))
    teile.append(html.absatz(
        "Veränderungen um wenige Punkte liegen im Bereich der Messungenauigkeit einer Befragung. "
        f"Das Verbandsmittel zählt nur Mitglieder, die an beiden Wellen teilgenommen haben, und "
        f"wird erst ab {mindest} solchen Kommunen gezeigt."))
    return Html.verbinden(teile)


@html.abbildungsfunktion
def verbandsentwicklung(erg: Ergebnisse) -> Html:
    """Reifegrad der Verbandsmitglieder je Welle und Handlungsfeld (nur Gruppenwerte)."""
    mindest = erg.studie.berichte.peer_mindestgroesse
    ve = _verbandsmittel(erg)
    teile: list[Html] = []  # Überschrift steht im Notebook
    ve = ve[ve["n"] >= mindest]
    if ve.empty:
        return Html.verbinden([*teile, html.hinweis(
            f"Zu wenige bewertete Mitglieder (unter {mindest}) für eine Darstellung.")])
    wellen = sorted(ve["welle"].unique())
    mittel = ve.pivot(index="handlungsfeld", columns="welle", values="mittelwert")
    felder = [f for f in [*erg.fragebogen.feld, GESAMT] if f in mittel.index]
    tab = pd.DataFrame({"Handlungsfeld": [_feldname(erg, f) for f in felder]})
    for w in wellen:
        tab[f"Mittel {w}"] = [mittel.loc[f, w] for f in felder]
    if len(wellen) > 1:
        letzte = ve[(ve["welle"] == wellen[-1])].set_index("handlungsfeld")
        tab["Veränderung (Panel)"] = [
            _vorzeichen(letzte.loc[f, "veraenderung_panel"])
            if f in letzte.index and letzte.loc[f, "n_panel"] >= mindest else "–" for f in felder]
        tab["Kommunen im Panel"] = [
            int(letzte.loc[f, "n_panel"]) if f in letzte.index and
            pd.notna(letzte.loc[f, "n_panel"]) else 0 for f in felder]
    teile.append(html.tabelle(tab, beschriftung="Mittlerer Reifegrad (0–100) der Verbandsmitglieder",
                              formate={f"Mittel {w}": "zahl1" for w in wellen}))
    if len(wellen) > 1:
        fig, ax = plt.subplots(figsize=(7, 4))
        for f in felder:
            ax.plot(wellen, [mittel.loc[f, w] for w in wellen], marker="o",
                    linewidth=3 if f == GESAMT else 1.5, label=_feldname(erg, f),
                    color="black" if f == GESAMT else None)
        ax.set_xticks(wellen)
        ax.set_xlabel("Erhebungswelle")
        ax.set_ylabel("mittlerer Reifegrad (0–100)")
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5))
        ges = mittel.loc[GESAMT] if GESAMT in mittel.index else None
        alt = ("Liniendiagramm: mittlerer Reifegrad der Verbandsmitglieder je Handlungsfeld über "
               "die Wellen " + ", ".join(map(str, wellen)))
        if ges is not None:
            alt += (f"; Gesamt von {html.zahl(ges[wellen[0]], 1)} auf "
                    f"{html.zahl(ges[wellen[-1]], 1)}")
        teile.append(html.abbildung(fig, alt=alt + "."))
        teile.append(html.absatz(
            "Die Veränderung (Panel) vergleicht nur Mitglieder, die an beiden Wellen teilgenommen "
            "haben; die Mittelwerte je Welle umfassen alle bewerteten Mitglieder der Welle."))
    else:
        teile.append(html.hinweis("Bisher liegt nur eine Erhebungswelle vor."))
    return Html.verbinden(teile)


# --------------------------------------------------------------------------- Methodenanhang


def _anhang_reifegrad(erg: Ergebnisse) -> list[Html]:
    m = erg.modell.reifegrad
    welle = erg.studie.aktuelle_welle
    teile = [html.ueberschrift("Reifegrad als Composite Indicator", 3),
             html.absatz("Der Index folgt den Schritten des OECD/JRC-Handbuchs zu Composite "
                         "Indicators. Jede Wahl ist hier dokumentiert."),
             html.tabelle(pd.DataFrame([s.model_dump() for s in m.schritte]).rename(
                 columns={"schritt": "Schritt", "wahl": "Wahl"}),
                 beschriftung="Bauschritte des Reifegrad-Index")]
    # das JSON-Modell hat sortierte Schlüssel: Reihenfolge hier wiederherstellen
    stufen = sorted(m.stufen.items(), key=lambda p: p[1])
    stufen = pd.DataFrame({"Stufe": [s for s, _ in stufen], "ab Wert": [g for _, g in stufen]})
    teile.append(html.tabelle(stufen, beschriftung="Reifegradstufen und ihre Untergrenzen",
                              formate={"ab Wert": "zahl0"}))
    felder = [f for f in erg.fragebogen.feld if f in m.gewichte]
    gewichte = pd.DataFrame({"Handlungsfeld": [_feldname(erg, f) for f in felder],
                             "Gewicht": [m.gewichte[f] for f in felder],
                             "Ausgeschlossene Fälle": [m.anzahl_ausschluesse.get(f, 0)
                                                       for f in felder]})
    teile.append(html.tabelle(gewichte, beschriftung="Gewichte (normiert) und Ausschlüsse je Feld",
                              formate={"Gewicht": "zahl3"}))
    rel = erg.tabelle(T.RELIABILITAET)
    rel = rel[rel["welle"] == welle]
    ts = erg.tabelle(T.TRENNSCHAERFE)
    ts = ts[ts["welle"] == welle].groupby("handlungsfeld")["trennschaerfe"].agg(["min", "max"])
    tab = pd.DataFrame({
        "Handlungsfeld": [_feldname(erg, f) for f in rel["handlungsfeld"]],
        "Items": rel["items"].to_numpy(),
        "Fälle": rel["faelle"].to_numpy(),
        "Cronbachs Alpha": rel["alpha"].to_numpy(),
        "Trennschärfe min.": [ts["min"].get(f, np.nan) for f in rel["handlungsfeld"]],
        "Trennschärfe max.": [ts["max"].get(f, np.nan) for f in rel["handlungsfeld"]],
    })
    teile.append(html.tabelle(tab, beschriftung=f"Reliabilität je Handlungsfeld (Welle {welle})",
                              formate={"Cronbachs Alpha": "zahl2", "Trennschärfe min.": "zahl2",
                                       "Trennschärfe max.": "zahl2"}))
    schwach = tab[tab["Cronbachs Alpha"] < 0.7]["Handlungsfeld"].tolist()
    teile.append(html.absatz(
        "Alpha ab etwa 0,7 gilt als ausreichende innere Konsistenz; die korrigierte Trennschärfe "
        "ist die Korrelation eines Items mit der Summe der übrigen Items seines Feldes."
        + (f" Unter 0,7 liegen: {', '.join(schwach)}; diese Feldwerte sind vorsichtig zu lesen."
           if schwach else "")))
    mc = m.monte_carlo
    teile.append(html.absatz(
        f"Unsicherheit: {mc.ziehungen} Monte-Carlo-Ziehungen (Seed {mc.seed}) variieren "
        f"die Feldgewichte (je ±{round(mc.gewicht_schwankung * 100)} %), die Aggregation "
        "(arithmetisch oder geometrisch) und die Behandlung fehlender Antworten. Für jede Kommune "
        "werden der Median-Rang und das 5–95-%-Intervall der Ränge berichtet."))
    return teile


_FARBEN = plt.get_cmap("tab10")


@html.abbildungsfunktion
def _streudiagramm(erg: Ergebnisse, proj: pd.DataFrame) -> Html:
    pca = erg.modell.kommunentypen.pca
    namen = erg.typkatalog.name
    typen = [t for t in [*pca.prototypen, "mischtyp"] if t in set(proj["typ"])]
    fig, ax = plt.subplots(figsize=(7, 5))
    punkte = proj if len(proj) <= 5000 else proj.sample(5000, random_state=0)
    for i, t in enumerate(typen):
        teil = punkte[punkte["typ"] == t]
        farbe = "0.6" if t == "mischtyp" else _FARBEN(i % 10)
        ax.scatter(teil["pc1"], teil["pc2"], s=8, alpha=0.6, color=farbe,
                   label=f"{namen.get(t, t)} ({(proj['typ'] == t).sum()})")
    for i, (x, y) in enumerate(pca.prototypen.values()):
        ax.scatter([x], [y], marker="X", s=140, color=_FARBEN(i % 10), edgecolor="black",
                   linewidth=1)
    var = pca.erklaerte_varianz
    ax.set_xlabel(f"1. Hauptkomponente ({var[0] * 100:.0f} % der Varianz)".replace(".", ","))
    ax.set_ylabel(f"2. Hauptkomponente ({var[1] * 100:.0f} % der Varianz)".replace(".", ","))
    ax.legend(fontsize=8, markerscale=2)
    alt = (f"Streudiagramm der {len(proj)} typisierten Kommunen in den ersten beiden "
           f"Hauptkomponenten, eingefärbt nach Kommunentyp; Kreuze markieren die Prototypen. "
           f"Die beiden Achsen erklären zusammen {round((var[0] + var[1]) * 100)} % der Varianz.")
    return html.abbildung(fig, alt=alt, beschriftung="Kommunen in zwei Dimensionen (PCA), ohne "
                          "Namen; Kreuze: Prototypen")


def _anhang_typen(erg: Ergebnisse) -> list[Html]:
    m = erg.modell.kommunentypen
    v = m.vorbereitung
    verf = m.verfahren
    teile = [html.ueberschrift("Kommunentypen", 3)]
    if not m.struktur_vorhanden:
        teile.append(html.hinweis(m.struktur_satz))
    teile.append(html.absatz(m.erklaerung))
    if m.struktur_vorhanden:
        teile.append(html.absatz(m.struktur_satz))
    std = ("keine (alle Ziele auf derselben Skala 1–5)" if v.standardisierung == "keine"
           else "z-Standardisierung je Ziel")
    teile.append(html.liste([
        f"Typisiert werden Kommunen mit mindestens {round(v.mindestanteil_ziele * 100)} % "
        f"beantworteter Ziele ({m.n_typisiert} Kommunen; {m.n_nicht_typisiert} nicht "
        "typisiert).",
        f"Fehlende Prioritäten: {v.imputation} "
        f"({html.zahl(v.anteil_imputiert * 100, 1)} % der Werte).",
        f"Standardisierung: {std}.",
        "Verglichen: k-means, Ward und Gaussian Mixture (diagonale Kovarianzen) für k = "
        f"{verf.k_bereich[0]} bis {verf.k_bereich[1]}; Silhouette auf einer Stichprobe von "
        f"{verf.stichprobe_silhouette} Kommunen.",
        f"Stabilität: {verf.bootstrap} Bootstrap-Ziehungen aus einer Stichprobe von "
        f"{verf.stichprobe_bootstrap} Kommunen (Hennig, clusterboot): mittlerer bester "
        f"Jaccard-Koeffizient je Typ, stabil ab {html.zahl(m.stabil_ab, 2)}; dazu der "
        "adjustierte Rand-Index.",
        f"Strukturprüfung: Silhouette verglichen mit {verf.null_ziehungen} Datensätzen ohne "
        "Clusterstruktur (Normalverteilung mit gleichem Mittel und gleicher Kovarianz).",
        "Benennung: optimale Eins-zu-eins-Zuordnung der Clusterzentren zu den Prototypen "
        "(ungarische Methode); überzählige Cluster heißen „Variante“ ihres nächsten Prototyps.",
        f"Zuordnungssicherheit: {verf.sicherheit}; unter "
        f"{html.zahl(m.mischtyp_schwelle, 2)} gilt eine Kommune als Mischtyp "
        f"({html.zahl(m.anteil_mischtyp * 100, 1)} %).",
    ]))
    val = erg.tabelle(T.TYPEN_VALIDITAET)
    tab = pd.DataFrame({
        "Methode": val["methode"].map({"kmeans": "k-means", "ward": "Ward",
                                       "gmm": "Gaussian Mixture"}).fillna(val["methode"]),
        "k": val["k"], "Silhouette": val["silhouette"],
        "Calinski-Harabasz": val["calinski_harabasz"], "Davies-Bouldin": val["davies_bouldin"],
        "Jaccard min.": val["jaccard_min"], "ARI (Bootstrap)": val["ari_bootstrap"],
        "gewählt": np.where(val["gewaehlt"], "ja", ""),
    })
    teile.append(html.tabelle(tab, beschriftung="Gütemaße je Methode und k (Stabilität nur für "
                              "die geprüften Kandidaten)", formate={
                                  "Silhouette": "zahl3", "Calinski-Harabasz": "zahl0",
                                  "Davies-Bouldin": "zahl2", "Jaccard min.": "zahl2",
                                  "ARI (Bootstrap)": "zahl2"}))
    st = erg.tabelle(T.TYPEN_STABILITAET)
    tab = pd.DataFrame({
        "Cluster": st["cluster"], "Typ": st["name"],
        "Zuordnung": st["art"].map({"eindeutig": "eindeutig", "variante": "Variante"}),
        "Kommunen": st["n"],
        "Anteil Mischtyp": [html.zahl(a * 100, 1, "%") for a in st["anteil_mischtyp"]],
        "Abstand zum Prototyp": st["distanz"], "Jaccard (Mittel)": st["jaccard_mittel"],
        "stabil": np.where(st["stabil"], "ja", "nein"),
    })
    teile.append(html.tabelle(tab, beschriftung="Stabilität je Typ", formate={
        "Abstand zum Prototyp": "zahl2",
        "Jaccard (Mittel)": "zahl2"}))
    if m.prototypen_ohne_cluster:
        namen = erg.typkatalog.name
        teile.append(html.hinweis("Ohne eigenen Cluster: " + ", ".join(
            namen.get(t, t) for t in m.prototypen_ohne_cluster) + "."))
    teile.append(_streudiagramm(erg, erg.tabelle(T.TYPEN_PROJEKTION)))
    return teile


def anhang(erg: Ergebnisse) -> Html:
    """Methodenanhang des Abschlussberichts: alle Entscheidungen zu Index und Typen."""
    return Html.verbinden([*_anhang_reifegrad(erg), *_anhang_typen(erg)])
