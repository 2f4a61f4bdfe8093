"""OpenAI-compatible chat completions (OpenAI, vLLM, Ollama, llama.cpp server, ...) on the ``openai`` SDK,
and OpenAI's Batch API (Files + Batches)."""
from __future__ import annotations

import json

from bench.extractors.llm.answers import read_output, request_line
from bench.extractors.llm.api import BatchProgress, Request, Response, SDKAdapter, wire_body

BATCH_ENDPOINT = "/v1/chat/completions"
#: batch states after which nothing more happens
ENDED = ("completed", "failed", "expired", "cancelled")


class OpenAIChatAdapter(SDKAdapter):
    """Structured output through ``response_format`` json_schema; with ``structured_output: false``
    (servers without it) the schema is left to the prompt and the answer parsed from text."""

    provider = "openai"
    default_base_url = "https://api.openai.com/v1"
    sdk_module = "openai"
    client_class = "AsyncOpenAI"
    response_type = "chat.ChatCompletion"
    batch_api = True

    def create_method(self, client):
        return client.chat.completions.create

    def payload(self, request: Request) -> dict:
        body = {"model": self.model,
                "messages": [{"role": "system", "content": request.system}, *request.messages],
                **self.parameters}
        if self.structured_output and request.schema is not None:
            body["response_format"] = {"type": "json_schema", "json_schema": {
                "name": request.schema_name, "schema": request.schema, "strict": True}}
        return body

    def response(self, raw) -> Response:
        choice = raw.choices[0] if raw.choices else None
        usage = raw.usage
        return Response(text=(choice.message.content or "") if choice else "",
                        prompt_tokens=(usage.prompt_tokens or 0) if usage else 0,
                        completion_tokens=(usage.completion_tokens or 0) if usage else 0,
                        model=raw.model or "", finish_reason=(choice.finish_reason or "") if choice else "")

    async def submit_batch(self, payloads: dict[str, dict]) -> str:
        lines = "".join(json.dumps(request_line(custom_id, wire_body(payload), BATCH_ENDPOINT), ensure_ascii=False)
                        + "\n" for custom_id, payload in payloads.items())
        upload = await self.client.files.create(file=("requests.jsonl", lines.encode("utf-8")), purpose="batch")
        batch = await self.client.batches.create(input_file_id=upload.id, endpoint=BATCH_ENDPOINT,
                                                 completion_window="24h")
        return batch.id

    async def batch_progress(self, batch_id: str) -> BatchProgress:
        batch = await self.client.batches.retrieve(batch_id)
        counts = batch.request_counts
        finished = (counts.completed + counts.failed) if counts else 0
        return BatchProgress(batch.status, finished, counts.total if counts else 0, batch.status in ENDED)

    async def batch_results(self, batch_id: str) -> dict[str, Response | str]:
        batch = await self.client.batches.retrieve(batch_id)
        results = {}
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                content = await self.client.files.content(file_id)
                for line in content.text.splitlines():
                    if line.strip():
                        custom_id, outcome = read_output(json.loads(line), self.parse_body)
                        results[custom_id] = outcome
        return results
