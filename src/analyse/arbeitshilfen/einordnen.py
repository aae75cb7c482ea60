"""Eine Kommune mit dem gespeicherten Modell in die Studie einordnen, ohne neu zu rechnen.

Alles kommt aus dem Ergebnisordner der Studie (Tabellen, ``modell.json``, ``konfiguration/``);
die Studie selbst wird nur gelesen:

- **Reifegrad**: dieselbe Funktion wie in der Studie (``reifegrad.berechnen``) mit den
  gespeicherten Einstellungen (Normalisierung über die Skalengrenzen, Gewichte, Aggregation,
  Mindestanteil, Stufen). Der Wert einer Kommune hängt nur von ihren eigenen Antworten ab;
  für die Platzierung mit Unsicherheit wird sie mit denselben Monte-Carlo-Szenarien neben
  die Kommunen der aktuellen Welle gestellt.
- **Typ**: Abstand zu den gespeicherten Clusterzentren (``modell.json``) mit derselben
  Vorbereitung, Sicherheit und Mischtyp-Schwelle wie die Studie; kein neues Clustering.
- **Empfehlungen und Roadmap**: dieselben Regeln wie für Referenzkommunen, mit den
  gespeicherten Zielwerten der Größenklasse und dem Rahmen aus den eigenen Zahlen.
- **Vergleich**: die Mediane der Studie je Größenklasse und Typ, nur ab der Mindestgröße.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyse.arbeitshilfen.einlesen import Selbstauskunft
from analyse.eingabe import groessenklassen
from analyse.eingabe import massnahmen as massnahmen_modul
from analyse.eingabe import studie as studie_modul
from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.fragebogen import ziele as ziele_tabelle
from analyse.ergebnisse.speicher import Ergebnisse
from analyse.methoden import kommunentypen, peers, reifegrad
from analyse.namen import Tabelle as T
from analyse.planung import empfehlungen as empfehlungen_modul
from analyse.planung import ozg as ozg_modul
from analyse.planung import plaene as plaene_modul
from analyse.planung import rahmen as rahmen_modul
from analyse.planung import verband as verband_modul

#: Tabellen mit einer Zeile (oder mehreren) je Kommune; die Einordnung liefert sie für eine.
KOMMUNENTABELLEN = (T.KOMMUNEN, T.ANTWORTEN, T.STRUKTUR, T.REIFEGRAD, T.REIFEGRAD_AUSSCHLUESSE,
                    T.UNSICHERHEIT, T.ENTWICKLUNG, T.TYPEN, T.EMPFEHLUNGEN, T.ROADMAP,
                    T.ROADMAP_KOSTEN, T.ROADMAP_JAHRE, T.VERSCHIEBUNGEN, T.OZG_STAND)
BENOETIGTE_TABELLEN = (T.KOMMUNEN, T.ANTWORTEN, T.REIFEGRAD, T.TYPEN, T.ZIELWERTE)


@dataclass
class Einordnung:
    """Die eingeordnete Kommune: ihre Zeilen in den Kommunentabellen der Studie."""

    auskunft: Selbstauskunft
    studie: studie_modul.Studie
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    vergleich: pd.DataFrame | None = None
    typnamen: dict[str, str] = field(default_factory=dict)

    @property
    def ags(self) -> str:
        return self.auskunft.ags

    @property
    def reifegrad(self) -> pd.Series:
        """Wert je Handlungsfeld und ``gesamt`` (aktuelle Welle)."""
        r = self.tabellen[T.REIFEGRAD]
        return r.set_index("handlungsfeld")["wert"]

    @property
    def stufe(self) -> pd.Series:
        return self.tabellen[T.REIFEGRAD].set_index("handlungsfeld")["stufe"]

    @property
    def typ(self) -> str | None:
        t = self.tabellen[T.TYPEN]
        return None if t.empty else str(t["typ"].iat[0])

    @property
    def typname(self) -> str:
        return "nicht typisiert" if self.typ is None else self.typnamen.get(self.typ, self.typ)


# --------------------------------------------------------------------------- Modell prüfen


def modell_pruefen(erg: Ergebnisse) -> None:
    """Wirft ``Eingabefehler``, wenn Tabellen fehlen.

    Ein älteres Format von ``modell.json`` meldet schon ``ergebnisse.laden`` (``VersionFehler``);
    alles, was die Einordnung aus dem Modell liest, ist dort typisiert und damit vorhanden.
    """
    probleme = []
    for name in BENOETIGTE_TABELLEN:
        if name not in erg.tabellen:
            probleme.append(Problem(str(erg.ordner / "tabellen"), None, None, f"{name}.parquet",
                                    "diese Tabelle: bitte 'analyse auswerten' erneut ausführen"))
    if probleme:
        raise Eingabefehler(probleme)


def wirksame_studie(erg: Ergebnisse) -> studie_modul.Studie:
    """Die Einstellungen, mit denen die Ergebnisse gerechnet wurden (auch Vorgaben der CLI)."""
    daten = dict(erg.modell.einstellungen)
    daten["wellen"] = erg.studie.model_dump()["wellen"]
    return studie_modul.Studie.model_validate(daten)


# --------------------------------------------------------------------------- Schritte


def kommunenzeile(auskunft: Selbstauskunft, erg: Ergebnisse, st: studie_modul.Studie
                  ) -> pd.DataFrame:
    """Stammdaten wie in der Tabelle ``kommunen`` (Größenklasse abgeleitet)."""
    k = auskunft.kommune
    bekannt = erg.kommunen.loc[auskunft.ags] if auskunft.ags in erg.kommunen.index else None
    zeile = pd.DataFrame([{
        "ags": auskunft.ags, "name": k["name"], "art": k["art"], "kreis": k.get("kreis") or "",
        "land": k.get("land") or "", "einwohner": int(k["einwohner"]),
        # Wer sich selbst einordnet, ist Mitglied (Arbeitshilfen gibt es für Mitglieder);
        # eine Kommune der Studie behält ihre Angaben.
        "verband": st.verband if bekannt is None else bekannt["verband"],
        "referenzkommune": False if bekannt is None else bool(bekannt["referenzkommune"]),
    }])
    zeile["groessenklasse"] = groessenklassen.groessenklassen(zeile).astype(str)
    zeile["mitglied"] = zeile["verband"] == st.verband
    return zeile.reindex(columns=erg.tabelle(T.KOMMUNEN).columns)


def antwortzeile(auskunft: Selbstauskunft, erg: Ergebnisse, welle: int) -> pd.DataFrame:
    items = [i.id for i in erg.fragebogen.items]
    zeile = {"ags": auskunft.ags, "welle": welle,
             **{i: float(auskunft.antworten.get(i, np.nan)) for i in items}}
    return pd.DataFrame([zeile]).reindex(columns=erg.tabelle(T.ANTWORTEN).columns)


def struktur(antworten: pd.DataFrame, kommunen: pd.DataFrame, erg: Ergebnisse) -> pd.DataFrame:
    """Strukturdaten wie in der Tabelle ``struktur`` (gleiche Kennzahlen wie die Pipeline)."""
    spalten = erg.fragebogen.struktur_items()
    df = antworten[["ags", "welle", *spalten.values()]].rename(
        columns={v: k for k, v in spalten.items()})
    ew = df["ags"].map(kommunen.set_index("ags")["einwohner"]).astype(float)
    if "it_personal" in df:
        df["it_personal_je_10000_ew"] = df["it_personal"] / ew * 10_000
    if "digitalbudget" in df:
        df["budget_je_ew"] = df["digitalbudget"] / ew
    return df.reindex(columns=erg.tabelle(T.STRUKTUR).columns).reset_index(drop=True)


def reifegrad_einordnen(zeile: pd.DataFrame, erg: Ergebnisse, st: studie_modul.Studie
                        ) -> dict[str, pd.DataFrame]:
    """Reifegrad, Ausschlüsse und Platzierung der Kommune mit den Regeln der Studie.

    Die Kommune wird zu den anderen Kommunen der aktuellen Welle gestellt (eine Kommune der
    Studie ersetzt dabei ihre eigene Zeile), damit die Monte-Carlo-Platzierung dieselben
    Szenarien nutzt; ihr eigener Wert hängt nur von ihren Antworten ab.
    """
    welle = st.aktuelle_welle
    ags = str(zeile["ags"].iat[0])
    a = erg.tabelle(T.ANTWORTEN)
    andere = a[(a["welle"] == welle) & (a["ags"].astype(str) != ags)]
    alle = pd.concat([andere, zeile], ignore_index=True)
    # Sobol'- und Parallelanalyse (wo vorhanden) beschreiben die Studie, nicht die eine Kommune
    aus = {f: 0 for f in ("sensitivitaet", "parallelanalyse")
           if f in type(st.reifegrad).model_fields}
    rg = reifegrad.berechnen(alle, erg.fragebogen, st.reifegrad.model_copy(update=aus),
                             st.seed)
    eigen = {n: df[df["ags"].astype(str) == ags].reset_index(drop=True)
             for n, df in ((T.REIFEGRAD, rg.werte), (T.REIFEGRAD_AUSSCHLUESSE, rg.ausschluesse),
                           (T.UNSICHERHEIT, rg.tabellen[T.UNSICHERHEIT]))}
    # Entwicklung gegenüber früheren Wellen der Studie (nur für Kommunen der Studie)
    r = erg.tabelle(T.REIFEGRAD)
    frueher = r[(r["ags"].astype(str) == ags) & (r["welle"] < welle)]
    ent = reifegrad.entwicklung(pd.concat([frueher, eigen[T.REIFEGRAD]], ignore_index=True))
    eigen[T.ENTWICKLUNG] = ent[ent["welle"] == welle].reset_index(drop=True)
    return eigen


def typ_einordnen(zeile: pd.DataFrame, erg: Ergebnisse, st: studie_modul.Studie) -> pd.DataFrame:
    """Typ aus dem gespeicherten Modell (``kommunentypen.einordnen``), ohne neues Clustering:
    nächstes Zentrum, Sicherheit in den gespeicherten Bootstrap-Wiederholungen, Mischtyp über
    der kalibrierten Lage-Schwelle der Studie. Ohne Kommunentypen (``typisieren: false``): leer."""
    modell = erg.modell.kommunentypen
    if not modell.zentren:
        return erg.tabelle(T.TYPEN).iloc[0:0]
    z = ziele_tabelle(zeile, erg.fragebogen, st.aktuelle_welle)
    z = z.reindex(columns=list(next(iter(modell.zentren.values()))))
    return kommunentypen.einordnen(z, modell, st.seed).reindex(
        columns=erg.tabelle(T.TYPEN).columns)


def _ozg_profil(ozg_stand: pd.DataFrame | None, ags: str, gk: str, erg: Ergebnisse,
                st: studie_modul.Studie) -> dict:
    """Eigener Anteil der OZG-Leistungen ab der Zielstufe und Zielwert der Größenklasse (aus der
    Studie, Tabelle ``ozg_luecken``). Ohne eigenen OZG-Stand (kein Katalog übergeben) gilt der
    Stand der Studie, wenn die Kommune darin vorkommt."""
    if T.OZG_LUECKEN not in erg.tabellen:
        return {}
    luecken = erg.tabelle(T.OZG_LUECKEN)
    stufen = ozg_stand["stufe"].dropna() if ozg_stand is not None and not ozg_stand.empty \
        else pd.Series(dtype=float)
    if stufen.empty:
        eigen = luecken[luecken["ags"].astype(str) == ags]
        return {} if eigen.empty else {
            "ozg_anteil": float(eigen["anteil"].iat[0]), "ozg_ziel": float(eigen["ziel"].iat[0]),
            "ozg_bezug": str(eigen["bezug"].iat[0])}
    ziel = luecken[luecken["groessenklasse"].astype(str) == gk].head(1)
    if ziel.empty:
        return {}
    return {"ozg_anteil": float((stufen >= st.empfehlungen.ozg_ziel_stufe).mean()),
            "ozg_ziel": float(ziel["ziel"].iat[0]), "ozg_bezug": str(ziel["bezug"].iat[0])}


@functools.lru_cache(maxsize=4)
def _katalog_laden(pfad: str, stand: int, felder: frozenset[str], typen: frozenset[str]
                   ) -> massnahmen_modul.Katalog:
    return massnahmen_modul.laden(Path(pfad), set(felder), set(typen))


def _katalog(erg: Ergebnisse) -> massnahmen_modul.Katalog:
    """Der Maßnahmenkatalog der Ergebnisse, je Stand einmal geprüft (ein Stapel braucht ihn oft)."""
    pfad = erg.konfiguration("massnahmen.yml")
    return _katalog_laden(str(pfad), pfad.stat().st_mtime_ns, frozenset(erg.fragebogen.feld),
                          frozenset(t.id for t in erg.typkatalog.typen))


def planen(kommune: pd.DataFrame, rg: pd.DataFrame, typ: pd.DataFrame, struktur_df: pd.DataFrame,
           erg: Ergebnisse, st: studie_modul.Studie,
           ozg_stand: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Empfehlungen und Roadmap nach den Regeln für Referenzkommunen.

    Zielwerte der Größenklasse und OZG-Ziel aus der Studie, Rahmen aus den eigenen
    Strukturzahlen (``planung.rahmen``); ist die Kommune Mitglied des Studienverbands, laufen
    gebündelte Maßnahmen wie in der Studie über den Verband (``planung.verband``) und ihre
    Umlage ist im Jahresplan gebucht.
    """
    welle = st.aktuelle_welle
    ags = str(kommune["ags"].iat[0])
    gk = str(kommune["groessenklasse"].iat[0])
    fb = erg.fragebogen
    namen = empfehlungen_modul.Namen({f.id: f.name for f in fb.handlungsfelder},
                                     erg.typkatalog.name | erg.modell.kommunentypen.typnamen)
    katalog = _katalog(erg)
    ziele = erg.tabelle(T.ZIELWERTE)
    ziele = ziele[ziele["groessenklasse"].astype(str) == gk]
    ist = rg[rg["handlungsfeld"] != reifegrad.GESAMT].set_index("handlungsfeld")["wert"]
    profil = empfehlungen_modul.Profil(
        ags=ags, art=str(kommune["art"].iat[0]), groessenklasse=gk,
        typ=str(typ["typ"].iat[0]) if len(typ) else "mischtyp",
        naechster_typ=str(typ["naechster_typ"].iat[0]) if len(typ) else "",
        ist={f: float(w) for f, w in ist.items()},
        ziel=dict(zip(ziele["handlungsfeld"], ziele["ziel"].astype(float), strict=True)),
        bezug=dict(zip(ziele["handlungsfeld"], ziele["bezug"], strict=True)),
        typbonus=erg.modell.kommunentypen.typstruktur_belastbar,
        **_ozg_profil(ozg_stand, ags, gk, erg, st))
    tabelle = empfehlungen_modul.empfehlungen_fuer(profil, katalog, st.empfehlungen, namen)
    startjahr = st.roadmap.startjahr or welle + 1
    umlage = (erg.tabelle(T.VERBAND_UMLAGE) if T.VERBAND_UMLAGE in erg.tabellen
              else pd.DataFrame(columns=["ags", "jahr", "umlage", "anteil"]))
    eigen = umlage[umlage["ags"].astype(str) == ags]
    if not eigen.empty and T.VERBAND_ROADMAP in erg.tabellen:
        tabelle = verband_modul.einbeziehen_aus_tabellen(
            tabelle, erg.tabelle(T.VERBAND_ROADMAP), erg.tabelle(T.VERBAND_EMPFEHLUNGEN),
            erg.tabelle(T.VERBAND_VERSCHIEBUNGEN) if T.VERBAND_VERSCHIEBUNGEN in erg.tabellen
            else None, eigen, str(kommune["name"].iat[0]), katalog, st)
    rahmen_zeile = rahmen_modul.berechnen(kommune, struktur_df.assign(welle=welle), welle,
                                          st.roadmap).iloc[0]
    (rm, rk, rj, rv), _ = plaene_modul.kommune_planen(
        tabelle, rahmen_zeile, plaene_modul.umlage_je_jahr(umlage, ags, startjahr,
                                                           st.roadmap.jahre),
        katalog, startjahr, st.roadmap.jahre)
    aus = {T.EMPFEHLUNGEN: tabelle, T.ROADMAP: rm, T.ROADMAP_KOSTEN: rk, T.ROADMAP_JAHRE: rj,
           T.VERSCHIEBUNGEN: rv}
    return {n: df.reindex(columns=erg.tabelle(n).columns) if n in erg.tabellen else df
            for n, df in aus.items()}


