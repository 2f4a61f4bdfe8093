"""Event-extraction metrics over gold and predicted mentions: pure functions, no I/O.

Levels (TextEE's definitions): TI trigger offsets; TC offsets and type; AI argument
offsets and event type; AC plus role; AI+ / AC+ additionally the argument's trigger.
Modes: ``exact`` offsets or ``lenient`` overlap, both one-to-one. For triggers the
four SemEval-2013 modes (strict, exact, partial, type) are computed as nervaluate does,
but one-to-one, so that a duplicate prediction is never counted twice.
"""
from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.schema import Document, EventMention
from bench.scoring.match import NO_MATCH, match

LEVELS = ("TI", "TC", "AI", "AC", "AI+", "AC+")
MODES = ("exact", "lenient")

# columns of the key table: which must be equal for a match at each level,
# and which spans (t = trigger, a = argument) must match
_LEVEL_KEYS = {"TI": ("doc",), "TC": ("doc", "type"), "AI": ("doc", "type"), "AC": ("doc", "type", "role"),
               "AI+": ("doc", "type"), "AC+": ("doc", "type", "role")}
_LEVEL_SPANS = {"TI": "t", "TC": "t", "AI": "a", "AC": "a", "AI+": "ta", "AC+": "ta"}


@dataclass
class Table:
    """Triggers or arguments of one side as parallel integer columns."""

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.columns["doc"])

    def keys(self, names: Sequence[str]) -> np.ndarray:
        return np.column_stack([self.columns[n] for n in names]) if len(self) else np.zeros((0, len(names)), np.int64)

    def spans(self, which: str) -> np.ndarray:
        cols = []
        for s in which:
            cols += [self.columns[f"{s}_start"], self.columns[f"{s}_end"]]
        return np.column_stack(cols) if len(self) else np.zeros((0, 2 * len(which)), np.int64)


class Vocabulary:
    """Names behind the integer codes of documents, types and roles (shared by gold and predictions)."""

    def __init__(self, docs, types, roles):
        self._names = {"doc": list(docs), "type": list(types), "role": list(roles)}

    def names(self, kind: str) -> list[str]:
        return self._names[kind]


