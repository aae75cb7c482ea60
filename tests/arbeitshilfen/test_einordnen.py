"""Einordnen mit dem gespeicherten Modell: genau wie die Studie, ohne die Studie zu ändern."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from arbeitshilfen_hilfen import ausgefuellt, auskunft_der_studie

from analyse import pipeline
from analyse.arbeitshilfen import einordnen as eo
from analyse.arbeitshilfen.einlesen import Selbstauskunft
from analyse.eingabe.fehler import Eingabefehler
from analyse.ergebnisse import ModellFehler, VersionFehler, speicher


def _einordnen(erg, ags: str) -> eo.Einordnung:
    kommune, antworten = auskunft_der_studie(erg, ags)
    return eo.einordnen(Selbstauskunft("test", kommune, antworten), erg)


def _vergleichen(erg, ags_liste) -> list[str]:
    """AGS, deren Reifegrad (alle Felder, Stufen) oder Typ von der Studie abweicht."""
    welle = erg.studie.aktuelle_welle
    rg = erg.tabelle("reifegrad")
    rg = rg[rg["welle"] == welle]
    typen = erg.tabelle("typen").set_index("ags")
    abweichend = []
    for ags in ags_liste:
        e = _einordnen(erg, ags)
        soll = rg[rg["ags"] == ags].set_index("handlungsfeld")
        ist = e.tabellen["reifegrad"].set_index("handlungsfeld")
        gleich_wert = np.array_equal(soll["wert"].reindex(ist.index).to_numpy(float),
                                     ist["wert"].to_numpy(float), equal_nan=True)
        gleich_stufe = list(soll["stufe"].reindex(ist.index)) == list(ist["stufe"])
        soll_typ = typen.loc[ags, "typ"] if ags in typen.index else None
        gleich_typ = e.typ == soll_typ
        if soll_typ is not None:
            gleich_typ &= bool(np.isclose(e.tabellen["typen"]["sicherheit"].iat[0],
                                          typen.loc[ags, "sicherheit"], rtol=0, atol=1e-12))
        if not (gleich_wert and gleich_stufe and gleich_typ):
            abweichend.append(ags)
    return abweichend


def _stichprobe(erg) -> list[str]:
    """Kommunen aller Sonderfälle: Mischtyp, nicht typisiert, ohne Gesamtwert, Kreis."""
    welle = erg.studie.aktuelle_welle
    a = erg.tabelle("antworten")
    aktuell = set(a.loc[a["welle"] == welle, "ags"])
    typen = erg.tabelle("typen").set_index("ags")["typ"]
    aus = erg.tabelle("reifegrad_ausschluesse")
    auswahl = set(sorted(aktuell)[:6])
    auswahl |= set(sorted(set(typen.index[typen == "mischtyp"]) & aktuell)[:2])
    auswahl |= set(sorted(aktuell - set(typen.index))[:2])
    auswahl |= set(sorted(set(aus.loc[(aus["welle"] == welle), "ags"]) & aktuell)[:2])
    auswahl |= set(sorted(set(erg.kommunen.index[erg.kommunen["art"] == "Kreis"]) & aktuell)[:1])
    return sorted(auswahl)


def test_genau_wie_die_studie_stichprobe(erg):
    ags = _stichprobe(erg)
    assert len(ags) >= 10
    assert _vergleichen(erg, ags) == []


@pytest.mark.langsam
def test_genau_wie_die_studie_alle_demokommunen(tmp_path_factory):
    """Die Demostudie (400 Kommunen): jede Kommune erhält beim Einordnen denselben Reifegrad
    (alle Felder und Stufen) und denselben Typ mit derselben Sicherheit wie im Studienlauf."""
    from analyse import demo

    daten = tmp_path_factory.mktemp("demo") / "daten"
    demo.schreiben(daten)
    pfade = pipeline.Pfade(daten)
    pipeline.auswerten(pfade)
    erg = speicher.laden(pfade.ergebnisse)
    a = erg.tabelle("antworten")
    alle = sorted(a.loc[a["welle"] == erg.studie.aktuelle_welle, "ags"])
    assert len(alle) > 350
    assert _vergleichen(erg, alle) == []


def test_referenzkommune_erhaelt_dieselben_empfehlungen(erg):
    """Dieselben Regeln wie für Referenzkommunen: gleiche Maßnahmen, Ränge und Roadmap."""
    refs = sorted(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    for ags in refs[:3]:
        e = _einordnen(erg, ags)
        for name, schluessel in (("empfehlungen", ["rang"]), ("roadmap", ["massnahme"])):
            soll = erg.tabelle(name)
            soll = soll[soll["ags"] == ags].sort_values(schluessel).reset_index(drop=True)
            ist = e.tabellen[name].sort_values(schluessel).reset_index(drop=True)
            pd.testing.assert_frame_equal(ist, soll, check_dtype=False)


def _mit_gesamtwert(erg) -> str:
    rg = erg.tabelle("reifegrad")
    rg = rg[(rg["welle"] == erg.studie.aktuelle_welle) & (rg["handlungsfeld"] == "gesamt")]
    return str(sorted(rg.loc[rg["wert"].notna(), "ags"])[3])


def test_neue_kommune(erg):
    ags = _mit_gesamtwert(erg)
    kommune, antworten = auskunft_der_studie(erg, ags)
    kommune.update(ags="09999001" if len(ags) == 8 else "09999", name="Neuhausen")
    e = eo.einordnen(Selbstauskunft("neu.xlsx", kommune, antworten), erg)
    assert e.ags not in erg.kommunen.index
    assert e.tabellen["kommunen"]["groessenklasse"].iat[0] == erg.kommunen.loc[ags,
                                                                               "groessenklasse"]
    assert np.isfinite(e.reifegrad["gesamt"])
    n = len(e.tabellen["empfehlungen"])
    assert erg.studie.empfehlungen.minimum <= n <= erg.studie.empfehlungen.maximum
    # die Platzierung zählt die Kommune zu den Kommunen der aktuellen Welle hinzu
    u = erg.tabelle("unsicherheit")
    n_welle = int(u.loc[u["welle"] == erg.studie.aktuelle_welle, "anzahl"].iat[0])
    assert int(e.tabellen["unsicherheit"]["anzahl"].iat[0]) == n_welle + 1
    # Vergleichsgruppen nach derselben Mindestgröße wie im Bericht
    v = e.vergleich
    mindest = erg.studie.berichte.peer_mindestgroesse
    assert (v["Größenklasse"].isna() == (v["Größenklasse_n"] < mindest)).all()


def test_ergebnisordner_enthaelt_studie_und_kommune(erg):
    ags = str(erg.kommunen.index[9])
    kommune, antworten = auskunft_der_studie(erg, ags)
    kommune.update(ags="09999001" if len(ags) == 8 else "09999", name="Neuhausen")
    e = eo.einordnen(Selbstauskunft("neu.xlsx", kommune, antworten), erg)
    tabellen, modell = eo.ergebnisordner(erg, e)
    assert set(tabellen) == set(erg.tabellen)
    assert len(tabellen["kommunen"]) == len(erg.kommunen) + 1
    for name in ("typen_validitaet", "zielwerte", "verband_empfehlungen"):
        assert tabellen[name].equals(erg.tabelle(name))
    assert modell["einordnung"]["ags"] == e.ags
    assert modell["kommunentypen"] == erg.modell.kommunentypen.model_dump(mode="json")


def _stand(ordner: Path) -> dict[str, str]:
    return {str(p.relative_to(ordner)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(ordner.rglob("*")) if p.is_file()}


def test_studie_bleibt_byte_gleich(studie, erg, tmp_path):
    vorher = _stand(studie.ergebnisse)
    ags = [str(a) for a in erg.kommunen.index[:2]]
    ordner = tmp_path / "antworten"
    for a in ags:
        ausgefuellt(erg, ordner / f"{a}.xlsx", *auskunft_der_studie(erg, a))
    lauf = pipeline.einordnen(studie, ordner, tmp_path / "aus", berichte=False)
    assert lauf.ok and [e.ags for e in lauf.eingeordnet] == ags
    assert _stand(studie.ergebnisse) == vorher
    for a in ags:
        assert (tmp_path / "aus" / "kommunen" / f"{a}.xlsx").exists()
        assert (tmp_path / "aus" / "ergebnisse" / a / "modell.json").exists()


def test_ordner_fehler_isoliert(studie, erg, tmp_path):
    ordner = tmp_path / "antworten"
    gut = str(erg.kommunen.index[0])
    ausgefuellt(erg, ordner / "gut.xlsx", *auskunft_der_studie(erg, gut))
    ausgefuellt(erg, ordner / "doppelt.xlsx", *auskunft_der_studie(erg, gut))
    (ordner / "kaputt.xlsx").write_text("kein Excel", encoding="utf-8")
    (ordner / "~$gut.xlsx").write_text("Sperrdatei von Excel", encoding="utf-8")
    lauf = pipeline.einordnen(studie, ordner, tmp_path / "aus", berichte=False)
    assert [e.ags for e in lauf.eingeordnet] == [gut]
    assert set(lauf.fehler) == {"gut.xlsx", "kaputt.xlsx"} or set(lauf.fehler) == {
        "doppelt.xlsx", "kaputt.xlsx"}
    assert not lauf.ok
    index = (tmp_path / "aus" / "index.html").read_text(encoding="utf-8")
    assert "kaputt.xlsx" in index


def test_einzelne_fehlerhafte_datei_schreibt_nichts(studie, erg, tmp_path):
    kommune = {"ags": "123", "name": "N", "art": "Gemeinde", "einwohner": 1}
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", kommune, {"STR01": 3.0})
    with pytest.raises(Eingabefehler):
        pipeline.einordnen(studie, pfad, tmp_path / "aus", berichte=False)
    assert not (tmp_path / "aus").exists()


def test_ausgabe_nicht_in_den_ergebnissen(studie, erg, tmp_path):
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", *auskunft_der_studie(erg, erg.kommunen.index[0]))
    with pytest.raises(Eingabefehler, match="außerhalb der Ergebnisse"):
        pipeline.einordnen(studie, pfad, studie.ergebnisse / "einordnung", berichte=False)


def test_fehlende_ergebnisse(kleine_studie, tmp_path):
    with pytest.raises(FileNotFoundError, match="analyse auswerten"):
        pipeline.einordnen(pipeline.Pfade(kleine_studie), tmp_path / "a.xlsx", tmp_path / "aus")


@pytest.mark.parametrize("aenderung", ["format", "zentren"])
def test_ergebnisse_eines_aelteren_formats(studie, erg, tmp_path, aenderung):
    alt = tmp_path / "alt" / "ergebnisse"
    shutil.copytree(studie.ergebnisse, alt)
    modell = json.loads((alt / "modell.json").read_text(encoding="utf-8"))
    if aenderung == "format":  # Ergebnisse vor dem Formatfeld
        del modell["format"]
    else:  # gleiches Format, aber ein Eintrag fehlt, den die Einordnung liest
        del modell["kommunentypen"]["zentren"]
    modell["version"] = "0.0.1"
    (alt / "modell.json").write_text(json.dumps(modell), encoding="utf-8")
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", *auskunft_der_studie(erg, erg.kommunen.index[0]))
    erwartet = {"format": (VersionFehler, "älteren Version"),
                "zentren": (ModellFehler, "kommunentypen.zentren")}[aenderung]
    with pytest.raises(erwartet[0], match=erwartet[1]):
        pipeline.einordnen(pipeline.Pfade(studie.daten, alt.parent), pfad, tmp_path / "aus")
    assert not (tmp_path / "aus").exists()


def test_studie_ohne_typen(kleine_studie, tmp_path):
    """Eine Studie, die ohne Kommunentypen ausgewertet wurde: Einordnen ohne Typ, ohne Fehler."""
    import yaml

    pfad = kleine_studie / "studie.yml"
    studie = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    studie["kommunentypen"] = {"typisieren": False}
    pfad.write_text(yaml.safe_dump(studie, allow_unicode=True), encoding="utf-8")
    pfade = pipeline.Pfade(kleine_studie, tmp_path / "aus")
    pipeline.auswerten(pfade)
    erg = speicher.laden(pfade.ergebnisse)
    assert not erg.modell.kommunentypen.typisiert
    e = _einordnen(erg, _mit_gesamtwert(erg))
    assert e.typ is None and e.tabellen["typen"].empty
    n = len(e.tabellen["empfehlungen"])
    assert erg.studie.empfehlungen.minimum <= n <= erg.studie.empfehlungen.maximum
