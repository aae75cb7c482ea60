"""Auswahl der Handlungsempfehlungen: deterministisch, Voraussetzungen, Begründung, Verband."""

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hilfen import ergebnisse_speichern

from analyse import demo
from analyse.eingabe import ozg_katalog
from analyse.eingabe.massnahmen import Katalog
from analyse.eingabe.studie import Studie
from analyse.ergebnisse import schemas
from analyse.namen import Tabelle as T
from analyse.planung import empfehlungen, ozg, personal, plaene, rahmen, verband

FELDER = ["strategie", "organisation", "technik"]


def _m(id, felder, vor=(), typen=("optimierer",), wirkung=10, umgesetzt_ab=70, mindest=None,
       ebene="kommune", buendelt=()):
    return {"id": id, "titel": f"Titel {id}", "beschreibung": "Beschreibung der Maßnahme.",
            "ebene": ebene, "handlungsfelder": list(felder), "kommunentypen": list(typen),
            "voraussetzungen": {"massnahmen": list(vor), "mindestreifegrad": mindest or {}},
            "dauer_monate": 6, "aufwand_personentage": 10,
            "kosten": {"einmalig": 1000, "jaehrlich": 100}, "wirkung": wirkung,
            "umgesetzt_ab": umgesetzt_ab, "buendelt": list(buendelt), "quelle": "Test"}


@pytest.fixture
def katalog():
    return Katalog.model_validate({"massnahmen": [
        _m("strategie_basis", ["strategie"], umgesetzt_ab=50),
        _m("strategie_ausbau", ["strategie"], vor=["strategie_basis"], wirkung=20),
        _m("prozesse", ["organisation"], typen=("bedaechtige",)),
        _m("e_akte", ["organisation", "technik"], vor=["prozesse"], wirkung=15),
        _m("technik_basis", ["technik"], umgesetzt_ab=40),
        _m("technik_profi", ["technik"], vor=["technik_basis"], mindest={"technik": 90}),
        _m("kreis_only", ["technik"]) | {"nur_arten": ["Kreis"]},
        _m("v_plattform", ["organisation"], ebene="verband", typen=(), buendelt=["e_akte"]),
    ]})


@pytest.fixture
def daten():
    """Zehn Kommunen der GK6; die Referenzkommune 05000001 ist schwach in Organisation."""
    kommunen = pd.DataFrame({
        "ags": [f"0500000{i}" for i in range(10)], "name": [f"K{i}" for i in range(10)],
        "art": "Gemeinde", "einwohner": 15000, "groessenklasse": "GK6",
        "referenzkommune": [i in (1, 2) for i in range(10)], "mitglied": True})
    werte = {a: {"strategie": 40 + 3 * i, "organisation": 30 + 5 * i, "technik": 45 + 2 * i}
             for i, a in enumerate(kommunen["ags"])}
    werte["05000001"] = {"strategie": 30, "organisation": 20, "technik": 45}
    reifegrad = pd.DataFrame([(a, 2026, f, w, "") for a, d in werte.items() for f, w in d.items()],
                             columns=["ags", "welle", "handlungsfeld", "wert", "stufe"])
    typen = pd.DataFrame({"ags": kommunen["ags"], "typ": "optimierer", "cluster": 0,
                          "sicherheit": 0.9, "naechster_typ": "optimierer"})
    struktur = pd.DataFrame({"ags": kommunen["ags"], "welle": 2026, "beschaeftigte": 200.0,
                             "it_personal": 4.0, "digitalbudget": 300000.0})
    return kommunen, reifegrad, typen, struktur


def _studie(jahre=3, **empf):
    return Studie.model_validate({"titel": "t", "verband": "v",
                                  "wellen": [{"id": 2026, "bezeichnung": "2026"}],
                                  "roadmap": {"jahre": jahre},
                                  "empfehlungen": {"minimum": 2, "maximum": 5, **empf}})


NAMEN = empfehlungen.Namen(felder={"strategie": "Strategie & Steuerung",
                                    "organisation": "Organisation & Prozesse",
                                    "technik": "Technik & IT-Sicherheit"},
                            typen={"optimierer": "Optimierer"})


