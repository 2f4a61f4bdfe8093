"""Prompt variants and what run.json says of an LLM run: the prompt version, SDK versions,
request parameters, parse failures, and attributes asked for and scored."""
from __future__ import annotations

import json
from importlib.metadata import version

import pytest
from llm_servers import OpenAIServer, Reply, always, in_turn
from test_llm import ATTACK, DOC, SERVERS, answer, extract, run_once

from bench.extractors.llm.prompts import Prompts, guidelines_text, windows
from bench.schema import PROJECT_ROOT, load_ontology
from bench.scoring.coref import attribute_scores

PROMPTS = PROJECT_ROOT / "configs" / "prompts"
ATTRIBUTES = {"polarity": "negative", "modality": "asserted", "genericity": "specific", "tense": "past"}


def test_run_json_names_the_served_model_prompt_version_sdk_and_parameters(tmp_path):
    _, info, _ = run_once(SERVERS["openai"], tmp_path, always(Reply(answer(ATTACK))),
                          parameters={"temperature": 0, "seed": 7})
    assert info["models_reported"] == {"test-model-served": 3} and info["model"] == "test-model"
    assert info["sdk_versions"] == {"openai": version("openai")}
    assert (info["temperature"], info["seed"], info["max_tokens"]) == (0, 7, None)
    assert info["prompt_version"] == Prompts(PROMPTS, load_ontology()).version() and len(info["prompt_version"]) == 12
    _, other, _ = run_once(SERVERS["anthropic"], tmp_path, always(Reply(answer(ATTACK))),
                           system_prompt="system_guidelines")
    assert other["sdk_versions"] == {"anthropic": version("anthropic")} and other["max_tokens"] == 512
    assert other["prompt_version"] != info["prompt_version"] and other["system_prompt"] == "system_guidelines"


def test_parse_failures_are_cached_as_answers_but_counted_on_every_run(tmp_path):
    script = in_turn(Reply('{"events": ['), Reply("Keine Ereignisse."), then=Reply(answer(ATTACK)))
    options = dict(structured_output=False, cache_mode="read-write")
    with OpenAIServer(script) as server:
        _, first = extract(server, "openai_chat", tmp_path, **options)
        _, again = extract(server, "openai_chat", tmp_path, **options)
    assert first["parse_failures"] == 2 and first["dropped"] == {"invalid_json": 2}
    assert again["cache_hits"] == 3 and server.requests == 3 and again["parse_failures"] == 2


def test_the_compact_prompt_is_unchanged_and_the_guidelines_variant_carries_the_guidelines():
    compact = Prompts(PROMPTS, load_ontology()).system([])
    full = Prompts(PROMPTS, load_ontology(), system="system_guidelines").system([])
    assert "$" not in compact and "Attributes:" not in compact
    assert "## 3. Arguments" in full and "## 5." not in full and guidelines_text() in full
    assert len(full) > 5 * len(compact)


def test_attributes_are_asked_for_parsed_and_scored(tmp_path):
    prompts = Prompts(PROMPTS, load_ontology(), attributes=True)
    event = prompts.schema["properties"]["events"]["items"]
    assert event["properties"]["attributes"]["properties"]["tense"]["enum"] == ["past", "present", "future",
                                                                                "unspecified"]
    assert "polarity" in prompts.system([])
    with_attributes = {**ATTACK, "attributes": ATTRIBUTES}
    odd = {**ATTACK, "trigger": "zerbrach", "type": "Business:End-Org", "arguments": [],
           "attributes": {**ATTRIBUTES, "tense": "yesterday"}}
    mentions, info, server = run_once(SERVERS["openai"], tmp_path, always(Reply(answer(with_attributes, odd))),
                                      attributes=True, window_sentences=3)
    assert "attributes" in server.bodies[0]["response_format"]["json_schema"]["schema"]["properties"]["events"][
        "items"]["required"]
    assert mentions[0].attributes == ATTRIBUTES and "tense" not in mentions[1].attributes
    assert info["dropped"] == {"invalid_attribute": 1} and info["attributes"] is True
    gold = [mentions[0]]
    scores = attribute_scores(gold, mentions[:1], {DOC.id: DOC}, load_ontology().attributes)
    assert scores["polarity"]["exact"]["accuracy"] == 1.0
    plain, _, _ = run_once(SERVERS["openai"], tmp_path, always(Reply(answer(with_attributes))), window_sentences=3)
    assert plain[0].attributes == {}, "attributes are read only when asked for"


@pytest.mark.parametrize("system", ["system", "system_guidelines"])
def test_shipped_prompt_variants_render_every_placeholder(system):
    prompts = Prompts(PROMPTS, load_ontology(), system=system, attributes=True)
    request = prompts.request(prompts.system([]), windows(DOC, 8)[0])
    assert "$" not in request.system and json.dumps(request.schema)
