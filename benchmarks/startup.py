"""Start-up: the wall time of a whole ``python -m bench run extractor=rules`` beside importing numpy and pandas.

    python benchmarks/startup.py [--repeats 5]

Both are whole processes started from the project root; each figure is the median of
``--repeats`` runs. The run writes its result folder into a temporary folder.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from bench.paths import PROJECT_ROOT


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    with tempfile.TemporaryDirectory() as results:
        run = [sys.executable, "-m", "bench", "run", "extractor=rules", f"results_dir={results}"]
        imports = [sys.executable, "-c", "import numpy, pandas"]
        times = {"run": [], "imports": []}
        for _ in range(repeats):                    # interleaved, so that a busy moment hits both
            times["run"].append(wall(run))
            times["imports"].append(wall(imports))
    run_s, imports_s = statistics.median(times["run"]), statistics.median(times["imports"])
    print(f"python -m bench run extractor=rules: {run_s:.2f} s (median of {repeats})")
    print(f"python -c 'import numpy, pandas':    {imports_s:.2f} s (median of {repeats})")
    print(f"ratio: {run_s / imports_s:.2f}")


if __name__ == "__main__":
    main()
