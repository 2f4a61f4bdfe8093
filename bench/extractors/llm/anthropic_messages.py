"""The Anthropic Messages API on the ``anthropic`` SDK."""
from __future__ import annotations

import json

from bench.extractors.llm.api import Request, Response, SDKAdapter, register


@register("anthropic_messages")
class AnthropicMessagesAdapter(SDKAdapter):
    """Structured output through a tool whose input schema is the answer's schema, and a
    ``tool_choice`` that makes the model call it; the tool's input is the answer."""

    provider = "anthropic"
    default_base_url = "https://api.anthropic.com"
    sdk_module = "anthropic"
    client_class = "AsyncAnthropic"
    required_parameters = ("max_tokens",)

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
