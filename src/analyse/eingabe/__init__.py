"""Eingaben: Codebuch, Einstellungen, Kataloge und der Studienordner; Prüfung mit Fehlerberichten."""
