"""Das Codebuch als LimeSurvey-Umfragestruktur im Tab-separierten Format (``.txt``).

LimeSurvey dokumentiert dieses Format („Tab Separated Value survey structure“) besser als
``.lss`` und leitet Gruppen, Fragen und Antworten aus der Reihenfolge der Zeilen ab, ohne IDs.
Eine Zeile je Umfrageeinstellung (``S``, ``SL``), Gruppe (``G``), Frage (``Q``) und Antwort
(``A``); Relationen ergeben sich aus der Nähe (Antworten gehören zur Frage davor).

- Je Item eine Frage; ihr Code ist die Item-ID. LimeSurvey erlaubt in Fragecodes nur
  Buchstaben und Ziffern: ``ZIE_RECHT`` wird zu ``ZIERECHT`` (``zuordnung-entwurf`` erkennt das).
- Skalen-Items: Listenfrage (Typ ``L``); Antwortcode = Code der Skala, eins zu eins, auch für
  die Fehlcodes („weiß nicht“, „keine Angabe“). Zahl-Items: Zahlenfrage (Typ ``N``) mit
  Minimum, Maximum, ganzzahlig und Einheit.
- Zuerst eine Pflichtfrage ``AGS`` (Kurztext mit Prüfung auf 5 oder 8 Ziffern), damit der
  Antwortexport die Kommune trägt.
"""

from __future__ import annotations

import csv
import io
import re

from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.fragebogen import Fragebogen, Item
from analyse.eingabe.quellen.lesen import zahl_text

SPALTEN = ("id", "related_id", "class", "type/scale", "name", "relevance", "text", "help",
           "language", "validation", "mandatory", "other", "default", "same_default",
           "min_num_value", "max_num_value", "num_value_int_only", "suffix")
SPRACHE = "de"
AGS_CODE = "AGS"
AGS_PRUEFUNG = r"/^(\d{5}|\d{8})$/"


def fragecode(item_id: str) -> str:
    """Der LimeSurvey-Fragecode eines Items: nur Buchstaben und Ziffern, beginnt mit Buchstaben."""
    code = re.sub(r"[^A-Za-z0-9]", "", item_id)
    return code if code[:1].isalpha() else "Q" + code


def _zeile(**felder: str) -> list[str]:
    unbekannt = set(felder) - {s.replace("/", "_") for s in SPALTEN}
    assert not unbekannt, unbekannt
    return [" ".join(str(felder.get(s.replace("/", "_"), "")).split()) for s in SPALTEN]


def _gruppen(fb: Fragebogen) -> list[tuple[str, str, list[Item]]]:
    """Fragegruppen: je Handlungsfeld, dann Ziele, Strukturdaten, OZG-Leistungen."""
    gruppen = [(h.name, h.beschreibung, fb.items_im_feld(h.id)) for h in fb.handlungsfelder]
    gruppen += [
        ("Digitalisierungsziele", "Wie wichtig sind Ihrer Kommune diese Ziele?",
         fb.items_der_art("ziel")),
        ("Strukturdaten", "Angaben zu Personal und Budget", fb.items_der_art("struktur")),
        ("OZG-Leistungen", "Online-Reifegrad ausgewählter Verwaltungsleistungen",
         fb.items_der_art("ozg")),
    ]
    return [g for g in gruppen if g[2]]


def _pruefen(fb: Fragebogen) -> None:
    codes: dict[str, str] = {}
    probleme = []
    for item in fb.items:
        code = fragecode(item.id)
        if code in codes or code == AGS_CODE:
            probleme.append(Problem("fragebogen.yml", None, "id", item.id,
                                    f"Item-IDs, die ohne Sonderzeichen eindeutig bleiben "
                                    f"(LimeSurvey-Code {code} hat schon "
                                    f"{codes.get(code, 'die AGS-Frage')})"))
        codes[code] = item.id
    if probleme:
        raise Eingabefehler(probleme)


def tsv(fb: Fragebogen) -> str:
    """Die Umfragestruktur als TSV-Text (UTF-8 mit BOM beim Schreiben, wie LimeSurvey exportiert)."""
    _pruefen(fb)
    zeilen = [list(SPALTEN)]
    zeilen += [_zeile(**{"class": "S", "name": n, "text": t})
               for n, t in (("language", SPRACHE), ("additional_languages", ""),
                            ("format", "G"), ("datestamp", "Y"), ("anonymized", "N"))]
    zeilen += [_zeile(**{"class": "SL", "name": n, "text": t, "language": SPRACHE})
               for n, t in (("surveyls_title", fb.titel), ("surveyls_language", SPRACHE),
                            ("surveyls_description", "Erzeugt aus dem Codebuch (fragebogen.yml) "
                                                     "mit analyse fragebogen-export."))]
    nummer = 1
    zeilen.append(_zeile(**{"class": "G", "type_scale": nummer, "name": "Ihre Kommune",
                            "relevance": "1", "language": SPRACHE,
                            "text": "Damit die Antworten Ihrer Kommune zugeordnet werden."}))
    zeilen.append(_zeile(**{"class": "Q", "type_scale": "S", "name": AGS_CODE, "relevance": "1",
                            "text": "Amtlicher Gemeindeschlüssel (AGS) Ihrer Kommune",
                            "help": "8 Ziffern, bei Kreisen 5 Ziffern, z. B. 05315000",
                            "language": SPRACHE, "validation": AGS_PRUEFUNG,
                            "mandatory": "Y", "other": "N"}))
    for name, beschreibung, items in _gruppen(fb):
        nummer += 1
        zeilen.append(_zeile(**{"class": "G", "type_scale": nummer, "name": name,
                                "relevance": "1", "text": beschreibung, "language": SPRACHE}))
        for item in items:
            zeilen += _frage(item, fb)
    puffer = io.StringIO()
    csv.writer(puffer, delimiter="\t", lineterminator="\n").writerows(zeilen)
    return puffer.getvalue()


def _frage(item: Item, fb: Fragebogen) -> list[list[str]]:
    gemeinsam = {"class": "Q", "name": fragecode(item.id), "relevance": "1", "text": item.text,
                 "language": SPRACHE, "mandatory": "N", "other": "N"}
    skala = fb.skala_von(item)
    if skala is None:
        z = item.zahl
        return [_zeile(**gemeinsam, type_scale="N", min_num_value=zahl_text(z.minimum),
                       max_num_value="" if z.maximum is None else zahl_text(z.maximum),
                       num_value_int_only="1" if z.ganzzahlig else "", suffix=z.einheit)]
    zeilen = [_zeile(**gemeinsam, type_scale="L")]
    antworten = list(skala.werte.items())
    antworten += [(c, "weiß nicht" if n == "weiss_nicht" else "keine Angabe")
                  for c, n in skala.fehlend.codes().items()]
    zeilen += [_zeile(**{"class": "A", "type_scale": "0", "name": zahl_text(c), "text": t,
                         "language": SPRACHE}) for c, t in antworten]
    return zeilen
