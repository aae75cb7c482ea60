"""Hilfen für die Tests (kein conftest, damit sie importierbar sind)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BOESE = "<script>alert(1)</script>"
ANALYSE = [sys.executable, "-m", "analyse"]


def analyse_lauf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*ANALYSE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)
