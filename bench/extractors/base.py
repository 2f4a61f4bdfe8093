"""The extractor interface.

An extractor is any class with ``extract(document) -> list[EventMention]``; a config
file under ``configs/extractor/`` names it with ``_target_`` and gives its parameters,
and Hydra builds it. Extractors see a document's id, text and sentence spans, never
the gold of the document they extract from.

A trainable extractor (``trainable = True``: a learned model, or an LLM with few-shot
examples) also gets ``fit(documents, gold)``. The harness calls it in folds by
document, so every document is extracted by a model fitted on other documents only.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence

from bench.schema import Document, EventMention


class Extractor(ABC):
    #: whether the harness must call ``fit`` on training folds before extracting
    trainable: bool = False

    def fit(self, documents: Sequence[Document], gold: Mapping[str, Sequence[EventMention]]) -> None:
        """Learn from documents with their gold mentions (by document id); only for trainable extractors."""

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
