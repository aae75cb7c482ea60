"""Die Abläufe der Importbefehle: lesen → zuordnen → wie ``analyse pruefen`` prüfen → atomar
schreiben. Bei einem Problem wird alles auf einmal gemeldet und nichts geschrieben.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analyse.dateien import atomar_schreiben
from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe import studie as studie_modul
from analyse.eingabe import studienordner
from analyse.eingabe.fehler import Eingabefehler, Problem, Sammler
from analyse.eingabe.quellen import (
    anwenden,
    entwurf,
    gemeindeverzeichnis,
    lesen,
    limesurvey_struktur,
    zuordnung,
)
from analyse.eingabe.quellen.anwenden import Importbericht

# Dateien des Studienordners, die für die Prüfung neben die neue antworten.csv gelegt werden
_STUDIENDATEIEN = ("studie.yml", "fragebogen.yml", "kommunentypen.yml", "massnahmen.yml",
                   "kommunen.csv", "ozg_leistungen.csv")


def _versuch(sammler: Sammler, funktion, *args):
    try:
        return funktion(*args)
    except Eingabefehler as e:
        sammler.uebernehmen(e)
        return None


def _dazu(sammler: Sammler, probleme: list[Problem]) -> None:
    if probleme:  # über uebernehmen, damit der Sammler zusammenfassen und begrenzen kann
        sammler.uebernehmen(Eingabefehler(probleme))


def csv_text(df: pd.DataFrame) -> str:
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, lineterminator="\n")
    schreiber.writerow(df.columns)
    schreiber.writerows(df.itertuples(index=False, name=None))
    return puffer.getvalue()


def _kommunen(daten: Path, sammler: Sammler) -> pd.DataFrame | None:
    tabelle = studienordner.csv_lesen(daten / "kommunen.csv", sammler)
    return None if tabelle is None else studienordner.kommunen_pruefen(tabelle, sammler)


def importieren(quelle_pfad: Path, zuordnung_pfad: Path, daten: Path, welle: int,
                ersetzen: bool = False,
                pruefen: Callable[[Path], object] = studienordner.laden) -> Importbericht:
    """Importiert eine Welle aus einem Export in ``<daten>/antworten.csv``; gibt den Bericht.

    ``pruefen``: die Prüfung von ``analyse pruefen`` (die Pipeline reicht sie herein), angewandt
    auf die Studie mit der neuen antworten.csv, bevor etwas geschrieben wird.
    """
    daten = Path(daten)
    sammler = Sammler()
    fb = _versuch(sammler, fragebogen_modul.laden, daten / "fragebogen.yml")
    st = _versuch(sammler, studie_modul.laden, daten / "studie.yml")
    if st is not None and welle not in st.welle_ids:
        sammler.melden("--welle", None, None, welle,
                       f"eine Welle aus studie.yml ({', '.join(map(str, st.welle_ids))})")
    kommunen = _kommunen(daten, sammler)
    z_ergebnis = _versuch(sammler, zuordnung.laden, zuordnung_pfad)
    z, zeilen = z_ergebnis if z_ergebnis else (None, {})
    vorgaben = z.quelle if z else zuordnung.QuellAngaben()
    quelle = _versuch(sammler, lesen.lesen, quelle_pfad, vorgaben.format, vorgaben.blatt,
                      vorgaben.kopfzeile)
    if None in (fb, z, quelle):
        sammler.pruefen()
    _dazu(sammler, zuordnung.pruefen(z, zeilen, Path(zuordnung_pfad).name, quelle, fb))
    bekannt = set(kommunen.index) if kommunen is not None else None
    neu, bericht, probleme = anwenden.anwenden(quelle, z, fb, welle, bekannt)
    _dazu(sammler, probleme)
    sammler.pruefen()

    alt_pfad = daten / "antworten.csv"
    alt = None
    if alt_pfad.exists():
        tabelle = studienordner.csv_lesen(alt_pfad, sammler)
        sammler.pruefen()
        alt = tabelle.daten
    gesamt, quelle_je_zeile = _zusammenfuehren(alt, neu, bericht, quelle, ersetzen, sammler)
    sammler.pruefen()
    text = csv_text(gesamt)
    _wie_pruefen(daten, text, quelle_je_zeile, pruefen)
    atomar_schreiben(alt_pfad, text)
    return bericht


def _zusammenfuehren(alt: pd.DataFrame | None, neu: pd.DataFrame, bericht: Importbericht,
                     quelle: lesen.Quelle, ersetzen: bool, sammler: Sammler
                     ) -> tuple[pd.DataFrame, dict[int, tuple[str, int]]]:
    """Alte Zeilen bleiben; dieselbe AGS und Welle wird nur mit ``ersetzen`` ersetzt.

    Gibt die Tabelle und je Dateizeile einer neuen Zeile die Zeile der Quelle zurück.
    """
    quellzeilen = dict(zip(neu["ags"], bericht.quellzeilen, strict=True))
    if alt is None:
        gesamt = neu
    else:
        spalten = list(alt.columns) + [s for s in neu.columns if s not in alt.columns]
        alt = alt.reindex(columns=spalten, fill_value="")
        schluessel = alt["ags"] + "|" + alt["welle"]
        vorhanden = set(schluessel[schluessel.str.endswith(f"|{bericht.welle}")])
        doppelt = [a for a in neu["ags"] if f"{a}|{bericht.welle}" in vorhanden]
        if doppelt and not ersetzen:
            beispiele = ", ".join(f"{a} (Zeile {quellzeilen[a]})" for a in doppelt[:5])
            sammler.melden(quelle.datei, quellzeilen[doppelt[0]], "ags", doppelt[0],
                           f"Kommunen ohne Antwort in Welle {bericht.welle}: {len(doppelt)} "
                           f"haben in antworten.csv schon eine (AGS {beispiele}"
                           f"{', …' if len(doppelt) > 5 else ''})",
                           hinweis="mit --ersetzen werden sie ersetzt")
            return alt, {}
        bericht.ersetzt = len(doppelt)
        behalten = alt[~schluessel.isin({f"{a}|{bericht.welle}" for a in doppelt})]
        gesamt = pd.concat([behalten, neu.reindex(columns=spalten, fill_value="")],
                           ignore_index=True)
    bericht.neu = len(neu) - bericht.ersetzt
    erste = len(gesamt) - len(neu)
    zuordnung_zeilen = {erste + i + 2: (quelle.datei, quellzeilen[a])
                        for i, a in enumerate(neu["ags"])}
    return gesamt, zuordnung_zeilen


def _wie_pruefen(daten: Path, antworten_text: str, quelle_je_zeile: dict[int, tuple[str, int]],
                 pruefen: Callable[[Path], object]) -> None:
    """Prüft die Studie mit der neuen antworten.csv genau wie ``analyse pruefen``.

    Dafür liegt die neue Datei mit Verweisen auf die übrigen Dateien in einem temporären
    Ordner; Befunde zu importierten Zeilen nennen die Zeile der Quelle.
    """
    with tempfile.TemporaryDirectory(prefix="analyse-import-") as tmp:
        ordner = Path(tmp)
        for name in _STUDIENDATEIEN:
            if (daten / name).exists():
                os.symlink((daten / name).resolve(), ordner / name)
        (ordner / "antworten.csv").write_text(antworten_text, encoding="utf-8")
        try:
            pruefen(ordner)
        except Eingabefehler as e:
            raise Eingabefehler([_umschreiben(p, quelle_je_zeile) for p in e.probleme]) from None


def _umschreiben(p: Problem, quelle_je_zeile: dict[int, tuple[str, int]]) -> Problem:
    if p.datei == "antworten.csv" and p.zeile in quelle_je_zeile:
        datei, zeile = quelle_je_zeile[p.zeile]
        return dataclasses.replace(p, datei=datei, zeile=zeile)
    return p


# --- Entwurf -----------------------------------------------------------------------------------

def entwurf_schreiben(quelle_pfad: Path, daten: Path, ziel: Path, ueberschreiben: bool = False,
                      format: str | None = None, struktur: Path | None = None) -> lesen.Quelle:
    """Schreibt einen Entwurf der Zuordnung nach ``ziel``; ein vorhandener bleibt ohne Erlaubnis.

    ``struktur``: die Umfragestruktur aus LimeSurvey (.txt oder .lss) mit Frage- und
    Antworttexten, für Exporte, die nur Codes enthalten.
    """
    if Path(ziel).exists() and not ueberschreiben:
        raise Eingabefehler([Problem(str(ziel), None, None, None,
                                     "eine neue Datei (sie existiert schon; andere --ausgabe "
                                     "wählen oder --ueberschreiben)")])
    sammler = Sammler()
    fb = _versuch(sammler, fragebogen_modul.laden, Path(daten) / "fragebogen.yml")
    quelle = _versuch(sammler, lesen.lesen, Path(quelle_pfad), format)
    wissen = _versuch(sammler, limesurvey_struktur.lesen, struktur) if struktur else None
    sammler.pruefen()
    if wissen:
        quelle = limesurvey_struktur.anreichern(quelle, wissen)
    atomar_schreiben(Path(ziel), entwurf.entwurf(quelle, fb, Path(quelle_pfad).name))
    return quelle


# --- Kommunen aus dem Gemeindeverzeichnis ------------------------------------------------------

def kommunen_importieren(verzeichnis: Path, daten: Path, land: str | None = None,
                         kreis: str | None = None) -> tuple[gemeindeverzeichnis.Abgleich, list[str]]:
    """Baut oder aktualisiert ``<daten>/kommunen.csv`` aus dem amtlichen Verzeichnis."""
    sammler = Sammler()
    if land is not None and not (len(land) == 2 and land.isascii() and land.isdigit()):
        sammler.melden("--land", None, None, land, "einen Landesschlüssel aus 2 Ziffern (z. B. 05)")
    if kreis is not None and not (len(kreis) == 5 and kreis.isascii() and kreis.isdigit()):
        sammler.melden("--kreis", None, None, kreis,
                       "einen Kreisschlüssel aus 5 Ziffern (z. B. 05315)")
    sammler.pruefen()
    v = gemeindeverzeichnis.lesen(Path(verzeichnis))
    amtlich = gemeindeverzeichnis.auswaehlen(v.kommunen, land, kreis)
    if amtlich.empty:
        raise Eingabefehler([Problem(Path(verzeichnis).name, None, None, land or kreis,
                                     "mindestens eine Kommune für diesen Schlüssel")])
    ziel = Path(daten) / "kommunen.csv"
    alt = None
    if ziel.exists():
        tabelle = studienordner.csv_lesen(ziel, sammler)
        sammler.pruefen()
        alt = tabelle.daten
    abgleich = gemeindeverzeichnis.zusammenfuehren(alt, amtlich)
    text = csv_text(abgleich.kommunen)
    pruef = studienordner._Csv("kommunen.csv", abgleich.kommunen,
                               np.arange(2, len(abgleich.kommunen) + 2))
    studienordner.kommunen_pruefen(pruef, sammler)
    sammler.pruefen()
    atomar_schreiben(ziel, text)
    return abgleich, v.hinweise
