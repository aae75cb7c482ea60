"""Eine Zuordnung auf eine Quelle anwenden: Zeilen auswählen, Werte umkodieren, Bericht führen.

Reine Funktion: aus Quelle, Zuordnung und Codebuch werden die Antwortzeilen einer Welle (als
Text, wie in ``antworten.csv``) und ein Importbericht. Nur zugeordnete Spalten kommen heraus.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd

from analyse.eingabe.fehler import Problem
from analyse.eingabe.fragebogen import Fragebogen, Item
from analyse.eingabe.quellen.lesen import Quelle, zahl_text
from analyse.eingabe.quellen.zuordnung import FEHLEND_NAMEN, Zuordnung

_ZAHL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_AGS_ROH = re.compile(r"^\d{4,8}$")
# Spalten eines LimeSurvey-Exports, die keine Antworten sind
METADATEN = {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
             "token", "ipaddr", "refurl", "optout", "emailstatus", "firstname", "lastname",
             "email"}
_ZEIT = re.compile(r"^(interviewtime|grouptime\d*|.*time)$", re.IGNORECASE)
ZEITSTEMPEL = ("submitdate", "datestamp", "startdate")
GRUENDE = {
    "unvollstaendig": "unvollständig (leeres submitdate)",
    "ohne_ags": "ohne AGS",
    "ungueltiger_ags": "AGS ungültig",
    "unbekannter_ags": "AGS nicht in kommunen.csv",
    "doppelt": "doppelt (eine andere Antwort derselben Kommune gewinnt)",
}
MAX_WERTE_JE_SPALTE = 10  # Beispiele unbekannter Werte je Spalte; der Rest wird gezählt


@dataclass
class Importbericht:
    """Was der Import getan hat; ``zeilen()`` gibt ihn als Text für die Konsole."""

    datei: str
    format: str
    welle: int
    gelesen: int = 0
    zugeordnet: list[tuple[str, str]] = field(default_factory=list)  # (Item, Quellspalte)
    nicht_zugeordnet: list[str] = field(default_factory=list)  # Items ohne Quelle (bleiben leer)
    verworfen_spalten: dict[str, list[str]] = field(default_factory=dict)  # Art → Codes
    umkodiert: Counter = field(default_factory=Counter)  # Item → Anzahl umkodierter Werte
    verworfen: list[tuple[int, str, str]] = field(default_factory=list)  # (Zeile, AGS, Grund)
    doppelte: list[tuple[str, int, list[int]]] = field(default_factory=list)  # AGS, Gewinner, Rest
    quellzeilen: list[int] = field(default_factory=list)  # Zeile der Quelle je übernommener
    ags_ergaenzt: int = 0
    uebernommen: int = 0
    neu: int = 0
    ersetzt: int = 0
    hinweise: list[str] = field(default_factory=list)

    def zeilen(self) -> list[str]:
        z = [f"Import aus {self.datei} ({self.format}) in Welle {self.welle}: "
             f"{self.gelesen} Zeilen gelesen, {self.uebernommen} übernommen "
             f"({self.neu} neu, {self.ersetzt} ersetzt)."]
        z += [f"  Hinweis: {h}" for h in self.hinweise]
        z.append(f"  Spalten zugeordnet: {len(self.zugeordnet)} (zu Items des Codebuchs)")
        for art, codes in self.verworfen_spalten.items():
            if codes:
                z.append(f"  Spalten verworfen ({art}): {len(codes)}: {_liste(codes)}")
        if self.nicht_zugeordnet:
            z.append(f"  Items ohne Quellspalte (bleiben leer): {len(self.nicht_zugeordnet)}: "
                     f"{_liste(self.nicht_zugeordnet)}")
        gesamt = sum(self.umkodiert.values())
        if gesamt:
            je = ", ".join(f"{i} {n}" for i, n in self.umkodiert.most_common(8))
            z.append(f"  Werte umkodiert: {gesamt} in {len(self.umkodiert)} Items ({je}"
                     f"{', …' if len(self.umkodiert) > 8 else ''})")
        if self.ags_ergaenzt:
            z.append(f"  AGS mit verlorener führender Null ergänzt: {self.ags_ergaenzt}")
        je_grund = Counter(g for _, _, g in self.verworfen)
        for grund, n in je_grund.items():
            beispiele = [f"Zeile {zeile}" + (f" (AGS {ags})" if ags else "")
                         for zeile, ags, g in self.verworfen if g == grund][:5]
            z.append(f"  Zeilen verworfen, {GRUENDE[grund]}: {n}: {', '.join(beispiele)}"
                     f"{', …' if n > 5 else ''}")
        for ags, gewinner, rest in self.doppelte[:10]:
            z.append(f"    AGS {ags}: Zeile {gewinner} gewinnt vor Zeile "
                     f"{', '.join(map(str, rest))}")
        if len(self.doppelte) > 10:
            z.append(f"    … und {len(self.doppelte) - 10} weitere Kommunen mit mehreren Antworten")
        return z


def _liste(werte: list[str], n: int = 12) -> str:
    return ", ".join(werte[:n]) + (f", … ({len(werte) - n} weitere)" if len(werte) > n else "")


def ags_normalisieren(roh: str) -> tuple[str | None, bool]:
    """AGS als Text mit 5 oder 8 Ziffern; ergänzt eine in Excel verlorene führende Null."""
    wert = re.sub(r"\s", "", roh)
    if re.fullmatch(r"\d+\.0+", wert):  # aus einer Zahlspalte (SPSS, Excel)
        wert = wert.split(".")[0]
    if not (wert.isascii() and _AGS_ROH.match(wert)):
        return None, False
    if len(wert) in (4, 7):
        return "0" + wert, True
    return (wert, False) if len(wert) in (5, 8) else (None, False)


def spalten_einordnen(quelle: Quelle, genutzt: set[str]) -> dict[str, list[str]]:
    """Die nicht genutzten Spalten, nach Art (für den Bericht)."""
    arten: dict[str, list[str]] = {"Metadaten": [], "Zeiten": [], "nicht zugeordnet": []}
    for code in quelle.codes:
        if code in genutzt:
            continue
        if code.lower() in METADATEN or code.lower().startswith("attribute_"):
            arten["Metadaten"].append(code)
        elif _ZEIT.match(code):
            arten["Zeiten"].append(code)
        else:
            arten["nicht zugeordnet"].append(code)
    return arten


def _zeilen_auswaehlen(quelle: Quelle, z: Zuordnung, bekannte_ags: set[str] | None,
                       bericht: Importbericht, probleme: list[Problem]) -> list[tuple[int, str]]:
    """Index und AGS der Zeilen, die übernommen werden (nach Vollständigkeit, AGS, Doppelten)."""
    df = quelle.daten
    kandidaten: dict[str, list[int]] = defaultdict(list)
    ags_spalte = df[z.ags] if z.ags in df else pd.Series([""] * len(df), dtype=str)
    pruefe_submit = "submitdate" in df and z.unvollstaendige == "verwerfen"
    for i in range(len(df)):
        zeile = quelle.zeilen[i]
        roh = ags_spalte.iat[i]
        if pruefe_submit and df["submitdate"].iat[i] == "":
            bericht.verworfen.append((zeile, roh, "unvollstaendig"))
            continue
        if roh == "":
            bericht.verworfen.append((zeile, "", "ohne_ags"))
            continue
        ags, ergaenzt = ags_normalisieren(roh)
        if ags is None:
            bericht.verworfen.append((zeile, roh, "ungueltiger_ags"))
            continue
        if bekannte_ags is not None and ags not in bekannte_ags:
            bericht.verworfen.append((zeile, ags, "unbekannter_ags"))
            continue
        bericht.ags_ergaenzt += ergaenzt
        kandidaten[ags].append(i)
    auswahl = []
    for ags, indizes in kandidaten.items():
        gewinner = _gewinner(df, indizes, z.doppelte)
        if len(indizes) > 1:
            rest = [i for i in indizes if i != gewinner]
            if z.doppelte == "fehler":
                for i in indizes:
                    probleme.append(Problem(quelle.datei, quelle.zeilen[i], z.ags, ags,
                                            "je Kommune genau eine Antwort (mehrere gefunden; "
                                            "'doppelte: neueste' in der Zuordnung wählt die "
                                            "neueste)"))
            bericht.doppelte.append((ags, quelle.zeilen[gewinner], [quelle.zeilen[i] for i in rest]))
            bericht.verworfen += [(quelle.zeilen[i], ags, "doppelt") for i in rest]
        auswahl.append((gewinner, ags))
    bericht.verworfen.sort()
    return sorted(auswahl)


def _gewinner(df: pd.DataFrame, indizes: list[int], regel: str) -> int:
    if regel == "erste":
        return indizes[0]
    if regel in ("letzte", "fehler"):
        return indizes[-1]
    # neueste: nach dem ersten vorhandenen Zeitstempel, bei Gleichstand die spätere Zeile
    stempel = next((s for s in ZEITSTEMPEL if s in df), None)
    if stempel is None:
        return indizes[-1]
    return max(indizes, key=lambda i: (df[stempel].iat[i], i))


def _fehlcode(item: Item, fb: Fragebogen, art: str) -> float | None | str:
    """Code für eine Fehlart: "" für leer, ein Fehlcode der Skala oder ``None`` (gibt es nicht)."""
    if art == "leer":
        return ""
    skala = fb.skala_von(item)
    return getattr(skala.fehlend, art) if skala is not None else None


def _erwartung(item: Item, fb: Fragebogen) -> str:
    skala = fb.skala_von(item)
    if skala is not None:
        werte = ", ".join(f"{c} ({t})" for c, t in skala.werte.items())
        fehl = ", ".join(f"{c} ({FEHLEND_NAMEN[n]})" for c, n in skala.fehlend.codes().items())
        return (f"einen Code für Item {item.id} (Skala '{item.skala}': {werte}"
                + (f"; {fehl}" if fehl else "") + f") oder eine Umkodierung in der Zuordnung "
                f"(items.{item.id}.umkodierung, skalen.{item.skala} oder umkodierung)")
    zahl = item.zahl
    bis = f" bis {zahl.maximum:g}" if zahl.maximum is not None else ""
    return (f"eine {'ganze ' if zahl.ganzzahlig else ''}Zahl von {zahl.minimum:g}{bis} "
            f"{zahl.einheit}".rstrip() + f" für Item {item.id} oder eine Umkodierung")


def _hinweis(wert: str) -> str | None:
    if re.fullmatch(r"A[O0]?\d+", wert):
        return ("ein LimeSurvey-Antwortcode; `analyse zuordnung-entwurf --struktur "
                "UMFRAGE.lss` schlägt die Umkodierung aus den Antworttexten vor")
    return None


def wert_umkodieren(wert: str, item: Item, fb: Fragebogen, z: Zuordnung
                    ) -> tuple[str | None, bool]:
    """Der Code für einen Quellwert (Text wie in antworten.csv) und ob umkodiert wurde.

    ``None``: keine Regel passt. Reihenfolge: Fehlwerte (Item, dann global), Umkodierung
    (Item, Skala, global), dann der Wert selbst, wenn er schon ein gültiger Code ist.
    """
    iz = z.item(item.id)
    for fehlend in (iz.fehlend, z.fehlend):
        art = fehlend.art_von(wert)
        if art is not None:
            code = _fehlcode(item, fb, art)
            if code is None:
                return None, False
            text = code if code == "" else zahl_text(code)
            return text, text != wert
    ziele = [iz.umkodierung, z.skalen.get(item.skala or "", {}), z.umkodierung]
    for umk in ziele:
        if wert in umk:
            text = zahl_text(umk[wert])
            return (text if _gueltig(text, item, fb) else None), text != wert
    if wert == "":
        return "", False
    if _ZAHL.match(wert):
        text = zahl_text(float(wert.replace(",", ".")))
        if _gueltig(text, item, fb):
            return text, False
    return None, False


def _gueltig(text: str, item: Item, fb: Fragebogen) -> bool:
    skala = fb.skala_von(item)
    if skala is not None:
        return text in {zahl_text(c) for c in (*skala.werte, *skala.fehlend.codes())}
    wert = float(text)
    zahl = item.zahl
    if zahl.ganzzahlig and not wert.is_integer():
        return False
    return wert >= zahl.minimum and (zahl.maximum is None or wert <= zahl.maximum)


def anwenden(quelle: Quelle, z: Zuordnung, fb: Fragebogen, welle: int,
             bekannte_ags: set[str] | None) -> tuple[pd.DataFrame, Importbericht, list[Problem]]:
    """Antwortzeilen der Welle (ags, welle, Items; Text), Bericht und Probleme mit Quellwerten."""
    bericht = Importbericht(quelle.datei, quelle.format, welle, gelesen=len(quelle.daten),
                            hinweise=list(quelle.hinweise))
    probleme: list[Problem] = []
    auswahl = _zeilen_auswaehlen(quelle, z, bekannte_ags, bericht, probleme)
    indizes = [i for i, _ in auswahl]
    ergebnis = {"ags": [a for _, a in auswahl], "welle": [str(welle)] * len(auswahl)}
    for item in fb.items:
        if item.id not in z.items or z.item(item.id).spalte not in quelle.daten:
            ergebnis[item.id] = [""] * len(auswahl)
            if item.id not in z.items:
                bericht.nicht_zugeordnet.append(item.id)
            continue
        spalte = z.item(item.id).spalte
        bericht.zugeordnet.append((item.id, spalte))
        werte = quelle.daten[spalte].iloc[indizes] if indizes else pd.Series([], dtype=str)
        codes, fehlt = [], defaultdict(list)
        cache: dict[str, tuple[str | None, bool]] = {}
        for i, wert in zip(indizes, werte, strict=True):
            if wert not in cache:
                cache[wert] = wert_umkodieren(wert, item, fb, z)
            code, umkodiert = cache[wert]
            if code is None:
                fehlt[wert].append(quelle.zeilen[i])
                code = ""
            bericht.umkodiert[item.id] += umkodiert
            codes.append(code)
        ergebnis[item.id] = codes
        unbekannt = sorted(fehlt.items(), key=lambda w: w[1][0])
        for n, (wert, zeilen) in enumerate(unbekannt):
            if n == MAX_WERTE_JE_SPALTE:
                rest = sum(len(zz) for _, zz in unbekannt[n:])
                probleme.append(Problem(quelle.datei, None, spalte, None,
                                        f"weitere {len(fehlt) - n} unbekannte Werte in "
                                        f"{rest} Zeilen; {_erwartung(item, fb)}"))
                break
            anzahl = f" (in {len(zeilen)} Zeilen)" if len(zeilen) > 1 else ""
            probleme.append(Problem(quelle.datei, zeilen[0], spalte, wert,
                                    _erwartung(item, fb) + anzahl, hinweis=_hinweis(wert)))
    bericht.umkodiert = Counter({k: v for k, v in bericht.umkodiert.items() if v})
    bericht.verworfen_spalten = spalten_einordnen(
        quelle, {z.ags, *(s for _, s in bericht.zugeordnet)})
    bericht.uebernommen = len(auswahl)
    bericht.quellzeilen = [quelle.zeilen[i] for i in indizes]
    return pd.DataFrame(ergebnis, dtype=str), bericht, probleme
