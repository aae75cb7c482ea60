"""``ausfuehren``: prüfen, was veraltet ist, und nur das bauen – lokal parallel oder über Dask."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from analyse.batch.auftrag import Auftrag, Ergebnis, Zusammenfassung

STANDARD_EXPORTER = "analyse.berichte.website:notebook_html"
STANDARD_DRUCKER = "analyse.berichte.pdf:druckfassung"


def _eindeutig(auftraege: Sequence[Auftrag]) -> None:
    namen: set[str] = set()
    ziele: set[Path] = set()
    for a in auftraege:
        if a.name in namen:
            raise ValueError(f"Auftragsname doppelt: {a.name!r}")
        namen.add(a.name)
        for z in (a.ziel_ipynb, a.ziel_html, a.ziel_pdf):
            if z is None:
                continue
            z = Path(os.path.abspath(z))
            if z in ziele:
                raise ValueError(f"Ausgabedatei doppelt vergeben: {z}")
            ziele.add(z)


def ausfuehren(
    auftraege: Sequence[Auftrag],
    *,
    parallel: int | None = None,
    neu: bool = False,
    dask_adresse: str | None = None,
    exporter: str = STANDARD_EXPORTER,
    fortschritt: bool = True,
    drucker: str = STANDARD_DRUCKER,
) -> Zusammenfassung:
    """Baut alle veralteten Berichte und gibt eine Zusammenfassung zurück.

    ``parallel``: Anzahl Worker-Prozesse (Standard: ``os.cpu_count()``), jeder mit eigenem
    warmem Kernel; bei 1 läuft alles im aufrufenden Prozess. ``neu``: Prüfsummen ignorieren.
    ``dask_adresse``: statt lokal an diesen Dask-Scheduler schicken. ``exporter``:
    ``"modul:funktion"`` mit ``f(nb, auftrag) -> str`` (HTML), aufgelöst im Worker.
    ``drucker``: ebenso ``f(html, auftrag) -> str``, die Druckfassung für Aufträge mit
    ``ziel_pdf``; der Worker druckt sie in seinem warmen Browser (``browser.py``).
    Fehlschläge brechen den Lauf nicht ab; sie stehen in ``fehlgeschlagen``.
    """
    from analyse.batch import ausgabe, stand
    from analyse.batch.fortschritt import Fortschritt

    start = time.perf_counter()
    auftraege = list(auftraege)
    _eindeutig(auftraege)
    if parallel is not None and parallel < 1:
        raise ValueError("parallel muss mindestens 1 sein")

    staende = stand.Staende()
    summen, offen = _veraltete(auftraege, neu, exporter, drucker, staende)
    ergebnisse: dict[str, Ergebnis] = {}
    pdf_zeiten: dict[str, float] = {}

    def fertig(a: Auftrag, erg: Ergebnis) -> None:
        # Nur der Hauptprozess schreibt: erst die Dateien, dann das Manifest.
        try:
            ausgabe.schreiben(a, erg)
        except OSError as e:
            erg = Ergebnis(a.name, fehler=f"Schreiben fehlgeschlagen: {e}", sekunden=erg.sekunden)
        if erg.ok:
            staende.eintragen(a, summen[a.name])
        else:
            staende.entfernen(a)
        ergebnisse[a.name] = erg
        if erg.ok and erg.pdf_sekunden is not None:
            pdf_zeiten[a.name] = erg.pdf_sekunden
        balken.weiter(a.name, erg.ok)

    with Fortschritt(len(offen), aktiv=fortschritt) as balken:
        if offen:
            for a in offen:
                ausgabe.reste_entfernen(a)
            _verteilen(offen, (exporter, drucker), parallel, dask_adresse, fertig)

    z = _zusammenfassen(auftraege, {a.name for a in offen}, ergebnisse)
    z.sekunden = time.perf_counter() - start
    z.pdf_sekunden = pdf_zeiten
    return z


def _veraltete(auftraege: list[Auftrag], neu: bool, exporter: str, drucker: str, staende
               ) -> tuple[dict[str, str], list[Auftrag]]:
    """Prüfsummen der zu bauenden Aufträge und diese Aufträge (unveränderte fallen weg)."""
    from analyse.batch import stand

    cache: dict[Path, str] = {}
    summen: dict[str, str] = {}
    offen: list[Auftrag] = []
    for a in auftraege:
        summe = stand.pruefsumme(a, exporter, cache, drucker)
        if neu or not staende.aktuell(a, summe):
            summen[a.name] = summe
            offen.append(a)
    return summen, offen


def _verteilen(offen: list[Auftrag], exporter: tuple[str, str], parallel: int | None,
               dask_adresse: str | None, fertig) -> None:
    """Rendert die offenen Aufträge: auf Dask, im Prozess (ein Worker) oder im Prozesspool.

    ``exporter``: (HTML-Exporter, Drucker), wie ``rendern`` sie nimmt."""
    if dask_adresse:
        from analyse.batch.verteilt import ausfuehren_verteilt

        ausfuehren_verteilt(offen, exporter, dask_adresse, fertig)
        return
    n = min(parallel or os.cpu_count() or 1, len(offen))
    if n == 1:
        _im_prozess(offen, exporter, fertig)
    else:
        _im_pool(offen, exporter, n, fertig)


def _zusammenfassen(auftraege: list[Auftrag], offen: set[str],
                    ergebnisse: dict[str, Ergebnis]) -> Zusammenfassung:
    """Reihenfolge wie übergeben, unabhängig von der Fertigstellung."""
    z = Zusammenfassung()
    for a in auftraege:
        erg = ergebnisse.get(a.name)
        if a.name not in offen:
            z.uebersprungen.append(a.name)
        elif erg is None:
            continue
        elif erg.ok:
            z.erstellt.append(a.name)
        else:
            z.fehlgeschlagen[a.name] = erg.fehler or "unbekannter Fehler"
    return z


def _im_prozess(offen, exporter, fertig) -> None:
    from analyse.batch import browser
    from analyse.batch.kernel import alle_beenden
    from analyse.batch.worker import rendern

    try:
        for a in offen:
            fertig(a, rendern(a, *exporter))
    finally:
        alle_beenden()
        browser.alle_beenden()


def _im_pool(offen, exporter, n, fertig) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from analyse.batch.vorwaermen import rendern, vorwaermen

    # "spawn": kein Erben von Event-Loops/ZMQ-Kontexten des Elternprozesses.
    # vorwaermen: Worker (und damit ihre Kernel) enden, wenn dieser Prozess stirbt; Kernel,
    # Browser und Exporter starten gleichzeitig statt nacheinander beim ersten Bericht.
    mit_pdf = any(a.ziel_pdf is not None for a in offen)
    with ProcessPoolExecutor(
        max_workers=n, mp_context=multiprocessing.get_context("spawn"),
        initializer=vorwaermen, initargs=(exporter, mit_pdf),
    ) as pool:
        futures = {pool.submit(rendern, a, *exporter): a for a in offen}
        try:
            for future in as_completed(futures):
                a = futures[future]
                try:
                    erg = future.result()
                except Exception as e:  # Worker-Prozess gestorben (BrokenProcessPool) o. Ä.
                    erg = Ergebnis(
                        a.name, fehler=f"Worker-Prozess abgebrochen: {type(e).__name__}: {e}"
                    )
                fertig(a, erg)
        except BaseException:
            # Strg+C o. Ä.: nicht auf laufende Berichte warten; Worker beenden (ihre Kernel
            # und Browser folgen ihnen über an_eltern_binden bzw. PR_SET_PDEATHSIG)
            for f in futures:
                f.cancel()
            for prozess in list(getattr(pool, "_processes", {}).values()):
                prozess.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
