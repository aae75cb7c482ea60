"""Ergebnisordner: Tabellen und Modell schreiben und lesen."""

from analyse.ergebnisse.speicher import Ergebnisse, laden, speichern

__all__ = ["Ergebnisse", "laden", "speichern"]
