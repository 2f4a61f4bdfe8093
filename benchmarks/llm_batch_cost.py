"""What an LLM run of the five test articles costs synchronously and as a provider batch,
at the prices in configs/extractor/llm_*.yaml, for each system prompt.

    python benchmarks/llm_batch_cost.py [--window 8]

Both runs go to the tests' local OpenAI-style server (tests/llm_servers.py) on 127.0.0.1:
the synchronous one through chat completions, the batch one through Files + Batches. The
server answers each window with the gold events of its sentences (answers of the right
length) and reports usage as an estimate of 4 characters per token, so the token counts
are estimates of a real tokenizer's; the prices are the configs' list prices. The batch
run must give the same mentions as the synchronous one.
"""
from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
import time
from pathlib import Path

from omegaconf import OmegaConf

from bench.corpus import load_data
from bench.extractors.llm import LLMExtractor
from bench.extractors.llm.openai_chat import OpenAIChatAdapter
from bench.schema import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "tests"))
from llm_servers import OpenAIServer, Reply, window_of  # noqa: E402

CHARS_PER_TOKEN = 4


class EstimatingServer(OpenAIServer):
    """Usage as characters / 4 of the request's messages and of the answer."""

    def success(self, body: dict, answer) -> dict:
        reply = super().success(body, answer)
        prompt = sum(len(m["content"]) for m in body["messages"])
        completion = len(reply["choices"][0]["message"]["content"])
        reply["usage"] = {"prompt_tokens": math.ceil(prompt / CHARS_PER_TOKEN),
                          "completion_tokens": math.ceil(completion / CHARS_PER_TOKEN)}
        reply["usage"]["total_tokens"] = sum(reply["usage"].values())
        return reply


def gold_answers(documents, gold):
    """A script answering a window with the gold events of its sentences."""
    by_sentence = {}
    for doc_id, mentions in gold.items():
        document = documents[doc_id]
        for m in mentions:
            sentence = document.sentences[document.sentence_index(m.trigger.start)]
            by_sentence.setdefault(document.text[sentence.start:sentence.end], []).append(m)

    def script(number: int, body: dict) -> Reply:
        events = [{"type": m.type, "trigger": m.trigger.text, "sentence": int(n),
                   "arguments": [{"role": a.role, "text": a.span.text} for a in m.arguments]}
                  for n, text in re.findall(r"^\[(\d+)\] (.*)$", window_of(body), re.MULTILINE)
                  for m in by_sentence.get(text, [])]
        return Reply({"events": events})
    return script


def run(url: str, documents, cache: Path, window: int, system: str, batch: bool):
    extractor = LLMExtractor(api=OpenAIChatAdapter, model="bench-model", base_url=url, api_key_env=None,
                             parameters={"temperature": 0}, window_sentences=window, system_prompt=system,
                             cache_path=str(cache), cache_mode="read-write" if batch else "off", progress=False,
                             batch=batch, batch_poll_interval=0.05)
    started = time.perf_counter()
    mentions = [m for found in extractor.extract_batch(list(documents.values())) for m in found]
    return mentions, time.perf_counter() - started, extractor.run_info()["llm"]


def cost(tokens: tuple[int, int], price: dict) -> float:
    return (tokens[0] * price["prompt"] + tokens[1] * price["completion"]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=8, help="sentences per request")
    options = parser.parse_args()
    documents, gold = load_data(OmegaConf.load(PROJECT_ROOT / "configs" / "data" / "seeds.yaml"))
    configs = {name: OmegaConf.load(PROJECT_ROOT / "configs" / "extractor" / f"{name}.yaml")
               for name in ("llm_openai", "llm_anthropic")}
    print(f"{len(documents)} documents, windows of {options.window} sentences; tokens estimated at "
          f"{CHARS_PER_TOKEN} characters per token")
    for system in ("system", "system_guidelines"):
        with EstimatingServer(gold_answers(documents, gold)) as server, tempfile.TemporaryDirectory() as tmp:
            sync, sync_seconds, sync_info = run(server.url, documents, Path(tmp) / "a.sqlite", options.window,
                                                system, batch=False)
            batched, batch_seconds, batch_info = run(server.url, documents, Path(tmp) / "b.sqlite", options.window,
                                                     system, batch=True)
        assert batched == sync, "the batch run must give the synchronous run's mentions"
        assert len(server.batches) == 1 and batch_info["batches"][0]["answered"] == sync_info["requests"]
        tokens = (sync_info["prompt_tokens"], sync_info["completion_tokens"])
        print(f"\nsystem prompt {system}: {sync_info['requests']} requests, {tokens[0]:,} prompt and "
              f"{tokens[1]:,} completion tokens; {len(sync)} mentions either way "
              f"(local server: {sync_seconds:.2f} s synchronous, {batch_seconds:.2f} s as a batch)")
        for name, cfg in configs.items():
            full = cost(tokens, cfg.price_per_million)
            half = cost(tokens, cfg.batch_price_per_million)
            print(f"  {name:<14} {cfg.model:<18} synchronous ${full:.4f}  batch ${half:.4f}  "
                  f"({100 * half / full:.0f}%)")


if __name__ == "__main__":
    main()
