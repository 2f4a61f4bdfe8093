"""A German event extractor on a spaCy pipeline: lexicon triggers on lemmas, arguments from the parse.

Triggers come from the lexicon shared with the rules extractor (``lexicon.py``): a
token's lemma (a separated verb's lemma joined with its particle: kündigen + an ->
ankündigen), the head of a compound noun, or, where the lemmatizer fails, the word
forms listed there.

Arguments come from the dependency tree, read through grammatical functions mapped
once from the parser's labels (``parse.py``, ``tree.py``), with roles from the rules'
argument tables (``spacy_arguments.py``) and entity types and minimal spans from
``fillers.py``; spans are whole subtrees with ``full_extent``. Where a verb still has
neither subject nor object, they come from German word order as the rules extractor
reads it (``word_order``).

Every sentence of ``Document.sentences`` is parsed on its own, so an argument never
leaves its trigger's sentence.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from bench.extractors.base import Extractor
from bench.extractors.fillers import Fillers
from bench.extractors.lexicon import Entry, trigger_lexicon, word_lists
from bench.extractors.parse import (CLAUSE, CONJUNCT, LABELS, NOUNS, RELATIVE_CLAUSE, VERBAL, closes_clause,
                                    detect_scheme, is_zu_infinitive, load_pipeline, parse_sentences, pipeline_scheme,
                                    token_span)
from bench.extractors.rules import RulesExtractor
from bench.extractors.settings import SpacySettings, checked
from bench.extractors.spacy_arguments import ArgumentReader
from bench.extractors.tree import Tree
from bench.schema import Argument, Document, EventMention, Span, load_ontology


class SpacyExtractor(Extractor):
    """Events from a German spaCy pipeline (``model``: a package name or a folder); the settings are
    ``SpacySettings``."""

    def __init__(self, **settings):
        self.settings = checked(SpacySettings, settings)
        self.model = self.settings.model
        self.scheme = None if self.settings.label_scheme == "auto" else self.settings.label_scheme
        self._nlp = None
        #: the rules extractor's reading by word order, for subject and object where the parse has neither
        self.word_order = RulesExtractor() if self.settings.word_order else None
        self._reading = (None, None)
        self.lexicon = trigger_lexicon()
        self.words = word_lists()
        self.fillers = Fillers(self.words, self.settings.full_extent)
        self.roles = load_ontology().role_sets
        self.reader = ArgumentReader(self.words, self.fillers, self.roles)

    # --- the pipeline ---------------------------------------------------------------

    @property
    def nlp(self):
        """The spaCy pipeline, loaded on first use and kept for the run."""
        if self._nlp is None:
            nlp = load_pipeline(self.model)
            self.scheme = self.scheme or pipeline_scheme(nlp, self.model)
            self._nlp = nlp
        return self._nlp

    def parse(self, documents: Sequence[Document]) -> Iterator[tuple[int, object, int]]:
        """``(document index, parsed sentence, its first character)`` of every sentence of ``documents``."""
        return parse_sentences(self.nlp, documents, self.settings.batch_size, self.settings.n_process)

    def run_info(self) -> dict:
        if self._nlp is None:
            return {}
        meta = self._nlp.meta
        return {"spacy_model": f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}",
                "label_scheme": self.scheme}

    # --- documents ------------------------------------------------------------------

    def extract(self, document: Document) -> list[EventMention]:
        return next(self.extract_batch([document]))

    def extract_batch(self, documents: Sequence[Document]) -> Iterator[list[EventMention]]:
        """All sentences of all documents go through ``nlp.pipe``; offsets map back by sentence start."""
        documents = list(documents)
        found: list[list[EventMention]] = [[] for _ in documents]
        for i, doc, start in self.parse(documents):
            found[i] += self.doc_mentions(doc, documents[i].id, start)
        yield from found

    def tree(self, doc) -> Tree:
        """The reading of a parsed sentence through grammatical functions (also for the learned extractor)."""
        scheme = self.scheme or detect_scheme(t.dep_ for t in doc)
        return Tree(LABELS["schemes"].get(scheme, {}), lambda t: self.fillers.introduces_name(t.lower_))

    def doc_mentions(self, doc, doc_id: str, offset: int = 0) -> list[EventMention]:
        """Mentions in one parsed sentence (a spaCy ``Doc``) whose first character is ``offset``
        in document ``doc_id``. With ``label_scheme=auto`` and no model loaded yet, the scheme
        is detected from the Doc's own labels."""
        tree = self.tree(doc)
        triggers = {token.i: found for token in doc if (found := self.trigger(tree, token))}
        mentions, trigger_indices = [], set(triggers)
        for i, trigger in triggers.items():
            token = doc[i]
            governor = tree.phrase_head(token)
            if governor.i != i and governor.i in triggers and triggers[governor.i].type == trigger.type \
                    and tree.fn(token) not in (CONJUNCT, CLAUSE, RELATIVE_CLAUSE):
                continue    # one event, one trigger: "mit einer Attacke angegriffen", "vereinbartes Abkommen"
            arguments = self.reader.arguments(tree, token, trigger, trigger_indices, offset)
            if self.word_order and trigger.verb and token.pos_ not in NOUNS and not is_zu_infinitive(token):
                arguments += self._word_order_arguments(doc.text, token, trigger, arguments, offset)
            mentions.append(EventMention(doc_id, trigger.type, token_span(doc, i, i, offset), tuple(arguments)))
        return mentions

    def _word_order_arguments(self, text: str, token, trigger: Entry, parsed: list[Argument],
                              offset: int) -> list[Argument]:
        """Subject and object roles by German word order (the rules extractor's reading) where the parse
        filled neither role and the phrase overlaps no parsed argument."""
        functions = self.words.functions.get(trigger.type, {})
        wanted = {functions.get("subject"), functions.get("object"), functions.get("intransitive_subject")}
        if {a.role for a in parsed} & wanted:
            return []
        taken = [Span(token.idx, token.idx + len(token.text))] + [
            Span(a.span.start - offset, a.span.end - offset) for a in parsed]
        if self._reading[0] != text:        # read each sentence once, whatever its number of triggers
            self._reading = (text, self.word_order.read(text))
        found = self.word_order.grammatical_arguments(self._reading[1], token.idx, trigger.type, trigger.lemma)
        return [Argument(a.role, Span(a.span.start + offset, a.span.end + offset, a.span.text), a.entity_type)
                for a in found if not any(a.span.overlaps(t) for t in taken)]

    # --- triggers -------------------------------------------------------------------

    def trigger(self, tree: Tree, token) -> Entry | None:
        """What the shared lexicon says of a token as a trigger, if anything: by its lemma (a separated verb's
        joined with its particle), its word form, an idiom around it or a compound head."""
        word = token.lower_
        if not word[:1].isalpha():
            return None
        particle = tree.particle(token)
        if particle:
            # a separated verb: only the verb with its particle is a trigger (griff ... an, not griff); a
            # particle the parser hung elsewhere may belong to another verb (verurteilte ... als)
            found = self.lexicon.lemmas.get((particle + token.lemma_.lower(), True)) \
                or self.lexicon.split_form(word, particle)
            if found:
                return Entry(*found, True)
            if any(map(tree.is_particle, token.children)):
                return None
        return self._unseparated_trigger(tree, token)

    def _unseparated_trigger(self, tree: Tree, token) -> Entry | None:
        word, lemma = token.lower_, token.lemma_.lower()
        if token.pos_ in VERBAL or token.pos_ in NOUNS:
            is_verb = token.pos_ in VERBAL
            entry = self.lexicon.lemmas.get((lemma, is_verb))
            if entry:
                return Entry(*entry, is_verb)
        if word in self.lexicon.forms:
            return self.lexicon.forms[word]
        for phrase, event_type, idiom in self.lexicon.idioms.get(lemma, ()):
            if tree.next_to(token, phrase):
                return Entry(event_type, idiom, True)
        if token.pos_ in NOUNS and word not in self.lexicon.split_forms:
            head = self.lexicon.compound_head(lemma) or self.lexicon.compound_head(word)
            return Entry(*head, False) if head else None
        # a separated verb the tagger did not take for a verb: its particle closes the clause (griffen ... an.)
        return next((Entry(event_type, verb_lemma, True) for event_type, verb_lemma, particle
                     in self.lexicon.split_forms.get(word, ()) if closes_clause(token, particle)), None)
