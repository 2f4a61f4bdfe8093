"""A straightforward scorer: the definitions of ``bench.scoring.score`` written item by item, in plain
Python, to check the vectorised scorer against (no columns, no sorting tricks, no shortcuts).

Lenient matching is the documented one: candidates are pairs with equal keys whose spans all
overlap; each connected group of candidates gets a maximum-weight one-to-one assignment
(``linear_sum_assignment`` on the group's weights, golds and predictions in input order, so that
ties are broken as in the scorer). The bootstrap draws its resamples level by level and weighs
integer counts.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import linear_sum_assignment

KEYS = {"TI": ("doc",), "TC": ("doc", "type"), "AI": ("doc", "type"), "AC": ("doc", "type", "role"),
        "AI+": ("doc", "type"), "AC+": ("doc", "type", "role")}
SPANS = {"TI": ("t",), "TC": ("t",), "AI": ("a",), "AC": ("a",), "AI+": ("t", "a"), "AC+": ("t", "a")}


def offsets(span) -> tuple[int, int]:
    return (-1, -1) if span.start is None or span.start < 0 else (span.start, span.end)


def items(mentions, exclude) -> tuple[list[dict], list[dict]]:
    triggers, arguments = [], []
    for m in mentions:
        trigger = {"doc": m.doc_id, "type": m.type, "t": offsets(m.trigger)}
        triggers.append(trigger)
        arguments += [{**trigger, "role": a.role, "a": offsets(a.span)} for a in m.arguments if a.role not in exclude]
    return triggers, arguments


def exact(gold, pred, keys, spans) -> dict[int, int]:
    waiting = defaultdict(list)
    for i, g in enumerate(gold):
        waiting[tuple(g[k] for k in keys + spans)].append(i)
    pairs = {}
    for j, p in enumerate(pred):
        if all(p[s][0] >= 0 for s in spans):
            queue = waiting[tuple(p[k] for k in keys + spans)]
            if queue:
                pairs[queue.pop(0)] = j
    return pairs


def overlapping(g, p, spans) -> bool:
    return all(p[s][0] >= 0 and g[s][0] < p[s][1] and p[s][0] < g[s][1] for s in spans)


def weight(g, p, spans, scale) -> float:
    bonus = 0.0
    for s in spans:
        inter = min(g[s][1], p[s][1]) - max(g[s][0], p[s][0])
        union = max(g[s][1], p[s][1]) - min(g[s][0], p[s][0])
        bonus += inter / max(union, 1)
    return 1 * (1 + bonus / scale)


def lenient(gold, pred, keys, spans) -> dict[int, int]:
    edges = [(i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)
             if all(g[k] == p[k] for k in keys) and overlapping(g, p, spans)]
    group = {}                                   # union-find over ("g", i) and ("p", j)

    def find(x):
        while group.setdefault(x, x) != x:
            x = group[x]
        return x

    for i, j in edges:
        group[find(("g", i))] = find(("p", j))
    components = defaultdict(lambda: (set(), set()))
    for i, j in edges:
        components[find(("g", i))][0].add(i)
        components[find(("g", i))][1].add(j)
    pairs = {}
    for golds, preds in components.values():
        golds, preds = sorted(golds), sorted(preds)
        scale = 2 * min(len(golds), len(preds)) * len(spans) + 1
        matrix = np.array([[weight(gold[i], pred[j], spans, scale) if overlapping(gold[i], pred[j], spans) else 0.0
                            for j in preds] for i in golds])
        for r, c in zip(*linear_sum_assignment(matrix, maximize=True)):
            if matrix[r, c] > 0:
                pairs[golds[r]] = preds[c]
    return pairs


def matching(gold, pred, keys, spans, is_lenient) -> dict[int, int]:
    if not gold or not pred:
        return {}
    return (lenient if is_lenient else exact)(gold, pred, keys, spans)


def prf(tp, fp, fn) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def entry(tp, fp, fn) -> dict:
    p, r, f = prf(tp, fp, fn)
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def table(gold, pred, pairs, column, names) -> dict:
    counts = {name: [0, 0, 0] for name in names}
    for i, g in enumerate(gold):
        counts[g[column]][0 if i in pairs else 2] += 1
    matched = set(pairs.values())
    for j, p in enumerate(pred):
        if j not in matched:
            counts[p[column]][1] += 1
    return {name: entry(*c) for name, c in counts.items()}


def semeval(gold, pred) -> dict:
    span_type, span, overlap_type, overlap = (("doc", "type"), False), (("doc",), False), (("doc", "type"), True), \
        (("doc",), True)
    rules = {"strict": ([span_type, span, overlap], (0,), ()), "exact": ([span, overlap], (0,), ()),
             "partial": ([span, overlap], (0,), (1,)), "type": ([overlap_type, overlap], (0,), ())}
    result = {}
    for mode, (cascade, correct_stages, partial_stages) in rules.items():
        g_left, p_left, found = list(range(len(gold))), list(range(len(pred))), []
        for keys, is_lenient in cascade:
            pairs = matching([gold[i] for i in g_left], [pred[j] for j in p_left], keys, ("t",), is_lenient)
            found.append(len(pairs))
            g_left = [i for k, i in enumerate(g_left) if k not in pairs]
            p_left = [j for k, j in enumerate(p_left) if k not in set(pairs.values())]
        counts = {"correct": sum(found[s] for s in correct_stages), "partial": sum(found[s] for s in partial_stages)}
        counts["incorrect"] = sum(found) - counts["correct"] - counts["partial"]
        counts["missed"], counts["spurious"] = len(g_left), len(p_left)
        hits = counts["correct"] + 0.5 * counts["partial"]        # half credit for a partial match
        matched = counts["correct"] + counts["incorrect"] + counts["partial"]
        p, r, f = prf(hits, matched + counts["spurious"] - hits, matched + counts["missed"] - hits)
        result[mode] = {"precision": p, "recall": r, "f1": f, **{k: counts[k] for k in
                        ("correct", "incorrect", "partial", "missed", "spurious")}}
    return result


def unit_of(documents, doc_id, start) -> int:
    """Sentence units: each document's sentences in turn, then one unit for its unplaced items."""
    first = 0
    for d in sorted(documents):
        sentences = documents[d].sentences
        if d == doc_id:
            if start < 0:
                return first + len(sentences)
            inside = [i for i, s in enumerate(sentences) if s.start <= start]
            return first + (inside[-1] if inside else 0)
        first += len(sentences) + 1
    raise KeyError(doc_id)


