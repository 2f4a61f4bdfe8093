"""Event clusters asked of an LLM extractor (``cluster_events: true``) against a local scripted
OpenAI-style server: cluster ids across documents, robust reading of the answers, chunking,
the cache, setup errors, and a whole run scored with ``scoring.coref=true``."""
from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from collections.abc import Callable

import pytest
from conftest import make_document, span_of
from llm_servers import OpenAIServer, Reply, window_of
from test_llm import SERVERS, build, latest_result, run_in_process, run_json

from bench.errors import ExtractorError
from bench.extractors.llm.api import Response
from bench.extractors.llm.clustering import Chunk
from bench.schema import PROJECT_ROOT

N1 = make_document("n1", "Der Kanzler traf am Montag in Wien den Präsidenten. Nach dem Treffen sagte der Kanzler, "
                         "man sei sich einig.\nDie Minister berieten am Dienstag in Graz.")
N2 = make_document("n2", "Kanzler und Präsident trafen sich am Montag in Wien. Der Kanzler erklärte danach, "
                         "man sei sich einig.")
#: trigger -> document, event type, arguments, gold cluster (every trigger occurs once)
EVENTS = {
    "traf": (N1, "Contact:Meet", [("Entity", "Kanzler"), ("Entity", "Präsidenten"), ("Place", "Wien"),
                                  ("Time", "Montag")], "vienna_meeting"),
    "Treffen": (N1, "Contact:Meet", [], "vienna_meeting"),
    "sagte": (N1, "Contact:Statement", [("Speaker", "Kanzler")], "chancellor_statement"),
    "berieten": (N1, "Contact:Meet", [("Entity", "Minister"), ("Place", "Graz"), ("Time", "Dienstag")],
                 "graz_meeting"),
    "trafen": (N2, "Contact:Meet", [("Entity", "Kanzler"), ("Entity", "Präsident"), ("Place", "Wien"),
                                    ("Time", "Montag")], "vienna_meeting"),
    "erklärte": (N2, "Contact:Statement", [("Speaker", "Kanzler")], "chancellor_statement"),
}
GOLD_CLUSTERS = {frozenset({"traf", "Treffen", "trafen"}), frozenset({"sagte", "erklärte"}), frozenset({"berieten"})}
SINGLETONS = {frozenset({trigger}) for trigger in EVENTS}

#: a clustering answer from the listed mentions' ids by trigger
ClusterAnswer = Callable[[dict[str, str]], Reply]


def listing_of(body: dict) -> list[dict] | None:
    """The mentions a clustering request lists, None for an extraction request."""
    try:
        return [json.loads(line) for line in window_of(body).splitlines()]
    except json.JSONDecodeError:
        return None


def gold_groups(ids: dict[str, str]) -> Reply:
    """The gold clusters among the listed mentions."""
    return Reply({"groups": [[ids[t] for t in sorted(cluster) if t in ids] for cluster in GOLD_CLUSTERS
                             if len(cluster & ids.keys()) > 1]})


def script(cluster: ClusterAnswer = gold_groups):
    """Extraction windows are answered with the EVENTS in their sentences, clustering requests by ``cluster``."""
    def reply(number: int, body: dict) -> Reply:
        mentions = listing_of(body)
        if mentions is not None:
            return cluster({m["trigger"]: m["id"] for m in mentions})
        events = []
        for line in window_of(body).splitlines():
            numbered = re.match(r"\[(\d+)\] (.*)", line)
            for trigger in re.findall(r"\w+", numbered[2]) if numbered else []:
                if trigger in EVENTS:
                    _, event_type, arguments, _ = EVENTS[trigger]
                    events.append({"type": event_type, "trigger": trigger, "sentence": int(numbered[1]),
                                   "arguments": [{"role": role, "text": text} for role, text in arguments]})
        return Reply({"events": events})
    return reply


def cluster_run(server, tmp_path, api: str = "openai_chat", **options) -> tuple[list, dict]:
    """Both documents through one clustering extractor: the mentions and the run's llm figures."""
    extractor = build(tmp_path, api=api, base_url=server.url, cluster_events=True, **options)
    mentions = [m for found in extractor.extract_batch([N1, N2]) for m in found]
    return mentions, extractor.run_info()["llm"]


