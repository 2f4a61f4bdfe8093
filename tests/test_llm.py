"""LLM extractors against local scripted servers (never the internet): parsing, alignment,
retries, timeouts, the cache, accounting, few-shot folds, and whole runs in a subprocess
that are killed and resumed or searched for the API key."""
from __future__ import annotations

import importlib.util
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from test_harness import result_folders
from conftest import Done, cli, make_document, mention
from llm_servers import (COMPLETION_TOKENS, PROMPT_TOKENS, AnthropicServer, OpenAIServer, Reply, Script, always,
                         in_turn, window_of)

from bench.errors import ExtractorError
from bench.extractors.llm import LLMExtractor
from bench.extractors.llm.anthropic_messages import AnthropicMessagesAdapter
from bench.extractors.llm.api import Response, retry_after
from bench.extractors.llm.openai_chat import OpenAIChatAdapter
from bench.extractors.llm.cache import ResponseCache, cache_key
from bench.extractors.llm.parsing import AnswerReader, answer_events
from bench.extractors.llm.prompts import Prompts, Window, draw_examples, windows
from bench.schema import PROJECT_ROOT, load_ontology

if not (importlib.util.find_spec("anthropic") and importlib.util.find_spec("openai")):
    # fail, never skip: pip install -e ".[dev]" brings the SDKs (found here, imported by the tests that use them)
    raise ImportError('the LLM tests need the SDKs: pip install -e ".[dev]"')

TEXT = ("Russland griff am Mittwoch Kiew mit Drohnen an. Blinken sagte in Brüssel, Russland werde zahlen.\n"
        "Die Koalition in Berlin zerbrach.")
DOC = make_document("d1", TEXT)
ATTACK = {"type": "Conflict:Attack", "trigger": "griff", "sentence": 1,
          "arguments": [{"role": "Attacker", "text": "Russland"}, {"role": "Target", "text": "Kiew"},
                        {"role": "Time", "text": "Mittwoch"}]}
STATEMENT = {"type": "Contact:Statement", "trigger": "sagte", "sentence": 1,
             "arguments": [{"role": "Speaker", "text": "Blinken"}, {"role": "Place", "text": "Brüssel"}]}

SERVERS = {"openai": (OpenAIServer, "openai_chat"), "anthropic": (AnthropicServer, "anthropic_messages")}


def answer(*events: dict) -> dict:
    return {"events": list(events)}


def by_sentence(number: int, *events: dict) -> dict:
    """The answer only for the window that is sentence ``number`` of DOC (windows of one sentence)."""
    return {"sentence": number, "answer": answer(*events)}


def per_window(*answers: dict) -> Script:
    """A script answering each one-sentence window of DOC with its own answer, empty for the rest."""
    def script(number: int, body: dict) -> Reply:
        for item in answers:
            if DOC.sentences[item["sentence"] - 1].text in window_of(body):
                return Reply(item["answer"])
        return Reply()
    return script


@pytest.fixture(params=sorted(SERVERS))
def protocol(request):
    return SERVERS[request.param]


#: the adapter classes of the shipped configs, by the names the tests give the API families
ADAPTERS = {"openai_chat": OpenAIChatAdapter, "anthropic_messages": AnthropicMessagesAdapter}


def build(tmp_path: Path, **options) -> LLMExtractor:
    """An extractor with fast test settings; by default against a closed port (nothing listens).
    ``api`` is the name of a family (``ADAPTERS``) or anything the extractor takes."""
    options["api"] = ADAPTERS.get(options.get("api"), options.get("api", OpenAIChatAdapter))
    settings = dict( model="test-model", base_url="http://127.0.0.1:9/v1", api_key_env=None,
                    parameters={"max_tokens": 512}, timeout=2.0, concurrency=4, max_attempts=3, backoff_base=0.01,
                    backoff_max=0.05, window_sentences=1, cache_path=str(tmp_path / "llm.sqlite"), cache_mode="off",
                    progress=False)
    return LLMExtractor(**{**settings, **options})


def extract(server, api: str, tmp_path: Path, document=DOC, **options) -> tuple[list, dict]:
    """Extract ``document`` through ``server``: the mentions and the run's llm figures."""
    extractor = build(tmp_path, api=api, base_url=server.url, **options)
    return extractor.extract(document), extractor.run_info()["llm"]


