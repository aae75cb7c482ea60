"""Befragungsexporte lesen: LimeSurvey-CSV, SPSS (.sav), Excel (.xlsx) und einfache CSV-Dateien.

Jede Quelle wird zu einer Tabelle aus Text (leer = keine Antwort) mit der Zeilennummer der
Datei je Datenzeile. Spalten werden über ihren Code angesprochen: bei LimeSurvey der Teil
vor ". " der Überschrift, sodass beide Überschriftenstile (nur Code, oder Code. Fragetext)
mit derselben Zuordnung funktionieren.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analyse.dateien import Unlesbar, datei_lesen
from analyse.eingabe.fehler import Eingabefehler, Problem

FORMATE = ("limesurvey", "spss", "excel", "csv")
ENDUNGEN = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".sav": "spss", ".zsav": "spss",
            ".xlsx": "excel", ".xlsm": "excel"}

# "G3Q00001[SQ002]. The child ... [...]" → Code "G3Q00001[SQ002]", Text "The child ... [...]"
_UEBERSCHRIFT = re.compile(r"^(?P<code>[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])*)\. (?P<text>.*)$",
                           re.DOTALL)
# Metadaten, an denen ein LimeSurvey-Antwortexport zu erkennen ist
LIMESURVEY_KENNUNG = {"submitdate", "lastpage", "startlanguage"}


@dataclass(frozen=True)
class Spalte:
    """Eine Spalte der Quelle: Überschrift wie in der Datei, Code (Adresse) und Fragetext."""

    kopf: str
    code: str
    text: str = ""


@dataclass
class Quelle:
    """Eine gelesene Quelle; ``daten`` hat die Codes als Spalten und nur Text ("" = leer)."""

    datei: str
    format: str
    spalten: list[Spalte]
    daten: pd.DataFrame
    zeilen: list[int]
    wertelabels: dict[str, dict[str, str]] = field(default_factory=dict)
    hinweise: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.spalten]

    def spalte(self, code: str) -> Spalte | None:
        return next((s for s in self.spalten if s.code == code), None)


def zahl_text(wert: float) -> str:
    """Eine Zahl als kurzer Text: ganze Zahlen ohne Nachkommastellen, sonst die kürzeste Form."""
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return ""
    wert = float(wert)
    if wert.is_integer() and abs(wert) < 1e15:
        return str(int(wert))
    return repr(wert)


def kopf_zerlegen(kopf: str) -> Spalte:
    """Zerlegt eine Überschrift in Code und Fragetext (LimeSurvey: ``Code. Text``)."""
    kopf = kopf.strip()
    treffer = _UEBERSCHRIFT.match(kopf)
    if treffer:
        return Spalte(kopf, treffer["code"], treffer["text"].strip())
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])*", kopf):
        return Spalte(kopf, kopf, "")
    return Spalte(kopf, kopf, kopf)  # freie Überschrift (Excel): sie ist zugleich der Fragetext


def format_erkennen(pfad: Path, roh: bytes, vorgabe: str | None = None) -> str:
    """Das Format der Quelle: Vorgabe der Zuordnung, sonst aus Inhalt und Endung."""
    if vorgabe:
        return vorgabe
    kopf = roh[:8]
    if kopf.startswith(b"PK\x03\x04"):
        return "excel"
    if kopf.startswith((b"$FL2", b"$FL3")):
        return "spss"
    art = ENDUNGEN.get(pfad.suffix.lower())
    if art is None:
        raise Eingabefehler([Problem(pfad.name, None, None, pfad.suffix or "(keine Endung)",
                                     "eine Datei mit der Endung .csv, .sav oder .xlsx "
                                     "(oder 'format' in der Zuordnung)")])
    if art == "csv":
        text = _dekodieren(roh[:200_000], pfad.name)[0]
        codes = {kopf_zerlegen(k).code for k in _erste_zeile(text)}
        if LIMESURVEY_KENNUNG & codes:
            return "limesurvey"
    return art


def roh_lesen(pfad: Path) -> bytes:
    """Die Bytes einer Quelle über ``dateien.datei_lesen`` (nie blockierend, nur normale Dateien)."""
    try:
        return datei_lesen(Path(pfad))
    except Unlesbar as e:
        raise Eingabefehler([Problem(Path(pfad).name, None, None, None, e.grund)]) from None


def lesen(pfad: Path, format: str | None = None, blatt: str | None = None,
          kopfzeile: int | None = None) -> Quelle:
    """Liest eine Quelle; wirft ``Eingabefehler`` mit allen Problemen der Datei."""
    pfad = Path(pfad)
    roh = roh_lesen(pfad)
    art = format_erkennen(pfad, roh, format)
    hinweise = []
    if format is None and art == "excel" and pfad.suffix.lower() != ".xlsx":
        hinweise.append(f"{pfad.name} ist eine Excel-Datei (trotz der Endung {pfad.suffix}).")
    if art in ("limesurvey", "csv"):
        quelle = _csv_lesen(pfad.name, roh, art, kopfzeile)
    elif art == "spss":
        del roh
        quelle = _spss_lesen(pfad)
    else:
        quelle = _excel_lesen(pfad.name, roh, blatt, kopfzeile)
    quelle.hinweise[:0] = hinweise
    return quelle


# --- Text und CSV ------------------------------------------------------------------------------

def _dekodieren(roh: bytes, name: str) -> tuple[str, str | None]:
    """Text und ggf. ein Hinweis auf die angenommene Kodierung."""
    if roh.startswith((b"\xff\xfe", b"\xfe\xff")):
        return roh.decode("utf-16"), "UTF-16 erkannt."
    try:
        return roh.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        if e.start > len(roh) - 4:  # abgeschnittenes Zeichen am Ende eines Ausschnitts
            return roh[: e.start].decode("utf-8-sig"), None
        return roh.decode("cp1252", errors="replace"), (
            f"{name} ist nicht UTF-8-kodiert; Windows-1252 angenommen.")


def _erste_zeile(text: str) -> list[str]:
    zeile = next(csv.reader(io.StringIO(text, newline=""), delimiter=_trennzeichen(text)), [])
    return zeile


def _trennzeichen(text: str) -> str:
    """Das Trennzeichen der Kopfzeile: ``;`` (LimeSurvey), ``,`` oder Tabulator."""
    erste = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(erste, delimiters=";,\t").delimiter
    except csv.Error:
        return max(";,\t", key=lambda z: len(next(csv.reader([erste], delimiter=z), [])))


def _csv_lesen(name: str, roh: bytes, art: str, kopfzeile: int | None) -> Quelle:
    text, hinweis = _dekodieren(roh, name)
    if "\x00" in text:
        raise Eingabefehler([Problem(name, None, None, None,
                                     "eine Textdatei (CSV); diese Datei enthält Binärdaten")])
    leser = csv.reader(io.StringIO(text, newline=""), delimiter=_trennzeichen(text))
    probleme: list[Problem] = []
    saetze: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for satz in leser:
            if any(f.strip() for f in satz):
                saetze.append((start, satz))
            start = leser.line_num + 1
    except csv.Error as e:
        probleme.append(Problem(name, leser.line_num, None, None, f"gültiges CSV ({e})"))
    beginn = (kopfzeile or 1)
    saetze = [(z, s) for z, s in saetze if z >= beginn]
    if not saetze:
        raise Eingabefehler([*probleme, Problem(name, beginn, None, None,
                                                "eine Kopfzeile mit Spaltennamen")])
    _, kopf = saetze[0]
    spalten = _spalten(kopf, name, probleme)
    zeilen, nummern = [], []
    for nummer, satz in saetze[1:]:
        if len(satz) != len(kopf):
            probleme.append(Problem(name, nummer, None, f"{len(satz)} Felder",
                                    f"{len(kopf)} Felder wie in der Kopfzeile"))
            continue
        zeilen.append([f.strip() for f in satz])
        nummern.append(nummer)
    if probleme:
        raise Eingabefehler(probleme)
    daten = pd.DataFrame(zeilen, columns=[s.code for s in spalten], dtype=str)
    if not zeilen:
        daten = pd.DataFrame({s.code: pd.Series(dtype=str) for s in spalten})
    return Quelle(name, art, spalten, daten, nummern, hinweise=[hinweis] if hinweis else [])


def _spalten(kopf: list[str], datei: str, probleme: list[Problem]) -> list[Spalte]:
    spalten = [kopf_zerlegen(k) for k in kopf]
    gesehen: dict[str, int] = {}
    for i, s in enumerate(spalten):
        if not s.code:
            spalten[i] = Spalte(s.kopf, f"Spalte {i + 1}", "")
        elif s.code in gesehen:
            probleme.append(Problem(datei, None, s.code, s.kopf,
                                    "eindeutige Spaltenköpfe (dieser Code kommt mehrfach vor)"))
        gesehen[spalten[i].code] = i
    return spalten


# --- SPSS --------------------------------------------------------------------------------------

def _spss_text(wert: object) -> str:
    if wert is None:
        return ""
    if isinstance(wert, float | int) and not isinstance(wert, bool):
        return zahl_text(wert)
    if isinstance(wert, dt.datetime | dt.date):
        return wert.isoformat()
    return str(wert).strip()


def _spss_lesen(pfad: Path) -> Quelle:
    import pyreadstat

    try:
        # user_missing: benutzerdefinierte Fehlcodes (z. B. 8, 9) bleiben Werte statt leer
        df, meta = pyreadstat.read_sav(str(pfad), apply_value_formats=False, user_missing=True)
    except pyreadstat.ReadstatError as e:
        raise Eingabefehler([Problem(pfad.name, None, None, None,
                                     f"eine lesbare SPSS-Datei (.sav) ({e})")]) from None
    labels = meta.column_names_to_labels or {}
    spalten = [Spalte(n, n, (labels.get(n) or "").strip()) for n in df.columns]
    daten = pd.DataFrame({n: [_spss_text(None if pd.isna(w) else w) for w in df[n]]
                          for n in df.columns}, dtype=str)
    wertelabels = {n: {_spss_text(k): str(v) for k, v in werte.items()}
                   for n, werte in (meta.variable_value_labels or {}).items()}
    return Quelle(pfad.name, "spss", spalten, daten, list(range(1, len(df) + 1)), wertelabels)


# --- Excel -------------------------------------------------------------------------------------

def _zelle_text(wert: object) -> str:
    if wert is None:
        return ""
    if isinstance(wert, bool):
        return "1" if wert else "0"
    if isinstance(wert, int | float):
        return zahl_text(wert)
    if isinstance(wert, dt.datetime | dt.date | dt.time):
        return wert.isoformat()
    return str(wert).strip()


def _kopfzeile_finden(zeilen: list[list[str]]) -> int:
    """Index der Kopfzeile: die erste Zeile, die mindestens halb so breit ist wie die breiteste.

    Titelzeilen (oft verbundene Zellen) haben nur eine gefüllte Zelle und werden übersprungen.
    """
    breiten = [sum(1 for w in z if w) for z in zeilen[:200]]
    breiteste = max(breiten, default=0)
    for i, b in enumerate(breiten):
        if b >= max(2, math.ceil(breiteste / 2)):
            return i
    return 0


def _excel_lesen(name: str, roh: bytes, blatt: str | None, kopfzeile: int | None) -> Quelle:
    import openpyxl

    try:
        # als Datenstrom: openpyxl prüft sonst die Endung (eine .xlsx, die .csv heißt)
        mappe = openpyxl.load_workbook(io.BytesIO(roh), read_only=True, data_only=True)
    except Exception as e:  # openpyxl wirft je nach Schaden verschiedene Fehler
        raise Eingabefehler([Problem(name, None, None, None,
                                     f"eine lesbare Excel-Datei (.xlsx) ({type(e).__name__})")]
                            ) from None
    try:
        if blatt is not None and blatt not in mappe.sheetnames:
            raise Eingabefehler([Problem(name, None, None, blatt,
                                         f"eines der Blätter {mappe.sheetnames}")])
        blaetter = {n: [[_zelle_text(w) for w in z] for z in mappe[n].iter_rows(values_only=True)]
                    for n in ([blatt] if blatt else mappe.sheetnames)}
    finally:
        mappe.close()
    # Ohne Vorgabe: das Blatt mit den meisten gefüllten Zeilen (Antworten, nicht die Legende)
    gewaehlt = blatt or max(blaetter, key=lambda n: sum(1 for z in blaetter[n] if any(z)))
    zeilen = blaetter[gewaehlt]
    hinweise = [] if blatt or len(blaetter) == 1 else [f"Blatt '{gewaehlt}' gelesen."]
    if not any(any(z) for z in zeilen):
        raise Eingabefehler([Problem(name, None, None, gewaehlt, "ein Blatt mit Antworten")])
    k = (kopfzeile - 1) if kopfzeile else _kopfzeile_finden(zeilen)
    if k > 0 and not kopfzeile:
        hinweise.append(f"Kopfzeile in Zeile {k + 1} erkannt (darüber {k} Titelzeile"
                        f"{'n' if k != 1 else ''}).")
    kopf = zeilen[k] if k < len(zeilen) else []
    belegt = [i for i, w in enumerate(kopf) if w]
    probleme: list[Problem] = []
    spalten = _spalten([kopf[i] for i in belegt], name, probleme)
    if not spalten:
        probleme.append(Problem(name, k + 1, None, None, "eine Kopfzeile mit Spaltennamen"))
    if probleme:
        raise Eingabefehler(probleme)
    daten, nummern = [], []
    for nummer, z in enumerate(zeilen[k + 1:], start=k + 2):
        werte = [z[i] if i < len(z) else "" for i in belegt]
        if any(werte):
            daten.append(werte)
            nummern.append(nummer)
    df = pd.DataFrame(daten, columns=[s.code for s in spalten], dtype=str)
    return Quelle(name, "excel", spalten, df, nummern, hinweise=hinweise)
