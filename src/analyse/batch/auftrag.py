"""Datenklassen eines Berichtslaufs: was zu bauen ist und was dabei herauskam."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Auftrag:
    """Ein Bericht: Vorlage + Parameter → ausgeführtes Notebook + HTML-Seite (+ PDF).

    ``ziel_pdf``: wo die PDF-Fassung der Seite hin soll; ``None`` = kein PDF.
    """

    name: str
    titel: str
    vorlage: Path
    parameter: dict
    ziel_ipynb: Path
    ziel_html: Path
    eingaben: tuple[Path, ...] = ()
    ziel_pdf: Path | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(
                f"Ungültiger Auftragsname {self.name!r}: erlaubt sind 1–64 Zeichen A–Z, a–z, 0–9, _ und -"
            )
        # Pfade normalisieren, damit str/Path gleichermaßen gehen und die Prüfsumme stabil ist
        object.__setattr__(self, "vorlage", Path(self.vorlage))
        object.__setattr__(self, "ziel_ipynb", Path(self.ziel_ipynb))
        object.__setattr__(self, "ziel_html", Path(self.ziel_html))
        object.__setattr__(self, "eingaben", tuple(Path(p) for p in self.eingaben))
        if self.ziel_pdf is not None:
            object.__setattr__(self, "ziel_pdf", Path(self.ziel_pdf))
        try:
            json.dumps(self.parameter, sort_keys=True)
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"Parameter von {self.name!r} sind nicht JSON-serialisierbar: {e}"
            ) from e

    @property
    def fehler_ipynb(self) -> Path:
        """Hier bleibt das teilweise ausgeführte Notebook eines fehlgeschlagenen Berichts."""
        return self.ziel_ipynb.with_name(f"{self.ziel_ipynb.stem}.fehler.ipynb")


@dataclass
class Ergebnis:
    """Was ein Worker für einen Auftrag zurückgibt (Inhalte statt Dateien, siehe ``ausgabe``)."""

    name: str
    ipynb: str | None = None  # ausgeführtes Notebook (JSON-Text), auch bei Fehlern, falls vorhanden
    html: str | None = None
    pdf: bytes | None = None
    fehler: str | None = None  # kurzer deutscher Fehlertext; None = Erfolg
    sekunden: float = 0.0
    pdf_sekunden: float | None = None  # davon: Druckfassung und PDF (None = kein PDF)

    @property
    def ok(self) -> bool:
        return self.fehler is None


@dataclass
class Zusammenfassung:
    """Ergebnis eines ganzen Laufs."""

    erstellt: list[str] = field(default_factory=list)
    uebersprungen: list[str] = field(default_factory=list)
    fehlgeschlagen: dict[str, str] = field(default_factory=dict)
    sekunden: float = 0.0
    pdf_sekunden: dict[str, float] = field(default_factory=dict)  # je erstelltem PDF

    @property
    def ok(self) -> bool:
        return not self.fehlgeschlagen
