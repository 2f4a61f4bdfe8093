"""Scoring: gold and predicted mentions in, numbers out. No files, no printing."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from bench.bulk import without_cyclic_gc
from bench.schema import Document, EventMention
from bench.scoring.argmodes import ARGUMENT_MODES, argument_rewrite
from bench.scoring.intervals import bootstrap_intervals, paired_bootstrap, paired_bootstraps
from bench.scoring.match import NO_MATCH
from bench.scoring.result import Scores
from bench.scoring.metrics import (LEVELS, MODES, Outcome, Units, counts_entries, counts_entry,
                                   match_level, prf, semeval_trigger_scores, tables, with_argument_spans)

#: every mode a run can be scored in: span modes, then argument modes (triggers exact)
SCORING_MODES = MODES + ARGUMENT_MODES

__all__ = ["LEVELS", "MODES", "SCORING_MODES", "Scores", "score", "unit_counts", "matched_trigger_types",
           "match_status", "bootstrap_intervals", "paired_bootstrap", "paired_bootstraps",
           "prf"]


@without_cyclic_gc()
def _outcomes(gold: Iterable[EventMention], predictions: Iterable[EventMention], documents: dict[str, Document],
              exclude_roles: Sequence[str], levels: Sequence[str], modes: Sequence[str]):
    gold, predictions = list(gold), list(predictions)
    units = Units(documents)
    with_arguments = any(level not in ("TI", "TC") for level in levels)
    vocab, gold_tables, pred_tables = tables(gold, predictions, units, exclude_roles, with_arguments)
    outcomes = {(mode, level): match_level(level, mode, gold_tables, pred_tables)
                for mode in modes if mode in MODES for level in levels}
    notes = {}
    for mode in (m for m in modes if m in ARGUMENT_MODES):
        rewrite, notes[mode] = argument_rewrite(mode, gold, documents)
        if rewrite is not None:
            docs = vocab.names("doc")
            rewritten_gold = (gold_tables[0], with_argument_spans(gold_tables[1], rewrite, docs))
            rewritten_pred = (pred_tables[0], with_argument_spans(pred_tables[1], rewrite, docs))
            outcomes.update({(mode, level): match_level(level, "exact", rewritten_gold, rewritten_pred)
                             for level in levels})
    return outcomes, vocab, units, gold_tables, pred_tables, notes


def unit_counts(gold, predictions, documents, level: str = "AC", mode: str = "exact",
                exclude_roles: Sequence[str] = ()) -> np.ndarray:
    """Per-sentence (tp, fp, fn) of one level and mode: the input of paired tests."""
    outcomes, _, units, _, _, _ = _outcomes(gold, predictions, documents, exclude_roles, [level], [mode])
    return outcomes[(mode, level)].unit_counts(len(units))


@without_cyclic_gc()
def score(gold: Iterable[EventMention], predictions: Iterable[EventMention], documents: dict[str, Document], *,
          exclude_roles: Sequence[str] = (), levels: Sequence[str] = LEVELS, modes: Sequence[str] = MODES,
          bootstrap_samples: int = 1000, seed: int = 0, confidence: float = 0.95) -> Scores:
    """All figures of one run as a JSON-ready dict (see the README for its layout).

    Predictions must already carry offsets (see ``bench.align``); a span with negative
    offsets stands for text not found in the document and is always a false positive.
    """
    outcomes, vocab, units, gold_tables, pred_tables, notes = _outcomes(gold, predictions, documents,
                                                                        exclude_roles, levels, modes)
    modes = [mode for mode in modes if (mode, levels[0]) in outcomes]    # a skipped argument mode has none
    types, roles, docs = vocab.names("type"), vocab.names("role"), vocab.names("doc")
    result = Scores({"levels": {}, "macro_f1": {}, "per_type": {}, "per_role": {}, "per_document": {},
              "trigger_semeval": (semeval_trigger_scores(gold_tables[0], pred_tables[0]) if "TI" in levels else {}),
              "counts": {"documents": len(documents), "gold_mentions": len(gold_tables[0]),
                         "predicted_mentions": len(pred_tables[0]), "gold_arguments": len(gold_tables[1]),
                         "predicted_arguments": len(pred_tables[1]),
                         "unaligned_predicted_triggers": int((pred_tables[0].columns["t_start"] < 0).sum()),
                         "unaligned_predicted_arguments": int((pred_tables[1].columns["a_start"] < 0).sum())},
              "settings": {"exclude_roles": list(exclude_roles), "bootstrap_samples": bootstrap_samples,
                           "bootstrap_unit": "sentence", "seed": seed, "confidence": confidence}})
    intervals = dict(zip(outcomes, bootstrap_intervals([o.unit_counts(len(units)) for o in outcomes.values()],
                                                       bootstrap_samples, seed, confidence)))
    for mode in modes:
        for key in ("levels", "macro_f1", "per_type", "per_role", "per_document"):
            result[key][mode] = {}
        for level in levels:
            outcome: Outcome = outcomes[(mode, level)]
            result["levels"][mode][level] = {**counts_entry(*outcome.counts), "ci": intervals[(mode, level)]}
            by_type = outcome.by("type", len(types))
            gold_types = [i for i, row in enumerate(by_type) if row[0] + row[2] > 0]
            result["per_type"][mode][level] = dict(zip(types, counts_entries(by_type)))
            macro = prf(*by_type[gold_types].T)[2] if gold_types else np.zeros(1)
            result["macro_f1"][mode][level] = float(np.mean(macro))
            by_doc = outcome.by("doc", len(docs))
            result["per_document"][mode][level] = dict(zip(docs, counts_entries(by_doc)))
            if level in ("AC", "AC+"):
                by_role = outcome.by("role", len(roles))
                result["per_role"][mode][level] = dict(zip(roles, counts_entries(by_role)))
    for mode, note in notes.items():
        if mode in modes and "exact" in modes:
            gained = {level: result["levels"][mode][level]["tp"] - result["levels"]["exact"][level]["tp"]
                      for level in levels if level not in ("TI", "TC")}
            note["recovered_over_exact"] = gained
    if notes:
        result["argument_modes"] = notes
    return result


def matched_trigger_types(gold, predictions, documents, mode: str = "exact") -> list[tuple[str, str]]:
    """(gold type, predicted type) of every trigger pair matched by span alone (TI matching):
    the input of type confusion matrices and of Cohen's kappa between annotators."""
    outcomes, vocab, _, _, _, _ = _outcomes(gold, predictions, documents, (), ["TI"], [mode])
    outcome = outcomes[(mode, "TI")]
    names = vocab.names("type")
    hit = outcome.gold_partner != NO_MATCH
    gold_types = outcome.gold.columns["type"][hit]
    pred_types = outcome.pred.columns["type"][outcome.gold_partner[hit]]
    return [(names[g], names[p]) for g, p in zip(gold_types, pred_types)]


