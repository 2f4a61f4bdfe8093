"""Event coreference and attribute scores: pure functions over gold and predicted mentions.

Coreference: MUC, B3, CEAF-e and BLANC from scorch (a Python implementation of the
CoNLL-2012 reference scorer), LEA (Moosavi and Strube, 2016) here, CoNLL F1 the mean of
MUC, B3 and CEAF-e F1. Within documents, BLANC sums its link counts per document, as the
reference scorer does (pooling would count every pair across documents as a correct
non-link); the other metrics are the same either way. A predicted mention takes the identity of the gold mention whose
trigger it matches (exact offsets, one-to-one); one that matches none stays a mention of
its own ("twinless"), so spurious and missed mentions cost both precision and recall, as
in end-to-end evaluation on ECB+ (Cattan et al., 2021). Scores are given within documents
(clusters cut at document borders) and across documents, with and without singletons.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from functools import partial

import numpy as np

from bench.schema import Document, EventMention
from bench.scoring.match import NO_MATCH
from bench.scoring.metrics import Units, match_level, prf, tables

Cluster = set[Hashable]


def lea(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, float, float]:
    """Link-based entity-aware metric: recall, precision, F1. A singleton has one (self) link."""
    def links(size: int) -> int:
        return size * (size - 1) // 2 if size > 1 else 1

    def resolution(clusters, other):
        where = {m: i for i, c in enumerate(other) for m in c}
        total = weight = 0.0
        for cluster in clusters:
            overlap = defaultdict(int)
            for m in cluster:
                if m in where:
                    overlap[where[m]] += 1
            found = sum(links(n) for n in overlap.values() if n > 1) if len(cluster) > 1 else \
                float(any(len(other[i]) == 1 for i in overlap))
            total += len(cluster) * found / links(len(cluster))
            weight += len(cluster)
        return total / weight if weight else 0.0

    recall, precision = resolution(key, response), resolution(response, key)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return recall, precision, f1


def blanc_by_document(key: Sequence[Cluster], response: Sequence[Cluster],
                      document_of: dict[Hashable, str]) -> tuple[float, float, float]:
    """BLANC recall, precision, F1 with coreference and non-coreference links counted within each
    document and summed (the reference scorer's BLANC over several documents); the edge cases
    are scorch's (Recasens and Hovy, 2011)."""
    from scorch import scores as scorch

    by_doc: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for side, clusters in enumerate((key, response)):
        for cluster in clusters:
            by_doc[document_of[next(iter(cluster))]][side].append(cluster)
    tp_c = c_k = c_r = tp_n = n_k = n_r = 0
    for key_clusters, response_clusters in by_doc.values():
        coref_k, non_k = scorch.links_from_clusters(key_clusters) if key_clusters else (set(), set())
        coref_r, non_r = scorch.links_from_clusters(response_clusters) if response_clusters else (set(), set())
        tp_c, c_k, c_r = tp_c + len(coref_k & coref_r), c_k + len(coref_k), c_r + len(coref_r)
        tp_n, n_k, n_r = tp_n + len(non_k & non_r), n_k + len(non_k), n_r + len(non_r)

    def scores(tp: int, in_key: int, in_response: int) -> tuple[float, float, float]:
        if not in_key and not in_response:
            return 1.0, 1.0, 1.0
        if not in_key or not in_response:
            return 0.0, 0.0, 0.0
        return tp / in_key, tp / in_response, 2 * tp / (in_key + in_response)

    coreference, non_coreference = scores(tp_c, c_k, c_r), scores(tp_n, n_k, n_r)
    if not c_k:
        return non_coreference
    if not n_k:
        return coreference
    return tuple(float(v) for v in np.mean((coreference, non_coreference), axis=0))


def cluster_scores(key: Sequence[Cluster], response: Sequence[Cluster],
                   document_of: dict[Hashable, str] | None = None) -> dict[str, dict[str, float]]:
    """Every metric as precision, recall, F1, plus CoNLL F1; with ``document_of`` (mention -> document),
    BLANC counts links within documents only."""
    from scorch import scores as scorch

    blanc = partial(blanc_by_document, document_of=document_of) if document_of else scorch.blanc
    result = {}
    for name, metric in (("muc", scorch.muc), ("b3", scorch.b_cubed), ("ceafe", scorch.ceaf_e),
                         ("blanc", blanc), ("lea", lea)):
        if key and response:
            recall, precision, f1 = (float(v) for v in metric(key, response))
        else:
            recall = precision = f1 = 0.0
        result[name] = {"precision": precision, "recall": recall, "f1": f1}
    result["conll_f1"] = float(np.mean([result[m]["f1"] for m in ("muc", "b3", "ceafe")]))
    return result


def _clusters(ids: list[Hashable], labels: list, docs: list[str], within: bool, singletons: bool) -> list[Cluster]:
    groups: dict = defaultdict(set)
    for i, (ident, label, doc) in enumerate(zip(ids, labels, docs)):
        key = label if label is not None else ("unclustered", i)
        groups[(doc, key) if within else key].add(ident)
    return [c for c in groups.values() if singletons or len(c) > 1]


def coreference_scores(gold: list[EventMention], predictions: list[EventMention],
                       documents: dict[str, Document]) -> dict | None:
    """Scores of the predicted clusters, or None when no prediction carries a cluster id."""
    if not any(m.cluster for m in predictions):
        return None
    _, gold_tables, pred_tables = tables(gold, predictions, Units(documents))
    outcome = match_level("TI", "exact", gold_tables, pred_tables)
    gold_ids = [("gold", i) for i in range(len(gold))]
    pred_ids = [("gold", int(p)) if p != NO_MATCH else ("pred", i) for i, p in enumerate(outcome.pred_partner)]
    result = {}
    for scope in ("within_document", "cross_document"):
        for singletons in (True, False):
            key = _clusters(gold_ids, [m.cluster for m in gold], [m.doc_id for m in gold],
                            scope == "within_document", singletons)
            response = _clusters(pred_ids, [m.cluster for m in predictions], [m.doc_id for m in predictions],
                                 scope == "within_document", singletons)
            document_of = None
            if scope == "within_document":
                document_of = dict(zip(gold_ids, (m.doc_id for m in gold)))
                document_of |= dict(zip(pred_ids, (m.doc_id for m in predictions)))
            result[f"{scope}/{'with' if singletons else 'without'}_singletons"] = cluster_scores(key, response,
                                                                                                 document_of)
    return result


def attribute_scores(gold: list[EventMention], predictions: list[EventMention], documents: dict[str, Document],
                     attributes: Sequence[str]) -> dict:
    """Per attribute: accuracy and macro-F1 over triggers matched by span (exact and lenient),
    and "TC + attribute" F1 end to end. An attribute no prediction carries is reported as not predicted."""
    from sklearn.metrics import f1_score

    _, gold_tables, pred_tables = tables(gold, predictions, Units(documents))
    result = {}
    for name in attributes:
        if not any(name in m.attributes for m in predictions):
            result[name] = "not predicted"
            continue
        entry = {}
        for mode in ("exact", "lenient"):
            ti = match_level("TI", mode, gold_tables, pred_tables)
            pairs = [(gold[g].attributes.get(name), predictions[p].attributes.get(name))
                     for g, p in enumerate(ti.gold_partner) if p != NO_MATCH]
            truth = [g for g, _ in pairs]
            guess = [p if p is not None else "(none)" for _, p in pairs]
            tc = match_level("TC", mode, gold_tables, pred_tables)
            tp = sum(1 for g, p in enumerate(tc.gold_partner)
                     if p != NO_MATCH and gold[g].attributes.get(name) == predictions[p].attributes.get(name))
            precision, recall, f1 = prf(tp, len(predictions) - tp, len(gold) - tp)
            entry[mode] = {
                "matched_triggers": len(pairs),
                "accuracy": float(np.mean([g == p for g, p in zip(truth, guess)])) if pairs else 0.0,
                "macro_f1": float(f1_score(truth, guess, labels=sorted(set(truth) | set(guess)),
                                           average="macro", zero_division=0)) if pairs else 0.0,
                "tc_plus_attribute": {"precision": float(precision), "recall": float(recall), "f1": float(f1),
                                      "tp": tp}}
        result[name] = entry
    return result
