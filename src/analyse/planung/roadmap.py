"""Roadmap: Vorhaben über ``jahre`` Jahre in Quartalen planen, innerhalb eines Jahresrahmens.

Regeln (deterministisch, greedy in der gegebenen Reihenfolge, Voraussetzungen vorn):

1. Ein Vorhaben beginnt frühestens im Quartal nach dem Ende aller seiner Voraussetzungen
   und nicht vor ``frueheste`` (etwa: wenn der Verband die Lösung liefert).
2. Einmalige Kosten und interner Aufwand (Personentage) verteilen sich gleichmäßig auf die
   Quartale der Umsetzung; laufende Kosten fallen ab dem Quartal nach dem Abschluss an
   (ein Viertel der Jahreskosten je Quartal).
3. Je Kalenderjahr dürfen vorab gebuchte Beträge (``vorbelegt``, z. B. die Umlage an den
   Verband) plus einmalige und laufende Kosten den Jahresrahmen und die Personentage die
   Jahreskapazität nicht überschreiten.
4. Gewählt wird das früheste Startquartal, mit dem alle Jahresgrenzen halten und das
   Vorhaben im Zeitraum fertig wird. Gibt es keins, wird es verschoben, ebenso alles, was
   darauf aufbaut: Eine Voraussetzung ist also nie verschoben, solange ein Vorhaben, das
   auf ihr aufbaut, geplant ist. Der Grund nennt das Jahr und die Grenze, die tatsächlich
   bindet (siehe ``_grund``).
5. ``zusatzbedarf`` sucht, wie viel mehr Geld und Personentage je Jahr alle verschobenen
   Vorhaben (außer denen, die zeitlich nicht in den Zeitraum passen) in den Plan brächten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analyse.zahlen import anzahl, euro, zahl

_EPS = 1e-6


@dataclass(frozen=True)
class Vorhaben:
    """Ein zu planendes Vorhaben (Werte für die Kostenklasse der Kommune)."""

    id: str
    titel: str
    dauer_quartale: int
    kosten_einmalig: float
    kosten_jaehrlich: float
    personentage: float
    voraussetzungen: tuple[str, ...] = ()
    frueheste: int = 0                 # frühestes Startquartal (0-basiert)
    frueheste_grund: str = ""          # z. B. "der Verband liefert „…“ ab 2028 Q2"


@dataclass
class Plan:
    """Ergebnis der Planung (Jahreswerte als Arrays der Länge ``jahre``)."""

    startjahr: int
    jahre: int
    budget: np.ndarray                 # Jahresrahmen (€)
    kapazitaet: np.ndarray             # Personentage je Jahr
    vorbelegt: np.ndarray              # vorab gebucht (€), z. B. Umlage an den Verband
    termine: dict[str, tuple[int, int]] = field(default_factory=dict)  # id → (start, ende)
    verschoben: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (engpass, grund)
    budget_genutzt: np.ndarray | None = None       # ohne ``vorbelegt``
    personentage_genutzt: np.ndarray | None = None


def quartal_name(startjahr: int, index: int) -> str:
    """0-basierter Quartalsindex → ``"2027 Q3"``."""
    return f"{startjahr + index // 4} Q{index % 4 + 1}"


def _je_jahr(wert: float | Sequence[float], jahre: int) -> np.ndarray:
    a = np.asarray(wert, dtype=float)
    return np.full(jahre, float(a)) if a.ndim == 0 else a.astype(float).copy()


def _bedarf(v: Vorhaben, start: int, jahre: int) -> tuple[np.ndarray, np.ndarray]:
    """Kosten (einmalig + laufend) und Personentage je Jahr bei Start im Quartal ``start``."""
    ei, la, t = _bedarf_teile(v, start, jahre)
    return ei + la, t


def _bedarf_teile(v: Vorhaben, start: int, jahre: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    quartale = jahre * 4
    einmalig, laufend, tage = np.zeros(jahre), np.zeros(jahre), np.zeros(jahre)
    for q in range(start, min(start + v.dauer_quartale, quartale)):
        einmalig[q // 4] += v.kosten_einmalig / v.dauer_quartale
        tage[q // 4] += v.personentage / v.dauer_quartale
    for q in range(start + v.dauer_quartale, quartale):
        laufend[q // 4] += v.kosten_jaehrlich / 4
    return einmalig, laufend, tage


@dataclass
class _Stand:
    """Was beim Planen schon belegt ist."""

    geld_frei: np.ndarray
    tage_frei: np.ndarray

    def passt(self, kosten: np.ndarray, tage: np.ndarray) -> tuple[bool, bool]:
        return (bool(np.all(kosten <= self.geld_frei + _EPS)),
                bool(np.all(tage <= self.tage_frei + _EPS)))


def planen(vorhaben: Sequence[Vorhaben], budget: float | Sequence[float],
           kapazitaet: float | Sequence[float], startjahr: int, jahre: int,
           vorbelegt: float | Sequence[float] = 0.0) -> Plan:
    """Plant ``vorhaben`` in der gegebenen Reihenfolge (Voraussetzungen müssen vorn stehen;
    Voraussetzungen, die nicht in ``vorhaben`` sind, gelten als erfüllt)."""
    plan = Plan(startjahr, jahre, _je_jahr(budget, jahre), _je_jahr(kapazitaet, jahre),
                _je_jahr(vorbelegt, jahre))
    stand = _Stand(plan.budget - plan.vorbelegt, plan.kapazitaet.copy())
    ids = {v.id for v in vorhaben}
    titel = {v.id: v.titel for v in vorhaben}
    for v in vorhaben:
        offene = [p for p in v.voraussetzungen if p in ids]
        fehlend = [p for p in offene if p not in plan.termine]
        if fehlend:
            namen = ", ".join(f"„{titel[p]}“" for p in fehlend)
            plan.verschoben[v.id] = ("voraussetzung", (
                f"„{v.titel}“ wird über {startjahr + jahre - 1} hinaus verschoben, weil die "
                f"Voraussetzung {namen} nicht im Planungszeitraum umgesetzt werden kann."))
            continue
        frueheste, warum = _frueheste(v, offene, plan, titel)
        start = _erster_start(v, frueheste, stand, jahre)
        if start is None:
            plan.verschoben[v.id] = _grund(v, frueheste, warum, stand, plan)
            continue
        kosten, tage = _bedarf(v, start, jahre)
        stand.geld_frei -= kosten
        stand.tage_frei -= tage
        plan.termine[v.id] = (start, start + v.dauer_quartale - 1)
    plan.budget_genutzt = plan.budget - plan.vorbelegt - stand.geld_frei
    plan.personentage_genutzt = plan.kapazitaet - stand.tage_frei
    return plan


def _frueheste(v: Vorhaben, offene: list[str], plan: Plan, titel: dict[str, str]
               ) -> tuple[int, str]:
    """Frühestes Startquartal und was es bestimmt (Voraussetzung oder ``v.frueheste_grund``)."""
    frueheste, warum = v.frueheste, v.frueheste_grund
    for p in offene:
        ende = plan.termine[p][1]
        if ende + 1 > frueheste:
            frueheste = ende + 1
            warum = (f"nach der Voraussetzung „{titel[p]}“, geplant bis "
                     f"{quartal_name(plan.startjahr, ende)}")
    return frueheste, warum


def _starts(v: Vorhaben, frueheste: int, jahre: int) -> range:
    return range(frueheste, jahre * 4 - v.dauer_quartale + 1)


def _erster_start(v: Vorhaben, frueheste: int, stand: _Stand, jahre: int) -> int | None:
    for start in _starts(v, frueheste, jahre):
        if all(stand.passt(*_bedarf(v, start, jahre))):
            return start
    return None


def _grund(v: Vorhaben, frueheste: int, warum: str, stand: _Stand, plan: Plan
           ) -> tuple[str, str]:
    """Engpass und deutscher Satz: welche Grenze in welchem Jahr tatsächlich bindet.

    Betrachtet werden die Starts, an denen nur eine Grenze scheitert (dort bindet sie allein);
    gibt es keinen, binden beide. Genannt wird davon der Start, bei dem relativ am wenigsten
    fehlt, mit den Jahren, in denen die bindende Grenze überschritten wäre.
    """
    ende = plan.startjahr + plan.jahre - 1
    starts = _starts(v, frueheste, plan.jahre)
    if not starts:
        return "zeit", _zeit_satz(v, frueheste, warum, plan)
    # Starts, an denen genau eine Grenze scheitert: dort bindet diese Grenze allein.
    allein = {s: ("budget" if tage_ok else "personal")
              for s, (geld_ok, tage_ok) in
              ((s, stand.passt(*_bedarf(v, s, plan.jahre))) for s in starts)
              if geld_ok != tage_ok}
    kandidaten = list(allein) or list(starts)
    start = min(kandidaten, key=lambda s: (_fehlbetrag(v, s, stand, plan), s))
    engpass = allein.get(start, "budget und personal")
    kosten, tage = _bedarf(v, start, plan.jahre)
    teile = []
    if engpass != "personal":
        teile += [_geld_teil(plan, j, kosten[j], stand.geld_frei[j])
                  for j in range(plan.jahre) if kosten[j] > stand.geld_frei[j] + _EPS]
    if engpass != "budget":
        teile += [_tage_teil(plan, j, tage[j], stand.tage_frei[j])
                  for j in range(plan.jahre) if tage[j] > stand.tage_frei[j] + _EPS]
    was = {"budget": "Das Geld reicht nicht", "personal": "Die Personalkapazität reicht nicht",
           "budget und personal": "Geld und Personalkapazität reichen nicht"}[engpass]
    return engpass, (f"„{v.titel}“ wird über {ende} hinaus verschoben. {was}: Am ehesten "
                     f"passte ein Beginn {quartal_name(plan.startjahr, start)}; dann fehlen "
                     + "; ".join(teile) + ".")


def _geld_teil(plan: Plan, j: int, noetig: float, frei: float) -> str:
    umlage = (f", davon {euro(plan.vorbelegt[j])} Umlage an den Verband"
              if plan.vorbelegt[j] > _EPS else "")
    return (f"im Jahr {plan.startjahr + j} {euro(noetig - frei)} (nötig {euro(noetig)}, frei "
            f"{euro(max(frei, 0))} vom Jahresrahmen {euro(plan.budget[j])}{umlage})")


def _tage_teil(plan: Plan, j: int, noetig: float, frei: float) -> str:
    fehlt = noetig - frei
    return (f"im Jahr {plan.startjahr + j} {_pt(fehlt)} (nötig {zahl(noetig, _stellen(noetig))}, "
            f"frei {zahl(max(frei, 0), _stellen(frei))} von {zahl(plan.kapazitaet[j])})")


def _stellen(wert: float) -> int:
    """Kleine Werte mit einer Nachkommastelle, damit nie „0 Personentage fehlen“ steht."""
    return 1 if abs(wert) < 10 and abs(wert - round(wert)) >= 0.05 else 0


def _pt(wert: float, dativ: bool = False) -> str:
    return anzahl(wert, "Personentag", "Personentagen" if dativ else "Personentage",
                  _stellen(wert))


def _fehlbetrag(v: Vorhaben, start: int, stand: _Stand, plan: Plan) -> float:
    """Relative Überschreitung beider Grenzen (Summe über die Jahre), zum Vergleich der Starts."""
    kosten, tage = _bedarf(v, start, plan.jahre)
    geld = np.clip(kosten - stand.geld_frei, 0, None) / np.maximum(plan.budget, 1.0)
    pt = np.clip(tage - stand.tage_frei, 0, None) / np.maximum(plan.kapazitaet, 1.0)
    return float(geld.sum() + pt.sum())


def _zeit_satz(v: Vorhaben, frueheste: int, warum: str, plan: Plan) -> str:
    ende = plan.startjahr + plan.jahre - 1
    if frueheste == 0:
        return (f"„{v.titel}“ dauert {anzahl(v.dauer_quartale, 'Quartal', 'Quartale')} und passt "
                f"nicht in den "
                f"Planungszeitraum bis {ende}.")
    return (f"„{v.titel}“ kann erst {quartal_name(plan.startjahr, frueheste)} beginnen "
            f"({warum}) und wäre mit {anzahl(v.dauer_quartale, 'Quartal', 'Quartalen')} Dauer "
            f"nicht bis Ende "
            f"{ende} fertig.")


# ------------------------------------------------------------------ Zusatzbedarf


def _verschoben_ausser(plan: Plan, zeitlich: set[str]) -> bool:
    return any(i not in zeitlich for i in plan.verschoben)


def zusatzbedarf(vorhaben: Sequence[Vorhaben], plan: Plan) -> tuple[float, float, set[str]]:
    """Mehr Geld (€/Jahr) und Personentage je Jahr, mit denen alle Vorhaben in den Plan
    passten, außer denen, die selbst mit unbegrenzten Mitteln nicht in den Zeitraum passen
    (dritter Wert). Gesucht wird je Grenze die kleinste Erhöhung (die andere unbegrenzt),
    dann gemeinsam geprüft und nötigenfalls beide angehoben; gerundet auf 100 € bzw. 1 PT.
    """
    if not plan.verschoben:
        return 0.0, 0.0, set()
    unbegrenzt = 1e15

    def mit(geld: float, tage: float) -> Plan:
        return planen(vorhaben, plan.budget + geld, plan.kapazitaet + tage, plan.startjahr,
                      plan.jahre, plan.vorbelegt)

    zeitlich = set(mit(unbegrenzt, unbegrenzt).verschoben)
    if not _verschoben_ausser(plan, zeitlich):
        return 0.0, 0.0, zeitlich
    oben_geld = sum(v.kosten_einmalig + v.kosten_jaehrlich for v in vorhaben) + 100
    oben_tage = sum(v.personentage for v in vorhaben) + 1

    def kleinste(pruefen, oben: float, schritt: float) -> float:
        if not pruefen(0.0):
            unten = 0.0
            while oben - unten > schritt:
                mitte = (unten + oben) / 2
                unten, oben = (unten, mitte) if pruefen(mitte) else (mitte, oben)
            return float(np.ceil(oben / schritt) * schritt)
        return 0.0

    geld = kleinste(lambda g: not _verschoben_ausser(mit(g, unbegrenzt), zeitlich), oben_geld, 100)
    tage = kleinste(lambda t: not _verschoben_ausser(mit(unbegrenzt, t), zeitlich), oben_tage, 1)
    faktor = 1.0
    while _verschoben_ausser(mit(geld * faktor, tage * faktor), zeitlich) and faktor < 64:
        faktor *= 1.25
    return (float(np.ceil(geld * faktor / 100) * 100), float(np.ceil(tage * faktor)), zeitlich)


def zusatz_satz(geld: float, tage: float, zeitlich: Sequence[str], titel: dict[str, str]) -> str:
    """Deutscher Satz zum Zusatzbedarf (leer, wenn nichts verschoben ist)."""
    saetze = []
    if geld or tage:
        was = " und ".join(t for t in (euro(geld) if geld else "",
                                       _pt(tage, dativ=True) if tage else "") if t)
        saetze.append(f"Mit {was} mehr je Jahr passten alle verschobenen Maßnahmen in den Plan"
                      + (", außer den zeitlich zu langen" if zeitlich else "") + ".")
    if zeitlich:
        namen = ", ".join(f"„{titel[i]}“" for i in sorted(zeitlich, key=titel.get))
        saetze.append(f"Auch mit mehr Mitteln nicht im Zeitraum: {namen}.")
    return " ".join(saetze)


# ------------------------------------------------------------------ Tabellen


ROADMAP_SPALTEN = ["ags", "massnahme", "titel", "start_quartal", "ende_quartal", "start", "ende",
                   "startjahr", "endjahr", "dauer_quartale", "kosten_einmalig",
                   "kosten_jaehrlich", "aufwand_personentage"]
KOSTEN_SPALTEN = ["ags", "massnahme", "jahr", "kosten_einmalig", "kosten_laufend",
                  "personentage"]
JAHRE_SPALTEN = ["ags", "jahr", "budget", "umlage_verband", "kosten_einmalig", "kosten_laufend",
                 "kosten_eigene", "kosten_gesamt", "budget_frei", "kapazitaet_personentage",
                 "personentage", "auslastung_personal"]
VERSCHOBEN_SPALTEN = ["ags", "massnahme", "titel", "engpass", "grund", "kosten_einmalig",
                      "aufwand_personentage"]


def tabellen(ags: str, plan: Plan, vorhaben: Sequence[Vorhaben],
             zusatz: dict[str, dict] | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Plan → (``roadmap``, ``roadmap_kosten``, ``roadmap_jahre``, ``verschiebungen``).

    ``zusatz`` ergänzt je Vorhaben-ID weitere Spalten (z. B. Rang, Handlungsfeld).
    """
    zusatz = zusatz or {}
    extra_sp = _extra_spalten(zusatz)
    zeilen, kosten, versch = [], [], []
    for v in vorhaben:
        extra = zusatz.get(v.id, {})
        if v.id in plan.termine:
            zeilen.append(_roadmap_zeile(ags, plan, v) | extra)
            ei, la, t = _bedarf_teile(v, plan.termine[v.id][0], plan.jahre)
            kosten += [{"ags": ags, "massnahme": v.id, **extra, "jahr": plan.startjahr + j,
                        "kosten_einmalig": ei[j], "kosten_laufend": la[j], "personentage": t[j]}
                       for j in range(plan.jahre) if ei[j] or la[j] or t[j]]
        else:
            engpass, grund = plan.verschoben[v.id]
            versch.append({"ags": ags, "massnahme": v.id, "titel": v.titel, **extra,
                           "engpass": engpass, "grund": grund,
                           "kosten_einmalig": v.kosten_einmalig,
                           "aufwand_personentage": v.personentage})
    kosten_df = pd.DataFrame(kosten, columns=[*KOSTEN_SPALTEN[:2], *extra_sp,
                                              *KOSTEN_SPALTEN[2:]])
    return (pd.DataFrame(zeilen, columns=[*ROADMAP_SPALTEN, *extra_sp]), kosten_df,
            _jahre(ags, plan, kosten_df),
            pd.DataFrame(versch, columns=[*VERSCHOBEN_SPALTEN[:3], *extra_sp,
                                          *VERSCHOBEN_SPALTEN[3:]]))


