"""The extractor interface.

An extractor is any class with ``extract(document) -> list[EventMention]``; a config
file under ``configs/extractor/`` names it with ``_target_`` and gives its parameters,
and Hydra builds it. Extractors see a document's id, text and sentence spans, never
the gold.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

from bench.schema import Document, EventMention


class Extractor(ABC):
    @abstractmethod
    def extract(self, document: Document) -> list[EventMention]:
        """Event mentions of one document, with offsets or with text only."""

    def extract_batch(self, documents: Sequence[Document]) -> Iterator[list[EventMention]]:
        """Mentions of each document in order; override to batch (models, APIs)."""
        for document in documents:
            yield self.extract(document)

    def run_info(self) -> dict:
        """Figures about the run to keep in the result folder (requests, tokens, ...)."""
        return {}
