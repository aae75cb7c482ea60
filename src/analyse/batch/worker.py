"""Ein Auftrag im Worker: Notebook im warmen Kernel ausführen, HTML in-process exportieren und
(mit ``ziel_pdf``) im warmen Browser des Workers als PDF drucken.

Läuft im Prozess-Pool, in einem Dask-Worker oder (``parallel=1``) im Hauptprozess. Der
Worker schreibt keine Dateien; er gibt die Inhalte zurück und der Hauptprozess schreibt sie
atomar (``ausgabe.py``). So braucht auch ein Dask-Cluster keinen beschreibbaren
gemeinsamen Ausgabeordner, und das Manifest hat genau einen Schreiber.
"""

from __future__ import annotations

import time

import nbformat

from analyse.batch.auftrag import Auftrag, Ergebnis
from analyse.batch.engine import WarmKernelEngine
from analyse.batch.export import exporter_laden
from analyse.batch.kernel import KERNEL_NAME, KernelFehler

ZELLEN_ZEITLIMIT = 1800  # Sekunden je Zelle; ein hängender Bericht blockiert sonst den Worker
_MAX_TEXT = 300


def _kurz(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _fehlertext(e: BaseException) -> str:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(e, PapermillExecutionError):
        return _kurz(f"{e.ename} in Zelle [{e.exec_count}]: {e.evalue}")
    if isinstance(e, DeadKernelError):
        return _kurz(f"Kernel abgestürzt: {e}")
    if isinstance(e, CellTimeoutError):
        return _kurz(f"Zeitüberschreitung einer Zelle (> {ZELLEN_ZEITLIMIT} s)")
    if isinstance(e, KernelFehler):
        return _kurz(f"Kernel nicht bereit: {e}")
    return _kurz(f"{type(e).__name__}: {e}")


def rendern(auftrag: Auftrag, exporter: str, drucker: str | None = None) -> Ergebnis:
    """Führt einen Auftrag aus; Fehler landen im Ergebnis, nie als Ausnahme beim Aufrufer.

    ``drucker``: ``"modul:funktion"`` mit ``f(html, auftrag) -> str``, die aus der Seite die
    in sich geschlossene Druckfassung macht; gebraucht, wenn der Auftrag ein ``ziel_pdf`` hat.
    """
    from papermill.execute import (
        prepare_notebook_metadata,
        raise_for_execution_errors,
        remove_error_markers,
    )
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    start = time.perf_counter()
    nb = None

    def ergebnis(**kw) -> Ergebnis:
        return Ergebnis(auftrag.name, sekunden=time.perf_counter() - start, **kw)

    try:
        # papermill.execute_notebook, zerlegt: so bleibt das Notebook auch im Fehlerfall in der
        # Hand, und in den Metadaten steht das echte Ziel statt einer Temporärdatei.
        nb = load_notebook_node(str(auftrag.vorlage))
        if auftrag.parameter:
            nb = parameterize_notebook(
                nb,
                auftrag.parameter,
                kernel_name=KERNEL_NAME,
                language="python",
                engine_name="warm",
            )
        nb = prepare_notebook_metadata(nb, str(auftrag.vorlage), str(auftrag.ziel_ipynb))
        nb = remove_error_markers(nb)
        nb = WarmKernelEngine.execute_notebook(
            nb,
            KERNEL_NAME,
            output_path=None,
            progress_bar=False,
            log_output=False,
            execution_timeout=ZELLEN_ZEITLIMIT,
            kernel_cwd=str(auftrag.vorlage.parent.resolve()),
        )
        raise_for_execution_errors(nb, None)  # fügt im Fehlerfall die Fehlermarken ins nb ein
    except Exception as e:
        return ergebnis(
            ipynb=nbformat.writes(nb) if nb is not None else None, fehler=_fehlertext(e)
        )

    text = nbformat.writes(nb)
    try:
        html = exporter_laden(exporter)(nb, auftrag)
        if not isinstance(html, str):
            raise TypeError(f"Exporter lieferte {type(html).__name__} statt str")
    except Exception as e:
        return ergebnis(
            ipynb=text, fehler=_kurz(f"HTML-Export fehlgeschlagen: {type(e).__name__}: {e}")
        )
    if auftrag.ziel_pdf is None:
        return ergebnis(ipynb=text, html=html)
    pdf_start = time.perf_counter()
    try:
        pdf = drucken(html, auftrag, drucker)
    except Exception as e:
        return ergebnis(
            ipynb=text, fehler=_kurz(f"PDF fehlgeschlagen: {type(e).__name__}: {e}")
        )
    return ergebnis(ipynb=text, html=html, pdf=pdf,
                    pdf_sekunden=time.perf_counter() - pdf_start)


def drucken(html: str, auftrag: Auftrag, drucker: str | None) -> bytes:
    """Druckfassung der Seite → PDF im warmen Browser dieses Workers."""
    from analyse.batch import browser

    if drucker is None:
        raise ValueError("Für ein PDF fehlt der Drucker ('modul:funktion')")
    druckfassung = exporter_laden(drucker)(html, auftrag)
    if not isinstance(druckfassung, str):
        raise TypeError(f"Drucker lieferte {type(druckfassung).__name__} statt str")
    return browser.pdf(druckfassung)
