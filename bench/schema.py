"""The data model: spans, event mentions, documents, and the ontology they follow."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from bench.paths import PROJECT_ROOT

ONTOLOGY_PATH = PROJECT_ROOT / "annotations" / "ontology.yaml"


def read_yaml(path: Path):
    """A YAML file's data as ``yaml.safe_load`` reads it, with libyaml where PyYAML has it (several times faster)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start`` (inclusive) to ``end`` (exclusive), in code points.

    ``start`` and ``end`` are None for a span given as text only, which alignment places;
    a text that alignment found nowhere in the document keeps None and is marked
    ``unfound`` (it stays a false positive, and is never placed later). Files write an
    unfound span as ``{"start": null, "end": null, "text": ..., "found": false}``.
    """

    start: int | None
    end: int | None
    text: str = ""
    unfound: bool = False

    @property
    def aligned(self) -> bool:
        """True when the span has offsets in its document."""
        return self.start is not None

    def overlaps(self, other: Span) -> bool:
        return self.aligned and other.aligned and self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Argument:
    """A role of an event filled by a span; ``entity_id`` names the entity across its mentions."""

    role: str
    span: Span
    entity_type: str | None = None
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class EventMention:
    """One event in a document: its type, trigger and arguments; ``cluster`` groups the mentions of one
    event (event coreference), ``attributes`` (polarity, modality, ...) leave ``==`` out."""

    doc_id: str
    type: str
    trigger: Span
    arguments: tuple[Argument, ...] = ()
    attributes: dict = field(default_factory=dict, hash=False, compare=False)
    id: str | None = None
    cluster: str | None = None


@dataclass(frozen=True)
class Document:
    """What an extractor sees: the text, its sentence spans and its id."""

    id: str
    text: str
    sentences: tuple[Span, ...]

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence holding character ``offset`` (-1 if none)."""
        starts = self._ordered_starts
        if starts is not None:                     # disjoint sentences in text order: a binary search
            i = bisect_right(starts, offset) - 1
            return i if i >= 0 and offset < self.sentences[i].end else -1
        for i, sentence in enumerate(self.sentences):
            if sentence.start <= offset < sentence.end:
                return i
        return -1

    @cached_property
    def _ordered_starts(self) -> list[int] | None:
        """The sentence starts if the sentences are disjoint and in text order (as split_sentences gives them)."""
        ordered = all(a.end <= b.start for a, b in zip(self.sentences, self.sentences[1:]))
        return [s.start for s in self.sentences] if ordered else None


@dataclass(frozen=True)
class Ontology:
    version: str
    event_types: dict[str, dict]
    entity_types: dict[str, str]
    attributes: dict[str, list[str]]
    #: earlier versions whose files read unchanged under this one (it only adds to them)
    compatible: tuple[str, ...] = ()

    def reads(self, version) -> bool:
        """True when an annotation file of ``version`` can be read under this ontology."""
        return version == self.version or version in self.compatible

    def roles(self, event_type: str) -> list[str]:
        return self.event_types[event_type]["roles"]

    @cached_property
    def role_sets(self) -> dict[str, frozenset[str]]:
        """The roles of each event type, for lookups."""
        return {event_type: frozenset(spec["roles"]) for event_type, spec in self.event_types.items()}

    @classmethod
    def from_file(cls, path: Path) -> Ontology:
        raw = read_yaml(path)
        return cls(
            version=str(raw["version"]),
            event_types=raw["event_types"],
            entity_types=raw["entity_types"],
            attributes=raw["attributes"],
            compatible=tuple(str(v) for v in raw.get("compatible", ())),
        )


@lru_cache(maxsize=None)
def load_ontology(path: Path = ONTOLOGY_PATH) -> Ontology:
    return Ontology.from_file(path)
