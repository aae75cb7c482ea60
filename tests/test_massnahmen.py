"""Maßnahmenkatalog: der mitgelieferte Katalog ist gültig; Fehler kommen alle auf einmal."""

from pathlib import Path

import pytest

from analyse import demo
from analyse.eingabe import massnahmen
from analyse.eingabe.fehler import Eingabefehler

KATALOG = Path(__file__).resolve().parents[1] / "daten" / "massnahmen.yml"

EINTRAG = """\
  - id: {id}
    titel: Maßnahme {id}
    beschreibung: Eine Beschreibung für {id}.
    handlungsfelder: [{feld}]
    kommunentypen: [optimierer]
    voraussetzungen:
      massnahmen: [{vor}]
    dauer_monate: 6
    aufwand_personentage: 10
    kosten: {{einmalig: 1000, jaehrlich: 100}}
    quelle: Test
"""


def _laden(pfad: Path) -> massnahmen.Katalog:
    """Mit den Feldern und Typen der Demo-Vorlagen (wie eine Studie aus ``demo-daten``)."""
    felder, typen = demo.vorlage_namen()
    return massnahmen.laden(pfad, felder, [t for t in typen if t != "mischtyp"])


def _katalog(tmp_path: Path, *eintraege: str) -> Path:
    pfad = tmp_path / "massnahmen.yml"
    pfad.write_text("massnahmen:\n" + "".join(eintraege), encoding="utf-8")
    return pfad


def test_mitgelieferter_katalog_ist_gueltig_und_vollstaendig():
    k = _laden(KATALOG)
    kommunal = k.ebene("kommune")
    assert len(kommunal) >= 60
    assert {f for m in kommunal for f in m.handlungsfelder} == set(demo.vorlage_namen()[0])
    assert len(k.ebene("verband")) >= 10
    for pflicht in ("e_akte", "prozessmanagement", "digitalisierungskoordination",
                    "qualifizierungsprogramm", "isms_grundschutz", "epayment", "e_rechnung",
                    "servicekonto_portal", "open_data_portal", "wissensdatenbank",
                    "ratsinformationssystem", "shared_services", "change_management"):
        assert pflicht in k.nach_id
    m = k.nach_id["e_akte"]
    assert m.kosten_einmalig("GK1") > m.kosten_einmalig("GK7") > 0
    assert m.kosten_einmalig("K1") == m.kosten_einmalig("GK3")  # Kreise über KOSTENKLASSE


def test_gueltiger_kleiner_katalog(tmp_path):
    k = _laden(_katalog(tmp_path, EINTRAG.format(id="a", feld="technik", vor=""),
                                  EINTRAG.format(id="b", feld="daten", vor="a")))
    assert k.voraussetzungen_transitiv("b") == ["a"]
    assert k.nach_id["a"].aufwand("GK4") == 10


def test_unbekanntes_feld_mit_zeile(tmp_path):
    text = EINTRAG.format(id="a", feld="technik", vor="").replace("    quelle:", "    farbe: rot\n    quelle:")
    with pytest.raises(Eingabefehler) as e:
        _laden(_katalog(tmp_path, text))
    p = e.value.probleme[0]
    assert p.spalte.endswith("farbe") and p.zeile == 12 and "unbekannt" in p.erwartet


def test_zyklus_fehlender_verweis_und_unbekannte_ids_auf_einmal(tmp_path):
    pfad = _katalog(tmp_path,
                    EINTRAG.format(id="a", feld="technik", vor="b"),
                    EINTRAG.format(id="b", feld="technik", vor="a"),
                    EINTRAG.format(id="c", feld="raumfahrt", vor="gibtsnicht"),
                    EINTRAG.format(id="d", feld="technik", vor="").replace("[optimierer]",
                                                                           "[zauderer]"))
    with pytest.raises(Eingabefehler) as e:
        _laden(pfad)
    probleme = e.value.probleme
    text = str(e.value)
    assert any("Zyklus" in p.erwartet and p.wert == "a → b → a" for p in probleme)
    assert any(p.wert == "gibtsnicht" and p.zeile == 30 for p in probleme)
    assert any(p.wert == "raumfahrt" and p.spalte == "handlungsfelder" for p in probleme)
    assert any(p.wert == "zauderer" for p in probleme)
    assert "massnahmen.yml, Zeile" in text


def test_schemafehler_und_verweisfehler_zusammen(tmp_path):
    kaputt = EINTRAG.format(id="a", feld="technik", vor="").replace("dauer_monate: 6",
                                                                    "dauer_monate: lang")
    with pytest.raises(Eingabefehler) as e:
        _laden(_katalog(tmp_path, kaputt, EINTRAG.format(id="b", feld="technik",
                                                                   vor="fehlt")))
    werte = {p.wert for p in e.value.probleme}
    assert {"lang", "fehlt"} <= werte


def test_kosten_je_klasse_vollstaendig(tmp_path):
    text = EINTRAG.format(id="a", feld="technik", vor="").replace(
        "{einmalig: 1000, jaehrlich: 100}", "{einmalig: {GK1: 5, GK2: 4}}")
    with pytest.raises(Eingabefehler) as e:
        _laden(_katalog(tmp_path, text))
    assert any("GK3" in p.erwartet for p in e.value.probleme)
