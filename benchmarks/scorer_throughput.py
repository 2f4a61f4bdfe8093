"""Scorer throughput and peak memory on synthetic corpora, beside seqeval on the same trigger spans.

    python benchmarks/scorer_throughput.py [--sizes 1000 10000 100000 1000000]

Each corpus has 100 event mentions per document (so 1,000,000 mentions = 10,000
documents), each with two arguments; predictions keep, shift, retype or drop gold
mentions and add spurious ones. Timings exclude building the inputs. seqeval gets
the trigger spans as IOB2 tags (one tag per token) and computes strict span F1;
our scorer is timed on the same trigger-classification task, and on the whole
score (six levels, two span modes, SemEval modes, per-type tables, no bootstrap).
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2

from bench.schema import Argument, Document, EventMention, Span
from bench.scoring import score

TYPES = ["Conflict:Attack", "Life:Die", "Contact:Meet", "Contact:Statement", "Movement:Transport"]
PER_DOC = 100
TOKENS_PER_MENTION = 10


def synthetic(n_mentions: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n_docs = max(1, n_mentions // PER_DOC)
    length = PER_DOC * TOKENS_PER_MENTION
    docs, gold, pred = {}, [], []
    for d in range(n_docs):
        doc = Document(f"doc{d}", "x" * length, tuple(Span(s, s + 50) for s in range(0, length, 50)))
        docs[doc.id] = doc
        for k in range(PER_DOC):
            base = k * TOKENS_PER_MENTION
            t = TYPES[rng.integers(len(TYPES))]
            args = (Argument("Place", Span(base + 4, base + 6)), Argument("Time", Span(base + 7, base + 8)))
            gold.append(EventMention(doc.id, t, Span(base + 1, base + 3), args))
            r = rng.random()
            if r < 0.6:
                pred.append(EventMention(doc.id, t, Span(base + 1, base + 3), args))
            elif r < 0.7:
                pred.append(EventMention(doc.id, TYPES[rng.integers(len(TYPES))], Span(base + 1, base + 3), args[:1]))
            elif r < 0.8:
                pred.append(EventMention(doc.id, t, Span(base + 2, base + 3), args[1:]))
            elif r < 0.9:
                pred.append(EventMention(doc.id, t, Span(base + 8, base + 9)))
    return docs, gold, pred


def iob(mentions, docs):
    tags = {d: ["O"] * len(doc.text) for d, doc in docs.items()}
    for m in mentions:
        seq = tags[m.doc_id]
        seq[m.trigger.start] = "B-" + m.type
        for i in range(m.trigger.start + 1, m.trigger.end):
            seq[i] = "I-" + m.type
    return [tags[d] for d in docs]


def measure(fn):
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return value, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    sizes = parser.parse_args().sizes
    print(f"{'mentions':>10} {'docs':>7} | {'ours TC s':>9} {'ours TC m/s':>12} {'peak MB':>8} | "
          f"{'seqeval s':>9} {'seqeval m/s':>12} {'peak MB':>8} | {'speed-up':>8} | {'full s':>7} {'full m/s':>10} "
          f"{'peak MB':>8} | {'same F1':>7}")
    for n in sizes:
        docs, gold, pred = synthetic(n)
        y_true, y_pred = iob(gold, docs), iob(pred, docs)
        ours, t_ours, m_ours = measure(lambda: score(gold, pred, docs, levels=["TC"], modes=["exact"],
                                                     bootstrap_samples=0)["levels"]["exact"]["TC"]["f1"])
        theirs, t_seq, m_seq = measure(lambda: f1_score(y_true, y_pred, mode="strict", scheme=IOB2))
        _, t_full, m_full = measure(lambda: score(gold, pred, docs, bootstrap_samples=0))
        mb = 1024 * 1024
        print(f"{n:>10,} {len(docs):>7,} | {t_ours:>9.2f} {n / t_ours:>12,.0f} {m_ours / mb:>8.0f} | "
              f"{t_seq:>9.2f} {n / t_seq:>12,.0f} {m_seq / mb:>8.0f} | {t_seq / t_ours:>7.1f}x | "
              f"{t_full:>7.2f} {n / t_full:>10,.0f} {m_full / mb:>8.0f} | {str(abs(ours - theirs) < 1e-9):>7}",
              flush=True)


if __name__ == "__main__":
    main()
