"""Bausteine der Berichte: jede Funktion liefert einen Abschnitt, der im Notebook angezeigt wird.

Alles, was aus Daten stammt, wird hier maskiert (``html.escape``); Notebooks
setzen kein HTML selbst zusammen.
"""