def match_status(gold, predictions, documents, mode: str = "exact") -> dict[str, list[str]]:
    """The outcome of every gold and predicted trigger and argument, in input order, for reports.

    Triggers: correct (span and type), wrong-type (span only), missed, spurious.
    Arguments: correct (span, event type and role), wrong-role (span and event type), missed, spurious.
    """
    outcomes, _, _, _, _, _ = _outcomes(gold, predictions, documents, (), ["TI", "TC", "AI", "AC"], [mode])

    def status(full: Outcome, partial: Outcome, good: str, half: str, side: str) -> list[str]:
        full_hit = (full.gold_partner if side == "gold" else full.pred_partner) != NO_MATCH
        partial_hit = (partial.gold_partner if side == "gold" else partial.pred_partner) != NO_MATCH
        unmatched = "missed" if side == "gold" else "spurious"
        return [good if f else half if p else unmatched for f, p in zip(full_hit, partial_hit)]

    tc, ti, ac, ai = (outcomes[(mode, level)] for level in ("TC", "TI", "AC", "AI"))
    return {"gold_trigger": status(tc, ti, "correct", "wrong-type", "gold"),
            "pred_trigger": status(tc, ti, "correct", "wrong-type", "pred"),
            "gold_argument": status(ac, ai, "correct", "wrong-role", "gold"),
            "pred_argument": status(ac, ai, "correct", "wrong-role", "pred")}
