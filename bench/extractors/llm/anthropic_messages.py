"""The Anthropic Messages API on the ``anthropic`` SDK, and its Message Batches."""
from __future__ import annotations

import json

from bench.extractors.llm.api import BatchProgress, Request, Response, SDKAdapter, wire_body


class AnthropicMessagesAdapter(SDKAdapter):
    """Structured output through a tool whose input schema is the answer's schema, and a
    ``tool_choice`` that makes the model call it; the tool's input is the answer."""

    provider = "anthropic"
    default_base_url = "https://api.anthropic.com"
    sdk_module = "anthropic"
    client_class = "AsyncAnthropic"
    required_parameters = ("max_tokens",)
    response_type = "Message"
    batch_api = True

    def create_method(self, client):
        return client.messages.create

    def payload(self, request: Request) -> dict:
        body = {"model": self.model, "system": request.system, "messages": list(request.messages),
                **self.parameters}
        if self.structured_output and request.schema is not None:
            body["tools"] = [{"name": request.schema_name, "description": "Record the answer.",
                              "input_schema": request.schema}]
            body["tool_choice"] = {"type": "tool", "name": request.schema_name}
        return body

    def response(self, raw) -> Response:
        tool_inputs = [block.input for block in raw.content if block.type == "tool_use"]
        text = json.dumps(tool_inputs[0], ensure_ascii=False) if tool_inputs else \
            "".join(block.text for block in raw.content if block.type == "text")
        return Response(text=text, prompt_tokens=raw.usage.input_tokens or 0,
                        completion_tokens=raw.usage.output_tokens or 0, model=raw.model or "",
                        finish_reason=raw.stop_reason or "")

    async def submit_batch(self, payloads: dict[str, dict]) -> str:
        requests = [{"custom_id": custom_id, "params": wire_body(payload)} for custom_id, payload in payloads.items()]
        return (await self.client.messages.batches.create(requests=requests)).id

    async def batch_progress(self, batch_id: str) -> BatchProgress:
        batch = await self.client.messages.batches.retrieve(batch_id)
        counts = batch.request_counts
        finished = counts.succeeded + counts.errored + counts.canceled + counts.expired
        return BatchProgress(batch.processing_status, finished, finished + counts.processing,
                             batch.processing_status == "ended")

    async def batch_results(self, batch_id: str) -> dict[str, Response | str]:
        results = {}
        async for item in await self.client.messages.batches.results(batch_id):
            result = item.result
            if result.type == "succeeded":
                results[item.custom_id] = self.response(result.message)
            elif result.type == "errored":
                results[item.custom_id] = f"error:{result.error.error.type}"
            else:
                results[item.custom_id] = result.type      # expired, canceled
        return results
