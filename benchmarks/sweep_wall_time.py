"""Wall time of a four-run sweep, serially (Hydra's basic launcher) and on the joblib launcher.

    python benchmarks/sweep_wall_time.py [--workers 2] [--runs "extractor=rules,spacy scoring.seed=0,1"]
                                         [--corpus-sentences 3000]

The default sweep is the rules extractor with four argument windows; pass --runs to
sweep other extractors (the spaCy extractor needs BENCH_SPACY_MODEL or an installed
pipeline). With --corpus-sentences N the runs extract from documents of 50 sentences
each made from the first N lines of the unannotated German sentences (not scored),
so that each run does real work. Results go to a temporary folder.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sweep(overrides: list[str], results: Path, launcher: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench", "run", "-m", *overrides, *launcher, f"results_dir={results}",
                    "print_table=false"], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def corpus(folder: Path, sentences: int) -> list[str]:
    """Documents of 50 sentences from the unannotated corpus; the overrides that select them."""
    lines = (ROOT.parent / "shared" / "data" / "german-sentences" / "germeval2014.txt").read_text(
        encoding="utf-8").splitlines()[:sentences]
    folder.mkdir(parents=True)
    for start in range(0, len(lines), 50):
        (folder / f"doc{start // 50:04d}.txt").write_text("\n".join(lines[start:start + 50]) + "\n", encoding="utf-8")
    return [f"data.documents_dir={folder}", f"data.gold_dir={folder / 'no_gold'}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", default="extractor=rules extractor.window=3,6,9,12",
                        help="the sweep's overrides (four runs by default)")
    parser.add_argument("--corpus-sentences", type=int, default=0)
    options = parser.parse_args()
    overrides = options.runs.split()
    with tempfile.TemporaryDirectory() as folder:
        if options.corpus_sentences:
            overrides += corpus(Path(folder) / "corpus", options.corpus_sentences)
        serial = sweep(overrides, Path(folder) / "serial", [])
        joblib = sweep(overrides, Path(folder) / "joblib",
                       ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={options.workers}"])
        runs = len(list((Path(folder) / "joblib").glob("*/*/scores.json")))
    print(f"sweep: {' '.join(overrides)} ({runs} runs)")
    print(f"serial (basic launcher):        {serial:6.1f} s")
    print(f"joblib launcher, {options.workers} workers:     {joblib:6.1f} s   ({serial / joblib:.2f}x)")


if __name__ == "__main__":
    main()
