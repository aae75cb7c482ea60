"""Roadmap: Voraussetzungen, Budget, Kapazität und Verschiebungen mit Begründung."""

import pandas as pd
import pytest

from analyse.eingabe.studie import RoadmapEinstellungen
from analyse.planung import rahmen, roadmap
from analyse.planung.roadmap import Vorhaben


def _v(id, q=2, einmalig=1000.0, jaehrlich=0.0, tage=10.0, vor=()):
    return Vorhaben(id, f"Titel {id}", q, einmalig, jaehrlich, tage, tuple(vor))


def test_voraussetzungen_zuerst():
    plan = roadmap.planen([_v("a", 3), _v("b", 2, vor=["a"]), _v("c", 1, vor=["b"])],
                          budget=1e6, kapazitaet=1e6, startjahr=2027, jahre=3)
    assert plan.termine == {"a": (0, 2), "b": (3, 4), "c": (5, 5)}
    assert not plan.verschoben


def test_budget_wird_eingehalten_und_verschiebt():
    vorhaben = [_v("a", 4, einmalig=80_000), _v("b", 4, einmalig=80_000),
                _v("c", 4, einmalig=80_000), _v("d", 4, einmalig=80_000)]
    plan = roadmap.planen(vorhaben, budget=100_000, kapazitaet=1e6, startjahr=2027, jahre=3)
    assert set(plan.termine) == {"a", "b", "c"}
    assert (plan.budget_genutzt <= 100_000 + 1e-6).all()
    engpass, grund = plan.verschoben["d"]
    assert engpass == "budget"
    assert "Titel d" in grund and "2029" in grund and "100.000\u00a0€" in grund
    geld, tage, zeitlich = roadmap.zusatzbedarf(vorhaben, plan)
    assert tage == 0 and not zeitlich
    mehr = roadmap.planen(vorhaben, budget=100_000 + geld, kapazitaet=1e6, startjahr=2027,
                          jahre=3)
    assert not mehr.verschoben
    assert roadmap.planen(vorhaben, budget=100_000 + geld - 200, kapazitaet=1e6,
                          startjahr=2027, jahre=3).verschoben


def test_laufende_kosten_belasten_folgejahre():
    plan = roadmap.planen([_v("a", 4, einmalig=10_000, jaehrlich=90_000),
                           _v("b", 4, einmalig=50_000)], budget=100_000, kapazitaet=1e6,
                          startjahr=2027, jahre=3)
    # a läuft ab 2028 mit 90.000 €; b passt daher nur 2027 (gemeinsam mit a: 60.000 €)
    assert plan.termine["b"] == (0, 3)


def test_personal_und_abhaengige_verschiebung():
    plan = roadmap.planen([_v("a", 2, tage=500), _v("b", 1, vor=["a"])], budget=1e6,
                          kapazitaet=100, startjahr=2027, jahre=3)
    assert plan.verschoben["a"][0] == "personal"
    assert "Personentage" in plan.verschoben["a"][1]
    assert plan.verschoben["b"][0] == "voraussetzung"
    assert "Titel a" in plan.verschoben["b"][1]


def test_zu_lang_fuer_den_zeitraum():
    plan = roadmap.planen([_v("a", 13)], budget=1e9, kapazitaet=1e9, startjahr=2027, jahre=3)
    assert plan.verschoben["a"][0] == "zeit"


def test_tabellen_und_grenzen():
    vorhaben = [_v("a", 2, einmalig=8000, jaehrlich=400)]
    plan = roadmap.planen(vorhaben, budget=1e5, kapazitaet=1e3, startjahr=2027, jahre=3)
    rm, kosten, jahre, versch = roadmap.tabellen("05000001", plan, vorhaben, {"a": {"rang": 1}})
    assert rm.loc[0, "start"] == "2027 Q1" and rm.loc[0, "ende"] == "2027 Q2"
    assert kosten["kosten_einmalig"].sum() == 8000
    assert jahre.loc[0, "kosten_laufend"] == 200  # zwei Quartale laufend in 2027
    assert versch.empty


def test_grund_nennt_die_bindende_grenze():
    c = _v("c", 4, einmalig=40_000, tage=50)
    # Nur das Geld: Umlage belegt fast den ganzen Rahmen, Personal ist reichlich da.
    plan = roadmap.planen([c], budget=100_000, kapazitaet=1000, startjahr=2027, jahre=3,
                          vorbelegt=90_000)
    engpass, grund = plan.verschoben["c"]
    assert engpass == "budget" and "Personentag" not in grund
    assert "Beginn 2027 Q2" in grund and "im Jahr 2027 20.000\u00a0€ (nötig 30.000" in grund
    # Nur das Personal
    plan = roadmap.planen([c], budget=1e6, kapazitaet=20, startjahr=2027, jahre=3)
    engpass, grund = plan.verschoben["c"]
    assert engpass == "personal" and "€" not in grund.split(":", 1)[1]
    assert "Beginn 2027 Q3" in grund and "im Jahr 2027 5 Personentage (nötig 25" in grund
    # Beide an jedem Start
    plan = roadmap.planen([c], budget=10_000, kapazitaet=20, startjahr=2027, jahre=3)
    assert plan.verschoben["c"][0] == "budget und personal"


def test_frueheste_und_vorbelegt():
    v = roadmap.Vorhaben("a", "A", 2, 1000, 0, 1, frueheste=5, frueheste_grund="Verband")
    plan = roadmap.planen([v], budget=[2000, 2000, 2000], kapazitaet=10, startjahr=2027,
                          jahre=3, vorbelegt=[1500, 1500, 0])
    assert plan.termine["a"][0] >= 5
    _, _, jahre, _ = roadmap.tabellen("x", plan, [v])
    assert (jahre["kosten_gesamt"] <= jahre["budget"] + 1e-6).all()
    assert list(jahre["umlage_verband"]) == [1500, 1500, 0]


def test_rahmen_aus_eigenen_zahlen_und_klassenwert():
    e = RoadmapEinstellungen()
    kommunen = pd.DataFrame({"ags": ["1", "2", "3"], "groessenklasse": ["GK7", "GK7", "K1"]})
    struktur = pd.DataFrame({"ags": ["1", "2", "3"], "welle": 2026,
                             "digitalbudget": [48_000, None, 9_000_000],
                             "it_personal": [0.3, 1.0, None], "beschaeftigte": [19, 40, 3000]})
    r = rahmen.berechnen(kommunen, struktur, 2026, e).set_index("ags")
    assert r.at["1", "budget"] == pytest.approx(e.anteil_digitalbudget * 48_000)
    assert r.at["1", "kapazitaet_personentage"] == pytest.approx(
        (e.anteil_it_personal * 0.3 + e.anteil_beschaeftigte * 19) * e.arbeitstage_je_vzae)
    assert r.at["2", "budget"] == e.budget_je_jahr["GK7"]
    assert r.at["2", "budget_quelle"] == "Klassenwert" and "kein IT- und Digitalbudget" in \
        r.at["2", "satz"]
    assert r.at["3", "kapazitaet_personentage"] == e.personentage_je_jahr["GK3"]  # K1 → GK3
    assert "IT-Personal nicht gemeldet" in r.at["3", "satz"]
    assert "48.000" in r.at["1", "satz"] and "20 %" in r.at["1", "satz"]
