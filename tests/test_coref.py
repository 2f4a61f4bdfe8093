"""Event coreference and attribute scores: published worked examples and hand-computed cases."""
from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import make_document, mention

from bench.scoring.coref import attribute_scores, cluster_scores, coreference_scores, lea

# Pradhan et al. (2014), "Scoring coreference partitions of predicted mentions", figure 1 example
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_published_example_muc_b3_ceafe():
    s = cluster_scores(KEY, RESPONSE)
    # MUC: recall (3-2 + 4-3)/(2+3) ... = 2/5, precision 2/5
    assert (s["muc"]["recall"], s["muc"]["precision"]) == pytest.approx((0.4, 0.4))
    # B3 recall: (2/3 + 2/3 + 1/3 + 1/4 + 0 + 2/4 + 2/4) / 7; precision: (1 + 1 + 1/2 + 1/2 + 2/4 + 2/4 + 0 + 0) / 8
    assert s["b3"]["recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 4 + 0.5 + 0.5) / 7)
    assert s["b3"]["precision"] == pytest.approx(4 / 8)
    # CEAF-e: best alignment {a,b,c}~{a,b} (phi4 = 2*2/5) and {d,e,f,g}~{f,g,h,i} (2*2/8): 0.8 + 0.5 = 1.3
    assert s["ceafe"]["recall"] == pytest.approx(1.3 / 2)
    assert s["ceafe"]["precision"] == pytest.approx(1.3 / 3)
    assert s["conll_f1"] == pytest.approx((0.4 + s["b3"]["f1"] + 0.52) / 3)


def test_lea_published_example():
    # Moosavi and Strube (2016), section 4: recall (3*1/3 + 4*1/6)/7, precision (2*1 + 2*0 + 4*1/6)/8
    recall, precision, f1 = lea(KEY, RESPONSE)
    assert recall == pytest.approx((1 + 4 / 6) / 7)
    assert precision == pytest.approx((2 + 4 / 6) / 8)
    assert f1 == pytest.approx(2 * recall * precision / (recall + precision))


def test_perfect_and_all_singleton_responses():
    perfect = cluster_scores(KEY, KEY)
    assert all(perfect[m]["f1"] == pytest.approx(1.0) for m in ("muc", "b3", "ceafe", "blanc", "lea"))
    singletons = cluster_scores(KEY, [{m} for c in KEY for m in c])
    assert singletons["muc"]["recall"] == 0.0          # MUC ignores singletons: no link found
    assert singletons["b3"]["precision"] == 1.0        # every response cluster is pure
    assert singletons["b3"]["recall"] == pytest.approx((3 * (1 / 3) + 4 * (1 / 4)) / 7)


DOC_A = make_document("a", "Russland griff Kiew an. Der Angriff dauerte lange.")
DOC_B = make_document("b", "Der Angriff auf Kiew war heftig. Blinken sagte etwas.")
DOCS = {"a": DOC_A, "b": DOC_B}


def gold():
    return [replace(mention(DOC_A, "Conflict:Attack", "griff"), cluster="kyiv"),
            replace(mention(DOC_A, "Conflict:Attack", "Angriff"), cluster="kyiv"),
            replace(mention(DOC_B, "Conflict:Attack", "Angriff"), cluster="kyiv"),
            replace(mention(DOC_B, "Contact:Statement", "sagte"), cluster="blinken")]


def test_coreference_of_gold_clusters_is_perfect_and_scopes_differ():
    result = coreference_scores(gold(), gold(), DOCS)
    for setting, scores in result.items():
        assert scores["conll_f1"] == pytest.approx(1.0), setting
    # within documents, one prediction clustering the two documents' attacks apart loses nothing
    split = [replace(m, cluster=f"{m.doc_id}-{m.cluster}") for m in gold()]
    result = coreference_scores(gold(), split, DOCS)
    assert result["within_document/with_singletons"]["conll_f1"] == pytest.approx(1.0)
    assert result["cross_document/with_singletons"]["muc"]["recall"] == pytest.approx(1 / 2)


def test_twinless_predicted_mentions_cost_precision():
    extra = replace(mention(DOC_B, "Conflict:Attack", "heftig"), cluster="kyiv")
    result = coreference_scores(gold(), gold() + [extra], DOCS)["cross_document/without_singletons"]
    assert result["b3"]["recall"] == pytest.approx(1.0)
    assert result["b3"]["precision"] < 1.0


def test_no_cluster_ids_means_not_predicted():
    assert coreference_scores(gold(), [replace(m, cluster=None) for m in gold()], DOCS) is None


def test_attribute_scores_by_hand():
    attrs = {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"}
    g = [replace(m, attributes=dict(attrs)) for m in gold()]
    p = [replace(g[0], attributes={**attrs, "tense": "present"}), g[1], replace(g[2], type="Life:Die"),
         replace(g[3], attributes={})]
    result = attribute_scores(g, p, DOCS, ["polarity", "tense"])
    tense = result["tense"]["exact"]
    assert tense["matched_triggers"] == 4
    assert tense["accuracy"] == pytest.approx(2 / 4)      # g0 wrong, g3 has no prediction of it
    assert tense["tc_plus_attribute"]["tp"] == 1          # only g1: g2 has the wrong type
    assert result["polarity"]["exact"]["accuracy"] == pytest.approx(3 / 4)
    unpredicted = attribute_scores(g, [replace(m, attributes={}) for m in g], DOCS, ["tense"])
    assert unpredicted == {"tense": "not predicted"}


def test_blanc_within_documents_sums_link_counts_per_document_as_the_reference_scorer():
    # key {a,b} in one document and {c,d} in another; the response splits {c,d}: the reference
    # scorer counts 2 key links, 1 response link, 1 common, and no non-link across documents
    key, response = [{"a", "b"}, {"c", "d"}], [{"a", "b"}, {"c"}, {"d"}]
    documents = {"a": "doc1", "b": "doc1", "c": "doc2", "d": "doc2"}
    blanc = cluster_scores(key, response, documents)["blanc"]
    assert (blanc["recall"], blanc["precision"], blanc["f1"]) == pytest.approx((0.5, 1.0, 2 / 3))
    pooled = cluster_scores(key, response)["blanc"]      # one document of four mentions: other figures
    assert pooled["f1"] != pytest.approx(2 / 3)


def test_blanc_within_documents_of_one_document_is_scorch_blanc():
    documents = dict.fromkeys("abcdefghi", "doc1")
    assert cluster_scores(KEY, RESPONSE, documents)["blanc"] == pytest.approx(cluster_scores(KEY, RESPONSE)["blanc"])
