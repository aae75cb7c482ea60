"""Das Arbeitsbuch zur Selbstauskunft: Aufbau, Auswahllisten, Schutz, Fingerabdruck, LibreOffice."""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from arbeitshilfen_hilfen import ausgefuellt, auskunft_der_studie
from openpyxl import load_workbook

from analyse.arbeitshilfen import einlesen
from analyse.arbeitshilfen import selbstauskunft as sa


@pytest.fixture(scope="module")
def buch(erg, tmp_path_factory) -> Path:
    return sa.schreiben(erg.fragebogen, tmp_path_factory.mktemp("buch") / "sa.xlsx",
                        erg.studie.titel, erg.studie.verband)


def _ablage(wb) -> list[tuple]:
    cb = wb[sa.BLATT_CODEBUCH]
    return [tuple(cb.cell(row=i, column=j).value for j in range(1, 5))
            for i in range(7, cb.max_row + 1)]


def test_blaetter_in_der_reihenfolge_der_befragung(erg, buch):
    wb = load_workbook(buch)
    fb = erg.fragebogen
    sichtbar = [n for n in wb.sheetnames if wb[n].sheet_state == "visible"]
    erwartet = [sa.BLATT_EINFUEHRUNG, sa.BLATT_STAMMDATEN, sa.BLATT_ZIELE,
                *(f.name for f in fb.handlungsfelder)]
    if fb.items_der_art("ozg"):
        erwartet.append(sa.BLATT_OZG)
    assert sichtbar == erwartet
    assert wb[sa.BLATT_LISTEN].sheet_state == "hidden"
    assert wb[sa.BLATT_CODEBUCH].sheet_state == "veryHidden"
    text = " ".join(str(c.value) for c in wb[sa.BLATT_EINFUEHRUNG]["A"] if c.value)
    for kopf in ("Zweck", "So füllen Sie aus", "Wen fragen", "Datenschutz"):
        assert kopf in text


def test_jedes_item_genau_einmal_mit_auswahl_und_itemtext(erg, buch):
    wb = load_workbook(buch)
    fb = erg.fragebogen
    ablage = _ablage(wb)
    items = [s for art, s, _, _ in ablage if art == "item"]
    assert sorted(items) == sorted(i.id for i in fb.items)
    listen = wb[sa.BLATT_LISTEN]
    for art, schluessel, blatt, zelle in ablage:
        if art != "item" or fb.item[schluessel].skala is None:
            continue
        item = fb.item[schluessel]
        ws = wb[blatt]
        regeln = [dv for dv in ws.data_validations.dataValidation if zelle in dv.sqref]
        assert len(regeln) == 1, (blatt, zelle)
        dv = regeln[0]
        assert dv.type == "list" and dv.showErrorMessage and dv.showInputMessage
        assert dv.prompt == item.text[:255]
        # die Liste nennt genau die Beschriftungen der Skala und die Fehlcodes
        bereich = dv.formula1.split("!")[1].replace("$", "")
        werte = [c.value for zeile in listen[bereich] for c in zeile]
        skala = fb.skala_von(item)
        erwartet = [*(skala.werte[c] for c in sorted(skala.werte)),
                    *(sa.FEHLCODE_TEXT[n] for n in skala.fehlend.codes().values())]
        assert werte == erwartet
        assert ws[f"{sa.SPALTE_ID}{ws[zelle].row}"].value == item.id


def test_nur_antwortzellen_sind_offen(buch):
    wb = load_workbook(buch)
    offen = {(b, z) for art, _, b, z in _ablage(wb) if art in ("item", "stamm")}
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.protection.sheet, name
        for zeile in ws.iter_rows(min_row=1, max_row=ws.max_row + 2, max_col=6):
            for zelle in zeile:
                assert zelle.protection.locked == ((name, zelle.coordinate) not in offen), \
                    (name, zelle.coordinate)
    assert wb.security.lockStructure


def test_keine_makros(buch):
    with zipfile.ZipFile(buch) as z:
        namen = z.namelist()
        typen = z.read("[Content_Types].xml").decode()
    assert not any("vba" in n.lower() for n in namen)
    assert "macroEnabled" not in typen


