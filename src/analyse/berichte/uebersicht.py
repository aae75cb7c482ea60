"""Abschnitte des Abschlussberichts: Typen, Typprofile und Reifegrad im Überblick."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analyse.berichte import html
from analyse.berichte.kontext import (
    feldnamen,
    gk_bezeichnung,
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
    katalog = [t.id for t in erg.typkatalog.typen]
    gefunden = [b.typ for b in typmodell(erg).benennung if b.typ not in katalog]
    return katalog + gefunden + ["mischtyp"]


@html.abbildungsfunktion
def typenverteilung(erg: Ergebnisse) -> html.Html:
    typen = typ_je_kommune(erg)
    namen = typnamen(erg)
    reihenfolge = [t for t in _typ_reihenfolge(erg) if t in set(typen)]
    gesamt = typen.value_counts().reindex(reihenfolge, fill_value=0)
    gk = erg.kommunen["groessenklasse"].reindex(typen.index)
    kreuz = pd.crosstab(gk, typen).reindex(columns=reihenfolge, fill_value=0)
    kreuz = kreuz.loc[[g for g in groessenklassen.KLASSEN if g in kreuz.index]]
    # Größenklassen unter der Mindestgröße: keine Aufteilung (sie verriete Einzelne)
    klein = kreuz.sum(axis=1) < mindestgroesse(erg)
    anteile = kreuz[~klein].div(kreuz[~klein].sum(axis=1), axis=0) * 100

    fig, ax = plt.subplots(figsize=(8, 0.45 * len(anteile) + 1.4))
    links = np.zeros(len(anteile))
    farben = plt.get_cmap("tab10").colors
    for i, t in enumerate(reihenfolge):
        ax.barh([gk_bezeichnung(g) for g in anteile.index], anteile[t], left=links,
                color=farben[i % 10], label=namen.get(t, t))
        links += anteile[t].to_numpy()
    ax.invert_yaxis()
    ax.set_xlabel("Anteil in %")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    alt = "Gestapelte Balken: Anteile der Kommunentypen je Größenklasse. " + "; ".join(
        f"{namen.get(t, t)} insgesamt {int(n)}" for t, n in gesamt.items())

    tab_gesamt = pd.DataFrame({
        "Kommunentyp": [namen.get(t, t) for t in gesamt.index],
        "Anzahl": gesamt.to_numpy(),
        "Anteil in %": (gesamt / gesamt.sum() * 100).to_numpy(),
    })
    # Zellen unter der Mindestgröße als "< n" (wie in der amtlichen Statistik üblich)
    mindest = mindestgroesse(erg)
    tab_gk = kreuz.astype(object).where((kreuz == 0) | (kreuz >= mindest), f"< {mindest}")
    tab_gk = tab_gk.rename(columns=namen)
    tab_gk[klein.to_numpy()] = "–"
    tab_gk.index = [gk_bezeichnung(g) for g in tab_gk.index]
    tab_gk.index.name = "Größenklasse"
    modell = typmodell(erg)
    teile = [] if modell.typstruktur_belastbar else [html.hinweis(
        modell.struktur_satz + " Die folgende Aufteilung ist nur eine grobe Gliederung der "
        "Zielprofile, keine Typologie.")]
    teile += [
        html.tabelle(tab_gesamt, "Verteilung der Kommunentypen",
                     formate={"Anzahl": "zahl", "Anteil in %": "zahl1"}),
        html.abbildung(fig, alt, "Kommunentypen nach Größenklasse"),
        html.tabelle(tab_gk.reset_index(), "Anzahl der Kommunen je Typ und Größenklasse"),
    ]
    if klein.any() or ((kreuz > 0) & (kreuz < mindest)).to_numpy().any():
        teile.append(html.hinweis(
            f"Größenklassen mit weniger als {mindest} Kommunen werden nicht nach Typen "
            f"aufgeteilt (–), kleinere Zellen als „< {mindest}“ gezeigt, damit keine einzelne "
            "Kommune erkennbar wird."))
    return html.Html.verbinden(teile)


@html.abbildungsfunktion
def typprofile(erg: Ergebnisse) -> html.Html:
    """Mittlere Zielpriorität je Typ (Heatmap) und Steckbriefe in Kurzform."""
    fb = erg.fragebogen
    teil = fragebogen.ziele(erg.tabelle(T.ANTWORTEN), fb, erg.studie.aktuelle_welle)
    typen = typ_je_kommune(erg).reindex(teil.index)
    n = typen.value_counts()
    gueltig = [t for t in _typ_reihenfolge(erg) if n.get(t, 0) >= mindestgroesse(erg)]
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
        for t in profil.index)
    # Die Steckbriefe stehen vollständig in ``verband.steckbriefe``.
    return html.abbildung(fig, alt, "Zielprofile der Kommunentypen (aktuelle Welle)")


@html.abbildungsfunktion
def reifegrad_ueberblick(erg: Ergebnisse) -> html.Html:
    rg = reifegrad_breit(erg)
    namen = feldnamen(erg)
    felder = [f for f in namen if f != "gesamt"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    daten = [rg[f].dropna().to_numpy() for f in felder]
    ax.boxplot(daten, vert=False, tick_labels=[namen[f] for f in felder], showfliers=False)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Reifegrad (0–100)")
    ax.spines[["top", "right"]].set_visible(False)
    alt = "Boxplots des Reifegrads je Handlungsfeld über alle Kommunen. Mediane: " + "; ".join(
        f"{namen[f]} {html.zahl(np.median(d)) if len(d) else '–'}"
        for f, d in zip(felder, daten, strict=True))

    gk = erg.kommunen["groessenklasse"]
    median = peers.gruppenmedian(rg, gk, mindestgroesse(erg))
    tab = pd.DataFrame({namen[f]: median[(f, "median")] for f in namen})
    tab.insert(0, "Kommunen", median[("gesamt", "n")])
    tab.index = [gk_bezeichnung(g) for g in tab.index]
    tab.index.name = "Größenklasse"
    formate = {namen[f]: "zahl" for f in namen} | {"Kommunen": "zahl"}
    return html.Html.verbinden([
        html.abbildung(fig, alt, "Verteilung des Reifegrads je Handlungsfeld (aktuelle Welle)"),
        html.tabelle(tab.reset_index(), "Median des Reifegrads nach Größenklasse", formate=formate),
        html.hinweis(f"Mediane werden nur für Größenklassen mit mindestens {mindestgroesse(erg)} "
                     "Kommunen ausgewiesen."),
    ])
