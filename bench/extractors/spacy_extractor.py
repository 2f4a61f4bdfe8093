"""A German event extractor on a spaCy pipeline: lexicon triggers on lemmas, arguments from the parse.

Triggers come from the lexicon shared with the rules extractor (``lexicon.py``): a
token's lemma (a separated verb's lemma joined with its particle: kündigen + an ->
ankündigen), the head of a compound noun, or, where the lemmatizer fails, the word
forms listed there.

Arguments come from the dependency tree, read through grammatical functions mapped
once from the parser's labels (TIGER in spaCy's official German pipelines, Universal
Dependencies in others; ``bench/resources/spacy/labels.yaml``). Subject, objects and
the agent phrase take their role from ``arguments.yaml``'s ``functions`` table in
either voice, prepositional phrases from its ``prepositions`` table, and named
entities type the fillers. Spans are minimal as the guidelines want (section 3), or
whole subtrees with ``full_extent``.

Small parsers attach many phrases to the wrong word, so where the parse gives a trigger
no Time, Place, Destination, Origin or Position, these come from its clause: the
phrases a coordinated verb or a noun trigger shares with the verb of its clause, then
the nearest time, title after ``als``/``zu`` or place name anywhere in the clause.
Names are read from the surface as much as from the labels: a title before a name is
left out, a name runs over the name words around it and the recogniser's entity, and
names listed with commas and ``und`` each fill the role. A verb the parse gives no
subject gets one from what the parse does show (``_subject_repaired``), and where it still
has neither subject nor object, from German word order as the rules extractor reads it
(``word_order``).

Every sentence of ``Document.sentences`` is parsed on its own, so an argument never
leaves its trigger's sentence.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from bench.errors import ExtractorError
from bench.extractors.base import Extractor
from bench.extractors.lexicon import RESOURCES, TriggerLexicon, is_title, load_yaml
from bench.extractors.rules import RulesExtractor
from bench.schema import PROJECT_ROOT, Argument, Document, EventMention, Span, load_ontology

LABELS = load_yaml("labels.yaml", RESOURCES.parent / "spacy")

SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE = "subject", "passive_subject", "object", "dative"
AGENT, OBLIQUE, GENITIVE = "agent", "oblique", "genitive"
# not a label's function: a von/durch phrase of an active verb, which cannot hold the subject's role
ACTIVE_VON = "active_von"
APPOSITION, NAME, KERNEL, CONJUNCT, COORDINATOR = "apposition", "name", "kernel", "conjunct", "coordinator"
PARTICLE, CASE, CLAUSE, RELATIVE_CLAUSE, PASSIVE_AUXILIARY, SUBORDINATOR = (
    "particle", "case", "clause", "relative_clause", "passive_auxiliary", "subordinator")
#: the functions labels.yaml may map a label to
FUNCTIONS = {SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE, AGENT, OBLIQUE, GENITIVE, APPOSITION, NAME, KERNEL,
             CONJUNCT, COORDINATOR, PARTICLE, CASE, CLAUSE, RELATIVE_CLAUSE, PASSIVE_AUXILIARY, SUBORDINATOR}

VERBAL = {"VERB", "AUX"}
NOUNS = {"NOUN", "PROPN"}
FILLERS = NOUNS | {"PRON", "NUM", "X"}
PARTICIPLE_TAGS = {"VVPP", "VAPP", "VMPP", "VBN"}
RELATIVE_TAGS = {"PRELS", "PRELAT"}
ADJECTIVE_TAGS = {"ADJA", "ADJD", "JJ"}
PERSON_LABELS = {label for label, entity_type in LABELS["entity_labels"].items() if entity_type == "PER"}
PLACE_ROLES = {"Place", "Destination", "Origin"}
NOT_PLACES = {"PER", "TIME", "MONEY"}
_YEAR = re.compile(r"(1[89]|20)\d\d$")


def detect_scheme(labels: Iterable[str]) -> str | None:
    """``tiger`` or ``ud``: the scheme most of ``labels`` belong to (None if neither)."""
    labels = set(labels)
    counts = {name: len(labels & set(table)) for name, table in LABELS["schemes"].items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


class SpacyExtractor(Extractor):
    """Events from a German spaCy pipeline (``model``: a package name or a folder)."""

    def __init__(self, model: str = "de_core_news_sm", batch_size: int = 256, n_process: int = 1,
                 full_extent: bool = False, label_scheme: str = "auto", word_order: bool = True):
        for name, value in (("batch_size", batch_size), ("n_process", n_process)):
            if type(value) is not int or value < 1:
                raise ExtractorError(f"extractor.{name} must be a positive whole number, got {value!r}")
        if label_scheme != "auto" and label_scheme not in LABELS["schemes"]:
            raise ExtractorError(f"extractor.label_scheme must be auto, {' or '.join(LABELS['schemes'])}, "
                                 f"got {label_scheme!r}")
        if not model or not isinstance(model, str):
            raise ExtractorError(f"extractor.model must name a spaCy pipeline package or folder, got {model!r}")
        self.model, self.batch_size, self.n_process = model, batch_size, n_process
        self.full_extent = bool(full_extent)
        self.scheme = None if label_scheme == "auto" else label_scheme
        self._nlp = None
        #: the rules extractor's reading by word order, for subject and object where the parse has neither
        self.word_order = RulesExtractor() if word_order else None
        self._reading = (None, None)
        self.lexicon = TriggerLexicon(load_yaml("triggers.yaml"))
        # the rules extractor's word lists and argument tables (bench/resources/rules/)
        cues, self.grammar = load_yaml("cues.yaml"), load_yaml("arguments.yaml")
        self.titles, self.time_words, self.money_words, self.idiom_nouns, self.class_nouns = (
            {w.lower() for w in words}
            for words in (cues["titles"], cues["time_words"], cues["money_words"], self.grammar["idiom_nouns"],
                          self.grammar["class_nouns"]))
        self.prepositions = {p.lower(): roles for p, roles in self.grammar["prepositions"].items()}
        # title lookups compare a word with every title: remember the answers
        self._title_word = lru_cache(maxsize=None)(lambda word: is_title(word, self.titles))
        self._introduces_name = lru_cache(maxsize=None)(lambda word: is_title(word, self.titles, self.class_nouns))
        # the nouns among the time words, as compound heads (not Tag: Bundestag)
        self.time_nouns = tuple(w.lower() for w in cues["time_words"] if w[:1].isupper() and len(w) > 4)
        self.time_spans = {w.lower() for w in self.grammar["time_span_nouns"]}
        self.media_nouns = tuple(w.lower() for w in self.grammar["media_nouns"])
        self.quantifiers = {w.lower() for w in self.grammar["amount_quantifiers"]}
        self.clause_openers = set(self.grammar["clause_openers"])
        self.roles = {t: set(spec["roles"]) for t, spec in load_ontology().event_types.items()}

    # --- the pipeline ---------------------------------------------------------------

    @property
    def nlp(self):
        """The spaCy pipeline, loaded on first use and kept for the run."""
        if self._nlp is None:
            self._nlp = self._load()
        return self._nlp

    def _load(self):
        try:
            import spacy
        except ImportError:
            raise ExtractorError("spaCy is not installed: pip install 'spacy>=3.7,<3.9'") from None
        path = Path(self.model).expanduser()
        if not path.is_absolute() and not path.exists() and (PROJECT_ROOT / path).exists():
            path = PROJECT_ROOT / path
        try:
            nlp = spacy.load(path if path.exists() else self.model)
        except (OSError, ValueError) as err:
            reason = str(err).splitlines()[0]
            raise ExtractorError(
                f"cannot load the spaCy model {self.model!r}: {reason}\n"
                "Install an official German pipeline with `python -m spacy download de_core_news_sm` "
                "(or de_core_news_md / de_core_news_lg) and choose it with extractor.model=NAME, or set "
                "extractor.model (or the environment variable BENCH_SPACY_MODEL) to a pipeline folder.") from None
        if nlp.lang != "de":
            raise ExtractorError(f"the spaCy model {self.model!r} is for language {nlp.lang!r}; "
                                 "the extractor needs a German pipeline (de_core_news_sm/md/lg)")
        if "parser" not in nlp.pipe_names:
            raise ExtractorError(f"the spaCy model {self.model!r} has no dependency parser; "
                                 "use a German pipeline with one (de_core_news_sm/md/lg)")
        if self.scheme is None:
            self.scheme = detect_scheme(nlp.get_pipe("parser").labels)
            if self.scheme is None:
                raise ExtractorError(f"the parser of {self.model!r} uses neither TIGER nor UD labels; "
                                     "set extractor.label_scheme")
        return nlp

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
        sentences = ((d.text[s.start:s.end], (i, s.start)) for i, d in enumerate(documents) for s in d.sentences)
        found: list[list[EventMention]] = [[] for _ in documents]
        for doc, (i, start) in self.nlp.pipe(sentences, as_tuples=True, batch_size=self.batch_size,
                                             n_process=self.n_process):
            found[i] += self.doc_mentions(doc, documents[i].id, start)
        yield from found

    def tree(self, doc) -> _Tree:
        """The reading of a parsed sentence through grammatical functions (also for the learned extractor)."""
        scheme = self.scheme or detect_scheme(t.dep_ for t in doc)
        return _Tree(LABELS["schemes"].get(scheme, {}), lambda t: self._introduces_name(t.lower_))

    def doc_mentions(self, doc, doc_id: str, offset: int = 0) -> list[EventMention]:
        """Mentions in one parsed sentence (a spaCy ``Doc``) whose first character is ``offset``
        in document ``doc_id``. With ``label_scheme=auto`` and no model loaded yet, the scheme
        is detected from the Doc's own labels."""
        tree = self.tree(doc)
        triggers = {}
        for token in doc:
            found = self._trigger(tree, token)
            if found:
                triggers[token.i] = found
        mentions, trigger_indices = [], set(triggers)
        for i, (event_type, lemma, is_verb) in triggers.items():
            token = doc[i]
            governor = tree.phrase_head(token)
            if governor.i != i and triggers.get(governor.i, ("",))[0] == event_type and tree.fn(token) not in (
                    CONJUNCT, CLAUSE, RELATIVE_CLAUSE):
                continue    # one event, one trigger: "mit einer Attacke angegriffen", "vereinbartes Abkommen"
            arguments = self._arguments(tree, token, event_type, lemma, is_verb, trigger_indices, offset)
            if self.word_order and is_verb and token.pos_ not in NOUNS and not _zu_infinitive(token):
                arguments += self._word_order_arguments(doc.text, token, event_type, lemma, arguments, offset)
            mentions.append(EventMention(doc_id, event_type, _span(doc, i, i, offset), tuple(arguments)))
        return mentions

    def _word_order_arguments(self, text: str, token, event_type: str, lemma: str, parsed: list[Argument],
                              offset: int) -> list[Argument]:
        """Subject and object roles by German word order (the rules extractor's reading) where the parse
        filled neither role and the phrase overlaps no parsed argument."""
        functions = self.grammar["functions"].get(event_type, {})
        wanted = {functions.get("subject"), functions.get("object"), functions.get("intransitive_subject")}
        if {a.role for a in parsed} & wanted:
            return []
        taken = [Span(token.idx, token.idx + len(token.text))] + [
            Span(a.span.start - offset, a.span.end - offset) for a in parsed]
        if self._reading[0] != text:        # read each sentence once, whatever its number of triggers
            self._reading = (text, self.word_order.read(text))
        found = self.word_order.grammatical_arguments(self._reading[1], token.idx, event_type, lemma)
        return [Argument(a.role, Span(a.span.start + offset, a.span.end + offset, a.span.text), a.entity_type)
                for a in found if not any(a.span.overlaps(t) for t in taken)]

    # --- triggers -------------------------------------------------------------------

    def _trigger(self, tree: _Tree, token) -> tuple[str, str, bool] | None:
        """``(event type, lemma, is_verb)`` of a trigger token, from the shared lexicon."""
        word = token.lower_
        if not word[:1].isalpha():
            return None
        lemma = token.lemma_.lower()
        particle = tree.particle(token)
        if particle:
            # a separated verb: only the verb with its particle is a trigger (griff ... an, not griff); a
            # particle the parser hung elsewhere may belong to another verb (verurteilte ... als)
            found = self.lexicon.lemmas.get((particle + lemma, True)) or self.lexicon.split_form(word, particle)
            if found:
                return *found, True
            if any(map(tree.is_particle, token.children)):
                return None
        if token.pos_ in VERBAL or token.pos_ in NOUNS:
            is_verb = token.pos_ in VERBAL
            entry = self.lexicon.lemmas.get((lemma, is_verb))
            if entry:
                return (*entry, is_verb)
        if word in self.lexicon.forms:
            return self.lexicon.forms[word]
        for phrase, event_type, idiom in self.lexicon.idioms.get(lemma, ()):
            if tree.next_to(token, phrase):
                return event_type, idiom, True
        if token.pos_ in NOUNS and word not in self.lexicon.split_forms:
            head = self.lexicon.compound_head(lemma) or self.lexicon.compound_head(word)
            return (*head, False) if head else None
        # a separated verb the tagger did not take for a verb: its particle closes the clause (griffen ... an.)
        return next(((event_type, verb_lemma, True) for event_type, verb_lemma, particle
                     in self.lexicon.split_forms.get(word, ()) if _closes_clause(token, particle)), None)

    # --- arguments ------------------------------------------------------------------

    def _arguments(self, tree: _Tree, token, event_type: str, lemma: str, is_verb: bool, triggers: set[int],
                   offset: int) -> list[Argument]:
        candidates, shared, clause = self._candidates(tree, token, is_verb, triggers)
        if clause and token in clause:
            candidates = self._subject_repaired(tree, self._in_own_clause(tree, candidates, token), clause, event_type)
        content = self.grammar["content_prepositions"].get(lemma, ())
        candidates = [c for c in candidates if c[2] not in content]     # warnte vor Streiks: what is said
        objects = [f for kind, f, _ in candidates if kind == OBJECT and self._entity_type(f, None) != "TIME"]
        # used without an object (a time in the accusative is none): reisen, or reflexive (zog sich zurück)
        intransitive = (lemma in self.grammar["intransitive_lemmas"] or any(map(_reflexive, objects))) and all(
            map(_reflexive, objects))
        chosen, genitives = self._fill(tree, event_type, intransitive, candidates, triggers)
        functions, roles = self.grammar["functions"].get(event_type, {}), self.roles[event_type]
        # a noun's genitive is its object (Zerstörung der Brücke) unless a phrase took that role
        object_role = functions.get("object")
        genitive_role = functions.get("subject") if any(r == object_role for r, _, _ in chosen) else (
            object_role or functions.get("subject"))
        chosen += [(genitive_role, g, entity_type) for g, entity_type in genitives
                   if genitive_role in roles and entity_type not in ("TIME", "MONEY")]
        # where the parse gives no Time or Place: the clause's phrases the trigger shares; and for an event
        # whose parties all have one role (Meet: Entity), the clause's subject
        symmetric = {functions["subject"]} if functions.get("subject") == object_role else set()
        missing = ({"Time", "Place"} | symmetric) & roles - {role for role, _, _ in chosen}
        chosen += [c for c in self._fill(tree, event_type, intransitive, shared, triggers)[0] if c[0] in missing]
        # then, as a weak parser hangs phrases on the wrong word: the nearest time, position (als Minister)
        # or place with a name (in, nach, aus Berlin) anywhere in the clause, but not where the subject
        # is (die Regierung in Kairo erklärte)
        missing = ({"Time", "Position"} | PLACE_ROLES) & roles - {role for role, _, _ in chosen}
        participants = {filler.i for role, filler, _ in chosen if role == functions.get("subject")}
        found = [c for c in self._fill(tree, event_type, intransitive, tree.clause_phrases(clause), triggers)[0]
                 if c[0] in missing and (c[0] not in PLACE_ROLES or tree.named(c[1]) is not None
                                         and tree.phrase_head(c[1]).i not in participants)] if missing else []
        for role in missing:
            chosen += sorted((c for c in found if c[0] == role), key=lambda c: abs(c[1].i - token.i))[:1]
        chosen += self._positions(tree, event_type, chosen)
        arguments = []
        for role, filler, entity_type in chosen:
            first, last = self._extent(tree, filler, entity_type, token)
            arguments.append(Argument(role, _span(filler.doc, first, last, offset), entity_type))
        # one argument per role and span, none inside another of its role (Sonntag in Nacht zum Sonntag)
        return [a for i, a in enumerate(arguments) if a not in arguments[:i] and not any(
            b.role == a.role and b.span != a.span and b.span.start <= a.span.start and a.span.end <= b.span.end
            for b in arguments)]

    def _candidates(self, tree: _Tree, token, is_verb: bool, triggers: set[int]) -> tuple[list, list, list]:
        """``(function, filler, preposition)`` of a trigger's own dependents; the phrases of its clause it
        shares; and the verb chain of its clause."""
        if is_verb and token.pos_ == "ADJ" and token.head.i != token.i and token.head.pos_ in NOUNS:
            # "die von Polen gelieferten Panzer": the noun is what the participle's passive is about
            return [(PASSIVE_SUBJECT, token.head, None)] + self._dependents(tree, [token], True, True), [], []
        if is_verb or token.pos_ in VERBAL:
            chain = tree.verb_chain(token)
            first = tree.first_conjunct(chain)
            # a participle without auxiliary shares the voice of the first conjunct (wurde angeschossen und verletzt)
            passive = tree.passive(chain) or bool(first) and len(chain) == 1 and tree.passive(first) and (
                "Part" in token.morph.get("VerbForm") or token.tag_ in PARTICIPLE_TAGS)
            candidates = self._dependents(tree, chain, passive, True)
            if not first:
                return candidates, [], chain
            # "Russland griff an und zerstörte ...": a later conjunct shares the subject, and the phrases
            # before the first verb ("Am Montag wurde er angeschossen und verletzt")
            before = self._dependents(tree, first, tree.passive(first), True)
            if not any(kind in (SUBJECT, PASSIVE_SUBJECT) for kind, _, _ in candidates):
                candidates += [(PASSIVE_SUBJECT if passive else SUBJECT, filler, preposition)
                               for kind, filler, preposition in before if kind in (SUBJECT, PASSIVE_SUBJECT)]
            return candidates, [c for c in before if c[0] == OBLIQUE and c[1].i < first[0].i], chain
        candidates = self._dependents(tree, [token], False, False)
        following = _following_phrase(token)
        if following is not None and all(filler != following[1] for _, filler, _ in candidates):
            candidates.append((OBLIQUE, following[1], following[0]))
        # a noun's von-phrase without a name stands for its genitive (die Lieferung von Munition)
        candidates = [(GENITIVE, filler, preposition) if kind == OBLIQUE and preposition in ("von", "vom")
                      and not _is_name(filler) else (kind, filler, preposition)
                      for kind, filler, preposition in candidates]
        governor = tree.phrase_head(token)
        if governor.pos_ not in VERBAL or governor.i == token.i:
            return candidates, [], []
        chain = tree.verb_chain(governor)
        clause = self._dependents(tree, chain, tree.passive(chain), True)
        if tree.fn(token) == OBJECT and governor.i not in triggers and (
                tree.particle(governor) or "") + governor.lemma_.lower() in self.grammar["support_verbs"]:
            # "Die Armee setzte den Angriff fort": the light verb's subject and phrases are the noun's
            candidates += [c for c in clause if c[0] in (SUBJECT, OBLIQUE, AGENT, DATIVE)]
        # "Bei einem Anschlag sind am Samstag ... getötet worden": the noun shares its clause's phrases (and
        # its subject, which _arguments takes for events whose parties are alike: zu Gesprächen reisen)
        return candidates, [c for c in clause if c[0] in (OBLIQUE, SUBJECT)], chain

    def _in_own_clause(self, tree: _Tree, candidates: list, verb) -> list:
        """The candidates of a verb in a clause opened by a conjunction (wie, dass, weil) without the nouns
        before that conjunction, which a weak parser hangs on the verb (schickte Einheiten, wie Zeugen
        berichteten: not Einheiten). A conjunction opens a clause by its label or right after a comma;
        zu before an infinitive opens none."""
        doc = verb.doc
        opener = next((t for t in reversed(doc[:verb.i]) if t.text == "," or t.pos_ != "PART" and (
            tree.fn(t) == SUBORDINATOR or t.pos_ == "SCONJ" or t.lower_ in self.clause_openers
            and t.i > 0 and doc[t.i - 1].text == ",")), None)
        if opener is None or opener.text == ",":
            return candidates
        return [c for c in candidates if c[1].i > opener.i or c[0] not in (SUBJECT, OBJECT, DATIVE)]

    def _subject_repaired(self, tree: _Tree, candidates: list, chain: list, event_type: str) -> list:
        """A subject for an active verb whose parse gives none: the first of two accusative objects (die
        Armee werde weitere Einheiten verlegen), the only object of a type without an object role (teilte
        das Präsidialamt mit), or a noun without function that opens the sentence right before a finite
        verb (Omerović betonte), or the noun that opens the sentence before a relative clause or an
        apposition that ends right before the verb (Vuković, die als Vertraute gilt, kündigte an)."""
        if tree.passive(chain) or any(kind in (SUBJECT, PASSIVE_SUBJECT) for kind, _, _ in candidates):
            return candidates
        objects = [c for c in candidates if c[0] == OBJECT and self._entity_type(c[1], None) != "TIME"]
        has_object_role = "object" in self.grammar["functions"].get(event_type, {})
        if len(objects) >= 2 or objects and not has_object_role and not _reflexive(objects[0][1]):
            first = min(objects, key=lambda c: c[1].i)
            return [(SUBJECT, *c[1:]) if c is first else c for c in candidates]
        verb = chain[-1]
        if {"Part", "Inf"} & set(verb.morph.get("VerbForm")):
            return candidates
        before = next((c for c in verb.children if c.i == verb.i - 1 and c.left_edge.i == 0
                       and tree.fn(c) is None and c.pos_ in NOUNS), None) or _subject_before_insertion(verb)
        if before is not None:
            return candidates + [(SUBJECT, before, None)]
        return candidates + self._coordinated_subject(tree, verb)

    def _coordinated_subject(self, tree: _Tree, verb) -> list:
        """The subject of the verb before ``und`` that joins this one to it, with no comma between (sagte
        der Minister und fügte hinzu), wherever the parser hung the second verb."""
        doc = verb.doc
        if verb.i < 2 or doc[verb.i - 1].pos_ != "CCONJ":
            return []
        earlier = next((t for t in reversed(doc[:verb.i - 1]) if t.pos_ == "VERB" or t.is_punct), None)
        if earlier is None or earlier.is_punct:
            return []
        chain = tree.verb_chain(earlier)
        return [c for c in self._dependents(tree, chain, tree.passive(chain), True) if c[0] == SUBJECT]

    def _fill(self, tree: _Tree, event_type: str, intransitive: bool, candidates: list,
              triggers: set[int]) -> tuple[list, list]:
        """``(role, filler, entity type)`` of candidates and their conjuncts, and the genitives apart."""
        chosen, genitives = [], []
        for kind, filler, preposition in candidates:
            filler = _counted_noun(filler)
            listed = tree.listed(filler) if _is_name(filler) else []
            for conjunct in dict.fromkeys([filler, *tree.conjuncts(filler), *listed]):
                if conjunct.i in triggers or _reflexive(conjunct) or not (
                        conjunct.pos_ in FILLERS or _possessive(conjunct)):
                    continue
                entity_type = self._entity_type(tree.named(conjunct) or conjunct, preposition)
                if kind == GENITIVE:
                    genitives.append((conjunct, entity_type))
                    continue
                role = self._role(event_type, intransitive, kind, preposition, conjunct, entity_type)
                if role:
                    chosen.append((role, conjunct, "TITLE" if role == "Position" else entity_type))
        return chosen, genitives

    def _positions(self, tree: _Tree, event_type: str, chosen: list) -> list:
        """Personnel events: the title before the Person's name is the Position (Geschäftsführerin Anna
        Muster) unless the event names another (ernannte Ministerin Anna Muster zur Kanzlerin), and the
        Position's genitive is the Entity (Chefin der Bahn)."""
        roles = self.roles[event_type]
        found = [("Position", filler, "TITLE") for role, filler, _ in chosen if role == "Person"
                 and "Position" in roles and self._is_title(filler) and tree.named(filler) not in (None, filler)
                 and not any(role == "Position" for role, _, _ in chosen)]
        if "Entity" in roles:
            for role, filler, _ in chosen + found:
                if role == "Position":
                    found += [("Entity", g, self._entity_type(tree.named(g) or g, None))
                              for kind, g, preposition in self._dependents(tree, [filler], False, False)
                              if preposition is None and kind in (GENITIVE, OBLIQUE) and g.pos_ in NOUNS]
        return found

    def _dependents(self, tree: _Tree, chain: list, passive: bool,
                    verbal: bool) -> list[tuple[str, object, str | None]]:
        """``(function, filler, preposition)`` of the dependents of a verb chain (``verbal``) or a noun, also
        those a weak parser hung on a verb's separated particle (zog seine Truppen zurück) or on a time
        (sagte am Montag vor Journalisten)."""
        found = []
        particles = [c for v in chain for c in v.children if verbal and tree.is_particle(c)]
        for head in chain + particles:
            children = list(head.children)
            if verbal:
                children += [g for c in children if tree.fn(c) == OBLIQUE and self._uncounted_time(tree.phrase(c)[1])
                             for g in c.children if tree.fn(g) == OBLIQUE and tree.phrase(g)[0] is not None]
            for child in children:
                kind = tree.fn(child)
                if child in chain or kind not in (SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE, AGENT, OBLIQUE,
                                                  GENITIVE) and not _possessive(child):
                    continue
                preposition, filler = tree.phrase(child)
                if filler is None:
                    continue
                if kind in (SUBJECT, PASSIVE_SUBJECT):
                    kind = PASSIVE_SUBJECT if passive else SUBJECT
                elif kind == OBLIQUE and preposition is None and "Gen" in filler.morph.get("Case") and not verbal:
                    kind = GENITIVE     # UD: a noun's genitive is an nmod without preposition
                elif kind == OBLIQUE and preposition in self.grammar["agent_prepositions"] and verbal:
                    kind = AGENT if passive else ACTIVE_VON
                elif _possessive(child):
                    kind = GENITIVE
                found.append((kind, tree.antecedent(filler, chain[-1]), preposition))
        return found

    def _by_preposition(self, preposition: str) -> dict:
        contracted = self.grammar["contractions"].get(preposition)
        return self.prepositions.get(preposition) or self.prepositions.get(contracted, {})

    def _role(self, event_type: str, intransitive: bool, kind: str, preposition: str | None, filler,
              entity_type: str) -> str | None:
        """The role of a filler by its function (or preposition) and event type, if its entity type fits.

        The subject of a verb used without an object takes the type's ``intransitive_subject`` role
        (die Bewohner flohen: Artifact). A passive's agent phrase is the active subject unless its
        preposition has a role of its own for the type (von Belarus nach Kursk verlegt: Origin). Times
        (also in the accusative: den ganzen Tag) are Time, amounts of money Money, whatever their function."""
        roles, functions = self.roles[event_type], self.grammar["functions"].get(event_type, {})
        if entity_type == "TIME":
            time_prepositions = self.grammar["time_prepositions"]
            time_phrase = preposition is None or preposition in time_prepositions \
                or self.grammar["contractions"].get(preposition) in time_prepositions
            return "Time" if kind in (OBLIQUE, OBJECT) and time_phrase and "Time" in roles else None
        if entity_type == "MONEY":
            return "Money" if "Money" in roles else None
        if kind == OBLIQUE and preposition is None:
            kind = DATIVE if "Dat" in filler.morph.get("Case") else None
        by_type = self._by_preposition(preposition) if preposition else {}
        if kind in (OBLIQUE, ACTIVE_VON):
            if filler.lower_ in self.idiom_nouns:
                return None
            role = by_type.get(event_type) or by_type.get("*")
            if "Medium" in roles and role != "Medium" and kind == OBLIQUE and self._is_medium(filler):
                role = "Medium"     # "im Staatsfernsehen", "in einem Brief": how it was said, not where
            if kind == ACTIVE_VON and role == functions.get("subject"):
                return None     # "berichtet von Afghanistan": the active subject is the speaker
        elif kind == AGENT and by_type.get(event_type):
            role = by_type[event_type]
        else:
            role = {SUBJECT: intransitive and functions.get("intransitive_subject") or functions.get("subject"),
                    PASSIVE_SUBJECT: functions.get("passive_subject") or functions.get("object"),
                    OBJECT: None if intransitive else functions.get("object"),
                    DATIVE: functions.get("dative"),
                    AGENT: functions.get("subject")}.get(kind)
        if role not in roles:
            return None
        if role in PLACE_ROLES and (entity_type in NOT_PLACES or (
                preposition in self.grammar["name_only_prepositions"] and not _is_name(filler))):
            return None     # "beim Brand", "nach dem Erdbeben": a time or circumstance, not a place
        if role in self.grammar["name_only_roles"] and not _is_name(filler) and not self._is_medium(filler):
            return None
        if role == "Money" and filler.lower_ not in self.money_words:
            return None     # "zahlte ... an den Club Nord": only money is Money
        return role

    # --- fillers --------------------------------------------------------------------

    def _entity_type(self, head, preposition: str | None) -> str:
        if head.pos_ == "PRON" or _possessive(head):
            return "PER"
        if self._is_time(head) or head.lower_ in self.time_spans and any(
                c.i > head.i and self._is_time(c) and not any(g.pos_ == "ADP" for g in c.children)
                for c in head.children):
            return "TIME"       # Samstagnachmittag, Ende des Jahres, Ende Mai
        if head.lower_ in self.money_words and any(t.like_num or t.pos_ == "NUM" or t.lower_ in (
                "jeder", "jeden", "jedem") for t in head.subtree):
            return "MONEY"
        if self._is_title(head) or any(self._is_title(c) for c in head.children if c.i < head.i):
            return "PER"
        if head.ent_type_:
            return LABELS["entity_labels"].get(head.ent_type_, "OTHER")
        if head.pos_ == "PROPN":
            return "GPE" if preposition in self.grammar["place_prepositions"] else "OTHER"
        return "OTHER"

    def _is_time(self, token) -> bool:
        """A time word or year, or a compound of a time noun (Samstagnachmittag, Wahlnacht)."""
        word, lemma = token.lower_, token.lemma_.lower()
        return word in self.time_words or lemma in self.time_words or bool(_YEAR.match(token.text)) or (
            token.pos_ in NOUNS and word.endswith(self.time_nouns))

    def _uncounted_time(self, token) -> bool:
        """A time that takes no phrase of its own: not counted (zwei Tage vor der Wahl)."""
        return token is not None and self._entity_type(token, None) == "TIME" and not _counted(token)

    def _is_medium(self, token) -> bool:
        """A channel of communication, also as a compound head (Staatsfernsehen)."""
        return token.pos_ in NOUNS and token.lower_.endswith(self.media_nouns)

    def _is_title(self, token) -> bool:
        return self._title_word(token.lower_)

    def _leading_words_out(self, filler, first: int) -> int:
        """The first token of a time or an amount without an adverb or a noun before it that is none of it
        (bereits 1926, die Flüchtlinge 5 Millionen Euro), nor the preposition and article after such an
        adverb (noch in der Wahlnacht) unless the preposition changes the time (bereits vor drei Jahren)."""
        doc, own = filler.doc, self.money_words | self.time_words
        while first < filler.i and (doc[first].pos_ == "ADV" and doc[first].lower_ not in self.time_words or any(
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
                             or doc[first - 1].lower_ in self.money_words):
            first -= 1
        if first < money.i:
            while first > 0 and doc[first - 1].lower_ in self.quantifiers and not doc[first - 1].like_num:
                first -= 1
        return first

    def _trailing_words_out(self, filler, last: int) -> int:
        """The last token of a time or an amount before the first noun after it that is none of it, which a
        weak parser hung on it (am Dienstag Rettungsteams, fünf Millionen Euro Soforthilfe)."""
        own = self.money_words | self.time_words
        other = next((t.i for t in filler.doc[filler.i + 1:last + 1] if t.pos_ in NOUNS and t.lower_ not in own
                      and not self._is_time(t) and t.head == filler and not any(
                          c.pos_ == "ADP" or c.i < t.i and c.pos_ == "DET" for c in t.children)), None)
        return last if other is None else other - 1

    def _extent(self, tree: _Tree, filler, entity_type: str, trigger) -> tuple[int, int]:
        """First and last token of a filler's span: minimal (guidelines section 3) or the subtree."""
        if self.full_extent:
            return tree.phrase_extent(filler, trigger, minimal=False)
        if entity_type in ("TIME", "MONEY"):
            # its phrases stay if they are times (Nacht auf Freitag) or the anchor of a counted relative time
            # (zwei, wenige Tage vor der Wahl), not otherwise (im Mai für die Ukraine, am Montag vor Journalisten)
            counted = _counted(filler)
            first, last = tree.phrase_extent(filler, trigger, True, lambda preposition, noun: counted and (
                preposition in ("vor", "nach")) or self._entity_type(noun, None) == "TIME")
            if entity_type == "MONEY":
                first = max(first, self._amount_start(filler))
            return self._leading_words_out(filler, first), self._trailing_words_out(filler, last)
        if entity_type == "TITLE":
            return filler.i, filler.i       # a Position is the title itself, not the name after it
        name = tree.named(filler)
        return tree.name_extent(name) if name is not None else (filler.i, filler.i)


class _Tree:
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
        return next((t.lower_ for t in _rest_of_sentence(token)
                     if self.is_particle(t) and t.head.pos_ not in VERBAL), None)

    def is_particle(self, token) -> bool:
        """A verb particle by its label, unless it is a noun, verb or participle (sagte ... gerichtet)."""
        return self.fn(token) == PARTICLE and token.pos_ not in VERBAL | NOUNS and "Part" not in token.morph.get(
            "VerbForm")

    @staticmethod
    def next_to(token, words: tuple[str, ...]) -> bool:
        """Whether ``words`` follow ``token`` in its sentence (kamen ... ums Leben) or stand right
        before it (ums Leben gekommen)."""
        rest = [t.lower_ for t in _rest_of_sentence(token)]
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

    def clause_phrases(self, chain: list) -> list[tuple[str, object, str | None]]:
        """``(oblique, filler, preposition)`` of every noun phrase in the clause of a verb chain, however
        deep: below the chain's top and below no other verb."""
        def in_clause(t) -> bool:
            while t.i != chain[-1].i:
                if t.head.i == t.i or t not in chain and (t.pos_ in VERBAL or self.fn(t) in (CLAUSE, RELATIVE_CLAUSE)):
                    return False
                t = t.head
            return True
        phrases = [self.phrase(t) for t in (chain[-1].subtree if chain else ()) if t.pos_ in FILLERS | {"ADP"}
                   and in_clause(t)]
        return [(OBLIQUE, filler, preposition) for preposition, filler in phrases
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
        if _is_name(token) and not introducer:
            return token
        # only punctuation or a genitive may stand between (die Chefin der Bahn, Anna Muster)
        skipped = {t.i for c in token.children if self.fn(c) in (GENITIVE, OBLIQUE) and self.phrase(c)[0] is None
                   and not _is_name(c) for t in c.subtree}
        for child in token.children:
            between = token.doc[token.i + 1:child.left_edge.i]
            if child.i > token.i and _is_name(child) and all(t.is_punct or t.i in skipped for t in between) \
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
            if introducer and t.i == noun.i + 1 and _is_name(t) and not self.introduces_name(t):
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
        def part(t) -> bool:
            return _is_name(t) and t.pos_ != "ADJ" and not _initial_adjective(t) and not self.introduces_name(t) and (
                token.is_ancestor(t) or (t.head == token.head and self.introduces_name(token.head)) or (
                    token.head == t and self.fn(token) == NAME))
        doc, first, last = token.doc, token.i, token.i
        while first > 0 and part(doc[first - 1]):
            first -= 1
        while last + 1 < len(doc) and part(doc[last + 1]):
            last += 1
        entity = next((e for e in doc.ents if e.start <= token.i < e.end), None)
        if entity is not None:
            def inside(t) -> bool:
                # a person's surname may be tagged a noun; in other names a noun is where the name ended
                return entity.start <= t.i < entity.end and t.pos_ not in VERBAL and not t.is_punct and not (
                    _initial_adjective(t)) and (t.pos_ != "NOUN" or entity.label_ in PERSON_LABELS)
            while first > 0 and inside(doc[first - 1]) and not self.introduces_name(doc[first - 1]):
                first -= 1
            while last + 1 < len(doc) and inside(doc[last + 1]):
                last += 1
        return first, last

    def listed(self, token) -> list:
        """The names listed after a name within its phrase, whatever labels the parser gave them
        ("Anna Berg, Paul Kern und Eva Roth"): each follows a comma or a conjunction."""
        found, doc = [], token.doc
        last = self.name_extent(token)[1]
        while last + 2 < len(doc) and (doc[last + 1].text == "," or doc[last + 1].pos_ == "CCONJ"):
            name = doc[last + 2]
            if not (_is_name(name) and token.is_ancestor(name)):
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
        def dropped(child) -> bool:
            preposition, noun = self.phrase(child)
            return minimal and preposition is not None and noun is not None and noun.pos_ in NOUNS and not keep(
                preposition, noun)
        left_out = {t.i for c in token.children for t in c.subtree
                    if self.fn(c) in (CONJUNCT, COORDINATOR) or c == trigger or c.is_ancestor(trigger)
                    or any(self.fn(g) == COORDINATOR and g.i < c.i for g in c.children) or dropped(c)}
        kept = {t.i for t in token.subtree if not minimal or not t.is_punct} - left_out
        first = last = token.i
        while first - 1 in kept:
            first -= 1
        while last + 1 in kept:
            last += 1
        doc = token.doc

        def edge(t) -> bool:
            return t.is_punct or t.pos_ == "ADP" or self.fn(t) == CASE or (
                minimal and "Art" in t.morph.get("PronType"))

        while first < token.i and edge(doc[first]):
            first += 1
        while last > token.i and edge(doc[last]):
            last -= 1
        return first, last


def _rest_of_sentence(token) -> Iterator:
    """The tokens after ``token`` up to the end of its sentence."""
    for later in token.doc[token.i + 1:]:
        if later.is_sent_start:
            return
        yield later


def _is_name(token) -> bool:
    return token.pos_ == "PROPN" or bool(token.ent_type_)


def _reflexive(token) -> bool:
    return token.lemma_.lower() == "sich"


def _subject_before_insertion(verb):
    """The first noun of a sentence that opens with a noun phrase, a comma and a relative clause or a
    name, when the verb follows right after the insertion's closing comma; else None."""
    doc = verb.doc
    if verb.i < 2 or doc[verb.i - 1].text != ",":
        return None
    comma = next(t for t in doc if t.text == ",")
    opening = doc[:comma.i]
    if comma.i + 1 >= verb.i or any(t.pos_ in VERBAL or t.is_punct for t in opening):
        return None
    inserted = doc[comma.i + 1]
    if not ("Rel" in inserted.morph.get("PronType") or inserted.tag_ in RELATIVE_TAGS or inserted.ent_type_):
        return None
    return next((t for t in opening if t.pos_ in NOUNS), None)     # named() finds an apposed name


def _following_phrase(noun) -> tuple[str, object] | None:
    """``(preposition, noun)`` of the prepositional phrase right after a noun, which modifies it whatever the
    parser made of it (Angriffe auf zivile Ziele): German puts a noun's phrases right after it."""
    doc, i = noun.doc, noun.i + 1
    if i >= len(doc) or doc[i].pos_ != "ADP":
        return None
    preposition = doc[i].lower_
    i += 1
    while i < len(doc) and doc[i].pos_ in ("DET", "ADJ", "NUM", "ADV") and not doc[i].is_punct:
        i += 1
    return (preposition, doc[i]) if i < len(doc) and doc[i].pos_ in NOUNS else None


def _closes_clause(token, particle: str) -> bool:
    """Whether ``particle`` stands after ``token`` right before a punctuation mark or the end."""
    doc = token.doc
    return any(t.lower_ == particle and (t.i + 1 == len(doc) or doc[t.i + 1].is_punct)
               for t in _rest_of_sentence(token))


def _zu_infinitive(token) -> bool:
    """An infinitive with zu (zu liefern, anzugreifen), which has no subject of its own."""
    return token.i > 0 and token.doc[token.i - 1].lower_ == "zu" or "zu" in token.lower_[2:-3] and (
        "Inf" in token.morph.get("VerbForm") or token.tag_ == "VVIZU")


def _counted_noun(token):
    """The noun a comparative amount counts, which a weak parser may leave as the head (Mehr als 300
    Menschen -> Menschen); else the token itself."""
    doc = token.doc
    if token.lower_ not in ("mehr", "weniger") or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "als":
        return token
    return next((t for t in doc[token.i + 2:token.i + 6] if t.pos_ in NOUNS), token)


def _initial_adjective(token) -> bool:
    """An adjective that starts the sentence, capital for that reason only (Kirgisische Truppen); within a
    sentence a capital adjective starts a name (die Vereinten Nationen)."""
    return token.is_sent_start and (token.pos_ == "ADJ" or token.tag_ in ADJECTIVE_TAGS)


def _counted(token) -> bool:
    """Whether a noun has a number or quantifier (zwei Tage, wenige Tage)."""
    return any(c.pos_ == "NUM" or c.like_num or "Ind" in c.morph.get("PronType") for c in token.children)


def _possessive(token) -> bool:
    return "Yes" in token.morph.get("Poss")


def _span(doc, first: int, last: int, offset: int) -> Span:
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    return Span(offset + start, offset + end, doc.text[start:end])
