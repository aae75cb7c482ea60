"""Keine Waisen: Stirbt ein laufender Stapel, enden auch seine Worker und Kernel."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from analyse.batch import waisen

ANALYSE = [sys.executable, "-m", "analyse"]


def test_kind_endet_mit_dem_elternprozess(tmp_path):
    """Ein Enkel, der sich an sein Elternteil bindet, endet mit ihm (SIGKILL des Elternteils)."""
    code = (
        "import os, subprocess, sys, time\n"
        "kind = subprocess.Popen([sys.executable, '-c', 'from analyse.batch import waisen; "
        "waisen.an_eltern_binden(); import time; time.sleep(300)'])\n"
        f"open({str(tmp_path / 'pid')!r}, 'w').write(str(kind.pid))\n"
        "time.sleep(300)\n"
    )
    eltern = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    pid_datei = tmp_path / "pid"
    for _ in range(600):
        if pid_datei.exists() and pid_datei.read_text():
            break
        time.sleep(0.1)
    kind = psutil.Process(int(pid_datei.read_text()))
    time.sleep(1)  # das Kind hat sich gebunden
    eltern.kill()
    eltern.wait()
    _, lebend = psutil.wait_procs([kind], timeout=10)
    assert not lebend


def _nachkommen(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _kernel(prozesse: list[psutil.Process]) -> list[psutil.Process]:
    gefunden = []
    for p in prozesse:
        try:
            if "kernel_starten" in " ".join(p.cmdline()):
                gefunden.append(p)
        except psutil.Error:
            pass
    return gefunden


@pytest.fixture(scope="module")
def ausgewertet(kleine_studie_vorlage, tmp_path_factory) -> dict:
    basis = tmp_path_factory.mktemp("waisen")
    daten = basis / "studie"
    shutil.copytree(kleine_studie_vorlage, daten)
    ergebnis = subprocess.run([*ANALYSE, "auswerten", "--daten", str(daten), "--ausgabe",
                               str(basis / "aus")], capture_output=True, text=True, timeout=900)
    assert ergebnis.returncode == 0, ergebnis.stderr
    return {"daten": daten, "aus": basis / "aus", "basis": basis}


@pytest.mark.langsam
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_stapel_getoetet_keine_waisen(ausgewertet, sig):
    umgebung = dict(os.environ, PYTHONUNBUFFERED="1")
    stapel = subprocess.Popen(
        [*ANALYSE, "berichte", "--daten", str(ausgewertet["daten"]), "--ausgabe",
         str(ausgewertet["aus"]), "--parallel", "2", "--neu", "--alle"],
        cwd=ausgewertet["basis"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, env=umgebung)
    try:
        frist = time.monotonic() + 600
        while time.monotonic() < frist and len(_kernel(_nachkommen(stapel.pid))) < 2:
            assert stapel.poll() is None, "der Stapel endete, bevor zwei Kernel liefen"
            time.sleep(0.5)
        nachkommen = _nachkommen(stapel.pid)
        assert len(_kernel(nachkommen)) >= 2
        os.kill(stapel.pid, sig)  # nur dem Hauptprozess, nicht der Prozessgruppe
        stapel.wait(timeout=60)
        _, lebend = psutil.wait_procs(nachkommen, timeout=15)
        assert not lebend, [(p.pid, p.cmdline()) for p in lebend if p.is_running()]
    finally:
        if stapel.poll() is None:
            os.killpg(stapel.pid, signal.SIGKILL)


def test_an_eltern_binden_ohne_prctl(monkeypatch):
    """Die Wache allein greift auch dort, wo es kein prctl gibt (nicht Linux)."""
    monkeypatch.setattr(waisen.sys, "platform", "darwin")
    gestartet = []
    monkeypatch.setattr(waisen.threading, "Thread",
                        lambda **kw: gestartet.append(kw) or type("T", (), {"start": lambda s: None})())
    waisen.an_eltern_binden()
    assert gestartet and gestartet[0]["target"] is waisen._wachen


def test_kernel_spec_startet_gebundenen_kernel():
    from analyse.batch.kernel import KERNEL_NAME, _EigeneSpecs

    argv = _EigeneSpecs().get_kernel_spec(KERNEL_NAME).argv
    assert "kernel_starten" in " ".join(argv) and "{connection_file}" in argv
    assert Path(argv[0]) == Path(sys.executable)
