"""One-to-one matching of predicted items to gold items.

An item is a row of integer key columns (document, event type, role: whatever must
be equal) and one or more character spans (start, end pairs). Exact mode needs equal
keys and equal spans; lenient mode needs equal keys and every span overlapping, and
chooses among candidates a maximum one-to-one assignment, preferring larger overlap.
Each gold and each prediction is used at most once, so duplicates are false positives.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

NO_MATCH = -1


def match(gold_keys: np.ndarray, gold_spans: np.ndarray, pred_keys: np.ndarray,
          pred_spans: np.ndarray, lenient: bool) -> tuple[np.ndarray, np.ndarray]:
    """Index of the matched partner for every gold and every prediction (NO_MATCH if none).

    ``*_keys`` have shape (n, k), ``*_spans`` shape (n, 2 * m): start, end of m spans.
    Spans with a negative start (unaligned text) never match.
    """
    gold_partner = np.full(len(gold_keys), NO_MATCH, dtype=np.int64)
    pred_partner = np.full(len(pred_keys), NO_MATCH, dtype=np.int64)
    if len(gold_keys) == 0 or len(pred_keys) == 0:
        return gold_partner, pred_partner
    if lenient:
        _match_overlapping(gold_keys, gold_spans, pred_keys, pred_spans, gold_partner, pred_partner)
    else:
        usable = (pred_spans[:, 0::2] >= 0).all(axis=1)
        rows_gold = np.hstack([gold_keys, gold_spans])
        rows_pred = np.hstack([pred_keys, pred_spans])[usable]
        g, p = _match_equal_rows(rows_gold, rows_pred)
        pred_index = np.flatnonzero(usable)
        gold_partner[g] = pred_index[p]
        pred_partner[pred_index[p]] = g
    return gold_partner, pred_partner


def _match_equal_rows(gold: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (gold index, pred index) of equal rows, each row used once (multiset intersection)."""
    rows = np.vstack([gold, pred])
    side = np.concatenate([np.zeros(len(gold), np.int64), np.ones(len(pred), np.int64)])
    order = np.lexsort((np.arange(len(rows)), side) + tuple(rows.T[::-1]))
    ordered = rows[order]
    new_run = np.ones(len(rows), dtype=bool)
    new_run[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    run = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    golds_in_run = np.bincount(run, weights=1 - side[order], minlength=len(run_start)).astype(np.int64)
    rank = np.arange(len(rows)) - run_start[run]          # golds come first within a run
    is_pred = side[order] == 1
    pred_rank = rank - golds_in_run[run]
    matched = is_pred & (pred_rank < golds_in_run[run])
    pred_pos = np.flatnonzero(matched)
    gold_pos = run_start[run[pred_pos]] + pred_rank[pred_pos]
    return order[gold_pos], order[pred_pos] - len(gold)


def _match_overlapping(gold_keys, gold_spans, pred_keys, pred_spans, gold_partner, pred_partner) -> None:
    keys = np.vstack([gold_keys, pred_keys])
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    n_gold = len(gold_keys)
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    for members in np.split(order, bounds):
        g = members[members < n_gold]
        p = members[members >= n_gold] - n_gold
        if len(g) == 0 or len(p) == 0:
            continue
        weight = _overlap_weights(gold_spans[g], pred_spans[p])
        if not weight.any():
            continue
        if len(g) == 1 and len(p) == 1:
            rows, cols = np.array([0]), np.array([0])
        else:
            rows, cols = linear_sum_assignment(weight, maximize=True)
            keep = weight[rows, cols] > 0
            rows, cols = rows[keep], cols[keep]
        gold_partner[g[rows]] = p[cols]
        pred_partner[p[cols]] = g[rows]


def _overlap_weights(gold_spans: np.ndarray, pred_spans: np.ndarray) -> np.ndarray:
    """1 + a small overlap bonus where all spans overlap, else 0: cardinality first, then overlap."""
    weight = np.ones((len(gold_spans), len(pred_spans)))
    bonus = np.zeros_like(weight)
    for k in range(0, gold_spans.shape[1], 2):
        gs, ge = gold_spans[:, k, None], gold_spans[:, k + 1, None]
        ps, pe = pred_spans[None, :, k], pred_spans[None, :, k + 1]
        inter = np.minimum(ge, pe) - np.maximum(gs, ps)
        union = np.maximum(ge, pe) - np.minimum(gs, ps)
        ok = (inter > 0) & (ps >= 0)
        weight *= ok
        bonus += np.where(ok, inter / np.maximum(union, 1), 0.0)
    scale = 2 * min(weight.shape) * (gold_spans.shape[1] // 2) + 1
    return weight * (1 + bonus / scale)
