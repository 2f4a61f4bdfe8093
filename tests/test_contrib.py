"""Authoring format, agreement between annotation sets, gold statistics."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import make_document, mention

from bench.contrib.agreement import agreement_markdown, krippendorff_alpha, pairwise, type_disagreements
from bench.contrib.authoring import compile_authoring, compile_folder
from bench.errors import DataError
from bench.corpus import read_annotation_file

TEXT = "Russland griff Kiew an. Blinken sagte, Russland griff Kiew an. Scholz sagte nichts."
DOC = make_document("doc", TEXT)
DOCS = {"doc": DOC}
ATTRS = {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"}


def authoring(*events):
    return {"doc_id": "doc", "ontology_version": "1.0", "annotator": "test", "events": list(events)}


def event(eid, etype, text, context, *arguments):
    return {"id": eid, "type": etype, "trigger": {"text": text, "context": context}, "attributes": ATTRS,
            "cluster": f"c{eid.lower()}", "arguments": [
                {"role": r, "text": t, "entity_type": "GPE", "entity_id": t.lower(), **({"context": c} if c else {})}
                for r, t, c in arguments]}


def test_compile_places_triggers_and_arguments_by_quote(tmp_path):
    data = authoring(event("E1", "Conflict:Attack", "griff", "Blinken sagte, Russland griff",
                           ("Attacker", "Russland", None), ("Target", "Kiew", None)))
    compiled = compile_authoring(data, DOCS, tmp_path / "a.json")
    trigger = compiled["events"][0]["trigger"]
    assert TEXT[trigger["start"]:trigger["end"]] == "griff" and trigger["start"] > 30
    attacker = compiled["events"][0]["arguments"][0]
    assert attacker["start"] == TEXT.index("Russland", 30)      # in the trigger's sentence


@pytest.mark.parametrize("trigger, context, message", [
    ("griff", "Russland griff Kiew an", "context 'Russland griff Kiew an' occurs 2 times in the document"),
    ("griff", "Kiew an. Scholz", "text 'griff' occurs 0 times in context"),
    ("sagte", "Scholz sagte nichts", None),
])
def test_compile_names_the_bad_quote(tmp_path, trigger, context, message):
    data = authoring(event("E1", "Contact:Statement", trigger, context))
    if message is None:
        assert compile_authoring(data, DOCS, tmp_path / "a.json")["events"][0]["trigger"]["text"] == "sagte"
        return
    with pytest.raises(DataError) as err:
        compile_authoring(data, DOCS, tmp_path / "a.json")
    assert f"{tmp_path / 'a.json'}: event E1: trigger: {message}" in str(err.value)


def test_compile_asks_for_a_context_when_an_argument_is_ambiguous(tmp_path):
    doc = make_document("doc", "Kiew und Kiews Vorort: Russland griff Kiew und Kiew an.")
    data = authoring(event("E1", "Conflict:Attack", "griff", "Russland griff", ("Target", "Kiew", None)))
    with pytest.raises(DataError, match="text 'Kiew' occurs 3 times in the trigger's sentence; add a 'context'"):
        compile_authoring(data, {"doc": doc}, tmp_path / "a.json")


def test_compile_folder_writes_nothing_when_any_file_is_bad(tmp_path, seed_documents):
    src = tmp_path / "src"
    src.mkdir()
    good = {"doc_id": "004_e092c7c3be034eb3", "ontology_version": "1.0", "annotator": "t", "events": [
        {"id": "E1", "type": "Contact:Statement", "trigger": {"text": "erklärt", "context": "erklärt US-Außenminister"},
         "attributes": ATTRS, "cluster": "c1", "arguments": [
             {"role": "Speaker", "text": "Antony Blinken", "entity_type": "PER", "entity_id": "antony_blinken"}]}]}
    bad = {**good, "doc_id": "002_98f79bfdbc50e318"}
    (src / "004_e092c7c3be034eb3.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    (src / "002_98f79bfdbc50e318.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(DataError, match="002_98f79bfdbc50e318.json: event E1: trigger: context"):
        compile_folder(src, out, seed_documents)
    assert not out.exists()
    (src / "002_98f79bfdbc50e318.json").unlink()
    [written] = compile_folder(src, out, seed_documents)
    [m] = read_annotation_file(written, seed_documents)
    assert m.arguments[0].span.text == "Antony Blinken"


def test_agreement_of_identical_sets_is_perfect():
    a = [mention(DOC, "Conflict:Attack", "griff", ("Attacker", "Russland")), mention(DOC, "Contact:Statement", "sagte")]
    row = pairwise(a, list(a), DOCS)
    assert row["TI F1 exact"] == row["AC F1 lenient"] == 1.0
    assert row["kappa (types, matched triggers)"] == 1.0
    assert krippendorff_alpha({"x": a, "y": list(a), "z": list(a)}) == 1.0


def test_agreement_counts_disagreements_by_type():
    a = [mention(DOC, "Conflict:Attack", "griff"), mention(DOC, "Contact:Statement", "sagte"),
         mention(DOC, "Contact:Statement", "sagte", occurrence=1)]
    b = [mention(DOC, "Conflict:Attack", "griff"), replace(a[1], type="Contact:Meet"),
         mention(DOC, "Conflict:Attack", "griff", occurrence=1)]
    row = pairwise(a, b, DOCS)
    assert row["TI F1 exact"] == pytest.approx(2 * 2 / 6)      # 2 of 3 spans shared on each side
    assert row["TC F1 exact"] == pytest.approx(1 / 3)
    table = type_disagreements(a, b, DOCS)
    assert table.loc["Contact:Statement", "only A"] == 1 and table.loc["Contact:Statement", "type differs"] == 1
    assert table.loc["Conflict:Attack", "only B"] == 1
    assert "Krippendorff's alpha" in agreement_markdown({"a": a, "b": b}, DOCS)


def test_readme_figures_are_generated_from_the_data(capsys):
    from bench.__main__ import main

    assert main(["readme", "--check"]) == 0, "README.md is out of date: run python -m bench readme"
    assert "up to date" in capsys.readouterr().out


def test_stats_counts_the_chosen_data():
    from test_harness import bench

    seeds, dev = bench("stats"), bench("stats", "data=dev")
    assert seeds.returncode == dev.returncode == 0, seeds.stderr + dev.stderr
    assert "| total " in seeds.stdout and "dev_07" not in seeds.stdout
    assert "dev_07" in dev.stdout and "000_eb7b64373a13186d" not in dev.stdout
    assert bench("stats", "bogus").returncode != 0


def test_readme_names_the_size_of_the_ontology():
    from bench.contrib.readme import README
    from bench.schema import load_ontology

    types = load_ontology().event_types
    extensions = [name for name, spec in types.items() if spec.get("extension")]
    intro = " ".join(README.read_text(encoding="utf-8").split("## What it measures")[1].split("| level")[0].split())
    assert f"a {len(types)}-type ontology (the {len(types) - len(extensions)} event types of ACE 2005" in intro
    assert all(name in intro for name in extensions)
