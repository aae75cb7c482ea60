"""Excel-Export je Referenzkommune: Maßnahmen, Roadmap, Kosten je Jahr, Verschiebungen.

Verwaltungen planen in Excel; die Datei enthält nur Werte der eigenen Kommune.
Geschrieben wird atomar (``dateien.atomar_datei``), damit nie eine halbe Datei liegt.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analyse.dateien import atomar_datei, xlsx_ohne_zeit
from analyse.namen import Tabelle as T

#: Blatt → (Quelltabelle, {Spalte: deutsche Überschrift}) in dieser Reihenfolge.
BLAETTER: dict[str, tuple[T, dict[str, str]]] = {
    "Maßnahmen": (T.EMPFEHLUNGEN, {
        "rang": "Rang", "titel": "Maßnahme", "hauptfeld_name": "Handlungsfeld",
        "begruendung": "Begründung", "beschreibung": "Beschreibung",
        "dauer_monate": "Dauer (Monate)", "aufwand_personentage": "Aufwand (Personentage)",
        "kosten_einmalig": "Kosten einmalig (€)", "kosten_jaehrlich": "Kosten jährlich (€)",
        "ozg_relevant": "OZG-relevant", "verband_titel": "Über den Verband",
        "verband_ab": "Verband liefert ab", "kosten_einmalig_eigen":
        "Kosten einmalig als eigenes Vorhaben (€)", "voraussetzungen": "Voraussetzungen (IDs)",
        "massnahme": "Maßnahmen-ID", "quelle": "Quelle/Begründung im Katalog"}),
    "Roadmap": (T.ROADMAP, {
        "rang": "Rang", "titel": "Maßnahme", "hauptfeld_name": "Handlungsfeld",
        "start": "Beginn", "ende": "Ende", "dauer_quartale": "Dauer (Quartale)",
        "kosten_einmalig": "Kosten einmalig (€)", "kosten_jaehrlich": "Kosten jährlich (€)",
        "aufwand_personentage": "Aufwand (Personentage)", "massnahme": "Maßnahmen-ID"}),
    "Kosten je Jahr": (T.ROADMAP_JAHRE, {
        "jahr": "Jahr", "budget": "Jahresrahmen (€)", "umlage_verband": "Umlage an den Verband (€)",
        "kosten_einmalig": "Einmalige Kosten (€)",
        "kosten_laufend": "Laufende Kosten (€)", "kosten_gesamt": "Kosten gesamt (€)",
        "budget_frei": "Budget frei (€)", "kapazitaet_personentage": "Kapazität (Personentage)",
        "personentage": "Geplante Personentage"}),
    "Verschoben": (T.VERSCHIEBUNGEN, {
        "rang": "Rang", "titel": "Maßnahme", "engpass": "Engpass", "grund": "Begründung",
        "kosten_einmalig": "Kosten einmalig (€)", "massnahme": "Maßnahmen-ID"}),
}
#: Die Verbandsdatei (``verband.xlsx``): alle Zeilen, keine Auswahl nach AGS.
VERBAND_BLAETTER: dict[str, tuple[T, dict[str, str]]] = {
    "Verbandsmaßnahmen": (T.VERBAND_EMPFEHLUNGEN, {
        "rang": "Rang", "titel": "Maßnahme", "buendelt": "Bündelt", "rangwert": "Rangwert",
        "begruendung": "Begründung", "dauer_monate": "Dauer (Monate)",
        "kosten_einmalig": "Kosten einmalig (€)", "kosten_jaehrlich": "Kosten jährlich (€)",
        "aufwand_personentage": "Aufwand (Personentage)", "massnahme": "Maßnahmen-ID"}),
    "Roadmap": (T.VERBAND_ROADMAP, {
        "rang": "Rang", "titel": "Maßnahme", "start": "Beginn", "ende": "Ende",
        "kosten_einmalig": "Kosten einmalig (€)", "kosten_jaehrlich": "Kosten jährlich (€)",
        "massnahme": "Maßnahmen-ID"}),
    "Kosten je Jahr": (T.VERBAND_JAHRE, {
        "jahr": "Jahr", "rahmen": "Rahmen (€)", "kosten_einmalig": "Einmalige Kosten (€)",
        "kosten_laufend": "Laufende Kosten (€)", "kosten_gesamt": "Kosten gesamt (€)",
        "personentage": "Personentage", "kapazitaet_personentage": "Kapazität (Personentage)"}),
    "Umlage je Mitglied": (T.VERBAND_UMLAGE, {
        "name": "Mitglied", "ags": "AGS", "einwohner": "Einwohner", "schluessel": "Schlüssel",
        "anteil": "Anteil", "jahr": "Jahr", "umlage": "Umlage (€)",
        "rahmen_mitglied": "Jahresrahmen des Mitglieds (€)"}),
    "Verschoben": (T.VERBAND_VERSCHIEBUNGEN, {
        "rang": "Rang", "titel": "Maßnahme", "engpass": "Engpass", "grund": "Begründung",
        "massnahme": "Maßnahmen-ID"}),
}
_BREITE = {"Begründung": 80, "Beschreibung": 60, "Maßnahme": 45, "Quelle/Begründung im Katalog": 50}


def blaetter(tabellen: Mapping[str, pd.DataFrame], ags: str | None,
             aufbau: Mapping[str, tuple[T, dict[str, str]]] = BLAETTER
             ) -> dict[str, pd.DataFrame]:
    """Die Blätter als DataFrames mit deutschen Überschriften (nur Zeilen von ``ags``;
    ``ags=None``: alle Zeilen, für die Verbandsdatei)."""
    ergebnis = {}
    for blatt, (quelle, spalten) in aufbau.items():
        df = tabellen.get(quelle, pd.DataFrame())
        if ags is None:
            teil = df
        else:
            teil = df[df["ags"].astype(str) == ags] if "ags" in df.columns else df.iloc[0:0]
        teil = teil.reindex(columns=list(spalten))
        if "rang" in teil.columns and teil["rang"].notna().any():
            teil = teil.sort_values("rang", kind="stable")
        teil = teil.rename(columns=spalten).reset_index(drop=True)
        if "OZG-relevant" in teil.columns:
            teil["OZG-relevant"] = teil["OZG-relevant"].map({True: "ja", False: "nein"})
        if "Engpass" in teil.columns:
            teil["Engpass"] = teil["Engpass"].map(
                lambda w: w.replace("budget", "Budget").replace("personal", "Personal")
                .replace("zeit", "Zeit").replace("voraussetzung", "Voraussetzung")
                if isinstance(w, str) else w)
        ergebnis[blatt] = teil
    return ergebnis


def _ohne_formeln(df: pd.DataFrame) -> pd.DataFrame:
    """Text, der mit =, +, - oder @ beginnt, würde Excel als Formel lesen (Formel-Injektion):
    solchen Text mit Apostroph als Text kennzeichnen."""
    df = df.copy()
    for spalte in df.columns:
        if df[spalte].dtype == object or pd.api.types.is_string_dtype(df[spalte]):
            df[spalte] = df[spalte].map(
                lambda w: "'" + w if isinstance(w, str) and w[:1] in ("=", "+", "-", "@") else w)
    return df


def inhalt(tabellen: Mapping[str, pd.DataFrame], ags: str | None,
           aufbau: Mapping[str, tuple[T, dict[str, str]]] = BLAETTER) -> bytes:
    """Die XLSX-Datei als Bytes (feste Metadaten, damit gleiche Eingaben gleich aussehen)."""
    puffer = io.BytesIO()
    with pd.ExcelWriter(puffer, engine="openpyxl") as writer:
        for blatt, df in blaetter(tabellen, ags, aufbau).items():
            _ohne_formeln(df).to_excel(writer, sheet_name=blatt, index=False)
            ws = writer.sheets[blatt]
            ws.freeze_panes = "A2"
            for i, spalte in enumerate(df.columns, start=1):
                buchstabe = ws.cell(row=1, column=i).column_letter
                ws.column_dimensions[buchstabe].width = _BREITE.get(
                    spalte, max(12, min(40, len(spalte) + 2)))
                if "(€)" in spalte:
                    for zelle in ws[buchstabe][1:]:
                        zelle.number_format = "#,##0 €"
        wb = writer.book
        wb.properties.creator = "analyse"
        wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    return xlsx_ohne_zeit(puffer.getvalue())


def schreiben(tabellen: Mapping[str, pd.DataFrame] | Any, ags: str | None, ziel: Path) -> Path:
    """Schreibt ``ziel`` (z. B. ``.../<ags>.xlsx``) atomar und gibt den Pfad zurück.

    ``tabellen``: Name → Tabelle oder ein ``Ergebnisse``-Objekt (liest die Tabellen dort).
    ``ags=None`` schreibt die Verbandsdatei (Verbandsmaßnahmen, Roadmap, Umlage je Mitglied).
    """
    aufbau = BLAETTER if ags is not None else VERBAND_BLAETTER
    if not isinstance(tabellen, Mapping):
        erg = tabellen
        tabellen = {quelle: erg.tabelle(quelle) for quelle, _ in aufbau.values()
                    if quelle in erg.tabellen}
    daten = inhalt(tabellen, None if ags is None else str(ags), aufbau)
    with atomar_datei(Path(ziel), "wb") as f:
        f.write(daten)
    return Path(ziel)
