"""Answers files: the OpenAI Batch file formats, for providers without a batch API, for
people with their own infrastructure, and for reproducing a published run.

``write_requests`` writes requests as Batch input lines (``custom_id``, ``method``, ``url``,
``body``); ``import_answers`` reads Batch output lines (``custom_id`` and ``response.body``,
or ``error``) into the response cache. A custom id is the request's cache key, so an
answer can only land on the request it answers.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from bench.errors import DataError
from bench.extractors.llm.api import Adapter, Response, wire_body
from bench.extractors.llm.cache import ResponseCache

#: the endpoint named in exported request lines, whatever the API family
EXPORT_URL = "/v1/chat/completions"


def request_line(custom_id: str, body: dict, url: str) -> dict:
    return {"custom_id": custom_id, "method": "POST", "url": url, "body": body}


def read_output(line: dict, parse_body: Callable[[dict], Response]) -> tuple[str, Response | str]:
    """The custom id of one Batch output line and its Response, or the kind of its failure
    (``expired``, ``error:CODE``, ``http_STATUS``). ValueError for a line that is neither."""
    custom_id = line.get("custom_id") if isinstance(line, dict) else None
    if not isinstance(custom_id, str):
        raise ValueError("no custom_id")
    error, response = line.get("error"), line.get("response")
    if error:
        code = error.get("code") if isinstance(error, dict) else None
        return custom_id, "expired" if code == "batch_expired" else f"error:{code or 'unknown'}"
    if not isinstance(response, dict) or not isinstance(response.get("body"), dict):
        raise ValueError("neither response.body nor error")
    status = response.get("status_code", 200)
    if status != 200:
        return custom_id, f"http_{status}"
    return custom_id, parse_body(response["body"])


def write_requests(payloads: Mapping[str, dict], out: Path) -> None:
    with Path(out).open("w", encoding="utf-8") as stream:
        for custom_id, payload in payloads.items():
            stream.write(json.dumps(request_line(custom_id, wire_body(payload), EXPORT_URL), ensure_ascii=False) + "\n")


def import_answers(path: Path, payloads: Mapping[str, dict], adapter: Adapter, cache: ResponseCache) -> dict:
    """Put the answers of ``path`` into ``cache``; every custom id must be one of ``payloads``
    (the run's requests). What was read: answers, failures by kind, requests left unanswered."""
    if not cache.writes:
        raise DataError([f"batch import writes into the response cache: set extractor.cache_mode=read-write "
                         f"(it is {'off' if not cache.reads else 'read'})"])
    answers, seen, failures = {}, set(), Counter()
    with Path(path).open(encoding="utf-8") as stream:
        for number, text in enumerate(stream, 1):
            if not text.strip():
                continue
            where = f"{path}, line {number}"
            try:
                line = json.loads(text)
                custom_id = line.get("custom_id") if isinstance(line, dict) else None
                if isinstance(custom_id, str) and custom_id not in payloads:
                    raise DataError([f"{where}: custom_id {custom_id[:80]!r} is not a request of this run (made "
                                     f"with other settings, model or prompts?)"])
                if custom_id in seen:
                    raise DataError([f"{where}: custom_id {custom_id[:80]!r} is answered twice"])
                custom_id, outcome = read_output(line, adapter.parse_body)
            except ValueError as err:       # JSON, a missing field, or a body the SDK's type refuses
                raise DataError([f"{where}: not a Batch output line ({str(err).splitlines()[0]})"]) from None
            seen.add(custom_id)
            if isinstance(outcome, Response):
                answers[custom_id] = outcome
            else:
                failures[outcome] += 1
    for custom_id, response in answers.items():      # only a file read whole reaches the cache
        cache.put(custom_id, response)
    return {"answers": len(answers), "failures": dict(sorted(failures.items())),
            "unanswered": len(set(payloads) - seen)}