class Units:
    """Sentence units for bootstrap resampling: one per sentence, plus one per document
    for predictions that could not be placed in any sentence."""

    def __init__(self, documents: dict[str, Document]):
        self.doc_ids = sorted(documents)
        self.rank = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}
        counts = np.array([len(documents[d].sentences) for d in self.doc_ids], dtype=np.int64)
        self.first = np.concatenate([[0], np.cumsum(counts + 1)[:-1]]).astype(np.int64)
        self.n_sentences = counts
        self.sentence_keys = np.array([(r << 32) + s.start for r, d in enumerate(self.doc_ids)
                                       for s in documents[d].sentences], dtype=np.int64)
        self.size = int((counts + 1).sum())

    def __len__(self) -> int:
        return self.size

    def of(self, ranks: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Unit of each (document rank, start offset); negative starts go to the document's extra unit."""
        found = np.searchsorted(self.sentence_keys, (ranks << 32) + np.maximum(starts, 0), side="right") - 1
        sentence_first = self.first - np.arange(len(self.first))       # index of each doc's first sentence
        within = np.clip(found - sentence_first[ranks], 0, np.maximum(self.n_sentences[ranks] - 1, 0))
        return np.where(starts < 0, self.first[ranks] + self.n_sentences[ranks], self.first[ranks] + within)


@contextmanager
def _without_cyclic_gc():
    """Pause the cyclic garbage collector: building columns allocates millions of small tuples
    and no cycles, and the collector's passes over them cost about a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _offset(span) -> int:
    return -1 if span.start is None or span.start < 0 else span.start


def _columns(mentions: Sequence[EventMention], exclude: set[str], with_arguments: bool) -> dict[str, list]:
    """Plain Python columns of one side, gathered with comprehensions (the slow part: kept lean)."""
    columns = {"doc": [m.doc_id for m in mentions], "type": [m.type for m in mentions],
               "t_start": [_offset(m.trigger) for m in mentions],
               "t_end": [m.trigger.end if _offset(m.trigger) >= 0 else -1 for m in mentions]}
    arguments = [(i, a) for i, m in enumerate(mentions) for a in m.arguments if a.role not in exclude] \
        if with_arguments else []
    columns["arg_of"] = [i for i, _ in arguments]
    columns["role"] = [a.role for _, a in arguments]
    columns["a_start"] = [_offset(a.span) for _, a in arguments]
    columns["a_end"] = [a.span.end if _offset(a.span) >= 0 else -1 for _, a in arguments]
    return columns


def tables(gold: Sequence[EventMention], predictions: Sequence[EventMention], units: Units,
           exclude_roles: Iterable[str] = (), with_arguments: bool = True
           ) -> tuple[Vocabulary, tuple[Table, Table], tuple[Table, Table]]:
    """Trigger and argument tables of both sides, with one shared coding of names."""
    with _without_cyclic_gc():
        sides = [_columns(gold, set(exclude_roles), with_arguments),
                 _columns(predictions, set(exclude_roles), with_arguments)]
    codes, names = {}, {}
    for kind in ("doc", "type", "role"):
        values = np.array(sides[0][kind] + sides[1][kind], dtype=object)
        coded, uniques = pd.factorize(values) if len(values) else (np.zeros(0, np.int64), [])
        codes[kind] = (coded[:len(sides[0][kind])], coded[len(sides[0][kind]):])
        names[kind] = list(uniques)
    rank = np.array([units.rank[d] for d in names["doc"]] or [0], dtype=np.int64)
    result = []
    for side, columns in enumerate(sides):
        doc, etype = codes["doc"][side].astype(np.int64), codes["type"][side].astype(np.int64)
        t_start, t_end = (np.array(columns[k], dtype=np.int64) for k in ("t_start", "t_end"))
        parent = np.array(columns["arg_of"], dtype=np.int64)
        trig = Table({"doc": doc, "type": etype, "t_start": t_start, "t_end": t_end,
                      "unit": units.of(rank[doc], t_start)})
        arg = Table({"doc": doc[parent], "type": etype[parent], "role": codes["role"][side].astype(np.int64),
                     "t_start": t_start[parent], "t_end": t_end[parent],
                     "a_start": np.array(columns["a_start"], dtype=np.int64),
                     "a_end": np.array(columns["a_end"], dtype=np.int64),
                     "unit": units.of(rank[doc[parent]], t_start[parent])})
        result.append((trig, arg))
    return Vocabulary(names["doc"], names["type"], names["role"]), result[0], result[1]


@dataclass
class Outcome:
    """Per-item match result of one level and mode: what the counts and tables derive from."""

    gold: Table
    pred: Table
    gold_partner: np.ndarray
    pred_partner: np.ndarray

    @property
    def counts(self) -> tuple[int, int, int]:
        tp = int((self.gold_partner != NO_MATCH).sum())
        return tp, len(self.pred) - tp, len(self.gold) - tp

    def unit_counts(self, n_units: int) -> np.ndarray:
        """(n_units, 3) array of tp, fp, fn per sentence unit."""
        hit = self.gold_partner != NO_MATCH
        tp = np.bincount(self.gold.columns["unit"][hit], minlength=n_units)
        fn = np.bincount(self.gold.columns["unit"][~hit], minlength=n_units)
        fp = np.bincount(self.pred.columns["unit"][self.pred_partner == NO_MATCH], minlength=n_units)
        return np.column_stack([tp, fp, fn])

    def by(self, column: str, n_values: int) -> np.ndarray:
        """(n_values, 3) tp, fp, fn by a column (type, role or doc); gold's value for tp and fn."""
        hit = self.gold_partner != NO_MATCH
        g, p = self.gold.columns[column], self.pred.columns[column]
        return np.column_stack([np.bincount(g[hit], minlength=n_values),
                                np.bincount(p[self.pred_partner == NO_MATCH], minlength=n_values),
                                np.bincount(g[~hit], minlength=n_values)])


def match_level(level: str, mode: str, gold: tuple[Table, Table], pred: tuple[Table, Table]) -> Outcome:
    index = 0 if level in ("TI", "TC") else 1
    g, p = gold[index], pred[index]
    keys, spans = _LEVEL_KEYS[level], _LEVEL_SPANS[level]
    gp, pp = match(g.keys(keys), g.spans(spans), p.keys(keys), p.spans(spans), lenient=(mode == "lenient"))
    return Outcome(g, p, gp, pp)


def prf(tp, fp, fn):
    """Precision, recall, F1 (0 where undefined); works on scalars and numpy arrays."""
    tp, fp, fn = (np.asarray(x, dtype=float) for x in (tp, fp, fn))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return precision, recall, f1


def counts_entry(tp: int, fp: int, fn: int) -> dict:
    p, r, f = prf(tp, fp, fn)
    return {"precision": float(p), "recall": float(r), "f1": float(f), "tp": int(tp), "fp": int(fp), "fn": int(fn)}


def semeval_trigger_scores(gold: Table, pred: Table) -> dict:
    """SemEval-2013 task 9.1 modes on triggers, one-to-one, as in nervaluate.

    Each mode assigns predictions to gold triggers in a cascade of one-to-one matchings,
    from its best kind of match to its worst; a prediction's stage decides whether it is
    correct, partial or incorrect, and an unassigned one is spurious.
    """
    same_span_type, same_span = (("doc", "type"), False), (("doc",), False)
    overlap_type, overlap = (("doc", "type"), True), (("doc",), True)
    # mode: (cascade, stages counted correct, stages counted partial)
    rules = {"strict": ([same_span_type, same_span, overlap], (0,), ()),
             "exact": ([same_span, overlap], (0,), ()),
             "partial": ([same_span, overlap], (0,), (1,)),
             "type": ([overlap_type, overlap], (0,), ())}
    result = {}
    for mode, (cascade, correct_stages, partial_stages) in rules.items():
        found, missed, spurious = _cascade(gold, pred, cascade)
        correct, partial = int(found[list(correct_stages)].sum()), int(found[list(partial_stages)].sum())
        incorrect = int(found.sum()) - correct - partial
        possible = correct + incorrect + partial + missed
        actual = correct + incorrect + partial + spurious
        hits = correct + 0.5 * partial
        precision = hits / actual if actual else 0.0
        recall = hits / possible if possible else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[mode] = {"precision": precision, "recall": recall, "f1": f1, "correct": correct,
                        "incorrect": incorrect, "partial": partial, "missed": missed, "spurious": spurious}
    return result


def _cascade(gold: Table, pred: Table, stages) -> tuple[np.ndarray, int, int]:
    """Predictions matched at each stage, then the numbers of gold and predictions left over."""
    gold_left, pred_left = np.arange(len(gold)), np.arange(len(pred))
    found = np.zeros(len(stages), dtype=np.int64)
    for stage, (keys, lenient) in enumerate(stages):
        gp, pp = match(gold.keys(keys)[gold_left], gold.spans("t")[gold_left],
                       pred.keys(keys)[pred_left], pred.spans("t")[pred_left], lenient)
        found[stage] = int((pp != NO_MATCH).sum())
        gold_left, pred_left = gold_left[gp == NO_MATCH], pred_left[pp == NO_MATCH]
    return found, len(gold_left), len(pred_left)
