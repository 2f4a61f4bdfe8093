"""End to end through the command line: run, score, result folders, plug-in extractors, sweeps."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import cli, plugin_extractor

from bench.corpus import read_jsonl
from bench.harness import document_folds
from bench.schema import PROJECT_ROOT


def bench(*args: str, cwd: Path | None = None, env: dict | None = None, process: bool = False):
    """``python -m bench ARGS``: in this process (the CLI's entry function), or as a real process
    where the process matters (another working directory or environment, ``process=True``)."""
    if cwd is None and env is None and not process:
        return cli(*args)
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=cwd or PROJECT_ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=600)


def result_folders(results: Path) -> list[Path]:
    """Complete result folders (not sweep bookkeeping, not staging folders)."""
    return sorted(p.parent for p in results.glob("*/*/scores.json") if not p.parent.name.startswith("."))


@pytest.fixture(scope="module")
def rules_run(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    done = bench("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=200")
    assert done.returncode == 0, done.stderr
    return results, done


def test_run_prints_the_headline_table_and_writes_a_result_folder(rules_run, seed_documents):
    results, done = rules_run
    assert "exact spans" in done.stdout and "lenient spans" in done.stdout
    for level in ("TI", "TC", "AI", "AC", "AI+", "AC+"):
        assert f"\n{level} " in done.stdout
    [folder] = result_folders(results)
    assert folder.parent.name == "rules"
    assert {p.name for p in folder.iterdir()} == {"config.yaml", "predictions.jsonl", "scores.json", "table.md",
                                                  "run.json"}
    scores = json.loads((folder / "scores.json").read_text())
    for mode in ("exact", "lenient"):
        for level in ("TI", "TC", "AI", "AC", "AI+", "AC+"):
            entry = scores["levels"][mode][level]
            assert set(entry) == {"precision", "recall", "f1", "tp", "fp", "fn", "ci"}
            assert entry["ci"]["f1"][0] <= entry["f1"] <= entry["ci"]["f1"][1]
    assert scores["counts"]["gold_mentions"] > 200
    predictions = read_jsonl(folder / "predictions.jsonl", seed_documents)
    assert len(predictions) == scores["counts"]["predicted_mentions"]
    config = yaml.safe_load((folder / "config.yaml").read_text())
    assert config["extractor"]["_target_"] == "bench.extractors.rules.RulesExtractor"


def test_results_are_never_overwritten_and_failures_leave_them_untouched(rules_run, tmp_path):
    results, _ = rules_run
    before = {p: (p / "scores.json").read_bytes() for p in result_folders(results)}
    again = bench("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=0")
    assert again.returncode == 0
    after = result_folders(results)
    assert len(after) == len(before) + 1
    for folder, content in before.items():
        assert (folder / "scores.json").read_bytes() == content
    failed = bench("run", "extractor=rules", f"results_dir={results}", "data.documents_dir=does/not/exist")
    assert failed.returncode == 1
    assert "does/not/exist: no documents" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert result_folders(results) == after
    assert not list(results.glob("*/.incomplete-*"))


def test_score_command_scores_an_exported_file(tmp_path, seed_documents):
    gold_file = tmp_path / "gold.jsonl"
    assert bench("export", f"out={gold_file}").returncode == 0
    results = tmp_path / "results"
    done = bench("score", f"pred={gold_file}", "name=perfect", f"results_dir={results}",
                 "scoring.bootstrap_samples=0")
    assert done.returncode == 0, done.stderr
    [folder] = result_folders(results)
    scores = json.loads((folder / "scores.json").read_text())
    assert all(e["f1"] == 1.0 for mode in scores["levels"].values() for e in mode.values())


def test_every_scoring_setting_of_the_config_reaches_the_scores(tmp_path):
    gold_file = tmp_path / "gold.jsonl"
    assert bench("export", f"out={gold_file}").returncode == 0
    done = bench("score", f"pred={gold_file}", f"results_dir={tmp_path / 'r'}", "scoring.levels=[TI,AC]",
                 "scoring.modes=[lenient]", "scoring.exclude_roles=[Place]", "scoring.bootstrap_samples=7",
                 "scoring.seed=11", "scoring.confidence=0.5")
    assert done.returncode == 0, done.stderr
    [folder] = result_folders(tmp_path / "r")
    scores = json.loads((folder / "scores.json").read_text())
    assert scores["settings"] == {"exclude_roles": ["Place"], "bootstrap_samples": 7, "bootstrap_unit": "sentence",
                                  "seed": 11, "confidence": 0.5}
    assert {mode: list(levels) for mode, levels in scores["levels"].items()} == {"lenient": ["TI", "AC"]}


def test_rescore_writes_beside_the_run_it_scores_again(tmp_path):
    gold_file = tmp_path / "gold.jsonl"
    assert bench("export", f"out={gold_file}").returncode == 0
    assert bench("score", f"pred={gold_file}", "name=perfect", f"results_dir={tmp_path / 'a'}",
                 "scoring.bootstrap_samples=0").returncode == 0
    [first] = result_folders(tmp_path / "a")
    done = bench("rescore", str(first), "scoring.modes=[exact]")
    assert done.returncode == 0, done.stderr
    [again] = [folder for folder in result_folders(tmp_path / "a") if folder != first]
    assert again.parent == first.parent
    assert list(json.loads((again / "scores.json").read_text())["levels"]) == ["exact"]
    assert bench("rescore", str(first), f"results_dir={tmp_path / 'b'}").returncode == 0
    assert [folder.parent.name for folder in result_folders(tmp_path / "b")] == ["perfect"]


def test_score_reads_predictions_piped_in_and_refuses_a_terminal(tmp_path):
    import pty

    gold_file = tmp_path / "gold.jsonl"
    assert bench("export", f"out={gold_file}").returncode == 0
    command = [sys.executable, "-m", "bench", "score", "pred=-", f"results_dir={tmp_path / 'r'}",
               "scoring.bootstrap_samples=0"]
    piped = subprocess.run(command, input=gold_file.read_bytes(), cwd=PROJECT_ROOT, capture_output=True, timeout=600)
    assert piped.returncode == 0, piped.stderr
    [folder] = result_folders(tmp_path / "r")
    assert folder.parent.name == "stdin"
    assert json.loads((folder / "scores.json").read_text())["levels"]["exact"]["AC"]["f1"] == 1.0
    _, terminal = pty.openpty()
    waiting = subprocess.run(command, stdin=terminal, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30)
    assert waiting.returncode == 1
    assert waiting.stderr == ("error: standard input (-): a terminal or closed, not a file; pipe the predictions in "
                              "(pred=- < predictions.jsonl)\n")
    assert result_folders(tmp_path / "r") == [folder]


def test_score_command_aligns_text_only_predictions(tmp_path):
    pred = tmp_path / "text_only.jsonl"
    lines = [{"doc_id": "000_eb7b64373a13186d", "type": "Contact:Statement", "trigger": {"text": "sagte"},
              "arguments": [{"role": "Speaker", "text": "Antony Blinken"}]},
             {"doc_id": "000_eb7b64373a13186d", "type": "Conflict:Attack", "trigger": {"text": "Invasion der Marsianer"},
              "arguments": []}]
    pred.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    done = bench("score", f"pred={pred}", f"results_dir={tmp_path / 'r'}", "scoring.bootstrap_samples=0")
    assert done.returncode == 0, done.stderr
    [folder] = result_folders(tmp_path / "r")
    scores = json.loads((folder / "scores.json").read_text())
    assert scores["alignment"] == {"argument:exact": 1, "trigger:exact": 1, "trigger:unaligned": 1}
    assert scores["counts"]["unaligned_predicted_triggers"] == 1
    assert scores["levels"]["exact"]["TI"]["fp"] >= 1


def test_bad_predictions_file_gives_a_clear_error_and_no_result(tmp_path):
    pred = tmp_path / "bad.jsonl"
    pred.write_text('{"doc_id": "000_eb7b64373a13186d", "type": "Conflict:Bombing", "trigger": {"text": "x"}}\n')
    done = bench("score", f"pred={pred}", f"results_dir={tmp_path / 'r'}")
    assert done.returncode == 1
    assert f"{pred}: line 1: unknown event type 'Conflict:Bombing'" in done.stderr
    assert not (tmp_path / "r").exists() or not result_folders(tmp_path / "r")


def test_a_user_extractor_plugs_in_with_a_class_and_a_yaml_file(tmp_path):
    run_args = plugin_extractor(tmp_path, "my_extractors", '''
        from bench.extractors.base import Extractor
        from bench.schema import EventMention, Span

        class EveryKrieg(Extractor):
            def __init__(self, event_type):
                self.event_type = event_type

            def extract(self, document):
                found, start = [], document.text.find("Krieg")
                while start >= 0:
                    found.append(EventMention(document.id, self.event_type, Span(start, start + 5, "Krieg")))
                    start = document.text.find("Krieg", start + 1)
                return found
        ''', "krieg", "_target_: my_extractors.EveryKrieg\nevent_type: Conflict:Attack\n")
    done = bench("run", *run_args, f"results_dir={tmp_path / 'r'}", "scoring.bootstrap_samples=0",
                 env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    [folder] = result_folders(tmp_path / "r")
    assert folder.parent.name == "krieg"
    scores = json.loads((folder / "scores.json").read_text())
    assert scores["counts"]["predicted_mentions"] > 5
    assert scores["levels"]["exact"]["TC"]["tp"] > 0


def test_wrong_type_in_a_config_override_is_rejected(tmp_path):
    done = bench("run", "extractor=rules", "extractor.window=many", f"results_dir={tmp_path / 'r'}")
    assert done.returncode != 0
    assert "window" in done.stderr
    assert not (tmp_path / "r").exists()


def test_documents_without_gold_are_extracted_but_not_scored(tmp_path):
    documents = tmp_path / "docs"
    documents.mkdir()
    for path in (PROJECT_ROOT / "seeds").glob("*.txt"):
        (documents / path.name).write_bytes(path.read_bytes())
    (documents / "new_article.txt").write_text("Russland griff am Montag Kiew mit Drohnen an.\n", encoding="utf-8")
    done = bench("run", "extractor=rules", f"data.documents_dir={documents}", f"results_dir={tmp_path / 'r'}",
                 "scoring.bootstrap_samples=0")
    assert done.returncode == 0, done.stderr
    assert "1 document(s) have no gold and were extracted but not scored: new_article" in done.stdout
    [folder] = result_folders(tmp_path / "r")
    predicted = [json.loads(line) for line in (folder / "predictions.jsonl").read_text().splitlines()]
    assert "new_article" in {mention["doc_id"] for mention in predicted}
    scores = json.loads((folder / "scores.json").read_text())
    assert scores["counts"]["documents"] == 5
    assert scores["documents_without_gold"] == ["new_article"]


def test_document_folds_never_train_on_the_test_document():
    folds = document_folds(["a", "b", "c", "new"], ["a", "b", "c"])
    assert [f["test"] for f in folds] == [["a"], ["b"], ["c"], ["new"]]
    for fold in folds:
        assert not set(fold["test"]) & set(fold["train"])
    assert folds[-1]["train"] == ["a", "b", "c"]
    assert [f["test"] for f in document_folds(["a", "b", "c"], ["a", "b", "c"], k=2)] == [["a", "c"], ["b"]]


def test_environment_values_reach_no_saved_file(tmp_path, monkeypatch):
    from conftest import cli

    monkeypatch.setenv("BENCH_TEST_SECRET", "sk-harness-5d1e")
    done = cli("run", "extractor=rules", f"results_dir={tmp_path / 'r'}", "+note=${oc.env:BENCH_TEST_SECRET}",
               "scoring.bootstrap_samples=0", "print_table=false")
    assert done.returncode == 0, done.stderr
    [folder] = result_folders(tmp_path / "r")
    saved = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert "sk-harness-5d1e" not in saved and "${oc.env:BENCH_TEST_SECRET}" in saved


@pytest.mark.slow
def test_two_compares_in_one_second_and_runs_of_one_name_keep_apart(tmp_path):
    from conftest import cli

    results = tmp_path / "r"
    for _ in range(2):
        assert cli("run", "extractor=rules", f"results_dir={results}", "scoring.bootstrap_samples=0",
                   "print_table=false").returncode == 0
    runs = result_folders(results)
    outs = [cli("compare", *map(str, runs), *given, "--samples", "10") for given in ([f"results_dir={results}"], [])]
    assert all(done.returncode == 0 for done in outs), outs[0].stderr
    folders = sorted(p for p in (results / "comparisons").iterdir())      # the second beside the runs it compares
    assert len(folders) == 2 and not any(p.name.startswith(".") for p in folders)
    reports = sorted(p.name for p in (folders[0] / "reports").iterdir())
    assert reports == sorted(f"rules-{run.name}.html" for run in runs)       # one page per run, none overwritten
