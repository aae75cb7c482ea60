"""Ausgefüllte Arbeitsbücher und CSV-Zeilen lesen: jede Art von Fehler mit Blatt, Zelle, Wert."""

from __future__ import annotations

import numpy as np
import pytest
from arbeitshilfen_hilfen import ausgefuellt, auskunft_der_studie
from openpyxl import Workbook, load_workbook

from analyse.arbeitshilfen import einlesen
from analyse.arbeitshilfen import selbstauskunft as sa
from analyse.eingabe.fehler import Eingabefehler


def _lesen(erg, pfad):
    st = erg.studie
    return einlesen.lesen(pfad, erg.fragebogen, st.welle_ids, st.aktuelle_welle, erg.kommunen)


def _fehler(erg, pfad) -> str:
    with pytest.raises(Eingabefehler) as e:
        _lesen(erg, pfad)
    return e.value.text()


def _gleich(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        (np.isnan(a[k]) and np.isnan(b[k])) or a[k] == b[k] for k in a)


def test_hin_und_zurueck_ergibt_dieselben_codes(erg, tmp_path):
    ags = str(erg.kommunen.index[5])
    kommune, antworten = auskunft_der_studie(erg, ags)
    gelesen = _lesen(erg, ausgefuellt(erg, tmp_path / "a.xlsx", kommune, antworten))
    assert gelesen.kommune == kommune
    assert _gleich(gelesen.antworten, antworten)


def test_ags_als_zahl_behaelt_fuehrende_null(erg, tmp_path):
    kommune = {"ags": 5766020, "name": "Neustadt", "art": "Stadt", "einwohner": 12000}
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", kommune, {"STR01": 3.0})
    assert _lesen(erg, pfad).ags == "05766020"


def test_leeres_arbeitsbuch(erg, tmp_path):
    pfad = sa.schreiben(erg.fragebogen, tmp_path / "leer.xlsx")
    assert "leer" in _fehler(erg, pfad)


def test_nur_stammdaten(erg, tmp_path):
    kommune = {"ags": "09999001", "name": "Neudorf", "art": "Gemeinde", "einwohner": 3000}
    text = _fehler(erg, ausgefuellt(erg, tmp_path / "a.xlsx", kommune, {}))
    assert "mindestens eine beantwortete Frage" in text


def test_fremder_fragebogen_am_fingerabdruck(erg, tmp_path):
    fb = erg.fragebogen
    items = list(fb.items)
    items[0] = items[0].model_copy(update={"text": "Eine andere Frage"})
    anders = fb.model_copy(update={"items": items, "titel": "Anderer Fragebogen"})
    pfad = sa.schreiben(anders, tmp_path / "fremd.xlsx")
    wb = load_workbook(pfad)
    sa.ausfuellen(wb, anders, {"ags": "09999001", "name": "N", "art": "Gemeinde",
                               "einwohner": 1}, {"STR01": 3.0})
    wb.save(pfad)
    text = _fehler(erg, pfad)
    assert "anderen Fragebogen" in text and "Anderer Fragebogen" in text
    assert sa.fingerabdruck(fb) in text


def test_kein_arbeitsbuch_der_studie(erg, tmp_path):
    wb = Workbook()
    wb.active["A1"] = "irgendwas"
    wb.save(tmp_path / "fremd.xlsx")
    assert "analyse selbstauskunft" in _fehler(erg, tmp_path / "fremd.xlsx")
    (tmp_path / "kaputt.xlsx").write_text("kein Excel", encoding="utf-8")
    assert "Excel-Arbeitsmappe" in _fehler(erg, tmp_path / "kaputt.xlsx")


def test_getippte_werte_mit_blatt_zelle_und_wert(erg, tmp_path):
    ags = str(erg.kommunen.index[5])
    kommune, antworten = auskunft_der_studie(erg, ags)
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", kommune, antworten)
    wb = load_workbook(pfad)
    feld = erg.fragebogen.handlungsfelder[0].name
    wb[feld]["C6"] = "ziemlich gut"
    wb[feld]["C7"] = 4  # Code statt Beschriftung getippt
    wb[sa.BLATT_STAMMDATEN]["C11"] = "zwölftausend"
    wb.save(pfad)
    probleme = [str(p) for p in pytest.raises(Eingabefehler, _lesen, erg, pfad).value.probleme]
    assert any(f"Blatt '{feld}', Zelle C6, Wert 'ziemlich gut'" in p and "Auswahlliste" in p
               for p in probleme)
    assert any(f"Blatt '{feld}', Zelle C7, Wert '4'" in p for p in probleme)
    assert any("Blatt 'Stammdaten', Zelle C11, Wert 'zwölftausend'" in p for p in probleme)
    assert len(probleme) == 3


