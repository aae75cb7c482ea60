"""Browserprüfungen: ein Chromium je Testlauf, die Demo-Site einmal gebaut (nbconvert-Weg).

Ohne Chromium oder ohne ``node_modules/axe-core`` überspringen die Tests mit Grund; in CI
(``CI=true``) ist beides ein Fehler, denn dort installiert ``.ci/run`` es.
"""

from __future__ import annotations

import pytest
from cdp import Browser, chromium_programm
from hilfen import analyse_lauf
from pruefung import AXE, WURZEL, fehlende_voraussetzungen, im_ci


@pytest.fixture(scope="session")
def axe_quelle() -> str:
    fehlt = fehlende_voraussetzungen()
    if fehlt:
        grund = "Browserprüfungen nicht möglich: " + "; ".join(fehlt)
        if im_ci():
            pytest.fail(grund + " (in CI installiert .ci/run beides)", pytrace=False)
        pytest.skip(grund)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser(axe_quelle):
    with Browser(chromium_programm()) as b:
        yield b


@pytest.fixture(scope="session")
def demo_site(axe_quelle, tmp_path_factory):
    """Die Website der Demostudie (``daten/``), gebaut wie ``analyse alles --nbconvert``."""
    basis = tmp_path_factory.mktemp("browser")
    ergebnis = analyse_lauf("alles", "--daten", str(WURZEL / "daten"), "--ausgabe",
                            str(basis / "aus"), "--nbconvert", "--parallel", "2", cwd=basis)
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    return basis / "aus" / "berichte" / "_site"
