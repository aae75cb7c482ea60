"""pandera-Schemas der Ergebnistabellen: geprüft beim Speichern und beim Laden.

Jede Tabelle nennt ihre Schlüsselspalten (ohne Lücken, zusammen eindeutig) und die Spalten,
die Berichte, Excel und Website lesen, mit ihrer Art. Die Schemas sind nicht strikt: eine
Tabelle darf weitere Spalten haben, damit ein Schritt Spalten ergänzen kann, ohne dass hier
etwas bricht. Arten statt exakter dtypes (``ganz`` statt ``int64``), weil dieselbe Spalte je
nach Weg (im Speicher, aus Parquet) unterschiedlich breit oder als ``object`` vorliegen kann.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandas.api import types

from analyse.ergebnisse.modell import ErgebnisFehler
from analyse.namen import Tabelle as T


class SchemaFehler(ErgebnisFehler):
    """Eine Ergebnistabelle verletzt ihr Schema (Programmfehler oder fremder Ergebnisordner)."""


def _ist_text(s: pd.Series) -> bool:
    if types.is_string_dtype(s.dtype):
        return True
    return s.dtype == object and all(isinstance(w, str) for w in s.dropna())


def _ist_ganz(s: pd.Series) -> bool:
    return types.is_integer_dtype(s.dtype) and not types.is_bool_dtype(s.dtype)


def _ist_zahl(s: pd.Series) -> bool:
    return types.is_numeric_dtype(s.dtype) and not types.is_bool_dtype(s.dtype)


def _ist_wahr(s: pd.Series) -> bool:
    return types.is_bool_dtype(s.dtype)


def _art(pruefung, fehler: str) -> pa.Check:
    # Eine Spalte ohne Werte (leere Tabelle) hat oft den dtype object: sie verrät keine Art.
    return pa.Check(lambda s: s.dropna().empty or pruefung(s), element_wise=False, error=fehler)


_ARTEN = {
    "text": _art(_ist_text, "Text erwartet"),
    "ganz": _art(_ist_ganz, "ganze Zahl erwartet"),
    "zahl": _art(_ist_zahl, "Zahl erwartet"),
    "wahr": _art(_ist_wahr, "ja/nein (bool) erwartet"),
}


#: Neutrale Werte je Art (zum Ergänzen fehlender Spalten in Test-Fixtures: ``tests/hilfen.py``).
LEER = {"text": "", "ganz": 0, "zahl": float("nan"), "wahr": False}


def _schema(name: str, schluessel: dict[str, str], spalten: dict[str, str]) -> pa.DataFrameSchema:
    """Schlüssel: ohne Lücken und zusammen eindeutig; übrige Spalten: Art, Lücken erlaubt."""
    cols = {s: pa.Column(checks=[_ARTEN[a]], nullable=False, metadata={"art": a})
            for s, a in schluessel.items()}
    cols |= {s: pa.Column(checks=[_ARTEN[a]], nullable=True, metadata={"art": a})
             for s, a in spalten.items()}
    return pa.DataFrameSchema(cols, name=name, strict=False, unique=list(schluessel) or None)


_KOSTEN = {"kosten_einmalig": "zahl", "kosten_jaehrlich": "zahl", "aufwand_personentage": "zahl"}

SCHEMAS: dict[T, pa.DataFrameSchema] = {s.name: s for s in [
    _schema(T.KOMMUNEN, {"ags": "text"}, {
        "name": "text", "art": "text", "kreis": "text", "land": "text", "einwohner": "ganz",
        "verband": "text", "referenzkommune": "wahr", "groessenklasse": "text",
        "mitglied": "wahr"}),
    _schema(T.ANTWORTEN, {"ags": "text", "welle": "ganz"}, {}),
    _schema(T.STRUKTUR, {"ags": "text", "welle": "ganz"}, {}),
    _schema(T.REIFEGRAD, {"ags": "text", "welle": "ganz", "handlungsfeld": "text"},
            {"wert": "zahl", "stufe": "text"}),
    _schema(T.REIFEGRAD_AUSSCHLUESSE, {"ags": "text", "welle": "ganz", "handlungsfeld": "text"},
            {"grund": "text"}),
    _schema(T.RELIABILITAET, {"welle": "ganz", "handlungsfeld": "text"},
            {"items": "zahl", "faelle": "zahl", "alpha": "zahl"}),
    _schema(T.TRENNSCHAERFE, {"welle": "ganz", "handlungsfeld": "text", "item": "text"},
            {"trennschaerfe": "zahl", "alpha_ohne_item": "zahl", "faelle": "zahl"}),
    _schema(T.REIFEGRAD_KORRELATION, {"welle": "ganz", "feld_a": "text", "feld_b": "text"},
            {"r": "zahl", "n": "zahl"}),
    _schema(T.UNSICHERHEIT, {"ags": "text", "welle": "ganz"}, {
        "anzahl": "zahl", "rang_median": "zahl", "rang_p05": "zahl", "rang_p95": "zahl",
        "wert_median": "zahl", "wert_p05": "zahl", "wert_p95": "zahl"}),
    _schema(T.ENTWICKLUNG, {"ags": "text", "welle": "ganz", "handlungsfeld": "text"}, {
        "vorwelle": "ganz", "wert": "zahl", "wert_vorwelle": "zahl", "veraenderung": "zahl"}),
    _schema(T.UNSICHERHEIT_FELDER, {"ags": "text", "welle": "ganz", "handlungsfeld": "text"}, {
        "wert_p05": "zahl", "wert_median": "zahl", "wert_p95": "zahl"}),
    _schema(T.REIFEGRAD_STRUKTUR, {"ebene": "text"}, {
        "variablen": "zahl", "faelle": "zahl", "faktoren": "zahl", "eigenwert_1": "zahl",
        "anteil_1": "zahl", "schwelle_1": "zahl"}),
    _schema(T.SENSITIVITAET, {"faktor": "text"}, {
        "name": "text", "s1": "zahl", "s1_konfidenz": "zahl", "st": "zahl",
        "st_konfidenz": "zahl"}),
    # Sicherheit: Anteil der Wiederholungen (treffer von wiederholungen) im eigenen Typ;
    # lage: zwischen den zwei nächsten Zentren (0 … 0,5), Mischtyp über der Schwelle im Modell
    _schema(T.TYPEN, {"ags": "text"}, {
        "typ": "text", "cluster": "zahl", "sicherheit": "zahl", "treffer": "zahl",
        "wiederholungen": "zahl", "lage": "zahl", "naechster_typ": "text", "zweiter_typ": "text",
        "typstruktur_belastbar": "wahr"}),
    _schema(T.TYPEN_VALIDITAET, {"methode": "text", "k": "ganz"}, {
        "silhouette": "zahl", "calinski_harabasz": "zahl", "davies_bouldin": "zahl",
        "bic": "zahl", "jaccard_min": "zahl", "ari_bootstrap": "zahl", "gewaehlt": "wahr"}),
    _schema(T.TYPEN_STABILITAET, {"cluster": "ganz"}, {
        "typ": "text", "name": "text", "art": "text", "naechster_prototyp": "text", "n": "zahl",
        "anteil_mischtyp": "zahl", "distanz": "zahl", "jaccard_mittel": "zahl", "stabil": "wahr"}),
    # ohne AGS: die Projektion darf keine Kommune erkennbar machen
    _schema(T.TYPEN_PROJEKTION, {}, {"pc1": "zahl", "pc2": "zahl", "typ": "text",
                                     "cluster": "ganz"}),
    _schema(T.ZIELWERTE, {"groessenklasse": "text", "handlungsfeld": "text"}, {"ziel": "zahl"}),
    _schema(T.EMPFEHLUNGEN, {"ags": "text", "massnahme": "text"}, {
        "rang": "ganz", "titel": "text", "hauptfeld_name": "text", "begruendung": "text",
        "beschreibung": "text", "dauer_monate": "zahl", "ozg_relevant": "wahr",
        "voraussetzungen": "text", "quelle": "text", **_KOSTEN}),
    _schema(T.VERBAND_EMPFEHLUNGEN, {"massnahme": "text"}, {
        "rang": "ganz", "titel": "text", "buendelt": "text", "begruendung": "text",
        "dauer_monate": "zahl", **_KOSTEN}),
    _schema(T.EMPFEHLUNGEN_SUMMEN, {"handlungsfeld": "text"}, {
        "handlungsfeld_name": "text", "anzahl_empfehlungen": "zahl", "anzahl_kommunen": "zahl",
        "davon_verschoben": "zahl", **_KOSTEN}),
    _schema(T.KOSTEN_JE_FELD_JAHR, {"handlungsfeld": "text", "jahr": "ganz"}, {
        "handlungsfeld_name": "text", "kosten_gesamt": "zahl"}),
    _schema(T.ROADMAP, {"ags": "text", "massnahme": "text"}, {
        "titel": "text", "rang": "ganz", "hauptfeld_name": "text", "start_quartal": "ganz",
        "ende_quartal": "ganz", "start": "text", "ende": "text", "dauer_quartale": "zahl",
        **_KOSTEN}),
    _schema(T.ROADMAP_JAHRE, {"ags": "text", "jahr": "ganz"}, {
        "budget": "zahl", "kosten_einmalig": "zahl", "kosten_laufend": "zahl",
        "kosten_gesamt": "zahl", "budget_frei": "zahl", "kapazitaet_personentage": "zahl",
        "personentage": "zahl"}),
    _schema(T.ROADMAP_KOSTEN, {"ags": "text", "massnahme": "text", "jahr": "ganz"}, {
        "kosten_einmalig": "zahl", "kosten_laufend": "zahl", "personentage": "zahl"}),
    _schema(T.VERSCHIEBUNGEN, {"ags": "text", "massnahme": "text"}, {
        "titel": "text", "rang": "ganz", "engpass": "text", "grund": "text",
        "kosten_einmalig": "zahl"}),
    _schema(T.PERSONAL_RICHTWERTE, {"groessenklasse": "text", "kennzahl": "text"}, {
        "bezeichnung": "text", "kennzahl_name": "text", "einheit": "text", "spitze_von": "zahl",
        "spitze_bis": "zahl", "klasse_median": "zahl", "n_spitze": "zahl", "n_klasse": "zahl",
        "n_mitglieder_unter_spanne": "zahl", "n_mitglieder_ohne_referenz": "zahl"}),
    _schema(T.OZG_STAND, {"ags": "text", "welle": "ganz", "leistung": "text"}, {
        "leistung_name": "text", "themenfeld": "text", "ebene": "text", "stufe": "zahl"}),
    _schema(T.OZG_ABDECKUNG, {"ags": "text", "welle": "ganz"}, {
        "groessenklasse": "text", "n_relevant": "zahl", "n_beantwortet": "zahl",
        "anteil_online": "zahl", "mittlere_stufe": "zahl", "peer_n": "zahl",
        "peer_anteil_online_median": "zahl"}),
    _schema(T.OZG_VERGLEICH, {"groessenklasse": "text", "leistung": "text"},
            {"anteil_online": "zahl"}),
    _schema(T.OZG_LUECKEN, {"ags": "text"}, {
        "groessenklasse": "text", "anteil": "zahl", "ziel": "zahl", "luecke": "zahl"}),
    _schema(T.EMPFEHLUNGEN_ANZAHL, {"ags": "text"}, {"n_empfohlen": "zahl", "satz": "text"}),
    _schema(T.RAHMEN, {"ags": "text"}, {
        "groessenklasse": "text", "budget": "zahl", "kapazitaet_personentage": "zahl",
        "budget_quelle": "text", "personal_quelle": "text", "satz": "text"}),
    _schema(T.ROADMAP_BILANZ, {"ags": "text"}, {
        "n_geplant": "zahl", "n_verschoben": "zahl", "zusatz_budget_je_jahr": "zahl",
        "zusatz_personentage_je_jahr": "zahl", "zusatz_satz": "text"}),
    _schema(T.VERBAND_ROADMAP, {"massnahme": "text"}, {
        "titel": "text", "rang": "ganz", "start_quartal": "ganz", "ende_quartal": "ganz",
        "start": "text", "ende": "text", **_KOSTEN}),
    _schema(T.VERBAND_JAHRE, {"jahr": "ganz"}, {
        "rahmen": "zahl", "kosten_einmalig": "zahl", "kosten_laufend": "zahl",
        "kosten_gesamt": "zahl", "personentage": "zahl", "kapazitaet_personentage": "zahl",
        "satz": "text"}),
    _schema(T.VERBAND_UMLAGE, {"ags": "text", "jahr": "ganz"}, {
        "name": "text", "schluessel": "text", "anteil": "zahl", "umlage": "zahl"}),
    _schema(T.VERBAND_VERSCHIEBUNGEN, {"massnahme": "text"}, {
        "titel": "text", "rang": "ganz", "engpass": "text", "grund": "text"}),
    _schema(T.OZG_RELEVANZ, {"art": "text", "groessenklasse": "text"}, {
        "relevante_leistungen": "zahl", "davon_gemeindeebene": "zahl",
        "davon_kreisebene": "zahl"}),
]}


def pruefen(name: str, df: pd.DataFrame, wo: str) -> None:
    """Prüft ``df`` gegen das Schema der Tabelle ``name``; wirft ``SchemaFehler`` mit allen
    Verstößen auf einmal. ``wo``: Kontext für die Meldung (z. B. "beim Speichern")."""
    if name not in SCHEMAS:
        raise SchemaFehler(f"Unbekannte Ergebnistabelle '{name}' {wo}: jede Tabelle braucht "
                           "einen Namen in analyse.namen und ein Schema hier.")
    try:
        SCHEMAS[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        faelle = e.failure_cases.drop_duplicates(["column", "check"]).head(20)
        zeilen = [f"  Spalte {z.failure_case!r} fehlt" if z.check == "column_in_dataframe"
                  else f"  Spalte {z.column!r}: {z.check} (z. B. Wert {z.failure_case!r})"
                  for z in faelle.itertuples()]
        raise SchemaFehler(f"Ergebnistabelle '{name}' verletzt ihr Schema {wo}:\n"
                           + "\n".join(zeilen)) from None
