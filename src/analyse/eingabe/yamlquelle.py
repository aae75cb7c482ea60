"""YAML-Dateien mit Zeilennummern laden und mit pydantic prüfen.

PyYAML kennt beim Komponieren die Zeile jedes Knotens; wir merken sie uns je
Pfad (z. B. ``("massnahmen", 3, "dauer_monate")``), damit pydantic-Fehler auf
die Zeile in der Datei zurückgeführt werden können.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from analyse.eingabe.fehler import Eingabefehler, Problem

M = TypeVar("M", bound=BaseModel)
Pfad = tuple[str | int, ...]


# libyaml (C) ist etwa zehnmal schneller als der reine Python-Parser.
_Lader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _zeilen_sammeln(knoten: yaml.Node, pfad: Pfad, zeilen: dict[Pfad, int]) -> None:
    zeilen.setdefault(pfad, knoten.start_mark.line + 1)
    if isinstance(knoten, yaml.MappingNode):
        for schluessel_knoten, wert_knoten in knoten.value:
            schluessel = schluessel_knoten.value
            if schluessel_knoten.tag.endswith(":int"):
                schluessel = int(schluessel)
            zeilen[(*pfad, schluessel)] = schluessel_knoten.start_mark.line + 1
            _zeilen_sammeln(wert_knoten, (*pfad, schluessel), zeilen)
    elif isinstance(knoten, yaml.SequenceNode):
        for i, k in enumerate(knoten.value):
            _zeilen_sammeln(k, (*pfad, i), zeilen)


def _unlesbarer_wert(knoten: yaml.Node) -> tuple[int | None, str | None]:
    """Der erste Skalar, den PyYAML nicht in einen Wert verwandeln kann (Zeile, Text)."""
    offen = [knoten]
    while offen:
        k = offen.pop(0)
        if isinstance(k, yaml.MappingNode):
            offen.extend(w for paar in k.value for w in paar)
        elif isinstance(k, yaml.SequenceNode):
            offen.extend(k.value)
        elif isinstance(k, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(k)
            except (ValueError, TypeError):
                return k.start_mark.line + 1, k.value
    return None, None


def yaml_laden(pfad: Path) -> tuple[Any, dict[Pfad, int]]:
    """Lädt eine YAML-Datei; gibt Daten und Zeilennummer je Pfad zurück.

    Der Text wird einmal zu Knoten komponiert; aus ihnen entstehen Daten und Zeilen.
    Syntax- und Kodierungsfehler werden zu einem ``Eingabefehler`` mit Zeile.
    """
    name = pfad.name
    try:
        text = pfad.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise Eingabefehler([Problem(name, None, None, None, "eine vorhandene Datei")]) from None
    except UnicodeDecodeError as e:
        zeile = pfad.read_bytes()[: e.start].count(b"\n") + 1
        raise Eingabefehler(
            [Problem(name, zeile, None, repr(pfad.read_bytes()[e.start : e.start + 4]),
                     "UTF-8-kodierten Text")]
        ) from None
    lader = _Lader(text)
    try:
        knoten = lader.get_single_node()
        daten = lader.construct_document(knoten) if knoten is not None else None
    except (ValueError, TypeError) as e:  # z. B. ein unmögliches Datum wie 2026-15-45
        zeile, wert = _unlesbarer_wert(knoten)
        raise Eingabefehler([Problem(name, zeile, None, wert, f"einen gültigen Wert ({e})")]
                            ) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        zeile = mark.line + 1 if mark else None
        raise Eingabefehler(
            [Problem(name, zeile, None, None, f"gültiges YAML ({getattr(e, 'problem', e)})")]
        ) from None
    finally:
        lader.dispose()
    zeilen: dict[Pfad, int] = {(): 1}
    if knoten is not None:
        _zeilen_sammeln(knoten, (), zeilen)
    return daten, zeilen


def zeile_zu(zeilen: dict[Pfad, int], pfad: Pfad) -> int | None:
    """Zeile des längsten bekannten Präfixes von ``pfad``."""
    for laenge in range(len(pfad), -1, -1):
        if pfad[:laenge] in zeilen:
            return zeilen[pfad[:laenge]]
    return None


def pydantic_probleme(fehler: ValidationError, datei: str, zeilen: dict[Pfad, int],
                      daten: Any = None) -> list[Problem]:
    """Übersetzt pydantic-Fehler in Probleme mit Zeile, Feld und Wert."""
    probleme = []
    for f in fehler.errors(include_url=False):
        pfad = tuple(t for t in f["loc"] if not (isinstance(t, str) and t.startswith("function-")))
        feld = ".".join(str(t) for t in pfad) or None
        wert = f.get("input")
        wert_text = None if isinstance(wert, dict | list) or wert is None else str(wert)
        if f["type"] == "missing":
            wert_text = None
        probleme.append(Problem(datei, zeile_zu(zeilen, pfad), feld, wert_text,
                                _erwartung(f)))
    return probleme


_ERWARTUNGEN = {
    "missing": "dieses Pflichtfeld",
    "extra_forbidden": "nur bekannte Felder (dieses Feld ist unbekannt)",
    "int_parsing": "eine ganze Zahl",
    "int_type": "eine ganze Zahl",
    "float_parsing": "eine Zahl",
    "float_type": "eine Zahl",
    "bool_parsing": "ja/nein (true/false)",
    "string_type": "einen Text",
    "list_type": "eine Liste",
    "dict_type": "eine Zuordnung (Schlüssel: Wert)",
}


def _erwartung(f: dict) -> str:
    if f["type"] in _ERWARTUNGEN:
        return _ERWARTUNGEN[f["type"]]
    ctx = f.get("ctx") or {}
    if f["type"] in {"greater_than_equal", "greater_than"}:
        return f"eine Zahl ≥ {ctx.get('ge', ctx.get('gt'))}"
    if f["type"] in {"less_than_equal", "less_than"}:
        return f"eine Zahl ≤ {ctx.get('le', ctx.get('lt'))}"
    if f["type"] == "literal_error":
        return f"einen der Werte {ctx.get('expected')}"
    if f["type"] == "string_pattern_mismatch":
        return f"einen Text nach dem Muster {ctx.get('pattern')}"
    if f["type"] == "value_error":
        return str(ctx.get("error", f["msg"]))
    return f["msg"]


def modell_laden(pfad: Path, modell: type[M]) -> tuple[M, dict[Pfad, int]]:
    """Lädt ``pfad`` und prüft es gegen ``modell``; wirft ``Eingabefehler`` mit allen Problemen."""
    daten, zeilen = yaml_laden(pfad)
    try:
        return modell.model_validate(daten), zeilen
    except ValidationError as e:
        raise Eingabefehler(pydantic_probleme(e, pfad.name, zeilen, daten)) from None
