"""``analyse kommunen-import``: Destatis 04-kreise.xlsx (echte Datei) und der Gemeinden-Auszug."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from analyse.cli import app
from analyse.eingabe.fehler import Eingabefehler
from analyse.eingabe.quellen import gemeindeverzeichnis
from analyse.eingabe.quellen.importieren import kommunen_importieren

runner = CliRunner()
PROJEKT = Path(__file__).resolve().parents[2]


def _destatis() -> Path | None:
    """``../shared/daten/destatis`` neben dem Projektordner (im git-worktree: neben dem Hauptklon)."""
    kandidaten = [PROJEKT.parent / "shared"]
    git = PROJEKT / ".git"
    if git.is_file():  # worktree: .git verweist auf <hauptklon>/.git/worktrees/<name>
        hauptklon = Path(git.read_text().split(":", 1)[1].strip()).parents[1].parent
        kandidaten.append(hauptklon.parent / "shared")
    for k in kandidaten:
        datei = k / "daten" / "destatis" / "04-kreise.xlsx"
        if datei.is_file():
            return datei
    return None


KREISE = _destatis()
echte_datei = pytest.mark.skipif(
    KREISE is None, reason="../shared/daten/destatis/04-kreise.xlsx fehlt (nur im Projektumfeld "
                           "mit dem gemeinsamen Datenordner vorhanden)")


@echte_datei
def test_04_kreise_echte_datei():
    v = gemeindeverzeichnis.lesen(KREISE)
    k = v.kommunen.set_index("ags")
    assert len(k) == 401
    assert k.loc["01001000"].tolist() == ["Flensburg, Stadt", "kreisfreie Stadt",
                                          "Flensburg, Stadt", "Schleswig-Holstein", "89504"]
    assert k.loc["01051", "art"] == "Kreis" and k.loc["01051", "name"] == "Dithmarschen"
    assert k.loc["11000000", "land"] == "Berlin"
    assert k.loc["08111000", "art"] == "kreisfreie Stadt"  # Stadtkreis Stuttgart
    assert k["einwohner"].astype(int).sum() == 83_019_213


@echte_datei
def test_kommunen_import_neu_und_aktualisieren(tmp_path):
    daten = tmp_path / "studie"
    daten.mkdir()
    ergebnis = runner.invoke(app, ["kommunen-import", "--gemeindeverzeichnis", str(KREISE),
                                   "--daten", str(daten), "--land", "01"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "15 neu" in ergebnis.output
    k = pd.read_csv(daten / "kommunen.csv", dtype=str, keep_default_na=False)
    assert list(k.columns) == ["ags", "name", "art", "kreis", "land", "einwohner", "verband",
                               "referenzkommune"]
    # eigene Angaben der Studie und eigene Zeilen bleiben beim Aktualisieren erhalten
    k.loc[k["ags"] == "01001000", ["verband", "referenzkommune", "einwohner"]] = \
        ["Zweckverband Nord", "ja", "1"]
    eigene = pd.DataFrame([["99001", "Kreis Muster", "Kreis", "Kreis Muster", "Musterland",
                            "1000", "", "nein"]], columns=k.columns)
    pd.concat([k, eigene]).to_csv(daten / "kommunen.csv", index=False)
    ergebnis = runner.invoke(app, ["kommunen-import", "--gemeindeverzeichnis", str(KREISE),
                                   "--daten", str(daten), "--kreis", "01001"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "0 neu, 1 aktualisiert" in ergebnis.output and "15 nicht in der Auswahl" in ergebnis.output
    k = pd.read_csv(daten / "kommunen.csv", dtype=str, keep_default_na=False).set_index("ags")
    assert k.loc["01001000", ["einwohner", "verband", "referenzkommune"]].tolist() == \
        ["89504", "Zweckverband Nord", "ja"]
    assert "99001" in k.index and len(k) == 16


def _auszug(pfad: Path) -> None:
    """Ein Gemeinden-Auszug im Aufbau von AuszugGV…xlsx (Blatt Onlineprodukt_Gemeinden)."""
    mappe = openpyxl.Workbook()
    mappe.active.title = "Deckblatt"
    blatt = mappe.create_sheet("Onlineprodukt_Gemeinden")
    blatt.append(["Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen"])
    blatt.append([])
    blatt.append(["Satz-art", "Text-kenn-zeichen", "Amtlicher Regionalschlüssel (ARS)", None,
                  None, None, None, "Gemeindename", "Fläche km2 1)", "Bevölkerung 2)", None,
                  None, None, "Post-leit-zahl 3)"])
    blatt.append([None, None, "Land", "RB", "Kreis", "VB", "Gem", None, None, "insgesamt",
                  "männlich", "weiblich", "je km2"])
    blatt.append([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    zeilen = [
        ("10", None, "01", None, None, None, None, "Schleswig-Holstein"),
        ("40", "41", "01", "0", "01", None, None, "Flensburg, Stadt"),
        ("50", "50", "01", "0", "01", "0000", None, "Flensburg, Stadt"),
        ("60", "61", "01", "0", "01", "0000", "000", "Flensburg, Stadt", 56.73, 89504),
        ("40", "43", "01", "0", "51", None, None, "Dithmarschen"),
        ("50", "51", "01", "0", "51", "5163", None, "Burg-St. Michaelisdonn"),
        ("60", "64", "01", "0", "51", "5163", "011", "Brickeln", 5.6, 203),
        ("60", "63", "01", "0", "51", "0044", "044", "Heide, Stadt", 31.97, 21670),
        ("60", "66", "01", "0", "51", "9999", "999", "Gemeindefreies Gebiet", 1.0, 0),
        ("10", None, "05", None, None, None, None, "Nordrhein-Westfalen"),
        ("20", None, "05", "3", None, None, None, "Reg.-Bez. Köln"),
        ("40", "44", "05", "3", "58", None, None, "Euskirchen", 1248.7, 193000),
        ("60", "67", "05", "3", "58", "0008", "008", "Euskirchen, Stadt", 139.5, 58000),
    ]
    for z in zeilen:
        blatt.append(list(z))
    blatt.append(["1) Fläche: Katasterfläche"])
    mappe.save(pfad)


def test_gemeinden_auszug(tmp_path):
    pfad = tmp_path / "AuszugGV4QAktuell.xlsx"
    _auszug(pfad)
    v = gemeindeverzeichnis.lesen(pfad)
    k = v.kommunen.set_index("ags")
    assert v.art == "gemeinden"
    assert k.loc["01001000"].tolist() == ["Flensburg, Stadt", "kreisfreie Stadt",
                                          "Flensburg, Stadt", "Schleswig-Holstein", "89504"]
    assert k.loc["01051011"].tolist() == ["Brickeln", "Gemeinde", "Dithmarschen",
                                          "Schleswig-Holstein", "203"]
    assert k.loc["01051044", "art"] == "Stadt"
    assert k.loc["01051", ["art", "einwohner"]].tolist() == ["Kreis", str(203 + 21670)]
    assert k.loc["05358", "einwohner"] == "193000"  # angegebene Zahl des Kreises
    assert k.loc["05358008", ["art", "kreis"]].tolist() == ["Stadt", "Euskirchen"]
    assert "01051999" not in k.index and "01001" not in k.index
    assert any("gemeindefreie" in h for h in v.hinweise)


def test_kommunen_import_filter_und_fehler(tmp_path):
    pfad = tmp_path / "AuszugGV4QAktuell.xlsx"
    _auszug(pfad)
    daten = tmp_path / "studie"
    daten.mkdir()
    abgleich, _ = kommunen_importieren(pfad, daten, land="05")
    assert abgleich.neu == 2
    with pytest.raises(Eingabefehler, match="Landesschlüssel aus 2 Ziffern"):
        kommunen_importieren(pfad, daten, land="5")
    andere = tmp_path / "liste.xlsx"
    openpyxl.Workbook().save(andere)
    with pytest.raises(Eingabefehler, match="Gemeindeverzeichnis von Destatis"):
        kommunen_importieren(andere, daten)
