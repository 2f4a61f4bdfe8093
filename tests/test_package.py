"""The wheel: built from the checkout, installed into a fresh virtual environment, run from an empty folder."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from bench.schema import PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment holding the wheel; the libraries it needs come from this
    environment through a path file (no download), the checkout is not on its path."""
    root = tmp_path_factory.mktemp("package")
    # built with this environment's setuptools (a dev dependency): an isolated build would install it anew
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(PROJECT_ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(root)], check=True, capture_output=True)
    wheel = next(root.glob("bench-*.whl"))
    env = root / "env"
    venv.create(env)
    python = env / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    libraries = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "libraries.pth").write_text("\n".join(sorted(libraries)) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "-q", str(wheel)], check=True, capture_output=True)
    return env


def in_empty_folder(env: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BENCH_SPACY_MODEL")}
    return subprocess.run(args, cwd=work, env=clean, capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_the_data_and_no_benchmarks_package(installed):
    wheel = next(installed.parent.glob("bench-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("bench/data/configs/config.yaml", "bench/data/annotations/ontology.yaml",
                    "bench/data/annotations/guidelines.md", "bench/data/configs/prompts/system.txt",
                    "bench/data/seeds/", "bench/data/annotations/gold/", "bench/data/annotations/gnad/gold/"):
        assert any(name.startswith(shipped) for name in names), shipped
    assert not any(name.startswith(("benchmarks/", "tests/")) for name in names)


def test_the_installed_package_runs_from_an_empty_folder(installed, tmp_path):
    bench = str(installed / "bin" / "bench")
    version = in_empty_folder(installed, tmp_path, bench, "--version")
    assert version.returncode == 0 and version.stdout.startswith("bench "), version.stderr
    run = in_empty_folder(installed, tmp_path, bench, "run", "extractor=rules", "scoring.bootstrap_samples=20")
    assert run.returncode == 0, run.stderr
    folders = list((tmp_path / "work" / "results" / "rules").iterdir())
    assert len(folders) == 1 and (folders[0] / "scores.json").is_file()
    where = in_empty_folder(installed, tmp_path, str(installed / "bin" / "python"), "-c",
                            "import bench.api, bench.paths; print(bench.api.__file__, bench.paths.IN_CHECKOUT)")
    module, in_checkout = where.stdout.split()
    assert module.startswith(str(installed)) and in_checkout == "False"

    score = in_empty_folder(installed, tmp_path, bench, "score", f"pred={folders[0] / 'predictions.jsonl'}",
                            "name=again", "scoring.bootstrap_samples=20")
    assert score.returncode == 0, score.stderr
    again = next((tmp_path / "work" / "results" / "again").iterdir())
    first = json.loads((folders[0] / "scores.json").read_text())
    assert json.loads((again / "scores.json").read_text())["levels"] == first["levels"]

    code = (f"import bench; print(bench.evaluate({str(folders[0] / 'predictions.jsonl')!r}, "
            "bootstrap_samples=20).f1('TC', 'exact'))")
    api = in_empty_folder(installed, tmp_path, str(installed / "bin" / "python"), "-c", code)
    assert api.returncode == 0 and float(api.stdout) == first["levels"]["exact"]["TC"]["f1"], api.stderr
