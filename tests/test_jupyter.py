"""Die Werkbank der Forschenden: Jupyter Server (der Unterbau von JupyterLab, ``make jupyter``)
startet headless auf Loopback, führt jedes Erkundungsnotebook aus ``notebooks/`` über seine
REST- und Kernel-API aus und endet sauber, ohne Prozesse zu hinterlassen.

Der Weg ist derselbe wie in JupyterLab: Notebook über die Contents-API lesen, eine Sitzung
(``/api/sessions``) mit dem Kernel des Projekts öffnen, Zellen über den Websocket-Kanal des
Kernels ausführen, Sitzung schließen, Server über ``/api/shutdown`` beenden.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest
import websocket
from hilfen import analyse_lauf

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
VORLAGEN = {"bericht_kommune.ipynb", "abschlussbericht.ipynb"}
KERNEL = "python3"  # der Kernel des Projekts (make umgebung: "Python 3 (analyse)")
ZEITLIMIT = 120

pytestmark = pytest.mark.langsam


class Server:
    """Ein Jupyter Server auf 127.0.0.1 mit Token, Wurzel ``notebooks/``."""

    def __init__(self, wurzel: Path, laufzeit: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        umgebung = {**os.environ, "JUPYTER_RUNTIME_DIR": str(laufzeit)}
        laufzeit.mkdir(parents=True, exist_ok=True)
        self.protokoll = laufzeit.parent / "jupyter_server.log"
        self.prozess = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--ServerApp.root_dir={wurzel}",
             f"--IdentityProvider.token={self.token}",
             f"--MappingKernelManager.default_kernel_name={KERNEL}",
             "--allow-root"],  # in Containern läuft CI oft als root
            env=umgebung, stdout=subprocess.DEVNULL, stderr=(datei := self.protokoll.open("wb")))
        datei.close()  # der Server hat seine eigene Kopie des Dateideskriptors

    def rest(self, methode: str, pfad: str, daten: dict | None = None) -> dict | list | None:
        anfrage = urllib.request.Request(
            self.url + pfad, method=methode,
            data=None if daten is None else json.dumps(daten).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(anfrage, timeout=30) as antwort:
            text = antwort.read()
        return json.loads(text) if text else None

    def warten(self) -> None:
        ende = time.monotonic() + ZEITLIMIT
        while time.monotonic() < ende:
            if self.prozess.poll() is not None:
                raise RuntimeError("Jupyter Server beendet:\n" + self.ende_des_protokolls())
            try:
                self.rest("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise TimeoutError("Jupyter Server antwortet nicht")

    def ende_des_protokolls(self) -> str:
        return self.protokoll.read_text(encoding="utf-8", errors="replace")[-3000:]

    def beenden(self) -> int:
        """Über die REST-API beenden (wie „Shut Down“ in JupyterLab); Exit-Code des Servers."""
        try:
            self.rest("POST", "/api/shutdown")
        except (urllib.error.URLError, ConnectionError):
            self.prozess.terminate()  # antwortet nicht mehr: dann per Signal
        try:
            return self.prozess.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.prozess.kill()
            raise


class Kernelkanal:
    """Der Websocket-Kanal eines Kernels (Jupyter-Nachrichtenprotokoll über JSON)."""

    def __init__(self, server: Server, kernel_id: str):
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels",
            header=[f"Authorization: token {server.token}"], timeout=ZEITLIMIT)
        self.sitzung = uuid.uuid4().hex

    def ausfuehren(self, code: str) -> list[dict]:
        """Führt ``code`` aus; gibt die Fehler zurück (leer: Zelle lief ohne Fehler)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": self.sitzung, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        fehler, antwort, leerlauf = [], None, False
        while antwort is None or not leerlauf:
            n = json.loads(self.ws.recv())
            if n.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            art = n["header"]["msg_type"]
            if art == "error":
                fehler.append(n["content"])
            elif art == "execute_reply":
                antwort = n["content"]
                if antwort["status"] != "ok":
                    fehler.append(antwort)
            elif art == "status" and n["content"]["execution_state"] == "idle":
                leerlauf = True
        return fehler

    def schliessen(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def ergebnisse(kleine_studie_vorlage, tmp_path_factory) -> Path:
    basis = tmp_path_factory.mktemp("jupyter")
    lauf = analyse_lauf("auswerten", "--daten", str(kleine_studie_vorlage), "--ausgabe",
                        str(basis / "aus"), cwd=basis)
    assert lauf.returncode == 0, lauf.stdout + lauf.stderr
    return basis / "aus" / "ergebnisse"


def _code(zelle: dict) -> str:
    return "".join(zelle["source"]) if isinstance(zelle["source"], list) else zelle["source"]


def test_erkundungsnotebooks_laufen_im_jupyter_server(ergebnisse, tmp_path):
    server = Server(NOTEBOOKS, tmp_path / "laufzeit")
    prozesse: list[psutil.Process] = []
    try:
        server.warten()
        inhalt = server.rest("GET", "/api/contents/")["content"]
        erkunden = sorted(e["name"] for e in inhalt
                          if e["type"] == "notebook" and e["name"] not in VORLAGEN)
        assert erkunden == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")
                                  if p.name not in VORLAGEN)
        ausgefuehrt = {}
        for name in erkunden:
            nb = server.rest("GET", f"/api/contents/{name}?content=1")["content"]
            sitzung = server.rest("POST", "/api/sessions", {
                "path": name, "type": "notebook", "name": name, "kernel": {"name": KERNEL}})
            prozesse += psutil.Process(server.prozess.pid).children(recursive=True)
            kanal = Kernelkanal(server, sitzung["kernel"]["id"])
            try:
                zellen = 0
                for zelle in nb["cells"]:
                    if zelle["cell_type"] != "code":
                        continue
                    fehler = kanal.ausfuehren(_code(zelle))
                    assert not fehler, f"{name}: {fehler[0].get('ename')}: " \
                                       f"{fehler[0].get('evalue')}\n{_code(zelle)}"
                    zellen += 1
                    if "parameters" in zelle["metadata"].get("tags", []):
                        # wie papermill: eingespielte Parameter nach der Parameterzelle
                        assert not kanal.ausfuehren(f"ergebnisse = {str(ergebnisse)!r}")
                # Gegenprobe: ein Fehler im Notebook fiele auf
                fehler = kanal.ausfuehren("1 / 0")
                assert fehler and fehler[0]["ename"] == "ZeroDivisionError"
                ausgefuehrt[name] = zellen
            finally:
                kanal.schliessen()
                server.rest("DELETE", f"/api/sessions/{sitzung['id']}")
        assert server.rest("GET", "/api/kernels") == []
        assert all(n > 0 for n in ausgefuehrt.values()) and set(ausgefuehrt) == set(erkunden)
    finally:
        code = server.beenden()
    assert code == 0, server.ende_des_protokolls()
    # keine Prozesse übrig: weder Server noch Kernel
    _, lebend = psutil.wait_procs(prozesse, timeout=10)
    assert not lebend, [p.cmdline() for p in lebend]
    assert not list((tmp_path / "laufzeit").glob("kernel-*.json"))
