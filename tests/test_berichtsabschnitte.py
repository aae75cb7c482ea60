"""Jeder Abschnitt, den die Berichtsvorlagen aufrufen, schnell auf einer kleinen Studie.

Bisher liefen viele Abschnitte nur im langsamen Ende-zu-Ende-Test. Hier rechnet jede Prüfung
die gezeigten Zahlen unabhängig aus den Ergebnistabellen nach (Rang, Spanne, Werte je Feld,
Anzahlen) und sucht sie im sichtbaren Text. ``test_jeder_abschnitt_der_vorlagen_ist_geprueft``
liest die Vorlagen selbst: ein neuer Abschnitt ohne Test fällt auf.
"""

from __future__ import annotations

import ast
import json
import re
from html import escape
from pathlib import Path

import pytest

from analyse import pipeline
from analyse.berichte import (
    arbeitshilfen,
    empfehlungen,
    kommune,
    methodenanhang,
    uebersicht,
    verband,
)
from analyse.berichte.kontext import feldnamen, typnamen
from analyse.eingabe.groessenklassen import bezeichnung
from analyse.eingabe.ozg_katalog import ONLINE_AB
from analyse.ergebnisse import laden
from analyse.namen import Tabelle as T
from analyse.zahlen import zahl

VORLAGEN = Path(__file__).resolve().parents[1] / "src" / "analyse" / "berichte" / "vorlagen"

#: Abschnitte der Vorlagen und wo sie inhaltlich geprüft werden (außer hier).
ANDERSWO = {
    "wichtigste.das_wichtigste": "test_wichtigste.py",
    "verband.kernaussagen": "test_verband.py",
    "verband.referenzkommunen": "test_verband.py",
    "verband.mitglieder_vergleich": "test_verband.py",
    "verband.empfehlungen_zusammen": "test_verband.py",
    "verband.finanzierung": "test_verband.py",
    "verband.steckbriefe": "test_verband.py",
    "verband.personal_mitglieder": "test_verband.py",
    "methodenanhang.verbandsentwicklung": "test_reifegrad.py",
    "empfehlungen.gesamtuebersicht": "test_empfehlungen.py",
    "empfehlungen.verband": "test_empfehlungen.py",
    "empfehlungen.ozg_relevanz": "test_empfehlungen.py",
    "empfehlungen.personal_finanzen": "test_empfehlungen.py",
    "empfehlungen.massnahmen": "test_empfehlungen.py",
    "empfehlungen.roadmap": "test_empfehlungen.py",
    "empfehlungen.excel_download": "test_empfehlungen.py",
    "uebersicht.typenverteilung": "test_abbildungen.py",
    "uebersicht.typprofile": "test_abbildungen.py",
    "glossar.glossar": "test_glossar.py",
}
#: Abschnitte, die diese Datei prüft (Name der Testfunktion).
HIER = {
    "kommune.ags_oder_erste_referenzkommune": "test_ags_parameter",
    "kommune.kopf": "test_kommune_kopf",
    "arbeitshilfen.einordnung_hinweis": "test_einordnung_hinweis_nur_fuer_eingeordnete",
    "kommune.kennzahlen": "test_kennzahlen",
    "kommune.reifegrad_profil": "test_reifegrad_profil",
    "methodenanhang.rang_mit_intervall": "test_rang_mit_intervall",
    "methodenanhang.entwicklung": "test_entwicklung",
    "kommune.kommunentyp": "test_kommunentyp",
    "kommune.staerken_schwaechen": "test_staerken_schwaechen",
    "empfehlungen.massnahmen_beschreibungen": "test_massnahmen_beschreibungen",
    "empfehlungen.ozg_abdeckung": "test_ozg_abdeckung",
    "uebersicht.kopf": "test_uebersicht_kopf",
    "uebersicht.reifegrad_ueberblick": "test_reifegrad_ueberblick",
    "verband.ozg_verband": "test_ozg_verband",
    "arbeitshilfen.selbstauskunft": "test_selbstauskunft_link",
    "methodenanhang.anhang": "test_methodenanhang",
}


