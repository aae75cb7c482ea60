"""OZG-Katalog, Relevanzregel, Export-Laden und Abdeckung gegenüber der Größenklasse."""

from pathlib import Path

import pandas as pd
import pytest

from analyse.eingabe import ozg_katalog
from analyse.eingabe.fehler import Eingabefehler
from analyse.eingabe.fragebogen import Fragebogen
from analyse.planung import ozg

BEFRAGUNG = Path(ozg_katalog.__file__).parent / "katalog" / "ozg_befragung.txt"


def test_mitgelieferter_katalog():
    k = ozg_katalog.laden()
    assert len(k) >= 100 and k["id"].is_unique
    assert set(k["themenfeld"]) == set(ozg_katalog.THEMENFELDER)
    assert {"Gemeinde", "Kreis"} <= set(k["ebene"])
    befragt = BEFRAGUNG.read_text(encoding="utf-8").split()
    assert 15 <= len(befragt) <= 25 and set(befragt) <= set(k["id"])


def test_relevanzregel():
    assert ozg_katalog.ist_relevant("Gemeinde", "", "Gemeinde", "GK7")
    assert not ozg_katalog.ist_relevant("Gemeinde", "", "Kreis", "K1")
    assert ozg_katalog.ist_relevant("Kreis", "", "Kreis", "K3")
    assert ozg_katalog.ist_relevant("Kreis", "", "kreisfreie Stadt", "GK3")
    assert not ozg_katalog.ist_relevant("Kreis", "", "Stadt", "GK4")
    assert ozg_katalog.ist_relevant("Kreis", "GK5", "Stadt", "GK5")
    assert not ozg_katalog.ist_relevant("Kreis", "GK5", "Stadt", "GK6")
    assert not ozg_katalog.ist_relevant("Bund", "", "kreisfreie Stadt", "GK1")
    u = ozg_katalog.relevanz_uebersicht(ozg_katalog.laden()).set_index(["art", "groessenklasse"])
    assert u.loc[("kreisfreie Stadt", "GK3"), "relevante_leistungen"] == len(ozg_katalog.laden())


def test_export_mit_deutschen_spalten_und_komma(tmp_path):
    pfad = tmp_path / "export.csv"
    pfad.write_text("OZG-ID,Leistungsname,Themenfeld,Lebenslage,Zuständigkeit\n"
                    "123,Wohngeld,Bauen & Wohnen,Wohnen,Landkreis\n"
                    "124,Bafög,Bildung,Studium,Land\n", encoding="utf-8")
    k = ozg_katalog.laden(pfad)
    assert list(k["id"]) == ["ozg_123", "ozg_124"]
    assert list(k["ebene"]) == ["Kreis", "Land"]


def test_exportfehler_mit_zeile_spalte_wert(tmp_path):
    pfad = tmp_path / "export.csv"
    pfad.write_text("id;leistung;themenfeld;ebene;ab_groessenklasse\n"
                    "a;A;Bildung;Gemeinde;\n"
                    "a;B;Raumfahrt;Galaxis;GK9\n", encoding="utf-8")
    with pytest.raises(Eingabefehler) as e:
        ozg_katalog.laden(pfad)
    gefunden = {(p.zeile, p.spalte, p.wert) for p in e.value.probleme}
    assert {(3, "id", "a"), (3, "themenfeld", "Raumfahrt"), (3, "ebene", "Galaxis"),
            (3, "ab_groessenklasse", "GK9")} <= gefunden


def _fragebogen():
    return Fragebogen.model_validate({
        "titel": "t", "skalen": {"ozg": {"bezeichnung": "OZG", "werte": {
            0: "offline", 1: "Info", 2: "Formular", 3: "online", 4: "Transaktion"},
            "fehlend": {"weiss_nicht": 9}}},
        "handlungsfelder": [{"id": "technik", "name": "Technik", "digicheck": "Technologien",
                             "facette": "Technik"}],
        "ziele": [{"id": "z1", "name": "Z1"}, {"id": "z2", "name": "Z2"}],
        "items": [{"id": "o1", "text": "Anmeldung", "skala": "ozg",
                   "ozg_leistung": "wohnsitzanmeldung"},
                  {"id": "o2", "text": "Kfz", "skala": "ozg", "ozg_leistung": "kfz_zulassung"}]})


def test_abdeckung_nur_relevante_und_gruppen_ab_mindestgroesse():
    kommunen = pd.DataFrame({"ags": [f"0500000{i}" for i in range(6)] + ["05001"],
                             "art": ["Gemeinde"] * 6 + ["Kreis"],
                             "groessenklasse": ["GK6"] * 6 + ["K1"]})
    antworten = pd.DataFrame({"ags": kommunen["ags"], "welle": 2026,
                              "o1": [4, 3, 2, 1, 0, 9, 4], "o2": [4, 4, 4, 4, 4, 4, 3]})
    stand = ozg.stand(kommunen, antworten, _fragebogen(), ozg_katalog.laden(), 2026)
    assert set(stand.loc[stand["ags"] == "05001", "leistung"]) == {"kfz_zulassung"}
    assert "kfz_zulassung" not in set(stand.loc[stand["ags"] != "05001", "leistung"])
    assert pd.isna(stand.loc[stand["ags"] == "05000005", "stufe"]).all()  # Fehlcode 9
    a = ozg.abdeckung(stand, kommunen, mindestgroesse=5).set_index("ags")
    assert a.loc["05000000", "anteil_online"] == 1.0
    assert a.loc["05000000", "peer_n"] == 5
    assert a.loc["05000000", "peer_anteil_online_median"] == 0.0  # [1,1,0,0,0] → 0
    assert pd.isna(a.loc["05001", "peer_anteil_online_median"])  # Gruppe zu klein
    v = ozg.vergleich(stand, kommunen, 5)
    assert list(v["leistung"]) == ["wohnsitzanmeldung"]
    assert ozg_katalog.fragebogen_pruefen(_fragebogen(), ozg_katalog.laden()) == []
