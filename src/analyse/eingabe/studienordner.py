"""Einen Studienordner laden und vollständig prüfen.

Alle Probleme aller Dateien werden gesammelt und zusammen gemeldet (Datei, Zeile,
Spalte, Wert, Erwartung). Die CSV-Regeln stehen als pandera-Schemata hier; die
Regeln für Antwortwerte werden aus dem Codebuch erzeugt, damit sie nur dort stehen.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe import groessenklassen
from analyse.eingabe import studie as studie_modul
from analyse.eingabe import typkatalog as typkatalog_modul
from analyse.eingabe.fehler import Eingabefehler, Problem, Sammler

KOMMUNEN_SPALTEN = ("ags", "name", "art", "kreis", "land", "einwohner", "verband",
                    "referenzkommune")
JA_NEIN = {"ja": True, "nein": False}
FEHLCODE_NAMEN = {"weiss_nicht": "weiß nicht", "keine_angabe": "keine Angabe"}
AGS_MUSTER = re.compile(r"^(\d{5}|\d{8})$")
_ZAHL = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Studiendaten:
    """Ein geprüfter Studienordner."""

    ordner: Path
    studie: studie_modul.Studie
    fragebogen: fragebogen_modul.Fragebogen
    typkatalog: typkatalog_modul.Typkatalog
    massnahmen: object  # massnahmen.Katalog
    ozg_katalog: pd.DataFrame  # mitgeliefert oder <daten>/ozg_leistungen.csv
    kommunen: pd.DataFrame  # Index ags; mit groessenklasse, mitglied
    antworten: pd.DataFrame  # ags, welle, Items als float (Codes wie im Codebuch)


@dataclass
class _Csv:
    datei: str
    daten: pd.DataFrame  # alle Werte als Text
    zeilen: list[int]  # Zeilennummer in der Datei je Datenzeile


def csv_lesen(pfad: Path, sammler: Sammler) -> _Csv | None:
    """Liest eine CSV-Datei als Text; meldet Kodierungs- und Strukturfehler je Zeile."""
    name = pfad.name
    if not pfad.exists():
        sammler.melden(name, None, None, None, "eine vorhandene Datei")
        return None
    roh = pfad.read_bytes()
    try:
        text = roh.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        zeile = roh[: e.start].count(b"\n") + 1
        sammler.melden(name, zeile, None, repr(roh[e.start : e.start + 2]),
                       "UTF-8-kodierten Text (die Datei ist vermutlich in Windows-1252/Latin-1 "
                       "gespeichert; bitte als UTF-8 speichern)")
        return None
    if "\x00" in text:
        sammler.melden(name, None, None, None, "eine Textdatei (CSV), keine Binärdatei")
        return None
    leser = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        kopf = next(leser)
    except StopIteration:
        sammler.melden(name, 1, None, None, "eine Kopfzeile mit Spaltennamen")
        return None
    except csv.Error as e:
        sammler.melden(name, 1, None, None, f"gültiges CSV ({e})")
        return None
    kopf = [k.strip() for k in kopf]
    if len(kopf) == 1 and ";" in kopf[0]:
        sammler.melden(name, 1, None, kopf[0][:40],
                       "Kommas als Trennzeichen (die Datei nutzt Semikolons; in Excel als "
                       "„CSV UTF-8 (durch Trennzeichen getrennt)“ speichern oder Semikolons "
                       "durch Kommas ersetzen)")
        return None
    for k in {k for k in kopf if kopf.count(k) > 1}:
        sammler.melden(name, 1, k, k, "eindeutige Spaltennamen")
    zeilen, nummern = [], []
    start = leser.line_num + 1
    while True:
        try:
            satz = next(leser)
        except StopIteration:
            break
        except csv.Error as e:
            sammler.melden(name, leser.line_num, None, None, f"gültiges CSV ({e})")
            break
        if satz and len(satz) != len(kopf):
            sammler.melden(name, start, None, f"{len(satz)} Felder",
                           f"{len(kopf)} Felder wie in der Kopfzeile")
        elif satz:
            zeilen.append([s.strip() for s in satz])
            nummern.append(start)
        start = leser.line_num + 1
    return _Csv(name, pd.DataFrame(zeilen, columns=kopf, dtype=str), nummern)


def _schema_pruefen(tabelle: _Csv, schema: pa.DataFrameSchema, sammler: Sammler,
                    erwartung: Callable[[str | None, str], str]) -> None:
    """Validiert mit pandera (lazy) und übersetzt jeden Fehlerfall in ein ``Problem``."""
    try:
        schema.validate(tabelle.daten, lazy=True)
    except pa.errors.SchemaErrors as e:
        for fall in e.failure_cases.itertuples(index=False):
            spalte = fall.column
            check = str(fall.check)
            if check == "column_in_schema":
                sammler.melden(tabelle.datei, 1, str(fall.failure_case), fall.failure_case,
                               "nur bekannte Spalten (diese Spalte ist unbekannt)")
                continue
            if check == "column_in_dataframe":
                sammler.melden(tabelle.datei, 1, str(fall.failure_case), None,
                               "diese Pflichtspalte")
                continue
            index = fall.index
            zeile = tabelle.zeilen[int(index)] if index is not None and not pd.isna(index) else None
            sammler.melden(tabelle.datei, zeile, spalte, fall.failure_case,
                           erwartung(spalte, check))


def _kommunen_erwartung(spalte: str | None, check: str) -> str:
    if check == "field_uniqueness":
        return "einen eindeutigen AGS (dieser kommt mehrfach vor)"
    return {
        "ags": "einen Amtlichen Gemeindeschlüssel aus 8 Ziffern (Kreise: 5 Ziffern), als Text",
        "name": "einen nicht leeren Namen",
        "art": f"eine der Arten {', '.join(groessenklassen.ARTEN)}",
        "einwohner": "eine ganze Zahl ≥ 0 (ohne Tausenderpunkte)",
        "referenzkommune": "'ja' oder 'nein'",
        "land": "einen nicht leeren Ländernamen",
    }.get(spalte or "", check)


KOMMUNEN_SCHEMA = pa.DataFrameSchema(
    {
        "ags": pa.Column(str, pa.Check.str_matches(AGS_MUSTER.pattern), unique=True),
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "art": pa.Column(str, pa.Check.isin(groessenklassen.ARTEN)),
        "kreis": pa.Column(str),
        "land": pa.Column(str, pa.Check.str_length(min_value=1)),
        "einwohner": pa.Column(str, pa.Check.str_matches(r"^\d+$")),
        "verband": pa.Column(str),
        "referenzkommune": pa.Column(str, pa.Check.isin(list(JA_NEIN))),
    },
    strict=True,
    report_duplicates="all",
)


def kommunen_pruefen(tabelle: _Csv, sammler: Sammler) -> pd.DataFrame | None:
    vorher = len(sammler.probleme)
    _schema_pruefen(tabelle, KOMMUNEN_SCHEMA, sammler, _kommunen_erwartung)
    df = tabelle.daten
    if {"ags", "art"} <= set(df.columns):
        for i, (ags, art) in enumerate(zip(df["ags"], df["art"], strict=True)):
            if AGS_MUSTER.match(ags) and (len(ags) == 5) != (art == "Kreis"):
                sammler.melden(tabelle.datei, tabelle.zeilen[i], "ags", ags,
                               "5 Ziffern bei Kreisen und 8 Ziffern bei Städten und Gemeinden")
    if len(df) == 0:
        sammler.melden(tabelle.datei, 2, None, None, "mindestens eine Kommune")
    if len(sammler.probleme) > vorher:
        return None
    kommunen = df.copy()
    kommunen["einwohner"] = kommunen["einwohner"].astype(int)
    kommunen["referenzkommune"] = kommunen["referenzkommune"].map(JA_NEIN).astype(bool)
    kommunen["groessenklasse"] = groessenklassen.groessenklassen(kommunen).astype(str)
    return kommunen.set_index("ags")


def _antworten_schema(fb: fragebogen_modul.Fragebogen, wellen: list[int],
                      ags_bekannt: set[str] | None) -> pa.DataFrameSchema:
    """Das Schema für antworten.csv, erzeugt aus dem Codebuch."""
    spalten: dict[str, pa.Column] = {
        "ags": pa.Column(str, [pa.Check.str_matches(AGS_MUSTER.pattern)]
                         + ([pa.Check.isin(sorted(ags_bekannt))] if ags_bekannt else [])),
        "welle": pa.Column(str, pa.Check.isin([str(w) for w in wellen])),
    }
    for item in fb.items:
        skala = fb.skala_von(item)
        if skala is not None:
            erlaubt = [str(c) for c in [*skala.werte, *skala.fehlend.codes()]] + [""]
            spalten[item.id] = pa.Column(str, pa.Check.isin(erlaubt))
        else:
            z = item.zahl
            spalten[item.id] = pa.Column(str, pa.Check(
                lambda s, z=z: s.map(lambda v: v == "" or _zahl_gueltig(v, z)),
                name="zahl"))
    # Doppelte AGS/Welle meldet antworten_pruefen selbst, je Zeile mit Erklärung.
    return pa.DataFrameSchema(spalten, strict=True)


def _zahl_gueltig(text: str, z: fragebogen_modul.Zahl) -> bool:
    if not _ZAHL.match(text):
        return False
    wert = float(text)
    if z.ganzzahlig and not wert.is_integer():
        return False
    return wert >= z.minimum and (z.maximum is None or wert <= z.maximum)


def _antworten_erwartung(fb: fragebogen_modul.Fragebogen, wellen: list[int]):
    def erwartung(spalte: str | None, check: str) -> str:
        if spalte == "ags":
            if check.startswith("isin"):
                return "einen AGS, der in kommunen.csv steht"
            return "einen Amtlichen Gemeindeschlüssel aus 8 (Kreise: 5) Ziffern"
        if spalte == "welle":
            return f"eine Welle aus studie.yml ({', '.join(map(str, wellen))})"
        item = fb.item.get(spalte)
        if item is None:
            return check
        skala = fb.skala_von(item)
        if skala is not None:
            werte = ", ".join(f"{c} ({t})" for c, t in skala.werte.items())
            fehl = ", ".join(f"{c} ({FEHLCODE_NAMEN[n]})" for c, n in skala.fehlend.codes().items())
            return f"einen Wert der Skala '{item.skala}': {werte}" + (
                f"; Fehlcodes {fehl}" if fehl else "") + "; oder leer"
        z = item.zahl
        art = "eine ganze Zahl" if z.ganzzahlig else "eine Zahl mit Dezimalpunkt"
        bis = f" bis {z.maximum:g}" if z.maximum is not None else ""
        return f"{art} von {z.minimum:g}{bis} {z.einheit}".rstrip() + " oder leer"
    return erwartung


def antworten_pruefen(tabelle: _Csv, fb: fragebogen_modul.Fragebogen, wellen: list[int],
                      ags_bekannt: set[str] | None, sammler: Sammler) -> pd.DataFrame | None:
    vorher = len(sammler.probleme)
    schema = _antworten_schema(fb, wellen, ags_bekannt)
    df = tabelle.daten
    if {"ags", "welle"} <= set(df.columns):
        doppelt = df.duplicated(["ags", "welle"], keep=False)
        for i in np.flatnonzero(doppelt.to_numpy()):
            sammler.melden(tabelle.datei, tabelle.zeilen[i], "ags", df["ags"].iat[i],
                           f"je AGS und Welle genau eine Zeile (AGS {df['ags'].iat[i]} kommt in "
                           f"Welle {df['welle'].iat[i]} mehrfach vor)")
    _schema_pruefen(tabelle, schema, sammler, _antworten_erwartung(fb, wellen))
    if len(sammler.probleme) > vorher:
        return None
    antworten = df.copy()
    antworten["welle"] = antworten["welle"].astype(int)
    for item in fb.items:
        antworten[item.id] = pd.to_numeric(antworten[item.id].replace("", np.nan)).astype(float)
    return antworten[["ags", "welle", *(i.id for i in fb.items)]]


def laden(ordner: Path) -> Studiendaten:
    """Lädt und prüft den ganzen Studienordner; wirft ``Eingabefehler`` mit allen Problemen."""
    from analyse.eingabe import massnahmen as massnahmen_modul
    from analyse.eingabe import ozg_katalog as ozg

    ordner = Path(ordner)
    sammler = Sammler()
    if not ordner.is_dir():
        raise Eingabefehler([Problem(str(ordner), None, None, None, "einen Studienordner")])

    def versuch(funktion, *args):
        try:
            return funktion(*args)
        except Eingabefehler as e:
            sammler.uebernehmen(e)
            return None

    studie = versuch(studie_modul.laden, ordner / "studie.yml")
    fb = versuch(fragebogen_modul.laden, ordner / "fragebogen.yml")
    ziel_ids = set(fb.ziel_name) if fb else None
    katalog = versuch(typkatalog_modul.laden, ordner / "kommunentypen.yml", ziel_ids)
    feld_ids = set(fb.feld) if fb else None
    typ_ids = {t.id for t in katalog.typen} if katalog else None
    massnahmen = versuch(massnahmen_modul.laden, ordner / "massnahmen.yml", feld_ids, typ_ids)
    if studie is not None and fb is not None:
        for feld in sorted(set(studie.reifegrad.gewichte) - set(fb.feld)):
            sammler.melden("studie.yml", None, "reifegrad.gewichte", feld,
                           f"eines der Handlungsfelder aus fragebogen.yml ({', '.join(fb.feld)})")
    ozg_katalog = versuch(ozg.katalog_laden, ordner)
    if fb is not None and ozg_katalog is not None:
        sammler.probleme.extend(ozg.fragebogen_pruefen(fb, ozg_katalog))

    kommunen = None
    k_csv = csv_lesen(ordner / "kommunen.csv", sammler)
    if k_csv is not None:
        kommunen = kommunen_pruefen(k_csv, sammler)
    antworten = None
    a_csv = csv_lesen(ordner / "antworten.csv", sammler)
    if a_csv is not None and fb is not None:
        wellen = studie.welle_ids if studie else sorted({int(w) for w in a_csv.daten.get(
            "welle", pd.Series(dtype=str)) if w.isdigit()})
        bekannt = set(kommunen.index) if kommunen is not None else None
        antworten = antworten_pruefen(a_csv, fb, wellen, bekannt, sammler)
    sammler.pruefen()
    kommunen["mitglied"] = kommunen["verband"] == studie.verband
    if not kommunen["mitglied"].any():
        raise Eingabefehler([Problem("kommunen.csv", None, "verband", studie.verband,
                                     "mindestens eine Kommune im Verband aus studie.yml")])
    return Studiendaten(ordner, studie, fb, katalog, massnahmen, ozg_katalog, kommunen, antworten)
