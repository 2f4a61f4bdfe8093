"""A learned event extractor: two linear models over a spaCy parse.

**Triggers** are found and typed by token classification. Every word of a sentence
gets sparse features (lemma, lower form, POS, fine tag, dependency relation, head
lemma and POS, word shape, suffixes of 3-6 letters of the lemma for German compound
heads, a separated particle joined with the verb's lemma, the lemmas and POS of a
window of neighbours, and the event type the shared trigger lexicon gives it, as the
spaCy extractor reads the lexicon) and a logistic regression labels it with an event
type or ``O``. A gold trigger labels the token that holds its first character.

**Arguments** are classified per (trigger, candidate) pair. The candidates are the
phrases of the trigger's sentence: nouns, proper names, pronouns, numbers, time and
money expressions, each with the spaCy extractor's minimal span (guidelines section
3: a name in full, a noun alone, a time or amount as a whole), a noun that introduces
a name (US-Außenminister Antony Blinken) beside the name, and no phrase inside
another. A second logistic regression gives each pair a role of the trigger's event
type or ``NONE``, from features in the manner of classic semantic role labelling
(Gildea and Jurafsky 2002): event type, trigger lemma, the candidate's head lemma, POS,
named-entity label and entity type, the dependency path between trigger and candidate
(labels up to their lowest common ancestor), the candidate's preposition, its position
and token distance, whether both are in the same clause, the voice of a verbal
trigger; the structural ones also conjoined with the event type, since roles are
read differently for each type. In training a gold argument labels the candidate
that overlaps it most; other candidates that overlap it are left out.

``fit`` learns from the gold of the documents it is given, and the harness runs it in
folds by document, so a document is never extracted by a model that saw its gold. A
parse depends on no gold, so the training documents' parses are kept across folds.

The hyperparameters (``configs/extractor/sklearn.yaml``) are scikit-learn's defaults
for logistic regression (C = 1, no class weights) and a window of two words on each
side, a common choice for token classification: general practice, not tuned on the
benchmark's documents.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from bench.errors import ExtractorError
from bench.extractors.base import Extractor
from bench.extractors.parse import FILLERS, VERBAL, is_possessive, token_span
from bench.extractors.settings import ClassifierSettings, SklearnSettings, checked
from bench.extractors.spacy_extractor import SpacyExtractor
from bench.extractors.tree import Tree
from bench.schema import Argument, Document, EventMention, load_ontology

OUTSIDE, NO_ROLE = "O", "NONE"
#: upper bounds of the token distance buckets
DISTANCES = (1, 2, 3, 5, 8, 13)
#: the argument features that are also conjoined with the event type
TYPED = ("path", "preposition", "position", "entity_type", "head_lemma", "edge", "same_clause", "voice_path")


@dataclass(frozen=True)
class Candidate:
    """A phrase that may fill a role: its head token, its first and last token, entity type, preposition."""

    head: object
    first: int
    last: int
    entity_type: str
    preposition: str | None


class SklearnExtractor(Extractor):
    """Triggers and arguments from two scikit-learn logistic regressions over a German spaCy parse."""

    trainable = True

    def __init__(self, **settings):
        self.settings = checked(SklearnSettings, settings)
        # the spaCy extractor loads the pipeline and gives the lexicon lookup, entity types and spans
        self.spacy = SpacyExtractor(model=self.settings.model, batch_size=self.settings.batch_size,
                                    label_scheme=self.settings.label_scheme)
        self.window, self.n_features, self.random_state = (
            self.settings.window, self.settings.n_features, self.settings.random_state)
        self.trigger_params = classifier_params(self.settings.trigger)
        self.argument_params = classifier_params(self.settings.argument)
        self.roles = load_ontology().role_sets
        self._parses: dict[str, tuple[str, list]] = {}
        self._triggers: LinearModel | None = None
        self._arguments: LinearModel | None = None
        self._fits: list[dict] = []

    # --- parsing --------------------------------------------------------------------

    def _parse(self, documents: Sequence[Document], keep: bool = False) -> list[list]:
        """``(spaCy Doc, offset)`` of every sentence of each document; ``keep``: cache them by document."""
        todo = [k for k, d in enumerate(documents) if self._parses.get(d.id, (None,))[0] != d.text]
        fresh: dict[int, list] = {k: [] for k in todo}
        for i, doc, start in self.spacy.parse([documents[k] for k in todo]):
            fresh[todo[i]].append((doc, start))
        if keep:
            self._parses.update({documents[k].id: (documents[k].text, fresh[k]) for k in todo})
        return [fresh[k] if k in fresh else self._parses[d.id][1] for k, d in enumerate(documents)]

    # --- features -------------------------------------------------------------------

    def token_features(self, tree: Tree, token) -> dict[str, float]:
        """Sparse features of one word for trigger classification."""
        doc, lemma = token.doc, token.lemma_.lower()
        particle = tree.particle(token)
        in_lexicon = self.spacy.trigger(tree, token)
        values = {"lemma": lemma, "lower": token.lower_, "pos": token.pos_, "tag": token.tag_, "dep": token.dep_,
                  "head_lemma": token.head.lemma_.lower(), "head_pos": token.head.pos_, "shape": token.shape_,
                  "lexicon": in_lexicon[0] if in_lexicon else "-",
                  "particle_lemma": particle + lemma if particle else "-"}
        values.update({f"suffix{n}": lemma[-n:] for n in range(3, 7) if len(lemma) > n})
        for distance in range(1, self.window + 1):
            for j in (token.i - distance, token.i + distance):
                inside = 0 <= j < len(doc)
                values[f"lemma[{j - token.i:+d}]"] = doc[j].lemma_.lower() if inside else "<s>"
                values[f"pos[{j - token.i:+d}]"] = doc[j].pos_ if inside else "<s>"
        features = {f"{name}={value}": 1.0 for name, value in values.items()}
        features["bias"] = 1.0
        return features

    def argument_features(self, tree: Tree, trigger, event_type: str, candidate: Candidate,
                          triggers: set[int]) -> dict[str, float]:
        """Sparse features of a (trigger, candidate) pair for argument classification."""
        head = candidate.head
        path = dependency_path(trigger, head)
        path_text = "-" if path is None else "/".join(["^" + label for label in path[0]] +
                                                       ["v" + label for label in path[1]])
        verbal = trigger.pos_ in VERBAL
        voice = ("passive" if tree.passive(tree.verb_chain(trigger)) else "active") if verbal else "nominal"
        distance = abs(head.i - trigger.i)
        values = {"type": event_type, "trigger_lemma": trigger.lemma_.lower(), "head_lemma": head.lemma_.lower(),
                  "head_pos": head.pos_, "ner": head.ent_type_ or "-", "entity_type": candidate.entity_type,
                  "preposition": candidate.preposition or "-", "path": path_text, "edge": head.dep_,
                  "path_length": "-" if path is None else str(min(len(path[0]) + len(path[1]), 6)),
                  "position": "before" if head.i < trigger.i else "after",
                  "distance": next((str(d) for d in DISTANCES if distance <= d), "far"),
                  "same_clause": str(clause(tree, trigger) == clause(tree, head)),
                  "voice": voice, "voice_path": f"{voice}|{path_text}", "is_trigger": str(head.i in triggers),
                  "trigger_preposition": f"{trigger.lemma_.lower()}|{candidate.preposition or '-'}"}
        features = {f"{name}={value}": 1.0 for name, value in values.items()}
        features.update({f"type*{name}={event_type}|{values[name]}": 1.0 for name in TYPED})
        features["bias"] = 1.0
        return features

    # --- candidates -----------------------------------------------------------------

    def candidates(self, tree: Tree, trigger) -> list[Candidate]:
        """The phrases of the trigger's sentence that may be its arguments, with minimal spans, in order."""
        by_span: dict[tuple[int, int], Candidate] = {}
        for token in trigger.doc:
            if token.i == trigger.i or token.lemma_.lower() == "sich" or "Rel" in token.morph.get("PronType") \
                    or not (token.pos_ in FILLERS or is_possessive(token)):
                continue    # a relative pronoun stands for its antecedent, which is a candidate itself
            preposition = candidate_preposition(tree, token)
            name = tree.named(token)
            entity_type = self.spacy.fillers.entity_type(name or token, preposition)
            readings = [(self.spacy.fillers.extent(tree, token, entity_type, trigger), entity_type)]
            if name is not None and name.i != token.i:    # the noun that introduces a name, on its own
                readings.append(((token.i, token.i), self.spacy.fillers.entity_type(token, preposition)))
            for (first, last), entity_type in readings:
                known = by_span.get((first, last))
                if first <= trigger.i <= last or (known is not None and depth(known.head) <= depth(token)):
                    continue
                by_span[(first, last)] = Candidate(token, first, last, entity_type, preposition)
        return [c for span, c in sorted(by_span.items())
                if not any(o[0] <= span[0] and span[1] <= o[1] and o != span for o in by_span)]

    # --- training -------------------------------------------------------------------

    def fit(self, documents: Sequence[Document], gold: Mapping[str, Sequence[EventMention]]) -> None:
        trigger_x, trigger_y, argument_x, argument_y = [], [], [], []
        for document, sentences in zip(documents, self._parse(documents, keep=True)):
            for doc, offset in sentences:
                tree = self.spacy.tree(doc)
                events = gold_triggers(doc, offset, gold.get(document.id, ()))
                for token in words(doc):
                    trigger_x.append(self.token_features(tree, token))
                    trigger_y.append(events[token.i].type if token.i in events else OUTSIDE)
                for i, mention in events.items():
                    candidates = self.candidates(tree, doc[i])
                    for candidate, role in zip(candidates, candidate_roles(candidates, mention, doc, offset)):
                        if role is not None:
                            argument_x.append(self.argument_features(tree, doc[i], mention.type, candidate, {*events}))
                            argument_y.append(role)
        self._triggers = LinearModel(self.trigger_params, self.n_features, self.random_state, OUTSIDE)
        self._arguments = LinearModel(self.argument_params, self.n_features, self.random_state, NO_ROLE)
        self._fits.append({"training_documents": [d.id for d in documents],
                           "triggers": self._triggers.fit(trigger_x, trigger_y),
                           "arguments": self._arguments.fit(argument_x, argument_y)})

    # --- extraction -----------------------------------------------------------------

    def extract(self, document: Document) -> list[EventMention]:
        return next(self.extract_batch([document]))

    def extract_batch(self, documents: Sequence[Document]) -> Iterator[list[EventMention]]:
        if self._triggers is None or self._arguments is None:
            raise ExtractorError("the sklearn extractor must be fitted (fit) before it extracts")
        documents = list(documents)
        for document, sentences in zip(documents, self._parse(documents)):
            yield [m for doc, offset in sentences for m in self.sentence_mentions(document.id, doc, offset)]

    def sentence_mentions(self, doc_id: str, doc, offset: int) -> list[EventMention]:
        """The mentions the fitted models find in one parsed sentence starting at ``offset``."""
        tree, tokens = self.spacy.tree(doc), words(doc)
        labels = self._triggers.predict([self.token_features(tree, t) for t in tokens])
        events = {t.i: label for t, label in zip(tokens, labels) if label != OUTSIDE}
        mentions = []
        for i, event_type in events.items():
            candidates = self.candidates(tree, doc[i])
            allowed = self.roles[event_type] | {NO_ROLE}
            roles = self._arguments.predict(
                [self.argument_features(tree, doc[i], event_type, c, set(events)) for c in candidates],
                [allowed] * len(candidates))
            arguments = tuple(Argument(role, token_span(doc, c.first, c.last, offset), c.entity_type)
                              for c, role in zip(candidates, roles) if role != NO_ROLE)
            mentions.append(EventMention(doc_id, event_type, token_span(doc, i, i, offset), arguments))
        return mentions

    def run_info(self) -> dict:
        return {**self.spacy.run_info(), "fits": self._fits}


