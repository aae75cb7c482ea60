"""Läuft *im* Kernel: Aufwärmen und Zurücksetzen zwischen zwei Notebooks.

Der Kernel importiert dieses Modul selbst (gleicher Interpreter, ``sys.executable``).
Modulglobale Variablen überleben ``%reset``, daher liegt der Schnappschuss des
Anfangszustands hier und nicht im Namensraum des Nutzers.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import random
import sys
import warnings

SAAT = 0  # feste Saat für random/numpy vor jedem Notebook

# Teure Importe einmal beim Start; die Berichte brauchen sie fast immer.
VORLADEN = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot")

_anfang: dict = {}


def _shell():
    from IPython import get_ipython

    return get_ipython()


def vorbereiten() -> None:
    """Einmal nach dem Kernelstart: vorladen und den frischen Zustand festhalten."""
    for modul in VORLADEN:
        with contextlib.suppress(Exception):
            importlib.import_module(modul)
    _anfang.clear()
    _anfang["cwd"] = os.getcwd()
    _anfang["environ"] = dict(os.environ)
    _anfang["sys_path"] = list(sys.path)
    _anfang["warnungen"] = list(warnings.filters)
    if "numpy" in sys.modules:
        np = sys.modules["numpy"]
        _anfang["np_druck"] = np.get_printoptions()
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        # Backend jetzt auflösen: dabei richtet matplotlib_inline die IPython-Anbindung
        # ein (InlineBackend.rc, Figurformate) – genau wie im frischen Kernel beim ersten Plot.
        plt.figure()
        plt.close("all")
        _anfang["rc"] = matplotlib.rcParams.copy()
        _anfang["inline"] = _inline_konfig()


def _inline_konfig() -> dict | None:
    try:
        from matplotlib_inline.config import InlineBackend
    except ImportError:
        return None
    cfg = InlineBackend.instance()
    return {
        n: getattr(cfg, n) for n in ("figure_formats", "print_figure_kwargs", "close_figures", "rc")
    }


def zuruecksetzen(cwd: str | None = None) -> None:
    """Vor jedem Notebook: alles, was ein Bericht in den nächsten tragen könnte, zurück."""
    shell = _shell()
    # Namensraum leeren; new_session=True setzt auch den Ausführungszähler auf 1 wie im frischen Kernel.
    # reset räumt mit einem vollen gc.collect auf (die Reste des letzten Berichts).
    shell.reset(new_session=True)
    # Was das überlebt, lebt so lange wie der Kernel (Module, geladene Ergebnisse, Caches):
    # einfrieren, damit die nächsten vollen Sammelläufe nur die Objekte der folgenden Berichte
    # durchsuchen statt aller ~260.000 von pandas, matplotlib, scipy … (0,07–0,1 s je Bericht).
    gc.freeze()

    os.chdir(cwd or _anfang.get("cwd", os.getcwd()))
    if "environ" in _anfang:
        os.environ.clear()
        os.environ.update(_anfang["environ"])
        sys.path[:] = _anfang["sys_path"]
        warnings.filters[:] = _anfang["warnungen"]
        getattr(warnings, "_filters_mutated", lambda: None)()  # Filter-Cache verwerfen

    random.seed(SAAT)
    if "numpy" in sys.modules:
        np = sys.modules["numpy"]
        np.random.seed(SAAT)
        if "np_druck" in _anfang:
            np.set_printoptions(**_anfang["np_druck"])
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")

    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if "rc" in _anfang:
                matplotlib.rcParams.update(_anfang["rc"])
            else:
                matplotlib.rcdefaults()
        inline = _anfang.get("inline")
        if inline:
            from matplotlib_inline.config import InlineBackend

            cfg = InlineBackend.instance()
            for n, wert in inline.items():
                if getattr(cfg, n) != wert:
                    setattr(cfg, n, wert)  # löst die Neuregistrierung der Figurformate aus
