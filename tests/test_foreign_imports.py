"""Annotation files made elsewhere: brat's own example corpus and INCEpTION's SemPred layer."""
from __future__ import annotations

import logging
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from conftest import cli, make_document, span_of

from bench.contrib.brat import read_ann
from bench.contrib.convert import convert
from bench.contrib.foreign import Mapping
from bench.contrib.validate import validate
from bench.corpus import load_documents, read_annotations
from bench.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "brat_bionlp"
MAPPING = FIXTURES / "mapping.yaml"
DOC = make_document("doc", "Russland griff am Montag Kiew an.\nDie Armee zog ab.")


def plain_reading(ann: Path, mapping: dict) -> dict[tuple, set]:
    """What the .ann lines say, read on their own: (event type, trigger start, end) -> arguments
    {(role, start, end)}, through the mapping; arguments that are events are left out (TextEE's
    GENIA preprocessing does the same), events of one type on one trigger are one."""
    spans, events = {}, defaultdict(set)
    lines = [line.split("\t") for line in ann.read_text(encoding="utf-8").splitlines()]
    for fields in lines:
        if fields[0].startswith("T"):
            label, start, end = fields[1].split(" ")
            spans[fields[0]] = (label, int(start), int(end))
    for fields in lines:
        if fields[0].startswith("E"):
            head, *arguments = fields[1].split(" ")
            label, trigger = head.split(":")
            key = (mapping["event_types"][label], *spans[trigger][1:])
            events.setdefault(key, set())       # an event without entity arguments is still one
            for argument in arguments:
                role, target = argument.split(":")
                if target.startswith("T"):
                    roles = mapping["roles"]
                    events[key].add((roles.get(f"{label}.{role}", roles.get(role)), *spans[target][1:]))
    return dict(events)


def imported(folder: Path) -> dict[str, list]:
    return read_annotations(folder, load_documents(folder))


