"""Words per second of the spaCy extractor beside the bare ``nlp.pipe`` of the same model, in one run.

    python benchmarks/spacy_throughput.py [--model NAME_OR_PATH] [--words 150000] [--repeats 3]

The text is the unannotated sentences in ../shared/data/german-sentences/*.txt (relative
to the project root; not the benchmark's test set), one sentence per line, repeated until
there are ``--words`` words, in documents of 20 lines. Both sides pipe the same sentence
texts with the same batch size in this process; the extractor's time adds finding the
triggers and arguments. Words are whitespace-separated words of the text. Each side is
timed ``--repeats`` times, alternating, and its fastest run counts. The overhead is the
extractor's time over the bare pipe's, minus one (target: under 20%).

The model is --model, else $BENCH_SPACY_MODEL, else the stand-in ../shared/models/de_ud_sm.
"""
from __future__ import annotations

import argparse
import os
import time

from bench.corpus import split_sentences
from bench.extractors.spacy_extractor import SpacyExtractor
from bench.schema import PROJECT_ROOT, Document

SENTENCES = PROJECT_ROOT.parent / "shared" / "data" / "german-sentences"
STAND_IN = PROJECT_ROOT.parent / "shared" / "models" / "de_ud_sm"
LINES_PER_DOCUMENT = 20


def documents(min_words: int) -> list[Document]:
    lines = [line for path in sorted(SENTENCES.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"error: no sentences in {SENTENCES}")
    chosen, words = [], 0
    while words < min_words:
        line = lines[len(chosen) % len(lines)]
        chosen.append(line)
        words += len(line.split())
    docs = []
    for i in range(0, len(chosen), LINES_PER_DOCUMENT):
        text = "\n".join(chosen[i:i + LINES_PER_DOCUMENT])
        docs.append(Document(f"doc{i // LINES_PER_DOCUMENT}", text, split_sentences(text)))
    return docs


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.environ.get("BENCH_SPACY_MODEL", str(STAND_IN)))
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    extractor = SpacyExtractor(model=options.model, batch_size=options.batch_size)
    nlp = extractor.nlp
    docs = documents(options.words)
    texts = [d.text[s.start:s.end] for d in docs for s in d.sentences]
    words = sum(len(t.split()) for t in texts)
    list(extractor.extract_batch(docs[:20]))     # warm-up

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=options.batch_size):
            pass

    mentions = 0

    def extract() -> None:
        nonlocal mentions
        mentions = sum(len(found) for found in extractor.extract_batch(docs))

    t_bare, t_extract = float("inf"), float("inf")
    for _ in range(options.repeats):
        t_bare = min(t_bare, timed(bare))
        t_extract = min(t_extract, timed(extract))
    meta = nlp.meta
    print(f"model {meta.get('lang')}_{meta.get('name')}-{meta.get('version')} ({extractor.scheme} labels), "
          f"{words:,} words in {len(texts):,} sentences, {len(docs):,} documents, batch size {options.batch_size}, "
          f"fastest of {options.repeats}")
    print(f"{'bare nlp.pipe':<16} {t_bare:8.2f} s {words / t_bare:10,.0f} words/s")
    print(f"{'spacy extractor':<16} {t_extract:8.2f} s {words / t_extract:10,.0f} words/s  ({mentions:,} mentions)")
    print(f"extractor overhead: {100 * (t_extract / t_bare - 1):.1f}% (target: under 20%)")


if __name__ == "__main__":
    main()