def ozg_einordnen(kommune: pd.DataFrame, antworten: pd.DataFrame, erg: Ergebnisse,
                  ozg_katalog: pd.DataFrame | None, welle: int) -> pd.DataFrame:
    if ozg_katalog is None or T.OZG_STAND not in erg.tabellen:
        return pd.DataFrame()
    stand = ozg_modul.stand(kommune, antworten, erg.fragebogen, ozg_katalog, welle)
    return stand.reindex(columns=erg.tabelle(T.OZG_STAND).columns)


def vergleich(e: Einordnung, erg: Ergebnisse) -> pd.DataFrame:
    """Eigener Wert gegen die Mediane je Größenklasse und Typ, nur ab der Mindestgröße.

    Dieselbe Regel wie im Bericht einer Referenzkommune (``peers.vergleich``): Die Gruppen
    sind die Kommunen der Studie, und die eigene Kommune zählt zu ihrer Gruppe.
    """
    tab = kommunentabellen(erg, e)
    rg = peers.aktuell(tab[T.REIFEGRAD], e.studie.aktuelle_welle)
    typen = tab[T.TYPEN].set_index("ags")["typ"]
    gruppen = {"Größenklasse": tab[T.KOMMUNEN].set_index("ags")["groessenklasse"].astype(str),
               "Kommunentyp": typen[typen != "mischtyp"]}
    return peers.vergleich(rg, e.ags, gruppen, e.studie.berichte.peer_mindestgroesse)


