"""Die Typprototypen (``kommunentypen.yml``): Zielprofil und Steckbrief je Kommunentyp."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.yamlquelle import modell_laden


class _Streng(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Steckbrief(_Streng):
    kurz: str
    staerken: list[str] = Field(min_length=1)
    herausforderungen: list[str] = Field(default_factory=list)
    lernt_von: list[str] = Field(default_factory=list, description="Typ-IDs im D-Team")


class Typ(_Streng):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    prototyp: dict[str, float] = Field(description="Priorität (Skala des Fragebogens) je Ziel-ID")
    steckbrief: Steckbrief


class Typkatalog(_Streng):
    mischtyp: Steckbrief
    typen: list[Typ] = Field(min_length=2)

    def prototypen(self) -> pd.DataFrame:
        """Zeilen: Typ-ID, Spalten: Ziel-IDs."""
        return pd.DataFrame({t.id: t.prototyp for t in self.typen}).T.sort_index(axis=1)

    @property
    def name(self) -> dict[str, str]:
        return {t.id: t.name for t in self.typen} | {"mischtyp": "Mischtyp"}

    def steckbrief(self, typ_id: str) -> Steckbrief:
        if typ_id == "mischtyp":
            return self.mischtyp
        return next(t.steckbrief for t in self.typen if t.id == typ_id)


def laden(pfad: Path, ziel_ids: set[str] | None = None) -> Typkatalog:
    """Lädt den Typkatalog; mit ``ziel_ids`` werden die Prototypen gegen das Codebuch geprüft."""
    katalog, zeilen = modell_laden(pfad, Typkatalog)
    probleme = []
    ids = [t.id for t in katalog.typen]
    for n, typ in enumerate(katalog.typen):
        if ids.count(typ.id) > 1:
            probleme.append(Problem(pfad.name, zeilen.get(("typen", n, "id")), "id", typ.id,
                                    "eindeutige Typ-IDs"))
        for m, ref in enumerate(typ.steckbrief.lernt_von):
            if ref not in ids:
                probleme.append(Problem(pfad.name,
                                        zeilen.get(("typen", n, "steckbrief", "lernt_von", m)),
                                        "lernt_von", ref, f"eine der Typ-IDs {ids}"))
        if ziel_ids is not None and set(typ.prototyp) != ziel_ids:
            fehlt = sorted(ziel_ids - set(typ.prototyp))
            fremd = sorted(set(typ.prototyp) - ziel_ids)
            probleme.append(Problem(pfad.name, zeilen.get(("typen", n, "prototyp")), "prototyp",
                                    ", ".join(fremd) or None,
                                    f"genau die Ziele des Fragebogens (fehlend: {fehlt}, "
                                    f"unbekannt: {fremd})"))
    if probleme:
        raise Eingabefehler(probleme)
    return katalog
