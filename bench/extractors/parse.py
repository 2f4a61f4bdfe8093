"""Reading a German spaCy parse: label schemes, the pipeline, and token helpers.

A parser labels dependencies in TIGER (spaCy's official German pipelines) or Universal
Dependencies (others); ``bench/resources/spacy/labels.yaml`` maps both to the grammatical
functions named here, so the readers (``tree.py``, the spaCy and the learned extractor)
reason in functions, whatever the scheme. ``parse_sentences`` is the one place that sends
sentences through ``nlp.pipe``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from bench.errors import ExtractorError
from bench.extractors.lexicon import RESOURCES, load_yaml
from bench.paths import PROJECT_ROOT
from bench.schema import Document, Span

LABELS = load_yaml("labels.yaml", RESOURCES.parent / "spacy")

SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE = "subject", "passive_subject", "object", "dative"
AGENT, OBLIQUE, GENITIVE = "agent", "oblique", "genitive"
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


class Dependent(NamedTuple):
    """A phrase that depends on a word: its grammatical function, the word that fills it, its preposition."""

    function: str | None
    filler: object
    preposition: str | None


def detect_scheme(labels: Iterable[str]) -> str | None:
    """``tiger`` or ``ud``: the scheme most of ``labels`` belong to (None if neither)."""
    labels = set(labels)
    counts = {name: len(labels & set(table)) for name, table in LABELS["schemes"].items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def load_pipeline(model: str):
    """A German spaCy pipeline with a parser: an installed package name or a folder (relative to the
    working directory, else to the project root)."""
    try:
        import spacy
    except ImportError:
        raise ExtractorError("spaCy is not installed: pip install 'spacy>=3.7,<3.9'") from None
    path = Path(model).expanduser()
    if not path.is_absolute() and not path.exists() and (PROJECT_ROOT / path).exists():
        path = PROJECT_ROOT / path
    try:
        nlp = spacy.load(path if path.exists() else model)
    except (OSError, ValueError) as err:
        reason = str(err).splitlines()[0]
        raise ExtractorError(
            f"cannot load the spaCy model {model!r}: {reason}\n"
            "Install an official German pipeline with `python -m spacy download de_core_news_sm` "
            "(or de_core_news_md / de_core_news_lg) and choose it with extractor.model=NAME, or set "
            "extractor.model (or the environment variable BENCH_SPACY_MODEL) to a pipeline folder.") from None
    if nlp.lang != "de":
        raise ExtractorError(f"the spaCy model {model!r} is for language {nlp.lang!r}; "
                             "the extractor needs a German pipeline (de_core_news_sm/md/lg)")
    if "parser" not in nlp.pipe_names:
        raise ExtractorError(f"the spaCy model {model!r} has no dependency parser; "
                             "use a German pipeline with one (de_core_news_sm/md/lg)")
    return nlp


def pipeline_scheme(nlp, model: str) -> str:
    """The label scheme of a pipeline's parser."""
    scheme = detect_scheme(nlp.get_pipe("parser").labels)
    if scheme is None:
        raise ExtractorError(f"the parser of {model!r} uses neither TIGER nor UD labels; set extractor.label_scheme")
    return scheme


def parse_sentences(nlp, documents: Sequence[Document], batch_size: int,
                    n_process: int = 1) -> Iterator[tuple[int, object, int]]:
    """``(document index, parsed sentence, the sentence's first character)`` of every sentence of
    ``documents``, in order: each sentence is parsed on its own, all through one ``nlp.pipe``."""
    sentences = ((d.text[s.start:s.end], (k, s.start)) for k, d in enumerate(documents) for s in d.sentences)
    for doc, (k, start) in nlp.pipe(sentences, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield k, doc, start


def token_span(doc, first: int, last: int, offset: int) -> Span:
    """The span of tokens ``first`` to ``last`` of a sentence whose first character is ``offset``."""
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    return Span(offset + start, offset + end, doc.text[start:end])


# --- token helpers ------------------------------------------------------------------

def rest_of_sentence(token) -> Iterator:
    """The tokens after ``token`` up to the end of its sentence."""
    for later in token.doc[token.i + 1:]:
        if later.is_sent_start:
            return
        yield later


def is_name(token) -> bool:
    return token.pos_ == "PROPN" or bool(token.ent_type_)


def is_reflexive(token) -> bool:
    return token.lemma_.lower() == "sich"


def subject_before_insertion(verb):
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


def following_phrase(noun) -> tuple[str, object] | None:
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


def closes_clause(token, particle: str) -> bool:
    """Whether ``particle`` stands after ``token`` right before a punctuation mark or the end."""
    doc = token.doc
    return any(t.lower_ == particle and (t.i + 1 == len(doc) or doc[t.i + 1].is_punct)
               for t in rest_of_sentence(token))


def is_zu_infinitive(token) -> bool:
    """An infinitive with zu (zu liefern, anzugreifen), which has no subject of its own."""
    return token.i > 0 and token.doc[token.i - 1].lower_ == "zu" or "zu" in token.lower_[2:-3] and (
        "Inf" in token.morph.get("VerbForm") or token.tag_ == "VVIZU")


def counted_noun(token):
    """The noun a comparative amount counts, which a weak parser may leave as the head (Mehr als 300
    Menschen -> Menschen); else the token itself."""
    doc = token.doc
    if token.lower_ not in ("mehr", "weniger") or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "als":
        return token
    return next((t for t in doc[token.i + 2:token.i + 6] if t.pos_ in NOUNS), token)


def is_initial_adjective(token) -> bool:
    """An adjective that starts the sentence, capital for that reason only (Kirgisische Truppen); within a
    sentence a capital adjective starts a name (die Vereinten Nationen)."""
    return token.is_sent_start and (token.pos_ == "ADJ" or token.tag_ in ADJECTIVE_TAGS)


def is_counted(token) -> bool:
    """Whether a noun has a number or quantifier (zwei Tage, wenige Tage)."""
    return any(c.pos_ == "NUM" or c.like_num or "Ind" in c.morph.get("PronType") for c in token.children)


def is_possessive(token) -> bool:
    return "Yes" in token.morph.get("Poss")

