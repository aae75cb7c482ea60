"""Die Schichten des Pakets (import-linter, Verträge in pyproject.toml): läuft mit ``make test``
und damit in der CI, nicht nur in ``make lint``."""

import subprocess
import sys
from pathlib import Path

WURZEL = Path(__file__).resolve().parents[1]


def test_schichtenvertraege_gehalten():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(lint_imports), str(WURZEL / "pyproject.toml"), "--no-cache"], cwd=WURZEL, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken" in r.stdout
