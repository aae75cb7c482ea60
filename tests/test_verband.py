"""Abschnitte des Abschlussberichts für den Verband, auf einer kleinen ausgewerteten Studie."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyse import demo, pipeline
from analyse.berichte import html, kontext, verband
from analyse.demo import simulation as sim
from analyse.eingabe import fragebogen, typkatalog
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
    assert (mit["Lücke (VZÄ)"] - erwartet).abs().max() <= 0.05 + 1e-9
    # der Satz zählt, was die Tabelle zeigt: eine Lücke von „0,0“ ist keine
    satz = str(verband.personal_mitglieder(erg))
    n = int((t["Lücke (VZÄ)"].fillna(0) > 0).sum())
    assert f"{anzahl(n, 'Mitglied liegt', 'Mitglieder liegen')} beim IT-Personal" in satz
    assert set(t["Lücke (VZÄ)"].dropna().map(lambda x: round(x, 1) == x)) == {True}
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


# ------------------------------------------------------------------ Steckbrief eines neuen Typs


@pytest.fixture(scope="module")
def erg_neuer_typ(tmp_path_factory):
    """Eine Studie, in der ein Viertel der Kommunen ein Zielprofil hat, das zu keinem Prototyp
    passt (wie in ``test_kommunentypen``: ``simulation.fremdes_profil``): ein neuer Typ."""
    basis = tmp_path_factory.mktemp("neuer_typ")
    daten = basis / "studie"
    demo.schreiben(daten, anzahl=120, seed=7)
    fb = fragebogen.laden(daten / "fragebogen.yml")
    fremd = sim.fremdes_profil(typkatalog.laden(daten / "kommunentypen.yml").prototypen())
    a = pd.read_csv(daten / "antworten.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(1)
    wahl = a["ags"].isin(rng.choice(sorted(a["ags"].unique()), 30, replace=False))
    for ziel, item in fb.ziel_items().items():
        a.loc[wahl, item] = [str(int(x)) for x in np.clip(
            np.rint(fremd[ziel] + rng.normal(0, 0.6, wahl.sum())), 1, 5)]
    a.to_csv(daten / "antworten.csv", index=False)
    pipeline.auswerten(pipeline.Pfade(daten, basis / "aus"))
    return laden(basis / "aus" / "ergebnisse")


def test_neuer_typ_hat_vollen_steckbrief_aus_den_daten(erg_neuer_typ):
    erg = erg_neuer_typ
    neu = [s for s in verband.steckbrief_daten(erg) if s.herkunft == "daten"]
    assert len(neu) == 1 and neu[0].typ.startswith("neu_") and neu[0].n >= 20
    sb = neu[0]
    # Stärken über, Herausforderungen unter dem Median aller Kommunen (nachgerechnet)
    r = erg.tabelle("reifegrad")
    r = r[r["welle"] == erg.studie.aktuelle_welle].pivot(index="ags", columns="handlungsfeld",
                                                          values="wert")
    r.columns = [kontext.feldnamen(erg)[f] for f in r.columns]
    mitglieder = erg.tabelle("typen").set_index("ags")["typ"] == sb.typ
    typ_median = r.loc[mitglieder[mitglieder].index.intersection(r.index)].median().round()
    alle = r.median().round()
    assert sb.staerken and sb.herausforderungen
    for satz in sb.staerken:
        feld = satz.split(":")[0]
        assert typ_median[feld] > alle[feld], satz
        assert f"{int(typ_median[feld] - alle[feld])} Punkt" in satz
    for satz in sb.herausforderungen:
        feld = satz.split(":")[0]
        assert typ_median[feld] < alle[feld], satz
    # lernt von: ein anderer Typ, der im schwächsten Feld höher liegt
    assert sb.lernt_von
    namen = kontext.typnamen(erg)
    for eintrag in sb.lernt_von:
        assert any(eintrag.startswith(namen[t]) for t in set(erg.tabelle("typen")["typ"])
                   if t != sb.typ)
    inhalt = str(verband.steckbriefe(erg))
    assert f"Steckbrief: {html.text(sb.name)} (aus den Daten gebildet)" in inhalt
    assert "nicht aus der Studie übernommen" in inhalt
    assert f"Reifegrad je Handlungsfeld: {html.text(sb.name)}" in inhalt
    for teil in (">Stärken</h4>", ">Herausforderungen</h4>", "Lernt im D-Team besonders von",
                 "<p>Größenklassen (zusammengelegt", "<caption>Reifegrad je Handlungsfeld"):
        assert inhalt.count(teil) == len(verband.steckbrief_daten(erg)), teil
    # die Prototypen behalten ihre Texte aus dem Katalog
    for t in erg.typkatalog.typen:
        if t.id in set(erg.tabelle("typen")["typ"]):
            assert html.text(t.steckbrief.kurz) in inhalt


# ------------------------------------------------------------------ Summen und Finanzierung


def test_zusammen_nach_feld_ohne_doppelzaehlung(erg):
    e, v = erg.tabelle("empfehlungen"), erg.tabelle("verband_empfehlungen")
    t = verband.zusammen_nach_feld_tabelle(erg).set_index("Handlungsfeld")
    s = t.loc["Summe"]
    eigene = e[~e["ueber_verband"]]
    assert s["Kommunal: Anzahl"] == len(e) and s["Verband: Anzahl"] == len(v)
    assert s["Zusammen: Anzahl"] == len(e) + len(v)
    assert s["davon über den Verband"] == int(e["ueber_verband"].sum())
    assert s["Kommunal: einmalig"] == pytest.approx(eigene["kosten_einmalig"].sum())
    assert s["Verband: jährlich"] == pytest.approx(v["kosten_jaehrlich"].sum())
    assert s["Zusammen: einmalig"] == pytest.approx(eigene["kosten_einmalig"].sum()
                                                    + v["kosten_einmalig"].sum())
    felder = t.drop(index="Summe")
    for spalte in t.columns:
        assert felder[spalte].sum() == pytest.approx(s[spalte]), spalte
    je_feld = e.groupby("hauptfeld_name").size()
    for name, n in je_feld.items():
        assert t.loc[name, "Kommunal: Anzahl"] == n


def test_zusammen_nach_jahr_wie_die_plaene(erg):
    t = verband.zusammen_nach_jahr_tabelle(erg).set_index("Jahr")
    rj, vj = erg.tabelle("roadmap_jahre"), erg.tabelle("verband_jahre")
    for jahr, teil in rj.groupby("jahr"):
        assert t.loc[str(jahr), "Kommunal: Kosten"] == pytest.approx(teil["kosten_eigene"].sum())
        assert t.loc[str(jahr), "Kommunal: Personentage"] == pytest.approx(
            teil["personentage"].sum())
    for z in vj.itertuples():
        assert t.loc[str(z.jahr), "Verband: Kosten"] == pytest.approx(z.kosten_gesamt)
    s = t.loc["Summe im Zeitraum"]
    assert s["Zusammen: Kosten"] == pytest.approx(rj["kosten_eigene"].sum()
                                                  + vj["kosten_gesamt"].sum())
    # jede Empfehlung beginnt in genau einem Jahr oder ist verschoben
    versch = t.loc["verschoben (nach dem Zeitraum)"]
    assert s["Kommunal: begonnen"] + versch["Kommunal: begonnen"] == len(
        erg.tabelle("empfehlungen"))
    assert s["Verband: begonnen"] + versch["Verband: begonnen"] == len(
        erg.tabelle("verband_empfehlungen"))


def test_finanzierung_ist_die_umlage(erg):
    t = verband.finanzierung_tabelle(erg).set_index("Jahr")
    u, vj = erg.tabelle("verband_umlage"), erg.tabelle("verband_jahre")
    ref = set(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    for z in vj.itertuples():
        zeile = t.loc[str(z.jahr)]
        assert zeile["Kosten gesamt"] == pytest.approx(z.kosten_gesamt)
        teil = u[u["jahr"] == z.jahr]
        assert zeile["Umlage aller Mitglieder"] == pytest.approx(teil["umlage"].sum())
        assert zeile["Umlage aller Mitglieder"] == pytest.approx(z.kosten_gesamt)
        assert zeile["davon Referenzkommunen"] == pytest.approx(
            teil.loc[teil["ags"].isin(ref), "umlage"].sum())
    inhalt = str(verband.finanzierung(erg))
    assert html.euro(vj["kosten_gesamt"].sum()) in inhalt
    anteil = u.drop_duplicates("ags").set_index("ags")["anteil"]
    assert html.zahl(anteil[anteil.index.isin(ref)].sum() * 100, 1) + " %" in inhalt


def test_empfehlungen_zusammen_nennt_die_summe(erg):
    e, v = erg.tabelle("empfehlungen"), erg.tabelle("verband_empfehlungen")
    inhalt = str(verband.empfehlungen_zusammen(erg))
    assert f"Zusammen {anzahl(len(e) + len(v), 'Empfehlung', 'Empfehlungen')}" in inhalt


def test_kernaussagen_nennen_summe_finanzierung_und_personal(erg):
    saetze = " ".join(verband.kernaussagen_liste(erg))
    e, v = erg.tabelle("empfehlungen"), erg.tabelle("verband_empfehlungen")
    eigene = e[~e["ueber_verband"]]
    assert f"zusammen {len(e) + len(v)} mit einmaligen Kosten von " \
           f"{html.euro(eigene['kosten_einmalig'].sum() + v['kosten_einmalig'].sum())}" in saetze
    vj = erg.tabelle("verband_jahre")
    assert f"Kosten von {html.euro(vj['kosten_gesamt'].sum())} im Rahmen von " \
           f"{html.euro(vj['rahmen'].sum())}" in saetze
    p = verband.personal_mitglieder_tabelle(erg)
    assert f"liegen {int((p['Lücke (VZÄ)'].fillna(0) > 0).sum())} beim IT-Personal" in saetze
    assert f"{html.euro(p['Lücke (€)'].fillna(0).sum())} je Jahr" in saetze


def test_groessenklassenmix_ohne_zurueckrechenbare_zellen(erg):
    """Jede Zahl im Mix ist 0 oder mindestens die Mindestgröße und die Zeile summiert sich zur
    gezeigten Typgröße: keine „< n“-Zelle, die sich aus der Typsumme zurückrechnen ließe."""
    mix = verband.steckbrief_groessenklassen(erg)
    mindest = erg.studie.berichte.peer_mindestgroesse
    n = erg.tabelle("typen")["typ"].value_counts()
    assert not mix.empty
    assert ((mix == 0) | (mix >= mindest)).to_numpy().all()
    for typ, zeile in mix.iterrows():
        assert zeile.sum() == n[typ]
    # die Teststudie hat Größenklassen mit weniger Kommunen eines Typs, als gezeigt werden dürfen
    gk = erg.kommunen["groessenklasse"].astype(str).reindex(erg.tabelle("typen")["ags"])
    roh = pd.crosstab(erg.tabelle("typen")["typ"].to_numpy(), gk.to_numpy())
    assert ((roh > 0) & (roh < mindest)).to_numpy().any()
    inhalt = str(verband.steckbriefe(erg))
    assert "&lt; " not in inhalt and "< " not in inhalt
