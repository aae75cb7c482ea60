"""Abschnitte des Berichts für eine Referenzkommune.

Gezeigt werden nur die eigenen Werte und Gruppenmediane ab der Mindestgröße, nie
die Einzelwerte anderer Kommunen.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analyse.berichte import farben, html, kleine_zellen
from analyse.berichte.kontext import (
    ags_pruefen,
    feldnamen,
    gk_bezeichnung,
    mindestgroesse,
    reifegrad_breit,
    typ_je_kommune,
    typmodell,
    typnamen,
)
from analyse.eingabe.fragebogen import ziele
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.methoden import peers
from analyse.namen import Tabelle as T
from analyse.zahlen import anzahl as zahl_anzahl


def titel(erg: Ergebnisse, ags: str) -> str:
    k = erg.kommunen.loc[ags_pruefen(erg, ags)]
    return f"{k['name']}: Digitalisierungsbericht"


def kopf(erg: Ergebnisse, ags: str) -> html.Html:
    ags = ags_pruefen(erg, ags)
    html.seite_beginnen()  # das Glossar am Ende der Seite sammelt ab hier
    k = erg.kommunen.loc[ags]
    return html.Html.verbinden([
        html.ueberschrift(titel(erg, ags), 1),
        html.absatz(f"{erg.studie.titel} · {erg.studie.verband} · "
                    f"Stand: {_welle_name(erg, erg.studie.aktuelle_welle)}", "untertitel"),
        html.absatz(f"Dieser Bericht fasst die Ergebnisse der Bestandsaufnahme für {k['name']} "
                    "zusammen: Reifegrad je Handlungsfeld im Vergleich mit ähnlichen Kommunen, "
                    "Kommunentyp, Stärken und Schwächen sowie empfohlene Maßnahmen mit Kosten "
                    f"und einem Zeitplan für {zahl_anzahl(erg.studie.roadmap.jahre, 'Jahr', 'Jahre')}."),
    ])


def _welle_name(erg: Ergebnisse, welle: int) -> str:
    return next((w.bezeichnung for w in erg.studie.wellen if w.id == welle), str(welle))


def _struktur(erg: Ergebnisse, ags: str):
    s = erg.tabelle(T.STRUKTUR)
    teil = s[(s["ags"] == ags) & (s["welle"] == erg.studie.aktuelle_welle)]
    return teil.iloc[0] if len(teil) else None


def kennzahlen(erg: Ergebnisse, ags: str) -> html.Html:
    ags = ags_pruefen(erg, ags)
    k = erg.kommunen.loc[ags]
    rg = reifegrad_breit(erg)
    gesamt = rg.loc[ags, "gesamt"] if ags in rg.index else np.nan
    typ = typ_je_kommune(erg).get(ags)
    if not typmodell(erg).typstruktur_belastbar:
        typ_text = "keine belastbare Typenstruktur (Zielprofil im Bericht)"
    else:
        typ_text = typnamen(erg).get(typ, typ) if typ else "nicht typisiert"
    paare = [
        ("Amtlicher Gemeindeschlüssel", ags),
        ("Art", k["art"]),
        ("Kreis", k["kreis"] or "–"),
        ("Einwohnerinnen und Einwohner", html.zahl(k["einwohner"])),
        ("Größenklasse (KGSt)", gk_bezeichnung(k["groessenklasse"])),
        ("Kommunentyp", typ_text),
        ("Reifegrad gesamt", f"{html.zahl(gesamt)} von 100" if not np.isnan(gesamt) else "–"),
    ]
    s = _struktur(erg, ags)
    if s is not None:
        paare += [
            ("Beschäftigte der Kernverwaltung", html.zahl(s.get("beschaeftigte"))),
            ("IT- und Digitalisierungsstellen", html.zahl(s.get("it_personal"), 1, "VZÄ")),
            ("Budget für IT und Digitalisierung", html.euro(s.get("digitalbudget"))),
        ]
    return html.kennzahlen(paare)


def reifegrad_vergleich(erg: Ergebnisse, ags: str):
    """Tabelle eigener Wert gegen Mediane der Größenklasse und des Typs (nur Gruppen ≥ n)."""
    ags = ags_pruefen(erg, ags)
    rg = reifegrad_breit(erg)
    typen = typ_je_kommune(erg)
    # Mischtypen sind keine inhaltliche Gruppe: für sie gibt es keinen Typvergleich; ohne
    # belastbare Typenstruktur gibt es gar keinen (die Spalten bleiben leer)
    if not typmodell(erg).typstruktur_belastbar:
        typen = typen.iloc[:0]
    gruppen = {"Größenklasse": erg.kommunen["groessenklasse"],
               "Kommunentyp": typen[typen != "mischtyp"]}
    return peers.vergleich(rg, ags, gruppen, mindestgroesse(erg))


@html.abbildungsfunktion
def reifegrad_profil(erg: Ergebnisse, ags: str) -> html.Html:
    ags = ags_pruefen(erg, ags)
    if ags not in reifegrad_breit(erg).index:
        return html.hinweis("Für die aktuelle Welle liegen keine Antworten dieser Kommune vor.")
    v = reifegrad_vergleich(erg, ags)
    namen = feldnamen(erg)
    k = erg.kommunen.loc[ags]
    typ = typ_je_kommune(erg).get(ags, "mischtyp")
    gk_text = f"Median {gk_bezeichnung(k['groessenklasse'])}"
    if not typmodell(erg).typstruktur_belastbar:
        typ_text = "Median Typ (keine Typenstruktur)"
    else:
        typ_text = (f"Median Typ {typnamen(erg).get(typ, typ)}" if typ != "mischtyp"
                    else "Median Typ (kein eindeutiger Typ)")

    felder = [f for f in namen if f != "gesamt"]
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(felder) + 1.2))
    y = np.arange(len(felder))[::-1]
    # Form je Reihe fest (Kreis, Quadrat, Dreieck); der Median des Typs in der Farbe des Typs
    stile = farben.typstile(erg)
    typ_stil = farben.Stil(stile.get(typ, stile[farben.MISCHTYP]).farbe, "^", "")
    # leicht versetzt, damit gleiche Werte einander nicht verdecken; je Reihe eigener Marker
    for spalte, stil, label, versatz in (
            ("Größenklasse", farben.GROESSENKLASSE, gk_text, 0.18),
            ("Kommunentyp", typ_stil, typ_text, -0.18),
            ("wert", farben.EIGEN, str(k["name"]), 0.0)):
        werte = v.loc[felder, spalte].to_numpy(dtype=float)
        ax.scatter(werte, y + versatz, s=90 if spalte == "wert" else 60, color=stil.farbe,
                   marker=stil.marker, label=label, zorder=3,
                   edgecolor="white" if spalte == "wert" else None, linewidth=0.8)
    ax.set_yticks(y, [namen[f] for f in felder])
    ax.set_xlim(0, 100)
    ax.set_xlabel("Reifegrad (0–100)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)

    tabelle = v.loc[list(namen)].copy()
    tabelle.insert(0, "Handlungsfeld", [namen[f] for f in tabelle.index])
    tabelle = tabelle.rename(columns={"wert": "Eigener Wert", "Größenklasse": gk_text,
                                      "Größenklasse_n": "n (Größenklasse)",
                                      "Kommunentyp": typ_text, "Kommunentyp_n": "n (Typ)"})
    mindest = mindestgroesse(erg)
    for spalte in ("n (Größenklasse)", "n (Typ)"):
        tabelle[spalte] = [kleine_zellen.anzahl(n, mindest) for n in tabelle[spalte]]
    # Gezeigte Gruppen: jeder Median, der im Bild steht (die eigenen Werte sind keine Gruppe)
    gruppen = {f"{namen[f]}: {bez}": int(v.loc[f, f"{spalte}_n"])
               for f in felder for spalte, bez in (("Größenklasse", gk_text),
                                                    ("Kommunentyp", typ_text))
               if pd.notna(v.loc[f, spalte])}
    daten = kleine_zellen.Diagrammdaten(tabelle, gruppen, sichtbar=True)
    alt = ("Punktdiagramm des Reifegrads je Handlungsfeld: "
           + "; ".join(f"{namen[f]} {html.zahl(v.loc[f, 'wert'])}" for f in felder)
           + ". Die Vergleichswerte stehen in der Tabelle darunter.")
    teile = [
        html.abbildung(fig, alt, "Reifegrad je Handlungsfeld im Vergleich (Kreis: eigener Wert)",
                       daten=daten),
        html.tabelle(tabelle, "Reifegrad je Handlungsfeld und Vergleichswerte",
                     zeilenkopf=True),
    ]
    if v[["Größenklasse", "Kommunentyp"]].isna().any().any():
        teile.append(html.hinweis(
            f"Vergleichswerte werden nur für Gruppen ab {mindestgroesse(erg)} Kommunen gezeigt; "
            "fehlende Werte (–) betreffen kleinere Gruppen."))
    return html.Html.verbinden(teile)


def zielprofil(erg: Ergebnisse, ags: str) -> html.Html:
    """Die Zielprioritäten der Kommune neben dem Median aller Kommunen (statt eines Typs)."""
    ags = ags_pruefen(erg, ags)
    z = ziele(erg.tabelle(T.ANTWORTEN), erg.fragebogen, erg.studie.aktuelle_welle)
    if ags not in z.index:
        return html.hinweis("Für diese Kommune liegen keine Zielprioritäten vor.")
    eigen, median = z.loc[ags], z.median()
    reihenfolge = (eigen - median).sort_values(ascending=False).index
    tab = pd.DataFrame({"Ziel": [erg.fragebogen.ziel_name.get(g, g) for g in reihenfolge],
                        "Eigene Priorität (1–5)": eigen[reihenfolge].to_numpy(),
                        "Median aller Kommunen": median[reihenfolge].to_numpy()})
    return html.tabelle(tab, "Zielprofil: eigene Prioritäten, nach Abstand zum Median geordnet",
                        formate={"Eigene Priorität (1–5)": "zahl0",
                                 "Median aller Kommunen": "zahl1"})


def _steckbrief(erg: Ergebnisse, typ: str, name: str) -> list[html.Html]:
    b = typmodell(erg).benennung_von(typ)
    if b is not None and b.art == "neu":
        return [html.ueberschrift(f"Steckbrief: {name}", 3), html.absatz(b.kurz)]
    sb = erg.typkatalog.steckbrief(b.naechster_prototyp if b is not None else typ)
    teile = [html.ueberschrift(f"Steckbrief: {name}", 3), html.absatz(sb.kurz),
             html.ueberschrift("Stärken des Typs", 4), html.liste(sb.staerken)]
    if sb.herausforderungen:
        teile += [html.ueberschrift("Typische Herausforderungen", 4),
                  html.liste(sb.herausforderungen)]
    if sb.lernt_von:
        partner = ", ".join(erg.typkatalog.name[t] for t in sb.lernt_von)
        teile.append(html.absatz(f"Im D-Team lernt dieser Typ besonders von: {partner}."))
    return teile


def kommunentyp(erg: Ergebnisse, ags: str) -> html.Html:
    """Typ mit Sicherheit „in N von B Wiederholungen“ und zweitnächstem Typ; ohne belastbare
    Typenstruktur statt dessen das Zielprofil."""
    ags = ags_pruefen(erg, ags)
    modell = typmodell(erg)
    kommune = erg.kommunen.loc[ags, "name"]
    if not modell.typisiert:
        return html.Html.verbinden([
            html.absatz(f"Die Studie wird ohne Kommunentypen ausgewertet. Maßgeblich für "
                        f"{kommune} ist ihr eigenes Zielprofil."),
            zielprofil(erg, ags)])
    if not modell.typstruktur_belastbar:
        return html.Html.verbinden([
            html.absatz(f"Die Zielprioritäten der befragten Kommunen zeigen keine belastbare "
                        f"Typenstruktur (siehe Methodenanhang des Abschlussberichts). Deshalb "
                        f"wird {kommune} hier keinem Kommunentyp zugeordnet; maßgeblich ist ihr "
                        f"eigenes Zielprofil."),
            zielprofil(erg, ags)])
    typen = erg.tabelle(T.TYPEN).set_index("ags")
    if ags not in typen.index:
        return html.hinweis("Für diese Kommune liegt keine Typzuordnung vor.")
    zeile = typen.loc[ags]
    namen = typnamen(erg)
    naechster = namen.get(zeile["naechster_typ"], zeile["naechster_typ"])
    zweiter = namen.get(zeile["zweiter_typ"], zeile["zweiter_typ"])
    von = f"{int(zeile['treffer'])} von {int(zeile['wiederholungen'])} Wiederholungen"
    if zeile["typ"] == "mischtyp":
        teile = [html.absatz(
            f"{kommune} lässt sich keinem Typ sicher zuordnen (Mischtyp): Ihr Zielprofil liegt "
            f"zwischen den Typen „{naechster}“ und „{zweiter}“, auf dem Weg vom einen zum "
            f"anderen bei {round(100 * float(zeile['lage']))} %. Kommunen, die eindeutig zu "
            f"einem Typ gehören, liegen in "
            f"{round(100 * (1 - modell.sicherheit.fehlalarm_ziel))} von 100 Fällen höchstens "
            f"bei {round(100 * modell.sicherheit.lage_schwelle)} %. In {von} der Auswertung "
            f"landet sie bei „{naechster}“."),
            *_steckbrief(erg, "mischtyp", "Mischtyp")]
    else:
        teile = [html.absatz(
            f"{kommune} gehört zum Typ „{naechster}“: In {von} der Auswertung (Kommunen und "
            f"Antworten neu gezogen) landet sie in diesem Typ. Am zweitnächsten liegt der Typ "
            f"„{zweiter}“."), *_steckbrief(erg, zeile["typ"], naechster)]
    return html.Html.verbinden(teile)


def einordnen(werte: pd.Series, bezug: pd.Series, anzahl_: int = 2
              ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Stärken und Schwächen als (Feld, Abstand in ganzen Punkten), wie im Text gezeigt.

    Gerechnet wird mit den gerundeten Werten, die der Satz nennt: Eine Stärke liegt mindestens
    1 Punkt über, eine Schwäche mindestens 1 Punkt unter dem Vergleichswert; gleichauf ist
    weder noch. Höchstens ``anzahl_`` je Seite, die größten Abstände zuerst.
    """
    abstand = {f: round(float(werte[f])) - round(float(bezug[f])) for f in werte.index
               if pd.notna(werte[f]) and pd.notna(bezug.get(f, np.nan))}
    staerken = sorted(((f, d) for f, d in abstand.items() if d >= 1), key=lambda t: (-t[1], t[0]))
    schwaechen = sorted(((f, d) for f, d in abstand.items() if d <= -1),
                        key=lambda t: (t[1], t[0]))
    return staerken[:anzahl_], schwaechen[:anzahl_]


