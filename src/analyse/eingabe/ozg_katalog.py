"""OZG-Leistungen: Katalog, Relevanz je Art und Größenklasse, Abdeckung einer Kommune.

Katalog (``katalog/ozg_leistungen.csv``, UTF-8, Trennzeichen ``;``; ein vollständiger
Export im selben Format oder mit den üblichen deutschen Spaltennamen kann mit
``laden(pfad)`` geladen werden, Trennzeichen ``;`` oder ``,``):

=====================  ==========================================================
``id``                 eigene, stabile Kennung (a–z, 0–9, _); auf sie verweisen die
                       Items des Fragebogens (``ozg_leistung``). Fehlt die Spalte, wird
                       sie aus ``ozg_id`` gebildet (``ozg_<ID>``).
``ozg_id``             amtliche OZG-ID laut OZG-Informationsplattform; nur gesetzt, wo
                       sie sicher bekannt ist, sonst leer
``leistung``           Bezeichnung der Leistung
``themenfeld``         eines der 14 OZG-Themenfelder (``THEMENFELDER``)
``lebenslage``         Lebens- bzw. Geschäftslage (Orientierung am Umsetzungskatalog)
``ebene``              vollziehende Ebene: ``Gemeinde``, ``Kreis`` (Kreise und kreisfreie
                       Städte), ``kreisfreie Stadt`` (nur kreisfreie Städte), ``Land``, ``Bund``
``ab_groessenklasse``  nur bei ``Kreis``: ab dieser Gemeindegrößenklasse (z. B. ``GK5``
                       = GK1–GK5) nehmen kreisangehörige Städte die Aufgabe häufig
                       selbst wahr (große/mittlere kreisangehörige Städte: Bauaufsicht,
                       Jugendamt, Ausländer- oder Straßenverkehrsbehörde); leer = nie
=====================  ==========================================================

Relevanzregel (``ist_relevant``), abgeleitet aus Ebene, Art und Größenklasse:

- ``Gemeinde``: relevant für Gemeinden, Städte und kreisfreie Städte, nicht für Kreise.
- ``Kreis``: relevant für Kreise und kreisfreie Städte (die beide Ebenen vereinen);
  für kreisangehörige Gemeinden/Städte nur ab ``ab_groessenklasse``.
- ``kreisfreie Stadt``: nur für kreisfreie Städte.
- ``Land``/``Bund``: für keine Kommune (im Export enthalten, hier nicht bewertet).

Die Zuständigkeit ist Landesrecht; die Regel ist eine Voreinstellung für Vergleiche,
keine Rechtsauskunft.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from analyse.dateien import Unlesbar, datei_lesen
from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.fragebogen import Fragebogen
from analyse.eingabe.groessenklassen import KLASSEN, KOSTENKLASSEN
from analyse.ressourcen import datei

THEMENFELDER = (
    "Arbeit & Ruhestand", "Bauen & Wohnen", "Bildung", "Ein- und Auswanderung",
    "Engagement & Hobby", "Familie & Kind", "Forschung & Förderung", "Gesundheit",
    "Mobilität & Reisen", "Querschnitt", "Recht & Ordnung", "Steuern & Zoll", "Umwelt",
    "Unternehmensführung & -entwicklung",
)
EBENEN = ("Gemeinde", "Kreis", "kreisfreie Stadt", "Land", "Bund")
SPALTEN = ("id", "ozg_id", "leistung", "themenfeld", "lebenslage", "ebene", "ab_groessenklasse")
PFLICHT = ("leistung", "themenfeld", "ebene")
GEMEINDEKLASSEN = KOSTENKLASSEN  # GK1–GK7 der Städte und Gemeinden
#: Stufen des OZG-Reifegradmodells (Werte der Skala der OZG-Items).
STUFEN = {0: "offline", 1: "Information", 2: "Formularassistent", 3: "Online-Leistung",
          4: "Online-Transaktion"}
#: Ab dieser Stufe gilt eine Leistung als online verfügbar.
ONLINE_AB = 3

# Übliche Spaltennamen in Exporten → Spalten hier (klein geschrieben verglichen).
_ALIASE = {
    "ozg-id": "ozg_id", "ozg id": "ozg_id", "leistungs-id": "ozg_id",
    "name": "leistung", "leistungsname": "leistung", "bezeichnung": "leistung",
    "ozg-leistung": "leistung",
    "lebens- und geschäftslage": "lebenslage", "geschäftslage": "lebenslage",
    "zuständigkeit": "ebene", "vollzug": "ebene", "verwaltungsebene": "ebene",
    "ab größenklasse": "ab_groessenklasse", "ab_größenklasse": "ab_groessenklasse",
}
_EBENE_ALIASE = {"gemeinde": "Gemeinde", "kommune": "Gemeinde", "kreis": "Kreis",
                 "landkreis": "Kreis", "kreisfreie stadt": "kreisfreie Stadt", "land": "Land",
                 "bund": "Bund"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _standardpfad() -> Path:
    return datei("analyse.eingabe", "katalog", "ozg_leistungen.csv")


def laden(pfad: Path | None = None) -> pd.DataFrame:
    """Lädt den mitgelieferten Katalog (ohne ``pfad``) oder einen Export; prüft alle Zeilen.

    Rückgabe: eine Zeile je Leistung mit den Spalten ``SPALTEN`` (Text; leer = "").
    Wirft ``Eingabefehler`` mit Datei, Zeile, Spalte, Wert und Erwartung.
    """
    pfad = pfad or _standardpfad()
    name = pfad.name
    try:
        roh = datei_lesen(pfad, hoechstens=200_000_000)
        text = roh.decode("utf-8-sig")
    except Unlesbar as e:
        raise Eingabefehler([Problem(name, None, None, None, e.grund)]) from None
    except UnicodeDecodeError as e:
        zeile = roh[: e.start].count(b"\n") + 1
        raise Eingabefehler([Problem(name, zeile, None, None,
                                     "UTF-8-kodierten Text (in Excel: „CSV UTF-8“ speichern)")]
                            ) from None
    return aus_text(text, name)


def katalog_laden(daten: Path | None = None) -> pd.DataFrame:
    """Katalog einer Studie: ``<daten>/ozg_leistungen.csv``, wenn vorhanden (z. B. ein
    vollständiger Export), sonst der mitgelieferte Katalog."""
    if daten is not None and (Path(daten) / "ozg_leistungen.csv").exists():
        return laden(Path(daten) / "ozg_leistungen.csv")
    return laden()


def _spalten(kopf: list[str], datei: str) -> list[str]:
    """Spaltennamen der Kopfzeile (Aliase aufgelöst); fehlen Pflichtspalten: ``Eingabefehler``."""
    spalten = [_ALIASE.get(s.strip().lower(), s.strip().lower()) for s in kopf]
    probleme = [Problem(datei, 1, p, None, f"die Spalte '{p}' in der Kopfzeile")
                for p in PFLICHT if p not in spalten]
    if "id" not in spalten and "ozg_id" not in spalten:
        probleme.append(Problem(datei, 1, "id", None, "eine Spalte 'id' oder 'ozg_id'"))
    if probleme:
        raise Eingabefehler(probleme)
    return spalten


def _eintrag_pruefen(eintrag: dict[str, str], zeile: int, datei: str,
                     gesehen: dict[str, int]) -> list[Problem]:
    """Prüft einen Eintrag und normalisiert ihn (ID aus der OZG-ID, Ebene aus dem Alias)."""
    probleme = []
    if not eintrag["id"]:
        eintrag["id"] = "ozg_" + re.sub(r"[^a-z0-9]+", "_", eintrag["ozg_id"].lower()).strip("_")
    if not _ID.match(eintrag["id"]):
        probleme.append(Problem(datei, zeile, "id", eintrag["id"],
                                "eine Kennung aus a–z, 0–9 und _ (beginnend mit a–z)"))
    elif eintrag["id"] in gesehen:
        probleme.append(Problem(datei, zeile, "id", eintrag["id"],
                                f"eindeutige IDs (schon in Zeile {gesehen[eintrag['id']]})"))
    gesehen.setdefault(eintrag["id"], zeile)
    if not eintrag["leistung"]:
        probleme.append(Problem(datei, zeile, "leistung", "", "eine Bezeichnung"))
    if eintrag["themenfeld"] not in THEMENFELDER:
        probleme.append(Problem(datei, zeile, "themenfeld", eintrag["themenfeld"],
                                "eines der 14 OZG-Themenfelder " + ", ".join(THEMENFELDER)))
    ebene = _EBENE_ALIASE.get(eintrag["ebene"].lower())
    if ebene is None:
        probleme.append(Problem(datei, zeile, "ebene", eintrag["ebene"],
                                "eine der Ebenen " + ", ".join(EBENEN)))
    else:
        eintrag["ebene"] = ebene
    ab = eintrag["ab_groessenklasse"]
    if ab and ab not in GEMEINDEKLASSEN:
        probleme.append(Problem(datei, zeile, "ab_groessenklasse", ab,
                                "leer oder eine Gemeindegrößenklasse GK1–GK7"))
    elif ab and ebene != "Kreis":
        probleme.append(Problem(datei, zeile, "ab_groessenklasse", ab,
                                "leer (nur bei Ebene 'Kreis' sinnvoll)"))
    return probleme


def aus_text(text: str, datei: str = "ozg_leistungen.csv") -> pd.DataFrame:
    """Prüft und normalisiert einen Katalog im CSV-Format (siehe Moduldoku)."""
    erste = text.split("\n", 1)[0]
    trenner = ";" if erste.count(";") >= erste.count(",") else ","
    leser = csv.reader(io.StringIO(text), delimiter=trenner)
    try:
        kopf = next(leser)
    except StopIteration:
        raise Eingabefehler([Problem(datei, 1, None, None, "eine Kopfzeile")]) from None
    spalten = _spalten(kopf, datei)
    probleme: list[Problem] = []
    zeilen, gesehen = [], {}
    for werte in leser:
        zeile = leser.line_num
        if not any(w.strip() for w in werte):
            continue
        if len(werte) != len(spalten):
            probleme.append(Problem(datei, zeile, None, trenner.join(werte),
                                    f"{len(spalten)} Felder wie in der Kopfzeile "
                                    f"(gefunden: {len(werte)})"))
            continue
        d = {s: w.strip() for s, w in zip(spalten, werte, strict=True)}
        eintrag = {s: d.get(s, "") for s in SPALTEN}
        probleme += _eintrag_pruefen(eintrag, zeile, datei, gesehen)
        zeilen.append(eintrag)
    if not zeilen and not probleme:
        probleme.append(Problem(datei, None, None, None, "mindestens eine Leistung"))
    if probleme:
        raise Eingabefehler(probleme)
    return pd.DataFrame(zeilen, columns=list(SPALTEN))


def ist_relevant(ebene: str, ab_groessenklasse: str, art: str, groessenklasse: str) -> bool:
    """Relevanzregel (siehe Moduldoku)."""
    if ebene == "Gemeinde":
        return art != "Kreis"
    if ebene == "Kreis":
        if art in ("Kreis", "kreisfreie Stadt"):
            return True
        if ab_groessenklasse and groessenklasse in GEMEINDEKLASSEN:
            return GEMEINDEKLASSEN.index(groessenklasse) <= GEMEINDEKLASSEN.index(ab_groessenklasse)
        return False
    if ebene == "kreisfreie Stadt":
        return art == "kreisfreie Stadt"
    return False


def _kombinationen() -> list[tuple[str, str]]:
    return ([(a, k) for a in ("Gemeinde", "Stadt", "kreisfreie Stadt") for k in GEMEINDEKLASSEN]
            + [("Kreis", k) for k in KLASSEN if k.startswith("K")])


def relevanz(katalog: pd.DataFrame) -> pd.DataFrame:
    """Lange Tabelle: ``leistung``, ``art``, ``groessenklasse``, ``relevant`` (bool)."""
    zeilen = [(r.id, a, k, ist_relevant(r.ebene, r.ab_groessenklasse, a, k))
              for r in katalog.itertuples() for a, k in _kombinationen()]
    return pd.DataFrame(zeilen, columns=["leistung", "art", "groessenklasse", "relevant"])


def relevanz_uebersicht(katalog: pd.DataFrame) -> pd.DataFrame:
    """Anzahl relevanter Leistungen je Art und Größenklasse (für den Abschlussbericht)."""
    rel = relevanz(katalog).merge(katalog[["id", "ebene"]], left_on="leistung", right_on="id")
    rel = rel[rel["relevant"]]
    zeilen = []
    for a, k in _kombinationen():
        teil = rel[(rel["art"] == a) & (rel["groessenklasse"] == k)]
        zeilen.append({"art": a, "groessenklasse": k, "relevante_leistungen": len(teil),
                       "davon_gemeindeebene": int((teil["ebene"] == "Gemeinde").sum()),
                       "davon_kreisebene": int((teil["ebene"] != "Gemeinde").sum())})
    return pd.DataFrame(zeilen)


def fragebogen_pruefen(fragebogen: Fragebogen, katalog: pd.DataFrame,
                       datei: str = "fragebogen.yml") -> list[Problem]:
    """Items mit ``ozg_leistung``, die auf keine Leistung des Katalogs verweisen."""
    ids = set(katalog["id"])
    return [Problem(datei, None, f"items.{i.id}.ozg_leistung", i.ozg_leistung,
                    "die ID einer Leistung aus dem OZG-Katalog (katalog/ozg_leistungen.csv)")
            for i in fragebogen.items_der_art("ozg") if i.ozg_leistung not in ids]
