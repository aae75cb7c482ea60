"""Ohne Kernel: Auftrag prüfen, Prüfsummen, Manifest, Importreihenfolge, Entry-Point."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from batch_hilfen import EXPORTER, auftrag

from analyse.batch import Auftrag, Zusammenfassung, ausfuehren, stand


@pytest.mark.parametrize("name", ["", "a b", "../x", "x" * 65, "ä"])
def test_ungueltige_namen(tmp_path, name):
    with pytest.raises(ValueError, match="Ungültiger Auftragsname"):
        auftrag(tmp_path, name)


def test_parameter_muessen_json_sein(tmp_path):
    with pytest.raises(ValueError, match="JSON"):
        auftrag(tmp_path, "a", parameter={"x": object()})


def test_doppelte_namen_abgelehnt(tmp_path):
    with pytest.raises(ValueError, match="doppelt"):
        ausfuehren([auftrag(tmp_path, "a"), auftrag(tmp_path, "a")], fortschritt=False)


def test_zusammenfassung_ok():
    assert Zusammenfassung().ok
    assert not Zusammenfassung(fehlgeschlagen={"a": "x"}).ok


def test_pruefsumme_reagiert_auf_alle_eingaben(tmp_path):
    daten = tmp_path / "ergebnisse"
    (daten / "tabellen").mkdir(parents=True)
    (daten / "tabellen" / "t.csv").write_text("a\n1\n")
    datei = tmp_path / "extra.txt"
    datei.write_text("x")
    a = auftrag(tmp_path, "a", eingaben=(daten, datei))
    basis = stand.pruefsumme(a, EXPORTER)
    assert stand.pruefsumme(a, EXPORTER) == basis

    (daten / ".tmp-datei").write_text("zählt nicht")  # versteckte Temporärdateien zählen nicht
    assert stand.pruefsumme(a, EXPORTER) == basis
    (daten / "tabellen" / "t.csv").write_text("a\n2\n")
    geaendert = stand.pruefsumme(a, EXPORTER)
    assert geaendert != basis
    (daten / "tabellen" / "neu.csv").write_text("")
    assert stand.pruefsumme(a, EXPORTER) not in (basis, geaendert)

    andere = auftrag(tmp_path, "a", eingaben=(daten, datei), parameter={"ags": "05999002"})
    assert stand.pruefsumme(andere, EXPORTER) != stand.pruefsumme(a, EXPORTER)
    assert stand.pruefsumme(a, "anderes:modul") != stand.pruefsumme(a, EXPORTER)
    vorlage = auftrag(tmp_path, "a", vorlage="fehler", eingaben=(daten, datei))
    assert stand.pruefsumme(vorlage, EXPORTER) != stand.pruefsumme(a, EXPORTER)


def test_manifest_und_ausgaben(tmp_path):
    a = auftrag(tmp_path, "a")
    s = stand.Staende()
    assert not s.aktuell(a, "h")
    s.eintragen(a, "h")
    assert not s.aktuell(a, "h")  # Ausgaben fehlen noch
    a.ziel_ipynb.write_text("{}")
    a.ziel_html.write_text("<html>")
    assert s.aktuell(a, "h") and not s.aktuell(a, "anders")
    assert stand.Staende().aktuell(a, "h")  # vom Datenträger gelesen
    (tmp_path / stand.MANIFEST).write_text("kaputt{")
    assert not stand.Staende().aktuell(a, "h")


def test_nichts_zu_tun_startet_keinen_kernel(tmp_path, monkeypatch):
    a = auftrag(tmp_path, "a")
    stand.Staende().eintragen(a, stand.pruefsumme(a, EXPORTER))
    a.ziel_ipynb.write_text("{}")
    a.ziel_html.write_text("<html>")

    import analyse.batch.kernel as kernel

    def verboten(self):
        raise AssertionError("Kernel gestartet, obwohl nichts zu tun ist")

    monkeypatch.setattr(kernel.WarmerKernel, "starten", verboten)
    z = ausfuehren([a], parallel=1, exporter=EXPORTER, fortschritt=False)
    assert z.uebersprungen == ["a"] and z.erstellt == [] and z.ok


@pytest.mark.parametrize(
    "code",
    [
        "import analyse.batch.engine; import papermill",
        "import papermill; import analyse.batch.engine",
        "import analyse.batch; import papermill.engines as e; e.papermill_engines.get_engine('warm')",
    ],
)
def test_entry_point_in_jeder_importreihenfolge(code):
    code += (
        "\nfrom papermill.engines import papermill_engines as p"
        "\nfrom analyse.batch.engine import WarmKernelEngine as W"
        "\nassert p.get_engine('warm') is W"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_auftrag_unveraenderlich_normalisiert_und_uebertragbar(tmp_path):
    """Aufträge reisen zu Workern (ProcessPool mit spawn, Dask): als Pickle, unverändert."""
    a = Auftrag(
        "x", "T", str(tmp_path / "v.ipynb"), {"ags": "05000001"}, str(tmp_path / "x.ipynb"),
        str(tmp_path / "x.html"), eingaben=[str(tmp_path / "e")],
    )
    assert a.vorlage == tmp_path / "v.ipynb" and isinstance(a.ziel_html, Path)
    assert a.eingaben == (tmp_path / "e",)
    assert a.fehler_ipynb == tmp_path / "x.fehler.ipynb"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "y"
    b = pickle.loads(pickle.dumps(a))
    assert b == a and b is not a
    assert b != dataclasses.replace(a, parameter={"ags": "05000002"})
