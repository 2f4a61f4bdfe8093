"""Real runs and a comparison of them, shared by the report test modules (tables, plots, pages)."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from conftest import cli

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run_and_compare(results: Path, runs: dict[str, list[str]], *compare_args: str) -> tuple[Path, str]:
    """Each of ``runs`` (name -> overrides) run with the rules extractor, then compared into results/comparison."""
    for name, overrides in runs.items():
        done = cli("run", "extractor=rules", f"run_name={name}", f"results_dir={results}", "print_table=false",
                   *overrides)
        assert done.returncode == 0, done.stderr
    out = results / "comparison"
    folders = sorted(p.parent for p in results.glob("*/*/scores.json") if not p.parent.name.startswith("."))
    done = cli("compare", *map(str, folders), f"results_dir={results}", "--out", str(out), *compare_args)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def scores_of(out: Path, name: str) -> dict:
    """The scores.json of the compared run ``name``."""
    [path] = (out.parent / name).glob("*/scores.json")
    return json.loads(path.read_text(encoding="utf-8"))


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    assert path, "the HTML report tests need Chromium: apt-get install chromium (.ci/run installs it)"
    return path


def browse(page: Path, *flags: str) -> subprocess.CompletedProcess:
    """Chromium, headless with a fresh profile, on ``page`` with ``flags`` (--dump-dom, --screenshot=...)."""
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags, page.as_uri()],
                              capture_output=True, text=True, timeout=180)
