"""Die Zuordnung (``zuordnung.yml``): welche Quellspalte welches Item füllt und wie Werte umkodiert
werden. Modell (pydantic) und Prüfung gegen Quelle und Codebuch.

Aufbau (alle Felder außer ``ags`` und ``items`` optional)::

    quelle: {format: limesurvey, blatt: null, kopfzeile: null}
    ags: AGS                        # Quellspalte mit dem Gemeindeschlüssel
    unvollstaendige: verwerfen      # LimeSurvey: Antworten ohne submitdate
    doppelte: neueste               # je AGS gewinnt die neueste Antwort
    umkodierung: {"Y": 1, "N": 0}   # für alle Items
    skalen: {zustimmung: {"trifft voll zu": 5}}   # je Skala des Codebuchs
    fehlend: {leer: [""], weiss_nicht: ["weiß nicht"], keine_angabe: ["keine Angabe"]}
    items:
      STR01: G01Q03                 # Kurzform: nur die Quellspalte
      STR02: {spalte: "G01Q04[SQ001]", umkodierung: {A1: 1, A2: 2}, fehlend: {leer: ["-oth-"]}}
    personenbezogen: {token: "Begründung, warum die Spalte gebraucht wird"}

Quellspalten werden mit ihrem Code angesprochen (bei LimeSurvey der Teil vor ". ").
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from rapidfuzz import fuzz, process

from analyse.eingabe.fehler import Problem
from analyse.eingabe.fragebogen import Fragebogen
from analyse.eingabe.quellen import datenschutz
from analyse.eingabe.quellen.lesen import FORMATE, Quelle, zahl_text
from analyse.eingabe.yamlquelle import Pfad, modell_laden, zeile_zu

FEHLEND_ARTEN = ("leer", "weiss_nicht", "keine_angabe")
FEHLEND_NAMEN = {"leer": "leer", "weiss_nicht": "weiß nicht", "keine_angabe": "keine Angabe"}


def _schluessel_als_text(werte: object) -> object:
    """YAML liest ``1: 5`` mit Zahlschlüssel; Quellwerte sind aber Text."""
    if not isinstance(werte, dict):
        return werte
    neu = {}
    for k, v in werte.items():
        if isinstance(k, bool):
            raise ValueError("Quellwerte wie ja/nein/yes/no in Anführungszeichen, z. B. \"ja\": 1")
        neu[zahl_text(k) if isinstance(k, int | float) else k] = v
    return neu


def _liste_als_text(werte: object) -> object:
    if isinstance(werte, list):
        return [zahl_text(w) if isinstance(w, int | float) and not isinstance(w, bool) else
                ("" if w is None else w) for w in werte]
    return werte


class _Streng(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Umkodierung = dict[str, float]


class Fehlend(_Streng):
    """Quellwerte, die als leer, „weiß nicht“ oder „keine Angabe“ gelten."""

    leer: list[str] = []
    weiss_nicht: list[str] = []
    keine_angabe: list[str] = []

    @field_validator("leer", "weiss_nicht", "keine_angabe", mode="before")
    @classmethod
    def _texte(cls, werte: object) -> object:
        return _liste_als_text(werte)

    def art_von(self, wert: str) -> str | None:
        return next((a for a in FEHLEND_ARTEN if wert in getattr(self, a)), None)


class ItemZuordnung(_Streng):
    spalte: str
    umkodierung: Umkodierung = {}
    fehlend: Fehlend = Fehlend()

    @field_validator("umkodierung", mode="before")
    @classmethod
    def _schluessel(cls, werte: object) -> object:
        return _schluessel_als_text(werte)


class QuellAngaben(_Streng):
    format: Literal["limesurvey", "spss", "excel", "csv"] | None = None
    blatt: str | None = None
    kopfzeile: int | None = Field(default=None, ge=1)


class Zuordnung(_Streng):
    quelle: QuellAngaben = QuellAngaben()
    ags: str = Field(min_length=1)
    unvollstaendige: Literal["verwerfen", "behalten"] = "verwerfen"
    doppelte: Literal["neueste", "erste", "letzte", "fehler"] = "neueste"
    umkodierung: Umkodierung = {}
    skalen: dict[str, Umkodierung] = {}
    fehlend: Fehlend = Fehlend(leer=[""])
    items: dict[str, str | ItemZuordnung] = Field(min_length=1)
    personenbezogen: dict[str, str] = {}

    @field_validator("umkodierung", mode="before")
    @classmethod
    def _schluessel(cls, werte: object) -> object:
        return _schluessel_als_text(werte)

    @field_validator("skalen", mode="before")
    @classmethod
    def _skalen_schluessel(cls, werte: object) -> object:
        if isinstance(werte, dict):
            return {k: _schluessel_als_text(v) for k, v in werte.items()}
        return werte

    def item(self, item_id: str) -> ItemZuordnung:
        z = self.items[item_id]
        return ItemZuordnung(spalte=z) if isinstance(z, str) else z


assert set(FORMATE) == {"limesurvey", "spss", "excel", "csv"}


def laden(pfad: Path) -> tuple[Zuordnung, dict[Pfad, int]]:
    """Lädt ``zuordnung.yml``; wirft ``Eingabefehler`` mit Zeilen für Form- und Typfehler."""
    return modell_laden(Path(pfad), Zuordnung)


def _aehnlich(wert: str, auswahl: list[str]) -> str:
    treffer = process.extractOne(wert, auswahl, scorer=fuzz.ratio, score_cutoff=50) if auswahl else None
    return f" (ähnlich: '{treffer[0]}')" if treffer else ""


def pruefen(z: Zuordnung, zeilen: dict[Pfad, int], datei: str, quelle: Quelle,
            fb: Fragebogen) -> list[Problem]:
    """Prüft die Zuordnung gegen Quelle und Codebuch: Item-IDs, Spalten, Ziele der Umkodierung,
    personenbezogene Spalten. Jeder Befund nennt die Zeile der Zuordnung."""
    def problem(pfad: Pfad, feld: str, wert: object, erwartet: str) -> Problem:
        return Problem(datei, zeile_zu(zeilen, pfad), feld, None if wert is None else str(wert),
                       erwartet)

    probleme: list[Problem] = []
    if z.ags not in quelle.codes:
        probleme.append(problem(("ags",), "ags", z.ags, "eine Spalte der Quelle mit dem AGS"
                                + _aehnlich(z.ags, quelle.codes)))
    probleme += _skalen_pruefen(z, fb, problem)
    for item_id in z.items:
        probleme += _item_pruefen(z, item_id, quelle, fb, problem)
    probleme.extend(_personenbezug(z, zeilen, datei, quelle))
    return probleme


def _skalen_pruefen(z: Zuordnung, fb: Fragebogen, problem) -> list[Problem]:
    """Umkodierungen je Skala: die Skala gibt es, jedes Ziel ist ein Code der Skala."""
    probleme = []
    for skala, umk in z.skalen.items():
        if skala not in fb.skalen:
            probleme.append(problem(("skalen", skala), "skalen", skala,
                                    f"eine Skala aus fragebogen.yml ({', '.join(fb.skalen)})"))
            continue
        gueltig = {*fb.skalen[skala].werte, *fb.skalen[skala].fehlend.codes()}
        probleme += [problem(("skalen", skala, quellwert), f"skalen.{skala}", zahl_text(ziel),
                             f"einen Code der Skala '{skala}' ({_codes(gueltig)})")
                     for quellwert, ziel in umk.items() if ziel not in gueltig]
    return probleme


def _item_pruefen(z: Zuordnung, item_id: str, quelle: Quelle, fb: Fragebogen,
                  problem) -> list[Problem]:
    """Ein Eintrag unter ``items``: Item im Codebuch, Spalte in der Quelle, Codes der Skala."""
    pfad = ("items", item_id)
    item = fb.item.get(item_id)
    if item is None:
        return [problem(pfad, "items", item_id, "eine Item-ID aus fragebogen.yml"
                        + _aehnlich(item_id, list(fb.item)))]
    probleme = []
    iz = z.item(item_id)
    if iz.spalte not in quelle.codes:
        spalten_pfad = pfad if isinstance(z.items[item_id], str) else (*pfad, "spalte")
        probleme.append(problem(spalten_pfad, f"items.{item_id}", iz.spalte,
                                "eine Spalte der Quelle" + _aehnlich(iz.spalte, quelle.codes)))
    skala = fb.skala_von(item)
    if skala is not None:
        gueltig = {*skala.werte, *skala.fehlend.codes()}
        probleme += [problem((*pfad, "umkodierung", quellwert), f"items.{item_id}.umkodierung",
                             zahl_text(ziel),
                             f"einen Code der Skala '{item.skala}' ({_codes(gueltig)})")
                     for quellwert, ziel in iz.umkodierung.items() if ziel not in gueltig]
    return probleme


def _codes(codes: set) -> str:
    return ", ".join(zahl_text(c) for c in sorted(codes))


def _personenbezug(z: Zuordnung, zeilen: dict[Pfad, int], datei: str,
                   quelle: Quelle) -> list[Problem]:
    """Eine genannte Spalte, die nach Personendaten aussieht, braucht eine Begründung."""
    genannt: list[tuple[Pfad, str]] = [(("ags",), z.ags)]
    genannt += [(("items", i), z.item(i).spalte) for i in z.items]
    probleme = []
    for pfad, code in genannt:
        spalte = quelle.spalte(code)
        if spalte is None:
            continue
        warum = datenschutz.grund(code, spalte.text, quelle.daten[code])
        begruendung = z.personenbezogen.get(code, "").strip()
        if warum and len(begruendung) < 10:
            probleme.append(Problem(
                datei, zeile_zu(zeilen, pfad), ".".join(map(str, pfad)), code,
                f"keine personenbezogene Spalte ({warum}); wird sie wirklich gebraucht, unter "
                f"'personenbezogen' begründen, z. B. personenbezogen: {{{code}: \"Warum …\"}}"))
    return probleme
