"""Das Arbeitsbuch zur Selbstauskunft (XLSX), erzeugt aus dem Codebuch.

Eine Kommune, die nicht Referenzkommune war, füllt es mit Excel oder LibreOffice aus und
bekommt mit ``analyse einordnen`` ihren Bericht. Aufbau:

- ``Einführung``: Zweck, Ausfüllen, wen fragen, Datenschutz, Fortschritt aller Blätter;
- ``Stammdaten``: AGS, Name, Art, Kreis, Land, Einwohner und die Strukturmerkmale des Codebuchs;
- ``Zielprioritäten``, je Handlungsfeld ein Blatt, ``OZG-Leistungen`` (falls im Codebuch);
- ``Listen`` (ausgeblendet): die Auswahllisten der Skalen;
- ``_Codebuch`` (sehr versteckt): Fingerabdruck des Codebuchs und wo jede Antwort steht.

Jede Antwortzelle hat eine Auswahlliste (Skalenbeschriftungen und Fehlcodes) und eine
Eingabemeldung mit dem Itemtext; alle anderen Zellen sind geschützt (ohne Kennwort: der
Schutz verhindert Versehen, nicht Absicht). Keine Makros (``.xlsx``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from analyse.dateien import atomar_schreiben, xlsx_ohne_zeit
from analyse.eingabe.fragebogen import Fragebogen, Item, Skala
from analyse.eingabe.groessenklassen import ARTEN

#: Version des Aufbaus; ``einlesen`` lehnt Arbeitsbücher eines anderen Aufbaus ab.
FORMAT = 1
BLATT_EINFUEHRUNG = "Einführung"
BLATT_STAMMDATEN = "Stammdaten"
BLATT_ZIELE = "Zielprioritäten"
BLATT_OZG = "OZG-Leistungen"
BLATT_LISTEN = "Listen"
BLATT_CODEBUCH = "_Codebuch"
EIGENSCHAFT = "Codebuch-Fingerabdruck"
FEHLCODE_TEXT = {"weiss_nicht": "weiß nicht", "keine_angabe": "keine Angabe"}

#: Erste Datenzeile und Spalten der Frageblätter.
ERSTE_ZEILE = 6
SPALTE_ID, SPALTE_TEXT, SPALTE_ANTWORT = "A", "B", "C"
FORTSCHRITT_ZELLE = "C3"


@dataclass(frozen=True)
class Stammfeld:
    """Ein Feld des Stammdatenblatts (Schlüssel wie in ``kommunen.csv`` bzw. Strukturmerkmal)."""

    schluessel: str
    bezeichnung: str
    hinweis: str
    pflicht: bool


STAMMFELDER = (
    Stammfeld("ags", "Amtlicher Gemeindeschlüssel (AGS)",
              "8 Ziffern, bei Kreisen 5 Ziffern, mit führender Null (z. B. 05766020).", True),
    Stammfeld("name", "Name der Kommune", "Wie im amtlichen Gemeindeverzeichnis.", True),
    Stammfeld("art", "Art der Kommune", "Auswahl: " + ", ".join(ARTEN) + ".", True),
    Stammfeld("kreis", "Kreis", "Name des Kreises (bei Kreisen und kreisfreien Städten "
              "der eigene Name).", False),
    Stammfeld("land", "Bundesland", "", False),
    Stammfeld("einwohner", "Einwohnerinnen und Einwohner",
              "Amtliche Zahl zum letzten Stichtag, ganze Zahl ohne Tausenderpunkte.", True),
)

_KOPF = Font(bold=True, size=14)
_FETT = Font(bold=True)
_EINGABE = PatternFill("solid", fgColor="FFF2CC")  # hellgelb: hier eintragen
_UMBRUCH = Alignment(wrap_text=True, vertical="top")


def fingerabdruck(fb: Fragebogen) -> str:
    """Kurzer Hash über alles, was die Bedeutung einer Antwort bestimmt (ohne Titel).

    Gleicher Fingerabdruck heißt: gleiche Items, Texte, Skalen, Codes und Zuordnungen.
    Formatierung und Kommentare der YAML-Datei zählen nicht.
    """
    inhalt = fb.model_dump(mode="json", exclude={"titel"})
    text = json.dumps(inhalt, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def auswahl(skala: Skala) -> dict[str, int]:
    """Beschriftung in der Auswahlliste → Code (Skalenwerte, dann Fehlcodes)."""
    werte = {text: code for code, text in sorted(skala.werte.items())}
    for code, name in skala.fehlend.codes().items():
        werte.setdefault(FEHLCODE_TEXT[name], code)
    return werte


def blattname(text: str, vergeben: set[str]) -> str:
    """Gültiger, eindeutiger Excel-Blattname (höchstens 31 Zeichen, ohne []:*?/\\)."""
    name = re.sub(r"[\[\]:*?/\\]", "-", text).strip("'")[:31] or "Blatt"
    basis, n = name, 2
    while name.lower() in {v.lower() for v in vergeben}:
        name = f"{basis[:28]} {n}"
        n += 1
    vergeben.add(name)
    return name


@dataclass
class _Ablage:
    """Wo jede Antwort steht (wird ins Blatt ``_Codebuch`` geschrieben)."""

    zeilen: list[tuple[str, str, str, str]]  # (art, schlüssel, blatt, zelle)


def _schuetzen(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # Spaltenbreite ändern bleibt erlaubt
    ws.protection.formatRows = False


def _eingabezelle(ws: Worksheet, ref: str, zahlformat: str | None = None) -> None:
    zelle = ws[ref]
    zelle.protection = Protection(locked=False)
    zelle.fill = _EINGABE
    zelle.alignment = _UMBRUCH
    if zahlformat:
        zelle.number_format = zahlformat


def _meldung(text: str, laenge: int = 255) -> str:
    """Eingabemeldungen sind in Excel auf 255 Zeichen begrenzt."""
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


def _listen(wb: Workbook, fb: Fragebogen) -> dict[str, str]:
    """Blatt ``Listen`` mit einer Spalte je Skala; gibt Skala → Bereichsformel zurück."""
    ws = wb.create_sheet(BLATT_LISTEN)
    bereiche = {}
    for j, (sid, skala) in enumerate(sorted(fb.skalen.items()), start=1):
        spalte = get_column_letter(j)
        ws.cell(row=1, column=j, value=sid).font = _FETT
        texte = list(auswahl(skala))
        for i, text in enumerate(texte, start=2):
            ws.cell(row=i, column=j, value=text)
        bereiche[sid] = (f"{quote_sheetname(BLATT_LISTEN)}!${spalte}$2:"
                         f"${spalte}${len(texte) + 1}")
    ws.sheet_state = "hidden"
    _schuetzen(ws)
    return bereiche


def _fortschritt(ws: Worksheet, bereich: str, anzahl: int) -> None:
    ws["B3"] = "Beantwortet auf diesem Blatt:"
    ws["B3"].font = _FETT
    ws["B3"].alignment = Alignment(horizontal="right")
    ws[FORTSCHRITT_ZELLE] = f"=COUNTA({bereich})"
    ws[FORTSCHRITT_ZELLE].font = _FETT
    ws["D3"] = f"von {anzahl}"


def _frageblatt(wb: Workbook, name: str, titel: str, beschreibung: str, items: list[Item],
                fb: Fragebogen, bereiche: dict[str, str], ablage: _Ablage) -> None:
    ws = wb.create_sheet(name)
    ws["A1"] = titel
    ws["A1"].font = _KOPF
    ws["A2"] = beschreibung
    ws["A2"].alignment = Alignment(wrap_text=False)
    letzte = ERSTE_ZEILE + len(items) - 1
    _fortschritt(ws, f"{SPALTE_ANTWORT}{ERSTE_ZEILE}:{SPALTE_ANTWORT}{letzte}", len(items))
    for spalte, text in ((SPALTE_ID, "Nr."), (SPALTE_TEXT, "Aussage bzw. Frage"),
                         (SPALTE_ANTWORT, "Ihre Antwort (Auswahl)")):
        ws[f"{spalte}{ERSTE_ZEILE - 1}"] = text
        ws[f"{spalte}{ERSTE_ZEILE - 1}"].font = _FETT
    ws.column_dimensions[SPALTE_ID].width = 12
    ws.column_dimensions[SPALTE_TEXT].width = 80
    ws.column_dimensions[SPALTE_ANTWORT].width = 30
    ws.freeze_panes = f"A{ERSTE_ZEILE}"
    for zeile, item in enumerate(items, start=ERSTE_ZEILE):
        ws[f"{SPALTE_ID}{zeile}"] = item.id
        ws[f"{SPALTE_TEXT}{zeile}"] = item.text
        ws[f"{SPALTE_TEXT}{zeile}"].alignment = _UMBRUCH
        ref = f"{SPALTE_ANTWORT}{zeile}"
        _eingabezelle(ws, ref)
        # je Zelle eine eigene Regel, damit die Eingabemeldung den Itemtext zeigt
        dv = DataValidation(type="list", formula1=f"={bereiche[item.skala]}", allow_blank=True,
                            showDropDown=False, showErrorMessage=True, showInputMessage=True,
                            errorTitle="Bitte aus der Liste wählen",
                            error="Bitte wählen Sie einen Eintrag aus der Auswahlliste.",
                            promptTitle=_meldung(item.id, 32), prompt=_meldung(item.text))
        dv.add(ref)
        ws.add_data_validation(dv)
        ablage.zeilen.append(("item", item.id, name, ref))
    _schuetzen(ws)


def _zahlregel(minimum: float, maximum: float | None, ganzzahlig: bool, text: str,
               einheit: str = "") -> DataValidation:
    bis = f" bis {maximum:g}" if maximum is not None else ""
    art = "ganze Zahl" if ganzzahlig else "Zahl"
    hinweis = f"{art} von {minimum:g}{bis} {einheit}".rstrip()
    dv = DataValidation(type="whole" if ganzzahlig else "decimal",
                        operator="between" if maximum is not None else "greaterThanOrEqual",
                        formula1=f"{minimum:g}",
                        formula2=f"{maximum:g}" if maximum is not None else None,
                        allow_blank=True, showErrorMessage=True, showInputMessage=True,
                        errorTitle="Ungültige Zahl", error=f"Bitte eine {hinweis} eintragen.",
                        promptTitle="Zahl", prompt=_meldung(f"{text}: {hinweis}."))
    return dv


def _stammregel(f) -> tuple[DataValidation | None, str | None]:
    """Gültigkeitsregel und Zahlformat der Eingabezelle eines Stammdatenfelds."""
    if f.schluessel == "ags":
        # Text: führende Nullen bleiben erhalten
        return DataValidation(type="textLength", operator="between", formula1="5",
                              formula2="8", allow_blank=True, showErrorMessage=True,
                              showInputMessage=True, errorTitle="AGS",
                              error="Der AGS hat 8 Ziffern (Kreise: 5).", promptTitle="AGS",
                              prompt=f.hinweis), "@"
    if f.schluessel == "art":
        return DataValidation(type="list", formula1='"' + ",".join(ARTEN) + '"',
                              allow_blank=True, showErrorMessage=True, showInputMessage=True,
                              errorTitle="Art", error="Bitte aus der Liste wählen.",
                              promptTitle="Art der Kommune", prompt=f.hinweis), None
    if f.schluessel == "einwohner":
        return _zahlregel(0, None, True, f.bezeichnung), None
    return None, "@" if f.schluessel in ("name", "kreis", "land") else None


def _stammdaten(wb: Workbook, fb: Fragebogen, ablage: _Ablage) -> None:
    ws = wb.create_sheet(BLATT_STAMMDATEN)
    ws["A1"] = "Stammdaten der Kommune"
    ws["A1"].font = _KOPF
    ws["A2"] = "Die Pflichtangaben (*) braucht die Auswertung für Größenklasse und Vergleich."
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["D"].width = 70
    for spalte, text in (("A", "Schlüssel"), ("B", "Angabe"), ("C", "Ihr Eintrag"),
                         ("D", "Hinweis")):
        ws[f"{spalte}{ERSTE_ZEILE - 1}"] = text
        ws[f"{spalte}{ERSTE_ZEILE - 1}"].font = _FETT
    zeilen: list[tuple[str, str, str, DataValidation | None, str | None]] = [
        (f.schluessel, f.bezeichnung + (" *" if f.pflicht else ""), f.hinweis, *_stammregel(f))
        for f in STAMMFELDER]
    for merkmal, item_id in fb.struktur_items().items():
        item = fb.item[item_id]
        z = item.zahl
        regel = _zahlregel(z.minimum, z.maximum, z.ganzzahlig, item.text, z.einheit)
        hinweis = f"{z.einheit}; leer lassen, wenn unbekannt.".lstrip("; ")
        zeilen.append((f"struktur:{merkmal}", item.text, hinweis, regel, None))
    for i, (schluessel, bezeichnung, hinweis, regel, format_) in enumerate(zeilen,
                                                                            start=ERSTE_ZEILE):
        ws[f"A{i}"] = schluessel.removeprefix("struktur:")
        ws[f"B{i}"] = bezeichnung
        ws[f"D{i}"] = hinweis
        ws[f"D{i}"].alignment = _UMBRUCH
        _eingabezelle(ws, f"C{i}", format_)
        if regel is not None:
            regel.add(f"C{i}")
            ws.add_data_validation(regel)
        art, key = (("struktur", schluessel.removeprefix("struktur:"))
                    if schluessel.startswith("struktur:") else ("stamm", schluessel))
        if art == "struktur":
            ablage.zeilen.append(("item", fb.struktur_items()[key], BLATT_STAMMDATEN, f"C{i}"))
        else:
            ablage.zeilen.append(("stamm", key, BLATT_STAMMDATEN, f"C{i}"))
    letzte = ERSTE_ZEILE + len(zeilen) - 1
    _fortschritt(ws, f"C{ERSTE_ZEILE}:C{letzte}", len(zeilen))
    _schuetzen(ws)


EINFUEHRUNG = (
    ("Zweck", "Mit diesem Arbeitsbuch erheben Sie den Stand der Digitalisierung Ihrer Verwaltung "
     "mit denselben Fragen wie die Studie „{studie}“. Aus Ihren Antworten entsteht ein eigener "
     "Bericht: Reifegrad je Handlungsfeld, Vergleich mit ähnlichen Kommunen der Studie, "
     "Kommunentyp, empfohlene Maßnahmen mit Kosten und ein Zeitplan in Ihrem eigenen Jahresrahmen. Die "
     "Ergebnisse der Studie selbst ändern sich dadurch nicht."),
    ("So füllen Sie aus", "Tragen Sie nur in die gelben Zellen ein. Jede Antwortzelle hat eine "
     "Auswahlliste; die vollständige Frage erscheint, sobald Sie die Zelle wählen. Wenn Sie "
     "etwas nicht wissen, wählen Sie „weiß nicht“, statt zu raten; „keine Angabe“, wenn Sie "
     "nicht antworten möchten. Leere Zellen zählen als nicht beantwortet. Oben auf jedem Blatt "
     "sehen Sie, wie viele Fragen beantwortet sind; die Übersicht unten zeigt alle Blätter. "
     "Blätter und Zeilen bitte nicht verändern, kopieren Sie keine Werte aus anderen Dateien "
     "hinein, und speichern Sie als .xlsx."),
    ("Wen fragen", "Stammdaten und Strukturzahlen: Hauptamt bzw. Personal und Kämmerei. "
     "Zielprioritäten: Verwaltungsspitze (Bürgermeisterin/Bürgermeister oder Landrat). "
     "Handlungsfelder: die IT- bzw. Digitalisierungsverantwortlichen, für Organisation und "
     "Personal auch das Organisations- und Personalamt, für Online-Services die Fachbereiche "
     "mit Publikumsverkehr. Ein gemeinsamer Termin von etwa zwei Stunden genügt meist."),
    ("Datenschutz", "Das Arbeitsbuch fragt nur nach Angaben über die Verwaltung, nicht nach "
     "Personen; tragen Sie keine Namen oder personenbezogenen Daten ein. Ihre Antworten werden "
     "nur für Ihren Bericht ausgewertet und nicht in die Studie oder ihre Vergleichswerte "
     "übernommen. Vergleichswerte anderer Kommunen erscheinen nur als Median von Gruppen mit "
     "mindestens fünf Kommunen."),
    ("Abgabe und Bericht", "Senden Sie die ausgefüllte Datei an die Stelle, die die Studie "
     "auswertet ({verband}). Dort entsteht Ihr Bericht mit einem Befehl "
     "(analyse einordnen --antwort IHRE_DATEI.xlsx); enthält die Datei Fehler, nennt die "
     "Auswertung Blatt, Zelle und Wert."),
)


def _einfuehrung(ws: Worksheet, fb: Fragebogen, studie: str, verband: str,
                 blaetter: list[tuple[str, int]]) -> None:
    ws.title = BLATT_EINFUEHRUNG
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    ws["A1"] = f"Selbstauskunft: {fb.titel}"
    ws["A1"].font = _KOPF
    ws["A2"] = studie
    zeile = 4
    for kopf, text in EINFUEHRUNG:
        ws[f"A{zeile}"] = kopf
        ws[f"A{zeile}"].font = _FETT
        ws[f"A{zeile}"].alignment = _UMBRUCH
        ws[f"B{zeile}"] = text.format(studie=studie, verband=verband or "Ihr Verband")
        ws[f"B{zeile}"].alignment = _UMBRUCH
        ws.row_dimensions[zeile].height = 15 * (len(ws[f"B{zeile}"].value) // 95 + 1)
        zeile += 1
    zeile += 1
    ws[f"A{zeile}"] = "Fortschritt"
    ws[f"A{zeile}"].font = _FETT
    zeile += 1
    for name, anzahl in blaetter:
        ws[f"A{zeile}"] = name
        ws[f"B{zeile}"] = (f"={quote_sheetname(name)}!{FORTSCHRITT_ZELLE}"
                           f"&\" von {anzahl} beantwortet\"")
        zeile += 1
    _schuetzen(ws)


def _codebuch_blatt(wb: Workbook, fb: Fragebogen, ablage: _Ablage, studie: str) -> None:
    ws = wb.create_sheet(BLATT_CODEBUCH)
    for i, (k, v) in enumerate((("fingerabdruck", fingerabdruck(fb)), ("format", FORMAT),
                                ("fragebogen", fb.titel), ("studie", studie)), start=1):
        ws.cell(row=i, column=1, value=k)
        ws.cell(row=i, column=2, value=v)
    ws.cell(row=6, column=1, value="art")
    ws.cell(row=6, column=2, value="schluessel")
    ws.cell(row=6, column=3, value="blatt")
    ws.cell(row=6, column=4, value="zelle")
    for i, zeile in enumerate(ablage.zeilen, start=7):
        for j, wert in enumerate(zeile, start=1):
            ws.cell(row=i, column=j, value=wert)
    ws.sheet_state = "veryHidden"
    _schuetzen(ws)


def arbeitsbuch(fb: Fragebogen, studie: str = "", verband: str = "") -> Workbook:
    """Das Arbeitsbuch als openpyxl-Objekt (rein: hängt nur vom Codebuch und den Titeln ab)."""
    wb = Workbook()
    einfuehrung = wb.active
    ablage = _Ablage([])
    bereiche = _listen(wb, fb)
    _stammdaten(wb, fb, ablage)
    vergeben = {BLATT_EINFUEHRUNG, BLATT_STAMMDATEN, BLATT_LISTEN, BLATT_CODEBUCH}
    blaetter = [(BLATT_STAMMDATEN, len(STAMMFELDER) + len(fb.struktur_items()))]
    ziel_items = fb.items_der_art("ziel")
    name = blattname(BLATT_ZIELE, vergeben)
    _frageblatt(wb, name, "Zielprioritäten der Digitalisierung",
                "Wie wichtig ist Ihrer Kommune jedes dieser Ziele der Digitalisierung?",
                ziel_items, fb, bereiche, ablage)
    blaetter.append((name, len(ziel_items)))
    for feld in fb.handlungsfelder:
        items = fb.items_im_feld(feld.id)
        name = blattname(feld.name, vergeben)
        _frageblatt(wb, name, feld.name,
                    (feld.beschreibung + ". " if feld.beschreibung else "")
                    + "Wie sehr treffen die Aussagen auf Ihre Verwaltung zu?",
                    items, fb, bereiche, ablage)
        blaetter.append((name, len(items)))
    ozg_items = fb.items_der_art("ozg")
    if ozg_items:
        name = blattname(BLATT_OZG, vergeben)
        _frageblatt(wb, name, "Online-Angebote nach dem OZG",
                    "Wie weit ist jede Leistung bei Ihnen online verfügbar "
                    "(OZG-Reifegradmodell)?", ozg_items, fb, bereiche, ablage)
        blaetter.append((name, len(ozg_items)))
    _einfuehrung(einfuehrung, fb, studie, verband, blaetter)
    _codebuch_blatt(wb, fb, ablage, studie)
    # Hilfsblätter ans Ende, damit die Reihenfolge der sichtbaren Blätter der Befragung folgt
    for hilfsblatt in (BLATT_LISTEN, BLATT_CODEBUCH):
        wb.move_sheet(hilfsblatt, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(hilfsblatt))
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.custom_doc_props.append(StringProperty(name=EIGENSCHAFT, value=fingerabdruck(fb)))
    wb.properties.title = f"Selbstauskunft: {fb.titel}"
    wb.properties.creator = "analyse"
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    return wb


def inhalt(fb: Fragebogen, studie: str = "", verband: str = "") -> bytes:
    puffer = io.BytesIO()
    arbeitsbuch(fb, studie, verband).save(puffer)
    return xlsx_ohne_zeit(puffer.getvalue())


def schreiben(fb: Fragebogen, ziel: Path, studie: str = "", verband: str = "") -> Path:
    """Schreibt das Arbeitsbuch atomar nach ``ziel`` (``.xlsx``)."""
    atomar_schreiben(Path(ziel), inhalt(fb, studie, verband))
    return Path(ziel)


def ausfuellen(wb: Workbook, fb: Fragebogen, kommune: dict, antworten: dict[str, float]) -> None:
    """Trägt Stammdaten und Antwortcodes ein (Umkehrung von ``einlesen``), z. B. um ein
    Arbeitsbuch mit den Angaben der Vorwelle vorzubelegen. Leere Codes bleiben leer."""
    cb = wb[BLATT_CODEBUCH]
    for i in range(7, cb.max_row + 1):
        art, schluessel, blatt, zelle = (cb.cell(row=i, column=j).value for j in range(1, 5))
        if art == "stamm":
            wert = kommune.get(schluessel)
        elif art == "item":
            code = antworten.get(schluessel)
            if code is None or code != code:  # NaN
                continue
            skala = fb.skala_von(fb.item[schluessel])
            wert = ({c: t for t, c in auswahl(skala).items()}[int(code)] if skala is not None
                    else code)
        else:
            continue
        wb[blatt][zelle] = None if wert in (None, "") else wert
