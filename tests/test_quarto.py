"""Der Quarto-Weg: läuft nur, wo `quarto` installiert ist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hilfen import analyse_lauf

WURZEL = Path(__file__).resolve().parents[1]


def test_quarto_projekt_nach_dokumentation():
    konf = yaml.safe_load((WURZEL / "_quarto.yml").read_text(encoding="utf-8"))
    assert konf["project"]["type"] == "website"
    assert konf["lang"] == "de"
    assert konf["execute"]["enabled"] is False  # bereits ausgeführte Notebooks
    assert konf["format"]["html"]["echo"] is False
    assert "kommunen/*.ipynb" in konf["project"]["render"]
    navigation = str(konf["website"])
    assert "abschlussbericht.ipynb" in navigation and "kommunen/*.ipynb" in navigation


@pytest.mark.quarto
@pytest.mark.langsam
@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto ist nicht installiert")
def test_quarto_rendert_die_site(lauf):
    r = analyse_lauf("website", "--daten", str(lauf["daten"]), "--ausgabe", str(lauf["ausgabe"]),
                     "--quarto", cwd=lauf["basis"])
    assert r.returncode == 0, r.stderr
    site = lauf["ausgabe"] / "berichte" / "_site"
    k = lauf["kommunen"]
    for ags in k.loc[k["referenzkommune"] == "ja", "ags"]:
        text = (site / "kommunen" / f"{ags}.html").read_text(encoding="utf-8")
        assert 'lang="de"' in text
        assert "<script>alert(1)</script>" not in text
    assert (site / "abschlussbericht.html").exists() and (site / "index.html").exists()
