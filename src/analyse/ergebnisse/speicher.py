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
from analyse.ergebnisse import modell as modell_modul
from analyse.ergebnisse import schemas
from analyse.namen import KONFIGURATION_ORDNER, MODELL_DATEI, TABELLEN_ORDNER, Tabelle

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
    """Schreibt alle Ergebnisse atomar nach ``ordner`` (ersetzt einen alten Stand ganz).

    Vorher werden alle Tabellen gegen ihr Schema und das Modell gegen ``modell.Modell``
    geprüft: was nicht passt, wird gar nicht erst geschrieben.
    """
    for name, df in tabellen.items():
        schemas.pruefen(name, df, "beim Speichern")
    text = modell_json({**modell, "format": modell_modul.FORMAT})
    modell_modul.pruefen(text, "dem neuen Modell")
    with atomar_ordner(ordner) as tmp:
        (tmp / TABELLEN_ORDNER).mkdir()
        for name, df in sorted(tabellen.items()):
            df.to_parquet(tmp / TABELLEN_ORDNER / f"{name}.parquet", index=False)
        (tmp / MODELL_DATEI).write_text(text, encoding="utf-8")
        (tmp / KONFIGURATION_ORDNER).mkdir()
        for datei in KONFIGURATIONEN:
            if (daten / datei).exists():
                shutil.copy2(daten / datei, tmp / KONFIGURATION_ORDNER / datei)
        for name, inhalt in (zusatz or {}).items():
            pfad = tmp / name
            pfad.parent.mkdir(parents=True, exist_ok=True)
            pfad.write_bytes(inhalt)


@dataclass
class Ergebnisse:
    """Geladene Ergebnisse; Tabellen werden beim ersten Zugriff gelesen."""

    ordner: Path
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def tabelle(self, name: Tabelle) -> pd.DataFrame:
        """Eine Tabelle (``namen.Tabelle``), beim ersten Lesen gegen ihr Schema geprüft."""
        if name not in self._cache:
            pfad = self._pfad(name)
            if not pfad.exists():
                raise KeyError(f"Tabelle '{name}' fehlt in {self.ordner}")
            df = pd.read_parquet(pfad)
            schemas.pruefen(name, df, f"beim Laden aus {self.ordner}")
            self._cache[name] = df
        return self._cache[name]

    def tabelle_falls_vorhanden(self, name: Tabelle) -> pd.DataFrame | None:
        """Wie ``tabelle``, aber ``None``, wenn der Ergebnisordner sie nicht enthält.

        Berichtsabschnitte überstehen so Ergebnisse ohne eine Tabelle (z. B. ohne Verband
        oder OZG-Angaben); eine vorhandene Tabelle wird wie immer gegen ihr Schema geprüft.
        """
        if name not in self._cache and not self._pfad(name).exists():
            return None
        return self.tabelle(name)

    def tabelle_oder_leer(self, name: Tabelle) -> pd.DataFrame:
        """Wie ``tabelle_falls_vorhanden``, aber eine leere Tabelle statt ``None``."""
        df = self.tabelle_falls_vorhanden(name)
        return pd.DataFrame() if df is None else df

    def _pfad(self, name: Tabelle) -> Path:
        return self.ordner / TABELLEN_ORDNER / f"{name}.parquet"

    @property
    def tabellen(self) -> list[str]:
        return sorted(p.stem for p in (self.ordner / TABELLEN_ORDNER).glob("*.parquet"))

    @cached_property
    def modell(self) -> modell_modul.Modell:
        pfad = self.ordner / MODELL_DATEI
        return modell_modul.pruefen(pfad.read_text(encoding="utf-8"), pfad)

    @cached_property
    def kommunen(self) -> pd.DataFrame:
        """Stammdaten mit Größenklasse, Index ``ags``."""
        return self.tabelle(Tabelle.KOMMUNEN).set_index("ags")

    def konfiguration(self, datei: str) -> Path:
        return self.ordner / KONFIGURATION_ORDNER / datei

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
    modell = ordner / MODELL_DATEI
    if not modell.exists():
        raise FileNotFoundError(
            f"Keine Ergebnisse in {ordner}: zuerst 'analyse auswerten' ausführen.")
    stand = modell.stat()
    schluessel = (str(ordner), stand.st_mtime_ns, stand.st_size, stand.st_ino)
    if schluessel not in _geladen:
        erg = Ergebnisse(ordner)
        erg.modell  # noqa: B018 – Format früh prüfen: Ergebnisse einer anderen Version melden
        if len(_geladen) >= 4:
            _geladen.pop(next(iter(_geladen)))
        _geladen[schluessel] = erg
    return _geladen[schluessel]
