"""Event-extraction metrics over gold and predicted mentions: pure functions, no I/O.

Levels (TextEE's definitions): TI trigger offsets; TC offsets and type; AI argument
offsets and event type; AC plus role; AI+ / AC+ additionally the argument's trigger.
Modes: ``exact`` offsets or ``lenient`` overlap, both one-to-one. For triggers the
four SemEval-2013 modes (strict, exact, partial, type) are computed as nervaluate does,
but one-to-one, so that a duplicate prediction is never counted twice.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bench.bulk import without_cyclic_gc
from bench.schema import Document, EventMention, Span
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


def _codes(values: list[str], index: dict[str, int]) -> np.ndarray:
    """The integer code of each name; a name not in ``index`` yet gets the next code (first appearance)."""
    for value in dict.fromkeys(values):
        index.setdefault(value, len(index))
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def _offsets(spans: list[Span]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end columns of spans; a span without offsets (or a negative start) is -1, -1."""
    start = np.fromiter((-1 if s.start is None else s.start for s in spans), dtype=np.int64, count=len(spans))
    end = np.fromiter((-1 if s.start is None else s.end for s in spans), dtype=np.int64, count=len(spans))
    unaligned = start < 0
    start[unaligned], end[unaligned] = -1, -1
    return start, end


def _side(mentions: Sequence[EventMention], exclude: set[str], with_arguments: bool, index: dict[str, dict],
          units: Units) -> tuple[Table, Table]:
    """Trigger and argument tables of one side, built column by column straight from the mentions."""
    n = len(mentions)
    doc = _codes([m.doc_id for m in mentions], index["doc"])
    etype = _codes([m.type for m in mentions], index["type"])
    t_start, t_end = _offsets([m.trigger for m in mentions])
    doc_rank = np.fromiter(map(units.rank.__getitem__, index["doc"]), dtype=np.int64, count=len(index["doc"]))
    trig = Table({"doc": doc, "type": etype, "t_start": t_start, "t_end": t_end,
                  "unit": units.of(doc_rank[doc], t_start)})
    arguments = [a for m in mentions for a in m.arguments] if with_arguments else []
    parent = np.repeat(np.arange(n), [len(m.arguments) for m in mentions]) if arguments else np.zeros(0, np.int64)
    if exclude and arguments:
        kept = [i for i, a in enumerate(arguments) if a.role not in exclude]
        arguments, parent = [arguments[i] for i in kept], parent[kept]
    a_start, a_end = _offsets([a.span for a in arguments])
    arg = Table({"doc": doc[parent], "type": etype[parent],
                 "role": _codes([a.role for a in arguments], index["role"]),
                 "t_start": t_start[parent], "t_end": t_end[parent], "a_start": a_start, "a_end": a_end,
                 "unit": trig.columns["unit"][parent]})
    return trig, arg


@without_cyclic_gc()
def tables(gold: Sequence[EventMention], predictions: Sequence[EventMention], units: Units,
           exclude_roles: Iterable[str] = (), with_arguments: bool = True
           ) -> tuple[Vocabulary, tuple[Table, Table], tuple[Table, Table]]:
    """Trigger and argument tables of both sides, with one shared coding of names (in order of first
    appearance, gold first)."""
    index = {"doc": {}, "type": {}, "role": {}}
    sides = [_side(mentions, set(exclude_roles), with_arguments, index, units) for mentions in (gold, predictions)]
    return Vocabulary(index["doc"], index["type"], index["role"]), sides[0], sides[1]


def with_argument_spans(table: Table, rewrite, doc_names: list[str]) -> Table:
    """The argument table with each aligned span mapped by ``rewrite(doc_id, start, end) -> (start, end)``,
    called once per distinct span (the rows sorted by document and offsets, each run of equal rows one call)."""
    columns = table.columns
    if not len(table):
        return table
    order = np.lexsort((columns["a_end"], columns["a_start"], columns["doc"]))
    doc, start, end = columns["doc"][order], columns["a_start"][order], columns["a_end"][order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (doc[1:] != doc[:-1]) | (start[1:] != start[:-1]) | (end[1:] != end[:-1])
    distinct = np.empty(len(order), dtype=np.int64)        # row -> its distinct span
    distinct[order] = np.cumsum(first) - 1
    mapped = np.array([rewrite(doc_names[d], s, e) if s >= 0 else (s, e)
                       for d, s, e in zip(doc[first].tolist(), start[first].tolist(), end[first].tolist())],
                      dtype=np.int64).reshape(-1, 2)
    return Table({**columns, "a_start": mapped[distinct, 0], "a_end": mapped[distinct, 1]})


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
    return counts_entries(np.array([[tp, fp, fn]]))[0]


def counts_entries(counts: np.ndarray) -> list[dict]:
    """The entry of each (tp, fp, fn) row of a table: P, R, F1 and the counts, computed for all rows at once."""
    p, r, f = prf(*counts.T)
    return [{"precision": a, "recall": b, "f1": c, "tp": tp, "fp": fp, "fn": fn}
            for a, b, c, (tp, fp, fn) in zip(p.tolist(), r.tolist(), f.tolist(), counts.tolist())]


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