def planung(kommunen, reifegrad, typen, struktur, katalog, studie, ozg_luecken=None,
            typstruktur=True):
    """Die Planungsschritte in der Reihenfolge der Pipeline (ohne OZG-Antworten)."""
    o = ozg.auswerten(kommunen, None, None, ozg_katalog.laden(), studie.aktuelle_welle, 3, 0.75,
                      5)
    a = empfehlungen.auswahl(kommunen, reifegrad, typen, ozg_luecken, katalog, studie, NAMEN,
                             typstruktur)
    r = rahmen.berechnen(kommunen, struktur, studie.aktuelle_welle, studie.roadmap)
    v = verband.planen(kommunen, reifegrad, a["zielwerte"], a["empfehlungen"], r, katalog,
                       studie, NAMEN)
    p = plaene.erstellen(v["empfehlungen"], r, v["verband_umlage"], katalog, studie,
                         NAMEN.felder)
    return {**o, **a, "rahmen": r, **v, **p}


def _ableiten(daten, katalog, studie=None):
    kommunen, reifegrad, typen, struktur = daten
    return planung(kommunen, reifegrad, typen, struktur, katalog, studie or _studie())


def test_deterministisch(daten, katalog):
    a, b = _ableiten(daten, katalog), _ableiten(daten, katalog)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_voraussetzungen_gewaehlt_oder_umgesetzt(daten, katalog):
    e = _ableiten(daten, katalog)["empfehlungen"]
    assert set(e["ags"]) == {"05000001", "05000002"}
    for ags, teil in e.groupby("ags"):
        rang = dict(zip(teil["massnahme"], teil["rang"], strict=True))
        for m, r in rang.items():
            for v in katalog.nach_id[m].voraussetzungen.massnahmen:
                # entweder früher gewählt oder nach Reifegrad schon umgesetzt
                assert (v in rang and rang[v] < r) or v in ("technik_basis",), (ags, m, v)
        assert 2 <= len(teil) <= 5
        assert "kreis_only" not in rang          # passt nicht zur Art
        assert "technik_profi" not in rang       # Mindestreifegrad nicht erreicht


def test_e_akte_bringt_prozesse_mit_und_begruendung_nennt_zahlen(daten, katalog):
    e = _ableiten(daten, katalog)["empfehlungen"].set_index(["ags", "massnahme"])
    zeile = e.loc[("05000001", "e_akte")]
    assert e.loc[("05000001", "prozesse"), "rang"] < zeile["rang"]
    assert e.loc[("05000001", "prozesse"), "anlass"] == "voraussetzung"
    # Ziel = oberes Quartil der GK6 in Organisation; Ist 20
    ziel = pd.Series([20, 35, 40, 45, 50, 55, 60, 65, 70, 75]).quantile(0.75)
    assert zeile["ziel"] == pytest.approx(ziel)
    satz = zeile["begruendung"]
    assert "Organisation & Prozesse liegt mit 20 Punkten" in satz
    assert f"unter dem Zielwert der Größenklasse GK 6 ({ziel:.0f})" in satz


def test_minimum_wird_aufgefuellt_und_maximum_gilt(daten, katalog):
    e = _ableiten(daten, katalog, _studie(minimum=4, maximum=4))["empfehlungen"]
    assert (e.groupby("ags").size() == 4).all()


def test_ziel_quantil_konfigurierbar(daten, katalog):
    z50 = _ableiten(daten, katalog, _studie(ziel_quantil=0.5))["zielwerte"]
    z75 = _ableiten(daten, katalog)["zielwerte"]
    assert (z50["ziel"].to_numpy() < z75["ziel"].to_numpy()).all()


def test_verband_und_summen(daten, katalog):
    t = _ableiten(daten, katalog, _studie(verband_schwelle=0.1))
    v = t["verband_empfehlungen"]
    assert list(v["massnahme"]) == ["v_plattform"]
    assert "von 10 Mitgliedern" in v["begruendung"].iloc[0]
    # Die Referenzkommune bekommt die E-Akte über den Verband, mit ihrem Anteil (1/10 nach
    # gleichen Einwohnerzahlen) statt der vollen Kosten, und frühestens ab Lieferung.
    e = t["empfehlungen"].set_index(["ags", "massnahme"]).loc[("05000001", "e_akte")]
    assert e["ueber_verband"] and e["verband_massnahme"] == "v_plattform"
    assert e["kosten_einmalig"] == pytest.approx(100) and e["kosten_einmalig_eigen"] == 1000
    assert f"Über den Verband: „Titel v_plattform“, ab {e['verband_ab']}." in e["begruendung"]
    plan = t["roadmap"].set_index(["ags", "massnahme"])
    assert plan.loc[("05000001", "e_akte"), "start"] >= e["verband_ab"]
    s = t["empfehlungen_summen"].set_index("handlungsfeld")
    assert s.loc["gesamt", "anzahl_empfehlungen"] == len(t["empfehlungen"])
    j = t["kosten_je_feld_jahr"]
    assert set(j["jahr"]) <= {2027, 2028, 2029}


