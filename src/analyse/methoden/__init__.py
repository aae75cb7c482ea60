"""Die Analyseverfahren: Reifegrad (Composite Indicator), Kommunentypen, Vergleichsgruppen."""
