"""Abbildungen: jede zeigt nur Gruppen ab der Mindestgröße, bringt ihre Daten mit und ist
barrierefrei und deterministisch eingebettet.

Der Test der kleinen Zellen läuft über ``html.ABBILDUNGEN`` (alle Abbildungsfunktionen aller
Berichtsmodule) auf einer Studie mit eingepflanzten kleinen Gruppen. Ein neues Diagramm fällt auf,
wenn es (a) nicht als Abbildungsfunktion registriert ist (statische Prüfung unten), (b) seine
Figur nicht über ``html.abbildung`` mit Diagrammdaten einbettet (Fehler beim Aufruf), (c) eine
Gruppe unter der Mindestgröße zeigt oder (d) auf der Teststudie gar nicht gezeichnet wird.
"""

from __future__ import annotations

import ast
import base64
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import analyse.berichte as berichte_paket
from analyse import pipeline
from analyse.berichte import html, kleine_zellen
from analyse.ergebnisse import laden

for _m in pkgutil.iter_modules(berichte_paket.__path__):
    importlib.import_module(f"analyse.berichte.{_m.name}")

BERICHTE = Path(berichte_paket.__file__).parent
KLEINER_TYP = "neu_9"
KLEINE_GK = "K1"
KLEINES_FELD_WELLE = 2024


@pytest.fixture(scope="module")
def erg(kleine_studie_vorlage, tmp_path_factory):
    aus = tmp_path_factory.mktemp("abbildungen")
    pipeline.auswerten(pipeline.Pfade(kleine_studie_vorlage, aus))
    return laden(aus / "ergebnisse")


@pytest.fixture(scope="module")
def klein(erg):
    """Dieselbe Studie mit eingepflanzten kleinen Gruppen (in den geladenen Tabellen).

    - ein Typ mit 3 Kommunen, darunter eine Referenzkommune (Typenverteilung, Typprofile,
      Streudiagramm, Median des Typs im Kommunenbericht);
    - eine Größenklasse mit 2 Kommunen, darunter eine Referenzkommune;
    - ein Handlungsfeld, für das in der Vorwelle nur 3 Mitglieder bewertet sind (Verbandslinien).
    """
    k = erg.tabelle("kommunen")
    ref = k.index[k["referenzkommune"]].tolist()
    andere = k.index[~k["referenzkommune"]].tolist()
    k.loc[k["groessenklasse"] == KLEINE_GK, "groessenklasse"] = "K2"
    k.loc[[ref[1], andere[0]], "groessenklasse"] = KLEINE_GK
    typen = erg.tabelle("typen")
    typen.loc[typen["ags"].isin(k.loc[[ref[0], andere[1], andere[2]], "ags"]), "typ"] = KLEINER_TYP
    proj = erg.tabelle("typen_projektion")
    proj.loc[proj.index[:3], "typ"] = KLEINER_TYP
    rg = erg.tabelle("reifegrad")
    mitglieder = set(k.loc[k["mitglied"], "ags"])
    feld = erg.fragebogen.handlungsfelder[-1].id
    betroffen = rg.index[(rg["welle"] == KLEINES_FELD_WELLE) & (rg["handlungsfeld"] == feld)
                         & rg["ags"].isin(mitglieder)]
    rg.loc[betroffen[3:], "wert"] = float("nan")
    assert (typen["typ"] == KLEINER_TYP).sum() == 3
    assert (k["groessenklasse"] == KLEINE_GK).sum() == 2
    return erg


def _aufrufe(erg, funktion):
    parameter = list(inspect.signature(funktion.__wrapped__).parameters)
    if parameter == ["erg"]:
        return [(erg,)]
    return [(erg, a) for a in erg.kommunen.index[erg.kommunen["referenzkommune"]]]


