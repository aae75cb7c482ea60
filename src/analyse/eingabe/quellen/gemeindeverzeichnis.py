"""Das amtliche Gemeindeverzeichnis (Destatis, GV-ISys) als Stammdaten für ``kommunen.csv``.

Zwei Dateien werden gelesen:

- ``04-kreise.xlsx`` (Kreisfreie Städte und Landkreise nach Fläche, Bevölkerung und
  Bevölkerungsdichte): Titelblock, zweizeiliger Kopf, dann je Land eine Überschriftszeile
  (zweistelliger Schlüssel), ggf. Regierungsbezirke (dreistellig) und je Kreis oder kreisfreier
  Stadt eine Zeile (fünfstellig) mit Art, Name und Bevölkerung; Fußnoten am Ende.
- der Gemeinden-Auszug (``AuszugGV…xlsx``, Blatt ``Onlineprodukt_Gemeinden…``): eine Zeile je
  Land, Regierungsbezirk, Region, Kreis, Gemeindeverband und Gemeinde, unterschieden durch die
  Satzart (10, 20, 30, 40, 50, 60); der Schlüssel steht in den Spalten Land, RB, Kreis, VB, Gem,
  die Art im Textkennzeichen (Kreise 41–45, Gemeinden 60–67).

Kreisfreie Städte sind Gemeinden: ihr AGS hat 8 Ziffern (Kreisschlüssel + ``000``); Kreise
behalten ihren fünfstelligen Schlüssel.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.quellen.lesen import roh_lesen, zahl_text

SPALTEN = ("ags", "name", "art", "kreis", "land", "einwohner")
STUDIENSPALTEN = ("verband", "referenzkommune")  # gehören der Studie, bleiben beim Abgleich
# Textkennzeichen der Gemeinden (Satzart 60) und Kreise (Satzart 40)
GEMEINDE_ART = {60: "Gemeinde", 61: "kreisfreie Stadt", 62: "kreisfreie Stadt", 63: "Stadt",
                64: "Gemeinde", 67: "Stadt"}
GEMEINDEFREI = {65, 66}
KREIS_TKZ = {43, 44, 45}  # Kreis, Landkreis, Regionalverband; 41/42 sind kreisfreie Städte
KREISFREI_TEXTE = ("kreisfreie stadt", "stadtkreis")


@dataclass
class Verzeichnis:
    """Die gelesenen Kommunen und was dabei übergangen wurde."""

    art: str  # "kreise" oder "gemeinden"
    kommunen: pd.DataFrame  # SPALTEN, alles Text
    hinweise: list[str] = field(default_factory=list)


def _text(wert: object) -> str:
    if wert is None:
        return ""
    if isinstance(wert, float | int) and not isinstance(wert, bool):
        return zahl_text(wert)
    return str(wert).strip()


def _norm(text: str) -> str:
    return re.sub(r"[^a-zäöüß]", "", text.lower())


def lesen(pfad: Path) -> Verzeichnis:
    """Liest ``04-kreise.xlsx`` oder einen Gemeinden-Auszug; erkennt die Art am Inhalt."""
    import openpyxl

    pfad = Path(pfad)
    roh = roh_lesen(pfad)
    try:
        # als Datenstrom: openpyxl prüft sonst die Endung
        mappe = openpyxl.load_workbook(io.BytesIO(roh), read_only=True, data_only=True)
    except Exception as e:  # beschädigt oder keine xlsx
        raise Eingabefehler([Problem(pfad.name, None, None, None,
                                     f"eine Excel-Datei (.xlsx) des Gemeindeverzeichnisses "
                                     f"({type(e).__name__})")]) from None
    try:
        blaetter = {n: [[_text(w) for w in z] for z in mappe[n].iter_rows(values_only=True)]
                    for n in mappe.sheetnames}
    finally:
        mappe.close()
    for name, zeilen in blaetter.items():
        kopf = _kopf_auszug(zeilen)
        if kopf is not None:
            return _auszug(zeilen, kopf, pfad.name, name)
    for name, zeilen in blaetter.items():
        kopf = _kopf_kreise(zeilen)
        if kopf is not None:
            return _kreise(zeilen, kopf, pfad.name, name)
    raise Eingabefehler([Problem(pfad.name, None, None, None,
                                 "das Gemeindeverzeichnis von Destatis: 04-kreise.xlsx oder den "
                                 "Gemeinden-Auszug (AuszugGV…xlsx) mit Satzart-Spalte")])


# --- 04-kreise.xlsx ----------------------------------------------------------------------------

def _kopf_kreise(zeilen: list[list[str]]) -> dict[str, int] | None:
    """Spalten für Art, Name und Bevölkerung aus dem Kopf über der ersten Kreiszeile."""
    erste = next((i for i, z in enumerate(zeilen) if z and re.fullmatch(r"\d{5}", z[0])), None)
    if erste is None:
        return None
    kopf = [" ".join(z[j] for z in zeilen[max(0, erste - 6):erste] if j < len(z))
            for j in range(max(len(z) for z in zeilen[:erste + 1]))]
    spalten = {}
    for j, text in enumerate(kopf):
        n = _norm(text)
        if "regionalebezeichnung" in n:
            spalten["art"] = j
        elif "landkreis" in n or "kreisfreiestadt" in n:
            spalten.setdefault("name", j)
        elif "insgesamt" in n and "einwohner" not in spalten:
            spalten["einwohner"] = j
    return spalten if {"art", "name", "einwohner"} <= set(spalten) else None


def _kreise(zeilen: list[list[str]], kopf: dict[str, int], datei: str, blatt: str) -> Verzeichnis:
    land = ""
    daten, probleme = [], []
    for nummer, z in enumerate(zeilen, start=1):
        schluessel = z[0] if z else ""
        if re.fullmatch(r"\d{2}", schluessel) and len(z) > 1 and z[1]:
            land = z[1]
        if not re.fullmatch(r"\d{5}", schluessel):
            continue
        art_text, name = z[kopf["art"]], z[kopf["name"]]
        einwohner = z[kopf["einwohner"]] if kopf["einwohner"] < len(z) else ""
        if not re.fullmatch(r"\d+", einwohner):
            probleme.append(Problem(datei, nummer, "Bevölkerung insgesamt", einwohner,
                                    "eine ganze Zahl"))
            continue
        kreisfrei = art_text.lower() in KREISFREI_TEXTE
        ags = schluessel + "000" if kreisfrei else schluessel
        daten.append((ags, name, "kreisfreie Stadt" if kreisfrei else "Kreis", name, land,
                      einwohner))
    if probleme:
        raise Eingabefehler(probleme)
    return Verzeichnis("kreise", pd.DataFrame(daten, columns=list(SPALTEN), dtype=str),
                       [f"{datei}: Blatt '{blatt}', Kreise und kreisfreie Städte."])


# --- Gemeinden-Auszug (AuszugGV) ---------------------------------------------------------------

_AUSZUG_REIHENFOLGE = ("satzart", "tkz", "land", "rb", "kreis", "vb", "gem", "name", "flaeche",
                       "einwohner")


def _kopf_auszug(zeilen: list[list[str]]) -> dict[str, int] | None:
    """Spalten des Auszugs; der Kopf beginnt mit „Satzart“, darunter Land, RB, Kreis, VB, Gem."""
    for i, z in enumerate(zeilen[:30]):
        for j, w in enumerate(z):
            if _norm(w).startswith("satzart") or _norm(w) == "satz":
                block = zeilen[i:i + 5]
                breite = max(len(b) for b in block)
                texte = [_norm(" ".join(b[k] for b in block if k < len(b))) for k in range(breite)]
                spalten = dict(zip(_AUSZUG_REIHENFOLGE, range(j, j + len(_AUSZUG_REIHENFOLGE)),
                                   strict=True))
                for k, t in enumerate(texte):  # wo der Kopf es sagt, gilt der Kopf
                    if "gemeindename" in t:
                        spalten["name"] = k
                    elif "textkennzeichen" in t:
                        spalten["tkz"] = k
                    elif t.endswith("insgesamt") and k > spalten["name"]:
                        spalten.setdefault("_ew", k)
                spalten["einwohner"] = spalten.pop("_ew", spalten["einwohner"])
                spalten["_kopf"] = i
                return spalten
    return None


def _ziffern(wert: str, n: int) -> str:
    return wert.zfill(n) if wert.isdigit() else ""


def _saetze(zeilen: list[list[str]], kopf: dict[str, int]
            ) -> tuple[dict[str, str], dict[str, tuple[str, int, str]], list[list[str]], int]:
    """Länder (Satzart 10), Kreise (40) und Gemeinden (60) des Verzeichnisses; dazu die Zahl
    der gemeindefreien Gebiete (sie werden übersprungen)."""
    def feld(z: list[str], name: str) -> str:
        j = kopf[name]
        return z[j] if j < len(z) else ""

    laender: dict[str, str] = {}
    kreise: dict[str, tuple[str, int, str]] = {}
    gemeinden = []
    gemeindefrei = 0
    for z in zeilen[kopf["_kopf"] + 1:]:
        satzart = feld(z, "satzart")
        if satzart not in ("10", "40", "60"):
            continue
        land = _ziffern(feld(z, "land"), 2)
        if satzart == "10":
            laender[land] = feld(z, "name")
            continue
        schluessel = land + _ziffern(feld(z, "rb"), 1) + _ziffern(feld(z, "kreis"), 2)
        tkz = int(feld(z, "tkz")) if feld(z, "tkz").isdigit() else 0
        ew = feld(z, "einwohner")
        if satzart == "40":
            kreise[schluessel] = (feld(z, "name"), tkz, ew)
        elif tkz in GEMEINDEFREI:
            gemeindefrei += 1
        else:
            ags = schluessel + _ziffern(feld(z, "gem"), 3)
            gemeinden.append([ags, feld(z, "name"), GEMEINDE_ART.get(tkz, "Gemeinde"), "", land,
                              ew if ew.isdigit() else "0"])
    return laender, kreise, gemeinden, gemeindefrei


def _auszug(zeilen: list[list[str]], kopf: dict[str, int], datei: str,
            blatt: str) -> Verzeichnis:
    laender, kreise, gemeinden, gemeindefrei = _saetze(zeilen, kopf)
    summe: dict[str, int] = {}
    for g in gemeinden:
        summe[g[0][:5]] = summe.get(g[0][:5], 0) + int(g[5])
        g[3] = g[1] if g[2] == "kreisfreie Stadt" else kreise.get(g[0][:5], ("",))[0]
        g[4] = laender.get(g[4], g[4])
    daten = [tuple(g) for g in gemeinden]
    for schluessel, (name, tkz, ew) in kreise.items():
        if tkz in KREIS_TKZ:
            einwohner = ew if ew.isdigit() else str(summe.get(schluessel, 0))
            daten.append((schluessel, name, "Kreis", name, laender.get(schluessel[:2], ""),
                          einwohner))
    hinweise = [f"{datei}: Blatt '{blatt}', {len(gemeinden)} Gemeinden und "
                f"{sum(1 for _, t, _ in kreise.values() if t in KREIS_TKZ)} Kreise."]
    if gemeindefrei:
        hinweise.append(f"{gemeindefrei} gemeindefreie Gebiete übergangen (keine Kommunen).")
    df = pd.DataFrame(daten, columns=list(SPALTEN), dtype=str).sort_values("ags")
    return Verzeichnis("gemeinden", df.reset_index(drop=True), hinweise)


# --- Abgleich mit kommunen.csv -----------------------------------------------------------------

def auswaehlen(kommunen: pd.DataFrame, land: str | None, kreis: str | None) -> pd.DataFrame:
    """Nur die Kommunen eines Landes (2 Ziffern) oder Kreises (5 Ziffern)."""
    maske = pd.Series(True, index=kommunen.index)
    if land:
        maske &= kommunen["ags"].str.startswith(land)
    if kreis:
        maske &= kommunen["ags"].str.startswith(kreis)
    return kommunen[maske].reset_index(drop=True)


@dataclass
class Abgleich:
    kommunen: pd.DataFrame
    neu: int = 0
    geaendert: int = 0
    unveraendert: int = 0
    nur_studie: int = 0


def zusammenfuehren(alt: pd.DataFrame | None, amtlich: pd.DataFrame) -> Abgleich:
    """Aktualisiert Stammdaten aus dem Verzeichnis; Spalten der Studie und eigene Zeilen bleiben."""
    if alt is None:
        neu = amtlich.copy()
        neu["verband"] = ""
        neu["referenzkommune"] = "nein"
        return Abgleich(neu, neu=len(neu))
    ergebnis = alt.copy()
    amtlich_idx = amtlich.set_index("ags")
    abgleich = Abgleich(ergebnis)
    for i, ags in enumerate(ergebnis["ags"]):
        if ags not in amtlich_idx.index:
            abgleich.nur_studie += 1
            continue
        zeile = amtlich_idx.loc[ags]
        vorher = [ergebnis.at[i, s] for s in SPALTEN[1:]]
        for s in SPALTEN[1:]:
            ergebnis.at[i, s] = zeile[s]
        if vorher == [zeile[s] for s in SPALTEN[1:]]:
            abgleich.unveraendert += 1
        else:
            abgleich.geaendert += 1
    dazu = amtlich[~amtlich["ags"].isin(set(ergebnis["ags"]))].copy()
    dazu["verband"] = ""
    dazu["referenzkommune"] = "nein"
    for spalte in ergebnis.columns:
        if spalte not in dazu:
            dazu[spalte] = ""
    abgleich.neu = len(dazu)
    abgleich.kommunen = pd.concat([ergebnis, dazu[list(ergebnis.columns)]], ignore_index=True)
    return abgleich
