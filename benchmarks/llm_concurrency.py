"""Wall time of the LLM extractor with 1 and with N concurrent requests, then a cached rerun.

    python benchmarks/llm_concurrency.py [--windows 64] [--latency 0.2] [--concurrency 1 16]

The server is the tests' local OpenAI-style server (tests/llm_servers.py), started in a
process of its own on 127.0.0.1 and answering every request after ``--latency``
seconds. The workload is one document of ``--windows`` sentences sent one sentence per
request. An untimed run of N requests at once warms up the client (lazy imports, the
connections); the timed runs have the cache off; then a run with a fresh cache fills
it and a rerun of the same configuration must make zero requests.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import split_sentences
from bench.extractors.llm import LLMExtractor
from bench.extractors.llm.openai_chat import OpenAIChatAdapter
from bench.schema import PROJECT_ROOT, Document

ANSWER = {"events": [{"type": "Conflict:Attack", "trigger": "griff", "sentence": 1,
                      "arguments": [{"role": "Attacker", "text": "Russland"}]}]}


def timed_run(url: str, document: Document, concurrency: int, cache_path: Path, cache_mode: str) -> dict:
    extractor = LLMExtractor(api=OpenAIChatAdapter, model="bench-model", base_url=url, api_key_env=None,
                             parameters={"temperature": 0}, concurrency=concurrency, window_sentences=1,
                             cache_path=str(cache_path), cache_mode=cache_mode, progress=False)
    started = time.perf_counter()
    extractor.extract(document)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, **extractor.run_info()["llm"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    options = parser.parse_args()
    text = " ".join(f"Russland griff Ort{i} an." for i in range(options.windows))
    document = Document("bench", text, split_sentences(text))
    server = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "tests" / "llm_servers.py"), "openai",
                               "--latency", str(options.latency), "--answer", json.dumps(ANSWER)],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        print(f"{options.windows} requests, {options.latency * 1000:.0f} ms server latency, server at {url}")
        print(f"{'run':>16} {'requests':>8} {'hits':>5} {'wall s':>7} {'req/s':>7} {'p50 s':>6} {'speed-up':>8}")
        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder) / "llm.sqlite"
            most = max(options.concurrency)
            timed_run(url, Document("warm-up", text, document.sentences[:most]), most, cache, "off")
            rows = [(f"concurrency {c}", timed_run(url, document, c, cache, "off")) for c in options.concurrency]
            rows += [(f"fill cache ({most})", timed_run(url, document, most, cache, "read-write")),
                     ("cached rerun", timed_run(url, document, most, cache, "read-write"))]
        baseline = rows[0][1]["seconds"]
        for name, row in rows:
            p50 = f"{row['latency_seconds']['p50']:.3f}" if row["latency_seconds"] else "-"
            print(f"{name:>16} {row['requests']:>8} {row['cache_hits']:>5} {row['seconds']:>7.2f} "
                  f"{row['requests'] / row['seconds']:>7.1f} {p50:>6} {baseline / row['seconds']:>7.1f}x", flush=True)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
