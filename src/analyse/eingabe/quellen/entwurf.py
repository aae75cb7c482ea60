"""Ein Entwurf der Zuordnung aus Quelle und Codebuch, mit einem Kommentar an jeder unsicheren Stelle.

Spalten werden zuerst über den Code gefunden (genau, oder ohne Sonderzeichen: LimeSurvey
erlaubt in Fragecodes nur Buchstaben und Ziffern, aus ``ZIE_RECHT`` wird ``ZIERECHT``), dann
über den Fragetext (unscharf mit rapidfuzz gegen den Itemtext). Quellwerte bekommen
Umkodierungen aus den Beschriftungen der Skalen, wo der Export Antworttexte enthält.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from rapidfuzz import fuzz, utils

from analyse.eingabe.fragebogen import Fragebogen, Item, Skala
from analyse.eingabe.quellen import datenschutz
from analyse.eingabe.quellen.anwenden import _ZAHL, METADATEN, spalten_einordnen
from analyse.eingabe.quellen.lesen import Quelle, Spalte, zahl_text

SICHER = 95  # ab dieser Ähnlichkeit (0–100) gilt ein Textvergleich als sicher
MINDESTENS = 60  # darunter wird nichts vorgeschlagen
FEHLEND_TEXTE = {"weiss_nicht": ("weiß nicht", "weiss nicht", "kann ich nicht beurteilen",
                                 "don't know", "unbekannt"),
                 "keine_angabe": ("keine angabe", "k. a.", "k.a.", "no answer", "n/a")}


def code_einfach(code: str) -> str:
    """Code ohne Sonderzeichen, klein (``ZIE_RECHT`` → ``zierecht``)."""
    return re.sub(r"[^A-Za-z0-9]", "", code).lower()


def _q(text: str) -> str:
    """Ein YAML-Skalar in doppelten Anführungszeichen (JSON ist gültiges YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _kurz(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def textaehnlichkeit(item_text: str, spalten_text: str) -> float:
    """Ähnlichkeit 0–100 von Itemtext und Fragetext der Spalte.

    Bei Matrixfragen steht die Unterfrage in Klammern am Ende (``Frage [Aussage]``); sie wird
    auch allein verglichen. Dass alle Wörter des Items im langen Fragetext vorkommen
    (token_set), zählt weniger als eine Übereinstimmung der ganzen Texte.
    """
    texte = [spalten_text]
    klammer = re.search(r"\[([^\[\]]+)\]\s*$", spalten_text)
    if klammer:
        texte.append(klammer[1])
    return max(max(fuzz.ratio(item_text, t, processor=utils.default_process),
                   fuzz.token_sort_ratio(item_text, t, processor=utils.default_process),
                   0.9 * fuzz.token_set_ratio(item_text, t, processor=utils.default_process))
               for t in texte)


def _gleiche_codes(frei: list[Spalte], fb: Fragebogen) -> dict[str, tuple[Spalte, int]]:
    """Spalten, deren Code dem Item-Code gleicht (auch vereinfacht, wenn eindeutig)."""
    treffer: dict[str, tuple[Spalte, int]] = {}
    vergeben: set[str] = set()
    nach_code = {s.code: s for s in frei}
    nach_einfach = defaultdict(list)
    for s in frei:
        nach_einfach[code_einfach(s.code)].append(s)
    for item in fb.items:
        s = nach_code.get(item.id)
        kandidaten = nach_einfach.get(code_einfach(item.id), [])
        if s is None and len(kandidaten) == 1:
            s = kandidaten[0]
        if s is not None and s.code not in vergeben:
            treffer[item.id] = (s, 100)
            vergeben.add(s.code)
    return treffer


def spalten_finden(quelle: Quelle, fb: Fragebogen) -> dict[str, tuple[Spalte, int]]:
    """Item-ID → (Spalte, Sicherheit 0–100); jede Spalte höchstens einmal."""
    frei = [s for s in quelle.spalten if s.code.lower() not in METADATEN]
    treffer = _gleiche_codes(frei, fb)
    vergeben = {s.code for s, _ in treffer.values()}
    # Textvergleich für den Rest: die besten Paare zuerst, jede Spalte nur einmal
    paare = [(wert, item.id, s)
             for item in fb.items if item.id not in treffer
             for s in frei if s.code not in vergeben and s.text
             for wert in [textaehnlichkeit(item.text, s.text)] if wert >= MINDESTENS]
    for wert, item_id, s in sorted(paare, key=lambda p: -p[0]):
        if item_id not in treffer and s.code not in vergeben:
            treffer[item_id] = (s, round(wert))
            vergeben.add(s.code)
    return treffer


def ags_finden(quelle: Quelle) -> Spalte | None:
    for s in quelle.spalten:
        if s.code.lower() in ("ags", "gemeindeschluessel", "gemeindeschlüssel", "gkz"):
            return s
    for s in quelle.spalten:
        if re.search(r"gemeindeschl|\bags\b", s.text, re.IGNORECASE):
            return s
    return None


def _labels(skala: Skala) -> dict[str, float]:
    return {t.strip().lower(): c for c, t in skala.werte.items()}


def werte_vorschlagen(werte: list[str], labels: dict[str, str], skala: Skala
                      ) -> tuple[dict[str, float], dict[str, str], list[str], list[str]]:
    """Umkodierungen, Fehlwerte, unsichere Hinweise und unbekannte Werte für eine Spalte.

    ``labels``: Wertelabels der Quelle (SPSS) je Quellwert; sonst ist der Wert selbst der Text.
    """
    gueltig = {zahl_text(c) for c in (*skala.werte, *skala.fehlend.codes())}
    beschriftung = _labels(skala)
    umk: dict[str, float] = {}
    fehlend: dict[str, str] = {}
    unsicher: list[str] = []
    unbekannt: list[str] = []
    for wert in werte:
        text = labels.get(wert, wert).strip().lower()
        if "ja" in beschriftung:  # LimeSurvey-Ja/Nein-Fragen exportieren Y und N
            text = {"y": "ja", "n": "nein"}.get(text, text)
        if text in beschriftung:
            if zahl_text(beschriftung[text]) != wert:
                umk[wert] = beschriftung[text]
            continue
        art = next((a for a, texte in FEHLEND_TEXTE.items() if text in texte), None)
        if art is not None:
            fehlend[wert] = art
            continue
        if wert in gueltig or wert == "":
            continue
        if _ZAHL.match(wert) and zahl_text(float(wert.replace(",", "."))) in gueltig:
            continue
        bester = max(beschriftung, key=lambda b: fuzz.ratio(text, b), default=None)
        if bester is not None and fuzz.ratio(text, bester) >= 85:
            umk[wert] = beschriftung[bester]
            unsicher.append(f"{_q(wert)} → {zahl_text(beschriftung[bester])} "
                            f"({_q(bester)}, ähnlich geschrieben)")
            continue
        unbekannt.append(wert)
    unbekannt = _a_codes(unbekannt, skala, umk, unsicher)
    return umk, fehlend, unsicher, unbekannt


def _a_codes(unbekannt: list[str], skala: Skala, umk: dict[str, float],
             unsicher: list[str]) -> list[str]:
    """LimeSurvey-Codes A1, A2, … ohne Texte: A1 → erster Skalenwert, …, danach die Fehlcodes.

    Ergänzt ``umk`` und ``unsicher``; gibt die weiterhin unbekannten Werte zurück.
    """
    a_codes = sorted((w for w in unbekannt if re.fullmatch(r"A[O0]?\d+", w)),
                     key=lambda w: int(re.sub(r"\D", "", w)))
    ziele = [*sorted(skala.werte), *skala.fehlend.codes()]
    if not a_codes or not all(0 < int(re.sub(r"\D", "", w)) <= len(ziele) for w in a_codes):
        return unbekannt
    for wert in a_codes:
        umk[wert] = ziele[int(re.sub(r"\D", "", wert)) - 1]
    unsicher.append("Codes " + ", ".join(f"{w} → {zahl_text(umk[w])}" for w in a_codes)
                    + " nach ihrer Nummer (Skalenwerte, dann Fehlcodes); mit dem "
                    "Fragebogen in LimeSurvey prüfen")
    return [w for w in unbekannt if w not in a_codes]


def entwurf(quelle: Quelle, fb: Fragebogen, quelle_name: str) -> str:
    """Der Entwurf als YAML-Text mit Kommentaren."""
    treffer = spalten_finden(quelle, fb)
    ags = ags_finden(quelle)
    z = ["# Entwurf einer Zuordnung, erzeugt von `analyse zuordnung-entwurf`.",
         f"# Quelle: {quelle_name} ({quelle.format}, {len(quelle.daten)} Zeilen, "
         f"{len(quelle.spalten)} Spalten).",
         "# Bitte jede mit 'PRÜFEN' markierte Stelle ansehen. Aufbau: docs/eigene-daten.md.",
         "", "quelle:", f"  format: {quelle.format}", ""]
    if ags is not None:
        z.append(f"ags: {_q(ags.code)}" + (f"  # {_kurz(ags.text)}" if ags.text else ""))
    else:
        z.append("ags: \"\"  # PRÜFEN: keine Spalte mit dem Gemeindeschlüssel (AGS) gefunden")
    z += ["unvollstaendige: verwerfen  # Antworten ohne submitdate (LimeSurvey) weglassen",
          "doppelte: neueste           # je AGS gewinnt die neueste Antwort", ""]

    skalen_umk: dict[str, dict[str, float]] = defaultdict(dict)
    fehlend_global: dict[str, set[str]] = {"weiss_nicht": set(), "keine_angabe": set()}
    item_zeilen = [zeile for item in fb.items
                   for zeile in _item_zeilen(item, treffer.get(item.id), quelle, fb, skalen_umk,
                                             fehlend_global)]
    z += _skalen_und_fehlend(skalen_umk, fehlend_global)
    z += ["", "items:", *item_zeilen, ""]
    genutzt = {ags.code if ags else "", *(s.code for s, _ in treffer.values())}
    z += _personen_und_rest(quelle, genutzt)
    return "\n".join(z) + "\n"


def _item_zeilen(item: Item, treffer: tuple[Spalte, int] | None, quelle: Quelle,
                 fb: Fragebogen, skalen_umk: dict[str, dict[str, float]],
                 fehlend_global: dict[str, set[str]]) -> list[str]:
    """Der Eintrag eines Items unter ``items:`` (kurz, ausführlich oder auskommentiert)."""
    if treffer is None:
        return [f"  # {item.id}: \"\"  # PRÜFEN: keine passende Spalte gefunden "
                f"(Item: {_q(_kurz(item.text))})"]
    spalte, sicherheit = treffer
    kommentar = ""
    if sicherheit < SICHER:
        kommentar = (f"  # PRÜFEN: unsicher ({sicherheit} % ähnlich): Item "
                     f"{_q(_kurz(item.text, 50))} ↔ Spalte {_q(_kurz(spalte.text, 50))}")
    zeilen = _item_entwurf(item, spalte, quelle, fb, skalen_umk, fehlend_global)
    if len(zeilen) == 0:
        return [f"  {item.id}: {_q(spalte.code)}{kommentar}"]
    return [f"  {item.id}:{kommentar}", f"    spalte: {_q(spalte.code)}", *zeilen]


def _skalen_und_fehlend(skalen_umk: dict[str, dict[str, float]],
                        fehlend_global: dict[str, set[str]]) -> list[str]:
    """Die Abschnitte ``skalen:`` (Umkodierungen je Skala) und ``fehlend:``."""
    z: list[str] = []
    if any(skalen_umk.values()):
        z.append("# Antworttexte → Codes, je Skala des Codebuchs (aus den Skalenbeschriftungen)")
        z.append("skalen:")
        for skala, umk in skalen_umk.items():
            z.append(f"  {skala}:")
            z += [f"    {_q(w)}: {zahl_text(c)}" for w, c in sorted(umk.items(),
                                                                  key=lambda p: (p[1], p[0]))]
        z.append("")
    z.append("fehlend:")
    z.append("  leer: [\"\"]")
    z += [f"  {art}: [{', '.join(_q(w) for w in sorted(werte))}]"
          for art, werte in fehlend_global.items() if werte]
    return z


def _personen_und_rest(quelle: Quelle, genutzt: set[str]) -> list[str]:
    """Hinweise auf Personendaten unter den genutzten Spalten und die nicht genutzten Spalten."""
    z: list[str] = []
    personen = [(s, datenschutz.grund(s.code, s.text, quelle.daten[s.code]))
                for s in quelle.spalten if s.code in genutzt]
    personen = [(s, g) for s, g in personen if g]
    if personen:
        z.append("# PRÜFEN: Diese Spalten sehen nach Personendaten aus. Sie werden nur mit einer")
        z.append("# Begründung übernommen; sonst die Zuordnung oben entfernen.")
        z.append("personenbezogen:")
        z += [f"  # {_q(s.code)}: \"Begründung …\"  # {g}" for s, g in personen]
        z.append("")
    verworfen = spalten_einordnen(quelle, genutzt)["nicht zugeordnet"]
    if verworfen:
        z.append(f"# Nicht zugeordnete Spalten ({len(verworfen)}), sie werden nicht übernommen:")
        z += [f"#   {_q(c)}" + (f": {_kurz(quelle.spalte(c).text)}" if quelle.spalte(c).text
                                 else "") for c in verworfen[:200]]
    return z


def _umkodierung_verteilen(umk: dict[str, float], item: Item, wertelabels: dict[str, str],
                           skalen_umk: dict[str, dict[str, float]]) -> dict[str, float]:
    """Umkodierungen, die für die ganze Skala gelten, wandern nach ``skalen_umk``; zurück
    bleiben die, die nur für diese Spalte gelten (eigene Wertelabels, A-Codes, Widersprüche)."""
    eigene = {}
    for wert, code in umk.items():
        bisher = skalen_umk[item.skala].get(wert)
        if wert in wertelabels or re.fullmatch(r"A[O0]?\d+", wert):
            eigene[wert] = code  # Codes einer Spalte gelten nur für sie
        elif bisher is None or bisher == code:
            skalen_umk[item.skala][wert] = code
        else:
            eigene[wert] = code
    return eigene


def _item_entwurf(item: Item, spalte: Spalte, quelle: Quelle, fb: Fragebogen,
                  skalen_umk: dict[str, dict[str, float]],
                  fehlend_global: dict[str, set[str]]) -> list[str]:
    """Zeilen für ein Item in ausführlicher Form, oder [] für die Kurzform."""
    skala = fb.skala_von(item)
    if skala is None:
        return []
    # alle beschrifteten Codes (SPSS, Umfragestruktur), auch wenn sie niemand gewählt hat
    werte = sorted((set(quelle.daten[spalte.code]) | set(quelle.wertelabels.get(spalte.code, {})))
                   - {""})
    umk, fehlend, unsicher, unbekannt = werte_vorschlagen(
        werte, quelle.wertelabels.get(spalte.code, {}), skala)
    zeilen: list[str] = []
    eigene = _umkodierung_verteilen(umk, item, quelle.wertelabels.get(spalte.code, {}),
                                    skalen_umk)
    item_fehlend: dict[str, list[str]] = defaultdict(list)
    for wert, art in fehlend.items():
        if getattr(skala.fehlend, art) is None:
            item_fehlend["leer"].append(wert)
            unsicher.append(f"{_q(wert)} als leer, weil die Skala '{item.skala}' keinen Code "
                            f"für '{art}' hat")
        elif wert in quelle.wertelabels.get(spalte.code, {}):
            item_fehlend[art].append(wert)
        else:
            fehlend_global[art].add(wert)
    if eigene:
        zeilen.append("    umkodierung:")
        zeilen += [f"      {_q(w)}: {zahl_text(c)}" for w, c in eigene.items()]
    if item_fehlend:
        zeilen.append("    fehlend:")
        zeilen += [f"      {a}: [{', '.join(_q(w) for w in ws)}]" for a, ws in item_fehlend.items()]
    zeilen += [f"    # PRÜFEN: {u}" for u in unsicher]
    if unbekannt:
        zeilen.append(f"    # PRÜFEN: ohne Umkodierung: {', '.join(_q(w) for w in unbekannt[:8])}"
                      + (" …" if len(unbekannt) > 8 else ""))
    return zeilen
