"""Ergebnisordner: Tabellen und Modell schreiben und lesen; Namen, Schemas und Modell der Grenze."""

from analyse.ergebnisse.modell import ErgebnisFehler, Modell, ModellFehler, VersionFehler
from analyse.ergebnisse.namen import Tabelle
from analyse.ergebnisse.schemas import SchemaFehler
from analyse.ergebnisse.speicher import Ergebnisse, laden, speichern

__all__ = ["ErgebnisFehler", "Ergebnisse", "Modell", "ModellFehler", "SchemaFehler", "Tabelle", "VersionFehler",
           "laden", "speichern"]
