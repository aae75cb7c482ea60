"""``python -m analyse`` ist dasselbe wie der Befehl ``analyse``."""

from analyse.cli import app

app(prog_name="analyse")
