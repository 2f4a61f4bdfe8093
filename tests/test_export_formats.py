"""The gold for other toolkits: TextEE's processed JSON Lines and a Hugging Face dataset."""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

import pytest
from conftest import cli, make_document

from bench.contrib.export import export
from bench.contrib.hf import read_events
from bench.corpus import load_documents, read_annotations, shipped_splits
from bench.errors import DataError
from bench.schema import Argument, EventMention, Span, load_ontology
from bench.scoring import score


@pytest.fixture(scope="module")
def shipped():
    """split name -> (documents, gold) for every shipped split."""
    data = {}
    for split in shipped_splits().values():
        documents = load_documents(split.documents_dir)
        data[split.name] = documents, read_annotations(split.gold_dir, documents)
    return data


@pytest.fixture(scope="module")
def textee_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "textee"
    export("textee", out)
    return out


@pytest.fixture(scope="module")
def hf_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "hf"
    assert cli("export", "format=hf", f"out={out}").returncode == 0
    return out


# --- TextEE ---------------------------------------------------------------------------


def read_windows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def textee_trigger_counts(gold_windows: list[dict], pred_windows: list[dict]) -> dict[str, tuple[int, int, int]]:
    """TextEE's trigger scores (``compute_ED_trigger_id_score`` / ``_cls_score`` in its scorer.py), re-done:
    sets of (doc_id, wnd_id, start, end) for TI and with the event type for TC, so a trigger is counted
    once per window whatever the number of mentions on it. (gold_num, pred_num, match_num) per level."""
    def triggers(windows, typed):
        return {(w["doc_id"], w["wnd_id"], e["trigger"]["start"], e["trigger"]["end"],
                 *((e["event_type"],) if typed else ())) for w in windows for e in w["event_mentions"]}

    counts = {}
    for level, typed in (("TI", False), ("TC", True)):
        gold, pred = triggers(gold_windows, typed), triggers(pred_windows, typed)
        counts[level] = (len(gold), len(pred), len(gold & pred))
    return counts


def one_per_trigger(mentions: list[EventMention]) -> list[EventMention]:
    """The first mention of each (document, trigger span): what TextEE's TI set keeps."""
    kept = {}
    for m in mentions:
        kept.setdefault((m.doc_id, m.trigger.start, m.trigger.end), m)
    return list(kept.values())


def benchmark_trigger_counts(gold, predictions, documents) -> dict[str, tuple[int, int, int]]:
    """The benchmark's TC counts, and its TI counts over one mention per trigger span (TextEE's TI
    is a set of spans: two mentions of different types on one trigger are one item there, two here)."""
    counts = {}
    for level, g, p in (("TI", one_per_trigger(gold), one_per_trigger(predictions)), ("TC", gold, predictions)):
        e = score(g, p, documents, levels=(level,), modes=("exact",), bootstrap_samples=0)["levels"]["exact"][level]
        counts[level] = (e["tp"] + e["fn"], e["tp"] + e["fp"], e["tp"])
    return counts


def perturbed(gold: list[EventMention], documents) -> list[EventMention]:
    """Predictions made from the gold: every 5th left out, every 7th of another type, every 4th trigger
    moved to the next word (spaCy's German tokenizer, as the export documents); one prediction per
    trigger span, as TextEE's sets would merge a second one. Deterministic."""
    import spacy

    tokenizer, types = spacy.blank("de").tokenizer, sorted(load_ontology().event_types)
    predictions, seen = [], set()
    for i, mention in enumerate(gold):
        if i % 5 == 0:
            continue
        event_type = types[(types.index(mention.type) + 1) % len(types)] if i % 7 == 0 else mention.type
        trigger = mention.trigger
        if i % 4 == 0:
            text = documents[mention.doc_id].text
            following = [t for t in tokenizer(text[trigger.end:]) if not t.is_space and not t.is_punct]
            if following and "\n" not in text[trigger.end:trigger.end + following[0].idx]:
                start = trigger.end + following[0].idx
                trigger = Span(start, start + len(following[0]), following[0].text)
        if (mention.doc_id, trigger.start, trigger.end) not in seen:
            seen.add((mention.doc_id, trigger.start, trigger.end))
            predictions.append(EventMention(mention.doc_id, event_type, trigger))
    return predictions


