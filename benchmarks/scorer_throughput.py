"""Scorer throughput and peak memory on synthetic corpora, beside seqeval; and ``score`` end to end from a file.

    python benchmarks/scorer_throughput.py [--sizes 1000 10000 100000 1000000] [--end-to-end 100000 1000000]

Each corpus has 100 event mentions per document (so 1,000,000 mentions = 10,000
documents of 20 sentences), each with two arguments; predictions keep, shift, retype or
drop gold mentions and add spurious ones. Timings exclude building the inputs. seqeval
gets the trigger spans as IOB2 tags (one tag per token) and computes strict span F1;
our scorer is timed on the same trigger-classification task, and on the whole score
(six levels, two span modes, SemEval modes, per-type, per-role and per-document tables,
no bootstrap).

The end-to-end rows write a corpus as files (documents, gold annotation files, and the
predictions as interchange JSON Lines) and time ``python -m bench score pred=FILE`` as a
whole process with the default scoring settings (1,000 bootstrap resamples): reading and
validating documents, gold and predictions, alignment, scoring, and writing the result
folder. Beside it, the floor: a process that only reads the predictions file with the
standard ``json`` module, line by line; and the scoring alone: ``score`` with the
command's scoring settings (four span modes, 1,000 resamples) on the mentions already in
memory (in this process), a part of the whole process's work.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2

from bench.api import compose
from bench.corpus import mention_to_json, write_jsonl
from bench.harness import checked_scoring, score_settings
from bench.paths import PROJECT_ROOT
from bench.schema import Argument, Document, EventMention, Span
from bench.scoring import score

TYPES = ["Conflict:Attack", "Life:Die", "Life:Injure", "Contact:Meet", "Contact:Statement"]
ATTRIBUTES = {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"}
PER_DOC = 100
TOKENS_PER_MENTION = 10
SENTENCE = "A" + "b" * 47 + ". "     # 50 characters; split_sentences cuts before each next capital


def synthetic(n_mentions: int, seed: int = 0):
    """Documents, gold and predictions; the gold carries what annotation files need (ids, attributes, entities)."""
    rng = np.random.default_rng(seed)
    n_docs = max(1, n_mentions // PER_DOC)
    length = PER_DOC * TOKENS_PER_MENTION
    text = SENTENCE * (length // len(SENTENCE))
    sentences = tuple(Span(s, s + len(SENTENCE) - 2, SENTENCE[:-2]) for s in range(0, length, len(SENTENCE)))
    docs, gold, pred = {}, [], []
    for d in range(n_docs):
        doc = Document(f"doc{d}", text, sentences)
        docs[doc.id] = doc
        for k in range(PER_DOC):
            base = k * TOKENS_PER_MENTION
            t = TYPES[rng.integers(len(TYPES))]
            args = (Argument("Place", Span(base + 4, base + 6, text[base + 4:base + 6]), "LOC", "place"),
                    Argument("Time", Span(base + 7, base + 8, text[base + 7:base + 8]), "TIME", "time"))
            trigger = Span(base + 1, base + 3, text[base + 1:base + 3])
            gold.append(EventMention(doc.id, t, trigger, args, ATTRIBUTES, f"E{k}", f"c{k}"))
            r = rng.random()
            if r < 0.6:
                pred.append(EventMention(doc.id, t, trigger, args))
            elif r < 0.7:
                pred.append(EventMention(doc.id, TYPES[rng.integers(len(TYPES))], trigger, args[:1]))
            elif r < 0.8:
                pred.append(EventMention(doc.id, t, Span(base + 2, base + 3, text[base + 2:base + 3]), args[1:]))
            elif r < 0.9:
                pred.append(EventMention(doc.id, t, Span(base + 8, base + 9, text[base + 8:base + 9])))
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


def in_memory_row(n: int) -> str:
    docs, gold, pred = synthetic(n)
    y_true, y_pred = iob(gold, docs), iob(pred, docs)
    ours, t_ours, m_ours = measure(lambda: score(gold, pred, docs, levels=["TC"], modes=["exact"],
                                                 bootstrap_samples=0)["levels"]["exact"]["TC"]["f1"])
    theirs, t_seq, m_seq = measure(lambda: f1_score(y_true, y_pred, mode="strict", scheme=IOB2))
    _, t_full, m_full = measure(lambda: score(gold, pred, docs, bootstrap_samples=0))
    mb = 1024 * 1024
    return (f"| {n:,} | {len(docs):,} | {t_ours:.2f} | {n / t_ours:,.0f} | {m_ours / mb:.0f} | "
            f"{t_seq:.2f} | {n / t_seq:,.0f} | {m_seq / mb:.0f} | {t_seq / t_ours:.1f}x | "
            f"{t_full:.2f} | {n / t_full:,.0f} | {m_full / mb:.0f} | {abs(ours - theirs) < 1e-9} |")


def write_corpus(folder: Path, docs, gold, pred) -> Path:
    """Documents and gold annotation files as the project ships them, and the predictions file."""
    (folder / "docs").mkdir()
    (folder / "gold").mkdir()
    by_doc = {}
    for mention in gold:
        by_doc.setdefault(mention.doc_id, []).append(mention_to_json(mention))
    for doc_id, doc in docs.items():
        (folder / "docs" / f"{doc_id}.txt").write_text(doc.text, encoding="utf-8")
        annotation = {"doc_id": doc_id, "ontology_version": "2.0", "annotator": "synthetic",
                      "events": by_doc.get(doc_id, [])}
        (folder / "gold" / f"{doc_id}.json").write_text(json.dumps(annotation, ensure_ascii=False), encoding="utf-8")
    write_jsonl(pred, folder / "predictions.jsonl")
    return folder / "predictions.jsonl"


def score_arguments(folder: Path) -> list[str]:
    """``python -m bench`` arguments that score the corpus ``write_corpus`` wrote into ``folder``."""
    return ["score", f"pred={folder / 'predictions.jsonl'}", "name=throughput", f"data.documents_dir={folder / 'docs'}",
            f"data.gold_dir={folder / 'gold'}", f"results_dir={folder / 'results'}"]


def process(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident megabytes of a whole process (GNU time)."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], cwd=PROJECT_ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    return seconds, peak_kb / 1024


PLAIN_READ = "import json, sys\nwith open(sys.argv[1], 'rb') as f:\n    for line in f:\n        json.loads(line)"


def end_to_end_row(n: int) -> str:
    docs, gold, pred = synthetic(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_corpus(folder, docs, gold, pred)
        megabytes = path.stat().st_size / 1e6
        floor, floor_mb = process([sys.executable, "-c", PLAIN_READ, str(path)])
        ours, ours_mb = process([sys.executable, "-m", "bench", *score_arguments(folder)])
    started = time.perf_counter()
    score(gold, pred, docs, **score_settings(checked_scoring(compose().scoring)))
    scoring = time.perf_counter() - started
    return (f"| {n:,} | {len(pred):,} | {megabytes:,.0f} | {floor:.2f} | {floor_mb:.0f} | "
            f"{scoring:.2f} | {scoring / floor:.2f}x | {ours:.2f} | {ours_mb:.0f} | {ours / floor:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000, 1_000_000],
                        help="gold mentions of the in-memory rows")
    parser.add_argument("--end-to-end", type=int, nargs="*", default=[100_000, 1_000_000],
                        help="gold mentions of the end-to-end rows (none: skip them)")
    options = parser.parse_args()
    print_table(["mentions", "documents", "bench TC s", "bench mentions/s", "peak MB", "seqeval s",
                 "seqeval mentions/s", "peak MB", "speed-up", "full score s", "full mentions/s", "peak MB", "same F1"],
                in_memory_row, options.sizes)
    print_table(["gold mentions", "predicted mentions", "file MB", "json read s", "peak MB", "scoring alone s",
                 "scoring / read", "`bench score` s", "peak MB", "ratio"], end_to_end_row, options.end_to_end)


def print_table(header: list[str], row, sizes: list[int]) -> None:
    """A Markdown table with one row per size, each printed as soon as it is measured."""
    if sizes:
        print(f"\n| {' | '.join(header)} |\n|{'---:|' * len(header)}", flush=True)
        for n in sizes:
            print(row(n), flush=True)


if __name__ == "__main__":
    main()
