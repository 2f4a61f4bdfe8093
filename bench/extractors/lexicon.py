"""The trigger lexicon and the word lists shared by the rule-based and the spaCy extractor.

``bench/resources/rules/triggers.yaml`` lists, per event type, entries with a
``lemma``, its inflected ``forms``, ``compound: true`` when compounds ending in a
form are triggers too (``Raketenangriff``), and for separable verbs the
``particle`` with the ``split_forms`` that occur apart from it (``griff ... an``).
The rules extractor matches the forms on raw tokens; the spaCy extractor looks
up the lemmas its pipeline finds and falls back on the forms.

``cues.yaml`` and ``arguments.yaml`` give the word lists and argument tables of both
(``WordLists``). Each file is read once per folder, whichever extractors use it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from bench.schema import read_yaml

RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "rules"

# a lemma that is one plain word (no "sich ...", no sense note in brackets)
_PLAIN_LEMMA = re.compile(r"^\w+(?:-\w+)*$")


def load_yaml(name: str, folder: Path = RESOURCES) -> dict:
    return read_yaml(folder / name)


class Entry(NamedTuple):
    """What the lexicon says of a trigger word: its event type, its lemma, whether it is a verb."""

    type: str
    lemma: str
    verb: bool


class TriggerLexicon:
    """Whole-word forms, lemmas, compound heads and separable verbs of the trigger lexicon.

    Keys are lower case. ``forms`` gives an ``Entry``; ``lemmas`` is
    keyed by ``(lemma, is_verb)``, since a noun and a verb may share a lower-case lemma
    (Treffen, treffen). Entries whose lemma carries a note (``übernehmen (Amt)``,
    ``heißen (hieß es)``) or several words are restricted to their listed forms: they are
    not in ``lemmas``. A several-word lemma with a particle (``ums Leben kommen``) is an
    idiom of its last word, in ``idioms``.
    """

    def __init__(self, entries: dict[str, list[dict]]):
        self.forms: dict[str, Entry] = {}
        self.split_forms: dict[str, list[tuple[str, str, str]]] = {}
        self._head_index: dict[str, tuple[str, str]] = {}
        self.not_compounds: set[str] = set()
        self.lemmas: dict[tuple[str, bool], tuple[str, str]] = {}
        self.idioms: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for event_type, lemmas in entries.items():
            for entry in lemmas:
                lemma = entry["lemma"]
                is_verb = lemma[:1].islower()
                for form in entry["forms"]:
                    self.forms.setdefault(form.lower(), Entry(event_type, lemma, is_verb))
                    if entry.get("compound"):
                        self._head_index.setdefault(form.lower(), (event_type, lemma))
                for form in entry.get("split_forms", []):
                    self.split_forms.setdefault(form.lower(), []).append((event_type, lemma, entry["particle"].lower()))
                self.not_compounds.update(w.lower() for w in entry.get("not_compounds", []))
                words = lemma.lower().split()
                if _PLAIN_LEMMA.match(lemma):
                    self.lemmas.setdefault((lemma.lower(), is_verb), (event_type, lemma))
                elif entry.get("particle") and words[0] == entry["particle"].lower():
                    self.idioms.setdefault(words[-1], []).append((tuple(words[:-1]), event_type, lemma))
        self._head_lengths = sorted({len(form) for form in self._head_index}, reverse=True)

    def compound_head(self, word: str) -> tuple[str, str] | None:
        """``(event type, lemma)`` of the longest compound head that ``word`` (lower case) ends in.

        The word must be longer than the head by three letters or more and not be listed
        as a false compound (``Wahlkampf`` is no ``Kampf``).
        """
        if word in self.not_compounds:
            return None
        for length in self._head_lengths:
            if len(word) > length + 2 and word[-length:] in self._head_index:
                return self._head_index[word[-length:]]
        return None

    def split_form(self, word: str, particle: str) -> tuple[str, str] | None:
        """``(event type, lemma)`` of a separated verb form whose particle is ``particle``."""
        return next(((t, lemma) for t, lemma, p in self.split_forms.get(word, []) if p == particle), None)


@lru_cache(maxsize=None)
def trigger_lexicon(folder: Path = RESOURCES) -> TriggerLexicon:
    """The trigger lexicon of ``folder/triggers.yaml``, built once."""
    return TriggerLexicon(load_yaml("triggers.yaml", folder))


def _lower(words) -> frozenset[str]:
    return frozenset(str(w).lower() for w in words)


@dataclass(frozen=True)
class WordLists:
    """The word lists of ``cues.yaml`` and the argument tables of ``arguments.yaml``; the lists that
    words are looked up in are lower case."""

    titles: frozenset[str]
    time_words: frozenset[str]
    money_words: frozenset[str]
    determiners: frozenset[str]
    #: determiners and the capitalised words that start no name
    function_words: frozenset[str]
    pronouns: frozenset[str]
    class_nouns: frozenset[str]
    idiom_nouns: frozenset[str]
    #: the nouns among the time words, as compound heads (not Tag: Bundestag)
    time_nouns: tuple[str, ...]
    time_span_nouns: frozenset[str]
    media_nouns: tuple[str, ...]
    amount_quantifiers: frozenset[str]
    #: roles of a grammatical function by event type (subject, object, ...)
    functions: dict
    #: roles of a preposition by event type (``*``: any type)
    prepositions: dict
    contractions: dict
    content_prepositions: dict
    attribute_cues: dict
    intransitive_lemmas: frozenset[str]
    time_prepositions: frozenset[str]
    place_prepositions: frozenset[str]
    agent_prepositions: frozenset[str]
    name_only_prepositions: frozenset[str]
    name_only_roles: frozenset[str]
    coordinators: frozenset[str]
    clause_openers: frozenset[str]
    support_verbs: frozenset[str]
    #: the heads of a sentence's punishment (Haft, Bewährungsstrafe), as word endings
    punishments: tuple[str, ...]


@lru_cache(maxsize=None)
def word_lists(folder: Path = RESOURCES) -> WordLists:
    """The word lists of ``folder``, read once."""
    cues, rules = load_yaml("cues.yaml", folder), load_yaml("arguments.yaml", folder)
    return WordLists(
        titles=_lower(cues["titles"]), time_words=_lower(cues["time_words"]),
        money_words=_lower(cues["money_words"]), determiners=_lower(cues["determiners"]),
        function_words=_lower(cues["determiners"]) | _lower(cues["non_name_capitalized"]),
        pronouns=_lower(cues["pronouns"]), class_nouns=_lower(rules["class_nouns"]),
        idiom_nouns=_lower(rules["idiom_nouns"]),
        time_nouns=tuple(w.lower() for w in cues["time_words"] if w[:1].isupper() and len(w) > 4),
        time_span_nouns=_lower(rules["time_span_nouns"]), media_nouns=tuple(w.lower() for w in rules["media_nouns"]),
        amount_quantifiers=_lower(rules["amount_quantifiers"]), functions=rules["functions"],
        punishments=tuple(w.lower() for w in rules["punishment_nouns"]),
        prepositions={p.lower(): roles for p, roles in rules["prepositions"].items()},
        contractions=rules["contractions"], content_prepositions=rules["content_prepositions"],
        attribute_cues={kind: _lower(words) for kind, words in rules["attribute_cues"].items()},
        **{key: frozenset(rules[key]) for key in (
            "intransitive_lemmas", "time_prepositions", "place_prepositions", "agent_prepositions",
            "name_only_prepositions", "name_only_roles", "coordinators", "clause_openers", "support_verbs")})