def run_once(protocol, tmp_path, script, document=DOC, **options):
    """``extract`` against a fresh server: the mentions, the llm figures and the server."""
    server_class, api = protocol
    with server_class(script) as server:
        mentions, info = extract(server, api, tmp_path, document, **options)
    return mentions, info, server


def texts(mentions) -> list[tuple]:
    return [(m.type, m.trigger.text, m.trigger.start, tuple((a.role, a.span.text, a.span.start) for a in m.arguments))
            for m in mentions]


# --- parsing and alignment, no server ------------------------------------------------


@pytest.mark.parametrize("text", [
    '{"events": []}',
    '```json\n{"events": []}\n```',
    'Here you go:\n```\n{"events": []}\n```\nAnything else?',
    '{"events": []}\nI found no events.',
    'Sentence [1] has none: {"events": []} (done)',
    '[]',
])
def test_json_is_recovered_from_fences_and_surrounding_text(text):
    assert answer_events(text) == ([], "ok")


@pytest.mark.parametrize("text, reason", [
    ('{"events": [', "invalid_json"), ("no events here", "invalid_json"), ("", "invalid_json"),
    ('{"result": 3}', "not_an_answer"), ("[1, 2]", "not_an_answer"),
])
def test_answers_without_events_say_why(text, reason):
    assert answer_events(text) == (None, reason)


def test_reader_drops_and_counts_what_does_not_fit_the_ontology():
    reader = AnswerReader(load_ontology())
    events = [ATTACK, {**STATEMENT, "type": "Contact:Gossip"}, "not an event", {"type": "Life:Die"},
              {**STATEMENT, "arguments": [{"role": "Speaker", "text": "Blinken"}, {"role": "Attacker", "text": "er"},
                                          {"role": "Speaker", "text": "Blinken"}, {"role": "Place"}]}]
    mentions = reader.mentions(Window(DOC, DOC.sentences[:2]), json.dumps(answer(*events)))
    assert [(m.type, [a.role for a in m.arguments]) for m in mentions] == [
        ("Conflict:Attack", ["Attacker", "Target", "Time"]), ("Contact:Statement", ["Speaker"])]
    assert reader.summary()["dropped"] == {"unknown_type": 1, "invalid_event": 2, "unknown_role": 1,
                                           "duplicate_argument": 1, "invalid_argument": 1}


def test_strings_are_aligned_in_their_window_exactly_then_normalised_else_unaligned():
    reader = AnswerReader(load_ontology())
    window = Window(DOC, DOC.sentences[:2])
    events = [{**ATTACK, "arguments": [{"role": "Target", "text": "kiew"}, {"role": "Place", "text": "Moskau"}]},
              # 'Russland' occurs in both sentences: the one in the trigger's sentence is taken
              {**STATEMENT, "sentence": 2, "arguments": [{"role": "Speaker", "text": "Russland"}]},
              {"type": "Life:Die", "trigger": "starb", "sentence": 1,
               "arguments": [{"role": "Victim", "text": "Kiew"}]},
              # 'zerbrach' lies outside the window: unaligned even though the document has it
              {"type": "Business:End-Org", "trigger": "zerbrach", "sentence": 9, "arguments": []}]
    mentions = reader.mentions(window, json.dumps(answer(*events)))
    assert texts(mentions) == [
        ("Conflict:Attack", "griff", 9, (("Target", "Kiew", 27), ("Place", "Moskau", None))),
        ("Contact:Statement", "sagte", 56, (("Speaker", "Russland", 74),)),
        ("Life:Die", "starb", None, (("Victim", "Kiew", 27),)),
        ("Business:End-Org", "zerbrach", None, ())]
    summary = reader.summary()
    assert summary["unaligned"] == {"triggers": 2, "arguments": 1}
    assert summary["alignment"]["argument:normalised"] == 1


