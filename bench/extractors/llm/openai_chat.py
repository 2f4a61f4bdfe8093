"""OpenAI-compatible chat completions (OpenAI, vLLM, Ollama, llama.cpp server, ...) on the ``openai`` SDK."""
from __future__ import annotations

from bench.extractors.llm.api import Request, Response, SDKAdapter, register


@register("openai_chat")
class OpenAIChatAdapter(SDKAdapter):
    """Structured output through ``response_format`` json_schema; with ``structured_output: false``
    (servers without it) the schema is left to the prompt and the answer parsed from text."""

    provider = "openai"
    default_base_url = "https://api.openai.com/v1"
    sdk_module = "openai"
    client_class = "AsyncOpenAI"

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
