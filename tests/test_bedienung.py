"""Bedienfehler und Hilfe der Kommandozeile sind deutsch (Issue 8), Bedienfehler mit Exit-Code 2.

Dazu die Stellen von Typer/Click, auf die sich ``analyse.bedienung`` stützt: ändern sie sich
(Typer hat eine Obergrenze in ``pyproject.toml``), scheitert dieser Test laut.
"""

from __future__ import annotations

import inspect
import re

import pytest
import typer
from typer import core as typer_core
from typer._click import exceptions as click_fehler
from typer._click import formatting as click_format
from typer.testing import CliRunner

from analyse import bedienung, cli

runner = CliRunner()

#: Englische Bausteine von Click/Typer, die in keiner Ausgabe stehen dürfen.
ENGLISCH = re.compile(
    r"Usage|Try '|Error|No such|Missing|Invalid value|Show this message|Options:|Commands:|"
    r"Arguments:|default:|required\]|Input should|Got unexpected|requires|does not take|"
    r"Possible options|Did you mean|Aborted|\[OPTIONS\]|COMMAND|<path>|<int|<str|<text|<float")


def analyse(*args: str) -> tuple[int, str]:
    ergebnis = runner.invoke(cli.app, list(args), catch_exceptions=False, prog_name="analyse")
    return ergebnis.exit_code, ergebnis.output


@pytest.mark.parametrize(("args", "meldung"), [
    (["--gibtsnicht"], "Fehler: Unbekannte Option --gibtsnicht."),
    (["pruefen", "--datn", "x"], "Fehler: Unbekannte Option --datn. Meinten Sie --daten?"),
    (["importieren"], "Fehler: Fehlende Option --quelle."),
    (["demo-daten", "--anzahl", "x"], "Fehler: Ungültiger Wert für --anzahl: erwartet eine "
                                      "ganze Zahl."),
    (["demo-daten", "--anzahl", "3"], "Fehler: Ungültiger Wert für --anzahl: erwartet eine "
                                      "Zahl ≥ 50."),
    (["berichte", "--parallel", "0"], "Fehler: Ungültiger Wert für --parallel: erwartet eine "
                                      "Zahl ≥ 1."),
    (["gibtsnicht"], "Fehler: Unbekannter Befehl 'gibtsnicht'."),
    (["pruefen", "extra"], "Fehler: Unerwartete Angabe: extra."),
    (["demo-daten", "--daten"], "Fehler: Die Option --daten braucht einen Wert."),
    (["website", "--quarto=1"], "Fehler: Die Option --quarto nimmt keinen Wert."),
    (["-v"], "Fehler: Es fehlt ein Befehl."),
    # eigene Prüfungen der CLI begründen selbst (UngueltigerWert)
    (["auswerten", "--methode", "foo"], "Fehler: Ungültiger Wert für --methode: 'foo' ist kein "
                                        "Verfahren; erwartet eines von auto,"),
    (["selbstauskunft", "--ausgabe", "a.txt"], "Fehler: Ungültiger Wert für --ausgabe: 'a.txt' "
                                               "endet nicht auf .xlsx."),
])
def test_bedienfehler_deutsch_mit_exit_code_2(args, meldung):
    code, text = analyse(*args)
    assert code == 2, text
    assert meldung in text
    assert not ENGLISCH.search(text), text


def test_bedienfehler_nennt_aufruf_und_hilfe():
    code, text = analyse("pruefen", "--foo")
    assert code == 2
    assert text.splitlines()[:2] == ["Aufruf: analyse pruefen [OPTIONEN]",
                                     "Hilfe: 'analyse pruefen --hilfe'."]


def test_ohne_befehl_die_hilfe_mit_exit_code_2():
    code, text = analyse()
    assert code == 2
    assert text.startswith("Aufruf: analyse [OPTIONEN] BEFEHL [ARGUMENTE]...")
    assert "Befehle:" in text and "demo-daten" in text
    assert not ENGLISCH.search(text), text


