"""Handlungsempfehlungen: Auswahl je Referenzkommune, Roadmap, Verband, Summen.

Einstieg für die Pipeline ist ``ableiten``; alle Schritte sind reine Funktionen von
Tabellen und deterministisch (Gleichstände entscheidet die Maßnahmen-ID).

Auswahl je Referenzkommune (``auswaehlen``):

1. **Lücke je Handlungsfeld**: Zielwert ist das ``ziel_quantil`` (Voreinstellung oberes
   Quartil) des Reifegrads aller Kommunen derselben Größenklasse in der aktuellen Welle.
   Hat die Klasse weniger als ``peer_mindestgroesse`` Werte, gilt das Quantil aller
   Städte und Gemeinden bzw. aller Kreise (Spalte ``bezug`` der Tabelle ``zielwerte``).
2. **In Frage kommen** kommunale Maßnahmen, die zu Art und Größenklasse passen, deren
   Mindestreifegrad erreicht ist und die nicht schon umgesetzt sind.
   *Umgesetzt* heißt: der Reifegrad liegt in allen Handlungsfeldern der Maßnahme
   mindestens bei ihrem ``umgesetzt_ab`` (der Fragebogen fragt nicht jede Maßnahme
   einzeln ab; der Reifegrad des Feldes ist die beste verfügbare Schätzung).
   Umgesetzte Maßnahmen gelten als erfüllte Voraussetzungen.
3. **Rang** (greedy, jeweils neu berechnet): Punktwert = geschlossene Lücke
   (Σ über die Felder der Maßnahme von min(Restlücke, ``wirkung``))
   × (1 + ``gewicht_typ`` × Typpassung) × (1 − ``gewicht_voraussetzungen`` × Anteil noch
   offener Voraussetzungen). Typpassung: 1, wenn der Typ der Kommune genannt ist (oder die
   Liste leer ist), 0,5 für einen Mischtyp, dessen nächster Typ genannt ist, sonst 0.
   Nach jeder Wahl sinkt die Restlücke der Felder um die Wirkung, damit sich die
   Empfehlungen über die Felder verteilen.
4. **Voraussetzungen**: Wird eine Maßnahme gewählt, kommen ihre noch offenen
   Voraussetzungen (transitiv) mit, und zwar vor ihr. Passt das nicht mehr unter das
   ``maximum`` oder ist eine Voraussetzung nicht möglich (Mindestreifegrad, Art), wird die
   Maßnahme übersprungen. So ist jede Voraussetzung einer Empfehlung entweder selbst
   empfohlen (mit kleinerem Rang) oder schon umgesetzt.
5. **Anzahl**: gewählt wird, solange Lücken bleiben, höchstens ``maximum``; bleiben es
   weniger als ``minimum``, wird mit passenden Maßnahmen zum Ausbau aufgefüllt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyse.eingabe import ozg_katalog as ozg_katalog_modul
from analyse.eingabe.fragebogen import Fragebogen
from analyse.eingabe.groessenklassen import KOSTENKLASSE
from analyse.eingabe.massnahmen import Katalog, Massnahme
from analyse.eingabe.studie import EmpfehlungenEinstellungen, Studie
from analyse.planung import ozg as ozg_modul
from analyse.planung import personal as personal_modul
from analyse.planung import roadmap as roadmap_modul
from analyse.zahlen import zahl

EMPFEHLUNG_SPALTEN = [
    "ags", "rang", "massnahme", "titel", "beschreibung", "handlungsfelder", "hauptfeld",
    "hauptfeld_name", "ist", "ziel", "luecke", "punkte", "typ_passt", "anlass",
    "voraussetzungen", "begruendung", "dauer_monate", "aufwand_personentage", "kosten_einmalig",
    "kosten_jaehrlich", "ozg_relevant", "kostenklasse", "quelle"]




def _punkte(wert: float) -> str:
    """Abstand in Punkten, grammatisch richtig: "1 Punkt", "weniger als 1 Punkt", "5 Punkte"."""
    gerundet = round(wert)
    if gerundet == 0:
        return "weniger als 1 Punkt"
    return "1 Punkt" if gerundet == 1 else f"{zahl(wert)} Punkte"


def klassen_kurz(groessenklasse: str) -> str:
    """``GK6`` → ``GK 6``, ``K2`` → ``Kreis-GK 2``."""
    if groessenklasse.startswith("GK"):
        return f"GK {groessenklasse[2:]}"
    if groessenklasse.startswith("K"):
        return f"Kreis-GK {groessenklasse[1:]}"
    return groessenklasse


def _index_ags(df: pd.DataFrame) -> pd.DataFrame:
    df = df.set_index("ags") if "ags" in df.columns else df.copy()
    df.index = df.index.astype(str)
    return df


# ------------------------------------------------------------------ Zielwerte und Lücken


def reifegrad_breit(reifegrad: pd.DataFrame, welle: int) -> pd.DataFrame:
    """Zeilen ags, Spalten Handlungsfelder (ohne ``gesamt``)."""
    r = reifegrad[(reifegrad["welle"] == welle) & (reifegrad["handlungsfeld"] != "gesamt")]
    breit = r.pivot_table(index="ags", columns="handlungsfeld", values="wert", aggfunc="first",
                          dropna=False)
    breit.index = breit.index.astype(str)
    return breit.sort_index()


def zielwerte(breit: pd.DataFrame, kommunen: pd.DataFrame, quantil: float,
              mindestgroesse: int) -> pd.DataFrame:
    """Zielwert je Größenklasse und Handlungsfeld (Quantil; Rückfall auf Gemeinden/Kreise)."""
    k = _index_ags(kommunen)
    klasse = breit.index.map(k["groessenklasse"].astype(str))
    ist_kreis = breit.index.map(k["art"] == "Kreis").astype(bool)
    zeilen = []
    for gk in sorted(set(k["groessenklasse"].astype(str))):
        for feld in breit.columns:
            werte = breit.loc[klasse == gk, feld].dropna()
            bezug = f"der Größenklasse {klassen_kurz(gk)}"
            if len(werte) < mindestgroesse:
                kreis = gk.startswith("K")
                werte = breit.loc[ist_kreis == kreis, feld].dropna()
                bezug = "aller Kreise" if kreis else "aller Städte und Gemeinden"
            if len(werte) < mindestgroesse:
                continue
            zeilen.append({"groessenklasse": gk, "handlungsfeld": feld,
                           "ziel": float(np.quantile(werte, quantil)), "n": len(werte),
                           "bezug": bezug})
    return pd.DataFrame(zeilen, columns=["groessenklasse", "handlungsfeld", "ziel", "n", "bezug"])


# ------------------------------------------------------------------ Auswahl


@dataclass(frozen=True)
class Profil:
    """Was die Auswahl über eine Kommune wissen muss."""

    ags: str
    art: str
    groessenklasse: str
    typ: str
    naechster_typ: str
    ist: Mapping[str, float]       # Handlungsfeld → Reifegrad (NaN = unbekannt)
    ziel: Mapping[str, float]      # Handlungsfeld → Zielwert
    bezug: Mapping[str, str]       # Handlungsfeld → "der Größenklasse GK 6"


def umgesetzt(m: Massnahme, ist: Mapping[str, float]) -> bool:
    """Gilt als umgesetzt, wenn alle Felder der Maßnahme mindestens ``umgesetzt_ab`` erreichen."""
    werte = [ist.get(f, np.nan) for f in m.handlungsfelder]
    return all(pd.notna(w) and w >= m.umgesetzt_ab for w in werte)


def _mindest_erfuellt(m: Massnahme, ist: Mapping[str, float]) -> bool:
    return all(pd.notna(ist.get(f, np.nan)) and ist[f] >= wert
               for f, wert in m.voraussetzungen.mindestreifegrad.items())


def typpassung(m: Massnahme, typ: str, naechster_typ: str) -> float:
    if not m.kommunentypen or typ in m.kommunentypen:
        return 1.0
    if typ == "mischtyp" and naechster_typ in m.kommunentypen:
        return 0.5
    return 0.0


def auswaehlen(p: Profil, katalog: Katalog, e: EmpfehlungenEinstellungen
               ) -> list[tuple[Massnahme, str, str | None, float]]:
    """Wählt Maßnahmen für eine Kommune (Regeln siehe Moduldoku).

    Rückgabe in Rangfolge: (Maßnahme, Anlass, auslösende Maßnahme-ID, Punkte), Anlass
    ``luecke`` | ``voraussetzung`` | ``ausbau``.
    """
    luecke = {f: max(0.0, p.ziel[f] - w) if pd.notna(w) and f in p.ziel else 0.0
              for f, w in p.ist.items()}
    moeglich = {m.id: m for m in katalog.ebene("kommune")
                if m.passt_zu(p.art, p.groessenklasse) and _mindest_erfuellt(m, p.ist)
                and not umgesetzt(m, p.ist)}
    erledigt = {m.id for m in katalog.ebene("kommune") if umgesetzt(m, p.ist)}
    gewaehlt: list[tuple[Massnahme, str, str | None, float]] = []
    ids: set[str] = set()
    ausgeschlossen: set[str] = set()

    def offene(mid: str) -> list[str] | None:
        """Noch nötige Voraussetzungen (Voraussetzungen zuerst); None = nicht erfüllbar."""
        kette = [v for v in katalog.voraussetzungen_transitiv(mid)
                 if v not in erledigt and v not in ids]
        return None if any(v not in moeglich for v in kette) else kette

    def punkte(m: Massnahme) -> float:
        return sum(min(luecke.get(f, 0.0), m.wirkung) for f in m.handlungsfelder)

    def wert(m: Massnahme) -> float:
        direkt = m.voraussetzungen.massnahmen
        offen = sum(v not in erledigt and v not in ids for v in direkt) / len(direkt) if direkt else 0
        return (punkte(m) * (1 + e.gewicht_typ * typpassung(m, p.typ, p.naechster_typ))
                * (1 - e.gewicht_voraussetzungen * offen))

    def aufnehmen(m: Massnahme, anlass: str, ausloeser: str | None) -> None:
        gewaehlt.append((m, anlass, ausloeser, punkte(m)))
        ids.add(m.id)
        for f in m.handlungsfelder:
            if f in luecke:
                luecke[f] = max(0.0, luecke[f] - m.wirkung)

    while len(gewaehlt) < e.maximum:
        kandidaten = [m for mid, m in moeglich.items() if mid not in ids and mid not in ausgeschlossen]
        if not kandidaten:
            break
        mit_luecke = any(wert(m) > 0 for m in kandidaten)
        if not mit_luecke and len(gewaehlt) >= e.minimum:
            break

        def schluessel(m: Massnahme) -> tuple:
            # Auffüllen ohne Lücke: Typpassung, dann das schwächste eigene Feld zuerst.
            schwaechstes = min((p.ist.get(f, np.nan) for f in m.handlungsfelder),
                               key=lambda w: np.inf if pd.isna(w) else w)
            return (-wert(m), -typpassung(m, p.typ, p.naechster_typ),
                    np.inf if pd.isna(schwaechstes) else schwaechstes, m.id)

        m = min(kandidaten, key=schluessel)
        kette = offene(m.id)
        if kette is None or len(gewaehlt) + len(kette) + 1 > e.maximum:
            ausgeschlossen.add(m.id)
            continue
        for v in kette:
            aufnehmen(moeglich[v], "voraussetzung", m.id)
        aufnehmen(m, "luecke" if mit_luecke else "ausbau", None)
    return gewaehlt


def begruendung(m: Massnahme, anlass: str, ausloeser: str | None, p: Profil,
                erledigte: set[str], raenge: dict[str, int], katalog: Katalog,
                feldnamen: Mapping[str, str], typnamen: Mapping[str, str]) -> str:
    """Deutscher Satz mit den Zahlen hinter der Empfehlung."""
    saetze = []
    felder = [f for f in m.handlungsfelder if pd.notna(p.ist.get(f, np.nan)) and f in p.ziel]
    # Zuerst das Hauptfeld (erstes Feld der Maßnahme), dann nach Größe der Lücke.
    mit_luecke = sorted((f for f in felder if p.ist[f] < p.ziel[f]),
                        key=lambda f: (f != m.handlungsfelder[0], p.ist[f] - p.ziel[f], f))
    if anlass == "voraussetzung" and ausloeser:
        saetze.append(f"Die Maßnahme ist Voraussetzung für „{katalog.nach_id[ausloeser].titel}“ "
                      f"(Rang {raenge[ausloeser]}).")
    if mit_luecke:
        f = mit_luecke[0]
        saetze.append(f"Der Reifegrad im Handlungsfeld {feldnamen.get(f, f)} liegt mit "
                      f"{zahl(p.ist[f])} Punkten {_punkte(p.ziel[f] - p.ist[f])} unter dem "
                      f"Zielwert {p.bezug[f]} ({zahl(p.ziel[f])}).")
        weitere = [f"{feldnamen.get(g, g)} ({zahl(p.ist[g])} statt {zahl(p.ziel[g])})"
                   for g in mit_luecke[1:]]
        if weitere:
            saetze.append("Sie wirkt auch auf " + " und ".join(weitere) + ".")
        saetze.append(f"Erwartete Wirkung: bis zu {zahl(m.wirkung)} Punkte je Feld.")
    elif felder:
        f = min(felder, key=lambda g: (p.ist[g], g))
        saetze.append(f"Im Handlungsfeld {feldnamen.get(f, f)} erreicht die Kommune mit "
                      f"{zahl(p.ist[f])} Punkten bereits den Zielwert {p.bezug[f]} "
                      f"({zahl(p.ziel[f])}); die Maßnahme baut diesen Stand aus.")
    else:
        saetze.append("Für die Handlungsfelder dieser Maßnahme liegt kein belastbarer Reifegrad "
                      "vor; sie wird als grundlegender Schritt empfohlen.")
    passung = typpassung(m, p.typ, p.naechster_typ)
    typname = typnamen.get(p.typ, p.typ)
    if m.kommunentypen and passung == 1:
        saetze.append(f"Sie passt zu den Zielen des Kommunentyps {typname}.")
    elif passung == 0.5:
        saetze.append(f"Sie passt zum nächstgelegenen Kommunentyp "
                      f"{typnamen.get(p.naechster_typ, p.naechster_typ)}.")
    vor = m.voraussetzungen.massnahmen
    if vor:
        erfuellt = [katalog.nach_id[v].titel for v in vor if v in erledigte]
        geplant = [f"„{katalog.nach_id[v].titel}“ (Rang {raenge[v]})" for v in vor if v in raenge]
        if erfuellt:
            saetze.append("Bereits erfüllt: " + ", ".join(f"„{t}“" for t in erfuellt) + ".")
        if geplant:
            saetze.append("Baut auf " + ", ".join(geplant) + " auf.")
    return " ".join(saetze)


def empfehlungen_fuer(p: Profil, katalog: Katalog, e: EmpfehlungenEinstellungen,
                      feldnamen: Mapping[str, str],
                      typnamen: Mapping[str, str]) -> pd.DataFrame:
    """Empfehlungstabelle einer Kommune (Spalten ``EMPFEHLUNG_SPALTEN``)."""
    auswahl = auswaehlen(p, katalog, e)
    raenge = {m.id: i + 1 for i, (m, _, _, _) in enumerate(auswahl)}
    erledigte = {m.id for m in katalog.ebene("kommune") if umgesetzt(m, p.ist)}
    kk = KOSTENKLASSE.get(p.groessenklasse, p.groessenklasse)
    zeilen = []
    for rang, (m, anlass, ausloeser, punkte) in enumerate(auswahl, start=1):
        haupt = m.handlungsfelder[0]
        ist, ziel = p.ist.get(haupt, np.nan), p.ziel.get(haupt, np.nan)
        zeilen.append({
            "ags": p.ags, "rang": rang, "massnahme": m.id, "titel": m.titel,
            "beschreibung": m.beschreibung, "handlungsfelder": "; ".join(m.handlungsfelder),
            "hauptfeld": haupt, "hauptfeld_name": feldnamen.get(haupt, haupt),
            "ist": float(ist), "ziel": float(ziel),
            "luecke": float(max(0.0, ziel - ist)) if pd.notna(ist) and pd.notna(ziel) else np.nan,
            "punkte": float(punkte), "typ_passt": typpassung(m, p.typ, p.naechster_typ) > 0,
            "anlass": anlass,
            "voraussetzungen": "; ".join(m.voraussetzungen.massnahmen),
            "begruendung": begruendung(m, anlass, ausloeser, p, erledigte, raenge, katalog,
                                       feldnamen, typnamen),
            "dauer_monate": m.dauer_monate,
            "aufwand_personentage": m.aufwand(p.groessenklasse),
            "kosten_einmalig": m.kosten_einmalig(p.groessenklasse),
            "kosten_jaehrlich": m.kosten_jaehrlich(p.groessenklasse),
            "ozg_relevant": m.ozg_relevant, "kostenklasse": kk, "quelle": m.quelle})
    return pd.DataFrame(zeilen, columns=EMPFEHLUNG_SPALTEN)


# ------------------------------------------------------------------ Verband


def verband_empfehlungen(kommunen: pd.DataFrame, breit: pd.DataFrame, ziele: pd.DataFrame,
                         empfehlungen: pd.DataFrame, katalog: Katalog,
                         e: EmpfehlungenEinstellungen, mindestgroesse: int,
                         feldnamen: Mapping[str, str]) -> pd.DataFrame:
    """Empfehlungen für den Verband aus Bedarfen, die viele Mitglieder teilen.

    Ein Mitglied hat *Bedarf* an einer Verbandsmaßnahme, wenn mindestens eine der von ihr
    gebündelten kommunalen Maßnahmen für es passt, nicht umgesetzt ist und eines ihrer
    Felder mindestens ``verband_mindestluecke`` Punkte unter dem Zielwert liegt (ohne
    ``buendelt``: ein Feld der Verbandsmaßnahme). Eine bloße Lücke genügt nicht, weil bei
    einem Quartilsziel ohnehin drei Viertel der Kommunen darunter liegen.
    Rangfolge: Anteil mit Bedarf × mittlere Lücke; empfohlen wird ab ``verband_schwelle``
    Anteil, höchstens ``verband_maximum``; Voraussetzungen unter den Verbandsmaßnahmen
    kommen mit.
    Mitglieder ohne Reifegrad zählen nicht; unter ``mindestgroesse`` Mitgliedern gibt es
    keine Verbandsempfehlungen (nur Gruppenwerte).
    """
    spalten = ["rang", "massnahme", "titel", "beschreibung", "handlungsfelder", "buendelt",
               "n_mitglieder", "n_bedarf", "anteil_bedarf", "n_referenz_empfohlen",
               "mittlere_luecke", "anlass", "begruendung", "dauer_monate",
               "aufwand_personentage", "kosten_einmalig", "kosten_jaehrlich", "ozg_relevant"]
    k = _index_ags(kommunen)
    mitglieder = [a for a in k.index[k["mitglied"].fillna(False).astype(bool)] if a in breit.index]
    if len(mitglieder) < mindestgroesse:
        return pd.DataFrame(columns=spalten)
    ziel = {(z.groessenklasse, z.handlungsfeld): z.ziel for z in ziele.itertuples()}
    referenz_empf = empfehlungen.groupby("massnahme")["ags"].nunique().to_dict() \
        if not empfehlungen.empty else {}
    n_ref = int(k["referenzkommune"].fillna(False).astype(bool).sum())

    def luecke(a: str, f: str) -> float:
        gk = str(k.at[a, "groessenklasse"])
        w = breit.at[a, f] if f in breit.columns else np.nan
        z = ziel.get((gk, f))
        return max(0.0, z - w) if z is not None and pd.notna(w) else 0.0

    bewertung = []
    for v in katalog.ebene("verband"):
        bedarf, luecken = 0, []
        for a in mitglieder:
            ist = breit.loc[a].to_dict()
            if v.buendelt:
                hat = any(katalog.nach_id[b].passt_zu(k.at[a, "art"], str(k.at[a, "groessenklasse"]))
                          and not umgesetzt(katalog.nach_id[b], ist)
                          and any(luecke(a, f) >= e.verband_mindestluecke
                                  for f in katalog.nach_id[b].handlungsfelder)
                          for b in v.buendelt)
            else:
                hat = any(luecke(a, f) >= e.verband_mindestluecke for f in v.handlungsfelder)
            if hat:
                bedarf += 1
                luecken.append(max(luecke(a, f) for f in v.handlungsfelder))
        n_empf = max((referenz_empf.get(b, 0) for b in v.buendelt), default=0)
        bewertung.append((v, bedarf, float(np.mean(luecken)) if luecken else 0.0, n_empf))
    bewertung.sort(key=lambda t: (-t[1] * t[2], -t[3], t[0].id))
    gewaehlt: list[tuple] = []
    ids: set[str] = set()
    nach_id = {t[0].id: t for t in bewertung}
    for t in bewertung:
        if len(gewaehlt) >= e.verband_maximum:
            break
        if t[1] / len(mitglieder) < e.verband_schwelle or t[0].id in ids:
            continue
        kette = [x for x in katalog.voraussetzungen_transitiv(t[0].id) if x not in ids]
        if len(gewaehlt) + len(kette) + 1 > e.verband_maximum:
            continue
        for x in kette:
            gewaehlt.append((*nach_id[x], "voraussetzung", t[0].id))
            ids.add(x)
        gewaehlt.append((*t, "bedarf", None))
        ids.add(t[0].id)
    zeilen = []
    raenge = {g[0].id: i + 1 for i, g in enumerate(gewaehlt)}
    for rang, (v, bedarf, mittel, n_empf, anlass, ausloeser) in enumerate(gewaehlt, start=1):
        anteil = bedarf / len(mitglieder)
        felder = " und ".join(feldnamen.get(f, f) for f in v.handlungsfelder)
        satz = (f"{bedarf} von {len(mitglieder)} Mitgliedern ({zahl(100 * anteil)} %) haben "
                f"Bedarf bei den gebündelten Maßnahmen (Lücke ab {zahl(e.verband_mindestluecke)} Punkten); in {felder} liegen sie im Mittel "
                f"{zahl(mittel)} Punkte unter dem Zielwert ihrer Größenklasse.")
        if v.buendelt and n_ref:
            satz += (f" {n_empf} der {n_ref} Referenzkommunen wird eine dieser Maßnahmen "
                     f"empfohlen.")
        if anlass == "voraussetzung":
            satz = (f"Voraussetzung für „{katalog.nach_id[ausloeser].titel}“ "
                    f"(Rang {raenge[ausloeser]}). ") + satz
        zeilen.append({
            "rang": rang, "massnahme": v.id, "titel": v.titel, "beschreibung": v.beschreibung,
            "handlungsfelder": "; ".join(v.handlungsfelder),
            "buendelt": "; ".join(katalog.nach_id[b].titel for b in v.buendelt),
            "n_mitglieder": len(mitglieder), "n_bedarf": bedarf, "anteil_bedarf": anteil,
            "n_referenz_empfohlen": n_empf, "mittlere_luecke": mittel, "anlass": anlass,
            "begruendung": satz, "dauer_monate": v.dauer_monate,
            "aufwand_personentage": v.aufwand("GK1"), "kosten_einmalig": v.kosten_einmalig("GK1"),
            "kosten_jaehrlich": v.kosten_jaehrlich("GK1"), "ozg_relevant": v.ozg_relevant})
    return pd.DataFrame(zeilen, columns=spalten)


# ------------------------------------------------------------------ Summen


def summen(empfehlungen: pd.DataFrame, roadmap_kosten: pd.DataFrame,
           verschiebungen: pd.DataFrame, feldnamen: Mapping[str, str]
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``empfehlungen_summen`` je Handlungsfeld, ``kosten_je_feld_jahr``), mit Zeile ``gesamt``."""
    zeilen = []
    gruppen = [(f, empfehlungen[empfehlungen["hauptfeld"] == f])
               for f in sorted(set(empfehlungen["hauptfeld"]))] + [("gesamt", empfehlungen)]
    versch = set(zip(verschiebungen.get("ags", []), verschiebungen.get("massnahme", []),
                     strict=True))
    for f, teil in gruppen:
        zeilen.append({
            "handlungsfeld": f, "handlungsfeld_name": feldnamen.get(f, "Gesamt"),
            "anzahl_empfehlungen": len(teil), "anzahl_kommunen": teil["ags"].nunique(),
            "kosten_einmalig": float(teil["kosten_einmalig"].sum()),
            "kosten_jaehrlich": float(teil["kosten_jaehrlich"].sum()),
            "aufwand_personentage": float(teil["aufwand_personentage"].sum()),
            "davon_verschoben": sum((a, m) in versch for a, m in zip(teil["ags"], teil["massnahme"],
                                                                     strict=True))})
    summe = pd.DataFrame(zeilen)
    rk = roadmap_kosten.copy()
    spalten = ["handlungsfeld", "handlungsfeld_name", "jahr", "anzahl_massnahmen",
               "kosten_einmalig", "kosten_laufend", "kosten_gesamt", "personentage"]
    if rk.empty:
        return summe, pd.DataFrame(columns=spalten)
    teile = [rk.assign(handlungsfeld=rk["hauptfeld"]), rk.assign(handlungsfeld="gesamt")]
    alle = pd.concat(teile, ignore_index=True)
    j = (alle.groupby(["handlungsfeld", "jahr"], sort=True)
         .agg(anzahl_massnahmen=("massnahme", "size"), kosten_einmalig=("kosten_einmalig", "sum"),
              kosten_laufend=("kosten_laufend", "sum"), personentage=("personentage", "sum"))
         .reset_index())
    j["kosten_gesamt"] = j["kosten_einmalig"] + j["kosten_laufend"]
    j["handlungsfeld_name"] = j["handlungsfeld"].map(lambda f: feldnamen.get(f, "Gesamt"))
    return summe, j[spalten]


