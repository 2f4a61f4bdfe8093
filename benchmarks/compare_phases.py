"""Where ``python -m bench compare`` spends its time: its phases on the runs of a rules sweep.

    python benchmarks/compare_phases.py [--runs 4 8] [--data gnad]

For each number of runs N, a sweep of N rules runs (argument windows 1 to N) on the data is
compared in this process through the command line's own entry point (10,000 resamples per
paired test), with each phase's function wrapped in a timer: reading the runs, the
leaderboard frames, the paired tests of every pair, the per-type intervals, the plots and
the HTML pages. Results go to a temporary folder.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench.reports.compare
import bench.reports.leaderboard
import bench.reports.plots
import bench.reports.runs
from bench.__main__ import main as bench_main
from bench.paths import PROJECT_ROOT
from score_phases import timed_phases

PHASES = {"load_runs": bench.reports.runs, "leaderboard_frame": bench.reports.leaderboard,
          "significance_frame": bench.reports.leaderboard, "per_type_frame": bench.reports.leaderboard,
          "per_type_f1": bench.reports.plots, "precision_recall": bench.reports.plots,
          "type_confusion": bench.reports.plots, "run_report": bench.reports.compare,
          "comparison_report": bench.reports.compare}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="*", default=[4, 8], help="runs per comparison")
    parser.add_argument("--data", default="gnad", help="the data config the runs are scored on")
    options = parser.parse_args()
    spent = timed_phases(PHASES)
    print(f"\n| runs | pairs | {' s | '.join(PHASES)} s | total s |\n|{'---:|' * (len(PHASES) + 3)}", flush=True)
    for n in options.runs:
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp) / "results"
            windows = ",".join(str(w) for w in range(1, n + 1))
            subprocess.run([sys.executable, "-m", "bench", "run", "-m", "extractor=rules", f"extractor.window={windows}",
                            f"data={options.data}", f"results_dir={results}", "print_table=false", "progress=false"],
                           cwd=PROJECT_ROOT, check=True, capture_output=True)
            spent.update(dict.fromkeys(spent, 0.0))
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                status = bench_main(["compare", f"results_dir={results}", f"data={options.data}", "progress=false",
                                     "--out", str(Path(tmp) / "comparison"), "--sweep"])
            total = time.perf_counter() - started
        if status != 0:
            raise SystemExit(f"bench compare failed with status {status}")
        print(f"| {n} | {n * (n - 1) // 2} | {' | '.join(f'{s:.2f}' for s in spent.values())} | {total:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
