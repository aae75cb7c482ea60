"""Berichtsabschnitte zu Reifegrad-Unsicherheit, Wellen und Methodenanhang.

Kommunalberichte zeigen nur Werte der eigenen Kommune und Gruppenwerte ab
``berichte.peer_mindestgroesse`` Kommunen; Ränge stehen immer mit ihrem Intervall.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analyse.berichte import farben, html, kleine_zellen
from analyse.berichte.html import Html
from analyse.berichte.kontext import feldnamen, kleine_typen, typmodell, typnamen
from analyse.eingabe.studie import CLUSTERVERFAHREN
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.methoden import reifegrad
from analyse.methoden.kommunentypen import METHODEN_NAME, TypenModell
from analyse.namen import Tabelle as T

GESAMT = reifegrad.GESAMT


def _feldname(erg: Ergebnisse, feld: str) -> str:
    return feldnamen(erg).get(feld, feld)


def _vorzeichen(wert: float) -> str:
    if pd.isna(wert):
        return "–"
    return ("+" if wert > 0 else "") + html.zahl(wert, 1)


def _spanne(a: float, b: float) -> str:
    if pd.isna(a) or pd.isna(b):
        return "–"
    return f"{_vorzeichen(a)} bis {_vorzeichen(b)}"


def _reifegrad(erg: Ergebnisse) -> reifegrad.ReifegradModell:
    return erg.modell.reifegrad


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
    mc = _reifegrad(erg).monte_carlo.ziehungen
    teile.append(html.kennzahlen([
        ("Rang (Median)", f"{_rang(z['rang_median'])} von {int(z['anzahl'])}"),
        ("Spanne in 90 % der Varianten", f"Rang {_rang(z['rang_p05'])} bis {_rang(z['rang_p95'])}"),
        ("Gesamtwert (Median)", f"{html.zahl(z['wert_median'], 1)} "
                                f"({html.zahl(z['wert_p05'], 1)}–{html.zahl(z['wert_p95'], 1)})"),
    ]))
    teile.append(html.absatz(
        f"Der Rang ist keine feste Größe: Er hängt davon ab, welche Fragen ein Handlungsfeld "
        f"messen (Messfehler), wie normalisiert, gewichtet und zusammengefasst wird und wie "
        f"fehlende Antworten behandelt werden. In {mc} durchgerechneten Varianten lag die "
        f"Kommune in 90 % der Varianten zwischen Rang {_rang(z['rang_p05'])} und "
        f"{_rang(z['rang_p95'])} von {int(z['anzahl'])} Kommunen. Das ist eine Spanne über "
        f"Varianten, kein Konfidenzintervall; Ränge, deren Spannen sich überschneiden, sind "
        f"nicht sicher verschieden."))
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
            "Spanne in 90 % der Varianten": _spanne(z.veraenderung_p05, z.veraenderung_p95),
            "Urteil": z.urteil or "–",
            "Stufe": z.stufe if isinstance(z.stufe, str) else "–",
            "Verband: Veränderung im Mittel": _vorzeichen(verband.get(z.handlungsfeld, np.nan)),
        })
    df = pd.DataFrame(reihen)
    teile.append(html.tabelle(df, beschriftung=f"Reifegrad (0–100) {vorwelle} und {welle}",
                              formate={f"Wert {vorwelle}": "zahl1", f"Wert {welle}": "zahl1"}))
    teile.append(html.absatz(
        "Die Spanne zeigt, wie weit die Veränderung über die Varianten der Unsicherheitsanalyse "
        "streut (andere Auswahl gleichwertiger Fragen, Normalisierung, Gewichte, fehlende "
        "Antworten). „Deutlich gestiegen“ oder „deutlich gesunken“ heißt es nur, wenn die "
        "Spanne die Null ausschließt. "
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
            kleine_zellen.anzahl(letzte.loc[f, "n_panel"] if f in letzte.index else 0, mindest)
            for f in felder]
    teile.append(html.tabelle(tab, beschriftung="Mittlerer Reifegrad (0–100) der Verbandsmitglieder",
                              formate={f"Mittel {w}": "zahl1" for w in wellen}))
    if len(wellen) > 1:
        n = ve.set_index(["handlungsfeld", "welle"])["n"]
        gruppen = {f"{_feldname(erg, f)} {w}": int(n[(f, w)])
                   for f in felder for w in wellen if (f, w) in n.index}
        daten = kleine_zellen.Diagrammdaten(tab, gruppen, sichtbar=True)
        teile.append(html.abbildung(_linien(erg, mittel, felder, wellen),
                                    alt=_linien_alt(erg, mittel, felder, wellen),
                                    beschriftung="Mittlerer Reifegrad der Verbandsmitglieder je "
                                    "Welle (Werte in der Tabelle oben)", daten=daten))
        teile.append(html.absatz(
            "Die Veränderung (Panel) vergleicht nur Mitglieder, die an beiden Wellen teilgenommen "
            "haben; die Mittelwerte je Welle umfassen alle bewerteten Mitglieder der Welle."))
    else:
        teile.append(html.hinweis("Bisher liegt nur eine Erhebungswelle vor."))
    return Html.verbinden(teile)


def _linien(erg: Ergebnisse, mittel: pd.DataFrame, felder: list[str],
            wellen: list[int]) -> plt.Figure:
    """Eine Linie je Handlungsfeld: eigene Farbe, eigener Marker, Name am Linienende."""
    stile = farben.feldstile(erg)
    fig, ax = plt.subplots(figsize=(8, 4.6))
    enden = []
    for f in felder:
        werte = [mittel.loc[f, w] for w in wellen]
        stil = stile.get(f, farben.Stil(farben.GRAU, "o", ""))
        ax.plot(wellen, werte, marker=stil.marker, markersize=7 if f == GESAMT else 6,
                linewidth=3 if f == GESAMT else 1.6, color=stil.farbe, label=_feldname(erg, f),
                markeredgecolor="white", markeredgewidth=0.6)
        gueltig = [(w, x) for w, x in zip(wellen, werte, strict=True) if pd.notna(x)]
        if gueltig:
            enden.append((gueltig[-1][1], gueltig[-1][0], f))
    # Endbeschriftungen ohne Überlappung: von unten nach oben mit Mindestabstand
    enden.sort()
    ziele: list[float] = []
    for wert, _, _ in enden:
        ziele.append(max(wert, ziele[-1] + 4.2) if ziele else wert)
    spanne = wellen[-1] - wellen[0]
    for (wert, welle, f), ziel in zip(enden, ziele, strict=True):
        # Name am Linienende: Marker der Linie, dann der Name in dunkler Schrift (Kontrast)
        stil = stile.get(f, farben.Stil(farben.GRAU, "o", ""))
        ax.plot([welle, welle + 0.1 * spanne], [wert, ziel], color="#999999", linewidth=0.5,
                clip_on=False)
        ax.plot([welle + 0.1 * spanne], [ziel], marker=stil.marker, color=stil.farbe,
                markersize=6, clip_on=False, markeredgecolor="white", markeredgewidth=0.6)
        ax.text(welle + 0.125 * spanne, ziel, _feldname(erg, f), va="center", fontsize=8,
                color="#222222", fontweight="bold" if f == GESAMT else "normal")
    ax.set_xticks(wellen)
    ax.set_xlim(wellen[0] - 0.05 * spanne, wellen[-1] + 0.05 * spanne)
    ax.set_ylim(0, 100)  # ein Niveau: die Achse beginnt bei 0
    ax.set_xlabel("Erhebungswelle")
    ax.set_ylabel("mittlerer Reifegrad (0–100)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(right=0.7)
    return fig


def _linien_alt(erg: Ergebnisse, mittel: pd.DataFrame, felder: list[str],
                wellen: list[int]) -> str:
    teile = [f"{_feldname(erg, f)} von {html.zahl(mittel.loc[f, wellen[0]], 1)} auf "
             f"{html.zahl(mittel.loc[f, wellen[-1]], 1)}" for f in felder]
    return ("Liniendiagramm: mittlerer Reifegrad der Verbandsmitglieder je Handlungsfeld über "
            f"die Wellen {', '.join(map(str, wellen))}: " + "; ".join(teile) + ".")


# --------------------------------------------------------------------------- Methodenanhang


def _anhang_reifegrad(erg: Ergebnisse) -> list[Html]:
    m = _reifegrad(erg)
    welle = erg.studie.aktuelle_welle
    teile = [html.ueberschrift("Reifegrad als Composite Indicator", 3),
             html.absatz("Der Index folgt den Schritten des OECD/JRC-Handbuchs zu Composite "
                         "Indicators (2008), einschließlich Unsicherheits- und "
                         "Sensitivitätsanalyse (Schritt 7). Jede Wahl ist hier dokumentiert."),
             html.tabelle(pd.DataFrame({"Schritt": [s.schritt for s in m.schritte],
                                        "Wahl": [s.wahl for s in m.schritte]}),
                          beschriftung="Bauschritte des Reifegrad-Index")]
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
    teile += _reliabilitaet(erg, welle)
    teile += _struktur(erg, m)
    mc = m.monte_carlo
    teile.append(html.absatz(
        f"Unsicherheit: {mc.ziehungen} Monte-Carlo-Varianten (Seed {mc.seed}) variieren "
        + ("die Auswahl der Fragen je Feld (Items mit Zurücklegen gezogen: Messfehler), "
           if mc.messfehler else "")
        + f"die Normalisierung ({', '.join(mc.normalisierungen)}), die Feldgewichte (je "
        f"±{round(mc.gewicht_schwankung * 100)} %), die Aggregation (arithmetisch oder "
        "geometrisch) und die Behandlung fehlender Antworten. Berichtet wird je Kommune die "
        "Spanne, in der 90 % der Varianten liegen, für Rang, Wert und Veränderung seit der "
        "vorigen Welle. Das ist keine Stichproben-Konfidenz, sondern zeigt, wie stark das "
        "Ergebnis von den Entscheidungen beim Bau des Index und von der Fragenauswahl abhängt."))
    teile += _sensitivitaet(m)
    return teile


def _reliabilitaet(erg: Ergebnisse, welle: int) -> list[Html]:
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
    schwach = tab[tab["Cronbachs Alpha"] < 0.7]["Handlungsfeld"].tolist()
    return [html.tabelle(tab, beschriftung=f"Reliabilität je Handlungsfeld (Welle {welle})",
                         formate={"Cronbachs Alpha": "zahl2", "Trennschärfe min.": "zahl2",
                                  "Trennschärfe max.": "zahl2"}),
            html.absatz(
        "Alpha ab etwa 0,7 gilt als ausreichende innere Konsistenz; die korrigierte Trennschärfe "
        "ist die Korrelation eines Items mit der Summe der übrigen Items seines Feldes."
        + (f" Unter 0,7 liegen: {', '.join(schwach)}; diese Feldwerte sind vorsichtig zu lesen."
           if schwach else ""))]


_EBENE = {"items": "alle Items", "felder": "Feldwerte (Gesamtindex)"}


def _struktur(erg: Ergebnisse, m: reifegrad.ReifegradModell) -> list[Html]:
    """Parallelanalyse (Horn 1965): tragen die Daten sieben Felder und einen Gesamtindex?"""
    if not m.dimensionen:
        return []
    tab = pd.DataFrame({
        "Ebene": [_EBENE.get(d.ebene, _feldname(erg, d.ebene)) for d in m.dimensionen],
        "Variablen": [d.variablen for d in m.dimensionen],
        "Fälle": [d.faelle for d in m.dimensionen],
        "Faktoren": [d.faktoren for d in m.dimensionen],
        "1. Eigenwert": [d.eigenwert_1 for d in m.dimensionen],
        "Zufall (95. Perzentil)": [d.schwelle_1 for d in m.dimensionen],
        "Anteil 1. Eigenwert": [d.anteil_1 for d in m.dimensionen],
    })
    return [html.tabelle(tab, beschriftung="Parallelanalyse nach Horn (aktuelle Welle): "
                         "Faktoren = Eigenwerte über dem 95. Perzentil von Zufallsdaten",
                         formate={"1. Eigenwert": "zahl2", "Zufall (95. Perzentil)": "zahl2",
                                  "Anteil 1. Eigenwert": "zahl2"}),
            html.absatz(m.struktur_satz)]


def _sensitivitaet(m: reifegrad.ReifegradModell) -> list[Html]:
    s = m.sensitivitaet
    if s is None:
        return []
    tab = pd.DataFrame({
        "Entscheidung": [i.name for i in s.indizes],
        "erster Ordnung (S1)": [i.s1 for i in s.indizes],
        "S1 ± (95 %)": [i.s1_konfidenz for i in s.indizes],
        "totaler Ordnung (ST)": [i.st for i in s.indizes],
        "ST ± (95 %)": [i.st_konfidenz for i in s.indizes],
    })
    staerkste = max(s.indizes, key=lambda i: i.st)
    return [html.tabelle(tab, beschriftung=f"Sobol'-Indizes je Entscheidung (Zielgröße: "
                         f"{s.zielgroesse}; {s.kommunen} Kommunen der Welle {s.welle}, "
                         f"{s.auswertungen} Auswertungen)", formate={
                             "erster Ordnung (S1)": "zahl2", "S1 ± (95 %)": "zahl2",
                             "totaler Ordnung (ST)": "zahl2", "ST ± (95 %)": "zahl2"}),
            html.absatz(
        "Der Index erster Ordnung ist der Anteil der Streuung der Rangverschiebung, den eine "
        "Entscheidung allein erklärt; der totale Index zählt ihre Wechselwirkungen mit den "
        f"übrigen dazu (Saltelli u. a. 2008; berechnet mit SALib). Am stärksten wirkt: "
        f"{staerkste.name} (ST {html.zahl(staerkste.st, 2)}).")]


@html.abbildungsfunktion
def streudiagramm(erg: Ergebnisse) -> Html:
    """Kommunen in den ersten beiden Hauptkomponenten: Farbe und Marker je Typ, Typen unter der
    Mindestgröße zusammengelegt (oder weggelassen, wenn auch zusammen zu klein)."""
    m = typmodell(erg)
    if not m.typisiert:
        return html.hinweis("Die Studie wird ohne Kommunentypen ausgewertet.")
    proj = erg.tabelle(T.TYPEN_PROJEKTION)
    namen = typnamen(erg)
    mindest = erg.studie.berichte.peer_mindestgroesse
    stile = farben.typstile(erg)
    n = proj["typ"].value_counts()
    reihenfolge = [t for t in farben.typen_der_studie(erg) if t in n.index]
    reihenfolge += [t for t in n.index if t not in reihenfolge]
    klein = [t for t in reihenfolge if n[t] < mindest]
    gruppe = proj["typ"].where(~proj["typ"].isin(klein), farben.WEITERE)
    name = {t: namen.get(t, t) for t in reihenfolge} | {
        farben.WEITERE: f"Weitere Typen (je unter {mindest} Kommunen)"}
    kategorien = [t for t in reihenfolge if t not in klein] + (
        [farben.WEITERE] if klein and n[klein].sum() >= mindest else [])
    weggelassen = int(n[klein].sum()) if farben.WEITERE not in kategorien else 0
    gezeigt = proj[gruppe.isin(kategorien)].assign(gruppe=gruppe)

    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    punkte = gezeigt if len(gezeigt) <= 5000 else gezeigt.sample(5000, random_state=0)
    for t in kategorien:
        teil = punkte[punkte["gruppe"] == t]
        stil = stile.get(t, stile[farben.WEITERE])
        ax.scatter(teil["pc1"], teil["pc2"], s=22 if t == farben.MISCHTYP else 16, alpha=0.8,
                   color=stil.farbe, marker=stil.marker, linewidths=0.3,
                   label=f"{name[t]} ({(gezeigt['gruppe'] == t).sum()})")
    for t, (x, y) in m.pca_prototypen.items():
        stil = stile.get(t, farben.Stil(farben.GRAU, "X", ""))
        ax.scatter([x], [y], marker="X", s=180, color=stil.farbe, edgecolor="black", linewidth=1.2)
        ax.annotate(f"Prototyp {namen.get(t, t)}", (x, y), xytext=(6, 6),
                    textcoords="offset points", fontsize=7.5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    var = m.pca_varianz
    ax.set_xlabel(f"1. Hauptkomponente ({var[0] * 100:.0f} % der Varianz)")
    ax.set_ylabel(f"2. Hauptkomponente ({var[1] * 100:.0f} % der Varianz)")
    ax.legend(fontsize=8, markerscale=1.5, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=2, frameon=False)
    alt = (f"Streudiagramm der {len(gezeigt)} typisierten Kommunen in den ersten beiden "
           f"Hauptkomponenten, Farbe und Form der Punkte nach Kommunentyp; beschriftete Kreuze "
           f"markieren die Prototypen. Die beiden Achsen erklären zusammen "
           f"{round((var[0] + var[1]) * 100)} % der Varianz. Lage und Größe jeder Gruppe stehen "
           "in der Tabelle „Daten zur Abbildung“.")
    zeilen = [{"Gruppe": name[t], "Kommunen": int((gezeigt["gruppe"] == t).sum()),
               "1. Hauptkomponente (Mittel)": gezeigt.loc[gezeigt["gruppe"] == t, "pc1"].mean(),
               "2. Hauptkomponente (Mittel)": gezeigt.loc[gezeigt["gruppe"] == t, "pc2"].mean()}
              for t in kategorien]
    zeilen += [{"Gruppe": f"Prototyp {namen.get(t, t)}", "Kommunen": np.nan,
                "1. Hauptkomponente (Mittel)": x, "2. Hauptkomponente (Mittel)": y}
               for t, (x, y) in m.pca_prototypen.items()]
    daten = kleine_zellen.Diagrammdaten(
        pd.DataFrame(zeilen), {name[t]: int((gezeigt["gruppe"] == t).sum()) for t in kategorien},
        formate={"Kommunen": "zahl", "1. Hauptkomponente (Mittel)": "zahl2",
                 "2. Hauptkomponente (Mittel)": "zahl2"})
    teile = [html.abbildung(fig, alt=alt, beschriftung="Kommunen in zwei Dimensionen (PCA), "
                            "ohne Namen; Kreuze: Prototypen", daten=daten)]
    if weggelassen:
        teile.append(html.hinweis(
            f"Kommunen seltener Typen (zusammen weniger als {mindest}) sind nicht gezeigt, "
            "damit keine einzelne Kommune erkennbar wird."))
    return Html.verbinden(teile)


def _verfahren_liste(m: TypenModell) -> list[str]:
    """Die geprüften Verfahren aus dem Register (eine Stelle für Namen und k-Wahl)."""
    return [f"{v.name}: {v.beschreibung}; Wahl von k: {v.k_wahl}"
            for mid, v in CLUSTERVERFAHREN.items() if mid in m.verfahren.methoden]


def _anhang_typen_schritte(m: TypenModell) -> list[str]:
    v, verf, null, sich = m.vorbereitung, m.verfahren, m.null, m.sicherheit
    std = ("keine (alle Ziele auf derselben Skala 1–5)" if v.standardisierung == "keine"
           else "z-Standardisierung je Ziel")
    return [
        f"Typisiert werden Kommunen mit mindestens {round(v.mindestanteil_ziele * 100)} % "
        f"beantworteter Ziele ({m.n_typisiert} Kommunen; {m.n_nicht_typisiert} nicht "
        "typisiert).",
        f"Fehlende Prioritäten: {v.imputation} ({html.zahl(v.anteil_imputiert * 100, 1)} % der "
        "Werte).",
        "Ipsatisierung (je Kommune das Mittel ihrer Prioritäten abgezogen): "
        + ("ja" if v.ipsatisieren else "nein") + f". Standardisierung: {std}.",
        f"Verglichen für k = {verf.k_bereich[0]} bis {verf.k_bereich[1]}: "
        + "; ".join(_verfahren_liste(m)) + f". Silhouette auf einer Stichprobe von "
        f"{verf.stichprobe_silhouette} Kommunen.",
        f"Stabilität: {verf.bootstrap} Bootstrap-Ziehungen aus einer Stichprobe von "
        f"{verf.stichprobe_bootstrap} Kommunen (Hennig, clusterboot): mittlerer bester "
        f"Jaccard-Koeffizient je Typ, stabil ab {html.zahl(m.stabil_ab, 2)}; geprüft für die "
        "besten Kandidaten jedes Verfahrens und für jedes k des gewählten Verfahrens.",
        f"Strukturprüfung: Silhouette ({html.zahl(null.silhouette, 3)}) gegen {null.ziehungen} "
        f"Datensätze ohne Clusterstruktur ({null.verfahren}; gleiches Verfahren, gleiches k): "
        f"Mittel {html.zahl(null.null_mittel, 3)}, {round(null.perzentil * 100)}. Perzentil "
        f"{html.zahl(null.null_schwelle, 3)}, Anteil der Nulldatensätze mindestens so gut "
        f"(p) {html.zahl(null.p_wert, 2)}. Entschieden wird allein am Perzentil.",
        f"Benennung: Eins-zu-eins-Zuordnung der Zentren zu den Prototypen (ungarische Methode), "
        f"ein Prototypname aber nur bis zum Abstand {html.zahl(verf.benennung_grenze, 2)} "
        f"({html.zahl(verf.benennung_schwelle, 2)} × kleinster Abstand zweier Prototypen, "
        f"{html.zahl(verf.kleinster_prototypabstand, 2)}); weiter entfernte Cluster werden "
        "neue Typen mit Namen aus ihren am stärksten priorisierten Zielen.",
        "Zuordnung: Typ des nächsten Zentrums. Zuordnungssicherheit: Anteil von "
        f"{sich.wiederholungen} Wiederholungen (Bootstrap der Kommunen und gezogene "
        "Antwortstreuung des Typs), in denen die Kommune in ihrem Typ landet.",
        "Mischtyp: Lage der Kommune auf der Verbindungslinie ihrer zwei nächsten Zentren (0 = am "
        f"eigenen, 0,5 = genau in der Mitte) über {html.zahl(sich.lage_schwelle, 2)}. Die "
        f"Schwelle ist kalibriert: {sich.kalibrierung_n} simulierte reine Typmitglieder "
        "(Zentrum plus je Ziel gezogene Residuen des Typs) liegen in "
        f"{html.zahl(sich.fehlalarm_simuliert * 100, 1)} % der Fälle darüber (Ziel "
        f"{html.zahl(sich.fehlalarm_ziel * 100, 0)} %); die Residuen sind ohne die "
        f"{sich.kalibrierung_ohne} Kommunen geschätzt, die ein erster Durchgang als Mischtyp "
        f"erkennt. Anteil Mischtyp hier {html.zahl(sich.anteil_mischtyp * 100, 1)} %.",
    ]


def _anhang_typen(erg: Ergebnisse) -> list[Html]:
    m = typmodell(erg)
    teile = [html.ueberschrift("Kommunentypen", 3)]
    if not m.typisiert:  # ohne Kommunentypen ausgewertet: nichts weiter zu zeigen
        return [*teile, html.hinweis(m.struktur_satz)]
    if not m.typstruktur_belastbar:
        teile.append(html.hinweis(m.struktur_satz))
    teile.append(html.absatz(m.erklaerung))
    if m.typstruktur_belastbar:
        teile.append(html.absatz(m.struktur_satz))
    teile.append(html.liste(_anhang_typen_schritte(m)))
    val = erg.tabelle(T.TYPEN_VALIDITAET)
    tab = pd.DataFrame({
        "Verfahren": val["methode"].map(METHODEN_NAME).fillna(val["methode"]),
        "k": val["k"], "Silhouette": val["silhouette"],
        "Calinski-Harabasz": val["calinski_harabasz"], "Davies-Bouldin": val["davies_bouldin"],
        "BIC": val["bic"], "Jaccard min.": val["jaccard_min"],
        "ARI (Bootstrap)": val["ari_bootstrap"], "gewählt": np.where(val["gewaehlt"], "ja", ""),
    })
    teile.append(html.tabelle(tab, beschriftung="Gütemaße je Verfahren und k (Stabilität für "
                              "die Kandidaten und jedes k des gewählten Verfahrens)", formate={
                                  "Silhouette": "zahl3", "Calinski-Harabasz": "zahl0",
                                  "Davies-Bouldin": "zahl2", "BIC": "zahl0",
                                  "Jaccard min.": "zahl2", "ARI (Bootstrap)": "zahl2"},
                              zeilenkopf=False))  # erst Verfahren und k benennen die Zeile
    st = erg.tabelle(T.TYPEN_STABILITAET)
    namen = typnamen(erg)
    mindest = erg.studie.berichte.peer_mindestgroesse
    # Regel kleiner Typen (kontext.kleine_typen): Größe nur als „< n“, keine Merkmale
    klein = st["typ"].astype(str).isin(kleine_typen(erg)).to_numpy()

    def ohne_kleine(werte) -> list:
        return [None if k else w for w, k in zip(werte, klein, strict=True)]

    tab = pd.DataFrame({
        "Cluster": st["cluster"],
        "Typ": ["kleiner Typ" if k else n for n, k in zip(st["name"], klein, strict=True)],
        "Benennung": ohne_kleine(st["art"].map(_ART).fillna(st["art"])),
        "Nächster Prototyp": ohne_kleine(st["naechster_prototyp"].map(lambda t: namen.get(t, t))),
        "Abstand": ohne_kleine(st["distanz"]),
        "Kommunen": [kleine_zellen.anzahl(n, mindest) for n in st["n"]],
        "Anteil Mischtyp": ohne_kleine(html.zahl(a * 100, 1, "%") for a in st["anteil_mischtyp"]),
        "Jaccard (Mittel)": st["jaccard_mittel"],
        "stabil": np.where(st["stabil"], "ja", "nein"),
    })
    teile.append(html.tabelle(tab, beschriftung="Typen: Benennung und Stabilität", formate={
        "Abstand": "zahl2", "Jaccard (Mittel)": "zahl2"}))
    if klein.any():
        teile.append(html.hinweis(
            f"Cluster unter {mindest} Kommunen: Größe nur als „< {mindest}“; Name, Benennung, "
            "Abstand zum Prototyp und Anteil Mischtyp sind Merkmale der wenigen Kommunen und "
            "werden nicht gezeigt (Stabilität ist eine Eigenschaft des Verfahrens)."))
    if m.prototypen_ohne_cluster:
        teile.append(html.hinweis("Prototypen ohne passenden Cluster: " + ", ".join(
            namen.get(t, t) for t in m.prototypen_ohne_cluster) + "."))
    teile.append(streudiagramm(erg))
    return teile


_ART = {"prototyp": "Prototyp (in der Grenze)", "variante": "Variante eines Prototyps",
        "neu": "neuer Typ (kein Prototyp nah genug)"}


def anhang(erg: Ergebnisse) -> Html:
    """Methodenanhang des Abschlussberichts: alle Entscheidungen zu Index und Typen."""
    return Html.verbinden([*_anhang_reifegrad(erg), *_anhang_typen(erg)])
