"""Die Ausgabe von ``analyse einordnen`` verlinkt nur, was es dort gibt.

Eine Einordnung hat keinen Abschlussbericht und keine Kommunenliste der Studie: Die Navigation
jeder Seite (Übersicht, Erklärung zur Barrierefreiheit, Kommunenbericht) muss ohne sie
auskommen. Geprüft ohne Browser mit derselben Regel wie ``tests/browser`` (``hilfen.defekte_links``).
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path
from types import SimpleNamespace

import nbformat
from arbeitshilfen_hilfen import ausgefuellt, auskunft_der_studie
from hilfen import defekte_links

from analyse import pipeline
from analyse.berichte import website
from analyse.ergebnisse import speicher

VORLAGE = Path(website.__file__).parent / "vorlagen" / "bericht_kommune.ipynb"


def _abschnitte() -> list[tuple[str, str]]:
    zellen = json.loads(VORLAGE.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(z["source"]) for z in zellen if z["cell_type"] == "code")
    return [(k.func.value.id, k.func.attr) for k in ast.walk(ast.parse(code))
            if isinstance(k, ast.Call) and isinstance(k.func, ast.Attribute)
            and isinstance(k.func.value, ast.Name) and k.func.value.id not in {"erg", "glossar"}
            and k.func.attr != "ags_oder_erste_referenzkommune"]


def _kommunenseite(ordner: Path, ags: str, ziel: Path) -> None:
    """Der Kommunenbericht wie im Batch (Abschnitte der Vorlage, exportiert mit
    ``website.notebook_html``), ohne Kernel."""
    erg = speicher.laden(ordner)
    zellen = []
    for modul, name in _abschnitte():
        inhalt = str(getattr(importlib.import_module(f"analyse.berichte.{modul}"), name)(erg, ags))
        zelle = nbformat.v4.new_code_cell("")
        zelle.outputs = [nbformat.v4.new_output("display_data", data={"text/html": inhalt})]
        zellen.append(zelle)
    auftrag = SimpleNamespace(name=ags, titel="Bericht", ziel_html=ziel, ziel_pdf=None,
                              parameter={"ergebnisse": str(ordner)})
    ziel.write_text(website.notebook_html(nbformat.v4.new_notebook(cells=zellen), auftrag),
                    encoding="utf-8")


def test_einordnung_verlinkt_nur_vorhandenes(studie, erg, tmp_path):
    ags = str(erg.kommunen.index[0])
    ausgefuellt(erg, tmp_path / "ein" / f"{ags}.xlsx", *auskunft_der_studie(erg, ags))
    aus = tmp_path / "aus"
    lauf = pipeline.einordnen(studie, tmp_path / "ein", aus, berichte=False)
    assert lauf.ok
    _kommunenseite(aus / "ergebnisse" / ags, ags, aus / "kommunen" / f"{ags}.html")
    seiten = sorted(p.relative_to(aus).as_posix() for p in aus.rglob("*.html"))
    assert seiten == ["barrierefreiheit.html", "index.html", f"kommunen/{ags}.html"]
    assert defekte_links(aus) == []
    # die Navigation ist noch da, nur ohne Abschlussbericht
    index = (aus / "index.html").read_text(encoding="utf-8")
    assert 'href="index.html#kommunen">Kommunenberichte' in index
    assert "abschlussbericht.html" not in index


def test_linkpruefung_findet_kaputte_links(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="sub/a.html#da">ok</a><a href="fehlt.html">x</a><a href="sub/a.html#weg">y</a>'
        '<a href="../draussen.html">z</a><a href="https://example.org/">extern</a>',
        encoding="utf-8")
    (tmp_path / "sub" / "a.html").write_text('<h2 id="da">A</h2><a href="../index.html">i</a>',
                                             encoding="utf-8")
    defekt = defekte_links(tmp_path)
    assert len(defekt) == 3
    assert any("fehlt.html fehlt" in d for d in defekt)
    assert any("#weg fehlt" in d for d in defekt)
    assert any("aus der Site hinaus" in d for d in defekt)