def test_jede_abbildung_verbirgt_kleine_gruppen(klein):
    mindest = klein.studie.berichte.peer_mindestgroesse
    assert html.ABBILDUNGEN, "keine Abbildungsfunktion registriert"
    seiten = []
    with html.protokollieren() as protokoll:
        for funktion in html.ABBILDUNGEN.values():
            for args in _aufrufe(klein, funktion):
                seiten.append(str(funktion(*args)))
    gezeichnet = {name for name, _ in protokoll}
    assert gezeichnet == set(html.ABBILDUNGEN), (
        f"auf der Teststudie nicht gezeichnet: {set(html.ABBILDUNGEN) - gezeichnet}")
    for name, daten in protokoll:
        assert not kleine_zellen.verletzungen(daten, mindest), name
        assert all(n >= mindest for n in daten.gruppen.values()), name
        gruppen = " ".join(map(str, daten.gruppen))
        assert KLEINER_TYP not in gruppen and "Kreis GK 1 (über" not in gruppen, name
        if _aufrufe(klein, html.ABBILDUNGEN[name]) == [(klein,)]:
            # Im Abschlussbericht taucht die kleine Gruppe auch in keiner Datentabelle auf (im
            # Kommunenbericht steht der eigene Typ mit „–“ statt eines Medians)
            assert KLEINER_TYP not in daten.tabelle.to_string(), name
    # Keine SVG-Füllmuster: Chromium macht daraus im PDF je Fläche einen großen Bildstrom
    svgs = re.findall(r"data:image/svg\+xml;base64,([^\"]+)", "".join(seiten))
    assert len(svgs) >= len(html.ABBILDUNGEN)
    for svg in svgs:
        assert b"<pattern" not in base64.b64decode(svg)


def test_eingepflanzte_gruppen_waeren_sichtbar_ohne_schutz(klein):
    """Die Teststudie pflanzt wirklich kleine Gruppen (sonst bewiese der Test oben nichts)."""
    mindest = klein.studie.berichte.peer_mindestgroesse
    kreuz = pd.crosstab(klein.kommunen["groessenklasse"],
                        klein.tabelle("typen").set_index("ags")["typ"])
    assert ((kreuz > 0) & (kreuz < mindest)).to_numpy().any()
    assert (klein.tabelle("typen_projektion")["typ"] == KLEINER_TYP).sum() < mindest


def test_typenverteilung_legt_zusammen(klein):
    from analyse.berichte import uebersicht
    zs = uebersicht.typen_nach_groessenklasse(klein)
    mindest = klein.studie.berichte.peer_mindestgroesse
    assert ((zs.kreuz == 0) | (zs.kreuz >= mindest)).to_numpy().all()
    assert zs.kreuz.to_numpy().sum() == len(klein.tabelle("typen"))
    inhalt = str(uebersicht.typenverteilung(klein))
    assert "zusammengelegt" in inhalt and "&lt; " not in inhalt


@pytest.fixture
def ohne_registrierung():
    vorher = dict(html.ABBILDUNGEN)
    yield
    html.ABBILDUNGEN.clear()
    html.ABBILDUNGEN.update(vorher)


def test_kleine_gruppe_bricht_ab(erg, ohne_registrierung):
    @html.abbildungsfunktion
    def zu_klein(erg):
        fig, ax = plt.subplots()
        ax.bar(["a"], [2])
        return html.abbildung(fig, "Balken", daten=kleine_zellen.Diagrammdaten(
            pd.DataFrame({"Gruppe": ["a"], "n": [2]}), {"a": 2}))

    with pytest.raises(kleine_zellen.KleineZellenFehler, match="a \\(2\\)"):
        zu_klein(erg)
    assert not plt.get_fignums()


def test_abbildung_ohne_daten_oder_ausserhalb_scheitert(erg, ohne_registrierung):
    @html.abbildungsfunktion
    def vergessen(erg):
        plt.subplots()
        return html.Html("<p>kein Bild</p>")

    with pytest.raises(html.AbbildungsFehler):
        vergessen(erg)
    fig, _ = plt.subplots()
    with pytest.raises(html.AbbildungsFehler):
        html.abbildung(fig, "x", daten=kleine_zellen.Diagrammdaten(pd.DataFrame(), {}))
    assert not plt.get_fignums()
    with pytest.raises(TypeError, match="Signatur"):
        html.abbildungsfunktion(lambda df: None)


_FIGUR = {"subplots", "figure", "subplot", "Figure", "subplot_mosaic"}


def _erzeugt_figur(knoten: ast.AST) -> bool:
    for k in ast.walk(knoten):
        if isinstance(k, ast.Call):
            f = k.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in _FIGUR:
                return True
    return False


def _dekoriert(f: ast.FunctionDef) -> bool:
    return any("abbildungsfunktion" in ast.unparse(d) for d in f.decorator_list)


