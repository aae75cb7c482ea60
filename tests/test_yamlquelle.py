from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.yamlquelle import modell_laden, yaml_laden


class Eintrag(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    dauer: int


class Liste(BaseModel):
    model_config = ConfigDict(extra="forbid")
    eintraege: list[Eintrag]


def test_zeilen_je_pfad(tmp_path: Path):
    p = tmp_path / "a.yml"
    p.write_text("eintraege:\n  - id: a\n    dauer: 3\n  - id: b\n    dauer: 4\n", encoding="utf-8")
    daten, zeilen = yaml_laden(p)
    assert daten["eintraege"][1]["id"] == "b"
    assert zeilen[("eintraege", 1, "dauer")] == 5


def test_alle_fehler_mit_zeile(tmp_path: Path):
    p = tmp_path / "a.yml"
    p.write_text("eintraege:\n  - id: a\n    dauer: drei\n  - id: b\n    dauer: 4\n    farbe: rot\n",
                 encoding="utf-8")
    with pytest.raises(Eingabefehler) as e:
        modell_laden(p, Liste)
    probleme = e.value.probleme
    assert Problem("a.yml", 3, "eintraege.0.dauer", "drei", "eine ganze Zahl") in probleme
    fremd = [x for x in probleme if x.spalte == "eintraege.1.farbe"]
    assert fremd and fremd[0].zeile == 6 and "unbekannt" in fremd[0].erwartet


def test_syntaxfehler_mit_zeile(tmp_path: Path):
    p = tmp_path / "kaputt.yml"
    p.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")
    with pytest.raises(Eingabefehler) as e:
        yaml_laden(p)
    (problem,) = e.value.probleme
    assert problem.datei == "kaputt.yml" and problem.zeile is not None
    assert "YAML" in problem.erwartet


def test_falsche_kodierung(tmp_path: Path):
    p = tmp_path / "latin.yml"
    p.write_bytes("titel: Gr\xfc\xdfe\n".encode("latin-1"))
    with pytest.raises(Eingabefehler) as e:
        yaml_laden(p)
    assert "UTF-8" in e.value.probleme[0].erwartet
    assert e.value.probleme[0].zeile == 1


def test_problemtext_nennt_alles():
    text = str(Problem("kommunen.csv", 4, "einwohner", "12.000", "eine ganze Zahl"))
    assert text == "kommunen.csv, Zeile 4, Spalte 'einwohner', Wert '12.000': erwartet eine ganze Zahl"