def test_repeated_triggers_take_different_occurrences_in_the_named_sentence():
    doc = make_document("d2", "Er sagte dies. Sie sagte das, und er sagte nichts.")
    statement = {"type": "Contact:Statement", "trigger": "sagte", "sentence": 2, "arguments": []}
    mentions = AnswerReader(load_ontology()).mentions(Window(doc, doc.sentences),
                                                      json.dumps(answer(statement, statement, statement)))
    second, third = doc.text.index("sagte", 10), doc.text.rindex("sagte")
    assert [m.trigger.start for m in mentions] == [second, third, doc.text.index("sagte")]


# --- prompts and few-shot examples ---------------------------------------------------


def test_prompts_carry_the_ontology_and_document_text_is_never_a_template():
    prompts = Prompts(PROJECT_ROOT / "configs" / "prompts", load_ontology())
    doc = make_document("d3", "Er zahlte $examples und ${event_types} Dollar.")
    system = prompts.system([])
    request = prompts.request(system, windows(doc, 8)[0])
    assert "Conflict:Attack: a violent physical act" in system and "Attacker, Target, Instrument" in system
    assert "$" not in system
    assert request.messages[0]["content"].endswith("[1] Er zahlte $examples und ${event_types} Dollar.\n")
    assert request.schema["properties"]["events"]["items"]["properties"]["type"]["enum"][0] == "Conflict:Attack"


def test_windows_cover_the_sentences_in_order():
    assert [len(w.sentences) for w in windows(DOC, 2)] == [2, 1]
    with pytest.raises(ExtractorError):
        windows(DOC, 0)


def gold_corpus():
    docs = [make_document(f"g{i}", f"Russland griff Ort{i} an. Blinken sagte etwas{i}. Nichts geschah{i}.")
            for i in range(3)]
    gold = {d.id: [mention(d, "Conflict:Attack", "griff", ("Attacker", "Russland")),
                   mention(d, "Contact:Statement", "sagte", ("Speaker", "Blinken"))] for d in docs}
    return docs, gold


def test_examples_are_gold_sentences_with_their_events_drawn_reproducibly():
    docs, gold = gold_corpus()
    examples = draw_examples(docs, gold, 3, seed=1)
    assert examples == draw_examples(docs, gold, 3, seed=1)
    assert len(examples) == 3 and all("geschah" not in e.sentence for e in examples)
    attack = next(e for e in examples if "griff" in e.sentence)
    assert attack.answer == {"events": [{"type": "Conflict:Attack", "trigger": "griff", "sentence": 1,
                                         "arguments": [{"role": "Attacker", "text": "Russland"}]}]}
    assert len(draw_examples(docs, gold, 50)) == 6


def test_few_shot_examples_come_only_from_the_documents_fitted_on(tmp_path):
    """Leave-one-document-out as the harness runs it: fit on the others, extract one."""
    docs, gold = gold_corpus()
    with OpenAIServer() as server:
        extractor = build(tmp_path, base_url=server.url, few_shot=4, window_sentences=3)
        assert extractor.trainable
        for doc in docs:
            others = [d for d in docs if d is not doc]
            extractor.fit(others, {d.id: gold[d.id] for d in others})
            extractor.extract(doc)
    assert server.requests == 3
    for doc, body in zip(docs, server.bodies):
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        own = doc.id[1:]
        assert f"Ort{own}" in user
        assert system.count("Example ") == 4 and f"Ort{own}" not in system and f"etwas{own}" not in system


# --- requests against the scripted servers, both protocols ----------------------------


def test_structured_output_becomes_aligned_mentions_with_usage_and_cost(protocol, tmp_path):
    script = per_window(by_sentence(1, ATTACK), by_sentence(2, STATEMENT))
    mentions, info, server = run_once(protocol, tmp_path, script,
                                      price_per_million={"prompt": 2.0, "completion": 10.0})
    assert texts(mentions) == [
        ("Conflict:Attack", "griff", 9,
         (("Attacker", "Russland", 0), ("Target", "Kiew", 27), ("Time", "Mittwoch", 18))),
        ("Contact:Statement", "sagte", 56, (("Speaker", "Blinken", 48), ("Place", "Brüssel", 65)))]
    body = server.bodies[0]
    if protocol[1] == "openai_chat":
        assert body["response_format"]["type"] == "json_schema" and body["response_format"]["json_schema"]["strict"]
    else:
        assert body["tool_choice"] == {"type": "tool", "name": "events"} and body["tools"][0]["input_schema"]
    assert body["model"] == "test-model" and body["max_tokens"] == 512
    assert info["requests"] == 3 and info["windows"] == 3 and info["cache_hits"] == 0
    assert info["prompt_tokens"] == 3 * PROMPT_TOKENS and info["completion_tokens"] == 3 * COMPLETION_TOKENS
    assert info["cost_usd"] == pytest.approx((3 * PROMPT_TOKENS * 2.0 + 3 * COMPLETION_TOKENS * 10.0) / 1e6)
    assert info["models_reported"] == {"test-model-served": 3}
    assert set(info["latency_seconds"]) == {"p50", "p90", "p99"}
    assert info["failures"] == {} and info["dropped"] == {} and info["unaligned"] == {"triggers": 0, "arguments": 0}


