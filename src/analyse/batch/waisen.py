"""Keine Waisen: Worker und Kernel enden, wenn ihr Elternprozess stirbt.

Ohne das leben nach ``kill -9`` eines Stapels Worker, Kernel und der Resource-Tracker von
multiprocessing weiter (gut 1 GB). Zwei Wege, weil keiner allein alles abdeckt:

- ``PR_SET_PDEATHSIG`` (Linux, über ``prctl``): Der Kern schickt dem Kind ein Signal, sobald
  der Elternprozess endet, gleich wodurch (SIGKILL, SIGTERM, Strg+C).
- eine Wache (Thread), die jede Sekunde prüft, ob sich die Eltern-PID geändert hat: Sie greift
  auch dort, wo es ``prctl`` nicht gibt, und wenn der Eltern-Thread vor dem Prozess endet.

Der Resource-Tracker endet von selbst, sobald alle Prozesse weg sind, die seine Pipe halten.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
INTERVALL = 1.0


def _pdeathsig(signal_nr: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal_nr), 0, 0, 0)


def _wachen(eltern: int, signal_nr: int, intervall: float) -> None:
    while True:
        time.sleep(intervall)
        if os.getppid() != eltern:
            os.kill(os.getpid(), signal_nr)
            time.sleep(intervall)
            os._exit(1)


def an_eltern_binden(signal_nr: int = signal.SIGTERM, intervall: float = INTERVALL) -> None:
    """Beendet den aufrufenden Prozess mit ``signal_nr``, sobald sein Elternprozess endet."""
    eltern = os.getppid()
    _pdeathsig(signal_nr)
    if os.getppid() != eltern:  # Eltern schon vor prctl gestorben
        os._exit(1)
    threading.Thread(target=_wachen, args=(eltern, signal_nr, intervall), daemon=True,
                     name="analyse-elternwache").start()


def kernel_starten() -> None:
    """Startet einen IPython-Kernel, der mit seinem Elternprozess (dem Worker) endet.

    Wie ``python -m ipykernel_launcher``; SIGKILL, weil ein Kernel nichts zu sichern hat und
    SIGTERM sonst in einer hängenden Zelle unbeantwortet bleiben könnte.
    """
    an_eltern_binden(signal.SIGKILL)
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
