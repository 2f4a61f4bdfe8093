"""Conversion to and from brat standoff and INCEpTION (UIMA CAS JSON): round trips and errors."""
from __future__ import annotations

import json
import logging

import pytest
from conftest import make_document, span_of

from bench.contrib.brat import read_ann, write_document
from bench.contrib.convert import convert
from bench.contrib.inception import read_document
from bench.contrib.inception import write_document as write_cas
from bench.contrib.validate import validate
from bench.errors import DataError
from bench.corpus import read_annotations
from bench.schema import PROJECT_ROOT, Argument, EventMention

PASS_A = PROJECT_ROOT / "annotations" / "passes" / "pass_a"
GOLD = PROJECT_ROOT / "annotations" / "gold"
FOLDERS = [folder for folder in (PASS_A, GOLD) if any(folder.glob("*.json"))]
ATTRS = {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"}

DOC = make_document("doc", "Russland griff am Montag Kiew an.\nDie Armee zog ab.")
DOCS = {"doc": DOC}
#: The .ann lines of event E1's attributes and ids, as the gold requires them.
E1_LINES = "".join(f"A{i}\t{name} E1 {value}\n" for i, (name, value) in enumerate(ATTRS.items(), 1)) \
    + "#1\tAnnotatorNotes E1\tid=E1 cluster=kyiv_attack\n"


def comparable(mentions: list[EventMention]) -> list:
    """Mentions with their attributes: EventMention leaves attributes out of ``==``."""
    return [(m, m.attributes) for m in mentions]


def by_position(mentions: list[EventMention]) -> list[EventMention]:
    return sorted(mentions, key=lambda m: (m.trigger.start, m.trigger.end, m.id))


def attack(doc=DOC, trigger="griff", target="Kiew") -> EventMention:
    return EventMention(doc.id, "Conflict:Attack", span_of(doc, trigger),
                        (Argument("Target", span_of(doc, target), "GPE", "kyiv"),), dict(ATTRS), "E1", "kyiv_attack")


# --- round trips on the shipped annotations -----------------------------------------


def test_the_shipped_annotation_pass_is_among_the_round_trips():
    assert PASS_A in FOLDERS


@pytest.mark.parametrize("fmt", ["brat", "inception"])
@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_round_trip_keeps_every_mention_attribute_and_id(folder, fmt, seed_documents, tmp_path):
    original = read_annotations(folder, seed_documents)
    mentions = [m for ms in original.values() for m in ms]
    assert mentions and all(m.id and m.cluster and len(m.attributes) == 4 for m in mentions)
    assert all(a.entity_type and a.entity_id for m in mentions for a in m.arguments)

    convert(f"to-{fmt}", folder, tmp_path / fmt / folder.name, seed_documents)
    written = convert(f"from-{fmt}", tmp_path / fmt / folder.name, tmp_path / "json", seed_documents)

    assert sorted(p.name for p in written) == sorted(f"{doc_id}.json" for doc_id in original)
    again = read_annotations(tmp_path / "json", seed_documents)
    for doc_id, before in original.items():
        if fmt == "brat":      # brat keeps the order of the events; a CAS orders them by offsets
            assert comparable(again[doc_id]) == comparable(before)
        else:
            assert comparable(by_position(again[doc_id])) == comparable(by_position(before))
    assert {json.loads(p.read_text(encoding="utf-8"))["annotator"] for p in written} == {folder.name}
    assert validate([tmp_path / "json"]) == 0


# --- brat -------------------------------------------------------------------------


def test_brat_files_keep_brats_rules(seed_documents, tmp_path):
    convert("to-brat", PASS_A, tmp_path, seed_documents)
    assert "[events]\nConflict-Attack\tAttacker*:<ENTITY>," in (tmp_path / "annotation.conf").read_text()
    numbered_roles = 0
    for ann in sorted(tmp_path.glob("*.ann")):
        assert (tmp_path / f"{ann.stem}.txt").read_text(encoding="utf-8") == seed_documents[ann.stem].text
        rows = [line.split("\t") for line in ann.read_text(encoding="utf-8").splitlines()]
        labels = {row[0]: row[1].split(" ")[0] for row in rows if row[0].startswith("T")}
        triggers = set()
        for row in (r for r in rows if r[0].startswith("E")):
            head, *arguments = row[1].split(" ")
            assert head.count(":") == 1            # brat splits Type:Trigger and Role:Id at ':'
            event_type, trigger = head.split(":")
            assert labels[trigger] == event_type   # brat: the trigger's type is the event's
            triggers.add(trigger)
            roles = [a.split(":")[0] for a in arguments]
            assert len(set(roles)) == len(roles)
            numbered_roles += any(r[-1].isdigit() for r in roles)
        note_targets = {row[1].split(" ")[1] for row in rows if row[0].startswith("#")}
        assert note_targets and not note_targets & triggers   # brat rejects notes on triggers
    assert numbered_roles > 0


def test_discontinuous_span_is_read_as_its_covering_span_and_reported(tmp_path, caplog):
    griff, an, kiew = span_of(DOC, "griff"), span_of(DOC, "an."), span_of(DOC, "Kiew")
    path = tmp_path / "doc.ann"
    path.write_text(f"T1\tConflict-Attack {griff.start} {griff.end};{an.start} {an.start + 2}\tgriff an\n"
                    f"T2\tGPE {kiew.start} {kiew.end}\tKiew\n"
                    f"E1\tConflict-Attack:T1 Target:T2\n{E1_LINES}"
                    f"#2\tAnnotatorNotes T2\tentity_id=kyiv\n", encoding="utf-8")
    mentions, notices, _ = read_ann(path, DOC)
    covering = DOC.text[griff.start:an.start + 2]
    assert covering == "griff am Montag Kiew an"
    assert mentions[0].trigger == span_of(DOC, covering)
    assert mentions[0].arguments == (Argument("Target", kiew, "GPE", "kyiv"),)
    assert notices == [f"{path}: line 1: T1: discontinuous span {griff.start} {griff.end};{an.start} {an.start + 2} "
                       f"read as its covering span {griff.start}-{an.start + 2} {covering!r}"]
    with caplog.at_level(logging.WARNING):
        convert("from-brat", tmp_path, tmp_path / "json", DOCS)
    assert notices[0] in caplog.messages


def test_span_across_a_line_break_is_written_as_fragments_and_read_back(tmp_path):
    mention = attack(trigger="an.\nDie", target="Kiew")
    write_document(DOC, [mention], tmp_path)
    ann = (tmp_path / "doc.ann").read_text(encoding="utf-8")
    start = mention.trigger.start
    assert ann.startswith(f"T1\tConflict-Attack {start} {start + 3};{start + 4} {start + 7}\tan. Die\n")
    mentions, notices, _ = read_ann(tmp_path / "doc.ann", DOC)
    assert comparable(mentions) == comparable([mention]) and notices == []


VALID_ANN = ("T1\tConflict-Attack 9 14\tgriff\n"
             "T2\tGPE 25 29\tKiew\n"
             "E1\tConflict-Attack:T1 Target:T2\n")


@pytest.mark.parametrize("line, message", [
    ("T3 GPE 0 8 Russland", "no tab after the annotation id 'T3 GPE 0 8 Russland'"),
    ("T3\tGPE 0 8 Russland", "T3: no tab before the span text"),
    ("T3\tGPE 0;8\tRussland", "T3: offsets must be 'start end' pairs joined by ';', got '0;8'"),
    ("T3\tNation 0 8\tRussland", "T3: unknown type 'Nation'"),
    ("T3\tGPE 0 8\tRusland", "T3: text 'Rusland' does not match the document at 0 8: 'Russland'"),
    ("T3\tGPE 0 99\tRussland", "T3: offsets 0 99 are outside the document"),
    ("T1\tGPE 0 8\tRussland", "T1 is already defined on line 1"),
    ("E2\tConflict:Attack:T1", "E2: expected 'EventType:Tn' with a known event type, got 'Conflict:Attack:T1'"),
    ("E2\tConflict-Attack:T1 Speaker:T2", "E2: 'Speaker:T2' is not 'Role:Tn' with a role of Conflict:Attack"),
    ("E2\tConflict-Attack:T9", "E2: trigger T9 must be a T annotation of type Conflict-Attack"),
    ("E2\tConflict-Attack:T1 Target:E7", "E2: argument Target:E7 must point to a T annotation of an entity type"),
    ("A1\tpolarity E1 maybe", "A1: polarity maybe is not an attribute and value of the ontology"),
    ("A1\tpolarity T2 positive", "refers to T2, which is not an event (only events carry attributes)"),
    ("#1\tAnnotatorNotes E1\tid=E1 cluster", "#1: note token 'cluster' is not key=value with a key of E annotations"),
    ("#1\tAnnotatorNotes E7\tid=E7", "refers to E7, which is not an event or span of this file"),
])
def test_malformed_ann_line_is_named_with_file_line_and_problem(tmp_path, line, message):
    path = tmp_path / "doc.ann"
    path.write_text(VALID_ANN + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_ann(path, DOC)
    assert f"{path}: line 4: {message}" in str(err.value)


def test_from_brat_validates_every_file_before_writing_any(tmp_path):
    armee = span_of(DOC, "Armee")   # in the next sentence: not an argument of "griff"
    (tmp_path / "brat").mkdir()
    (tmp_path / "brat" / "doc.ann").write_text(
        VALID_ANN.replace("GPE 25 29\tKiew", f"ORG {armee.start} {armee.end}\tArmee") + E1_LINES
        + "#2\tAnnotatorNotes T2\tentity_id=army\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"doc\.ann: line 3: E1: argument 1: Target 'Armee' lies "
                                        r"outside the trigger's sentence"):
        convert("from-brat", tmp_path / "brat", tmp_path / "json", DOCS)
    assert not (tmp_path / "json").exists()


# --- INCEpTION ----------------------------------------------------------------------


def test_cas_json_models_arguments_as_inceptions_link_feature(seed_documents, tmp_path):
    convert("to-inception", PASS_A, tmp_path, seed_documents)
    types = json.loads((tmp_path / "000_eb7b64373a13186d.json").read_text(encoding="utf-8"))["%TYPES"]
    event, link = types["webanno.custom.Event"], types["webanno.custom.EventArgumentsLink"]
    assert event["%SUPER_TYPE"] == "uima.tcas.Annotation"
    assert event["arguments"]["%RANGE"] == "webanno.custom.EventArgumentsLink[]"
    assert {"eventType", "polarity", "modality", "genericity", "tense", "eventId", "cluster"} <= set(event)
    assert link["%SUPER_TYPE"] == "uima.cas.TOP"
    assert link["role"]["%RANGE"] == "uima.cas.String"
    assert link["target"]["%RANGE"] == "webanno.custom.EventArgument"
    assert "<elementType>webanno.custom.EventArgumentsLink</elementType>" in (tmp_path / "TypeSystem.xml").read_text()


def test_cas_offsets_survive_characters_outside_the_basic_plane(tmp_path):
    doc = make_document("doc", "🎉 Russland griff Kiew an.")
    mention = attack(doc)
    (path,) = write_cas(doc, [mention], tmp_path)
    stored = [fs for fs in json.loads(path.read_text(encoding="utf-8"))["%FEATURE_STRUCTURES"]
              if fs["%TYPE"] == "webanno.custom.Event"]
    assert (stored[0]["begin"], stored[0]["end"]) == (mention.trigger.start + 1, mention.trigger.end + 1)  # UTF-16
    assert comparable(read_document(path, {doc.id: doc})[1].mentions) == comparable([mention])


def edited_cas(tmp_path, edit) -> tuple:
    """A CAS JSON file of ``attack()`` after ``edit(json_object)``."""
    (path,) = write_cas(DOC, [attack()], tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_cas_reads_link_arrays_as_java_uima_writes_them(tmp_path):
    def java_style(data):
        for fs in data["%FEATURE_STRUCTURES"]:
            if fs["%TYPE"] == "uima.cas.FSArray":
                fs["%TYPE"] = "webanno.custom.EventArgumentsLink[]"
    path = edited_cas(tmp_path, java_style)
    assert comparable(read_document(path, DOCS)[1].mentions) == comparable([attack()])


def without_cluster(data):
    """The CAS of a project whose event layer has no cluster feature."""
    data["%TYPES"]["webanno.custom.Event"].pop("cluster")
    for fs in data["%FEATURE_STRUCTURES"]:
        fs.pop("cluster", None)


@pytest.mark.parametrize("edit, message", [
    (without_cluster, "the type system lacks webanno.custom.Event:cluster"),
    (lambda d: d["%FEATURE_STRUCTURES"][0].update(sofaString=DOC.text.replace("Kiew", "Kyiv")),
     "the CAS text differs from document doc from character 26 on"),
    (lambda d: [fs.pop("@target") for fs in d["%FEATURE_STRUCTURES"] if "@target" in fs],
     "event E1 at 9-14 'griff': the 'Target' slot has no filler"),
    (lambda d: d.update({"%FEATURE_STRUCTURES": "none"}), "not a readable UIMA CAS JSON file"),
])
def test_cas_problems_name_the_file(tmp_path, edit, message):
    path = edited_cas(tmp_path, edit)
    with pytest.raises(DataError) as err:
        read_document(path, DOCS)
    assert f"{path}: {message}" in str(err.value)


def test_unknown_conversion_is_refused(tmp_path):
    with pytest.raises(DataError, match="unknown conversion 'to-conll': use one of from-brat, from-inception, to-brat, to-inception"):
        convert("to-conll", tmp_path, tmp_path / "out", DOCS)
