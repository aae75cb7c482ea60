"""Eine warme Ressource je Thread (Kernel, Browser), beendet mit dem Prozess.

Prozess-Pool-Worker haben einen Thread, Dask-Worker eventuell mehrere; jeder bekommt seine
eigene Ressource, gestartet beim ersten Gebrauch.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from multiprocessing import util as mp_util
from typing import Generic, Protocol, TypeVar


class _Beendbar(Protocol):
    def beenden(self) -> None: ...


R = TypeVar("R", bound=_Beendbar)


class JeThread(Generic[R]):
    def __init__(self, fabrik: Callable[[], R]) -> None:
        self._fabrik = fabrik
        self._ressourcen: dict[int, R] = {}
        self._sperre = threading.Lock()
        self._aufraeumen_registriert = False

    def holen(self) -> R:
        """Die Ressource des aufrufenden Threads (beim ersten Aufruf angelegt)."""
        schluessel = threading.get_ident()
        with self._sperre:
            r = self._ressourcen.get(schluessel)
            if r is None:
                r = self._ressourcen[schluessel] = self._fabrik()
            if not self._aufraeumen_registriert:
                # atexit greift im Hauptprozess; multiprocessing-Kinder enden mit os._exit und
                # rufen nur ihre Finalizer – daher beides.
                atexit.register(self.alle_beenden)
                mp_util.Finalize(None, self.alle_beenden, exitpriority=50)
                self._aufraeumen_registriert = True
        return r

    def alle_beenden(self) -> None:
        with self._sperre:
            alle = list(self._ressourcen.values())
            self._ressourcen.clear()
        for r in alle:
            r.beenden()
