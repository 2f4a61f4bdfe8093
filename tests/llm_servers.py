"""Local HTTP servers speaking the OpenAI chat-completions and the Anthropic Messages
protocol, on 127.0.0.1 in a thread, scripted per request.

A script is a function ``(number, body) -> Reply``: ``number`` counts the server's
requests from 1, ``body`` is the request's JSON. A reply's ``answer`` is a dict (sent
as structured output: JSON content or a tool call) or a string (sent as the message
text as it is); ``status``, ``headers`` and ``delay`` make errors and slow answers.
The server keeps every request's body and headers (names in lower case), the number of requests per window
(the user message) and the most requests it had in flight at once.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROMPT_TOKENS = 100
COMPLETION_TOKENS = 10


@dataclass
class Reply:
    answer: dict | str | None = field(default_factory=lambda: {"events": []})
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


Script = Callable[[int, dict], Reply]


def always(reply: Reply) -> Script:
    return lambda number, body: reply


def in_turn(*replies: Reply, then: Reply | None = None) -> Script:
    """The replies in order, then ``then`` (by default an empty answer) for every later request."""
    return lambda number, body: replies[number - 1] if number <= len(replies) else (then or Reply())


def window_of(body: dict) -> str:
    """The user message of a request: the numbered sentences of its window."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128    # the default backlog of 5 drops connections under concurrency


class ScriptedServer:
    base_path = ""      # the SDK's base_url below the host
    path = ""           # the endpoint below base_path

    def __init__(self, script: Script | None = None):
        self.script = script or always(Reply())
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        self.times: list[float] = []
        self.per_window: Counter = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.httpd = _HTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.base_path}"

    @property
    def requests(self) -> int:
        return len(self.bodies)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def success(self, body: dict, answer: dict | str) -> dict:
        raise NotImplementedError

    def error(self, status: int) -> dict:
        raise NotImplementedError

    def handle(self, body: dict, headers: dict) -> Reply:
        with self.lock:
            self.bodies.append(body)
            self.headers.append(headers)
            self.times.append(time.monotonic())
            self.per_window[window_of(body)] += 1
            number = len(self.bodies)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = self.script(number, body)
            time.sleep(reply.delay)
        finally:
            with self.lock:
                self.in_flight -= 1
        return reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.rstrip("/") != server.base_path + server.path:
                    return self._send(404, {"error": {"message": f"no route {self.path}"}}, {})
                body = json.loads(raw)
                reply = server.handle(body, {k.lower(): v for k, v in self.headers.items()})
                payload = server.success(body, reply.answer) if reply.status == 200 else server.error(reply.status)
                self._send(reply.status, payload, reply.headers)

            def _send(self, status: int, payload: dict, headers: dict) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass    # the client gave up (a timeout test)

            def log_message(self, *args) -> None:
                pass

        return Handler


def _text(answer: dict | str) -> str:
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)


class OpenAIServer(ScriptedServer):
    """``POST /v1/chat/completions``."""

    base_path = "/v1"
    path = "/chat/completions"

    def success(self, body: dict, answer: dict | str) -> dict:
        return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": f"{body['model']}-served",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": _text(answer)}}],
                "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
                          "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS}}

    def error(self, status: int) -> dict:
        return {"error": {"message": f"scripted HTTP {status}", "type": "scripted", "code": None}}


class AnthropicServer(ScriptedServer):
    """``POST /v1/messages``; a dict answer to a request with tools comes back as a call of its first tool."""

    path = "/v1/messages"

    def success(self, body: dict, answer: dict | str) -> dict:
        if isinstance(answer, dict) and body.get("tools"):
            content = [{"type": "tool_use", "id": "toolu_1", "name": body["tools"][0]["name"], "input": answer}]
            stop = "tool_use"
        else:
            content, stop = [{"type": "text", "text": _text(answer)}], "end_turn"
        return {"id": "msg_1", "type": "message", "role": "assistant", "model": f"{body['model']}-served",
                "content": content, "stop_reason": stop, "stop_sequence": None,
                "usage": {"input_tokens": PROMPT_TOKENS, "output_tokens": COMPLETION_TOKENS}}

    def error(self, status: int) -> dict:
        return {"type": "error", "error": {"type": "scripted_error", "message": f"scripted HTTP {status}"}}


def main() -> None:
    """Serve one fixed answer until stopped, in a process of its own (for benchmarks):
    ``python tests/llm_servers.py openai --latency 0.2`` prints the base URL, then serves."""
    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("protocol", choices=["openai", "anthropic"])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--answer", default='{"events": []}', help="the answer, as JSON")
    options = parser.parse_args()
    server_class = {"openai": OpenAIServer, "anthropic": AnthropicServer}[options.protocol]
    server = server_class(always(Reply(json.loads(options.answer), delay=options.latency)))
    print(server.url, flush=True)
    server.thread.join()


if __name__ == "__main__":
    main()
