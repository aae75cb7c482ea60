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

from analyse.dateien import Unlesbar, datei_lesen
from analyse.eingabe.fehler import Eingabefehler, Problem

M = TypeVar("M", bound=BaseModel)
Pfad = tuple[str | int, ...]


# libyaml (C) ist etwa zehnmal schneller als der reine Python-Parser.
_Lader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Größte YAML-Datei (der Maßnahmenkatalog der Demostudie hat etwa 80 kB).
MAX_BYTES = 5_000_000
#: Tiefste Verschachtelung (die Vorlagen brauchen 5).
MAX_TIEFE = 50
#: Tags, die nur sagen, was YAML ohnehin erkennt; alle anderen werden abgelehnt.
_ERLAUBTE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null",
                                                     "seq", "map")}


def _ereignisse_pruefen(text: str, name: str) -> list[Problem]:
    """Erster Durchgang über die Parser-Ereignisse, bevor irgendetwas aufgebaut wird.

    Anker und Aliase werden abgelehnt: Ein Alias verweist auf einen schon gelesenen Knoten,
    und wer den Baum abläuft, läuft ihn bei jedem Verweis erneut ab (Billion Laughs: 500 Bytes
    werden so zu Milliarden Knoten). Studiendateien brauchen sie nicht. Ebenso eigene Tags und
    übertiefe Verschachtelung (der Komponist arbeitet rekursiv).
    """
    probleme: list[Problem] = []
    tiefe = 0
    for ereignis in yaml.parse(text, Loader=_Lader):
        zeile = ereignis.start_mark.line + 1
        if isinstance(ereignis, yaml.AliasEvent):
            probleme.append(Problem(name, zeile, None, f"*{ereignis.anchor}",
                                    "keine Aliase (*name): Werte bitte ausschreiben"))
        elif isinstance(ereignis, yaml.NodeEvent):
            if ereignis.anchor is not None:
                probleme.append(Problem(name, zeile, None, f"&{ereignis.anchor}",
                                        "keine Anker (&name): Werte bitte ausschreiben"))
            tag = getattr(ereignis, "tag", None)
            if tag is not None and tag not in _ERLAUBTE_TAGS and tag != "!":
                probleme.append(Problem(name, zeile, None, tag,
                                        "keine YAML-Tags (!!…/!…): nur einfache Werte, Listen "
                                        "und Zuordnungen"))
            if isinstance(ereignis, yaml.CollectionStartEvent):
                tiefe += 1
                if tiefe > MAX_TIEFE:
                    probleme.append(Problem(name, zeile, None, None,
                                            f"höchstens {MAX_TIEFE} Ebenen Verschachtelung"))
                    break
        elif isinstance(ereignis, yaml.CollectionEndEvent):
            tiefe -= 1
        if len(probleme) >= 20:
            break
    return probleme


def _schluessel(knoten: yaml.Node) -> str | int:
    if knoten.tag.endswith(":int"):
        try:
            return int(knoten.value.replace("_", ""), 0)
        except ValueError:
            return knoten.value
    return knoten.value


def _zeilen_sammeln(wurzel: yaml.Node, zeilen: dict[Pfad, int], name: str) -> list[Problem]:
    """Zeile je Pfad; meldet doppelte und zusammengesetzte Schlüssel. Ohne Rekursion und,
    da Aliase vorher abgelehnt wurden, jeden Knoten genau einmal."""
    probleme: list[Problem] = []
    offen: list[tuple[yaml.Node, Pfad]] = [(wurzel, ())]
    while offen:
        knoten, pfad = offen.pop()
        zeilen.setdefault(pfad, knoten.start_mark.line + 1)
        if isinstance(knoten, yaml.MappingNode):
            gesehen: dict[str | int, int] = {}
            for schluessel_knoten, wert_knoten in knoten.value:
                zeile = schluessel_knoten.start_mark.line + 1
                if not isinstance(schluessel_knoten, yaml.ScalarNode):
                    probleme.append(Problem(name, zeile, ".".join(map(str, pfad)) or None, None,
                                            "einfache Schlüssel (Text oder Zahl)"))
                    continue
                schluessel = _schluessel(schluessel_knoten)
                if schluessel in gesehen:
                    feld = ".".join(str(t) for t in (*pfad, schluessel))
                    probleme.append(Problem(
                        name, zeile, feld, str(schluessel),
                        f"jeden Schlüssel nur einmal (schon in Zeile {gesehen[schluessel]})"))
                    continue
                gesehen[schluessel] = zeile
                zeilen[(*pfad, schluessel)] = zeile
                offen.append((wert_knoten, (*pfad, schluessel)))
        elif isinstance(knoten, yaml.SequenceNode):
            offen.extend((k, (*pfad, i)) for i, k in enumerate(knoten.value))
    return probleme


