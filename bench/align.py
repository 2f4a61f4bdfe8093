"""Give text-only predictions character offsets, once, before scoring.

A trigger given as text takes the first occurrence in its document that no other
prediction of the same document holds (so three predicted "sagte" take three different
places, and a trigger whose places are all held stays unplaced). An argument given as
text takes the occurrence nearest to its trigger, in the trigger's sentence first, then
anywhere in the document. Matching tries the exact string, then a normalised one
(Unicode NFC, case and runs of white space folded); offsets are always the document's.
Text found nowhere stays in the predictions, marked unfound, as a false positive.

Alignment is idempotent: aligning predictions that were aligned, written and read back
changes nothing, so every command that reads a result folder sees the same spans.
"""
from __future__ import annotations

import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from bench.bulk import without_cyclic_gc
from bench.schema import Argument, Document, EventMention, Span


@dataclass(frozen=True)
class _Normalised:
    """A text in NFC with, for each of its characters, the offset of its source character."""

    text: str
    source: tuple[int, ...]     # len(text) + 1 entries; the last is the source text's length


@lru_cache(maxsize=64)
def _normalised(text: str) -> _Normalised:
    if unicodedata.is_normalized("NFC", text):
        return _Normalised(text, tuple(range(len(text) + 1)))
    out, source, start = [], [], 0
    for i in range(1, len(text) + 1):      # a base character and the combining marks after it
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        piece = unicodedata.normalize("NFC", text[start:i])
        out.append(piece)
        source += [start] * len(piece)
        start = i
    return _Normalised("".join(out), tuple(source) + (len(text),))


def occurrences(text: str, needle: str, start: int = 0, end: int | None = None) -> tuple[list[Span], str]:
    """Spans of ``needle`` in ``text[start:end]`` and how they were found: exact, normalised or none."""
    end = len(text) if end is None else end
    spans = [Span(m.start() + start, m.start() + start + len(needle), needle)
             for m in re.finditer(re.escape(needle), text[start:end])] if needle else []
    if spans:
        return spans, "exact"
    words = unicodedata.normalize("NFC", needle).split()
    if not words:
        return [], "none"
    normal = _normalised(text)
    lo, hi = normal.source.index(start) if start in normal.source else 0, len(normal.text)
    if end < len(text):
        hi = next(i for i, s in enumerate(normal.source) if s >= end)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    found = []
    for match in pattern.finditer(normal.text, lo, hi):
        first, last = normal.source[match.start()], normal.source[match.end()]
        found.append(Span(first, last, text[first:last]))
    return found, ("normalised" if found else "none")


@without_cyclic_gc()
def align(predictions: Iterable[EventMention], documents: dict[str, Document]) -> tuple[list[EventMention], Counter]:
    """Predictions with offsets wherever their text is found, and a count of how each span was aligned."""
    predictions = list(predictions)
    report: Counter = Counter()
    held: dict[tuple[str, str], set[int]] = {}
    for mention in predictions:         # triggers with offsets hold their places first
        if mention.trigger.aligned:
            held.setdefault((mention.doc_id, mention.trigger.text), set()).add(mention.trigger.start)
    aligned = []
    for mention in predictions:
        doc = documents[mention.doc_id]
        trigger = mention.trigger
        if trigger.aligned or trigger.unfound:
            report["trigger:given" if trigger.aligned else "trigger:unaligned"] += 1
        else:
            trigger = _align_trigger(doc, trigger.text, held.setdefault((doc.id, trigger.text), set()), report)
        arguments = tuple(_align_argument(doc, trigger, a, report) for a in mention.arguments)
        unchanged = trigger is mention.trigger and all(map(operator.is_, arguments, mention.arguments))
        aligned.append(mention if unchanged else replace(mention, trigger=trigger, arguments=arguments))
    return aligned, report


def _align_trigger(doc: Document, text: str, held: set[int], report: Counter) -> Span:
    spans, how = occurrences(doc.text, text)
    free = [s for s in spans if s.start not in held]
    if not free:
        report["trigger:unaligned" if how == "none" else "trigger:no free occurrence"] += 1
        return Span(None, None, text, unfound=True)
    held.add(free[0].start)
    report[f"trigger:{how}"] += 1
    return free[0]


def _align_argument(doc: Document, trigger: Span, argument: Argument, report: Counter) -> Argument:
    if argument.span.aligned or argument.span.unfound:
        report["argument:given" if argument.span.aligned else "argument:unaligned"] += 1
        return argument
    anchor = trigger.start if trigger.aligned else 0
    sentence_index = doc.sentence_index(anchor) if trigger.aligned else -1
    scopes = [(doc.sentences[sentence_index].start, doc.sentences[sentence_index].end)] if sentence_index >= 0 else []
    scopes.append((0, len(doc.text)))
    for start, end in scopes:
        spans, how = occurrences(doc.text, argument.span.text, start, end)
        if spans:
            nearest = min(spans, key=lambda s: (abs(s.start - anchor), s.start))
            report[f"argument:{how}"] += 1
            return replace(argument, span=nearest)
    report["argument:unaligned"] += 1
    return replace(argument, span=replace(argument.span, unfound=True))
