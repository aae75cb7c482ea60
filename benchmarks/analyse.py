"""Benchmark: der ganze Analyseschritt (Typen mit Stabilität, Reifegrad mit Unsicherheit).

Aufruf: ``python benchmarks/analyse.py [anzahl] [--nur-methoden]``. Standard: eine Demostudie
(``analyse.demo``, zwei Wellen) wird geschrieben und der ganze Schritt
``analyse.pipeline.auswerten`` gemessen (Prüfung, Reifegrad mit Monte-Carlo-Unsicherheit,
Kommunentypen mit Bootstrap-Stabilität, Empfehlungen, Roadmaps, OZG, Speichern). Mit
``--nur-methoden`` nur Kommunentypen und Reifegrad auf simulierten Daten, je Schritt getrennt. Ziel: < 30 s Wandzeit
für 11.000 Kommunen auf 2 Kernen. Gibt Sekunden und Spitzenspeicher (RSS) aus.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

# Dieses Skript heißt wie das Paket: seinen Ordner aus dem Suchpfad nehmen, sonst importiert
# ``import analyse`` das Skript selbst.
_HIER = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HIER]


def _spitze_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def simuliert(anzahl: int) -> dict[str, float]:
    from analyse.demo import simulation
    from analyse.eingabe.studie import Studie
    from analyse.methoden import kommunentypen, reifegrad

    studie = Studie(titel="Benchmark", verband="Benchmark",
                    wellen=[{"id": 2024, "bezeichnung": "1"}, {"id": 2026, "bezeichnung": "2"}])
    fb = simulation.beispiel_fragebogen()
    prototypen = simulation.beispiel_prototypen()
    katalog = simulation.katalog_aus(prototypen)
    antworten = simulation.antworten(anzahl, fb, studie.welle_ids, seed=1)
    ziele, _ = simulation.ziele_mit_typen(anzahl, prototypen, rauschen=0.9, seed=2)
    zeiten = {}
    start = time.perf_counter()
    reifegrad.berechnen(antworten, fb, studie.reifegrad, studie.seed)
    zeiten["reifegrad"] = time.perf_counter() - start
    t = time.perf_counter()
    typ = kommunentypen.typisieren(ziele, katalog, studie.kommunentypen, studie.seed)
    zeiten["kommunentypen"] = time.perf_counter() - t
    zeiten["gesamt"] = time.perf_counter() - start
    print(typ.modell.erklaerung)
    return zeiten


def pipeline(anzahl: int) -> dict[str, float]:
    from analyse import demo
    from analyse import pipeline as pl

    with tempfile.TemporaryDirectory() as tmp:
        daten = Path(tmp) / "daten"
        demo.schreiben(daten, anzahl=anzahl)
        start = time.perf_counter()
        pl.auswerten(pl.Pfade(daten, Path(tmp) / "aus"))
        return {"auswerten (ganzer Schritt)": time.perf_counter() - start} | {
            "gesamt": time.perf_counter() - start}


def main() -> None:
    argumente = [a for a in sys.argv[1:] if not a.startswith("--")]
    anzahl = int(argumente[0]) if argumente else 11_000
    zeiten = simuliert(anzahl) if "--nur-methoden" in sys.argv else pipeline(anzahl)
    for name, sekunden in zeiten.items():
        print(f"{name}: {sekunden:.1f} s")
    print(f"Kommunen: {anzahl}; Spitzenspeicher: {_spitze_mib():.0f} MiB; "
          f"Ziel < 30 s: {'erreicht' if zeiten['gesamt'] < 30 else 'VERFEHLT'}")


if __name__ == "__main__":
    main()