_YAML_PROBLEME = (
    ("could not determine a constructor", "keine YAML-Tags (!!…/!…)"),
    ("mapping values are not allowed", "keinen weiteren Doppelpunkt in dieser Zeile (Texte mit "
                                       "': ' in Anführungszeichen setzen)"),
    ("did not find expected key", "einen Schlüssel auf dieser Einrückungsebene (Einrückung "
                                  "prüfen)"),
    ("did not find expected ',' or ']'", "ein ',' oder ']' (Liste nicht geschlossen?)"),
    ("did not find expected ',' or '}'", "ein ',' oder '}' (Zuordnung nicht geschlossen?)"),
    ("did not find expected '-'", "einen Listeneintrag '- ' auf dieser Einrückungsebene"),
    ("could not find expected ':'", "einen Doppelpunkt nach dem Schlüssel"),
    ("found character that cannot start any token", "kein Tabulator oder Sonderzeichen am "
                                                     "Anfang eines Werts (YAML rückt nur mit "
                                                     "Leerzeichen ein)"),
    ("found a tab character", "Leerzeichen statt Tabulatoren zum Einrücken"),
    ("found unexpected end of stream", "ein schließendes Anführungszeichen"),
    ("found unknown escape character", "eine gültige Escape-Folge nach '\\' (oder einfache "
                                       "Anführungszeichen)"),
    ("block sequence entries are not allowed", "'- ' nur am Anfang eines Listeneintrags"),
    ("did not find expected node content", "einen Wert an dieser Stelle"),
    ("but found another document", "genau ein YAML-Dokument (kein zweites '---')"),
    ("found duplicate anchor", "keine Anker (&name)"),
    ("found undefined alias", "keine Aliase (*name)"),
    ("found unhashable key", "einfache Schlüssel (Text oder Zahl)"),
    ("control characters are not allowed", "keine Steuerzeichen im Text"),
    ("unacceptable character", "keine Steuerzeichen im Text"),
    ("found unexpected ':'", "keinen Doppelpunkt an dieser Stelle"),
    ("maximum nesting depth", f"höchstens {MAX_TIEFE} Ebenen Verschachtelung"),
)


def _yaml_problem(e: yaml.YAMLError, name: str) -> Problem:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    zeile = mark.line + 1 if mark else None
    text = f"{getattr(e, 'problem', '') or ''} {getattr(e, 'context', '') or ''} {e}"
    for englisch, deutsch in _YAML_PROBLEME:
        if englisch in text:
            return Problem(name, zeile, None, None, f"gültiges YAML: {deutsch}")
    spalte = f" (Zeichen {mark.column + 1})" if mark else ""
    return Problem(name, zeile, None, None, f"gültiges YAML{spalte}")


def _unlesbarer_wert(knoten: yaml.Node | None) -> tuple[int | None, str | None]:
    """Der erste Skalar, den PyYAML nicht in einen Wert verwandeln kann (Zeile, Text)."""
    offen = [knoten] if knoten is not None else []
    while offen:
        k = offen.pop()
        if isinstance(k, yaml.MappingNode):
            offen.extend(w for paar in reversed(k.value) for w in reversed(paar))
        elif isinstance(k, yaml.SequenceNode):
            offen.extend(reversed(k.value))
        elif isinstance(k, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(k)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                return k.start_mark.line + 1, k.value
    return None, None


def yaml_laden(pfad: Path) -> tuple[Any, dict[Pfad, int]]:
    """Lädt eine YAML-Datei; gibt Daten und Zeilennummer je Pfad zurück.

    Erst werden die Parser-Ereignisse geprüft (keine Anker, Aliase, Tags), dann wird der Text
    einmal zu Knoten komponiert; aus ihnen entstehen Zeilen (mit der Prüfung auf doppelte
    Schlüssel) und Daten. Jedes Problem wird zu einem ``Eingabefehler`` mit Zeile.
    """
    name = pfad.name
    try:
        roh = datei_lesen(pfad, hoechstens=MAX_BYTES)
    except Unlesbar as e:
        raise Eingabefehler([Problem(name, None, None, None, e.grund)]) from None
    try:
        text = roh.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        zeile = roh[: e.start].count(b"\n") + 1
        raise Eingabefehler(
            [Problem(name, zeile, None, repr(roh[e.start : e.start + 4]),
                     "UTF-8-kodierten Text")]
        ) from None
    try:
        probleme = _ereignisse_pruefen(text, name)
    except yaml.YAMLError as e:
        raise Eingabefehler([_yaml_problem(e, name)]) from None
    if probleme:
        raise Eingabefehler(probleme)
    lader = _Lader(text)
    try:
        knoten = lader.get_single_node()
        zeilen: dict[Pfad, int] = {(): 1}
        if knoten is not None:
            probleme = _zeilen_sammeln(knoten, zeilen, name)
            if probleme:
                raise Eingabefehler(probleme)
        daten = lader.construct_document(knoten) if knoten is not None else None
    except (ValueError, TypeError, OverflowError):  # z. B. ein unmögliches Datum wie 2026-15-45
        zeile, wert = _unlesbarer_wert(knoten)
        raise Eingabefehler([Problem(name, zeile, None, wert,
                                     "einen gültigen Wert (Datum als JJJJ-MM-TT)")]) from None
    except yaml.YAMLError as e:
        raise Eingabefehler([_yaml_problem(e, name)]) from None
    finally:
        lader.dispose()
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
                                erwartung(f)))
    return probleme


