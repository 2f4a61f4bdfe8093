"""Argument matching modes beside exact and lenient spans: ``head`` and ``entity``.

Exact spans count an argument wrong when a model names it at another length ("der russische
Präsident Wladimir Putin" for gold "Wladimir Putin") or by another mention of the same
entity ("Putin" for "Wladimir Putin"). Both modes map the argument spans of both sides
(``rewrite(doc_id, start, end) -> (start, end)``, applied once per distinct span to the
argument table) and then match exactly, one to one, as the exact mode does; triggers stay exact.

- ``head``: each argument span becomes its head word, by the span rules of the guidelines
  (German noun phrases are head-final before their postmodifiers): leading articles and
  prepositions are skipped, the phrase ends before the first preposition, article,
  conjunction or comma after its first word, and its last word is the head. So both spans
  above have the head "Putin"; "Nacht auf Freitag" has "Nacht".
- ``entity``: the mentions of an entity are the gold arguments that carry its id; in each
  sentence they share one span (the first). A gold argument with an entity id becomes that
  span, and so does a predicted argument whose span is exactly one of the mentions. A
  prediction is thus correct when it names any mention of the gold argument's entity in
  that sentence. Documents without entity ids are matched exactly and listed; with no
  entity ids at all the mode is skipped.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from bench.schema import Document, EventMention

ARGUMENT_MODES = ("head", "entity")
HEAD_RULES = "span rules: the last word before the first postmodifier (preposition, article, conjunction, comma)"
_WORD = re.compile(r"[\w][\w.'’-]*")
_SEPARATOR = re.compile(r"[\s,]")
#: words that open a postmodifier (or, at the start, precede the phrase)
_BOUNDARY = frozenset("""ab am an auf aus bei beim bis durch für gegen im in mit nach neben ohne seit über um unter
    vom von vor während wegen zu zum zur zwischen der die das des dem den ein eine einer eines einem einen und oder
    sowie bzw""".split())


def head_offsets(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets of the head word of the argument span ``start``-``end`` of the document ``text``
    (the span itself if it has no word)."""
    phrase = text[start:end]
    if not _SEPARATOR.search(phrase):     # one word: its own head (the common case, kept fast)
        return start, end
    words = [(m.start(), m.end()) for m in _WORD.finditer(phrase)]
    first = next((i for i, (s, e) in enumerate(words) if phrase[s:e].lower() not in _BOUNDARY), None)
    if first is None:
        return start, end
    last = first
    for i in range(first + 1, len(words)):
        word_start, word_end = words[i]
        if phrase[word_start:word_end].lower() in _BOUNDARY or "," in phrase[words[i - 1][1]:word_start]:
            break
        last = i
    return start + words[last][0], start + words[last][1]


def head_rewrite(documents: dict[str, Document]):
    """Every argument span to its head word."""
    def rewrite(doc_id: str, start: int, end: int) -> tuple[int, int]:
        return head_offsets(documents[doc_id].text, start, end)
    return rewrite


def entity_rewrite(gold: Sequence[EventMention], documents: dict[str, Document]):
    """The span of every gold entity mention to its entity's span in the sentence, and the documents
    without entity ids; None if no gold argument has an entity id."""
    canonical: dict[tuple[str, int, str], tuple[int, int]] = {}    # (doc, sentence, entity) -> first span
    entity_of: dict[tuple[str, int, int], tuple[str, int, str]] = {}   # (doc, start, end) -> its group
    for m in gold:
        for a in m.arguments:
            if a.entity_id and a.span.aligned:
                group = (m.doc_id, documents[m.doc_id].sentence_index(a.span.start), a.entity_id)
                canonical[group] = min(canonical.get(group, (a.span.start, a.span.end)), (a.span.start, a.span.end))
                entity_of.setdefault((m.doc_id, a.span.start, a.span.end), group)
    if not canonical:
        return None

    def rewrite(doc_id: str, start: int, end: int) -> tuple[int, int]:
        group = entity_of.get((doc_id, start, end))
        return (start, end) if group is None else canonical[group]

    with_ids = {doc_id for doc_id, _, _ in canonical}
    return rewrite, sorted({m.doc_id for m in gold} - with_ids)


def argument_rewrite(mode: str, gold: Sequence[EventMention], documents: dict[str, Document]) -> tuple:
    """The span rewrite of ``mode`` (None when the mode is skipped) and what scores.json says of it."""
    if mode == "head":
        return head_rewrite(documents), {"heads": HEAD_RULES}
    found = entity_rewrite(gold, documents)
    if found is None:
        return None, {"skipped": "no gold argument has an entity id"}
    return found[0], {"entities": "gold arguments with the same entity id, by sentence",
                      "documents_without_entity_ids": found[1]}
