"""Roadmap: Voraussetzungen, Budget, Kapazität und Verschiebungen mit Begründung."""

from analyse.eingabe.studie import RoadmapEinstellungen
from analyse.planung import roadmap
from analyse.planung.roadmap import Vorhaben


def _v(id, q=2, einmalig=1000.0, jaehrlich=0.0, tage=10.0, vor=()):
    return Vorhaben(id, f"Titel {id}", q, einmalig, jaehrlich, tage, tuple(vor))


def test_voraussetzungen_zuerst():
    plan = roadmap.planen([_v("a", 3), _v("b", 2, vor=["a"]), _v("c", 1, vor=["b"])],
                          budget=1e6, kapazitaet=1e6, startjahr=2027)
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


def test_laufende_kosten_belasten_folgejahre():
    plan = roadmap.planen([_v("a", 4, einmalig=10_000, jaehrlich=90_000),
                           _v("b", 4, einmalig=50_000)], budget=100_000, kapazitaet=1e6,
                          startjahr=2027)
    # a läuft ab 2028 mit 90.000 €; b passt daher nur 2027 (gemeinsam mit a: 60.000 €)
    assert plan.termine["b"] == (0, 3)


def test_personal_und_abhaengige_verschiebung():
    plan = roadmap.planen([_v("a", 2, tage=500), _v("b", 1, vor=["a"])], budget=1e6,
                          kapazitaet=100, startjahr=2027)
    assert plan.verschoben["a"][0] == "personal"
    assert "Personentage" in plan.verschoben["a"][1]
    assert plan.verschoben["b"][0] == "voraussetzung"
    assert "Titel a" in plan.verschoben["b"][1]


def test_zu_lang_fuer_den_zeitraum():
    plan = roadmap.planen([_v("a", 13)], budget=1e9, kapazitaet=1e9, startjahr=2027)
    assert plan.verschoben["a"][0] == "zeit"


def test_tabellen_und_grenzen():
    vorhaben = [_v("a", 2, einmalig=8000, jaehrlich=400)]
    plan = roadmap.planen(vorhaben, budget=1e5, kapazitaet=1e3, startjahr=2027)
    rm, kosten, jahre, versch = roadmap.tabellen("05000001", plan, vorhaben, {"a": {"rang": 1}})
    assert rm.loc[0, "start"] == "2027 Q1" and rm.loc[0, "ende"] == "2027 Q2"
    assert kosten["kosten_einmalig"].sum() == 8000
    assert jahre.loc[0, "kosten_laufend"] == 200  # zwei Quartale laufend in 2027
    assert versch.empty
    e = RoadmapEinstellungen()
    assert roadmap.grenzen("K1", e) == (e.budget_je_jahr["GK3"], e.personentage_je_jahr["GK3"])
    e2 = RoadmapEinstellungen(budget_anteil_digitalbudget=0.5)
    assert roadmap.grenzen("GK6", e2, digitalbudget=300_000)[0] == 150_000
