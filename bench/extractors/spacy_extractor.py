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
left out, a name runs over the name words around it, and names listed with commas and
``und`` each fill the role.

Every sentence of ``Document.sentences`` is parsed on its own, so an argument never
leaves its trigger's sentence.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from bench.extractors.base import Extractor, ExtractorError
from bench.extractors.lexicon import RESOURCES, TriggerLexicon, is_title, load_yaml
from bench.schema import PROJECT_ROOT, Argument, Document, EventMention, Span, load_ontology

LABELS = load_yaml("labels.yaml", RESOURCES.parent / "spacy")

SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE = "subject", "passive_subject", "object", "dative"
AGENT, OBLIQUE, GENITIVE = "agent", "oblique", "genitive"
# not a label's function: a von/durch phrase of an active verb, which cannot hold the subject's role
ACTIVE_VON = "active_von"
APPOSITION, NAME, KERNEL, CONJUNCT, COORDINATOR = "apposition", "name", "kernel", "conjunct", "coordinator"
PARTICLE, CASE, CLAUSE, RELATIVE_CLAUSE, PASSIVE_AUXILIARY = (
    "particle", "case", "clause", "relative_clause", "passive_auxiliary")
#: the functions labels.yaml may map a label to
FUNCTIONS = {SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE, AGENT, OBLIQUE, GENITIVE, APPOSITION, NAME, KERNEL,
             CONJUNCT, COORDINATOR, PARTICLE, CASE, CLAUSE, RELATIVE_CLAUSE, PASSIVE_AUXILIARY}

