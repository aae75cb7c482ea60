"""Die Reihenfolge der Schritte, und nur sie: laden → prüfen → auswerten → speichern.

Jeder Schritt ist eine reine Funktion in seinem Fachmodul; hier wird nur verdrahtet.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analyse import __version__, batch, namen
from analyse.arbeitshilfen import einlesen, selbstauskunft
from analyse.arbeitshilfen import einordnen as einordnen_modul
from analyse.berichte import arbeitshilfen as arbeitshilfen_seiten
from analyse.berichte import excel, website
from analyse.berichte.arbeitshilfen import SELBSTAUSKUNFT_DATEI
from analyse.dateien import atomar_schreiben, ziel_pruefen
from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe import ozg_katalog as ozg_katalog_modul
from analyse.eingabe import studie as studie_modul
from analyse.eingabe import studienordner as eingabe
from analyse.eingabe.fehler import Eingabefehler, Problem
from analyse.eingabe.fragebogen import ziele
from analyse.eingabe.quellen import importieren as quellen_import
from analyse.ergebnisse import speicher as ergebnisse
from analyse.methoden import kommunentypen, reifegrad
from analyse.namen import Tabelle as T
from analyse.planung import empfehlungen as empfehlungen_modul
from analyse.planung import ozg, personal, plaene, rahmen, verband
from analyse.ressourcen import berichtsvorlage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pfade:
    """Woher eine Ausführung liest und wohin sie schreibt.

    Ohne ``ausgabe``: Ergebnisse in ``<daten>/ergebnisse``, Berichte in ``./berichte``.
    Mit ``ausgabe``: alles darunter (``ergebnisse/``, ``berichte/``).
    ``vorlagen``: ein Ordner mit eigenen Berichtsvorlagen (``bericht_kommune.ipynb``,
    ``abschlussbericht.ipynb``); was dort fehlt, kommt aus dem Paket.
    """

    daten: Path
    ausgabe: Path | None = None
    vorlagen: Path | None = None

    def vorlage(self, name: str) -> Path:
        """Die Berichtsvorlage ``name``: aus ``vorlagen``, wo sie dort liegt, sonst aus dem Paket."""
        # die Vorlagen des Pakets liegen in analyse/berichte/vorlagen; notebooks/ verlinkt sie
        eigene = None if self.vorlagen is None else self.vorlagen / name
        return eigene.resolve() if eigene is not None and eigene.is_file() else \
            berichtsvorlage(name)

    def vorlagen_pruefen(self) -> None:
        """Ein ``--vorlagen``-Ordner muss existieren und mindestens eine Vorlage enthalten."""
        if self.vorlagen is None:
            return
        namen_ = (namen.VORLAGE_KOMMUNE, namen.VORLAGE_ABSCHLUSS)
        if not any((self.vorlagen / n).is_file() for n in namen_):
            raise FileNotFoundError(
                f"Keine Berichtsvorlage in {self.vorlagen}: erwartet {' oder '.join(namen_)} "
                "(Vorlagen des Pakets als Ausgangspunkt: notebooks/ im Projekt oder "
                "analyse/berichte/vorlagen/ im installierten Paket).")

    @property
    def ergebnisse(self) -> Path:
        return (self.ausgabe or self.daten) / "ergebnisse"

    @property
    def berichte(self) -> Path:
        return (self.ausgabe or Path(".")) / "berichte"

    @property
    def site(self) -> Path:
        return self.berichte / "_site"


def struktur(sd: eingabe.Studiendaten) -> pd.DataFrame:
    """Strukturdaten je Kommune und Welle, mit Kennzahlen je Einwohner."""
    spalten = sd.fragebogen.struktur_items()
    df = sd.antworten[["ags", "welle", *spalten.values()]].rename(
        columns={v: k for k, v in spalten.items()})
    ew = df["ags"].map(sd.kommunen["einwohner"]).astype(float)
    if "it_personal" in df:
        df["it_personal_je_10000_ew"] = df["it_personal"] / ew * 10_000
    if "digitalbudget" in df:
        df["budget_je_ew"] = df["digitalbudget"] / ew
    return df.reset_index(drop=True)


def typen_erkunden(erg: ergebnisse.Ergebnisse, methode: str = "auto", k: int | str = "auto",
                   seed: int | None = None) -> kommunentypen.Typisierung:
    """Typisierung mit anderem Verfahren, k oder Seed auf gespeicherten Ergebnissen (zum Erkunden)."""
    st = studie_modul.mit_vorgaben(erg.studie, methode=methode,
                                   k=None if k == "auto" else int(k), seed=seed)
    z = ziele(erg.tabelle(T.ANTWORTEN), erg.fragebogen, st.aktuelle_welle)
    return kommunentypen.typisieren(z, erg.typkatalog, st.kommunentypen, st.seed,
                                    erg.fragebogen.ziel_name)


def pruefen(pfade: Pfade, vorgaben: dict | None = None) -> eingabe.Studiendaten:
    """Lädt und prüft die Studie; wirft ``Eingabefehler`` mit allen Problemen.

    Was hier durchgeht, muss ``auswerten``, ``berichte`` und ``website`` durchlaufen: Neben
    den Dateien wird geprüft, ob die Daten für die Verfahren reichen (``versprechen``).
    """
    sd = eingabe.laden(pfade.daten)
    st = studie_modul.mit_vorgaben(sd.studie, **(vorgaben or {}))
    probleme = versprechen(sd, st)
    if probleme:
        raise Eingabefehler(probleme)
    return sd


#: Der Weg, wenn die Daten nicht zum Typisieren reichen (``pruefen`` nennt ihn).
OHNE_TYPEN_HINWEIS = (
    "Kommunentypen brauchen genug Kommunen zum Vergleichen: weitere Kommunen befragen, fehlende "
    "Zielprioritäten nacherheben oder, bei k, in studie.yml unter kommunentypen ein kleineres k "
    "bzw. k_bereich wählen. Oder die Studie ohne Kommunentypen auswerten: in studie.yml "
    "'kommunentypen: {typisieren: false}' setzen; dann zeigen die Berichte das Zielprofil jeder "
    "Kommune statt eines Typs, und die Empfehlungen berücksichtigen keinen Typ")


def versprechen(sd: eingabe.Studiendaten, st: studie_modul.Studie) -> list[Problem]:
    """Prüft die Einstellungen gegen die Daten: reichen sie für jedes Verfahren?"""
    probleme = []
    einst = st.kommunentypen
    if not einst.typisieren:  # ohne Kommunentypen: nichts zu clustern
        return probleme
    z = ziele(sd.antworten, sd.fragebogen, st.aktuelle_welle)
    x = kommunentypen.vorbereiten(z).x
    n = x.shape[0]
    k_min = einst.k_bereich[0]
    noetig_k = max(k_min, einst.k if einst.k != "auto" else 0) + 1
    noetig = max(kommunentypen.MINDESTANZAHL, noetig_k)
    if n < noetig:
        anteil = f"{kommunentypen.MINDESTANTEIL_ZIELE:.0%}".replace("%", " %")
        probleme.append(Problem(
            "antworten.csv", None, None, str(n),
            f"für die Kommunentypen mindestens {noetig} Kommunen, die in der aktuellen Welle "
            f"{st.aktuelle_welle} mindestens {anteil} der Zielprioritäten beantwortet haben "
            f"(hier {n})",
            hinweis=OHNE_TYPEN_HINWEIS))
    else:
        # Cluster brauchen Unterschiede: gleiche Profile ergeben keine Typen (NaN-Gütemaße)
        verschieden = len(np.unique(np.round(x, 9), axis=0))
        if verschieden < noetig_k:
            probleme.append(Problem(
                "antworten.csv", None, None, str(verschieden),
                f"für die Kommunentypen mindestens {noetig_k} verschiedene Profile der "
                f"Zielprioritäten in der aktuellen Welle {st.aktuelle_welle} (hier "
                f"{verschieden}; die Kommunen haben gleich geantwortet)",
                hinweis="Zielprioritäten prüfen (Export- oder Kopierfehler?). "
                        + OHNE_TYPEN_HINWEIS))
    return probleme


@dataclass(frozen=True)
class Auswertung:
    """Was ``auswerten`` geschrieben hat und was die Kommandozeile dazu sagen muss."""

    ordner: Path
    hinweise: tuple[str, ...] = ()


def hinweise(ty: kommunentypen.Typisierung) -> tuple[str, ...]:
    """Hinweise für die Kommandozeile: vor allem, wenn keine Typenstruktur gefunden wurde."""
    if ty.modell.typstruktur_belastbar:
        return ()
    if not ty.modell.typisiert:
        return (ty.modell.struktur_satz,)
    return (ty.modell.struktur_satz + " Kommunalberichte zeigen das Zielprofil statt eines "
            "Typs; die Empfehlungen berücksichtigen keinen Typ.",)


def auswerten(pfade: Pfade, vorgaben: dict | None = None) -> Auswertung:
    """Prüft die Studie, rechnet alle Ergebnisse und schreibt sie (atomar) in den Ergebnisordner.

    ``vorgaben`` (``methode``, ``k``, ``seed``) überschreiben die Einstellungen aus studie.yml.
    """
    ziel_pruefen(pfade.ergebnisse, pfade.daten, innen_erlaubt=pfade.ausgabe is None)
    sd = pruefen(pfade, vorgaben)
    st = studie_modul.mit_vorgaben(sd.studie, **(vorgaben or {}))
    log.info("Studie geladen: %d Kommunen, %d Antwortzeilen", len(sd.kommunen), len(sd.antworten))

    rg = reifegrad.berechnen(sd.antworten, sd.fragebogen, st.reifegrad, st.seed)
    ty = kommunentypen.typisieren(ziele(sd.antworten, sd.fragebogen, st.aktuelle_welle),
                                  sd.typkatalog, st.kommunentypen, st.seed,
                                  sd.fragebogen.ziel_name)
    kommunen = sd.kommunen.reset_index()
    struktur_df = struktur(sd)
    planung = planen(sd, st, rg.werte, ty, struktur_df)

    tabellen = {
        T.KOMMUNEN: kommunen,
        T.ANTWORTEN: sd.antworten,
        T.STRUKTUR: struktur_df,
        T.REIFEGRAD: rg.werte,
        T.REIFEGRAD_AUSSCHLUESSE: rg.ausschluesse,
        T.TYPEN: ty.zuordnung,
        **rg.tabellen,
        **ty.tabellen,
        **planung,
    }
    modell = {
        "version": __version__,
        "studie": {"titel": st.titel, "verband": st.verband, "wellen": st.welle_ids,
                   "aktuelle_welle": st.aktuelle_welle, "seed": st.seed},
        "kommunentypen": ty.modell.model_dump(mode="json"),
        "reifegrad": rg.modell.model_dump(mode="json"),
    }
    modell["einstellungen"] = st.model_dump(mode="json", exclude={"wellen"})
    ergebnisse.speichern(pfade.ergebnisse, tabellen, modell, pfade.daten)
    log.info("Ergebnisse geschrieben: %s", pfade.ergebnisse)
    return Auswertung(pfade.ergebnisse, hinweise(ty))


def typstruktur_belastbar(ty: kommunentypen.Typisierung) -> bool:
    """Ob die Studie eine belastbare Typenstruktur zeigt (Schalter der Typisierung)."""
    return ty.modell is None or ty.modell.typstruktur_belastbar


def planen(sd: eingabe.Studiendaten, st: studie_modul.Studie, reifegrad_werte: pd.DataFrame,
           ty: kommunentypen.Typisierung, struktur_df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Die Planungsschritte in ihrer Reihenfolge: OZG → Auswahl → Rahmen → Verband → Roadmap,
    dazu die Personalrichtwerte."""
    welle, mindest, e = st.aktuelle_welle, st.berichte.peer_mindestgroesse, st.empfehlungen
    namen = empfehlungen_modul.Namen(
        felder={f.id: f.name for f in sd.fragebogen.handlungsfelder},
        typen=sd.typkatalog.name | ty.modell.typnamen)
    kommunen = sd.kommunen.reset_index()
    ozg_t = ozg.auswerten(kommunen, sd.antworten, sd.fragebogen, sd.ozg_katalog, welle,
                          e.ozg_ziel_stufe, e.ziel_quantil, mindest)
    # Ohne belastbare Typenstruktur entfällt der Typzuschlag der Auswahl.
    auswahl = empfehlungen_modul.auswahl(
        kommunen, reifegrad_werte, ty.zuordnung, ozg_t[T.OZG_LUECKEN], sd.massnahmen, st, namen,
        typstruktur=typstruktur_belastbar(ty))
    rahmen_t = rahmen.berechnen(kommunen, struktur_df, welle, st.roadmap)
    verband_t = verband.planen(kommunen, reifegrad_werte, auswahl[T.ZIELWERTE],
                               auswahl[T.EMPFEHLUNGEN], rahmen_t, sd.massnahmen, st, namen)
    plaene_t = plaene.erstellen(verband_t[T.EMPFEHLUNGEN], rahmen_t, verband_t[T.VERBAND_UMLAGE],
                                sd.massnahmen, st, namen.felder)
    return {**ozg_t, **auswahl, T.RAHMEN: rahmen_t, **verband_t, **plaene_t,
            T.PERSONAL_RICHTWERTE: personal.richtwerte(kommunen, reifegrad_werte, struktur_df,
                                                       welle, mindest)}


