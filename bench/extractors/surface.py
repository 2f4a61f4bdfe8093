"""The shared trigger lexicon read on raw tokens, as the rules extractor reads it: whole forms,
separated verbs, idioms and compound heads (the spaCy extractor reads the same lexicon on lemmas)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bench.extractors.lexicon import TriggerLexicon

TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:[-‐]\w+)+|\d+(?:[.,]\d+)*\.?|\w+(?:[-‐]\w+)*|[^\w\s]")
BOUNDARY = {",", ";", ":", "\"", "„", "“", "”", "«", "»", "(", ")", "–", "-", ".", "!", "?"}
_COORDINATORS = {"und", "oder", "sowie", "aber", "sondern"}
# particles that also stand alone as adverbs at a clause's end (hieß es weiter)
_ADVERBS = {"weiter"}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Trigger:
    index: int
    type: str
    lemma: str
    verb: bool


class SurfaceLexicon(TriggerLexicon):
    """The shared trigger lexicon matched on raw tokens: separated verbs, whole forms, idioms, compound heads."""

    def __init__(self, entries: dict[str, list[dict]]):
        super().__init__(entries)
        # forms of noun entries, and forms written with a capital: what a capitalised word may be
        self.noun_forms = {form.lower() for lemmas in entries.values() for entry in lemmas for form in entry["forms"]
                           if entry["lemma"][:1].isupper() or form[:1].isupper()}
        self.particles = {particle for verbs in self.split_forms.values() for _, _, particle in verbs}

    def find(self, tokens: list[Token]) -> list[Trigger]:
        found = []
        for i, token in enumerate(tokens):
            word = token.lower
            if not word[:1].isalpha():
                continue
            # a verb whose particle closes the clause is the particle verb (sprach ... frei, not sprach)
            split = next((s for s in self.split_forms.get(word, ()) if self._particle_follows(tokens, i, s[2])), None)
            if split:
                found.append(Trigger(i, split[0], split[1], True))
            elif word in self.forms:
                event_type, lemma, verb = self.forms[word]
                if not (verb and (self._nominalised(tokens, i) or self._other_particle_verb(tokens, i))):
                    found.append(Trigger(i, event_type, lemma, verb))
            elif idiom := self._idiom(tokens, i):
                found.append(Trigger(i, *idiom, True))
            elif word not in self.split_forms and (head := self.compound_head(word)):
                found.append(Trigger(i, head[0], head[1], False))
        return found

    def _nominalised(self, tokens: list[Token], i: int) -> bool:
        """A verb form written with a capital inside a sentence is a noun (der Angeklagte, die Festgenommenen):
        no trigger, unless the lexicon lists it as a noun too (die Verletzten)."""
        return i > 0 and tokens[i].text[:1].isupper() and tokens[i - 1].text not in BOUNDARY \
            and tokens[i].lower not in self.noun_forms

    def _other_particle_verb(self, tokens: list[Token], i: int) -> bool:
        """A particle closes the verb's own clause, before any comma or coordinated verb: the verb is another
        particle verb (meldete Insolvenz an, sprach sich dafür aus), not the listed one."""
        for j in range(i + 1, len(tokens)):
            if tokens[j].text in BOUNDARY or tokens[j].lower in _COORDINATORS:
                return False
            if tokens[j].lower in self.particles - _ADVERBS and (j + 1 == len(tokens) or tokens[j + 1].text in BOUNDARY):
                return True
        return False

    def _idiom(self, tokens: list[Token], i: int) -> tuple[str, str] | None:
        """``(event type, lemma)`` of an idiom's meaning word right after its other words (ums Leben, zur Welt)."""
        for words, event_type, lemma in self.idioms.get(tokens[i].lower, ()):
            if i >= len(words) and tuple(t.lower for t in tokens[i - len(words):i]) == words:
                return event_type, lemma
        return None

    @staticmethod
    def _particle_follows(tokens: list[Token], i: int, particle: str) -> bool:
        """A separated particle stands last in its clause: right before punctuation or the end."""
        for j in range(i + 1, len(tokens)):
            if tokens[j].lower == particle and (j + 1 == len(tokens) or tokens[j + 1].text in BOUNDARY):
                return True
            if tokens[j].text in {",", ";", ":"} and j > i + 1 and tokens[j - 1].lower != particle:
                # a clause ended without the particle; keep looking only through quotes
                return False
        return False