def _roadmap_zeile(ags: str, plan: Plan, v: Vorhaben) -> dict:
    s, e = plan.termine[v.id]
    return {"ags": ags, "massnahme": v.id, "titel": v.titel, "start_quartal": s + 1,
            "ende_quartal": e + 1, "start": quartal_name(plan.startjahr, s),
            "ende": quartal_name(plan.startjahr, e), "startjahr": plan.startjahr + s // 4,
            "endjahr": plan.startjahr + e // 4, "dauer_quartale": v.dauer_quartale,
            "kosten_einmalig": v.kosten_einmalig, "kosten_jaehrlich": v.kosten_jaehrlich,
            "aufwand_personentage": v.personentage}


def _jahre(ags: str, plan: Plan, kosten_df: pd.DataFrame) -> pd.DataFrame:
    jahre = []
    for j in range(plan.jahre):
        teil = kosten_df[kosten_df["jahr"] == plan.startjahr + j]
        ei, la = float(teil["kosten_einmalig"].sum()), float(teil["kosten_laufend"].sum())
        tage = float(teil["personentage"].sum())
        umlage, budget, kap = (float(plan.vorbelegt[j]), float(plan.budget[j]),
                               float(plan.kapazitaet[j]))
        jahre.append({"ags": ags, "jahr": plan.startjahr + j, "budget": budget,
                      "umlage_verband": umlage, "kosten_einmalig": ei, "kosten_laufend": la,
                      "kosten_eigene": ei + la, "kosten_gesamt": umlage + ei + la,
                      "budget_frei": budget - umlage - ei - la,
                      "kapazitaet_personentage": kap, "personentage": tage,
                      "auslastung_personal": tage / kap if kap else np.nan})
    return pd.DataFrame(jahre, columns=JAHRE_SPALTEN)


def _extra_spalten(zusatz: dict[str, dict]) -> list[str]:
    spalten: list[str] = []
    for extra in zusatz.values():
        spalten.extend(s for s in extra if s not in spalten)
    return spalten


def ohne_kosten(v: Vorhaben) -> Vorhaben:
    """Dasselbe Vorhaben ohne Geld (z. B. weil es über die Umlage bezahlt wird)."""
    return replace(v, kosten_einmalig=0.0, kosten_jaehrlich=0.0)
