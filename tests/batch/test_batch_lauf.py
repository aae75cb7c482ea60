"""ausfuehren: Fehler-Isolation, inkrementell, atomar, Wiederaufnahme, Parallel und Dask."""

from __future__ import annotations

import json

import nbformat
import pytest
from batch_hilfen import EXPORTER, auftrag

from analyse.batch import ausfuehren, stand, zusammenfassung_drucken
from analyse.batch import worker as worker_modul
from analyse.berichte.website import notebook_html

ABBRECHEN = {"b"}


def abbrechender_exporter(nb, a):
    """Simuliert Strg+C mitten im Lauf, beim Export der Aufträge in ``ABBRECHEN``."""
    if a.name in ABBRECHEN:
        raise KeyboardInterrupt
    return notebook_html(nb, a)


def kaputter_exporter(nb, a):
    raise RuntimeError("Vorlage defekt")


def _versteckte(ordner):
    return sorted(
        p.name for p in ordner.iterdir() if p.name.startswith(".") and p.name != stand.MANIFEST
    )


@pytest.fixture
def zaehler(monkeypatch):
    """Zählt, welche Aufträge tatsächlich gerendert werden (parallel=1 läuft im Prozess)."""
    gerendert: list[str] = []
    original = worker_modul.rendern

    def zaehlend(a, *exporter):
        gerendert.append(a.name)
        return original(a, *exporter)

    monkeypatch.setattr(worker_modul, "rendern", zaehlend)
    return gerendert


def test_fehler_isoliert_und_inkrementell(tmp_path, zaehler):
    daten = tmp_path / "ergebnisse"
    daten.mkdir()
    (daten / "werte.csv").write_text("1\n")
    aus = tmp_path / "berichte"
    a = auftrag(aus, "a", eingaben=(daten,))
    kaputt = auftrag(aus, "kaputt", vorlage="fehler", parameter={})
    b = auftrag(aus, "b", parameter={"ags": "05999002"})

    z = ausfuehren([a, kaputt, b], parallel=1, exporter=EXPORTER, fortschritt=False)
    assert z.erstellt == ["a", "b"] and z.uebersprungen == [] and not z.ok
    assert "ZeroDivisionError" in z.fehlgeschlagen["kaputt"]
    # Fehlernotebook bleibt, mit papermills Fehlermarke; keine Ausgaben für "kaputt"
    fehler_nb = nbformat.read(kaputt.fehler_ipynb, as_version=4)
    assert "papermill-error-cell-tag" in fehler_nb.cells[0].metadata.get("tags", [])
    assert not kaputt.ziel_html.exists() and not kaputt.ziel_ipynb.exists()
    # b lief nach dem Fehler im (neu gestarteten) Kernel normal
    assert "Kommune 05999002" in b.ziel_html.read_text()
    nb_a = nbformat.read(a.ziel_ipynb, as_version=4)
    assert nb_a.metadata.papermill.output_path == str(a.ziel_ipynb)
    manifest = json.loads((aus / stand.MANIFEST).read_text())
    assert set(manifest["berichte"]) == {"a", "b"}
    assert _versteckte(aus) == []
    assert (a.ziel_html.stat().st_mode & 0o044) == 0o044  # für den Webserver lesbar

    # nichts geändert (ohne den kaputten): nichts wird gerendert
    zaehler.clear()
    z = ausfuehren([a, b], parallel=1, exporter=EXPORTER, fortschritt=False)
    assert z.uebersprungen == ["a", "b"] and zaehler == []

    # Eingabedaten von a geändert, b unverändert → nur a; neu=True → beide
    (daten / "werte.csv").write_text("2\n")
    z = ausfuehren([a, b], parallel=1, exporter=EXPORTER, fortschritt=False)
    assert z.erstellt == ["a"] and z.uebersprungen == ["b"] and zaehler == ["a"]
    zaehler.clear()
    z = ausfuehren([a, b], parallel=1, neu=True, exporter=EXPORTER, fortschritt=False)
    assert z.erstellt == ["a", "b"] and zaehler == ["a", "b"]

    # gelöschte Ausgabe wird nachgebaut
    zaehler.clear()
    b.ziel_html.unlink()
    z = ausfuehren([a, b], parallel=1, exporter=EXPORTER, fortschritt=False)
    assert z.erstellt == ["b"] and zaehler == ["b"]


