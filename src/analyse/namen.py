"""Namen, die eine Grenze überqueren: Ergebnistabellen, Berichte, Dateien im Berichtsordner.

Der einzige Ort, an dem diese Namen stehen, in der untersten Schicht, damit alle sie benutzen:
``methoden`` und ``planung`` liefern ihre Tabellen unter ``Tabelle.X``, ``pipeline``
verbindet sie, ``ergebnisse.speichern`` nimmt nur Tabellen an, deren Name hier steht (und
deren Schema in ``ergebnisse.schemas`` geprüft wird), und Berichte, Excel, Website und
Arbeitshilfen lesen sie über ``Tabelle.X``. Nackte Tabellennamen als Zeichenketten verbietet
``tests/test_namen.py``.
"""

from __future__ import annotations

from enum import StrEnum


class Tabelle(StrEnum):
    """Tabellen in ``<ergebnisse>/tabellen/<name>.parquet`` (Spalten: ``schemas``)."""

    # Eingabe (geprüft) und Strukturdaten
    KOMMUNEN = "kommunen"
    ANTWORTEN = "antworten"
    STRUKTUR = "struktur"
    # Reifegrad (methoden.reifegrad)
    REIFEGRAD = "reifegrad"
    REIFEGRAD_AUSSCHLUESSE = "reifegrad_ausschluesse"
    RELIABILITAET = "reliabilitaet"
    TRENNSCHAERFE = "trennschaerfe"
    REIFEGRAD_KORRELATION = "reifegrad_korrelation"
    UNSICHERHEIT = "unsicherheit"
    UNSICHERHEIT_FELDER = "unsicherheit_felder"
    REIFEGRAD_STRUKTUR = "reifegrad_struktur"
    SENSITIVITAET = "sensitivitaet"
    ENTWICKLUNG = "entwicklung"
    # Kommunentypen (methoden.kommunentypen)
    TYPEN = "typen"
    TYPEN_VALIDITAET = "typen_validitaet"
    TYPEN_STABILITAET = "typen_stabilitaet"
    TYPEN_PROJEKTION = "typen_projektion"
    # Planung (planung.*): OZG → Auswahl → Rahmen → Verband → Roadmap, Personal
    OZG_STAND = "ozg_stand"
    OZG_ABDECKUNG = "ozg_abdeckung"
    OZG_VERGLEICH = "ozg_vergleich"
    OZG_RELEVANZ = "ozg_relevanz"
    OZG_LUECKEN = "ozg_luecken"
    ZIELWERTE = "zielwerte"
    EMPFEHLUNGEN = "empfehlungen"
    EMPFEHLUNGEN_ANZAHL = "empfehlungen_anzahl"
    EMPFEHLUNGEN_SUMMEN = "empfehlungen_summen"
    KOSTEN_JE_FELD_JAHR = "kosten_je_feld_jahr"
    RAHMEN = "rahmen"
    VERBAND_EMPFEHLUNGEN = "verband_empfehlungen"
    VERBAND_ROADMAP = "verband_roadmap"
    VERBAND_JAHRE = "verband_jahre"
    VERBAND_UMLAGE = "verband_umlage"
    VERBAND_VERSCHIEBUNGEN = "verband_verschiebungen"
    ROADMAP = "roadmap"
    ROADMAP_JAHRE = "roadmap_jahre"
    ROADMAP_KOSTEN = "roadmap_kosten"
    ROADMAP_BILANZ = "roadmap_bilanz"
    VERSCHIEBUNGEN = "verschiebungen"
    PERSONAL_RICHTWERTE = "personal_richtwerte"


#: Modell der Auswertung im Ergebnisordner (Inhalt: ``modell.Modell``).
MODELL_DATEI = "modell.json"
#: Unterordner des Ergebnisordners.
TABELLEN_ORDNER = "tabellen"
KONFIGURATION_ORDNER = "konfiguration"

# --- Berichte ---------------------------------------------------------------------------

#: Auftragsname und Dateistamm des Abschlussberichts (``abschlussbericht.ipynb``/``.html``).
ABSCHLUSSBERICHT = "abschlussbericht"
#: Berichtsvorlagen im Paket (``analyse/berichte/vorlagen``) bzw. im ``--vorlagen``-Ordner.
VORLAGE_KOMMUNE = "bericht_kommune.ipynb"
VORLAGE_ABSCHLUSS = f"{ABSCHLUSSBERICHT}.ipynb"
#: Unterordner der Kommunenberichte in ``<berichte>`` und ``<berichte>/html``.
KOMMUNEN_ORDNER = "kommunen"
#: Welche Kommunenberichte zum letzten Lauf gehören (liest die Website).
BERICHTSLAUF = "berichte.json"
#: Schlüssel in ``BERICHTSLAUF``: die AGS der Kommunenberichte des Laufs.
BERICHTSLAUF_KOMMUNEN = "kommunen"
