"""Eigenschaften der Planung, geprüft auf zufälligen kleinen Studien und auf der Demostudie.

- Jeder Jahresplan bleibt in seinem Rahmen, der Rahmen im gemeldeten Budget.
- Voraussetzungen beginnen vor dem, was auf ihnen aufbaut; eine Voraussetzung wird nie
  verschoben, solange ein Vorhaben geplant ist, das auf ihr aufbaut.
- Nichts Gebündeltes wird doppelt gezählt (Anteil einmal, Umlage einmal, Verband im Rahmen).
- Stärken liegen über, Schwächen unter dem Vergleichswert, wie im Text gerundet.
- Deutsch für 1 und viele; kein fest verdrahteter Zeitraum.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_empfehlungen import NAMEN, planung

from analyse.berichte.kommune import einordnen
from analyse.eingabe.groessenklassen import groessenklasse
from analyse.eingabe.massnahmen import Katalog
from analyse.eingabe.studie import Studie
from analyse.planung import roadmap
from analyse.zahlen import anzahl

EPS = 1e-6
FELDER = list(NAMEN.felder)
#: "1" vor einer Mehrzahl (nicht Teil einer größeren Zahl wie 11 oder 0,1)
FALSCHE_EINZAHL = re.compile(r"(?<![\d.,])1 (Maßnahmen|Punkte|Punkten|Personentage|"
                             r"Personentagen|Quartale|Quartalen|Jahre|Mitgliedern|Mitglieder)\b")


# ------------------------------------------------------------------ Zufällige kleine Studien


def _katalog(rng: np.random.Generator) -> Katalog:
    n = int(rng.integers(6, 13))
    kommunal = []
    for i in range(n):
        felder = list(rng.choice(FELDER, size=int(rng.integers(1, 3)), replace=False))
        vor = [f"m{j}" for j in range(i) if rng.random() < 0.2]
        kommunal.append({
            "id": f"m{i}", "titel": f"Maßnahme {i}", "beschreibung": "Eine Testmaßnahme.",
            "handlungsfelder": felder, "kommunentypen": ["optimierer"] if rng.random() < .5 else [],
            "voraussetzungen": {"massnahmen": vor},
            "dauer_monate": int(rng.integers(1, 19)),
            "aufwand_personentage": float(rng.integers(2, 120)),
            "kosten": {"einmalig": float(rng.integers(0, 60) * 1000),
                       "jaehrlich": float(rng.integers(0, 10) * 1000)},
            "ozg_relevant": bool(rng.random() < 0.3), "wirkung": float(rng.integers(5, 21)),
            "umgesetzt_ab": float(rng.integers(40, 95)), "quelle": "Test"})
    verband = []
    for i in range(int(rng.integers(1, 4))):
        verband.append({
            "id": f"v{i}", "titel": f"Verbandsmaßnahme {i}", "beschreibung": "Eine Verbandslösung.",
            "ebene": "verband", "handlungsfelder": [str(rng.choice(FELDER))],
            "voraussetzungen": {"massnahmen": [f"v{j}" for j in range(i) if rng.random() < .4]},
            "buendelt": sorted({f"m{int(j)}" for j in rng.integers(0, n, size=3)}),
            "dauer_monate": int(rng.integers(3, 19)), "aufwand_personentage": 50.0,
            "kosten": {"einmalig": float(rng.integers(10, 200) * 1000),
                       "jaehrlich": float(rng.integers(0, 50) * 1000)},
            "quelle": "Test"})
    return Katalog.model_validate({"massnahmen": kommunal + verband})


def _studie(rng: np.random.Generator, jahre: int, umlage: str) -> Studie:
    return Studie.model_validate({
        "titel": "t", "verband": "v", "wellen": [{"id": 2026, "bezeichnung": "2026"}],
        "berichte": {"peer_mindestgroesse": 2},
        "empfehlungen": {"minimum": 2, "maximum": 6, "verband_schwelle": 0.1,
                         "verband_mindestluecke": 5},
        "roadmap": {"jahre": jahre},
        "verbandsplan": {"umlage": umlage, "budget_je_jahr": float(rng.integers(20, 400) * 1000),
                         "hoechstanteil_rahmen": float(rng.choice([0.2, 0.5, 1.0]))}})


def _daten(rng: np.random.Generator):
    n = int(rng.integers(6, 13))
    ags = [f"0900{i:04d}" for i in range(n)]
    ew = rng.integers(800, 60_000, size=n)
    kommunen = pd.DataFrame({
        "ags": ags, "name": [f"K{i}" for i in range(n)], "art": "Gemeinde", "einwohner": ew,
        "groessenklasse": [groessenklasse("Gemeinde", int(e)) for e in ew],
        "referenzkommune": [i < 3 for i in range(n)], "mitglied": rng.random(n) < 0.85})
    kommunen.loc[0, "mitglied"] = True
    werte = rng.uniform(0, 100, size=(n, len(FELDER)))
    werte[rng.random(werte.shape) < 0.1] = np.nan
    reifegrad = pd.DataFrame([(a, 2026, f, werte[i, j], "") for i, a in enumerate(ags)
                              for j, f in enumerate(FELDER)],
                             columns=["ags", "welle", "handlungsfeld", "wert", "stufe"])
    fehlt = lambda: rng.random(n) < 0.15  # noqa: E731
    struktur = pd.DataFrame({
        "ags": ags, "welle": 2026,
        "digitalbudget": np.where(fehlt(), np.nan, rng.integers(20, 2000, size=n) * 1000.0),
        "it_personal": np.where(fehlt(), np.nan, rng.uniform(0.2, 20, size=n).round(1)),
        "beschaeftigte": np.where(fehlt(), np.nan, rng.integers(10, 2000, size=n) * 1.0)})
    typen = pd.DataFrame({"ags": ags, "typ": rng.choice(["optimierer", "bedaechtige", "mischtyp"],
                                                        size=n),
                          "naechster_typ": "optimierer"})
    ozg = pd.DataFrame({"ags": ags, "anteil": rng.uniform(0, 0.5, size=n), "ziel": 0.3,
                        "bezug": "der Größenklasse GK 6"})
    return kommunen, reifegrad, typen, struktur, ozg


# ------------------------------------------------------------------ Die Eigenschaften


def pruefe_rahmen(t: dict[str, pd.DataFrame], studie: Studie) -> None:
    r = t["rahmen"].set_index("ags")
    gemeldet = r["digitalbudget"].notna()
    assert (r.loc[gemeldet, "budget"] <= r.loc[gemeldet, "digitalbudget"] + EPS).all()
    j = t["roadmap_jahre"]
    assert (j["kosten_gesamt"] <= j["budget"] + EPS).all()
    assert (j["personentage"] <= j["kapazitaet_personentage"] + EPS).all()
    assert np.allclose(j["kosten_gesamt"], j["umlage_verband"] + j["kosten_eigene"])
    budget = j["ags"].map(r["digitalbudget"])
    assert (j.loc[budget.notna(), "kosten_gesamt"] <= budget[budget.notna()] + EPS).all()
    start = studie.roadmap.startjahr or studie.aktuelle_welle + 1
    for _, teil in j.groupby("ags"):
        assert list(teil["jahr"]) == list(range(start, start + studie.roadmap.jahre))


def pruefe_voraussetzungen(t: dict[str, pd.DataFrame], katalog: Katalog) -> None:
    e, rm = t["empfehlungen"], t["roadmap"]
    for ags, teil in e.groupby("ags"):
        rang = dict(zip(teil["massnahme"], teil["rang"], strict=True))
        plan = rm[rm["ags"] == ags].set_index("massnahme")
        for m in rang:
            for v in katalog.nach_id[m].voraussetzungen.massnahmen:
                if v not in rang:
                    continue
                assert rang[v] < rang[m]
                if m in plan.index:  # geplant: die Voraussetzung auch, und zwar vorher fertig
                    assert v in plan.index, (ags, m, v)
                    assert plan.at[v, "ende_quartal"] < plan.at[m, "start_quartal"]


def pruefe_verband(t: dict[str, pd.DataFrame], katalog: Katalog, studie: Studie) -> None:
    e, u, vj = t["empfehlungen"], t["verband_umlage"], t["verband_jahre"]
    ev = studie.verbandsplan
    assert (vj["kosten_gesamt"] <= vj["rahmen"] + EPS).all()
    assert (vj["rahmen"] <= vj["rahmen_studie"] + EPS).all()
    assert (vj["personentage"] <= vj["kapazitaet_personentage"] + EPS).all()
    if not u.empty:
        # Alles umgelegt, nichts mehr: Summe der Umlagen = Kosten des Verbands
        je_jahr = u.groupby("jahr")["umlage"].sum()
        assert np.allclose(je_jahr.to_numpy(), vj.set_index("jahr")["kosten_gesamt"]
                           .reindex(je_jahr.index).to_numpy())
        assert (u["umlage"] <= ev.hoechstanteil_rahmen * u["rahmen_mitglied"] + EPS).all()
        j = t["roadmap_jahre"].merge(u, on=["ags", "jahr"], how="left")
        assert np.allclose(j["umlage_verband"], j["umlage"].fillna(0))
    ueber = e[e["ueber_verband"].astype(bool)]
    anteil = u.drop_duplicates("ags").set_index("ags")["anteil"] if not u.empty else {}
    for (ags, vid), teil in ueber.groupby(["ags", "verband_massnahme"]):
        # Der Anteil an einer Verbandsmaßnahme steht genau einmal
        v = katalog.nach_id[vid]
        assert teil["kosten_einmalig"].sum() == pytest.approx(anteil[ags] * v.kosten_einmalig("GK1"))
        assert (teil["kosten_einmalig"] > 0).sum() <= 1
    rk = t["roadmap_kosten"]
    verband_kosten = rk[rk["ueber_verband"].astype(bool)]
    assert (verband_kosten[["kosten_einmalig", "kosten_laufend"]] == 0).all().all()
    rm = t["roadmap"].merge(ueber[["ags", "massnahme", "verband_ab_quartal"]],
                            on=["ags", "massnahme"])
    assert (rm["start_quartal"] - 1 >= rm["verband_ab_quartal"]).all()


def pruefe_texte(t: dict[str, pd.DataFrame], studie: Studie) -> None:
    texte = [*t["empfehlungen"]["begruendung"], *t["verschiebungen"]["grund"],
             *t["empfehlungen_anzahl"]["satz"], *t["roadmap_bilanz"]["zusatz_satz"],
             *t["verband_empfehlungen"]["begruendung"], *t["rahmen"]["satz"],
             *t["verband_verschiebungen"]["grund"]]
    for text in texte:
        assert not FALSCHE_EINZAHL.search(text), text
        assert "drei Jahre" not in text
    ende = str((studie.roadmap.startjahr or studie.aktuelle_welle + 1) + studie.roadmap.jahre - 1)
    for grund in t["verschiebungen"]["grund"]:
        assert ende in grund


def pruefe_anzahl(t: dict[str, pd.DataFrame], studie: Studie) -> None:
    e, a = studie.empfehlungen, t["empfehlungen_anzahl"].set_index("ags")
    for ags, teil in t["empfehlungen"].groupby("ags"):
        assert len(teil) <= e.maximum
        assert len(teil) == a.at[ags, "n_empfohlen"]
        if len(teil) < e.minimum:
            assert "geben Katalog und Stand nicht her" in a.at[ags, "satz"]


def alle_eigenschaften(t, katalog, studie) -> None:
    pruefe_rahmen(t, studie)
    pruefe_voraussetzungen(t, katalog)
    pruefe_verband(t, katalog, studie)
    pruefe_texte(t, studie)
    pruefe_anzahl(t, studie)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), jahre=st.integers(1, 4),
       umlage=st.sampled_from(["einwohner", "gleich"]))
def test_eigenschaften_zufaellige_studien(seed, jahre, umlage):
    rng = np.random.default_rng(seed)
    katalog, studie = _katalog(rng), _studie(rng, jahre, umlage)
    kommunen, reifegrad, typen, struktur, ozg = _daten(rng)
    t = planung(kommunen, reifegrad, typen, struktur, katalog, studie, ozg_luecken=ozg)
    alle_eigenschaften(t, katalog, studie)


# ------------------------------------------------------------------ Planer allein


@st.composite
def _vorhaben_listen(draw):
    n = draw(st.integers(1, 8))
    vorhaben = []
    for i in range(n):
        vor = tuple(f"x{j}" for j in range(i) if draw(st.booleans()) and draw(st.booleans()))
        vorhaben.append(roadmap.Vorhaben(
            f"x{i}", f"Vorhaben {i}", draw(st.integers(1, 8)),
            draw(st.floats(0, 50_000)), draw(st.floats(0, 10_000)), draw(st.floats(0, 80)), vor,
            frueheste=draw(st.integers(0, 6))))
    return vorhaben


@settings(max_examples=60, deadline=None)
@given(vorhaben=_vorhaben_listen(), budget=st.floats(1_000, 100_000),
       kapazitaet=st.floats(5, 200), jahre=st.integers(1, 4), vorbelegt=st.floats(0, 1))
def test_planer_haelt_grenzen_und_reihenfolge(vorhaben, budget, kapazitaet, jahre, vorbelegt):
    plan = roadmap.planen(vorhaben, budget, kapazitaet, 2027, jahre, vorbelegt * budget)
    assert (plan.budget_genutzt + plan.vorbelegt <= plan.budget + EPS).all()
    assert (plan.personentage_genutzt <= plan.kapazitaet + EPS).all()
    for v in vorhaben:
        if v.id in plan.termine:
            start, ende = plan.termine[v.id]
            assert start >= v.frueheste and ende < 4 * jahre
            for p in v.voraussetzungen:
                # nie verschoben, solange etwas darauf aufbaut
                assert p in plan.termine and plan.termine[p][1] < start
        else:
            assert plan.verschoben[v.id][1]
    geld, tage, zeitlich = roadmap.zusatzbedarf(vorhaben, plan)
    mehr = roadmap.planen(vorhaben, plan.budget + geld, plan.kapazitaet + tage, 2027, jahre,
                          plan.vorbelegt)
    assert set(mehr.verschoben) <= zeitlich


# ------------------------------------------------------------------ Stärken und Schwächen


@settings(max_examples=200, deadline=None)
@given(werte=st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=1, max_size=7),
       n=st.integers(1, 4))
def test_staerken_schwaechen_im_vorzeichen(werte, n):
    felder = [f"f{i}" for i in range(len(werte))]
    w = pd.Series([a for a, _ in werte], index=felder)
    b = pd.Series([c for _, c in werte], index=felder)
    staerken, schwaechen = einordnen(w, b, n)
    for f, d in staerken:
        assert d >= 1 and d == round(w[f]) - round(b[f])
    for f, d in schwaechen:
        assert d <= -1 and d == round(w[f]) - round(b[f])
    assert not {f for f, _ in staerken} & {f for f, _ in schwaechen}
    assert len(staerken) <= n and len(schwaechen) <= n
    if not schwaechen:  # keine Schwäche nur, wenn wirklich kein Feld (gerundet) darunter liegt
        assert all(round(w[f]) >= round(b[f]) for f in felder)


# ------------------------------------------------------------------ Grammatik


@given(n=st.integers(0, 10_000))
def test_einzahl_und_mehrzahl(n):
    text = anzahl(n, "Maßnahme", "Maßnahmen")
    assert text.endswith("Maßnahme" if n == 1 else "Maßnahmen")


def test_grammatik_in_saetzen():
    assert roadmap.zusatz_satz(0, 1, [], {}) == ("Mit 1 Personentag mehr je Jahr passten alle "
                                                 "verschobenen Maßnahmen in den Plan.")
    assert "2 Personentagen" in roadmap.zusatz_satz(0, 2, [], {})
    v = roadmap.Vorhaben("a", "A", 1, 0, 0, 0)
    plan = roadmap.planen([roadmap.Vorhaben("a", "A", 5, 0, 0, 0)], 1, 1, 2027, 1)
    assert "dauert 5 Quartale" in plan.verschoben["a"][1]
    assert not roadmap.planen([v], 1, 1, 2027, 1).verschoben


# ------------------------------------------------------------------ Demostudie


@pytest.fixture(scope="module")
def demo():
    from analyse import pipeline
    from analyse.eingabe import studienordner
    from analyse.eingabe.fragebogen import ziele
    from analyse.methoden import kommunentypen, reifegrad

    sd = studienordner.laden(Path(__file__).parents[1] / "daten")
    st_ = sd.studie
    rg = reifegrad.berechnen(sd.antworten, sd.fragebogen,
                             st_.reifegrad.model_copy(update={"monte_carlo": 0}), st_.seed)
    ty = kommunentypen.typisieren(ziele(sd.antworten, sd.fragebogen, st_.aktuelle_welle),
                                  sd.typkatalog, st_.kommunentypen, st_.seed)
    return sd, pipeline.planen(sd, st_, rg.werte, ty, pipeline.struktur(sd))


@pytest.mark.langsam
def test_eigenschaften_demostudie(demo):
    sd, t = demo
    alle_eigenschaften(t, sd.massnahmen, sd.studie)
    e = t["empfehlungen"]
    # OZG-Rückstand führt zu OZG-Maßnahmen (Dorenau: keine relevante Leistung online)
    luecke = t["ozg_luecken"].set_index("ags")["luecke"]
    for ags, teil in e.groupby("ags"):
        if luecke.get(ags, 0) > 0:
            assert teil["ozg_relevant"].any(), ags
    # Bündelung greift: Empfehlungen über den Verband
    assert e["ueber_verband"].any()


def test_kein_fest_verdrahteter_zeitraum():
    """Der Zeitraum kommt aus ``roadmap.jahre``; kein Text im Paket nennt ihn fest."""
    paket = Path(__file__).parents[1] / "src" / "analyse"
    muster = re.compile(r"drei Jahre|3 Jahre|dreijährig", re.IGNORECASE)
    treffer = [f"{p.relative_to(paket)}: {m.group(0)}" for p in paket.rglob("*")
               if p.suffix in (".py", ".ipynb", ".j2", ".yml") and p.is_file()
               for m in muster.finditer(p.read_text(encoding="utf-8"))]
    assert treffer == []
