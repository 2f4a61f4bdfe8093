"""Interrupted runs leave no result that compare would read, and earlier results stay as they were."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import plugin_extractor

from bench.reports.runs import latest_runs
from bench.schema import PROJECT_ROOT
from test_harness import bench, result_folders


@pytest.fixture
def slow_extractor(tmp_path):
    """An extractor that announces it started, then takes its time: a window for the signal."""
    return plugin_extractor(tmp_path, "slow_pkg", '''
        import time
        from bench.extractors.base import Extractor

        class Slow(Extractor):
            def extract(self, document):
                print("extracting", flush=True)
                time.sleep(60)
                return []
        ''', "slow", "_target_: slow_pkg.Slow\n")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_run_leaves_earlier_results_untouched(sig, slow_extractor, tmp_path):
    results = tmp_path / "results"
    earlier = bench("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=0",
                    "print_table=false")
    assert earlier.returncode == 0
    before = {p: (p / "scores.json").read_bytes() for p in result_folders(results)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", "run", *slow_extractor, f"results_dir={results}"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert process.stdout.readline().strip() == "extracting"
    time.sleep(0.2)
    process.send_signal(sig)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert {p: (p / "scores.json").read_bytes() for p in result_folders(results)} == before
    assert not (results / "slow").exists() or not any((results / "slow").iterdir())
    assert [p.parent.name for p in latest_runs(results)] == ["rules"]


def test_a_staging_folder_left_by_a_kill_is_never_read(tmp_path):
    results = tmp_path / "results"
    assert bench("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=0",
                 "print_table=false").returncode == 0
    [complete] = result_folders(results)
    staging = complete.parent / ".incomplete-2099-01-01_00-00-00-1"     # as a SIGKILL mid-write leaves it
    staging.mkdir()
    (staging / "scores.json").write_text("{half")
    assert latest_runs(results) == [complete]
    done = bench("compare", f"results_dir={results}", "--samples", "100", "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    assert Path(tmp_path / "cmp" / "leaderboard.md").is_file()


def test_compare_by_default_takes_only_runs_on_its_own_data(tmp_path):
    results = tmp_path / "results"
    for data, name in (("seeds", "on_seeds"), ("dev", "on_dev")):
        done = bench("run", "extractor=rules", f"data={data}", f"run_name={name}", f"results_dir={results}",
                     "scoring.bootstrap_samples=0", "print_table=false")
        assert done.returncode == 0, done.stderr
    assert [p.parent.name for p in latest_runs(results)] == ["on_dev", "on_seeds"]
    done = bench("compare", f"results_dir={results}", "--samples", "100", "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    board = (tmp_path / "cmp" / "leaderboard.md").read_text()
    assert "on_seeds" in board and "on_dev" not in board
