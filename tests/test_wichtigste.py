"""„Das Wichtigste“: jede Zahl stimmt mit den Abschnitten und Tabellen darunter überein."""

from __future__ import annotations

import re

import pytest

from analyse import pipeline
from analyse.berichte import kommune, kontext, wichtigste
from analyse.ergebnisse import laden
from analyse.zahlen import euro


@pytest.fixture(scope="module")
def erg(kleine_studie_vorlage, tmp_path_factory):
    aus = tmp_path_factory.mktemp("wichtigste")
    pipeline.auswerten(pipeline.Pfade(kleine_studie_vorlage, aus))
    return laden(aus / "ergebnisse")


def _refs(erg):
    return list(erg.kommunen.index[erg.kommunen["referenzkommune"]])


def test_staerken_ueber_schwaechen_unter_dem_vergleich(erg):
    for ags in _refs(erg):
        d = kommune.staerken_schwaechen_daten(erg, ags)
        assert d is not None
        for f, a in d.staerken:
            assert a >= 1 and round(d.werte[f]) - round(d.bezug[f]) == a
        for f, a in d.schwaechen:
            assert a <= -1 and round(d.werte[f]) - round(d.bezug[f]) == a
        staerken, schwaechen = wichtigste.felder_saetze(erg, ags)
        assert ("über" in staerken) == bool(d.staerken) or "Kein" in staerken
        assert " unter " in schwaechen or "Kein" in schwaechen


def test_top_drei_sind_die_ersten_raenge(erg):
    e = erg.tabelle("empfehlungen")
    for ags in _refs(erg):
        erste = e[e["ags"] == ags].sort_values("rang")["titel"].head(3).tolist()
        top = wichtigste.massnahmen_top(erg, ags)
        assert [t.split(":")[0] for t in top] == erste


def test_summe_ist_die_summe_der_roadmap(erg):
    j = erg.tabelle("roadmap_jahre")
    for ags in _refs(erg):
        summe, _ = wichtigste.geld_saetze(erg, ags)
        erwartet = euro(j.loc[j["ags"] == ags, "kosten_gesamt"].sum())
        assert summe.startswith(erwartet), (summe, erwartet)
        assert f"{erg.studie.roadmap.jahre} Jahren" in summe


def test_abschnitt_enthaelt_alles_und_ist_maskiert(erg):
    ags = _refs(erg)[0]
    inhalt = str(wichtigste.das_wichtigste(erg, ags))
    for titel in ("Reifegrad gesamt", "Kommunentyp", "Stärkste Handlungsfelder",
                  "Schwächste Handlungsfelder", "Kosten im Planungszeitraum",
                  "Laufende Kosten danach", "Über den Verband"):
        assert f"<dt>{titel}</dt>" in inhalt
    assert re.search(r"<ol>(<li>.*?</li>){1,3}</ol>", inhalt)


def test_top_drei_nennen_die_kosten_der_tabelle(erg):
    """Bei Maßnahmen über den Verband zählt der Anteil (wie in der Tabelle der Empfehlungen),
    nicht die Kosten eines eigenen Vorhabens."""
    e = erg.tabelle("empfehlungen")
    gesehen_verband = False
    for ags in _refs(erg):
        erste = e[e["ags"] == ags].sort_values("rang").head(3)
        for satz, z in zip(wichtigste.massnahmen_top(erg, ags), erste.itertuples(), strict=True):
            assert satz.startswith(f"{z.titel}: einmalig {euro(z.kosten_einmalig)}, "
                                   f"jährlich {euro(z.kosten_jaehrlich)}"), satz
            if z.ueber_verband:
                gesehen_verband = True
                assert "als Anteil über den Verband" in satz
                assert f"als eigenes Vorhaben {euro(z.kosten_einmalig_eigen)}" in satz
    assert gesehen_verband


def test_laufende_kosten_danach_eigene_und_umlage(erg):
    r, u = erg.tabelle("roadmap"), erg.tabelle("verband_umlage")
    vr = erg.tabelle("verband_roadmap")
    for ags in _refs(erg):
        eigene, umlage, anteil = wichtigste.laufend_danach(erg, ags)
        plan = r[r["ags"] == ags]
        assert eigene == pytest.approx(plan.loc[~plan["ueber_verband"], "kosten_jaehrlich"].sum())
        assert plan.loc[plan["ueber_verband"], "kosten_jaehrlich"].sum() == 0
        a = u.loc[u["ags"] == ags, "anteil"]
        assert anteil == pytest.approx(a.iloc[0] if len(a) else 0.0)
        assert umlage == pytest.approx(anteil * vr["kosten_jaehrlich"].sum())
        _, danach = wichtigste.geld_saetze(erg, ags)
        assert danach.startswith(euro(eigene + umlage)) and euro(eigene) in danach


def test_top_drei_sagen_wenn_eine_maassnahme_verschoben_ist(erg):
    e, v = erg.tabelle("empfehlungen"), erg.tabelle("verschiebungen")
    gesehen = 0
    for ags in _refs(erg):
        erste = e[e["ags"] == ags].sort_values("rang").head(3)
        versch = set(v.loc[v["ags"] == ags, "massnahme"])
        for satz, m in zip(wichtigste.massnahmen_top(erg, ags), erste["massnahme"], strict=True):
            assert ("passt nicht bis" in satz) == (m in versch), satz
            gesehen += m in versch
    assert gesehen  # die kleine Studie hat verschobene Maßnahmen unter den ersten drei


def test_typ_satz_wie_der_abschnitt_kommunentyp(erg):
    """Der Satz nennt für einen Mischtyp die Lage zwischen den Typen (die Regel), für einen Typ
    die Sicherheit; beides mit denselben Zahlen wie der Abschnitt Kommunentyp."""
    typen = erg.tabelle("typen").set_index("ags")
    namen = kontext.typnamen(erg)
    misch = 0
    for ags in typen.index:
        z = typen.loc[ags]
        satz = wichtigste.typ_satz(erg, ags)
        abschnitt = str(kommune.kommunentyp(erg, ags))
        if z["typ"] == "mischtyp":
            prozent = round(100 * float(z["lage"]))
            assert "Mischtyp" in satz and f"bei {prozent} % des Wegs" in satz
            assert f"bei {prozent} %" in abschnitt
            misch += 1
        else:
            assert satz == f"„{namen[z['typ']]}“ (in {z['treffer']} von {z['wiederholungen']} " \
                           "Wiederholungen)."
    assert misch  # die kleine Studie hat Mischtypen
