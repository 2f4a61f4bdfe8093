"""The gold in TextEE's processed JSON Lines format: one line per sentence window.

TextEE (Huang et al., 2024) reads one JSON object per text window with ``doc_id``,
``wnd_id``, ``text``, ``lang``, ``tokens``, ``entity_mentions`` and ``event_mentions``;
spans are token offsets, end exclusive. Here:

* a window is one sentence as ``bench.corpus.split_sentences`` cuts it (the sentence the
  gold's rule "arguments stay in their trigger's sentence" refers to), ``wnd_id``
  ``<doc_id>-<n>`` counting from 0; every sentence of a document is written, with or
  without events, as TextEE's event detection needs the sentences without events too;
* tokens are spaCy's rule-based German tokenizer (``spacy.blank("de")``, no model),
  white-space tokens dropped;
* an entity mention is an argument filler: one per window and (span, entity type, entity
  id), ``id`` ``<wnd_id>-E<n>``; each argument names it by ``entity_id``;
* a span that does not start and end on token boundaries is widened to the tokens that
  cover it (TextEE's own preprocessing drops such spans); its ``text`` is then the
  tokens' text. On the shipped gold no trigger and two argument spans are widened.

What TextEE has no place for is left out: the attributes, the clusters and the entity ids
across windows.
"""
from __future__ import annotations

import bisect
import json
from functools import lru_cache
from pathlib import Path

from bench.schema import Document, EventMention, Span


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("de").tokenizer


def tokens(sentence: Span) -> list[tuple[int, int]]:
    """Document offsets (start, end) of the sentence's tokens."""
    return [(sentence.start + t.idx, sentence.start + t.idx + len(t)) for t in _tokenizer()(sentence.text)
            if not t.is_space]


def token_span(offsets: list[tuple[int, int]], span: Span) -> tuple[int, int]:
    """The token offsets (start, end exclusive) of the tokens covering ``span``."""
    first = max(bisect.bisect_right([s for s, _ in offsets], span.start) - 1, 0)
    last = bisect.bisect_left([e for _, e in offsets], span.end)
    return first, min(last, len(offsets) - 1) + 1


def windows(document: Document, mentions: list[EventMention]) -> list[dict]:
    """The TextEE objects of one document, one per sentence."""
    by_sentence: dict[int, list[EventMention]] = {}
    for mention in mentions:
        by_sentence.setdefault(document.sentence_index(mention.trigger.start), []).append(mention)
    objects = []
    for n, sentence in enumerate(document.sentences):
        wnd_id, offsets = f"{document.id}-{n}", tokens(sentence)

        def piece(span: Span) -> dict:
            start, end = token_span(offsets, span)
            return {"text": document.text[offsets[start][0]:offsets[end - 1][1]], "start": start, "end": end}

        entities: dict[tuple, dict] = {}
        events = []
        for i, mention in enumerate(by_sentence.get(n, [])):
            arguments = []
            for argument in mention.arguments:
                key = (argument.span.start, argument.span.end, argument.entity_type, argument.entity_id)
                if key not in entities:
                    entities[key] = {"id": f"{wnd_id}-E{len(entities)}", "entity_type": argument.entity_type,
                                     **piece(argument.span)}
                entity = entities[key]
                arguments.append({"entity_id": entity["id"], "role": argument.role, "text": entity["text"],
                                  "start": entity["start"], "end": entity["end"]})
            events.append({"id": f"{wnd_id}-EV{i}", "event_type": mention.type, "trigger": piece(mention.trigger),
                           "arguments": arguments})
        objects.append({"doc_id": document.id, "wnd_id": wnd_id, "text": sentence.text, "lang": "de",
                        "tokens": [document.text[s:e] for s, e in offsets],
                        "entity_mentions": list(entities.values()), "event_mentions": events,
                        "relation_mentions": []})
    return objects


def write_split(documents: dict[str, Document], gold: dict[str, list[EventMention]], path: Path) -> None:
    """``path``: the windows of every document of a split that has gold, by document id."""
    with Path(path).open("w", encoding="utf-8") as stream:
        for doc_id in sorted(gold):
            for obj in windows(documents[doc_id], gold[doc_id]):
                stream.write(json.dumps(obj, ensure_ascii=False) + "\n")