class LinearModel:
    """Feature dicts -> labels: a DictVectorizer (or a FeatureHasher of ``n_features``) and a logistic
    regression. With fewer than two labels in training it always answers the label it saw (or ``default``)."""

    def __init__(self, params: dict, n_features: int | None, random_state: int, default: str):
        self.params, self.n_features, self.random_state, self.default = params, n_features, random_state, default
        self.vectorizer = self.model = None
        self.constant = default

    def fit(self, features: list[dict], labels: list[str]) -> dict:
        """Fit, and say what was learned from: examples, labels, features, iterations."""
        from sklearn.feature_extraction import DictVectorizer, FeatureHasher
        from sklearn.linear_model import LogisticRegression

        classes = sorted(set(labels))
        info = {"examples": len(labels), "labels": len(classes)}
        if len(classes) < 2:
            self.model, self.constant = None, classes[0] if classes else self.default
            return info
        self.vectorizer = FeatureHasher(self.n_features, alternate_sign=False) if self.n_features else DictVectorizer()
        matrix = self.vectorizer.fit_transform(features)
        with threadpool_limits(1, "blas"):    # threads only slow these small problems down (many times on 2 cores)
            self.model = LogisticRegression(random_state=self.random_state, **self.params).fit(matrix, labels)
        iterations = int(np.max(self.model.n_iter_))
        return {**info, "features": matrix.shape[1], "iterations": iterations,
                "converged": iterations < self.params["max_iter"]}

    def predict(self, features: list[dict], allowed: Sequence[set[str]] | None = None) -> list[str]:
        """The most probable label of each example, among its ``allowed`` labels if given."""
        if not features:
            return []
        if self.model is None:
            return [self.constant if allowed is None or self.constant in allowed[k] else self.default
                    for k in range(len(features))]
        with threadpool_limits(1, "blas"):
            probabilities = self.model.predict_proba(self.vectorizer.transform(features))
        classes = self.model.classes_
        if allowed is not None:
            mask = np.array([[label in labels for label in classes] for labels in allowed])
            probabilities = np.where(mask, probabilities, -1.0)
        return [str(classes[j]) for j in probabilities.argmax(axis=1)]


