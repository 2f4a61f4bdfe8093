"""Running many requests through an adapter: cache first, then at most ``concurrency`` at
once, each retried with exponential backoff and jitter on rate limits, server errors,
timeouts and lost connections (honouring Retry-After), or all of them as one provider
batch (see ``batch``); with a progress bar and the run's accounting (requests, tokens,
latency, cost, failures)."""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from bench.errors import ExtractorError
from bench.extractors.llm.api import Adapter, Failure, Request, Response
from bench.extractors.llm.batch import BatchRunner, BatchSettings
from bench.extractors.llm.cache import ResponseCache, cache_key

log = logging.getLogger(__name__)


@dataclass
class Stats:
    requests: int = 0           # attempts sent to the API, retries included
    cache_hits: int = 0
    retries: int = 0
    failed_requests: int = 0    # requests given up after their last attempt
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latencies: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)      # failed attempts by kind
    models: Counter = field(default_factory=Counter)        # model names the server reported
    finish_reasons: Counter = field(default_factory=Counter)
    batches: list[dict] = field(default_factory=list)       # provider batches polled by this run
    failed_in_earlier_batches: int = 0   # requests counted as failed because an ended batch failed them

    def record(self, response: Response, seconds: float | None = None) -> None:
        self.prompt_tokens += response.prompt_tokens
        self.completion_tokens += response.completion_tokens
        if seconds is not None:
            self.latencies.append(seconds)
        self.models[response.model] += 1
        self.finish_reasons[response.finish_reason] += 1

    def count_failure(self, kind: str, earlier: bool = False) -> None:
        """A request given up for good (``earlier``: in a batch of an earlier run)."""
        self.failed_requests += 1
        self.failures[kind] += 1
        self.failed_in_earlier_batches += earlier

    def summary(self, price_per_million: dict | None = None) -> dict:
        """Figures for run.json; tokens and cost are those of the requests this run sent."""
        percentiles = dict(zip(("p50", "p90", "p99"), np.percentile(self.latencies, [50, 90, 99]).round(3).tolist())) \
            if self.latencies else None
        cost = None
        if price_per_million:
            cost = round((self.prompt_tokens * price_per_million.get("prompt", 0)
                          + self.completion_tokens * price_per_million.get("completion", 0)) / 1e6, 6)
        return {"requests": self.requests, "cache_hits": self.cache_hits, "retries": self.retries,
                "failed_requests": self.failed_requests, "failures": dict(sorted(self.failures.items())),
                "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "latency_seconds": percentiles, "cost_usd": cost, "models_reported": dict(sorted(self.models.items())),
                "finish_reasons": dict(sorted(self.finish_reasons.items())),
                **({"batches": self.batches, "failed_in_earlier_batches": self.failed_in_earlier_batches}
                   if self.batches or self.failed_in_earlier_batches else {})}


