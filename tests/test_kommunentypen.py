"""Kommunentypen: eingepflanzte Typen werden gefunden, Daten ohne Struktur werden benannt."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from analyse.demo import simulation as sim
from analyse.eingabe.studie import KommunentypenEinstellungen
from analyse.methoden import kommunentypen as kt

# Weniger Ziehungen halten die Tests schnell; die Voreinstellung (100) prüft der Benchmark.
# Wie in der Voreinstellung 100 Bootstrap-Ziehungen (Issue 3: "at least 100"); nur k bis 6.
SCHNELL = KommunentypenEinstellungen(bootstrap=100, k_bereich=(2, 6))


@pytest.fixture(scope="module")
def prototypen():
    return sim.beispiel_prototypen()


@pytest.fixture(scope="module")
def katalog(prototypen):
    return sim.katalog_aus(prototypen)


@pytest.fixture(scope="module")
def geplant(prototypen, katalog):
    ziele, wahr = sim.ziele_mit_typen(800, prototypen, rauschen=0.9, seed=11)
    return ziele, wahr, kt.typisieren(ziele, katalog, SCHNELL, seed=3)


def test_eingepflanzte_typen_werden_gefunden(geplant):
    ziele, wahr, erg = geplant
    zu = erg.zuordnung.set_index("ags")
    assert adjusted_rand_score(wahr.loc[zu.index], zu["cluster"]) >= 0.8
    assert erg.modell["k"] == 4
    assert erg.modell["struktur_vorhanden"] is True
    assert "belastbare Typenstruktur" in erg.modell["struktur_satz"]


def test_benennung_durch_zuordnung(geplant):
    _, wahr, erg = geplant
    zu = erg.zuordnung.set_index("ags")
    sicher = zu[zu["typ"] != "mischtyp"]
    # benannte Typen stimmen mit den eingepflanzten überein
    assert (sicher["typ"] == wahr.loc[sicher.index]).mean() > 0.9
    benennung = pd.DataFrame(erg.modell["benennung"])
    assert sorted(benennung["typ"]) == sorted(sim.beispiel_prototypen().index)
    assert (benennung["art"] == "eindeutig").all()


def test_benennen_ist_optimale_eins_zu_eins_zuordnung(prototypen):
    # Zentren = Prototypen in vertauschter Reihenfolge, leicht verschoben
    zentren = prototypen.iloc[[2, 0, 3, 1]].reset_index(drop=True) + 0.1
    b = kt.benennen(zentren, prototypen)
    assert list(b["typ"]) == list(prototypen.index[[2, 0, 3, 1]])
    # k > Zahl der Prototypen: überzähliger Cluster wird Variante seines nächsten Prototyps
    mehr = pd.concat([zentren, prototypen.iloc[[0]].reset_index(drop=True) - 0.3],
                     ignore_index=True)
    b = kt.benennen(mehr, prototypen)
    assert (b["art"] == "eindeutig").sum() == 4
    assert b.iloc[4]["art"] == "variante" and b.iloc[4]["typ"] == prototypen.index[0]


def test_daten_ohne_struktur_werden_markiert(prototypen, katalog):
    ziele = sim.ziele_ohne_struktur(400, list(prototypen.columns), seed=5)
    erg = kt.typisieren(ziele, katalog, SCHNELL, seed=3)
    assert erg.modell["struktur_vorhanden"] is False
    assert "keine belastbare Typenstruktur" in erg.modell["struktur_satz"]


def test_deterministisch_und_json(prototypen, katalog):
    ziele, _ = sim.ziele_mit_typen(300, prototypen, rauschen=0.9, seed=2)
    einst = KommunentypenEinstellungen(bootstrap=10, k_bereich=(3, 5))
    a = kt.typisieren(ziele, katalog, einst, seed=9)
    b = kt.typisieren(ziele, katalog, einst, seed=9)
    pd.testing.assert_frame_equal(a.zuordnung, b.zuordnung)
    for name in a.tabellen:
        pd.testing.assert_frame_equal(a.tabellen[name], b.tabellen[name])
    assert json.dumps(a.modell, sort_keys=True) == json.dumps(b.modell, sort_keys=True)


def test_feste_methode_und_k(prototypen, katalog):
    ziele, _ = sim.ziele_mit_typen(300, prototypen, rauschen=0.9, seed=2)
    einst = KommunentypenEinstellungen(methode="ward", k=5, bootstrap=10)
    erg = kt.typisieren(ziele, katalog, einst, seed=1)
    assert (erg.modell["methode"], erg.modell["k"]) == ("ward", 5)
    assert "Fest vorgegeben" in erg.modell["erklaerung"]
    stab = erg.tabellen["typen_stabilitaet"]
    assert len(stab) == 5 and (stab["art"] == "variante").sum() == 1


def test_zuordnung_spalten_und_mischtyp(geplant):
    _, _, erg = geplant
    zu = erg.zuordnung
    assert list(zu.columns) == ["ags", "typ", "cluster", "sicherheit", "naechster_typ",
                                "zweiter_typ"]
    assert zu["sicherheit"].between(0, 1).all()
    schwelle = erg.modell["mischtyp_schwelle"]
    assert ((zu["sicherheit"] < schwelle) == (zu["typ"] == "mischtyp")).all()
    proj = erg.tabellen["typen_projektion"]
    assert "ags" not in proj.columns and len(proj) == len(zu)


def test_fehlende_prioritaeten(prototypen, katalog):
    ziele, _ = sim.ziele_mit_typen(300, prototypen, rauschen=0.9, seed=4)
    ziele.iloc[0, :10] = np.nan  # weniger als die Hälfte beantwortet → nicht typisiert
    erg = kt.typisieren(ziele, katalog, KommunentypenEinstellungen(bootstrap=10, k=4), seed=1)
    assert ziele.index[0] in erg.modell["nicht_typisiert"]
    assert ziele.index[0] not in set(erg.zuordnung["ags"])
    roh, _, _, _ = kt.vorbereiten(ziele.iloc[1:3].assign(recht=[np.nan, 3.0]))
    erwartet = ziele.iloc[1].drop("recht").mean()
    assert roh.iloc[0]["recht"] == pytest.approx(erwartet)
