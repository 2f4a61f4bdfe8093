"""The scorer: hand-computed counts for every level and mode, cross-checks against seqeval and nervaluate."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import make_document, mention, span_of
from nervaluate import Evaluator
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.scheme import IOB2

from bench.schema import Argument, Document, EventMention, Span
from bench.scoring import paired_bootstrap, paired_bootstraps, score, unit_counts

TEXT = "Russland griff Kiew mit Drohnen an. Blinken sagte am Mittwoch in Brüssel, die Hilfe komme."
DOC = make_document("d1", TEXT)
DOCS = {"d1": DOC}


def counts(result, mode, level):
    entry = result["levels"][mode][level]
    return entry["tp"], entry["fp"], entry["fn"]


@pytest.fixture
def gold():
    return [
        mention(DOC, "Conflict:Attack", "griff", ("Attacker", "Russland"), ("Target", "Kiew"), ("Instrument", "Drohnen")),
        mention(DOC, "Contact:Statement", "sagte", ("Speaker", "Blinken"), ("Time", "Mittwoch"), ("Place", "Brüssel")),
    ]


def test_perfect_prediction_scores_one_everywhere(gold):
    result = score(gold, gold, DOCS, bootstrap_samples=50)
    for mode in ("exact", "lenient"):
        for level, entry in result["levels"][mode].items():
            assert (entry["precision"], entry["recall"], entry["f1"]) == (1.0, 1.0, 1.0), (mode, level)
    assert result["trigger_semeval"]["strict"]["f1"] == 1.0


def test_empty_prediction_has_zero_recall_and_no_error(gold):
    result = score(gold, [], DOCS, bootstrap_samples=50)
    assert counts(result, "exact", "TC") == (0, 0, 2)
    assert counts(result, "lenient", "AC+") == (0, 0, 6)
    assert result["levels"]["exact"]["AC"]["precision"] == 0.0
    assert result["levels"]["exact"]["AC"]["f1"] == 0.0


def test_wrong_type_counts_for_identification_not_classification(gold):
    pred = [mention(DOC, "Contact:Meet", "sagte", ("Entity", "Blinken"), ("Time", "Mittwoch"))]
    result = score(gold, pred, DOCS, bootstrap_samples=0)
    assert counts(result, "exact", "TI") == (1, 0, 1)
    assert counts(result, "exact", "TC") == (0, 1, 2)
    # AI needs the event type to match (TextEE): Meet != Statement
    assert counts(result, "exact", "AI") == (0, 2, 6)


def test_argument_levels_by_hand(gold):
    pred = [
        # right trigger; Attacker right, Target given the wrong role, Instrument missing, a spurious Place
        mention(DOC, "Conflict:Attack", "griff", ("Attacker", "Russland"), ("Instrument", "Kiew"), ("Place", "Brüssel")),
        # the statement with a shifted trigger: arguments identified but not attached
        mention(DOC, "Contact:Statement", "Blinken", ("Speaker", "Blinken"), ("Time", "Mittwoch")),
    ]
    result = score(gold, pred, DOCS, bootstrap_samples=0)
    assert counts(result, "exact", "TI") == (1, 1, 1)
    assert counts(result, "exact", "AI") == (4, 1, 2)    # Russland, Kiew, Blinken, Mittwoch; Brüssel is not an Attack argument
    assert counts(result, "exact", "AC") == (3, 2, 3)    # Kiew has the wrong role
    assert counts(result, "exact", "AI+") == (2, 3, 4)   # only the Attack's arguments keep their trigger
    assert counts(result, "exact", "AC+") == (1, 4, 5)
    assert result["levels"]["exact"]["AC"]["precision"] == pytest.approx(3 / 5)
    assert result["levels"]["exact"]["AC"]["recall"] == pytest.approx(3 / 6)
    assert result["levels"]["exact"]["AC"]["f1"] == pytest.approx(2 * 0.6 * 0.5 / 1.1)


def test_duplicates_are_false_positives(gold):
    duplicate = mention(DOC, "Conflict:Attack", "griff", ("Attacker", "Russland"), ("Attacker", "Russland"))
    result = score(gold, [duplicate, duplicate], DOCS, bootstrap_samples=0)
    for mode in ("exact", "lenient"):
        assert counts(result, mode, "TC") == (1, 1, 1)
        # 4 predicted Attacker arguments, one gold Attacker
        assert counts(result, mode, "AC") == (1, 3, 5)


def test_hallucinated_text_is_a_false_positive(gold):
    ghost = EventMention("d1", "Conflict:Attack", Span(None, None, "bombardierte", unfound=True),
                         (Argument("Attacker", Span(None, None, "Moskau", unfound=True)),))
    result = score(gold, [ghost], DOCS, bootstrap_samples=0)
    for mode in ("exact", "lenient"):
        assert counts(result, mode, "TI") == (0, 1, 2)
        assert counts(result, mode, "AI") == (0, 1, 6)
    assert result["counts"]["unaligned_predicted_triggers"] == 1


def test_overlapping_spans_match_only_in_lenient_mode(gold):
    wide = Span(span_of(DOC, "Kiew").start, span_of(DOC, "Drohnen").end)       # "Kiew mit Drohnen"
    pred = [mention(DOC, "Conflict:Attack", Span(span_of(DOC, "griff").start, span_of(DOC, "griff").end + 5),
                    ("Target", wide), ("Target", "Kiew"))]
    result = score(gold, pred, DOCS, bootstrap_samples=0)
    assert counts(result, "exact", "TI") == (0, 1, 2)
    assert counts(result, "lenient", "TI") == (1, 0, 1)
    # exact: only "Kiew" as Target; lenient: one gold Target, two overlapping predictions -> one-to-one
    assert counts(result, "exact", "AC") == (1, 1, 5)
    assert counts(result, "lenient", "AC") == (1, 1, 5)
    assert counts(result, "exact", "AC+") == (0, 2, 6)
    assert counts(result, "lenient", "AC+") == (1, 1, 5)


def test_lenient_matching_is_one_to_one_and_maximal():
    doc = make_document("d2", "aaaa bbbb cccc dddd")
    # gold g1 = "aaaa bbbb", g2 = "bbbb"; pred p1 = "bbbb cccc" overlaps both, p2 = "aaaa" only g1.
    g1, g2 = Span(0, 9), Span(5, 9)
    p1, p2 = Span(5, 14), Span(0, 4)
    gold = [EventMention("d2", "Life:Die", g1), EventMention("d2", "Life:Die", g2)]
    pred = [EventMention("d2", "Life:Die", p1), EventMention("d2", "Life:Die", p2)]
    result = score(gold, pred, {"d2": doc}, bootstrap_samples=0)
    # greedy p1->g1 would leave p2 unmatched; a maximum assignment matches both
    assert counts(result, "lenient", "TC") == (2, 0, 0)
    assert counts(result, "exact", "TC") == (0, 2, 2)


def test_excluding_time_and_place_roles(gold):
    result = score(gold, gold, DOCS, exclude_roles=["Time", "Place"], bootstrap_samples=0)
    assert result["counts"]["gold_arguments"] == 4
    assert counts(result, "exact", "AC") == (4, 0, 0)


def test_per_type_per_role_and_macro(gold):
    pred = [gold[0]]
    result = score(gold, pred, DOCS, bootstrap_samples=0)
    per_type = result["per_type"]["exact"]["TC"]
    assert per_type["Conflict:Attack"]["f1"] == 1.0
    assert per_type["Contact:Statement"]["fn"] == 1
    assert result["macro_f1"]["exact"]["TC"] == pytest.approx(0.5)
    assert result["per_role"]["exact"]["AC"]["Speaker"]["fn"] == 1
    assert result["per_document"]["exact"]["TC"]["d1"]["tp"] == 1


def test_bootstrap_interval_contains_the_point_estimate(gold):
    pred = [gold[0], mention(DOC, "Contact:Meet", "sagte")]
    result = score(gold, pred, DOCS, bootstrap_samples=500, seed=1)
    entry = result["levels"]["exact"]["TC"]
    low, high = entry["ci"]["f1"]
    assert low <= entry["f1"] <= high
    again = score(gold, pred, DOCS, bootstrap_samples=500, seed=1)
    assert again["levels"]["exact"]["TC"]["ci"] == entry["ci"]   # seeded


def _random_corpus(rng, n_docs=30, length=60):
    """Non-overlapping token spans per document: gold and a noisy prediction of it."""
    docs, gold, pred = {}, [], []
    types = ["Conflict:Attack", "Life:Die", "Contact:Meet"]
    for d in range(n_docs):
        doc = Document(f"doc{d}", "x" * length, (Span(0, length // 2), Span(length // 2, length)))
        docs[doc.id] = doc
        for spans, out in ((_spans(rng, length), gold), (_spans(rng, length), pred)):
            out += [EventMention(doc.id, types[rng.integers(3)], Span(s, e)) for s, e in spans]
        pred += [m for m in gold if m.doc_id == doc.id and rng.random() < 0.5 and
                 not any(p.trigger.overlaps(m.trigger) for p in pred if p.doc_id == doc.id)]
    return docs, gold, pred


def _spans(rng, length):
    cuts = np.sort(rng.choice(np.arange(1, length), size=12, replace=False))
    return [(int(s), int(e)) for s, e in zip(cuts[0::2], cuts[1::2]) if rng.random() < 0.6]


def _bio(mentions, docs):
    tags = {d: ["O"] * len(docs[d].text) for d in docs}
    for m in mentions:
        tags[m.doc_id][m.trigger.start] = f"B-{m.type}"
        for i in range(m.trigger.start + 1, m.trigger.end):
            tags[m.doc_id][i] = f"I-{m.type}"
    return [tags[d] for d in sorted(docs)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trigger_classification_equals_seqeval_strict(seed):
    docs, gold, pred = _random_corpus(np.random.default_rng(seed))
    result = score(gold, pred, docs, bootstrap_samples=0)
    expected = seqeval_f1(_bio(gold, docs), _bio(pred, docs), mode="strict", scheme=IOB2)
    assert result["levels"]["exact"]["TC"]["f1"] == pytest.approx(expected)


def _slotted_corpus(rng, n_docs=30, slots=8):
    """Gold and predictions where every overlap is between one gold and one prediction,
    so that greedy (nervaluate) and maximum one-to-one matching must agree."""
    docs, gold, pred = {}, [], []
    types = ["Conflict:Attack", "Life:Die", "Contact:Meet"]
    for d in range(n_docs):
        doc = Document(f"doc{d}", "x" * (10 * slots), (Span(0, 10 * slots),))
        docs[doc.id] = doc
        for slot in range(slots):
            base = 10 * slot
            has_gold, kind = rng.random() < 0.7, rng.integers(4)   # exact, partial, none, spurious
            gold_type = types[rng.integers(3)]
            if has_gold:
                gold.append(EventMention(doc.id, gold_type, Span(base + 3, base + 6)))
            if kind == 2 or (kind == 3 and has_gold):
                continue
            start, end = [(base + 3, base + 6), (base + 2 + rng.integers(3), base + 7)][int(kind == 1)]
            pred_type = gold_type if rng.random() < 0.7 else types[rng.integers(3)]
            pred.append(EventMention(doc.id, pred_type, Span(int(start), int(end))))
    return docs, gold, pred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_semeval_modes_equal_nervaluate(seed):
    docs, gold, pred = _slotted_corpus(np.random.default_rng(seed))
    result = score(gold, pred, docs, bootstrap_samples=0)["trigger_semeval"]
    as_ner = lambda ms, d: [{"label": m.type, "start": m.trigger.start, "end": m.trigger.end - 1}  # noqa: E731
                            for m in ms if m.doc_id == d]
    ids = sorted(docs)
    evaluation = Evaluator([as_ner(gold, d) for d in ids], [as_ner(pred, d) for d in ids],
                           tags=["Conflict:Attack", "Life:Die", "Contact:Meet"]).evaluate()["overall"]
    for ours, theirs in (("strict", "strict"), ("exact", "exact"), ("partial", "partial"), ("type", "ent_type")):
        reference = evaluation[theirs]
        for field in ("correct", "incorrect", "partial", "missed", "spurious"):
            assert result[ours][field] == getattr(reference, field), (ours, field)
        assert result[ours]["f1"] == pytest.approx(reference.f1), ours


def test_semeval_type_mode_is_one_to_one_where_greedy_is_not():
    doc = make_document("d3", "aaaa bbbb cccc")
    gold = [EventMention("d3", "Life:Die", Span(0, 9)), EventMention("d3", "Life:Die", Span(5, 9))]
    # p1 overlaps both golds, p2 only the first: a maximum assignment credits both
    pred = [EventMention("d3", "Life:Die", Span(5, 14)), EventMention("d3", "Life:Die", Span(0, 4))]
    result = score(gold, pred, {"d3": doc}, bootstrap_samples=0)["trigger_semeval"]
    assert (result["type"]["correct"], result["type"]["spurious"], result["type"]["missed"]) == (2, 0, 0)


def test_paired_bootstrap_known_cases(gold):
    docs = {f"doc{i}": make_document(f"doc{i}", TEXT) for i in range(20)}
    gold_all = [EventMention(d, m.type, m.trigger, m.arguments) for d in docs for m in gold]
    weaker = [m for m in gold_all if m.type == "Conflict:Attack"]
    same = unit_counts(gold_all, weaker, docs, level="TC")
    assert paired_bootstrap(same, same, samples=2000)["p_value"] == 1.0
    better = unit_counts(gold_all, gold_all, docs, level="TC")
    test = paired_bootstrap(better, same, samples=2000)
    assert test["delta_f1"] > 0
    assert test["p_value"] < 0.01


def test_paired_tests_drawn_together_equal_each_drawn_alone(monkeypatch):
    """The paired tests of many pairs share their resamples (drawn once, in blocks on large corpora),
    and each is the test of its pair alone."""
    from bench.scoring import intervals

    rng = np.random.default_rng(5)
    tables = [rng.integers(0, 4, size=(30, 3)) for _ in range(4)]
    pairs = [(tables[i], tables[j]) for i in range(4) for j in range(4) if i != j]
    monkeypatch.setattr(intervals, "_BLOCK_CELLS", 100)
    together = paired_bootstraps(pairs, samples=50, seed=2)
    assert together == [paired_bootstrap(a, b, samples=50, seed=2) for a, b in pairs]
    assert len({test["p_value"] for test in together}) > 1
    with pytest.raises(ValueError, match="same sentence units"):
        paired_bootstraps([(tables[0], tables[1]), (tables[2], tables[3][:20])])
    with pytest.raises(ValueError, match="same sentence units"):
        paired_bootstraps([(tables[0], tables[1]), (tables[2][:20], tables[3][:20])])


@pytest.mark.parametrize("rows, columns", [(1, 2), (2, 1), (2, 2), (3, 5), (5, 4)])
def test_the_assignment_has_scipys_total_weight(rows, columns):
    """Small components are solved by trying every permutation: the total overlap weight is
    scipy's optimum, and no gold or prediction is used twice."""
    from scipy.optimize import linear_sum_assignment

    from bench.scoring.match import _best_assignment

    rng = np.random.default_rng(rows * 10 + columns)
    for _ in range(200):
        weight = np.where(rng.random((rows, columns)) < 0.6, 1 + rng.random((rows, columns)) / 50, 0.0)
        got, expected = _best_assignment(weight), linear_sum_assignment(weight, maximize=True)
        assert weight[got].sum() == pytest.approx(weight[expected].sum(), abs=1e-12)
        assert len(set(got[0])) == len(got[0]) and len(set(got[1])) == len(got[1])


def test_overlap_components_are_scipys_connected_components():
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from bench.scoring.match import _components

    rng = np.random.default_rng(7)
    for _ in range(200):
        nodes, edges = int(rng.integers(2, 60)), int(rng.integers(1, 80))
        left, right = rng.integers(0, nodes, edges), rng.integers(0, nodes, edges)
        ours = _components(left, right, nodes)
        _, theirs = connected_components(coo_matrix((np.ones(edges), (left, right)), shape=(nodes, nodes)),
                                         directed=False)
        assert len(set(zip(ours, theirs))) == len(set(ours)) == len(set(theirs))