@pytest.fixture(scope="module")
def erg(kleine_studie_vorlage, tmp_path_factory):
    aus = tmp_path_factory.mktemp("abschnitte")
    pipeline.auswerten(pipeline.Pfade(kleine_studie_vorlage, aus))
    return laden(aus / "ergebnisse")


@pytest.fixture(scope="module")
def ags(erg) -> str:
    return kommune.ags_oder_erste_referenzkommune(erg, "")


def _text(h) -> str:
    """Sichtbarer Text (Tags entfernt, Leerraum zusammengefasst; Entities bleiben maskiert)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(h))).strip()


def _aktuell(erg, tabelle: T, ags: str | None = None):
    df = erg.tabelle(tabelle)
    df = df[df["welle"] == erg.studie.aktuelle_welle]
    return df if ags is None else df[df["ags"].astype(str) == ags]


def _typname(erg, ags: str) -> str:
    typ = erg.tabelle(T.TYPEN).set_index("ags").loc[ags, "typ"]
    return typnamen(erg).get(typ, typ)


def _aufrufe(vorlage: Path) -> set[str]:
    zellen = json.loads(vorlage.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(z["source"]) for z in zellen if z["cell_type"] == "code")
    return {f"{k.func.value.id}.{k.func.attr}" for k in ast.walk(ast.parse(code))
            if isinstance(k, ast.Call) and isinstance(k.func, ast.Attribute)
            and isinstance(k.func.value, ast.Name) and k.func.value.id != "erg"}


def test_jeder_abschnitt_der_vorlagen_ist_geprueft():
    aufrufe = set().union(*(_aufrufe(v) for v in VORLAGEN.glob("*.ipynb")))
    assert "kommune.kopf" in aufrufe and "uebersicht.kopf" in aufrufe
    assert sorted(aufrufe - set(ANDERSWO) - set(HIER)) == []
    assert set(HIER.values()) <= set(globals())
    tests = Path(__file__).parent
    for datei in set(ANDERSWO.values()):
        assert (tests / datei).is_file(), datei


# ------------------------------------------------------------------ Kommunenbericht


def test_ags_parameter(erg, ags):
    referenz = list(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    assert ags == referenz[0]
    assert kommune.ags_oder_erste_referenzkommune(erg, referenz[-1]) == referenz[-1]
    with pytest.raises(ValueError, match="Unbekannter AGS"):
        kommune.ags_oder_erste_referenzkommune(erg, "00000000")


def test_kommune_kopf(erg, ags):
    text = _text(kommune.kopf(erg, ags))
    name = escape(str(erg.kommunen.loc[ags, "name"]))
    assert text.startswith(f"{name}: Digitalisierungsbericht")
    assert escape(erg.studie.titel) in text and escape(erg.studie.verband) in text
    assert f"einem Zeitplan für {erg.studie.roadmap.jahre} Jahre" in text


def test_einordnung_hinweis_nur_fuer_eingeordnete(erg, ags):
    """Kommunen der Studie bekommen keinen Hinweis auf eine nachträgliche Einordnung."""
    assert _text(arbeitshilfen.einordnung_hinweis(erg, ags)) == ""


def test_kennzahlen(erg, ags):
    text = _text(kommune.kennzahlen(erg, ags))
    k = erg.kommunen.loc[ags]
    gesamt = _aktuell(erg, T.REIFEGRAD, ags).set_index("handlungsfeld").loc["gesamt", "wert"]
    s = _aktuell(erg, T.STRUKTUR, ags).iloc[0]
    assert f"Amtlicher Gemeindeschlüssel {ags}" in text
    assert f"Einwohnerinnen und Einwohner {zahl(k['einwohner'])}" in text
    assert f"Größenklasse (KGSt) {bezeichnung(k['groessenklasse'])}" in text
    assert f"Kommunentyp {escape(_typname(erg, ags))}" in text
    assert f"Reifegrad gesamt {zahl(gesamt)} von 100" in text
    assert f"IT- und Digitalisierungsstellen {zahl(s['it_personal'], 1)} VZÄ" in text


def test_reifegrad_profil(erg, ags):
    text = _text(kommune.reifegrad_profil(erg, ags))
    eigen = _aktuell(erg, T.REIFEGRAD, ags).set_index("handlungsfeld")["wert"]
    namen = feldnamen(erg)
    for feld, name in namen.items():
        assert f"{escape(name)} {zahl(eigen[feld], 1)}" in text, feld
    mindest = erg.studie.berichte.peer_mindestgroesse
    assert f"nur für Gruppen ab {mindest} Kommunen" in text


def test_rang_mit_intervall(erg, ags):
    text = _text(methodenanhang.rang_mit_intervall(erg, ags))
    u = _aktuell(erg, T.UNSICHERHEIT, ags).iloc[0]
    lo, hi, n = int(u["rang_p05"]), int(u["rang_p95"]), int(u["anzahl"])
    assert f"Rang (Median) {int(u['rang_median'])} von {n}" in text
    assert f"Spanne in 90 % der Varianten Rang {lo} bis {hi}" in text
    assert f"zwischen Rang {lo} und {hi} von {n} Kommunen" in text
    assert f"In {erg.studie.reifegrad.monte_carlo} durchgerechneten Varianten" in text


def test_entwicklung(erg, ags):
    text = _text(methodenanhang.entwicklung(erg, ags))
    e = _aktuell(erg, T.ENTWICKLUNG, ags)
    assert not e.empty  # die Demostudie hat zwei Wellen
    namen = feldnamen(erg)
    for z in e.itertuples():
        zeile = (f"{escape(namen[z.handlungsfeld])} {zahl(z.wert_vorwelle, 1)} {zahl(z.wert, 1)} "
                 f"{'+' if z.veraenderung > 0 else ''}{zahl(z.veraenderung, 1)}")
        assert zeile in text, zeile
        assert z.urteil in text


def test_kommunentyp(erg, ags):
    text = _text(kommune.kommunentyp(erg, ags))
    t = erg.tabelle(T.TYPEN).set_index("ags").loc[ags]
    name = escape(str(erg.kommunen.loc[ags, "name"]))
    assert f"{name} gehört zum Typ „{escape(_typname(erg, ags))}“" in text
    assert f"In {int(t['treffer'])} von {int(t['wiederholungen'])} Wiederholungen" in text


def test_staerken_schwaechen(erg, ags):
    text = _text(kommune.staerken_schwaechen(erg, ags))
    eigen = _aktuell(erg, T.REIFEGRAD, ags).set_index("handlungsfeld")["wert"]
    alle = _aktuell(erg, T.REIFEGRAD).pivot(index="ags", columns="handlungsfeld", values="wert")
    namen = feldnamen(erg)
    treffer = re.findall(r"([^.]+?): (\d+) Punkte, (\d+) Punkte (über|unter) dem Median (aller "
                         r"Kommunen der Studie|der Größenklasse) \((\d+)\)", text)
    assert treffer
    for feldname, wert, abstand, richtung, bezug, median in treffer:
        feld = next(f for f, n in namen.items() if escape(n) == feldname.split("Stärken ")[-1]
                    .split("Schwächen ")[-1].strip())
        assert int(wert) == round(eigen[feld])
        if bezug.startswith("aller"):
            assert int(median) == round(alle[feld].median())
        assert (richtung == "über") == (eigen[feld] > alle[feld].median() if bezug.startswith(
            "aller") else int(wert) > int(median))
        assert abs(int(wert) - int(median) - (1 if richtung == "über" else -1) * int(abstand)) <= 1


def test_massnahmen_beschreibungen(erg, ags):
    text = _text(empfehlungen.massnahmen_beschreibungen(erg, ags))
    e = erg.tabelle(T.EMPFEHLUNGEN)
    eigene = e[e["ags"].astype(str) == ags].sort_values("rang")
    assert 11 <= len(eigene) <= 20 or len(eigene) == erg.studie.empfehlungen.maximum
    positionen = [text.index(f"{i}. {escape(titel)}")
                  for i, titel in enumerate(eigene["titel"], start=1)]
    assert positionen == sorted(positionen)
    erste = eigene.iloc[0]
    assert _text(f"Einmalig {zahl(erste['kosten_einmalig'], einheit='€')}, jährlich "
                 f"{zahl(erste['kosten_jaehrlich'], einheit='€')}") in text


def test_ozg_abdeckung(erg):
    """Eine Kommune mit Vergleichsgruppe: eigener Anteil online und Median der Größenklasse."""
    a = _aktuell(erg, T.OZG_ABDECKUNG)
    refs = set(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    z = a[a["ags"].isin(refs) & a["peer_anteil_online_median"].notna()].iloc[0]
    text = _text(empfehlungen.ozg_abdeckung(erg, z["ags"]))
    prozent = lambda x: f"{round(100 * x)} %"  # noqa: E731
    assert f"Relevante abgefragte Leistungen {int(z['n_relevant'])}" in text
    assert f"Davon beantwortet {int(z['n_beantwortet'])}" in text
    assert f"Anteil online (Stufe ≥ {ONLINE_AB}) {prozent(z['anteil_online'])}" in text
    assert f"Mittlere Stufe {zahl(z['mittlere_stufe'], 1)}" in text
    assert (f"{bezeichnung(z['groessenklasse'], kurz=True)} ({int(z['peer_n'])} Kommunen): "
            f"Anteil online Median {prozent(z['peer_anteil_online_median'])}") in text
    # jede beantwortete Leistung der Kommune steht in der Tabelle
    s = _aktuell(erg, T.OZG_STAND, z["ags"])
    for name in s["leistung_name"]:
        assert escape(name) in text


# ------------------------------------------------------------------ Abschlussbericht


def test_uebersicht_kopf(erg):
    text = _text(uebersicht.kopf(erg))
    k = erg.kommunen
    assert text.startswith(f"Abschlussbericht: {escape(erg.studie.titel)}")
    assert f"Kommunen in der Studie {zahl(len(k))}" in text
    assert f"Mitglieder des Verbands {zahl(int(k['mitglied'].sum()))}" in text
    assert f"Referenzkommunen {zahl(int(k['referenzkommune'].sum()))}" in text
    teilnehmend = _aktuell(erg, T.REIFEGRAD)["ags"].nunique()
    assert f"Teilnehmende in der aktuellen Welle {zahl(teilnehmend)}" in text
    for welle in erg.studie.wellen:
        assert escape(welle.bezeichnung) in text


def test_reifegrad_ueberblick(erg):
    text = _text(uebersicht.reifegrad_ueberblick(erg))
    r = _aktuell(erg, T.REIFEGRAD).dropna(subset=["wert"])
    for feld, name in feldnamen(erg).items():
        werte = r[r["handlungsfeld"] == feld]["wert"]
        if feld == "gesamt":
            continue
        q1, median, q3 = werte.quantile([0.25, 0.5, 0.75])
        zeile = (f"{escape(name)} {len(werte)} {zahl(q1, 1)} {zahl(median, 1)} "
                 f"{zahl(q3, 1)}")
        assert zeile in text, zeile


def test_ozg_verband(erg):
    text = _text(verband.ozg_verband(erg))
    s = _aktuell(erg, T.OZG_STAND).dropna(subset=["stufe"])
    mitglieder = set(erg.kommunen.index[erg.kommunen["mitglied"]])
    s = s[s["ags"].isin(mitglieder)]
    je = s.groupby("leistung_name")["stufe"].agg(
        beantwortet="size", nicht_online=lambda x: int((x < ONLINE_AB).sum()))
    je["anteil"] = je["nicht_online"] / je["beantwortet"]
    # die Leistung, die den meisten Mitgliedern fehlt (bei Gleichstand: mehr Antworten)
    oben = je.sort_values(["anteil", "beantwortet"], ascending=False).iloc[0]
    assert f"{int(oben['nicht_online'])} von {int(oben['beantwortet'])}" in text
    assert f"mindestens Stufe {ONLINE_AB} des OZG-Reifegradmodells" in text


def test_selbstauskunft_link(erg):
    inhalt = str(arbeitshilfen.selbstauskunft(erg))
    assert 'href="selbstauskunft.xlsx"' in inhalt
    assert f"senden es an {escape(erg.studie.verband)}" in _text(inhalt)


def test_methodenanhang(erg):
    text = _text(methodenanhang.anhang(erg))
    assert "Composite Indicator" in text
    rel = _aktuell(erg, T.RELIABILITAET)
    for z in rel.itertuples():
        assert zahl(z.alpha, 2) in text, z.handlungsfeld
