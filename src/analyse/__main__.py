"""``python -m analyse`` ist dasselbe wie der Befehl ``analyse``."""

from .cli import app

app(prog_name="analyse")
