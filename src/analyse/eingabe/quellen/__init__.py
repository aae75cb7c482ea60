"""Fremde Quellen in den Studienordner: Befragungsexporte (LimeSurvey, SPSS, Excel, CSV) über eine
Zuordnung, das amtliche Gemeindeverzeichnis (Destatis) und der Fragebogen hinaus nach LimeSurvey.
"""