@pytest.mark.parametrize("befehl", [None, *sorted(typer.main.get_command(cli.app).commands)])
@pytest.mark.parametrize("option", ["--hilfe", "-h", "--help"])
def test_hilfe_jedes_befehls_deutsch(befehl, option):
    code, text = analyse(*([befehl] if befehl else []), option)
    assert code == 0, text
    assert text.startswith(f"Aufruf: analyse{' ' + befehl if befehl else ''} [OPTIONEN]")
    assert "Optionen:" in text
    assert re.search(r"--hilfe, -h, --help +Diese Hilfe zeigen und beenden\.", text)
    assert not ENGLISCH.search(text), text


def test_hilfe_nennt_vorgabe_pflicht_und_art():
    _, text = analyse("importieren", "--hilfe")
    assert re.search(r"--quelle <Pfad>\s+Befragungsexport", text)
    assert "[Pflicht]" in text and "[Vorgabe: daten]" in text
    _, text = analyse("demo-daten", "--hilfe")
    assert re.search(r"--anzahl <Zahl>\s+Anzahl der Kommunen\.\s+\[Vorgabe: 400; x>=50\]", text)


def test_unbekannte_englische_meldung_wird_allgemein_deutsch():
    """Eine Meldung, die keine bekannte Art ist, erscheint nicht englisch."""
    e = click_fehler.UsageError("Something new went wrong.")
    assert bedienung.meldung(e) == "Der Aufruf ist so nicht möglich."
    e = click_fehler.BadParameter("Something odd.", param_hint="--x")
    assert bedienung.meldung(e) == "Ungültiger Wert für --x: kein gültiger Wert."


# ------------------------------------------------------------------ Interna, auf die sich die
# deutsche Oberfläche stützt


def _parameter(f) -> list[str]:
    return list(inspect.signature(f).parameters)


def test_interna_von_typer_und_click_unveraendert():
    # Fehlerarten und die Attribute, die bedienung.meldung liest
    assert issubclass(click_fehler.MissingParameter, click_fehler.BadParameter)
    assert issubclass(click_fehler.BadParameter, click_fehler.UsageError)
    assert issubclass(click_fehler.NoSuchOption, click_fehler.UsageError)
    assert issubclass(click_fehler.NoArgsIsHelpError, click_fehler.UsageError)
    assert issubclass(click_fehler.UsageError, click_fehler.ClickException)
    assert click_fehler.UsageError.exit_code == 2
    assert _parameter(click_fehler.NoSuchOption.__init__)[:4] == [
        "self", "option_name", "message", "possibilities"]
    assert "param_type" in _parameter(click_fehler.MissingParameter.__init__)
    assert _parameter(click_fehler.BadParameter.__init__)[:5] == [
        "self", "message", "ctx", "param", "param_hint"]
    e = click_fehler.NoSuchOption("--x", possibilities=["--y"])
    assert (e.option_name, e.possibilities, e.message) == ("--x", ["--y"], "No such option: --x")
    # Formatierer, Kontext und Gruppe
    assert _parameter(click_format.HelpFormatter.write_usage) == ["self", "prog", "args",
                                                                  "prefix"]
    assert _parameter(click_format.HelpFormatter.section) == ["self", "name"]
    assert _parameter(click_format.HelpFormatter.write_dl)[:2] == ["self", "rows"]
    assert issubclass(typer.Context, typer_core._click.Context)
    assert typer.Context.formatter_class is click_format.HelpFormatter
    assert _parameter(typer_core.TyperGroup.main)[:5] == [
        "self", "args", "prog_name", "complete_var", "standalone_mode"]
    gruppe = typer.main.get_command(cli.app)
    assert isinstance(gruppe, bedienung.DeutscheGruppe)
    assert all(b.context_class is bedienung.DeutscherKontext for b in gruppe.commands.values())
