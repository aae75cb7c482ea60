"""Abschnitte des Abschlussberichts: Typen, Typprofile und Reifegrad im Überblick."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analyse.berichte import farben, html, kleine_zellen
from analyse.berichte.kontext import (
    feldnamen,
    gk_bezeichnung,
    kleine_typen,
    mindestgroesse,
    reifegrad_breit,
    typ_je_kommune,
    typmodell,
    typnamen,
)
from analyse.eingabe import fragebogen, groessenklassen
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.methoden import peers
from analyse.namen import Tabelle as T
from analyse.zahlen import anzahl


def titel(erg: Ergebnisse) -> str:
    return f"Abschlussbericht: {erg.studie.titel}"


def kopf(erg: Ergebnisse) -> html.Html:
    k = erg.kommunen
    ref = int(k["referenzkommune"].sum())
    mitglieder = int(k["mitglied"].sum())
    welle = erg.studie.aktuelle_welle
    html.seite_beginnen()  # das Glossar am Ende der Seite sammelt ab hier
    antworten = erg.tabelle(T.ANTWORTEN)
    teilnehmer = antworten.loc[antworten["welle"] == welle, "ags"].nunique()
    return html.Html.verbinden([
        html.ueberschrift(titel(erg), 1),
        html.absatz(f"{erg.studie.verband}" + (f" · {erg.studie.auftraggeber}"
                                                if erg.studie.auftraggeber else ""), "untertitel"),
        html.absatz(erg.studie.beschreibung) if erg.studie.beschreibung else html.Html(),
        html.kennzahlen([
            ("Kommunen in der Studie", html.zahl(len(k))),
            ("Teilnehmende in der aktuellen Welle", html.zahl(teilnehmer)),
            ("Mitglieder des Verbands", html.zahl(mitglieder)),
            ("Referenzkommunen", html.zahl(ref)),
            ("Erhebungswellen", ", ".join(w.bezeichnung for w in erg.studie.wellen)),
        ]),
    ])


def _typ_reihenfolge(erg: Ergebnisse) -> list[str]:
    return farben.typen_der_studie(erg)


def _band_name(band: list[str]) -> str:
    """Name zusammengelegter Größenklassen: „GK 1 bis GK 4“, „GK 7 und alle Kreise“."""
    if len(band) == 1:
        return gk_bezeichnung(band[0])
    teile = []
    for abschnitt in (_GEMEINDEN, _KREISE):
        drin = [g for g in abschnitt if g in band]
        if not drin:
            continue
        if drin == abschnitt and abschnitt is _KREISE:
            teile.append("alle Kreise")
        elif len(drin) == 1:
            teile.append(groessenklassen.kurz(drin[0]))
        else:
            teile.append(f"{groessenklassen.kurz(drin[0])} bis {groessenklassen.kurz(drin[-1])}")
    teile += [g for g in band if g not in _GEMEINDEN and g not in _KREISE]
    return " und ".join(teile)


_GEMEINDEN = [g for g in groessenklassen.KLASSEN if g.startswith("GK")]
_KREISE = [g for g in groessenklassen.KLASSEN if not g.startswith("GK")]


def typen_nach_groessenklasse(erg: Ergebnisse) -> kleine_zellen.Zusammengelegt:
    """Anzahl je Größenklasse und Typ, kleine Zellen zusammengelegt (Tabelle und Abbildung)."""
    typen = typ_je_kommune(erg)
    reihenfolge = [t for t in _typ_reihenfolge(erg) if t in set(typen)]
    reihenfolge += sorted(set(typen) - set(reihenfolge))
    gk = erg.kommunen["groessenklasse"].reindex(typen.index).astype(str)
    kreuz = pd.crosstab(gk, typen).reindex(columns=reihenfolge, fill_value=0)
    kreuz = kreuz.loc[[g for g in groessenklassen.KLASSEN if g in kreuz.index]
                      + [g for g in kreuz.index if g not in groessenklassen.KLASSEN]]
    return kleine_zellen.zusammenlegen(kreuz, mindestgroesse(erg), [_GEMEINDEN, _KREISE],
                                       _band_name, farben.WEITERE, auffang=farben.MISCHTYP)


def _typname(erg: Ergebnisse, typ: str, enthaelt: list[str] | None = None) -> str:
    """Name einer Spalte; zusammengelegte Spalten nennen, was sie enthalten."""
    if typ == farben.WEITERE:
        return f"Weitere Typen (je unter {mindestgroesse(erg)} Kommunen)"
    namen = typnamen(erg)
    if enthaelt and len(enthaelt) > 1:  # seltene Typen nicht einzeln nennen
        return (f"{namen.get(typ, typ)} und seltene Typen (je unter {mindestgroesse(erg)} "
                "Kommunen, zusammengelegt)")
    return namen.get(typ, typ)


OHNE_TYPEN = "Die Studie wird ohne Kommunentypen ausgewertet."


@html.abbildungsfunktion
def typenverteilung(erg: Ergebnisse) -> html.Html:
    if not typmodell(erg).typisiert:
        return html.hinweis(OHNE_TYPEN)
    mindest = mindestgroesse(erg)
    zs = typen_nach_groessenklasse(erg)
    kreuz = zs.kreuz
    stile = farben.typstile(erg)
    namen = {t: _typname(erg, t, zs.spalten.get(t)) for t in kreuz.columns}
    gesamt = kreuz.sum()
    anteile = kreuz.div(kreuz.sum(axis=1), axis=0) * 100

    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(anteile) + 1.8))
    ax.set_xlim(0, 100)
    ax.set_ylim(len(anteile) - 0.5, -0.5)  # erste Größenklasse oben
    links = np.zeros(len(anteile))
    zeilen = list(range(len(anteile)))
    for t in kreuz.columns:
        stil = stile.get(t, stile[farben.WEITERE])
        breite = anteile[t].to_numpy()
        ax.barh(zeilen, breite, left=links, height=0.7, color=stil.farbe,
                edgecolor=farben.KANTE, linewidth=0.6)
        for y, (x0, b) in enumerate(zip(links, breite, strict=True)):
            farben.schraffieren(ax, x0, y - 0.35, b, 0.7, stil.schraffur)
            if b >= 7:  # direkte Beschriftung, wo sie in den Abschnitt passt
                ax.text(x0 + b / 2, y, f"{b:.0f} %", ha="center", va="center", fontsize=7,
                        zorder=3, bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                        "ec": "none"})
        links += breite
    ax.set_yticks(zeilen, list(anteile.index))
    ax.set_xlabel("Anteil in %")
    farben.legende(ax, [(namen[t], stile.get(t, stile[farben.WEITERE])) for t in kreuz.columns],
                   loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False,
                   fontsize=8, handleheight=1.6, handlelength=2.4)
    ax.spines[["top", "right"]].set_visible(False)
    alt = "Gestapelte Balken: Anteile der Kommunentypen je Größenklasse. " + "; ".join(
        f"{namen[t]} insgesamt {int(n)}" for t, n in gesamt.items())

    tab_gesamt = pd.DataFrame({
        "Kommunentyp": [namen[t] for t in gesamt.index],
        "Anzahl": gesamt.to_numpy(),
        "Anteil in %": (gesamt / gesamt.sum() * 100).to_numpy(),
    })
    tab_gk = kreuz.rename(columns=namen)
    tab_gk.insert(0, "Kommunen", kreuz.sum(axis=1))
    tab_gk.index.name = "Größenklasse"
    tab_anteile = anteile.rename(columns=namen)
    tab_anteile.index.name = "Größenklasse"
    daten = kleine_zellen.Diagrammdaten(
        tab_anteile.reset_index(), {f"{z}: {namen[t]}": int(kreuz.loc[z, t])
                                    for z in kreuz.index for t in kreuz.columns
                                    if kreuz.loc[z, t] > 0},
        formate={namen[t]: "zahl1" for t in kreuz.columns})
    modell = typmodell(erg)
    teile = [] if modell.typstruktur_belastbar else [html.hinweis(
        modell.struktur_satz + " Die folgende Aufteilung ist nur eine grobe Gliederung der "
        "Zielprofile, keine Typologie.")]
    teile += [
        html.tabelle(tab_gesamt, "Verteilung der Kommunentypen",
                     formate={"Anzahl": "zahl", "Anteil in %": "zahl1"}, zeilenkopf=True),
        html.abbildung(fig, alt, "Kommunentypen nach Größenklasse (Anteile in %)", daten=daten),
        html.tabelle(tab_gk.reset_index(), "Anzahl der Kommunen je Typ und Größenklasse",
                     formate={c: "zahl" for c in tab_gk.columns}, zeilenkopf=True),
    ]
    if zs.geaendert:
        teile.append(html.hinweis(
            f"Damit keine einzelne Kommune erkennbar wird, zeigen Tabelle und Abbildung keine "
            f"Gruppe mit weniger als {mindest} Kommunen: Größenklassen sind mit ihren Nachbarn "
            f"zusammengelegt, bis jede Zelle leer ist oder mindestens {mindest} Kommunen zählt"
            + (", seltene Typen zu „Weitere Typen“." if farben.WEITERE in kreuz.columns
               else ".")))
    return html.Html.verbinden(teile)


@html.abbildungsfunktion
def typprofile(erg: Ergebnisse) -> html.Html:
    """Mittlere Zielpriorität je Typ (Heatmap, alle Werte auch als Tabelle)."""
    if not typmodell(erg).typisiert:
        return html.hinweis(OHNE_TYPEN)
    fb = erg.fragebogen
    teil = fragebogen.ziele(erg.tabelle(T.ANTWORTEN), fb, erg.studie.aktuelle_welle)
    typen = typ_je_kommune(erg).reindex(teil.index)
    n = typen.value_counts()
    mindest = mindestgroesse(erg)
    klein = kleine_typen(erg)  # die eine Regel für kleine Typen
    gueltig = [t for t in _typ_reihenfolge(erg) if n.get(t, 0) >= mindest and t not in klein]
    zu_klein = [t for t in _typ_reihenfolge(erg) if n.get(t, 0) > 0 and t not in gueltig]
    profil = teil.groupby(typen).mean().reindex(gueltig)
    profil.columns = [fb.ziel_name[z] for z in profil.columns]

    fig, ax = plt.subplots(figsize=(9, 0.5 * len(profil) + 3.2))
    bild = ax.imshow(profil.to_numpy(), cmap="Blues", vmin=1, vmax=5, aspect="auto")
    namen = typnamen(erg)
    ax.set_yticks(range(len(profil)), [namen.get(t, t) for t in profil.index])
    ax.set_xticks(range(profil.shape[1]), profil.columns, rotation=50, ha="right", fontsize=8)
    for (i, j), w in np.ndenumerate(profil.to_numpy()):
        ax.text(j, i, f"{w:.1f}".replace(".", ","), ha="center", va="center", fontsize=7,
                color="white" if w > 3.6 else "black")
    fig.colorbar(bild, ax=ax, label="mittlere Priorität (1–5)", shrink=0.8)
    alt = "Heatmap der mittleren Zielprioritäten je Kommunentyp. " + "; ".join(
        f"{namen.get(t, t)}: höchste Priorität {profil.loc[t].idxmax()}"
        for t in profil.index) + ". Alle Werte stehen in der Tabelle „Daten zur Abbildung“."
    tab = profil.copy()
    tab.insert(0, "Kommunen", [int(n[t]) for t in profil.index])
    tab.index = [namen.get(t, t) for t in profil.index]
    tab.index.name = "Kommunentyp"
    daten = kleine_zellen.Diagrammdaten(
        tab.reset_index(), {namen.get(t, t): int(n[t]) for t in profil.index},
        formate={c: "zahl1" for c in profil.columns} | {"Kommunen": "zahl"})
    # Die Steckbriefe stehen vollständig in ``verband.steckbriefe``.
    teile = [html.abbildung(fig, alt, "Zielprofile der Kommunentypen (aktuelle Welle)",
                            daten=daten)]
    if zu_klein:
        teile.append(html.hinweis(
            f"Nicht gezeigt: {anzahl(len(zu_klein), 'Typ', 'Typen')} mit weniger als {mindest} "
            "Kommunen (mit Zielangaben); schon ihr Name beschreibt ihr Profil."))
    return html.Html.verbinden(teile)


@html.abbildungsfunktion
def reifegrad_ueberblick(erg: Ergebnisse) -> html.Html:
    rg = reifegrad_breit(erg)
    namen = feldnamen(erg)
    mindest = mindestgroesse(erg)
    felder = [f for f in namen if f != "gesamt" and rg[f].notna().sum() >= mindest]
    if not felder:  # sehr kleine Studie (etwa ohne Kommunentypen): keine Verteilung zu zeigen
        return html.hinweis(f"Zu wenige bewertete Kommunen (unter {mindest}) für eine "
                            "Verteilung je Handlungsfeld.")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    daten = [rg[f].dropna().to_numpy() for f in felder]
    ax.boxplot(daten, orientation="horizontal", tick_labels=[namen[f] for f in felder],
               showfliers=False)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Reifegrad (0–100)")
    ax.spines[["top", "right"]].set_visible(False)
    alt = "Boxplots des Reifegrads je Handlungsfeld über alle Kommunen. Mediane: " + "; ".join(
        f"{namen[f]} {html.zahl(np.median(d)) if len(d) else '–'}"
        for f, d in zip(felder, daten, strict=True))
    kennwerte = pd.DataFrame({
        "Handlungsfeld": [namen[f] for f in felder],
        "Kommunen": [len(d) for d in daten],
        "unteres Quartil": [np.percentile(d, 25) for d in daten],
        "Median": [np.median(d) for d in daten],
        "oberes Quartil": [np.percentile(d, 75) for d in daten],
        "Antenne unten": [_antenne(d, unten=True) for d in daten],
        "Antenne oben": [_antenne(d, unten=False) for d in daten],
    })
    abb_daten = kleine_zellen.Diagrammdaten(
        kennwerte, {namen[f]: len(d) for f, d in zip(felder, daten, strict=True)},
        formate={"Kommunen": "zahl", "unteres Quartil": "zahl1", "Median": "zahl1",
                 "oberes Quartil": "zahl1", "Antenne unten": "zahl1", "Antenne oben": "zahl1"})

    gk = erg.kommunen["groessenklasse"]
    median = peers.gruppenmedian(rg, gk, mindest)
    tab = pd.DataFrame({namen[f]: median[(f, "median")] for f in namen})
    tab.insert(0, "Kommunen", [kleine_zellen.anzahl(n, mindest) for n in median[("gesamt", "n")]])
    tab.index = [gk_bezeichnung(g) for g in tab.index]
    tab.index.name = "Größenklasse"
    formate = {namen[f]: "zahl" for f in namen}
    return html.Html.verbinden([
        html.abbildung(fig, alt, "Verteilung des Reifegrads je Handlungsfeld (aktuelle Welle)",
                       daten=abb_daten),
        html.tabelle(tab.reset_index(), "Median des Reifegrads nach Größenklasse", formate=formate),
        html.hinweis(f"Mediane werden nur für Größenklassen mit mindestens {mindest} "
                     "Kommunen ausgewiesen."),
    ])


def _antenne(werte: np.ndarray, unten: bool) -> float:
    """Ende der Antenne wie im Boxplot: äußerster Wert innerhalb 1,5 × Quartilsabstand."""
    q1, q3 = np.percentile(werte, [25, 75])
    grenze = q1 - 1.5 * (q3 - q1) if unten else q3 + 1.5 * (q3 - q1)
    innen = werte[werte >= grenze] if unten else werte[werte <= grenze]
    return float(innen.min() if unten else innen.max())
