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


def ctrl_c_as_in_a_terminal() -> None:
    """In the child before it starts: SIGINT's default action, which a shell's background job (such as a
    suite started with ``&``) would otherwise pass on as ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def everything_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_interrupted_run_leaves_earlier_results_untouched(sig, slow_extractor, tmp_path):
    results = tmp_path / "results"
    earlier = bench("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=0",
                    "print_table=false")
    assert earlier.returncode == 0
    before = {p: (p / "scores.json").read_bytes() for p in result_folders(results)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", "run", *slow_extractor, f"results_dir={results}"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)}, preexec_fn=ctrl_c_as_in_a_terminal)
    assert process.stdout.readline().strip() == "extracting"
    time.sleep(0.2)
    process.send_signal(sig)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert {p: (p / "scores.json").read_bytes() for p in result_folders(results)} == before
    assert [p.parent.name for p in latest_runs(results)[0]] == ["rules"]
    if sig == signal.SIGKILL:        # nothing runs at a kill: the staging folder stays, hidden, until the next run
        assert [p.name[:12] for p in (results / "slow").iterdir()] == [".incomplete-"]
        assert bench("run", "extractor=rules", f"results_dir={results}", "run_name=slow",
                     "scoring.bootstrap_samples=0", "print_table=false").returncode == 0
        assert [p.name[:12] for p in (results / "slow").iterdir() if p.name.startswith(".")] == []
    else:
        assert "interrupted" in process.stderr.read()
        assert everything_under(results / "slow") == []


WRITE_THEN_WAIT = """
import sys, time
import bench.results

def slow_write(predictions, path):
    with open(path, "w", encoding="utf-8") as stream:
        stream.write('{"half": ')
        stream.flush()
    print("writing", flush=True)
    time.sleep(60)

bench.results.write_jsonl = slow_write
from bench.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_write_leaves_no_partial_folder(sig, tmp_path):
    results = tmp_path / "results"
    assert bench("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=0",
                 "print_table=false").returncode == 0
    before = everything_under(results)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITE_THEN_WAIT, "run", "extractor=rules", f"results_dir={results}",
         "scoring.bootstrap_samples=0", "print_table=false"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=ctrl_c_as_in_a_terminal)
    assert process.stdout.readline().strip() == "writing"       # predictions.jsonl is half written now
    process.send_signal(sig)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert "interrupted" in process.stderr.read()
    assert everything_under(results) == before


def test_a_staging_folder_left_by_a_kill_is_never_read(tmp_path):
    results = tmp_path / "results"
    assert bench("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=0",
                 "print_table=false").returncode == 0
    [complete] = result_folders(results)
    staging = complete.parent / ".incomplete-2099-01-01_00-00-00-1"     # as a SIGKILL mid-write leaves it
    staging.mkdir()
    (staging / "scores.json").write_text("{half")
    assert latest_runs(results)[0] == [complete]
    done = bench("compare", f"results_dir={results}", "--samples", "100", "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    assert Path(tmp_path / "cmp" / "leaderboard.md").is_file()


def test_compare_by_default_takes_only_runs_on_its_own_data(tmp_path):
    results = tmp_path / "results"
    for data, name in (("seeds", "on_seeds"), ("dev", "on_dev")):
        done = bench("run", "extractor=rules", f"data={data}", f"run_name={name}", f"results_dir={results}",
                     "scoring.bootstrap_samples=0", "print_table=false")
        assert done.returncode == 0, done.stderr
    assert [p.parent.name for p in latest_runs(results)[0]] == ["on_dev", "on_seeds"]
    done = bench("compare", f"results_dir={results}", "--samples", "100", "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    board = (tmp_path / "cmp" / "leaderboard.md").read_text()
    assert "on_seeds" in board and "on_dev" not in board