def test_textee_export_has_every_split_and_textees_fields(textee_dir, shipped):
    assert sorted(p.stem for p in textee_dir.glob("*.jsonl")) == sorted(shipped)
    for name, (documents, gold) in shipped.items():
        windows = read_windows(textee_dir / f"{name}.jsonl")
        assert len(windows) == sum(len(documents[d].sentences) for d in gold)
        # every mention, in its document, with its type and its trigger's text (no gold trigger is widened)
        assert Counter((w["doc_id"], e["event_type"], e["trigger"]["text"]) for w in windows
                       for e in w["event_mentions"]) == \
            Counter((m.doc_id, m.type, m.trigger.text) for v in gold.values() for m in v)
        for window in windows:
            assert {"doc_id", "wnd_id", "text", "lang", "tokens", "entity_mentions", "event_mentions"} <= set(window)
            # the tokens are the window's text in order, white space left out
            assert re.sub(r"\s", "", window["text"]) == "".join(window["tokens"])
            entities = {e["id"]: e for e in window["entity_mentions"]}
            for event in window["event_mentions"]:
                trigger = event["trigger"]
                assert 0 <= trigger["start"] < trigger["end"] <= len(window["tokens"])
                assert re.sub(r"\s", "", trigger["text"]) == "".join(window["tokens"][trigger["start"]:trigger["end"]])
                for argument in event["arguments"]:
                    entity = entities[argument["entity_id"]]
                    assert (argument["start"], argument["end"], argument["text"]) == \
                        (entity["start"], entity["end"], entity["text"])


def test_textee_scoring_of_the_export_counts_as_the_benchmark_does_on_the_gold(textee_dir, shipped, tmp_path):
    """What cannot map exactly: TextEE counts a set of trigger spans per window, the benchmark one
    item per mention, so two mentions of different types on one trigger (the gold has some) are one
    TI item there and two here: TI is compared over one mention per trigger span. A span off
    TextEE's token boundaries is widened to its tokens and could then meet a token-aligned one: no
    gold trigger is off them (the gold-against-gold counts would differ), and the perturbed
    predictions move triggers only to whole tokens and keep one mention per trigger."""
    from bench.contrib.textee import write_split

    shared = {name: sum(len(v) for v in gold.values()) - len(one_per_trigger([m for v in gold.values() for m in v]))
              for name, (_, gold) in shipped.items()}
    assert shared["gnad_dev"] > 0                     # the difference in counting is real on the shipped gold
    for name, (documents, gold) in shipped.items():
        mentions = [m for d in sorted(gold) for m in gold[d]]
        gold_windows = read_windows(textee_dir / f"{name}.jsonl")
        assert textee_trigger_counts(gold_windows, gold_windows) == \
            benchmark_trigger_counts(mentions, mentions, documents)

        predictions = perturbed(mentions, documents)
        by_doc = defaultdict(list)
        for m in predictions:
            by_doc[m.doc_id].append(m)
        write_split(documents, {d: by_doc[d] for d in gold}, tmp_path / f"{name}.pred.jsonl")
        expected = benchmark_trigger_counts(mentions, predictions, documents)
        assert expected["TC"][2] < expected["TI"][2] < expected["TI"][0]      # the perturbation bites
        assert textee_trigger_counts(gold_windows, read_windows(tmp_path / f"{name}.pred.jsonl")) == expected