def test_abbruch_hinterlaesst_nichts_halbes_und_wird_fortgesetzt(tmp_path, zaehler, monkeypatch):
    aus = tmp_path / "berichte"
    a, b, c = (auftrag(aus, n, parameter={"ags": f"0599900{i}"}) for i, n in enumerate("abc"))
    aus.mkdir()
    (aus / ".b.html.1234.tmp").write_text("Rest eines hart abgebrochenen Laufs")
    exporter = f"{__name__}:abbrechender_exporter"

    with pytest.raises(KeyboardInterrupt):
        ausfuehren([a, b, c], parallel=1, exporter=exporter, fortschritt=False)
    assert a.ziel_html.exists() and not b.ziel_html.exists() and not b.ziel_ipynb.exists()
    assert not c.ziel_html.exists()
    assert _versteckte(aus) == []  # keine Temporärdateien, auch der alte Rest ist weg

    monkeypatch.setattr(__import__(__name__), "ABBRECHEN", set())
    zaehler.clear()
    z = ausfuehren([a, b, c], parallel=1, exporter=exporter, fortschritt=False)
    assert z.uebersprungen == ["a"] and z.erstellt == ["b", "c"] and zaehler == ["b", "c"]


def test_exportfehler_laesst_alten_bericht_stehen(tmp_path):
    aus = tmp_path / "berichte"
    a = auftrag(aus, "a")
    aus.mkdir()
    a.ziel_html.write_text("alter Bericht")
    z = ausfuehren([a], parallel=1, exporter=f"{__name__}:kaputter_exporter", fortschritt=False)
    assert "HTML-Export fehlgeschlagen: RuntimeError: Vorlage defekt" in z.fehlgeschlagen["a"]
    assert a.fehler_ipynb.exists() and a.ziel_html.read_text() == "alter Bericht"
    assert not a.ziel_ipynb.exists()


def test_zusammenfassung_drucken():
    from rich.console import Console

    from analyse.batch import Zusammenfassung

    console = Console(record=True, width=100)
    zusammenfassung_drucken(
        Zusammenfassung(["a"], ["b"], {"c": "ZeroDivisionError in Zelle [3]: [x]"}, 1.5), console
    )
    text = console.export_text()
    assert "1 erstellt, 1 unverändert übersprungen, 1 fehlgeschlagen" in text
    assert "c: ZeroDivisionError in Zelle [3]: [x]" in text


def test_parallel_mit_prozessen(tmp_path):
    aus = tmp_path / "berichte"
    auftraege = [auftrag(aus, f"k{i}", parameter={"ags": f"0599900{i}"}) for i in range(4)]
    auftraege.append(auftrag(aus, "kaputt", vorlage="fehler", parameter={}))
    z = ausfuehren(auftraege, parallel=2, exporter=EXPORTER, fortschritt=True)
    assert z.erstellt == ["k0", "k1", "k2", "k3"] and list(z.fehlgeschlagen) == ["kaputt"]
    for i, a in enumerate(auftraege[:4]):
        assert f"Kommune 0599900{i}" in a.ziel_html.read_text()


def test_dask_localcluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    aus = tmp_path / "berichte"
    auftraege = [auftrag(aus, f"k{i}", parameter={"ags": f"0599900{i}"}) for i in range(4)]
    auftraege.append(auftrag(aus, "kaputt", vorlage="fehler", parameter={}))
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        z = ausfuehren(
            auftraege, dask_adresse=cluster.scheduler_address, exporter=EXPORTER, fortschritt=False
        )
        assert z.erstellt == ["k0", "k1", "k2", "k3"] and list(z.fehlgeschlagen) == ["kaputt"]
        assert auftraege[4].fehler_ipynb.exists()
        # zweiter Lauf: nichts zu tun, die Kernel der Worker bleiben warm
        z = ausfuehren(
            auftraege[:4],
            dask_adresse=cluster.scheduler_address,
            exporter=EXPORTER,
            fortschritt=False,
        )
        assert z.uebersprungen == ["k0", "k1", "k2", "k3"]
    for i, a in enumerate(auftraege[:4]):
        assert f"Kommune 0599900{i}" in a.ziel_html.read_text()