def mit_pdf() -> bool:
    """PDFs entstehen, wo Chromium installiert ist; sonst baut alles andere wie gewohnt, mit
    einer Warnung (die Site verlinkt dann keine PDFs)."""
    from analyse.batch import browser

    if browser.verfuegbar():
        return True
    log.warning("Chromium fehlt: Berichte entstehen ohne PDF (Debian: apt-get install chromium)")
    return False


def auftraege(pfade: Pfade, erg: ergebnisse.Ergebnisse, alle: bool = False,
              pdf: bool = False) -> list[batch.Auftrag]:
    """Ein Auftrag je Kommunenbericht (Referenzkommunen oder alle) und einer für den
    Abschlussbericht; mit ``pdf`` je Bericht auch die PDF-Fassung (``kommunen/<AGS>.pdf``,
    ``abschlussbericht.pdf`` im Berichtsordner, von dort auf die Site)."""
    from analyse.berichte import kommune, uebersicht  # Titel wie im Bericht; lädt matplotlib

    k = erg.kommunen
    auswahl = k.index if alle else k.index[k["referenzkommune"]]
    eingaben = (pfade.ergebnisse,)
    liste = [
        batch.Auftrag(
            name=str(ags), titel=kommune.titel(erg, str(ags)),
            vorlage=pfade.vorlage(namen.VORLAGE_KOMMUNE),
            parameter={"ags": str(ags), "ergebnisse": str(pfade.ergebnisse.resolve())},
            ziel_ipynb=pfade.berichte / namen.KOMMUNEN_ORDNER / f"{ags}.ipynb",
            ziel_html=pfade.berichte / "html" / namen.KOMMUNEN_ORDNER / f"{ags}.html",
            eingaben=eingaben,
            ziel_pdf=pfade.berichte / namen.KOMMUNEN_ORDNER / f"{ags}.pdf" if pdf else None)
        for ags in sorted(auswahl)
    ]
    liste.append(batch.Auftrag(
        name=namen.ABSCHLUSSBERICHT, titel=uebersicht.titel(erg),
        vorlage=pfade.vorlage(namen.VORLAGE_ABSCHLUSS),
        parameter={"ergebnisse": str(pfade.ergebnisse.resolve())},
        ziel_ipynb=pfade.berichte / f"{namen.ABSCHLUSSBERICHT}.ipynb",
        ziel_html=pfade.berichte / "html" / f"{namen.ABSCHLUSSBERICHT}.html", eingaben=eingaben,
        ziel_pdf=pfade.berichte / f"{namen.ABSCHLUSSBERICHT}.pdf" if pdf else None))
    return liste


