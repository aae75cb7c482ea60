"""Roadmap: die empfohlenen Maßnahmen einer Kommune über ``jahre`` Jahre in Quartalen planen.

Regeln (deterministisch, greedy in Rangfolge der Empfehlung):

1. Eine Maßnahme beginnt frühestens im Quartal nach dem Ende aller ihrer Voraussetzungen.
2. Einmalige Kosten und interner Aufwand (Personentage) verteilen sich gleichmäßig auf die
   Quartale der Umsetzung; laufende Kosten fallen ab dem Quartal nach dem Abschluss an
   (ein Viertel der Jahreskosten je Quartal).
3. Je Kalenderjahr dürfen die Summen aus einmaligen und laufenden Kosten das Jahresbudget
   und die Summe der Personentage die Jahreskapazität nicht überschreiten.
4. Gesucht wird das früheste Startquartal, mit dem alle Jahresgrenzen halten und die
   Maßnahme im Planungszeitraum fertig wird. Gibt es keins, wird die Maßnahme verschoben;
   der Grund (Budget, Personal, Zeit oder verschobene Voraussetzung) wird mit Zahlen
   in einem deutschen Satz genannt. Maßnahmen, die auf eine verschobene aufbauen,
   werden ebenfalls verschoben.

Budget und Kapazität kommen aus ``RoadmapEinstellungen`` (Voreinstellung je Kostenklasse,
optional ein Anteil des gemeldeten Digitalbudgets bzw. IT-Personals, siehe ``grenzen``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyse.eingabe.groessenklassen import KOSTENKLASSE
from analyse.eingabe.studie import RoadmapEinstellungen
from analyse.zahlen import euro, zahl


@dataclass(frozen=True)
class Vorhaben:
    """Eine zu planende Maßnahme (Werte für die Kostenklasse der Kommune)."""

    id: str
    titel: str
    dauer_quartale: int
    kosten_einmalig: float
    kosten_jaehrlich: float
    personentage: float
    voraussetzungen: tuple[str, ...] = ()


@dataclass
class Plan:
    """Ergebnis der Planung einer Kommune."""

    startjahr: int
    jahre: int
    budget: float
    kapazitaet: float
    termine: dict[str, tuple[int, int]] = field(default_factory=dict)  # id → (start, ende), 0-basiert
    verschoben: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (engpass, grund)
    budget_genutzt: np.ndarray | None = None
    personentage_genutzt: np.ndarray | None = None




def quartal_name(startjahr: int, index: int) -> str:
    """0-basierter Quartalsindex → ``"2027 Q3"``."""
    return f"{startjahr + index // 4} Q{index % 4 + 1}"


def _bedarf(v: Vorhaben, start: int, jahre: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Einmalige Kosten, laufende Kosten und Personentage je Jahr bei Start im Quartal ``start``."""
    quartale = jahre * 4
    einmalig, laufend, tage = np.zeros(jahre), np.zeros(jahre), np.zeros(jahre)
    for q in range(start, min(start + v.dauer_quartale, quartale)):
        einmalig[q // 4] += v.kosten_einmalig / v.dauer_quartale
        tage[q // 4] += v.personentage / v.dauer_quartale
    for q in range(start + v.dauer_quartale, quartale):
        laufend[q // 4] += v.kosten_jaehrlich / 4
    return einmalig, laufend, tage


def planen(vorhaben: Sequence[Vorhaben], budget: float, kapazitaet: float, startjahr: int,
           jahre: int = 3) -> Plan:
    """Plant ``vorhaben`` in der gegebenen Reihenfolge (Voraussetzungen müssen vorn stehen;
    Voraussetzungen, die nicht in ``vorhaben`` sind, gelten als erfüllt)."""
    plan = Plan(startjahr, jahre, budget, kapazitaet)
    quartale = jahre * 4
    genutzt_budget, genutzt_tage = np.zeros(jahre), np.zeros(jahre)
    ids = {v.id for v in vorhaben}
    titel = {v.id: v.titel for v in vorhaben}
    ende_zeitraum = startjahr + jahre - 1
    for v in vorhaben:
        offene = [p for p in v.voraussetzungen if p in ids]
        verschobene = [p for p in offene if p in plan.verschoben or p not in plan.termine]
        if verschobene:
            namen = ", ".join(f"„{titel[p]}“" for p in verschobene)
            plan.verschoben[v.id] = ("voraussetzung",
                                     f"„{v.titel}“ wird verschoben, weil die Voraussetzung "
                                     f"{namen} nicht bis {ende_zeitraum} umgesetzt werden kann.")
            continue
        frueheste = max([plan.termine[p][1] + 1 for p in offene], default=0)
        gefunden = None
        for start in range(frueheste, quartale - v.dauer_quartale + 1):
            e, la, t = _bedarf(v, start, jahre)
            if (np.all(genutzt_budget + e + la <= budget + 1e-6)
                    and np.all(genutzt_tage + t <= kapazitaet + 1e-6)):
                gefunden = start
                genutzt_budget += e + la
                genutzt_tage += t
                break
        if gefunden is not None:
            plan.termine[v.id] = (gefunden, gefunden + v.dauer_quartale - 1)
            continue
        plan.verschoben[v.id] = _grund(v, frueheste, genutzt_budget, genutzt_tage, budget,
                                       kapazitaet, startjahr, jahre)
    plan.budget_genutzt, plan.personentage_genutzt = genutzt_budget, genutzt_tage
    return plan


def _grund(v: Vorhaben, frueheste: int, genutzt_budget: np.ndarray, genutzt_tage: np.ndarray,
           budget: float, kapazitaet: float, startjahr: int, jahre: int) -> tuple[str, str]:
    """Engpass und deutscher Satz mit Zahlen, warum ``v`` nicht in den Zeitraum passt."""
    ende = startjahr + jahre - 1
    quartale = jahre * 4
    if frueheste + v.dauer_quartale > quartale:
        if frueheste == 0:
            return ("zeit", f"„{v.titel}“ dauert {v.dauer_quartale} Quartale und passt nicht "
                            f"in den Planungszeitraum bis {ende}.")
        return ("zeit", f"„{v.titel}“ kann erst nach ihren Voraussetzungen "
                        f"({quartal_name(startjahr, frueheste)}) beginnen und wäre mit "
                        f"{v.dauer_quartale} Quartalen Dauer nicht bis Ende {ende} fertig.")
    # Erklärt wird der früheste mögliche Start: dort wird die erste verletzte Grenze genannt.
    e, la, t = _bedarf(v, frueheste, jahre)
    budget_frei, tage_frei = budget - genutzt_budget, kapazitaet - genutzt_tage
    zu_teuer = [j for j in range(jahre) if e[j] + la[j] > budget_frei[j] + 1e-6]
    zu_viel = [j for j in range(jahre) if t[j] > tage_frei[j] + 1e-6]
    teile = []
    if zu_teuer:
        j = zu_teuer[0]
        teile.append(f"im Jahr {startjahr + j} wären {euro(e[j] + la[j])} nötig, frei sind "
                     f"nur {euro(max(budget_frei[j], 0))} vom Jahresbudget {euro(budget)}")
    if zu_viel:
        j = zu_viel[0]
        teile.append(f"im Jahr {startjahr + j} wären {zahl(t[j])} Personentage nötig, frei "
                     f"sind nur {zahl(max(tage_frei[j], 0))} von {zahl(kapazitaet)}")
    engpass = "budget und personal" if zu_teuer and zu_viel else ("budget" if zu_teuer
                                                                   else "personal")
    if not teile:  # Jeder spätere Start scheitert an einem späteren Jahr.
        teile.append("bei jedem späteren Start reicht das verbleibende Budget oder die "
                     "Personalkapazität eines Folgejahres nicht")
        engpass = "budget"
    was = {"budget": "Das Budget reicht nicht", "personal": "Die Personalkapazität reicht nicht",
           "budget und personal": "Budget und Personalkapazität reichen nicht"}[engpass]
    return (engpass, f"„{v.titel}“ wird über {ende} hinaus verschoben. {was}: "
                     + "; ".join(teile) + ".")


def grenzen(groessenklasse: str, einstellungen: RoadmapEinstellungen,
            digitalbudget: float | None = None,
            it_personal: float | None = None) -> tuple[float, float]:
    """Jahresbudget und Personentage-Kapazität einer Kommune.

    Voreinstellung je Kostenklasse; ist ein Anteil gesetzt und der Strukturwert gemeldet,
    gilt stattdessen dieser Anteil des Digitalbudgets bzw. des IT-Personals.
    """
    klasse = KOSTENKLASSE.get(groessenklasse, groessenklasse)
    budget = float(einstellungen.budget_je_jahr[klasse])
    kapazitaet = float(einstellungen.personentage_je_jahr[klasse])
    if (einstellungen.budget_anteil_digitalbudget and digitalbudget is not None
            and np.isfinite(digitalbudget) and digitalbudget > 0):
        budget = einstellungen.budget_anteil_digitalbudget * float(digitalbudget)
    if (einstellungen.kapazitaet_anteil_it_personal and it_personal is not None
            and np.isfinite(it_personal) and it_personal > 0):
        kapazitaet = (einstellungen.kapazitaet_anteil_it_personal * float(it_personal)
                      * einstellungen.arbeitstage_je_stelle)
    return budget, kapazitaet


def tabellen(ags: str, plan: Plan, vorhaben: Sequence[Vorhaben],
             zusatz: dict[str, dict] | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Plan → (``roadmap``, ``roadmap_kosten``, ``roadmap_jahre``, ``verschiebungen``).

    ``zusatz`` ergänzt je Vorhaben-ID weitere Spalten (z. B. Rang, Handlungsfeld).
    """
    zusatz = zusatz or {}
    zeilen, kosten, versch = [], [], []
    for v in vorhaben:
        extra = zusatz.get(v.id, {})
        if v.id in plan.termine:
            s, e = plan.termine[v.id]
            zeilen.append({"ags": ags, "massnahme": v.id, "titel": v.titel, **extra,
                           "start_quartal": s + 1, "ende_quartal": e + 1,
                           "start": quartal_name(plan.startjahr, s),
                           "ende": quartal_name(plan.startjahr, e),
                           "startjahr": plan.startjahr + s // 4,
                           "endjahr": plan.startjahr + e // 4,
                           "dauer_quartale": v.dauer_quartale,
                           "kosten_einmalig": v.kosten_einmalig,
                           "kosten_jaehrlich": v.kosten_jaehrlich,
                           "aufwand_personentage": v.personentage})
            ei, la, t = _bedarf(v, s, plan.jahre)
            for j in range(plan.jahre):
                if ei[j] or la[j] or t[j]:
                    kosten.append({"ags": ags, "massnahme": v.id, **extra,
                                   "jahr": plan.startjahr + j, "kosten_einmalig": ei[j],
                                   "kosten_laufend": la[j], "personentage": t[j]})
        else:
            engpass, grund = plan.verschoben[v.id]
            versch.append({"ags": ags, "massnahme": v.id, "titel": v.titel, **extra,
                           "engpass": engpass, "grund": grund,
                           "kosten_einmalig": v.kosten_einmalig,
                           "aufwand_personentage": v.personentage})
    kosten_df = pd.DataFrame(kosten, columns=["ags", "massnahme", *_extra_spalten(zusatz),
                                              "jahr", "kosten_einmalig", "kosten_laufend",
                                              "personentage"])
    jahre = []
    for j in range(plan.jahre):
        teil = kosten_df[kosten_df["jahr"] == plan.startjahr + j]
        ei, la = float(teil["kosten_einmalig"].sum()), float(teil["kosten_laufend"].sum())
        tage = float(teil["personentage"].sum())
        jahre.append({"ags": ags, "jahr": plan.startjahr + j, "budget": plan.budget,
                      "kosten_einmalig": ei, "kosten_laufend": la, "kosten_gesamt": ei + la,
                      "budget_frei": plan.budget - ei - la,
                      "kapazitaet_personentage": plan.kapazitaet, "personentage": tage,
                      "auslastung_personal": tage / plan.kapazitaet if plan.kapazitaet else np.nan})
    return (pd.DataFrame(zeilen), kosten_df, pd.DataFrame(jahre), pd.DataFrame(versch))


def _extra_spalten(zusatz: dict[str, dict]) -> list[str]:
    spalten: list[str] = []
    for extra in zusatz.values():
        spalten.extend(s for s in extra if s not in spalten)
    return spalten
