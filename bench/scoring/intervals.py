"""Bootstrap over sentences: confidence intervals and paired significance tests.

Both work on per-sentence (tp, fp, fn) counts, so a resample is a weighted sum of
count rows; the weights of many resamples are drawn at once (vectorised, seeded).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from bench.scoring.metrics import prf

#: resamples drawn per block, so that memory stays bounded on large corpora
_BLOCK_CELLS = 20_000_000


def _resample_weights(n_units: int, samples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of (b, n_units) multiplicities: how often each unit is drawn in each resample.

    They are floats, so that weighting counts is a BLAS product; sums of whole numbers below
    2**53 are exact, so the totals equal those of integer arithmetic."""
    rng = np.random.default_rng(seed)
    block = max(1, min(samples, _BLOCK_CELLS // max(n_units, 1)))
    done = 0
    while done < samples:
        b = min(block, samples - done)
        draws = rng.integers(0, n_units, size=(b, n_units))
        draws += (np.arange(b) * n_units)[:, None]
        multiplicities = np.bincount(draws.ravel(), minlength=b * n_units)
        del draws
        yield multiplicities.reshape(b, n_units).astype(np.float64)
        done += b


def bootstrap_intervals(unit_counts: Sequence[np.ndarray], samples: int = 1000, seed: int = 0,
                        confidence: float = 0.95) -> list[dict[str, list[float]]]:
    """Percentile intervals of micro precision, recall and F1 of each (n_units, 3) count table over the
    same units (the levels and modes of one run). The resamples are drawn once for all tables; each
    table gets the interval it would get alone."""
    if samples <= 0 or not unit_counts or len(unit_counts[0]) == 0:
        return [{} for _ in unit_counts]
    stacked = np.hstack(unit_counts).astype(np.float64)
    totals = np.vstack([w @ stacked for w in _resample_weights(len(stacked), samples, seed)])
    alpha = (1 - confidence) / 2
    intervals = []
    for k in range(len(unit_counts)):
        values = prf(*totals[:, 3 * k:3 * k + 3].T)
        intervals.append({name: [float(np.quantile(v, alpha)), float(np.quantile(v, 1 - alpha))]
                          for name, v in zip(("precision", "recall", "f1"), values)})
    return intervals


def paired_bootstrap(counts_a: np.ndarray, counts_b: np.ndarray, samples: int = 10_000,
                     seed: int = 0) -> dict[str, float]:
    """Paired bootstrap test of F1(A) - F1(B) over the same sentence units.

    The two-sided p-value is the share of resamples whose centred difference is at
    least as large as the observed one (Koehn 2004; Berg-Kirkpatrick et al. 2012),
    counted as (hits + 1) / (samples + 1) so that it is never an impossible 0.
    Identical systems give p = 1.
    """
    return paired_bootstraps([(counts_a, counts_b)], samples, seed)[0]


def paired_bootstraps(pairs: Sequence[tuple[np.ndarray, np.ndarray]], samples: int = 10_000,
                      seed: int = 0) -> list[dict[str, float]]:
    """``paired_bootstrap`` of each pair of (n_units, 3) count tables over the same units, the resamples
    drawn once for all pairs (each pair gets the test it would get alone)."""
    if not pairs:
        return []
    if any(a.shape != b.shape or len(a) != len(pairs[0][0]) for a, b in pairs):
        raise ValueError("paired test needs counts over the same sentence units")
    stacked = np.hstack([table for pair in pairs for table in pair]).astype(np.float64)    # pair k: 6k..6k+6
    observed = [float(prf(*a.sum(0))[2] - prf(*b.sum(0))[2]) for a, b in pairs]
    deltas = [[] for _ in pairs]
    for w in _resample_weights(len(stacked), samples, seed):
        totals = w @ stacked
        for k, pair_deltas in enumerate(deltas):
            pair_deltas.append(prf(*totals[:, 6 * k:6 * k + 3].T)[2] - prf(*totals[:, 6 * k + 3:6 * k + 6].T)[2])
    tests = []
    for delta, difference in zip(deltas, observed):
        delta = np.concatenate(delta)
        hits = int(np.sum(np.abs(delta - difference) >= abs(difference) - 1e-12))
        tests.append({"delta_f1": difference, "p_value": (hits + 1) / (samples + 1), "samples": samples})
    return tests