def excel_dateien(pfade: Pfade, erg: ergebnisse.Ergebnisse, ags_liste: list[str]) -> None:
    """XLSX-Download je Kommune mit Empfehlungen und für den Verband (``verband.xlsx``); nur
    neu, wenn die Ergebnisse neuer sind."""
    stand = (pfade.ergebnisse / namen.MODELL_DATEI).stat().st_mtime
    mit_empfehlungen = set(erg.tabelle(T.EMPFEHLUNGEN)["ags"])
    verband_ziel = pfade.berichte / "verband.xlsx"
    if (T.VERBAND_UMLAGE in erg.tabellen and not erg.tabelle(T.VERBAND_UMLAGE).empty
            and (not verband_ziel.exists() or verband_ziel.stat().st_mtime < stand)):
        excel.schreiben(erg, None, verband_ziel)
    for ags in ags_liste:
        ziel = pfade.berichte / namen.KOMMUNEN_ORDNER / f"{ags}.xlsx"
        if ags in mit_empfehlungen and (not ziel.exists() or ziel.stat().st_mtime < stand):
            excel.schreiben(erg, ags, ziel)


def berichte_erstellen(pfade: Pfade, alle: bool = False, parallel: int | None = None,
                       neu: bool = False, dask_adresse: str | None = None,
                       fortschritt: bool = True) -> batch.Zusammenfassung:
    """Führt die Berichtsnotebooks aus (papermill) und exportiert ihre Seiten."""
    ziel_pruefen(pfade.berichte, pfade.daten)
    pfade.vorlagen_pruefen()
    erg = ergebnisse.laden(pfade.ergebnisse)
    liste = auftraege(pfade, erg, alle, pdf=mit_pdf())
    kommunen = [a.name for a in liste if a.name != namen.ABSCHLUSSBERICHT]
    excel_dateien(pfade, erg, kommunen)
    zusammenfassung = batch.ausfuehren(liste, parallel=parallel, neu=neu,
                                       dask_adresse=dask_adresse,
                                       exporter="analyse.berichte.website:notebook_html",
                                       fortschritt=fortschritt)
    # Welche Berichte zu diesem Lauf gehören, liest die Website hieraus.
    atomar_schreiben(pfade.berichte / namen.BERICHTSLAUF, json.dumps(
        {namen.BERICHTSLAUF_KOMMUNEN: kommunen}, indent=1))
    return zusammenfassung


