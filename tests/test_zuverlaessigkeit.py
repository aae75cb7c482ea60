"""Feindliche und nachlässige Eingaben: jeder Fall mit der Antwort, die das Werkzeug geben muss.

Jeder Test nennt im Namen den Fall und prüft die Antwort: Exit-Code, eine deutsche Meldung
mit dem Nötigen, und dass nichts verloren ging. Die Fälle stammen aus Issue 8.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hilfen import analyse_lauf
from typer.testing import CliRunner

from analyse import cli, dateien
from analyse.eingabe import studienordner
from analyse.eingabe.fehler import Eingabefehler, Problem, Sammler

runner = CliRunner()


def analyse(*args: str):
    """Die CLI im Prozess: (Exit-Code, Ausgabe von stdout und stderr)."""
    ergebnis = runner.invoke(cli.app, list(args), catch_exceptions=False)
    return ergebnis.exit_code, ergebnis.output


def _zeilen(pfad: Path) -> list[str]:
    return pfad.read_text(encoding="utf-8").splitlines()


def _ohne_abschnitt(zeilen: list[str], schluessel: str) -> list[str]:
    """Die Zeilen ohne den Eintrag ``schluessel:`` der obersten Ebene samt eingerückter Zeilen."""
    raus, ergebnis = False, []
    for z in zeilen:
        if not z.startswith((" ", "#")) and z.strip():
            raus = z.startswith(schluessel + ":")
        if not raus:
            ergebnis.append(z)
    return ergebnis


def _schreiben(pfad: Path, zeilen: list[str]) -> None:
    pfad.write_text("\n".join(zeilen) + "\n", encoding="utf-8")


def _spalte_setzen(pfad: Path, spalte: str, wert, zeilen: slice = slice(1, None)) -> None:
    alle = _zeilen(pfad)
    i = alle[0].split(",").index(spalte)
    for n in range(len(alle))[zeilen]:
        felder = alle[n].split(",")
        felder[i] = wert(felder[i]) if callable(wert) else wert
        alle[n] = ",".join(felder)
    _schreiben(pfad, alle)


def _alles_deutsch(text: str) -> None:
    """Keine englischen Meldungen von pydantic, PyYAML oder csv in der Antwort."""
    for englisch in ("Input should", "expected", "found ", "Traceback", "Error:", "field required",
                     "while parsing", "could not"):
        assert englisch not in text, f"englisch: {englisch!r} in\n{text}"


# --- Nichts löschen, was das Werkzeug nicht geschrieben hat ----------------------------------

def test_studienordner_namens_ergebnisse_mit_ausgabe_darueber_wird_verweigert(kleine_studie,
                                                                           tmp_path):
    daten = tmp_path / "aus" / "ergebnisse"
    shutil.copytree(kleine_studie, daten)
    vorher = sorted(p.name for p in daten.iterdir())
    code, text = analyse("auswerten", "--daten", str(daten), "--ausgabe", str(tmp_path / "aus"))
    assert code == 2
    assert "Studienordner" in text and "--ausgabe" in text
    assert sorted(p.name for p in daten.iterdir()) == vorher
    assert (daten / "antworten.csv").stat().st_size > 0


@pytest.mark.parametrize("ziel", ["gleich", "darin"])
def test_ausgabe_im_oder_am_studienordner_wird_verweigert(kleine_studie, ziel):
    ausgabe = {"gleich": kleine_studie, "darin": kleine_studie / "aus"}[ziel]
    code, text = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe", str(ausgabe))
    assert code == 2 and "Studienordner" in text
    assert not (kleine_studie / "aus").exists() and not (kleine_studie / "ergebnisse").exists()


def test_studienordner_namens_berichte_wird_nicht_zum_berichtsziel(kleine_studie, tmp_path):
    daten = tmp_path / "aus" / "berichte"
    shutil.copytree(kleine_studie, daten)
    code, text = analyse("berichte", "--daten", str(daten), "--ausgabe", str(tmp_path / "aus"))
    assert code == 2 and "Studienordner" in text
    assert (daten / "kommunen.csv").exists()


def test_ausgabe_ueber_dem_studienordner_ist_erlaubt(kleine_studie):
    """Ziele sind die Ordner, die das Werkzeug schreibt (<ausgabe>/ergebnisse, …/berichte):
    liegt der Studienordner daneben, ist nichts in Gefahr."""
    vorher = sorted(p.name for p in kleine_studie.iterdir())
    code, text = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe",
                         str(kleine_studie.parent))
    assert code == 0, text
    assert sorted(p.name for p in kleine_studie.iterdir()) == vorher


def test_eigene_datei_im_ergebnisordner_bleibt_und_lauf_wird_verweigert(kleine_studie, tmp_path):
    ausgabe = tmp_path / "aus"
    code, _ = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe", str(ausgabe))
    assert code == 0
    assert dateien.vermerk_pfad(ausgabe / "ergebnisse").is_file()
    eigen = ausgabe / "ergebnisse" / "meine_notizen.txt"
    eigen.write_text("nur hier", encoding="utf-8")
    code, text = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe", str(ausgabe))
    assert code == 2
    assert "meine_notizen.txt" in text and "nicht von diesem Werkzeug" in text
    assert eigen.read_text(encoding="utf-8") == "nur hier"
    # ohne die fremde Datei ersetzt das Werkzeug seinen eigenen Stand wieder
    eigen.unlink()
    assert analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe", str(ausgabe))[0] == 0


def test_fremder_ordner_ohne_vermerk_wird_nicht_ersetzt(tmp_path):
    ziel = tmp_path / "_site"
    ziel.mkdir()
    (ziel / "index.html").write_text("meine Seite", encoding="utf-8")
    with pytest.raises(dateien.AusgabeVerweigert, match="Besitzvermerk"), \
            dateien.atomar_ordner(ziel) as tmp:
        (tmp / "index.html").write_text("neu", encoding="utf-8")
    assert (ziel / "index.html").read_text(encoding="utf-8") == "meine Seite"
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]  # kein Temporärordner übrig


def test_eigener_ordner_wird_ersetzt_fremde_datei_darin_nicht(tmp_path):
    ziel = tmp_path / "_site"
    with dateien.atomar_ordner(ziel) as tmp:
        (tmp / "a.html").write_text("1", encoding="utf-8")
    with dateien.atomar_ordner(ziel) as tmp:
        (tmp / "b.html").write_text("2", encoding="utf-8")
    assert sorted(p.name for p in ziel.iterdir()) == ["b.html"]  # Vermerk liegt daneben
    assert dateien.vermerk_pfad(ziel).is_file()
    (ziel / "unter").mkdir()
    (ziel / "unter" / "eigen.txt").write_text("x", encoding="utf-8")
    with pytest.raises(dateien.AusgabeVerweigert, match="unter"), \
            dateien.atomar_ordner(ziel) as tmp:
        pass
    assert (ziel / "unter" / "eigen.txt").exists() and (ziel / "b.html").exists()


def test_ausgabe_ist_eine_datei(kleine_studie, tmp_path):
    datei = tmp_path / "ausgabe.txt"
    datei.write_text("meins", encoding="utf-8")
    code, text = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe", str(datei))
    assert code == 2 and "ist eine Datei, kein Ordner" in text
    assert datei.read_text(encoding="utf-8") == "meins"


def test_ausgabe_schreibgeschuetzt(kleine_studie, tmp_path, monkeypatch):
    # als root greifen Dateirechte nicht; der Fehler des Betriebssystems wird nachgestellt
    def verweigern(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "ro"))

    monkeypatch.setattr(dateien.tempfile, "mkdtemp", verweigern)
    code, text = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe",
                         str(tmp_path / "ro"))
    assert code == 2
    assert "keine Berechtigung" in text and str(tmp_path / "ro") in text
    _alles_deutsch(text)


def test_datentraeger_voll(kleine_studie, tmp_path, monkeypatch):
    import pandas as pd

    def voll(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", voll)
    code, text = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe",
                         str(tmp_path / "aus"))
    assert code == 2 and "kein Platz mehr" in text
    assert not (tmp_path / "aus" / "ergebnisse").exists()
    assert [p.name for p in (tmp_path / "aus").iterdir()] == []  # nichts halb geschrieben


def test_demo_daten_ueberschreibt_keine_eigene_studie(kleine_studie):
    studie = kleine_studie / "studie.yml"
    studie.write_text(studie.read_text(encoding="utf-8") + "# meine\n", encoding="utf-8")
    vorher = (kleine_studie / "antworten.csv").read_bytes()
    code, text = analyse("demo-daten", "--daten", str(kleine_studie), "--anzahl", "50")
    assert code == 2 and "eigene Studie" in text
    assert (kleine_studie / "antworten.csv").read_bytes() == vorher


# --- Sicheres YAML ------------------------------------------------------------------------

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize("datei", ["studie.yml", "fragebogen.yml", "kommunentypen.yml",
                                   "massnahmen.yml"])
def test_alias_bombe_wird_abgelehnt_bevor_sie_waechst(kleine_studie, datei):
    (kleine_studie / datei).write_text(BILLION_LAUGHS, encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    assert f"{datei}, Zeile 1, Wert '&a': erwartet keine Anker" in text
    assert "keine Aliase" in text


def test_doppelter_yaml_schluessel(kleine_studie):
    studie = kleine_studie / "studie.yml"
    studie.write_text(studie.read_text(encoding="utf-8") + "seed: 1\n", encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    zeile = len(_zeilen(studie))
    assert re.search(rf"studie.yml, Zeile {zeile}, Spalte 'seed'.*nur einmal \(schon in Zeile "
                     r"\d+\)", text)


def test_yaml_tag_wird_abgelehnt(kleine_studie):
    studie = kleine_studie / "studie.yml"
    studie.write_text(studie.read_text(encoding="utf-8") + "x: !!python/object/apply:os.system "
                      "['true']\n", encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "keine YAML-Tags" in text


def test_zu_grosse_yaml_datei(kleine_studie):
    from analyse.eingabe import yamlquelle

    (kleine_studie / "studie.yml").write_text("# " + "x" * yamlquelle.MAX_BYTES + "\n",
                                              encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "studie.yml: erwartet eine Datei bis 5 MB" in text


@pytest.mark.parametrize("tiefe", [60, 100_000])
def test_zu_tief_verschachteltes_yaml(kleine_studie, tiefe):
    (kleine_studie / "studie.yml").write_text("a: " + "[" * tiefe + "\n", encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "höchstens 50 Ebenen Verschachtelung" in text


@pytest.mark.parametrize("kaputt", ["titel: [1, 2\nverband: x\n", "titel: a: b\n",
                                    "titel: 'offen\n", "\ttitel: x\n", "- a\nb: c\n"])
def test_yaml_syntaxfehler_auf_deutsch(kleine_studie, kaputt):
    (kleine_studie / "studie.yml").write_text(kaputt, encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "studie.yml, Zeile" in text and "gültiges YAML" in text
    _alles_deutsch(text)


@pytest.mark.parametrize("aenderung, erwartet", [
    ("seed: -1\n", "eine Zahl ≥ 0"),
    ("seed: viele\n", "eine ganze Zahl"),
    ("kommunentypen: {methode: besser}\n", "eines von auto, kmeans, ward, gmm"),
    ("reifegrad: {mindestanteil: 2}\n", "eine Zahl ≤ 1"),
    ("roadmap: {startjahr: 2027.5}\n", "ganze Zahl"),
])
def test_pydantic_meldungen_auf_deutsch(kleine_studie, aenderung, erwartet):
    studie = kleine_studie / "studie.yml"
    zeilen = _ohne_abschnitt(_zeilen(studie), aenderung.split(":")[0])
    studie.write_text("\n".join(zeilen) + "\n" + aenderung, encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and erwartet in text
    _alles_deutsch(text)


def test_leere_wellenliste_auf_deutsch(kleine_studie):
    studie = kleine_studie / "studie.yml"
    text = studie.read_text(encoding="utf-8")
    anfang = text.index("wellen:")
    ende = text.index("\n", text.index("2026-05-15"))
    studie.write_text(text[:anfang] + "wellen: []" + text[ende:], encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "mindestens 1 Einträge" in text
    _alles_deutsch(text)


# --- Begrenzte, nützliche Fehlerberichte -------------------------------------------------

def _alle_items_ungueltig(studie: Path, zeilen: int) -> None:
    pfad = studie / "antworten.csv"
    alle = _zeilen(pfad)
    kopf = alle[0]
    ags_welle = [",".join(z.split(",")[:2]) for z in alle[1:]]
    n = len(kopf.split(",")) - 2
    rest = ",".join(["x"] * n)
    _schreiben(pfad, [kopf, *(f"{ags_welle[i % len(ags_welle)]},{rest}" for i in range(zeilen))])


def test_2000_schlechte_zeilen_geben_eine_zeile_je_spalte(kleine_studie):
    _alle_items_ungueltig(kleine_studie, 2000)
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    zeilen = text.splitlines()
    assert len(zeilen) <= 70, len(zeilen)  # vorher 138.004 Zeilen
    assert "antworten.csv, Spalte 'STR01': 2000 Zeilen ungültig, z. B. Zeile 2 Wert 'x'; " \
           "erwartet einen Wert der Skala" in text
    assert "weitere Probleme" in text


@pytest.mark.langsam
def test_200000_schlechte_zeilen_bleiben_begrenzt(kleine_studie):
    _alle_items_ungueltig(kleine_studie, 200_000)
    ergebnis = analyse_lauf("pruefen", "--daten", str(kleine_studie), cwd=kleine_studie.parent)
    assert ergebnis.returncode == 2
    assert len(ergebnis.stderr.splitlines()) <= 70
    assert "200000 Zeilen ungültig" in ergebnis.stderr


def test_sammler_zaehlt_statt_zu_sammeln():
    s = Sammler()
    for i in range(100_000):
        s.melden("a.csv", i + 2, "X", "x", "1–5")
    for i in range(1000):
        s.melden("a.csv", i + 2, f"S{i}", "x", "1–5")  # viele Arten: gedeckelt
    assert s.anzahl == 101_000
    assert len(s._arten) <= 200 and s.weitere == 1000 - 199
    fehler = s.fehler()
    assert fehler is not None and len(fehler.text().splitlines()) <= 62
    (p,) = [p for p in fehler.probleme if p.spalte == "X"]
    assert str(p) == "a.csv, Spalte 'X': 100000 Zeilen ungültig, z. B. Zeile 2 Wert 'x'; " \
                     "erwartet 1–5"


def test_wenige_gleiche_probleme_bleiben_einzeln():
    s = Sammler()
    s.melden("a.csv", 4, "X", "7", "1–5")
    s.melden("a.csv", 9, "X", "8", "1–5")
    assert [str(p) for p in sorted(s.probleme)] == [
        "a.csv, Zeile 4, Spalte 'X', Wert '7': erwartet 1–5",
        "a.csv, Zeile 9, Spalte 'X', Wert '8': erwartet 1–5"]


def _mit_fuehrender_null(studie: Path) -> None:
    """Alle AGS beginnen mit 0 (Land 01 statt 99), wie in Schleswig-Holstein."""
    for datei in ("kommunen.csv", "antworten.csv"):
        _spalte_setzen(studie / datei, "ags", lambda a: "01" + a[2:])


def test_excel_verlor_die_fuehrende_null(kleine_studie):
    _mit_fuehrender_null(kleine_studie)
    studienordner.laden(kleine_studie)  # mit führender Null gültig
    for datei in ("kommunen.csv", "antworten.csv"):
        _spalte_setzen(kleine_studie / datei, "ags", lambda a: a.lstrip("0"))
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    zeilen = [z for z in text.splitlines() if "führende Null" in z]
    assert len(zeilen) == 2  # eine Zeile je Datei statt 1.508
    assert "kommunen.csv, Spalte 'ags': 80 Zeilen ungültig" in text
    assert "Excel" in zeilen[0]


def test_semikolon_mit_anfuehrungszeichen_wird_gelesen(kleine_studie):
    """LimeSurvey-Export: Semikolon, jedes Feld in Anführungszeichen."""
    for datei in ("antworten.csv", "kommunen.csv"):
        pfad = kleine_studie / datei
        _schreiben(pfad, [";".join(f'"{f}"' for f in z.split(",")) for z in _zeilen(pfad)])
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 0, text


def test_dezimalkomma_mit_hinweis(kleine_studie):
    pfad = kleine_studie / "antworten.csv"
    _schreiben(pfad, [";".join(f.replace(".", ",") for f in z.split(","))
                      for z in _zeilen(pfad)])
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    assert "Spalte 'STRUK_ITPERS'" in text and "Dezimalpunkt statt Komma" in text


def test_utf16_mit_hinweis(kleine_studie):
    pfad = kleine_studie / "kommunen.csv"
    pfad.write_bytes(pfad.read_text(encoding="utf-8").encode("utf-16"))
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "UTF-16" in text and "CSV UTF-8" in text
    assert len(text.splitlines()) <= 3  # der Inhalt selbst ist in Ordnung


@pytest.mark.parametrize("signatur, art", [(b"PK\x03\x04", ".xlsx"),
                                           (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls")])
def test_umbenannte_excel_datei(kleine_studie, signatur, art):
    (kleine_studie / "antworten.csv").write_bytes(signatur + bytes(range(256)) * 10)
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and f"Excel-Arbeitsmappe ({art})" in text


def test_nul_byte_verdeckt_keine_anderen_probleme(kleine_studie):
    pfad = kleine_studie / "kommunen.csv"
    pfad.write_bytes(pfad.read_bytes().replace(b",Gemeinde,", b",Gem\x00einde,", 1))
    _spalte_setzen(kleine_studie / "antworten.csv", "STR01", "7", slice(3, 4))
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    assert "NUL-Bytes" in text and r"Wert '\x00'" in text
    assert "antworten.csv, Zeile 4, Spalte 'STR01', Wert '7'" in text


def test_leere_spalten_am_ende_werden_uebergangen(kleine_studie):
    for datei in ("kommunen.csv", "antworten.csv"):
        pfad = kleine_studie / datei
        _schreiben(pfad, [z + ",," for z in _zeilen(pfad)] + [",,,,"])
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 0, text
    assert "Spalte ''" not in text


def test_spalte_ohne_namen_mit_werten_wird_benannt(kleine_studie):
    pfad = kleine_studie / "kommunen.csv"
    zeilen = _zeilen(pfad)
    _schreiben(pfad, [zeilen[0] + ",,x", *(z + ",1,2" for z in zeilen[1:])])
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "Spalte 'Nr. 9'" in text and "Spalte ''" not in text


def test_werte_werden_nicht_zu_emoji_oder_markup(kleine_studie):
    _spalte_setzen(kleine_studie / "kommunen.csv", "art", ":x:", slice(1, 2))
    _spalte_setzen(kleine_studie / "kommunen.csv", "land", "[bold]fett[/bold]", slice(2, 3))
    _spalte_setzen(kleine_studie / "kommunen.csv", "einwohner", ":smile:", slice(3, 4))
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    assert "Wert ':x:'" in text and "❌" not in text
    assert "Wert ':smile:'" in text
    # Land ist frei, aber die Zeile taucht nicht als Markup auf: kein Problem dort
    assert "[bold]" not in text or "Wert '[bold]fett[/bold]'" in text


def test_problemtext_zeigt_steuerzeichen():
    p = Problem("a.csv", 2, "X", "a\rb\x1b[31m", "1–5")
    assert "\r" not in str(p) and "\x1b" not in str(p)


# --- pruefen ist ein Versprechen -------------------------------------------------------

def _nur_kommunen(studie: Path, anzahl: int) -> None:
    """Behält die ersten ``anzahl`` Kommunen (mit mindestens einem Verbandsmitglied)."""
    import pandas as pd

    k = pd.read_csv(studie / "kommunen.csv", dtype=str, keep_default_na=False)
    verband = k["verband"].replace("", pd.NA).dropna().iloc[0]
    k = pd.concat([k[k["verband"] == verband].head(1), k[k["verband"] != verband]]).head(anzahl)
    k.to_csv(studie / "kommunen.csv", index=False)
    a = pd.read_csv(studie / "antworten.csv", dtype=str, keep_default_na=False)
    a[a["ags"].isin(k["ags"])].to_csv(studie / "antworten.csv", index=False)


@pytest.mark.parametrize("anzahl", [1, 4, 6, 8])
def test_zu_wenige_kommunen_zum_typisieren(kleine_studie, anzahl):
    _nur_kommunen(kleine_studie, anzahl)
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2, text
    assert "für die Kommunentypen mindestens 10 Kommunen" in text
    assert "Hinweis" in text


def _ohne_typen(studie: Path) -> None:
    pfad = studie / "studie.yml"
    pfad.write_text("\n".join(_ohne_abschnitt(_zeilen(pfad), "kommunentypen"))
                    + "\nkommunentypen: {typisieren: false}\n", encoding="utf-8")


def test_zu_wenige_kommunen_pruefen_nennt_den_weg_ohne_typen(kleine_studie, tmp_path):
    """Sechs Kommunen: ``pruefen`` verweigert und nennt den Weg ohne Typen; mit ihm gehen
    ``pruefen`` und ``auswerten`` durch, ohne Typ und ohne Typterm in den Empfehlungen."""
    import json

    import pandas as pd

    _nur_kommunen(kleine_studie, 6)
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "typisieren: false" in text, text
    _ohne_typen(kleine_studie)
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 0, text
    code, text = analyse("auswerten", "--daten", str(kleine_studie), "--ausgabe",
                         str(tmp_path / "aus"))
    assert code == 0, text
    assert "ohne Kommunentypen" in text
    erg = tmp_path / "aus" / "ergebnisse"
    modell = json.loads((erg / "modell.json").read_text(encoding="utf-8"))["kommunentypen"]
    assert modell["typisiert"] is False and modell["typstruktur_belastbar"] is False
    assert pd.read_parquet(erg / "tabellen" / "typen.parquet").empty
    empf = pd.read_parquet(erg / "tabellen" / "empfehlungen.parquet")
    assert len(empf) and not empf["begruendung"].str.contains("Typ").any()


@pytest.mark.langsam
def test_kleine_studie_ohne_typen_laeuft_ganz_durch(kleine_studie, tmp_path):
    """Mit dem Weg, den ``pruefen`` nennt, läuft ``alles`` (Berichte und Website) durch; die
    Kommunalberichte zeigen das Zielprofil statt eines Typs."""
    _nur_kommunen(kleine_studie, 6)
    _ohne_typen(kleine_studie)
    code, text = analyse("alles", "--daten", str(kleine_studie), "--ausgabe",
                         str(tmp_path / "aus"))
    assert code == 0, text
    site = tmp_path / "aus" / "berichte" / "_site"
    assert (site / "index.html").is_file()
    seiten = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    assert any("ohne Kommunentypen" in t for t in seiten)
    assert not any("gehört zum Typ" in t for t in seiten)


def test_zu_grosses_k_fuer_die_daten(kleine_studie):
    _nur_kommunen(kleine_studie, 12)
    studie = kleine_studie / "studie.yml"
    studie.write_text("\n".join(_ohne_abschnitt(_zeilen(studie), "kommunentypen"))
                      + "\nkommunentypen: {k: 20}\n", encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "mindestens 21 Kommunen" in text


def test_alle_kommunen_mit_gleichen_zielprioritaeten(kleine_studie):
    """Gefunden von der Eigenschaft (hypothesis): gleiche Profile gaben NaN im Modell."""
    import pandas as pd

    a = pd.read_csv(kleine_studie / "antworten.csv", dtype=str, keep_default_na=False)
    ziele = [s for s in a.columns if s.startswith("ZIE_")]
    a[ziele] = a[ziele].iloc[0].to_numpy()
    a.to_csv(kleine_studie / "antworten.csv", index=False)
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "verschiedene Profile der Zielprioritäten" in text


def test_nur_kopfzeile_in_antworten(kleine_studie):
    pfad = kleine_studie / "antworten.csv"
    _schreiben(pfad, _zeilen(pfad)[:1])
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "mindestens eine Antwortzeile" in text


def test_welle_ohne_antworten(kleine_studie):
    pfad = kleine_studie / "antworten.csv"
    zeilen = _zeilen(pfad)
    _schreiben(pfad, [zeilen[0], *(z for z in zeilen[1:] if ",2024," not in z)])
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2
    assert "Spalte 'welle', Wert '2024': erwartet mindestens eine Antwortzeile je Welle" in text


@pytest.mark.parametrize("ags", ["９９００１", "٩٩٠٠١٠٠١", "99001²", "99\u200b001"])
def test_ags_nur_aus_ascii_ziffern(kleine_studie, ags):
    pfad = kleine_studie / "kommunen.csv"
    zeilen = _zeilen(pfad)
    i = next(n for n, z in enumerate(zeilen) if ",Kreis," in z)
    felder = zeilen[i].split(",")
    felder[0] = ags
    zeilen[i] = ",".join(felder)
    _schreiben(pfad, zeilen)
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "Ziffern 0–9" in text


@pytest.mark.parametrize("einwohner, hinweis", [
    ("0", "mindestens einen Einwohner"), ("-5", "1 bis 10.000.000"),
    ("9" * 30, "1 bis 10.000.000"), ("99999999999", "1 bis 10.000.000"),
    ("12.000", "Tausendertrennzeichen"), ("1e6", "1 bis 10.000.000")])
def test_einwohner_plausibel_und_ueberlaufsicher(kleine_studie, einwohner, hinweis):
    _spalte_setzen(kleine_studie / "kommunen.csv", "einwohner", einwohner, slice(1, 2))
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "kommunen.csv, Zeile 2, Spalte 'einwohner'" in text and hinweis in text


def test_riesige_zahl_in_antworten(kleine_studie):
    _spalte_setzen(kleine_studie / "antworten.csv", "STRUK_BUDGET", "9" * 400, slice(1, 2))
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and "Spalte 'STRUK_BUDGET'" in text


# --- Jeder OS-Fehler ist eine Antwort ----------------------------------------------------

@pytest.mark.parametrize("datei", ["antworten.csv", "studie.yml"])
def test_eingabedatei_ist_ein_ordner(kleine_studie, datei):
    (kleine_studie / datei).unlink()
    (kleine_studie / datei).mkdir()
    code, text = analyse("pruefen", "--daten", str(kleine_studie))
    assert code == 2 and f"{datei}: erwartet eine normale Datei (dies ist ein Ordner)" in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="braucht FIFOs")
@pytest.mark.parametrize("datei", ["antworten.csv", "kommunentypen.yml", "ozg_leistungen.csv"])
def test_eingabedatei_ist_eine_fifo_und_nichts_blockiert(kleine_studie, datei):
    pfad = kleine_studie / datei
    if pfad.exists():
        pfad.unlink()
    os.mkfifo(pfad)
    # eigener Prozess mit Zeitlimit: ein Hänger ließe sonst die ganze Testsuite stehen
    ergebnis = subprocess.run(
        [sys.executable, "-c", "import sys; from analyse.eingabe import studienordner as s; "
         "from analyse.eingabe.fehler import Eingabefehler\n"
         "try:\n  s.laden(sys.argv[1])\nexcept Eingabefehler as e:\n  print(e.text())",
         str(kleine_studie)], capture_output=True, text=True, timeout=120)
    assert f"{datei}: erwartet eine normale Datei (dies ist eine benannte Pipe (FIFO))" \
        in ergebnis.stdout, ergebnis.stdout + ergebnis.stderr


def test_eingabedatei_ohne_leserecht(kleine_studie, monkeypatch):
    echt = os.open

    def verweigern(pfad, *args, **kwargs):
        if str(pfad).endswith("kommunen.csv"):
            raise PermissionError(errno.EACCES, "Permission denied", str(pfad))
        return echt(pfad, *args, **kwargs)

    monkeypatch.setattr(dateien.os, "open", verweigern)
    with pytest.raises(Eingabefehler) as e:
        studienordner.laden(kleine_studie)
    assert "kommunen.csv: erwartet eine lesbare Datei (keine Berechtigung)" in e.value.text()


def test_studienordner_fehlt_oder_ist_datei(tmp_path):
    code, text = analyse("pruefen", "--daten", str(tmp_path / "gibtsnicht"))
    assert code == 2 and "erwartet einen Studienordner" in text
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    code, text = analyse("pruefen", "--daten", str(tmp_path / "datei"))
    assert code == 2 and "erwartet einen Studienordner" in text


def test_os_fehler_text_deutsch():
    e = OSError(errno.ENOSPC, "No space left on device", "/x/y")
    assert dateien.os_fehler_text(e) == "/x/y: kein Platz mehr auf dem Datenträger"
    assert "No space" not in dateien.os_fehler_text(OSError(errno.EOVERFLOW, "Overflow"))
