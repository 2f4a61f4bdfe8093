"""The LLM extractor: documents in sentence windows -> prompts -> API -> parsed, aligned mentions."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial

from omegaconf import OmegaConf

from bench.errors import ExtractorError
from bench.extractors.base import Extractor
from bench.extractors.llm.api import Adapter, build_adapter
from bench.extractors.llm.batch import BatchSettings
from bench.extractors.llm.cache import ResponseCache
from bench.extractors.llm.client import Client
from bench.extractors.llm.clustering import EventClusterer
from bench.extractors.llm.parsing import AnswerReader
from bench.extractors.llm.prompts import Example, Prompts, draw_examples, windows
from bench.paths import project_path
from bench.schema import Document, EventMention, load_ontology

log = logging.getLogger(__name__)


def _plain(value):
    """Hydra hands nested config as DictConfig; requests and cache keys need plain JSON values."""
    return OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value


class LLMExtractor(Extractor):
    """Zero-shot (``few_shot: 0``) or few-shot: with ``few_shot: k`` the extractor is trainable
    and ``fit`` draws k example sentences with their gold events from the training documents.

    With ``cluster_events: true`` (zero-shot only) the model is then asked which of the
    mentions of all documents refer to the same real-world event (see ``clustering``), and
    every mention gets a cluster id.

    With ``batch: true`` the requests go out as one provider batch (see ``batch``), priced at
    ``batch_price_per_million``. ``system_prompt`` names the system template (``system``:
    compact rules, ``system_guidelines``: the annotation guidelines); ``attributes: true``
    asks for the events' attributes as well. ``offline: true`` takes every answer from the
    cache and stops, sending nothing, if one is missing (``rescore`` runs so).

    Paths (``prompts``, ``cache_path``) are relative to the project root unless absolute.
    The API key is read from the environment variable named by ``api_key_env`` when the
    first request is sent and is kept nowhere else.
    """

    #: request parameters that run.json always reports (null when not set)
    REPORTED_PARAMETERS = ("temperature", "seed", "max_tokens")

    def __init__(self, api: Callable[..., Adapter], model: str, base_url: str | None = None,
                 api_key_env: str | None = None, parameters: Mapping | None = None, structured_output: bool = True,
                 timeout: float = 60.0, concurrency: int = 8, max_attempts: int = 6, backoff_base: float = 1.0,
                 backoff_max: float = 60.0, window_sentences: int = 8, few_shot: int = 0, few_shot_seed: int = 0,
                 prompts: str = "configs/prompts", cache_path: str | None = "results/.cache/llm.sqlite",
                 cache_mode: str = "read-write", price_per_million: Mapping | None = None, progress: bool = True,
                 cluster_events: bool = False, cluster_chunk_size: int = 50, max_failed_share: float = 0.0,
                 batch: bool = False, batch_poll_interval: float = 30.0, batch_deadline: float = 86400.0,
                 batch_resend_failed: bool = False, batch_price_per_million: Mapping | None = None,
                 system_prompt: str = "system", attributes: bool = False, offline: bool = False):
        if cluster_events and few_shot > 0:
            raise ExtractorError("extractor.cluster_events needs few_shot=0: a few-shot extractor is fitted and run "
                                 "per fold of documents, so it never sees all documents together to group them")
        self.adapter = build_adapter(api, model=model, base_url=base_url, api_key_env=api_key_env,
                                     parameters=_plain(parameters), structured_output=structured_output,
                                     timeout=timeout)
        cache = ResponseCache(project_path(cache_path) if cache_path else None, cache_mode)
        self.batch = batch
        settings = BatchSettings(batch_poll_interval, batch_deadline, batch_resend_failed) if batch else None
        client = partial(Client, self.adapter, cache, concurrency=concurrency, max_attempts=max_attempts,
                         backoff_base=backoff_base, backoff_max=backoff_max, progress=progress, batch=settings,
                         offline=offline)
        self.client = client()
        ontology = load_ontology()
        self.prompts = Prompts(project_path(prompts), ontology, clusters=cluster_events, system=system_prompt,
                               attributes=attributes)
        self.clusterer = EventClusterer(client(), self.prompts, cluster_chunk_size) if cluster_events else None
        self.reader = AnswerReader(ontology, attributes)
        #: set to a dict to plan instead of run: ``extract_batch`` then records each request's payload by
        #: cache key and sends nothing (``batch export`` and ``batch import`` use it)
        self.planned: dict[str, dict] | None = None
        self.api = f"{type(self.adapter).__module__}.{type(self.adapter).__qualname__}"
        self.window_sentences = window_sentences
        self.few_shot = few_shot
        self.few_shot_seed = few_shot_seed
        self.price_per_million = _plain(batch_price_per_million if batch else price_per_million)
        self.trainable = few_shot > 0
        if not 0 <= max_failed_share <= 1:
            raise ExtractorError(f"extractor.max_failed_share must be between 0 and 1, got {max_failed_share!r}")
        self.max_failed_share = max_failed_share
        self.examples: list[Example] = []
        self.windows = 0
        self.failed_windows = 0

    def fit(self, documents: Sequence[Document], gold: Mapping[str, Sequence[EventMention]]) -> None:
        self.examples = draw_examples(documents, gold, self.few_shot, self.few_shot_seed)
        if len(self.examples) < self.few_shot:
            log.warning("few-shot: %d example(s) asked for, the training documents have %d",
                        self.few_shot, len(self.examples))

    def extract(self, document: Document) -> list[EventMention]:
        return next(self.extract_batch([document]))

    def extract_batch(self, documents: Sequence[Document]) -> Iterator[list[EventMention]]:
        """All windows of all documents go out together, so they share the concurrency; then,
        if asked, the mentions of all documents are clustered."""
        system = self.prompts.system(self.examples)
        jobs = [window for document in documents for window in windows(document, self.window_sentences)]
        requests = [self.prompts.request(system, window) for window in jobs]
        if self.planned is not None:
            self.planned.update(zip(*self.client.keyed(requests)))
            yield from ([] for _ in documents)
            return
        answers = self.client.run(requests)
        self._check_failures(sum(answer is None for answer in answers), len(jobs))
        found: dict[str, list[EventMention]] = {document.id: [] for document in documents}
        for window, answer in zip(jobs, answers):
            if answer is None:
                self.failed_windows += 1
            else:
                found[window.document.id] += self.reader.mentions(window, answer.text)
        self.windows += len(jobs)
        if self.clusterer is not None:
            found = self.clusterer(documents, found)
        for document in documents:
            yield found[document.id]

    def _check_failures(self, failed: int, total: int) -> None:
        """A run with more failed requests than ``max_failed_share`` allows is not a result: it stops
        before anything is scored (the answers that came are cached, so a rerun asks only for the rest)."""
        if failed and failed > self.max_failed_share * total:
            kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.client.stats.failures.items()))
            again = "with extractor.batch_resend_failed=true " if self.batch else ""
            raise ExtractorError(f"{failed} of {total} requests failed ({kinds}); no result was written. Rerun "
                                 f"{again}to send only the failed ones again (the answers so far are cached), or "
                                 f"accept a share of failures with extractor.max_failed_share=0.05")

    def run_info(self) -> dict:
        parameters = self.adapter.parameters
        return {"llm": {"api": self.api, "model": self.adapter.model, "base_url": self.adapter.base_url,
                        "sdk_versions": self.adapter.sdk_versions(),
                        "prompt_version": self.prompts.version(), "system_prompt": self.prompts.system_name,
                        "attributes": self.prompts.attributes, "batch": self.batch,
                        **{name: parameters.get(name) for name in self.REPORTED_PARAMETERS},
                        "structured_output": self.adapter.structured_output,
                        "window_sentences": self.window_sentences, "few_shot": self.few_shot,
                        "windows": self.windows, "failed_windows": self.failed_windows,
                        **self.client.stats.summary(self.price_per_million), **self.reader.summary(),
                        **({"clustering": self.clusterer.summary(self.price_per_million)} if self.clusterer else {})}}
