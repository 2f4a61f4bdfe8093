"""Event coreference baselines: give predicted mentions cluster ids (across documents).

- ``singleton``: every mention is its own event.
- ``lemma``: same event type and same trigger lemma (the strong lemma baseline of the
  ECB+ literature, e.g. Upadhyay et al. 2016, Barhom et al. 2019); lemmas come from the
  shared trigger lexicon, compounds by their head, other words lower-cased.
- ``arguments``: same event type and at least one shared argument (entity id if given,
  else the lower-cased argument text), merged transitively.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from bench.extractors.lexicon import TriggerLexicon, load_yaml
from bench.schema import EventMention


@lru_cache(maxsize=1)
def _lexicon() -> TriggerLexicon:
    return TriggerLexicon(load_yaml("triggers.yaml"))


def trigger_lemma(text: str) -> str:
    word = text.lower()
    if word in _lexicon().forms:
        return _lexicon().forms[word][1].lower()
    head = _lexicon().compound_head(word)
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


CLUSTERERS: dict[str, Callable[[list[EventMention]], list[EventMention]]] = {
    "singleton": singleton, "lemma": lemma, "arguments": arguments}
