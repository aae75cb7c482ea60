"""Personal- und Finanzrichtwerte: Spannen der Spitzengruppe, nur Gruppen ab Mindestgröße."""

import pandas as pd
import pytest

from analyse.planung import personal


def _daten(n_gk6=12, n_gk7=3):
    ags = [f"05{i:06d}" for i in range(n_gk6 + n_gk7)]
    gk = ["GK6"] * n_gk6 + ["GK7"] * n_gk7
    kommunen = pd.DataFrame({"ags": ags, "art": "Gemeinde", "groessenklasse": gk,
                             "einwohner": [20000 if g == "GK6" else 5000 for g in gk],
                             "referenzkommune": [i == 0 for i in range(len(ags))],
                             "mitglied": True})
    reifegrad = pd.DataFrame({"ags": ags, "welle": 2026, "handlungsfeld": "gesamt",
                              "wert": [10.0 * (i % 12) for i in range(len(ags))], "stufe": ""})
    # Stärkere Kommunen haben mehr IT-Personal: 1 + i/2 Stellen je 20.000 EW
    struktur = pd.DataFrame({"ags": ags, "welle": 2026, "beschaeftigte": 300.0,
                             "it_personal": [1 + (i % 12) / 2 for i in range(len(ags))],
                             "digitalbudget": [20000.0 * (1 + i % 12) for i in range(len(ags))]})
    return kommunen, reifegrad, struktur


def test_spanne_der_spitzengruppe():
    r = personal.richtwerte(*_daten(), welle=2026, mindestgroesse=5)
    z = r[(r["groessenklasse"] == "GK6") & (r["kennzahl"] == "it_personal_je_10000_ew")].iloc[0]
    # oberes Quartil (3 Kommunen) < 5 → die 5 stärksten: i = 7..11 → 4,5..6,5 Stellen/20.000 EW
    assert z["n_spitze"] == 5 and "5 Kommunen" in z["basis"]
    werte = pd.Series([1 + i / 2 for i in range(7, 12)]) / 2
    assert z["spitze_von"] == pytest.approx(werte.quantile(0.25))
    assert z["spitze_bis"] == pytest.approx(werte.quantile(0.75))
    assert z["spitze_von"] < z["spitze_bis"]
    assert z["n_mitglieder_ohne_referenz"] == 11
    assert "liegen darunter" in z["empfehlung"]


def test_kleine_klasse_ohne_spanne():
    r = personal.richtwerte(*_daten(), welle=2026, mindestgroesse=5)
    gk7 = r[r["groessenklasse"] == "GK7"]
    assert gk7["spitze_von"].isna().all() and gk7["hinweis"].str.contains("Zu wenige").all()


def test_ohne_strukturdaten_leer():
    k, rg, _ = _daten()
    assert personal.richtwerte(k, rg, pd.DataFrame(), 2026, 5).empty
