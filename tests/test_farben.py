"""Die Palette: Kontrast gegen Weiß, unterscheidbar bei Farbfehlsichtigkeit, feste Zuteilung."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from analyse.berichte import farben

# Machado, Oliveira & Fernandes (2009), Schweregrad 1,0, im linearen RGB
SIMULATION = {
    "normal": np.eye(3),
    "Protanopie": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "Deuteranopie": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "Tritanopie": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _linear(farbe: str) -> np.ndarray:
    c = np.array([int(farbe[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def kontrast_gegen_weiss(farbe: str) -> float:
    """WCAG-Kontrastverhältnis gegen Weiß."""
    r, g, b = _linear(farbe)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def _lab(rgb_linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb_linear, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_kontrast_mindestens_3_zu_1():
    for farbe in (*farben.FARBEN, farben.GRAU, farben.GESAMT_FARBE, farben.KANTE):
        assert kontrast_gegen_weiss(farbe) >= 3.0, farbe
    assert kontrast_gegen_weiss("#E69F00") < 3  # die Prüfung unterscheidet (Okabe-Ito-Orange)


@pytest.mark.parametrize("sicht", list(SIMULATION))
def test_farben_unterscheidbar_auch_bei_farbfehlsichtigkeit(sicht):
    matrix = SIMULATION[sicht]
    alle = [*farben.FARBEN, farben.GRAU, farben.GESAMT_FARBE]
    lab = {f: _lab(matrix @ _linear(f)) for f in alle}
    for a, b in itertools.combinations(alle, 2):
        assert np.linalg.norm(lab[a] - lab[b]) >= 10, (sicht, a, b)


def test_rot_gruen_waere_nicht_unterscheidbar():
    """Die Simulation erkennt ein typisches Problempaar (sonst prüfte der Test oben nichts)."""
    m = SIMULATION["Deuteranopie"]
    assert np.linalg.norm(_lab(m @ _linear("#D62728")) - _lab(m @ _linear("#8C8C00"))) < 10


def test_feste_zuteilung_unabhaengig_vom_bericht():
    katalog = ["bedaechtige", "optimierer", "serviceorientierte", "community_manager"]
    modell = ["optimierer", "neu_1", "bedaechtige", "optimierer_2", "community_manager"]
    stile = farben.typstile_aus(katalog, modell)
    # Katalogreihenfolge zählt, nicht die Reihenfolge der Cluster im Modell
    assert stile["bedaechtige"].farbe == farben.FARBEN[0]
    assert stile["optimierer"].farbe == farben.FARBEN[1]
    assert stile["neu_1"].farbe == farben.FARBEN[4]
    assert stile["optimierer_2"].farbe == farben.FARBEN[5]
    assert stile[farben.MISCHTYP].farbe == farben.GRAU
    # Jeder Typ hat eine eigene Kombination aus Farbe, Marker und Schraffur, auch über acht
    viele = farben.typstile_aus([f"t{i}" for i in range(12)], [])
    kombis = [(s.farbe, s.marker, s.schraffur) for s in viele.values()]
    assert len(set(kombis)) == len(kombis)
    assert len({s.marker for s in list(viele.values())[:8]}) == 8
    felder = farben.feldstile_aus(["strategie", "organisation", "gesamt"])
    assert felder["gesamt"].farbe == farben.GESAMT_FARBE
    assert felder["organisation"].farbe == farben.FARBEN[1]


def test_farben_nur_aus_der_palette():
    """Bedeutungstragende Farben kommen aus ``farben``: sonst nur Grautöne (Gitter, Linien) und
    die stetige Skala der Heatmap, keine eigenen Paletten je Bericht."""
    import re
    from pathlib import Path

    import analyse.berichte as paket
    for pfad in Path(paket.__file__).parent.rglob("*.py"):
        if pfad.name == "farben.py":
            continue
        text = pfad.read_text(encoding="utf-8")
        for farbe in re.findall(r"""["'](#[0-9A-Fa-f]{6})["']""", text):
            assert farbe[1:3] == farbe[3:5] == farbe[5:7], f"{pfad.name}: {farbe}"
        assert set(re.findall(r"""cmap=["'](\w+)["']|get_cmap\(["'](\w+)""", text)) <= {
            ("Blues", "")}, pfad.name