# --- Eigene Daten: Importe und Fragebogen-Export (Abläufe in eingabe.quellen) ------------------

def importieren(pfade: Pfade, quelle: Path, zuordnung: Path, welle: int,
                ersetzen: bool = False) -> quellen_import.Importbericht:
    """Eine Welle aus einem Befragungsexport über eine Zuordnung in antworten.csv."""
    return quellen_import.importieren(quelle, zuordnung, pfade.daten, welle, ersetzen,
                                      pruefen=lambda ordner: pruefen(Pfade(ordner)))


def zuordnung_entwurf(pfade: Pfade, quelle: Path, ziel: Path | None = None,
                      ueberschreiben: bool = False, struktur: Path | None = None) -> Path:
    """Schreibt einen Entwurf der Zuordnung (Vorgabe: <daten>/zuordnung.yml)."""
    ziel = ziel or pfade.daten / "zuordnung.yml"
    quellen_import.entwurf_schreiben(quelle, pfade.daten, ziel, ueberschreiben,
                                     struktur=struktur)
    return ziel


def kommunen_import(pfade: Pfade, verzeichnis: Path, land: str | None = None,
                    kreis: str | None = None):
    """kommunen.csv aus dem Gemeindeverzeichnis von Destatis bauen oder aktualisieren."""
    return quellen_import.kommunen_importieren(verzeichnis, pfade.daten, land, kreis)


