"""Das Codebuch (``fragebogen.yml``): die einzige Quelle für Items, Skalen und Felder.

Alles, was Items betrifft (gültige Werte, Fehlcodes, Umpolung, Zuordnung zu
Handlungsfeld, Ziel, Strukturmerkmal oder OZG-Leistung), wird hier nachgeschlagen.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.yamlquelle import Pfad, modell_laden

ID_MUSTER = r"^[A-Za-z][A-Za-z0-9_]*$"


class _Streng(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fehlend(_Streng):
    """Codes für fehlende Antworten; beide getrennt, weil sie anders behandelt werden."""

    weiss_nicht: int | None = None
    keine_angabe: int | None = None

    def codes(self) -> dict[int, str]:
        return {c: n for n, c in (("weiss_nicht", self.weiss_nicht),
                                  ("keine_angabe", self.keine_angabe)) if c is not None}


class Skala(_Streng):
    bezeichnung: str
    werte: dict[int, str] = Field(min_length=2)
    fehlend: Fehlend = Fehlend()

    @property
    def minimum(self) -> int:
        return min(self.werte)

    @property
    def maximum(self) -> int:
        return max(self.werte)

    @model_validator(mode="after")
    def _codes_getrennt(self) -> Skala:
        doppelt = set(self.werte) & set(self.fehlend.codes())
        if doppelt:
            raise ValueError(f"Fehlcodes, die nicht zugleich gültige Werte sind (doppelt: {sorted(doppelt)})")
        return self


class Zahl(_Streng):
    """Ein numerisches Item (z. B. Beschäftigte, Budget)."""

    minimum: float = 0
    maximum: float | None = None
    einheit: str = ""
    ganzzahlig: bool = False


class Handlungsfeld(_Streng):
    id: str = Field(pattern=ID_MUSTER)
    name: str
    digicheck: Literal["Digitale Ausgangslage", "Veränderung", "Technologien"]
    facette: Literal["Mensch", "Organisation", "Technik"]
    beschreibung: str = ""


class Ziel(_Streng):
    id: str = Field(pattern=ID_MUSTER)
    name: str


STRUKTURMERKMALE = ("beschaeftigte", "it_personal", "digitalbudget")


class Item(_Streng):
    id: str = Field(pattern=ID_MUSTER)
    text: str
    skala: str | None = None
    zahl: Zahl | None = None
    umgepolt: bool = False
    handlungsfeld: str | None = None
    ziel: str | None = None
    struktur: Literal["beschaeftigte", "it_personal", "digitalbudget"] | None = None
    ozg_leistung: str | None = None

    @model_validator(mode="after")
    def _genau_eine_art(self) -> Item:
        if (self.skala is None) == (self.zahl is None):
            raise ValueError("genau eines von 'skala' oder 'zahl'")
        zuordnungen = [self.handlungsfeld, self.ziel, self.struktur, self.ozg_leistung]
        if sum(z is not None for z in zuordnungen) != 1:
            raise ValueError(
                "genau eine Zuordnung: 'handlungsfeld', 'ziel', 'struktur' oder 'ozg_leistung'")
        return self

    @property
    def art(self) -> str:
        if self.handlungsfeld:
            return "reife"
        if self.ziel:
            return "ziel"
        if self.struktur:
            return "struktur"
        return "ozg"


class Fragebogen(_Streng):
    titel: str
    skalen: dict[str, Skala]
    handlungsfelder: list[Handlungsfeld] = Field(min_length=1)
    ziele: list[Ziel] = Field(min_length=2)
    items: list[Item] = Field(min_length=1)

    @cached_property
    def item(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def feld(self) -> dict[str, Handlungsfeld]:
        return {h.id: h for h in self.handlungsfelder}

    @cached_property
    def ziel_name(self) -> dict[str, str]:
        return {z.id: z.name for z in self.ziele}

    def skala_von(self, item: Item) -> Skala | None:
        return self.skalen[item.skala] if item.skala else None

    def items_der_art(self, art: str) -> list[Item]:
        return [i for i in self.items if i.art == art]

    def items_im_feld(self, feld_id: str) -> list[Item]:
        return [i for i in self.items if i.handlungsfeld == feld_id]

    def ziel_items(self) -> dict[str, str]:
        """Ziel-ID → Item-ID (je Ziel genau ein Prioritätsitem)."""
        return {i.ziel: i.id for i in self.items if i.ziel}

    def struktur_items(self) -> dict[str, str]:
        """Strukturmerkmal → Item-ID."""
        return {i.struktur: i.id for i in self.items if i.struktur}


def ziele(antworten: pd.DataFrame, fragebogen: Fragebogen, welle: int) -> pd.DataFrame:
    """Zielprioritäten einer Welle: Index ags, Spalten Ziel-IDs, Fehlcodes als NaN."""
    items = fragebogen.ziel_items()
    teil = antworten[antworten["welle"] == welle].set_index("ags")
    df = teil[list(items.values())].rename(columns={v: k for k, v in items.items()})
    for ziel, item_id in items.items():
        skala = fragebogen.skala_von(fragebogen.item[item_id])
        df[ziel] = df[ziel].where(df[ziel].isin(list(skala.werte)))
    return df.sort_index()


def _querbezuege(fb: Fragebogen, datei: str, zeilen: dict[Pfad, int]) -> list[Problem]:
    """Prüft Verweise zwischen den Teilen des Codebuchs."""
    probleme = []
    ids: set[str] = set()
    for n, item in enumerate(fb.items):
        zeile = zeilen.get(("items", n))
        if item.id in ids:
            probleme.append(Problem(datei, zeile, "id", item.id, "eindeutige Item-IDs"))
        ids.add(item.id)
        if item.skala and item.skala not in fb.skalen:
            probleme.append(Problem(datei, zeilen.get(("items", n, "skala")), "skala", item.skala,
                                    f"eine der Skalen {sorted(fb.skalen)}"))
        if item.handlungsfeld and item.handlungsfeld not in fb.feld:
            probleme.append(Problem(datei, zeilen.get(("items", n, "handlungsfeld")),
                                    "handlungsfeld", item.handlungsfeld,
                                    f"eines der Handlungsfelder {sorted(fb.feld)}"))
        if item.ziel and item.ziel not in fb.ziel_name:
            probleme.append(Problem(datei, zeilen.get(("items", n, "ziel")), "ziel", item.ziel,
                                    f"eines der Ziele {sorted(fb.ziel_name)}"))
    for feld in fb.handlungsfelder:
        if len(fb.items_im_feld(feld.id)) < 2:
            probleme.append(Problem(datei, None, "handlungsfelder", feld.id,
                                    "mindestens zwei Items je Handlungsfeld"))
    for ziel in fb.ziele:
        anzahl = sum(1 for i in fb.items if i.ziel == ziel.id)
        if anzahl != 1:
            probleme.append(Problem(datei, None, "ziele", ziel.id,
                                    f"genau ein Prioritätsitem je Ziel (gefunden: {anzahl})"))
    return probleme


def laden(pfad: Path) -> Fragebogen:
    fb, zeilen = modell_laden(pfad, Fragebogen)
    probleme = _querbezuege(fb, pfad.name, zeilen)
    if probleme:
        raise Eingabefehler(probleme)
    return fb
