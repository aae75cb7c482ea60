"""Einen Studienordner laden und vollständig prüfen.

Alle Probleme aller Dateien werden gesammelt und zusammen gemeldet (Datei, Zeile,
Spalte, Wert, Erwartung); gleichartige Probleme fasst der ``Sammler`` je Spalte zusammen.
Die Regeln stehen als Tabellen hier (Spalte → Prüfung, Erwartung) und werden spaltenweise
über Masken geprüft: So bleibt der Speicher flach, auch wenn jede Zelle falsch ist. Die
Regeln für Antwortwerte werden aus dem Codebuch erzeugt, damit sie nur dort stehen.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analyse.dateien import Unlesbar, datei_lesen
from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe import groessenklassen
from analyse.eingabe import studie as studie_modul
from analyse.eingabe import typkatalog as typkatalog_modul
from analyse.eingabe.fehler import Eingabefehler, Problem, Sammler

KOMMUNEN_SPALTEN = ("ags", "name", "art", "kreis", "land", "einwohner", "verband",
                    "referenzkommune")
JA_NEIN = {"ja": True, "nein": False}
FEHLCODE_NAMEN = {"weiss_nicht": "weiß nicht", "keine_angabe": "keine Angabe"}
# Nur ASCII-Ziffern: \d fände auch Ziffern anderer Schriften (z. B. Vollbreite １２).
AGS_MUSTER = re.compile(r"^(?:[0-9]{5}|[0-9]{8})\Z")
_ZAHL = r"-?[0-9]{1,15}(?:\.[0-9]{1,12})?"
#: Plausible Einwohnerzahlen (die größte deutsche Kommune hat unter 4 Millionen).
EINWOHNER_MAX = 10_000_000
#: Größte CSV-Datei, die gelesen wird.
MAX_CSV_BYTES = 1_000_000_000

_HINWEIS_NULL = ("vermutlich hat Excel die führende Null entfernt (aus 01001000 wird 1001000); "
                 "die Spalte in Excel als Text formatieren oder vorn mit 0 auffüllen")
_HINWEIS_DEZIMALKOMMA = "Dezimalpunkt statt Komma verwenden (12.5 statt 12,5)"
_HINWEIS_TAUSENDER = "ohne Tausendertrennzeichen schreiben (12000 statt 12.000)"
_HINWEIS_EXCEL = ("in Excel „Datei → Speichern unter → CSV UTF-8 (durch Trennzeichen "
                  "getrennt)“ wählen")


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

    @cached_property
    def nummern(self) -> np.ndarray:
        return np.asarray(self.zeilen, dtype=np.int64)


# --- Lesen ----------------------------------------------------------------------------------

def _dekodieren(roh: bytes, name: str, sammler: Sammler) -> str | None:
    """Text aus Bytes; erkennt Excel-Mappen, UTF-16 und Windows-1252 mit gezieltem Hinweis.

    Wo der Inhalt noch lesbar ist (UTF-16, Windows-1252), wird das Problem gemeldet und
    trotzdem weitergeprüft, damit alle übrigen Probleme gleich mit erscheinen.
    """
    if roh.startswith(b"PK\x03\x04"):
        sammler.melden(name, None, None, None,
                       "eine CSV-Textdatei; dies ist eine Excel-Arbeitsmappe (.xlsx), nur mit "
                       "der Endung .csv", hinweis=_HINWEIS_EXCEL)
        return None
    if roh.startswith(b"\xd0\xcf\x11\xe0"):
        sammler.melden(name, None, None, None,
                       "eine CSV-Textdatei; dies ist eine alte Excel-Arbeitsmappe (.xls), nur "
                       "mit der Endung .csv", hinweis=_HINWEIS_EXCEL)
        return None
    utf16 = None
    if roh.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf16 = "utf-16"
    elif len(roh) >= 4 and roh[1::2].count(0) > len(roh) // 4:
        utf16 = "utf-16-le"
    elif len(roh) >= 4 and roh[0::2].count(0) > len(roh) // 4:
        utf16 = "utf-16-be"
    if utf16:
        sammler.melden(name, None, None, None,
                       "UTF-8-kodierten Text; die Datei ist in UTF-16 gespeichert (Excel: "
                       "„Unicode-Text“)", hinweis=_HINWEIS_EXCEL)
        return roh.decode(utf16, errors="replace").lstrip("\ufeff")
    try:
        return roh.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        zeile = roh[: e.start].count(b"\n") + 1
        sammler.melden(name, zeile, None, repr(roh[e.start : e.start + 2]),
                       "UTF-8-kodierten Text (die Datei ist vermutlich in Windows-1252/Latin-1 "
                       "gespeichert)", hinweis=_HINWEIS_EXCEL)
        return roh.decode("cp1252", errors="replace")


def _trennzeichen(erste_zeile: str) -> str:
    """Komma, Semikolon oder Tabulator: was in der Kopfzeile außerhalb von Anführungszeichen
    am häufigsten vorkommt (LimeSurvey und deutsches Excel schreiben Semikolons)."""
    zaehler = {",": 0, ";": 0, "\t": 0}
    in_zitat = False
    for zeichen in erste_zeile:
        if zeichen == '"':
            in_zitat = not in_zitat
        elif not in_zitat and zeichen in zaehler:
            zaehler[zeichen] += 1
    bestes = max(zaehler, key=lambda z: (zaehler[z], z == ","))
    return bestes if zaehler[bestes] else ","


def _csv_fehler(e: csv.Error) -> str:
    text = str(e)
    if "expected after" in text:
        return ("gültiges CSV: nach einem schließenden Anführungszeichen muss das Trennzeichen "
                "folgen (Anführungszeichen im Text verdoppeln: \"\")")
    if "end of data" in text or "EOF" in text or "newline inside string" in text:
        return "gültiges CSV: ein schließendes Anführungszeichen"
    if "field limit" in text:
        return f"gültiges CSV: Felder bis {csv.field_size_limit() // 1000} kB"
    return "gültiges CSV"


def _text_lesen(pfad: Path, sammler: Sammler) -> str | None:
    """Schritt 1: Datei lesen und dekodieren; NUL-Bytes melden und entfernen."""
    name = pfad.name
    try:
        roh = datei_lesen(pfad, hoechstens=MAX_CSV_BYTES)
    except Unlesbar as e:
        sammler.melden(name, None, None, None, e.grund)
        return None
    text = _dekodieren(roh, name, sammler)
    del roh
    if text is None or "\x00" not in text:
        return text
    erste = text[: text.index("\x00")].count("\n") + 1
    sammler.melden(name, erste, None, "\x00", "Text ohne NUL-Bytes (Binärzeichen); die Datei "
                   "ist beschädigt oder keine reine Textdatei",
                   hinweis=f"{text.count(chr(0))} NUL-Bytes; die übrigen Prüfungen laufen "
                           "ohne sie weiter")
    return text.replace("\x00", "")


def _kopf_lesen(leser, name: str, sammler: Sammler) -> list[str] | None:
    """Schritt 2: Kopfzeile; leere Spalten am Ende übergehen, fehlende und doppelte Namen."""
    try:
        kopf = next(leser)
    except StopIteration:
        sammler.melden(name, 1, None, None, "eine Kopfzeile mit Spaltennamen")
        return None
    except csv.Error as e:
        sammler.melden(name, 1, None, None, _csv_fehler(e))
        return None
    kopf = [k.strip().lstrip("\ufeff") for k in kopf]
    while kopf and kopf[-1] == "":  # leere Spalten am Ende (Excel): ohne Namen, übergehen
        kopf.pop()
    if not kopf:
        sammler.melden(name, 1, None, None, "eine Kopfzeile mit Spaltennamen")
        return None
    for i, k in enumerate(kopf):
        if k == "":
            sammler.melden(name, 1, f"Nr. {i + 1}", None, "einen Spaltennamen in der Kopfzeile")
    for k in sorted({k for k in kopf if k and kopf.count(k) > 1}):
        sammler.melden(name, 1, k, k, "eindeutige Spaltennamen")
    return kopf


def _zeilen_lesen(leser, n: int, name: str,
                  sammler: Sammler) -> tuple[list[list[str]], list[int]]:
    """Schritt 3: Datenzeilen spaltenweise sammeln; leere Zeilen übergehen, falsche melden."""
    spalten: list[list[str]] = [[] for _ in range(n)]
    nummern: list[int] = []
    start = leser.line_num + 1
    erwartet_felder = f"{n} Felder wie in der Kopfzeile"
    while True:
        try:
            satz = next(leser)
        except StopIteration:
            break
        except csv.Error as e:
            sammler.melden(name, start, None, None, _csv_fehler(e))
            break
        if len(satz) > n and not any(f.strip() for f in satz[n:]):
            satz = satz[:n]  # leere Felder am Zeilenende
        if not any(f.strip() for f in satz):
            pass  # leere Zeile
        elif len(satz) != n:
            sammler.melden(name, start, None, f"{len(satz)} Felder", erwartet_felder)
        else:
            for liste, feld in zip(spalten, satz, strict=True):
                liste.append(feld.strip())
            nummern.append(start)
        start = leser.line_num + 1
    return spalten, nummern


def _tabelle(spalten: list[list[str]], kopf: list[str]) -> pd.DataFrame:
    """Schritt 4: Spalte für Spalte umwandeln und die Liste gleich freigeben: der
    Spitzenbedarf bleibt bei den Daten plus einer Spalte."""
    reihen = {}
    for i in range(len(spalten)):
        reihen[i] = pd.Series(spalten[i], dtype=object)
        spalten[i] = []
    daten = pd.DataFrame(reihen, copy=False)
    daten.columns = kopf
    return daten


def csv_lesen(pfad: Path, sammler: Sammler) -> _Csv | None:
    """Liest eine CSV-Datei als Text; meldet Kodierungs- und Strukturfehler.

    Erkennt das Trennzeichen (Komma, Semikolon, Tabulator). Leere Zeilen und leere Spalten
    am Ende (wie Excel sie oft anhängt) werden übergangen; NUL-Bytes werden gemeldet und
    entfernt, damit die übrigen Probleme sichtbar bleiben.
    """
    text = _text_lesen(pfad, sammler)
    if text is None:
        return None
    trenner = _trennzeichen(text.split("\n", 1)[0])
    leser = csv.reader(io.StringIO(text, newline=""), delimiter=trenner, strict=True)
    kopf = _kopf_lesen(leser, pfad.name, sammler)
    if kopf is None:
        return None
    spalten, nummern = _zeilen_lesen(leser, len(kopf), pfad.name, sammler)
    return _Csv(pfad.name, _tabelle(spalten, kopf), nummern)


# --- Prüfen (spaltenweise, über Masken) ------------------------------------------------------

def _melden(tabelle: _Csv, sammler: Sammler, spalte: str, maske: np.ndarray,
            erwartet: str, hinweis: str | None = None) -> None:
    idx = np.flatnonzero(maske)
    if len(idx):
        werte = tabelle.daten[spalte].to_numpy()
        sammler.melden_viele(tabelle.datei, spalte, tabelle.nummern[idx[:5]], werte[idx[:5]],
                             erwartet, hinweis, anzahl=len(idx))


def _passt(s: pd.Series, muster: str) -> np.ndarray:
    return s.str.fullmatch(muster).fillna(False).to_numpy(bool)


def _spalten_pruefen(tabelle: _Csv, pflicht: list[str], sammler: Sammler) -> set[str]:
    """Fehlende Pflicht- und unbekannte Spalten; gibt die vorhandenen Pflichtspalten zurück."""
    vorhanden = set(tabelle.daten.columns)
    for s in pflicht:
        if s not in vorhanden:
            sammler.melden(tabelle.datei, 1, s, None, "diese Pflichtspalte")
    for s in tabelle.daten.columns:
        if s and s not in pflicht:
            sammler.melden(tabelle.datei, 1, s, s,
                           "nur bekannte Spalten (diese Spalte ist unbekannt)")
    return vorhanden & set(pflicht)


def _ags_pruefen(tabelle: _Csv, sammler: Sammler, erwartet: str) -> np.ndarray:
    """Meldet ungültige AGS (mit Hinweis bei verlorener führender Null); Maske der gültigen."""
    s = tabelle.daten["ags"]
    gueltig = _passt(s, AGS_MUSTER.pattern[1:-2])
    null_weg = ~gueltig & _passt(s, "[0-9]{7}|[0-9]{4}")
    _melden(tabelle, sammler, "ags", null_weg, erwartet, _HINWEIS_NULL)
    _melden(tabelle, sammler, "ags", ~gueltig & ~null_weg, erwartet)
    return gueltig


def kommunen_pruefen(tabelle: _Csv, sammler: Sammler) -> pd.DataFrame | None:
    vorher = sammler.anzahl
    df = tabelle.daten
    da = _spalten_pruefen(tabelle, list(KOMMUNEN_SPALTEN), sammler)
    if len(df) == 0:
        sammler.melden(tabelle.datei, 2, None, None, "mindestens eine Kommune")
    if "ags" in da:
        gueltig = _ags_pruefen(tabelle, sammler, "einen Amtlichen Gemeindeschlüssel aus 8 "
                                                  "Ziffern 0–9 (Kreise: 5 Ziffern), als Text")
        _melden(tabelle, sammler, "ags", df["ags"].duplicated(keep=False).to_numpy(bool),
                "einen eindeutigen AGS (dieser kommt mehrfach vor)")
        if "art" in da:
            kreis = (df["art"] == "Kreis").to_numpy(bool)
            laenge5 = (df["ags"].str.len() == 5).to_numpy(bool)
            _melden(tabelle, sammler, "ags", gueltig & (laenge5 != kreis),
                    "5 Ziffern bei Kreisen und 8 Ziffern bei Städten und Gemeinden")
    for spalte, erwartet in (("name", "einen nicht leeren Namen"),
                             ("land", "einen nicht leeren Ländernamen")):
        if spalte in da:
            _melden(tabelle, sammler, spalte, (df[spalte] == "").to_numpy(bool), erwartet)
    if "art" in da:
        _melden(tabelle, sammler, "art", ~df["art"].isin(groessenklassen.ARTEN).to_numpy(bool),
                f"eine der Arten {', '.join(groessenklassen.ARTEN)}")
    if "referenzkommune" in da:
        _melden(tabelle, sammler, "referenzkommune",
                ~df["referenzkommune"].isin(list(JA_NEIN)).to_numpy(bool), "'ja' oder 'nein'")
    if "einwohner" in da:
        _einwohner_pruefen(tabelle, sammler)
    if sammler.anzahl > vorher:
        return None
    kommunen = df.copy()
    kommunen["einwohner"] = kommunen["einwohner"].astype(np.int64)
    kommunen["referenzkommune"] = kommunen["referenzkommune"].map(JA_NEIN).astype(bool)
    kommunen["groessenklasse"] = groessenklassen.groessenklassen(kommunen).astype(str)
    return kommunen.set_index("ags")


def _einwohner_pruefen(tabelle: _Csv, sammler: Sammler) -> None:
    s = tabelle.daten["einwohner"]
    erwartet = f"eine ganze Zahl von 1 bis {EINWOHNER_MAX:_}".replace("_", ".") + \
        " (Einwohner, ohne Tausenderpunkte)"
    ziffern = _passt(s, "[0-9]{1,9}")
    tausender = ~ziffern & _passt(s, r"[0-9]{1,3}(?:[.,' ][0-9]{3})+")
    _melden(tabelle, sammler, "einwohner", tausender, erwartet, _HINWEIS_TAUSENDER)
    _melden(tabelle, sammler, "einwohner", ~ziffern & ~tausender, erwartet)
    zahl = pd.to_numeric(s.where(ziffern, "1")).to_numpy(np.int64)
    _melden(tabelle, sammler, "einwohner", ziffern & (zahl < 1), erwartet,
            "eine Kommune hat mindestens einen Einwohner")
    _melden(tabelle, sammler, "einwohner", ziffern & (zahl > EINWOHNER_MAX), erwartet)


def _skala_erwartung(fb: fragebogen_modul.Fragebogen, item) -> str:
    skala = fb.skala_von(item)
    werte = ", ".join(f"{c} ({t})" for c, t in skala.werte.items())
    fehl = ", ".join(f"{c} ({FEHLCODE_NAMEN[n]})" for c, n in skala.fehlend.codes().items())
    return f"einen Wert der Skala '{item.skala}': {werte}" + (
        f"; Fehlcodes {fehl}" if fehl else "") + "; oder leer"


def _zahl_erwartung(z: fragebogen_modul.Zahl) -> str:
    art = "eine ganze Zahl" if z.ganzzahlig else "eine Zahl mit Dezimalpunkt"
    bis = f" bis {z.maximum:g}" if z.maximum is not None else ""
    return f"{art} von {z.minimum:g}{bis} {z.einheit}".rstrip() + " oder leer"


def _zahl_pruefen(tabelle: _Csv, spalte: str, z: fragebogen_modul.Zahl,
                  sammler: Sammler) -> None:
    s = tabelle.daten[spalte]
    erwartet = _zahl_erwartung(z)
    leer = (s == "").to_numpy(bool)
    form = _passt(s, _ZAHL)
    komma = ~leer & ~form & _passt(s, r"-?[0-9]{1,15},[0-9]{1,12}")
    _melden(tabelle, sammler, spalte, komma, erwartet, _HINWEIS_DEZIMALKOMMA)
    _melden(tabelle, sammler, spalte, ~leer & ~form & ~komma, erwartet)
    wert = pd.to_numeric(s.where(form, "0")).to_numpy(float)
    falsch = ~np.isfinite(wert) | (wert < z.minimum)
    if z.maximum is not None:
        falsch |= wert > z.maximum
    if z.ganzzahlig:
        falsch |= wert != np.round(wert)
    _melden(tabelle, sammler, spalte, form & falsch, erwartet)


def _schluessel_pruefen(tabelle: _Csv, da: set[str], wellen: list[int],
                        ags_bekannt: set[str] | None, sammler: Sammler) -> None:
    """AGS (Form, bekannt), Welle aus studie.yml, je AGS und Welle eine Zeile."""
    df = tabelle.daten
    if "ags" in da:
        gueltig = _ags_pruefen(tabelle, sammler,
                               "einen Amtlichen Gemeindeschlüssel aus 8 (Kreise: 5) Ziffern 0–9")
        if ags_bekannt is not None:
            _melden(tabelle, sammler, "ags", gueltig & ~df["ags"].isin(ags_bekannt).to_numpy(bool),
                    "einen AGS, der in kommunen.csv steht")
    if "welle" in da:
        _melden(tabelle, sammler, "welle",
                ~df["welle"].isin([str(w) for w in wellen]).to_numpy(bool),
                f"eine Welle aus studie.yml ({', '.join(map(str, wellen))})")
    if {"ags", "welle"} <= da:
        _melden(tabelle, sammler, "ags", df.duplicated(["ags", "welle"], keep=False).to_numpy(bool),
                "je AGS und Welle genau eine Zeile (dieser AGS kommt in einer Welle mehrfach vor)")


def _items_pruefen(tabelle: _Csv, fb: fragebogen_modul.Fragebogen, da: set[str],
                   sammler: Sammler) -> None:
    """Jedes Item: Codes seiner Skala (mit Fehlend-Codes) oder eine Zahl in ihren Grenzen."""
    df = tabelle.daten
    for item in fb.items:
        if item.id not in da:
            continue
        skala = fb.skala_von(item)
        if skala is not None:
            erlaubt = [str(c) for c in [*skala.werte, *skala.fehlend.codes()]] + [""]
            _melden(tabelle, sammler, item.id, ~df[item.id].isin(erlaubt).to_numpy(bool),
                    _skala_erwartung(fb, item))
        else:
            _zahl_pruefen(tabelle, item.id, item.zahl, sammler)


def antworten_pruefen(tabelle: _Csv, fb: fragebogen_modul.Fragebogen, wellen: list[int],
                      ags_bekannt: set[str] | None, sammler: Sammler) -> pd.DataFrame | None:
    vorher = sammler.anzahl
    df = tabelle.daten
    da = _spalten_pruefen(tabelle, ["ags", "welle", *(i.id for i in fb.items)], sammler)
    if len(df) == 0:
        sammler.melden(tabelle.datei, 2, None, None,
                       "mindestens eine Antwortzeile (die Datei hat nur die Kopfzeile)")
    _schluessel_pruefen(tabelle, da, wellen, ags_bekannt, sammler)
    _items_pruefen(tabelle, fb, da, sammler)
    if sammler.anzahl > vorher:
        return None
    antworten = pd.DataFrame({"ags": df["ags"].astype(str),
                              "welle": df["welle"].astype(np.int64)})
    for item in fb.items:
        antworten[item.id] = pd.to_numeric(df[item.id].replace("", np.nan)).astype(float)
    return antworten


def _tabellen_laden(ordner: Path, studie: studie_modul.Studie | None,
                    fb: fragebogen_modul.Fragebogen | None,
                    sammler: Sammler) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """kommunen.csv und antworten.csv lesen und prüfen (auch ohne gültige YAML-Dateien, soweit
    es geht); jede Welle aus studie.yml braucht mindestens eine Antwortzeile."""
    kommunen = None
    k_csv = csv_lesen(ordner / "kommunen.csv", sammler)
    if k_csv is not None:
        kommunen = kommunen_pruefen(k_csv, sammler)
    a_csv = csv_lesen(ordner / "antworten.csv", sammler)
    if a_csv is None or fb is None:
        return kommunen, None
    wellen = studie.welle_ids if studie else sorted({int(w) for w in a_csv.daten.get(
        "welle", pd.Series(dtype=str)) if w.isdigit()})
    bekannt = set(kommunen.index) if kommunen is not None else None
    antworten = antworten_pruefen(a_csv, fb, wellen, bekannt, sammler)
    if studie is not None and antworten is not None and len(antworten):
        vorhanden = set(antworten["welle"])
        for w in studie.welle_ids:
            if w not in vorhanden:
                sammler.melden("antworten.csv", None, "welle", w,
                               "mindestens eine Antwortzeile je Welle aus studie.yml (diese "
                               "Welle hat keine)")
    return kommunen, antworten


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
        sammler.uebernehmen(ozg.fragebogen_pruefen(fb, ozg_katalog))

    kommunen, antworten = _tabellen_laden(ordner, studie, fb, sammler)
    sammler.pruefen()
    kommunen["mitglied"] = kommunen["verband"] == studie.verband
    if not kommunen["mitglied"].any():
        raise Eingabefehler([Problem("kommunen.csv", None, "verband", studie.verband,
                                     "mindestens eine Kommune im Verband aus studie.yml")])
    return Studiendaten(ordner, studie, fb, katalog, massnahmen, ozg_katalog, kommunen, antworten)
