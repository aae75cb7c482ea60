"""Der Maßnahmenkatalog (``massnahmen.yml``): Modell, Laden und Prüfen.

Jede Maßnahme nennt ihre Handlungsfelder, die Kommunentypen, zu denen sie passt,
Voraussetzungen (andere Maßnahmen und/oder ein Mindestreifegrad), Dauer, Aufwand und
Kosten je Kostenklasse (``GK1``–``GK7``; Kreise über ``groessenklassen.KOSTENKLASSE``).

Zwei Felder steuern die Auswahl (``empfehlungen.py``):

- ``wirkung``: erwartete Verbesserung des Reifegrads in jedem ihrer Handlungsfelder
  (Punkte auf der Skala 0–100); so viel Lücke kann die Maßnahme höchstens schließen.
- ``umgesetzt_ab``: ab diesem Reifegrad in *allen* ihren Handlungsfeldern gilt die
  Maßnahme als bereits umgesetzt. Sie wird dann nicht empfohlen und zählt als erfüllte
  Voraussetzung für andere Maßnahmen. (Der Fragebogen fragt nicht jede Maßnahme
  einzeln ab; der Reifegrad des Feldes ist die beste verfügbare Schätzung.)

``ebene: verband`` kennzeichnet Maßnahmen für den Verband bzw. IT-Dienstleister selbst;
``buendelt`` nennt die kommunalen Maßnahmen, die er damit für viele Mitglieder bündelt.

Geprüft wird wie bei den Erhebungsdaten: unbekannte Felder, unbekannte IDs von
Handlungsfeldern und Typen, fehlende Verweise und Zyklen unter den Voraussetzungen
werden alle auf einmal als ``Problem`` mit Zeile gemeldet.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.groessenklassen import KLASSEN, KOSTENKLASSE, KOSTENKLASSEN
from analyse.eingabe.yamlquelle import Pfad, pydantic_probleme, yaml_laden

ID_MUSTER = r"^[a-z][a-z0-9_]*$"


def _alle_klassen(werte: float | dict[str, float]) -> float | dict[str, float]:
    if isinstance(werte, dict):
        fehlt = [k for k in KOSTENKLASSEN if k not in werte]
        fremd = sorted(set(werte) - set(KOSTENKLASSEN))
        if fehlt or fremd:
            raise ValueError(f"Werte für genau die Kostenklassen GK1–GK7 (fehlend: {fehlt}, "
                             f"unbekannt: {fremd})")
    return werte


#: Ein Betrag für alle Klassen oder je Kostenklasse GK1–GK7.
JeKlasse = Annotated[
    Annotated[float, Field(ge=0)] | dict[str, Annotated[float, Field(ge=0)]],
    AfterValidator(_alle_klassen),
]


def _fuer_klasse(wert: float | dict[str, float], groessenklasse: str) -> float:
    if not isinstance(wert, dict):
        return float(wert)
    return float(wert[KOSTENKLASSE.get(groessenklasse, groessenklasse)])


class _Streng(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Voraussetzungen(_Streng):
    massnahmen: list[str] = Field(default_factory=list)
    mindestreifegrad: dict[str, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="Handlungsfeld-ID → Mindestreifegrad (0–100)")


class Kosten(_Streng):
    einmalig: JeKlasse
    jaehrlich: JeKlasse = 0.0


class Massnahme(_Streng):
    id: str = Field(pattern=ID_MUSTER)
    titel: str = Field(min_length=3)
    beschreibung: str = Field(min_length=10)
    ebene: Literal["kommune", "verband"] = "kommune"
    handlungsfelder: list[str] = Field(min_length=1)
    kommunentypen: list[str] = Field(default_factory=list,
                                     description="passende Typ-IDs; leer = alle gleich")
    nur_arten: list[Literal["Gemeinde", "Stadt", "kreisfreie Stadt", "Kreis"]] = Field(
        default_factory=list, description="nur für diese Arten; leer = alle")
    nur_groessenklassen: list[str] = Field(default_factory=list,
                                           description="nur für diese Größenklassen; leer = alle")
    voraussetzungen: Voraussetzungen = Voraussetzungen()
    dauer_monate: int = Field(ge=1, le=48)
    aufwand_personentage: JeKlasse
    kosten: Kosten
    ozg_relevant: bool = False
    wirkung: float = Field(10, gt=0, le=50)
    umgesetzt_ab: float = Field(70, ge=0, le=100)
    buendelt: list[str] = Field(default_factory=list)
    quelle: str = Field(min_length=3, description="Quelle oder kurze Begründung")

    def kosten_einmalig(self, groessenklasse: str) -> float:
        return _fuer_klasse(self.kosten.einmalig, groessenklasse)

    def kosten_jaehrlich(self, groessenklasse: str) -> float:
        return _fuer_klasse(self.kosten.jaehrlich, groessenklasse)

    def aufwand(self, groessenklasse: str) -> float:
        return _fuer_klasse(self.aufwand_personentage, groessenklasse)

    def passt_zu(self, art: str, groessenklasse: str) -> bool:
        """Ob die Maßnahme für eine Kommune dieser Art und Größenklasse in Frage kommt."""
        return ((not self.nur_arten or art in self.nur_arten)
                and (not self.nur_groessenklassen or groessenklasse in self.nur_groessenklassen))

    @property
    def dauer_quartale(self) -> int:
        return -(-self.dauer_monate // 3)


class Katalog(_Streng):
    massnahmen: list[Massnahme] = Field(min_length=1)

    @cached_property
    def nach_id(self) -> dict[str, Massnahme]:
        return {m.id: m for m in self.massnahmen}

    def ebene(self, ebene: str) -> list[Massnahme]:
        return [m for m in self.massnahmen if m.ebene == ebene]

    def voraussetzungen_transitiv(self, massnahme_id: str) -> list[str]:
        """Alle (auch mittelbaren) Voraussetzungen, Voraussetzungen zuerst (deterministisch)."""
        ergebnis: list[str] = []

        def besuchen(mid: str) -> None:
            for v in sorted(self.nach_id[mid].voraussetzungen.massnahmen):
                if v not in ergebnis:
                    besuchen(v)
                    ergebnis.append(v)

        besuchen(massnahme_id)
        return ergebnis


def _zyklen(kanten: dict[str, list[str]]) -> list[list[str]]:
    """Findet Zyklen (je einen je stark zusammenhängender Komponente), deterministisch."""
    farbe: dict[str, int] = {}
    gefunden: list[list[str]] = []
    gesehen: set[frozenset[str]] = set()

    def besuchen(knoten: str, stapel: list[str]) -> None:
        farbe[knoten] = 1
        stapel.append(knoten)
        for nach in sorted(kanten.get(knoten, [])):
            if nach not in kanten:
                continue
            if farbe.get(nach) == 1:
                zyklus = stapel[stapel.index(nach):] + [nach]
                schluessel = frozenset(zyklus)
                if schluessel not in gesehen:
                    gesehen.add(schluessel)
                    gefunden.append(zyklus)
            elif farbe.get(nach) is None:
                besuchen(nach, stapel)
        stapel.pop()
        farbe[knoten] = 2

    for k in sorted(kanten):
        if k not in farbe:
            besuchen(k, [])
    return gefunden


def _zeile(zeilen: dict[Pfad, int], n: int, *pfad: str | int) -> int | None:
    """Zeile des genauesten bekannten Pfads im Eintrag ``n`` (sonst die des Eintrags)."""
    for laenge in range(len(pfad), -1, -1):
        z = zeilen.get(("massnahmen", n, *pfad[:laenge]))
        if z is not None:
            return z
    return None


def _doppelte_ids(massnahmen: dict[int, Massnahme], datei: str, zeilen: dict[Pfad, int]
                  ) -> tuple[list[Problem], dict[str, int]]:
    """Probleme mit doppelten IDs und die erste Eintragsnummer je ID."""
    probleme: list[Problem] = []
    ids: dict[str, int] = {}
    for n, m in massnahmen.items():
        if m.id in ids:
            probleme.append(Problem(datei, zeilen.get(("massnahmen", n, "id")), "id", m.id,
                                    f"eindeutige Maßnahmen-IDs (schon in Eintrag {ids[m.id] + 1})"))
        ids.setdefault(m.id, n)
    return probleme, ids


def _namen_pruefen(n: int, m: Massnahme, datei: str, zeilen: dict[Pfad, int],
                   felder: list[str] | None, typen: list[str] | None) -> list[Problem]:
    """Handlungsfelder, Kommunentypen und Größenklassen eines Eintrags: nur bekannte Namen."""
    probleme = []
    listen = [("handlungsfelder", m.handlungsfelder, felder,
               f"eines der Handlungsfelder {felder}"),
              ("kommunentypen", m.kommunentypen, typen, f"einen der Kommunentypen {typen}"),
              ("nur_groessenklassen", m.nur_groessenklassen, KLASSEN,
               f"eine der Größenklassen {list(KLASSEN)}")]
    for spalte, werte, erlaubt, erwartung in listen:
        probleme += [Problem(datei, _zeile(zeilen, n, spalte, i), spalte, w, erwartung)
                     for i, w in enumerate(werte) if erlaubt is not None and w not in erlaubt]
    probleme += [Problem(datei, _zeile(zeilen, n, "voraussetzungen", "mindestreifegrad", f),
                         "voraussetzungen.mindestreifegrad", f,
                         f"eines der Handlungsfelder {felder}")
                 for f in m.voraussetzungen.mindestreifegrad
                 if felder is not None and f not in felder]
    return probleme


def _verweise_pruefen(n: int, m: Massnahme, datei: str, zeilen: dict[Pfad, int],
                      ebene: dict[str, str]) -> list[Problem]:
    """Voraussetzungen (gleiche Ebene) und gebündelte Maßnahmen (nur Verband → Kommune)."""
    probleme = []
    for i, v in enumerate(m.voraussetzungen.massnahmen):
        z = _zeile(zeilen, n, "voraussetzungen", "massnahmen", i)
        if v not in ebene:
            probleme.append(Problem(datei, z, "voraussetzungen.massnahmen", v,
                                    "die ID einer Maßnahme aus diesem Katalog"))
        elif ebene[v] != m.ebene:
            probleme.append(Problem(datei, z, "voraussetzungen.massnahmen", v,
                                    f"eine Maßnahme derselben Ebene ('{m.ebene}')"))
    for i, b in enumerate(m.buendelt):
        z = _zeile(zeilen, n, "buendelt", i)
        if m.ebene != "verband":
            probleme.append(Problem(datei, z, "buendelt", b,
                                    "'buendelt' nur bei Maßnahmen mit 'ebene: verband'"))
        elif ebene.get(b) != "kommune":
            probleme.append(Problem(datei, z, "buendelt", b,
                                    "die ID einer kommunalen Maßnahme aus diesem Katalog"))
    return probleme


def _querbezuege(massnahmen: dict[int, Massnahme], datei: str, zeilen: dict[Pfad, int],
                 handlungsfelder: Iterable[str] | None, typen: Iterable[str] | None
                 ) -> list[Problem]:
    felder = None if handlungsfelder is None else sorted(handlungsfelder)
    typen = None if typen is None else sorted(typen)
    probleme, ids = _doppelte_ids(massnahmen, datei, zeilen)
    ebene = {m.id: m.ebene for m in massnahmen.values()}
    for n, m in massnahmen.items():
        probleme += _namen_pruefen(n, m, datei, zeilen, felder, typen)
        probleme += _verweise_pruefen(n, m, datei, zeilen, ebene)
    kanten = {m.id: [v for v in m.voraussetzungen.massnahmen if v in ebene]
              for m in massnahmen.values()}
    for zyklus in _zyklen(kanten):
        n = ids[zyklus[0]]
        probleme.append(Problem(datei, _zeile(zeilen, n, "voraussetzungen", "massnahmen"),
                                "voraussetzungen.massnahmen", " → ".join(zyklus),
                                "Voraussetzungen ohne Zyklus (eine Maßnahme kann nicht "
                                "mittelbar von sich selbst abhängen)"))
    return probleme


def pruefen(daten: Any, zeilen: dict[Pfad, int], datei: str,
            handlungsfelder: Iterable[str] | None, typen: Iterable[str] | None) -> Katalog:
    """Prüft geladene Katalogdaten; wirft ``Eingabefehler`` mit allen Problemen."""
    probleme: list[Problem] = []
    try:
        katalog = Katalog.model_validate(daten)
        gueltig = dict(enumerate(katalog.massnahmen))
    except ValidationError as e:
        katalog = None
        probleme.extend(pydantic_probleme(e, datei, zeilen, daten))
        # Gültige Einträge trotzdem auf Verweise prüfen, damit alles auf einmal kommt.
        gueltig = {}
        eintraege = daten.get("massnahmen") if isinstance(daten, dict) else None
        for n, eintrag in enumerate(eintraege if isinstance(eintraege, list) else []):
            try:
                gueltig[n] = Massnahme.model_validate(eintrag)
            except ValidationError:
                continue
    probleme.extend(_querbezuege(gueltig, datei, zeilen, handlungsfelder, typen))
    if probleme:
        raise Eingabefehler(probleme)
    assert katalog is not None
    return katalog


def laden(pfad: Path, handlungsfelder: Iterable[str] | None,
          typen: Iterable[str] | None) -> Katalog:
    """Lädt und prüft ``massnahmen.yml``.

    ``handlungsfelder`` und ``typen`` sind die gültigen IDs aus Codebuch und Typkatalog der
    Studie. ``None``: nicht bekannt, weil die Datei selbst fehlerhaft ist (das meldet ihre
    Prüfung); dann werden Verweise darauf nicht geprüft, statt fremde Vorgaben anzunehmen.
    """
    daten, zeilen = yaml_laden(pfad)
    return pruefen(daten, zeilen, pfad.name, handlungsfelder, typen)
