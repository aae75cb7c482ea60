"""Headless-Chromium über das DevTools-Protokoll (CDP), für die Browserprüfungen der Website.

Transport: ``websocket-client`` (gepflegt, synchron). Darüber liegt nur, was die Prüfungen
brauchen: Befehle mit Antwort, gesammelte Ereignisse, Seite laden, Skript auswerten. Chromium
lauscht nur auf 127.0.0.1 (Port vom System gewählt, aus ``DevToolsActivePort`` gelesen) und hat
ein eigenes, leeres Profil; Hintergrunddienste (Updates, Sync, Safe Browsing) sind aus.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import websocket

ZEIT = 60.0  # Sekunden für einen Befehl oder das Laden einer Seite

SCHALTER = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--metrics-recording-only",
    "--safebrowsing-disable-auto-update", "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
    "--hide-scrollbars", "--mute-audio",
)


class CdpFehler(RuntimeError):
    pass


def chromium_programm() -> str | None:
    """Pfad zu Chromium (Debian: ``chromium``), sonst ``None``."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        pfad = shutil.which(name)
        if pfad:
            return pfad
    return None


class Browser:
    """Ein Chromium-Prozess mit genau einer Seite (Tab), gesteuert über CDP."""

    def __init__(self, programm: str):
        self._profil = Path(tempfile.mkdtemp(prefix="analyse-chromium-"))
        self._prozess = subprocess.Popen(
            [programm, *SCHALTER, f"--user-data-dir={self._profil}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            self._ws = websocket.create_connection(self._adresse(), timeout=ZEIT,
                                                   suppress_origin=True)
            self._id = 0
            self.ereignisse: list[dict] = []
            ziel = self.befehl("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._sitzung = self.befehl("Target.attachToTarget",
                                        {"targetId": ziel, "flatten": True})["sessionId"]
            for domaene in ("Page", "Network", "Runtime"):
                self.seite(f"{domaene}.enable")
        except BaseException:
            self.schliessen()
            raise

    def _adresse(self) -> str:
        datei = self._profil / "DevToolsActivePort"
        ende = time.monotonic() + ZEIT
        while time.monotonic() < ende:
            if self._prozess.poll() is not None:
                raise CdpFehler(f"Chromium endete sofort: {self._prozess.stderr.read().decode()[-2000:]}")
            if datei.is_file():
                zeilen = datei.read_text().split()
                if len(zeilen) == 2:
                    return f"ws://127.0.0.1:{zeilen[0]}{zeilen[1]}"
            time.sleep(0.05)
        raise CdpFehler("Chromium meldet keinen DevTools-Port")

    def befehl(self, methode: str, params: dict | None = None, sitzung: str | None = None) -> dict:
        self._id += 1
        nachricht = {"id": self._id, "method": methode, "params": params or {}}
        if sitzung:
            nachricht["sessionId"] = sitzung
        self._ws.send(json.dumps(nachricht))
        while True:
            antwort = json.loads(self._ws.recv())
            if antwort.get("id") == self._id:
                if "error" in antwort:
                    raise CdpFehler(f"{methode}: {antwort['error']}")
                return antwort.get("result", {})
            if "method" in antwort:
                self.ereignisse.append(antwort)

    def seite(self, methode: str, params: dict | None = None) -> dict:
        """Ein Befehl an die Seite (Tab)."""
        return self.befehl(methode, params, self._sitzung)

    def warten_auf(self, methode: str, ab: int) -> dict:
        """Wartet auf ein Ereignis der Seite, das nach ``ereignisse[ab]`` eintrifft."""
        ende = time.monotonic() + ZEIT
        while True:
            for e in self.ereignisse[ab:]:
                if e["method"] == methode and e.get("sessionId") == self._sitzung:
                    return e
            if time.monotonic() > ende:
                raise CdpFehler(f"kein {methode} nach {ZEIT:.0f} s")
            self._ws.settimeout(max(0.1, ende - time.monotonic()))
            nachricht = json.loads(self._ws.recv())
            if "method" in nachricht:
                self.ereignisse.append(nachricht)

    def laden(self, url: str, breite: int = 1280, hoehe: int = 900) -> None:
        """Lädt ``url`` bei der Fensterbreite ``breite`` (CSS-px) bis zum load-Ereignis."""
        self.seite("Emulation.setDeviceMetricsOverride",
                   {"width": breite, "height": hoehe, "deviceScaleFactor": 1, "mobile": False})
        ab = len(self.ereignisse)
        antwort = self.seite("Page.navigate", {"url": url})
        if antwort.get("errorText"):
            raise CdpFehler(f"{url}: {antwort['errorText']}")
        self.warten_auf("Page.loadEventFired", ab)

    def breite_setzen(self, breite: int, hoehe: int = 900) -> None:
        self.seite("Emulation.setDeviceMetricsOverride",
                   {"width": breite, "height": hoehe, "deviceScaleFactor": 1, "mobile": False})

    def auswerten(self, ausdruck: str, warten: bool = False):
        """Wertet JavaScript in der Seite aus und gibt den Wert (JSON) zurück."""
        antwort = self.seite("Runtime.evaluate", {"expression": ausdruck, "returnByValue": True,
                                                  "awaitPromise": warten})
        if "exceptionDetails" in antwort:
            raise CdpFehler(f"Skriptfehler: {antwort['exceptionDetails']}")
        return antwort["result"].get("value")

    def anfragen(self, ab: int = 0) -> list[str]:
        """URLs aller Anfragen der Seite seit ``ereignisse[ab]``."""
        return [e["params"]["request"]["url"] for e in self.ereignisse[ab:]
                if e["method"] == "Network.requestWillBeSent"]

    def skriptfehler(self, ab: int = 0) -> list[str]:
        return [e["params"]["exceptionDetails"].get("text", "") for e in self.ereignisse[ab:]
                if e["method"] == "Runtime.exceptionThrown"]

    def schliessen(self) -> None:
        ws = getattr(self, "_ws", None)
        if ws is not None:
            with contextlib.suppress(Exception):  # Chromium ist vielleicht schon weg
                self.befehl("Browser.close")
            ws.close()
        try:
            self._prozess.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._prozess.kill()
            self._prozess.wait()
        self._prozess.stderr.close()
        shutil.rmtree(self._profil, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_) -> None:
        self.schliessen()
