"""Arbeitshilfen für Kommunen, die nicht Referenzkommune der Studie waren.

``selbstauskunft`` schreibt das Arbeitsbuch zur Selbstauskunft aus dem Codebuch, ``einlesen``
liest und prüft ein ausgefülltes Arbeitsbuch (oder eine CSV-Zeile im Format der Studie),
``einordnen`` ordnet die Kommune mit dem gespeicherten Modell in die Studie ein, ohne deren
Ergebnisse zu verändern.
"""
