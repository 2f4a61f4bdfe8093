"""Fillers: the words that fill roles, their entity types and their spans.

``is_title`` is shared by the rules extractor (on raw tokens) and the parse readers;
``Fillers`` types a filler of a spaCy parse and gives its minimal span (guidelines
section 3: a name in full, a noun alone, a time or an amount as a whole), for the spaCy
extractor and the learned baseline alike.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bench.extractors.lexicon import WordLists
from bench.extractors.parse import LABELS, NOUNS, is_counted, is_possessive
from bench.extractors.tree import Tree

YEAR = re.compile(r"(1[89]|20)\d\d$")


def is_title(word: str, titles: set[str], class_nouns: set[str] = frozenset()) -> bool:
    """Whether ``word`` (lower case) is a job title (``cues.yaml``) or a class noun before a name
    (``arguments.yaml``): its last hyphen part, with or without a plural or case ending, is listed,
    or ends in a listed title of six letters or more (Vorstandssprecher: Sprecher)."""
    head = word.split("-")[-1]
    stems = {head, re.sub(r"(en|n|s|es)$", "", head)}
    return any(stem in titles or stem in class_nouns or any(stem.endswith(t) for t in titles if len(t) > 5)
               for stem in stems)



class Fillers:
    """Entity types and extents of fillers in a parse, by the shared word lists (``full_extent``:
    a filler's whole subtree instead of its minimal span)."""

    def __init__(self, words: WordLists, full_extent: bool = False):
        self.words, self.full_extent = words, full_extent
        # title lookups compare a word with every title: remember the answers
        self._title_word = lru_cache(maxsize=None)(lambda word: is_title(word, words.titles))
        #: whether a word (lower case) is a title or class noun that a name may follow (Präsident, Region)
        self.introduces_name = lru_cache(maxsize=None)(lambda word: is_title(word, words.titles, words.class_nouns))

    def entity_type(self, head, preposition: str | None) -> str:
        """The entity type of a filler by its head word: a pronoun a person, then a time, an amount of money,
        a title (a person), the recogniser's label, else a name after a place preposition a GPE."""
        if head.pos_ == "PRON" or is_possessive(head):
            return "PER"
        if self.is_time(head) or head.lower_ in self.words.time_span_nouns and any(
                c.i > head.i and self.is_time(c) and not any(g.pos_ == "ADP" for g in c.children)
                for c in head.children):
            return "TIME"       # Samstagnachmittag, Ende des Jahres, Ende Mai
        if head.lower_ in self.words.money_words and any(t.like_num or t.pos_ == "NUM" or t.lower_ in (
                "jeder", "jeden", "jedem") for t in head.subtree):
            return "MONEY"
        if self.is_title(head) or any(self.is_title(c) for c in head.children if c.i < head.i):
            return "PER"
        if head.ent_type_:
            return LABELS["entity_labels"].get(head.ent_type_, "OTHER")
        if head.pos_ == "PROPN":
            return "GPE" if preposition in self.words.place_prepositions else "OTHER"
        return "OTHER"

    def is_time(self, token) -> bool:
        """A time word or year, or a compound of a time noun (Samstagnachmittag, Wahlnacht)."""
        word, lemma = token.lower_, token.lemma_.lower()
        return word in self.words.time_words or lemma in self.words.time_words or bool(YEAR.match(token.text)) or (
            token.pos_ in NOUNS and word.endswith(self.words.time_nouns))

    def uncounted_time(self, token) -> bool:
        """A time that takes no phrase of its own: not counted (zwei Tage vor der Wahl)."""
        return token is not None and self.entity_type(token, None) == "TIME" and not is_counted(token)

    def is_medium(self, token) -> bool:
        """A channel of communication, also as a compound head (Staatsfernsehen)."""
        return token.pos_ in NOUNS and token.lower_.endswith(self.words.media_nouns)

    def is_title(self, token) -> bool:
        return self._title_word(token.lower_)

    def _leading_words_out(self, filler, first: int) -> int:
        """The first token of a time or an amount without an adverb or a noun before it that is none of it
        (bereits 1926, die Flüchtlinge 5 Millionen Euro), nor the preposition and article after such an
        adverb (noch in der Wahlnacht) unless the preposition changes the time (bereits vor drei Jahren)."""
        doc, own = filler.doc, self.words.money_words | self.words.time_words
        while first < filler.i and (doc[first].pos_ == "ADV" and doc[first].lower_ not in self.words.time_words or any(
                doc[k].pos_ in NOUNS and doc[k].lower_ not in own for k in range(first, filler.i))):
            first += 1
        while first < filler.i and (doc[first].pos_ == "ADP" and doc[first].lower_ not in ("vor", "nach") or
                                    "Art" in doc[first].morph.get("PronType")):
            first += 1
        return first

    def _amount_start(self, money) -> int:
        """The first token of the amount before a currency: numbers and amount words right before it, and
        the quantifiers right before those (mehr als 9 Milliarden; not 2028 gemeinsam rund 7 Milliarden)."""
        doc, first = money.doc, money.i
        while first > 0 and (doc[first - 1].like_num or doc[first - 1].pos_ == "NUM"
                             or doc[first - 1].lower_ in self.words.money_words):
            first -= 1
        if first < money.i:
            while first > 0 and doc[first - 1].lower_ in self.words.amount_quantifiers and not doc[first - 1].like_num:
                first -= 1
        return first

    def _trailing_words_out(self, filler, last: int) -> int:
        """The last token of a time or an amount before the first noun after it that is none of it, which a
        weak parser hung on it (am Dienstag Rettungsteams, fünf Millionen Euro Soforthilfe)."""
        own = self.words.money_words | self.words.time_words
        other = next((t.i for t in filler.doc[filler.i + 1:last + 1] if t.pos_ in NOUNS and t.lower_ not in own
                      and not self.is_time(t) and t.head == filler and not any(
                          c.pos_ == "ADP" or c.i < t.i and c.pos_ == "DET" for c in t.children)), None)
        return last if other is None else other - 1

    def extent(self, tree: Tree, filler, entity_type: str, trigger) -> tuple[int, int]:
        """First and last token of a filler's span: minimal (guidelines section 3) or the subtree."""
        if self.full_extent:
            return tree.phrase_extent(filler, trigger, minimal=False)
        if entity_type in ("TIME", "MONEY"):
            # its phrases stay if they are times (Nacht auf Freitag) or the anchor of a counted relative time
            # (zwei, wenige Tage vor der Wahl), not otherwise (im Mai für die Ukraine, am Montag vor Journalisten)
            counted = is_counted(filler)
            first, last = tree.phrase_extent(filler, trigger, True, lambda preposition, noun: counted and (
                preposition in ("vor", "nach")) or self.entity_type(noun, None) == "TIME")
            if entity_type == "MONEY":
                first = max(first, self._amount_start(filler))
            return self._leading_words_out(filler, first), self._trailing_words_out(filler, last)
        if entity_type == "TITLE":
            return filler.i, filler.i       # a Position is the title itself, not the name after it
        name = tree.named(filler)
        return tree.name_extent(name) if name is not None else (filler.i, filler.i)

