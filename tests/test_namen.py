"""Ergebnistabellen heißen überall ``Tabelle.X``: beim Erzeugen (``methoden``, ``planung``),
Verbinden (``pipeline``) und Lesen (Berichte, Excel, Website, Arbeitshilfen, Notebooks).

Der Test liest den Syntaxbaum und sucht Zeichenketten, die ein Wert von ``Tabelle`` sind, an
Stellen, an denen sie nur eine Tabelle meinen können:
- als Argument an ``tabelle``, ``tabelle_falls_vorhanden``, ``tabelle_oder_leer``,
  ``speichern`` und ``schemas.pruefen``;
- als Schlüssel eines Dicts, dessen Schlüssel alle Tabellennamen sind (Tabellen eines Schritts);
- in einem Tupel, einer Liste oder Menge aus lauter Tabellennamen (mindestens zwei);
- als Index (``tabellen["x"]``) oder in ``"x" in erg.tabellen``, außer der Name ist zugleich
  eine Spalte einer Ergebnistabelle (``j["rahmen"]`` ist die Spalte ``rahmen``).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from analyse.ergebnisse.schemas import SCHEMAS
from analyse.namen import Tabelle

PAKET = Path(__file__).resolve().parents[1] / "src" / "analyse"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

TABELLENNAMEN = {t.value for t in Tabelle}
SPALTEN = {s for schema in SCHEMAS.values() for s in schema.columns}
LESER = {"tabelle", "tabelle_falls_vorhanden", "tabelle_oder_leer", "speichern", "pruefen"}

#: Begründete Ausnahmen (Datei relativ zu ``src/analyse``). Die Typisierung wird gerade
#: überarbeitet (Helfer „typologie“, Issue 10); ihre Tabellennamen (``typen_validitaet``,
#: ``typen_stabilitaet``, ``typen_projektion``) ziehen auf ``Tabelle.X`` um, sobald die
#: Überarbeitung gelandet ist. Bis dahin fängt ``speichern`` Tippfehler dort ab (Schema).
AUSNAHMEN = {
    "methoden/kommunentypen.py": "Typisierung in Überarbeitung (Helfer typologie)",
    "methoden/unsicherheit.py": "Typisierung/Unsicherheit in Überarbeitung (Helfer typologie)",
    # die Namen selbst und ihre Schemas
    "namen.py": "definiert die Namen",
}


def _name(s: ast.AST) -> str | None:
    return s.value if isinstance(s, ast.Constant) and isinstance(s.value, str) else None


def _ist_tabelle(s: ast.AST) -> bool:
    return _name(s) in TABELLENNAMEN


def _funktion(call: ast.Call) -> str | None:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _funde(k: ast.AST) -> list[tuple[ast.Constant, str]]:
    """Nackte Tabellennamen in einem Knoten: (Zeichenkette, Stelle)."""
    if isinstance(k, ast.Call) and _funktion(k) in LESER:
        return [(a, f"Argument von {_funktion(k)}()")
                for a in [*k.args, *(w.value for w in k.keywords)] if _ist_tabelle(a)]
    if isinstance(k, ast.Dict):
        schluessel = [s for s in k.keys if _name(s) is not None]
        if all(_ist_tabelle(s) for s in schluessel):
            return [(s, "Schlüssel eines Tabellen-Dicts") for s in schluessel]
    if isinstance(k, ast.Tuple | ast.List | ast.Set) and len(k.elts) >= 2 \
            and all(_ist_tabelle(e) for e in k.elts):
        return [(e, "Folge von Tabellennamen") for e in k.elts]
    if isinstance(k, ast.Subscript) and _ist_tabelle(k.slice) and k.slice.value not in SPALTEN:
        return [(k.slice, "Index")]
    if isinstance(k, ast.Compare) and _ist_tabelle(k.left) and k.left.value not in SPALTEN \
            and any(isinstance(o, ast.In | ast.NotIn) for o in k.ops):
        return [(k.left, "Test auf Enthaltensein")]
    return []


def nackte_tabellennamen(quelltext: str) -> list[tuple[int, str, str]]:
    """(Zeile, Name, Stelle) je nackt geschriebenem Tabellennamen."""
    return [(c.lineno, c.value, stelle) for k in ast.walk(ast.parse(quelltext))
            for c, stelle in _funde(k)]


def _quellen() -> list[tuple[str, str]]:
    dateien = [(str(p.relative_to(PAKET)), p.read_text(encoding="utf-8"))
               for p in sorted(PAKET.rglob("*.py"))]
    notebooks = sorted({*NOTEBOOKS.glob("*.ipynb"), *(PAKET / "berichte" / "vorlagen").glob(
        "*.ipynb")})
    for nb in notebooks:
        zellen = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(z["source"]) for z in zellen if z["cell_type"] == "code")
        code = "\n".join(z for z in code.splitlines() if not z.lstrip().startswith(("%", "!")))
        dateien.append((nb.name, code))
    return dateien


def test_keine_nackten_tabellennamen():
    funde = [f"{datei}:{zeile}: '{name}' ({stelle}) – Tabelle.{name.upper()} schreiben"
             for datei, text in _quellen() if datei not in AUSNAHMEN
             for zeile, name, stelle in nackte_tabellennamen(text)]
    assert not funde, "Nackte Tabellennamen:\n" + "\n".join(funde)


def test_ausnahmen_gibt_es_noch():
    """Eine Ausnahme für eine Datei, die es nicht mehr gibt, fällt auf."""
    for datei in AUSNAHMEN:
        assert (PAKET / datei).is_file(), datei


@pytest.mark.parametrize(("quelltext", "erwartet"), [
    ('erg.tabelle("empfehlungen")', ["empfehlungen"]),
    ('erg.tabelle_oder_leer(name="typen")', ["typen"]),
    ('speichern(o, {"reifegrad": df}, m, d)', ["reifegrad"]),
    ('def f():\n    return {"ozg_stand": s, "ozg_abdeckung": a}', ["ozg_stand", "ozg_abdeckung"]),
    ('for n in ("verband_roadmap", "verband_jahre"):\n    pass',
     ["verband_roadmap", "verband_jahre"]),
    ('auswahl["zielwerte"]', ["zielwerte"]),
    ('"ozg_luecken" not in erg.tabellen', ["ozg_luecken"]),
    # keine Tabellen: Spalten, gemischte Dicts, einzelne Wörter, Konstanten
    ('j["rahmen"]', []),
    ('{"reifegrad": 1, "version": 2}', []),
    ('("struktur", "stamm")', []),
    ('erg.tabelle(T.EMPFEHLUNGEN)', []),
    ('{T.ROADMAP: rm, T.ROADMAP_JAHRE: rj}', []),
])
def test_erkennung(quelltext, erwartet):
    assert [name for _, name, _ in nackte_tabellennamen(quelltext)] == erwartet