def test_without_structured_output_fenced_json_is_recovered(protocol, tmp_path):
    fenced = "Gern:\n```json\n" + json.dumps(answer(ATTACK)) + "\n```\nSonst nichts."
    mentions, info, server = run_once(protocol, tmp_path, always(Reply(fenced)), structured_output=False,
                                      window_sentences=3)
    assert [m.trigger.text for m in mentions] == ["griff"]
    assert not {"response_format", "tools", "tool_choice"} & set(server.bodies[0])
    assert info["dropped"] == {}


def test_invalid_json_is_dropped_and_counted(protocol, tmp_path):
    mentions, info, _ = run_once(protocol, tmp_path, in_turn(Reply('{"events": [{"type": '), Reply("Keine.")),
                                 structured_output=False)
    assert mentions == [] and info["dropped"] == {"invalid_json": 2} and info["failed_windows"] == 0


def test_unknown_types_and_roles_are_dropped_and_counted(protocol, tmp_path):
    odd = answer({**ATTACK, "type": "Conflict:Skirmish"},
                 {**STATEMENT, "arguments": [{"role": "Victim", "text": "Blinken"}]})
    mentions, info, _ = run_once(protocol, tmp_path, per_window(by_sentence(2, *odd["events"])))
    assert texts(mentions) == [("Contact:Statement", "sagte", 56, ())]
    assert info["dropped"] == {"unknown_type": 1, "unknown_role": 1}


def test_strings_not_in_the_document_stay_as_unaligned_predictions(protocol, tmp_path):
    made_up = {"type": "Life:Die", "trigger": "starben", "sentence": 1,
               "arguments": [{"role": "Victim", "text": "Zivilisten"}, {"role": "Place", "text": "Kiew"}]}
    mentions, info, _ = run_once(protocol, tmp_path, per_window(by_sentence(1, made_up)))
    assert texts(mentions) == [("Life:Die", "starben", None, (("Victim", "Zivilisten", None),
                                                                   ("Place", "Kiew", 27)))]
    assert info["unaligned"] == {"triggers": 1, "arguments": 1}


def test_rate_limit_is_retried_after_retry_after(protocol, tmp_path):
    script = in_turn(Reply(status=429, headers={"Retry-After": "1"}), Reply(answer(ATTACK)))
    mentions, info, server = run_once(protocol, tmp_path, script, concurrency=1, window_sentences=3)
    assert [m.trigger.text for m in mentions] == ["griff"]
    assert server.times[1] - server.times[0] >= 0.95
    assert info["failures"] == {"rate_limit": 1} and info["retries"] == 1 and info["requests"] == 2
    assert info["failed_windows"] == 0


def test_server_errors_and_timeouts_are_retried(protocol, tmp_path):
    script = in_turn(Reply(status=500), Reply(status=503), Reply(answer(ATTACK), delay=3.0), Reply(answer(ATTACK)))
    mentions, info, server = run_once(protocol, tmp_path, script, concurrency=1, window_sentences=3, timeout=0.5,
                                      max_attempts=4)
    assert [m.trigger.text for m in mentions] == ["griff"]
    assert info["failures"] == {"server_error": 2, "timeout": 1} and info["retries"] == 3
    assert server.requests == 4 and info["requests"] == 4


