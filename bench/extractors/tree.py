"""A parsed sentence read through grammatical functions: verb chains, voice, phrases, names.

The readings hold for both label schemes (``parse.py``) and for the weak parses of small
pipelines: a name runs over the name words around it and the recogniser's entity, a
relative pronoun stands for its antecedent, coordination is found under either scheme's
labels.
"""
from __future__ import annotations

from bench.extractors.parse import (APPOSITION, CASE, CLAUSE, CONJUNCT, COORDINATOR, FILLERS, GENITIVE, KERNEL,
                                    NAME, NOUNS, OBJECT, OBLIQUE, PARTICIPLE_TAGS, PARTICLE, PASSIVE_AUXILIARY,
                                    PASSIVE_SUBJECT, PERSON_LABELS, RELATIVE_CLAUSE, RELATIVE_TAGS, VERBAL, Dependent,
                                    is_initial_adjective, is_name, rest_of_sentence)


class Tree:
    """Readings of a parsed sentence through grammatical functions, whatever the label scheme."""

    def __init__(self, functions: dict[str, str], introduces_name=lambda token: False):
        self.functions = functions
        #: whether a token is a title or class noun that a name may follow (Präsident, Region)
        self.introduces_name = introduces_name

    def fn(self, token) -> str | None:
        return self.functions.get(token.dep_)

    def particle(self, token) -> str | None:
        """The separated particle of a verb: its particle child, or a particle the parser hung on a
        non-verb later in the sentence (a weak parser's misattachment)."""
        for child in token.children:
            if self.is_particle(child):
                return child.lower_
        if token.pos_ not in VERBAL and token.pos_ != "ADJ":
            return None
        return next((t.lower_ for t in rest_of_sentence(token)
                     if self.is_particle(t) and t.head.pos_ not in VERBAL), None)

    def is_particle(self, token) -> bool:
        """A verb particle by its label, unless it is a noun, verb or participle (sagte ... gerichtet)."""
        return self.fn(token) == PARTICLE and token.pos_ not in VERBAL | NOUNS and "Part" not in token.morph.get(
            "VerbForm")

    @staticmethod
    def next_to(token, words: tuple[str, ...]) -> bool:
        """Whether ``words`` follow ``token`` in its sentence (kamen ... ums Leben) or stand right
        before it (ums Leben gekommen)."""
        rest = [t.lower_ for t in rest_of_sentence(token)]
        n = len(words)
        before = token.doc[max(token.i - n, 0):token.i]
        return tuple(t.lower_ for t in before) == words and not any(t.is_sent_start for t in before[1:]) or any(
            tuple(rest[j:j + n]) == words for j in range(len(rest) - n + 1))

    @staticmethod
    def phrase_head(token):
        """The word a token's phrase depends on (TIGER heads a phrase with its preposition)."""
        return token.head.head if token.head.pos_ == "ADP" else token.head

    def verb_chain(self, verb) -> list:
        """The verb and the auxiliaries and modals above it (TIGER hangs the subject on those);
        STTS tags VA*/VM* tell them where a pipeline tags modals VERB."""
        chain = [verb]
        while self.fn(chain[-1]) == CLAUSE and chain[-1].head.i != chain[-1].i and (
                chain[-1].head.pos_ == "AUX" or chain[-1].head.tag_[:2] in ("VA", "VM")):
            chain.append(chain[-1].head)
        return chain

    def passive(self, chain: list) -> bool:
        """A passive auxiliary, or a passive subject without an object (not "sollen ... geliefert haben"),
        or a participle under werden."""
        verb = chain[0]
        functions = {self.fn(c) for v in chain for c in v.children}
        if PASSIVE_AUXILIARY in functions or PASSIVE_SUBJECT in functions and OBJECT not in functions:
            return True
        participle = "Part" in verb.morph.get("VerbForm") or verb.tag_ in PARTICIPLE_TAGS
        auxiliaries = chain[1:] + [c for c in verb.children if c.pos_ == "AUX"]
        return participle and any(a.lemma_ == "werden" for a in auxiliaries)

    def first_conjunct(self, chain: list) -> list:
        """The verb chain of the first verb when this one is a later conjunct, else []."""
        top = chain[-1]
        if self.fn(top) != CONJUNCT:
            return []
        first = top.head.head if self.fn(top.head) == COORDINATOR else top.head
        return self.verb_chain(first) if first.i != top.i else []

    def conjuncts(self, token) -> list:
        """Tokens coordinated with ``token`` (UD: conj children; TIGER: cj under a cd child)."""
        found = []
        for child in token.children:
            if self.fn(child) == CONJUNCT:
                found += [child] + self.conjuncts(child)
            elif self.fn(child) == COORDINATOR:
                for item in child.children:
                    if self.fn(item) == CONJUNCT:
                        found += [item] + self.conjuncts(item)
        return found

    def clause_phrases(self, chain: list) -> list[Dependent]:
        """An oblique ``Dependent`` for every noun phrase in the clause of a verb chain, however
        deep: below the chain's top and below no other verb."""
        def in_clause(t) -> bool:
            while t.i != chain[-1].i:
                if t.head.i == t.i or t not in chain and (t.pos_ in VERBAL or self.fn(t) in (CLAUSE, RELATIVE_CLAUSE)):
                    return False
                t = t.head
            return True
        phrases = [self.phrase(t) for t in (chain[-1].subtree if chain else ()) if t.pos_ in FILLERS | {"ADP"}
                   and in_clause(t)]
        return [Dependent(OBLIQUE, filler, preposition) for preposition, filler in phrases
                if filler is not None and filler.pos_ in FILLERS]

    def phrase(self, token) -> tuple[str | None, object]:
        """``(preposition, filler)`` of a dependent: TIGER heads a phrase with its preposition,
        UD hangs the preposition on the noun."""
        if token.pos_ == "ADP":
            kernel = next((c for c in token.children if c.pos_ in FILLERS), None)
            return token.lower_, kernel
        case = next((c for c in token.children if self.fn(c) == CASE or (
            c.i < token.i and (c.pos_ == "ADP" or c.lower_ == "als"))), None)     # als Minister: like a preposition
        return (case.lower_ if case is not None else None), token

    def antecedent(self, filler, top):
        """A relative pronoun stands for the noun its clause modifies (der ... gereist war -> Borrell); where
        the parser took the clause for another kind, for the noun before the comma that opens it (Sanda,
        der ...; eine Gruppe dahinter, die ...)."""
        if "Rel" not in filler.morph.get("PronType") and filler.tag_ not in RELATIVE_TAGS:
            return filler
        if self.fn(top) == RELATIVE_CLAUSE and top.head.i != top.i:
            return top.head
        doc, i = filler.doc, filler.i - 1
        while i >= 0 and doc[i].pos_ == "ADP":      # ", mit dem ..."
            i -= 1
        if i < 1 or doc[i].text != ",":
            return filler
        noun = next((t for t in reversed(doc[max(i - 3, 0):i]) if t.pos_ in NOUNS), None)
        return noun if noun is not None and not any(t.is_punct for t in doc[noun.i + 1:i]) else filler

    def named(self, token):
        """The name a filler is or introduces (US-Außenminister Antony Blinken, Region Kursk), else None.
        A title is no name even when tagged as one (Papst Leo); the name right after a title, or
        right after any noun and not in the genitive, counts whatever label the parser gave it (Der
        Parteichef Weber); a name with a preposition is none (der Sprecher in Berlin)."""
        introducer = self.introduces_name(token)
        if is_name(token) and not introducer:
            return token
        # only punctuation or a genitive may stand between (die Chefin der Bahn, Anna Muster)
        skipped = {t.i for c in token.children if self.fn(c) in (GENITIVE, OBLIQUE) and self.phrase(c)[0] is None
                   and not is_name(c) for t in c.subtree}
        for child in token.children:
            between = token.doc[token.i + 1:child.left_edge.i]
            if child.i > token.i and is_name(child) and all(t.is_punct or t.i in skipped for t in between) \
                    and not any(self.fn(c) == CASE for c in child.children) and (
                    introducer or self.fn(child) in (APPOSITION, NAME, KERNEL) or (
                    child.i == token.i + 1 and "Gen" not in child.morph.get("Case"))):
                return child
        return self._apposed_name(token, introducer) if token.pos_ == "NOUN" else None

    def _apposed_name(self, noun, introducer: bool):
        """The name after a title however the parser hung it: right after it (die Abgeordnete Anna Muster),
        or between commas after its phrase (der Präsident des Landes, Anna Muster, rief an); after another
        noun, a person's name between commas if the noun opens the sentence (die Beauftragte für Umwelt,
        Anna Muster, sagte)."""
        doc = noun.doc
        opens = introducer or not any(t.pos_ in NOUNS for t in doc[:noun.i])
        for t in doc[noun.i + 1:]:
            if t.pos_ in VERBAL or t.is_punct and t.text != ",":
                return None
            if introducer and t.i == noun.i + 1 and is_name(t) and not self.introduces_name(t):
                return t
            if t.text == ",":
                name = doc[t.i + 1] if opens and t.i + 1 < len(doc) else None
                if name is None or self.introduces_name(name) or not (
                        name.ent_type_ in PERSON_LABELS or introducer and name.ent_type_):
                    return None
                last = self.name_extent(name)[1]
                return name if last + 1 < len(doc) and (doc[last + 1].text == "," or doc[last + 1].pos_ in VERBAL) \
                    else None
        return None

    def name_extent(self, token) -> tuple[int, int]:
        """A name in full: the name words next to it that hang below it, or with it on a title
        (Bundeskanzlerin Anna Berger), widened to the named entity that holds it, whatever the parse
        (the recogniser knows a surname the tagger took for a noun: Temir Ussubalijew), without the
        titles before it (Papst Leo) and up to any verb or punctuation the recogniser ran into."""
        first, last = widened(token.doc, token.i, token.i, lambda t: self._name_part(token, t))
        entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if entity is None:
            return first, last
        return widened(token.doc, first, last, lambda t: _in_entity(entity, t) and not self.introduces_name(t),
                       lambda t: _in_entity(entity, t))

    def _name_part(self, name, t) -> bool:
        """Whether ``t`` is a further word of the name ``name`` by the parse."""
        return is_name(t) and t.pos_ != "ADJ" and not is_initial_adjective(t) and not self.introduces_name(t) and (
            name.is_ancestor(t) or (t.head == name.head and self.introduces_name(name.head)) or (
                name.head == t and self.fn(name) == NAME))

    def listed(self, token) -> list:
        """The names listed after a name within its phrase, whatever labels the parser gave them
        ("Anna Berg, Paul Kern und Eva Roth"): each follows a comma or a conjunction."""
        found, doc = [], token.doc
        last = self.name_extent(token)[1]
        while last + 2 < len(doc) and (doc[last + 1].text == "," or doc[last + 1].pos_ == "CCONJ"):
            name = doc[last + 2]
            if not (is_name(name) and token.is_ancestor(name)):
                break
            found.append(name)
            last = self.name_extent(name)[1]
        return found

    def phrase_extent(self, token, trigger, minimal: bool, keep=lambda preposition, noun: True) -> tuple[int, int]:
        """The contiguous part of a filler's subtree around it, without its conjuncts, phrases a parser hung
        on it with their conjunction (3. Mai 2001 als Minister), the part that holds the trigger (a
        relative clause) and without prepositions and punctuation at the edges; ``minimal`` also leaves out
        articles and the prepositional phrases that ``keep`` refuses (Mai für die Ukraine), and stops at
        punctuation (20. Jänner, acht Milliarden Dollar)."""
        left_out = {t.i for c in token.children if self._left_out(c, trigger, minimal, keep) for t in c.subtree}
        kept = {t.i for t in token.subtree if not minimal or not t.is_punct} - left_out
        first, last = widened(token.doc, token.i, token.i, lambda t: t.i in kept)
        doc = token.doc
        while first < token.i and self._edge(doc[first], minimal):
            first += 1
        while last > token.i and self._edge(doc[last], minimal):
            last -= 1
        return first, last

    def _left_out(self, child, trigger, minimal: bool, keep) -> bool:
        """Whether a dependent of a filler is left out of its span (see ``phrase_extent``)."""
        if self.fn(child) in (CONJUNCT, COORDINATOR) or child == trigger or child.is_ancestor(trigger) or any(
                self.fn(g) == COORDINATOR and g.i < child.i for g in child.children):
            return True
        preposition, noun = self.phrase(child)
        return minimal and preposition is not None and noun is not None and noun.pos_ in NOUNS and not keep(
            preposition, noun)

    def _edge(self, token, minimal: bool) -> bool:
        """What a span does not start or end with: punctuation, a preposition (and, minimal, an article)."""
        return token.is_punct or token.pos_ == "ADP" or self.fn(token) == CASE or (
            minimal and "Art" in token.morph.get("PronType"))


def widened(doc, first: int, last: int, fits_left, fits_right=None) -> tuple[int, int]:
    """Tokens ``first`` to ``last`` widened over the neighbours that fit (``fits_right``: on the right,
    if it differs)."""
    fits_right = fits_right or fits_left
    while first > 0 and fits_left(doc[first - 1]):
        first -= 1
    while last + 1 < len(doc) and fits_right(doc[last + 1]):
        last += 1
    return first, last


def _in_entity(entity, t) -> bool:
    """Whether ``t`` belongs to a recognised entity's name: a person's surname may be tagged a noun; in
    other names a noun is where the name ended."""
    return entity.start <= t.i < entity.end and t.pos_ not in VERBAL and not t.is_punct and not (
        is_initial_adjective(t)) and (t.pos_ != "NOUN" or entity.label_ in PERSON_LABELS)
