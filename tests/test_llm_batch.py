"""Provider batches against local servers that speak OpenAI's Files + Batches and Anthropic's
Message Batches (real HTTP, the official SDKs): a batch run, errors and expired requests,
the deadline, and a killed run that resumes by polling the same batch."""
from __future__ import annotations

import signal
import threading
import time

import pytest
from llm_servers import COMPLETION_TOKENS, PROMPT_TOKENS, Reply, in_turn
from test_harness import result_folders
from test_llm import ATTACK, DOC, SERVERS, STATEMENT, answer, bench_run, build, by_sentence, per_window, run_in_process, \
    run_json, texts

from bench.errors import ExtractorError

BATCH = dict(batch=True, batch_poll_interval=0.02, cache_mode="read-write",
             batch_price_per_million={"prompt": 1.0, "completion": 4.0})


@pytest.fixture(params=sorted(SERVERS))
def protocol(request):
    return SERVERS[request.param]


def batch_extract(server, api, tmp_path, **options):
    extractor = build(tmp_path, api=api, base_url=server.url, **{**BATCH, **options})
    return extractor.extract(DOC), extractor.run_info()["llm"]


def test_a_batch_run_answers_every_window_from_one_batch_at_the_batch_price(protocol, tmp_path, capsys):
    server_class, api = protocol
    script = per_window(by_sentence(1, ATTACK), by_sentence(2, STATEMENT))
    with server_class(script, polls_in_progress=3) as server:
        mentions, info = batch_extract(server, api, tmp_path, progress=True)
        assert len(server.batches) == 1 and server.requests == 3, "three windows, all in the one batch"
        again, cached = batch_extract(server, api, tmp_path)
        assert len(server.batches) == 1 and cached["cache_hits"] == 3 and texts(again) == texts(mentions)
    assert [m.trigger.text for m in mentions] == ["griff", "sagte"]
    assert [a.span.text for a in mentions[0].arguments] == ["Russland", "Kiew", "Mittwoch"]
    [batch] = info["batches"]
    assert batch["resumed"] is False and batch["requests"] == batch["answered"] == 3 and batch["failed"] == {}
    assert batch["status"] == ("completed" if api == "openai_chat" else "ended")
    assert info["requests"] == 3 and info["failed_requests"] == 0 and info["models_reported"] == {"test-model-served": 3}
    assert info["cost_usd"] == pytest.approx(3 * (PROMPT_TOKENS * 1.0 + COMPLETION_TOKENS * 4.0) / 1e6)
    assert info["batch"] is True and info["latency_seconds"] is None
    assert f"batch {batch['id']}" in capsys.readouterr().err, "polling shows progress"


def test_errored_and_expired_requests_are_reported_and_sent_again_only_when_asked(protocol, tmp_path):
    server_class, api = protocol

    def script(number, body):
        text = body["messages"][-1]["content"]
        if "Blinken" in text:
            return Reply(status=400)
        return Reply(expired=True) if "zerbrach" in text else Reply(answer(ATTACK))

    with server_class(script) as server:
        with pytest.raises(ExtractorError, match="2 of 3 requests failed .*batch_resend_failed=true"):
            batch_extract(server, api, tmp_path)
        _, info = batch_extract(server, api, tmp_path, max_failed_share=1.0)
        assert len(server.batches) == 1, "the failed requests are not sent again unasked"
        assert info["failed_in_earlier_batches"] == 2 and info["requests"] == 0
        server.script = lambda number, body: Reply(answer(STATEMENT))
        mentions, resent = batch_extract(server, api, tmp_path, batch_resend_failed=True)
        assert len(server.batches) == 2 and resent["requests"] == 2 and resent["cache_hits"] == 1
    error = "http_400" if api == "openai_chat" else "error:scripted_error"
    assert info["failures"] == {error: 1, "expired": 1} and info["failed_requests"] == 2
    assert [m.type for m in mentions] == ["Conflict:Attack", "Contact:Statement", "Contact:Statement"]
    assert resent["batches"][0]["failed"] == {} and resent["failures"] == {}


def test_a_batch_past_its_deadline_stops_and_the_rerun_polls_the_same_batch(protocol, tmp_path):
    server_class, api = protocol
    hold = threading.Event()
    with server_class(per_window(by_sentence(1, ATTACK)), hold=hold) as server:
        started = time.monotonic()
        with pytest.raises(ExtractorError, match="has not ended within extractor.batch_deadline=0.3 s"):
            batch_extract(server, api, tmp_path, batch_deadline=0.3)
        assert time.monotonic() - started < 5
        hold.set()
        mentions, info = batch_extract(server, api, tmp_path)
    assert len(server.batches) == 1 and info["requests"] == 0
    assert info["batches"][0]["resumed"] is True and info["batches"][0]["answered"] == 3
    assert [m.trigger.text for m in mentions] == ["griff"]


@pytest.mark.parametrize("options, message", [
    ({"cache_mode": "off"}, "set extractor.cache_mode=read-write"),
    ({"batch_poll_interval": 0}, "must be positive")])
def test_batch_settings_that_cannot_work_are_refused(tmp_path, options, message):
    with pytest.raises(ExtractorError, match=message):
        build(tmp_path, **{**BATCH, **options})


def test_a_killed_batch_run_resumes_by_polling_the_same_batch_and_makes_no_second_one(tmp_path):
    server_class, _ = SERVERS["openai"]
    hold = threading.Event()
    reply = Reply(answer({"type": "Contact:Statement", "trigger": "sagte", "sentence": 1, "arguments": []}))
    batch_run = ("extractor.batch=true", "extractor.batch_poll_interval=0.05", "extractor.progress=false")
    with server_class(in_turn(then=reply), hold=hold) as server:
        process = bench_run(tmp_path, server, *batch_run)
        deadline = time.monotonic() + 60
        while not (server.batches and next(iter(server.batches.values()))["polls"] >= 2):
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()[1].decode()
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        assert result_folders(tmp_path / "results") == [] and server.requests == 0
        hold.set()
        run_in_process(tmp_path, server, *batch_run)
        info = run_json(tmp_path)
        assert len(server.batches) == 1, "the rerun polled the batch of the killed run"
        assert info["batches"][0]["resumed"] is True and info["batches"][0]["answered"] == 6
        assert info["requests"] == 0 and server.requests == 6
        run_in_process(tmp_path, server, *batch_run)
        assert run_json(tmp_path)["cache_hits"] == 6 and len(server.batches) == 1