def test_a_span_off_the_token_boundaries_is_widened_to_its_tokens():
    from bench.contrib.textee import windows

    doc = make_document("d", "Die Armee griff im April 1997. an.")
    april = Span(19, 29, "April 1997")            # the tokenizer keeps "1997." as one token
    attack = EventMention("d", "Conflict:Attack", Span(10, 15, "griff"), (Argument("Time", april, "TIME", "april"),))
    [window] = windows(doc, [attack])
    [event] = window["event_mentions"]
    assert event["trigger"] == {"text": "griff", "start": 2, "end": 3}
    assert window["tokens"][4:6] == ["April", "1997."]
    assert (event["arguments"][0]["start"], event["arguments"][0]["end"], event["arguments"][0]["text"]) == \
        (4, 6, "April 1997.")


# --- Hugging Face ---------------------------------------------------------------------


def test_hf_export_round_trips_to_the_same_mentions(hf_dir, shipped):
    for name, (_, gold) in shipped.items():
        mentions = [m for d in sorted(gold) for m in gold[d]]
        again = read_events(hf_dir / "events" / f"{name}.parquet")
        assert again == mentions
        assert [m.attributes for m in again] == [m.attributes for m in mentions]
        assert [(m.id, m.cluster) for m in again] == [(m.id, m.cluster) for m in mentions]


def test_hf_export_loads_with_datasets_and_pandas(hf_dir, shipped, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets          # the dev extra's
    import pandas as pd
    import yaml
    files = {name: str(hf_dir / "events" / f"{name}.parquet") for name in shipped}
    events = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "cache"))
    assert {name: events[name].num_rows for name in shipped} == \
        {name: sum(len(v) for v in gold.values()) for name, (_, gold) in shipped.items()}
    first = events["seeds"][0]
    gold_first = shipped["seeds"][1][sorted(shipped["seeds"][1])[0]][0]
    assert (first["type"], first["trigger"]["start"], first["trigger"]["text"]) == \
        (gold_first.type, gold_first.trigger.start, gold_first.trigger.text)

    # the card's header: the hub's reading of it gives the files' own features and splits
    header = (hf_dir / "README.md").read_text(encoding="utf-8").split("---\n")[1]
    card = yaml.safe_load(header)
    features = {info["config_name"]: datasets.Features._from_yaml_list(info["features"])
                for info in card["dataset_info"]}
    assert features["events"] == events["seeds"].features
    by_config = datasets.load_dataset(str(hf_dir), "documents", cache_dir=str(tmp_path / "cache2"))
    assert sorted(by_config) == sorted(shipped)
    assert by_config["gnad"].features == features["documents"]
    assert card["language"] == ["de"] and "cc-by-nc-sa-4.0" in card["license"]

    for name, (documents, gold) in shipped.items():
        frame = pd.read_parquet(hf_dir / "documents" / f"{name}.parquet")
        assert list(frame["doc_id"]) == sorted(gold)
        assert all(frame["text"][i] == documents[d].text for i, d in enumerate(frame["doc_id"]))


def test_hf_card_names_the_licence_of_each_split(hf_dir):
    card = (hf_dir / "README.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ")[-1].strip(" |")
            for line in card.splitlines() if line.startswith("| ") and "split" not in line}
    assert rows["gnad"] == rows["gnad_dev"] == "cc-by-nc-sa-4.0"
    assert rows["seeds"] == "unknown"


def test_export_refuses_an_existing_folder_and_an_unknown_format(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    done = cli("export", "format=textee", f"out={out}")
    assert done.returncode == 1 and "exists; not overwritten" in done.stderr
    assert (out / "keep.txt").read_text() == "mine"
    with pytest.raises(DataError, match="format=brat: unknown export format"):
        export("brat", tmp_path / "new")
    assert not (tmp_path / "new").exists()
    assert cli("export", "format=textee", f"out={out}", "overwrite=true").returncode == 0
    assert not (out / "keep.txt").exists() and (out / "seeds.jsonl").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]                 # no staging folder left


def test_hf_export_without_pyarrow_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)                 # as if it were not installed
    done = cli("export", "format=hf", f"out={tmp_path / 'hf'}")
    assert done.returncode == 1
    assert done.stderr == "error: the Hugging Face export needs pyarrow: pip install 'bench[export]'\n"
    assert not any(tmp_path.iterdir())
