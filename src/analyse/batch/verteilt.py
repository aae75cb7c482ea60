"""Verteilte Ausführung über einen vorhandenen Dask-Scheduler (``--dask ADRESSE``).

Jeder Dask-Worker-Thread hält seinen eigenen warmen Kernel (Cache in ``kernel.py``, je
Thread); ein Worker-Plugin beendet die Kernel, wenn der Worker herunterfährt.
Voraussetzung auf den Workern: dasselbe ``analyse``-Paket und Lesezugriff auf Vorlagen
und Eingaben unter denselben Pfaden (siehe ``docs/verteilt.md``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from distributed.diagnostics.plugin import WorkerPlugin

from analyse.batch.auftrag import Auftrag, Ergebnis

PLUGIN_NAME = "analyse-warme-kernel"


class WarmeKernelPlugin(WorkerPlugin):
    """Beendet die warmen Kernel und Browser eines Dask-Workers beim Herunterfahren."""

    def teardown(self, worker) -> None:
        from analyse.batch import browser
        from analyse.batch.kernel import alle_beenden

        alle_beenden()
        browser.alle_beenden()


def ausfuehren_verteilt(
    auftraege: Sequence[Auftrag],
    exporter: tuple[str, str],
    adresse: str,
    fertig: Callable[[Auftrag, Ergebnis], None],
) -> None:
    from distributed import Client, as_completed

    from analyse.batch.worker import rendern

    with Client(adresse, set_as_default=False) as client:
        client.register_plugin(WarmeKernelPlugin(), name=PLUGIN_NAME)
        lauf = uuid.uuid4().hex[:8]
        futures = {
            client.submit(rendern, a, *exporter, key=f"bericht-{a.name}-{lauf}", pure=False): a
            for a in auftraege
        }
        try:
            for future in as_completed(futures, loop=client.loop):
                a = futures[future]
                try:
                    ergebnis = future.result()
                except Exception as e:  # Worker gestorben, Aufgabe verloren …
                    ergebnis = Ergebnis(
                        a.name, fehler=f"Dask-Aufgabe fehlgeschlagen: {type(e).__name__}: {e}"
                    )
                fertig(a, ergebnis)
        finally:
            client.cancel(list(futures))
