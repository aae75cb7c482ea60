"""Die Bedienoberfläche der Kommandozeile auf Deutsch: Hilfe und Bedienfehler.

Typer bringt Click mit (``typer._click``); dessen Texte sind englisch und nur teils übersetzbar
("Usage:", "Try … for help.", "No such option", "Missing option", "Invalid value for"). Statt
Texte zu übersetzen, liest diese Schicht die Fehler nach ihrer Art (``NoSuchOption``,
``MissingParameter``, ``BadParameter`` …) und schreibt die Meldung selbst; die Hilfe läuft
durch einen eigenen Formatierer. Englisch bleibt nur, was keine der bekannten Arten ist:
dann eine allgemeine deutsche Meldung ohne den englischen Text.

Welche Interna von Typer/Click das berührt, prüft ``tests/test_bedienung.py``; Typer hat
deshalb eine Obergrenze in ``pyproject.toml``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from pydantic import ValidationError
from typer import core as typer_core
from typer._click import exceptions as click_fehler
from typer._click import formatting as click_format

from analyse.eingabe.yamlquelle import erwartung

#: Namen der Hilfeoption: ``--hilfe``, ``-h`` und das übliche ``--help``.
HILFE_OPTIONEN = ["--hilfe", "-h", "--help"]

_ABSCHNITTE = {"Options": "Optionen", "Commands": "Befehle", "Arguments": "Argumente"}
_AUFRUF = {"[OPTIONS]": "[OPTIONEN]", "COMMAND": "BEFEHL", "[ARGS]...": "[ARGUMENTE]..."}
_ARTEN = {"<path>": "<Pfad>", "<int range>": "<Zahl>", "<int>": "<Zahl>", "<float>": "<Zahl>",
          "<float range>": "<Zahl>", "<text>": "<Text>", "<str>": "<Text>",
          "<boolean>": "<ja/nein>"}
_HILFETEXTE = {"Show this message and exit.": "Diese Hilfe zeigen und beenden.",
               "[default: ": "[Vorgabe: ", "[required]": "[Pflicht]", "; required]": "; Pflicht]"}


def _ersetzen(text: str, tabelle: dict[str, str]) -> str:
    for alt, neu in tabelle.items():
        text = text.replace(alt, neu)
    return text


def _optionen(text: str) -> str:
    """Die Hilfeoption immer in derselben Reihenfolge (Click gibt sie als Menge zurück)."""
    if set(text.split(", ")) == set(HILFE_OPTIONEN):
        return ", ".join(HILFE_OPTIONEN)
    return _ersetzen(text, _ARTEN)


class DeutscheHilfe(click_format.HelpFormatter):
    """Hilfeseiten mit deutschen Überschriften, Aufrufzeile und Standardtexten."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _ersetzen(args, _AUFRUF), "Aufruf: ")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(_ABSCHNITTE.get(name, name)):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        super().write_dl([(_optionen(a), _ersetzen(b, _HILFETEXTE)) for a, b in rows],
                         col_max, col_spacing)


class DeutscherKontext(typer.Context):
    formatter_class = DeutscheHilfe


class UngueltigerWert(typer.BadParameter):
    """Ein ungültiger Wert, den der eigene Code schon deutsch begründet."""


def _option(e: click_fehler.BadParameter) -> str:
    if e.param_hint is not None:
        hinweis = e.param_hint
        return hinweis if isinstance(hinweis, str) else " / ".join(hinweis)
    if e.param is not None:
        return " / ".join(e.param.opts) or str(e.param.name)
    return "eine Angabe"


def _grund(e: click_fehler.BadParameter) -> str:
    if isinstance(e, UngueltigerWert):
        return e.message
    if isinstance(e.__cause__, ValidationError):
        fehler = e.__cause__.errors(include_url=False)
        if fehler:
            return f"erwartet {erwartung(fehler[0])}"
    passt = re.fullmatch(r"Value (.+) is not a valid (\w+)\.", e.message)
    if passt:
        return f"{passt.group(1)} ist kein gültiger Wert"
    return "kein gültiger Wert"


#: Meldungen einfacher Bedienfehler (``UsageError``), Muster wie im Quelltext von Typer/Click.
_MELDUNGEN = [
    (r"No such command '(.*)'\.", "Unbekannter Befehl '{0}'."),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", "Unerwartete Angabe: {0}."),
    (r"Missing command\.", "Es fehlt ein Befehl."),
    (r"Option '(.*)' does not take a value\.", "Die Option {0} nimmt keinen Wert."),
    (r"Option '(.*)' requires (?:an argument|\d+ arguments)\.?",
     "Die Option {0} braucht einen Wert."),
]


def meldung(e: click_fehler.ClickException) -> str:
    """Die deutsche Meldung zu einem Fehler von Typer/Click."""
    if isinstance(e, click_fehler.NoSuchOption):
        text = f"Unbekannte Option {e.option_name}."
        if e.possibilities:
            text += " Meinten Sie " + " oder ".join(sorted(e.possibilities)) + "?"
        return text
    if isinstance(e, click_fehler.MissingParameter):
        art = "Argument" if (e.param_type or getattr(e.param, "param_type_name", "")) \
            == "argument" else "Option"
        return f"Fehlende {art} {_option(e)}."
    if isinstance(e, click_fehler.BadParameter):
        return f"Ungültiger Wert für {_option(e)}: {_grund(e)}."
    for muster, deutsch in _MELDUNGEN:
        passt = re.fullmatch(muster, e.message)
        if passt:
            return deutsch.format(*passt.groups())
    if isinstance(e, click_fehler.UsageError):
        return "Der Aufruf ist so nicht möglich."
    return "Der Befehl ist fehlgeschlagen."


def _zeigen(e: click_fehler.ClickException) -> None:
    ctx = getattr(e, "ctx", None)
    if isinstance(e, click_fehler.NoArgsIsHelpError):
        typer.echo(ctx.get_help(), err=True)
        return
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(f"Hilfe: '{ctx.command_path} {ctx.help_option_names[0]}'.\n", err=True)
    typer.echo(f"Fehler: {meldung(e)}", err=True)


def _deutsch(befehl: Any) -> None:
    befehl.context_class = DeutscherKontext
    befehl.context_settings = {"help_option_names": HILFE_OPTIONEN, **befehl.context_settings}


class DeutscheGruppe(typer_core.TyperGroup):
    """Befehlsgruppe mit deutscher Hilfe und deutschen Bedienfehlern (Exit-Code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for befehl in [self, *self.commands.values()]:
            _deutsch(befehl)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_fehler.ClickException as e:
            _zeigen(e)
            rv = e.exit_code
        except typer.Abort:
            typer.echo("Abgebrochen.", err=True)
            rv = 1
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)