def test_tabellen_erfuellen_ihr_schema_und_ueberstehen_parquet(daten, katalog, tmp_path):
    tabellen = _ableiten(daten, katalog)
    assert set(tabellen) <= set(schemas.SCHEMAS)
    for name, df in tabellen.items():
        schemas.pruefen(name, df, "im Test")
        df.to_parquet(tmp_path / f"{name}.parquet", index=False)
        zurueck = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(zurueck, df.reset_index(drop=True), check_dtype=False,
                                      check_index_type=False)


def _text(h) -> str:
    """Sichtbarer Text eines Abschnitts (Tags entfernt, Leerraum zusammengefasst)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(h)))


def test_berichtsabschnitte(daten, katalog, tmp_path):
    from analyse.berichte import empfehlungen as d
    from analyse.ergebnisse import speicher as ergebnisse

    (tmp_path / "daten").mkdir()
    (tmp_path / "daten" / "studie.yml").write_text(
        "titel: t\nverband: Zweckverband <Test>\nwellen: [{id: 2026, bezeichnung: '2026'}]\n"
        "empfehlungen: {minimum: 2, maximum: 5, verband_schwelle: 0.1}\n"
        "roadmap: {jahre: 2}\n", encoding="utf-8")
    # Das Codebuch legt die Farben der Handlungsfelder im Zeitplan fest
    shutil.copy(Path(demo.__file__).parent / "vorlagen" / "fragebogen.yml", tmp_path / "daten")
    kommunen = daten[0]
    studie = _studie(jahre=2, verband_schwelle=0.1)
    tabellen = {T.KOMMUNEN: kommunen, T.STRUKTUR: daten[3],
                **_ableiten(daten, katalog, studie)}
    # Personalrichtwerte wie in pipeline.planen (Spitzengruppe je Größenklasse)
    rg = daten[1]
    gesamt = rg.groupby(["ags", "welle"], as_index=False)["wert"].mean().assign(
        handlungsfeld="gesamt", stufe="")
    tabellen[T.PERSONAL_RICHTWERTE] = personal.richtwerte(
        kommunen, pd.concat([rg, gesamt], ignore_index=True), daten[3], 2026, 2)
    ergebnisse_speichern(tmp_path / "erg", tabellen, tmp_path / "daten")
    erg = ergebnisse.laden(tmp_path / "erg")
    e = tabellen[T.EMPFEHLUNGEN]
    eigene = e[e["ags"] == "05000001"]
    assert 'href="05000001.xlsx"' in str(d.excel_download(erg, "05000001"))
    massnahmen = _text(d.massnahmen(erg, "05000001"))
    assert f"Aus dem Maßnahmenkatalog wurden {len(eigene)} Maßnahmen ausgewählt." in massnahmen
    for titel in eigene["titel"]:
        assert titel in massnahmen
    assert "liegt mit 20 Punkten" in massnahmen  # Begründung mit dem eigenen Wert
    roadmap_text = str(d.roadmap(erg, "05000001"))
    assert "<img" in roadmap_text and "über 2 Jahre (2027–2028)" in roadmap_text
    assert "Jahresrahmen für neue Maßnahmen" in roadmap_text
    # ohne OZG-Antworten: ein Hinweis statt einer leeren Tabelle
    assert "keine Angaben zum Online-Reifegrad" in _text(d.ozg_abdeckung(erg, "05000001"))
    gesamt = _text(d.gesamtuebersicht(erg))
    n_verband = int(e["ueber_verband"].sum())
    assert (f"{e['ags'].nunique()} Referenzkommunen erhielten zusammen {len(e)} "
            f"Handlungsempfehlungen") in gesamt
    assert f"{n_verband} Empfehlungen laufen über den Verband" in gesamt
    for titel in e["titel"].unique():
        assert titel in gesamt  # die häufigsten Empfehlungen
    v = _text(d.verband(erg))
    assert "1 Maßnahme für Zweckverband &lt;Test&gt;" in v  # maskiert
    assert "Titel v_plattform" in v and "5 von 10 Mitgliedern (50 %) haben Bedarf" in v
    personal_text = _text(d.personal_finanzen(erg))
    r = tabellen[T.PERSONAL_RICHTWERTE]
    r = r[r["spitze_von"].notna()]
    assert not r.empty
    for name in r["kennzahl_name"].unique():
        assert name in personal_text
    relevanz = _text(d.ozg_relevanz(erg))
    z = tabellen[T.OZG_RELEVANZ].set_index(["art", "groessenklasse"]).loc[("Gemeinde", "GK6")]
    assert (f"Gemeinde GK 6 {z['relevante_leistungen']} {z['davon_gemeindeebene']} "
            f"{z['davon_kreisebene']}") in relevanz


def test_ohne_typenstruktur_kein_typzuschlag(daten, katalog):
    kommunen, reifegrad, typen, struktur = daten
    ohne = empfehlungen.auswahl(kommunen, reifegrad, typen, None, katalog, _studie(), NAMEN,
                                typstruktur=False)["empfehlungen"]
    spalte = empfehlungen.auswahl(kommunen, reifegrad, typen.assign(typstruktur_belastbar=False),
                                  None, katalog, _studie(), NAMEN)["empfehlungen"]
    null = empfehlungen.auswahl(kommunen, reifegrad, typen, None, katalog,
                                _studie(gewicht_typ=0), NAMEN)["empfehlungen"]
    assert list(ohne["massnahme"]) == list(null["massnahme"]) == list(spalte["massnahme"])
    assert not ohne["begruendung"].str.contains("Kommunentyp").any()
    mit = empfehlungen.auswahl(kommunen, reifegrad, typen, None, katalog, _studie(),
                               NAMEN)["empfehlungen"]
    assert mit["begruendung"].str.contains("Kommunentyps Optimierer").any()


def test_kosten_je_feld_und_jahr_eine_regel_fuer_leere_zellen():
    """„–“: nichts geplant; „0 €“: geplant, ohne eigene Kosten (etwa alles über den Verband)."""
    from analyse.berichte import empfehlungen as d
    from analyse.berichte import html

    je_jahr = pd.DataFrame({
        "handlungsfeld": ["daten", "daten", "organisation", "gesamt", "gesamt"],
        "jahr": [2027, 2028, 2027, 2027, 2028],
        # daten 2028 und organisation 2027: nur Personentage (über den Verband), Kosten 0
        "kosten_gesamt": [100.0, 0.0, 0.0, 100.0, 0.0]})
    roadmap = pd.DataFrame({
        "hauptfeld": ["daten", "organisation", "strategie"],
        "startjahr": [2027, 2027, 2027], "endjahr": [2028, 2028, 2027]})
    summen = pd.DataFrame({
        "handlungsfeld": ["daten", "organisation", "strategie", "personal", "gesamt"],
        "handlungsfeld_name": ["Daten", "Organisation", "Strategie", "Personal", "Gesamt"]})
    # laufende Kosten nach dem Ende: 2029 nur Organisation
    je_jahr = pd.concat([je_jahr, pd.DataFrame({"handlungsfeld": ["organisation", "gesamt"],
                                                "jahr": [2029, 2029],
                                                "kosten_gesamt": [50.0, 50.0]})])
    t = d.kosten_je_feld_und_jahr(je_jahr, roadmap, summen).set_index("Handlungsfeld")
    # Personal: im Zeitraum nichts geplant (etwa alles verschoben), keine Zeile
    assert list(t.index) == ["Daten", "Organisation", "Strategie", "Gesamt"]
    assert t.loc["Daten"].tolist()[:2] == [100.0, 0.0] and pd.isna(t.loc["Daten", "Kosten 2029"])
    # läuft 2028 ohne jede Kosten- oder Personentage-Zeile: trotzdem geplant
    assert t.loc["Organisation"].tolist() == [0.0, 0.0, 50.0]
    assert t.loc["Gesamt"].tolist() == [100.0, 0.0, 50.0]
    assert t.loc["Strategie", "Kosten 2027"] == 0.0 and pd.isna(t.loc["Strategie", "Kosten 2028"])
    zellen = html.tabelle(t.reset_index(), formate={c: "euro" for c in t.columns})
    assert "<td>0\xa0€</td>" in str(zellen) and "<td>–</td>" in str(zellen)
    assert "über den Verband" in d.KOSTEN_FUSSNOTE and "Umlage" in d.KOSTEN_FUSSNOTE
