"""Ergebnisse einer Auswertung: Tabellen (Parquet), Modell (JSON) und die Studiendateien.

Ein Ergebnisordner ist in sich vollständig: Er enthält Kopien der Konfigurationen,
aus denen er entstand, sodass Berichte nie wieder in den Datenordner greifen.
Kein Pickle: Tabellen sind Parquet, das Modell ist JSON.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyse.dateien import atomar_ordner
from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe import studie as studie_modul
from analyse.eingabe import typkatalog

#: Konfigurationsdateien, die in den Ergebnisordner kopiert werden.
KONFIGURATIONEN = ("studie.yml", "fragebogen.yml", "kommunentypen.yml", "massnahmen.yml")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return None if np.isnan(obj) else float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"nicht JSON-serialisierbar: {type(obj).__name__}")


def modell_json(modell: dict) -> str:
    """Deterministisches JSON (sortierte Schlüssel), damit gleiche Eingaben gleiche Bytes geben."""
    return json.dumps(modell, ensure_ascii=False, indent=2, sort_keys=True,
                      default=_json_default, allow_nan=False)


def speichern(ordner: Path, tabellen: dict[str, pd.DataFrame], modell: dict,
              daten: Path, zusatz: dict[str, bytes] | None = None) -> None:
    """Schreibt alle Ergebnisse atomar nach ``ordner`` (ersetzt einen alten Stand ganz)."""
    with atomar_ordner(ordner) as tmp:
        (tmp / "tabellen").mkdir()
        for name, df in sorted(tabellen.items()):
            df.to_parquet(tmp / "tabellen" / f"{name}.parquet", index=False)
        (tmp / "modell.json").write_text(modell_json(modell), encoding="utf-8")
        (tmp / "konfiguration").mkdir()
        for datei in KONFIGURATIONEN:
            if (daten / datei).exists():
                shutil.copy2(daten / datei, tmp / "konfiguration" / datei)
        for name, inhalt in (zusatz or {}).items():
            pfad = tmp / name
            pfad.parent.mkdir(parents=True, exist_ok=True)
            pfad.write_bytes(inhalt)


@dataclass
class Ergebnisse:
    """Geladene Ergebnisse; Tabellen werden beim ersten Zugriff gelesen."""

    ordner: Path
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def tabelle(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            pfad = self.ordner / "tabellen" / f"{name}.parquet"
            if not pfad.exists():
                raise KeyError(f"Tabelle '{name}' fehlt in {self.ordner}")
            self._cache[name] = pd.read_parquet(pfad)
        return self._cache[name]

    @property
    def tabellen(self) -> list[str]:
        return sorted(p.stem for p in (self.ordner / "tabellen").glob("*.parquet"))

    @cached_property
    def modell(self) -> dict:
        return json.loads((self.ordner / "modell.json").read_text(encoding="utf-8"))

    @cached_property
    def kommunen(self) -> pd.DataFrame:
        """Stammdaten mit Größenklasse, Index ``ags``."""
        return self.tabelle("kommunen").set_index("ags")

    def konfiguration(self, datei: str) -> Path:
        return self.ordner / "konfiguration" / datei

    @cached_property
    def studie(self) -> studie_modul.Studie:
        return studie_modul.laden(self.konfiguration("studie.yml"))

    @cached_property
    def fragebogen(self) -> fragebogen_modul.Fragebogen:
        return fragebogen_modul.laden(self.konfiguration("fragebogen.yml"))

    @cached_property
    def typkatalog(self) -> typkatalog.Typkatalog:
        return typkatalog.laden(self.konfiguration("kommunentypen.yml"))


_geladen: dict[tuple, Ergebnisse] = {}


def laden(ordner: str | Path) -> Ergebnisse:
    """Lädt einen Ergebnisordner.

    Im selben Prozess (z. B. einem warmen Kernel, der viele Berichte nacheinander rendert)
    wird ein unveränderter Ordner nur einmal gelesen: Schlüssel ist der Stand von
    ``modell.json``, das bei jeder Auswertung neu geschrieben wird. Die Tabellen werden
    von den Berichten nur gelesen (pandas Copy-on-Write schützt sie zusätzlich).
    """
    ordner = Path(ordner).resolve()
    modell = ordner / "modell.json"
    if not modell.exists():
        raise FileNotFoundError(
            f"Keine Ergebnisse in {ordner}: zuerst 'analyse auswerten' ausführen.")
    stand = modell.stat()
    schluessel = (str(ordner), stand.st_mtime_ns, stand.st_size, stand.st_ino)
    if schluessel not in _geladen:
        if len(_geladen) >= 4:
            _geladen.pop(next(iter(_geladen)))
        _geladen[schluessel] = Ergebnisse(ordner)
    return _geladen[schluessel]
