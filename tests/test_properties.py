"""Invariants of the scorer, checked on generated corpora (hypothesis, fixed seed, bounded examples)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.schema import Argument, Document, EventMention, Span
from bench.scoring import LEVELS, MODES, score

TYPES = {"Conflict:Attack": ["Attacker", "Target", "Place"], "Life:Die": ["Victim", "Place"],
         "Contact:Meet": ["Entity", "Place"]}
LENGTH = 80
DOCS = {f"d{i}": Document(f"d{i}", "x" * LENGTH, (Span(0, 40), Span(40, LENGTH))) for i in range(3)}
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


@st.composite
def spans(draw):
    start = draw(st.integers(0, LENGTH - 1))
    return Span(start, draw(st.integers(start + 1, min(LENGTH, start + 6))))


@st.composite
def mentions(draw):
    event_type = draw(st.sampled_from(sorted(TYPES)))
    arguments = draw(st.lists(st.builds(Argument, st.sampled_from(TYPES[event_type]), spans()), max_size=3))
    return EventMention(draw(st.sampled_from(sorted(DOCS))), event_type, draw(spans()), tuple(arguments))


corpora = st.lists(mentions(), max_size=25)


def all_counts(result):
    return {(mode, level): (e["tp"], e["fp"], e["fn"]) for mode in MODES
            for level, e in result["levels"][mode].items()}


def run(gold, pred):
    return score(gold, pred, DOCS, bootstrap_samples=0)


@SETTINGS
@given(corpora)
def test_gold_against_itself_is_perfect(gold):
    result = run(gold, gold)
    for mode in MODES:
        for level in LEVELS:
            entry = result["levels"][mode][level]
            assert entry["fp"] == entry["fn"] == 0
            if entry["tp"]:
                assert entry["f1"] == 1.0


@SETTINGS
@given(corpora)
def test_empty_predictions_give_zero_recall(gold):
    result = run(gold, [])
    for counts in all_counts(result).values():
        assert counts[0] == 0 and counts[1] == 0
    assert all(e["recall"] == 0.0 for m in MODES for e in result["levels"][m].values())


@SETTINGS
@given(corpora, corpora, st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_order(gold, pred, rnd):
    shuffled_gold, shuffled_pred = list(gold), list(pred)
    rnd.shuffle(shuffled_gold)
    rnd.shuffle(shuffled_pred)
    docs = dict(sorted(DOCS.items(), key=lambda _: rnd.random()))
    assert all_counts(run(gold, pred)) == all_counts(score(shuffled_gold, shuffled_pred, docs, bootstrap_samples=0))


@SETTINGS
@given(corpora, corpora, st.data())
def test_duplicates_and_hallucinations_never_raise_precision(gold, pred, data):
    before = run(gold, pred)
    extra = list(pred)
    if pred:
        extra.append(data.draw(st.sampled_from(pred)))
    extra.append(EventMention("d0", "Life:Die", Span(None, None, "erfunden", unfound=True),
                              (Argument("Victim", Span(None, None, "niemand", unfound=True)),)))
    after = run(gold, extra)
    for mode in MODES:
        for level in LEVELS:
            assert after["levels"][mode][level]["precision"] <= before["levels"][mode][level]["precision"] + 1e-12
            assert after["levels"][mode][level]["tp"] == before["levels"][mode][level]["tp"]


@SETTINGS
@given(corpora, corpora)
def test_exact_never_beats_lenient_and_counts_add_up(gold, pred):
    result = run(gold, pred)
    n_gold_args = sum(len(m.arguments) for m in gold)
    for level in LEVELS:
        exact, lenient = result["levels"]["exact"][level], result["levels"]["lenient"][level]
        assert exact["tp"] <= lenient["tp"]
        expected = len(gold) if level in ("TI", "TC") else n_gold_args
        assert exact["tp"] + exact["fn"] == lenient["tp"] + lenient["fn"] == expected

