"""LLM extractors over chat APIs (``python -m bench run extractor=llm_openai`` or ``llm_anthropic``).

Layers, from the wire up: ``api`` (adapters: one request -> one response with usage,
in ``openai_chat`` and ``anthropic_messages``, with their batch APIs; a config names one
with ``_target_``), ``cache`` (SQLite response cache, and the batches
submitted), ``batch`` (one provider batch per run, resumed by id), ``answers`` (the
OpenAI Batch file formats of answers files), ``client`` (concurrency, retries,
accounting), and the task side: ``prompts``, ``parsing`` and ``extractor``.
"""
from bench.extractors.llm.extractor import LLMExtractor

__all__ = ["LLMExtractor"]