def kommunentabellen(erg: Ergebnisse, e: Einordnung) -> dict[str, pd.DataFrame]:
    """Die Kommunentabellen der Studie mit den Zeilen der eingeordneten Kommune.

    Eine Kommune der Studie ersetzt ihre eigenen Zeilen; sonst bleibt jede Zeile der Studie.
    """
    aus = {}
    for name in KOMMUNENTABELLEN:
        if name not in erg.tabellen:
            continue
        alt = erg.tabelle(name)
        eigen = e.tabellen.get(name)
        behalten = alt[alt["ags"].astype(str) != e.ags] if "ags" in alt.columns else alt
        teile = [t for t in (behalten, eigen) if t is not None and not t.empty]
        aus[name] = (pd.concat(teile, ignore_index=True) if len(teile) > 1 else
                     (teile[0] if teile else alt.iloc[0:0])).reset_index(drop=True)
    return aus


def ergebnisordner(erg: Ergebnisse, e: Einordnung) -> tuple[dict[str, pd.DataFrame], dict]:
    """Tabellen und Modell eines Ergebnisordners für den Bericht der eingeordneten Kommune.

    Er enthält alle Tabellen der Studie, in den Kommunentabellen zusätzlich die Kommune, und
    das Modell der Studie mit dem Eintrag ``einordnung``. So rendern dieselbe Berichtsvorlage
    und derselbe Excel-Export den Bericht; die Studie selbst bleibt unverändert.
    """
    tabellen = {n: erg.tabelle(n) for n in erg.tabellen}
    tabellen.update(kommunentabellen(erg, e))
    if T.OZG_ABDECKUNG in tabellen and T.OZG_STAND in tabellen:
        tabellen[T.OZG_ABDECKUNG] = ozg_modul.abdeckung(
            tabellen[T.OZG_STAND], tabellen[T.KOMMUNEN], e.studie.berichte.peer_mindestgroesse
        ).reindex(columns=erg.tabelle(T.OZG_ABDECKUNG).columns)
    modell = erg.modell.model_dump(mode="json")
    modell["einordnung"] = {
        "ags": e.ags, "name": str(e.auskunft.kommune["name"]), "quelle": e.auskunft.quelle,
        "studie_ergebnisse": str(erg.ordner), "welle": e.studie.aktuelle_welle,
        "in_studie": e.ags in erg.kommunen.index,
    }
    return tabellen, modell


