"""Validation time of one event with many arguments: it must grow linearly with the arguments.

    python benchmarks/validation_scaling.py [--sizes 2000 20000 200000]

Each size is one gold event of a seed document with that many different valid arguments
(spans of its first sentence: every one is checked against all before it for duplicates),
and one prediction line with as many arguments (the interchange reader; lines over 1 MB are
refused, so that row stops at the limit).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.corpus import MAX_LINE_BYTES, load_documents, parse_annotation, read_jsonl
from bench.errors import DataError
from bench.paths import PROJECT_ROOT

DOC = "004_e092c7c3be034eb3"


def gold_seconds(documents, n: int) -> float:
    sentence = documents[DOC].sentences[0]
    spans = [(i, j) for i in range(sentence.start, sentence.end) for j in range(i + 1, sentence.end + 1)][:n]
    arguments = [{"role": "Attacker", "start": i, "end": j, "text": documents[DOC].text[i:j], "entity_type": "OTHER",
                  "entity_id": "x"} for i, j in spans]
    event = {"id": "E1", "type": "Conflict:Attack", "trigger": {"start": 22, "end": 30, "text": "Konflikt"},
             "attributes": {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"},
             "arguments": arguments, "cluster": "c"}
    data = {"doc_id": DOC, "ontology_version": "2.0", "annotator": "x", "events": [event]}
    started = time.perf_counter()
    parse_annotation(data, Path(f"{DOC}.json"), documents)
    return time.perf_counter() - started


def line_seconds(documents, n: int, folder: Path) -> tuple[float, int]:
    line = json.dumps({"doc_id": DOC, "type": "Conflict:Attack", "trigger": {"text": "Konflikt"},
                       "arguments": [{"role": "Attacker", "text": "Damit"}] * n})
    path = folder / f"{n}.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    started = time.perf_counter()
    try:
        read_jsonl(path, documents)
    except DataError:
        pass
    return time.perf_counter() - started, len(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    sizes = parser.parse_args().sizes
    documents = load_documents(PROJECT_ROOT / "seeds")
    print("| arguments | gold event: seconds | prediction line: bytes | prediction line: seconds |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            seconds, size = line_seconds(documents, n, Path(folder))
            refused = " (over the 1 MB limit: refused)" if size > MAX_LINE_BYTES else ""
            print(f"| {n:,} | {gold_seconds(documents, n):.3f} | {size:,}{refused} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
