import pandas as pd
import pytest

from analyse.eingabe.groessenklassen import KLASSEN, KOSTENKLASSE, groessenklasse, groessenklassen


@pytest.mark.parametrize(("art", "einwohner", "erwartet"), [
    ("Gemeinde", 0, "GK7"),
    ("Gemeinde", 9_999, "GK7"),
    ("Gemeinde", 10_000, "GK6"),
    ("Stadt", 25_000, "GK5"),
    ("Stadt", 99_999, "GK4"),
    ("kreisfreie Stadt", 100_000, "GK3"),
    ("kreisfreie Stadt", 400_000, "GK1"),
    ("kreisfreie Stadt", 399_999, "GK2"),
    ("Kreis", 149_999, "K3"),
    ("Kreis", 150_000, "K2"),
    ("Kreis", 250_001, "K1"),
])
def test_kgst_grenzen(art, einwohner, erwartet):
    assert groessenklasse(art, einwohner) == erwartet


def test_jede_klasse_hat_kostenklasse():
    assert set(KOSTENKLASSE) == set(KLASSEN)
    assert set(KOSTENKLASSE.values()) <= {f"GK{i}" for i in range(1, 8)}


def test_spalte_ist_geordnet():
    df = pd.DataFrame({"art": ["Gemeinde", "Kreis"], "einwohner": [5000, 300_000]})
    s = groessenklassen(df)
    assert list(s) == ["GK7", "K1"]
    assert s.cat.ordered


def test_negative_einwohner():
    with pytest.raises(ValueError):
        groessenklasse("Gemeinde", -1)
