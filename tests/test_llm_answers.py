"""Answers files and rescoring, in-process against a local OpenAI server: ``batch export`` then
``batch import`` of an answers file in the OpenAI Batch output format scores as a run that
asked the server; ``rescore`` of a run sends no request and follows changed settings."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import cli
from llm_servers import OpenAIServer, Reply, window_of
from test_harness import result_folders

from bench.corpus import load_data
from bench.errors import DataError, ExtractorError
from bench.extractors.llm.parsing import AnswerReader
from bench.replay import export_requests, import_answers, rescore
from bench.api import compose

DOCUMENTS, GOLD = load_data(compose(["data=dev"]).data)


def gold_model(number: int, body: dict) -> Reply:
    """Answers a window with the gold events of its sentences (a model that knows the answers)."""
    numbered = dict(re.findall(r"^\[(\d+)\] (.*)$", window_of(body), re.MULTILINE))
    lines = {text: int(number) for number, text in numbered.items()}
    events = []
    for doc_id, mentions in GOLD.items():
        text = DOCUMENTS[doc_id].text
        for m in mentions:
            sentence = DOCUMENTS[doc_id].sentences[DOCUMENTS[doc_id].sentence_index(m.trigger.start)]
            if text[sentence.start:sentence.end] in lines:
                events.append({"type": m.type, "trigger": m.trigger.text,
                               "sentence": lines[text[sentence.start:sentence.end]],
                               "arguments": [{"role": a.role, "text": a.span.text} for a in m.arguments]})
    return Reply({"events": events})


def overrides(tmp_path: Path, server, cache: str, *more: str) -> list[str]:
    return ["extractor=llm_openai", "data=dev", f"extractor.base_url={server.url}", "extractor.api_key_env=null",
            "extractor.progress=false", f"extractor.cache_path={tmp_path / cache}", f"results_dir={tmp_path / 'results'}",
            "scoring.bootstrap_samples=20", *more]


def levels(folder: Path) -> dict:
    return json.loads((folder / "scores.json").read_text(encoding="utf-8"))["levels"]


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """A run that asked the server: its folder, the server and the folder all runs write into."""
    tmp_path = tmp_path_factory.mktemp("answers")
    server = OpenAIServer(gold_model)
    done = cli("run", *overrides(tmp_path, server, "direct.sqlite", "run_name=direct"))
    assert done.returncode == 0, done.stderr
    yield result_folders(tmp_path / "results")[-1], server, tmp_path
    server.close()


def test_exported_requests_answered_in_a_file_score_as_the_direct_run_with_no_request(direct):
    folder, server, tmp_path = direct
    asked = server.requests
    cfg = compose(overrides(tmp_path, server, "imported.sqlite", "run_name=imported"))
    requests = tmp_path / "requests.jsonl"
    assert export_requests(cfg, requests) == asked
    lines = [json.loads(line) for line in requests.read_text(encoding="utf-8").splitlines()]
    assert {line["method"] for line in lines} == {"POST"} and {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert all(line["body"]["model"] == "gpt-4.1-mini" for line in lines) and len({l["custom_id"] for l in lines}) == asked
    with pytest.raises(DataError, match="exists"):
        export_requests(cfg, requests)
    # answers made elsewhere, as a Batch output file: the gold model's reply to each request line
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps({"id": f"r{i}", "custom_id": line["custom_id"], "error": None, "response": {
        "status_code": 200, "body": server.success(line["body"], gold_model(i, line["body"]).answer)}}) + "\n"
        for i, line in enumerate(lines)), encoding="utf-8")
    assert import_answers(cfg, answers) == {"answers": asked, "failures": {}, "unanswered": 0}
    done = cli("run", *overrides(tmp_path, server, "imported.sqlite", "run_name=imported", "extractor.cache_mode=read"))
    assert done.returncode == 0, done.stderr
    imported = result_folders(tmp_path / "results")[-1]
    assert imported.parent.name == "imported" and server.requests == asked, "no request was sent"
    assert levels(imported) == levels(folder) and levels(folder)["exact"]["AC"]["tp"] > 0
    assert json.loads((imported / "run.json").read_text())["llm"]["cache_hits"] == asked


def test_an_answers_file_with_a_foreign_or_broken_line_is_refused_by_line(direct, tmp_path):
    _, server, _ = direct
    cfg = compose(overrides(tmp_path, server, "bad.sqlite"))
    bad = tmp_path / "answers.jsonl"
    bad.write_text(json.dumps({"custom_id": "not-ours", "response": {"status_code": 200, "body": {}}}) + "\n")
    with pytest.raises(DataError, match=r"answers.jsonl, line 1: custom_id 'not-ours' is not a request of this run"):
        import_answers(cfg, bad)
    bad.write_text("\n{oops\n")
    with pytest.raises(DataError, match=r"answers.jsonl, line 2: not a Batch output line"):
        import_answers(cfg, bad)


def test_rescore_with_unchanged_settings_gives_the_same_scores_without_a_request(direct):
    folder, server, _ = direct
    asked = server.requests
    again = rescore(folder)
    assert again != folder and again.parent == folder.parent and server.requests == asked
    assert levels(again) == levels(folder)
    assert json.loads((again / "run.json").read_text())["llm"]["cache_hits"] == asked


def test_rescore_follows_changed_scoring_and_a_changed_parser(direct, monkeypatch):
    folder, server, _ = direct
    asked = server.requests
    without_time = levels(rescore(folder, ["scoring.exclude_roles=[Time,Place]"]))
    assert without_time["exact"]["AC"]["tp"] < levels(folder)["exact"]["AC"]["tp"]
    assert without_time["exact"]["TC"] == levels(folder)["exact"]["TC"]
    mentions = AnswerReader.mentions
    monkeypatch.setattr(AnswerReader, "mentions", lambda self, window, answer: mentions(self, window, answer)[:1])
    fewer = levels(rescore(folder))
    assert fewer["exact"]["TC"]["tp"] < levels(folder)["exact"]["TC"]["tp"] and server.requests == asked


def test_rescore_sends_nothing_when_an_answer_is_missing(direct, tmp_path):
    folder, server, _ = direct
    asked = server.requests
    with pytest.raises(ExtractorError, match="answers are not in the response cache"):
        rescore(folder, [f"extractor.cache_path={tmp_path / 'empty.sqlite'}"])
    assert server.requests == asked


def test_rescore_of_a_run_without_requests_reads_its_predictions(tmp_path):
    done = cli("run", "extractor=rules", "data=dev", f"results_dir={tmp_path}", "scoring.bootstrap_samples=20")
    assert done.returncode == 0, done.stderr
    [folder] = result_folders(tmp_path)
    same, other = rescore(folder), rescore(folder, ["scoring.exclude_roles=[Time,Place]"])
    assert levels(same) == levels(folder) and levels(other) != levels(folder)
    assert json.loads((same / "run.json").read_text())["rescored_from"] == str(folder)
    done = cli("rescore", str(folder), "scoring.modes=[exact]")
    assert done.returncode == 0 and "results:" in done.stdout, done.stderr


def test_the_batch_commands_export_and_import_from_the_command_line(direct, tmp_path):
    _, server, _ = direct
    asked = server.requests
    settings = overrides(tmp_path, server, "cli.sqlite")
    out = tmp_path / "requests.jsonl"
    done = cli("batch", "export", *settings, f"out={out}")
    assert done.returncode == 0 and f"wrote {asked} requests to {out}" in done.stdout, done.stderr
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"custom_id": first["custom_id"], "response": None,
                                   "error": {"code": "batch_expired", "message": "too late"}}) + "\n")
    done = cli("batch", "import", str(answers), *settings)
    assert done.returncode == 0, done.stderr
    assert f"imported 0 answers; failed {{'expired': 1}}; {asked - 1} requests of the run have no line" in done.stdout
    assert cli("batch", "export", *settings).returncode != 0 and server.requests == asked
