"""Analyse- und Berichtssystem für die digitale Transformation von Kommunen.

Das Paket macht die eigentliche Arbeit; Notebooks und CLI rufen es nur auf.
"""

__version__ = "0.1.0"
