"""One-to-one matching of predicted items to gold items.

An item is a row of integer key columns (document, event type, role: whatever must
be equal) and one or more character spans (start, end pairs). Exact mode needs equal
keys and equal spans; lenient mode needs equal keys and every span overlapping, and
chooses among candidates a maximum one-to-one assignment, preferring larger overlap.
Each gold and each prediction is used at most once, so duplicates are false positives.
"""
from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable

import numpy as np

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
        # the first key (the document) and the spans lead, so that rows in document and text
        # order get ids in nearly ascending order, which sort fast and touch memory in order
        gold_columns = [gold_keys[:, 0], *gold_spans.T, *gold_keys[:, 1:].T]
        pred_columns = [pred_keys[:, 0], *pred_spans.T, *pred_keys[:, 1:].T]
        ids = _group_ids((np.concatenate([g, p[usable]]) for g, p in zip(gold_columns, pred_columns)),
                         len(gold_keys) + int(usable.sum()))
        g, p = _match_equal_ids(ids, len(gold_keys))
        pred_index = np.flatnonzero(usable)
        gold_partner[g] = pred_index[p]
        pred_partner[pred_index[p]] = g
    return gold_partner, pred_partner


def _match_equal_ids(ids: np.ndarray, n_gold: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (gold index, pred index) of equal ids, each used once (multiset intersection); the
    first ``n_gold`` ids are the golds'.

    A stable sort puts each run of equal ids together, golds before predictions, each side in
    input order; the k-th prediction of a run takes the run's k-th gold."""
    is_pred = np.arange(len(ids)) >= n_gold
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    new_run = np.ones(len(ids), dtype=bool)
    new_run[1:] = ordered[1:] != ordered[:-1]
    run = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    golds_in_run = np.bincount(run, weights=~is_pred[order], minlength=len(run_start)).astype(np.int64)
    rank = np.arange(len(ids)) - run_start[run]          # golds come first within a run
    pred_rank = rank - golds_in_run[run]
    matched = is_pred[order] & (pred_rank < golds_in_run[run])
    pred_pos = np.flatnonzero(matched)
    gold_pos = run_start[run[pred_pos]] + pred_rank[pred_pos]
    return order[gold_pos], order[pred_pos] - n_gold


def _group_ids(columns: Iterable[np.ndarray], n: int) -> np.ndarray:
    """One integer per distinct row of ``n`` rows given as columns (read one at a time), built as
    mixed-radix digits; when the next digit would not fit in 62 bits, the ids so far are first
    renumbered densely (a 1-D sort)."""
    ids, size = np.zeros(n, dtype=np.int64), 1
    if n == 0:
        return ids
    for column in columns:
        low = int(column.min())
        width = int(column.max()) - low + 1
        if size * width >= 1 << 62:
            ids = np.unique(ids, return_inverse=True)[1].ravel()
            size = int(ids.max()) + 1
        ids = ids * width + (column - low)
        size *= width
    return ids


def _candidate_pairs(gold_group, gold_spans, pred_group, pred_spans) -> tuple[np.ndarray, np.ndarray]:
    """All (gold, pred) pairs in the same group whose spans all overlap, found by sorting
    on the first span's start and searching a window as wide as the longest gold span."""
    shift = 1 << 31
    gold_key = gold_group * shift + gold_spans[:, 0]
    order = np.argsort(gold_key, kind="stable")
    sorted_key = gold_key[order]
    longest = int((gold_spans[:, 1] - gold_spans[:, 0]).max())
    usable = pred_spans[:, 0] >= 0
    lo = np.searchsorted(sorted_key, pred_group * shift + pred_spans[:, 0] - longest, side="right")
    hi = np.searchsorted(sorted_key, pred_group * shift + pred_spans[:, 1], side="left")
    lengths = np.where(usable, np.maximum(hi - lo, 0), 0)
    pred_idx = np.repeat(np.arange(len(pred_spans)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    gold_idx = order[np.repeat(lo, lengths) + offsets]
    keep = gold_group[gold_idx] == pred_group[pred_idx]
    for k in range(0, gold_spans.shape[1], 2):
        keep &= (gold_spans[gold_idx, k] < pred_spans[pred_idx, k + 1]) & \
                (pred_spans[pred_idx, k] < gold_spans[gold_idx, k + 1]) & (pred_spans[pred_idx, k] >= 0)
    return gold_idx[keep], pred_idx[keep]


def _match_overlapping(gold_keys, gold_spans, pred_keys, pred_spans, gold_partner, pred_partner) -> None:
    groups = _group_ids((np.concatenate([g, p]) for g, p in zip(gold_keys.T, pred_keys.T)),
                        len(gold_keys) + len(pred_keys))
    if len(groups) and groups.max() >= 1 << 31:           # keep group * 2**31 + offset within 63 bits
        groups = np.unique(groups, return_inverse=True)[1].ravel()
    g_idx, p_idx = _candidate_pairs(groups[:len(gold_keys)], gold_spans, groups[len(gold_keys):], pred_spans)
    if len(g_idx) == 0:
        return
    g_degree = np.bincount(g_idx, minlength=len(gold_keys))
    p_degree = np.bincount(p_idx, minlength=len(pred_keys))
    alone = (g_degree[g_idx] == 1) & (p_degree[p_idx] == 1)       # the only candidate of each other
    gold_partner[g_idx[alone]] = p_idx[alone]
    pred_partner[p_idx[alone]] = g_idx[alone]
    g_idx, p_idx = g_idx[~alone], p_idx[~alone]
    if len(g_idx) == 0:
        return
    n_gold = len(gold_keys)
    component = _components(g_idx, n_gold + p_idx, n_gold + len(pred_keys))
    order = np.argsort(component[g_idx], kind="stable")
    bounds = np.flatnonzero(np.diff(component[g_idx][order])) + 1
    for edges in np.split(order, bounds):
        g, p = np.unique(g_idx[edges]), np.unique(p_idx[edges])
        weight = _overlap_weights(gold_spans[g], pred_spans[p])
        rows, cols = _best_assignment(weight)
        keep = weight[rows, cols] > 0
        gold_partner[g[rows[keep]]] = p[cols[keep]]
        pred_partner[p[cols[keep]]] = g[rows[keep]]


def _components(left: np.ndarray, right: np.ndarray, n_nodes: int) -> np.ndarray:
    """The component of every node of the graph with edges left[i]-right[i]: the smallest node
    id in it, by propagating the smaller label along the edges and jumping to labels' labels."""
    label = np.arange(n_nodes)
    while True:
        low = np.minimum(label[left], label[right])
        new = label.copy()
        np.minimum.at(new, left, low)
        np.minimum.at(new, right, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


#: the largest side of a group solved by trying every assignment (5! = 120 of them)
BRUTE_FORCE_SIZE = 5


@functools.cache
def _permutations(size: int) -> np.ndarray:
    return np.array(list(itertools.permutations(range(size))))


def _best_assignment(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a one-to-one assignment with the largest total weight. A small
    matrix (the usual case: a trigger overlapped by two predictions) is solved by trying every
    permutation, since importing scipy takes longer than scoring a small run; a larger one by
    scipy's ``linear_sum_assignment``."""
    n_rows, n_cols = weight.shape
    size = max(n_rows, n_cols)
    if size > BRUTE_FORCE_SIZE:
        from scipy.optimize import linear_sum_assignment

        return linear_sum_assignment(weight, maximize=True)
    square = np.zeros((size, size))
    square[:n_rows, :n_cols] = weight
    permutations = _permutations(size)
    best = permutations[np.argmax(square[np.arange(size), permutations].sum(axis=1))]
    rows = np.flatnonzero(best[:n_rows] < n_cols)
    return rows, best[rows]


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
