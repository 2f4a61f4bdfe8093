"""The trigger lexicon shared by the rule-based and the spaCy extractor.

``bench/resources/rules/triggers.yaml`` lists, per event type, entries with a
``lemma``, its inflected ``forms``, ``compound: true`` when compounds ending in a
form are triggers too (``Raketenangriff``), and for separable verbs the
``particle`` with the ``split_forms`` that occur apart from it (``griff ... an``).
The rules extractor matches the forms on raw tokens; the spaCy extractor looks
up the lemmas its pipeline finds and falls back on the forms.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "rules"

# a lemma that is one plain word (no "sich ...", no sense note in brackets)
_PLAIN_LEMMA = re.compile(r"^\w+(?:-\w+)*$")


def load_yaml(name: str, folder: Path = RESOURCES) -> dict:
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def is_title(word: str, titles: set[str], class_nouns: set[str] = frozenset()) -> bool:
    """Whether ``word`` (lower case) is a job title (``cues.yaml``) or a class noun before a name
    (``arguments.yaml``): its last hyphen part, with or without a plural or case ending, is listed,
    or ends in a listed title of six letters or more (Vorstandssprecher: Sprecher)."""
    head = word.split("-")[-1]
    stems = {head, re.sub(r"(en|n|s|es)$", "", head)}
    return any(stem in titles or stem in class_nouns or any(stem.endswith(t) for t in titles if len(t) > 5)
               for stem in stems)


class TriggerLexicon:
    """Whole-word forms, lemmas, compound heads and separable verbs of the trigger lexicon.

    Keys are lower case. ``forms`` gives ``(event type, lemma, is_verb)``; ``lemmas`` is
    keyed by ``(lemma, is_verb)``, since a noun and a verb may share a lower-case lemma
    (Treffen, treffen). Entries whose lemma carries a note (``übernehmen (Amt)``,
    ``heißen (hieß es)``) or several words are restricted to their listed forms: they are
    not in ``lemmas``. A several-word lemma with a particle (``ums Leben kommen``) is an
    idiom of its last word, in ``idioms``.
    """

    def __init__(self, entries: dict[str, list[dict]]):
        self.forms: dict[str, tuple[str, str, bool]] = {}
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
                    self.forms.setdefault(form.lower(), (event_type, lemma, is_verb))
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
