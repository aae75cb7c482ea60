"""Fehlerhafte Eingaben: klare Meldung mit Datei, Zeile, Spalte, Wert und Erwartung, alle auf einmal."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyse.eingabe import studienordner as eingabe
from analyse.eingabe.fehler import Eingabefehler


def _probleme(ordner: Path):
    with pytest.raises(Eingabefehler) as e:
        eingabe.laden(ordner)
    return e.value.probleme


def _zeilen(pfad: Path) -> list[str]:
    return pfad.read_text(encoding="utf-8").splitlines()


def _schreiben(pfad: Path, zeilen: list[str]) -> None:
    pfad.write_text("\n".join(zeilen) + "\n", encoding="utf-8")


def test_gueltige_studie(kleine_studie_vorlage):
    sd = eingabe.laden(kleine_studie_vorlage)
    assert sd.kommunen.index.is_unique
    assert sd.kommunen.index.map(len).isin([5, 8]).all()
    assert sd.kommunen["groessenklasse"].notna().all()
    assert set(sd.antworten["welle"]) == {2024, 2026}
    assert sd.kommunen["mitglied"].sum() > 0


def test_wert_ausserhalb_der_skala(kleine_studie):
    pfad = kleine_studie / "antworten.csv"
    zeilen = _zeilen(pfad)
    kopf = zeilen[0].split(",")
    spalte = kopf.index("STR01")
    felder = zeilen[3].split(",")
    felder[spalte] = "7"
    zeilen[3] = ",".join(felder)
    _schreiben(pfad, zeilen)
    (p,) = _probleme(kleine_studie)
    assert (p.datei, p.zeile, p.spalte, p.wert) == ("antworten.csv", 4, "STR01", "7")
    assert "trifft voll zu" in p.erwartet and "weiß nicht" in p.erwartet


def test_unbekannte_spalte(kleine_studie):
    pfad = kleine_studie / "kommunen.csv"
    zeilen = _zeilen(pfad)
    zeilen = [zeilen[0] + ",farbe"] + [z + ",blau" for z in zeilen[1:]]
    _schreiben(pfad, zeilen)
    (p,) = _probleme(kleine_studie)
    assert (p.datei, p.zeile, p.spalte) == ("kommunen.csv", 1, "farbe")
    assert "unbekannt" in p.erwartet


def test_fehlender_und_doppelter_ags(kleine_studie):
    pfad = kleine_studie / "kommunen.csv"
    zeilen = _zeilen(pfad)
    zeilen[5] = "," + zeilen[5].split(",", 1)[1]  # AGS fehlt
    zeilen.append(zeilen[2])  # doppelt
    _schreiben(pfad, zeilen)
    probleme = _probleme(kleine_studie)
    fehlt = [p for p in probleme if p.zeile == 6 and p.spalte == "ags"]
    assert fehlt and "Gemeindeschlüssel" in fehlt[0].erwartet
    doppelt = [p for p in probleme if "eindeutig" in p.erwartet]
    assert {p.zeile for p in doppelt} == {3, len(zeilen)}


def test_ags_in_antworten_unbekannt_und_doppelt(kleine_studie):
    pfad = kleine_studie / "antworten.csv"
    zeilen = _zeilen(pfad)
    zeilen[2] = "99999999" + zeilen[2][8:]
    zeilen.append(zeilen[5])
    _schreiben(pfad, zeilen)
    probleme = _probleme(kleine_studie)
    assert any(p.zeile == 3 and p.wert == "99999999" and "kommunen.csv" in p.erwartet
               for p in probleme)
    assert any(p.zeile == len(zeilen) and "mehrfach" in p.erwartet for p in probleme)


def test_kaputte_datei(kleine_studie):
    pfad = kleine_studie / "antworten.csv"
    zeilen = _zeilen(pfad)
    zeilen[7] = zeilen[7] + ",1,2"
    zeilen[9] = "nur,drei,felder"
    _schreiben(pfad, zeilen)
    probleme = _probleme(kleine_studie)
    assert [p.zeile for p in probleme] == [8, 10]
    assert all("Felder wie in der Kopfzeile" in p.erwartet for p in probleme)


def test_falsche_kodierung(kleine_studie):
    pfad = kleine_studie / "kommunen.csv"
    text = pfad.read_text(encoding="utf-8").replace(",Musterland,", ",Müsterländ,", 3)
    pfad.write_bytes(text.encode("cp1252"))
    (p,) = _probleme(kleine_studie)
    assert p.datei == "kommunen.csv" and p.zeile == 2
    assert "UTF-8" in p.erwartet


def test_alle_probleme_aller_dateien_auf_einmal(kleine_studie):
    k = kleine_studie / "kommunen.csv"
    zeilen = _zeilen(k)
    felder = zeilen[1].split(",")
    felder[5] = "viele"
    zeilen[1] = ",".join(felder)
    _schreiben(k, zeilen)
    a = kleine_studie / "antworten.csv"
    zeilen = _zeilen(a)
    kopf = zeilen[0].split(",")
    felder = zeilen[1].split(",")
    felder[kopf.index("STRUK_BESCH")] = "12,5".replace(",", ";")
    felder[kopf.index("welle")] = "1999"
    zeilen[1] = ",".join(felder)
    _schreiben(a, zeilen)
    s = kleine_studie / "studie.yml"
    s.write_text(s.read_text(encoding="utf-8") + "unbekannt: 1\n", encoding="utf-8")
    probleme = _probleme(kleine_studie)
    dateien = {p.datei for p in probleme}
    assert dateien == {"kommunen.csv", "antworten.csv", "studie.yml"}
    assert any(p.spalte == "einwohner" and p.wert == "viele" for p in probleme)
    assert any(p.spalte == "STRUK_BESCH" and "ganze Zahl" in p.erwartet for p in probleme)


def test_fehlende_datei(kleine_studie):
    (kleine_studie / "antworten.csv").unlink()
    probleme = _probleme(kleine_studie)
    assert any(p.datei == "antworten.csv" and "vorhandene Datei" in p.erwartet for p in probleme)


def test_codebuch_verweise(kleine_studie):
    pfad = kleine_studie / "fragebogen.yml"
    text = pfad.read_text(encoding="utf-8").replace("handlungsfeld: daten, skala: zustimmung, text: \"Die Kommune",
                                                    "handlungsfeld: datn, skala: zustimmung, text: \"Die Kommune")
    pfad.write_text(text, encoding="utf-8")
    probleme = _probleme(kleine_studie)
    p = next(p for p in probleme if p.wert == "datn")
    assert p.datei == "fragebogen.yml" and p.zeile is not None and "Handlungsfelder" in p.erwartet
