"""Ein ausgefülltes Arbeitsbuch (oder eine CSV-Zeile im Format der Studie) lesen und prüfen.

Ergebnis ist eine ``Selbstauskunft``: eine Zeile wie in ``kommunen.csv`` und eine wie in
``antworten.csv`` (Codes des Codebuchs). Jedes Problem wird mit Datei, Blatt, Zelle und
Wert gemeldet, alle auf einmal (``Eingabefehler``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from analyse.arbeitshilfen import selbstauskunft as sa
from analyse.eingabe import studienordner
from analyse.eingabe.fehler import Eingabefehler, Problem, Sammler
from analyse.eingabe.fragebogen import Fragebogen, Item
from analyse.eingabe.groessenklassen import ARTEN

PFLICHT = ("ags", "name", "art", "einwohner")
_ZAHL = re.compile(r"^-?\d+([.,]\d+)?$")


@dataclass
class Selbstauskunft:
    """Eine geprüfte Selbstauskunft."""

    quelle: str
    kommune: dict  # ags, name, art, kreis, land, einwohner
    antworten: dict[str, float] = field(default_factory=dict)  # Item-ID → Code (NaN = leer)

    @property
    def ags(self) -> str:
        return str(self.kommune["ags"])

    def beantwortet(self, fb: Fragebogen, art: str | None = None) -> int:
        items = fb.items if art is None else fb.items_der_art(art)
        return sum(not np.isnan(self.antworten.get(i.id, np.nan)) for i in items)


def _ags_text(wert: object) -> str:
    """AGS aus einer Zelle; eine als Zahl gespeicherte AGS verliert ihre führende Null."""
    if isinstance(wert, bool):
        return str(wert)
    if isinstance(wert, int | float) and float(wert).is_integer():
        text = str(int(wert))
        # 4 und 7 Stellen sind eindeutig: Kreis (5) bzw. Gemeinde (8) ohne führende Null
        return text.zfill({4: 5, 7: 8}.get(len(text), len(text)))
    return str(wert).strip()


def stammdaten_pruefen(kommune: dict, ort: dict[str, str], sammler: Sammler,
                       studie_kommunen: pd.DataFrame | None) -> None:
    """Prüft AGS, Name, Art und Einwohner; ``ort``: Schlüssel → Ortsangabe für die Meldung."""
    for schluessel in PFLICHT:
        if kommune.get(schluessel) in (None, ""):
            sammler.melden(ort[schluessel], None, None, None,
                           f"eine Angabe: {_bezeichnung(schluessel)} ist Pflicht")
    ags, art = kommune.get("ags"), kommune.get("art")
    if ags and not studienordner.AGS_MUSTER.match(ags):
        sammler.melden(ort["ags"], None, None, ags,
                       "einen Amtlichen Gemeindeschlüssel aus 8 Ziffern (Kreise: 5 Ziffern)")
    elif ags and art in ARTEN and (len(ags) == 5) != (art == "Kreis"):
        sammler.melden(ort["ags"], None, None, ags,
                       f"5 Ziffern bei Kreisen und 8 Ziffern bei Städten und Gemeinden "
                       f"(Art: {art})")
    if art and art not in ARTEN:
        sammler.melden(ort["art"], None, None, art, f"eine der Arten {', '.join(ARTEN)}")
    einwohner = kommune.get("einwohner")
    if einwohner not in (None, ""):
        zahl = _als_zahl(einwohner)
        if zahl is None or zahl < 0 or not float(zahl).is_integer():
            sammler.melden(ort["einwohner"], None, None, einwohner,
                           "eine ganze Zahl ≥ 0 ohne Tausenderpunkte")
        else:
            kommune["einwohner"] = int(zahl)
    # Eine AGS der Studie mit anderem Namen ist fast immer ein Tippfehler in der AGS.
    if (ags and studie_kommunen is not None and ags in studie_kommunen.index
            and kommune.get("name")
            and _norm(studie_kommunen.at[ags, "name"]) != _norm(kommune["name"])):
        sammler.melden(ort["ags"], None, None, ags,
                       f"die AGS von {kommune['name']} (in der Studie gehört {ags} zu "
                       f"„{studie_kommunen.at[ags, 'name']}“; bitte die AGS prüfen)")


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _bezeichnung(schluessel: str) -> str:
    return next((f.bezeichnung for f in sa.STAMMFELDER if f.schluessel == schluessel), schluessel)


def _als_zahl(wert: object) -> float | None:
    if isinstance(wert, bool):
        return None
    if isinstance(wert, int | float):
        return float(wert)
    text = str(wert).strip().replace("\u00a0", "").replace(" ", "")
    if not _ZAHL.match(text):
        return None
    return float(text.replace(",", "."))


def _erwartung_skala(auswahl: dict[str, int]) -> str:
    return "einen Eintrag der Auswahlliste: " + ", ".join(f"„{t}“" for t in auswahl)


def antwort_lesen(item: Item, wert: object, fb: Fragebogen, ort: str,
                  sammler: Sammler) -> float:
    """Code einer Antwortzelle (NaN = leer); meldet Werte außerhalb der Auswahl."""
    if wert is None or (isinstance(wert, str) and not wert.strip()):
        return np.nan
    skala = fb.skala_von(item)
    if skala is not None:
        auswahl = sa.auswahl(skala)
        text = str(wert).strip() if isinstance(wert, str) else wert
        if isinstance(text, str):
            treffer = {t.casefold(): c for t, c in auswahl.items()}.get(" ".join(text.split())
                                                                        .casefold())
            if treffer is not None:
                return float(treffer)
        sammler.melden(ort, None, None, wert, _erwartung_skala(auswahl)
                       + " (der Wert wurde über die Auswahlliste getippt oder eingefügt)")
        return np.nan
    z = item.zahl
    zahl = _als_zahl(wert)
    bis = f" bis {z.maximum:g}" if z.maximum is not None else ""
    erwartet = (f"{'eine ganze Zahl' if z.ganzzahlig else 'eine Zahl'} von {z.minimum:g}{bis} "
                f"{z.einheit}").rstrip() + " oder leer"
    if (zahl is None or zahl < z.minimum or (z.maximum is not None and zahl > z.maximum)
            or (z.ganzzahlig and not zahl.is_integer())):
        sammler.melden(ort, None, None, wert, erwartet)
        return np.nan
    return zahl


# --------------------------------------------------------------------------- Arbeitsbuch


def _ort(datei: str, blatt: str, zelle: str) -> str:
    return f"{datei}, Blatt '{blatt}', Zelle {zelle}"


def _arbeitsbuch_oeffnen(pfad: Path, fb: Fragebogen):
    """Öffnet das Arbeitsbuch und prüft, dass es zu diesem Fragebogen gehört."""
    datei = pfad.name
    try:
        wb = load_workbook(pfad, data_only=True)
    except FileNotFoundError:
        raise Eingabefehler([Problem(datei, None, None, None, "eine vorhandene Datei")]) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as e:
        raise Eingabefehler([Problem(datei, None, None, None,
                                     f"eine Excel-Arbeitsmappe (.xlsx) aus 'analyse "
                                     f"selbstauskunft' (die Datei lässt sich nicht lesen: {e})")
                             ]) from None
    if sa.BLATT_CODEBUCH not in wb.sheetnames:
        raise Eingabefehler([Problem(datei, None, None, None,
                                     "ein Arbeitsbuch aus 'analyse selbstauskunft' (das "
                                     f"versteckte Blatt '{sa.BLATT_CODEBUCH}' fehlt; bitte das "
                                     "Arbeitsbuch der Studie verwenden)")])
    cb = wb[sa.BLATT_CODEBUCH]
    kopf = {cb.cell(row=i, column=1).value: cb.cell(row=i, column=2).value for i in range(1, 5)}
    erwartet = sa.fingerabdruck(fb)
    if kopf.get("format") != sa.FORMAT or kopf.get("fingerabdruck") != erwartet:
        raise Eingabefehler([Problem(
            datei, None, None, str(kopf.get("fingerabdruck")),
            f"ein Arbeitsbuch zum Fragebogen dieser Studie (Fingerabdruck {erwartet}); dieses "
            f"gehört zu einem anderen Fragebogen („{kopf.get('fragebogen')}“) oder einer "
            "anderen Fassung. Bitte die Antworten in ein neues Arbeitsbuch aus 'analyse "
            "selbstauskunft' übertragen")])
    return wb


def _zellen_lesen(wb, datei: str, fb: Fragebogen, sammler: Sammler
                  ) -> tuple[dict, dict[str, str], dict[str, float]]:
    """Stammdaten, ihre Fundorte und die Antworten aus den Zellen, die das Codebuchblatt nennt."""
    cb = wb[sa.BLATT_CODEBUCH]
    ablage = [tuple(cb.cell(row=i, column=j).value for j in range(1, 5))
              for i in range(7, cb.max_row + 1)]
    kommune: dict = {"ags": None, "name": None, "art": None, "kreis": "", "land": "",
                     "einwohner": None}
    orte: dict[str, str] = {}
    antworten: dict[str, float] = {i.id: np.nan for i in fb.items}
    for art, schluessel, blatt, zelle in ablage:
        if art is None:
            continue
        wert = wb[blatt][zelle].value
        ort = _ort(datei, blatt, zelle)
        if art != "stamm":
            antworten[schluessel] = antwort_lesen(fb.item[schluessel], wert, fb, ort, sammler)
            continue
        orte[schluessel] = ort
        if schluessel == "ags":
            kommune["ags"] = None if wert in (None, "") else _ags_text(wert)
        elif isinstance(wert, str):
            kommune[schluessel] = " ".join(wert.split()) or None
        else:
            kommune[schluessel] = wert
    return kommune, orte, antworten


def arbeitsbuch_lesen(pfad: Path, fb: Fragebogen,
                      studie_kommunen: pd.DataFrame | None = None) -> Selbstauskunft:
    """Liest ein ausgefülltes Arbeitsbuch; ``fb`` ist das Codebuch der Studie."""
    pfad = Path(pfad)
    datei = pfad.name
    wb = _arbeitsbuch_oeffnen(pfad, fb)
    sammler = Sammler()
    kommune, orte, antworten = _zellen_lesen(wb, datei, fb, sammler)
    leer = all(np.isnan(v) for v in antworten.values()) and not any(
        kommune.get(s) not in (None, "") for s in PFLICHT)
    if leer:
        raise Eingabefehler([Problem(datei, None, None, None,
                                     "ein ausgefülltes Arbeitsbuch (das Arbeitsbuch ist leer: "
                                     "weder Stammdaten noch Antworten)")])
    if all(np.isnan(antworten[i.id]) for i in fb.items if i.art in ("reife", "ziel")):
        sammler.melden(datei, None, None, None,
                       "mindestens eine beantwortete Frage zu Zielen oder Handlungsfeldern "
                       "(bisher sind nur Stammdaten eingetragen)")
    for schluessel in ("kreis", "land"):
        kommune[schluessel] = kommune.get(schluessel) or ""
    stammdaten_pruefen(kommune, orte, sammler, studie_kommunen)
    sammler.pruefen()
    return Selbstauskunft(quelle=datei, kommune=kommune, antworten=antworten)


# --------------------------------------------------------------------------- CSV-Zeile


def csv_zeile_lesen(pfad: Path, fb: Fragebogen, wellen: list[int], aktuelle_welle: int,
                    studie_kommunen: pd.DataFrame | None = None) -> Selbstauskunft:
    """Eine Zeile im Format von ``antworten.csv`` (Codes), optional mit den Spalten von
    ``kommunen.csv``; fehlen die Stammdaten, gelten die der Studie für diese AGS."""
    pfad = Path(pfad)
    sammler = Sammler()
    tabelle = studienordner.csv_lesen(pfad, sammler)
    sammler.pruefen()
    df = tabelle.daten
    if len(df) != 1:
        sammler.melden(tabelle.datei, None, None, f"{len(df)} Zeilen",
                       "genau eine Datenzeile (eine Kommune)")
        sammler.pruefen()
    stamm = {s: df[s].iat[0] for s in studienordner.KOMMUNEN_SPALTEN if s in df and s != "ags"}
    antwort_df = df.drop(columns=list(stamm))
    if "welle" not in antwort_df:
        antwort_df.insert(1, "welle", str(aktuelle_welle))
    tabelle.daten = antwort_df
    antworten = studienordner.antworten_pruefen(tabelle, fb, wellen, None, sammler)
    ags = str(df["ags"].iat[0]).strip() if "ags" in df else ""
    kommune = {"ags": ags, "name": None, "art": None, "kreis": "", "land": "", "einwohner": None}
    if studie_kommunen is not None and ags in studie_kommunen.index and not (
            set(PFLICHT) - {"ags"}) <= set(stamm):
        zeile = studie_kommunen.loc[ags]
        kommune.update({s: zeile[s] for s in ("name", "art", "kreis", "land", "einwohner")})
        kommune["einwohner"] = int(kommune["einwohner"])
    kommune.update({s: (v or None) if s in PFLICHT else v for s, v in stamm.items()
                    if s in kommune})
    zeile_nr = tabelle.zeilen[0] if tabelle.zeilen else 2
    orte = {s: f"{tabelle.datei}, Zeile {zeile_nr}, Spalte '{s}'" for s in PFLICHT}
    stammdaten_pruefen(kommune, orte, sammler, studie_kommunen)
    sammler.pruefen()
    zeile = antworten.iloc[0]
    return Selbstauskunft(quelle=tabelle.datei, kommune=kommune,
                          antworten={i.id: float(zeile[i.id]) for i in fb.items})


def lesen(pfad: Path, fb: Fragebogen, wellen: list[int], aktuelle_welle: int,
          studie_kommunen: pd.DataFrame | None = None) -> Selbstauskunft:
    """Arbeitsbuch (``.xlsx``) oder CSV-Zeile (``.csv``), nach Dateiendung."""
    if Path(pfad).suffix.lower() == ".csv":
        return csv_zeile_lesen(pfad, fb, wellen, aktuelle_welle, studie_kommunen)
    return arbeitsbuch_lesen(pfad, fb, studie_kommunen)
