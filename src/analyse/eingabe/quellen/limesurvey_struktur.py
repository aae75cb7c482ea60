"""Die Struktur einer LimeSurvey-Umfrage (Export „Tab Separated Values“ ``.txt`` oder ``.lss``) als
Wissen über die Spalten eines Antwortexports: Fragetext und Antworttexte je Spaltencode.

Damit findet der Zuordnungsentwurf auch in einem Export, der nur Codes enthält (``G02Q02[SQ001]``
mit Antworten ``A1`` … ``A5``), die passenden Items und die Bedeutung jedes Antwortcodes.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.quellen.lesen import Quelle, Spalte, roh_lesen


@dataclass
class Frage:
    code: str
    text: str
    antworten: dict[str, str] = field(default_factory=dict)
    unterfragen: dict[str, str] = field(default_factory=dict)


def _text(roh: str) -> str:
    """Fragetexte enthalten oft HTML; für den Vergleich zählt nur der Text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", roh or "")).split())


def lesen(pfad: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Spaltencode → (Fragetext, Antwortcode → Antworttext)."""
    pfad = Path(pfad)
    roh = roh_lesen(pfad)
    try:
        fragen = _lss(roh) if roh.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"<") else \
            _tsv(roh.decode("utf-8-sig"))
    except (ET.ParseError, UnicodeDecodeError, KeyError) as e:
        raise Eingabefehler([Problem(pfad.name, None, None, None,
                                     "eine LimeSurvey-Umfragestruktur (.txt mit Tabulatoren oder "
                                     f".lss) ({type(e).__name__})")]) from None
    if not fragen:
        raise Eingabefehler([Problem(pfad.name, None, None, None,
                                     "eine LimeSurvey-Umfragestruktur mit Fragen")])
    spalten: dict[str, tuple[str, dict[str, str]]] = {}
    for f in fragen:
        if f.unterfragen:
            for sq, text in f.unterfragen.items():
                spalten[f"{f.code}[{sq}]"] = (f"{f.text} [{text}]", f.antworten)
        else:
            spalten[f.code] = (f.text, f.antworten)
    return spalten


def _tsv(text: str) -> list[Frage]:
    fragen: list[Frage] = []
    sprache = None
    for z in csv.DictReader(io.StringIO(text), delimiter="\t"):
        art = (z.get("class") or "").strip()
        if art == "Q":
            if sprache is None:
                sprache = z.get("language")
            if z.get("language") != sprache:  # weitere Sprachen wiederholen dieselben Fragen
                break
            fragen.append(Frage(z["name"], _text(z.get("text", ""))))
        elif art == "SQ" and fragen and (z.get("type/scale") or "0") == "0":
            fragen[-1].unterfragen[z["name"]] = _text(z.get("text", ""))
        elif art == "A" and fragen and (z.get("type/scale") or "0") == "0":
            fragen[-1].antworten[z["name"]] = _text(z.get("text", ""))
    return fragen


def _zeilen(wurzel: ET.Element, tabelle: str) -> list[dict[str, str]]:
    return [{k.tag: (k.text or "") for k in z} for z in wurzel.findall(f"./{tabelle}/rows/row")]


def _lss(roh: bytes) -> list[Frage]:
    """``.lss`` (XML): Fragen, Unterfragen und Antworten; Texte in *_l10ns (ab LimeSurvey 4)."""
    wurzel = ET.fromstring(roh)
    sprache = (wurzel.findtext("./languages/language") or "").strip()

    def passt(z: dict[str, str]) -> bool:
        return not sprache or z.get("language", sprache) == sprache

    fragetexte = {z["qid"]: z.get("question", "") for z in _zeilen(wurzel, "question_l10ns")
                  if passt(z)}
    antworttexte = {z["aid"]: z.get("answer", "") for z in _zeilen(wurzel, "answer_l10ns")
                    if passt(z)}
    fragen: dict[str, Frage] = {}
    for z in _zeilen(wurzel, "questions"):
        if passt(z) and z.get("parent_qid", "0") in ("", "0"):
            fragen[z["qid"]] = Frage(z["title"], _text(z.get("question") or
                                                      fragetexte.get(z["qid"], "")))
    for z in _zeilen(wurzel, "subquestions"):
        if passt(z) and z.get("parent_qid") in fragen and z.get("scale_id", "0") == "0":
            fragen[z["parent_qid"]].unterfragen[z["title"]] = _text(
                z.get("question") or fragetexte.get(z["qid"], ""))
    for z in _zeilen(wurzel, "answers"):
        if passt(z) and z.get("qid") in fragen and z.get("scale_id", "0") == "0":
            fragen[z["qid"]].antworten[z["code"]] = _text(
                z.get("answer") or antworttexte.get(z.get("aid", ""), ""))
    return list(fragen.values())


def anreichern(quelle: Quelle, struktur: dict[str, tuple[str, dict[str, str]]]) -> Quelle:
    """Ergänzt Fragetexte und Antworttexte (als Wertelabels) aus der Umfragestruktur."""
    spalten = []
    labels = dict(quelle.wertelabels)
    # SPSS-Exporte von LimeSurvey schreiben G02Q02_SQ001 statt G02Q02[SQ001]
    einfach = {re.sub(r"[^A-Za-z0-9]", "", c).lower(): w for c, w in struktur.items()}
    for s in quelle.spalten:
        wissen = struktur.get(s.code) or einfach.get(re.sub(r"[^A-Za-z0-9]", "", s.code).lower())
        if wissen is None:
            spalten.append(s)
            continue
        text, antworten = wissen
        spalten.append(Spalte(s.kopf, s.code, s.text or text))
        if antworten and s.code not in labels:
            labels[s.code] = antworten
    return replace(quelle, spalten=spalten, wertelabels=labels)
