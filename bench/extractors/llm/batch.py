"""Provider batches (``extractor.batch=true``): a run's uncached requests go out as one batch,
at the provider's batch price, and the answers land in the response cache.

The batch id is recorded in the cache the moment the batch exists; a run that is killed
or stopped by its deadline leaves it there, and the next run with the same settings polls
that batch instead of submitting a second one. Requests that failed in an ended batch
(errored, expired, canceled) are counted as failed and sent again, in a new batch, only
with ``batch_resend_failed=true``.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass

from tqdm import tqdm

from bench.errors import ExtractorError
from bench.extractors.llm.api import Adapter, BatchProgress, Response
from bench.extractors.llm.cache import ResponseCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchSettings:
    #: seconds between status requests
    poll_interval: float = 30.0
    #: seconds this run waits for its batches before it stops (the batches go on; a rerun polls them)
    deadline: float = 24 * 3600.0
    #: put requests that failed in an ended batch into a new batch
    resend_failed: bool = False


class BatchRunner:
    def __init__(self, adapter: Adapter, cache: ResponseCache, settings: BatchSettings, progress: bool = True):
        if not adapter.batch_api:
            raise ExtractorError(f"{adapter.provider}: no batch API; write the requests to a file with "
                                 f"'batch export' and read the answers with 'batch import'")
        if not (cache.reads and cache.writes):
            raise ExtractorError("batch mode keeps its batch ids and answers in the response cache: "
                                 "set extractor.cache_mode=read-write")
        if settings.poll_interval <= 0 or settings.deadline <= 0:
            raise ExtractorError("extractor.batch_poll_interval and batch_deadline must be positive")
        self.adapter = adapter
        self.cache = cache
        self.settings = settings
        self.progress = progress

    def run(self, payloads: dict[str, dict], stats) -> dict[str, Response | str]:
        """The Response, or the kind of failure, of each payload (by cache key); counted in ``stats``."""
        return asyncio.run(self._run(payloads, stats))

    async def _run(self, payloads: dict[str, dict], stats) -> dict[str, Response | str]:
        identity = self.adapter.identity()
        batches = [(batch_id, keys) for batch_id, keys in self.cache.open_batches(identity)
                   if not payloads.keys().isdisjoint(keys)]
        pending = {key for _, keys in batches for key in keys}
        outcomes: dict[str, Response | str] = {}
        if not self.settings.resend_failed:
            outcomes = {key: kind for key, kind in self.cache.batch_failures(identity).items()
                        if key in payloads and key not in pending}
            for kind in outcomes.values():
                stats.count_failure(kind, earlier=True)
        fresh = [key for key in payloads if key not in outcomes and key not in pending]
        async with self.adapter:
            resumed = [batch_id for batch_id, _ in batches]
            if fresh:
                batch_id = await self._call(self.adapter.submit_batch({key: payloads[key] for key in fresh}))
                self.cache.record_batch(batch_id, identity, fresh)
                log.info("%s: submitted batch %s of %d requests", self.adapter.provider, batch_id, len(fresh))
                stats.requests += len(fresh)
                batches.append((batch_id, fresh))
            for batch_id, keys in batches:
                outcomes.update(await self._collect(batch_id, keys, batch_id in resumed, stats))
        return {key: outcomes[key] for key in payloads}

    async def _collect(self, batch_id: str, keys: list[str], resumed: bool, stats) -> dict[str, Response | str]:
        status = await self._wait(batch_id, len(keys))
        results = await self._call(self.adapter.batch_results(batch_id))
        failed, outcomes = {}, {}
        for key in keys:
            outcome = results.get(key, "expired" if status == "expired" else f"missing ({status})")
            outcomes[key] = outcome
            if isinstance(outcome, Response):
                self.cache.put(key, outcome)
                stats.record(outcome)
            else:
                failed[key] = outcome
                stats.count_failure(outcome)
        self.cache.close_batch(batch_id, failed)
        stats.batches.append({"id": batch_id, "resumed": resumed, "status": status, "requests": len(keys),
                              "answered": len(keys) - len(failed), "failed": dict(sorted(Counter(failed.values())
                                                                                         .items()))})
        return outcomes

    async def _wait(self, batch_id: str, total: int) -> str:
        """Poll until the batch ends; its final status."""
        started = time.monotonic()
        with tqdm(total=total, unit="req", disable=not self.progress,
                  desc=f"{self.adapter.provider} batch {batch_id}") as bar:
            while True:
                progress: BatchProgress = await self._call(self.adapter.batch_progress(batch_id), retry=True)
                if progress is not None:
                    bar.n = min(progress.finished, total)
                    bar.set_postfix(status=progress.status)
                    if progress.done:
                        return progress.status
                if time.monotonic() - started + self.settings.poll_interval > self.settings.deadline:
                    done = f"{progress.finished} of {total}" if progress else "unknown"
                    raise ExtractorError(f"{self.adapter.provider} batch {batch_id} has not ended within "
                                         f"extractor.batch_deadline={self.settings.deadline:g} s ({done} requests "
                                         f"done); no result was written. Its id is kept in {self.cache.path}: rerun "
                                         f"the same command to poll it again (no second batch is made)")
                await asyncio.sleep(self.settings.poll_interval)

    async def _call(self, call, retry: bool = False):
        """Await an API call; API errors as ExtractorError, or (``retry``) a passing one as None."""
        try:
            return await call
        except Exception as error:  # noqa: BLE001 - classified by the adapter, re-raised if not an API error
            failure = self.adapter.failure(error)
            if failure is None:
                raise
            if retry and failure.retryable:
                log.warning("batch status request failed (%s); polling again", failure.kind)
                return None
            raise ExtractorError(failure.message or f"{self.adapter.provider} batch request failed: "
                                                    f"{failure.kind}") from None
