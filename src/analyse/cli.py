"""Die Kommandozeile ``analyse`` (Typer). Jeder Befehl ruft nur ``pipeline`` auf.

Exit-Codes: 0 erfolgreich, 1 mindestens ein Bericht fehlgeschlagen, 2 fehlerhafte Eingabe.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from analyse import __version__, demo, pipeline
from analyse.bedienung import HILFE_OPTIONEN, DeutscheGruppe, UngueltigerWert
from analyse.dateien import AusgabeVerweigert, Unlesbar, os_fehler_text
from analyse.eingabe.fehler import Eingabefehler
from analyse.eingabe.studie import CLUSTERVERFAHREN, METHODEN_WAHL
from analyse.ergebnisse import ErgebnisFehler

# Deutsche Hilfe und Bedienfehler (Exit-Code 2): analyse.bedienung.
app = typer.Typer(
    help="Analyse und Berichte zur digitalen Transformation von Kommunen.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None, cls=DeutscheGruppe,
    context_settings={"help_option_names": HILFE_OPTIONEN},
)
# soft_wrap: jedes Problem bleibt eine Zeile, auch in schmalen Terminals und Pipes.
# Meldungen enthalten Werte aus den Daten: nie als rich-Markup oder Emoji-Kürzel (":x:") lesen.
fehlerausgabe = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
ausgabe_konsole = Console(highlight=False, emoji=False)

Daten = Annotated[Path, typer.Option("--daten", help="Studienordner mit den Eingabedateien.")]
Ausgabe = Annotated[Path | None, typer.Option(
    "--ausgabe", help="Zielordner für Ergebnisse und Berichte (Vorgabe: <daten>/ergebnisse "
                      "und ./berichte).")]
Parallel = Annotated[int | None, typer.Option(
    "--parallel", min=1, help="Anzahl paralleler Worker (Vorgabe: Anzahl der Kerne).")]
Neu = Annotated[bool, typer.Option("--neu", help="Alle Berichte neu erstellen, auch unveränderte.")]
Dask = Annotated[str | None, typer.Option(
    "--dask", metavar="ADRESSE", help="Berichte auf einem Dask-Scheduler rechnen, z. B. "
                                      "tcp://scheduler:8786.")]
Alle = Annotated[bool, typer.Option("--alle", help="Berichte für alle Kommunen, nicht nur die "
                                                   "Referenzkommunen.")]
Methode = Annotated[str | None, typer.Option(
    "--methode", help="Clusterverfahren der Kommunentypen: " + ", ".join(
        f"{m} ({v.name})" for m, v in CLUSTERVERFAHREN.items()) + " oder auto (Vorgabe aus "
                                                                  "studie.yml).")]
K = Annotated[int | None, typer.Option("--k", min=2, help="Anzahl der Kommunentypen "
                                                          "(Vorgabe: aus den Daten gewählt).")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Startwert aller Zufallsverfahren "
                                                         "(Vorgabe aus studie.yml).")]
Vorlagen = Annotated[Path | None, typer.Option(
    "--vorlagen", metavar="ORDNER", help="Eigene Berichtsvorlagen (bericht_kommune.ipynb, "
                                         "abschlussbericht.ipynb); fehlende kommen aus dem "
                                         "Paket.")]
Quarto = Annotated[bool | None, typer.Option(
    "--quarto/--nbconvert", help="Website mit Quarto oder nbconvert rendern (Vorgabe: Quarto, "
                                 "wenn installiert).", show_default=False)]


def _melden(text: str) -> None:
    for zeile in text.splitlines():
        fehlerausgabe.print(zeile, markup=False, emoji=False)


def _abbrechen(fehler: BaseException) -> typer.Exit:
    """Jede erwartbare Störung wird eine deutsche Antwort mit Exit-Code 2."""
    if isinstance(fehler, Eingabefehler):
        _melden(fehler.text())
        _melden("Es wurde nichts geschrieben.")
    elif isinstance(fehler, AusgabeVerweigert):
        _melden(f"Abgelehnt: {fehler}")
    elif isinstance(fehler, Unlesbar):
        _melden(f"Fehler: {fehler.pfad}: erwartet {fehler.grund}")
    elif isinstance(fehler, OSError):
        # eigene Meldungen (z. B. "Keine Ergebnisse in …") tragen keinen errno
        text = str(fehler) if fehler.errno is None and fehler.args else os_fehler_text(fehler)
        _melden(f"Fehler beim Lesen oder Schreiben: {text}")
        _melden("Was schon vorhanden war, ist unverändert.")
    else:
        _melden(f"Fehler: {fehler}")
    return typer.Exit(2)


ANTWORTBARE = (Eingabefehler, AusgabeVerweigert, Unlesbar, OSError, ErgebnisFehler)


@contextlib.contextmanager
def _antworten() -> Iterator[None]:
    """Fängt jede Eingabe-, Besitz- und Betriebssystemstörung und antwortet deutsch (Exit 2)."""
    try:
        yield
    except ANTWORTBARE as e:
        raise _abbrechen(e) from None
    except KeyboardInterrupt:
        _melden("Abgebrochen (Strg+C). Fertige Ausgaben sind vollständig, halbe wurden verworfen.")
        raise typer.Exit(130) from None


def _version(wert: bool) -> None:
    if wert:
        ausgabe_konsole.print(f"analyse {__version__}")
        raise typer.Exit()


@app.callback()
def haupt(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Version zeigen und beenden.")] = False,
    ausfuehrlich: Annotated[bool, typer.Option("--ausfuehrlich", "-v",
                                               help="Fortschritt protokollieren.")] = False,
) -> None:
    """Analyse und Berichte zur digitalen Transformation von Kommunen."""
    logging.basicConfig(level=logging.INFO if ausfuehrlich else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@app.command("demo-daten")
def demo_daten(
    daten: Daten = Path("daten"),
    anzahl: Annotated[int, typer.Option("--anzahl", min=50, help="Anzahl der Kommunen.")] = 400,
    seed: Annotated[int, typer.Option("--seed", help="Startwert des Zufallsgenerators.")] = 20261123,
) -> None:
    """Erzeugt die fiktive Demostudie (deterministisch) im Studienordner."""
    with _antworten():
        studie = demo.schreiben(daten, anzahl=anzahl, seed=seed)
    ausgabe_konsole.print(f"Demostudie mit {len(studie.kommunen)} Kommunen geschrieben: {daten}",
                          markup=False)


@app.command()
def pruefen(daten: Daten = Path("daten")) -> None:
    """Prüft die Studie und meldet alle Probleme (Exit-Code 2); schreibt nichts."""
    with _antworten():
        sd = pipeline.pruefen(pipeline.Pfade(daten))
    wellen = len(sd.studie.wellen)
    ausgabe_konsole.print(f"Studie in Ordnung: {len(sd.kommunen)} Kommunen, "
                          f"{len(sd.antworten)} Antwortzeilen, {wellen} "
                          f"Welle{'n' if wellen != 1 else ''}.", markup=False)


METHODEN = METHODEN_WAHL


def _vorgaben(methode: str | None, k: int | None, seed: int | None) -> dict:
    if methode is not None and methode not in METHODEN:
        raise UngueltigerWert(f"'{methode}' ist kein Verfahren; erwartet eines von "
                                 f"{', '.join(METHODEN)}", param_hint="--methode")
    return {n: w for n, w in (("methode", methode), ("k", k), ("seed", seed)) if w is not None}


@app.command()
def auswerten(daten: Daten = Path("daten"), ausgabe: Ausgabe = None, methode: Methode = None,
              k: K = None, seed: Seed = None) -> None:
    """Prüft die Studie und berechnet Reifegrad, Kommunentypen, Vergleiche und Empfehlungen."""
    with _antworten():
        aus = pipeline.auswerten(pipeline.Pfade(daten, ausgabe), _vorgaben(methode, k, seed))
    _hinweise(aus)
    ausgabe_konsole.print(f"Ergebnisse geschrieben: {aus.ordner}", markup=False)


def _hinweise(aus: pipeline.Auswertung) -> None:
    for text in aus.hinweise:
        ausgabe_konsole.print(f"Hinweis: {text}", markup=False)


def _berichte(pfade: pipeline.Pfade, alle: bool, parallel: int | None, neu: bool,
              dask: str | None) -> bool:
    from analyse.batch import zusammenfassung_drucken

    with _antworten():
        z = pipeline.berichte_erstellen(pfade, alle=alle, parallel=parallel, neu=neu,
                                        dask_adresse=dask)
    zusammenfassung_drucken(z, ausgabe_konsole)
    return z.ok


@app.command()
def berichte(daten: Daten = Path("daten"), ausgabe: Ausgabe = None, alle: Alle = False,
             parallel: Parallel = None, neu: Neu = False, dask: Dask = None,
             vorlagen: Vorlagen = None) -> None:
    """Führt die Berichtsnotebooks mit papermill aus (je Kommune und Abschlussbericht)."""
    if not _berichte(pipeline.Pfade(daten, ausgabe, vorlagen), alle, parallel, neu, dask):
        raise typer.Exit(1)


@app.command()
def website(daten: Daten = Path("daten"), ausgabe: Ausgabe = None, quarto: Quarto = None) -> None:
    """Rendert die Berichtswebsite nach <berichte>/_site (Quarto oder nbconvert)."""
    with _antworten():
        site = pipeline.website_bauen(pipeline.Pfade(daten, ausgabe), quarto)
    ausgabe_konsole.print(f"Website: {site / 'index.html'}", markup=False)


@app.command()
def alles(daten: Daten = Path("daten"), ausgabe: Ausgabe = None, alle: Alle = False,
          parallel: Parallel = None, neu: Neu = False, dask: Dask = None,
          quarto: Quarto = None, methode: Methode = None, k: K = None, seed: Seed = None,
          vorlagen: Vorlagen = None) -> None:
    """Alle Schritte: prüfen, auswerten, Berichte ausführen, Website rendern."""
    pfade = pipeline.Pfade(daten, ausgabe, vorlagen)
    with _antworten():
        pfade.vorlagen_pruefen()  # vor dem Rechnen: eine falsche Option kostet keine Auswertung
        _hinweise(pipeline.auswerten(pfade, _vorgaben(methode, k, seed)))
    ok = _berichte(pfade, alle, parallel, neu, dask)
    with _antworten():
        site = pipeline.website_bauen(pfade, quarto)
    ausgabe_konsole.print(f"Website: {site / 'index.html'}", markup=False)
    if not ok:
        raise typer.Exit(1)


# --- Eigene Daten ------------------------------------------------------------------------------

Quelle = Annotated[Path, typer.Option("--quelle", help="Befragungsexport: LimeSurvey-CSV, SPSS "
                                                       "(.sav), Excel (.xlsx) oder CSV.")]


@app.command()
def importieren(
    quelle: Quelle,
    zuordnung: Annotated[Path, typer.Option("--zuordnung", help="Die Zuordnung (zuordnung.yml).")],
    welle: Annotated[int, typer.Option("--welle", help="Erhebungswelle (eine id aus studie.yml).")],
    daten: Daten = Path("daten"),
    ersetzen: Annotated[bool, typer.Option(
        "--ersetzen", help="Vorhandene Antworten derselben Kommunen in dieser Welle ersetzen.")
    ] = False,
) -> None:
    """Übernimmt eine Welle aus einem Befragungsexport über eine Zuordnung in antworten.csv."""
    with _antworten():
        bericht = pipeline.importieren(pipeline.Pfade(daten), quelle, zuordnung, welle, ersetzen)
    for zeile in bericht.zeilen():
        ausgabe_konsole.print(zeile, markup=False, soft_wrap=True)
    ausgabe_konsole.print(f"Geschrieben: {daten / 'antworten.csv'}", markup=False, soft_wrap=True)


@app.command("zuordnung-entwurf")
def zuordnung_entwurf(
    quelle: Quelle,
    daten: Daten = Path("daten"),
    ausgabe: Annotated[Path | None, typer.Option(
        "--ausgabe", help="Zieldatei (Vorgabe: <daten>/zuordnung.yml).")] = None,
    ueberschreiben: Annotated[bool, typer.Option(
        "--ueberschreiben", help="Eine vorhandene Zieldatei ersetzen.")] = False,
    struktur: Annotated[Path | None, typer.Option(
        "--struktur", help="Umfragestruktur aus LimeSurvey (.txt oder .lss): Frage- und "
                           "Antworttexte für Exporte, die nur Codes enthalten.")] = None,
) -> None:
    """Schreibt einen Entwurf der Zuordnung; unsichere Stellen sind mit PRÜFEN markiert."""
    with _antworten():
        ziel = pipeline.zuordnung_entwurf(pipeline.Pfade(daten), quelle, ausgabe, ueberschreiben,
                                          struktur)
    pruefen_n = ziel.read_text(encoding="utf-8").count("PRÜFEN:")
    ausgabe_konsole.print(f"Entwurf geschrieben: {ziel} ({pruefen_n} Stellen zu prüfen, "
                          f"markiert mit PRÜFEN)", markup=False, soft_wrap=True)


@app.command("kommunen-import")
def kommunen_import(
    gemeindeverzeichnis: Annotated[Path, typer.Option(
        "--gemeindeverzeichnis", help="Destatis: 04-kreise.xlsx oder der Gemeinden-Auszug "
                                      "(AuszugGV…xlsx).")],
    daten: Daten = Path("daten"),
    land: Annotated[str | None, typer.Option("--land", help="Nur dieses Land (2 Ziffern).")] = None,
    kreis: Annotated[str | None, typer.Option("--kreis", help="Nur dieser Kreis (5 Ziffern).")
                     ] = None,
) -> None:
    """Baut oder aktualisiert kommunen.csv aus dem amtlichen Gemeindeverzeichnis."""
    with _antworten():
        abgleich, hinweise = pipeline.kommunen_import(pipeline.Pfade(daten), gemeindeverzeichnis,
                                                      land, kreis)
    for h in hinweise:
        ausgabe_konsole.print(h, markup=False, soft_wrap=True)
    ausgabe_konsole.print(
        f"kommunen.csv: {abgleich.neu} neu, {abgleich.geaendert} aktualisiert, "
        f"{abgleich.unveraendert} unverändert, {abgleich.nur_studie} nicht in der Auswahl aus "
        f"dem Verzeichnis (unverändert behalten); verband und referenzkommune bleiben, wie sie "
        f"waren.", markup=False, soft_wrap=True)


@app.command("fragebogen-export")
def fragebogen_export(
    ausgabe: Annotated[Path, typer.Option("--ausgabe", help="Zieldatei, z. B. umfrage.txt.")],
    daten: Daten = Path("daten"),
    format: Annotated[str, typer.Option("--format", help="Zielformat: limesurvey (Tab-separierte "
                                                         "Umfragestruktur).")] = "limesurvey",
) -> None:
    """Schreibt das Codebuch als Umfrage, die LimeSurvey importiert."""
    if format != "limesurvey":
        raise UngueltigerWert(f"'{format}' ist kein Format; erwartet: limesurvey",
                                 param_hint="--format")
    with _antworten():
        ziel = pipeline.fragebogen_export(pipeline.Pfade(daten), ausgabe)
    ausgabe_konsole.print(f"LimeSurvey-Umfrage geschrieben: {ziel}", markup=False, soft_wrap=True)
    if ziel.suffix.lower() != ".txt":
        ausgabe_konsole.print("Hinweis: LimeSurvey importiert dieses Format nur mit der Endung "
                              ".txt (Umfragen → Importieren).", markup=False, soft_wrap=True)


@app.command()
def selbstauskunft(
    daten: Daten = Path("daten"),
    ausgabe: Annotated[Path, typer.Option(
        "--ausgabe", help="Ziel-Datei des Arbeitsbuchs (.xlsx).")] = Path("selbstauskunft.xlsx"),
) -> None:
    """Schreibt das Arbeitsbuch zur Selbstauskunft (XLSX) aus dem Codebuch der Studie."""
    if ausgabe.suffix.lower() != ".xlsx":
        raise UngueltigerWert(f"'{ausgabe}' endet nicht auf .xlsx", param_hint="--ausgabe")
    with _antworten():
        ziel = pipeline.selbstauskunft_schreiben(pipeline.Pfade(daten), ausgabe)
    ausgabe_konsole.print(f"Arbeitsbuch geschrieben: {ziel}", markup=False)


@app.command()
def einordnen(
    antwort: Annotated[Path, typer.Option(
        "--antwort", help="Ausgefülltes Arbeitsbuch (.xlsx), eine CSV-Zeile im Format der "
                          "Studie (.csv) oder ein Ordner mit solchen Dateien.")],
    daten: Daten = Path("daten"),
    ergebnisse: Annotated[Path | None, typer.Option(
        "--ergebnisse", help="Ergebnisordner der Studie (Vorgabe: <daten>/ergebnisse).")] = None,
    ausgabe: Annotated[Path, typer.Option(
        "--ausgabe", help="Zielordner für Berichte und Excel-Dateien.")] = Path("einordnung"),
    parallel: Parallel = None,
    ohne_berichte: Annotated[bool, typer.Option(
        "--ohne-berichte", help="Nur einordnen und Excel-Dateien schreiben.")] = False,
) -> None:
    """Ordnet ausgefüllte Selbstauskünfte mit dem gespeicherten Modell in die Studie ein."""
    from analyse.batch import zusammenfassung_drucken

    pfade = pipeline.Pfade(daten, ergebnisse.parent if ergebnisse else None)
    if ergebnisse is not None and ergebnisse.name != "ergebnisse":
        raise UngueltigerWert(f"'{ergebnisse}' heißt nicht 'ergebnisse'",
                                 param_hint="--ergebnisse")
    with _antworten():
        lauf = pipeline.einordnen(pfade, antwort, ausgabe, berichte=not ohne_berichte,
                                  parallel=parallel)
    for e in lauf.eingeordnet:
        gesamt = e.reifegrad.get("gesamt")
        stufe = e.stufe.get("gesamt")
        wert = f"{gesamt:.0f} von 100 ({stufe})" if gesamt == gesamt else "kein Gesamtwert"
        ausgabe_konsole.print(f"{e.ags} {e.auskunft.kommune['name']}: Reifegrad {wert}, "
                              f"Typ {e.typname}", markup=False)
    for datei, text in lauf.fehler.items():
        fehlerausgabe.print(f"✗ {datei}:", markup=False)
        for zeile in text.splitlines():
            fehlerausgabe.print(f"  {zeile}", markup=False)
    if lauf.berichte is not None:
        zusammenfassung_drucken(lauf.berichte, ausgabe_konsole)
    ausgabe_konsole.print(f"Übersicht: {lauf.ausgabe / 'index.html'}", markup=False)
    if not lauf.ok:
        raise typer.Exit(1)