def test_jede_figur_entsteht_in_einer_abbildungsfunktion():
    """Statisch: wer eine Figur erzeugt, ist Abbildungsfunktion oder wird nur aus einer gerufen."""
    fehler = []
    for pfad in sorted(BERICHTE.rglob("*.py")):
        if pfad.name == "html.py":
            continue
        baum = ast.parse(pfad.read_text(encoding="utf-8"))
        funktionen = {f.name: f for f in ast.walk(baum) if isinstance(f, ast.FunctionDef)}
        dekoriert = {n for n, f in funktionen.items() if _dekoriert(f)}
        for name, f in funktionen.items():
            if name in dekoriert or not _erzeugt_figur(f):
                continue
            rufer = [g for g in funktionen.values() if g is not f and any(
                isinstance(c, ast.Call) and getattr(c.func, "id", None) == name
                for c in ast.walk(g))]
            if not rufer or any(g.name not in dekoriert for g in rufer):
                fehler.append(f"{pfad.name}:{name}")
        if any(isinstance(k, ast.Call) and getattr(k.func, "attr", "") == "savefig"
               for k in ast.walk(baum)):
            fehler.append(f"{pfad.name}: savefig außerhalb von html.bild")
    assert not fehler, "Figuren außerhalb einer Abbildungsfunktion: " + ", ".join(fehler)


def test_einbettung_barrierefrei_mit_daten_und_deterministisch(erg):
    from analyse.berichte import uebersicht
    eins, zwei = str(uebersicht.typprofile(erg)), str(uebersicht.typprofile(erg))
    assert eins == zwei  # keine Zeitstempel, feste IDs
    bild = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', eins)
    assert bild and bild[2].startswith("Heatmap")
    svg = base64.b64decode(bild[1]).decode("utf-8")
    assert "<dc:date>" not in svg and "<script" not in svg
    # Die Heatmap hat ihre Tabelle mit allen Werten
    daten = eins[eins.index("<details"):]
    assert "Daten zur Abbildung" in daten
    ziele = erg.fragebogen.ziel_name
    assert all(html.text(n) in daten for n in ziele.values())
    zeilen = daten.count("<tr>") - 1  # ohne Kopfzeile
    assert daten.count("<td>") == zeilen * (len(ziele) + 1)  # alle Werte und die Anzahl


def test_gruppengroessen_in_tabellen_unter_der_mindestgroesse_verdeckt(klein):
    from analyse.berichte import kommune
    ref = klein.tabelle("kommunen")
    ags = ref.loc[ref["referenzkommune"], "ags"].tolist()
    # Referenzkommune 0: eingepflanzter Typ mit 3 Kommunen; 1: Größenklasse mit 2 Kommunen
    typ_seite = str(kommune.reifegrad_profil(klein, ags[0]))
    gk_seite = str(kommune.reifegrad_profil(klein, ags[1]))
    assert "&lt; 5" in typ_seite and "&lt; 5" in gk_seite
    assert "<td>3</td>" not in typ_seite and "<td>2</td>" not in gk_seite
    assert kleine_zellen.anzahl(3, 5) == "< 5" and kleine_zellen.anzahl(1234, 5) == "1.234"


def test_gantt_beschriftet_vollstaendig_mit_quartalen(erg):
    from analyse.berichte import empfehlungen, farben
    r = erg.tabelle("roadmap")
    r = r[r["ags"] == r["ags"].iloc[0]]
    fig = empfehlungen._gantt(r, 2027, 3, "Roadmap", farben.feldstile(erg))
    ax = fig.axes[0]
    titel = [t.get_text().replace("-\n", "-").replace("\n", " ") for t in ax.get_yticklabels()]
    assert sorted(titel) == sorted(r["titel"])  # ungekürzt, nur umbrochen
    quartale = [t.get_text() for t in ax.get_xticklabels()]
    assert quartale[:5] == ["Q1\n2027", "Q2", "Q3", "Q4", "Q1\n2028"] and len(quartale) == 12
    # Das Handlungsfeld steht als Text an jedem Balken, nicht nur als Farbe
    texte = [t.get_text() for t in ax.texts]
    assert sorted(texte) == sorted(r["hauptfeld_name"])
    plt.close(fig)


