"""Die Grenze des Ergebnisordners: Tabellennamen, pandera-Schemas, Modell mit Formatversion."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hilfen import ergebnisse_speichern, modell_beispiel

from analyse.ergebnisse import (
    ModellFehler,
    SchemaFehler,
    Tabelle,
    VersionFehler,
    laden,
    modell,
    schemas,
    speichern,
)


@pytest.fixture
def daten(tmp_path):
    ordner = tmp_path / "daten"
    ordner.mkdir()
    (ordner / "studie.yml").write_text(
        "titel: t\nverband: v\nwellen: [{id: 2026, bezeichnung: '2026'}]\n", encoding="utf-8")
    return ordner


def _kommunen(**spalten) -> pd.DataFrame:
    df = pd.DataFrame({"ags": ["05000001", "05000002"], "name": ["A", "B"],
                       "art": "Gemeinde", "kreis": "", "land": "NRW", "einwohner": [1000, 2000],
                       "verband": "v", "referenzkommune": [True, False],
                       "groessenklasse": "GK7", "mitglied": True})
    return df.assign(**spalten)


def test_jede_tabelle_hat_ein_schema():
    assert set(schemas.SCHEMAS) == set(Tabelle)


def test_schemas_nicht_strikt_zusaetzliche_spalten_erlaubt():
    schemas.pruefen(Tabelle.KOMMUNEN, _kommunen(neu=1.5), "im Test")


def test_fehlende_spalte_und_falscher_typ_auf_einmal_gemeldet():
    df = _kommunen(einwohner=["viele", "wenige"], referenzkommune=["ja", "nein"]).drop(
        columns="name")
    with pytest.raises(SchemaFehler) as e:
        schemas.pruefen(Tabelle.KOMMUNEN, df, "beim Speichern")
    text = str(e.value)
    assert "'kommunen'" in text and "beim Speichern" in text
    assert "'name' fehlt" in text
    assert "'einwohner': ganze Zahl erwartet" in text
    assert "'referenzkommune': ja/nein (bool) erwartet" in text


def test_schluessel_ohne_luecken_und_eindeutig():
    with pytest.raises(SchemaFehler, match="ags"):
        schemas.pruefen(Tabelle.KOMMUNEN, _kommunen(ags=["05000001", "05000001"]), "")
    with pytest.raises(SchemaFehler, match="ags"):
        schemas.pruefen(Tabelle.KOMMUNEN, _kommunen(ags=["05000001", None]), "")


def test_werte_duerfen_fehlen_und_leere_tabellen_passen():
    rg = pd.DataFrame({"ags": ["1", "1"], "welle": [2026, 2026],
                       "handlungsfeld": ["a", "gesamt"], "wert": [50.0, None],
                       "stufe": ["x", None]})
    schemas.pruefen(Tabelle.REIFEGRAD, rg, "")
    leer = pd.DataFrame(columns=list(schemas.SCHEMAS[Tabelle.VERSCHIEBUNGEN].columns))
    schemas.pruefen(Tabelle.VERSCHIEBUNGEN, leer, "")


def test_speichern_lehnt_unbekannte_tabelle_und_falsches_schema_ab(tmp_path, daten):
    with pytest.raises(SchemaFehler, match="Unbekannte Ergebnistabelle 'kommunnen'"):
        speichern(tmp_path / "erg", {"kommunnen": _kommunen()}, modell_beispiel(), daten)
    with pytest.raises(SchemaFehler):
        speichern(tmp_path / "erg", {Tabelle.KOMMUNEN: _kommunen().drop(columns="ags")},
                  modell_beispiel(), daten)
    assert not (tmp_path / "erg").exists()  # nichts halb geschrieben


def test_speichern_lehnt_unvollstaendiges_modell_ab(tmp_path, daten):
    kaputt = modell_beispiel()
    del kaputt["kommunentypen"]["verfahren"]
    with pytest.raises(ModellFehler, match="kommunentypen.verfahren"):
        speichern(tmp_path / "erg", {Tabelle.KOMMUNEN: _kommunen()}, kaputt, daten)
    assert not (tmp_path / "erg").exists()


def test_laden_prueft_schema_und_liefert_typisiertes_modell(tmp_path, daten):
    ergebnisse_speichern(tmp_path / "erg", {Tabelle.KOMMUNEN: _kommunen()}, daten)
    erg = laden(tmp_path / "erg")
    assert isinstance(erg.modell, modell.Modell)
    assert erg.modell.format == modell.FORMAT
    assert erg.modell.kommunentypen.verfahren.k_bereich == [2, 4]
    assert list(erg.kommunen.index) == ["05000001", "05000002"]
    # eine fremd veränderte Tabelle fällt beim Laden auf, nicht erst im Bericht
    pfad = tmp_path / "erg" / "tabellen" / "kommunen.parquet"
    _kommunen(einwohner=["viele", "wenige"]).to_parquet(pfad, index=False)
    erg._cache.clear()
    with pytest.raises(SchemaFehler, match="beim Laden"):
        erg.tabelle(Tabelle.KOMMUNEN)


def test_fehlende_tabelle_none_oder_leer_vorhandene_geprueft(tmp_path, daten):
    """Berichtsabschnitte lesen optionale Tabellen über eine Stelle (``tabelle_falls_vorhanden``)."""
    ergebnisse_speichern(tmp_path / "erg", {Tabelle.KOMMUNEN: _kommunen()}, daten)
    erg = laden(tmp_path / "erg")
    assert erg.tabelle_falls_vorhanden(Tabelle.VERBAND_UMLAGE) is None
    leer = erg.tabelle_oder_leer(Tabelle.VERBAND_UMLAGE)
    assert isinstance(leer, pd.DataFrame) and leer.empty
    with pytest.raises(KeyError, match="verband_umlage"):
        erg.tabelle(Tabelle.VERBAND_UMLAGE)
    assert list(erg.tabelle_falls_vorhanden(Tabelle.KOMMUNEN)["ags"]) == ["05000001", "05000002"]
    # vorhanden, aber kaputt: kein stilles None, sondern der Schemafehler
    pfad = tmp_path / "erg" / "tabellen" / "kommunen.parquet"
    _kommunen(einwohner=["viele", "wenige"]).to_parquet(pfad, index=False)
    erg._cache.clear()
    with pytest.raises(SchemaFehler):
        erg.tabelle_oder_leer(Tabelle.KOMMUNEN)


@pytest.mark.parametrize("alt", [None, 1])
def test_ergebnisse_einer_aelteren_version_klar_abgelehnt(tmp_path, daten, alt):
    ergebnisse_speichern(tmp_path / "erg", {Tabelle.KOMMUNEN: _kommunen()}, daten)
    pfad = tmp_path / "erg" / "modell.json"
    roh = json.loads(pfad.read_text(encoding="utf-8"))
    roh.pop("format")
    if alt is not None:
        roh["format"] = alt
    roh["version"] = "0.1.0"
    pfad.write_text(json.dumps(roh), encoding="utf-8")
    with pytest.raises(VersionFehler) as e:
        laden(tmp_path / "erg")
    text = str(e.value)
    assert "älteren Version" in text and "analyse 0.1.0" in text
    assert "Ergebnisformat 1" in text and f"Ergebnisformat {modell.FORMAT}" in text
    assert "analyse auswerten" in text


def test_ergebnisse_einer_neueren_version_klar_abgelehnt():
    text = json.dumps(modell_beispiel() | {"format": modell.FORMAT + 1})
    with pytest.raises(VersionFehler, match="neueren Version"):
        modell.pruefen(text, "modell.json")


def test_cli_meldet_alte_ergebnisse_mit_exit_code_2(tmp_path, daten):
    from hilfen import analyse_lauf

    ergebnisse_speichern(tmp_path / "aus" / "ergebnisse", {Tabelle.KOMMUNEN: _kommunen()}, daten)
    pfad = tmp_path / "aus" / "ergebnisse" / "modell.json"
    roh = json.loads(pfad.read_text(encoding="utf-8"))
    del roh["format"]
    pfad.write_text(json.dumps(roh), encoding="utf-8")
    lauf = analyse_lauf("berichte", "--daten", str(daten), "--ausgabe", str(tmp_path / "aus"),
                        cwd=tmp_path)
    assert lauf.returncode == 2
    assert "älteren Version" in lauf.stderr and "Traceback" not in lauf.stderr
