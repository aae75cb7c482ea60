"""Ergebnisordner: Tabellen und Modell schreiben und lesen; Namen, Schemas und Modell der Grenze."""

from analyse.ergebnisse.modell import ErgebnisFehler, Modell, ModellFehler, VersionFehler
from analyse.ergebnisse.schemas import SchemaFehler
from analyse.ergebnisse.speicher import Ergebnisse, laden, speichern
from analyse.namen import Tabelle

__all__ = ["ErgebnisFehler", "Ergebnisse", "Modell", "ModellFehler", "SchemaFehler", "Tabelle", "VersionFehler",
           "laden", "speichern"]