# ------------------------------------------------------------------ Einstieg


def _strukturwert(struktur: pd.DataFrame, ags: str, welle: int, spalte: str) -> float | None:
    if struktur is None or struktur.empty or spalte not in struktur.columns:
        return None
    t = struktur[(struktur["ags"].astype(str) == ags) & (struktur["welle"] == welle)]
    return None if t.empty or pd.isna(t[spalte].iloc[0]) else float(t[spalte].iloc[0])


def ableiten(kommunen: pd.DataFrame, reifegrad: pd.DataFrame, typen: pd.DataFrame,
             struktur: pd.DataFrame, antworten: pd.DataFrame, fragebogen: Fragebogen | None,
             studie: Studie, katalog: Katalog, ozg_katalog: pd.DataFrame,
             typnamen: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Alle Tabellen zu Empfehlungen, Roadmap, Verband, Personal und OZG.

    Rückgabe (Name → Tabelle; alle Zellen einfache Typen, Listen als ``"a; b"``):
    ``zielwerte``, ``empfehlungen``, ``roadmap``, ``roadmap_kosten``, ``roadmap_jahre``,
    ``verschiebungen``, ``verband_empfehlungen``, ``empfehlungen_summen``,
    ``kosten_je_feld_jahr``, ``personal_richtwerte``, ``ozg_stand``, ``ozg_abdeckung``,
    ``ozg_vergleich``, ``ozg_relevanz``.
    """
    welle = studie.aktuelle_welle
    mindest = studie.berichte.peer_mindestgroesse
    e, r = studie.empfehlungen, studie.roadmap
    # Namen aus Codebuch und Typkatalog; ohne sie die der mitgelieferten Vorlagen
    from analyse.demo import vorlage_namen

    vorlage_felder, vorlage_typen = vorlage_namen()
    feldnamen = ({f.id: f.name for f in fragebogen.handlungsfelder} if fragebogen
                 else vorlage_felder)
    typnamen = typnamen or vorlage_typen
    k = _index_ags(kommunen)
    k["groessenklasse"] = k["groessenklasse"].astype(str)
    breit = reifegrad_breit(reifegrad, welle)
    ziele = zielwerte(breit, k, e.ziel_quantil, mindest)
    ziel_map = {(z.groessenklasse, z.handlungsfeld): (z.ziel, z.bezug) for z in ziele.itertuples()}
    t = _index_ags(typen) if typen is not None and not typen.empty else pd.DataFrame()
    startjahr = r.startjahr or welle + 1

    empf, plaene, kosten, jahre, versch = [], [], [], [], []
    referenz = sorted(a for a in k.index[k["referenzkommune"].fillna(False).astype(bool)])
    for ags in referenz:
        gk = k.at[ags, "groessenklasse"]
        ist = breit.loc[ags].to_dict() if ags in breit.index else {}
        profil = Profil(
            ags=ags, art=k.at[ags, "art"], groessenklasse=gk,
            typ=str(t.at[ags, "typ"]) if ags in t.index else "mischtyp",
            naechster_typ=str(t.at[ags, "naechster_typ"]) if ags in t.index
            and "naechster_typ" in t.columns else "",
            ist={f: float(w) for f, w in ist.items()},
            ziel={f: z for (g, f), (z, _) in ziel_map.items() if g == gk},
            bezug={f: b for (g, f), (_, b) in ziel_map.items() if g == gk})
        tabelle = empfehlungen_fuer(profil, katalog, e, feldnamen, typnamen)
        empf.append(tabelle)
        vorhaben = [roadmap_modul.Vorhaben(
            id=z.massnahme, titel=z.titel, dauer_quartale=katalog.nach_id[z.massnahme].dauer_quartale,
            kosten_einmalig=z.kosten_einmalig, kosten_jaehrlich=z.kosten_jaehrlich,
            personentage=z.aufwand_personentage,
            voraussetzungen=tuple(katalog.nach_id[z.massnahme].voraussetzungen.massnahmen))
            for z in tabelle.itertuples()]
        budget, kapazitaet = roadmap_modul.grenzen(
            gk, r, _strukturwert(struktur, ags, welle, "digitalbudget"),
            _strukturwert(struktur, ags, welle, "it_personal"))
        plan = roadmap_modul.planen(vorhaben, budget, kapazitaet, startjahr, r.jahre)
        zusatz = {z.massnahme: {"rang": z.rang, "hauptfeld": z.hauptfeld,
                                "hauptfeld_name": z.hauptfeld_name} for z in tabelle.itertuples()}
        rm, rk, rj, rv = roadmap_modul.tabellen(ags, plan, vorhaben, zusatz)
        plaene.append(rm)
        kosten.append(rk)
        jahre.append(rj)
        versch.append(rv)

    def verbinden(teile: list[pd.DataFrame], spalten: list[str]) -> pd.DataFrame:
        teile = [x for x in teile if not x.empty]
        df = pd.concat(teile, ignore_index=True) if teile else pd.DataFrame(columns=spalten)
        return df.reindex(columns=spalten)

    zusatz_sp = ["rang", "hauptfeld", "hauptfeld_name"]
    empfehlungen = verbinden(empf, EMPFEHLUNG_SPALTEN)
    roadmap = verbinden(plaene, ["ags", "massnahme", "titel", *zusatz_sp, "start_quartal",
                                 "ende_quartal", "start", "ende", "startjahr", "endjahr",
                                 "dauer_quartale", "kosten_einmalig", "kosten_jaehrlich",
                                 "aufwand_personentage"])
    roadmap_kosten = verbinden(kosten, ["ags", "massnahme", *zusatz_sp, "jahr", "kosten_einmalig",
                                        "kosten_laufend", "personentage"])
    roadmap_jahre = verbinden(jahre, ["ags", "jahr", "budget", "kosten_einmalig",
                                      "kosten_laufend", "kosten_gesamt", "budget_frei",
                                      "kapazitaet_personentage", "personentage",
                                      "auslastung_personal"])
    verschiebungen = verbinden(versch, ["ags", "massnahme", "titel", *zusatz_sp, "engpass",
                                        "grund", "kosten_einmalig", "aufwand_personentage"])
    summe, je_jahr = summen(empfehlungen, roadmap_kosten, verschiebungen, feldnamen)
    ozg_stand = (ozg_modul.stand(k.reset_index(), antworten, fragebogen, ozg_katalog, welle)
                 if fragebogen is not None and antworten is not None else
                 pd.DataFrame(columns=["ags", "welle", "leistung", "leistung_name", "themenfeld",
                                       "ebene", "stufe"]))
    return {
        "zielwerte": ziele,
        "empfehlungen": empfehlungen,
        "roadmap": roadmap,
        "roadmap_kosten": roadmap_kosten,
        "roadmap_jahre": roadmap_jahre,
        "verschiebungen": verschiebungen,
        "verband_empfehlungen": verband_empfehlungen(k, breit, ziele, empfehlungen, katalog, e,
                                                     mindest, feldnamen),
        "empfehlungen_summen": summe,
        "kosten_je_feld_jahr": je_jahr,
        "personal_richtwerte": personal_modul.richtwerte(k, reifegrad, struktur, welle, mindest),
        "ozg_stand": ozg_stand,
        "ozg_abdeckung": ozg_modul.abdeckung(ozg_stand, k, mindest),
        "ozg_vergleich": ozg_modul.vergleich(ozg_stand, k, mindest),
        "ozg_relevanz": ozg_katalog_modul.relevanz_uebersicht(ozg_katalog),
    }
