"""Jede Bibliothek, die das Paket importiert, steht in pyproject.toml (und environment.yml).

CI baut die venv aus pyproject neu; eine nur von Hand installierte Bibliothek fällt erst dort auf.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml

WURZEL = Path(__file__).resolve().parents[1]


def _name(anforderung: str) -> str:
    return re.split(r"[<>=!~\[; ]", anforderung, maxsplit=1)[0].strip().lower().replace("_", "-")


def _projekt() -> dict:
    return tomllib.loads((WURZEL / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _importe(ordner: Path) -> set[str]:
    namen: set[str] = set()
    for datei in ordner.rglob("*.py"):
        for knoten in ast.walk(ast.parse(datei.read_text(encoding="utf-8"))):
            if isinstance(knoten, ast.Import):
                namen |= {a.name.split(".")[0] for a in knoten.names}
            elif isinstance(knoten, ast.ImportFrom) and knoten.level == 0 and knoten.module:
                namen.add(knoten.module.split(".")[0])
    return namen - set(sys.stdlib_module_names) - {"analyse", "__future__"}


def _fehlende(importe: set[str], erlaubt: set[str]) -> list[str]:
    verteilungen = packages_distributions()
    fehlend = []
    for modul in sorted(importe):
        quellen = {d.lower().replace("_", "-") for d in verteilungen.get(modul, [])}
        if not quellen & erlaubt:
            fehlend.append(f"{modul} (aus {sorted(quellen) or 'nicht installiert'})")
    return fehlend


# Bibliotheken, die eine eingetragene Abhängigkeit sicher mitbringt (ipykernel → IPython, …)
MITGEBRACHT = {"distributed", "ipython", "matplotlib-inline", "threadpoolctl", "jupyter-core", "traitlets"}


def test_paket_importiert_nur_eingetragene_bibliotheken():
    erlaubt = {_name(a) for a in _projekt()["dependencies"]} | MITGEBRACHT
    assert _fehlende(_importe(WURZEL / "src" / "analyse"), erlaubt) == []


def test_tests_importieren_nur_eingetragene_bibliotheken():
    projekt = _projekt()
    erlaubt = {_name(a) for a in projekt["dependencies"]} | MITGEBRACHT
    for extra in projekt.get("optional-dependencies", {}).values():
        erlaubt |= {_name(a) for a in extra}
    erlaubt |= {"pypandoc-binary", "beautifulsoup4"}
    importe = _importe(WURZEL / "tests") | _importe(WURZEL / "benchmarks")
    lokal = {p.stem for p in (WURZEL / "tests").rglob("*.py")} | {"hilfen", "bs4", "pypandoc"}
    assert _fehlende(importe - lokal, erlaubt | {"pypandoc", "bs4"}) == []


def test_environment_yml_nennt_jede_abhaengigkeit():
    umgebung = yaml.safe_load((WURZEL / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(a) for a in umgebung["dependencies"] if isinstance(a, str)}
    for a in umgebung["dependencies"]:
        if isinstance(a, dict):
            conda |= {_name(x) for x in a.get("pip", [])}
    projekt = _projekt()
    gefordert = {_name(a) for a in projekt["dependencies"]} - {"dask"}
    for extra in projekt.get("optional-dependencies", {}).values():
        gefordert |= {_name(a) for a in extra}
    assert sorted(gefordert - conda) == []
