"""``modell.json``: das Modell einer Auswertung als pydantic-Modell mit Formatversion.

Berichte lesen es als typisiertes Objekt (``erg.modell.kommunentypen.verfahren.k_bereich``)
statt Schlüssel für Schlüssel aus einem Dict. Die Modelle nennen die Felder, die Berichte
lesen; weitere Felder sind erlaubt (``extra="allow"``), damit ein Rechenschritt Angaben
ergänzen kann, ohne dass hier etwas bricht.

``FORMAT`` zählt Änderungen am Ergebnisordner, die ältere Berichte oder Leser brechen.
Ergebnisse eines anderen Formats werden mit einer klaren Meldung abgelehnt (``VersionFehler``):
neu auswerten ist billig, falsch lesen nicht.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from analyse.methoden.kommunentypen import TypenModell
from analyse.methoden.reifegrad import ReifegradModell

#: Format des Ergebnisordners. 1: ohne Formatfeld; 2: Formatfeld, pandera-Schemas der Tabellen;
#: 3: Typisierung mit Benennung neuer Typen, Sicherheitsregel, ``typstruktur_belastbar``;
#: 4: Mischtyp-Regel aus der Lage zwischen den zwei nächsten Zentren (``lage_schwelle``, Spalte
#: ``lage`` in ``typen``).
FORMAT = 4


class ErgebnisFehler(ValueError):
    """Ein Ergebnisordner lässt sich nicht lesen oder schreiben (Version, Modell, Schema)."""


class VersionFehler(ErgebnisFehler):
    """Ergebnisse aus einer anderen Version, die diese nicht lesen kann."""


class ModellFehler(ErgebnisFehler):
    """``modell.json`` passt nicht zum Modell (fehlende Felder, falsche Typen)."""


class _Offen(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class StudieKurz(_Offen):
    titel: str
    verband: str
    wellen: list[int]
    aktuelle_welle: int
    seed: int


class Einordnung(_Offen):
    """Eine Kommune, die mit dem gespeicherten Modell eingeordnet wurde (``arbeitshilfen``)."""

    ags: str
    name: str
    quelle: str
    studie_ergebnisse: str
    welle: int
    in_studie: bool


class Modell(_Offen):
    """Inhalt von ``modell.json``."""

    format: int
    version: str
    studie: StudieKurz
    #: die Modelle der Methoden selbst (eine Stelle je Feld; dort ``extra="forbid"``)
    reifegrad: ReifegradModell
    kommunentypen: TypenModell
    einstellungen: dict[str, Any]
    #: nur im Ergebnisordner einer Einordnung (``arbeitshilfen.einordnen.ergebnisordner``)
    einordnung: Einordnung | None = None


def _fehlertext(e: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(t) for t in f['loc'])}: {f['msg']}" for f in e.errors()[:10])


def pruefen(text: str, quelle: Path | str) -> Modell:
    """Liest ``modell.json`` (Text); prüft erst das Format, dann die Felder."""
    roh = json.loads(text)
    gefunden = roh.get("format") if isinstance(roh, dict) else None
    if gefunden != FORMAT:
        version = roh.get("version", "unbekannt") if isinstance(roh, dict) else "unbekannt"
        alter = ("älteren" if gefunden is None or (isinstance(gefunden, int) and gefunden < FORMAT)
                 else "neueren")
        raise VersionFehler(
            f"Die Ergebnisse in {quelle} stammen aus einer {alter} Version von analyse "
            f"(analyse {version}, Ergebnisformat {gefunden or 1}); diese Version liest "
            f"Ergebnisformat {FORMAT}. Bitte die Studie neu auswerten: analyse auswerten "
            "--daten STUDIENORDNER (die Eingabedaten bleiben unverändert).")
    try:
        return Modell.model_validate(roh)
    except ValidationError as e:
        raise ModellFehler(f"{quelle} passt nicht zum Ergebnismodell: {_fehlertext(e)}") from None