def test_brats_example_corpus_imports_with_a_mapping_and_matches_a_plain_reading(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        written = convert("from-brat", FIXTURES, tmp_path / "out", {}, mapping=MAPPING)
    assert sorted(p.name for p in written) == ["PMID-10364260.json", "PMID-10438843.json"]
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    gold = imported(tmp_path / "out")             # the texts came along: the folder is documents and gold
    for ann in sorted(FIXTURES.glob("*.ann")):
        assert (tmp_path / "out" / f"{ann.stem}.txt").read_text() == (FIXTURES / f"{ann.stem}.txt").read_text()
        seen = {(m.type, m.trigger.start, m.trigger.end): {(a.role, a.span.start, a.span.end) for a in m.arguments}
                for m in gold[ann.stem]}
        assert seen == plain_reading(ann, mapping)
    assert sum(len(v) for v in gold.values()) == 12
    assert validate([tmp_path / "out"], documents_dir=tmp_path / "out") == 0


def test_the_convert_command_takes_the_mapping_file(tmp_path):
    done = cli("convert", "from-brat", FIXTURES, tmp_path / "out", "--mapping", MAPPING)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == \
        ["PMID-10364260.json", "PMID-10364260.txt", "PMID-10438843.json", "PMID-10438843.txt"]
    done = cli("convert", "to-brat", tmp_path / "out", tmp_path / "brat", "--mapping", MAPPING)
    assert (done.returncode, done.stderr) == (1, "error: --mapping: only imports (from-*) read a mapping file, "
                                                 "not to-brat\n")


def test_brat_modifications_become_attributes_and_defaults_fill_the_rest(tmp_path):
    gold = {}
    for ann in FIXTURES.glob("*.ann"):
        mentions, notices, _ = read_ann(ann, load_documents(FIXTURES)[ann.stem], Mapping.from_file(MAPPING))
        gold[ann.stem] = {m.id: m for m in mentions}
    events = gold["PMID-10438843"]
    assert events["E7"].attributes == {"polarity": "negative", "modality": "asserted", "genericity": "specific",
                                       "tense": "unspecified"}                      # M1 Negation E7
    assert events["E9"].attributes["modality"] == "other"                          # M2 Speculation E9
    assert events["E8"].attributes["polarity"] == "positive"
    assert (events["E7"].cluster, events["E7"].arguments[0].entity_id, events["E7"].arguments[0].entity_type) == \
        ("e7", "tnf", "ORG")
    assert "E2" not in events and "E4" not in events                                # merged into E1 and E3
    assert [a.span.text for a in events["E3"].arguments] == ["p65", "TNF", "p50"]


def test_the_import_report_cites_file_line_and_brat_id_and_names_the_defaults(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        convert("from-brat", FIXTURES, tmp_path / "out", {}, mapping=MAPPING)
    ann = FIXTURES / "PMID-10438843.ann"
    assert f"{ann}: line 25: *: skipped: relations (R), equivalences (*) and normalizations (N) have no " \
           f"place in the event model" in caplog.messages
    assert f"{ann}: line 38: E5: Theme:E6: skipped: an event as argument (the event model's arguments are " \
           f"entity spans)" in caplog.messages
    assert f"{ann}: line 37: E4: same type and trigger as line 36: E3; merged into it" in caplog.messages
    assert f"{ann}: defaults for what brat does not have: a cluster of its own (7x), polarity=positive (6x), " \
           f"modality=asserted (6x), genericity=specific (7x), tense=unspecified (7x), the argument's text as " \
           f"entity id (10x)" in caplog.messages


def write_pair(folder: Path, doc_id: str, text: str, ann: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / f"{doc_id}.ann").write_text(textwrap.dedent(ann), encoding="utf-8")
    return folder / f"{doc_id}.ann"


def test_an_unmapped_type_or_role_is_an_error_naming_file_line_id_and_mapping(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("event_types: {Attack: 'Conflict:Attack'}\nentity_types: {Country: GPE}\n")
    ann = write_pair(tmp_path / "brat", "news", DOC.text, """\
        T1\tAttack 9 14\tgriff
        T2\tCountry 25 29\tKiew
        T3\tCity 25 29\tKiew
        E1\tAttack:T1 Victim:T2
        """)
    with pytest.raises(DataError) as err:
        convert("from-brat", tmp_path / "brat", tmp_path / "out", {}, mapping=mapping)
    assert err.value.problems == [
        f"{ann}: line 3: T3: unknown type 'City': type 'City' is neither in the ontology nor in the mapping file "
        f"{mapping}; map it (to null to drop it)",
        f"{ann}: line 4: E1: 'Victim:T2' is not 'Role:Tn' with a role of Conflict:Attack (Attacker, Target, "
        f"Instrument, Place, Time): role 'Victim' is neither in the ontology nor in the mapping file {mapping}; "
        f"map it (to null to drop it)"]
    assert not (tmp_path / "out").exists()


def test_names_mapped_to_null_are_dropped_and_reported(tmp_path, caplog):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("event_types: {Attack: 'Conflict:Attack', Rumour: null}\nentity_types: {Country: GPE}\n"
                       "roles: {Victim: Target, Source: null}\n")
    ann = write_pair(tmp_path / "brat", "news", DOC.text, """\
        T1\tAttack 9 14\tgriff
        T2\tCountry 25 29\tKiew
        T3\tRumour 0 8\tRussland
        E1\tAttack:T1 Victim:T2 Source:T2
        E2\tRumour:T3
        A1\tNegation E2
        """)
    with caplog.at_level(logging.WARNING):
        convert("from-brat", tmp_path / "brat", tmp_path / "out", {}, mapping=mapping)
    [attack] = imported(tmp_path / "out")["news"]
    assert (attack.type, [(a.role, a.span.text) for a in attack.arguments]) == ("Conflict:Attack", [("Target", "Kiew")])
    assert f"{ann}: line 4: E1: Source:T2: skipped: the mapping file {mapping} maps 'Source' to null" in caplog.messages
    assert f"{ann}: line 5: E2: skipped: the mapping file {mapping} maps 'Rumour' to null" in caplog.messages


@pytest.mark.parametrize("line, attributes", [
    ("M1\tNegation E1", {"polarity": "negative"}),
    ("A1\tNegation E1", {"polarity": "negative"}),
    ("A1\tHypothetical E1", {"modality": "other"}),
    ("A1\ttense E1 future", {"tense": "future"}),
])
def test_binary_and_valued_brat_attributes(tmp_path, line, attributes):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("attributes: {Hypothetical: {modality: other}}\n")
    ann = tmp_path / "doc.ann"
    ann.write_text(f"T1\tConflict-Attack 9 14\tgriff\nE1\tConflict-Attack:T1\n{line}\n", encoding="utf-8")
    [mention], _, _ = read_ann(ann, DOC, Mapping.from_file(mapping))
    assert {k: mention.attributes[k] for k in attributes} == attributes


def test_an_unmapped_binary_attribute_cites_its_line(tmp_path):
    ann = tmp_path / "doc.ann"
    ann.write_text("T1\tConflict-Attack 9 14\tgriff\nE1\tConflict-Attack:T1\nM1\tHypothetical E1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"doc\.ann: line 3: M1: binary attribute 'Hypothetical': attribute "
                                        r"'Hypothetical' is neither in the ontology nor in a mapping file \(none given\)"):
        read_ann(ann, DOC)


def test_the_text_comes_from_the_txt_beside_the_ann(tmp_path, seed_documents):
    seed_id = sorted(seed_documents)[0]
    write_pair(tmp_path / "brat", seed_id, DOC.text, "T1\tConflict-Attack 9 14\tgriff\nE1\tConflict-Attack:T1\n")
    with pytest.raises(DataError, match=rf"{seed_id}\.txt: differs from the corpus's document '{seed_id}'"):
        convert("from-brat", tmp_path / "brat", tmp_path / "out", seed_documents)
    (tmp_path / "brat" / f"{seed_id}.txt").unlink()        # without the .txt, the corpus's text is used
    with pytest.raises(DataError, match=r"line 1: T1: text 'griff' does not match the document at 9 14"):
        convert("from-brat", tmp_path / "brat", tmp_path / "out", seed_documents)
    (tmp_path / "brat" / f"{seed_id}.ann").rename(tmp_path / "brat" / "elsewhere.ann")
    with pytest.raises(DataError, match=r"elsewhere\.ann: no elsewhere\.txt beside it and no document 'elsewhere'"):
        convert("from-brat", tmp_path / "brat", tmp_path / "out", seed_documents)


@pytest.mark.parametrize("content, message", [
    ("event_type: {A: B}\n", "unknown key 'event_type' (known: event_types, entity_types, roles, attributes)"),
    ("event_types: {Attack: 'Conflict:Atack'}\n", "event_types: 'Attack' -> 'Conflict:Atack': not a name of the "
                                                  "ontology"),
    ("attributes: {Neg: {polarity: no}}\n", "attributes: 'Neg' must map to attribute: value pairs of the ontology"),
    ("roles: [Theme]\n", "roles must map names to names"),
    ("event_types: {a: [\n", "not a readable YAML mapping file"),
])
def test_a_bad_mapping_file_is_named(tmp_path, content, message):
    path = tmp_path / "mapping.yaml"
    path.write_text(content)
    with pytest.raises(DataError) as err:
        Mapping.from_file(path)
    assert err.value.problems[0].startswith(f"{path}: {message}")


# --- INCEpTION's predicate-argument layer -------------------------------------------

SEMANTICS = "de.tudarmstadt.ukp.dkpro.core.api.semantics.type"
#: the DKPro Core types of INCEpTION's built-in "Predicate argument structure" layer, as a UIMA
#: type system description (the TypeSystem.xml of INCEpTION's UIMA CAS XMI export)
TYPE_SYSTEM = f"""<?xml version="1.0" encoding="UTF-8"?>
<typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier">
  <types>
    <typeDescription><name>{SEMANTICS}.SemArg</name><supertypeName>uima.tcas.Annotation</supertypeName>
    </typeDescription>
    <typeDescription><name>{SEMANTICS}.SemArgLink</name><supertypeName>uima.cas.TOP</supertypeName>
      <features>
        <featureDescription><name>role</name><rangeTypeName>uima.cas.String</rangeTypeName></featureDescription>
        <featureDescription><name>target</name><rangeTypeName>{SEMANTICS}.SemArg</rangeTypeName>
        </featureDescription>
      </features>
    </typeDescription>
    <typeDescription><name>{SEMANTICS}.SemPred</name><supertypeName>uima.tcas.Annotation</supertypeName>
      <features>
        <featureDescription><name>arguments</name><rangeTypeName>uima.cas.FSArray</rangeTypeName>
          <elementType>{SEMANTICS}.SemArgLink</elementType></featureDescription>
        <featureDescription><name>category</name><rangeTypeName>uima.cas.String</rangeTypeName>
        </featureDescription>
      </features>
    </typeDescription>
    <typeDescription><name>de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence</name>
      <supertypeName>uima.tcas.Annotation</supertypeName></typeDescription>
  </types>
</typeSystemDescription>
"""


def sempred_xmi(text: str, category: str, roles: tuple[str, str]) -> str:
    """A CAS as INCEpTION writes it (UIMA CAS XMI): one SemPred on "griff" with two SemArgLinks."""
    griff, russland, kiew = (span_of(DOC, w) for w in ("griff", "Russland", "Kiew"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore"
         xmlns:tcas="http:///uima/tcas.ecore" xmlns:type0="http:///{SEMANTICS.replace('.', '/')}.ecore"
         xmlns:type="http:///de/tudarmstadt/ukp/dkpro/core/api/segmentation/type.ecore" xmi:version="2.0">
    <cas:NULL xmi:id="0"/>
    <tcas:DocumentAnnotation xmi:id="2" sofa="1" begin="0" end="{len(text)}" language="de"/>
    <type:Sentence xmi:id="3" sofa="1" begin="0" end="33"/>
    <type0:SemPred xmi:id="10" sofa="1" begin="{griff.start}" end="{griff.end}" arguments="13 14" category="{category}"/>
    <type0:SemArg xmi:id="11" sofa="1" begin="{russland.start}" end="{russland.end}"/>
    <type0:SemArg xmi:id="12" sofa="1" begin="{kiew.start}" end="{kiew.end}"/>
    <type0:SemArgLink xmi:id="13" role="{roles[0]}" target="11"/>
    <type0:SemArgLink xmi:id="14" role="{roles[1]}" target="12"/>
    <cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" mimeType="text" sofaString="{text.replace(chr(10), '&#10;')}"/>
    <cas:View sofa="1" members="2 3 10 11 12 13 14"/>
</xmi:XMI>
"""


@pytest.fixture
def sempred_folder(tmp_path):
    folder = tmp_path / "inception"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_text(TYPE_SYSTEM, encoding="utf-8")
    (folder / "news.xmi").write_text(sempred_xmi(DOC.text, "Angriff", ("ARG0", "ARG1")), encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("event_types: {Angriff: 'Conflict:Attack'}\nroles: {ARG0: Attacker, ARG1: Target}\n")
    return folder, mapping


@pytest.mark.parametrize("fmt", ["xmi", "json"])
def test_inceptions_sempred_layer_imports_with_a_mapping(sempred_folder, tmp_path, caplog, fmt):
    folder, mapping = sempred_folder
    if fmt == "json":          # the same CAS in UIMA CAS JSON, which carries its own types
        from cassis import load_cas_from_xmi, load_typesystem

        cas = load_cas_from_xmi((folder / "news.xmi").read_text(), typesystem=load_typesystem(TYPE_SYSTEM))
        (folder / "news.xmi").unlink()
        (folder / "TypeSystem.xml").unlink()
        (folder / "news.json").write_text(cas.to_json(), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        convert("from-inception", folder, tmp_path / "out", {}, mapping=mapping)
    [attack] = imported(tmp_path / "out")["news"]
    assert (attack.type, attack.trigger.text, attack.id, attack.cluster) == ("Conflict:Attack", "griff", "P1", "p1")
    assert [(a.role, a.span.text, a.entity_type, a.entity_id) for a in attack.arguments] == \
        [("Attacker", "Russland", "OTHER", "russland"), ("Target", "Kiew", "OTHER", "kiew")]
    assert (tmp_path / "out" / "news.txt").read_text(encoding="utf-8") == DOC.text
    assert any("defaults for what INCEpTION's SemPred layer does not have" in m and "entity type OTHER (2x)" in m
               for m in caplog.messages)


def test_an_unmapped_sempred_role_names_the_predicate(sempred_folder, tmp_path):
    folder, mapping = sempred_folder
    mapping.write_text("event_types: {Angriff: 'Conflict:Attack'}\nroles: {ARG0: Attacker}\n")
    with pytest.raises(DataError) as err:
        convert("from-inception", folder, tmp_path / "out", {}, mapping=mapping)
    assert err.value.problems == [
        f"{folder / 'news.xmi'}: SemPred 1 at 9-14 'griff': argument 'ARG1': not a role of Conflict:Attack "
        f"(Attacker, Target, Instrument, Place, Time): role 'ARG1' is neither in the ontology nor in the mapping "
        f"file {mapping}; map it (to null to drop it)"]


def test_an_xmi_file_without_its_type_system_is_named(sempred_folder, tmp_path):
    folder, mapping = sempred_folder
    (folder / "TypeSystem.xml").unlink()
    with pytest.raises(DataError, match=r"news\.xmi: no TypeSystem\.xml beside it"):
        convert("from-inception", folder, tmp_path / "out", {}, mapping=mapping)


@pytest.mark.parametrize("edit, message", [
    (lambda xmi: xmi.replace("</xmi:XMI>", ""), "not a readable UIMA CAS XMI file"),
    (lambda xmi: xmi.replace("type0:SemArg ", "type0:SemArgument "), "not a readable UIMA CAS XMI file"),
])
def test_an_unreadable_xmi_file_is_one_line(sempred_folder, tmp_path, edit, message):
    folder, mapping = sempred_folder
    (folder / "news.xmi").write_text(edit((folder / "news.xmi").read_text()), encoding="utf-8")
    done = cli("convert", "from-inception", folder, tmp_path / "out", "--mapping", mapping)
    assert done.returncode == 1 and done.stderr.startswith(f"error: {folder / 'news.xmi'}: {message}: ")
    assert len(done.stderr.splitlines()) == 1
