"""Der Verband: was er für seine Mitglieder plant, wann er liefert und wer was zahlt.

Der Schritt „Verband“ (``planen``) rechnet nach der Auswahl der kommunalen Empfehlungen:

1. **Auswahl** (``bewerten``, ``auswaehlen``): Ein Mitglied hat *Bedarf* an einer
   Verbandsmaßnahme, wenn mindestens eine der von ihr gebündelten kommunalen Maßnahmen für es
   passt, nicht umgesetzt ist und eines ihrer Felder mindestens ``verband_mindestluecke``
   Punkte unter dem Zielwert liegt (ohne ``buendelt``: ein Feld der Verbandsmaßnahme). Eine
   bloße Lücke genügt nicht, weil bei einem Quartilsziel ohnehin drei Viertel der Kommunen
   darunter liegen. *Rangwert* = Anteil der Mitglieder mit Bedarf × mittlere größte Lücke
   dieser Mitglieder in den Feldern der Verbandsmaßnahme. Empfohlen wird ab
   ``verband_schwelle`` Anteil, höchstens ``verband_maximum``; Voraussetzungen unter den
   Verbandsmaßnahmen kommen mit (vor ihnen). Mitglieder ohne Reifegrad zählen nicht; unter
   ``peer_mindestgroesse`` Mitgliedern gibt es keine Verbandsempfehlungen.
2. **Umlage** (``schluessel``): Die Kosten des Verbands werden nach ``verbandsplan.umlage``
   auf alle Mitglieder verteilt: nach Einwohnern (Kreise mit ihrer ganzen Einwohnerzahl, da
   sie für die eigene Kreisverwaltung zahlen) oder zu gleichen Teilen.
3. **Rahmen** (``rahmen``): ``verbandsplan.budget_je_jahr`` und ``personentage_je_jahr``;
   das Budget wird so weit gekürzt, dass die Umlage keines Mitglieds mehr als
   ``hoechstanteil_rahmen`` seines eigenen Jahresrahmens (``planung.rahmen``) beansprucht.
   So bleibt auch jede kommunale Roadmap mit Umlage im Rahmen der Kommune.
4. **Roadmap** des Verbands in Quartalen (``planung.roadmap.planen``) und die **Umlage** je
   Mitglied und Jahr (Tabelle ``verband_umlage``).
5. **Eine Rechnung** (``einbeziehen``): Bündelt eine geplante Verbandsmaßnahme eine kommunale
   Empfehlung eines Mitglieds, heißt diese „über den Verband“: Sie trägt statt der vollen
   Kosten den Anteil des Mitglieds an der Verbandsmaßnahme (nur bei der ersten so gebündelten
   Empfehlung; weitere verweisen darauf), der interne Aufwand sinkt auf
   ``aufwand_anteil_mitglied``, die Dauer auf höchstens ``anschluss_quartale``, und sie
   beginnt frühestens, wenn der Verband liefert. Bezahlt wird der Anteil über die Umlage;
   die kommunale Roadmap bucht ihn dort, nicht noch einmal bei der Maßnahme.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyse.eingabe.massnahmen import Katalog, Massnahme
from analyse.eingabe.studie import EmpfehlungenEinstellungen, Studie, VerbandEinstellungen
from analyse.namen import Tabelle as T
from analyse.planung import roadmap
from analyse.planung.empfehlungen import Namen, reifegrad_breit, umgesetzt
from analyse.zahlen import anzahl, euro, zahl

EMPFEHLUNG_SPALTEN = [
    "rang", "massnahme", "titel", "beschreibung", "handlungsfelder", "buendelt",
    "n_mitglieder", "n_bedarf", "anteil_bedarf", "n_referenz_empfohlen", "mittlere_luecke",
    "rangwert", "anlass", "begruendung", "dauer_monate", "aufwand_personentage",
    "kosten_einmalig", "kosten_jaehrlich", "ozg_relevant"]
JAHRE_SPALTEN = ["jahr", "rahmen", "rahmen_studie", "kosten_einmalig", "kosten_laufend",
                 "kosten_gesamt", "personentage", "kapazitaet_personentage", "satz"]
UMLAGE_SPALTEN = ["ags", "name", "art", "einwohner", "schluessel", "anteil", "jahr", "umlage",
                  "rahmen_mitglied", "anteil_am_rahmen"]
VERBAND_GK = "GK1"  # Verbandsmaßnahmen haben feste Beträge; die Klasse ist nur Schlüssel


@dataclass(frozen=True)
class Bewertung:
    """Bedarf der Mitglieder an einer Verbandsmaßnahme."""

    massnahme: Massnahme
    n_bedarf: int
    mittlere_luecke: float
    referenz: frozenset[str]      # Referenzkommunen mit einer gebündelten Empfehlung

    def rangwert(self, n_mitglieder: int) -> float:
        return self.n_bedarf / n_mitglieder * self.mittlere_luecke


def _mitglieder(kommunen: pd.DataFrame) -> pd.DataFrame:
    k = kommunen.set_index("ags") if "ags" in kommunen.columns else kommunen.copy()
    k.index = k.index.astype(str)
    return k[k["mitglied"].fillna(False).astype(bool)]


# ------------------------------------------------------------------ 1. Auswahl


def _hat_bedarf(v: Massnahme, luecke: Mapping[str, float], ist: Mapping[str, float], art: str,
                gk: str, katalog: Katalog, mindestluecke: float) -> bool:
    if not v.buendelt:
        return any(luecke.get(f, 0.0) >= mindestluecke for f in v.handlungsfelder)
    for b in (katalog.nach_id[x] for x in v.buendelt):
        if (b.passt_zu(art, gk) and not umgesetzt(b, ist)
                and any(luecke.get(f, 0.0) >= mindestluecke for f in b.handlungsfelder)):
            return True
    return False


def bewerten(mitglieder: pd.DataFrame, breit: pd.DataFrame, ziele: pd.DataFrame,
             empfehlungen: pd.DataFrame, katalog: Katalog,
             e: EmpfehlungenEinstellungen) -> list[Bewertung]:
    """Bedarf und mittlere Lücke je Verbandsmaßnahme (Mitglieder mit Reifegrad)."""
    ziel = {(z.groessenklasse, z.handlungsfeld): z.ziel for z in ziele.itertuples()}
    profile = []
    for a in (x for x in mitglieder.index if x in breit.index):
        gk = str(mitglieder.at[a, "groessenklasse"])
        ist = breit.loc[a].to_dict()
        luecke = {f: max(0.0, ziel[(gk, f)] - w) for f, w in ist.items()
                  if (gk, f) in ziel and pd.notna(w)}
        profile.append((str(mitglieder.at[a, "art"]), gk, ist, luecke))
    empfohlen = empfehlungen.groupby("massnahme")["ags"].agg(set).to_dict() \
        if not empfehlungen.empty else {}
    ergebnis = []
    for v in katalog.ebene("verband"):
        luecken = [max((lu.get(f, 0.0) for f in v.handlungsfelder), default=0.0)
                   for art, gk, ist, lu in profile
                   if _hat_bedarf(v, lu, ist, art, gk, katalog, e.verband_mindestluecke)]
        referenz = frozenset().union(*(empfohlen.get(b, set()) for b in v.buendelt))
        ergebnis.append(Bewertung(v, len(luecken), float(np.mean(luecken)) if luecken else 0.0,
                                  referenz))
    return ergebnis


def auswaehlen(bewertung: list[Bewertung], katalog: Katalog, e: EmpfehlungenEinstellungen,
               n_mitglieder: int) -> list[tuple[Bewertung, str, str | None]]:
    """Rangfolge nach Rangwert; Voraussetzungen vor der Maßnahme, die sie braucht."""
    sortiert = sorted(bewertung, key=lambda b: (-b.rangwert(n_mitglieder), -len(b.referenz),
                                                b.massnahme.id))
    nach_id = {b.massnahme.id: b for b in bewertung}
    gewaehlt: list[tuple[Bewertung, str, str | None]] = []
    ids: set[str] = set()
    for b in sortiert:
        if len(gewaehlt) >= e.verband_maximum:
            break
        if b.n_bedarf / n_mitglieder < e.verband_schwelle or b.massnahme.id in ids:
            continue
        kette = [x for x in katalog.voraussetzungen_transitiv(b.massnahme.id) if x not in ids]
        if len(gewaehlt) + len(kette) + 1 > e.verband_maximum:
            continue
        gewaehlt += [(nach_id[x], "voraussetzung", b.massnahme.id) for x in kette]
        gewaehlt.append((b, "bedarf", None))
        ids.update([*kette, b.massnahme.id])
    return gewaehlt


def _begruendung(b: Bewertung, anlass: str, ausloeser: str | None, raenge: Mapping[str, int],
                 n: int, n_ref: int, katalog: Katalog, e: EmpfehlungenEinstellungen,
                 feldnamen: Mapping[str, str]) -> str:
    v = b.massnahme
    felder = " oder ".join(feldnamen.get(f, f) for f in v.handlungsfelder)
    worauf = "bei einer der gebündelten Maßnahmen" if v.buendelt else f"in {felder}"
    saetze = []
    if anlass == "voraussetzung":
        saetze.append(f"Voraussetzung für „{katalog.nach_id[ausloeser].titel}“ "
                      f"(Rang {raenge[ausloeser]}).")
    saetze.append(f"{zahl(b.n_bedarf)} von {anzahl(n, 'Mitglied', 'Mitgliedern')} "
                  f"({zahl(100 * b.n_bedarf / n)} %) haben Bedarf {worauf} (Lücke ab "
                  f"{_pkt(e.verband_mindestluecke)}).")
    if b.n_bedarf:
        saetze.append(f"Ihre größte Lücke in {felder} beträgt im Mittel "
                      f"{anzahl(b.mittlere_luecke, 'Punkt', 'Punkte', 1)}; Rangwert {zahl(b.n_bedarf / n, 2)} × "
                      f"{zahl(b.mittlere_luecke, 1)} = {zahl(b.rangwert(n), 1)}.")
    if v.buendelt and n_ref:
        saetze.append(f"{zahl(len(b.referenz))} der {zahl(n_ref)} Referenzkommunen wird "
                      f"mindestens eine der gebündelten Maßnahmen empfohlen.")
    return " ".join(saetze)


def _pkt(wert: float, stellen: int = 0) -> str:
    return anzahl(wert, "Punkt", "Punkten", stellen)


def empfehlungen_tabelle(gewaehlt: list[tuple[Bewertung, str, str | None]], n: int, n_ref: int,
                         katalog: Katalog, e: EmpfehlungenEinstellungen,
                         feldnamen: Mapping[str, str]) -> pd.DataFrame:
    raenge = {b.massnahme.id: i + 1 for i, (b, _, _) in enumerate(gewaehlt)}
    zeilen = []
    for rang, (b, anlass, ausloeser) in enumerate(gewaehlt, start=1):
        v = b.massnahme
        zeilen.append({
            "rang": rang, "massnahme": v.id, "titel": v.titel, "beschreibung": v.beschreibung,
            "handlungsfelder": "; ".join(v.handlungsfelder),
            "buendelt": "; ".join(katalog.nach_id[x].titel for x in v.buendelt),
            "n_mitglieder": n, "n_bedarf": b.n_bedarf, "anteil_bedarf": b.n_bedarf / n,
            "n_referenz_empfohlen": len(b.referenz), "mittlere_luecke": b.mittlere_luecke,
            "rangwert": b.rangwert(n), "anlass": anlass,
            "begruendung": _begruendung(b, anlass, ausloeser, raenge, n, n_ref, katalog, e,
                                        feldnamen),
            "dauer_monate": v.dauer_monate, "aufwand_personentage": v.aufwand(VERBAND_GK),
            "kosten_einmalig": v.kosten_einmalig(VERBAND_GK),
            "kosten_jaehrlich": v.kosten_jaehrlich(VERBAND_GK), "ozg_relevant": v.ozg_relevant})
    return pd.DataFrame(zeilen, columns=EMPFEHLUNG_SPALTEN)


# ------------------------------------------------------------------ 2./3. Umlage und Rahmen


def schluessel(mitglieder: pd.DataFrame, art: str) -> pd.Series:
    """Anteil je Mitglied (Summe 1): nach Einwohnern oder zu gleichen Teilen."""
    if mitglieder.empty:
        return pd.Series(dtype=float)
    if art == "gleich":
        return pd.Series(1.0 / len(mitglieder), index=mitglieder.index)
    ew = mitglieder["einwohner"].astype(float).clip(lower=0)
    if ew.sum() <= 0:
        return pd.Series(1.0 / len(mitglieder), index=mitglieder.index)
    return ew / ew.sum()


def rahmen(anteil: pd.Series, rahmen_mitglieder: pd.Series, namen: pd.Series,
           ev: VerbandEinstellungen) -> tuple[float, str]:
    """Budget des Verbands je Jahr und der Satz dazu (Kürzung nach ``hoechstanteil_rahmen``)."""
    schluessel_text = ("nach Einwohnern" if ev.umlage == "einwohner"
                       else "zu gleichen Teilen")
    grenze = (ev.hoechstanteil_rahmen * rahmen_mitglieder / anteil.where(anteil > 0)).dropna()
    budget = float(ev.budget_je_jahr)
    satz = (f"Rahmen des Verbands für neue Maßnahmen: {euro(budget)} und "
            f"{zahl(ev.personentage_je_jahr)} Personentage je Jahr (studie.yml); die Kosten "
            f"werden {schluessel_text} auf die Mitglieder umgelegt.")
    if not grenze.empty and grenze.min() < budget:
        a = str(grenze.idxmin())
        budget = float(grenze.min())
        satz += (f" Das Budget ist auf {euro(budget)} gekürzt, weil die Umlage von "
                 f"{namen.get(a, a)} (Anteil {zahl(100 * anteil[a], 2)} %) sonst mehr als "
                 f"{zahl(100 * ev.hoechstanteil_rahmen)} % ihres Jahresrahmens von "
                 f"{euro(rahmen_mitglieder[a])} beanspruchen würde.")
    return budget, satz


# ------------------------------------------------------------------ 4. Roadmap und Umlage


def _vorhaben(tabelle: pd.DataFrame, katalog: Katalog) -> list[roadmap.Vorhaben]:
    gewaehlt = set(tabelle["massnahme"])
    return [roadmap.Vorhaben(
        id=z.massnahme, titel=z.titel, dauer_quartale=katalog.nach_id[z.massnahme].dauer_quartale,
        kosten_einmalig=z.kosten_einmalig, kosten_jaehrlich=z.kosten_jaehrlich,
        personentage=z.aufwand_personentage,
        voraussetzungen=tuple(x for x in katalog.nach_id[z.massnahme].voraussetzungen.massnahmen
                              if x in gewaehlt))
        for z in tabelle.itertuples()]


def umlage_tabelle(plan_jahre: pd.DataFrame, anteil: pd.Series, mitglieder: pd.DataFrame,
                   rahmen_mitglieder: pd.Series, art: str) -> pd.DataFrame:
    """Was jedes Mitglied je Jahr an den Verband zahlt (Anteil × Kosten des Verbands)."""
    zeilen = [{"ags": a, "name": str(mitglieder.at[a, "name"]),
               "art": str(mitglieder.at[a, "art"]),
               "einwohner": int(mitglieder.at[a, "einwohner"]), "schluessel": art,
               "anteil": float(anteil[a]), "jahr": int(j.jahr),
               "umlage": float(anteil[a] * j.kosten_gesamt),
               "rahmen_mitglied": float(rahmen_mitglieder.get(a, np.nan)),
               "anteil_am_rahmen": float(anteil[a] * j.kosten_gesamt
                                         / rahmen_mitglieder.get(a, np.nan))}
              for a in anteil.index for j in plan_jahre.itertuples()]
    return pd.DataFrame(zeilen, columns=UMLAGE_SPALTEN)


# ------------------------------------------------------------------ 5. Eine Rechnung


def _liefert(plan: roadmap.Plan, tabelle: pd.DataFrame, katalog: Katalog
             ) -> dict[str, tuple[str, str, int]]:
    """Kommunale Maßnahme → (Verbandsmaßnahme, Titel, Quartal ab Lieferung), früheste zuerst."""
    titel = dict(zip(tabelle["massnahme"], tabelle["titel"], strict=True))
    liefert: dict[str, tuple[str, str, int]] = {}
    for vid, (_, ende) in sorted(plan.termine.items(), key=lambda t: (t[1][1], t[0])):
        for b in katalog.nach_id[vid].buendelt:
            liefert.setdefault(b, (vid, titel[vid], ende + 1))
    return liefert


def _verband_satz(z: pd.Series, name: str, anteil: float, art: str, erste: dict,
                  ab: str) -> str:
    schl = "nach Einwohnern" if art == "einwohner" else "zu gleichen Teilen"
    satz = f" Über den Verband: „{z['verband_titel']}“, ab {ab}."
    if erste.get(z["verband_massnahme"]) == z["rang"]:
        return satz + (
            f" Anteil von {name} {schl} ({zahl(100 * anteil, 2)} %): "
            f"{euro(z['kosten_einmalig'])} einmalig und {euro(z['kosten_jaehrlich'])} je Jahr "
            f"statt {euro(z['kosten_einmalig_eigen'])} und {euro(z['kosten_jaehrlich_eigen'])} "
            f"je Jahr als eigenes Vorhaben; bezahlt über die Umlage an den Verband.")
    return satz + (f" Der Kostenanteil ist bei Rang {erste[z['verband_massnahme']]} enthalten "
                   f"(dieselbe Verbandsmaßnahme).")


def einbeziehen(empfehlungen: pd.DataFrame, plan: roadmap.Plan, tabelle: pd.DataFrame,
                anteil: pd.Series, namen: pd.Series, katalog: Katalog,
                ev: VerbandEinstellungen) -> pd.DataFrame:
    """Kommunale Empfehlungen der Mitglieder, die eine geplante Verbandsmaßnahme bündelt,
    laufen über den Verband (Regeln siehe Moduldoku, Punkt 5)."""
    e = empfehlungen.copy()
    if e.empty or tabelle.empty:
        return e
    liefert = _liefert(plan, tabelle, katalog)
    titel = dict(zip(tabelle["massnahme"], tabelle["titel"], strict=True))
    spaeter = {b: titel[vid] for vid in plan.verschoben for b in katalog.nach_id[vid].buendelt
               if b not in liefert}
    ende = plan.startjahr + plan.jahre - 1
    for ags, teil in e.sort_values(["ags", "rang"]).groupby("ags", sort=True):
        if ags not in anteil.index:
            continue
        erste: dict[str, int] = {}
        for i in teil.index:
            if e.at[i, "massnahme"] in spaeter:
                e.at[i, "begruendung"] += (f" Der Verband plant „{spaeter[e.at[i, 'massnahme']]}“"
                                           f" erst nach {ende}; bis dahin ist dies ein eigenes "
                                           f"Vorhaben.")
            if e.at[i, "massnahme"] not in liefert:
                continue
            vid, vtitel, ab = liefert[e.at[i, "massnahme"]]
            erste.setdefault(vid, int(e.at[i, "rang"]))
            kosten = katalog.nach_id[vid]
            traegt = erste[vid] == e.at[i, "rang"]
            e.loc[i, ["ueber_verband", "verband_massnahme", "verband_titel", "verband_ab",
                      "verband_ab_quartal"]] = [True, vid, vtitel,
                                                roadmap.quartal_name(plan.startjahr, ab), ab]
            e.at[i, "kosten_einmalig"] = anteil[ags] * kosten.kosten_einmalig(VERBAND_GK) \
                if traegt else 0.0
            e.at[i, "kosten_jaehrlich"] = anteil[ags] * kosten.kosten_jaehrlich(VERBAND_GK) \
                if traegt else 0.0
            e.at[i, "aufwand_personentage"] = (ev.aufwand_anteil_mitglied
                                               * e.at[i, "aufwand_personentage_eigen"])
            e.at[i, "dauer_quartale"] = min(int(e.at[i, "dauer_quartale"]), ev.anschluss_quartale)
            e.at[i, "begruendung"] += _verband_satz(e.loc[i], str(namen.get(ags, ags)),
                                                    float(anteil[ags]), ev.umlage, erste,
                                                    e.at[i, "verband_ab"])
    return e


def einbeziehen_aus_tabellen(empfehlungen: pd.DataFrame, verband_roadmap: pd.DataFrame,
                             verband_empfehlungen: pd.DataFrame,
                             verband_verschiebungen: pd.DataFrame | None, umlage: pd.DataFrame,
                             name: str, katalog: Katalog, studie: Studie) -> pd.DataFrame:
    """``einbeziehen`` für eine einzelne Kommune mit dem gespeicherten Verbandsplan (Tabellen
    ``verband_roadmap``, ``verband_empfehlungen``, ``verband_umlage``), etwa beim Einordnen."""
    startjahr = studie.roadmap.startjahr or studie.aktuelle_welle + 1
    plan = roadmap.Plan(startjahr, studie.roadmap.jahre, np.zeros(studie.roadmap.jahre),
                        np.zeros(studie.roadmap.jahre), np.zeros(studie.roadmap.jahre))
    plan.termine = {z.massnahme: (int(z.start_quartal) - 1, int(z.ende_quartal) - 1)
                    for z in verband_roadmap.itertuples()}
    if verband_verschiebungen is not None:
        plan.verschoben = {z.massnahme: (z.engpass, z.grund)
                           for z in verband_verschiebungen.itertuples()}
    anteil = umlage.drop_duplicates("ags").set_index(umlage.drop_duplicates("ags")["ags"]
                                                     .astype(str))["anteil"]
    namen = pd.Series(name, index=anteil.index)
    return einbeziehen(empfehlungen, plan, verband_empfehlungen, anteil, namen, katalog,
                       studie.verbandsplan)


# ------------------------------------------------------------------ Schritt „Verband“


def _leer(empfehlungen: pd.DataFrame, satz: str) -> dict[str, pd.DataFrame]:
    return {T.VERBAND_EMPFEHLUNGEN: pd.DataFrame(columns=EMPFEHLUNG_SPALTEN),
            T.VERBAND_ROADMAP: pd.DataFrame(columns=[*roadmap.ROADMAP_SPALTEN[1:], "rang"]),
            T.VERBAND_VERSCHIEBUNGEN: pd.DataFrame(
                columns=[*roadmap.VERSCHOBEN_SPALTEN[1:], "rang"]),
            T.VERBAND_JAHRE: pd.DataFrame([{"satz": satz}], columns=JAHRE_SPALTEN).iloc[0:0],
            T.VERBAND_UMLAGE: pd.DataFrame(columns=UMLAGE_SPALTEN),
            T.EMPFEHLUNGEN: empfehlungen}


def planen(kommunen: pd.DataFrame, reifegrad: pd.DataFrame, zielwerte: pd.DataFrame,
           empfehlungen: pd.DataFrame, rahmen_tabelle: pd.DataFrame, katalog: Katalog,
           studie: Studie, namen: Namen) -> dict[str, pd.DataFrame]:
    """Der Schritt „Verband“: ``verband_empfehlungen``, ``verband_roadmap``,
    ``verband_verschiebungen``, ``verband_jahre``, ``verband_umlage`` und die kommunalen
    ``empfehlungen`` mit den Verbandsspalten."""
    e, ev = studie.empfehlungen, studie.verbandsplan
    mitglieder = _mitglieder(kommunen)
    breit = reifegrad_breit(reifegrad, studie.aktuelle_welle)
    n = sum(a in breit.index for a in mitglieder.index)
    if n < studie.berichte.peer_mindestgroesse:
        return _leer(empfehlungen, "")
    n_ref = int(mitglieder["referenzkommune"].fillna(False).astype(bool).sum())
    gewaehlt = auswaehlen(bewerten(mitglieder, breit, zielwerte, empfehlungen, katalog, e),
                          katalog, e, n)
    tabelle = empfehlungen_tabelle(gewaehlt, n, n_ref, katalog, e, namen.felder)
    anteil = schluessel(mitglieder, ev.umlage)
    rahmen_m = rahmen_tabelle.set_index("ags")["budget"].reindex(mitglieder.index)
    budget, satz = rahmen(anteil, rahmen_m, mitglieder["name"], ev)
    startjahr = studie.roadmap.startjahr or studie.aktuelle_welle + 1
    vorhaben = _vorhaben(tabelle, katalog)
    plan = roadmap.planen(vorhaben, budget, ev.personentage_je_jahr, startjahr,
                          studie.roadmap.jahre)
    rm, _, rj, rv = roadmap.tabellen("verband", plan, vorhaben,
                                     {z.massnahme: {"rang": z.rang} for z in tabelle.itertuples()})
    jahre = pd.DataFrame({
        "jahr": rj["jahr"], "rahmen": rj["budget"], "rahmen_studie": float(ev.budget_je_jahr),
        "kosten_einmalig": rj["kosten_einmalig"], "kosten_laufend": rj["kosten_laufend"],
        "kosten_gesamt": rj["kosten_eigene"], "personentage": rj["personentage"],
        "kapazitaet_personentage": rj["kapazitaet_personentage"], "satz": satz},
        columns=JAHRE_SPALTEN)
    # Leere Pläne tragen dieselben Spalten wie volle (Schema der Ergebnistabellen).
    rm, rv = (df if "rang" in df else df.assign(rang=pd.Series(dtype="Int64")) for df in (rm, rv))
    return {T.VERBAND_EMPFEHLUNGEN: tabelle,
            T.VERBAND_ROADMAP: rm.drop(columns="ags"),
            T.VERBAND_VERSCHIEBUNGEN: rv.drop(columns="ags"),
            T.VERBAND_JAHRE: jahre,
            T.VERBAND_UMLAGE: umlage_tabelle(jahre, anteil, mitglieder, rahmen_m, ev.umlage),
            T.EMPFEHLUNGEN: einbeziehen(empfehlungen, plan, tabelle, anteil, mitglieder["name"],
                                        katalog, ev)}
