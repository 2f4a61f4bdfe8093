"""Bootstrap over sentences: confidence intervals and paired significance tests.

Both work on per-sentence (tp, fp, fn) counts, so a resample is a weighted sum of
count rows; the weights of many resamples are drawn at once (vectorised, seeded).
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from bench.scoring.metrics import prf

#: resamples drawn per block, so that memory stays bounded on large corpora
_BLOCK_CELLS = 20_000_000


def _resample_weights(n_units: int, samples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of (b, n_units) multiplicities: how often each unit is drawn in each resample."""
    rng = np.random.default_rng(seed)
    block = max(1, min(samples, _BLOCK_CELLS // max(n_units, 1)))
    done = 0
    while done < samples:
        b = min(block, samples - done)
        draws = rng.integers(0, n_units, size=(b, n_units))
        offsets = (np.arange(b) * n_units)[:, None]
        yield np.bincount((draws + offsets).ravel(), minlength=b * n_units).reshape(b, n_units)
        done += b


def bootstrap_interval(unit_counts: np.ndarray, samples: int = 1000, seed: int = 0,
                       confidence: float = 0.95) -> dict[str, list[float]]:
    """Percentile intervals of micro precision, recall and F1 from (n_units, 3) counts."""
    if samples <= 0 or len(unit_counts) == 0:
        return {}
    totals = np.vstack([w @ unit_counts for w in _resample_weights(len(unit_counts), samples, seed)])
    alpha = (1 - confidence) / 2
    return {name: [float(np.quantile(values, alpha)), float(np.quantile(values, 1 - alpha))]
            for name, values in zip(("precision", "recall", "f1"), prf(*totals.T))}


def paired_bootstrap(counts_a: np.ndarray, counts_b: np.ndarray, samples: int = 10_000,
                     seed: int = 0) -> dict[str, float]:
    """Paired bootstrap test of F1(A) - F1(B) over the same sentence units.

    The two-sided p-value is the share of resamples whose centred difference is at
    least as large as the observed one (Koehn 2004; Berg-Kirkpatrick et al. 2012),
    counted as (hits + 1) / (samples + 1) so that it is never an impossible 0.
    Identical systems give p = 1.
    """
    if counts_a.shape != counts_b.shape:
        raise ValueError("paired test needs counts over the same sentence units")
    observed = float(prf(*counts_a.sum(0))[2] - prf(*counts_b.sum(0))[2])
    deltas = []
    for w in _resample_weights(len(counts_a), samples, seed):
        deltas.append(prf(*(w @ counts_a).T)[2] - prf(*(w @ counts_b).T)[2])
    delta = np.concatenate(deltas)
    hits = int(np.sum(np.abs(delta - observed) >= abs(observed) - 1e-12))
    p_value = (hits + 1) / (samples + 1)
    return {"delta_f1": observed, "p_value": p_value, "samples": samples}