def classifier_params(settings: ClassifierSettings) -> dict:
    """The keyword arguments of one logistic regression (C, class_weight, max_iter)."""
    params = asdict(settings)
    if isinstance(params["class_weight"], Mapping):
        params["class_weight"] = {str(k): float(v) for k, v in params["class_weight"].items()}
    return params


# --- reading a parse ---------------------------------------------------------------

def words(doc) -> list:
    """The tokens that may be triggers: those that begin with a letter."""
    return [t for t in doc if t.text[:1].isalpha()]


def gold_triggers(doc, offset: int, mentions: Sequence[EventMention]) -> dict[int, EventMention]:
    """Gold mentions of a sentence by the index of the token that holds their trigger's first character."""
    found = {}
    for mention in mentions:
        start = mention.trigger.start
        if start is None or not offset <= start < offset + len(doc.text):
            continue
        token = doc.char_span(start - offset, start - offset + 1, alignment_mode="expand")
        if token is not None and len(token):
            found.setdefault(token.start, mention)
    return found


def candidate_roles(candidates: Sequence[Candidate], mention: EventMention, doc, offset: int) -> list[str | None]:
    """Training labels of the candidates of a gold mention: the role of the gold argument a candidate
    overlaps most, ``NONE`` if it overlaps none, None (left out) if another candidate took that argument."""
    spans = [(offset + doc[c.first].idx, offset + doc[c.last].idx + len(doc[c.last].text)) for c in candidates]
    labels: list[str | None] = [NO_ROLE] * len(candidates)
    for argument in mention.arguments:
        a = argument.span
        if not a.aligned:
            continue
        overlaps = [(min(end, a.end) - max(start, a.start), -k) for k, (start, end) in enumerate(spans)
                    if start < a.end and a.start < end]
        if not overlaps:
            continue
        for _, k in overlaps:
            if labels[-k] == NO_ROLE:
                labels[-k] = None
        labels[-max(overlaps)[1]] = argument.role
    return labels


def candidate_preposition(tree: Tree, token) -> str | None:
    """The preposition of a noun: its case dependent (UD) or the preposition it hangs on (TIGER)."""
    preposition, _ = tree.phrase(token)
    if preposition is None and token.head.pos_ == "ADP" and token.head.i < token.i:
        return token.head.lower_
    return preposition


def dependency_path(source, target) -> tuple[list[str], list[str]] | None:
    """Dependency labels from ``source`` up to the lowest common ancestor and from there down to
    ``target``; None when they are in different trees (the parser split the sentence)."""
    up = [source, *source.ancestors]
    place = {t.i: k for k, t in enumerate(up)}
    down = []
    for token in [target, *target.ancestors]:
        if token.i in place:
            return [t.dep_ for t in up[:place[token.i]]], [t.dep_ for t in reversed(down)]
        down.append(token)
    return None


def clause(tree: Tree, token) -> int:
    """The clause a token belongs to: the top of the verb chain of its nearest verb (-1: none)."""
    for t in [token, *token.ancestors]:
        if t.pos_ in VERBAL:
            return tree.verb_chain(t)[-1].i
    return -1


def depth(token) -> int:
    return sum(1 for _ in token.ancestors)
