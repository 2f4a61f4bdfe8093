"""Everything the benchmark writes, it reads back: every file a command writes is accepted by
every command that reads that kind of file, with the same figures, odd predictions included."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from conftest import cli, plugin_extractor

from bench.corpus import load_documents, read_annotations, read_jsonl
from bench.schema import PROJECT_ROOT
from test_harness import result_folders

DOC = "004_e092c7c3be034eb3"

#: an extractor that names what a careless model names: text found nowhere, an argument found only
#: in another sentence, duplicates, more "Blinken" triggers than the document has, NFD text, offsets
ODD_EXTRACTOR = f'''
from bench.extractors.base import Extractor
from bench.schema import Argument, EventMention, Span

def text(value):
    return Span(None, None, value)

class Odd(Extractor):
    def extract(self, document):
        if document.id != "{DOC}":
            return []
        statement = EventMention(document.id, "Contact:Statement", text("erklärt"),
                                 (Argument("Speaker", text("Antony Blinken")),
                                  Argument("Speaker", text("Antony Blinken")),      # a duplicate argument
                                  Argument("Place", text("Brüssel")),                 # only in other sentences
                                  Argument("Addressee", text("Wladimir Putin"))))     # nowhere in the document
        meet = EventMention(document.id, "Contact:Meet", text("Treffen"),
                            (Argument("Place", text("{unicodedata.normalize("NFD", "Brüssel")}")),))
        given = EventMention(document.id, "Conflict:Attack", Span(22, 30, "Konflikt"))
        ghosts = [EventMention(document.id, "Contact:Statement", text("halluziniert"))] * 2
        many = [EventMention(document.id, "Contact:Meet", text("Pressekonferenz"))] * 4
        return [statement, statement, meet, given, *ghosts, *many]
'''


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd")
    args = plugin_extractor(folder, "odd_pkg", ODD_EXTRACTOR, "odd", "_target_: odd_pkg.Odd\n")
    return folder, args


@pytest.fixture
def odd_run(odd, tmp_path, monkeypatch):
    folder, args = odd
    monkeypatch.syspath_prepend(str(folder))
    results = tmp_path / "results"

    def run(*overrides: str) -> Path:
        done = cli("run", *args, f"results_dir={results}", "scoring.bootstrap_samples=50", "print_table=false",
                   *overrides)
        assert done.returncode == 0, done.stderr
        return Path(done.stdout.strip().splitlines()[-1].removeprefix("results: "))
    return run, results


def run_of(results: Path, name: str) -> Path:
    [folder] = [f for f in result_folders(results) if f.parent.name == name]
    return folder


def levels(folder: Path) -> dict:
    return json.loads((folder / "scores.json").read_text(encoding="utf-8"))["levels"]


@pytest.mark.slow
def test_odd_predictions_are_written_read_back_and_scored_the_same_by_every_reader(odd_run, tmp_path):
    run, results = odd_run
    folder = run()
    lines = [json.loads(line) for line in (folder / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    unfound = [line for line in lines if line["trigger"].get("found") is False]
    assert {line["trigger"]["text"] for line in unfound} == {"halluziniert", "Pressekonferenz"}
    assert unfound[0]["trigger"]["start"] is None
    nfd = next(line for line in lines if line["type"] == "Contact:Meet" and line["arguments"])
    assert nfd["arguments"][0]["text"] == "Brüssel"          # aligned to the document's own (NFC) text
    assert cli("validate", str(folder / "predictions.jsonl")).returncode == 0

    rescored = cli("score", f"pred={folder / 'predictions.jsonl'}", f"results_dir={results}", "name=rescored",
                   "scoring.bootstrap_samples=50")
    assert rescored.returncode == 0, rescored.stderr
    again = run_of(results, "rescored")
    assert levels(again) == levels(folder)
    assert (again / "predictions.jsonl").read_text() == (folder / "predictions.jsonl").read_text()

    compared = cli("compare", f"results_dir={results}", "--samples", "20", "--out", str(tmp_path / "cmp"))
    assert compared.returncode == 0, compared.stderr
    assert "odd" in (tmp_path / "cmp" / "leaderboard.md").read_text() and "rescored" in compared.stdout


@pytest.mark.slow
def test_merged_shards_of_odd_predictions_score_as_the_whole_run(odd_run, tmp_path):
    run, results = odd_run
    whole = run()
    shards = [run(f"data.shard={i}/2", f"run_name=odd_shard{i}") for i in range(2)]
    merged = cli("merge", *map(str, shards), f"results_dir={results}", "name=odd_merged",
                 "scoring.bootstrap_samples=50")
    assert merged.returncode == 0, merged.stderr
    folder = run_of(results, "odd_merged")
    assert levels(folder) == levels(whole)
    again = cli("score", f"pred={folder / 'predictions.jsonl'}", f"results_dir={results}", "name=merged_again",
                "scoring.bootstrap_samples=50")
    assert again.returncode == 0 and levels(run_of(results, "merged_again")) == levels(whole)
    done = cli("compare", f"results_dir={results}", "--samples", "20", "--out", str(tmp_path / "cmp"))
    assert "odd_shard0: no run on these documents and gold" in done.stdout     # a shard is not ranked


def test_the_exported_gold_is_read_by_score_and_validate(tmp_path):
    out = tmp_path / "gold.jsonl"
    assert cli("export", f"out={out}").returncode == 0
    assert cli("validate", str(out)).returncode == 0
    done = cli("score", f"pred={out}", f"results_dir={tmp_path / 'r'}", "scoring.bootstrap_samples=0")
    assert done.returncode == 0, done.stderr
    folder = run_of(tmp_path / "r", "gold")
    assert all(entry["f1"] == 1.0 for mode in levels(folder).values() for entry in mode.values())
    again = tmp_path / "again.jsonl"
    assert cli("export", f"out={again}").returncode == 0 and again.read_text() == out.read_text()
    assert cli("export", f"out={again}").returncode == 1                # not overwritten unless asked
    assert cli("export", f"out={again}", "overwrite=true").returncode == 0


@pytest.mark.parametrize("tool", ["brat", "inception"])
def test_converted_files_are_read_back_into_the_same_gold(tool, tmp_path):
    gold_dir = PROJECT_ROOT / "annotations" / "gold"
    exported, imported = tmp_path / tool, tmp_path / "back"
    assert cli("convert", f"to-{tool}", str(gold_dir), str(exported)).returncode == 0
    done = cli("convert", f"from-{tool}", str(exported), str(imported))
    assert done.returncode == 0, done.stderr
    assert cli("validate", str(imported)).returncode == 0
    documents = load_documents(PROJECT_ROOT / "seeds")
    before, after = read_annotations(gold_dir, documents), read_annotations(imported, documents)
    assert {d: [(m.type, m.trigger, m.arguments) for m in ms] for d, ms in before.items()} == \
        {d: [(m.type, m.trigger, m.arguments) for m in ms] for d, ms in after.items()}
    assert cli("convert", f"from-{tool}", str(exported), str(imported)).returncode == 1      # not over it


def test_compiled_annotation_files_are_read_by_validate_and_agree(tmp_path):
    out = tmp_path / "compiled"
    done = cli("annotate", "compile", str(PROJECT_ROOT / "annotations" / "dev" / "authoring"), "data=dev",
               "--out", str(out))
    assert done.returncode == 0, done.stderr
    shipped = PROJECT_ROOT / "annotations" / "dev" / "gold"
    assert sorted(p.read_text() for p in out.glob("*.json")) == sorted(p.read_text() for p in shipped.glob("*.json"))
    assert cli("agree", str(out), str(shipped), "data=dev").returncode == 0
    predictions = read_jsonl(PROJECT_ROOT / "tests" / "bad_inputs" / "good.jsonl", load_documents(PROJECT_ROOT / "seeds"))
    assert len(predictions) == 1
