"""Start eines Worker-Prozesses: Kernel, Browser und Exporter gleichzeitig hochfahren (und
``rendern`` für den Pool, ohne den Worker-Code im Hauptprozess zu laden).

Ohne das startet ein Worker alles nacheinander, wenn der erste Bericht kommt: erst die eigenen
Importe (nbconvert, Exporter), dann den Kernel (numpy, pandas, matplotlib), dann beim ersten
PDF den Browser – je Worker gut 6 CPU-Sekunden, die bei 2 Workern und 16 Berichten fast so viel
kosten wie die Berichte selbst (``docs/benchmarks.md``). Hier werden Kernel und Browser nur
angestoßen, der Worker lädt derweil seine Module, und erst dann wird auf beide gewartet.
Schlägt dabei etwas fehl, bleibt es beim bisherigen Weg: Kernel und Browser starten beim
ersten Bericht (mit derselben Fehlermeldung wie sonst).
"""

from __future__ import annotations

import contextlib
import sys

from analyse.batch.waisen import an_eltern_binden

#: Module, die ein Worker beim Import nicht braucht. ``jsonschema`` (über nbformat) lädt
#: ``rfc3987_syntax`` nur für die Formate „iri“ und „iri-reference“ und übersetzt dabei 39
#: Lark-Grammatiken (0,8 CPU-Sekunden je Prozess); nbformat prüft keine Formate.
NICHT_LADEN = ("rfc3987_syntax",)


def vorwaermen(exporter: tuple[str, str], mit_pdf: bool) -> None:
    """Initializer des Prozesspools: an den Elternprozess binden, dann alles vorwärmen."""
    an_eltern_binden()
    for modul in NICHT_LADEN:
        if modul not in sys.modules:
            sys.modules[modul] = None  # type: ignore[assignment]  # Import scheitert → übersprungen
    from analyse.batch import browser
    from analyse.batch.export import exporter_laden
    from analyse.batch.kernel import kernel_fuer_thread

    kernel = kernel_fuer_thread()
    b = browser.browser_fuer_thread() if mit_pdf and browser.verfuegbar() else None
    try:
        kernel.anstossen()
    except Exception:  # noqa: BLE001 – der erste Bericht startet ihn erneut und meldet den Fehler
        kernel.beenden()
    if b is not None:
        try:
            b.anstossen()
        except Exception:  # noqa: BLE001 – ebenso beim ersten PDF
            b.beenden()
    with contextlib.suppress(Exception):
        import analyse.batch.worker  # noqa: F401 – papermill, nbformat
        for pfad in exporter:
            exporter_laden(pfad)
    # Beide räumen bei einem Fehler selbst auf; der erste Bericht versucht es dann erneut und
    # meldet den Fehler wie ohne Vorwärmen.
    with contextlib.suppress(Exception):
        kernel.fertig_starten()
    if b is not None:
        with contextlib.suppress(Exception):
            b.verbinden()


def rendern(auftrag, exporter: str, drucker: str | None = None):
    """``worker.rendern`` für den Prozesspool, ohne es im Hauptprozess zu importieren.

    Der Hauptprozess übergibt nur diese Funktion; papermill, nbformat und jsonschema
    (gut 1 CPU-Sekunde, vor dem Start der Worker) lädt so nur der Worker."""
    from analyse.batch.worker import rendern as im_worker

    return im_worker(auftrag, exporter, drucker)
