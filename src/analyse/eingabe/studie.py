"""Die Studienbeschreibung (``studie.yml``): Titel, Verband, Wellen und alle Einstellungen.

Jede Methode liest ihre Parameter aus genau einem Abschnitt hier; Voreinstellungen
stehen in diesen Modellen, nicht im Code der Methoden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from analyse.eingabe.groessenklassen import KOSTENKLASSEN
from analyse.eingabe.yamlquelle import modell_laden


class _Streng(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Welle(_Streng):
    id: int = Field(ge=1900, le=2200, description="Erhebungsjahr oder laufende Kennung")
    bezeichnung: str
    datum: dt.date | None = None


@dataclass(frozen=True)
class Clusterverfahren:
    """Ein Eintrag im Register der Clustering-Verfahren (CLI, studie.yml, Methodenanhang)."""

    id: str
    name: str
    beschreibung: str
    k_wahl: str  # wie k innerhalb des Verfahrens gewählt wird


#: Das eine Register der Clustering-Verfahren. ``analyse.methoden.kommunentypen`` hält die
#: Umsetzung je ID (und prüft beim Import, dass es genau diese sind); die Auswahl auf der
#: Kommandozeile, die Prüfung von studie.yml und der Methodenanhang lesen nur dieses Register.
CLUSTERVERFAHREN: dict[str, Clusterverfahren] = {v.id: v for v in (
    Clusterverfahren("kmeans", "k-means", "k-means (Lloyd, k-means++-Start, 4 Starts)",
                     "bester mittlerer Rang aus Silhouette, Calinski-Harabasz und Davies-Bouldin"),
    Clusterverfahren("ward", "Ward", "hierarchisch nach Ward (euklidisch); über 3.000 Kommunen "
                     "Baum auf einer Stichprobe, übrige zum nächsten Zentrum",
                     "bester mittlerer Rang aus Silhouette, Calinski-Harabasz und Davies-Bouldin"),
    Clusterverfahren("gmm", "Gaussian Mixture", "Gaussian-Mixture-Modell mit diagonalen "
                     "Kovarianzen (EM, k-means++-Start)", "kleinstes BIC"),
)}
#: Zulässige Werte für ``kommunentypen.methode`` und ``--methode``.
METHODEN_WAHL: tuple[str, ...] = ("auto", *CLUSTERVERFAHREN)


class KommunentypenEinstellungen(_Streng):
    typisieren: bool = Field(
        True, description="false: die Studie läuft ohne Kommunentypen (etwa mit zu wenigen "
                          "Kommunen): Berichte zeigen das Zielprofil, Empfehlungen ohne Typ")
    methode: str = Field("auto", description="auto oder ein Verfahren aus CLUSTERVERFAHREN")
    k: int | Literal["auto"] = "auto"
    k_bereich: tuple[int, int] = (2, 8)
    bootstrap: int = Field(100, ge=10, description="Bootstrap-Wiederholungen für Stabilität "
                                                   "und Zuordnungssicherheit")
    stabil_ab: float = Field(0.75, gt=0, le=1, description="Jaccard-Schwelle (Hennig)")
    standardisierung: Literal["keine", "z"] = Field(
        "keine", description="keine: gemeinsame Skala 1–5; z: je Ziel z-standardisiert")
    ipsatisieren: bool = Field(
        False, description="je Kommune das Mittel ihrer Prioritäten abziehen (Zeilenzentrierung): "
                           "für Studien, in denen allgemeine Zustimmung die Prioritäten überdeckt")
    null_ziehungen: int = Field(50, ge=50, description="Datensätze der Nullreferenz (Gauß-Copula "
                                                       "auf der Ratingskala)")
    null_perzentil: float = Field(0.95, ge=0.5, lt=1, description="Struktur nur, wenn die "
                                  "Silhouette über diesem Perzentil der Nullreferenz liegt")
    benennung_schwelle: float = Field(
        0.5, gt=0, le=2, description="Name eines Prototyps nur bis zu diesem Anteil des kleinsten "
                                     "Abstands zwischen zwei Prototypen; darüber neuer Typ")
    mischtyp_fehlalarm: float = Field(
        0.04, gt=0, lt=0.5, description="kalibrierte Fehlalarmrate: so viele simulierte reine "
                                        "Typmitglieder liegen über der Mischtyp-Schwelle der "
                                        "Lage (4 %: Spielraum für die Stichprobenschwankung, "
                                        "damit Daten ohne Mischungen unter 5 % bleiben)")

    @model_validator(mode="after")
    def _k_im_bereich(self) -> KommunentypenEinstellungen:
        if self.methode not in METHODEN_WAHL:
            raise ValueError(f"methode: eines von {', '.join(METHODEN_WAHL)}")
        if not 2 <= self.k_bereich[0] <= self.k_bereich[1]:
            raise ValueError("k_bereich als (kleinstes k ≥ 2, größtes k)")
        if self.k != "auto" and self.k < 2:
            raise ValueError("k ≥ 2")
        return self


class ReifegradEinstellungen(_Streng):
    gewichte: dict[str, float] = Field(default_factory=dict,
                                       description="Gewicht je Handlungsfeld; fehlend = 1")
    aggregation: Literal["arithmetisch", "geometrisch"] = "arithmetisch"
    mindestanteil: float = Field(0.6, gt=0, le=1,
                                 description="Mindestanteil beantworteter Items je Feld")
    monte_carlo: int = Field(200, ge=0, description="Monte-Carlo-Varianten der Unsicherheit")
    messfehler: bool = Field(True, description="Monte Carlo zieht die Items je Feld mit "
                                               "Zurücklegen (Messfehler der Befragung)")
    normalisierungen: list[Literal["theoretisch", "beobachtet", "perzentil"]] = Field(
        default_factory=lambda: ["theoretisch", "beobachtet", "perzentil"],
        description="Normalisierungen, unter denen der Monte Carlo wählt (erste = nominal)")
    sensitivitaet: int = Field(256, ge=0, description="Basisstichprobe N der Sobol'-Analyse "
                                                      "(Zweierpotenz; 0 = keine)")
    parallelanalyse: int = Field(50, ge=0, description="Zufallsdatensätze der Parallelanalyse "
                                                      "(Horn); 0 = keine")
    stufen: dict[str, float] = Field(
        default_factory=lambda: {"Einsteiger": 0, "Grundlagen": 20, "Fortgeschritten": 40,
                                 "Etabliert": 60, "Vorreiter": 80},
        description="Stufenname → Untergrenze (0–100)",
    )
    weiss_nicht: Literal["niedrigste_stufe", "fehlend"] = Field(
        "niedrigste_stufe",
        description="'weiß nicht' als niedrigste Stufe werten oder wie eine fehlende Antwort")

    @model_validator(mode="after")
    def _pruefen(self) -> ReifegradEinstellungen:
        if not self.stufen or min(self.stufen.values()) != 0:
            raise ValueError("Stufen mit einer Stufe ab 0")
        if any(not 0 <= g <= 100 for g in self.stufen.values()):
            raise ValueError("Stufen-Untergrenzen zwischen 0 und 100")
        if len(set(self.stufen.values())) != len(self.stufen):
            raise ValueError("verschiedene Stufen-Untergrenzen")
        if self.sensitivitaet and self.sensitivitaet & (self.sensitivitaet - 1):
            raise ValueError("sensitivitaet: eine Zweierpotenz (z. B. 256) oder 0")
        if not self.normalisierungen or self.normalisierungen[0] != "theoretisch":
            raise ValueError("normalisierungen: Liste, die mit 'theoretisch' beginnt (nominal)")
        if any(g < 0 for g in self.gewichte.values()) or (
                self.gewichte and sum(self.gewichte.values()) == 0):
            raise ValueError("Gewichte ≥ 0, nicht alle 0")
        return self


class EmpfehlungenEinstellungen(_Streng):
    minimum: int = Field(11, ge=1, description="Mindestzahl Maßnahmen je Referenzkommune")
    maximum: int = Field(20, ge=1, description="Höchstzahl Maßnahmen je Referenzkommune")
    ziel_quantil: float = Field(0.75, gt=0, lt=1, description="Zielwert: Quantil der Größenklasse")
    gewicht_typ: float = Field(0.3, ge=0, le=2,
                               description="Zuschlag (Anteil) für Maßnahmen, die zum Typ passen")
    gewicht_voraussetzungen: float = Field(
        0.2, ge=0, le=1, description="Abschlag (Anteil), wenn keine Voraussetzung schon erfüllt ist")
    verband_schwelle: float = Field(0.3, gt=0, le=1,
                                    description="Mindestanteil der Mitglieder mit Bedarf")
    verband_maximum: int = Field(18, ge=1, description="Höchstzahl Verbandsempfehlungen")
    verband_mindestluecke: float = Field(
        10, ge=0, le=100, description="Lücke (Punkte), ab der ein Mitglied Bedarf hat")
    gewicht_ozg: float = Field(
        2.0, ge=0, le=5,
        description="OZG-Lücke als zusätzliches Feld: Prozentpunkte der relevanten Leistungen, "
                    "die gegenüber dem Zielquantil der Größenklasse fehlen, × Gewicht")
    ozg_ziel_stufe: int = Field(3, ge=1, le=4,
                                description="OZG-Reifegradstufe, ab der eine Leistung zählt")

    @model_validator(mode="after")
    def _bereich(self) -> EmpfehlungenEinstellungen:
        if self.minimum > self.maximum:
            raise ValueError("minimum ≤ maximum")
        return self


def _kostenklassen_pruefen(werte: dict[str, float], name: str) -> None:
    klassen = set(KOSTENKLASSEN)
    if set(werte) != klassen:
        raise ValueError(f"in '{name}' genau die Kostenklassen GK1–GK7 (fehlend: "
                         f"{sorted(klassen - set(werte))}, unbekannt: "
                         f"{sorted(set(werte) - klassen)})")


class RoadmapEinstellungen(_Streng):
    """Planungszeitraum und Jahresrahmen einer Kommune (Regel: ``planung.rahmen``).

    Der Rahmen folgt aus den eigenen Angaben der Kommune: Budget = ``anteil_digitalbudget``
    × gemeldetes IT- und Digitalbudget; Personentage = (``anteil_it_personal`` × IT-Stellen
    + ``anteil_beschaeftigte`` × Beschäftigte) × ``arbeitstage_je_vzae``. Nur wo eine Angabe
    fehlt, gilt der Klassenwert (``budget_je_jahr`` bzw. ``personentage_je_jahr``).
    """

    jahre: int = Field(3, ge=1, le=10, description="Planungszeitraum in Jahren (alle Texte)")
    startjahr: int | None = Field(None, description="leer = Jahr nach der aktuellen Welle")
    anteil_digitalbudget: float = Field(
        0.2, gt=0, le=1,
        description="Anteil des gemeldeten IT- und Digitalbudgets, der je Jahr für neue "
                    "Maßnahmen (einschließlich Umlage für neue Verbandsleistungen) verfügbar ist")
    anteil_it_personal: float = Field(
        0.2, ge=0, le=1, description="Anteil der IT- und Digitalisierungsstellen für Vorhaben")
    anteil_beschaeftigte: float = Field(
        0.002, ge=0, le=1,
        description="Anteil der Arbeitszeit aller Beschäftigten für Vorhaben (Fachbereiche)")
    arbeitstage_je_vzae: float = Field(200, gt=0, le=260,
                                       description="Personentage je Vollzeitstelle und Jahr")
    budget_je_jahr: dict[str, float] = Field(
        default_factory=lambda: {"GK1": 2_000_000, "GK2": 1_300_000, "GK3": 800_000,
                                 "GK4": 380_000, "GK5": 160_000, "GK6": 70_000, "GK7": 15_000},
        description="Ersatz, wenn kein Digitalbudget gemeldet ist: Rahmen (€/Jahr) je Kostenklasse")
    personentage_je_jahr: dict[str, float] = Field(
        default_factory=lambda: {"GK1": 6000, "GK2": 3600, "GK3": 3000, "GK4": 1100, "GK5": 420,
                                 "GK6": 190, "GK7": 45},
        description="Ersatz, wenn IT-Personal oder Beschäftigte fehlen: Personentage/Jahr je "
                    "Kostenklasse")

    @model_validator(mode="after")
    def _alle_kostenklassen(self) -> RoadmapEinstellungen:
        for name in ("budget_je_jahr", "personentage_je_jahr"):
            _kostenklassen_pruefen(getattr(self, name), name)
        return self


class VerbandEinstellungen(_Streng):
    """Rahmen und Umlage der Verbandsmaßnahmen (Regel: ``planung.verband``)."""

    budget_je_jahr: float = Field(1_000_000, ge=0,
                                  description="Rahmen des Verbands für neue Maßnahmen (€/Jahr)")
    personentage_je_jahr: float = Field(1500, ge=0,
                                        description="Kapazität des Verbands (Personentage/Jahr)")
    umlage: Literal["einwohner", "gleich"] = Field(
        "einwohner", description="Umlageschlüssel: nach Einwohnern oder zu gleichen Teilen")
    hoechstanteil_rahmen: float = Field(
        0.5, gt=0, le=1,
        description="höchstens dieser Anteil am Jahresrahmen eines Mitglieds geht in die Umlage; "
                    "sonst wird der Verbandsrahmen gekürzt")
    aufwand_anteil_mitglied: float = Field(
        0.25, ge=0, le=1,
        description="interner Aufwand eines Mitglieds für den Anschluss an eine Verbandslösung, "
                    "als Anteil am Aufwand der eigenen Maßnahme")
    anschluss_quartale: int = Field(
        2, ge=1, le=8, description="Dauer des Anschlusses an eine Verbandslösung (Quartale)")


class BerichteEinstellungen(_Streng):
    peer_mindestgroesse: int = Field(5, ge=2, description="kleinste Gruppe, deren Werte gezeigt werden")


_EMAIL = r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$"
_WEB = r"^https?://[^\s<>\"]+$"


class Durchsetzungsstelle(_Streng):
    """Wohin man sich wenden kann, wenn die Rückmeldung nichts bewirkt (Durchsetzungsverfahren).

    Für Kommunen die nach Landesrecht zuständige Stelle, für Stellen des Bundes die
    Schlichtungsstelle nach § 16 BGG.
    """

    name: str = Field(min_length=1)
    anschrift: str = ""
    email: str = Field("", pattern=f"({_EMAIL})|^$")
    telefon: str = ""
    webseite: str = Field("", pattern=f"({_WEB})|^$", description="http(s)-Adresse")


class BarrierefreiheitAngaben(_Streng):
    """Angaben der veröffentlichenden Stelle für die Erklärung zur Barrierefreiheit der Website
    (BITV 2.0 § 7, Durchführungsbeschluss (EU) 2018/1523)."""

    stelle: str = Field(min_length=1, description="öffentliche Stelle, die die Website veröffentlicht")
    anschrift: str = ""
    email: str = Field(pattern=_EMAIL, description="Kontakt für Rückmeldungen zur Barrierefreiheit")
    telefon: str = ""
    datum: dt.date = Field(description="Datum der Erklärung (Selbstbewertung)")
    ueberprueft: dt.date | None = Field(None, description="zuletzt überprüft am")
    webadresse: str = Field("", pattern=f"({_WEB})|^$",
                            description="Adresse, unter der die Website veröffentlicht ist")
    durchsetzung: Durchsetzungsstelle

    @model_validator(mode="after")
    def _reihenfolge(self) -> BarrierefreiheitAngaben:
        if self.ueberprueft is not None and self.ueberprueft < self.datum:
            raise ValueError("ueberprueft: nicht vor datum")
        return self


class Studie(_Streng):
    titel: str
    verband: str
    auftraggeber: str = ""
    beschreibung: str = ""
    seed: int = Field(20261123, ge=0, lt=2**32, description="Startwert aller Zufallsverfahren")
    wellen: list[Welle] = Field(min_length=1)
    kommunentypen: KommunentypenEinstellungen = KommunentypenEinstellungen()
    reifegrad: ReifegradEinstellungen = ReifegradEinstellungen()
    empfehlungen: EmpfehlungenEinstellungen = EmpfehlungenEinstellungen()
    roadmap: RoadmapEinstellungen = RoadmapEinstellungen()
    verbandsplan: VerbandEinstellungen = VerbandEinstellungen()
    berichte: BerichteEinstellungen = BerichteEinstellungen()
    barrierefreiheit: BarrierefreiheitAngaben | None = Field(
        None, description="Kontakt und Durchsetzungsstelle für die Erklärung zur Barrierefreiheit")

    @property
    def welle_ids(self) -> list[int]:
        return sorted(w.id for w in self.wellen)

    @property
    def aktuelle_welle(self) -> int:
        return self.welle_ids[-1]

    @model_validator(mode="after")
    def _wellen_eindeutig(self) -> Studie:
        ids = [w.id for w in self.wellen]
        if len(ids) != len(set(ids)):
            raise ValueError("eindeutige Wellen-IDs")
        return self


def laden(pfad: Path) -> Studie:
    return modell_laden(pfad, Studie)[0]


def mit_vorgaben(studie: Studie, *, methode: str | None = None, k: int | None = None,
                 seed: int | None = None) -> Studie:
    """Die Studie mit Vorgaben von der Kommandozeile (geprüft wie die YAML-Datei)."""
    daten = studie.model_dump()
    if methode is not None:
        daten["kommunentypen"]["methode"] = methode
    if k is not None:
        daten["kommunentypen"]["k"] = k
    if seed is not None:
        daten["seed"] = seed
    return Studie.model_validate(daten)
