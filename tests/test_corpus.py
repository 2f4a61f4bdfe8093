"""Documents, sentence splitting, annotation files and the validator's messages."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import checks
from bench.__main__ import main
from bench.errors import DataError
from bench.checks import JSONValueError, loads_checked
from bench.corpus import load_document, read_annotation_file, read_jsonl, split_sentences
from bench.schema import PROJECT_ROOT

GOLD_DIR = PROJECT_ROOT / "annotations" / "gold"
DOC_ID = "000_eb7b64373a13186d"


def test_seeds_are_the_original_articles():
    for path in sorted((PROJECT_ROOT / "seeds").glob("*.txt")):
        original = PROJECT_ROOT.parent / "shared" / "seeds" / path.name
        if original.exists():
            assert path.read_bytes() == original.read_bytes(), path.name
    assert len(list((PROJECT_ROOT / "seeds").glob("*.txt"))) == 5


def test_sentence_splitting_keeps_ordinals_and_abbreviations():
    text = 'Er kam am 20. Jänner. Das war z. B. gut! "Ja." Neue Zeile\nZweite Zeile'
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["Er kam am 20. Jänner.", "Das war z. B. gut!", '"Ja."', "Neue Zeile", "Zweite Zeile"]


def test_sentence_spans_are_offsets_into_the_text(seed_documents):
    for doc in seed_documents.values():
        for sentence in doc.sentences:
            assert doc.text[sentence.start:sentence.end] == sentence.text


def test_shipped_annotations_validate(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


@pytest.fixture
def gold_json():
    return json.loads((GOLD_DIR / f"{DOC_ID}.json").read_text(encoding="utf-8"))


def _first_event_with_arguments(data):
    return next(e for e in data["events"] if e["arguments"])


BROKEN = {
    "unknown event type": (lambda d: _first_event_with_arguments(d).update(type="Conflict:Bombing"),
                           "unknown event type 'Conflict:Bombing'"),
    "unknown role": (lambda d: _first_event_with_arguments(d)["arguments"][0].update(role="Victor"),
                     "role 'Victor' is not a role of"),
    "offsets outside the text": (lambda d: d["events"][0]["trigger"].update(start=99990, end=99995),
                                 "outside the document"),
    "reversed offsets": (lambda d: d["events"][0]["trigger"].update(start=d["events"][0]["trigger"]["end"],
                                                                   end=d["events"][0]["trigger"]["start"]),
                         "outside the document (length 6382) or reversed"),
    "text does not match": (lambda d: d["events"][0]["trigger"].update(text="Xyz"),
                            "does not match the document at"),
    "offsets not integers": (lambda d: d["events"][0]["trigger"].update(start="12"),
                             "'start' and 'end' must be integers"),
    "duplicate event id": (lambda d: d["events"][1].update(id=d["events"][0]["id"]), "duplicate event id"),
    "missing event id": (lambda d: d["events"][0].pop("id"), "missing event id"),
    "unknown attribute value": (lambda d: d["events"][0]["attributes"].update(polarity="maybe"),
                                "attribute polarity must be one of positive, negative, got 'maybe'"),
    "unknown entity type": (lambda d: _first_event_with_arguments(d)["arguments"][0].update(entity_type="PERSON"),
                            "unknown entity type 'PERSON'"),
    "bad entity id": (lambda d: _first_event_with_arguments(d)["arguments"][0].update(entity_id="Antony Blinken"),
                      "'entity_id' must be a lower-case slug"),
    "missing cluster": (lambda d: d["events"][0].pop("cluster"), "'cluster' must be a lower-case slug"),
    "unknown document": (lambda d: d.update(doc_id="999_nope"), "unknown document id '999_nope'"),
    "wrong ontology version": (lambda d: d.update(ontology_version="0.1"), "ontology_version is '0.1'"),
    "argument outside the trigger's sentence": (
        lambda d: next(e for e in d["events"] if e["arguments"] and e["trigger"]["start"] > 500)["arguments"][0]
        .update(start=0, end=3, text="Vor"),
        "lies outside the trigger's sentence"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_validator_names_file_event_and_problem(kind, gold_json, tmp_path, capsys):
    breaker, message = BROKEN[kind]
    data = copy.deepcopy(gold_json)
    breaker(data)
    path = tmp_path / f"{DOC_ID}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith(f"{path}: ")


def test_validator_reports_invalid_json_with_line(tmp_path, capsys):
    path = tmp_path / f"{DOC_ID}.json"
    path.write_text('{"doc_id": "x",\n "events": [,]}', encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert f"{path}: line 2 column 13: invalid JSON" in capsys.readouterr().err


def test_validator_reports_all_problems_at_once(gold_json, tmp_path, capsys):
    data = copy.deepcopy(gold_json)
    data["events"][0]["type"] = "Nope"
    data["events"][1]["trigger"]["text"] = "Nope"
    path = tmp_path / f"{DOC_ID}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "unknown event type 'Nope'" in err and "text 'Nope' does not match" in err
    assert "2 problem(s) in 1 file(s)" in err


def test_document_encoding_problems_are_named(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfText")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"Eins.\r\nZwei.")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Grüße".encode("latin-1"))
    for path, message in ((bom, "byte-order mark"), (crlf, "line 1: carriage return"), (latin, "not UTF-8")):
        with pytest.raises(DataError, match=message):
            load_document(path)


def test_jsonl_predictions_errors_carry_line_numbers(seed_documents, tmp_path):
    path = tmp_path / "pred.jsonl"
    good = {"doc_id": DOC_ID, "type": "Contact:Statement", "trigger": {"text": "sagte"}, "arguments": []}
    path.write_text(json.dumps(good) + "\n{broken\n" + json.dumps({**good, "doc_id": "../../etc/passwd"}) + "\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_jsonl(path, seed_documents)
    assert f"{path}: line 2: invalid JSON" in str(err.value)
    assert f"{path}: line 3: unknown document id '../../etc/passwd'" in str(err.value)


def test_jsonl_predictions_may_omit_offsets(seed_documents, tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"doc_id": DOC_ID, "type": "Contact:Statement", "trigger": {"text": "sagte"},
                                "arguments": [{"role": "Speaker", "text": "Blinken"}]}) + "\n", encoding="utf-8")
    [mention] = read_jsonl(path, seed_documents)
    assert mention.trigger.start is None and mention.arguments[0].span.text == "Blinken"


def test_export_writes_every_gold_mention(tmp_path, capsys, seed_documents):
    out = tmp_path / "gold.jsonl"
    assert main(["export", f"out={out}"]) == 0
    exported = read_jsonl(out, seed_documents)
    gold = [m for p in sorted(GOLD_DIR.glob("*.json")) for m in read_annotation_file(p, seed_documents)]
    assert len(exported) == len(gold) > 0
    assert {(m.doc_id, m.trigger.start, m.type) for m in exported} == {(m.doc_id, m.trigger.start, m.type) for m in gold}
    assert all(m.cluster for m in exported)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers(-2 ** 70, 2 ** 70) | st.text(max_size=6)
    | st.sampled_from(["\ud800", "a\udfffb", "\U0001f600"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12)


def _outcome(text):
    try:
        return repr(loads_checked(text))
    except JSONValueError as err:
        return f"error: {err} {err.line} {err.column}"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(json_values, st.booleans(), st.text(alphabet='{}[],:"\\ 0123456789.eE-+nul', max_size=3), st.integers(0, 40))
def test_the_fast_json_reader_reads_exactly_what_json_reads(value, ascii_only, junk, where):
    """Every text, valid or spliced with junk, gives the standard library's value or message, with
    orjson or without."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    for candidate in (text, text[:where] + junk + text[where:]):
        fast = _outcome(candidate)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(checks, "orjson", None)
            assert fast == _outcome(candidate)


@pytest.mark.parametrize("depth", [150, 250, 990, 1100, 5000])
def test_deep_nesting_reads_as_json_reads_it(depth, monkeypatch):
    text = "[" * depth + '{"a": 1}' + "]" * depth

    def outcome():
        try:
            value, levels = loads_checked(text), 0
        except JSONValueError as err:
            return str(err)
        while isinstance(value, list):
            value, levels = value[0], levels + 1
        return levels, value

    fast = outcome()
    monkeypatch.setattr(checks, "orjson", None)
    assert fast == outcome()


def test_the_fast_json_reader_is_installed():
    assert checks.orjson is not None      # a dev dependency, so that the test above compares two readers
