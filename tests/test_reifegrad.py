"""Reifegrad als Composite Indicator: Regeln, Reliabilität, Unsicherheit, Wellen."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from analyse.demo import simulation as sim
from analyse.eingabe.studie import ReifegradEinstellungen
from analyse.methoden import reifegrad as rg

WN, KA = sim.WEISS_NICHT, sim.KEINE_ANGABE


@pytest.fixture(scope="module")
def fb():
    return sim.beispiel_fragebogen(items_je_feld=5)


def _eine_kommune(fb, werte: dict[str, float], welle: int = 2025, ags: str = "01001000",
                  rest: float = 3.0) -> pd.DataFrame:
    """Eine Antwortzeile: alle Reifeitems ``rest`` (umgepolte gespiegelt), dazu ``werte``."""
    zeile = {"ags": ags, "welle": welle}
    for item in fb.items:
        zeile[item.id] = (6 - rest if item.umgepolt else rest) if item.handlungsfeld else 3.0
    zeile.update(werte)
    return pd.DataFrame([zeile])


def _wert(erg, feld, ags="01001000", welle=2025):
    w = erg.werte
    return w[(w["ags"] == ags) & (w["welle"] == welle) & (w["handlungsfeld"] == feld)]["wert"].item()


OHNE_MC = ReifegradEinstellungen(monte_carlo=0)


def test_normalisierung_und_umpolung(fb):
    # strategie_1 ist umgepolt: Code 1 bedeutet höchste Reife
    a = _eine_kommune(fb, {"strategie_1": 1, "strategie_2": 5, "strategie_3": 1,
                           "strategie_4": 3, "strategie_5": 4})
    erg = rg.berechnen(a, fb, OHNE_MC, seed=1)
    assert _wert(erg, "strategie") == pytest.approx((100 + 100 + 0 + 50 + 75) / 5)
    assert _wert(erg, "technik") == pytest.approx(50)
    assert erg.werte["wert"].between(0, 100).all()


def test_weiss_nicht_und_keine_angabe(fb):
    a = _eine_kommune(fb, {"strategie_2": WN, "strategie_3": KA}, rest=5)
    # voreingestellt: „weiß nicht“ = 0, „keine Angabe“ = Mittel der übrigen
    erg = rg.berechnen(a, fb, OHNE_MC, seed=1)
    assert _wert(erg, "strategie") == pytest.approx((100 + 0 + 100 + 100) / 4)
    erg = rg.berechnen(a, fb, ReifegradEinstellungen(monte_carlo=0, weiss_nicht="fehlend"), 1)
    assert _wert(erg, "strategie") == pytest.approx(100)


def test_ausschluss_mit_grund(fb):
    # 3 von 5 fehlen (einmal leer, einmal keine Angabe, einmal weiß nicht) → 40 % < 60 %
    a = _eine_kommune(fb, {"daten_1": np.nan, "daten_2": KA, "daten_3": WN})
    erg = rg.berechnen(a, fb, OHNE_MC, seed=1)
    assert np.isnan(_wert(erg, "daten")) and np.isnan(_wert(erg, "gesamt"))
    assert not np.isnan(_wert(erg, "technik"))
    aus = erg.ausschluesse.set_index("handlungsfeld")["grund"]
    assert "2 von 5" in aus["daten"] and "60" in aus["daten"]
    assert "daten" in aus["gesamt"]
    # genau am Mindestanteil (3 von 5 = 60 %) wird bewertet
    a = _eine_kommune(fb, {"daten_1": np.nan, "daten_2": KA})
    assert not np.isnan(_wert(rg.berechnen(a, fb, OHNE_MC, seed=1), "daten"))


def test_geometrisch_und_arithmetisch():
    felder = np.array([[50.0, 50.0], [0.0, 100.0], [20.0, 80.0]])
    arith = rg.aggregieren(felder, np.array([1.0, 1.0]), "arithmetisch")
    geom = rg.aggregieren(felder, np.array([1.0, 1.0]), "geometrisch")
    assert arith == pytest.approx([50, 50, 50])
    assert geom[0] == pytest.approx(50)
    assert geom[1] == pytest.approx(np.sqrt(1 * 101) - 1)  # kein Absturz auf 0
    assert (geom[1:] < arith[1:]).all()
    gewichtet = rg.aggregieren(felder, np.array([3.0, 1.0]), "arithmetisch")
    assert gewichtet[1] == pytest.approx(25)


def test_gewichte_und_geometrisch_im_gesamtwert(fb):
    a = _eine_kommune(fb, {f"technik_{j}": 5 for j in range(2, 6)} | {"technik_1": 1})
    einst = ReifegradEinstellungen(monte_carlo=0, gewichte={"technik": 6})
    assert _wert(rg.berechnen(a, fb, einst, 1), "gesamt") == pytest.approx((6 * 100 + 6 * 50) / 12)
    geo = ReifegradEinstellungen(monte_carlo=0, aggregation="geometrisch")
    assert _wert(rg.berechnen(a, fb, geo, 1), "gesamt") < _wert(rg.berechnen(a, fb, OHNE_MC, 1),
                                                                "gesamt")
    with pytest.raises(ValueError, match="unbekannte Handlungsfelder"):
        rg.berechnen(a, fb, ReifegradEinstellungen(gewichte={"gibtsnicht": 1}), 1)


def test_stufen():
    stufen = ReifegradEinstellungen().stufen
    assert list(rg.stufe(np.array([0, 19.99, 20, 79.9, 80, 100, np.nan]), stufen)) == [
        "Einsteiger", "Einsteiger", "Grundlagen", "Etabliert", "Vorreiter", "Vorreiter", None]
    with pytest.raises(ValueError):
        ReifegradEinstellungen(stufen={"A": 10, "B": 50})


@pytest.fixture(scope="module")
def studie(fb):
    a = sim.antworten(400, fb, [2024, 2026], seed=7)
    return a, rg.berechnen(a, fb, ReifegradEinstellungen(monte_carlo=100), seed=3)


def test_alpha_wie_pingouin(fb, studie):
    a, erg = studie
    rel = erg.tabellen["reliabilitaet"].set_index(["welle", "handlungsfeld"])
    felder = rg.felder_vorbereiten(a, fb)
    for f in felder:
        for welle in (2024, 2026):
            df = pd.DataFrame(f.norm[a["welle"].to_numpy() == welle], columns=f.items)
            erwartet, _ = pg.cronbach_alpha(df, nan_policy="listwise")
            assert rel.loc[(welle, f.id), "alpha"] == pytest.approx(erwartet, abs=1e-9)
    assert (rel["alpha"] > 0.7).all()


def test_trennschaerfe(fb, studie):
    a, erg = studie
    ts = erg.tabellen["trennschaerfe"]
    zeile = ts[(ts["welle"] == 2024) & (ts["item"] == "online_3")].iloc[0]
    f = next(f for f in rg.felder_vorbereiten(a, fb) if f.id == "online")
    x = pd.DataFrame(f.norm[a["welle"].to_numpy() == 2024], columns=f.items).dropna()
    rest = x.drop(columns="online_3").sum(axis=1)
    assert zeile["trennschaerfe"] == pytest.approx(np.corrcoef(x["online_3"], rest)[0, 1], abs=1e-12)
    assert zeile["alpha_ohne_item"] == pytest.approx(
        pg.cronbach_alpha(x.drop(columns="online_3"))[0], abs=1e-9)


def test_monte_carlo_intervalle(studie):
    _, erg = studie
    u = erg.tabellen["unsicherheit"]
    assert len(u) > 0
    assert (u["rang_p05"] <= u["rang_median"]).all() and (u["rang_median"] <= u["rang_p95"]).all()
    assert (u["wert_p05"] <= u["wert_median"]).all() and (u["wert_median"] <= u["wert_p95"]).all()
    assert u["rang_p05"].min() >= 1 and (u["rang_p95"] <= u["anzahl"]).all()
    assert (u["rang_p95"] > u["rang_p05"]).any()  # die Unsicherheit ist nicht null


def test_wellen_veraenderung(fb, studie):
    _, erg = studie
    ent = erg.tabellen["entwicklung"]
    assert set(ent["welle"]) == {2026} and set(ent["vorwelle"]) == {2024}
    z = ent.dropna(subset=["veraenderung"]).iloc[0]
    w = erg.werte.set_index(["ags", "welle", "handlungsfeld"])["wert"]
    assert z["veraenderung"] == pytest.approx(w[(z["ags"], 2026, z["handlungsfeld"])]
                                              - w[(z["ags"], 2024, z["handlungsfeld"])])
    # simuliert ist ein Zuwachs: im Mittel steigt der Gesamtwert
    assert ent.loc[ent["handlungsfeld"] == "gesamt", "veraenderung"].mean() > 0
    kommunen = pd.DataFrame({"ags": sorted(erg.werte["ags"].unique())})
    kommunen["mitglied"] = np.arange(len(kommunen)) % 2 == 0
    ve = rg.verbandsentwicklung(erg.werte, kommunen)
    g = ve[ve["handlungsfeld"] == "gesamt"].set_index("welle")
    assert g.loc[2026, "veraenderung_panel"] > 0 and np.isnan(g.loc[2024, "veraenderung_panel"])
    assert g.loc[2024, "n"] <= len(kommunen) / 2


def test_deterministisch(fb):
    a = sim.antworten(60, fb, [2025], seed=1)
    e1 = rg.berechnen(a, fb, ReifegradEinstellungen(monte_carlo=30), seed=4)
    e2 = rg.berechnen(a, fb, ReifegradEinstellungen(monte_carlo=30), seed=4)
    pd.testing.assert_frame_equal(e1.tabellen["unsicherheit"], e2.tabellen["unsicherheit"])
    pd.testing.assert_frame_equal(e1.werte, e2.werte)


# --------------------------------------------------------------------------- Issue 10


@pytest.fixture(scope="module")
def ohne_zuwachs(fb):
    a = sim.antworten(300, fb, [2024, 2026], seed=17, zuwachs=0.0)
    return rg.berechnen(a, fb, ReifegradEinstellungen(monte_carlo=200, sensitivitaet=64), seed=2)


def test_messfehler_verbreitert_die_spannen(fb):
    a = sim.antworten(200, fb, [2025], seed=5)
    mit = rg.berechnen(a, fb, ReifegradEinstellungen(monte_carlo=100, sensitivitaet=0), seed=1)
    ohne = rg.berechnen(a, fb, ReifegradEinstellungen(monte_carlo=100, sensitivitaet=0,
                                                      messfehler=False,
                                                      normalisierungen=["theoretisch"]), seed=1)

    def breite(erg, feld):
        s = erg.tabellen["unsicherheit_felder"]
        s = s[s["handlungsfeld"] == feld]
        return (s["wert_p95"] - s["wert_p05"]).median()

    # ohne Messfehler ändert sich ein Feldwert nur durch die Regeln für fehlende Antworten
    assert breite(mit, "strategie") > 3 * breite(ohne, "strategie")
    assert breite(mit, "gesamt") > breite(ohne, "gesamt")


def test_spannen_enthalten_den_nominalen_wert(studie):
    _, erg = studie
    s = erg.tabellen["unsicherheit_felder"].merge(erg.werte, on=["ags", "welle", "handlungsfeld"])
    s = s.dropna(subset=["wert"])
    assert (s["wert_p05"] <= s["wert_median"]).all() and (s["wert_median"] <= s["wert_p95"]).all()
    # der nominale Wert liegt fast immer in der Spanne (er ist eine der möglichen Varianten)
    assert ((s["wert"] >= s["wert_p05"] - 1e-9) & (s["wert"] <= s["wert_p95"] + 1e-9)).mean() > 0.85


def test_veraenderung_mit_spanne_und_urteil(ohne_zuwachs, studie):
    ent = ohne_zuwachs.tabellen["entwicklung"]
    assert set(ent.loc[ent["veraenderung"].notna(), "urteil"]) <= set(rg.URTEILE)
    assert (ent.loc[ent["veraenderung"].isna(), "urteil"] == "").all()
    g = ent[ent["handlungsfeld"] == "gesamt"].dropna(subset=["veraenderung"])
    assert (g["veraenderung_p05"] <= g["veraenderung_p95"]).all()
    # ohne echte Veränderung nur selten „deutlich“
    assert (g["urteil"] != "keine gesicherte Veränderung").mean() <= 0.15
    # „deutlich gestiegen“ nur, wenn die Spanne die Null ausschließt
    dg = ent[ent["urteil"] == "deutlich gestiegen"]
    assert (dg["veraenderung_p05"] > 0).all()
    # mit Zuwachs (0,3 SD je Welle) steigen viele Gesamtwerte deutlich (hier rund ein Drittel)
    _, erg = studie
    g = erg.tabellen["entwicklung"]
    g = g[g["handlungsfeld"] == "gesamt"].dropna(subset=["veraenderung"])
    assert (g["urteil"] == "deutlich gestiegen").mean() > 0.25
    assert (g["urteil"] == "deutlich gesunken").mean() < 0.05


def test_sobol_indizes(ohne_zuwachs):
    s = ohne_zuwachs.modell.sensitivitaet
    assert s is not None and s.auswertungen == 64 * 8
    namen = [i.faktor for i in s.indizes]
    assert namen == ["messfehler", "normalisierung", "weiss_nicht", "imputation", "gewichte",
                     "aggregation"]
    st = {i.faktor: i.st for i in s.indizes}
    # der Messfehler ist hier die größte Quelle (wie in Issue 10 beobachtet)
    assert max(st, key=st.get) == "messfehler" and st["messfehler"] > 0.3
    assert all(-0.2 <= i.s1 <= i.st + 0.2 for i in s.indizes)
    tab = ohne_zuwachs.tabellen["sensitivitaet"]
    assert list(tab["faktor"]) == namen


def test_parallelanalyse():
    rng = np.random.default_rng(1)
    n = 500
    a, b = rng.normal(size=(n, 1)), rng.normal(size=(n, 1))
    zwei = np.hstack([a + rng.normal(0, 0.7, (n, 3)), b + rng.normal(0, 0.7, (n, 3))])
    eigen, schwelle = rg.parallelanalyse(zwei, 30, seed=1)
    assert (eigen > schwelle).sum() == 2
    eins = a + rng.normal(0, 0.7, (n, 6))
    eigen, schwelle = rg.parallelanalyse(eins, 30, seed=1)
    assert (eigen > schwelle).sum() == 1


def test_struktur_der_felder(studie):
    _, erg = studie
    d = {x.ebene: x for x in erg.modell.dimensionen}
    felder = [f.id for f in rg.felder_vorbereiten(studie[0], sim.beispiel_fragebogen())]
    assert all(d[f].faktoren == 1 for f in felder)  # simuliert: je Feld ein latenter Wert
    assert d["felder"].faktoren == 1  # gemeinsame latente Reife: ein Gesamtindex trägt
    assert "Gesamtindex ist gestützt" in erg.modell.struktur_satz
    tab = erg.tabellen["reifegrad_struktur"]
    assert set(tab["ebene"]) == {*felder, "items", "felder"}


def test_normalisierungen():
    x = np.array([[0.0, 25.0], [50.0, 25.0], [100.0, 75.0], [np.nan, 75.0]])
    beob = rg.mc.normalisieren(x, "beobachtet")
    assert beob[:, 1].tolist() == [0.0, 0.0, 100.0, 100.0]
    pz = rg.mc.normalisieren(x, "perzentil")
    assert np.isnan(pz[3, 0]) and pz[0, 0] < pz[1, 0] < pz[2, 0]
    assert pz[:, 1].tolist() == [25.0, 25.0, 75.0, 75.0]
