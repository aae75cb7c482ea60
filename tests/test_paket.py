"""Das Rad (wheel) läuft ohne Checkout: bauen, in ein frisches venv installieren, aus einem
leeren Ordner die Demostudie erzeugen und alles rechnen, eigene Vorlagen nutzen, Berichte auf
Dask-Workern rendern, die das installierte Rad importieren (wie im Docker-Rezept in
``docs/verteilt.md``).

Das frische venv sieht weder die Projektumgebung (kein ``--system-site-packages``, kein
``PYTHONPATH``) noch den Quellordner. Die Abhängigkeiten kommen aus einem Wheelhouse im
pytest-Cache (``.pytest_cache/d/wheelhouse``), das beim ersten Lauf mit ``pip download``
gefüllt wird; danach installiert pip ohne Index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.langsam

WURZEL = Path(__file__).resolve().parents[1]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]


def _lauf(args: list[str], cwd: Path, env: dict | None = None,
          timeout: int = 900) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    assert r.returncode == 0, f"{args}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r


@pytest.fixture(scope="module")
def rad(tmp_path_factory) -> Path:
    """Das Rad, gebaut aus einer Kopie dessen, was ein Quellarchiv enthielte (ohne Build-Reste
    im Checkout und ohne, dass etwas außerhalb von ``src/`` mitkommt)."""
    quelle = tmp_path_factory.mktemp("quelle")
    for datei in ("pyproject.toml", "README.md"):
        shutil.copy2(WURZEL / datei, quelle / datei)
    shutil.copytree(WURZEL / "src", quelle / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    ziel = tmp_path_factory.mktemp("rad")
    _lauf([*PIP, "wheel", "--no-deps", "-q", "-w", ziel, quelle], cwd=quelle)
    return next(ziel.glob("analyse-*.whl"))


@pytest.fixture(scope="module")
def venv(rad, tmp_path_factory, request) -> Path:
    """Ein frisches venv außerhalb des Checkouts mit dem Rad und seinen Abhängigkeiten."""
    wheelhouse = Path(request.config.cache.mkdir("wheelhouse"))
    ziel = tmp_path_factory.mktemp("frisch") / "venv"
    _lauf([sys.executable, "-m", "venv", "--without-pip", ziel], cwd=ziel.parent)
    python = ziel / "bin" / "python"
    # --no-compile: Bytecode entsteht beim ersten Import; spart die Hälfte der Installationszeit
    installieren = [*PIP, "--python", python, "install", "-q", "--no-compile", "--no-index",
                    "--find-links", wheelhouse, rad]
    if subprocess.run([str(a) for a in installieren], capture_output=True).returncode != 0:
        _lauf([*PIP, "download", "-q", "-d", wheelhouse, rad], cwd=ziel.parent)
        _lauf(installieren, cwd=ziel.parent)
    return ziel


@pytest.fixture(scope="module")
def umgebung(venv) -> dict:
    """Umgebung ohne Spuren der Projektumgebung: kein PYTHONPATH, das venv vorn im PATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
           and not k.startswith(("JUPYTER", "IPYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="module")
def arbeit(venv, umgebung, tmp_path_factory) -> Path:
    """Ein leerer Ordner, in dem ``analyse demo-daten`` und ``analyse alles`` liefen."""
    ordner = tmp_path_factory.mktemp("leer")
    assert not any(ordner.iterdir())
    analyse = venv / "bin" / "analyse"
    _lauf([analyse, "demo-daten", "--anzahl", "80", "--seed", "7"], cwd=ordner, env=umgebung)
    _lauf([analyse, "alles", "--nbconvert", "--parallel", "2"], cwd=ordner, env=umgebung)
    return ordner


def _referenzkommunen(arbeit: Path) -> list[str]:
    import pandas as pd

    k = pd.read_parquet(arbeit / "daten" / "ergebnisse" / "tabellen" / "kommunen.parquet")
    return sorted(k.loc[k["referenzkommune"], "ags"])


def test_rad_enthaelt_vorlagen_und_kataloge(rad):
    import zipfile

    namen = set(zipfile.ZipFile(rad).namelist())
    for datei in ("analyse/berichte/vorlagen/bericht_kommune.ipynb",
                  "analyse/berichte/vorlagen/abschlussbericht.ipynb",
                  "analyse/berichte/vorlagen/_quarto.yml",
                  "analyse/demo/vorlagen/studie.yml",
                  "analyse/eingabe/katalog/ozg_leistungen.csv"):
        assert datei in namen, datei


def test_das_venv_importiert_das_rad_nicht_den_checkout(venv, umgebung, tmp_path):
    r = _lauf([venv / "bin" / "python", "-c",
               "import analyse, sys; print(analyse.__file__); print(sys.flags.no_site)"],
              cwd=tmp_path, env=umgebung)
    pfad = Path(r.stdout.splitlines()[0]).resolve()
    assert pfad.is_relative_to(venv.resolve()) and "site-packages" in pfad.parts
    assert not pfad.is_relative_to(WURZEL)
    # Entwicklungswerkzeuge der Projektumgebung sind im frischen venv nicht zu sehen
    frei = subprocess.run([str(venv / "bin" / "python"), "-c", "import pytest"], cwd=tmp_path,
                          env=umgebung, capture_output=True)
    assert frei.returncode != 0, "das frische venv sieht Pakete der Projektumgebung"


def test_alles_aus_leerem_ordner(arbeit):
    site = arbeit / "berichte" / "_site"
    assert (site / "index.html").exists() and (site / "abschlussbericht.html").exists()
    ref = _referenzkommunen(arbeit)
    assert ref
    seiten = sorted(p.stem for p in (site / "kommunen").glob("*.html"))
    assert seiten == ref
    abschluss = (site / "abschlussbericht.html").read_text(encoding="utf-8")
    assert "Methodenanhang" in abschluss or "Kommunentypen" in abschluss


def test_eigene_vorlagen(arbeit, venv, umgebung):
    """``--vorlagen ORDNER``: eine eigene Kommunenvorlage ersetzt die des Pakets."""
    eigene = arbeit / "meine_vorlagen"
    eigene.mkdir()
    nb = nbformat.read(WURZEL / "src/analyse/berichte/vorlagen/bericht_kommune.ipynb", 4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Eigene Vorlage des Forschungsteams"))
    nbformat.write(nb, eigene / "bericht_kommune.ipynb")
    _lauf([venv / "bin" / "analyse", "berichte", "--vorlagen", eigene, "--parallel", "2"],
          cwd=arbeit, env=umgebung)
    ags = _referenzkommunen(arbeit)[0]
    seite = (arbeit / "berichte" / "html" / "kommunen" / f"{ags}.html").read_text("utf-8")
    assert "Eigene Vorlage des Forschungsteams" in seite
    abschluss = (arbeit / "berichte" / "html" / "abschlussbericht.html").read_text("utf-8")
    assert "Eigene Vorlage des Forschungsteams" not in abschluss  # Paketvorlage


def test_dask_worker_importieren_das_rad(arbeit, venv, umgebung, tmp_path):
    """Scheduler und Worker als eigene Prozesse aus dem venv (wie im Docker-Rezept)."""
    bin_ = venv / "bin"
    datei = tmp_path / "scheduler.json"
    worker_ordner = tmp_path / "worker"
    worker_ordner.mkdir()
    prozesse = [subprocess.Popen(
        [str(bin_ / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--no-dashboard", "--scheduler-file", str(datei)],
        cwd=tmp_path, env=umgebung, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(600):
            if datei.exists() and datei.stat().st_size:
                break
            time.sleep(0.1)
        adresse = json.loads(datei.read_text())["address"]
        prozesse.append(subprocess.Popen(
            [str(bin_ / "dask"), "worker", adresse, "--nthreads", "1", "--nworkers", "1",
             "--no-dashboard", "--host", "127.0.0.1"],
            cwd=worker_ordner, env=umgebung, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        pruefung = (
            "import sys\nfrom distributed import Client\n"
            f"with Client({adresse!r}, timeout=120) as c:\n"
            "    c.wait_for_workers(1, timeout=120)\n"
            "    pfade = c.run(lambda: __import__('analyse').__file__)\n"
            "    print('\\n'.join(pfade.values()))\n")
        r = _lauf([bin_ / "python", "-c", pruefung], cwd=tmp_path, env=umgebung)
        for pfad in r.stdout.split():
            assert Path(pfad).resolve().is_relative_to(venv.resolve()), pfad
        r = _lauf([bin_ / "analyse", "berichte", "--neu", "--dask", adresse], cwd=arbeit,
                  env=umgebung)
        ref = _referenzkommunen(arbeit)
        for ags in ref:
            assert (arbeit / "berichte" / "html" / "kommunen" / f"{ags}.html").exists()
    finally:
        for p in reversed(prozesse):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