def test_a_window_that_keeps_failing_stops_the_run_unless_a_share_of_failures_is_allowed(protocol, tmp_path):
    def script(number: int, body: dict) -> Reply:
        return Reply(status=500) if "zerbrach" in body["messages"][-1]["content"] else Reply(answer(ATTACK))
    with pytest.raises(ExtractorError, match=r"1 of 3 requests failed \(server_error 2\); no result was written"):
        run_once(protocol, tmp_path, script, max_attempts=2)
    mentions, info, _ = run_once(protocol, tmp_path, script, max_attempts=2, max_failed_share=0.5)
    assert len(mentions) == 2 and info["failed_windows"] == 1 and info["failed_requests"] == 1
    assert info["failures"] == {"server_error": 2}


def test_client_errors_are_not_retried_and_auth_errors_stop_the_run(protocol, tmp_path):
    _, info, server = run_once(protocol, tmp_path, always(Reply(status=400)), window_sentences=3,
                               max_failed_share=1.0)
    assert server.requests == 1 and info["failures"] == {"http_400": 1} and info["failed_windows"] == 1
    with pytest.raises(ExtractorError, match="401 authentication failed"):
        run_once(protocol, tmp_path, always(Reply(status=401)))


def test_a_server_that_never_answers_a_connection_stops_the_run_early(tmp_path):
    doc = make_document("many", " ".join(f"Satz {i} endet hier." for i in range(12)))
    extractor = build(tmp_path, concurrency=2, max_attempts=3)           # a closed port: no server at all
    with pytest.raises(ExtractorError, match=r"127\.0\.0\.1:9/v1: no connection after 3 attempt\(s\) .*the rest "
                                             r"were not sent \(is the server running, is base_url right\?\)"):
        extractor.extract(doc)
    # the first two requests' attempts, and at most one more each started before the run stopped: not 12 windows'
    assert extractor.run_info()["llm"]["requests"] <= 2 * 3 + 2


def test_lost_connections_after_an_answer_are_retried_and_counted(protocol, tmp_path):
    """Once the server has answered, a lost connection is a failed request like any other, not the end."""
    server_class, api = protocol
    doc = make_document("two", "Satz eins endet hier. Satz zwei endet hier.")
    with server_class(always(Reply(answer()))) as server:
        extractor = build(tmp_path, api=api, base_url=server.url, concurrency=1, max_failed_share=1.0)
        first = extractor.adapter.base_url
        extractor.extract(make_document("one", "Ein Satz endet hier."))
    assert first == server.url.rstrip("/")
    mentions = extractor.extract(doc)              # the server is gone now: both windows fail, the run goes on
    assert mentions == [] and extractor.run_info()["llm"]["failed_requests"] == 2


def test_concurrency_is_bounded(protocol, tmp_path):
    doc = make_document("many", " ".join(f"Satz {i} endet hier." for i in range(12)))
    _, info, server = run_once(protocol, tmp_path, always(Reply(delay=0.2)), document=doc, concurrency=3)
    assert info["requests"] == 12 and server.max_in_flight == 3


