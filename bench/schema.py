"""The data model: spans, event mentions, documents, and the ontology they follow."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_PATH = PROJECT_ROOT / "annotations" / "ontology.yaml"

#: Offsets of a span that could not be found in its document (a hallucinated string).
#: A span whose offsets were never given (text-only predictions) has start None.
UNALIGNED = -1


@dataclass(frozen=True)
class Span:
    """Characters ``start`` (inclusive) to ``end`` (exclusive), in code points."""

    start: int | None
    end: int | None
    text: str = ""

    @property
    def aligned(self) -> bool:
        """True when the span has real offsets (not missing, not unfound)."""
        return self.start is not None and self.start >= 0

    def overlaps(self, other: Span) -> bool:
        return self.aligned and other.aligned and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Argument:
    role: str
    span: Span
    entity_type: str | None = None
    entity_id: str | None = None


@dataclass(frozen=True)
class EventMention:
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
        for i, sentence in enumerate(self.sentences):
            if sentence.start <= offset < sentence.end:
                return i
        return -1


@dataclass(frozen=True)
class Ontology:
    version: str
    event_types: dict[str, dict]
    entity_types: dict[str, str]
    attributes: dict[str, list[str]]

    def roles(self, event_type: str) -> list[str]:
        return self.event_types[event_type]["roles"]

    @classmethod
    def from_file(cls, path: Path) -> Ontology:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            version=str(raw["version"]),
            event_types=raw["event_types"],
            entity_types=raw["entity_types"],
            attributes=raw["attributes"],
        )


@lru_cache(maxsize=None)
def load_ontology(path: Path = ONTOLOGY_PATH) -> Ontology:
    return Ontology.from_file(path)