def fragebogen_export(pfade: Pfade, ziel: Path) -> Path:
    """Das Codebuch als LimeSurvey-Umfragestruktur (TSV, UTF-8 mit BOM wie LimeSurvey)."""
    from analyse.eingabe import fragebogen as fragebogen_modul
    from analyse.eingabe.quellen import limesurvey_export

    fb = fragebogen_modul.laden(pfade.daten / "fragebogen.yml")
    atomar_schreiben(ziel, "\ufeff" + limesurvey_export.tsv(fb))
    return ziel


def website_bauen(pfade: Pfade, quarto: bool | None = None) -> Path:
    ziel_pruefen(pfade.berichte, pfade.daten)
    erg = ergebnisse.laden(pfade.ergebnisse)
    # Das Arbeitsbuch zur Selbstauskunft aus dem Codebuch der Ergebnisse: sein Fingerabdruck
    # passt so genau zu dem Modell, in das 'einordnen' später einordnet.
    selbstauskunft.schreiben(erg.fragebogen, pfade.berichte / SELBSTAUSKUNFT_DATEI,
                             erg.studie.titel, erg.studie.verband)
    return website.bauen(erg, pfade.berichte, quarto)


# --------------------------------------------------------------------------- Arbeitshilfen


def selbstauskunft_schreiben(pfade: Pfade, ziel: Path) -> Path:
    """Schreibt das Arbeitsbuch zur Selbstauskunft aus Codebuch und Studie des Studienordners."""
    fb = fragebogen_modul.laden(pfade.daten / "fragebogen.yml")
    st = studie_modul.laden(pfade.daten / "studie.yml")
    return selbstauskunft.schreiben(fb, ziel, st.titel, st.verband)


