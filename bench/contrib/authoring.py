"""The authoring format: annotation files written without offsets.

A trigger is ``{"text": ..., "context": ...}``: the context is a quote that occurs once
in the document and holds the trigger text once (as a whole word if possible). An
argument gives its ``text``, found in the trigger's sentence, and a ``context`` quote
when the text occurs more than once there. Compiling yields the offset-based
annotation format that ``bench.corpus`` reads and validates.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from bench.errors import DataError
from bench.corpus import parse_annotation, read_text
from bench.paths import refuse_existing
from bench.schema import Document, Span


def _word_hits(haystack: str, needle: str, offset: int = 0) -> list[int]:
    """Start offsets of ``needle`` in ``haystack``: whole-word hits if any, else all hits."""
    starts = [m.start() for m in re.finditer(re.escape(needle), haystack)]
    whole = [s for s in starts if (s == 0 or not haystack[s - 1].isalnum())
             and (s + len(needle) == len(haystack) or not haystack[s + len(needle)].isalnum())]
    return [s + offset for s in (whole or starts)]


def locate(doc: Document, text: str, context: str | None, scope: tuple[int, int] | None = None) -> Span:
    """The one place ``text`` stands, inside ``context`` if given, inside ``scope`` if given."""
    lo, hi = scope or (0, len(doc.text))
    if context:
        places = _word_hits(doc.text[lo:hi], context, lo) if scope else _word_hits(doc.text, context)
        if len(places) != 1:
            where = "the trigger's sentence" if scope else "the document"
            raise ValueError(f"context {context!r} occurs {len(places)} times in {where}; it must occur once")
        hits = _word_hits(context, text, places[0])
        if len(hits) != 1:
            raise ValueError(f"text {text!r} occurs {len(hits)} times in context {context!r}; it must occur once")
    else:
        hits = _word_hits(doc.text[lo:hi], text, lo)
        if len(hits) != 1:
            raise ValueError(f"text {text!r} occurs {len(hits)} times in the trigger's sentence; "
                             f"add a 'context' quote that holds it once")
    return Span(hits[0], hits[0] + len(text), text)


def compile_authoring(data: dict, documents: dict[str, Document], source: Path) -> dict:
    """An authoring-format object -> an annotation-format object; DataError names every bad quote."""
    doc_id = data.get("doc_id")
    if doc_id not in documents:
        raise DataError([f"{source}: top level: unknown document id {doc_id!r}"])
    doc, problems, events = documents[doc_id], [], []
    for i, raw in enumerate(data.get("events", []), 1):
        where = f"{source}: event {raw.get('id') or '#' + str(i)}"
        event = {k: v for k, v in raw.items() if k not in ("trigger", "arguments")}
        trig = raw.get("trigger") or {}
        try:
            trigger = locate(doc, trig.get("text", ""), trig.get("context"))
        except ValueError as err:
            problems.append(f"{where}: trigger: {err}")
            continue
        event["trigger"] = {"start": trigger.start, "end": trigger.end, "text": trigger.text}
        sentence = doc.sentences[doc.sentence_index(trigger.start)]
        event["arguments"] = []
        for j, arg in enumerate(raw.get("arguments", []), 1):
            try:
                span = locate(doc, arg.get("text", ""), arg.get("context"), (sentence.start, sentence.end))
            except ValueError as err:
                problems.append(f"{where}: argument {j} ({arg.get('role')}): {err}")
                continue
            compiled = {k: v for k, v in arg.items() if k not in ("text", "context")}
            event["arguments"].append({"role": compiled.pop("role", None), "start": span.start, "end": span.end,
                                       "text": span.text, **compiled})
        events.append(event)
    if problems:
        raise DataError(problems)
    header = {k: v for k, v in data.items() if k != "events"}
    return {**header, "events": events}


def compile_file(path: Path, documents: dict[str, Document]) -> dict:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise DataError([f"{path}: line {err.lineno} column {err.colno}: invalid JSON: {err.msg}"]) from None
    if not isinstance(data, dict):
        raise DataError([f"{path}: top level: must be an object with 'doc_id' and 'events'"])
    return compile_authoring(data, documents, path)


def compile_folder(src: Path, out_dir: Path, documents: dict[str, Document], overwrite: bool = False) -> list[Path]:
    """Compile one authoring file or a folder of them into ``out_dir``; validate what was written.

    Nothing is written unless every file compiles and validates, and (without ``overwrite``)
    no annotation file of the same name exists.
    """
    sources = sorted(src.glob("*.json")) if src.is_dir() else [src]
    compiled, problems = [], []
    for path in sources:
        try:
            compiled.append(compile_file(path, documents))
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    targets = [out_dir / f"{data['doc_id']}.json" for data in compiled]
    for data, target in zip(compiled, targets):
        try:
            parse_annotation(data, target, documents)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    if not overwrite:
        refuse_existing(targets, "--force")
    out_dir.mkdir(parents=True, exist_ok=True)
    for data, target in zip(compiled, targets):
        staging = target.with_name(f".{target.name}.tmp")
        staging.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        staging.replace(target)
    return targets