def interval(gold, pred, pairs, documents, samples, seed, confidence, block_cells) -> dict:
    n_units = sum(len(d.sentences) + 1 for d in documents.values())
    counts = np.zeros((n_units, 3), dtype=np.int64)
    for i, g in enumerate(gold):
        counts[unit_of(documents, g["doc"], g["t"][0]), 0 if i in pairs else 2] += 1
    matched = set(pairs.values())
    for j, p in enumerate(pred):
        if j not in matched:
            counts[unit_of(documents, p["doc"], p["t"][0]), 1] += 1
    rng = np.random.default_rng(seed)
    block = max(1, min(samples, block_cells // n_units))
    totals, done = [], 0
    while done < samples:
        b = min(block, samples - done)
        draws = rng.integers(0, n_units, size=(b, n_units))
        for row in draws:
            totals.append(np.bincount(row, minlength=n_units) @ counts)
        done += b
    totals = np.array(totals)
    values = [np.array([prf(*t)[k] for t in totals]) for k in range(3)]
    alpha = (1 - confidence) / 2
    return {name: [float(np.quantile(v, alpha)), float(np.quantile(v, 1 - alpha))]
            for name, v in zip(("precision", "recall", "f1"), values)}


def reference_score(gold, predictions, documents, exclude_roles=(), bootstrap_samples=0, seed=0,
                    confidence=0.95, block_cells=20_000_000) -> dict:
    """What ``score`` returns for all levels and both modes."""
    sides = items(gold, set(exclude_roles)), items(predictions, set(exclude_roles))
    names = {"doc": list(dict.fromkeys(m.doc_id for m in [*gold, *predictions])),
             "type": list(dict.fromkeys(m.type for m in [*gold, *predictions])),
             "role": list(dict.fromkeys(a["role"] for side in sides for a in side[1]))}
    result = {"levels": {}, "macro_f1": {}, "per_type": {}, "per_role": {}, "per_document": {},
              "trigger_semeval": semeval(sides[0][0], sides[1][0]),
              "counts": {"documents": len(documents), "gold_mentions": len(gold),
                         "predicted_mentions": len(predictions), "gold_arguments": len(sides[0][1]),
                         "predicted_arguments": len(sides[1][1]),
                         "unaligned_predicted_triggers": sum(t["t"][0] < 0 for t in sides[1][0]),
                         "unaligned_predicted_arguments": sum(a["a"][0] < 0 for a in sides[1][1])},
              "settings": {"exclude_roles": list(exclude_roles), "bootstrap_samples": bootstrap_samples,
                           "bootstrap_unit": "sentence", "seed": seed, "confidence": confidence}}
    for mode in ("exact", "lenient"):
        for key in ("levels", "macro_f1", "per_type", "per_role", "per_document"):
            result[key][mode] = {}
        for level in KEYS:
            index = 0 if level in ("TI", "TC") else 1
            g, p = sides[0][index], sides[1][index]
            pairs = matching(g, p, KEYS[level], SPANS[level], mode == "lenient")
            tp = len(pairs)
            ci = interval(g, p, pairs, documents, bootstrap_samples, seed, confidence, block_cells) \
                if bootstrap_samples else {}
            result["levels"][mode][level] = {**entry(tp, len(p) - tp, len(g) - tp), "ci": ci}
            per_type = table(g, p, pairs, "type", names["type"])
            result["per_type"][mode][level] = per_type
            gold_f1 = [e["f1"] for e in per_type.values() if e["tp"] + e["fn"] > 0]
            result["macro_f1"][mode][level] = float(np.mean(gold_f1)) if gold_f1 else 0.0
            result["per_document"][mode][level] = table(g, p, pairs, "doc", names["doc"])
            if level in ("AC", "AC+"):
                result["per_role"][mode][level] = table(g, p, pairs, "role", names["role"])
    return result
