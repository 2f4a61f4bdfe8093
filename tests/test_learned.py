"""The sklearn extractor (bench/extractors/learned.py) and its learning curve.

Folds never see their test document (a memorising extractor scores nothing on a document
whose triggers occur nowhere else, through the real harness); the sklearn extractor runs
through the harness on small hand-made documents and its result folder records the folds;
features, candidates and training labels on hand-written German sentences, parsed by the
stand-in model or written as trees in both label schemes (never the test articles).
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import test_spacy_extractor
import yaml
from conftest import make_document, plugin_extractor
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from test_harness import bench, result_folders
from test_spacy_extractor import TREES, parse

from bench.corpus import load_documents, parse_annotation, read_annotations
from bench.errors import ExtractorError
from bench.extractors.learned import NO_ROLE, SklearnExtractor, candidate_roles, clause, dependency_path, gold_triggers
from bench.harness import document_folds
from bench.schema import PROJECT_ROOT, Argument, EventMention, Span

#: the spaCy model to test with: $BENCH_SPACY_MODEL, else the stand-in ../shared/models/de_ud_sm (fails if neither)
model = test_spacy_extractor.model

ATTRIBUTES = {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"}

# Hand-made articles: "unterzeichnete" and "traf" occur only in c_paris, "griff", "beschoss" and
# "sagte" only in the others. Events: (type, trigger, [(role, argument text, entity type)]).
ARTICLES = {
    "a_charkiw": (("Russland griff am Montag die Stadt Charkiw an. Die Armee beschoss Dörfer im Osten. "
                   "Der Gouverneur sagte am Abend, die Lage sei ernst."), [
                      ("Conflict:Attack", "griff", [("Attacker", "Russland", "GPE"), ("Time", "Montag", "TIME"),
                                                    ("Target", "Charkiw", "GPE")]),
                      ("Conflict:Attack", "beschoss", [("Attacker", "Armee", "ORG"), ("Target", "Dörfer", "LOC")]),
                      ("Contact:Statement", "sagte", [("Speaker", "Gouverneur", "PER"), ("Time", "Abend", "TIME")])]),
    "b_cherson": (("Die Ukraine beschoss am Dienstag russische Stellungen. Der Präsident sagte in Kiew, "
                   "die Truppen hielten stand."), [
                      ("Conflict:Attack", "beschoss", [("Attacker", "Ukraine", "GPE"), ("Time", "Dienstag", "TIME"),
                                                       ("Target", "Stellungen", "FAC")]),
                      ("Contact:Statement", "sagte", [("Speaker", "Präsident", "PER"), ("Place", "Kiew", "GPE")])]),
    "c_paris": ("Die Regierung unterzeichnete in Paris ein Abkommen. Blinken traf Scholz in Berlin.", [
        ("Contact:Agreement", "unterzeichnete", [("Participant", "Regierung", "ORG"), ("Place", "Paris", "GPE")]),
        ("Contact:Meet", "traf", [("Entity", "Blinken", "PER"), ("Entity", "Scholz", "PER"),
                                  ("Place", "Berlin", "GPE")])]),
    "d_odessa": (("Die Marine beschoss am Freitag den Hafen. Ein Sprecher sagte am Samstag, der Angriff "
                  "sei abgewehrt worden."), [
                     ("Conflict:Attack", "beschoss", [("Attacker", "Marine", "ORG"), ("Time", "Freitag", "TIME"),
                                                      ("Target", "Hafen", "FAC")]),
                     ("Contact:Statement", "sagte", [("Speaker", "Sprecher", "PER"), ("Time", "Samstag", "TIME")]),
                     ("Conflict:Attack", "Angriff", [])]),
}


def annotation(doc_id: str, text: str, events) -> dict:
    """An annotation file's content; every trigger and argument text is its first occurrence in ``text``."""
    def span(words: str) -> dict:
        start = re.search(rf"\b{re.escape(words)}\b", text).start()
        return {"start": start, "end": start + len(words), "text": words}

    return {"doc_id": doc_id, "ontology_version": "1.0", "annotator": "test", "events": [
        {"id": f"{doc_id}-E{k}", "type": event_type, "attributes": ATTRIBUTES, "cluster": f"{doc_id}_e{k}",
         "trigger": span(trigger),
         "arguments": [{"role": role, **span(words), "entity_type": entity_type,
                        "entity_id": f"e{k}_{j}"} for j, (role, words, entity_type) in enumerate(arguments)]}
        for k, (event_type, trigger, arguments) in enumerate(events, 1)]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The hand-made articles with their gold: DIR/docs, DIR/gold."""
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "docs").mkdir()
    (folder / "gold").mkdir()
    for doc_id, (text, events) in ARTICLES.items():
        (folder / "docs" / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
        (folder / "gold" / f"{doc_id}.json").write_text(json.dumps(annotation(doc_id, text, events)), encoding="utf-8")
    return folder


def run_on(corpus: Path, tmp_path: Path, *overrides: str, env: dict | None = None) -> tuple[Path, str]:
    done = bench("run", f"data.documents_dir={corpus / 'docs'}", f"data.gold_dir={corpus / 'gold'}",
                 f"results_dir={tmp_path / 'r'}", "scoring.bootstrap_samples=0", *overrides, env=env)
    assert done.returncode == 0, done.stderr
    [folder] = result_folders(tmp_path / "r")
    return folder, done.stdout


# --- folds through the real harness ---------------------------------------------------

def test_a_memorising_extractor_scores_nothing_on_a_document_whose_triggers_occur_nowhere_else(corpus, tmp_path):
    run_args = plugin_extractor(tmp_path, "memory", '''
        import re
        from bench.extractors.base import Extractor
        from bench.schema import EventMention, Span

        class Memoriser(Extractor):
            """Predicts every word that was a trigger in its training gold, with that type."""
            trainable = True

            def __init__(self):
                self.known = {}

            def fit(self, documents, gold):
                self.known = {m.trigger.text: m.type for mentions in gold.values() for m in mentions}

            def extract(self, document):
                return [EventMention(document.id, self.known[w.group()], Span(w.start(), w.end(), w.group()))
                        for w in re.finditer(r"\\w+", document.text) if w.group() in self.known]
        ''', "memoriser", "_target_: memory.Memoriser\n")
    others = " ".join(text for doc_id, (text, _) in ARTICLES.items() if doc_id != "c_paris")
    assert not {"unterzeichnete", "traf"} & set(re.findall(r"\w+", others))
    folder, stdout = run_on(corpus, tmp_path, *run_args, env={"PYTHONPATH": str(tmp_path)})
    scores = json.loads((folder / "scores.json").read_text())
    per_document = scores["per_document"]["exact"]["TC"]
    assert per_document["c_paris"]["tp"] == per_document["c_paris"]["fp"] == 0
    assert per_document["c_paris"]["fn"] == 2
    # the same memoriser does find the triggers that other documents share
    for doc_id in ("a_charkiw", "b_cherson", "d_odessa"):
        assert per_document[doc_id]["tp"] >= 2
    assert scores["cross_validated"]["folds"] == document_folds(sorted(ARTICLES), sorted(ARTICLES))
    assert "cross-validated by document: 4 folds" in stdout


@pytest.fixture(scope="module")
def sklearn_run(corpus, model, tmp_path_factory) -> tuple[Path, str]:
    return run_on(corpus, tmp_path_factory.mktemp("sklearn"), "extractor=sklearn", f"extractor.model={model}",
                  "folds=2")


def test_the_sklearn_extractor_runs_through_the_harness_in_folds(sklearn_run, corpus):
    folder, _ = sklearn_run
    scores = json.loads((folder / "scores.json").read_text())
    folds = scores["cross_validated"]["folds"]
    assert folds == document_folds(sorted(ARTICLES), sorted(ARTICLES), 2)
    run = json.loads((folder / "run.json").read_text())
    # one fit per fold, on exactly the fold's training documents, which never hold its test documents
    assert [fit["training_documents"] for fit in run["fits"]] == [fold["train"] for fold in folds]
    for fold in folds:
        assert not set(fold["train"]) & set(fold["test"])
    assert all(fit["triggers"]["examples"] > 0 and fit["arguments"]["examples"] > 0 for fit in run["fits"])
    assert scores["counts"]["documents"] == 4
    documents = load_documents(corpus / "docs")
    for line in (folder / "predictions.jsonl").read_text().splitlines():
        mention = json.loads(line)
        text = documents[mention["doc_id"]].text
        assert text[mention["trigger"]["start"]:mention["trigger"]["end"]] == mention["trigger"]["text"]


def test_a_sklearn_result_folder_records_its_folds_and_says_it_is_cross_validated(sklearn_run):
    folder, stdout = sklearn_run
    scores = json.loads((folder / "scores.json").read_text())
    assert {tuple(f["test"]) for f in scores["cross_validated"]["folds"]} == {
        ("a_charkiw", "c_paris"), ("b_cherson", "d_odessa")}
    assert "cross-validated by document: 2 folds" in stdout
    assert "(cross-validated by document)" in (folder / "table.md").read_text().splitlines()[0]
    config = yaml.safe_load((folder / "config.yaml").read_text())
    assert config["folds"] == 2
    assert config["extractor"]["_target_"] == "bench.extractors.learned.SklearnExtractor"


# --- features, candidates and labels on hand-written sentences ------------------------

SCHEMES = ("tiger", "ud")
NIGHT = ({"Kiew": "LOC"}, """
Drohnen          Drohne           NOUN   1 sb     1 nsubj
griffen          greifen          VERB   1 ROOT   1 ROOT
in               in               ADP    1 mo     4 case
der              der              DET    4 nk     4 det          PronType=Art
Nacht            Nacht            NOUN   2 nk     1 obl
auf              auf              ADP    4 mnr    6 case
Mittwoch         Mittwoch         NOUN   5 nk     4 nmod
Kiew             Kiew             PROPN  1 oa     1 obj
an               an               ADP    1 svp    1 compound:prt
.                .                PUNCT  1 punct  1 punct""")


@pytest.fixture(scope="module")
def unfitted() -> SklearnExtractor:
    """An extractor whose features and candidates are read from hand-made trees (no model loaded)."""
    return SklearnExtractor(model="unused")


def tree_of(name: str, scheme: str):
    """A hand-made parse and its reading (the scheme is detected from the labels)."""
    entities, rows = NIGHT if name == "night" else TREES[name][:2]
    doc = parse(rows, scheme, entities)
    return doc, SklearnExtractor(model="unused").spacy.tree(doc)


def word(doc, text: str):
    return next(t for t in doc if t.text == text)


def spans(candidates) -> set[str]:
    return {c.head.doc[c.first:c.last + 1].text for c in candidates}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_trigger_features_of_a_separable_verb(unfitted, scheme):
    doc, tree = tree_of("separable verb and apposition", scheme)
    features = unfitted.token_features(tree, word(doc, "kündigte"))
    assert {"lemma=kündigen", "lower=kündigte", "pos=VERB", "particle_lemma=ankündigen",
            "lexicon=Contact:Statement", "suffix3=gen", "suffix6=ndigen",
            "lemma[-1]=blinken", "pos[-2]=PROPN", "lemma[+1]=an", "lemma[+2]=mittwoch", "bias"} <= set(features)
    first = unfitted.token_features(tree, doc[0])
    assert {"lemma[-1]=<s>", "lemma[-2]=<s>", "lexicon=-", "particle_lemma=-"} <= set(first)
    assert set(SklearnExtractor(model="unused", window=0).token_features(tree, doc[0])).isdisjoint(
        f for f in first if f.startswith(("lemma[", "pos[")))


def test_trigger_features_of_a_compound_noun_with_the_real_model(model):
    extractor = SklearnExtractor(model=model)
    doc = extractor.spacy.nlp("Der Raketenangriff auf Kiew forderte viele Opfer.")
    features = extractor.token_features(extractor.spacy.tree(doc), word(doc, "Raketenangriff"))
    assert {"lexicon=Conflict:Attack", "suffix5=griff", "lower=raketenangriff"} <= set(features)
    assert any(f.startswith("head_lemma=") for f in features) and any(f.startswith("dep=") for f in features)


@pytest.mark.parametrize("scheme, path", [("tiger", "vsbp/vnk"), ("ud", "vobl:agent")])
def test_argument_features_of_a_passive_agent(unfitted, scheme, path):
    doc, tree = tree_of("passive", scheme)
    trigger = word(doc, "beschossen")
    [truppen] = [c for c in unfitted.candidates(tree, trigger) if c.head.text == "Truppen"]
    features = unfitted.argument_features(tree, trigger, "Conflict:Attack", truppen, {trigger.i})
    assert {f"path={path}", "voice=passive", "preposition=von", "position=before", "distance=3",
            "same_clause=True", "is_trigger=False", "type=Conflict:Attack", "trigger_lemma=beschießen",
            "head_lemma=truppe", "head_pos=NOUN", f"type*path=Conflict:Attack|{path}",
            "type*preposition=Conflict:Attack|von", f"voice_path=passive|{path}"} <= set(features)


@pytest.mark.parametrize("scheme, path", [("tiger", (["oc"], ["sb"])), ("ud", ([], ["nsubj"]))])
def test_the_dependency_path_goes_up_to_the_common_ancestor_and_down(scheme, path):
    doc, tree = tree_of("active", scheme)
    trigger, subject = word(doc, "angegriffen"), word(doc, "Russland")
    assert dependency_path(trigger, subject) == path
    assert dependency_path(trigger, trigger) == ([], [])
    assert clause(tree, trigger) == clause(tree, subject)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_relative_clause_is_another_clause_and_its_pronoun_no_candidate(unfitted, scheme):
    doc, tree = tree_of("relative clause", scheme)
    trigger = word(doc, "reiste")
    assert spans(unfitted.candidates(tree, trigger)) == {"Borrell", "Kiew", "Selenskyj"}
    assert clause(tree, trigger) != clause(tree, word(doc, "Selenskyj"))
    assert clause(tree, trigger) == clause(tree, word(doc, "Kiew"))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_candidates_are_minimal_spans_with_a_name_and_the_noun_that_introduces_it(unfitted, scheme):
    doc, tree = tree_of("separable verb and apposition", scheme)
    candidates = unfitted.candidates(tree, word(doc, "kündigte"))
    assert spans(candidates) == {"US-Außenminister", "Antony Blinken", "Mittwoch", "Brüssel", "Antwort"}
    by_span = {doc[c.first:c.last + 1].text: c for c in candidates}
    assert by_span["Mittwoch"].preposition == "am" and by_span["Mittwoch"].entity_type == "TIME"
    assert by_span["Brüssel"].preposition == "in" and by_span["Antony Blinken"].entity_type == "PER"
    assert [c.first for c in candidates] == sorted(c.first for c in candidates)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_time_expression_is_one_candidate_without_the_phrases_inside_it(unfitted, scheme):
    doc, tree = tree_of("night", scheme)
    candidates = unfitted.candidates(tree, word(doc, "griffen"))
    assert spans(candidates) == {"Drohnen", "Nacht auf Mittwoch", "Kiew"}
    [night] = [c for c in candidates if c.head.text == "Nacht"]
    assert (night.entity_type, night.preposition) == ("TIME", "in")


def test_gold_labels_a_trigger_token_and_the_candidate_that_overlaps_an_argument_most(unfitted):
    doc, tree = tree_of("separable verb and apposition", "ud")
    offset = 100    # the sentence starts at character 100 of its document
    at = {t.text: offset + t.idx for t in doc}

    def mention(trigger_start: int, *arguments: tuple[str, int, int]) -> EventMention:
        return EventMention("x", "Contact:Statement", Span(trigger_start, trigger_start + 3),
                            tuple(Argument(role, Span(start, end)) for role, start, end in arguments))

    inside_the_word = mention(at["kündigte"] + 2)
    elsewhere = mention(5)
    assert gold_triggers(doc, offset, [elsewhere, inside_the_word]) == {3: inside_the_word}
    candidates = unfitted.candidates(tree, doc[3])
    names = [doc[c.first:c.last + 1].text for c in candidates]
    labels = dict(zip(names, candidate_roles(candidates, mention(
        at["kündigte"], ("Speaker", at["Blinken"], at["Blinken"] + 7), ("Time", at["Mittwoch"], at["Mittwoch"] + 3)),
        doc, offset)))
    assert labels == {"US-Außenminister": NO_ROLE, "Antony Blinken": "Speaker", "Mittwoch": "Time",
                      "Brüssel": NO_ROLE, "Antwort": NO_ROLE}
    # an argument over two candidates labels the one it overlaps most; the other is left out of training
    both = candidate_roles(candidates, mention(at["kündigte"], ("Speaker", at["US-Außenminister"], at["Antony"] + 3)),
                           doc, offset)
    assert dict(zip(names, both))["US-Außenminister"] == "Speaker"
    assert dict(zip(names, both))["Antony Blinken"] is None


# --- fitting and extracting with the real model -----------------------------------------

TRAINING = {
    "t1": ("Die Armee beschoss am Montag die Stadt. Der Minister sagte am Abend, die Lage sei ruhig.", [
        ("Conflict:Attack", "beschoss", [("Attacker", "Armee", "ORG"), ("Time", "Montag", "TIME"),
                                         ("Target", "Stadt", "GPE")]),
        ("Contact:Statement", "sagte", [("Speaker", "Minister", "PER"), ("Time", "Abend", "TIME")])]),
    "t2": ("Die Marine beschoss am Dienstag den Hafen. Die Sprecherin sagte am Mittwoch, es gebe Verletzte.", [
        ("Conflict:Attack", "beschoss", [("Attacker", "Marine", "ORG"), ("Time", "Dienstag", "TIME"),
                                         ("Target", "Hafen", "FAC")]),
        ("Contact:Statement", "sagte", [("Speaker", "Sprecherin", "PER"), ("Time", "Mittwoch", "TIME")])]),
}


def fitted(model: str, **settings) -> tuple[SklearnExtractor, dict]:
    documents = {doc_id: make_document(doc_id, text) for doc_id, (text, _) in TRAINING.items()}
    gold = {doc_id: parse_annotation(annotation(doc_id, text, events), Path(f"{doc_id}.json"), documents)
            for doc_id, (text, events) in TRAINING.items()}
    extractor = SklearnExtractor(model=model, **settings)
    extractor.fit(list(documents.values()), gold)
    return extractor, gold


def test_a_fitted_extractor_finds_what_it_was_taught_in_a_new_sentence_and_is_deterministic(model):
    extractor, _ = fitted(model)
    new = make_document("new", "Die Luftwaffe beschoss am Freitag das Dorf.")
    [mention] = extractor.extract(new)
    assert (mention.type, mention.trigger.text) == ("Conflict:Attack", "beschoss")
    assert new.text[mention.trigger.start:mention.trigger.end] == "beschoss"
    for argument in mention.arguments:
        assert new.text[argument.span.start:argument.span.end] == argument.span.text
        assert argument.role in {"Attacker", "Target", "Instrument", "Place", "Time"}
    again, _ = fitted(model)
    assert again.extract(new) == extractor.extract(new)
    assert list(extractor.extract_batch([new, new])) == [extractor.extract(new)] * 2
    hashed, _ = fitted(model, n_features=2 ** 12)
    assert [m.trigger.text for m in hashed.extract(new)] == ["beschoss"]
    info = extractor.run_info()
    assert info["fits"][0]["training_documents"] == ["t1", "t2"] and info["fits"][0]["triggers"]["converged"]


def test_an_unfitted_extractor_and_one_fitted_without_events_are_handled(model):
    extractor = SklearnExtractor(model=model)
    with pytest.raises(ExtractorError, match="fitted"):
        extractor.extract(make_document("x", "Russland griff an."))
    extractor.fit([make_document("e", "Kein Ereignis hier.")], {"e": []})
    assert extractor.extract(make_document("x", "Die Armee beschoss die Stadt.")) == []


def test_the_config_builds_the_extractor(model):
    with initialize_config_dir(config_dir=str(PROJECT_ROOT / "configs"), version_base="1.3"):
        cfg = compose(config_name="config", overrides=["extractor=sklearn", f"extractor.model={model}",
                                                       "extractor.argument.class_weight=balanced"])
    built = instantiate(cfg.extractor)
    assert isinstance(built, SklearnExtractor) and built.trainable and built.spacy.model == model
    assert built.trigger_params == {"C": 1.0, "class_weight": None, "max_iter": 1000}
    assert built.argument_params["class_weight"] == "balanced" and built.window == 2


# --- the learning curve --------------------------------------------------------------------

def learning_curve_script():
    spec = importlib.util.spec_from_file_location("learning_curve", PROJECT_ROOT / "benchmarks" / "learning_curve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_learning_curve_never_trains_on_the_held_out_document_and_draws_a_plot(corpus, model, tmp_path, capsys):
    script = learning_curve_script()
    documents = load_documents(corpus / "docs")
    gold = read_annotations(corpus / "gold", documents)

    class Spy(SklearnExtractor):
        def fit(self, documents, gold):
            self.seen = {d.id for d in documents} | set(gold)
            super().fit(documents, gold)

        def extract(self, document):
            assert document.id not in self.seen
            return super().extract(document)

    rows = script.learning_curve(Spy(model=model), documents, gold, subsets=2, seed=0)
    sizes = [(r["held_out"], len(r["training"])) for r in rows]
    # three others per held-out document: two subsets of one and of two documents, the single one of three
    assert sizes == [(d, n) for d in sorted(ARTICLES) for n in (1, 1, 2, 2, 3)]
    assert all(r["held_out"] not in r["training"] for r in rows)
    table = script.summary(rows)
    assert [(e["size"], e["fits"]) for e in table] == [(1, 8), (2, 8), (3, 4)]
    png = tmp_path / "curve.png"
    assert script.main([str(png), "--subsets", "1", "--no-baseline", f"data.documents_dir={corpus / 'docs'}",
                        f"data.gold_dir={corpus / 'gold'}", f"extractor.model={model}"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "12 fits on 4 held-out documents" in out and "TC pooled" in out
