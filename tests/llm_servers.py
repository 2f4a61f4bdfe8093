"""Local HTTP servers speaking the OpenAI chat-completions and the Anthropic Messages
protocol, with their batch endpoints (OpenAI Files + Batches, Anthropic Message Batches),
on 127.0.0.1 in a thread, scripted per request.

A script is a function ``(number, body) -> Reply``: ``number`` counts the server's
requests from 1, ``body`` is the request's JSON. A reply's ``answer`` is a dict (sent
as structured output: JSON content or a tool call) or a string (sent as the message
text as it is); ``status``, ``headers`` and ``delay`` make errors and slow answers.
The server keeps every request's body and headers (names in lower case), the number of requests per window
(the user message) and the most requests it had in flight at once.

A batch is answered by the same script, request by request, when it ends: it stays in
progress for ``polls_in_progress`` status requests, and while ``hold`` (an Event) is not
set; a reply with ``expired=True`` makes its request expire instead.
"""
from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROMPT_TOKENS = 100
COMPLETION_TOKENS = 10


@dataclass
class Reply:
    answer: dict | str | None = field(default_factory=lambda: {"events": []})
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    expired: bool = False


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

    def __init__(self, script: Script | None = None, polls_in_progress: int = 0,
                 hold: threading.Event | None = None):
        self.script = script or always(Reply())
        self.polls_in_progress = polls_in_progress
        self.hold = hold
        self.batches: dict[str, dict] = {}     # id -> {"requests": [(custom_id, body)], "polls": n, "results": [...]}
        self.files: dict[str, bytes] = {}
        self.ids = itertools.count(1)
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

    def route(self, method: str, path: str, headers: dict, raw: bytes) -> tuple[int, dict | bytes, dict]:
        """(status, JSON payload or raw bytes, headers) of one HTTP request."""
        if method == "POST" and path == self.base_path + self.path:
            body = json.loads(raw)
            reply = self.handle(body, headers)
            payload = self.success(body, reply.answer) if reply.status == 200 else self.error(reply.status)
            return reply.status, payload, reply.headers
        return 404, {"error": {"message": f"no route {method} {path}"}}, {}

    def new_batch(self, requests: list[tuple[str, dict]]) -> str:
        batch_id = f"batch_{next(self.ids)}"
        with self.lock:
            self.batches[batch_id] = {"requests": requests, "polls": 0, "results": None}
        return batch_id

    def batch_results(self, batch_id: str) -> list[tuple[str, Reply, dict]] | None:
        """Poll a batch: None while it is in progress, else (custom_id, reply, body) of each request."""
        batch = self.batches[batch_id]
        with self.lock:
            batch["polls"] += 1
            running = batch["polls"] <= self.polls_in_progress or (self.hold is not None and not self.hold.is_set())
        if running:
            return None
        if batch["results"] is None:
            batch["results"] = [(custom_id, self.handle(body, {}), body) for custom_id, body in batch["requests"]]
        return batch["results"]

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
                self._answer("POST", self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def do_GET(self) -> None:  # noqa: N802
                self._answer("GET", b"")

            def _answer(self, method: str, raw: bytes) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                self._send(*server.route(method, self.path.split("?")[0].rstrip("/"), headers, raw))

            def _send(self, status: int, payload: dict | bytes, headers: dict) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/octet-stream" if isinstance(payload, bytes)
                                     else "application/json")
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


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8")