VERBAL = {"VERB", "AUX"}
NOUNS = {"NOUN", "PROPN"}
FILLERS = NOUNS | {"PRON", "NUM", "X"}
PARTICIPLE_TAGS = {"VVPP", "VAPP", "VMPP", "VBN"}
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
                 full_extent: bool = False, label_scheme: str = "auto"):
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
        self.lexicon = TriggerLexicon(load_yaml("triggers.yaml"))
        # the rules extractor's word lists and argument tables (bench/resources/rules/)
        cues, self.grammar = load_yaml("cues.yaml"), load_yaml("arguments.yaml")
        self.titles, self.time_words, self.money_words, self.idiom_nouns, self.class_nouns = (
            {w.lower() for w in words}
            for words in (cues["titles"], cues["time_words"], cues["money_words"], self.grammar["idiom_nouns"],
                          self.grammar["class_nouns"]))
        self.prepositions = {p.lower(): roles for p, roles in self.grammar["prepositions"].items()}
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
        return _Tree(LABELS["schemes"].get(scheme, {}), lambda t: is_title(t.lower_, self.titles, self.class_nouns))

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
            mentions.append(EventMention(doc_id, event_type, _span(doc, i, i, offset), tuple(arguments)))
        return mentions

    # --- triggers -------------------------------------------------------------------

    def _trigger(self, tree: _Tree, token) -> tuple[str, str, bool] | None:
        """``(event type, lemma, is_verb)`` of a trigger token, from the shared lexicon."""
        word = token.lower_
        if not word[:1].isalpha():
            return None
        lemma = token.lemma_.lower()
        particle = tree.particle(token)
        if particle:
            # a separated verb: only the verb with its particle is a trigger (griff ... an, not griff)
            found = self.lexicon.lemmas.get((particle + lemma, True)) or self.lexicon.split_form(word, particle)
            return (*found, True) if found else None
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
        return None

    # --- arguments ------------------------------------------------------------------

    def _arguments(self, tree: _Tree, token, event_type: str, lemma: str, is_verb: bool, triggers: set[int],
                   offset: int) -> list[Argument]:
        candidates, shared, clause = self._candidates(tree, token, is_verb, triggers)
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
        # where the parse gives no Time or Place: the clause's phrases the trigger shares
        missing = {"Time", "Place"} & roles - {role for role, _, _ in chosen}
        chosen += [c for c in self._fill(tree, event_type, intransitive, shared, triggers)[0] if c[0] in missing]
        # then, as a weak parser hangs phrases on the wrong word: the nearest time, position (als Minister)
        # or place with a name (in, nach, aus Berlin) anywhere in the clause
        missing = ({"Time", "Position"} | PLACE_ROLES) & roles - {role for role, _, _ in chosen}
        found = [c for c in self._fill(tree, event_type, intransitive, tree.clause_phrases(clause), triggers)[0]
                 if c[0] in missing and (c[0] not in PLACE_ROLES or tree.named(c[1]) is not None)] if missing else []
        for role in missing:
            chosen += sorted((c for c in found if c[0] == role), key=lambda c: abs(c[1].i - token.i))[:1]
        chosen += self._positions(tree, event_type, chosen)
        arguments, seen = [], set()
        for role, filler, entity_type in chosen:
            first, last = self._extent(tree, filler, entity_type, token)
            argument = Argument(role, _span(filler.doc, first, last, offset), entity_type)
            if (role, argument.span) not in seen:
                seen.add((role, argument.span))
                arguments.append(argument)
        return arguments

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
        governor = tree.phrase_head(token)
        if governor.pos_ not in VERBAL or governor.i == token.i:
            return candidates, [], []
        chain = tree.verb_chain(governor)
        clause = self._dependents(tree, chain, tree.passive(chain), True)
        if tree.fn(token) == OBJECT and governor.i not in triggers and (
                tree.particle(governor) or "") + governor.lemma_.lower() in self.grammar["support_verbs"]:
            # "Die Armee setzte den Angriff fort": the light verb's subject and phrases are the noun's
            candidates += [c for c in clause if c[0] in (SUBJECT, OBLIQUE, AGENT, DATIVE)]
        # "Bei einem Anschlag sind am Samstag ... getötet worden": the noun shares its clause's phrases
        return candidates, [c for c in clause if c[0] == OBLIQUE], chain

    def _fill(self, tree: _Tree, event_type: str, intransitive: bool, candidates: list,
              triggers: set[int]) -> tuple[list, list]:
        """``(role, filler, entity type)`` of candidates and their conjuncts, and the genitives apart."""
        chosen, genitives = [], []
        for kind, filler, preposition in candidates:
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
        Muster), and the Position's genitive is the Entity (Chefin der Bahn)."""
        roles = self.roles[event_type]
        found = [("Position", filler, "TITLE") for role, filler, _ in chosen if role == "Person"
                 and "Position" in roles and self._is_title(filler) and tree.named(filler) not in (None, filler)]
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
        those a weak parser hung on a verb's separated particle (zog seine Truppen zurück)."""
        found = []
        particles = [c for v in chain for c in v.children if verbal and tree.fn(c) == PARTICLE]
        for head in chain + particles:
            for child in head.children:
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
        if role in self.grammar["name_only_roles"] and not _is_name(filler):
            return None
        if role == "Money" and filler.lower_ not in self.money_words:
            return None     # "zahlte ... an den Club Nord": only money is Money
        return role

    # --- fillers --------------------------------------------------------------------

    def _entity_type(self, head, preposition: str | None) -> str:
        if head.pos_ == "PRON" or _possessive(head):
            return "PER"
        if head.lower_ in self.time_words or head.lemma_.lower() in self.time_words or _YEAR.match(head.text):
            return "TIME"
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

    def _is_title(self, token) -> bool:
        return is_title(token.lower_, self.titles)

    def _leading_words_out(self, filler, first: int) -> int:
        """The first token of a time or an amount without an adverb or a noun before it that is none of it
        (bereits 1926, die Flüchtlinge 5 Millionen Euro)."""
        doc, own = filler.doc, self.money_words | self.time_words
        while first < filler.i and (doc[first].pos_ == "ADV" and doc[first].lower_ not in self.time_words or any(
                doc[k].pos_ in NOUNS and doc[k].lower_ not in own for k in range(first, filler.i))):
            first += 1
        return first

    def _extent(self, tree: _Tree, filler, entity_type: str, trigger) -> tuple[int, int]:
        """First and last token of a filler's span: minimal (guidelines section 3) or the subtree."""
        if self.full_extent:
            return tree.phrase_extent(filler, trigger, minimal=False)
        if entity_type in ("TIME", "MONEY"):
            # its phrases stay if they are times (Nacht auf Freitag) or the anchor of a relative time (zwei Tage
            # vor der Wahl), not otherwise (im Mai für die Ukraine)
            first, last = tree.phrase_extent(filler, trigger, True, lambda preposition, noun: preposition in (
                "vor", "nach") or self._entity_type(noun, None) == "TIME")
            return self._leading_words_out(filler, first), last
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
            if self.fn(child) == PARTICLE:
                return child.lower_
        if token.pos_ not in VERBAL and token.pos_ != "ADJ":
            return None
        return next((t.lower_ for t in _rest_of_sentence(token)
                     if self.fn(t) == PARTICLE and t.head.pos_ not in VERBAL), None)

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
        """A relative pronoun stands for the noun its clause modifies (der ... gereist war -> Borrell)."""
        if "Rel" in filler.morph.get("PronType") and self.fn(top) == RELATIVE_CLAUSE and top.head.i != top.i:
            return top.head
        return filler

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
        return None

    def name_extent(self, token) -> tuple[int, int]:
        """A name in full: the name words next to it that hang below it, or with it on a title
        (Bundeskanzlerin Anna Berger), widened to the entity that holds it if the entity's other words
        hang below it or beside it (titles left out: Papst Leo)."""
        def part(t) -> bool:
            return _is_name(t) and t.pos_ != "ADJ" and not self.introduces_name(t) and (token.is_ancestor(t) or (
                t.head == token.head and self.introduces_name(token.head)) or (
                token.head == t and self.fn(token) == NAME))
        doc, first, last = token.doc, token.i, token.i
        while first > 0 and part(doc[first - 1]):
            first -= 1
        while last + 1 < len(doc) and part(doc[last + 1]):
            last += 1
        entity = next((list(e) for e in token.doc.ents if e.start <= token.i < e.end), [])
        while entity and entity[0] != token and self.introduces_name(entity[0]):
            entity = entity[1:]
        if all(t == token or token.is_ancestor(t) or t.head == token.head != t for t in entity):
            first, last = min([first] + [t.i for t in entity]), max([last] + [t.i for t in entity])
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


def _possessive(token) -> bool:
    return "Yes" in token.morph.get("Poss")


def _span(doc, first: int, last: int, offset: int) -> Span:
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    return Span(offset + start, offset + end, doc.text[start:end])