_ERWARTUNGEN = {
    "missing": "dieses Pflichtfeld",
    "extra_forbidden": "nur bekannte Felder (dieses Feld ist unbekannt)",
    "int_parsing": "eine ganze Zahl",
    "int_type": "eine ganze Zahl",
    "int_from_float": "eine ganze Zahl (ohne Nachkommastellen)",
    "int_parsing_size": "eine ganze Zahl in üblicher Größe",
    "float_parsing": "eine Zahl",
    "float_type": "eine Zahl",
    "finite_number": "eine endliche Zahl",
    "bool_parsing": "ja/nein (true/false)",
    "bool_type": "ja/nein (true/false)",
    "string_type": "einen Text",
    "string_too_long": "einen kürzeren Text",
    "list_type": "eine Liste",
    "tuple_type": "eine Liste",
    "set_type": "eine Liste",
    "dict_type": "eine Zuordnung (Schlüssel: Wert)",
    "model_type": "eine Zuordnung (Schlüssel: Wert)",
    "model_attributes_type": "eine Zuordnung (Schlüssel: Wert)",
    "mapping_type": "eine Zuordnung (Schlüssel: Wert)",
    "date_type": "ein Datum (JJJJ-MM-TT)",
    "date_parsing": "ein Datum (JJJJ-MM-TT)",
    "date_from_datetime_parsing": "ein Datum (JJJJ-MM-TT)",
    "date_from_datetime_inexact": "ein Datum ohne Uhrzeit (JJJJ-MM-TT)",
    "none_required": "keinen Wert",
    "frozen_instance": "einen unveränderlichen Wert",
    "union_tag_invalid": "einen gültigen Eintrag",
}


#: Zahlgrenzen: pydantic-Art → (Zeichen, Schlüssel im Kontext)
_GRENZEN = {"greater_than_equal": ("≥", "ge"), "greater_than": (">", "gt"),
            "less_than_equal": ("≤", "le"), "less_than": ("<", "lt")}


def erwartung(f: dict) -> str:
    """Deutsche Erwartung für einen pydantic-Fehler (nie pydantics englische Meldung)."""
    art = f["type"]
    if art in _ERWARTUNGEN:
        return _ERWARTUNGEN[art]
    ctx = f.get("ctx") or {}
    if art in _GRENZEN:
        zeichen, schluessel = _GRENZEN[art]
        return f"eine Zahl {zeichen} {ctx.get(schluessel)}"
    if art == "literal_error":
        return f"einen der Werte {ctx.get('expected')}".replace(" or ", " oder ")
    if art == "string_pattern_mismatch":
        return f"einen Text nach dem Muster {ctx.get('pattern')}"
    if art in {"too_short", "string_too_short"}:
        n = ctx.get("min_length")
        return f"mindestens {n} Einträge" if art == "too_short" else f"mindestens {n} Zeichen"
    if art == "too_long":
        return f"höchstens {ctx.get('max_length')} Einträge"
    if art in {"value_error", "assertion_error"}:
        # eigene Prüfungen der Modelle formulieren ihre Erwartung schon deutsch
        return str(ctx.get("error", "einen gültigen Wert"))
    return "einen gültigen Wert"


def modell_laden(pfad: Path, modell: type[M]) -> tuple[M, dict[Pfad, int]]:
    """Lädt ``pfad`` und prüft es gegen ``modell``; wirft ``Eingabefehler`` mit allen Problemen."""
    daten, zeilen = yaml_laden(pfad)
    try:
        return modell.model_validate(daten), zeilen
    except ValidationError as e:
        raise Eingabefehler(pydantic_probleme(e, pfad.name, zeilen, daten)) from None
