"""A rule-based German event extractor: trigger lexicons and surface cues, no model.

Its word lists live in ``bench/resources/rules/`` and were written from the
annotation guidelines and general knowledge of German, checked on the development
splits, never on a test split (``NOTES.md``): ``triggers.yaml`` (lemmas with inflected
forms, compounds by head, separable verbs with their particle, idioms), ``cues.yaml``
(titles, time words, function words) and ``arguments.yaml`` (roles by grammatical
function and by preposition, the punishments of a sentence).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bench.extractors.base import Extractor
from bench.extractors.fillers import is_title
from bench.extractors.lexicon import RESOURCES, load_yaml, word_lists
from bench.extractors.settings import RulesSettings, checked
from bench.extractors.surface import BOUNDARY, TOKEN, SurfaceLexicon, Token, Trigger
from bench.schema import Argument, Document, EventMention, Span, load_ontology

_WERDEN = {"wird", "wurde", "wurden", "werden", "worden", "würde", "würden", "wirst"}
# past participles, also as attributes: ge-/separable-ge- forms and inseparable prefixes ending in -t/-en
_PARTICIPLE = re.compile(r"^(\w*ge\w+(t|en)|(be|ver|er|ent|zer|emp|miss|über|unter)\w+t)(e|en|er|es|em)?$")


@dataclass(frozen=True)
class Phrase:
    first: int          # token indices of the argument span, inclusive
    last: int
    span: Span
    entity_type: str
    run_first: int      # where the phrase starts, titles and class nouns included


@dataclass(frozen=True)
class Reading:
    """One sentence as the rules read it."""
    tokens: list[Token]
    triggers: list[Trigger]
    phrases: list[Phrase]


def _span(text: str, first: Token, last: Token) -> Span:
    return Span(first.start, last.end, text[first.start:last.end])


@lru_cache(maxsize=None)
def surface_lexicon(folder: Path = RESOURCES) -> SurfaceLexicon:
    """The trigger lexicon of ``folder/triggers.yaml`` for raw tokens, built once."""
    return SurfaceLexicon(load_yaml("triggers.yaml", folder))


class RulesExtractor(Extractor):
    """Events from the trigger lexicon and German surface cues; the settings are ``RulesSettings``."""

    def __init__(self, **settings):
        self.settings = checked(RulesSettings, settings)
        folder = Path(self.settings.resources) if self.settings.resources else RESOURCES
        self.window = self.settings.window
        self.lexicon = surface_lexicon(folder)
        self.words = word_lists(folder)
        self.roles = load_ontology().role_sets

    # --- documents ---------------------------------------------------------------

    def extract(self, document: Document) -> list[EventMention]:
        mentions = []
        for sentence in document.sentences:
            reading = self.read(document.text, sentence.start, sentence.end)
            for trigger in reading.triggers:
                token = reading.tokens[trigger.index]
                mentions.append(EventMention(
                    doc_id=document.id, type=trigger.type, trigger=Span(token.start, token.end, token.text),
                    arguments=tuple(self._arguments(trigger, reading.tokens, reading.phrases, document.text)),
                    attributes=self._attributes(trigger, reading.tokens)))
        return mentions

    def read(self, text: str, start: int = 0, end: int | None = None) -> Reading:
        """Tokens, lexicon triggers and phrases of the sentence ``text[start:end]``."""
        end = len(text) if end is None else end
        tokens = [Token(m.group(), start + m.start(), start + m.end()) for m in TOKEN.finditer(text[start:end])]
        triggers = self.lexicon.find(tokens)
        return Reading(tokens, triggers, self._phrases(tokens, {t.index for t in triggers}, text))

    def grammatical_arguments(self, reading: Reading, start: int, event_type: str, lemma: str) -> list[Argument]:
        """Subject and object by word order for a verb trigger another reader found, given by its first
        character (none if no token starts there)."""
        index = next((i for i, t in enumerate(reading.tokens) if t.start == start), None)
        if index is None or event_type not in self.roles:
            return []
        trigger, tokens = Trigger(index, event_type, lemma, True), reading.tokens
        left, clause = self._clause_phrases(tokens, reading.phrases, index)
        bare = [p for p in clause if p.entity_type != "TIME" and self._preposition(tokens, p, index) is None]
        found = self._grammatical_roles(trigger, tokens, bare, self.words.functions.get(event_type, {}),
                                        self.roles[event_type], left)
        return [Argument(role, phrase.span, phrase.entity_type) for role, phrase in found]

    def _attributes(self, trigger: Trigger, tokens: list[Token]) -> dict[str, str]:
        """ACE attributes from cue words in the trigger's clause (defaults: positive, asserted,
        specific, and past: news mostly reports what has happened)."""
        left, right = self._clause(tokens, trigger.index)
        words = {t.lower for t in tokens[left:right + 1]}
        cues = self.words.attribute_cues
        future = bool(words & cues["future"]) and not words & {"wurde", "wurden", "worden"}
        return {"polarity": "negative" if words & cues["negation"] else "positive",
                "modality": "other" if future or words & cues["irrealis"] else "asserted",
                "genericity": "specific",
                "tense": "future" if future else "past" if words & cues["past"] else
                "unspecified" if words & cues["irrealis"] else "past"}

    # --- phrases: names and nouns, gazetteer-free ---------------------------------

    def _nominal(self, tokens: list[Token], i: int, triggers: set[int]) -> bool:
        token = tokens[i]
        if i in triggers or token.lower in self.words.function_words or token.lower in self.words.pronouns:
            return False
        if token.text[:1].isdigit():
            return True
        return token.text[:1].isupper() and token.text[:1].isalpha()

    def _phrases(self, tokens: list[Token], triggers: set[int], text: str) -> list[Phrase]:
        phrases, i = [], 0
        while i < len(tokens):
            if tokens[i].lower in self.words.pronouns and i not in triggers:
                phrases.append(Phrase(i, i, _span(text, tokens[i], tokens[i]), "PER", i))
                i += 1
                continue
            if not self._nominal(tokens, i, triggers):
                i += 1
                continue
            j = i
            while j + 1 < len(tokens) and self._nominal(tokens, j + 1, triggers):
                j += 1
            if tokens[i].text[:1].isdigit() and (j == i and not re.fullmatch(r"(19|20)\d\d", tokens[i].text)):
                i += 1          # a bare number is a quantity, not a phrase
                continue
            if j > i and i > 0 and self._modifier(tokens[i - 1]) and tokens[i].text[:1].isalpha() \
                    and not self._is_title(tokens[i].lower):
                j = i           # "die militärische Unterstützung Nordkoreas": the head noun, then a genitive
            first = i
            while first < j and self._is_title(tokens[first].lower):
                first += 1
            titled = first > i
            entity_type = self._entity_type(tokens, i, first, j, titled)
            while entity_type not in {"MONEY", "TIME"} and first < j and tokens[first].text[:1].isdigit():
                first += 1      # a count is no part of the minimal span: "26 Islamisten", "72-jährige Frau"
            phrases.append(Phrase(first, j, _span(text, tokens[first], tokens[j]), entity_type, i))
            i = j + 1
        return phrases

    def _modifier(self, token: Token) -> bool:
        """An article, determiner or lower-case adjective: what stands before a common noun."""
        word = token.lower
        return word in self.words.determiners or (token.text[:1].islower() and word not in self.words.prepositions
                                                  and word not in self.words.time_prepositions)

    def _is_title(self, word: str) -> bool:
        return is_title(word, self.words.titles, self.words.class_nouns)

    def _entity_type(self, tokens: list[Token], start: int, first: int, last: int, titled: bool) -> str:
        words = [t.lower for t in tokens[first:last + 1]]
        if any(w in self.words.money_words for w in words) and any(w[:1].isdigit() or w in {"jeder", "jeden"} for w in
                                                               [t.lower for t in tokens[max(start - 1, 0):last + 1]]):
            return "MONEY"
        if any(w in self.words.time_words for w in words) or re.fullmatch(r"(19|20)\d\d", words[0]):
            return "TIME"
        text = tokens[first].text
        if len(text) > 1 and text.isupper():
            return "ORG"
        if titled or last > first:
            return "PER"
        before = tokens[start - 1].lower if start > 0 else ""
        return "GPE" if before in self.words.place_prepositions else "OTHER"

    # --- arguments ---------------------------------------------------------------

    def _clause(self, tokens: list[Token], index: int) -> tuple[int, int]:
        """Token range of the trigger's clause: between punctuation and clause openers."""
        left = index
        while left > 0 and tokens[left - 1].text not in {",", ";", ":", "(", ")"} \
                and tokens[left - 1].lower not in self.words.clause_openers:
            left -= 1
        right = index
        while right + 1 < len(tokens) and tokens[right + 1].text not in {",", ";", ":", "(", ")"} \
                and tokens[right + 1].lower not in self.words.clause_openers:
            right += 1
        return left, right

    def _preposition(self, tokens: list[Token], phrase: Phrase, trigger: int) -> str | None:
        """The preposition governing a phrase: the last word before it, over articles and adjectives."""
        j = phrase.run_first - 1
        while j >= 0 and j != trigger and tokens[j].lower not in self.words.pronouns \
                and (tokens[j].lower in self.words.function_words or tokens[j].text[:1].islower()) \
                and tokens[j].lower not in self.words.prepositions \
                and tokens[j].lower not in self.words.time_prepositions \
                and tokens[j].lower not in self.words.coordinators and tokens[j].text not in BOUNDARY:
            j -= 1
        if j >= 0 and (tokens[j].lower in self.words.prepositions or tokens[j].lower in self.words.time_prepositions):
            return tokens[j].lower
        return None

    def _clause_phrases(self, tokens: list[Token], phrases: list[Phrase], index: int) -> tuple[int, list[Phrase]]:
        """The first token of the clause of token ``index``, and the phrases of that clause within the window."""
        left, right = self._clause(tokens, index)
        return left, [p for p in phrases if abs(p.first - index) <= self.window and left <= p.first and p.last <= right]

    def _arguments(self, trigger: Trigger, tokens: list[Token], phrases: list[Phrase], text: str) -> list[Argument]:
        left, clause = self._clause_phrases(tokens, phrases, trigger.index)
        roles, functions = self.roles[trigger.type], self.words.functions.get(trigger.type, {})
        found: list[tuple[str, Phrase]] = []
        punishment = self._punishment(tokens, trigger.index, text) if "Sentence" in roles else None
        if punishment:
            found.append(("Sentence", punishment))
            clause = [p for p in clause if p.last < punishment.first or p.first > punishment.last]
        bare = []
        for phrase in clause:
            preposition = self._preposition(tokens, phrase, trigger.index)
            genitive = phrase.last + 1 < len(tokens) and tokens[phrase.last].text.endswith("s") \
                and tokens[phrase.last + 1].text[:1].isupper()      # "nach Trumps Wahlsieg"
            if phrase.entity_type == "TIME":
                if "Time" in roles:
                    found.append(("Time", phrase))
            elif preposition is None:
                bare.append(phrase)
            elif genitive or (not trigger.verb and phrase.first < trigger.index):
                continue        # a genitive attribute, or a phrase before a noun trigger
            elif phrase.entity_type == "MONEY" and "Money" in roles:
                found.append(("Money", phrase))     # eine Geldbuße von 40 Millionen Euro
            elif tokens[phrase.first].lower not in self.words.idiom_nouns and (
                    preposition not in self.words.content_prepositions.get(trigger.lemma, ())):
                by_type = self.words.prepositions.get(preposition, {})
                role = by_type.get(trigger.type) or by_type.get("*")
                named = phrase.run_first == 0 or not self._modifier(tokens[phrase.run_first - 1])
                if role in roles and (named or role not in self.words.name_only_roles):
                    found.append((role, phrase))
        found += self._grammatical_roles(trigger, tokens, bare, functions, roles, left)
        arguments, seen = [], set()
        for role, phrase in self._with_conjuncts(found, tokens, phrases):
            key = (role, phrase.span.start, phrase.span.end)
            if key not in seen:
                seen.add(key)
                arguments.append(Argument(role, phrase.span, phrase.entity_type))
        return arguments

    def _punishment(self, tokens: list[Token], index: int, text: str) -> Phrase | None:
        """The punishment after ``zu`` in the trigger's clause, numbers and adjectives included, without the
        article (zu drei Jahren Haft, zum Tode, zu einer Bewährungsstrafe von sechs Monaten)."""
        left, right = self._clause(tokens, index)
        for j in range(left, right):
            if tokens[j].lower not in {"zu", "zum"}:
                continue
            first = j + 1
            while first < right and tokens[first].lower in self.words.determiners:
                first += 1
            head = next((k for k in range(first, min(first + 5, right + 1))
                         if tokens[k].lower.endswith(self.words.punishments)), None)
            if head is None:
                continue
            last = head
            if head + 2 <= right and tokens[head + 1].lower == "von":      # Bewährungsstrafe von sechs Monaten
                last = next((k for k in range(head + 2, min(head + 5, right + 1))
                             if tokens[k].lower in self.words.time_words), head)
            return Phrase(first, last, _span(text, tokens[first], tokens[last]), "SENTENCE", first)
        return None

    def _grammatical_roles(self, trigger: Trigger, tokens: list[Token], bare: list[Phrase], functions: dict,
                           roles: set[str], clause_start: int) -> list[tuple[str, Phrase]]:
        """Subject and object among the phrases without preposition, by German word order."""
        if not bare:
            return []
        if not trigger.verb:
            # a noun trigger: the genitive or name right after it is its object (Zusammenbruch der Koalition)
            after = [p for p in bare if p.first > trigger.index and p.first - trigger.index <= 3]
            role = functions.get("object") or functions.get("subject")
            return [(role, after[0])] if after and role in roles else []
        participle = bool(_PARTICIPLE.match(tokens[trigger.index].lower))
        after = [p for p in bare if p.first > trigger.index]
        object_role = functions.get("object")
        if after and after[0].run_first == trigger.index + 1 and participle:
            # an attributive participle: "die gelieferten Waffen" -> the noun is its object
            return [(object_role, after[0])] if object_role in roles else []
        before = [p for p in bare if p.last < trigger.index]
        if participle and not before:
            return []                                 # verb-final participle, subject outside the clause
        passive = participle and bool({t.lower for t in tokens[clause_start:trigger.index + 4]} & _WERDEN)
        subject, rest = _subject_and_rest(before, after, trigger.index, clause_start)
        intransitive = trigger.lemma in self.words.intransitive_lemmas
        subject_role = functions.get("object") if passive else (
            functions.get("intransitive_subject") if intransitive else None) or functions.get("subject")
        result = [(subject_role, subject)] if subject is not None and subject_role in roles else []
        if rest and not passive and object_role in roles and not intransitive:
            result.append((object_role, rest[0]))
        return result

    def _with_conjuncts(self, found: list[tuple[str, Phrase]], tokens: list[Token],
                        phrases: list[Phrase]) -> list[tuple[str, Phrase]]:
        """Coordinated phrases (Russland und Nordkorea) share the role of their first conjunct."""
        by_first = {p.first: p for p in phrases}
        result = []
        for role, phrase in found:
            result.append((role, phrase))
            current = phrase
            while True:
                j = current.last + 1
                if j < len(tokens) and tokens[j].lower in self.words.coordinators | {","}:
                    k = j + 1
                    while k < len(tokens) and tokens[k].lower in self.words.function_words:
                        k += 1
                    nxt = by_first.get(k)
                    if nxt is not None and nxt.entity_type == phrase.entity_type:
                        result.append((role, nxt))
                        current = nxt
                        continue
                break
        return result


def _subject_and_rest(before: list[Phrase], after: list[Phrase], verb: int,
                      clause_start: int) -> tuple[Phrase | None, list[Phrase]]:
    """The subject of a verb by word order among the bare phrases before and after it, and the phrases
    left for its object."""
    if before and before[0].first - clause_start <= 1 and verb - before[0].last <= 1:
        return before[0], after          # subject first, verb second
    if not before and after:
        return after[0], after[1:]       # something else fronted: subject after the verb
    return (before[0], before[1:] + after) if before else (None, after)