def run_with(tmp_path, cluster: ClusterAnswer = gold_groups, protocol=SERVERS["openai"], **options) -> tuple:
    server_class, api = protocol
    with server_class(script(cluster)) as server:
        mentions, info = cluster_run(server, tmp_path, api, **options)
    return mentions, info, server


def partition(mentions) -> set[frozenset]:
    clusters = defaultdict(set)
    for m in mentions:
        clusters[m.cluster].add(m.trigger.text)
    return {frozenset(c) for c in clusters.values()}


def listings(server) -> list[list[dict]]:
    """The clustering requests' mentions, by event type."""
    return sorted((m for m in map(listing_of, server.bodies) if m is not None), key=lambda m: m[0]["type"])


@pytest.mark.parametrize("protocol", SERVERS.values(), ids=SERVERS.keys())
def test_mentions_carry_the_returned_cluster_ids_across_documents(tmp_path, protocol):
    mentions, info, server = run_with(tmp_path, protocol=protocol)
    assert len(mentions) == 6 and all(m.cluster for m in mentions)
    assert partition(mentions) == GOLD_CLUSTERS
    assert {m.doc_id for m in mentions if m.trigger.text in ("traf", "trafen")} == {"n1", "n2"}
    assert info["windows"] == info["requests"] == 5, "extraction requests are counted apart"
    assert {k: info["clustering"][k] for k in ("chunks", "requests", "failed_chunks", "dropped")} == \
        {"chunks": 2, "requests": 2, "failed_chunks": 0, "dropped": {}}
    meet, statement = listings(server)
    assert [m["trigger"] for m in meet] == ["traf", "Treffen", "berieten", "trafen"]
    assert meet[0] == {"id": "m1", "document": "n1", "type": "Contact:Meet", "trigger": "traf",
                       "sentence": "Der Kanzler traf am Montag in Wien den Präsidenten.",
                       "arguments": [{"role": "Entity", "text": "Kanzler"}, {"role": "Entity", "text": "Präsidenten"},
                                     {"role": "Place", "text": "Wien"}, {"role": "Time", "text": "Montag"}]}
    assert [(m["id"], m["document"]) for m in statement] == [("m1", "n1"), ("m2", "n2")]
    system = next(b.get("system") or b["messages"][0]["content"] for b in server.bodies if listing_of(b) == statement)
    assert "Contact:Statement (a party says" in system and "one speaker said on one occasion" in system


def test_unknown_and_repeated_ids_are_dropped_and_counted(tmp_path):
    def odd(ids: dict[str, str]) -> Reply:
        if "traf" in ids:
            return Reply({"groups": [[ids["traf"], ids["trafen"], "m99"], ["Treffen", 7], "m3"]})
        return Reply({"groups": [[ids["sagte"], " " + ids["erklärte"] + " ", ids["sagte"]]]})
    mentions, info, _ = run_with(tmp_path, odd)
    assert partition(mentions) == {frozenset({"traf", "trafen"}), frozenset({"Treffen"}), frozenset({"berieten"}),
                                   frozenset({"sagte", "erklärte"})}
    assert info["clustering"]["dropped"] == {"unknown_id": 3, "invalid_group": 1, "repeated_id": 1}


def test_a_malformed_answer_or_a_failed_request_leaves_singletons_and_is_counted(tmp_path):
    def broken(ids: dict[str, str]) -> Reply:
        return Reply('{"groups": [["m1", "m2"') if "traf" in ids else Reply(status=400)
    mentions, info, _ = run_with(tmp_path, broken)
    assert partition(mentions) == SINGLETONS and all(m.cluster for m in mentions)
    assert info["clustering"]["dropped"] == {"invalid_json": 1}
    assert info["clustering"]["failed_chunks"] == info["clustering"]["failed_requests"] == 1
    assert info["failed_windows"] == info["failed_requests"] == 0


