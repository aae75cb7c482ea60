"""Vorwärmen der Worker: Kernel läuft vor dem ersten Bericht; Fehler beim Vorwärmen brechen den
Worker nicht ab, sondern zeigen sich wie bisher erst beim Bericht."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VORLAGE = Path(__file__).parent / "fixtures" / "bericht.ipynb"


def _im_kindprozess(code: str) -> str:
    # eigener Prozess: vorwaermen bindet sich an den Elternprozess und lässt einen Kernel laufen
    lauf = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert lauf.returncode == 0, lauf.stderr
    return lauf.stdout.split()[-1]


def test_vorwaermen_startet_den_kernel_trotz_unbekanntem_exporter():
    code = (
        "import sys\n"
        "from analyse.batch.vorwaermen import vorwaermen\n"
        "from analyse.batch.kernel import kernel_fuer_thread, alle_beenden\n"
        "vorwaermen(('gibt.es.nicht:seite', 'auch.nicht:druck'), False)\n"
        "k = kernel_fuer_thread()\n"
        "ergebnis = [k.laeuft, k.starts, sys.modules.get('rfc3987_syntax', 1) is None]\n"
        "k.bereit_machen(None)\n"  # gleicher Kernel, kein zweiter Start
        "ergebnis.append(k.starts)\n"
        "alle_beenden()\n"
        "print(','.join(map(str, ergebnis)))\n"
    )
    assert _im_kindprozess(code) == "True,1,True,1"


def test_rendern_meldet_den_unbekannten_exporter_wie_ohne_vorwaermen(tmp_path):
    vorlage = str(VORLAGE)
    code = (
        "from pathlib import Path\n"
        "from analyse.batch import Auftrag\n"
        "from analyse.batch.vorwaermen import vorwaermen, rendern\n"
        "from analyse.batch.kernel import alle_beenden\n"
        "vorwaermen(('gibt.es.nicht:seite', 'auch.nicht:druck'), False)\n"
        f"a = Auftrag(name='b', titel='B', vorlage=Path({vorlage!r}), parameter={{}},\n"
        f"            ziel_ipynb=Path({str(tmp_path / 'b.ipynb')!r}),"
        f" ziel_html=Path({str(tmp_path / 'b.html')!r}))\n"
        "e = rendern(a, 'gibt.es.nicht:seite', 'auch.nicht:druck')\n"
        "alle_beenden()\n"
        "print(e.ipynb is not None and 'HTML-Export fehlgeschlagen' in e.fehler)\n"
    )
    assert _im_kindprozess(code) == "True"
