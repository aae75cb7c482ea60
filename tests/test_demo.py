import pandas as pd

from analyse import demo
from analyse.eingabe import groessenklassen


def test_deterministisch():
    a = demo.erzeugen(anzahl=120, seed=3)
    b = demo.erzeugen(anzahl=120, seed=3)
    pd.testing.assert_frame_equal(a.kommunen, b.kommunen)
    pd.testing.assert_frame_equal(a.antworten, b.antworten)
    c = demo.erzeugen(anzahl=120, seed=4)
    assert not a.antworten.equals(c.antworten)


def test_realistische_studie():
    s = demo.erzeugen(anzahl=400, seed=20261123)
    k = s.kommunen
    assert len(k) == 400 and k["ags"].is_unique and k["name"].is_unique
    assert k["ags"].str.startswith("99").all()  # Landesschlüssel 99 gibt es nicht
    gk = groessenklassen.groessenklassen(k).value_counts()
    assert gk["GK7"] > gk["GK5"] > gk["GK3"] > 0  # viele kleine, wenige große
    assert (gk[["K1", "K2", "K3"]] > 0).all()
    verband = k[k["verband"] != ""]
    assert 35 <= len(verband) <= 45
    assert k["referenzkommune"].sum() == 8 and verband["referenzkommune"].sum() == 8
    # Panel: aktuelle Welle vollständig, frühere mit Ausfall
    wellen = s.antworten.groupby("welle")["ags"].nunique()
    assert wellen[2026] == 400 and 300 < wellen[2024] < 400
    # geplante Typen: alle vier vorhanden
    assert s.geplante_typen.nunique() == 4


def test_fehlcodes_und_leere_antworten():
    s = demo.erzeugen(anzahl=200, seed=1)
    werte = s.antworten["STR01"]
    assert (werte == 8).any() and (werte == 9).any() and werte.isna().any()
    assert set(werte.dropna().unique()) <= {1, 2, 3, 4, 5, 8, 9}


def test_analyse_findet_geplante_typen_wieder():
    """Auf der Demostudie findet die Typisierung die vier geplanten Typen (ARI ≥ 0,8)
    und erkennt einen Teil der geplanten Mischprofile als Mischtyp."""
    from sklearn.metrics import adjusted_rand_score

    from analyse.eingabe import fragebogen, studie
    from analyse.methoden import kommunentypen

    s = demo.erzeugen(anzahl=400, seed=20261123)
    fb = demo._fragebogen_vorlage()
    katalog = demo.typkatalog.laden(demo.Path(str(demo.VORLAGEN / "kommunentypen.yml")))
    ziele = fragebogen.ziele(s.antworten, fb, 2026)
    einst = studie.KommunentypenEinstellungen()  # Voreinstellung: 100 Bootstrap-Ziehungen
    ty = kommunentypen.typisieren(ziele, katalog, einst, seed=1)
    zu = ty.zuordnung.set_index("ags")
    assert ty.modell.k == 4 and ty.modell.typstruktur_belastbar
    rein = ~s.geplant_gemischt.reindex(zu.index)
    assert adjusted_rand_score(s.geplante_typen.reindex(zu.index)[rein], zu["cluster"][rein]) >= 0.8
    treffer = zu.loc[rein, "typ"] == s.geplante_typen.reindex(zu.index)[rein]
    assert treffer.mean() > 0.9  # Namen über die Prototypen richtig zugeordnet
    misch = zu["typ"] == "mischtyp"
    assert misch[~rein].mean() > 3 * misch[rein].mean()


def test_eingecheckte_demostudie_ist_die_erzeugte(tmp_path):
    """``daten/`` ist genau, was ``analyse demo-daten`` schreibt (Umbauten ändern keine Zahl)."""
    from pathlib import Path

    eingecheckt = Path(__file__).resolve().parents[1] / "daten"
    demo.schreiben(tmp_path / "daten")
    erzeugt = sorted(p.name for p in (tmp_path / "daten").iterdir())
    # README.md ist der Vertrag; ergebnisse/ entsteht bei make bericht (nicht im Git)
    assert erzeugt == sorted(p.name for p in eingecheckt.iterdir()
                             if p.name not in {"README.md", "ergebnisse"})
    for name in erzeugt:
        assert (tmp_path / "daten" / name).read_bytes() == (eingecheckt / name).read_bytes(), name
