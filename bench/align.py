"""Give text-only predictions character offsets, once, before scoring.

A trigger given as text takes the first occurrence in its document that no earlier
prediction of the same text took (so three predicted "sagte" take three different
places). An argument given as text takes the occurrence nearest to its trigger,
in the trigger's sentence first, then anywhere in the document. Matching tries the
exact string, then a case- and whitespace-normalised one. Text found nowhere gets
UNALIGNED offsets and stays in the predictions as a false positive.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from bench.schema import UNALIGNED, Argument, Document, EventMention, Span


def occurrences(text: str, needle: str, start: int = 0, end: int | None = None) -> tuple[list[Span], str]:
    """Spans of ``needle`` in ``text[start:end]`` and how they were found: exact, normalised or none."""
    end = len(text) if end is None else end
    spans = [Span(m.start(), m.start() + len(needle), needle)
             for m in re.finditer(re.escape(needle), text[start:end])] if needle else []
    if spans:
        return [Span(s.start + start, s.end + start, needle) for s in spans], "exact"
    words = needle.split()
    if not words:
        return [], "none"
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    found = [Span(m.start(), m.end(), m.group()) for m in pattern.finditer(text, start, end)]
    return found, ("normalised" if found else "none")


def align(predictions: Iterable[EventMention], documents: dict[str, Document]) -> tuple[list[EventMention], Counter]:
    """Predictions with offsets everywhere, and a count of how each span was aligned."""
    report: Counter = Counter()
    used: dict[tuple[str, str], set[int]] = {}
    aligned = []
    for mention in predictions:
        doc = documents[mention.doc_id]
        trigger = mention.trigger
        if trigger.start is None:
            trigger = _align_trigger(doc, trigger.text, used.setdefault((doc.id, trigger.text), set()), report)
        else:
            report["trigger:given"] += 1
        arguments = tuple(_align_argument(doc, trigger, a, report) for a in mention.arguments)
        aligned.append(replace(mention, trigger=trigger, arguments=arguments))
    return aligned, report


def _align_trigger(doc: Document, text: str, taken: set[int], report: Counter) -> Span:
    spans, how = occurrences(doc.text, text)
    free = [s for s in spans if s.start not in taken]
    if not free:
        report["trigger:unaligned" if how == "none" else "trigger:no free occurrence"] += 1
        return Span(UNALIGNED, UNALIGNED, text)
    taken.add(free[0].start)
    report[f"trigger:{how}"] += 1
    return free[0]


def _align_argument(doc: Document, trigger: Span, argument: Argument, report: Counter) -> Argument:
    if argument.span.start is not None:
        report["argument:given"] += 1
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
    return replace(argument, span=Span(UNALIGNED, UNALIGNED, argument.span.text))
