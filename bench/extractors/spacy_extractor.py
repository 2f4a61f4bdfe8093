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

Every sentence of ``Document.sentences`` is parsed on its own, so an argument never
leaves its trigger's sentence.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from bench.extractors.base import Extractor, ExtractorError
from bench.extractors.lexicon import RESOURCES, TriggerLexicon, load_yaml
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
        self.titles, self.time_words, self.money_words, self.idiom_nouns = (
            {w.lower() for w in words}
            for words in (cues["titles"], cues["time_words"], cues["money_words"], self.grammar["idiom_nouns"]))
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

    def doc_mentions(self, doc, doc_id: str, offset: int = 0) -> list[EventMention]:
        """Mentions in one parsed sentence (a spaCy ``Doc``) whose first character is ``offset``
        in document ``doc_id``. With ``label_scheme=auto`` and no model loaded yet, the scheme
        is detected from the Doc's own labels."""
        scheme = self.scheme or detect_scheme(t.dep_ for t in doc)
        tree = _Tree(LABELS["schemes"].get(scheme, {}))
        triggers = {}
        for token in doc:
            found = self._trigger(tree, token)
            if found:
                triggers[token.i] = found
        mentions, trigger_indices = [], set(triggers)
        for i, (event_type, lemma, is_verb) in triggers.items():
            token = doc[i]
            governor = token.head.head if token.head.pos_ == "ADP" else token.head
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
            if tree.followed_by(token, phrase):
                return event_type, idiom, True
        if token.pos_ in NOUNS and word not in self.lexicon.split_forms:
            head = self.lexicon.compound_head(lemma) or self.lexicon.compound_head(word)
            return (*head, False) if head else None
        return None

    # --- arguments ------------------------------------------------------------------

    def _arguments(self, tree: _Tree, token, event_type: str, lemma: str, is_verb: bool, triggers: set[int],
                   offset: int) -> list[Argument]:
        attributive = is_verb and token.pos_ == "ADJ" and token.head.i != token.i and token.head.pos_ in NOUNS
        if attributive:
            # "die von Polen gelieferten Panzer": the noun is what the participle's passive is about
            candidates = [(PASSIVE_SUBJECT, token.head, None)] + self._dependents(tree, [token], True, True)
        elif is_verb or token.pos_ in VERBAL:
            chain = tree.verb_chain(token)
            candidates = self._dependents(tree, chain, tree.passive(chain), True)
            if not any(kind in (SUBJECT, PASSIVE_SUBJECT) for kind, _, _ in candidates):
                candidates += [c for c in self._dependents(tree, tree.first_conjunct(chain), False, True)
                               if c[0] == SUBJECT]     # "Russland griff an und zerstörte ...": shared subject
        else:
            candidates = self._dependents(tree, [token], False, False)
        functions = self.grammar["functions"].get(event_type, {})
        chosen: list[tuple[str, object, str | None]] = []
        genitives = []
        for kind, filler, preposition in candidates:
            for conjunct in [filler] + tree.conjuncts(filler):
                if conjunct.i in triggers or conjunct.lemma_.lower() == "sich" or not (
                        conjunct.pos_ in FILLERS or _possessive(conjunct)):
                    continue
                entity_type = self._entity_type(tree.named(conjunct) or conjunct, preposition)
                if kind == GENITIVE:
                    genitives.append((conjunct, entity_type))
                    continue
                role = self._role(event_type, lemma, kind, preposition, conjunct, entity_type)
                if role:
                    chosen.append((role, conjunct, entity_type))
        # a noun's genitive is its object (Zerstörung der Brücke) unless a phrase took that role
        object_role = functions.get("object")
        genitive_role = functions.get("subject") if any(r == object_role for r, _, _ in chosen) else (
            object_role or functions.get("subject"))
        chosen += [(genitive_role, g, entity_type) for g, entity_type in genitives
                   if genitive_role in self.roles[event_type] and entity_type not in ("TIME", "MONEY")]
        arguments, seen = [], set()
        for role, filler, entity_type in chosen:
            first, last = self._extent(tree, filler, entity_type, token)
            argument = Argument(role, _span(filler.doc, first, last, offset), entity_type)
            if (role, argument.span) not in seen:
                seen.add((role, argument.span))
                arguments.append(argument)
        return arguments

    def _dependents(self, tree: _Tree, chain: list, passive: bool,
                    verbal: bool) -> list[tuple[str, object, str | None]]:
        """``(function, filler, preposition)`` of the dependents of a verb chain (``verbal``) or a noun."""
        found = []
        for head in chain:
            for child in head.children:
                kind = tree.fn(child)
                if child in chain or kind not in (SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE, AGENT, OBLIQUE,
                                                  GENITIVE) and not _possessive(child):
                    continue
                preposition, filler = tree.phrase(child)
                if filler is None:
                    continue
                if kind == SUBJECT and passive:
                    kind = PASSIVE_SUBJECT
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

    def _role(self, event_type: str, lemma: str, kind: str, preposition: str | None, filler,
              entity_type: str) -> str | None:
        """The role of a filler by its function (or preposition) and event type, if its entity type fits.

        A passive's agent phrase is the active subject unless its preposition has a role of its
        own for the type (von Belarus nach Kursk verlegt: Origin)."""
        roles, functions = self.roles[event_type], self.grammar["functions"].get(event_type, {})
        intransitive = lemma in self.grammar["intransitive_lemmas"]
        if entity_type == "TIME":
            time_prepositions = self.grammar["time_prepositions"]
            time_phrase = preposition is None or preposition in time_prepositions \
                or self.grammar["contractions"].get(preposition) in time_prepositions
            return "Time" if kind == OBLIQUE and time_phrase and "Time" in roles else None
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
        if role in PLACE_ROLES and entity_type in NOT_PLACES:
            return None
        if role in self.grammar["name_only_roles"] and not _is_name(filler):
            return None
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
        return token.lower_.split("-")[-1] in self.titles

    def _extent(self, tree: _Tree, filler, entity_type: str, trigger) -> tuple[int, int]:
        """First and last token of a filler's span: minimal (guidelines section 3) or the subtree."""
        if self.full_extent:
            return tree.phrase_extent(filler, trigger, minimal=False)
        if entity_type in ("TIME", "MONEY"):
            return tree.phrase_extent(filler, trigger, minimal=True)
        name = tree.named(filler)
        return tree.name_extent(name) if name is not None else (filler.i, filler.i)


