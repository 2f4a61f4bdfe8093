"""Event coreference baselines: give predicted mentions cluster ids (across documents).

Each is a plug-in of ``configs/clusterer/`` (``clusterer=NAME``):

- ``singleton``: every mention is its own event.
- ``lemma``: same event type and same trigger lemma (the strong lemma baseline of the
  ECB+ literature, e.g. Upadhyay et al. 2016, Barhom et al. 2019); lemmas come from the
  shared trigger lexicon, compounds by their head, other words lower-cased.
- ``arguments``: same event type and at least one shared argument (entity id if given,
  else the lower-cased argument text), merged transitively.
"""
from __future__ import annotations

from dataclasses import replace

from bench.extractors.lexicon import trigger_lexicon
from bench.schema import EventMention


def trigger_lemma(text: str) -> str:
    word, lexicon = text.lower(), trigger_lexicon()
    if word in lexicon.forms:
        return lexicon.forms[word].lemma.lower()
    head = lexicon.compound_head(word)
    return head[1].lower() if head else word


def singleton(mentions: list[EventMention]) -> list[EventMention]:
    return [replace(m, cluster=f"singleton-{i}") for i, m in enumerate(mentions)]


def lemma(mentions: list[EventMention]) -> list[EventMention]:
    return [replace(m, cluster=f"{m.type}|{trigger_lemma(m.trigger.text)}") for m in mentions]


def arguments(mentions: list[EventMention]) -> list[EventMention]:
    parent = list(range(len(mentions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
        for a in m.arguments:
            key = (m.type, a.entity_id or a.span.text.lower())
            if key in first_with:
                parent[root(i)] = root(first_with[key])
            else:
                first_with[key] = i
    return [replace(m, cluster=f"args-{root(i)}") for i, m in enumerate(mentions)]