@dataclass(frozen=True)
class StaerkenSchwaechen:
    """Stärken und Schwächen einer Kommune mit den Zahlen, aus denen sie folgen."""

    staerken: list[tuple[str, int]]
    schwaechen: list[tuple[str, int]]
    werte: pd.Series
    bezug: pd.Series
    bezug_text: dict[str, str]


def staerken_schwaechen_daten(erg: Ergebnisse, ags: str, anzahl: int = 2
                              ) -> StaerkenSchwaechen | None:
    """Abstand zum Median der Größenklasse (sonst aller Kommunen); ``None`` ohne Werte.

    Die eine Stelle für Stärken und Schwächen: der Abschnitt und „Das Wichtigste“ lesen hier.
    """
    ags = ags_pruefen(erg, ags)
    rg = reifegrad_breit(erg)
    if ags not in rg.index:
        return None
    v = reifegrad_vergleich(erg, ags)
    namen = feldnamen(erg)
    felder = [f for f in namen if f != "gesamt" and not np.isnan(v.loc[f, "wert"])]
    if not felder:
        return None
    bezug = v.loc[felder, "Größenklasse"].copy()
    bezug_text = {f: "dem Median der Größenklasse" for f in felder}
    for f in felder:
        if np.isnan(bezug[f]):
            bezug[f] = rg[f].median()
            bezug_text[f] = "dem Median aller Kommunen der Studie"
    staerken, schwaechen = einordnen(v.loc[felder, "wert"], bezug, anzahl)
    return StaerkenSchwaechen(staerken, schwaechen, v.loc[felder, "wert"], bezug, bezug_text)