class _Tree:
    """Readings of a parsed sentence through grammatical functions, whatever the label scheme."""

    def __init__(self, functions: dict[str, str]):
        self.functions = functions

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
    def followed_by(token, words: tuple[str, ...]) -> bool:
        """Whether ``words`` follow ``token`` in its sentence (ums Leben after kamen)."""
        rest = [t.lower_ for t in _rest_of_sentence(token)]
        n = len(words)
        return any(tuple(rest[j:j + n]) == words for j in range(len(rest) - n + 1))

    def verb_chain(self, verb) -> list:
        """The verb and the auxiliaries and modals above it (TIGER hangs the subject on those);
        STTS tags VA*/VM* tell them where a pipeline tags modals VERB."""
        chain = [verb]
        while self.fn(chain[-1]) == CLAUSE and chain[-1].head.i != chain[-1].i and (
                chain[-1].head.pos_ == "AUX" or chain[-1].head.tag_[:2] in ("VA", "VM")):
            chain.append(chain[-1].head)
        return chain

    def passive(self, chain: list) -> bool:
        verb = chain[0]
        if any(self.fn(c) in (PASSIVE_AUXILIARY, PASSIVE_SUBJECT) for v in chain for c in v.children):
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

    def phrase(self, token) -> tuple[str | None, object]:
        """``(preposition, filler)`` of a dependent: TIGER heads a phrase with its preposition,
        UD hangs the preposition on the noun."""
        if token.pos_ == "ADP":
            kernel = next((c for c in token.children if c.pos_ in FILLERS), None)
            return token.lower_, kernel
        case = next((c for c in token.children if self.fn(c) == CASE or (c.pos_ == "ADP" and c.i < token.i)),
                    None)
        return (case.lower_ if case is not None else None), token

    def antecedent(self, filler, top):
        """A relative pronoun stands for the noun its clause modifies (der ... gereist war -> Borrell)."""
        if "Rel" in filler.morph.get("PronType") and self.fn(top) == RELATIVE_CLAUSE and top.head.i != top.i:
            return top.head
        return filler

    def named(self, token):
        """The name a filler is or introduces (US-Außenminister Antony Blinken, Region Kursk), else None."""
        if _is_name(token):
            return token
        for child in token.children:
            between = token.doc[token.i + 1:child.left_edge.i]
            if child.i > token.i and self.fn(child) in (APPOSITION, NAME, KERNEL) and _is_name(child) \
                    and all(t.is_punct for t in between):
                return child
        return None

    def name_extent(self, token) -> tuple[int, int]:
        """A name in full: its name parts, widened to the entity that holds it within its phrase."""
        parts = [token] + [c for c in token.children if self.fn(c) == NAME and _is_name(c)]
        first, last = min(t.i for t in parts), max(t.i for t in parts)
        entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if entity is not None and token.left_edge.i <= entity.start and entity.end - 1 <= token.right_edge.i:
            first, last = min(first, entity.start), max(last, entity.end - 1)
        return first, last

    def phrase_extent(self, token, trigger, minimal: bool) -> tuple[int, int]:
        """The contiguous part of a filler's subtree around it, without its conjuncts and the part that
        holds the trigger (a relative clause) and without prepositions and punctuation at the edges;
        ``minimal`` also leaves out articles and stops at punctuation (20. Jänner, acht Milliarden Dollar)."""
        left_out = {t.i for c in token.children for t in c.subtree
                    if self.fn(c) in (CONJUNCT, COORDINATOR) or c == trigger or c.is_ancestor(trigger)}
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


def _possessive(token) -> bool:
    return "Yes" in token.morph.get("Poss")


def _span(doc, first: int, last: int, offset: int) -> Span:
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    return Span(offset + start, offset + end, doc.text[start:end])
