"""Event clusters across documents (guidelines section 5), asked of the model after extraction.

The extracted mentions of all documents are listed by event type, in chunks of at most
``chunk_size``, each mention with an id (``m1``, ``m2``... within its chunk), its document,
trigger, sentence and arguments; the model answers with groups of ids that refer to the
same real-world event. Answers are recovered like extraction answers; ids that are not in
the chunk, or given twice, are dropped and counted, and a chunk whose request fails or whose
answer is unreadable leaves its mentions unclustered. Every mention gets a cluster id: that
of its group, else one of its own. A cluster is named after its first member (document id
and position), so ids never collide, not even between the shards of a run.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bench.errors import ExtractorError
from bench.extractors.llm.api import Response
from bench.extractors.llm.client import Client
from bench.extractors.llm.parsing import recover
from bench.extractors.llm.prompts import Prompts
from bench.schema import Document, EventMention

#: a mention: its document id and its position among that document's mentions
Member = tuple[str, int]


def cluster_id(member: Member) -> str:
    return f"llm:{member[0]}:{member[1]}"


@dataclass(frozen=True)
class Chunk:
    """Mentions of one event type sent in one request; the i-th member has the id ``m<i+1>``."""

    event_type: str
    members: tuple[Member, ...]

    def ids(self) -> dict[str, Member]:
        return {f"m{i}": member for i, member in enumerate(self.members, 1)}


def chunks(found: Mapping[str, Sequence[EventMention]], size: int) -> list[Chunk]:
    """The mentions by event type (in document order), cut into chunks of at most ``size``."""
    by_type: dict[str, list[Member]] = {}
    for doc_id, mentions in found.items():
        for index, mention in enumerate(mentions):
            by_type.setdefault(mention.type, []).append((doc_id, index))
    return [Chunk(event_type, tuple(members[i:i + size]))
            for event_type, members in sorted(by_type.items()) for i in range(0, len(members), size)]


def listing(chunk: Chunk, found: Mapping[str, Sequence[EventMention]],
            documents: Mapping[str, Document]) -> list[dict]:
    """What the model sees of each mention of the chunk."""
    entries = []
    for mention_id, (doc_id, index) in chunk.ids().items():
        mention, document = found[doc_id][index], documents[doc_id]
        sentence = document.sentence_index(mention.trigger.start) if mention.trigger.aligned else -1
        entries.append({"id": mention_id, "document": doc_id, "type": mention.type, "trigger": mention.trigger.text,
                        "sentence": document.sentences[sentence].text if sentence >= 0 else "",
                        "arguments": [{"role": a.role, "text": a.span.text} for a in mention.arguments]})
    return entries


class EventClusterer:
    """Gives the mentions of a document set cluster ids through ``client`` (its own, so that its
    requests are counted apart from extraction) and keeps the counts of the run."""

    def __init__(self, client: Client, prompts: Prompts, chunk_size: int):
        if chunk_size < 2:
            raise ExtractorError("cluster_chunk_size must be at least 2")
        self.client = client
        self.prompts = prompts
        self.chunk_size = chunk_size
        self.chunks = 0
        self.failed_chunks = 0
        self.dropped: Counter = Counter()

    def __call__(self, documents: Sequence[Document],
                 found: Mapping[str, list[EventMention]]) -> dict[str, list[EventMention]]:
        by_id = {document.id: document for document in documents}
        jobs = chunks(found, self.chunk_size)
        answers = self.client.run([self.prompts.cluster_request(job.event_type, listing(job, found, by_id))
                                   for job in jobs])
        self.chunks += len(jobs)
        cluster: dict[Member, str] = {}
        for job, answer in zip(jobs, answers):
            for group in self.groups(job, answer):
                cluster.update((member, cluster_id(min(group))) for member in group)
        return {doc_id: [replace(m, cluster=cluster.get((doc_id, i), cluster_id((doc_id, i))))
                         for i, m in enumerate(mentions)]
                for doc_id, mentions in found.items()}

    def groups(self, chunk: Chunk, answer: Response | None) -> list[list[Member]]:
        """The answer's groups of the chunk's mentions; what does not fit is dropped and counted."""
        if answer is None:
            self.failed_chunks += 1
            return []
        raw_groups, reason = recover(answer.text, "groups", list)
        if raw_groups is None:
            self.dropped[reason] += 1
            return []
        ids, taken, groups = chunk.ids(), set(), []
        for raw in raw_groups:
            if not isinstance(raw, list):
                self.dropped["invalid_group"] += 1
                continue
            group = []
            for mention_id in raw:
                member = ids.get(mention_id.strip()) if isinstance(mention_id, str) else None
                if member is None:
                    self.dropped["unknown_id"] += 1
                elif member in taken:
                    self.dropped["repeated_id"] += 1
                else:
                    taken.add(member)
                    group.append(member)
            if group:
                groups.append(group)
        return groups

    def summary(self, price_per_million: dict | None) -> dict:
        return {"chunk_size": self.chunk_size, "chunks": self.chunks, "failed_chunks": self.failed_chunks,
                **self.client.stats.summary(price_per_million), "dropped": dict(sorted(self.dropped.items()))}
