"""The vectorised scorer gives exactly the figures of the straightforward one (tests/reference_scorer.py)
on generated corpora: every count, ratio, table, SemEval mode and bootstrap interval."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_scorer import reference_score

from bench.schema import Argument, Document, EventMention, Span
from bench.scoring import intervals, score

TYPES = {"Conflict:Attack": ["Attacker", "Target", "Place"], "Life:Die": ["Victim", "Place"],
         "Contact:Meet": ["Entity", "Place"]}
LENGTH = 40
DOCS = {f"d{i}": Document(f"d{i}", "x" * LENGTH, (Span(0, 15), Span(15, 30), Span(30, LENGTH))) for i in range(3)}
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


#: short spans, and now and then one that alignment found nowhere
spans = st.one_of(st.builds(lambda start, length: Span(start, min(LENGTH, start + length)),
                            st.integers(0, LENGTH - 1), st.integers(1, 4)),
                  st.just(Span(None, None, "x", unfound=True)))
mentions = st.sampled_from(sorted(TYPES)).flatmap(lambda event_type: st.builds(
    EventMention, st.sampled_from(sorted(DOCS)), st.just(event_type), spans,
    st.lists(st.builds(Argument, st.sampled_from(TYPES[event_type]), spans), max_size=3).map(tuple)))


@st.composite
def corpora(draw):
    """Gold, and predictions that copy, shift or retype some gold mentions among random ones."""
    gold = draw(st.lists(mentions, max_size=20))
    predictions = draw(st.lists(mentions, max_size=12))
    for m in gold:
        change = draw(st.sampled_from(["copy", "copy", "shift", "retype", "drop"]))
        if change == "shift" and m.trigger.start is not None and m.trigger.end < LENGTH:
            m = EventMention(m.doc_id, m.type, Span(m.trigger.start + 1, m.trigger.end + 1), m.arguments)
        elif change == "retype":
            m = EventMention(m.doc_id, draw(st.sampled_from(sorted(TYPES))), m.trigger, m.arguments)
        if change != "drop":
            predictions.insert(draw(st.integers(0, len(predictions))), m)
    return gold, predictions


@pytest.mark.slow
@SETTINGS
@given(corpora(), st.sampled_from([(), ("Place",)]))
def test_scores_equal_the_reference(corpus, excluded):
    gold, predictions = corpus
    assert score(gold, predictions, DOCS, exclude_roles=excluded, bootstrap_samples=0) == \
        reference_score(gold, predictions, DOCS, exclude_roles=excluded)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(corpora())
def test_bootstrap_intervals_equal_the_reference(corpus):
    gold, predictions = corpus
    assert score(gold, predictions, DOCS, bootstrap_samples=40, seed=3) == \
        reference_score(gold, predictions, DOCS, bootstrap_samples=40, seed=3)


def test_intervals_drawn_in_blocks_equal_the_reference(monkeypatch):
    """Resamples drawn in several blocks (as on large corpora) give the reference's intervals."""
    rng = np.random.default_rng(7)
    gold = [EventMention(f"d{rng.integers(3)}", "Life:Die", Span(int(s), int(s) + 2)) for s in rng.integers(0, 30, 40)]
    predictions = gold[::2] + [EventMention("d1", "Life:Die", Span(int(s), int(s) + 3)) for s in range(0, 30, 4)]
    monkeypatch.setattr(intervals, "_BLOCK_CELLS", 100)
    assert score(gold, predictions, DOCS, bootstrap_samples=30) == \
        reference_score(gold, predictions, DOCS, bootstrap_samples=30, block_cells=100)