def staerken_schwaechen(erg: Ergebnisse, ags: str, anzahl: int = 2) -> html.Html:
    """Stärken und Schwächen: Abstand zum Median der Größenklasse (sonst aller Kommunen)."""
    ags = ags_pruefen(erg, ags)
    if ags not in reifegrad_breit(erg).index:
        return html.hinweis("Für die aktuelle Welle liegen keine Antworten dieser Kommune vor.")
    d = staerken_schwaechen_daten(erg, ags, anzahl)
    if d is None:
        return html.hinweis("Für keines der Handlungsfelder liegen genug Antworten vor; "
                            "Stärken und Schwächen lassen sich nicht bestimmen.")
    namen = feldnamen(erg)

    def satz(f: str, abstand: int) -> str:
        return (f"{namen[f]}: {zahl_anzahl(round(d.werte[f]), 'Punkt', 'Punkte')}, "
                f"{zahl_anzahl(abs(abstand), 'Punkt', 'Punkte')} "
                f"{'über' if abstand > 0 else 'unter'} "
                f"{d.bezug_text[f]} ({html.zahl(d.bezug[f])}).")

    def abschnitt(titel: str, eintraege: list[tuple[str, int]], keins: str) -> list[html.Html]:
        inhalt = (html.liste([satz(f, a) for f, a in eintraege]) if eintraege
                  else html.absatz(keins))
        return [html.ueberschrift(titel, 3), inhalt]

    return html.Html.verbinden(
        abschnitt("Stärken", d.staerken, "Kein Handlungsfeld liegt über dem Vergleichswert "
                                         "(Median der Größenklasse bzw. aller Kommunen).")
        + abschnitt("Schwächen", d.schwaechen, "Kein Handlungsfeld liegt unter dem "
                                               "Vergleichswert (Median der Größenklasse bzw. "
                                               "aller Kommunen)."))


def ags_oder_erste_referenzkommune(erg: Ergebnisse, ags: str | None) -> str:
    """Der Berichtsparameter; leer heißt: die erste Referenzkommune (für Vorschau in Jupyter)."""
    if ags:
        return ags_pruefen(erg, ags)
    referenz = erg.kommunen.index[erg.kommunen["referenzkommune"]]
    return str(referenz[0] if len(referenz) else erg.kommunen.index[0])