def test_jede_abbildung_laeuft_ohne_kommunentypen(kleine_studie, tmp_path):
    studie = kleine_studie / "studie.yml"
    studie.write_text(re.sub(r"(?m)^kommunentypen:\n", "kommunentypen:\n  typisieren: false\n",
                             studie.read_text(encoding="utf-8")), encoding="utf-8")
    pipeline.auswerten(pipeline.Pfade(kleine_studie, tmp_path / "aus"))
    ohne = laden(tmp_path / "aus" / "ergebnisse")
    assert not ohne.modell.kommunentypen.typisiert
    for funktion in html.ABBILDUNGEN.values():
        for args in _aufrufe(ohne, funktion)[:1]:
            assert str(funktion(*args))


# ------------------------------------------------------------------ Tabellen aller Abschnitte

VORLAGEN = BERICHTE / "vorlagen"
#: Spalten, die Kommunen einer Gruppe zählen (Gruppengrößen)
_ZAEHLSPALTE = re.compile(r"^(Kommunen|Mitglieder|Anzahl|n |.*\(n\)$)")
#: Tabellen über die Referenzkommunen, deren Berichte namentlich veröffentlicht sind: wie viele
#: von ihnen eine Empfehlung bekamen, steht schon in ihren Berichten.
_NAMENTLICH = {"Empfehlungen je Handlungsfeld (Hauptfeld der Maßnahme)"}
#: „Gesamt“ ist in Tabellen je Handlungsfeld der Gesamtindex, keine Summe der Zeilen
_SUMMENZEILE = re.compile(r"^(Alle|Summe|Zusammen)")


def _abschnitte(vorlage: Path) -> list[tuple[str, str]]:
    """(Modul, Funktion) je Abschnitt, den die Berichtsvorlage aufruft."""
    import json
    zellen = json.loads(vorlage.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(z["source"]) for z in zellen if z["cell_type"] == "code")
    return [(k.func.value.id, k.func.attr) for k in ast.walk(ast.parse(code))
            if isinstance(k, ast.Call) and isinstance(k.func, ast.Attribute)
            and isinstance(k.func.value, ast.Name) and k.func.value.id not in {"erg", "glossar"}
            and k.func.attr != "ags_oder_erste_referenzkommune"]


