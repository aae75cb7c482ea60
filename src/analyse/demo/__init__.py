"""Deterministischer Generator der Demostudie (``analyse demo-daten``).

Erzeugt eine fiktive Studie mit Kommunen eines erfundenen Landes "Musterland".
Alle Schlüssel beginnen mit dem Landesschlüssel ``99``, den es in Deutschland nicht
gibt; Namen werden aus Silben zusammengesetzt. Verwechslung mit realen Kommunen ist
damit ausgeschlossen.

Was geplant ist (und von der Analyse wiedergefunden werden soll):
- latente Kommunentypen: Zielprioritäten = Prototyp aus ``kommunentypen.yml`` + Rauschen;
- Reifegrad: steigt mit der Größe, typabhängiges Profil über die Handlungsfelder,
  Itemrauschen, umgepolte Items, "weiß nicht"/"keine Angabe"/leere Antworten;
- zwei Wellen mit Zuwachs und Panelausfall; Strukturdaten passend zu Größe und Reife.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analyse.dateien import AusgabeVerweigert
from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe import groessenklassen, typkatalog

VORLAGEN = resources.files("analyse.demo") / "vorlagen"
LAND = "Musterland"
VERBAND = "Zweckverband Digitale Region Musterland"

# Anteile je Größenklasse für eine Stichprobe wie die KGSt-Befragung (Gemeinden, dann Kreise);
# (Klasse, Anteil, Einwohner von, bis)
_VERTEILUNG = (
    ("GK1", 0.008, 400_000, 1_500_000),
    ("GK2", 0.015, 200_000, 400_000),
    ("GK3", 0.03, 100_000, 200_000),
    ("GK4", 0.075, 50_000, 100_000),
    ("GK5", 0.15, 25_000, 50_000),
    ("GK6", 0.27, 10_000, 25_000),
    ("GK7", 0.377, 1_500, 10_000),
    ("K1", 0.035, 250_000, 600_000),
    ("K2", 0.025, 150_000, 250_000),
    ("K3", 0.015, 80_000, 150_000),
)

# Typabhängiges Reifeprofil (Abweichung in Punkten je Handlungsfeld)
_TYPPROFIL = {
    "bedaechtige": {"technik": 8, "strategie": -4, "online_services": -6, "kooperation": -2},
    "optimierer": {"organisation": 10, "personal": 5, "daten": 4, "kooperation": -6},
    "serviceorientierte": {"online_services": 10, "daten": 3, "organisation": -5},
    "community_manager": {"kooperation": 10, "daten": 5, "organisation": -6, "technik": -4},
}

_SILBEN_A = ("Al", "Bern", "Dor", "Eb", "Fal", "Gun", "Hel", "Im", "Kal", "Lin", "Mar", "Nord",
             "Ost", "Rad", "Sel", "Tann", "Ul", "Wal", "Wes", "Zell", "Brem", "Grün", "Holl", "Kirn")
_SILBEN_B = ("e", "en", "er", "in", "ling", "s", "war", "mer", "ten", "de", "bach", "rich")
_SILBEN_C = ("hausen", "dorf", "feld", "ingen", "heim", "burg", "stedt", "rode", "au", "tal",
             "berg", "hagen", "kirchen", "brück", "wede")


@dataclass(frozen=True)
class Demostudie:
    kommunen: pd.DataFrame
    antworten: pd.DataFrame
    geplante_typen: pd.Series  # Index ags → Typ-ID (nur für Tests, wird nicht geschrieben)
    geplant_gemischt: pd.Series  # Index ags → Mischprofil aus zwei Typen (ebenso)


def _namen(anzahl: int, rng: np.random.Generator) -> list[str]:
    namen: list[str] = []
    gesehen: set[str] = set()
    while len(namen) < anzahl:
        name = rng.choice(_SILBEN_A) + rng.choice(_SILBEN_B) + rng.choice(_SILBEN_C)
        if name in gesehen:  # bei sehr großen Studien: mit Zusatz eindeutig machen
            name = f"{name} {('Nord', 'Süd', 'Ost', 'West', 'Mitte')[len(namen) % 5]}"
            if name in gesehen:
                name = f"{name} {len(namen)}"
        gesehen.add(name)
        namen.append(name)
    return namen


def _kreisschluessel(i: int) -> str:
    """Fünfstelliger Kreisschlüssel LLRKK; Länder 99, 98, … (alle > 16, also fiktiv)."""
    land, rest = 99 - i // 990, i % 990
    return f"{land}{rest // 99}{rest % 99 + 1:02d}"


def _kommunen(anzahl: int, rng: np.random.Generator) -> pd.DataFrame:
    anteile = np.array([a for _, a, _, _ in _VERTEILUNG])
    je_klasse = np.floor(anteile / anteile.sum() * anzahl).astype(int)
    je_klasse[6] += anzahl - je_klasse.sum()  # Rest zu den kleinen Gemeinden
    zeilen = []
    for (klasse, _, von, bis), n in zip(_VERTEILUNG, je_klasse, strict=True):
        einwohner = np.exp(rng.uniform(np.log(von), np.log(bis), size=n)).astype(int)
        for ew in einwohner:
            zeilen.append({"klasse": klasse, "einwohner": int(ew)})
    df = pd.DataFrame(zeilen)
    df["art"] = np.where(df["klasse"].str.startswith("K"), "Kreis",
                         np.where(df["klasse"].isin(["GK1", "GK2"]), "kreisfreie Stadt",
                                  np.where(df["einwohner"] >= 20_000, "Stadt", "Gemeinde")))
    # Kreise bekommen Schlüssel 99RKK, kreisangehörige Gemeinden werden ihnen zugeteilt
    kreise = df.index[df["art"] == "Kreis"].to_numpy()
    n_kreise = max(len(kreise), 1)
    kreis_schluessel = [_kreisschluessel(i) for i in range(n_kreise)]
    namen = _namen(len(df) + n_kreise, rng)
    df["name"] = namen[: len(df)]
    df["kreis"] = ""
    df["ags"] = ""
    laufend = dict.fromkeys(kreis_schluessel, 0)
    for i, zeile in df.iterrows():
        if zeile["art"] == "Kreis":
            k = kreis_schluessel[int(np.where(kreise == i)[0][0])]
            df.at[i, "ags"] = k
            df.at[i, "name"] = f"Kreis {zeile['name']}"
            df.at[i, "kreis"] = df.at[i, "name"]
        elif zeile["art"] == "kreisfreie Stadt":
            pass  # Schlüssel werden unten fortlaufend vergeben
        else:
            k = kreis_schluessel[int(rng.integers(n_kreise))]
            laufend[k] += 1
            df.at[i, "ags"] = f"{k}{laufend[k]:03d}"
    # Kreisnamen nachtragen, kreisfreie Städte eindeutig nummerieren
    kreisname = dict(zip(df.loc[df["art"] == "Kreis", "ags"], df.loc[df["art"] == "Kreis", "name"],
                         strict=True))
    kfs = df.index[df["art"] == "kreisfreie Stadt"]
    for n, i in enumerate(kfs):
        df.at[i, "ags"] = f"{_kreisschluessel(n_kreise + n)}000"
        df.at[i, "kreis"] = df.at[i, "name"]
    rest = df["art"].isin(["Stadt", "Gemeinde"])
    df.loc[rest, "kreis"] = df.loc[rest, "ags"].str[:5].map(kreisname)
    df["land"] = LAND
    df["verband"] = ""
    df["referenzkommune"] = False
    return df.drop(columns="klasse")


def _verband_waehlen(df: pd.DataFrame, rng: np.random.Generator, groesse: int = 39,
                     referenz: int = 8) -> pd.DataFrame:
    """Ein Zweckverband aus 3 Kreisen und ihren Gemeinden, wie beim krz (39 Mitglieder)."""
    kreise = df[df["art"] == "Kreis"].sort_values("ags")
    anzahl_kreise = min(3, len(kreise))
    gewaehlt = kreise.iloc[:anzahl_kreise]
    in_kreisen = df[df["ags"].str[:5].isin(gewaehlt["ags"]) & (df["art"] != "Kreis")]
    gemeinden = in_kreisen.sort_values("ags").iloc[: max(0, groesse - anzahl_kreise)]
    mitglieder = list(gewaehlt.index) + list(gemeinden.index)
    df.loc[mitglieder, "verband"] = VERBAND
    # Referenzkommunen: 1 Kreis und 7 Städte/Gemeinden über die Größen verteilt
    gem = df.loc[gemeinden.index].sort_values("einwohner")
    auswahl = gem.index[np.linspace(0, len(gem) - 1, num=min(referenz - 1, len(gem))).round()
                        .astype(int)] if len(gem) else []
    ref = ([gewaehlt.index[0]] if anzahl_kreise else []) + list(auswahl)
    df.loc[ref, "referenzkommune"] = True
    return df


def _typen_ziehen(df: pd.DataFrame, typ_ids: list[str], rng: np.random.Generator) -> np.ndarray:
    # Größere Kommunen sind häufiger Optimierer/Serviceorientierte, kleine eher Bedächtige
    gross = np.log10(df["einwohner"].to_numpy())
    gewichte = np.ones((len(df), len(typ_ids)))
    for j, t in enumerate(typ_ids):
        if t == "bedaechtige":
            gewichte[:, j] = 1.6 - 0.15 * (gross - 4)
        elif t in ("optimierer", "serviceorientierte"):
            gewichte[:, j] = 0.9 + 0.15 * (gross - 4)
    gewichte = np.clip(gewichte, 0.2, None)
    p = gewichte / gewichte.sum(axis=1, keepdims=True)
    return np.array([rng.choice(len(typ_ids), p=zeile) for zeile in p])


def _antwort(werte: np.ndarray, rng: np.random.Generator, lo: int, hi: int,
             weiss_nicht: int | None, keine_angabe: int | None,
             anteil_wn: float, anteil_ka: float, anteil_leer: float) -> np.ndarray:
    out = np.clip(np.rint(werte), lo, hi).astype(float)
    u = rng.random(out.shape)
    if weiss_nicht is not None:
        out[u < anteil_wn] = weiss_nicht
    if keine_angabe is not None:
        out[(u >= anteil_wn) & (u < anteil_wn + anteil_ka)] = keine_angabe
    out[(u >= anteil_wn + anteil_ka) & (u < anteil_wn + anteil_ka + anteil_leer)] = np.nan
    return out


@dataclass(frozen=True)
class _Latent:
    """Was die Antworten einer Kommune bestimmt: Typ (ggf. gemischt), Reife, Größe."""

    kommunen: pd.DataFrame
    prot: pd.DataFrame  # Prototypen: Typ × Ziel
    typ_ids: list[str]
    typ: np.ndarray  # Index in typ_ids
    zweittyp: np.ndarray
    gemischt: np.ndarray  # bool: Mischprofil aus typ und zweittyp
    felder: list[str]
    beschaeftigte: np.ndarray


def _item_werte(item, skala, reife: np.ndarray, w_idx: int, lat: _Latent,
                rng: np.random.Generator, rauschen: float) -> np.ndarray | None:
    """Antworten aller Kommunen auf ein Item in einer Welle (``None``: Item ohne Modell)."""
    n = len(lat.kommunen)
    if item.handlungsfeld:
        latent = 1 + 4 * reife[:, lat.felder.index(item.handlungsfeld)] / 100
        wert = latent + rng.normal(0, 0.75, n)
        if item.umgepolt:
            wert = 6 - wert
        return _antwort(wert, rng, 1, 5, skala.fehlend.weiss_nicht,
                        skala.fehlend.keine_angabe, 0.04, 0.015, 0.01)
    if item.ziel:
        wert = lat.prot.loc[[lat.typ_ids[t] for t in lat.typ], item.ziel].to_numpy()
        zweit = lat.prot.loc[[lat.typ_ids[t] for t in lat.zweittyp], item.ziel].to_numpy()
        wert = np.where(lat.gemischt, (wert + zweit) / 2, wert) + rng.normal(0, rauschen, n)
        return _antwort(wert, rng, skala.minimum, skala.maximum, None,
                        skala.fehlend.keine_angabe, 0, 0.02, 0.005)
    if item.ozg_leistung:
        online = reife[:, lat.felder.index("online_services")]
        wert = online / 100 * 4.6 - 0.3 + rng.normal(0, 0.8, n)
        return _antwort(wert, rng, 0, 4, skala.fehlend.weiss_nicht,
                        skala.fehlend.keine_angabe, 0.05, 0.01, 0.01)
    if item.struktur == "beschaeftigte":
        return np.rint(lat.beschaeftigte * (1 + 0.01 * w_idx))
    if item.struktur == "it_personal":
        anteil = 0.012 + 0.025 * reife.mean(axis=1) / 100
        return np.round(lat.beschaeftigte * anteil * rng.lognormal(0, 0.15, n), 1)
    if item.struktur == "digitalbudget":
        je_ew = 12 + 35 * reife.mean(axis=1) / 100
        return np.round(lat.kommunen["einwohner"].to_numpy() * je_ew
                        * rng.lognormal(0, 0.2, n), -2)
    return None


def _welle(welle: int, w_idx: int, reife: np.ndarray, fb: fragebogen_modul.Fragebogen,
           lat: _Latent, rng: np.random.Generator, rauschen: float) -> pd.DataFrame:
    """Antworten aller Kommunen in einer Welle (vor der Auswahl der Teilnehmenden)."""
    spalten: dict[str, np.ndarray] = {}
    for item in fb.items:
        werte = _item_werte(item, fb.skala_von(item), reife, w_idx, lat, rng, rauschen)
        if werte is not None:
            spalten[item.id] = werte
    for item in fb.items:  # Strukturdaten fehlen bei rund 5 %
        if item.struktur:
            spalten[item.id][rng.random(len(lat.kommunen)) < 0.05] = np.nan
    return pd.DataFrame({"ags": lat.kommunen["ags"], "welle": welle, **spalten})


def erzeugen(anzahl: int = 400, seed: int = 20261123, rauschen: float = 0.7,
             anteil_gemischt: float = 0.08,
             fb: fragebogen_modul.Fragebogen | None = None,
             katalog: typkatalog.Typkatalog | None = None,
             wellen: tuple[int, ...] = (2024, 2026)) -> Demostudie:
    """Erzeugt Stammdaten und Antworten (rein, ohne Dateien).

    Die Reihenfolge der Zufallsziehungen bestimmt die Demostudie; wer hier etwas umstellt,
    ändert alle Zahlen (``tests/test_demo.py`` vergleicht mit dem eingecheckten ``daten/``).
    """
    rng = np.random.default_rng(seed)
    fb = fb or _fragebogen_vorlage()
    katalog = katalog or typkatalog.laden(Path(str(VORLAGEN / "kommunentypen.yml")))
    kommunen = _verband_waehlen(_kommunen(anzahl, rng), rng)
    kommunen = kommunen.sort_values("ags", kind="stable").reset_index(drop=True)

    prot = katalog.prototypen()
    typ_ids = list(prot.index)
    typ = _typen_ziehen(kommunen, typ_ids, rng)
    n = len(kommunen)
    # Rund 8 % haben ein Mischprofil aus zwei Typen (die Analyse soll sie als Mischtyp erkennen)
    gemischt = rng.random(n) < anteil_gemischt
    zweittyp = (typ + rng.integers(1, len(typ_ids), n)) % len(typ_ids)

    # latente Reife (0–100): Größe + Typprofil + Kommunenanteil
    gross = np.log10(kommunen["einwohner"].to_numpy())
    basis = 22 + 9 * (gross - 3.5) + rng.normal(0, 9, n)
    felder = [h.id for h in fb.handlungsfelder]
    feldreife = np.column_stack([
        basis + np.array([_TYPPROFIL[typ_ids[t]].get(f, 0) for t in typ]) + rng.normal(0, 7, n)
        for f in felder
    ])
    zuwachs = rng.normal(6, 4, (n, len(felder)))  # Entwicklung je Welle
    lat = _Latent(kommunen, prot, typ_ids, typ, zweittyp, gemischt, felder,
                  beschaeftigte=kommunen["einwohner"].to_numpy()
                  * rng.lognormal(np.log(0.011), 0.2, n))

    tabellen = []
    teilnahme_wahrsch = np.where(kommunen["verband"].to_numpy() != "", 1.0, 0.88)
    for w_idx, welle in enumerate(wellen):
        teilnahme = rng.random(n) < teilnahme_wahrsch if w_idx < len(wellen) - 1 else np.ones(n, bool)
        reife = np.clip(feldreife + zuwachs * (w_idx - (len(wellen) - 1)), 0, 100)
        tabellen.append(_welle(welle, w_idx, reife, fb, lat, rng, rauschen)[teilnahme])
    antworten = pd.concat(tabellen, ignore_index=True)
    geplant = pd.Series([typ_ids[t] for t in typ], index=kommunen["ags"], name="typ")
    gemischt_s = pd.Series(gemischt, index=kommunen["ags"], name="gemischt")
    return Demostudie(kommunen=kommunen, antworten=antworten, geplante_typen=geplant,
                      geplant_gemischt=gemischt_s)


@functools.cache
def vorlage_namen() -> tuple[dict[str, str], dict[str, str]]:
    """Handlungsfeld- und Typnamen der mitgelieferten Vorlagen (Voreinstellung für Aufrufe
    ohne Codebuch, etwa in Tests); die Namen stehen nur in den YAML-Vorlagen."""
    fb = _fragebogen_vorlage()
    katalog = typkatalog.laden(Path(str(VORLAGEN / "kommunentypen.yml")))
    return {h.id: h.name for h in fb.handlungsfelder}, dict(katalog.name)


def _ozg_befragung() -> list[str]:
    pfad = resources.files("analyse.eingabe") / "katalog" / "ozg_befragung.txt"
    if not pfad.is_file():
        return []
    return [z.strip() for z in pfad.read_text(encoding="utf-8").splitlines()
            if z.strip() and not z.startswith("#")]


def _fragebogen_text() -> str:
    """Codebuch-Vorlage plus die OZG-Items aus dem mitgelieferten OZG-Katalog."""
    text = (VORLAGEN / "fragebogen.yml").read_text(encoding="utf-8")
    ids = _ozg_befragung()
    if not ids:
        return text
    from analyse.eingabe import ozg_katalog as ozg

    katalog = ozg.katalog_laden().set_index("id")
    zeilen = ["", "  # --- Online-Reifegrad ausgewählter OZG-Leistungen (OZG-Reifegradmodell 0–4)"]
    for n, lid in enumerate(ids, start=1):
        name = str(katalog.loc[lid, "leistung"]).replace('"', "'")
        zeilen.append(f'  - {{id: OZG{n:02d}, ozg_leistung: "{lid}", skala: ozg_reifegrad, '
                      f'text: "Online-Reifegrad: {name}"}}')
    return text.rstrip("\n") + "\n" + "\n".join(zeilen) + "\n"


def _fragebogen_vorlage() -> fragebogen_modul.Fragebogen:
    return fragebogen_modul.Fragebogen.model_validate(yaml.safe_load(_fragebogen_text()))


#: Die Dateien einer Demostudie; nur sie schreibt ``schreiben`` in den Studienordner.
DEMO_DATEIEN = ("kommunentypen.yml", "studie.yml", "massnahmen.yml", "fragebogen.yml",
                "kommunen.csv", "antworten.csv")


def _eigene_studie(ziel: Path) -> bool:
    """Liegt in ``ziel`` eine Studie, die keine Demostudie ist? (dann nicht überschreiben)"""
    studie = ziel / "studie.yml"
    if not os.path.lexists(studie):
        return any(os.path.lexists(ziel / d) for d in DEMO_DATEIEN)
    vorlage = (VORLAGEN / "studie.yml").read_bytes()
    try:
        return not studie.is_file() or studie.read_bytes() != vorlage
    except OSError:
        return True


def schreiben(ziel: Path, anzahl: int = 400, seed: int = 20261123) -> Demostudie:
    """Schreibt eine vollständige Demostudie nach ``ziel``.

    Es werden nur die Dateien der Demostudie geschrieben (erst alle in einen Temporärordner,
    dann je Datei atomar an ihren Platz); alles andere im Ordner bleibt unberührt. Liegt dort
    schon eine eigene Studie, verweigert ``schreiben`` (``AusgabeVerweigert``).
    """
    ziel = Path(ziel)
    if _eigene_studie(ziel):
        raise AusgabeVerweigert(
            f"{ziel} enthält schon eine eigene Studie (studie.yml ist nicht die der "
            "Demostudie); die Demostudie überschreibt sie nicht. Bitte einen anderen Ordner "
            "mit --daten wählen.")
    studie = erzeugen(anzahl=anzahl, seed=seed)
    ziel.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ziel, prefix=".demo.") as tmp_name:
        tmp = Path(tmp_name)
        for datei in ("kommunentypen.yml", "studie.yml", "massnahmen.yml"):
            quelle = VORLAGEN / datei
            if quelle.is_file():
                with resources.as_file(quelle) as q:
                    shutil.copyfile(q, tmp / datei)
        (tmp / "fragebogen.yml").write_text(_fragebogen_text(), encoding="utf-8")
        kommunen = studie.kommunen[["ags", "name", "art", "kreis", "land", "einwohner",
                                    "verband", "referenzkommune"]].copy()
        kommunen["referenzkommune"] = kommunen["referenzkommune"].map({True: "ja", False: "nein"})
        kommunen.to_csv(tmp / "kommunen.csv", index=False, encoding="utf-8", lineterminator="\n")
        antworten = studie.antworten.copy()
        for spalte in antworten.columns[2:]:
            antworten[spalte] = antworten[spalte].map(_zahl_text)
        antworten.to_csv(tmp / "antworten.csv", index=False, encoding="utf-8", lineterminator="\n")
        for datei in DEMO_DATEIEN:
            if (tmp / datei).exists():
                os.replace(tmp / datei, ziel / datei)
    return studie


def _zahl_text(wert: float) -> str:
    if pd.isna(wert):
        return ""
    return str(int(wert)) if float(wert).is_integer() else f"{wert:.1f}"


assert set(groessenklassen.KLASSEN) == {k for k, *_ in _VERTEILUNG}
