"""papermill-Engine ``warm``: ein Kernel je Prozess/Thread für viele Notebooks.

Registriert über den Entry-Point ``papermill.engine`` (``warm``)::

    papermill.execute_notebook(ein, aus, parameters=..., engine_name="warm")

Absichtlich ohne papermill-Import auf Modulebene: papermill lädt beim eigenen Import alle
Entry-Points. Würde dieses Modul seinerseits papermill importieren, bräche der Import, sobald
jemand ``analyse.batch.engine`` *vor* papermill lädt (zirkulärer Import, Klasse noch nicht
definiert). Die Klasse erfüllt daher das Engine-Protokoll von papermill per Duck-Typing und
leiht sich die Implementierung von ``papermill.engines.Engine`` erst beim Aufruf.
"""

from __future__ import annotations

import os

from analyse.batch.kernel import kernel_fuer_thread


def _engine_basis():
    from papermill.engines import Engine

    return Engine


class WarmKernelEngine:
    """Führt Notebooks in einem warmen Kernel aus und setzt ihn zwischen Notebooks zurück.

    Zurückgesetzt werden Namensraum und Ausführungszähler, matplotlib (Figuren, rcParams,
    Inline-Backend), Zufallssaaten (``random``, ``numpy``), Arbeitsordner, Umgebungsvariablen,
    ``sys.path``, Warnfilter und pandas-Optionen. Nach einem fehlgeschlagenen Notebook wird
    der Kernel vor dem nächsten neu gestartet.

    Zusätzliches Engine-Argument ``kernel_cwd``: Arbeitsordner des Notebooks, ohne den
    prozessweiten ``chdir`` von papermills ``cwd=`` (wichtig in Dask-Workern mit Threads).
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        # Engine.execute_notebook ist eine classmethod; __func__ bindet sie an diese Klasse.
        return _engine_basis().execute_notebook.__func__(cls, nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        return _engine_basis().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        return _engine_basis().nb_language(nb, language)

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        kernel_cwd=None,
        **kwargs,
    ):
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.log import logger
        from papermill.utils import merge_kwargs, remove_args

        kernel = kernel_fuer_thread()
        # papermills cwd= hat den Prozess schon gewechselt; sonst gilt kernel_cwd
        kernel.bereit_machen(kernel_cwd or os.getcwd())

        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
        # vorhandener Client: nbclient startet dann weder Kernel noch Kanäle und räumt
        # am Ende nichts ab (owns_km ist False, weil km übergeben wurde)
        client.kc = kernel.kc
        try:
            client.execute()
        except BaseException:
            kernel.verschmutzt = True  # Zeitüberschreitung, toter Kernel, Abbruch …
            raise
        if nb_man.nb.metadata.get("papermill", {}).get("exception") or any(
            o.get("output_type") == "error" for c in nb_man.nb.cells for o in c.get("outputs", ())
        ):
            kernel.verschmutzt = True
        return nb_man.nb
