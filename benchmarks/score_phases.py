"""Where ``python -m bench score`` spends its time: its phases on the synthetic corpora of scorer_throughput.py.

    python benchmarks/score_phases.py [--sizes 100000 1000000]

For each size the corpus is written as files (as in the end-to-end rows of
scorer_throughput.py) and scored in this process through the command line's own entry
point, with each phase's function wrapped in a timer: documents, gold, predictions,
alignment, scoring (1,000 bootstrap resamples), the data fingerprint, and writing the
result folder.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import io
import sys
import tempfile
import time
from pathlib import Path

import bench.align
import bench.corpus
import bench.results
import bench.scoring
from bench.__main__ import main as bench_main
from scorer_throughput import score_arguments, synthetic, write_corpus

PHASES = {"load_documents": bench.corpus, "read_annotations": bench.corpus, "read_jsonl": bench.corpus,
          "align": bench.align, "score": bench.scoring, "data_fingerprint": bench.corpus,
          "write_jsonl": bench.corpus, "publish": bench.results}


def timed_phases(phases: dict) -> dict[str, float]:
    """Wrap each phase's function (name -> the module that defines it), wherever a module of the package
    holds it, in a timer; the returned dict fills with the seconds spent in each."""
    spent = dict.fromkeys(phases, 0.0)
    for name, module in phases.items():
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - started

        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__name__", "").startswith("bench") and getattr(loaded, name, None) is original:
                setattr(loaded, name, timed)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000], help="gold mentions")
    sizes = parser.parse_args().sizes
    spent = timed_phases(PHASES)
    print(f"\n| gold mentions | {' s | '.join(PHASES)} s | total s |\n|{'---:|' * (len(PHASES) + 2)}", flush=True)
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_corpus(folder, *synthetic(n))
            spent.update(dict.fromkeys(spent, 0.0))
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                status = bench_main([*score_arguments(folder), "progress=false"])
            total = time.perf_counter() - started
        if status != 0:
            raise SystemExit(f"bench score failed with status {status}")
        print(f"| {n:,} | {' | '.join(f'{s:.2f}' for s in spent.values())} | {total:.2f} |", flush=True)


if __name__ == "__main__":
    main()