class OpenAIServer(ScriptedServer):
    """``POST /v1/chat/completions``; ``POST /v1/files``, ``GET /v1/files/ID/content``,
    ``POST /v1/batches`` and ``GET /v1/batches/ID`` (the Batch API)."""

    base_path = "/v1"
    path = "/chat/completions"

    def route(self, method: str, path: str, headers: dict, raw: bytes) -> tuple[int, dict | bytes, dict]:
        parts = path.removeprefix(self.base_path).strip("/").split("/")
        if method == "POST" and parts == ["files"]:
            return 200, self._upload(headers["content-type"], raw), {}
        if method == "GET" and len(parts) == 3 and parts[0] == "files" and parts[2] == "content":
            return 200, self.files[parts[1]], {}
        if method == "POST" and parts == ["batches"]:
            body = json.loads(raw)
            lines = [json.loads(line) for line in self.files[body["input_file_id"]].decode().splitlines()]
            assert all(line["url"] == body["endpoint"] == "/v1/chat/completions" for line in lines)
            return 200, self._batch(self.new_batch([(line["custom_id"], line["body"]) for line in lines])), {}
        if method == "GET" and len(parts) == 2 and parts[0] == "batches" and parts[1] in self.batches:
            return 200, self._batch(parts[1], self.batch_results(parts[1])), {}
        return super().route(method, path, headers, raw)

    def _upload(self, content_type: str, raw: bytes) -> dict:
        form = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        data = next(part.get_payload(decode=True) for part in form.iter_parts()
                    if part.get_param("name", header="content-disposition") == "file")
        file_id = f"file-{next(self.ids)}"
        self.files[file_id] = data
        return {"id": file_id, "object": "file", "bytes": len(data), "created_at": 0, "filename": "input.jsonl",
                "purpose": "batch", "status": "processed"}

    def _batch(self, batch_id: str, results: list | None = None) -> dict:
        total = len(self.batches[batch_id]["requests"])
        status, output_id, error_id, failed = "in_progress", None, None, 0
        if results is not None:
            output, errors = [], []
            for number, (custom_id, reply, body) in enumerate(results):
                line = {"id": f"batch_req_{number}", "custom_id": custom_id, "response": None, "error": None}
                if reply.expired:
                    line["error"] = {"code": "batch_expired", "message": "not processed in time"}
                else:
                    line["response"] = {"status_code": reply.status, "request_id": f"req_{number}",
                                        "body": self.success(body, reply.answer) if reply.status == 200
                                        else self.error(reply.status)}
                (output if reply.status == 200 and not reply.expired else errors).append(line)
            failed = len(errors)
            status = "expired" if any(reply.expired for _, reply, _ in results) else "completed"
            output_id, error_id = f"file-{batch_id}-out", (f"file-{batch_id}-err" if errors else None)
            self.files[output_id] = jsonl(output)
            if errors:
                self.files[error_id] = jsonl(errors)
        return {"id": batch_id, "object": "batch", "endpoint": "/v1/chat/completions", "completion_window": "24h",
                "created_at": 0, "input_file_id": "file-0", "status": status, "output_file_id": output_id,
                "error_file_id": error_id,
                "request_counts": {"total": total, "completed": total - failed if results else 0, "failed": failed}}

    def success(self, body: dict, answer: dict | str) -> dict:
        return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": f"{body['model']}-served",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": _text(answer)}}],
                "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
                          "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS}}

    def error(self, status: int) -> dict:
        return {"error": {"message": f"scripted HTTP {status}", "type": "scripted", "code": None}}


class AnthropicServer(ScriptedServer):
    """``POST /v1/messages``; a dict answer to a request with tools comes back as a call of its first tool.
    ``POST /v1/messages/batches``, ``GET /v1/messages/batches/ID`` and ``.../ID/results`` (Message Batches)."""

    path = "/v1/messages"

    def route(self, method: str, path: str, headers: dict, raw: bytes) -> tuple[int, dict | bytes, dict]:
        parts = path.removeprefix(self.path).strip("/").split("/")
        if method == "POST" and parts == ["batches"]:
            requests = [(item["custom_id"], item["params"]) for item in json.loads(raw)["requests"]]
            return 200, self._batch(self.new_batch(requests)), {}
        if method == "GET" and len(parts) >= 2 and parts[0] == "batches" and parts[1] in self.batches:
            results = self.batch_results(parts[1])
            if parts[2:] == ["results"]:
                return 200, jsonl([{"custom_id": custom_id, "result": self._result(reply, body)}
                                   for custom_id, reply, body in results]), {}
            return 200, self._batch(parts[1], results), {}
        return super().route(method, path, headers, raw)

    def _result(self, reply: Reply, body: dict) -> dict:
        if reply.expired:
            return {"type": "expired"}
        if reply.status != 200:
            return {"type": "errored", "error": self.error(reply.status)}
        return {"type": "succeeded", "message": self.success(body, reply.answer)}

    def _batch(self, batch_id: str, results: list | None = None) -> dict:
        kinds = Counter(self._result(reply, body)["type"] for _, reply, body in results or [])
        ended = results is not None
        return {"id": batch_id, "type": "message_batch", "processing_status": "ended" if ended else "in_progress",
                "request_counts": {"processing": 0 if ended else len(self.batches[batch_id]["requests"]),
                                   "succeeded": kinds["succeeded"], "errored": kinds["errored"],
                                   "canceled": 0, "expired": kinds["expired"]},
                "created_at": "2026-01-01T00:00:00Z", "expires_at": "2026-01-02T00:00:00Z",
                "ended_at": "2026-01-01T01:00:00Z" if ended else None, "archived_at": None,
                "cancel_initiated_at": None,
                "results_url": f"{self.url}{self.path}/batches/{batch_id}/results" if ended else None}

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
