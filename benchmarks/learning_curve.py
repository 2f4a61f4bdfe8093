"""Learning curve of the sklearn extractor: F1 on a held-out document against the number of training documents.

    python benchmarks/learning_curve.py OUT.png [--subsets 5] [--seed 0] [--no-baseline] [key=value ...]

Each gold document is held out in turn; the extractor is fitted on n = 1, 2, ..., all
other gold documents (every subset of size n when there are at most --subsets of them,
else --subsets distinct subsets drawn with a seeded random generator) and scored on
the held-out document alone with ``bench.scoring.score``: trigger classification (TC)
and argument classification (AC) F1, exact spans. No model is ever scored on a
document whose gold it was fitted on. For each n the script prints the mean and
standard deviation of F1 over all (held-out document, subset) fits, and the F1 of
their pooled counts, and plots the means with one standard deviation around them;
with the baseline, the spaCy extractor (lexicon and parse rules, no training) scored
on the same documents is drawn as a dashed line of the same kind (mean F1 over the
documents).

Settings come from the Hydra configs as for ``python -m bench run extractor=sklearn``:
``key=value`` overrides (``extractor.trigger.C=0.5``, ``data.gold_dir=...``); the spaCy
model is ``extractor.model``, by default $BENCH_SPACY_MODEL, else de_core_news_sm.
"""
from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from hydra import compose, initialize_config_dir  # noqa: E402
from hydra.utils import instantiate  # noqa: E402

from bench.extractors.base import Extractor  # noqa: E402
from bench.corpus import load_data  # noqa: E402
from bench.schema import PROJECT_ROOT, Document, EventMention  # noqa: E402
from bench.scoring import prf, score  # noqa: E402

LEVELS = ("TC", "AC")


def training_sets(others: list[str], size: int, subsets: int, rng: random.Random) -> list[tuple[str, ...]]:
    """Every subset of ``size`` of ``others`` if there are at most ``subsets``, else ``subsets`` distinct ones
    drawn at random."""
    if math.comb(len(others), size) <= subsets:
        return list(itertools.combinations(others, size))
    chosen: set[tuple[str, ...]] = set()
    while len(chosen) < subsets:
        chosen.add(tuple(sorted(rng.sample(others, size))))
    return sorted(chosen)


def held_out_counts(extractor: Extractor, document: Document, gold: list[EventMention]) -> dict[str, tuple]:
    """(tp, fp, fn) of each level for one document, from a fitted extractor."""
    scores = score(gold, extractor.extract(document), {document.id: document}, levels=LEVELS, modes=["exact"],
                   bootstrap_samples=0)
    return {level: tuple(scores["levels"]["exact"][level][k] for k in ("tp", "fp", "fn")) for level in LEVELS}


def learning_curve(extractor: Extractor, documents: dict[str, Document], gold: dict[str, list[EventMention]],
                   subsets: int = 5, seed: int = 0) -> list[dict]:
    """One row per fit: held-out document, training documents, and the held-out (tp, fp, fn) per level."""
    rng = random.Random(seed)
    rows = []
    for held_out in sorted(gold):
        others = [d for d in sorted(gold) if d != held_out]
        for size in range(1, len(others) + 1):
            for training in training_sets(others, size, subsets, rng):
                extractor.fit([documents[d] for d in training], {d: gold[d] for d in training})
                rows.append({"held_out": held_out, "training": training,
                             **held_out_counts(extractor, documents[held_out], gold[held_out])})
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Per number of training documents: fits, mean and sd of F1, and F1 of the pooled counts, per level."""
    table = []
    for size in sorted({len(r["training"]) for r in rows}):
        group = [r for r in rows if len(r["training"]) == size]
        entry = {"size": size, "fits": len(group)}
        for level in LEVELS:
            f1 = [100 * prf(*r[level])[2] for r in group]
            entry[level] = (float(np.mean(f1)), float(np.std(f1)),
                            100 * prf(*np.sum([r[level] for r in group], axis=0))[2])
        table.append(entry)
    return table


def baseline(documents: dict[str, Document], gold: dict[str, list[EventMention]], model: str) -> dict[str, float]:
    """Mean F1 per level over the gold documents of the spaCy extractor, which is not trained."""
    from bench.extractors.spacy_extractor import SpacyExtractor

    extractor = SpacyExtractor(model=model)
    counts = [held_out_counts(extractor, documents[d], gold[d]) for d in sorted(gold)]
    return {level: float(np.mean([100 * prf(*c[level])[2] for c in counts])) for level in LEVELS}


def plot(table: list[dict], reference: dict[str, float] | None, path: Path, title: str) -> None:
    figure, axis = plt.subplots(figsize=(7, 4.5))
    sizes = [e["size"] for e in table]
    for level, colour, name in (("TC", "tab:blue", "trigger classification (TC)"),
                                ("AC", "tab:orange", "argument classification (AC)")):
        mean = np.array([e[level][0] for e in table])
        sd = np.array([e[level][1] for e in table])
        axis.plot(sizes, mean, marker="o", color=colour, label=f"sklearn: {name}")
        axis.fill_between(sizes, mean - sd, mean + sd, color=colour, alpha=0.15)
        if reference:
            axis.axhline(reference[level], color=colour, linestyle="--", linewidth=1,
                         label=f"spaCy extractor, untrained: {level}")
    axis.set_xticks(sizes)
    axis.set_xlabel("training documents")
    axis.set_ylabel("F1 on the held-out document, exact spans (%)")
    axis.set_ylim(0, 100)
    axis.set_title(title, fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="lower right")
    figure.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(figure)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the PNG file to write")
    parser.add_argument("--subsets", type=int, default=5, help="training subsets per size and held-out document")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true", help="leave out the untrained spaCy extractor")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="Hydra config overrides")
    options = parser.parse_intermixed_args(argv)
    if options.subsets < 1:
        parser.error("--subsets must be at least 1")
    with initialize_config_dir(config_dir=str(PROJECT_ROOT / "configs"), version_base="1.3"):
        cfg = compose(config_name="config", overrides=["extractor=sklearn", *options.overrides])
    documents, gold = load_data(cfg.data)
    if len(gold) < 2:
        parser.error("a learning curve needs two or more gold documents")
    started = time.perf_counter()
    rows = learning_curve(instantiate(cfg.extractor), documents, gold, options.subsets, options.seed)
    table = summary(rows)
    reference = None if options.no_baseline else baseline(documents, gold, cfg.extractor.model)
    print(f"{len(rows)} fits on {len(gold)} held-out documents in {time.perf_counter() - started:.0f} s; "
          f"F1 (%) on the held-out document, exact spans: mean ± sd over fits, and F1 of the pooled counts")
    print(f"{'training docs':>13} {'fits':>5}   {'TC mean ± sd':>14} {'TC pooled':>9}   "
          f"{'AC mean ± sd':>14} {'AC pooled':>9}")
    for e in table:
        print(f"{e['size']:>13} {e['fits']:>5}   {e['TC'][0]:>7.1f} ± {e['TC'][1]:>4.1f} {e['TC'][2]:>9.1f}   "
              f"{e['AC'][0]:>7.1f} ± {e['AC'][1]:>4.1f} {e['AC'][2]:>9.1f}")
    if reference:
        print(f"spaCy extractor, untrained, mean over the documents: TC {reference['TC']:.1f}, "
              f"AC {reference['AC']:.1f}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    plot(table, reference, options.out, f"sklearn extractor, leave-one-document-out learning curve "
                                        f"({len(gold)} documents, up to {options.subsets} subsets per size)")
    print(f"plot: {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
