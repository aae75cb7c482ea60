"""SVG gegen PNG für die Abbildungen der Berichte: Größe, Renderzeit je Bericht, Schärfe beim Zoom.

Kein Test. Ruft jede registrierte Abbildungsfunktion (``html.ABBILDUNGEN``) für den
Abschlussbericht und jede Referenzkommune auf, einmal mit ``BILDFORMAT = "png"`` und einmal mit
``"svg"``, und misst:

- Bytes der eingebetteten Bilder je Bericht (Base64, wie sie in der HTML-Seite stehen);
- Sekunden je Bericht für alle Abbildungen (Median über ``--wiederholungen``);
- Schärfe bei 400 % Zoom: Chromium (headless, ``--force-device-scale-factor=4``) rendert jedes
  Bild in seiner Anzeigegröße; gemessen wird die mittlere Kantenstärke (Sobel-Betrag) der
  Bildschirmaufnahme: je weicher (hochskaliertes Raster), desto kleiner.

    PYTHONPATH=src .venv/bin/python benchmarks/abbildungen.py --ergebnisse daten/ergebnisse
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import inspect
import pkgutil
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

# benchmarks/analyse.py würde sonst das Paket ``analyse`` verdecken (sys.path[0] = Skriptordner)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import analyse.berichte as paket  # noqa: E402
from analyse.berichte import html  # noqa: E402
from analyse.ergebnisse import laden  # noqa: E402

for _m in pkgutil.iter_modules(paket.__path__):
    importlib.import_module(f"analyse.berichte.{_m.name}")

BILD = re.compile(r'<img src="data:(image/[a-z+]+);base64,([^"]+)"[^>]*?width="(\d+)" '
                  r'height="(\d+)"|<img src="data:(image/[a-z+]+);base64,([^"]+)"')


def _berichte(erg) -> dict[str, list[tuple]]:
    """Bericht → Aufrufe (Funktion, Argumente) seiner Abbildungen."""
    berichte: dict[str, list[tuple]] = {"abschlussbericht": []}
    referenz = list(erg.kommunen.index[erg.kommunen["referenzkommune"]])
    for funktion in html.ABBILDUNGEN.values():
        if list(inspect.signature(funktion.__wrapped__).parameters) == ["erg"]:
            berichte["abschlussbericht"].append((funktion, (erg,)))
        else:
            for ags in referenz:
                berichte.setdefault(ags, []).append((funktion, (erg, ags)))
    return berichte


def messen(erg, wiederholungen: int) -> dict[str, dict[str, dict]]:
    """Format → Bericht → Messwerte. PNG und SVG wechseln sich je Wiederholung ab, damit
    beide dieselbe Last auf der Maschine sehen."""
    berichte = _berichte(erg)
    zeiten = {f: {b: [] for b in berichte} for f in ("png", "svg")}
    inhalt = {f: {} for f in ("png", "svg")}
    for _ in range(wiederholungen):
        for f in ("png", "svg"):
            html.BILDFORMAT = f
            for bericht, aufrufe in berichte.items():
                t = time.perf_counter()
                inhalt[f][bericht] = "".join(str(fn(*a)) for fn, a in aufrufe)
                zeiten[f][bericht].append(time.perf_counter() - t)
    aus: dict[str, dict[str, dict]] = {"png": {}, "svg": {}}
    for f in aus:
        for bericht in berichte:
            bilder = list(BILD.finditer(inhalt[f][bericht]))
            roh = "".join(m[2] or m[6] for m in bilder).encode("ascii")
            aus[f][bericht] = {"sekunden": statistics.median(zeiten[f][bericht]),
                               "bytes": len(roh), "gzip": len(gzip.compress(roh, 6)),
                               "bilder": bilder}
    return aus


def _schaerfe(bilder: list[re.Match], format_: str, chromium: str, ordner: Path) -> float:
    """Mittlere Sobel-Kantenstärke der Bildschirmaufnahmen bei 400 % Zoom (0–255)."""
    werte = []
    for i, m in enumerate(bilder):
        mime, daten = (m[1], m[2]) if m[1] else (m[5], m[6])
        breite = m[3] or ""
        seite = ordner / f"{format_}_{i}.html"
        groesse = f' width="{breite}"' if breite else ""
        seite.write_text(f'<html><body style="margin:0"><img src="data:{mime};base64,{daten}"'
                         f'{groesse}></body></html>', encoding="utf-8")
        aufnahme = ordner / f"{format_}_{i}.png"
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--force-device-scale-factor=4",
                        "--window-size=700,500", f"--screenshot={aufnahme}", seite.as_uri()],
                       capture_output=True, timeout=120, check=True)
        grau = np.asarray(Image.open(aufnahme).convert("L"), dtype=float)
        gx = np.abs(grau[1:-1, 2:] - grau[1:-1, :-2])
        gy = np.abs(grau[2:, 1:-1] - grau[:-2, 1:-1])
        kanten = np.hypot(gx, gy)
        werte.append(float(kanten[kanten > 8].mean()))  # nur Kantenpixel, keine Flächen
    return statistics.mean(werte)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ergebnisse", type=Path, default=Path("daten/ergebnisse"))
    p.add_argument("--wiederholungen", type=int, default=3)
    p.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    a = p.parse_args()
    erg = laden(a.ergebnisse)
    ergebnisse = messen(erg, a.wiederholungen)
    print("| Bericht | PNG KiB | SVG KiB | PNG KiB gzip | SVG KiB gzip | PNG s | SVG s |")
    print("|---|---|---|---|---|---|---|")
    for bericht in ergebnisse["png"]:
        png, svg = ergebnisse["png"][bericht], ergebnisse["svg"][bericht]
        print(f"| {bericht} | {png['bytes'] / 1024:.0f} | {svg['bytes'] / 1024:.0f} | "
              f"{png['gzip'] / 1024:.0f} | {svg['gzip'] / 1024:.0f} | "
              f"{png['sekunden']:.3f} | {svg['sekunden']:.3f} |")
    kommunen = [b for b in ergebnisse["png"] if b != "abschlussbericht"]
    for f in ("png", "svg"):
        print(f"{f}: Kommunenbericht im Median {statistics.median(ergebnisse[f][b]['bytes'] for b in kommunen) / 1024:.0f} KiB, "
              f"{statistics.median(ergebnisse[f][b]['sekunden'] for b in kommunen):.3f} s; "
              f"Abschlussbericht {ergebnisse[f]['abschlussbericht']['bytes'] / 1024:.0f} KiB, "
              f"{ergebnisse[f]['abschlussbericht']['sekunden']:.3f} s")
    if a.chromium:
        with tempfile.TemporaryDirectory() as tmp:
            for f in ("png", "svg"):
                bilder = ergebnisse[f]["abschlussbericht"]["bilder"] + \
                    ergebnisse[f][kommunen[0]]["bilder"]
                print(f"{f}: Kantenstärke bei 400 % Zoom {_schaerfe(bilder, f, a.chromium, Path(tmp)):.1f}"
                      f" (über {len(bilder)} Bilder)")
    else:
        print("Schärfe: kein Chromium gefunden, übersprungen")


if __name__ == "__main__":
    main()