def einordnen(auskunft: Selbstauskunft, erg: Ergebnisse,
              ozg_katalog: pd.DataFrame | None = None) -> Einordnung:
    """Ordnet eine geprüfte Selbstauskunft in die Studie ein (reine Funktion; schreibt nichts)."""
    modell_pruefen(erg)
    st = wirksame_studie(erg)
    welle = st.aktuelle_welle
    kommune = kommunenzeile(auskunft, erg, st)
    antworten = antwortzeile(auskunft, erg, welle)
    tabellen: dict[str, pd.DataFrame] = {T.KOMMUNEN: kommune, T.ANTWORTEN: antworten}
    tabellen[T.STRUKTUR] = struktur(antworten, kommune, erg)
    tabellen.update(reifegrad_einordnen(antworten, erg, st))
    tabellen[T.TYPEN] = typ_einordnen(antworten, erg, st)
    tabellen[T.OZG_STAND] = ozg_einordnen(kommune, antworten, erg, ozg_katalog, welle)
    tabellen.update(planen(kommune, tabellen[T.REIFEGRAD], tabellen[T.TYPEN],
                           tabellen[T.STRUKTUR], erg, st, tabellen[T.OZG_STAND]))
    e = Einordnung(auskunft, st, tabellen,
                   typnamen=erg.typkatalog.name | erg.modell.kommunentypen.typnamen)
    e.vergleich = vergleich(e, erg)
    return e