@pytest.mark.parametrize("text", [
    '```json\n{"groups": [["m1", "m3"]]}\n```\nDas sind alle.',
    'Gruppen: {"groups": [["m1", "m3"]]} (m2 steht allein)',
    '[["m1", "m3"]]',
])
def test_cluster_answers_are_recovered_like_extraction_answers(tmp_path, text):
    clusterer = build(tmp_path, cluster_events=True).clusterer
    chunk = Chunk("Contact:Meet", (("a", 0), ("a", 1), ("b", 0)))
    assert clusterer.groups(chunk, Response(text)) == [[("a", 0), ("b", 0)]]
    assert clusterer.dropped == {}


def test_requests_hold_at_most_cluster_chunk_size_mentions(tmp_path):
    mentions, info, server = run_with(tmp_path, cluster_chunk_size=2)
    assert sorted([m["trigger"] for m in listing] for listing in listings(server)) == \
        [["berieten", "trafen"], ["sagte", "erklärte"], ["traf", "Treffen"]]
    assert info["clustering"]["requests"] == 3
    assert partition(mentions) == {frozenset({"traf", "Treffen"}), frozenset({"berieten"}), frozenset({"trafen"}),
                                   frozenset({"sagte", "erklärte"})}, "mentions in different chunks stay apart"


def test_a_cached_rerun_makes_no_request(tmp_path):
    with OpenAIServer(script()) as server:
        first, _ = cluster_run(server, tmp_path, cache_mode="read-write")
        sent = server.requests
        again, info = cluster_run(server, tmp_path, cache_mode="read-write")
    assert sent == 7 and server.requests == sent
    assert info["requests"] == info["clustering"]["requests"] == 0 and info["clustering"]["cache_hits"] == 2
    assert [m.cluster for m in again] == [m.cluster for m in first]


def test_clusters_need_zero_shot_a_chunk_of_two_and_the_template(tmp_path):
    with pytest.raises(ExtractorError, match="cluster_events needs few_shot=0"):
        build(tmp_path, cluster_events=True, few_shot=2)
    with pytest.raises(ExtractorError, match="cluster_chunk_size must be at least 2"):
        build(tmp_path, cluster_events=True, cluster_chunk_size=1)
    prompts = tmp_path / "prompts"
    shutil.copytree(PROJECT_ROOT / "configs" / "prompts", prompts, ignore=shutil.ignore_patterns("cluster.txt"))
    assert build(tmp_path, prompts=str(prompts)).clusterer is None
    with pytest.raises(ExtractorError, match="cluster.txt not found"):
        build(tmp_path, prompts=str(prompts), cluster_events=True)


def write_gold(folder) -> None:
    """Gold annotation files (guidelines section 6) for N1 and N2 with the clusters of EVENTS."""
    folder.mkdir()
    attributes = {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"}
    for document in (N1, N2):
        events = [{"id": f"{document.id}-E{i}", "type": event_type, "attributes": attributes, "arguments": [],
                   "trigger": {"start": (s := span_of(document, trigger)).start, "end": s.end, "text": trigger},
                   "cluster": cluster}
                  for i, (trigger, (doc, event_type, _, cluster)) in enumerate(EVENTS.items(), 1) if doc is document]
        (folder / f"{document.id}.json").write_text(json.dumps(
            {"doc_id": document.id, "ontology_version": "1.0", "annotator": "test", "events": events},
            ensure_ascii=False), encoding="utf-8")


def test_a_run_with_cluster_events_reports_coreference_scores(tmp_path):
    write_gold(tmp_path / "gold")
    articles = {document.id: document.text for document in (N1, N2)}
    options = ("scoring.coref=true", "scoring.bootstrap_samples=0")
    with OpenAIServer(script()) as server:
        run_in_process(tmp_path, server, "extractor.cluster_events=true", *options, articles=articles)
        coreference = latest_result(tmp_path, "scores.json")["coreference"]
        assert run_json(tmp_path)["clustering"]["requests"] == 2
        for scope in ("cross_document/with_singletons", "cross_document/without_singletons"):
            assert coreference[scope]["conll_f1"] == pytest.approx(1.0), scope
        run_in_process(tmp_path, server, *options, articles=articles)
        assert latest_result(tmp_path, "scores.json")["coreference"] == "not predicted"
