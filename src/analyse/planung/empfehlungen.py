"""Handlungsempfehlungen: Auswahl je Referenzkommune (der Schritt „Auswahl“ der Pipeline).

Einstieg ist ``auswahl``; alle Schritte sind reine Funktionen von Tabellen und
deterministisch (Gleichstände entscheidet die Maßnahmen-ID). Verband, Roadmap und Summen
rechnen ``planung.verband`` und ``planung.plaene``.

Auswahl je Referenzkommune (``auswaehlen``):

1. **Lücke je Handlungsfeld**: Zielwert ist das ``ziel_quantil`` (Voreinstellung oberes
   Quartil) des Reifegrads aller Kommunen derselben Größenklasse in der aktuellen Welle.
   Hat die Klasse weniger als ``peer_mindestgroesse`` Werte, gilt das Quantil aller
   Städte und Gemeinden bzw. aller Kreise (Spalte ``bezug`` der Tabelle ``zielwerte``).
2. **OZG-Lücke** als zusätzliches Feld: Prozentpunkte der relevanten OZG-Leistungen ab der
   Stufe ``ozg_ziel_stufe``, die der Kommune gegenüber demselben Quantil ihrer Größenklasse
   fehlen (``planung.ozg.luecken``), mal ``gewicht_ozg``. Nur OZG-relevante Maßnahmen
   schließen sie.
3. **In Frage kommen** kommunale Maßnahmen, die zu Art und Größenklasse passen, deren
   Mindestreifegrad erreicht ist und die nicht schon umgesetzt sind.
   *Umgesetzt* heißt: der Reifegrad liegt in allen Handlungsfeldern der Maßnahme
   mindestens bei ihrem ``umgesetzt_ab`` (der Fragebogen fragt nicht jede Maßnahme
   einzeln ab; der Reifegrad des Feldes ist die beste verfügbare Schätzung). Eine
   OZG-relevante Maßnahme gilt nicht als umgesetzt, solange eine OZG-Lücke besteht.
   Umgesetzte Maßnahmen gelten als erfüllte Voraussetzungen.
4. **Rang** (greedy, jeweils neu berechnet): Punktwert = geschlossene Lücke
   (Σ über die Felder der Maßnahme und die OZG-Lücke von min(Restlücke, ``wirkung``))
   × (1 + ``gewicht_typ`` × Typpassung) × (1 − ``gewicht_voraussetzungen`` × Anteil noch
   offener Voraussetzungen). Typpassung: 1, wenn der Typ der Kommune genannt ist (oder die
   Liste leer ist), 0,5 für einen Mischtyp, dessen nächster Typ genannt ist, sonst 0.
   Zeigt die Studie keine belastbare Typenstruktur (``typstruktur=False``), entfällt der
   Typzuschlag. Nach jeder Wahl sinkt die Restlücke um die Wirkung, damit sich die
   Empfehlungen über die Felder verteilen.
5. **Voraussetzungen**: Wird eine Maßnahme gewählt, kommen ihre noch offenen
   Voraussetzungen (transitiv) mit, und zwar vor ihr. Passt das nicht mehr unter das
   ``maximum`` oder ist eine Voraussetzung nicht möglich (Mindestreifegrad, Art), wird die
   Maßnahme übersprungen. So ist jede Voraussetzung einer Empfehlung entweder selbst
   empfohlen (mit kleinerem Rang) oder schon umgesetzt.
6. **Anzahl nach Bedarf**: gewählt wird, solange eine Maßnahme noch Lücke schließt,
   höchstens ``maximum`` (Bedarf). Ist der Bedarf kleiner als ``minimum``, wird mit passenden
   Maßnahmen zum Ausbau aufgefüllt (Anlass ``ausbau``). Gibt der Katalog weniger her, sagt
   die Tabelle ``empfehlungen_anzahl``, warum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyse.eingabe.groessenklassen import KOSTENKLASSE, kurz
from analyse.eingabe.massnahmen import Katalog, Massnahme
from analyse.eingabe.studie import EmpfehlungenEinstellungen, Studie
from analyse.namen import Tabelle as T
from analyse.zahlen import anzahl, zahl

#: Die Verbandsspalten füllt ``planung.verband.einbeziehen``; hier stehen Voreinstellungen.
EMPFEHLUNG_SPALTEN = [
    "ags", "rang", "massnahme", "titel", "beschreibung", "handlungsfelder", "hauptfeld",
    "hauptfeld_name", "ist", "ziel", "luecke", "punkte", "typ_passt", "anlass",
    "voraussetzungen", "begruendung", "dauer_monate", "dauer_quartale", "aufwand_personentage",
    "kosten_einmalig", "kosten_jaehrlich", "ozg_relevant", "kostenklasse", "quelle",
    "ueber_verband", "verband_massnahme", "verband_titel", "verband_ab", "verband_ab_quartal",
    "kosten_einmalig_eigen", "kosten_jaehrlich_eigen", "aufwand_personentage_eigen"]
ANZAHL_SPALTEN = ["ags", "n_empfohlen", "n_bedarf", "n_ausbau", "n_moeglich", "n_umgesetzt",
                  "n_unpassend", "n_mindestreifegrad", "satz"]
OZG = "ozg"  # Schlüssel der OZG-Lücke unter den Feldlücken


@dataclass(frozen=True)
class Namen:
    """Anzeigenamen aus Codebuch (Handlungsfelder) und Typkatalog (Typen)."""

    felder: Mapping[str, str]
    typen: Mapping[str, str]


def _punkte(wert: float) -> str:
    """Abstand in Punkten, grammatisch richtig: "1 Punkt", "weniger als 1 Punkt", "5 Punkte"."""
    if round(wert) == 0:
        return "weniger als 1 Punkt"
    return anzahl(wert, "Punkt", "Punkte")


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


def _zielwert(breit: pd.DataFrame, klasse: pd.Index, ist_kreis: np.ndarray, gk: str, feld: str,
              quantil: float, mindestgroesse: int) -> dict | None:
    werte = breit.loc[klasse == gk, feld].dropna()
    bezug = f"der Größenklasse {kurz(gk)}"
    if len(werte) < mindestgroesse:
        kreis = gk.startswith("K")
        werte = breit.loc[ist_kreis == kreis, feld].dropna()
        bezug = "aller Kreise" if kreis else "aller Städte und Gemeinden"
    if len(werte) < mindestgroesse:
        return None
    return {"groessenklasse": gk, "handlungsfeld": feld,
            "ziel": float(np.quantile(werte, quantil)), "n": len(werte), "bezug": bezug}


def zielwerte(breit: pd.DataFrame, kommunen: pd.DataFrame, quantil: float,
              mindestgroesse: int) -> pd.DataFrame:
    """Zielwert je Größenklasse und Handlungsfeld (Quantil; Rückfall auf Gemeinden/Kreise)."""
    k = _index_ags(kommunen)
    klasse = breit.index.map(k["groessenklasse"].astype(str))
    ist_kreis = np.asarray(breit.index.map(k["art"] == "Kreis"), dtype=bool)
    zeilen = [_zielwert(breit, klasse, ist_kreis, gk, feld, quantil, mindestgroesse)
              for gk in sorted(set(k["groessenklasse"].astype(str))) for feld in breit.columns]
    return pd.DataFrame([z for z in zeilen if z],
                        columns=["groessenklasse", "handlungsfeld", "ziel", "n", "bezug"])


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
    ozg_anteil: float = np.nan     # Anteil relevanter Leistungen ab der Zielstufe (0–1)
    ozg_ziel: float = np.nan       # Zielquantil der Vergleichsgruppe (0–1)
    ozg_bezug: str = ""
    typbonus: bool = True          # False: Studie ohne belastbare Typenstruktur

    @property
    def ozg_luecke(self) -> float:
        """OZG-Lücke in Prozentpunkten (0, wenn unbekannt)."""
        if pd.isna(self.ozg_anteil) or pd.isna(self.ozg_ziel):
            return 0.0
        return max(0.0, 100 * (self.ozg_ziel - self.ozg_anteil))


def umgesetzt(m: Massnahme, ist: Mapping[str, float], ozg_luecke: float = 0.0) -> bool:
    """Gilt als umgesetzt, wenn alle Felder der Maßnahme mindestens ``umgesetzt_ab`` erreichen
    (OZG-relevante nur, wenn keine OZG-Lücke besteht)."""
    if m.ozg_relevant and ozg_luecke > 0:
        return False
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


@dataclass
class _Auswahl:
    """Zustand der greedy Auswahl für eine Kommune (Regeln siehe Moduldoku)."""

    p: Profil
    katalog: Katalog
    e: EmpfehlungenEinstellungen
    luecke: dict[str, float] = field(default_factory=dict)
    moeglich: dict[str, Massnahme] = field(default_factory=dict)
    erledigt: set[str] = field(default_factory=set)
    gewaehlt: list[tuple[Massnahme, str, str | None, float]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    ausgeschlossen: set[str] = field(default_factory=set)
    n_bedarf: int = 0

    def __post_init__(self) -> None:
        p = self.p
        self.luecke = {f: max(0.0, p.ziel[f] - w) if pd.notna(w) and f in p.ziel else 0.0
                       for f, w in p.ist.items()}
        self.luecke[OZG] = self.e.gewicht_ozg * p.ozg_luecke
        kommunal = self.katalog.ebene("kommune")
        self.erledigt = {m.id for m in kommunal if umgesetzt(m, p.ist, p.ozg_luecke)}
        self.moeglich = {m.id: m for m in kommunal
                         if m.passt_zu(p.art, p.groessenklasse) and _mindest_erfuellt(m, p.ist)
                         and m.id not in self.erledigt}

    def typ(self, m: Massnahme) -> float:
        return typpassung(m, self.p.typ, self.p.naechster_typ) if self.p.typbonus else 0.0

    def punkte(self, m: Massnahme) -> float:
        felder = [*m.handlungsfelder, *([OZG] if m.ozg_relevant else [])]
        return sum(min(self.luecke.get(f, 0.0), m.wirkung) for f in felder)

    def wert(self, m: Massnahme) -> float:
        direkt = m.voraussetzungen.massnahmen
        offen = (sum(v not in self.erledigt and v not in self.ids for v in direkt) / len(direkt)
                 if direkt else 0)
        return (self.punkte(m) * (1 + self.e.gewicht_typ * self.typ(m))
                * (1 - self.e.gewicht_voraussetzungen * offen))

    def offene(self, mid: str) -> list[str] | None:
        """Noch nötige Voraussetzungen (Voraussetzungen zuerst); None = nicht erfüllbar."""
        kette = [v for v in self.katalog.voraussetzungen_transitiv(mid)
                 if v not in self.erledigt and v not in self.ids]
        return None if any(v not in self.moeglich for v in kette) else kette

    def aufnehmen(self, m: Massnahme, anlass: str, ausloeser: str | None) -> None:
        self.gewaehlt.append((m, anlass, ausloeser, self.punkte(m)))
        self.ids.add(m.id)
        for f in [*m.handlungsfelder, *([OZG] if m.ozg_relevant else [])]:
            if f in self.luecke:
                self.luecke[f] = max(0.0, self.luecke[f] - m.wirkung)

    def schluessel(self, m: Massnahme) -> tuple:
        # Auffüllen ohne Lücke: Typpassung, dann das schwächste eigene Feld zuerst.
        werte = [self.p.ist.get(f, np.nan) for f in m.handlungsfelder]
        schwaechstes = min((np.inf if pd.isna(w) else w) for w in werte)
        return (-self.wert(m), -self.typ(m), schwaechstes, m.id)

    def schritt(self) -> bool:
        """Wählt die nächste Maßnahme (mit Voraussetzungen); False, wenn Schluss ist."""
        kandidaten = [m for mid, m in self.moeglich.items()
                      if mid not in self.ids and mid not in self.ausgeschlossen]
        if not kandidaten:
            return False
        mit_luecke = any(self.wert(m) > 0 for m in kandidaten)
        if not mit_luecke and len(self.gewaehlt) >= self.e.minimum:
            return False
        m = min(kandidaten, key=self.schluessel)
        kette = self.offene(m.id)
        if kette is None or len(self.gewaehlt) + len(kette) + 1 > self.e.maximum:
            self.ausgeschlossen.add(m.id)
            return True
        for v in kette:
            self.aufnehmen(self.moeglich[v], "voraussetzung", m.id)
        self.aufnehmen(m, "luecke" if mit_luecke else "ausbau", None)
        if mit_luecke:
            self.n_bedarf = len(self.gewaehlt)
        return True

    def ausfuehren(self) -> _Auswahl:
        while len(self.gewaehlt) < self.e.maximum and self.schritt():
            pass
        return self


def auswaehlen(p: Profil, katalog: Katalog, e: EmpfehlungenEinstellungen
               ) -> list[tuple[Massnahme, str, str | None, float]]:
    """Wählt Maßnahmen für eine Kommune (Regeln siehe Moduldoku).

    Rückgabe in Rangfolge: (Maßnahme, Anlass, auslösende Maßnahme-ID, Punkte), Anlass
    ``luecke`` | ``voraussetzung`` | ``ausbau``.
    """
    return _Auswahl(p, katalog, e).ausfuehren().gewaehlt


def anzahl_zeile(p: Profil, katalog: Katalog, e: EmpfehlungenEinstellungen) -> dict:
    """Wie viele Maßnahmen der Bedarf verlangt, wie viele empfohlen sind, und warum."""
    a = _Auswahl(p, katalog, e).ausfuehren()
    kommunal = katalog.ebene("kommune")
    unpassend = sum(not m.passt_zu(p.art, p.groessenklasse) for m in kommunal)
    mindest = sum(m.passt_zu(p.art, p.groessenklasse) and m.id not in a.erledigt
                  and not _mindest_erfuellt(m, p.ist) for m in kommunal)
    n, bedarf = len(a.gewaehlt), a.n_bedarf
    zeile = {"ags": p.ags, "n_empfohlen": n, "n_bedarf": bedarf, "n_ausbau": n - bedarf,
             "n_moeglich": len(a.moeglich), "n_umgesetzt": len(a.erledigt),
             "n_unpassend": unpassend, "n_mindestreifegrad": mindest}
    zeile["satz"] = _anzahl_satz(zeile, e)
    return zeile


def _anzahl_satz(z: Mapping, e: EmpfehlungenEinstellungen) -> str:
    n, bedarf = z["n_empfohlen"], z["n_bedarf"]
    if bedarf >= e.maximum:
        satz = (f"Der Bedarf ist größer als die Höchstzahl: Empfohlen werden die "
                f"{anzahl(n, 'wichtigste Maßnahme', 'wichtigsten Maßnahmen')}.")
    elif bedarf >= e.minimum:
        satz = (f"Die Lücken zu den Zielwerten verlangen "
                f"{anzahl(bedarf, 'Maßnahme', 'Maßnahmen')} (mit Voraussetzungen).")
    else:
        satz = (f"Die Lücken zu den Zielwerten verlangen "
                f"{anzahl(bedarf, 'Maßnahme', 'Maßnahmen')} (mit Voraussetzungen)")
        satz += (f"; {anzahl(n - bedarf, 'weitere baut', 'weitere bauen')} vorhandene Stärken "
                 f"aus, damit die Mindestzahl von {e.minimum} erreicht ist." if n > bedarf
                 else ".")
    if n < e.minimum:
        satz += (f" Mehr als {anzahl(n, 'Maßnahme', 'Maßnahmen')} geben Katalog und Stand "
                 f"nicht her: {anzahl(z['n_umgesetzt'], 'Maßnahme gilt', 'Maßnahmen gelten')} "
                 f"nach dem Reifegrad als umgesetzt, "
                 f"{anzahl(z['n_unpassend'], 'passt', 'passen')} nicht zu Art oder Größe, "
                 f"{anzahl(z['n_mindestreifegrad'], 'verlangt', 'verlangen')} einen höheren "
                 f"Reifegrad als Voraussetzung.")
    return satz


# ------------------------------------------------------------------ Begründung


def _luecken_saetze(m: Massnahme, p: Profil, feldnamen: Mapping[str, str]) -> list[str]:
    felder = [f for f in m.handlungsfelder if pd.notna(p.ist.get(f, np.nan)) and f in p.ziel]
    # Zuerst das Hauptfeld (erstes Feld der Maßnahme), dann nach Größe der Lücke.
    mit_luecke = sorted((f for f in felder if p.ist[f] < p.ziel[f]),
                        key=lambda f: (f != m.handlungsfelder[0], p.ist[f] - p.ziel[f], f))
    if mit_luecke:
        f = mit_luecke[0]
        saetze = [f"Der Reifegrad im Handlungsfeld {feldnamen.get(f, f)} liegt mit "
                  f"{anzahl(p.ist[f], 'Punkt', 'Punkten')} {_punkte(p.ziel[f] - p.ist[f])} "
                  f"unter dem Zielwert {p.bezug[f]} ({zahl(p.ziel[f])})."]
        weitere = [f"{feldnamen.get(g, g)} ({zahl(p.ist[g])} statt {zahl(p.ziel[g])})"
                   for g in mit_luecke[1:]]
        if weitere:
            saetze.append("Sie wirkt auch auf " + " und ".join(weitere) + ".")
        saetze.append(f"Erwartete Wirkung: bis zu {_punkte(m.wirkung)} je Feld.")
        return saetze
    if felder:
        f = min(felder, key=lambda g: (p.ist[g], g))
        return [f"Im Handlungsfeld {feldnamen.get(f, f)} erreicht die Kommune mit "
                f"{anzahl(p.ist[f], 'Punkt', 'Punkten')} bereits den Zielwert {p.bezug[f]} "
                f"({zahl(p.ziel[f])}); die Maßnahme baut diesen Stand aus."]
    return ["Für die Handlungsfelder dieser Maßnahme liegt kein belastbarer Reifegrad vor; "
            "sie wird als grundlegender Schritt empfohlen."]


def _ozg_satz(m: Massnahme, p: Profil) -> list[str]:
    if not m.ozg_relevant or p.ozg_luecke <= 0:
        return []
    return [f"Von den für die Kommune relevanten OZG-Leistungen erreichen "
            f"{zahl(100 * p.ozg_anteil)} % die Zielstufe; der Zielwert {p.ozg_bezug} liegt bei "
            f"{zahl(100 * p.ozg_ziel)} %. Die Maßnahme trägt zur OZG-Umsetzung bei."]


def _typ_satz(m: Massnahme, p: Profil, typnamen: Mapping[str, str]) -> list[str]:
    if not p.typbonus:
        return []
    passung = typpassung(m, p.typ, p.naechster_typ)
    if m.kommunentypen and passung == 1:
        return [f"Sie passt zu den Zielen des Kommunentyps {typnamen.get(p.typ, p.typ)}."]
    if passung == 0.5:
        return [f"Sie passt zum nächstgelegenen Kommunentyp "
                f"{typnamen.get(p.naechster_typ, p.naechster_typ)}."]
    return []


def _voraussetzung_saetze(m: Massnahme, erledigte: set[str], raenge: dict[str, int],
                          katalog: Katalog) -> list[str]:
    vor = m.voraussetzungen.massnahmen
    erfuellt = [katalog.nach_id[v].titel for v in vor if v in erledigte]
    geplant = [f"„{katalog.nach_id[v].titel}“ (Rang {raenge[v]})" for v in vor if v in raenge]
    saetze = []
    if erfuellt:
        saetze.append("Bereits erfüllt: " + ", ".join(f"„{t}“" for t in erfuellt) + ".")
    if geplant:
        saetze.append("Baut auf " + ", ".join(geplant) + " auf.")
    return saetze


def begruendung(m: Massnahme, anlass: str, ausloeser: str | None, p: Profil,
                erledigte: set[str], raenge: dict[str, int], katalog: Katalog,
                namen: Namen) -> str:
    """Deutscher Satz mit den Zahlen hinter der Empfehlung."""
    saetze = []
    if anlass == "voraussetzung" and ausloeser:
        saetze.append(f"Die Maßnahme ist Voraussetzung für „{katalog.nach_id[ausloeser].titel}“ "
                      f"(Rang {raenge[ausloeser]}).")
    saetze += _luecken_saetze(m, p, namen.felder)
    saetze += _ozg_satz(m, p)
    saetze += _typ_satz(m, p, namen.typen)
    saetze += _voraussetzung_saetze(m, erledigte, raenge, katalog)
    return " ".join(saetze)


def empfehlungen_fuer(p: Profil, katalog: Katalog, e: EmpfehlungenEinstellungen,
                      namen: Namen) -> pd.DataFrame:
    """Empfehlungstabelle einer Kommune (Spalten ``EMPFEHLUNG_SPALTEN``)."""
    auswahl_ = auswaehlen(p, katalog, e)
    raenge = {m.id: i + 1 for i, (m, _, _, _) in enumerate(auswahl_)}
    erledigte = {m.id for m in katalog.ebene("kommune") if umgesetzt(m, p.ist, p.ozg_luecke)}
    kk = KOSTENKLASSE.get(p.groessenklasse, p.groessenklasse)
    zeilen = []
    for rang, (m, anlass, ausloeser, punkte) in enumerate(auswahl_, start=1):
        haupt = m.handlungsfelder[0]
        ist, ziel = p.ist.get(haupt, np.nan), p.ziel.get(haupt, np.nan)
        kosten = (m.kosten_einmalig(p.groessenklasse), m.kosten_jaehrlich(p.groessenklasse))
        aufwand = m.aufwand(p.groessenklasse)
        zeilen.append({
            "ags": p.ags, "rang": rang, "massnahme": m.id, "titel": m.titel,
            "beschreibung": m.beschreibung, "handlungsfelder": "; ".join(m.handlungsfelder),
            "hauptfeld": haupt, "hauptfeld_name": namen.felder.get(haupt, haupt),
            "ist": float(ist), "ziel": float(ziel),
            "luecke": float(max(0.0, ziel - ist)) if pd.notna(ist) and pd.notna(ziel) else np.nan,
            "punkte": float(punkte), "typ_passt": typpassung(m, p.typ, p.naechster_typ) > 0,
            "anlass": anlass, "voraussetzungen": "; ".join(m.voraussetzungen.massnahmen),
            "begruendung": begruendung(m, anlass, ausloeser, p, erledigte, raenge, katalog,
                                       namen),
            "dauer_monate": m.dauer_monate, "dauer_quartale": m.dauer_quartale,
            "aufwand_personentage": aufwand, "kosten_einmalig": kosten[0],
            "kosten_jaehrlich": kosten[1], "ozg_relevant": m.ozg_relevant, "kostenklasse": kk,
            "quelle": m.quelle, "ueber_verband": False, "verband_massnahme": "",
            "verband_titel": "", "verband_ab": "", "verband_ab_quartal": -1,
            "kosten_einmalig_eigen": kosten[0], "kosten_jaehrlich_eigen": kosten[1],
            "aufwand_personentage_eigen": aufwand})
    return pd.DataFrame(zeilen, columns=EMPFEHLUNG_SPALTEN)


# ------------------------------------------------------------------ Schritt „Auswahl“


def _profil(ags: str, k: pd.DataFrame, breit: pd.DataFrame, ziele: pd.DataFrame,
            typen: pd.DataFrame, ozg: pd.DataFrame, typstruktur: bool) -> Profil:
    gk = str(k.at[ags, "groessenklasse"])
    z = ziele[ziele["groessenklasse"] == gk]
    ist = breit.loc[ags].to_dict() if ags in breit.index else {}
    o = ozg.loc[ags] if ags in ozg.index else None
    return Profil(
        ags=ags, art=str(k.at[ags, "art"]), groessenklasse=gk,
        typ=str(typen.at[ags, "typ"]) if ags in typen.index else "mischtyp",
        naechster_typ=str(typen.at[ags, "naechster_typ"])
        if ags in typen.index and "naechster_typ" in typen.columns else "",
        ist={f: float(w) for f, w in ist.items()},
        ziel=dict(zip(z["handlungsfeld"], z["ziel"], strict=True)),
        bezug=dict(zip(z["handlungsfeld"], z["bezug"], strict=True)),
        ozg_anteil=float(o["anteil"]) if o is not None else np.nan,
        ozg_ziel=float(o["ziel"]) if o is not None else np.nan,
        ozg_bezug=str(o["bezug"]) if o is not None else "", typbonus=typstruktur)


def _verbinden(teile: list[pd.DataFrame], spalten: list[str]) -> pd.DataFrame:
    teile = [x for x in teile if not x.empty]
    df = pd.concat(teile, ignore_index=True) if teile else pd.DataFrame(columns=spalten)
    return df.reindex(columns=spalten)


def auswahl(kommunen: pd.DataFrame, reifegrad: pd.DataFrame, typen: pd.DataFrame | None,
            ozg_luecken: pd.DataFrame | None, katalog: Katalog, studie: Studie, namen: Namen,
            typstruktur: bool = True) -> dict[str, pd.DataFrame]:
    """Der Schritt „Auswahl“: ``zielwerte``, ``empfehlungen`` (je Referenzkommune) und
    ``empfehlungen_anzahl`` (Bedarf, Anzahl und warum)."""
    e = studie.empfehlungen
    k = _index_ags(kommunen)
    k["groessenklasse"] = k["groessenklasse"].astype(str)
    breit = reifegrad_breit(reifegrad, studie.aktuelle_welle)
    ziele = zielwerte(breit, k, e.ziel_quantil, studie.berichte.peer_mindestgroesse)
    t = _index_ags(typen) if typen is not None and not typen.empty else pd.DataFrame()
    if "typstruktur_belastbar" in t.columns:  # die Typisierung sagt es je Zeile
        typstruktur = typstruktur and bool(t["typstruktur_belastbar"].astype(bool).all())
    o = (_index_ags(ozg_luecken) if ozg_luecken is not None and not ozg_luecken.empty
         else pd.DataFrame())
    referenz = sorted(k.index[k["referenzkommune"].fillna(False).astype(bool)])
    profile = [_profil(a, k, breit, ziele, t, o, typstruktur) for a in referenz]
    return {
        T.ZIELWERTE: ziele,
        T.EMPFEHLUNGEN: _verbinden([empfehlungen_fuer(p, katalog, e, namen) for p in profile],
                                   EMPFEHLUNG_SPALTEN),
        T.EMPFEHLUNGEN_ANZAHL: pd.DataFrame([anzahl_zeile(p, katalog, e) for p in profile],
                                            columns=ANZAHL_SPALTEN),
    }
