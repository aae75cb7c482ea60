"""Warmer Kernel: B nach A im selben Kernel == B allein im frischen Kernel."""

from __future__ import annotations

import sys

import papermill as pm
import pytest
from batch_hilfen import FIXTURES, ohne_fluechtiges

from analyse.batch.kernel import alle_beenden, kernel_fuer_thread


def _lauf(name: str, **parameter):
    return pm.execute_notebook(
        str(FIXTURES / f"{name}.ipynb"),
        None,
        parameters=parameter or None,
        engine_name="warm",
        progress_bar=False,
        cwd=str(FIXTURES),
    )


def test_b_nach_a_wie_b_allein(kernel_aufraeumen):
    alle_beenden()
    b_allein = _lauf("pruef_b", ags="05999001")
    kernel = kernel_fuer_thread()
    # Kernel läuft mit der .venv und über IPC (keine TCP-Ports, keine Portrennen)
    assert kernel.km.kernel_spec.argv[0] == sys.executable
    assert kernel.km.transport == "ipc"
    alle_beenden()

    a = _lauf("leck_a", ags="05999002")  # setzt Globals, rcParams, Saat, Umgebung, cwd, svg …
    assert not any(o.get("output_type") == "error" for c in a.cells for o in c.get("outputs", ()))
    starts = kernel_fuer_thread().starts
    b_danach = _lauf("pruef_b", ags="05999001")
    assert kernel_fuer_thread().starts == starts == 1  # derselbe warme Kernel

    assert ohne_fluechtiges(b_danach) == ohne_fluechtiges(b_allein)
    # Gegenprobe: die Prüfausgabe zeigt wirklich den frischen Zustand
    text = b_danach.cells[2].outputs[0].text
    assert "geheim" not in text and "fixtures False False" in text
    assert "image/png" in b_danach.cells[3].outputs[0].data


def test_neustart_nach_fehler(kernel_aufraeumen):
    alle_beenden()
    with pytest.raises(pm.PapermillExecutionError, match="ZeroDivisionError"):
        _lauf("fehler")
    kernel = kernel_fuer_thread()
    assert kernel.verschmutzt and kernel.starts == 1
    nb = _lauf("pruef_b", ags="05999001")
    assert kernel.starts == 2 and not kernel.verschmutzt
    assert "zwischenstand" not in nb.cells[2].outputs[0].text


def test_gleich_wie_standard_engine(kernel_aufraeumen):
    """Der warme Kernel ändert an den Ausgaben nichts gegenüber papermills nbclient-Engine."""
    warm = _lauf("bericht", ags="05999003")
    kalt = pm.execute_notebook(
        str(FIXTURES / "bericht.ipynb"),
        None,
        parameters={"ags": "05999003"},
        progress_bar=False,
        cwd=str(FIXTURES),
    )
    assert ohne_fluechtiges(warm) == ohne_fluechtiges(kalt)
