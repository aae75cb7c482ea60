"""Planung: Auswahl der Handlungsempfehlungen, Roadmap, Personal und Finanzen, OZG."""
