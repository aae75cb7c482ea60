import numpy as np
import pandas as pd

from analyse.methoden import peers


def _werte():
    idx = [f"{i:08d}" for i in range(12)]
    return pd.DataFrame({"a": np.arange(12, dtype=float), "b": np.arange(12, dtype=float) * 2},
                        index=idx)


def test_kleine_gruppen_werden_unterdrueckt():
    w = _werte()
    gruppe = pd.Series(["x"] * 8 + ["y"] * 4, index=w.index)
    m = peers.gruppenmedian(w, gruppe, mindestgroesse=5)
    assert m.loc["x", ("a", "median")] == 3.5
    assert np.isnan(m.loc["y", ("a", "median")])
    assert m.loc["y", ("a", "n")] == 4


def test_vergleich_zeigt_nur_gruppenwerte():
    w = _werte()
    gk = pd.Series(["x"] * 8 + ["y"] * 4, index=w.index)
    v = peers.vergleich(w, w.index[9], {"gk": gk}, mindestgroesse=5)
    assert list(v.columns) == ["wert", "gk", "gk_n"]
    assert v.loc["a", "wert"] == 9 and np.isnan(v.loc["a", "gk"]) and v.loc["a", "gk_n"] == 4
    v = peers.vergleich(w, w.index[0], {"gk": gk}, mindestgroesse=5)
    assert v.loc["b", "gk"] == 7.0


def test_perzentil():
    assert peers.perzentil(pd.Series([1, 2, 3, 4]), 2) == 50
