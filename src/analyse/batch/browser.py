"""Ein warmer Headless-Chromium je Worker: HTML → getaggtes A4-PDF über das DevTools-Protokoll.

Warum Chromium und nicht WeasyPrint: gemessen auf den Berichten der Demostudie (siehe
``docs/benchmarks.md``) braucht ein warmer Browser gut ein Drittel der Zeit je PDF, und er
setzt dieselben Druckregeln (``druck.css``: A4, Seitenzahlen, Kopfzeile in den Randboxen von
``@page``) um. Getaggt wird mit ``generateTaggedPDF`` (Struktur, ``/Lang`` aus ``<html lang>``,
``/Title`` aus ``<title>``).

Sicherheit und Aufräumen:

- Verbunden wird über ``--remote-debugging-pipe`` (Dateideskriptoren 3 und 4), nicht über
  einen TCP-Port: Es gibt nichts, womit sich ein anderer Prozess verbinden könnte.
- Keine Anfrage verlässt die Maschine: Jeder Hostname löst zu nichts auf
  (``--host-resolver-rules``), jede HTTP(S)-Anfrage geht an einen Proxy auf einem geschlossenen
  Port von 127.0.0.1, Hintergrunddienste (Updates, Metriken, Übersetzung …) sind aus. Die
  Druckseiten selbst sind ohnehin in sich geschlossen (CSS eingebettet, Bilder als ``data:``).
- Keine Waisen: Der Browser bekommt ``PR_SET_PDEATHSIG`` (SIGKILL, wenn der Worker endet);
  endet die Pipe, beendet Chromium sich auch selbst; ``alle_beenden`` räumt im geordneten Fall
  auf (``atexit`` und multiprocessing-Finalizer, wie beim warmen Kernel).
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analyse.batch.je_thread import JeThread

#: Programme, unter denen Chromium gesucht wird (Debian: ``chromium``).
PROGRAMME = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
STARTZEIT = 60  # Sekunden bis der Browser antworten muss
SEITENZEIT = 120  # Sekunden je PDF (Laden und Drucken)

#: A4 in Zoll (DevTools rechnet in Zoll); ``preferCSSPageSize`` lässt ``@page`` gewinnen.
A4_ZOLL = (8.27, 11.69)

_ARGUMENTE = (
    "--headless",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    "--no-pings",
    "--mute-audio",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions",
    # nichts verlässt die Maschine: kein Name löst auf, HTTP(S) nur an einen toten lokalen Port
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


_PRAEFIX = "analyse-browser-"


def reste_entfernen() -> None:
    """Profilordner von Browsern, deren Worker hart beendet wurde (SIGKILL), wegräumen.

    Der Ordnername trägt die PID des Workers; entfernt wird nur, was zu keinem lebenden
    Prozess mehr gehört, und nur Ordner mit genau diesem Namensmuster.
    """
    basis = Path(tempfile.gettempdir())
    for ordner in basis.glob(f"{_PRAEFIX}*-*"):
        pid = ordner.name[len(_PRAEFIX):].split("-", 1)[0]
        if not pid.isdigit() or not ordner.is_dir() or ordner.is_symlink():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(ordner, ignore_errors=True)
        except PermissionError:
            continue


class BrowserFehler(RuntimeError):
    """Chromium fehlt, startete nicht oder antwortete nicht rechtzeitig."""


def programm() -> str | None:
    """Pfad des Chromium-Programms oder None (``ANALYSE_CHROMIUM`` geht vor)."""
    eigen = os.environ.get("ANALYSE_CHROMIUM")
    if eigen:
        return eigen if os.access(eigen, os.X_OK) else None
    for name in PROGRAMME:
        pfad = shutil.which(name)
        if pfad:
            return pfad
    return None


def verfuegbar() -> bool:
    return programm() is not None


def _kind_vorbereiten(lesen: int, schreiben: int) -> None:
    """Im Kindprozess vor ``exec``: Pipe-Enden auf 3/4 legen, an den Worker binden."""
    a = fcntl.fcntl(lesen, fcntl.F_DUPFD_CLOEXEC, 10)
    b = fcntl.fcntl(schreiben, fcntl.F_DUPFD_CLOEXEC, 10)
    os.dup2(a, 3)
    os.dup2(b, 4)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    os.setsid()  # eigene Prozessgruppe: beenden trifft auch Renderer und Zygote


class WarmerBrowser:
    """Ein laufender Chromium mit einem Tab, der über viele PDFs hinweg lebt."""

    def __init__(self) -> None:
        self.prozess: subprocess.Popen | None = None
        self._an: int | None = None  # wir → Chromium (dort fd 3)
        self._von: int | None = None  # Chromium → wir (dort fd 4)
        self._puffer = b""
        self._id = 0
        self._ereignisse: list[dict] = []
        self._sitzung: str | None = None
        self._ordner: str | None = None
        self.starts = 0

    @property
    def laeuft(self) -> bool:
        return self.prozess is not None and self.prozess.poll() is None

    # -- Lebenszyklus -------------------------------------------------------------------------
    def starten(self) -> None:
        self.anstossen()
        self.verbinden()

    def anstossen(self) -> None:
        """Startet den Chromium-Prozess, ohne auf ihn zu warten (``verbinden`` wartet)."""
        exe = programm()
        if exe is None:
            raise BrowserFehler("Chromium ist nicht installiert (Debian: apt-get install chromium)")
        reste_entfernen()
        self._ordner = tempfile.mkdtemp(prefix=f"{_PRAEFIX}{os.getpid()}-")
        kind_lesen, self._an = os.pipe()
        self._von, kind_schreiben = os.pipe()
        argv = [exe, *_ARGUMENTE, f"--user-data-dir={self._ordner}/profil"]
        if os.geteuid() == 0:
            argv.append("--no-sandbox")  # als root startet Chromium sonst nicht (CI, Container)
        argv.append("about:blank")
        try:
            self.prozess = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, pass_fds=(3, 4),
                preexec_fn=lambda: _kind_vorbereiten(kind_lesen, kind_schreiben),  # noqa: PLW0108
            )
        except OSError as e:
            self.beenden()
            raise BrowserFehler(f"Chromium startete nicht: {e}") from e
        finally:
            os.close(kind_lesen)
            os.close(kind_schreiben)

    def verbinden(self) -> None:
        """Wartet auf den angestoßenen Browser und öffnet den Tab für die PDFs."""
        try:
            ziel = self.befehl("Target.createTarget", {"url": "about:blank"}, zeit=STARTZEIT)
            self._sitzung = self.befehl("Target.attachToTarget",
                                        {"targetId": ziel["targetId"], "flatten": True})["sessionId"]
            self.befehl("Page.enable", sitzung=self._sitzung)
        except Exception:
            self.beenden()
            raise
        self.starts += 1

    def beenden(self) -> None:
        prozess, self.prozess = self.prozess, None
        for fd in (self._an, self._von):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._an = self._von = None
        self._puffer, self._ereignisse, self._sitzung = b"", [], None
        if prozess is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(prozess.pid, signal.SIGTERM)
            try:
                prozess.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(prozess.pid, signal.SIGKILL)
                prozess.wait(timeout=5)
        if self._ordner:
            shutil.rmtree(self._ordner, ignore_errors=True)
            self._ordner = None

    # -- Protokoll ----------------------------------------------------------------------------
    def _lesen(self, frist: float) -> dict:
        while b"\0" not in self._puffer:
            rest = frist - time.monotonic()
            if rest <= 0:
                raise BrowserFehler("Chromium antwortete nicht rechtzeitig")
            bereit, _, _ = select.select([self._von], [], [], rest)
            if bereit:
                block = os.read(self._von, 1 << 20)
                if not block:
                    raise BrowserFehler("Chromium hat die Verbindung beendet")
                self._puffer += block
        nachricht, _, self._puffer = self._puffer.partition(b"\0")
        return json.loads(nachricht)

    def befehl(self, methode: str, parameter: dict | None = None, *, sitzung: str | None = None,
               zeit: float = SEITENZEIT) -> dict:
        """Schickt einen DevTools-Befehl und wartet auf seine Antwort (Ereignisse werden gemerkt)."""
        if self._an is None:
            raise BrowserFehler("Browser läuft nicht")
        self._id += 1
        nachricht = {"id": self._id, "method": methode, "params": parameter or {}}
        if sitzung:
            nachricht["sessionId"] = sitzung
        daten = json.dumps(nachricht).encode() + b"\0"
        while daten:
            daten = daten[os.write(self._an, daten):]
        frist = time.monotonic() + zeit
        while True:
            antwort = self._lesen(frist)
            if antwort.get("id") == self._id:
                if "error" in antwort:
                    raise BrowserFehler(f"{methode}: {antwort['error'].get('message')}")
                return antwort.get("result", {})
            if "method" in antwort:
                self._ereignisse.append(antwort)

    def _warten_auf(self, ereignis: str, frist: float) -> None:
        while True:
            for i, e in enumerate(self._ereignisse):
                if e.get("method") == ereignis and e.get("sessionId") == self._sitzung:
                    del self._ereignisse[: i + 1]
                    return
            antwort = self._lesen(frist)
            if "method" in antwort:
                self._ereignisse.append(antwort)

    # -- Benutzung ----------------------------------------------------------------------------
    def pdf(self, html: str) -> bytes:
        """Druckt eine in sich geschlossene HTML-Seite als getaggtes PDF (A4, Maße aus ``@page``)."""
        if not self.laeuft:
            self.starten()
        elif self._sitzung is None:
            self.verbinden()  # angestoßen (``vorwaermen``), aber noch nicht verbunden
        assert self._ordner is not None
        seite = Path(self._ordner, "seite.html")
        seite.write_text(html, encoding="utf-8")
        frist = time.monotonic() + SEITENZEIT
        self._ereignisse.clear()
        self.befehl("Page.navigate", {"url": seite.as_uri()}, sitzung=self._sitzung)
        self._warten_auf("Page.loadEventFired", frist)
        breite, hoehe = A4_ZOLL
        antwort = self.befehl("Page.printToPDF", {
            "paperWidth": breite, "paperHeight": hoehe, "preferCSSPageSize": True,
            "printBackground": True, "generateTaggedPDF": True,
            "generateDocumentOutline": True, "displayHeaderFooter": False,
        }, sitzung=self._sitzung, zeit=max(1.0, frist - time.monotonic()))
        return base64.b64decode(antwort["data"])


# -- ein Browser je Thread (wie der warme Kernel) ------------------------------------------------
_je_thread: JeThread[WarmerBrowser] = JeThread(WarmerBrowser)


def browser_fuer_thread() -> WarmerBrowser:
    """Der warme Browser des aufrufenden Threads (startet beim ersten PDF)."""
    return _je_thread.holen()


def pdf(html: str) -> bytes:
    """HTML → PDF im warmen Browser dieses Threads; nach einem Fehler einmal frisch versuchen."""
    b = browser_fuer_thread()
    try:
        return b.pdf(html)
    except (BrowserFehler, OSError, ValueError):
        b.beenden()
        return b.pdf(html)


def alle_beenden() -> None:
    _je_thread.alle_beenden()
