"""What ``python -m afus serve`` does before Streamlit starts: the pages' modules loaded, then frozen out of garbage collection."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_afus_modules(path: Path) -> set[str]:
    """The ``afus`` modules a script imports at its top level."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("afus"):
            if node.module == "afus":
                found |= {f"afus.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("afus")}
    return found


def test_the_pages_modules_are_loaded_and_frozen_before_the_server_starts():
    script = (
        "import gc, json, sys; from afus import ui; ui.freeze_startup_objects();"
        "print(json.dumps([gc.get_freeze_count(), sorted(m for m in sys.modules if m.startswith('afus'))]))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    frozen, loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert frozen > 100_000  # Streamlit, pandas and the app: what a full collection no longer visits
    wanted = set().union(*(imported_afus_modules(p) for p in [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]))
    assert wanted and wanted <= set(loaded), sorted(wanted - set(loaded))
