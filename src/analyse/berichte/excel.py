"""Excel-Arbeitsmappen zum Planen: je Referenzkommune (``<AGS>.xlsx``) und für den Verband.

Verwaltungen planen in Excel. Die Mappe einer Kommune enthält nur ihre eigenen Werte:

- **Maßnahmen** (alle Empfehlungen mit Begründung, Kosten, lesbaren Voraussetzungen, Spalten
  *Verantwortlich* und *Status* zum Ausfüllen, Status als Auswahlliste),
- **Roadmap** (Zeitplan; die Kosten rechnen mit Formeln aus dem Blatt Maßnahmen),
- **Quartale** (Kosten und Personentage Quartal für Quartal, Formeln aus der Roadmap),
- **Kosten je Jahr** (Formeln aus den Quartalen; Jahresrahmen und Umlage als Werte),
- **Verschoben**, **OZG** (relevante Leistungen, Stand, Vergleichsgruppe) und **Quellen**
  (woher jede Zahl kommt).

Jedes Blatt hat eine fixierte Kopfzeile, einen Autofilter und eine Summenzeile mit
``TEILERGEBNIS`` (zählt nur sichtbare Zeilen, also auch nach dem Filtern richtig). Ändert die
Kommune Kosten im Blatt Maßnahmen oder den Beginn in der Roadmap, rechnen Quartale und Jahre mit.

Sicher gegen Formel-Injektion: Formeln entstehen nur hier (``Formel``); jeder Text aus Daten
wird als Text gespeichert, und Text, der mit ``= + - @`` (oder Tab/Zeilenumbruch) beginnt,
trägt zusätzlich das Textpräfix (``quotePrefix``), damit er auch nach dem Bearbeiten Text bleibt.
Geschrieben wird atomar (``dateien.atomar_datei``) und mit festen Metadaten (gleiche Eingaben,
gleiche Bytes).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from analyse.berichte.kontext import mindestgroesse
from analyse.dateien import atomar_datei, xlsx_ohne_zeit
from analyse.eingabe import groessenklassen, massnahmen
from analyse.eingabe.ozg_katalog import ONLINE_AB, STUFEN
from analyse.namen import Tabelle as T

#: Die Blätter der Mappe einer Kommune, in dieser Reihenfolge.
BLAETTER = ("Maßnahmen", "Roadmap", "Quartale", "Kosten je Jahr", "Verschoben", "OZG", "Quellen")
#: Die Blätter der Verbandsmappe (``verband.xlsx``).
VERBAND_BLAETTER = ("Verbandsmaßnahmen", "Roadmap", "Quartale", "Kosten je Jahr",
                    "Umlage je Mitglied", "Verschoben", "Quellen")
#: Die Auswahlliste der Spalte Status; neue Zeilen beginnen mit dem ersten Eintrag.
STATUS = ("offen", "geplant", "in Arbeit", "erledigt", "zurückgestellt")
#: Tabellen, die eine Mappe liest.
QUELLTABELLEN = (T.EMPFEHLUNGEN, T.ROADMAP, T.ROADMAP_JAHRE, T.VERSCHIEBUNGEN, T.OZG_STAND,
                 T.OZG_ABDECKUNG, T.OZG_VERGLEICH, T.RAHMEN, T.VERBAND_UMLAGE)
VERBAND_QUELLTABELLEN = (T.VERBAND_EMPFEHLUNGEN, T.VERBAND_ROADMAP, T.VERBAND_JAHRE,
                         T.VERBAND_UMLAGE, T.VERBAND_VERSCHIEBUNGEN)

EIGENES = "eigenes Vorhaben"
UEBER_VERBAND = "über den Verband"
_GEFAEHRLICH = ("=", "+", "-", "@", "\t", "\r")
_FORMATE = {"euro": "#,##0 €", "ganz": "#,##0", "zahl1": "#,##0.0", "prozent": "0.0 %"}
_KOPF = PatternFill("solid", start_color="DDE6F0")
_EINGABE = PatternFill("solid", start_color="FFF5CC")
_HINWEIS = Font(italic=True, color="555555")


class Formel(str):
    """Eine Formel, die dieses Modul selbst baut; nur sie wird als Formel geschrieben."""


@dataclass(frozen=True)
class Spalte:
    kopf: str
    werte: Sequence[Any]
    format: str = ""          # Schlüssel aus _FORMATE, sonst Text/Zahl wie gegeben
    breite: int | None = None
    summe: bool = False       # Summenzeile (TEILERGEBNIS über die sichtbaren Zeilen)
    eingabe: bool = False     # zum Ausfüllen durch die Kommune (gelb hinterlegt)


@dataclass(frozen=True)
class Kontext:
    """Was die Mappe außer den Tabellen braucht (aus dem Ergebnisordner, siehe ``kontext``)."""

    titel: Mapping[str, str] = field(default_factory=dict)   # Maßnahmen-ID → Titel (Katalog)
    quellen: Sequence[tuple[str, str, str]] = ()              # (Angabe, Quelle, Stand)
    welle: int | None = None
    mindestgroesse: int = 5
    startjahr: int | None = None


# ------------------------------------------------------------------ Zellen und Blätter


def _zelle(ws: Worksheet, zeile: int, spalte: int, wert: Any):
    """Schreibt einen Wert; Text aus Daten bleibt immer Text (nie eine Formel)."""
    c = ws.cell(row=zeile, column=spalte)
    if isinstance(wert, Formel):
        c.value = str(wert)
    elif isinstance(wert, str):
        c.value = wert
        c.data_type = "s"
        if wert.startswith(_GEFAEHRLICH):
            c.quotePrefix = True
    elif wert is None or (isinstance(wert, float) and np.isnan(wert)) or wert is pd.NA:
        c.value = None
    elif isinstance(wert, (bool, np.bool_)):
        c.value = "ja" if wert else "nein"
    elif isinstance(wert, (np.integer,)):
        c.value = int(wert)
    elif isinstance(wert, (np.floating,)):
        c.value = float(wert)
    else:
        c.value = wert
    return c


def _zeilenhoehen(ws: Worksheet, spalten: Sequence[Spalte]) -> None:
    """Zeilen mit umbrochenem Text so hoch, dass er lesbar ist (Excel und LibreOffice passen die
    Höhe beim Öffnen nicht selbst an): geschätzt aus Textlänge und Spaltenbreite, höchstens
    acht Zeilen."""
    n = max((len(s.werte) for s in spalten), default=0)
    for i in range(n):
        zeilen = 1
        for s in spalten:
            wert = s.werte[i] if i < len(s.werte) else None
            if (s.breite or 0) >= 40 and isinstance(wert, str) and not isinstance(wert, Formel):
                zeilen = max(zeilen, -(-len(wert) // int(s.breite * 1.1)))
        if zeilen > 1:
            ws.row_dimensions[i + 2].height = 15 * min(zeilen, 8)


def _spalten_schreiben(ws: Worksheet, spalten: Sequence[Spalte]) -> None:
    _zeilenhoehen(ws, spalten)
    for j, s in enumerate(spalten, start=1):
        kopf = _zelle(ws, 1, j, s.kopf)
        kopf.font = Font(bold=True)
        kopf.fill = _EINGABE if s.eingabe else _KOPF
        kopf.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = s.breite or max(
            11, min(40, len(s.kopf) + 2))
        ausrichtung = Alignment(wrap_text=(s.breite or 0) >= 40, vertical="top")
        for i, wert in enumerate(s.werte, start=2):
            c = _zelle(ws, i, j, wert)
            if s.format:
                c.number_format = _FORMATE[s.format]
            if s.eingabe:
                c.fill = _EINGABE
            c.alignment = ausrichtung


def _summenzeile(ws: Worksheet, spalten: Sequence[Spalte], n: int) -> None:
    """Unter den Daten: TEILERGEBNIS je Summenspalte, beschriftet in der ersten Spalte davor."""
    erste = next(j for j, s in enumerate(spalten, start=1) if s.summe)
    if erste > 1:
        _zelle(ws, n + 2, 1, "Summe (sichtbare Zeilen)").font = Font(bold=True)
    for j, s in enumerate(spalten, start=1):
        if s.summe:
            b = get_column_letter(j)
            c = _zelle(ws, n + 2, j, Formel(f"=SUBTOTAL(109,{b}2:{b}{n + 1})"))
            c.number_format = _FORMATE.get(s.format, "General")
            c.font = Font(bold=True)


def _auswahlliste(ws: Worksheet, spalte: str, werte: Sequence[str], n: int) -> None:
    liste = DataValidation(type="list", formula1='"' + ",".join(werte) + '"', allow_blank=True)
    liste.error = "Bitte einen Eintrag aus der Liste wählen."
    liste.errorTitle = "Auswahl"
    ws.add_data_validation(liste)
    liste.add(f"{spalte}2:{spalte}{n + 201}")  # Platz für weitere Zeilen


def _blatt(wb: Workbook, name: str, spalten: Sequence[Spalte], hinweise: Sequence[str] = (),
           fixiert: str = "A2", auswahl: Mapping[str, Sequence[str]] | None = None) -> Worksheet:
    """Ein Blatt: Kopfzeile (fixiert), Daten, Summenzeile, Autofilter, Hinweise darunter."""
    ws = wb.create_sheet(name)
    n = max((len(s.werte) for s in spalten), default=0)
    _spalten_schreiben(ws, spalten)
    ws.freeze_panes = fixiert
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spalten))}{max(n + 1, 1)}"
    if n and any(s.summe for s in spalten):
        _summenzeile(ws, spalten, n)
    for k, text in enumerate(hinweise):
        _zelle(ws, n + 4 + k, 1, text).font = _HINWEIS
    for kopf, werte in (auswahl or {}).items():
        _auswahlliste(ws, _spalte(spalten, kopf), werte, n)
    return ws


def _spalte(spalten: Sequence[Spalte], kopf: str) -> str:
    return get_column_letter(next(i for i, s in enumerate(spalten, start=1) if s.kopf == kopf))


def _bereich(blatt: str, spalte: str, n: int) -> str:
    return f"'{blatt}'!${spalte}$2:${spalte}${n + 1}"


def _eigene(df: pd.DataFrame | None, ags: str | None) -> pd.DataFrame:
    if df is None:
        return pd.DataFrame()
    if ags is None:
        return df
    return df[df["ags"].astype(str) == ags] if "ags" in df.columns else df.iloc[0:0]


_ROADMAP = ["massnahme", "titel", "rang", "start", "ende", "start_quartal", "ende_quartal",
            "startjahr", "dauer_quartale", "hauptfeld_name", "ueber_verband"]
_JAHRE = ["jahr", "budget", "umlage_verband", "rahmen", "kapazitaet_personentage"]


def _mit(df: pd.DataFrame | None, spalten: Sequence[str], sortiert: Sequence[str] = ()
         ) -> pd.DataFrame:
    """Die Tabelle mit mindestens diesen Spalten (fehlende leer), sortiert."""
    df = pd.DataFrame() if df is None else df
    df = df.reindex(columns=[*df.columns, *[s for s in spalten if s not in df.columns]])
    return df.sort_values(list(sortiert), kind="stable") if len(df) and sortiert else df


def _quartal(startjahr: int, q: int) -> str:
    """Quartalsnummer (1 = erstes Quartal des Zeitraums) → ``"2027 Q1"``."""
    return f"{startjahr + (q - 1) // 4} Q{(q - 1) % 4 + 1}"


# ------------------------------------------------------------------ Roadmap, Quartale, Jahre


def _roadmap_blatt(wb: Workbook, r: pd.DataFrame, massnahmen_blatt: str,
                   m_spalten: Sequence[Spalte], n_m: int, startjahr: int, mit_weg: bool,
                   hinweis: str) -> list[Spalte]:
    """Roadmap-Blatt: Kosten und Aufwand per Formel aus dem Maßnahmenblatt (über die ID);
    Maßnahmen über den Verband kosten hier kein eigenes Geld (ihr Anteil ist die Umlage)."""
    vorn = [Spalte("Rang", list(r["rang"]), "ganz", 7),
            Spalte("Maßnahme", list(r["titel"]), breite=45)]
    if mit_weg:
        vorn += [Spalte("Handlungsfeld", list(r["hauptfeld_name"]), breite=24),
                 Spalte("Weg", [UEBER_VERBAND if v else EIGENES for v in r["ueber_verband"]],
                        breite=18)]
    vorn += [Spalte("Beginn", list(r["start"]), breite=10),
             Spalte("Ende", list(r["ende"]), breite=10),
             Spalte(f"Beginn (Quartal Nr., 1 = {startjahr} Q1)", list(r["start_quartal"]),
                    "ganz", 14, eingabe=True),
             Spalte("Dauer (Quartale)", list(r["dauer_quartale"]), "ganz", 10)]
    id_spalte = get_column_letter(len(vorn) + 4)
    weg_spalte = _spalte(vorn, "Weg") if mit_weg else None
    m_id = _bereich(massnahmen_blatt, _spalte(m_spalten, "Maßnahmen-ID"), n_m)

    def aus_massnahmen(kopf_m: str, nur_eigene: bool) -> list[Formel]:
        quelle = _bereich(massnahmen_blatt, _spalte(m_spalten, kopf_m), n_m)
        formeln = []
        for i in range(2, len(r) + 2):
            f = f"INDEX({quelle},MATCH(${id_spalte}{i},{m_id},0))"
            if nur_eigene and weg_spalte:
                f = f'IF(${weg_spalte}{i}="{UEBER_VERBAND}",0,{f})'
            formeln.append(Formel("=" + f))
        return formeln

    eigen = "Eigene " if mit_weg else ""
    spalten = [*vorn,
               Spalte(f"{eigen}Kosten einmalig (€)", aus_massnahmen("Kosten einmalig (€)", True),
                      "euro", 16, True),
               Spalte(f"{eigen}Kosten jährlich (€)", aus_massnahmen("Kosten jährlich (€)", True),
                      "euro", 16, True),
               Spalte("Aufwand (Personentage)", aus_massnahmen("Aufwand (Personentage)", False),
                      "ganz", 14, True),
               Spalte("Maßnahmen-ID", list(r["massnahme"]), breite=24)]
    _blatt(wb, "Roadmap", spalten, [
        hinweis, "Gelb: zum Anpassen. Ein anderer Beginn (Quartal Nr.) oder andere Kosten im "
        f"Blatt {massnahmen_blatt} ändern die Blätter Quartale und Kosten je Jahr mit; "
        "Jahresrahmen und Voraussetzungen prüft die Mappe dabei nicht."], fixiert="C2")
    return spalten


def _quartale_blatt(wb: Workbook, r: pd.DataFrame, rm: Sequence[Spalte], startjahr: int,
                    jahre: int) -> None:
    """Kosten und Personentage je Maßnahme und Quartal, per Formel aus dem Blatt Roadmap:
    einmalige Kosten und Aufwand gleichmäßig auf die Quartale der Umsetzung, laufende Kosten
    ab dem Quartal nach dem Abschluss (ein Viertel der Jahreskosten je Quartal)."""
    n = len(r)
    zeilen = range(2, n + 2)

    def bezug(kopf_prefix: str) -> list[Formel]:
        b = next(_spalte(rm, s.kopf) for s in rm if s.kopf.startswith(kopf_prefix))
        return [Formel(f"='Roadmap'!{b}{i}") for i in zeilen]

    # auch Rang und Titel aus der Roadmap: sortiert jemand die Roadmap, bleiben Zeilen stimmig
    spalten = [Spalte("Rang", bezug("Rang"), "ganz", 7),
               Spalte("Maßnahme", bezug("Maßnahme"), breite=40),
               Spalte("Beginn (Quartal Nr.)", bezug("Beginn (Quartal"), "ganz", 10),
               Spalte("Dauer (Quartale)", bezug("Dauer"), "ganz", 10),
               Spalte("Kosten einmalig (€)", bezug(next(
                   s.kopf for s in rm if "einmalig" in s.kopf)), "euro", 14, True),
               Spalte("Kosten jährlich (€)", bezug(next(
                   s.kopf for s in rm if "jährlich" in s.kopf)), "euro", 14, True),
               Spalte("Aufwand (Personentage)", bezug("Aufwand"), "ganz", 12, True)]
    quartale = range(1, 4 * jahre + 1)
    for q in quartale:
        spalten.append(Spalte(f"Kosten {_quartal(startjahr, q)} (€)", [Formel(
            f"=IF(AND($C{i}<={q},$C{i}+$D{i}>{q}),$E{i}/$D{i},0)"
            f"+IF($C{i}+$D{i}<={q},$F{i}/4,0)") for i in zeilen], "euro", 13, True))
    for q in quartale:
        spalten.append(Spalte(f"Personentage {_quartal(startjahr, q)}", [Formel(
            f"=IF(AND($C{i}<={q},$C{i}+$D{i}>{q}),$G{i}/$D{i},0)") for i in zeilen],
            "zahl1", 13, True))
    ws = _blatt(wb, "Quartale", spalten, [
        "Alle Werte rechnen aus dem Blatt Roadmap: einmalige Kosten und interner Aufwand "
        "verteilen sich gleichmäßig auf die Quartale der Umsetzung, laufende Kosten fallen ab dem "
        "Quartal nach dem Abschluss an (ein Viertel der Jahreskosten je Quartal)."], fixiert="C2")
    for i, titel in enumerate(r["titel"], start=2):  # Höhe nach dem Titel, den die Formel zeigt
        zeilen = -(-len(str(titel)) // 44)
        if zeilen > 1:
            ws.row_dimensions[i].height = 15 * min(zeilen, 8)


def _jahresformeln(n: int, jahr_index: int) -> dict[str, Formel]:
    """Einmalige und laufende Kosten und Personentage eines Jahres aus dem Blatt Quartale
    (alle Maßnahmen, unabhängig von einem Filter)."""
    if n == 0:
        return {"einmalig": Formel("=0"), "laufend": Formel("=0"), "tage": Formel("=0")}
    c, d, e, f, g = (_bereich("Quartale", b, n) for b in "CDEFG")
    qs = [4 * jahr_index + k for k in range(1, 5)]
    laeuft = "+".join(f"({c}<={q})*({c}+{d}>{q})" for q in qs)
    fertig = "+".join(f"({c}+{d}<={q})" for q in qs)
    return {"einmalig": Formel(f"=SUMPRODUCT({e}/{d}*({laeuft}))"),
            "laufend": Formel(f"=SUMPRODUCT({f}/4*({fertig}))"),
            "tage": Formel(f"=SUMPRODUCT({g}/{d}*({laeuft}))")}


# ------------------------------------------------------------------ Mappe einer Kommune


def _titel_liste(ids: Any, titel: Mapping[str, str]) -> str:
    teile = [t.strip() for t in str(ids or "").split(";") if t.strip()]
    return "; ".join(titel.get(t, t) for t in teile)


def _massnahmen_spalten(e: pd.DataFrame, r: pd.DataFrame, v: pd.DataFrame,
                        titel: Mapping[str, str]) -> list[Spalte]:
    termin = {z.massnahme: f"{z.start} – {z.ende}" for z in r.itertuples()}
    termin |= {m: "verschoben (siehe Blatt Verschoben)" for m in v.get("massnahme", [])}
    verband = e["ueber_verband"].astype(bool) if "ueber_verband" in e else \
        pd.Series(False, index=e.index)
    spalte = (lambda s: list(e[s]) if s in e else [None] * len(e))  # noqa: E731
    return [
        Spalte("Rang", list(e["rang"]), "ganz", 7),
        Spalte("Maßnahme", list(e["titel"]), breite=45),
        Spalte("Handlungsfeld", spalte("hauptfeld_name"), breite=24),
        Spalte("Weg", [UEBER_VERBAND if x else EIGENES for x in verband], breite=18),
        Spalte("Verbandsmaßnahme (liefert ab)", [
            f"{t} (ab {ab})" if x else "" for x, t, ab in zip(
                verband, spalte("verband_titel"), spalte("verband_ab"), strict=True)], breite=30),
        Spalte("Begründung", spalte("begruendung"), breite=60),
        Spalte("Beschreibung", spalte("beschreibung"), breite=60),
        Spalte("Dauer (Monate)", spalte("dauer_monate"), "ganz", 9),
        Spalte("Aufwand (Personentage)", spalte("aufwand_personentage"), "ganz", 13, True),
        Spalte("Kosten einmalig (€)", spalte("kosten_einmalig"), "euro", 15, True),
        Spalte("Kosten jährlich (€)", spalte("kosten_jaehrlich"), "euro", 15, True),
        Spalte("Kosten einmalig als eigenes Vorhaben (€)",
               spalte("kosten_einmalig_eigen") if "kosten_einmalig_eigen" in e
               else spalte("kosten_einmalig"), "euro", 17, True),
        Spalte("OZG-relevant", [bool(x) for x in spalte("ozg_relevant")], breite=9),
        Spalte("Voraussetzungen", [_titel_liste(x, titel) for x in spalte("voraussetzungen")],
               breite=40),
        Spalte("Im Plan", [termin.get(m, "–") for m in e["massnahme"]], breite=20),
        Spalte("Verantwortlich", [""] * len(e), breite=20, eingabe=True),
        Spalte("Status", [STATUS[0]] * len(e), breite=14, eingabe=True),
        Spalte("Maßnahmen-ID", list(e["massnahme"]), breite=24),
        Spalte("Quelle im Katalog", spalte("quelle"), breite=50),
    ]


def _jahre_blatt(wb: Workbook, j: pd.DataFrame, n_quartale: int, verband: bool) -> None:
    zeilen = range(2, len(j) + 2)
    formeln = [_jahresformeln(n_quartale, k) for k in range(len(j))]
    if verband:
        spalten = [
            Spalte("Jahr", [int(x) for x in j["jahr"]], breite=8),
            Spalte("Rahmen (€)", list(j["rahmen"]), "euro", 15, True),
            Spalte("Einmalige Kosten (€)", [f["einmalig"] for f in formeln], "euro", 15, True),
            Spalte("Laufende Kosten (€)", [f["laufend"] for f in formeln], "euro", 15, True),
            Spalte("Kosten gesamt (€)", [Formel(f"=C{i}+D{i}") for i in zeilen], "euro", 15,
                   True),
            Spalte("Rahmen frei (€)", [Formel(f"=B{i}-E{i}") for i in zeilen], "euro", 15, True),
            Spalte("Kapazität (Personentage)", list(j["kapazitaet_personentage"]), "ganz", 14,
                   True),
            Spalte("Geplante Personentage", [f["tage"] for f in formeln], "ganz", 14, True)]
        hinweis = ("Rahmen und Kapazität aus studie.yml (verbandsplan); Kosten und Personentage "
                   "rechnen aus dem Blatt Quartale. Die Kosten gesamt eines Jahres werden als "
                   "Umlage auf die Mitglieder verteilt (Blatt Umlage je Mitglied).")
    else:
        spalten = [
            Spalte("Jahr", [int(x) for x in j["jahr"]], breite=8),
            Spalte("Jahresrahmen (€)", list(j["budget"]), "euro", 15, True),
            Spalte("Umlage an den Verband (€)", list(j["umlage_verband"]), "euro", 15, True),
            Spalte("Eigene einmalige Kosten (€)", [f["einmalig"] for f in formeln], "euro", 15,
                   True),
            Spalte("Eigene laufende Kosten (€)", [f["laufend"] for f in formeln], "euro", 15,
                   True),
            Spalte("Kosten gesamt (€)", [Formel(f"=C{i}+D{i}+E{i}") for i in zeilen], "euro", 15,
                   True),
            Spalte("Budget frei (€)", [Formel(f"=B{i}-F{i}") for i in zeilen], "euro", 15, True),
            Spalte("Kapazität (Personentage)", list(j["kapazitaet_personentage"]), "ganz", 14,
                   True),
            Spalte("Geplante Personentage", [f["tage"] for f in formeln], "ganz", 14, True),
            Spalte("Auslastung Personal", [Formel(f"=IF(H{i}>0,I{i}/H{i},0)") for i in zeilen],
                   "prozent", 12)]
        hinweis = ("Jahresrahmen und Kapazität: siehe Blatt Quellen; Umlage: Anteil an den "
                   "Kosten des Verbands. Eigene Kosten und Personentage rechnen aus dem Blatt "
                   "Quartale (Kosten gesamt = Umlage + eigene einmalige + laufende Kosten).")
    _blatt(wb, "Kosten je Jahr", spalten, [hinweis])


def _ozg_blatt(wb: Workbook, s: pd.DataFrame, a: pd.DataFrame, vergleich: pd.DataFrame,
               mindest: int) -> None:
    gk = str(a["groessenklasse"].iloc[0]) if len(a) else None
    anteil: dict[str, float] = {}
    n_gruppe: dict[str, int] = {}
    if gk is not None and not vergleich.empty:
        vg = vergleich[(vergleich["groessenklasse"].astype(str) == gk)
                       & (vergleich["n"] >= mindest)]
        anteil = dict(zip(vg["leistung"], vg["anteil_online"], strict=True))
        n_gruppe = dict(zip(vg["leistung"], vg["n"], strict=True))
    s = s.sort_values(["stufe", "leistung_name"], na_position="first", kind="stable")
    zeilen = range(2, len(s) + 2)
    spalten = [
        Spalte("Leistung", list(s["leistung_name"]), breite=45),
        Spalte("Themenfeld", list(s["themenfeld"]), breite=24),
        Spalte("Zuständigkeit", list(s["ebene"]), breite=12),
        Spalte("Stufe (0–4)", [None if pd.isna(x) else int(x) for x in s["stufe"]], "ganz", 9,
               eingabe=True),
        Spalte("Stufe (Bedeutung)", [STUFEN.get(int(x), "") if pd.notna(x) else "keine Angabe"
                                     for x in s["stufe"]], breite=24),
        Spalte(f"Online (Stufe ≥ {ONLINE_AB})", [Formel(
            f'=IF(D{i}="","keine Angabe",IF(D{i}>={ONLINE_AB},"ja","nein"))') for i in zeilen],
            breite=12),
        Spalte("Online in der Größenklasse (Anteil)", [anteil.get(x) for x in s["leistung"]],
               "prozent", 14),
        Spalte("Kommunen der Größenklasse mit Angabe", [n_gruppe.get(x) for x in s["leistung"]],
               "ganz", 14),
        Spalte("Leistungs-ID", list(s["leistung"]), breite=22)]
    ws = _blatt(wb, "OZG", spalten, [
        "Relevant sind die Leistungen, für die die Kommune nach Art und Größenklasse zuständig "
        f"ist. Online heißt: mindestens Stufe {ONLINE_AB} des OZG-Reifegradmodells. Der Vergleich "
        f"zeigt den Anteil der Kommunen der eigenen Größenklasse mit Stufe ≥ {ONLINE_AB}; leer, "
        f"wenn weniger als {mindest} Kommunen die Leistung bewertet haben."])
    if len(s):
        zeile = len(s) + 2
        _zelle(ws, zeile, 1, "Anteil online (bewertete Leistungen)").font = Font(bold=True)
        f = f"$F$2:$F${len(s) + 1}"
        c = _zelle(ws, zeile, 6, Formel(
            f'=IF(COUNTIF({f},"ja")+COUNTIF({f},"nein")=0,0,'
            f'COUNTIF({f},"ja")/(COUNTIF({f},"ja")+COUNTIF({f},"nein")))'))
        c.number_format = _FORMATE["prozent"]
        c.font = Font(bold=True)
        if len(a) and pd.notna(a["peer_anteil_online_median"].iloc[0]):
            c = _zelle(ws, zeile, 7, float(a["peer_anteil_online_median"].iloc[0]))
            c.number_format = _FORMATE["prozent"]
            _zelle(ws, zeile, 8, int(a["peer_n"].iloc[0]))


def _quellen_blatt(wb: Workbook, quellen: Sequence[tuple[str, str, str]]) -> None:
    _blatt(wb, "Quellen", [
        Spalte("Angabe", [q[0] for q in quellen], breite=30),
        Spalte("Woher sie kommt", [q[1] for q in quellen], breite=100),
        Spalte("Stand", [q[2] for q in quellen], breite=22)])
    ws = wb["Quellen"]
    for zeile in ws.iter_rows(min_row=2):
        for c in zeile:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def _startjahr(r: pd.DataFrame, j: pd.DataFrame, kontext: Kontext) -> tuple[int, int]:
    if not j.empty:
        return int(j["jahr"].min()), len(j)
    if not r.empty:
        start = int(r["startjahr"].min() - (r["start_quartal"].min() - 1) // 4)
        return start, int((r["ende_quartal"].max() + 3) // 4)
    return (kontext.startjahr or 2000), 1


def _kommune(wb: Workbook, tabellen: Mapping[str, pd.DataFrame], ags: str,
             kontext: Kontext) -> None:
    e = _eigene(tabellen.get(T.EMPFEHLUNGEN), ags)
    e = e.sort_values("rang", kind="stable") if "rang" in e else e
    r = _mit(_eigene(tabellen.get(T.ROADMAP), ags), _ROADMAP, ["start_quartal", "rang"])
    j = _mit(_eigene(tabellen.get(T.ROADMAP_JAHRE), ags), _JAHRE, ["jahr"])
    v = _eigene(tabellen.get(T.VERSCHIEBUNGEN), ags)
    v = v.sort_values("rang", kind="stable") if "rang" in v else v
    startjahr, jahre = _startjahr(r, j, kontext)
    titel = dict(zip(e.get("massnahme", []), e.get("titel", []), strict=True)) | dict(
        kontext.titel)

    m = _massnahmen_spalten(e, r, v, titel)
    _blatt(wb, "Maßnahmen", m, [
        "Gelb: zum Ausfüllen (Verantwortlich, Status aus der Auswahlliste). Bei Maßnahmen über "
        "den Verband steht als Kosten der Anteil der Kommune; im Plan zahlt sie ihn als Umlage.",
        "Kosten sind Richtwerte der Größenklasse (siehe Blatt Quellen) und vor einer Beschaffung "
        "durch eine Markterkundung zu ersetzen; geänderte Kosten rechnen in Roadmap, Quartalen "
        "und Jahren mit."], auswahl={"Status": STATUS}, fixiert="C2")
    rm = _roadmap_blatt(wb, r, "Maßnahmen", m, len(e), startjahr, True,
                        f"Zeitplan in Quartalen über {jahre} Jahre ab {startjahr}; Maßnahmen über "
                        "den Verband kosten hier kein eigenes Geld (der Anteil ist die Umlage, "
                        "Blatt Kosten je Jahr), nur den internen Anschlussaufwand.")
    _quartale_blatt(wb, r, rm, startjahr, jahre)
    _jahre_blatt(wb, j, len(r), verband=False)
    _blatt(wb, "Verschoben", [
        Spalte("Rang", list(v.get("rang", [])), "ganz", 7),
        Spalte("Maßnahme", list(v.get("titel", [])), breite=45),
        Spalte("Engpass", [_engpass(x) for x in v.get("engpass", [])], breite=16),
        Spalte("Begründung", list(v.get("grund", [])), breite=80),
        Spalte("Eigene Kosten einmalig (€)", list(v.get("kosten_einmalig", [])), "euro", 15,
               True),
        Spalte("Aufwand (Personentage)", list(v.get("aufwand_personentage", [])), "ganz", 13,
               True),
        Spalte("Maßnahmen-ID", list(v.get("massnahme", [])), breite=24)],
        ["Diese Maßnahmen bleiben empfohlen, passen aber nicht in Jahresrahmen, "
         "Personalkapazität oder Zeitraum; sie gehören in die nächste Haushaltsplanung."])
    s = _eigene(tabellen.get(T.OZG_STAND), ags)
    if kontext.welle is not None and "welle" in s:
        s = s[s["welle"] == kontext.welle]
    a = _eigene(tabellen.get(T.OZG_ABDECKUNG), ags)
    if kontext.welle is not None and "welle" in a:
        a = a[a["welle"] == kontext.welle]
    if s.empty:
        s = pd.DataFrame(columns=["leistung", "leistung_name", "themenfeld", "ebene", "stufe"])
    _ozg_blatt(wb, s, a, tabellen.get(T.OZG_VERGLEICH, pd.DataFrame()), kontext.mindestgroesse)
    _quellen_blatt(wb, kontext.quellen or [("Ergebnisse", "Tabellen der Auswertung", "")])


def _engpass(w: Any) -> Any:
    if not isinstance(w, str):
        return w
    for alt, neu in (("budget", "Budget"), ("personal", "Personal"), ("zeit", "Zeit"),
                     ("voraussetzung", "Voraussetzung")):
        w = w.replace(alt, neu)
    return w


# ------------------------------------------------------------------ Mappe des Verbands


def _verband(wb: Workbook, tabellen: Mapping[str, pd.DataFrame], kontext: Kontext) -> None:
    v = tabellen.get(T.VERBAND_EMPFEHLUNGEN, pd.DataFrame())
    v = v.sort_values("rang", kind="stable") if "rang" in v else v
    r = _mit(tabellen.get(T.VERBAND_ROADMAP), _ROADMAP, ["start_quartal", "rang"])
    j = _mit(tabellen.get(T.VERBAND_JAHRE), _JAHRE, ["jahr"])
    u = tabellen.get(T.VERBAND_UMLAGE, pd.DataFrame())
    vs = tabellen.get(T.VERBAND_VERSCHIEBUNGEN, pd.DataFrame())
    startjahr, jahre = _startjahr(r, j, kontext)
    spalte = (lambda s: list(v[s]) if s in v else [None] * len(v))  # noqa: E731
    termin = {z.massnahme: f"{z.start} – {z.ende}" for z in r.itertuples()}
    m = [Spalte("Rang", spalte("rang"), "ganz", 7), Spalte("Maßnahme", spalte("titel"), breite=45),
         Spalte("Bündelt", spalte("buendelt"), breite=45),
         Spalte("Rangwert", spalte("rangwert"), "zahl1", 9),
         Spalte("Begründung", spalte("begruendung"), breite=60),
         Spalte("Dauer (Monate)", spalte("dauer_monate"), "ganz", 9),
         Spalte("Aufwand (Personentage)", spalte("aufwand_personentage"), "ganz", 13, True),
         Spalte("Kosten einmalig (€)", spalte("kosten_einmalig"), "euro", 15, True),
         Spalte("Kosten jährlich (€)", spalte("kosten_jaehrlich"), "euro", 15, True),
         Spalte("Im Plan", [termin.get(x, "verschoben (siehe Blatt Verschoben)")
                            for x in spalte("massnahme")], breite=20),
         Spalte("Verantwortlich", [""] * len(v), breite=20, eingabe=True),
         Spalte("Status", [STATUS[0]] * len(v), breite=14, eingabe=True),
         Spalte("Maßnahmen-ID", spalte("massnahme"), breite=24)]
    _blatt(wb, "Verbandsmaßnahmen", m, [
        "Gelb: zum Ausfüllen. Kosten sind Richtwerte des Maßnahmenkatalogs; geänderte Kosten "
        "rechnen in Roadmap, Quartalen und Jahren mit (die Umlage je Mitglied bleibt der Stand "
        "der Auswertung)."], auswahl={"Status": STATUS}, fixiert="C2")
    rm = _roadmap_blatt(wb, r, "Verbandsmaßnahmen", m, len(v), startjahr, False,
                        f"Zeitplan des Verbands in Quartalen über {jahre} Jahre ab {startjahr}; "
                        "Mitglieder schließen nach dem Ende an.")
    _quartale_blatt(wb, r, rm, startjahr, jahre)
    _jahre_blatt(wb, j, len(r), verband=True)
    _umlage_blatt(wb, u)
    _blatt(wb, "Verschoben", [
        Spalte("Rang", list(vs.get("rang", [])), "ganz", 7),
        Spalte("Maßnahme", list(vs.get("titel", [])), breite=45),
        Spalte("Engpass", [_engpass(x) for x in vs.get("engpass", [])], breite=16),
        Spalte("Begründung", list(vs.get("grund", [])), breite=80),
        Spalte("Maßnahmen-ID", list(vs.get("massnahme", [])), breite=24)],
        ["Diese Verbandsmaßnahmen passen nicht in den Zeitraum; die Mitglieder planen die "
         "gebündelten Maßnahmen bis dahin selbst."])
    _quellen_blatt(wb, kontext.quellen or [("Ergebnisse", "Tabellen der Auswertung", "")])


def _umlage_blatt(wb: Workbook, u: pd.DataFrame) -> None:
    if u.empty:
        _blatt(wb, "Umlage je Mitglied", [Spalte("Mitglied", [])])
        return
    breit = u.pivot_table(index=["ags"], columns="jahr", values="umlage", aggfunc="sum")
    stamm = u.drop_duplicates("ags").set_index("ags")
    stamm = stamm.assign(_anteil=stamm["anteil"]).sort_values(["_anteil", "name"],
                                                              ascending=[False, True])
    jahre = sorted(breit.columns)
    n = len(stamm)
    zeilen = range(2, n + 2)
    erste = get_column_letter(6)
    letzte = get_column_letter(5 + len(jahre))
    spalten = [Spalte("Mitglied", list(stamm["name"]), breite=30),
               Spalte("AGS", [str(a) for a in stamm.index], breite=11),
               Spalte("Art", list(stamm.get("art", [""] * n)), breite=14),
               Spalte("Einwohner", list(stamm["einwohner"]), "ganz", 12, True),
               Spalte("Anteil", list(stamm["anteil"]), "prozent", 9, True)]
    spalten += [Spalte(f"Umlage {jahr} (€)", list(breit[jahr].reindex(stamm.index)), "euro", 14,
                       True) for jahr in jahre]
    spalten += [Spalte("Umlage zusammen (€)", [Formel(f"=SUM({erste}{i}:{letzte}{i})")
                                               for i in zeilen], "euro", 15, True),
                Spalte("Jahresrahmen des Mitglieds (€)", list(stamm["rahmen_mitglied"]), "euro",
                       16)]
    schl = "nach Einwohnern" if str(stamm["schluessel"].iloc[0]) == "einwohner" \
        else "zu gleichen Teilen"
    _blatt(wb, "Umlage je Mitglied", spalten, [
        f"Die Kosten gesamt des Verbands je Jahr (Blatt Kosten je Jahr) werden {schl} auf die "
        "Mitglieder umgelegt; dieselben Beträge stehen in den Mappen der Referenzkommunen als "
        "Umlage an den Verband."], fixiert="B2")


# ------------------------------------------------------------------ Kontext, Schreiben


def kontext(erg: Any, ags: str | None) -> Kontext:
    """Titel des Katalogs und die Quellen jeder Zahl aus einem ``Ergebnisse``-Objekt."""
    st = erg.studie
    try:
        katalog = massnahmen.laden(erg.konfiguration("massnahmen.yml"), None, None)
        titel = {m.id: m.titel for m in katalog.massnahmen}
    except Exception:  # noqa: BLE001 — ohne Katalog bleiben die IDs stehen
        titel = {}
    welle = next(w for w in st.wellen if w.id == st.aktuelle_welle)
    stand_welle = welle.bezeichnung + (f" ({welle.datum:%d.%m.%Y})" if welle.datum else "")
    mindest = mindestgroesse(erg)
    r = st.roadmap
    startjahr = r.startjahr or st.aktuelle_welle + 1
    zeitraum = f"{startjahr}–{startjahr + r.jahre - 1}"
    quellen: list[tuple[str, str, str]] = [
        ("Studie", f"{st.titel}; {st.verband}"
         + (f"; Auftraggeber: {st.auftraggeber}" if st.auftraggeber else ""), stand_welle),
        ("Erhebungswelle", "Eigene Angaben in der Befragung (Fragebogen der Studie, "
         "fragebogen.yml)", stand_welle)]
    if ags is not None:
        rahmen = _eigene(erg.tabelle_oder_leer(T.RAHMEN), ags)
        kk = str(rahmen["kostenklasse"].iloc[0]) if len(rahmen) else "–"
        gk = str(erg.kommunen.loc[ags, "groessenklasse"]) if ags in erg.kommunen.index else ""
        e = st.empfehlungen
        quellen += [
            ("Auswahl der Maßnahmen", "Lücke zum Zielwert je Handlungsfeld (Quantil "
             f"{round(100 * e.ziel_quantil)} % der eigenen Größenklasse "
             f"{groessenklassen.bezeichnung(gk, kurz=True) if gk else ''}), Rückstand bei den "
             "OZG-Leistungen, Passung zum Kommunentyp (wo die Studie Typen trägt) und erfüllte "
             f"Voraussetzungen; {e.minimum} bis {e.maximum} Maßnahmen nach Bedarf. Die "
             "Begründung steht je Maßnahme im Blatt Maßnahmen.", stand_welle),
            ("Kosten und Aufwand", "Maßnahmenkatalog der Studie (massnahmen.yml): Richtwerte der "
             f"Kostenklasse {kk}, Preisstand des Katalogs; die fachliche Quelle steht je Maßnahme "
             "in der Spalte „Quelle im Katalog“.", "Katalog der Auswertung"),
            ("Maßnahmen über den Verband", "Anteil der Kommune an der Verbandsmaßnahme nach dem "
             f"Umlageschlüssel ({st.verbandsplan.umlage}); gezahlt als Umlage an den Verband "
             "(Blatt Kosten je Jahr).", zeitraum),
            ("Jahresrahmen und Personalkapazität", str(rahmen["satz"].iloc[0]) if len(rahmen)
             else "–", stand_welle),
            ("Roadmap und Quartale", f"Planung in Quartalen über {r.jahre} Jahre ({zeitraum}): "
             "Voraussetzungen zuerst, Maßnahmen über den Verband erst, wenn er liefert; einmalige "
             "Kosten und Aufwand gleichmäßig auf die Umsetzungsquartale, laufende Kosten ab dem "
             "Quartal nach dem Abschluss; je Jahr höchstens Jahresrahmen (mit Umlage) und "
             "Personalkapazität.", zeitraum),
            ("OZG-Leistungen", "OZG-Katalog der Studie (relevant nach Art und Größenklasse); "
             "Stufe nach dem OZG-Reifegradmodell aus der Befragung; Vergleich: Kommunen der "
             f"eigenen Größenklasse, erst ab {mindest} Kommunen mit Angabe.", stand_welle)]
    else:
        v = st.verbandsplan
        quellen += [
            ("Auswahl der Verbandsmaßnahmen", "Lücken, die viele Mitglieder teilen (Rangwert: "
             "Anteil der Mitglieder mit Bedarf × mittlere größte Lücke), ab "
             f"{round(100 * st.empfehlungen.verband_schwelle)} % der Mitglieder mit Bedarf.",
             stand_welle),
            ("Kosten und Aufwand", "Maßnahmenkatalog der Studie (massnahmen.yml), Maßnahmen der "
             "Ebene Verband; Richtwerte, Preisstand des Katalogs.", "Katalog der Auswertung"),
            ("Rahmen und Kapazität des Verbands", f"studie.yml, verbandsplan: "
             f"{v.budget_je_jahr:,.0f} € und {v.personentage_je_jahr:,.0f} Personentage je "
             "Jahr".replace(",", "."), zeitraum),
            ("Umlage", f"Kosten gesamt je Jahr nach dem Schlüssel „{v.umlage}“ auf alle "
             "Mitglieder verteilt (studie.yml, verbandsplan.umlage).", zeitraum)]
    quellen.append(("Erstellt mit", f"analyse {erg.modell.version}, Ergebnisformat "
                                    f"{erg.modell.format}", ""))
    return Kontext(titel=titel, quellen=quellen, welle=st.aktuelle_welle, mindestgroesse=mindest,
                   startjahr=startjahr)


def inhalt(tabellen: Mapping[str, pd.DataFrame], ags: str | None,
           kontext: Kontext | None = None) -> bytes:
    """Die XLSX-Datei als Bytes (feste Metadaten, damit gleiche Eingaben gleich aussehen).
    ``ags=None``: die Verbandsmappe."""
    wb = Workbook()
    wb.remove(wb.active)
    if ags is None:
        _verband(wb, tabellen, kontext or Kontext())
    else:
        _kommune(wb, tabellen, str(ags), kontext or Kontext())
    wb.properties.creator = "analyse"
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    wb.calculation.fullCalcOnLoad = True  # Excel/LibreOffice rechnen beim Öffnen
    puffer = io.BytesIO()
    wb.save(puffer)
    return xlsx_ohne_zeit(puffer.getvalue())


def schreiben(tabellen: Mapping[str, pd.DataFrame] | Any, ags: str | None, ziel: Path) -> Path:
    """Schreibt ``ziel`` (z. B. ``.../<ags>.xlsx``) atomar und gibt den Pfad zurück.

    ``tabellen``: Name → Tabelle, oder ein ``Ergebnisse``-Objekt (dann kommen auch Titel der
    Voraussetzungen und die Quellen aus ihm). ``ags=None`` schreibt die Verbandsmappe.
    """
    k = None
    if not isinstance(tabellen, Mapping):
        erg = tabellen
        k = kontext(erg, None if ags is None else str(ags))
        namen = VERBAND_QUELLTABELLEN if ags is None else QUELLTABELLEN
        tabellen = {n: erg.tabelle(n) for n in namen if n in erg.tabellen}
    daten = inhalt(tabellen, None if ags is None else str(ags), k)
    with atomar_datei(Path(ziel), "wb") as f:
        f.write(daten)
    return Path(ziel)
