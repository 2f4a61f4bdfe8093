"""The checker's fast path takes exactly the event objects that pass every check, and builds the same mentions."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.checks import ARGUMENT_KEYS, EVENT_KEYS, SPAN_KEYS, Checker
from bench.corpus import load_documents
from bench.schema import PROJECT_ROOT, load_ontology

DOCUMENTS = load_documents(PROJECT_ROOT / "seeds")
ONTOLOGY = load_ontology()


def _bases() -> list[dict]:
    """Valid gold events of the seeds, and variants that break only the gold's argument rules."""
    events = []
    for path in sorted((PROJECT_ROOT / "annotations" / "gold").glob("*.json"))[:2]:
        data = json.loads(path.read_text(encoding="utf-8"))
        events += [{"doc_id": data["doc_id"], **event} for event in data["events"][:6]]
    with_arguments = [e for e in events if e["arguments"]]
    duplicated = copy.deepcopy(with_arguments[0])
    duplicated["arguments"].append(duplicated["arguments"][0])
    elsewhere = copy.deepcopy(with_arguments[1])
    doc = DOCUMENTS[elsewhere["doc_id"]]
    other = next(s for s in doc.sentences if s.start > elsewhere["trigger"]["end"] or s.end < elsewhere["trigger"]["start"])
    elsewhere["arguments"][0].update(start=other.start, end=other.start + 3, text=doc.text[other.start:other.start + 3])
    return events + [duplicated, elsewhere]


BASES = _bases()
DELETE = object()
#: the keys changed in each part of an event
KEYS = {"event": sorted(EVENT_KEYS), "trigger": sorted(SPAN_KEYS), "argument": sorted(ARGUMENT_KEYS),
        "attributes": sorted(ONTOLOGY.attributes)}
VALUES = [DELETE, None, True, False, 0, 1, 3, -1, 10 ** 30, 1.5, "", "x", "e1", "Bad Id", "Victim", "Speaker", "Place",
          "GPE", "PER", "Life:Die", "Contact:Statement", "positive", "past", "other", [], {}, {"text": "x"},
          [{"role": "Place", "text": "x"}]]
mutations = st.lists(st.sampled_from(sorted(KEYS)).flatmap(lambda target: st.tuples(
    st.just(target), st.sampled_from([*KEYS[target], "bogus"]), st.sampled_from(range(len(VALUES))))), max_size=3)


def mutated(base: dict, changes, gold: bool) -> dict:
    obj = copy.deepcopy(base)
    if not gold and len(changes) % 2:       # predictions, half of them without the gold's ids
        for key in ("id", "cluster"):
            obj.pop(key, None)
    for target, key, value_index in changes:
        value = VALUES[value_index]
        arguments = obj.get("arguments")
        place = {"event": obj, "trigger": obj.get("trigger"), "attributes": obj.get("attributes"),
                 "argument": arguments[0] if isinstance(arguments, list) and arguments else None}[target]
        if isinstance(place, dict):
            if value is DELETE:
                place.pop(key, None)
            else:
                place[key] = copy.deepcopy(value)
    return obj


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.sampled_from(range(len(BASES))), st.booleans(), mutations)
def test_the_fast_path_takes_exactly_what_the_checks_pass(base, gold, changes):
    obj = mutated(BASES[base], changes, gold)
    default = BASES[base]["doc_id"] if gold else None
    fast = Checker(Path("f.json"), DOCUMENTS, ONTOLOGY, gold, []).well_formed_event(obj, default)
    checker = Checker(Path("f.json"), DOCUMENTS, ONTOLOGY, gold, [])
    exact = checker.checked_event(obj, "here", default)
    assert (fast is not None) == (exact is not None and not checker.problems), checker.problems
    if fast is not None:
        assert (fast, fast.attributes) == (exact, exact.attributes)


@pytest.mark.parametrize("gold", [True, False])
def test_the_bases_pass_and_their_broken_variants_do_not(gold):
    """The generated objects reach both sides of the fast path."""
    checker = Checker(Path("f.json"), DOCUMENTS, ONTOLOGY, gold, [])
    passed = [checker.well_formed_event(mutated(b, [], gold), b["doc_id"]) is not None for b in BASES]
    assert passed == [True] * (len(BASES) - 2) + [not gold] * 2


ODD_TEXTS = ["", "ä€😀", "\"quoted\" \\ back", "line\nbreak\ttab\r\b\f", "\x00\x01\x1f\x7f", "\u2028\u2029", "</script>"]


@pytest.mark.parametrize("indent", [False, True])
def test_json_text_is_the_same_with_or_without_orjson(monkeypatch, indent):
    """orjson and the standard library write the same text, so a file does not depend on what is installed."""
    from bench import checks

    values = [{"doc_id": "d", "trigger": {"start": 0, "end": 2, "text": text}, "arguments": [], "attributes": {}}
              for text in ODD_TEXTS] + [{"f1": 0.5, "counts": [1, 2, 3], "nothing": None, "yes": True, "nested": {}}]
    with_orjson = [checks.dumps(value, indent) for value in values]
    monkeypatch.setattr(checks, "orjson", None)
    assert [checks.dumps(value, indent) for value in values] == with_orjson
    assert [json.loads(text) for text in with_orjson] == values


def test_json_text_of_what_orjson_refuses_comes_from_the_standard_library():
    from bench.checks import dumps

    assert json.loads(dumps({"big": 10 ** 30, 1: "int key"})) == {"big": 10 ** 30, "1": "int key"}