def test_beschriftung_unabhaengig_von_gross_klein_und_leerzeichen(erg, tmp_path):
    kommune = {"ags": "09999001", "name": "Neudorf", "art": "Gemeinde", "einwohner": 3000}
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", kommune, {})
    wb = load_workbook(pfad)
    wb[erg.fragebogen.handlungsfelder[0].name]["C6"] = "  Trifft  voll zu "
    wb.save(pfad)
    item = erg.fragebogen.items_im_feld(erg.fragebogen.handlungsfelder[0].id)[0]
    skala = erg.fragebogen.skala_von(item)
    assert _lesen(erg, pfad).antworten[item.id] == float(skala.maximum)


@pytest.mark.parametrize("ags, art, erwartet", [
    ("123", "Gemeinde", "8 Ziffern"),
    ("09999", "Gemeinde", "5 Ziffern bei Kreisen"),
    ("09999001", "Kreis", "5 Ziffern bei Kreisen"),
])
def test_falsche_ags(erg, tmp_path, ags, art, erwartet):
    kommune = {"ags": ags, "name": "Neudorf", "art": art, "einwohner": 3000}
    text = _fehler(erg, ausgefuellt(erg, tmp_path / "a.xlsx", kommune, {"STR01": 3.0}))
    assert "Blatt 'Stammdaten', Zelle C6" in text and erwartet in text


def test_ags_einer_anderen_kommune_der_studie(erg, tmp_path):
    ags = str(erg.kommunen.index[5])
    kommune, antworten = auskunft_der_studie(erg, ags)
    kommune["name"] = "Ganz anderer Ort"
    text = _fehler(erg, ausgefuellt(erg, tmp_path / "a.xlsx", kommune, antworten))
    assert f"in der Studie gehört {ags} zu" in text


def test_pflichtangaben_fehlen(erg, tmp_path):
    pfad = ausgefuellt(erg, tmp_path / "a.xlsx", {"name": "Neudorf"}, {"STR01": 3.0})
    text = _fehler(erg, pfad)
    for zelle in ("C6", "C8", "C11"):  # AGS, Art, Einwohner
        assert f"Zelle {zelle}: erwartet eine Angabe" in text


# --------------------------------------------------------------------------- CSV-Zeile


def _csv(erg, pfad, ags, mit_stamm: dict | None = None) -> None:
    welle = erg.studie.aktuelle_welle
    a = erg.tabelle("antworten")
    zeile = a[(a["ags"] == ags) & (a["welle"] == welle)].copy()
    for i in erg.fragebogen.items:
        zeile[i.id] = zeile[i.id].map(lambda v: "" if v != v else f"{v:g}")
    zeile = zeile.drop(columns="welle")
    for k, v in (mit_stamm or {}).items():
        zeile[k] = v
    zeile.to_csv(pfad, index=False)


def test_csv_zeile_einer_kommune_der_studie(erg, tmp_path):
    ags = str(erg.kommunen.index[7])
    _csv(erg, tmp_path / "zeile.csv", ags)
    kommune, antworten = auskunft_der_studie(erg, ags)
    gelesen = _lesen(erg, tmp_path / "zeile.csv")
    assert gelesen.kommune == kommune and _gleich(gelesen.antworten, antworten)


def test_csv_zeile_neue_kommune_braucht_stammdaten(erg, tmp_path):
    ags = str(erg.kommunen.index[7])
    _csv(erg, tmp_path / "zeile.csv", ags)
    text = (tmp_path / "zeile.csv").read_text(encoding="utf-8").replace(ags, "09999001")
    (tmp_path / "neu.csv").write_text(text, encoding="utf-8")
    fehler = _fehler(erg, tmp_path / "neu.csv")
    assert "Zeile 2, Spalte 'name'" in fehler and "Spalte 'einwohner'" in fehler
    _csv(erg, tmp_path / "neu2.csv", ags, {"name": "Neudorf", "art": "Gemeinde",
                                           "einwohner": "4000"})
    text = (tmp_path / "neu2.csv").read_text(encoding="utf-8").replace(ags, "09999001")
    (tmp_path / "neu2.csv").write_text(text, encoding="utf-8")
    assert _lesen(erg, tmp_path / "neu2.csv").kommune["einwohner"] == 4000


def test_csv_falscher_code(erg, tmp_path):
    ags = str(erg.kommunen.index[7])
    _csv(erg, tmp_path / "zeile.csv", ags, {})
    zeilen = (tmp_path / "zeile.csv").read_text(encoding="utf-8").splitlines()
    kopf = zeilen[0].split(",")
    werte = zeilen[1].split(",")
    werte[kopf.index("STR01")] = "7"
    (tmp_path / "zeile.csv").write_text("\n".join([zeilen[0], ",".join(werte)]) + "\n",
                                        encoding="utf-8")
    assert "Zeile 2, Spalte 'STR01', Wert '7'" in _fehler(erg, tmp_path / "zeile.csv")