class Client:
    def __init__(self, adapter: Adapter, cache: ResponseCache, concurrency: int = 8, max_attempts: int = 6,
                 backoff_base: float = 1.0, backoff_max: float = 60.0, progress: bool = True,
                 batch: BatchSettings | None = None, offline: bool = False):
        if concurrency < 1 or max_attempts < 1:
            raise ExtractorError("concurrency and max_attempts must be at least 1")
        self.adapter = adapter
        self.cache = cache
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.progress = progress
        self.batch = BatchRunner(adapter, cache, batch, progress) if batch is not None else None
        self.offline = offline
        self.stats = Stats()

    def keyed(self, requests: Sequence[Request]) -> tuple[list[str], list[dict]]:
        """The cache keys and payloads of ``requests``, in order."""
        payloads = [self.adapter.payload(r) for r in requests]
        return [cache_key(self.adapter.identity(), p) for p in payloads], payloads

    def run(self, requests: Sequence[Request]) -> list[Response | None]:
        """The responses in order; None where a request failed for good (counted in the stats)."""
        keys, payloads = self.keyed(requests)
        results: list[Response | None] = [self.cache.get(k) for k in keys]
        hits = sum(r is not None for r in results)
        self.stats.cache_hits += hits
        missing = [i for i, r in enumerate(results) if r is None]
        if missing and self.offline:
            raise ExtractorError(f"{len(missing)} of {len(requests)} answers are not in the response cache "
                                 f"{self.cache.path if self.cache.reads else '(cache_mode has no read)'}; "
                                 f"offline, no request is sent")
        if missing and self.batch is not None:
            outcomes = self.batch.run({keys[i]: payloads[i] for i in missing}, self.stats)
            for i in missing:
                results[i] = outcomes[keys[i]] if isinstance(outcomes[keys[i]], Response) else None
        elif missing:
            answers = asyncio.run(self._send_all([payloads[i] for i in missing], [keys[i] for i in missing],
                                                 len(requests)))
            for i, answer in zip(missing, answers):
                results[i] = answer
        return results

    async def _send_all(self, payloads: list[dict], keys: list[str], total: int) -> list[Response | None]:
        semaphore = asyncio.Semaphore(self.concurrency)
        async with self.adapter:
            with tqdm(total=total, initial=total - len(payloads), unit="req", disable=not self.progress,
                      desc=f"{self.adapter.provider} {self.adapter.model}") as bar:
                tasks = [asyncio.ensure_future(self._send(p, k, semaphore, bar)) for p, k in zip(payloads, keys)]
                try:
                    return await asyncio.gather(*tasks)
                except BaseException:
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    raise

    async def _send(self, payload: dict, key: str, semaphore: asyncio.Semaphore, bar: tqdm) -> Response | None:
        async with semaphore:
            for attempt in range(1, self.max_attempts + 1):
                self.stats.requests += 1
                started = time.perf_counter()
                try:
                    response = await asyncio.wait_for(self.adapter.send(payload), self.adapter.timeout)
                except Exception as error:  # noqa: BLE001 - classified below, re-raised if not an API error
                    failure = self._failure(error)
                    self.stats.failures[failure.kind] += 1
                    if failure.fatal:
                        raise ExtractorError(failure.message) from None
                    if not failure.retryable or attempt == self.max_attempts:
                        self.stats.failed_requests += 1
                        if failure.kind == "connection" and not self.stats.latencies:
                            raise ExtractorError(f"{self.adapter.provider} at {self.adapter.base_url}: no connection "
                                                 f"after {attempt} attempt(s) ({failure.message[:200]}), and no "
                                                 f"request of this run got an answer: the rest were not sent "
                                                 f"(is the server running, is base_url right?)") from None
                        log.warning("request failed after %d attempt(s): %s %s", attempt, failure.kind,
                                    failure.message[:300])
                        bar.update(1)
                        return None
                    self.stats.retries += 1
                    await asyncio.sleep(self.delay(attempt, failure.retry_after))
                    continue
                self.stats.record(response, time.perf_counter() - started)
                self.cache.put(key, response)   # before the slot is freed: a killed run keeps it
                bar.update(1)
                bar.set_postfix(tokens=self.stats.prompt_tokens + self.stats.completion_tokens,
                                hits=self.stats.cache_hits, retries=self.stats.retries, refresh=False)
                return response

    def _failure(self, error: Exception) -> Failure:
        if isinstance(error, asyncio.TimeoutError):
            return Failure("timeout", True, message=f"no answer within {self.adapter.timeout} s")
        failure = self.adapter.failure(error)
        if failure is None:
            raise error
        return failure

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; the server's Retry-After when longer, but never more than
        ``backoff_max`` or the request timeout, whichever is longer (a server that asks for hours,
        or forever, does not hang the run)."""
        backoff = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        return min(max(backoff, retry_after or 0.0), max(self.backoff_max, self.adapter.timeout))