def test_fortschrittszelle_je_blatt(erg, buch):
    wb = load_workbook(buch)
    je_blatt: dict[str, list[str]] = {}
    for _art, _, blatt, zelle in _ablage(wb):
        je_blatt.setdefault(blatt, []).append(zelle)
    for blatt, zellen in je_blatt.items():
        formel = wb[blatt][sa.FORTSCHRITT_ZELLE].value
        assert formel == f"=COUNTA({zellen[0]}:{zellen[-1]})", blatt
        assert wb[blatt]["D3"].value == f"von {len(zellen)}"


def test_fingerabdruck_im_buch_und_in_den_eigenschaften(erg, buch):
    wb = load_workbook(buch)
    fa = sa.fingerabdruck(erg.fragebogen)
    assert wb[sa.BLATT_CODEBUCH]["B1"].value == fa
    assert {p.name: p.value for p in wb.custom_doc_props.props}[sa.EIGENSCHAFT] == fa


def test_fingerabdruck_folgt_der_bedeutung(erg):
    fb = erg.fragebogen
    fa = sa.fingerabdruck(fb)
    assert sa.fingerabdruck(fb.model_copy(update={"titel": "Anderer Titel"})) == fa
    items = list(fb.items)
    items[0] = items[0].model_copy(update={"text": items[0].text + " (neu)"})
    assert sa.fingerabdruck(fb.model_copy(update={"items": items})) != fa


def test_gleiche_eingabe_gleiche_bytes(erg):
    assert sa.inhalt(erg.fragebogen, "T", "V") == sa.inhalt(erg.fragebogen, "T", "V")


def test_blattnamen_gueltig_und_eindeutig():
    vergeben: set[str] = set()
    a = sa.blattname("Strategie: Ziele/Wege [2026]? und noch viel mehr Text", vergeben)
    b = sa.blattname("Strategie: Ziele/Wege [2026]? und noch viel mehr Text", vergeben)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set(a) & set("[]:*?/\\")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert; "
                    ".ci/run installiert libreoffice-calc")
def test_libreoffice_oeffnet_und_rechnet(erg, tmp_path):
    """LibreOffice öffnet das Arbeitsbuch, rechnet die Fortschrittsformeln neu, und ein in
    LibreOffice gespeichertes Arbeitsbuch wird weiter gelesen (Fingerabdruck, Antworten)."""
    ags = str(erg.kommunen.index[3])
    kommune, antworten = auskunft_der_studie(erg, ags)
    feld = erg.fragebogen.handlungsfelder[0]
    teil = {i.id: antworten[i.id] for i in erg.fragebogen.items_im_feld(feld.id)[:2]}
    teil = {k: (v if v == v else 1.0) for k, v in teil.items()}
    buch = ausgefuellt(erg, tmp_path / "teil.xlsx", kommune, teil)
    profil = f"file://{tmp_path / 'lo-profil'}"
    csv_ziel = tmp_path / "csv"
    filter_ = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    for ziel, ordner in ((filter_, csv_ziel), ("xlsx", tmp_path / "lo")):
        subprocess.run([SOFFICE, f"-env:UserInstallation={profil}", "--headless",
                        "--convert-to", ziel, "--outdir", str(ordner), str(buch)],
                       check=True, capture_output=True, timeout=300)
    blatt = next(csv_ziel.glob(f"*{feld.name}.csv"))
    with blatt.open(encoding="utf-8") as f:
        zeilen = list(csv.reader(f))
    assert zeilen[2][1:4] == ["Beantwortet auf diesem Blatt:", "2",
                              f"von {len(erg.fragebogen.items_im_feld(feld.id))}"]
    einf = next(csv_ziel.glob(f"*{sa.BLATT_EINFUEHRUNG}.csv")).read_text(encoding="utf-8")
    assert f"{feld.name},2 von" in einf
    assert f"{sa.BLATT_STAMMDATEN},6 von" in einf  # AGS, Name, Art, Kreis, Land, Einwohner
    gelesen = einlesen.arbeitsbuch_lesen(tmp_path / "lo" / "teil.xlsx", erg.fragebogen,
                                         erg.kommunen)
    assert gelesen.kommune["ags"] == ags
    assert {k: gelesen.antworten[k] for k in teil} == teil
