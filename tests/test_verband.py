"""Abschnitte des Abschlussberichts für den Verband, auf einer kleinen ausgewerteten Studie."""

from __future__ import annotations

import pytest

from analyse import pipeline
from analyse.berichte import html, verband
from analyse.ergebnisse import laden
from analyse.zahlen import anzahl


@pytest.fixture(scope="module")
def erg(kleine_studie_vorlage, tmp_path_factory):
    aus = tmp_path_factory.mktemp("verband")
    pipeline.auswerten(pipeline.Pfade(kleine_studie_vorlage, aus))
    return laden(aus / "ergebnisse")


def test_anzahl_mit_numerus():
    assert anzahl(1, "Maßnahme", "Maßnahmen") == "1 Maßnahme"
    assert anzahl(0, "Maßnahme", "Maßnahmen") == "0 Maßnahmen"
    assert anzahl(1200, "Maßnahme", "Maßnahmen") == "1.200 Maßnahmen"


def test_referenzkommunen_verlinkt_mit_typ_stufe_und_zahl(erg):
    t = verband.referenzkommunen_tabelle(erg)
    refs = erg.kommunen.index[erg.kommunen["referenzkommune"]]
    assert set(t["ags"]) == set(refs)
    e = erg.tabelle("empfehlungen").groupby("ags").size()
    assert (t.set_index("ags")["massnahmen"] == e.reindex(t["ags"]).fillna(0)).all()
    inhalt = str(verband.referenzkommunen(erg))
    for ags in refs:
        assert f'href="kommunen/{ags}.html"' in inhalt
    assert '<th scope="row">' in inhalt


def test_mitgliedervergleich_zeigt_kleine_gruppen_nicht(erg):
    t = verband.mitglieder_vergleich_tabelle(erg)
    for g in ("Mitglieder", "Nicht-Mitglieder"):
        klein = t[f"n {g}"] < erg.studie.berichte.peer_mindestgroesse
        assert t.loc[klein, f"Median {g}"].isna().all()
        assert t.loc[~klein, f"Median {g}"].notna().all()


def test_ozg_fehlend_zaehlt_nur_mitglieder(erg):
    t = verband.ozg_fehlend_tabelle(erg)
    n_mitglieder = int(erg.kommunen["mitglied"].sum())
    assert (t["beantwortet"] <= n_mitglieder).all()
    assert (t["nicht_online"] <= t["beantwortet"]).all()
    assert t["anteil_nicht_online"].is_monotonic_decreasing


def test_personal_luecke_ist_abstand_zum_korridor(erg):
    t = verband.personal_mitglieder_tabelle(erg)
    k = erg.kommunen
    assert set(t["ags"]) == set(k.index[k["mitglied"] & ~k["referenzkommune"]])
    mit = t.dropna(subset=["Lücke (VZÄ)"])
    erwartet = (mit["Korridor ab (VZÄ)"] - mit["IT-Personal (VZÄ)"]).clip(lower=0)
    assert (mit["Lücke (VZÄ)"] - erwartet).abs().max() < 1e-9
    assert (t["Lücke (€)"].dropna() >= 0).all()


def test_steckbriefe_vollstaendig(erg):
    inhalt = str(verband.steckbriefe(erg))
    typen = set(erg.tabelle("typen")["typ"])
    for t in erg.typkatalog.typen:
        if t.id in typen:
            assert html.text(t.name) in inhalt
            for s in t.steckbrief.herausforderungen:
                assert html.text(s) in inhalt


def test_kernaussagen_stimmen_mit_zahlen(erg):
    saetze = verband.kernaussagen_liste(erg)
    e = erg.tabelle("empfehlungen")
    assert any(f"zusammen {anzahl(len(e), 'Handlungsempfehlung', 'Handlungsempfehlungen')}" in s
               for s in saetze)
    assert all(isinstance(s, str) and s.endswith(".") for s in saetze)
