"""``analyse fragebogen-export``: die LimeSurvey-Umfragestruktur und der Rundlauf über LimeSurvey.

Rundlauf auf der Demostudie: Fragebogen exportieren → den Antwortexport simulieren, den
LimeSurvey für diese Umfrage liefert → nur mit dem Zuordnungsentwurf importieren → dieselben
Werte in antworten.csv.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
import yaml
from limesurvey_sim import antwortexport, struktur_lesen
from typer.testing import CliRunner

from analyse.cli import app
from analyse.eingabe import fragebogen as fragebogen_modul
from analyse.eingabe.quellen import limesurvey_export

runner = CliRunner()


def _export(studie, tmp_path) -> str:
    ziel = tmp_path / "umfrage.txt"
    ergebnis = runner.invoke(app, ["fragebogen-export", "--format", "limesurvey", "--daten",
                                   str(studie), "--ausgabe", str(ziel)])
    assert ergebnis.exit_code == 0, ergebnis.output
    roh = ziel.read_bytes()
    assert roh.startswith("\ufeff".encode())  # UTF-8 mit BOM wie LimeSurveys eigener Export
    return roh.decode("utf-8-sig")


def test_umfragestruktur_wie_limesurvey_sie_importiert(kleine_studie, tmp_path):
    text = _export(kleine_studie, tmp_path)
    zeilen = list(csv.reader(io.StringIO(text), delimiter="\t"))
    kopf = zeilen[0]
    assert kopf[:14] == ["id", "related_id", "class", "type/scale", "name", "relevance", "text",
                         "help", "language", "validation", "mandatory", "other", "default",
                         "same_default"]
    assert all(len(z) == len(kopf) for z in zeilen)
    fb = fragebogen_modul.laden(kleine_studie / "fragebogen.yml")
    fragen = struktur_lesen(text)
    codes = [f.code for f in fragen]
    # LimeSurvey: Fragecodes beginnen mit einem Buchstaben, nur Buchstaben und Ziffern, eindeutig
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", c) for c in codes)
    assert len(set(codes)) == len(codes) == len(fb.items) + 1
    assert codes[0] == "AGS"
    nach_code = {f.code: f for f in fragen}
    for item in fb.items:
        frage = nach_code[limesurvey_export.fragecode(item.id)]
        assert frage.text == item.text
        skala = fb.skala_von(item)
        if skala is None:
            assert frage.typ == "N" and not frage.antworten
        else:
            # Antwortcodes = Codes der Skala, eins zu eins, auch für die Fehlcodes
            erwartet = {str(c) for c in (*skala.werte, *skala.fehlend.codes())}
            assert frage.typ == "L" and set(frage.antworten) == erwartet
            assert all(re.fullmatch(r"[A-Za-z0-9]{1,5}", a) for a in frage.antworten)
    assert limesurvey_export.fragecode("ZIE_RECHT") == "ZIERECHT"
    assert sum(z[2] == "G" for z in zeilen[1:]) == 1 + len(fb.handlungsfelder) + 3


@pytest.mark.parametrize("kopf, werte", [("code", "codes"), ("text", "texte")])
def test_rundlauf_ueber_limesurvey(kleine_studie, tmp_path, kopf, werte):
    studie = kleine_studie
    original = pd.read_csv(studie / "antworten.csv", dtype=str, keep_default_na=False)
    welle = original[original["welle"] == "2026"]
    original[original["welle"] != "2026"].to_csv(studie / "antworten.csv", index=False,
                                                 lineterminator="\n")
    struktur = _export(studie, tmp_path)
    fb = yaml.safe_load((studie / "fragebogen.yml").read_text(encoding="utf-8"))
    texte = {i["text"]: i["id"] for i in fb["items"]}
    zahlen = welle.copy()
    for spalte in zahlen.columns[2:]:
        zahlen[spalte] = pd.to_numeric(zahlen[spalte].replace("", None))
    export = tmp_path / "results-survey123456.csv"
    export.write_bytes(antwortexport(struktur, zahlen, texte, kopf=kopf, werte=werte))

    zuordnung = tmp_path / "zuordnung.yml"
    ergebnis = runner.invoke(app, ["zuordnung-entwurf", "--quelle", str(export), "--daten",
                                   str(studie), "--ausgabe", str(zuordnung)])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "(0 Stellen zu prüfen" in ergebnis.output
    ergebnis = runner.invoke(app, ["importieren", "--quelle", str(export), "--zuordnung",
                                   str(zuordnung), "--daten", str(studie), "--welle", "2026"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert f"{len(welle)} übernommen ({len(welle)} neu, 0 ersetzt)" in ergebnis.output
    assert "unvollständig (leeres submitdate): 1" in ergebnis.output
    nachher = pd.read_csv(studie / "antworten.csv", dtype=str, keep_default_na=False)
    neu = nachher[nachher["welle"] == "2026"].set_index("ags").sort_index()
    pd.testing.assert_frame_equal(neu, welle.set_index("ags").sort_index())
    assert runner.invoke(app, ["pruefen", "--daten", str(studie)]).exit_code == 0
