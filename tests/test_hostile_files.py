"""Random JSON and random Unicode through ``score pred=`` and ``validate``: the only outcomes are a
result (exit 0) or one line per problem (exit 1), never a traceback, a hang or a crash."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from conftest import cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.schema import load_ontology

DOC = "004_e092c7c3be034eb3"
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: text with what breaks naive code: lone surrogates, combining marks, zero-width characters
odd_text = st.text(st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
                             st.sampled_from(["\u0308", "\u200b", "\u200d", "\ufeff", "\u0000", "\n"])), max_size=12)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | odd_text,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
                           max_leaves=12)
offsets = st.one_of(st.none(), st.integers(-5, 400), st.text(max_size=3), st.floats())
spans = st.fixed_dictionaries({"text": st.one_of(st.sampled_from(["sagte", "Konflikt", "NATO"]), odd_text, json_values)},
                              optional={"start": offsets, "end": offsets, "found": json_values})
events = st.fixed_dictionaries(
    {"doc_id": st.one_of(st.just(DOC), odd_text), "type": st.one_of(st.sampled_from(sorted(load_ontology().event_types)),
                                                                  json_values),
     "trigger": st.one_of(spans, json_values)},
    optional={"arguments": st.one_of(st.lists(st.fixed_dictionaries(
        {"role": st.one_of(st.sampled_from(["Speaker", "Place", "Time", "Victim"]), json_values)},
        optional={"text": odd_text, "start": offsets, "end": offsets, "entity_type": json_values}), max_size=3),
        json_values),
        "attributes": st.one_of(st.dictionaries(st.sampled_from(["polarity", "tense"]), json_values), json_values),
        "cluster": json_values, "argumnets": json_values})
lines = st.lists(st.one_of(events.map(lambda e: json.dumps(e)), json_values.map(json.dumps), odd_text), max_size=5)


def check(done, path: Path) -> None:
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    if done.returncode == 1:
        problems = done.stderr.splitlines()
        assert problems and all(line.startswith((f"error: {path}", str(path))) or line.endswith("file(s)")
                                for line in problems), problems


@pytest.mark.slow
@SETTINGS
@given(lines, st.booleans())
def test_random_prediction_files_get_a_result_or_one_line_per_problem(content, raw_surrogates):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pred.jsonl"
        path.write_bytes("\n".join(content).encode("utf-8", "surrogatepass" if raw_surrogates else "replace"))
        check(cli("score", f"pred={path}", f"results_dir={folder}/results", "scoring.bootstrap_samples=0"), path)
        check(cli("validate", str(path)), path)


@SETTINGS
@given(json_values, st.lists(events, max_size=3))
def test_random_annotation_files_get_one_line_per_problem(top, event_list):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{DOC}.json"
        data = top if isinstance(top, dict) and top else {"doc_id": DOC, "ontology_version": "2.0",
                                                          "annotator": "x", "events": event_list}
        path.write_text(json.dumps(data), encoding="utf-8")
        check(cli("validate", str(path)), path)