#: Endungen, die ``einordnen`` in einem Ordner liest (Sperrdateien von Office ausgenommen).
ANTWORT_ENDUNGEN = (".xlsx", ".csv")


def antwortdateien(antwort: Path) -> list[Path]:
    """Eine Datei oder alle Arbeitsbücher/CSV-Zeilen eines Ordners (sortiert)."""
    if not antwort.is_dir():
        return [antwort]
    return sorted(p for p in antwort.iterdir() if p.suffix.lower() in ANTWORT_ENDUNGEN
                  and not p.name.startswith(("~$", ".")) and p.is_file())


@dataclass
class Einordnungslauf:
    """Ergebnis von ``einordnen``: eingeordnete Kommunen, Fehler je Datei, Berichtslauf."""

    ausgabe: Path
    eingeordnet: list[einordnen_modul.Einordnung]
    fehler: dict[str, str]
    berichte: batch.Zusammenfassung | None

    @property
    def ok(self) -> bool:
        return not self.fehler and (self.berichte is None or self.berichte.ok)


def einordnen(pfade: Pfade, antwort: Path, ausgabe: Path, berichte: bool = True,
              parallel: int | None = None, fortschritt: bool = True) -> Einordnungslauf:
    """Ordnet ausgefüllte Arbeitsbücher (eine Datei oder einen Ordner) in die Studie ein.

    Reihenfolge: Ergebnisse der Studie laden und prüfen → jede Datei lesen, prüfen und
    einordnen (Fehler je Datei; eine einzelne Datei bricht mit ``Eingabefehler`` ab, bevor
    etwas geschrieben ist) → je Kommune einen Ergebnisordner und die XLSX-Datei schreiben →
    Berichte im warmen Batch → Übersichtsseite. Die Ergebnisse der Studie werden nur gelesen.
    """
    erg = ergebnisse.laden(pfade.ergebnisse)
    einordnen_modul.modell_pruefen(erg)
    ausgabe = Path(ausgabe)
    if _innerhalb(ausgabe, erg.ordner) or _innerhalb(erg.ordner, ausgabe):
        raise Eingabefehler([Problem(str(ausgabe), None, "--ausgabe", str(ausgabe),
                                     f"einen Ordner außerhalb der Ergebnisse der Studie "
                                     f"({erg.ordner}), damit diese unverändert bleiben")])
    dateien = antwortdateien(Path(antwort))
    if not dateien:
        raise Eingabefehler([Problem(str(antwort), None, None, None,
                                     "einen Ordner mit ausgefüllten Arbeitsbüchern (.xlsx) "
                                     "oder CSV-Zeilen (.csv)")])
    st = einordnen_modul.wirksame_studie(erg)
    ozg_katalog = ozg_katalog_modul.katalog_laden(pfade.daten)
    eingeordnet: list[einordnen_modul.Einordnung] = []
    fehler: dict[str, str] = {}
    quelle_von: dict[str, str] = {}
    for datei in dateien:
        try:
            auskunft = einlesen.lesen(datei, erg.fragebogen, st.welle_ids, st.aktuelle_welle,
                                      erg.kommunen)
            if auskunft.ags in quelle_von:
                raise Eingabefehler([Problem(datei.name, None, None, auskunft.ags,
                                             f"eine AGS, die nur einmal vorkommt (schon in "
                                             f"{quelle_von[auskunft.ags]})")])
            eingeordnet.append(einordnen_modul.einordnen(auskunft, erg, ozg_katalog))
            quelle_von[auskunft.ags] = datei.name
        except Eingabefehler as e:
            if len(dateien) == 1 and not Path(antwort).is_dir():
                raise
            fehler[datei.name] = e.text()
    log.info("%d von %d Selbstauskünften eingeordnet", len(eingeordnet), len(dateien))
    auftraege = []
    pdf = berichte and bool(eingeordnet) and mit_pdf()
    for e in eingeordnet:
        tabellen, modell = einordnen_modul.ergebnisordner(erg, e)
        ordner = ausgabe / "ergebnisse" / e.ags
        ergebnisse.speichern(ordner, tabellen, modell, erg.ordner / "konfiguration")
        excel.schreiben(ergebnisse.laden(ordner), e.ags,
                        ausgabe / namen.KOMMUNEN_ORDNER / f"{e.ags}.xlsx")
        auftraege.append(batch.Auftrag(
            name=e.ags, titel=f"{e.auskunft.kommune['name']}: Digitalisierungsbericht",
            vorlage=pfade.vorlage(namen.VORLAGE_KOMMUNE),
            parameter={"ags": e.ags, "ergebnisse": str(ordner.resolve())},
            ziel_ipynb=ausgabe / namen.KOMMUNEN_ORDNER / f"{e.ags}.ipynb",
            ziel_html=ausgabe / namen.KOMMUNEN_ORDNER / f"{e.ags}.html", eingaben=(ordner,),
            ziel_pdf=ausgabe / namen.KOMMUNEN_ORDNER / f"{e.ags}.pdf" if pdf else None))
    zusammenfassung = None
    if berichte and auftraege:
        zusammenfassung = batch.ausfuehren(auftraege, parallel=parallel,
                                           exporter="analyse.berichte.website:notebook_html",
                                           fortschritt=fortschritt)
    if eingeordnet or fehler:
        arbeitshilfen_seiten.uebersicht_schreiben(erg, ausgabe, [
            {"ags": e.ags, "name": e.auskunft.kommune["name"], "quelle": e.auskunft.quelle,
             "bericht": (ausgabe / namen.KOMMUNEN_ORDNER / f"{e.ags}.html").exists(),
             "pdf": (ausgabe / namen.KOMMUNEN_ORDNER / f"{e.ags}.pdf").exists()}
            for e in eingeordnet], fehler)
    return Einordnungslauf(ausgabe, eingeordnet, fehler, zusammenfassung)


def _innerhalb(pfad: Path, ordner: Path) -> bool:
    pfad, ordner = Path(pfad).resolve(), Path(ordner).resolve()
    return pfad == ordner or ordner in pfad.parents