def _tabellen(erg) -> list[tuple[str, str, list[list[str]]]]:
    """(Bericht, Beschriftung, Zeilen als Texte) jeder HTML-Tabelle aller Abschnitte."""
    from bs4 import BeautifulSoup
    ergebnis = []
    ref = list(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    for vorlage, aufrufe in (("abschlussbericht", [(erg,)]),
                             # ref[0] hat den eingepflanzten Typ, den das Modell nicht kennt;
                             # ref[1] liegt in der kleinen Größenklasse
                             ("bericht_kommune", [(erg, a) for a in ref[1:3]])):
        for modul, name in _abschnitte(VORLAGEN / f"{vorlage}.ipynb"):
            funktion = getattr(importlib.import_module(f"analyse.berichte.{modul}"), name)
            for args in aufrufe:
                for t in BeautifulSoup(str(funktion(*args)), "html.parser").find_all("table"):
                    zeilen = [[z.get_text(" ", strip=True) for z in tr.find_all(["th", "td"])]
                              for tr in t.find_all("tr")]
                    ergebnis.append((vorlage, t.caption.get_text() if t.caption else "", zeilen))
    return ergebnis


def _lecks(tabellen, mindest: int, kleine_namen: set[str]) -> list[str]:
    """Gruppen unter der Mindestgröße, die eine Tabelle zeigt oder verrät."""
    lecks = []
    klein = f"< {mindest}"
    for bericht, titel, (kopf, *zeilen) in tabellen:
        if titel in _NAMENTLICH:
            continue
        for zeile in zeilen:
            if bericht == "abschlussbericht" and zeile and zeile[0] in kleine_namen:
                lecks.append(f"{titel}: Zeile der kleinen Gruppe {zeile[0]}")
        for j, spalte in enumerate(kopf):
            if not _ZAEHLSPALTE.match(spalte):
                continue
            werte = [z[j] for z in zeilen if j < len(z)]
            exakt = [w for w in werte if w.isdigit() and 0 < int(w) < mindest]
            if exakt:
                lecks.append(f"{titel}, {spalte}: {exakt} statt „{klein}“")
            summe = any(_SUMMENZEILE.match(z[0]) for z in zeilen if z)
            if summe and werte.count(klein) == 1:
                lecks.append(f"{titel}, {spalte}: eine „{klein}“-Zelle neben der Summe")
            lecks += _werte_kleiner_gruppen(titel, kopf, zeilen, j, klein)
    return lecks


def _werte_kleiner_gruppen(titel, kopf, zeilen, j, klein) -> list[str]:
    """Werte einer Gruppe mit „< n“: Gruppen als Zeilen (Zählspalte gleich nach dem Namen)
    zeigen sonst nur „–“; Gruppen als Spalten („n (…)“ nach ihrem Median) ebenso."""
    lecks = []
    for z in zeilen:
        if j < len(z) and z[j] == klein:
            andere = z[j + 1:] if j == 1 else ([z[j - 1]] if kopf[j].startswith("n ") else [])
            if any(w not in ("–", "") for w in andere):
                lecks.append(f"{titel}: Werte neben „{klein}“ in Zeile {z[0]}: {andere}")
    return lecks


def test_keine_tabelle_zeigt_oder_verraet_kleine_gruppen(klein):
    """Alle HTML-Tabellen beider Berichte auf der Studie mit eingepflanzten kleinen Gruppen:
    Gruppengrößen unter der Mindestgröße stehen nur als „< n“, nie als einzige „< n“-Zelle neben
    einer Summe; die kleine Typgruppe hat keine eigene Zeile im Abschlussbericht."""
    mindest = klein.studie.berichte.peer_mindestgroesse
    tabellen = _tabellen(klein)
    assert len(tabellen) > 30
    assert _lecks(tabellen, mindest, {KLEINER_TYP}) == []


def test_leckpruefung_findet_lecks():
    """Die Prüfung oben kann scheitern: exakte kleine Zahl, einzige „< 5“ neben der Summe."""
    kopf = ["Größenklasse", "Kommunen", "Median"]
    assert _lecks([("abschlussbericht", "t", [kopf, ["GK 1", "3", "20"]])], 5, set())
    assert _lecks([("abschlussbericht", "t", [kopf, ["GK 1", "< 5", "–"], ["GK 2", "9", "20"],
                                              ["Alle", "12", "20"]])], 5, set())
    assert _lecks([("abschlussbericht", "t", [kopf, ["neu_9", "7", "2"]])], 5, {"neu_9"})
    assert _lecks([("abschlussbericht", "t", [kopf, ["GK 1", "< 5", "20"]])], 5, set())
    assert _lecks([("bericht_kommune", "t", [["Feld", "Median GK 1", "n (Größenklasse)"],
                                             ["Strategie", "20", "< 5"]])], 5, set())
    assert not _lecks([("abschlussbericht", "t", [kopf, ["GK 1", "< 5", "–"],
                                                  ["GK 2", "< 5", "–"], ["Alle", "12", "20"]])],
                      5, {"neu_9"})


def test_kleiner_cluster_zeigt_keine_merkmale(klein):
    """Die eine Regel (``kontext.kleine_typen``): Ein Cluster des Modells unter der Mindestgröße
    steht im Methodenanhang nur mit „< n“, ohne Name, Abstand und Anteil Mischtyp, und hat keinen
    Steckbrief und kein Zielprofil."""
    from bs4 import BeautifulSoup

    from analyse.berichte import kontext, methodenanhang, uebersicht, verband

    st = klein.tabelle("typen_stabilitaet")
    vorher = st.copy()
    typ, name = st.loc[0, "typ"], st.loc[0, "name"]
    mindest = klein.studie.berichte.peer_mindestgroesse
    try:
        st.loc[0, "n"] = mindest - 1
        assert typ in kontext.kleine_typen(klein)
        tabelle = next(t for t in BeautifulSoup(str(methodenanhang.anhang(klein)), "html.parser")
                       .find_all("table") if "Benennung und Stabilität" in t.caption.get_text())
        zeile = [z.get_text(strip=True) for z in tabelle.find_all("tr")[1].find_all(["th", "td"])]
        assert zeile[1:8] == ["kleiner Typ", "–", "–", "–", f"< {mindest}", "–", zeile[7]]
        assert zeile[7] != "–"  # Stabilität ist eine Eigenschaft des Verfahrens
        assert all(sb.typ != typ for sb in verband.steckbrief_daten(klein))
        assert f"Steckbrief: {html.text(name)}" not in str(verband.steckbriefe(klein))
        with html.protokollieren() as protokoll:
            uebersicht.typprofile(klein)
        assert name not in " ".join(map(str, protokoll[0][1].gruppen))
    finally:
        st[:] = vorher
