"""Model answers -> event mentions with offsets, without ever failing a run.

The answer's JSON is recovered from code fences or surrounding text (``json`` only:
no eval, no pickle). Whatever does not fit the answer format, names an unknown
event type or a role the type does not have is dropped and counted by reason. Each
trigger and argument string is then placed in its window with
``bench.align.occurrences`` (exact, then case- and whitespace-normalised): a trigger
in the sentence the model named, else anywhere in the window; an argument nearest
its trigger, in the trigger's sentence first. A string found nowhere is marked unfound
and stays in the predictions as a false positive.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable

from bench.align import occurrences
from bench.extractors.llm.prompts import Window
from bench.schema import Argument, EventMention, Ontology, Span

_FENCE = re.compile(r"```[A-Za-z]*\s*\n?(.*?)```", re.DOTALL)
_MAX_STARTS = 200   # JSON starts tried per candidate text, against pathological answers


def recover(text: str, key: str, item: type) -> tuple[list | None, str]:
    """The list under ``key`` of the first JSON object in the text that has one, or a bare
    JSON list of ``item``s (code fences first), and "ok"; or None and why not
    ("invalid_json": no JSON value in the text; "not_an_answer": JSON, but no such list)."""
    decoder = json.JSONDecoder()
    found_json = False
    for candidate in [m.group(1) for m in _FENCE.finditer(text)] + [text]:
        for match in list(re.finditer(r"[{\[]", candidate))[:_MAX_STARTS]:
            try:
                value = decoder.raw_decode(candidate, match.start())[0]
            except json.JSONDecodeError:
                continue
            found_json = True
            if isinstance(value, dict) and isinstance(value.get(key), list):
                return value[key], "ok"
            if isinstance(value, list) and all(isinstance(v, item) for v in value):
                return value, "ok"
    return None, ("not_an_answer" if found_json else "invalid_json")


def answer_events(text: str) -> tuple[list | None, str]:
    """The answer's list of events (see ``recover``)."""
    return recover(text, "events", dict)


def _text(value) -> str | None:
    """A non-empty string of valid Unicode (a lone surrogate, which no file can hold, is not)."""
    if not isinstance(value, str) or any("\ud800" <= c <= "\udfff" for c in value):
        return None
    return value.strip() or None


class AnswerReader:
    """Turns answers into mentions and keeps the counts of one run: ``dropped`` by reason,
    ``alignment`` by span kind and how it was found (``trigger:exact``, ``argument:unaligned``...)."""

    def __init__(self, ontology: Ontology, attributes: bool = False):
        self.ontology = ontology
        self.attributes = attributes
        self.dropped: Counter = Counter()
        self.alignment: Counter = Counter()

    def mentions(self, window: Window, answer: str) -> list[EventMention]:
        events, reason = answer_events(answer)
        if events is None:
            self.dropped[reason] += 1
            return []
        taken: set[tuple[str, int]] = set()
        mentions = []
        for raw in events:
            mention = self._mention(window, raw, taken)
            if mention is not None:
                mentions.append(mention)
        return mentions

    def _mention(self, window: Window, raw, taken: set[tuple[str, int]]) -> EventMention | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str) or _text(raw.get("trigger")) is None:
            self.dropped["invalid_event"] += 1
            return None
        event_type = raw["type"]
        if event_type not in self.ontology.event_types:
            self.dropped["unknown_type"] += 1
            return None
        number = raw.get("sentence")
        claimed = window.sentences[number - 1] if type(number) is int and 1 <= number <= len(window.sentences) \
            else None

        def first_free(spans: list[Span]) -> Span | None:
            free = [s for s in spans if (event_type, s.start) not in taken]
            if free:
                taken.add((event_type, free[0].start))
            return free[0] if free else None

        trigger = self._place(window, "trigger", _text(raw["trigger"]), [claimed], first_free)
        document = window.document
        home = document.sentences[document.sentence_index(trigger.start)] if trigger.aligned else claimed
        anchor = trigger.start if trigger.aligned else window.sentences[0].start

        def nearest(spans: list[Span]) -> Span | None:
            return min(spans, key=lambda s: (abs(s.start - anchor), s.start)) if spans else None

        arguments = []
        roles = self.ontology.roles(event_type)
        raw_arguments = raw.get("arguments", [])
        for item in raw_arguments if isinstance(raw_arguments, list) else [raw_arguments]:
            if not isinstance(item, dict) or not isinstance(item.get("role"), str) or _text(item.get("text")) is None:
                self.dropped["invalid_argument"] += 1
            elif item["role"] not in roles:
                self.dropped["unknown_role"] += 1
            else:
                argument = Argument(item["role"], self._place(window, "argument", _text(item["text"]), [home], nearest))
                if argument in arguments:
                    self.dropped["duplicate_argument"] += 1
                else:
                    arguments.append(argument)
        return EventMention(document.id, event_type, trigger, tuple(arguments), self._attributes(raw))

    def _attributes(self, raw: dict) -> dict:
        """The attribute values the answer gives (when asked for); a value outside the ontology is dropped."""
        given = raw.get("attributes") if self.attributes else None
        if not isinstance(given, dict):
            return {}
        kept = {name: given[name] for name, values in self.ontology.attributes.items() if given.get(name) in values}
        self.dropped["invalid_attribute"] += len(given) - len(kept)
        return kept

    def _place(self, window: Window, what: str, text: str, sentences: list[Span | None],
               choose: Callable[[list[Span]], Span | None]) -> Span:
        """The span ``choose`` picks among the occurrences in the given sentence, else in the window."""
        scopes = [(s.start, s.end) for s in sentences if s is not None]
        scopes.append((window.sentences[0].start, window.sentences[-1].end))
        for start, end in scopes:
            spans, how = occurrences(window.document.text, text, start, end)
            chosen = choose(spans)
            if chosen is not None:
                self.alignment[f"{what}:{how}"] += 1
                return chosen
        self.alignment[f"{what}:unaligned"] += 1
        return Span(None, None, text, unfound=True)

    def summary(self) -> dict:
        """``parse_failures``: answers (cached like any other) from which no event list could be read."""
        return {"parse_failures": self.dropped["invalid_json"] + self.dropped["not_an_answer"],
                "dropped": dict(sorted((k, v) for k, v in self.dropped.items() if v)),
                "unaligned": {"triggers": self.alignment["trigger:unaligned"],
                              "arguments": self.alignment["argument:unaligned"]},
                "alignment": dict(sorted(self.alignment.items()))}
