"""Berichtsabschnitte zu Handlungsempfehlungen, Roadmap, OZG, Verband und Personal.

Kommunalbericht: ``f(erg, ags) -> Html`` (nur Werte der eigenen Kommune, Vergleiche nur als
Gruppenwerte ab ``peer_mindestgroesse``). Abschlussbericht: ``f(erg) -> Html``.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analyse.berichte import excel, farben, html, kleine_zellen
from analyse.eingabe import groessenklassen
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.namen import Tabelle as T
from analyse.zahlen import anzahl


def _eigene(df: pd.DataFrame | None, ags: str) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame(columns=[] if df is None else df.columns)
    return df[df["ags"].astype(str) == str(ags)]


def _name(erg: Ergebnisse, ags: str) -> str:
    try:
        return str(erg.kommunen.loc[str(ags), "name"])
    except KeyError:
        return str(ags)


# ------------------------------------------------------------------ Kommunalbericht


def massnahmen(erg: Ergebnisse, ags: str) -> html.Html:
    """Tabelle der empfohlenen Maßnahmen mit Begründung und Kosten."""
    e = _eigene(erg.tabelle_falls_vorhanden(T.EMPFEHLUNGEN), ags).sort_values("rang")
    teile: list[html.Html] = []  # Überschrift steht im Notebook
    if e.empty:
        return html.Html.verbinden(teile + [html.hinweis(
            "Für diese Kommune liegen keine Handlungsempfehlungen vor (nur Referenzkommunen "
            "erhalten individuelle Empfehlungen).")])
    st = erg.studie.empfehlungen
    teile += _ohne_reifegrad_hinweis(erg, ags)
    anzahl_t = _eigene(erg.tabelle_falls_vorhanden(T.EMPFEHLUNGEN_ANZAHL), ags)
    teile.append(html.absatz(
        f"Aus dem Maßnahmenkatalog wurden {anzahl(len(e), 'Maßnahme', 'Maßnahmen')} ausgewählt. "
        f"Maßgeblich sind die Lücken zum Zielwert je Handlungsfeld (Quantil "
        f"{html.zahl(100 * st.ziel_quantil)} % der eigenen Größenklasse), der Rückstand bei "
        f"den OZG-Leistungen, {_typ_text(erg)}und bereits erfüllte "
        f"Voraussetzungen. Voraussetzungen stehen vor den Maßnahmen, die auf ihnen aufbauen."
        + (" " + str(anzahl_t["satz"].iloc[0]) if not anzahl_t.empty else "")))
    verband = e[e["ueber_verband"].astype(bool)] if "ueber_verband" in e else e.iloc[0:0]
    teile.append(html.kennzahlen([
        ("Empfohlene Maßnahmen", len(e)),
        ("Davon über den Verband", len(verband)),
        ("Einmalige Kosten (Summe)", html.euro(e["kosten_einmalig"].sum())),
        ("Laufende Kosten je Jahr (Summe)", html.euro(e["kosten_jaehrlich"].sum())),
        ("Interner Aufwand (Summe)", html.zahl(e["aufwand_personentage"].sum(), 0, "Personentage")),
        ("Davon OZG-relevant", int(e["ozg_relevant"].sum())),
    ]))
    if len(verband):
        teile.append(html.absatz(
            f"{anzahl(len(verband), 'Maßnahme läuft', 'Maßnahmen laufen')} über "
            f"{erg.studie.verband}: Die Kommune zahlt dafür ihren Anteil an der "
            f"Verbandsmaßnahme (Umlage), nicht die vollen Kosten eines eigenen Vorhabens, und "
            f"beginnt, sobald der Verband liefert. Eingespart gegenüber eigenen Vorhaben: "
            f"{html.euro((verband['kosten_einmalig_eigen'] - verband['kosten_einmalig']).sum())} "
            f"einmalig."))
    tab = pd.DataFrame({
        "Rang": e["rang"], "Maßnahme": e["titel"], "Handlungsfeld": e["hauptfeld_name"],
        "Weg": [f"über den Verband ab {ab}" if v else "eigenes Vorhaben"
                for v, ab in zip(e["ueber_verband"], e["verband_ab"], strict=True)],
        "Begründung": e["begruendung"], "Dauer (Monate)": e["dauer_monate"],
        "Aufwand (PT)": e["aufwand_personentage"], "Einmalig": e["kosten_einmalig"],
        "Jährlich": e["kosten_jaehrlich"], "OZG": e["ozg_relevant"].map({True: "ja", False: "–"}),
    })
    teile.append(html.tabelle(tab, f"Handlungsempfehlungen für {_name(erg, ags)}",
                              formate={"Einmalig": "euro", "Jährlich": "euro",
                                       "Aufwand (PT)": "zahl0", "Rang": "{:.0f}",
                                       "Dauer (Monate)": "{:.0f}"}, zeilenkopf="Maßnahme"))
    teile.append(html.absatz(
        "Kosten sind Richtwerte je Größenklasse (Preisstand des Katalogs) und vor einer "
        "Beschaffung durch eine Markterkundung zu ersetzen. Bei Maßnahmen über den Verband "
        "steht der Anteil der Kommune.", "hinweis"))
    return html.Html.verbinden(teile)


def massnahmen_beschreibungen(erg: Ergebnisse, ags: str) -> html.Html:
    """Was jede empfohlene Maßnahme umfasst: aufklappbar je Maßnahme, in Rangfolge."""
    e = _eigene(erg.tabelle_falls_vorhanden(T.EMPFEHLUNGEN), ags).sort_values("rang")
    if e.empty:
        return html.Html()
    punkte = []
    for z in e.itertuples(index=False):
        kosten = (f"Einmalig {html.euro(z.kosten_einmalig)}, jährlich "
                  f"{html.euro(z.kosten_jaehrlich)}, interner Aufwand "
                  f"{html.zahl(z.aufwand_personentage, 0, 'Personentage')}.")
        punkte.append(
            f"<details><summary>{html.text(f'{int(z.rang)}. {z.titel}')}</summary>"
            f"<p>{html.text(z.beschreibung)}</p><p>{html.text(kosten)}</p></details>")
    return html.Html('<div class="beschreibungen">' + "".join(punkte) + "</div>")


def _typ_text(erg: Ergebnisse) -> str:
    """Der Kommunentyp zählt in der Auswahl nur, wenn die Studie eine Typenstruktur zeigt."""
    belastbar = erg.modell.kommunentypen.typstruktur_belastbar
    return ("die Passung zum Kommunentyp " if belastbar else
            "(nicht der Kommunentyp: die Studie zeigt keine belastbare Typenstruktur) ")


def _ohne_reifegrad_hinweis(erg: Ergebnisse, ags: str) -> list[html.Html]:
    rg = erg.tabelle_falls_vorhanden(T.REIFEGRAD)
    if rg is None:
        return []
    eigener = rg[(rg["ags"] == ags) & (rg["welle"] == erg.studie.aktuelle_welle)
                 & (rg["handlungsfeld"] == "gesamt")]["wert"]
    if not eigener.isna().all():
        return []
    return [html.hinweis(
        "Für diese Kommune liegt in der aktuellen Welle kein belastbarer Reifegrad vor. "
        "Die Empfehlungen sind daher allgemeine Grundlagenmaßnahmen für ihre Größenklasse "
        "und sollten nach einer vollständigen Erhebung überprüft werden.")]


def _gantt(r: pd.DataFrame, startjahr: int, jahre: int, titel: str,
           stile: dict[str, farben.Stil]) -> plt.Figure:
    """Balken je Maßnahme in Quartalen; das Handlungsfeld als Farbe und als Text am Balken."""
    r = r.sort_values(["start_quartal", "rang"])
    titel_zeilen = [textwrap.fill(str(t), 44) for t in r["titel"]]
    hoehen = [0.28 + 0.16 * t.count("\n") for t in titel_zeilen]
    quartale = 4 * jahre
    fig, ax = plt.subplots(figsize=(10, sum(hoehen) + 0.25 * len(r) + 1.2))
    oben = np.cumsum([0.0, *[h + 0.25 for h in hoehen[:-1]]])  # Abstand von der ersten Zeile
    y = oben.max() - oben  # erste Maßnahme oben
    for yi, z in zip(y, r.itertuples(), strict=True):
        stil = stile.get(z.hauptfeld, farben.Stil(farben.GRAU, "o", ""))
        breite = z.ende_quartal - z.start_quartal + 1
        # Ohne Schraffur: das Handlungsfeld steht als Text am Balken (Muster kosten im PDF viel)
        ax.barh(yi, breite, left=z.start_quartal - 1, height=0.45, color=stil.farbe,
                edgecolor=farben.KANTE, linewidth=0.6)
        # Das Handlungsfeld steht am Balken: rechts davon, am Ende des Zeitraums links davon
        rechts = z.ende_quartal <= quartale * 0.6
        ax.text(z.ende_quartal + 0.15 if rechts else z.start_quartal - 1.15, yi,
                z.hauptfeld_name, ha="left" if rechts else "right", va="center", fontsize=7.5)
    ax.set_yticks(y, titel_zeilen, fontsize=8)
    ax.set_ylim(-0.6, y.max() + 0.6)
    mitten = [q + 0.5 for q in range(quartale)]
    ax.set_xticks(mitten, [f"Q{q % 4 + 1}" + (f"\n{startjahr + q // 4}" if q % 4 == 0 else "")
                           for q in range(quartale)], fontsize=8)
    ax.tick_params(axis="x", length=0)
    for q in range(1, quartale):
        jahr = q % 4 == 0
        ax.axvline(q, color="#666666" if jahr else "#cccccc", linewidth=0.8 if jahr else 0.5,
                   linestyle="--" if jahr else "-", zorder=0)
    ax.set_xlim(0, quartale)
    ax.set_xlabel("Quartal")
    ax.set_title(titel, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _jahres_tabelle(j: pd.DataFrame) -> html.Html:
    tab = pd.DataFrame({
        "Jahr": j["jahr"].astype(int).astype(str), "Jahresrahmen": j["budget"],
        "Umlage an den Verband": j["umlage_verband"], "Eigene Maßnahmen": j["kosten_eigene"],
        "Kosten gesamt": j["kosten_gesamt"], "Frei": j["budget_frei"],
        "Personentage": j["personentage"], "Kapazität (PT)": j["kapazitaet_personentage"]})
    summe = tab.drop(columns="Jahr").sum().to_frame().T.assign(Jahr="Summe")[tab.columns]
    return html.tabelle(pd.concat([tab, summe], ignore_index=True),
                        "Kosten und Personentage je Jahr (Kosten gesamt = Umlage + eigene "
                        "Maßnahmen, einmalig und laufend)",
                        formate={c: "euro" for c in tab.columns[1:6]}
                        | {"Personentage": "zahl0", "Kapazität (PT)": "zahl0"})


def _startjahr(erg: Ergebnisse, ags: str) -> int:
    j = _eigene(erg.tabelle_falls_vorhanden(T.ROADMAP_JAHRE), ags)
    return int(j["jahr"].min()) if not j.empty else (erg.studie.roadmap.startjahr
                                                    or erg.studie.aktuelle_welle + 1)


@html.abbildungsfunktion
def zeitplan(erg: Ergebnisse, ags: str) -> html.Html:
    """Gantt-Diagramm der eigenen Maßnahmen mit der Tabelle des Zeitplans (seine Daten)."""
    r = _eigene(erg.tabelle_falls_vorhanden(T.ROADMAP), ags)
    if r.empty:
        return html.Html()
    startjahr, jahre = _startjahr(erg, ags), erg.studie.roadmap.jahre
    ende = startjahr + jahre - 1
    fig = _gantt(r, startjahr, jahre, f"Roadmap {startjahr}–{ende}", farben.feldstile(erg))
    erste = r.sort_values(["start_quartal", "rang"]).head(3)["titel"].tolist()
    alt = (f"Gantt-Diagramm mit {anzahl(len(r), 'geplanten Maßnahme', 'geplanten Maßnahmen')} "
           f"von {startjahr} bis {ende}. Zuerst beginnen: " + "; ".join(erste) + ". "
           "Die Tabelle darunter nennt Handlungsfeld, Beginn und Ende jeder Maßnahme.")
    plan = r.sort_values(["start_quartal", "rang"])
    weg = ["über den Verband" if v else "eigenes Vorhaben" for v in plan["ueber_verband"]]
    tab = pd.DataFrame({"Maßnahme": plan["titel"], "Handlungsfeld": plan["hauptfeld_name"],
                        "Weg": weg, "Beginn": plan["start"], "Ende": plan["ende"]})
    # Nur Werte der eigenen Kommune: keine Gruppe anderer Kommunen
    daten = kleine_zellen.Diagrammdaten(tab, {}, sichtbar=True)
    return html.Html.verbinden([
        html.abbildung(fig, alt=alt, beschriftung="Zeitplan der Maßnahmen", daten=daten),
        html.tabelle(tab, "Zeitplan", zeilenkopf=True)])


def roadmap(erg: Ergebnisse, ags: str) -> html.Html:
    """Rahmen, Gantt-Diagramm, Kosten und Personentage je Jahr, verschobene Maßnahmen."""
    r = _eigene(erg.tabelle_falls_vorhanden(T.ROADMAP), ags)
    j = _eigene(erg.tabelle_falls_vorhanden(T.ROADMAP_JAHRE), ags)
    v = _eigene(erg.tabelle_falls_vorhanden(T.VERSCHIEBUNGEN), ags)
    teile: list[html.Html] = []  # Überschrift steht im Notebook
    if r.empty and v.empty:
        return html.Html.verbinden(teile + [html.hinweis("Keine Roadmap für diese Kommune.")])
    startjahr, jahre = _startjahr(erg, ags), erg.studie.roadmap.jahre
    rahmen = _eigene(erg.tabelle_falls_vorhanden(T.RAHMEN), ags)
    teile.append(html.absatz(
        f"Die Maßnahmen sind über {anzahl(jahre, 'Jahr', 'Jahre')} ({startjahr}–"
        f"{startjahr + jahre - 1}) in Quartalen geplant: Voraussetzungen zuerst, jede Maßnahme "
        f"mit ihrer Dauer, Maßnahmen über den Verband erst, wenn er liefert, und je Jahr "
        f"höchstens der Jahresrahmen (einschließlich der Umlage an den Verband) und die "
        f"interne Personalkapazität."))
    if not rahmen.empty:
        teile.append(html.absatz(str(rahmen["satz"].iloc[0])))
    if not r.empty:
        teile.append(zeitplan(erg, ags))
    if not j.empty:
        teile.append(_jahres_tabelle(j))
    bilanz = _eigene(erg.tabelle_falls_vorhanden(T.ROADMAP_BILANZ), ags)
    teile += _verschoben(v, bilanz, startjahr + jahre - 1)
    return html.Html.verbinden(teile)


def _verschoben(v: pd.DataFrame, bilanz: pd.DataFrame, ende: int) -> list[html.Html]:
    if v.empty:
        return [html.absatz("Alle empfohlenen Maßnahmen passen in Jahresrahmen und "
                            "Personalkapazität des Planungszeitraums.")]
    teile = [html.ueberschrift("Verschobene Maßnahmen", 3), html.absatz(
        f"{anzahl(len(v), 'Maßnahme passt', 'Maßnahmen passen')} nicht bis {ende} in den "
        f"Plan. Sie {'bleibt' if len(v) == 1 else 'bleiben'} empfohlen und "
        f"{'sollte' if len(v) == 1 else 'sollten'} in der nächsten Haushaltsplanung "
        f"berücksichtigt werden:"),
        html.liste(v.sort_values("rang")["grund"].tolist())]
    if not bilanz.empty and bilanz["zusatz_satz"].iloc[0]:
        teile.append(html.absatz(str(bilanz["zusatz_satz"].iloc[0])))
    return teile


def ozg_abdeckung(erg: Ergebnisse, ags: str) -> html.Html:
    """Online-Reifegrad der relevanten OZG-Leistungen gegenüber der Größenklasse."""
    from analyse.eingabe.ozg_katalog import ONLINE_AB, STUFEN

    teile: list[html.Html] = []  # Überschrift steht im Notebook
    a = _eigene(erg.tabelle_falls_vorhanden(T.OZG_ABDECKUNG), ags)
    s = _eigene(erg.tabelle_falls_vorhanden(T.OZG_STAND), ags)
    if a.empty:
        return html.Html.verbinden(teile + [html.hinweis(
            "Für diese Kommune liegen keine Angaben zum Online-Reifegrad von OZG-Leistungen vor.")])
    z = a.iloc[0]
    gk = str(z["groessenklasse"])
    teile.append(html.absatz(
        f"Abgefragt wurde der Reifegrad nach dem OZG-Reifegradmodell (0 offline bis 4 "
        f"Online-Transaktion) für {int(z['n_relevant'])} Leistungen, die für diese Kommune "
        f"nach Art und Größe relevant sind. Als online verfügbar zählt Stufe {ONLINE_AB} oder höher."))
    paare = [("Relevante abgefragte Leistungen", int(z["n_relevant"])),
             ("Davon beantwortet", int(z["n_beantwortet"])),
             ("Anteil online (Stufe ≥ 3)", html.zahl(100 * z["anteil_online"], 0, "%")
              if pd.notna(z["anteil_online"]) else "–"),
             ("Mittlere Stufe", html.zahl(z["mittlere_stufe"], 1))]
    if pd.notna(z.get("peer_anteil_online_median")):
        paare.append((f"Vergleichsgruppe {groessenklassen.bezeichnung(gk, kurz=True)} "
                      f"({int(z['peer_n'])} Kommunen): Anteil online",
                      f"Median {html.zahl(100 * z['peer_anteil_online_median'], 0, '%')}, "
                      f"mittlere Hälfte {html.zahl(100 * z['peer_anteil_online_p25'], 0)}–"
                      f"{html.zahl(100 * z['peer_anteil_online_p75'], 0, '%')}"))
    teile.append(html.kennzahlen(paare))
    if pd.isna(z.get("peer_anteil_online_median")):
        teile.append(html.hinweis(
            f"Die Vergleichsgruppe ist kleiner als {erg.studie.berichte.peer_mindestgroesse} "
            f"Kommunen; Gruppenwerte werden daher nicht gezeigt."))
    if not s.empty:
        vergl = erg.tabelle_falls_vorhanden(T.OZG_VERGLEICH)
        anteil = {}
        if vergl is not None and not vergl.empty:
            vg = vergl[vergl["groessenklasse"] == gk]
            anteil = dict(zip(vg["leistung"], vg["anteil_online"], strict=True))
        s = s.sort_values(["stufe", "leistung_name"], ascending=[True, True], na_position="first")
        tab = pd.DataFrame({
            "Leistung": s["leistung_name"], "Themenfeld": s["themenfeld"],
            "Zuständigkeit": s["ebene"],
            "Stufe": [f"{int(x)} – {STUFEN.get(int(x), '')}" if pd.notna(x) else "keine Angabe"
                      for x in s["stufe"]],
            "Online in der Größenklasse": [anteil.get(x) for x in s["leistung"]]})
        teile.append(html.tabelle(tab, "Reifegrad je OZG-Leistung (Vergleich: Anteil der Kommunen "
                                       "der Größenklasse mit Stufe ≥ 3; leer bei kleiner Gruppe)",
                                  formate={"Online in der Größenklasse": "{:.0%}"}))
    return html.Html.verbinden(teile)


def excel_download(erg: Ergebnisse, ags: str) -> html.Html:
    """Link auf die Excel-Datei neben der Seite (``<ags>.xlsx``)."""
    ags = str(ags)
    if _eigene(erg.tabelle_falls_vorhanden(T.EMPFEHLUNGEN), ags).empty:
        return html.Html()
    return html.Html.verbinden([
        html.ueberschrift("Maßnahmen und Roadmap als Excel-Datei", 3, "excel"),
        html.Html("<p>")
        + html.link(f"{ags}.xlsx", f"Excel-Datei zum Planen herunterladen ({ags}.xlsx, "
                                   f"Blätter: {', '.join(excel.BLAETTER)})")
        + html.Html("</p>"),
    ])


# ------------------------------------------------------------------ Abschlussbericht


KOSTEN_FUSSNOTE = (
    "„–“: In diesem Jahr ist keine Maßnahme des Handlungsfelds geplant. „0 €“: Maßnahmen sind "
    "geplant, kosten die Referenzkommunen aber nichts Eigenes, meist weil sie über den Verband "
    "laufen. Über den Verband heißt: Der Verband setzt die Maßnahme für seine Mitglieder um und "
    "trägt die Kosten; die Kommune zahlt dafür ihren Anteil an der Umlage (siehe Empfehlungen "
    "für den Verband), der hier nicht noch einmal gezählt wird, und bringt nur eigene "
    "Personentage ein.")


def kosten_je_feld_und_jahr(je_jahr: pd.DataFrame, roadmap: pd.DataFrame,
                            summen: pd.DataFrame) -> pd.DataFrame:
    """Kosten je Handlungsfeld (Zeilen wie ``summen``) und Jahr, eine Regel für leere Zellen.

    Geplant ist ein Feld in einem Jahr, wenn eine Maßnahme des Felds dann läuft (Start- bis
    Endjahr laut Roadmap) oder Kosten oder Personentage hat. Nicht geplant: ``NaN`` (gezeigt als
    „–“); geplant ohne eigene Kosten (etwa alles über den Verband): ``0``.
    """
    laeuft = {(f, jahr) for f, von, bis in zip(roadmap.get("hauptfeld", []),
                                                roadmap.get("startjahr", []),
                                                roadmap.get("endjahr", []), strict=True)
              for jahr in range(int(von), int(bis) + 1)}
    laeuft |= {("gesamt", jahr) for _, jahr in laeuft}
    felder = list(dict.fromkeys(summen["handlungsfeld"]))
    breit = je_jahr.pivot_table(index="handlungsfeld", columns="jahr", values="kosten_gesamt",
                                aggfunc="sum", sort=True).reindex(felder)
    for feld, jahr in laeuft:  # Kosten- und Personentage-Zeilen fehlen: geplant, 0 €
        if feld in breit.index and jahr in breit.columns and pd.isna(breit.loc[feld, jahr]):
            breit.loc[feld, jahr] = 0.0
    breit = breit.dropna(how="all")
    namen = dict(zip(summen["handlungsfeld"], summen["handlungsfeld_name"], strict=True))
    breit.columns = [f"Kosten {c}" for c in breit.columns]
    breit.insert(0, "Handlungsfeld", [namen[f] for f in breit.index])
    return breit.reset_index(drop=True)


def gesamtuebersicht(erg: Ergebnisse) -> html.Html:
    """Alle Empfehlungen gezählt, Kosten je Handlungsfeld und Jahr."""
    teile: list[html.Html] = []  # Überschrift steht im Notebook
    s, j, e = (erg.tabelle_falls_vorhanden(n) for n in (
        T.EMPFEHLUNGEN_SUMMEN, T.KOSTEN_JE_FELD_JAHR, T.EMPFEHLUNGEN))
    if s is None or e is None or e.empty:
        return html.Html.verbinden(teile + [html.hinweis("Keine Empfehlungen berechnet.")])
    gesamt = s[s["handlungsfeld"] == "gesamt"].iloc[0]
    je = e.groupby("ags").size()
    spanne = (f"{int(je.min())} je Verwaltung" if je.min() == je.max()
              else f"{int(je.min())} bis {int(je.max())} je Verwaltung, nach Bedarf")
    n_verband = int(gesamt.get("davon_ueber_verband", 0))
    verband_text = (f"; {anzahl(n_verband, 'Empfehlung läuft', 'Empfehlungen laufen')} über den "
                    f"Verband und {'ist' if n_verband == 1 else 'sind'} mit dem Anteil der "
                    f"Kommune gezählt" if n_verband else "")
    teile.append(html.absatz(
        f"{anzahl(gesamt['anzahl_kommunen'], 'Referenzkommune erhielt', 'Referenzkommunen erhielten')}"
        f" zusammen {anzahl(gesamt['anzahl_empfehlungen'], 'Handlungsempfehlung', 'Handlungsempfehlungen')}"
        f" ({spanne}) mit einmaligen Kosten von {html.euro(gesamt['kosten_einmalig'])} und "
        f"laufenden Kosten von {html.euro(gesamt['kosten_jaehrlich'])} je Jahr{verband_text}."))
    teile.append(html.tabelle(pd.DataFrame({
        "Handlungsfeld": s["handlungsfeld_name"], "Empfehlungen": s["anzahl_empfehlungen"],
        "Kommunen": s["anzahl_kommunen"], "Einmalig": s["kosten_einmalig"],
        "Jährlich": s["kosten_jaehrlich"], "Personentage": s["aufwand_personentage"],
        "Davon über den Verband": s.get("davon_ueber_verband", 0),
        "Davon verschoben": s["davon_verschoben"]}),
        "Empfehlungen je Handlungsfeld (Hauptfeld der Maßnahme)",
        formate={"Einmalig": "euro", "Jährlich": "euro", "Personentage": "zahl0"}))
    if j is not None and not j.empty:
        breit = kosten_je_feld_und_jahr(j, erg.tabelle_oder_leer(T.ROADMAP), s)
        teile += [html.tabelle(breit, "Geplante Kosten (einmalig und laufend) je Handlungsfeld "
                                      "und Jahr laut Roadmaps",
                               formate={c: "euro" for c in breit.columns[1:]}),
                  html.hinweis(KOSTEN_FUSSNOTE)]
    haeufig = (e.groupby("titel")["ags"].nunique().sort_values(ascending=False, kind="stable")
               .head(10).reset_index())
    haeufig.columns = ["Maßnahme", "Referenzkommunen"]
    teile.append(html.tabelle(haeufig, "Die häufigsten Empfehlungen"))
    return html.Html.verbinden(teile)


def verband(erg: Ergebnisse) -> html.Html:
    """Empfehlungen für den Verband: Rangfolge, Roadmap im Rahmen, Umlage je Mitglied."""
    teile: list[html.Html] = []  # Überschrift steht im Notebook
    v = erg.tabelle_falls_vorhanden(T.VERBAND_EMPFEHLUNGEN)
    if v is None or v.empty:
        return html.Html.verbinden(teile + [html.hinweis(
            "Keine Verbandsempfehlungen: zu wenige Mitglieder mit Reifegrad oder kein "
            "gemeinsamer Bedarf über der Schwelle.")])
    st = erg.studie.empfehlungen
    teile.append(html.absatz(
        f"Aus Lücken, die viele Mitglieder teilen, ergeben sich "
        f"{anzahl(len(v), 'Maßnahme', 'Maßnahmen')} für {erg.studie.verband} bzw. den "
        f"IT-Dienstleister selbst: zentrale Plattformen und Shared Services, die kommunale "
        f"Maßnahmen bündeln. Die Rangfolge folgt dem Rangwert: Anteil der Mitglieder mit Bedarf "
        f"× mittlere größte Lücke dieser Mitglieder (empfohlen ab "
        f"{html.zahl(100 * st.verband_schwelle)} % Mitgliedern mit Bedarf); Voraussetzungen "
        f"stehen vor der Maßnahme, die sie braucht. Einmalige Kosten zusammen "
        f"{html.euro(v['kosten_einmalig'].sum())}, laufend {html.euro(v['kosten_jaehrlich'].sum())} "
        f"je Jahr."))
    teile.append(html.tabelle(pd.DataFrame({
        "Rang": v["rang"], "Maßnahme": v["titel"], "Bündelt": v["buendelt"],
        "Rangwert": v["rangwert"], "Begründung": v["begruendung"],
        "Dauer (Monate)": v["dauer_monate"], "Einmalig": v["kosten_einmalig"],
        "Jährlich": v["kosten_jaehrlich"]}),
        "Empfehlungen für den Verband", formate={"Einmalig": "euro", "Jährlich": "euro",
                                                 "Rang": "{:.0f}", "Dauer (Monate)": "{:.0f}",
                                                 "Rangwert": "zahl1"}, zeilenkopf="Maßnahme"))
    teile += _verband_plan(erg)
    teile += _verband_umlage(erg)
    return html.Html.verbinden(teile)


def _verband_plan(erg: Ergebnisse) -> list[html.Html]:
    rm, j, vs = (erg.tabelle_falls_vorhanden(n) for n in (
        T.VERBAND_ROADMAP, T.VERBAND_JAHRE, T.VERBAND_VERSCHIEBUNGEN))
    if j is None or j.empty:
        return []
    jahre = erg.studie.roadmap.jahre
    teile = [html.ueberschrift("Roadmap des Verbands", 3), html.absatz(str(j["satz"].iloc[0]))]
    if rm is not None and not rm.empty:
        plan = rm.sort_values(["start_quartal", "rang"])
        teile.append(html.tabelle(pd.DataFrame({
            "Rang": plan["rang"], "Maßnahme": plan["titel"], "Beginn": plan["start"],
            "Ende": plan["ende"]}), f"Zeitplan des Verbands ({anzahl(jahre, 'Jahr', 'Jahre')}, "
                                    f"Quartale; Mitglieder schließen nach dem Ende an)",
            formate={"Rang": "{:.0f}"}, zeilenkopf="Maßnahme"))
    teile.append(html.tabelle(pd.DataFrame({
        "Jahr": j["jahr"].astype(int).astype(str), "Rahmen": j["rahmen"],
        "Einmalige Kosten": j["kosten_einmalig"], "Laufende Kosten": j["kosten_laufend"],
        "Kosten gesamt": j["kosten_gesamt"], "Personentage": j["personentage"],
        "Kapazität (PT)": j["kapazitaet_personentage"]}), "Kosten des Verbands je Jahr",
        formate={"Rahmen": "euro", "Einmalige Kosten": "euro", "Laufende Kosten": "euro",
                 "Kosten gesamt": "euro", "Personentage": "zahl0", "Kapazität (PT)": "zahl0"}))
    if vs is not None and not vs.empty:
        passt = anzahl(len(vs), "Verbandsmaßnahme passt", "Verbandsmaßnahmen passen")
        teile += [html.absatz(f"{passt} nicht in den Zeitraum; die Mitglieder planen die "
                              f"gebündelten Maßnahmen bis dahin selbst:"),
                  html.liste(vs.sort_values("rang")["grund"].tolist())]
    return teile


def _verband_umlage(erg: Ergebnisse) -> list[html.Html]:
    u = erg.tabelle_falls_vorhanden(T.VERBAND_UMLAGE)
    if u is None or u.empty:
        return []
    breit = u.pivot_table(index=["name", "ags", "anteil"], columns="jahr", values="umlage",
                          aggfunc="sum").reset_index().sort_values(["anteil", "name"],
                                                                   ascending=[False, True])
    jahre = [c for c in breit.columns if isinstance(c, (int, np.integer))]
    tab = pd.DataFrame({"Mitglied": breit["name"], "AGS": breit["ags"],
                        "Anteil": 100 * breit["anteil"]}
                       | {f"Umlage {c}": breit[c] for c in jahre})
    summe = {"Mitglied": "Summe", "AGS": "", "Anteil": 100.0} | {
        f"Umlage {c}": breit[c].sum() for c in jahre}
    tab = pd.concat([tab, pd.DataFrame([summe])], ignore_index=True)
    schl = "nach Einwohnern" if u["schluessel"].iloc[0] == "einwohner" else "zu gleichen Teilen"
    return [html.ueberschrift("Was die Mitglieder zahlen", 3),
            html.absatz(f"Die Kosten des Verbands werden {schl} auf alle "
                        f"{anzahl(u['ags'].nunique(), 'Mitglied', 'Mitglieder')} umgelegt. "
                        f"Dieselben Beträge stehen in den Roadmaps der Referenzkommunen als "
                        f"Umlage; dort zählen die gebündelten Maßnahmen nicht noch einmal."),
            html.tabelle(tab, "Umlage je Mitglied und Jahr (€; Anteil in %)",
                         formate={"Anteil": "zahl2"} | {f"Umlage {c}": "euro" for c in jahre}),
            html.Html("<p>") + html.link("verband.xlsx", "Verbandsplan und Umlage als "
                                         "Excel-Datei herunterladen (verband.xlsx)")
            + html.Html("</p>")]


def personal_finanzen(erg: Ergebnisse) -> html.Html:
    """Personal- und Finanzrichtwerte je Größenklasse (Spannen) für Mitglieder ohne Referenzstatus."""
    teile: list[html.Html] = []  # Überschrift steht im Notebook
    p = erg.tabelle_falls_vorhanden(T.PERSONAL_RICHTWERTE)
    if p is None or p.empty:
        return html.Html.verbinden(teile + [html.hinweis("Keine Strukturdaten vorhanden.")])
    teile.append(html.absatz(
        "Die Richtwerte stammen aus den Daten: Je Größenklasse bilden die Kommunen mit dem "
        "höchsten Gesamtreifegrad die Spitzengruppe. Angegeben ist die Spanne vom unteren bis "
        "zum oberen Quartil dieser Gruppe – ein Zielkorridor, kein Einzelwert. Für Mitglieder "
        "ohne Referenzstatus zeigt die letzte Spalte, wie viele darunter liegen."))
    gezeigt = p[p["spitze_von"].notna()]

    def spanne(z: pd.Series) -> str:
        stellen = 0 if z["einheit"] == "€" else 1
        einheit = "" if z["einheit"] == "Stellen" else z["einheit"]
        return (f"{html.zahl(z['spitze_von'], stellen)} – "
                f"{html.zahl(z['spitze_bis'], stellen, einheit)}")

    for _, gruppe in gezeigt.groupby("kennzahl", sort=False):
        name = gruppe["kennzahl_name"].iloc[0]
        stellen = 0 if gruppe["einheit"].iloc[0] == "€" else 1
        teile.append(html.tabelle(pd.DataFrame({
            "Größenklasse": gruppe["bezeichnung"],
            "Spanne der Spitzengruppe": [spanne(z) for _, z in gruppe.iterrows()],
            "Median der Klasse": [html.zahl(x, stellen) for x in gruppe["klasse_median"]],
            "Spitzengruppe (n)": gruppe["n_spitze"], "Klasse (n)": gruppe["n_klasse"],
            "Mitglieder darunter": [f"{u} von {n}" for u, n in zip(
                gruppe["n_mitglieder_unter_spanne"], gruppe["n_mitglieder_ohne_referenz"],
                strict=True)]}), name))
    fehlt = p[p["spitze_von"].isna()].drop_duplicates("groessenklasse")
    if not fehlt.empty:
        teile.append(html.hinweis(
            "Ohne Spanne (zu wenige Kommunen mit Angaben): "
            + ", ".join(fehlt["bezeichnung"]) + "."))
    return html.Html.verbinden(teile)


def ozg_relevanz(erg: Ergebnisse) -> html.Html:
    """Anzahl relevanter OZG-Leistungen je Art und Größenklasse (Abschlussbericht)."""
    r = erg.tabelle_falls_vorhanden(T.OZG_RELEVANZ)
    if r is None or r.empty:
        return html.Html()
    return html.Html.verbinden([
        html.absatz("Gemeindeleistungen sind für alle Städte und Gemeinden relevant, "
                    "Kreisleistungen für Kreise und kreisfreie Städte sowie – je nach Leistung – "
                    "für große kreisangehörige Städte (z. B. Bauaufsicht ab GK 5)."),
        html.tabelle(r.assign(groessenklasse=r["groessenklasse"].map(
            lambda g: groessenklassen.bezeichnung(g, kurz=True))).rename(
            columns={"art": "Art", "groessenklasse": "Größenklasse",
                                       "relevante_leistungen": "Relevante Leistungen",
                                       "davon_gemeindeebene": "davon Gemeindeebene",
                                       "davon_kreisebene": "davon Kreisebene"}),
                     "Relevante Leistungen im mitgelieferten Katalog",
                     zeilenkopf=False),  # erst Art und Größenklasse zusammen benennen die Zeile
    ])
