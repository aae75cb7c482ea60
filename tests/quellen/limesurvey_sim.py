"""Simuliert den Antwortexport von LimeSurvey für eine importierte Umfragestruktur (TSV).

So sieht ein echter Export aus („CSV“-Export): UTF-8 mit BOM, ``;`` als Trennzeichen, jedes
Feld in Anführungszeichen, Metadaten (id, submitdate, lastpage, startlanguage, seed,
startdate, datestamp), Zeitspalten (interviewtime, groupTime…, …Time), Antworten als Codes
oder als Antworttexte, leere Felder für keine Antwort, leeres submitdate für unvollständige
Antworten. Überschriften entweder nur der Fragecode oder ``Code. Fragetext``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

METADATEN = [("id", "Antwort-ID"), ("submitdate", "Datum Abgeschickt"),
             ("lastpage", "Letzte Seite"), ("startlanguage", "Start-Sprache"), ("seed", "Seed"),
             ("startdate", "Datum gestartet"), ("datestamp", "Datum letzte Aktivität")]


@dataclass
class Frage:
    code: str
    typ: str
    text: str
    gruppe: int
    antworten: dict[str, str] = field(default_factory=dict)


def struktur_lesen(text: str) -> list[Frage]:
    """Liest die Fragen einer TSV-Umfragestruktur so, wie LimeSurvey sie importiert."""
    zeilen = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t"))
    fragen: list[Frage] = []
    gruppe = 0
    for z in zeilen:
        if z["class"] == "G":
            gruppe += 1
        elif z["class"] == "Q":
            fragen.append(Frage(z["name"], z["type/scale"], z["text"], gruppe))
        elif z["class"] == "A":
            fragen[-1].antworten[z["name"]] = z["text"]
    return fragen


def _zahl(wert: float, typ: str) -> str:
    # LimeSurvey speichert Zahlenfragen als decimal(30,10)
    return f"{wert:.10f}" if typ == "N" else str(int(wert))


def antwortexport(struktur: str, antworten: pd.DataFrame, item_texte: dict[str, str],
                  kopf: str = "code", werte: str = "codes", seed: int = 1) -> bytes:
    """Ein Antwortexport: eine Antwort je Zeile von ``antworten`` (ags + Items).

    ``item_texte``: Fragetext → Item-ID (die Befragten beantworten die Frage mit diesem Text).
    Dazu eine unvollständige Antwort und eine ältere, überholte Antwort einer Kommune.
    """
    rng = np.random.default_rng(seed)
    fragen = struktur_lesen(struktur)
    gruppen = sorted({f.gruppe for f in fragen})
    spalten = [(c, t) for c, t in METADATEN]
    spalten += [(f.code, f.text) for f in fragen]
    spalten += [("interviewtime", "Gesamtzeit")]
    spalten += [(f"groupTime{100 + g}", f"Gruppenzeit: Gruppe {g}") for g in gruppen]
    spalten += [(f"{f.code}Time", f"Fragezeit: {f.code}") for f in fragen]
    ueberschriften = [c if kopf == "code" else f"{c}. {t}" for c, t in spalten]

    def zeile(nr: int, ags: str, quelle: pd.Series | None, abgeschickt: str) -> list[str]:
        meta = [str(nr), abgeschickt, str(len(gruppen)), "de", str(rng.integers(1e8)),
                "2026-05-02 09:00:00", abgeschickt or "2026-05-02 09:10:00"]
        felder = []
        for f in fragen:
            if f.code == "AGS":
                felder.append(ags)
                continue
            wert = np.nan if quelle is None else quelle[item_texte[f.text]]
            if pd.isna(wert):
                felder.append("")
            elif f.antworten:
                code = str(int(wert))
                felder.append(f.antworten[code] if werte == "texte" else code)
            else:
                felder.append(_zahl(float(wert), f.typ))
        zeiten = [f"{rng.uniform(1, 30):.2f}" for _ in range(1 + len(gruppen) + len(fragen))]
        return meta + felder + zeiten

    saetze = []
    nr = 1
    erste = antworten.iloc[0]
    # eine ältere Antwort derselben Kommune mit anderen Werten: die neueste muss gewinnen
    alt = erste.copy()
    for spalte in antworten.columns[2:]:
        if not pd.isna(alt[spalte]) and spalte.startswith("STR0"):
            alt[spalte] = 3.0 if alt[spalte] != 3.0 else 2.0
    saetze.append(zeile(nr, str(erste["ags"]), alt, "2026-05-03 08:00:00"))
    for _, a in antworten.iterrows():
        nr += 1
        saetze.append(zeile(nr, str(a["ags"]), a, f"2026-05-{10 + nr % 18:02d} 10:{nr % 60:02d}:00"))
    nr += 1
    saetze.append(zeile(nr, str(antworten.iloc[1]["ags"]), None, ""))  # unvollständig
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    schreiber.writerow(ueberschriften)
    schreiber.writerows(saetze)
    return "\ufeff".encode() + puffer.getvalue().encode("utf-8")