def test_a_rerun_is_served_from_the_cache_even_without_the_key(protocol, tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_TEST_UNSET_KEY", raising=False)
    server_class, api = protocol
    with server_class(per_window(by_sentence(1, ATTACK))) as server:
        first, _ = extract(server, api, tmp_path, cache_mode="read-write")
        again, info = extract(server, api, tmp_path, cache_mode="read-write", api_key_env="BENCH_TEST_UNSET_KEY")
        assert server.requests == 3 and info["requests"] == 0 and info["cache_hits"] == 3
        assert texts(again) == texts(first) and info["prompt_tokens"] == 0
        extract(server, api, tmp_path, cache_mode="read-write", model="other-model")
        assert server.requests == 6, "another model must not be served from the cache"


@pytest.mark.parametrize("modes, requests", [
    (["off", "off"], [3, 3]), (["read-write", "read-write"], [3, 0]), (["read", "read"], [3, 3]),
    (["write", "write", "read"], [3, 3, 0])])
def test_cache_modes(tmp_path, modes, requests):
    with OpenAIServer() as server:
        sent = []
        for mode in modes:
            extract(server, "openai_chat", tmp_path, cache_mode=mode)
            sent.append(server.requests - sum(sent))
    assert sent == requests


def test_progress_bar_shows_requests_and_tokens(tmp_path, capsys):
    run_once(SERVERS["openai"], tmp_path, always(Reply()), progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and f"tokens={3 * (PROMPT_TOKENS + COMPLETION_TOKENS)}" in err


# --- setup problems -------------------------------------------------------------------


@pytest.mark.parametrize("name, api, key_env", [("llm_openai", "openai_chat", "OPENAI_API_KEY"),
                                                 ("llm_anthropic", "anthropic_messages", "ANTHROPIC_API_KEY")])
def test_the_shipped_configs_build_their_extractors(name, api, key_env, tmp_path):
    from hydra import compose, initialize_config_dir
    from hydra.utils import instantiate

    with initialize_config_dir(config_dir=str(PROJECT_ROOT / "configs"), version_base="1.3"):
        cfg = compose(config_name="config", overrides=[f"extractor={name}", f"extractor.cache_path={tmp_path}/c"])
    extractor = instantiate(cfg.extractor)
    assert isinstance(extractor, LLMExtractor) and isinstance(extractor.adapter, ADAPTERS[api]) and not extractor.trainable
    assert extractor.clusterer is None, "event clusters are asked for only on request"
    assert extractor.adapter.api_key_env == key_env and isinstance(extractor.adapter.parameters["max_tokens"], int)
    assert extractor.price_per_million["prompt"] > 0


def test_a_missing_sdk_says_how_to_install_it(monkeypatch):
    without_sdks = "import sys; sys.modules['openai'] = sys.modules['anthropic'] = None; import bench.extractors.llm"
    subprocess.run([sys.executable, "-c", without_sdks], check=True, cwd=PROJECT_ROOT)
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ExtractorError, match=r'pip install -e "\.\[llm\]"'):
        LLMExtractor(api=AnthropicMessagesAdapter, model="m", parameters={"max_tokens": 10})


def test_a_missing_key_stops_before_any_request(tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_TEST_UNSET_KEY", raising=False)
    with pytest.raises(ExtractorError, match="BENCH_TEST_UNSET_KEY"):
        run_once(SERVERS["openai"], tmp_path, always(Reply()), api_key_env="BENCH_TEST_UNSET_KEY")


@pytest.mark.parametrize("options, message", [
    ({"api": "smoke_signals"}, "extractor.api must name an adapter class"),
    ({"api": dict}, "dict is not an adapter"),
    ({"model": ""}, "no model"),
    ({"cache_mode": "sometimes"}, "cache mode"),
    ({"api": "anthropic_messages", "parameters": {}}, "parameters.max_tokens"),
])
def test_bad_settings_are_reported(tmp_path, options, message):
    with pytest.raises(ExtractorError, match=message):
        build(tmp_path, **options)


def test_unknown_sdk_parameters_are_reported_before_sending(tmp_path):
    with pytest.raises(ExtractorError, match="unknown parameters top_kk"):
        run_once(SERVERS["openai"], tmp_path, always(Reply()), parameters={"top_kk": 3})


# --- retries and the cache, no server -------------------------------------------------


def test_retry_after_in_seconds_milliseconds_and_dates():
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert retry_after({"retry-after": "2"}) == 2.0
    assert retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert 25 < retry_after({"retry-after": later}) <= 30
    assert retry_after({}) is None and retry_after({"retry-after": "soon"}) is None


def test_backoff_grows_with_jitter_up_to_its_bound_and_honours_retry_after(tmp_path):
    client = build(tmp_path, backoff_base=1.0, backoff_max=8.0).client
    delays = [client.delay(attempt, None) for attempt in (1, 2, 3, 4, 5, 6)]
    assert 0.5 <= delays[0] <= 1 and 1 <= delays[1] <= 2 and all(4 <= d <= 8 for d in delays[4:])
    assert client.delay(1, 6.0) == 6.0
    assert client.delay(1, 30.0) == 8.0 and client.delay(1, float("inf")) == 8.0     # capped: no endless wait


def test_cache_keys_cover_model_and_parameters_but_not_the_key():
    identity = {"provider": "openai", "base_url": "http://x/v1"}
    payload = {"model": "a", "messages": [{"role": "user", "content": "hi"}], "temperature": 0}
    key = cache_key(identity, payload)
    assert key == cache_key(dict(identity), json.loads(json.dumps(payload)))
    assert key != cache_key(identity, {**payload, "model": "b"})
    assert key != cache_key(identity, {**payload, "temperature": 1})
    assert key != cache_key({**identity, "base_url": "http://y/v1"}, payload)


def _write_entries(path: str, worker: int, count: int) -> None:
    cache = ResponseCache(path)
    for i in range(count):
        cache.put(f"{worker}-{i}", Response(text=f"answer {worker} {i}", prompt_tokens=i))
    cache.close()


def test_several_processes_can_write_the_cache_at_once(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    context = multiprocessing.get_context("fork")   # the children share nothing but the file
    workers = [context.Process(target=_write_entries, args=(path, w, 200)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    cache = ResponseCache(path, "read")
    assert all(cache.get(f"{w}-{i}") == Response(text=f"answer {w} {i}", prompt_tokens=i)
               for w in range(4) for i in range(200))
    assert cache._connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- whole runs in a subprocess -------------------------------------------------------

ARTICLES = {
    "a1": "Russland griff Kiew an. Die Ukraine wehrte die Drohnen ab. Blinken sagte, man helfe weiter.\n"
          "Die NATO beriet in Brüssel. Scholz telefonierte mit Selenskyj. Die Koalition zerbrach.",
    "a2": "Trump gewann die Wahl. Er ernannte Rubio zum Außenminister. Biden trat nicht zurück.\n"
          "Die USA lieferten Raketen. Der Kongress bewilligte Geld. Soldaten reisten nach Kursk.",
}


def run_arguments(tmp_path: Path, server, *overrides: str, articles: dict[str, str] = ARTICLES) -> list[str]:
    """``bench run``'s arguments for an LLM run on ``articles``, scored on the gold in ``tmp_path/gold`` if a
    test wrote one."""
    docs = tmp_path / "docs"
    if not docs.exists():
        docs.mkdir()
        for name, text in articles.items():
            (docs / f"{name}.txt").write_text(text, encoding="utf-8")
    return ["run", "extractor=llm_openai", f"extractor.base_url={server.url}", "extractor.api_key_env=null",
            "extractor.window_sentences=2", "extractor.backoff_base=0.01",
            f"extractor.cache_path={tmp_path / 'cache' / 'llm.sqlite'}", f"data.documents_dir={docs}",
            f"data.gold_dir={tmp_path / 'gold' if (tmp_path / 'gold').is_dir() else 'null'}",
            f"results_dir={tmp_path / 'results'}", *overrides]


def bench_run(tmp_path: Path, server, *overrides: str) -> subprocess.Popen:
    """``python -m bench run`` as a real process (for tests that kill it)."""
    args = [sys.executable, "-m", "bench", *run_arguments(tmp_path, server, *overrides)]
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(args, cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_in_process(tmp_path: Path, server, *overrides: str, articles: dict[str, str] = ARTICLES) -> Done:
    """``bench run`` through the CLI's entry function in this process; the test fails unless it succeeds."""
    done = cli(*run_arguments(tmp_path, server, *overrides, articles=articles))
    assert done.returncode == 0, done.stderr
    return done


def latest_result(tmp_path: Path, name: str) -> dict:
    """A file of the newest result folder of an LLM run, as JSON."""
    latest = sorted((tmp_path / "results" / "llm_openai").iterdir())[-1]
    return json.loads((latest / name).read_text(encoding="utf-8"))


def run_json(tmp_path: Path) -> dict:
    return latest_result(tmp_path, "run.json")["llm"]


def test_a_killed_run_resumes_from_the_cache_without_repeating_finished_windows(tmp_path):
    release, fourth_arrived = threading.Event(), threading.Event()

    def script(number: int, body: dict) -> Reply:
        if number == 4:             # the run is killed while it waits for this answer
            fourth_arrived.set()
            release.wait(30)
        return Reply(answer({"type": "Contact:Statement", "trigger": "sagte", "sentence": 1, "arguments": []}))

    windows_total = 6
    with OpenAIServer(script) as server:
        process = bench_run(tmp_path, server, "extractor.concurrency=1")
        assert fourth_arrived.wait(60), process.communicate()[1].decode()
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        release.set()
        assert process.returncode == -signal.SIGKILL
        assert result_folders(tmp_path / "results") == []
        run_in_process(tmp_path, server, "extractor.concurrency=1")
        info = run_json(tmp_path)
        assert info["cache_hits"] == 3 and info["requests"] == windows_total - 3
        assert len(server.per_window) == windows_total
        assert sorted(server.per_window.values()) == [1] * (windows_total - 1) + [2], \
            "only the window in flight at the kill is asked twice"
        run_in_process(tmp_path, server, "extractor.concurrency=1")
        assert run_json(tmp_path)["requests"] == 0 and server.requests == windows_total + 1


def test_the_api_key_is_written_nowhere(tmp_path, monkeypatch):
    key = "sk-bench-test-7f3a9c1e5b2d4f60a8e1"
    monkeypatch.setenv("BENCH_LLM_TEST_KEY", key)
    with OpenAIServer(always(Reply(answer(STATEMENT)))) as server:
        done = run_in_process(tmp_path, server, "extractor.api_key_env=BENCH_LLM_TEST_KEY")
        assert {h["authorization"] for h in server.headers} == {f"Bearer {key}"}
    assert run_json(tmp_path)["requests"] == 6
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent.name != "docs"]
    assert any(p.name.startswith("llm.sqlite") for p in written) and any(p.name == "run.json" for p in written)
    leaks = [str(p) for p in written if key.encode() in p.read_bytes()]
    assert leaks == [] and key not in done.stdout and key not in done.stderr
    assert "BENCH_LLM_TEST_KEY" in (next(tmp_path.rglob("config.yaml"))).read_text(encoding="utf-8")




# --- faults a real server produces: odd text, endless waits, failed runs, a damaged cache -----------------


def test_an_answer_with_lone_surrogates_is_dropped_and_its_cached_rerun_works(tmp_path):
    escaped = {**STATEMENT, "trigger": "sagte\ud83d"}           # the server's JSON holds the escape \ud83d
    raw = json.dumps(answer(STATEMENT), ensure_ascii=False) + "\ud800"     # a lone surrogate in the text itself
    replies = in_turn(Reply(answer(STATEMENT, escaped)), Reply(raw), then=Reply(answer(STATEMENT)))
    with OpenAIServer(replies) as server:
        run_in_process(tmp_path, server, "extractor.window_sentences=8")
        first = latest_result(tmp_path, "scores.json")["counts"]["predicted_mentions"]
        run_in_process(tmp_path, server, "extractor.window_sentences=8")       # from the cache
        assert run_json(tmp_path)["requests"] == 0
        assert latest_result(tmp_path, "scores.json")["counts"]["predicted_mentions"] == first


def test_retry_after_infinity_waits_no_longer_than_the_timeout(protocol, tmp_path):
    script = in_turn(Reply(status=429, headers={"Retry-After": "inf"}), Reply(answer(ATTACK)))
    mentions, _, server = run_once(protocol, tmp_path, script, concurrency=1, window_sentences=3, timeout=1.0)
    assert [m.trigger.text for m in mentions] == ["griff"]
    assert server.times[1] - server.times[0] < 1.5


def test_a_run_whose_requests_failed_writes_no_result(tmp_path):
    with OpenAIServer(always(Reply(status=500))) as server:
        done = cli(*run_arguments(tmp_path, server, "extractor.max_attempts=1"))
    assert done.returncode == 1
    assert "error: 6 of 6 requests failed (server_error 6); no result was written" in done.stderr
    assert "Traceback" not in done.stderr
    assert result_folders(tmp_path / "results") == []


def test_a_damaged_cache_file_is_named_in_the_error(tmp_path):
    cache = tmp_path / "llm.sqlite"
    cache.write_bytes(b"this is not a database\0" * 200)
    with OpenAIServer(always(Reply(answer(ATTACK)))) as server:
        extractor = build(tmp_path, base_url=server.url, cache_path=str(cache), cache_mode="read-write")
        with pytest.raises(ExtractorError, match=f"{cache}: the LLM response cache cannot be read"):
            extractor.extract(DOC)
