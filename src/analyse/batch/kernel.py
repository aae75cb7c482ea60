"""Ein warmer IPython-Kernel je Prozess (bzw. je Thread), über IPC statt TCP verbunden.

Warum IPC: Beim TCP-Transport sucht ``jupyter_client`` freie Ports, schreibt sie in die
Verbindungsdatei, und erst der Kernel bindet sie. Parallel startende Kernel können sich
dazwischen dieselben Ports schnappen (papermill #239, #511). Mit ``transport="ipc"`` sind die
Endpunkte Unix-Sockets in einem eigenen, frischen Temporärordner je Kernel – da gibt es
nichts zu kollidieren.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from analyse.batch.je_thread import JeThread

KERNEL_NAME = "python3"
STARTZEIT = 120  # Sekunden bis der Kernel antworten muss


_KERNEL_START = "import analyse.batch.waisen as w; w.kernel_starten()"


class _EigeneSpecs(KernelSpecManager):
    """Liefert für ``python3`` immer den laufenden Interpreter (die .venv), nie eine fremde Spec."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name in (KERNEL_NAME, "python"):
            return KernelSpec(
                # wie ``-m ipykernel_launcher``, aber an den Worker gebunden (keine Waisen)
                argv=[sys.executable, "-c", _KERNEL_START, "-f", "{connection_file}"],
                display_name="Python 3 (ipykernel)",
                language="python",
                metadata={"debugger": False},
            )
        return super().get_kernel_spec(kernel_name)


def _kurzer_tempordner() -> str:
    # Unix-Socket-Pfade dürfen höchstens ~107 Zeichen lang sein (auf HPC ist TMPDIR oft lang).
    basis = tempfile.gettempdir()
    if len(basis) > 60:
        basis = "/tmp"
    return tempfile.mkdtemp(prefix="ak-", dir=basis)


class KernelFehler(RuntimeError):
    """Der Kernel ließ sich nicht starten oder zurücksetzen."""


class WarmerKernel:
    """Ein laufender Kernel samt Client, der über viele Notebooks hinweg lebt."""

    def __init__(self) -> None:
        self.km: AsyncKernelManager | None = None
        self.kc = None
        self._ordner: str | None = None
        self.verschmutzt = False  # nach einem Fehler: vor dem nächsten Notebook neu starten
        self.starts = 0
        self._bereit = False  # angestoßen und aufgewärmt (``fertig_starten``)

    @property
    def laeuft(self) -> bool:
        return self.km is not None and self.km.has_kernel

    # -- Lebenszyklus -------------------------------------------------------------------------
    def starten(self) -> None:
        self.anstossen()
        self.fertig_starten()

    def anstossen(self) -> None:
        """Startet den Kernelprozess, ohne auf ihn zu warten (``fertig_starten`` wartet).

        Dazwischen kann der Worker anderes tun (Exporter laden, Browser starten), während der
        Kernel numpy, pandas und matplotlib importiert."""
        self._ordner = _kurzer_tempordner()
        self.km = AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=_EigeneSpecs(),
            transport="ipc",
            ip=os.path.join(self._ordner, "k"),
            connection_file=os.path.join(self._ordner, "kernel.json"),
        )
        env = dict(os.environ)
        env.setdefault(
            "PYDEVD_DISABLE_FILE_VALIDATION", "1"
        )  # unterdrückt Debugger-Warnung beim Start
        run_sync(self.km.start_kernel)(
            # eigene History im Speicher: keine SQLite-Sperren zwischen parallelen Kerneln
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            env=env,
        )
        self.kc = self.km.client()
        self.kc.allow_stdin = False
        self.kc.start_channels()

    def fertig_starten(self) -> None:
        """Wartet auf den angestoßenen Kernel und wärmt ihn auf."""
        try:
            run_sync(self.kc.wait_for_ready)(timeout=STARTZEIT)
            self.ausfuehren(
                "__import__('analyse.batch.im_kernel', fromlist=['_']).vorbereiten()",
                timeout=STARTZEIT,
            )
        except Exception:
            self.beenden()
            raise
        self.starts += 1
        self._bereit = True
        self.verschmutzt = False

    def beenden(self) -> None:
        km, kc, ordner = self.km, self.kc, self._ordner
        self.km = self.kc = self._ordner = None
        self._bereit = False
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is not None:
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=True)  # räumt auch Verbindungsdatei/Sockets weg
        if ordner:
            shutil.rmtree(ordner, ignore_errors=True)

    def neustarten(self) -> None:
        self.beenden()
        self.starten()

    # -- Benutzung ----------------------------------------------------------------------------
    def ausfuehren(self, code: str, timeout: float = 60) -> None:
        """Führt ``code`` still aus (ohne Zählerstand/History) und wartet auf ``idle``."""
        assert self.kc is not None
        fehler: list[str] = []

        def mitlesen(msg: dict) -> None:
            if msg["msg_type"] == "error":
                fehler.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        antwort = run_sync(self.kc.execute_interactive)(
            code, silent=True, store_history=False, output_hook=mitlesen, timeout=timeout
        )
        if antwort["content"]["status"] != "ok" or fehler:
            c = antwort["content"]
            raise KernelFehler(fehler[0] if fehler else f"{c.get('ename')}: {c.get('evalue')}")

    def bereit_machen(self, cwd: str | None) -> None:
        """Vor jedem Notebook: Kernel (neu) starten falls nötig und Zustand zurücksetzen."""
        if self.verschmutzt and self.laeuft:
            self.beenden()
        if not self.laeuft:
            self.starten()
        elif not self._bereit:
            self.fertig_starten()  # angestoßen (``vorwaermen``), aber noch nicht bereit
        try:
            self.ausfuehren(
                "__import__('analyse.batch.im_kernel', fromlist=['_']).zuruecksetzen(%r)"
                % (str(cwd) if cwd else None)
            )
        except Exception:
            # Zurücksetzen schlug fehl (z. B. Kernel hängt): einmal frisch versuchen
            self.neustarten()
            self.ausfuehren(
                "__import__('analyse.batch.im_kernel', fromlist=['_']).zuruecksetzen(%r)"
                % (str(cwd) if cwd else None)
            )


# -- ein Kernel je Thread: Prozess-Pool (ein Thread) und Dask-Worker (evtl. mehrere Threads) --
_je_thread: JeThread[WarmerKernel] = JeThread(WarmerKernel)


def kernel_fuer_thread() -> WarmerKernel:
    """Der warme Kernel des aufrufenden Threads (wird beim ersten Notebook gestartet)."""
    return _je_thread.holen()


def alle_beenden() -> None:
    _je_thread.alle_beenden()
