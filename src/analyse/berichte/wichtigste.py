"""„Das Wichtigste“: die erste Seite eines Kommunenberichts, in fünf Minuten gelesen.

Jede Zahl hier steht weiter unten im Bericht ausführlich; dieser Abschnitt ruft dieselben
Funktionen auf (Stärken und Schwächen: ``kommune.staerken_schwaechen_daten``), damit
Zusammenfassung und Abschnitte nie auseinanderlaufen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyse.berichte import html, kommune
from analyse.berichte.kontext import ags_pruefen, feldnamen, reifegrad_breit, typmodell, typnamen
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.namen import Tabelle as T
from analyse.zahlen import anzahl, euro, zahl


def _eigene(df: pd.DataFrame, ags: str) -> pd.DataFrame:
    return df[df["ags"].astype(str) == ags] if "ags" in df.columns else df.iloc[0:0]


def reifegrad_satz(erg: Ergebnisse, ags: str) -> str:
    rg = reifegrad_breit(erg)
    wert = rg["gesamt"].get(ags, np.nan) if "gesamt" in rg else np.nan
    if pd.isna(wert):
        return "Für die aktuelle Erhebung liegt kein Gesamtreifegrad vor."
    r = _eigene(erg.tabelle_oder_leer(T.REIFEGRAD), ags)
    r = r[(r["welle"] == erg.studie.aktuelle_welle) & (r["handlungsfeld"] == "gesamt")]
    stufe = r["stufe"].iloc[0] if len(r) and isinstance(r["stufe"].iloc[0], str) else None
    satz = f"{zahl(wert)} von 100 Punkten" + (f", Stufe „{stufe}“" if stufe else "")
    u = _eigene(erg.tabelle_oder_leer(T.UNSICHERHEIT), ags)
    u = u[u["welle"] == erg.studie.aktuelle_welle] if "welle" in u else u
    if len(u) and {"wert_p05", "wert_p95"} <= set(u.columns):
        z = u.iloc[0]
        satz += (f" (Spanne in 90 % der Rechenvarianten: {zahl(z['wert_p05'])} bis "
                 f"{zahl(z['wert_p95'])})")
    return satz + "."


def typ_satz(erg: Ergebnisse, ags: str) -> str:
    """Der Typ mit seiner Sicherheit, oder das Zielprofil, wo die Studie keine Typen trägt."""
    if not typmodell(erg).typisiert:
        return "Ohne Kommunentypen ausgewertet; maßgeblich ist das eigene Zielprofil."
    typen = erg.tabelle_oder_leer(T.TYPEN)
    if typen.empty or ags not in set(typen["ags"]):
        return "Keine Typzuordnung."
    z = typen.set_index("ags").loc[ags]
    if not typmodell(erg).typstruktur_belastbar:
        return ("Die Studie zeigt keine belastbaren Kommunentypen; maßgeblich ist das eigene "
                "Zielprofil (Abschnitt Kommunentyp).")
    namen = typnamen(erg)
    sicher = f"in {int(z['treffer'])} von {int(z['wiederholungen'])} Wiederholungen"
    if z["typ"] == "mischtyp":  # die Regel ist die Lage zwischen zwei Typen, nicht die Sicherheit
        lage = (f", bei {round(100 * float(z['lage']))} % des Wegs vom einen zum anderen"
                if pd.notna(z.get("lage", np.nan)) else "")
        return (f"Keinem Typ sicher zuzuordnen (Mischtyp): Das Zielprofil liegt zwischen "
                f"„{namen.get(z['naechster_typ'], z['naechster_typ'])}“ und "
                f"„{namen.get(z['zweiter_typ'], z['zweiter_typ'])}“{lage} (Abschnitt "
                "Kommunentyp).")
    return f"„{namen.get(z['typ'], z['typ'])}“ ({sicher})."


def felder_saetze(erg: Ergebnisse, ags: str) -> tuple[str, str]:
    daten = kommune.staerken_schwaechen_daten(erg, ags)
    if daten is None:
        return "–", "–"
    namen = feldnamen(erg)

    def text(eintraege, richtung):
        if not eintraege:
            return f"Kein Handlungsfeld liegt {richtung} dem Vergleichswert."
        # Wie im Abschnitt Stärken und Schwächen: Wert, Abstand und wozu (mit dessen Wert)
        return "; ".join(f"{namen[f]} ({anzahl(round(daten.werte[f]), 'Punkt', 'Punkte')}, "
                         f"{anzahl(abs(d), 'Punkt', 'Punkte')} {richtung} "
                         f"{daten.bezug_text[f]} von {zahl(daten.bezug[f])})"
                         for f, d in eintraege) + "."

    return text(daten.staerken, "über"), text(daten.schwaechen, "unter")


def massnahmen_top(erg: Ergebnisse, ags: str, n: int = 3) -> list[str]:
    """Die ersten ``n`` Maßnahmen mit den Kosten, die die Kommune trägt (wie in der Tabelle der
    Empfehlungen): bei Maßnahmen über den Verband ihr Anteil, dazu zum Vergleich die Kosten als
    eigenes Vorhaben."""
    e = _eigene(erg.tabelle_oder_leer(T.EMPFEHLUNGEN), ags).sort_values("rang")
    verschoben = set(_eigene(erg.tabelle_oder_leer(T.VERSCHIEBUNGEN), ags).get("massnahme", []))
    r = erg.studie.roadmap
    ende = (r.startjahr or erg.studie.aktuelle_welle + 1) + r.jahre - 1
    zeilen = []
    for z in e.head(n).itertuples(index=False):
        satz = f"{z.titel}: einmalig {euro(z.kosten_einmalig)}, jährlich {euro(z.kosten_jaehrlich)}"
        if bool(getattr(z, "ueber_verband", False)):
            satz += (f" als Anteil über den Verband ({z.verband_titel}, ab {z.verband_ab}; als "
                     f"eigenes Vorhaben {euro(z.kosten_einmalig_eigen)} und "
                     f"{euro(z.kosten_jaehrlich_eigen)} jährlich)")
        if z.massnahme in verschoben:
            satz += f"; passt nicht bis {ende} in den Plan (siehe Verschobene Maßnahmen)"
        zeilen.append(satz)
    return zeilen


def laufend_danach(erg: Ergebnisse, ags: str) -> tuple[float, float, float]:
    """(eigene, Umlage, Anteil): laufende Kosten je Jahr nach dem Zeitraum.

    Eigene: jährliche Kosten der geplanten eigenen Vorhaben (Roadmap; Maßnahmen über den
    Verband kosten dort kein eigenes Geld). Umlage: Anteil der Kommune an den jährlichen Kosten
    der geplanten Verbandsmaßnahmen.
    """
    r = _eigene(erg.tabelle_oder_leer(T.ROADMAP), ags)
    eigene = float(r["kosten_jaehrlich"].sum()) if len(r) else 0.0
    u = _eigene(erg.tabelle_oder_leer(T.VERBAND_UMLAGE), ags)
    anteil = float(u["anteil"].iloc[0]) if len(u) else 0.0
    vr = erg.tabelle_oder_leer(T.VERBAND_ROADMAP)
    umlage = anteil * float(vr["kosten_jaehrlich"].sum()) if len(vr) else 0.0
    return eigene, umlage, anteil


def geld_saetze(erg: Ergebnisse, ags: str) -> tuple[str, str]:
    """Summe über den Zeitraum und laufende Kosten je Jahr danach (eigene Anteile)."""
    jahre = _eigene(erg.tabelle_oder_leer(T.ROADMAP_JAHRE), ags)
    n_jahre = erg.studie.roadmap.jahre
    if jahre.empty:
        return "–", "–"
    gesamt = float(jahre["kosten_gesamt"].sum())
    umlage = float(jahre["umlage_verband"].sum()) if "umlage_verband" in jahre else 0.0
    summe = (f"{euro(gesamt)} in {anzahl(n_jahre, 'Jahr', 'Jahren')} "
             f"({int(jahre['jahr'].min())}–{int(jahre['jahr'].max())})")
    if umlage > 0:
        summe += f", davon {euro(umlage)} Umlage an den Verband"
    eigene, umlage_danach, anteil = laufend_danach(erg, ags)
    if umlage_danach > 0:
        danach = (f"{euro(eigene + umlage_danach)} je Jahr: {euro(eigene)} für die geplanten "
                  f"eigenen Maßnahmen und {euro(umlage_danach)} Umlage für die laufenden Kosten "
                  f"des Verbands (Anteil {zahl(100 * anteil, 2)} %)")
    else:
        danach = f"{euro(eigene)} je Jahr für die geplanten Maßnahmen"
    return summe + ".", danach + "."


def verband_satz(erg: Ergebnisse, ags: str) -> str:
    e = _eigene(erg.tabelle_oder_leer(T.EMPFEHLUNGEN), ags)
    if "ueber_verband" not in e or not e["ueber_verband"].any():
        return "Keine der empfohlenen Maßnahmen kommt über den Verband."
    v = e[e["ueber_verband"].astype(bool)]
    titel = ", ".join(dict.fromkeys(v["verband_titel"].astype(str)))
    return (f"{anzahl(len(v), 'Maßnahme kommt', 'Maßnahmen kommen')} über den Verband ({titel}); "
            "die Kommune trägt dafür ihren Anteil nach dem Umlageschlüssel.")


def das_wichtigste(erg: Ergebnisse, ags: str) -> html.Html:
    ags = ags_pruefen(erg, ags)
    staerken, schwaechen = felder_saetze(erg, ags)
    summe, danach = geld_saetze(erg, ags)
    top = massnahmen_top(erg, ags)
    paare = [
        ("Reifegrad gesamt", reifegrad_satz(erg, ags)),
        ("Kommunentyp", typ_satz(erg, ags)),
        ("Stärkste Handlungsfelder", staerken),
        ("Schwächste Handlungsfelder", schwaechen),
        ("Kosten im Planungszeitraum", summe),
        ("Laufende Kosten danach", danach),
        ("Über den Verband", verband_satz(erg, ags)),
    ]
    teile = [html.Html('<div class="wichtigste">'), html.kennzahlen(paare)]
    if top:
        teile += [html.absatz("Die drei wichtigsten Maßnahmen:"), html.liste(top, geordnet=True)]
    teile.append(html.Html("</div>"))
    return html.Html.verbinden(teile)
