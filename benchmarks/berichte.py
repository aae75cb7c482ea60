"""Benchmark: N gleiche Berichte naiv (papermill-CLI + nbconvert-CLI + PDF) gegen ``ausfuehren``.

Kein Test, ein Skript. Beispiele::

    # mit der Fixture (geht immer)
    .venv/bin/python benchmarks/berichte.py --n 40

    # mit der echten Vorlage und der Demostudie
    .venv/bin/analyse auswerten --daten daten --ausgabe /tmp/demo
    .venv/bin/python benchmarks/berichte.py --vorlage notebooks/bericht_kommune.ipynb \\
        --parameter ergebnisse=/tmp/demo/ergebnisse --ags 05999001,05999002 \\
        --exporter analyse.berichte.website:notebook_html

Ausgabe: Median Sekunden je Bericht (naiv), Sekunden je Bericht im Stapel (Wanduhr / N,
inklusive Kernel- und Browserstarts), der In-Prozess-Boden (Zellcode per ``exec`` ohne
Notebook-Technik), Spitzenspeicher (RSS des ganzen Prozessbaums) und als letzte Zeile
``speedup <naiv/stapel>``.

PDF (Standard, wo Chromium installiert ist; ``--ohne-pdf`` lässt es weg): Der Stapel druckt
jeden Bericht im warmen Browser seines Workers (Zeile ``pdf``: Median und Spanne der
PDF-Zeit je Bericht im Worker); der naive Weg macht dieselbe Arbeit wie ein Nutzer ohne dieses
Werkzeug: je Bericht papermill-CLI, nbconvert-CLI und dann ein neuer Chromium-Prozess, der die
HTML-Datei als PDF druckt (``--print-to-pdf``, kalt). Beide Wege mit denselben Sperren gegen
Anfragen nach außen.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

# benchmarks/analyse.py würde sonst das Paket ``analyse`` verdecken (sys.path[0] = Skriptordner)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

WURZEL = Path(__file__).resolve().parent.parent
FIXTURE = WURZEL / "tests" / "batch" / "fixtures" / "bericht.ipynb"


class Rechenzeit:
    """CPU-Sekunden (Nutzer + System) dieses Prozesses und aller beendeten Nachkommen.

    Unabhängiger von fremder Last als die Wanduhr: Auf einer geteilten Maschine wartet ein
    Bericht auf einen Kern, rechnet aber nicht mehr. Erfasst werden Prozesse, die innerhalb des
    Blocks enden und abgeholt werden (Worker, Kernel, Browser, CLI-Aufrufe)."""

    @staticmethod
    def _jetzt() -> float:
        s, k = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return s.ru_utime + s.ru_stime + k.ru_utime + k.ru_stime

    def __enter__(self) -> Rechenzeit:
        self.sekunden = 0.0
        self._start = self._jetzt()
        return self

    def __exit__(self, *exc) -> None:
        self.sekunden = self._jetzt() - self._start


class Speicher:
    """Spitzen-RSS des Prozessbaums (dieser Prozess + alle Nachkommen), alle 0,2 s gemessen."""

    def __init__(self) -> None:
        self.spitze = 0
        self._stop = threading.Event()
        self._faden = threading.Thread(target=self._messen, daemon=True)

    def _messen(self) -> None:
        ich = psutil.Process()
        while not self._stop.is_set():
            summe = 0
            with contextlib.suppress(psutil.Error):
                for p in [ich, *ich.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        summe += p.memory_info().rss
            self.spitze = max(self.spitze, summe)
            self._stop.wait(0.2)

    def __enter__(self) -> Speicher:
        self._faden.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._faden.join()


def _parameter(args, i: int) -> dict:
    p: dict = {}
    for eintrag in args.parameter:
        k, _, v = eintrag.partition("=")
        p[k] = v
    if args.ags:
        liste = args.ags.split(",")
        p["ags"] = liste[i % len(liste)]
    elif "ags" not in p:
        p["ags"] = f"{5999000 + i:08d}"
    return p


def pdf_kalt(html: Path, ziel: Path) -> None:
    """Wie ein Nutzer ohne dieses Werkzeug: ein neuer Chromium-Prozess je PDF."""
    from analyse.batch import browser

    befehl = [browser.programm(), *(a for a in browser._ARGUMENTE if a != "--remote-debugging-pipe"),
              "--no-pdf-header-footer", f"--print-to-pdf={ziel}", html.as_uri()]
    if os.geteuid() == 0:
        befehl.insert(1, "--no-sandbox")
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profil:
        befehl.insert(1, f"--user-data-dir={profil}")
        subprocess.run(befehl, check=True, capture_output=True, timeout=120)
    if not ziel.is_file():
        raise SystemExit(f"Chromium schrieb kein PDF: {ziel}")


def naiv(args, ordner: Path) -> list[float]:
    zeiten = []
    for i in range(args.naiv_n):
        ziel = ordner / f"naiv_{i:03d}.ipynb"
        befehl = [sys.executable, "-m", "papermill", str(args.vorlage), str(ziel), "-k", "python3"]
        befehl += ["--no-progress-bar", "--cwd", str(args.vorlage.parent)]
        for k, v in _parameter(args, i).items():
            befehl += ["-p", k, str(v)]
        start = time.perf_counter()
        subprocess.run(befehl, check=True, capture_output=True)
        subprocess.run(
            [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(ziel)],
            check=True,
            capture_output=True,
        )
        if args.pdf:
            pdf_kalt(ziel.with_suffix(".html"), ziel.with_suffix(".pdf"))
        zeiten.append(time.perf_counter() - start)
        print(f"  naiv {i + 1}/{args.naiv_n}: {zeiten[-1]:.2f} s", file=sys.stderr)
    return zeiten


def stapel(args, ordner: Path) -> tuple[float, object]:
    from analyse.batch import Auftrag, ausfuehren

    auftraege = [
        Auftrag(
            name=f"b{i:03d}",
            titel=f"Bericht {i}",
            vorlage=args.vorlage,
            parameter=_parameter(args, i),
            ziel_ipynb=ordner / f"b{i:03d}.ipynb",
            ziel_html=ordner / f"b{i:03d}.html",
            ziel_pdf=ordner / f"b{i:03d}.pdf" if args.pdf else None,
        )
        for i in range(args.n)
    ]
    start = time.perf_counter()
    z = ausfuehren(
        auftraege, parallel=args.parallel, neu=True, exporter=args.exporter, fortschritt=False
    )
    dauer = time.perf_counter() - start
    if not z.ok:
        raise SystemExit(f"Stapel mit Fehlern: {z.fehlgeschlagen}")
    start = time.perf_counter()
    z2 = ausfuehren(auftraege, parallel=args.parallel, exporter=args.exporter, fortschritt=False)
    return dauer, (time.perf_counter() - start, len(z2.uebersprungen)), z


def boden(args) -> list[float]:
    """Zellcode ohne Kernel/nbclient/nbconvert: exec in frischem Namensraum, Figuren als PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat

    nb = nbformat.read(args.vorlage, as_version=4)
    zellen = []
    for zelle in nb.cells:
        if zelle.cell_type != "code":
            continue
        zeilen = [z for z in zelle.source.splitlines() if not z.lstrip().startswith(("%", "!"))]
        ist_param = "parameters" in zelle.metadata.get("tags", [])
        zellen.append((compile("\n".join(zeilen), "<zelle>", "exec"), ist_param))

    def ein_bericht(i: int) -> None:
        from IPython.display import display

        ns = {"__name__": "__main__", "display": display}
        with contextlib.redirect_stdout(io.StringIO()):
            for code, ist_param in zellen:
                exec(code, ns)
                if ist_param:  # wie papermill: Parameter überschreiben die Vorgaben
                    ns.update(_parameter(args, i))
                for nummer in plt.get_fignums():  # wie das Inline-Backend: PNG je Figur
                    plt.figure(nummer).savefig(io.BytesIO(), format="png", bbox_inches="tight")
                plt.close("all")

    ein_bericht(0)  # Aufwärmen (Importe), nicht gemessen
    zeiten = []
    for i in range(args.n):
        start = time.perf_counter()
        ein_bericht(i)
        zeiten.append(time.perf_counter() - start)
    return zeiten


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=40, help="Berichte je Verfahren (Standard 40)")
    ap.add_argument("--naiv-n", type=int, default=None, help="nur so viele naiv (Standard: --n)")
    ap.add_argument("--vorlage", type=Path, default=None)
    ap.add_argument("--parameter", "-p", action="append", default=[], help="NAME=WERT (Text)")
    ap.add_argument("--ags", default="", help="kommagetrennte AGS, reihum verwendet")
    ap.add_argument("--parallel", type=int, default=os.cpu_count())
    ap.add_argument("--exporter", default="analyse.berichte.website:notebook_html")
    ap.add_argument("--ohne-naiv", action="store_true", help="naiven Lauf auslassen (kein speedup)")
    ap.add_argument("--ohne-pdf", dest="pdf", action="store_false",
                    help="keine PDFs (Standard: PDFs, wo Chromium installiert ist)")
    args = ap.parse_args()
    if args.pdf:
        from analyse.batch import browser

        if not browser.verfuegbar():
            print("Chromium fehlt: ohne PDF gemessen", file=sys.stderr)
            args.pdf = False
    if args.vorlage is None:
        args.vorlage = FIXTURE
    args.vorlage = args.vorlage.resolve()
    args.naiv_n = args.naiv_n or args.n

    print(
        f"Vorlage {args.vorlage.relative_to(WURZEL) if args.vorlage.is_relative_to(WURZEL) else args.vorlage}"
    )
    print(
        f"N = {args.n}, parallel = {args.parallel}, Kerne = {os.cpu_count()}, exporter = {args.exporter}, "
        f"pdf = {'ja' if args.pdf else 'nein'}"
    )
    last_vorher = os.getloadavg()[0]
    print(f"last        {last_vorher:.1f} (Load-Average über 1 min vor dem Lauf)")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp = Path(tmp)
        with Speicher() as sp_stapel, Rechenzeit() as cpu_stapel:
            dauer, (inkrementell, uebersprungen), z = stapel(args, tmp / "stapel")
        je_bericht = dauer / args.n
        print(
            f"stapel      {je_bericht:.3f} s/Bericht (Wanduhr {dauer:.1f} s / {args.n}, inkl. Kernel- "
            f"und Browserstarts{', mit PDF' if args.pdf else ''})"
        )
        if args.pdf:
            pz = sorted(z.pdf_sekunden.values())
            seiten = _seiten(tmp / "stapel" / "b000.pdf")
            print(
                f"pdf         {statistics.median(pz):.3f} s/Bericht im Worker (Median über {len(pz)}, "
                f"{pz[0]:.2f}–{pz[-1]:.2f} s, inkl. erstem Browserstart; {seiten} A4-Seiten)"
            )
        print(f"inkrementell {inkrementell:.2f} s für {uebersprungen} unveränderte Berichte")
        print(f"speicher    stapel Spitze {sp_stapel.spitze / 2**20:.0f} MiB (Prozessbaum)")

        bz = boden(args)
        b_med = statistics.median(bz)
        print(
            f"boden       {b_med:.3f} s/Bericht (Median, ein Prozess) = {b_med / args.parallel:.3f} s je Kern "
            f"bei {args.parallel} Kernen; stapel/boden-je-Kern = {je_bericht / (b_med / args.parallel):.2f}"
        )

        if args.ohne_naiv:
            return
        with Speicher() as sp_naiv, Rechenzeit() as cpu_naiv:
            nz = naiv(args, tmp / "naiv" if (tmp / "naiv").mkdir() is None else tmp)
        n_med = statistics.median(nz)
        print(
            f"naiv        {n_med:.3f} s/Bericht (Median über {len(nz)}; papermill-CLI + nbconvert-CLI"
            f"{' + Chromium kalt je PDF' if args.pdf else ''})"
        )
        print(f"speicher    naiv Spitze {sp_naiv.spitze / 2**20:.0f} MiB (Prozessbaum)")
        c_naiv, c_stapel = cpu_naiv.sekunden / len(nz), cpu_stapel.sekunden / args.n
        print(f"cpu         naiv {c_naiv:.2f} s/Bericht, stapel {c_stapel:.2f} s/Bericht "
              f"(Nutzer + System, Prozessbaum; Verhältnis {c_naiv / c_stapel:.1f}; "
              f"Last vorher/nachher {last_vorher:.1f}/{os.getloadavg()[0]:.1f})")
        print(json.dumps({"naiv": n_med, "stapel": je_bericht, "boden": b_med}), file=sys.stderr)
        print(f"speedup {n_med / je_bericht:.1f}")


def _seiten(pdf: Path) -> int | str:
    try:
        from pypdf import PdfReader
    except ImportError:
        return "?"
    return len(PdfReader(pdf).pages)


if __name__ == "__main__":
    main()
