"""API adapters: one chat request in, one parsed response with its usage out.

An adapter knows one API family (its SDK, request body and response shape) and
nothing about events; ``client.Client`` adds caching, concurrency and retries on
top. A config names its family's adapter class as every plug-in is named, with
``_target_`` (``api: {_target_: bench.extractors.llm.openai_chat.OpenAIChatAdapter,
_partial_: true}``), so a family of one's own is a class and a config file. SDKs are
imported only when an adapter is built, so the core install does not need them.
"""
from __future__ import annotations

import importlib
import inspect
import math
import os
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from bench.errors import ExtractorError

INSTALL_HINT = 'pip install -e ".[llm]"'
#: sent as the key to servers that need none (api_key_env: null)
DUMMY_KEY = "no-key"


@dataclass(frozen=True)
class Request:
    """A chat request, independent of the API family: a system prompt, chat turns and
    optionally the JSON schema the answer must follow."""

    system: str
    messages: tuple[dict, ...]
    schema: dict | None = None
    schema_name: str = "answer"


@dataclass(frozen=True)
class Response:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    finish_reason: str = ""

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Failure:
    """What went wrong with one attempt: ``kind`` names it in the run's counts; a fatal
    failure (a wrong key, model or URL) stops the run with ``message``."""

    kind: str
    retryable: bool
    retry_after: float | None = None
    message: str = field(default="", compare=False)
    fatal: bool = False


@dataclass(frozen=True)
class BatchProgress:
    """A provider batch as one status request sees it."""

    status: str
    finished: int
    total: int
    done: bool


def wire_body(payload: dict) -> dict:
    """The JSON body a payload becomes on the wire: the SDK's ``extra_body`` merged in (batch files need it so)."""
    body = {k: v for k, v in payload.items() if k != "extra_body"}
    return {**body, **payload.get("extra_body", {})}


#: HTTP statuses that mean the configuration is wrong: the run stops with a message.
FATAL_STATUS = {401: "authentication failed", 403: "permission denied", 404: "not found (model or base_url?)"}


class Adapter(ABC):
    """One API family. ``payload`` is the exact request (the cache key is built from it);
    ``send`` runs it on a client opened by ``async with adapter``."""

    provider: str = ""
    default_base_url: str = ""

    def __init__(self, model: str, base_url: str | None = None, api_key_env: str | None = None,
                 parameters: dict | None = None, structured_output: bool = True, timeout: float = 60.0):
        if not model:
            raise ExtractorError(f"{self.provider}: no model given (set extractor.model)")
        self.model = model
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.api_key_env = api_key_env
        self.parameters = dict(parameters or {})
        self.structured_output = structured_output
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, base_url={self.base_url!r})"

    def api_key(self) -> str:
        """The key from the environment variable named in the config, never stored on the adapter."""
        if not self.api_key_env:
            return DUMMY_KEY
        key = os.environ.get(self.api_key_env)
        if not key:
            raise ExtractorError(f"{self.provider}: the environment variable {self.api_key_env} holding the API key "
                                 f"is not set (or set extractor.api_key_env=null for a server that needs no key)")
        return key

    def sdk_versions(self) -> dict:
        """Name -> version of the client libraries the adapter runs on, for run.json."""
        return {}

    def identity(self) -> dict:
        """What besides the payload decides the answer: part of the cache key."""
        return {"provider": self.provider, "base_url": self.base_url}

    @abstractmethod
    def payload(self, request: Request) -> dict:
        """The request body as keyword arguments of the SDK call, model and parameters included."""

    @abstractmethod
    async def send(self, payload: dict) -> Response:
        """Run one request; raises the SDK's exceptions (see ``failure``)."""

    @abstractmethod
    def failure(self, error: Exception) -> Failure | None:
        """How an exception raised by ``send`` counts, or None if it is not an API error."""

    @abstractmethod
    def parse_body(self, body: dict) -> Response:
        """A response body as the API sends it (JSON, in a batch's or an answers file's line) as a Response."""

    # A family with a batch API sets ``batch_api`` and implements these three (see ``batch``).
    batch_api = False

    async def submit_batch(self, payloads: dict[str, dict]) -> str:
        """Submit the payloads (by custom id) as one batch; its id."""
        raise NotImplementedError

    async def batch_progress(self, batch_id: str) -> BatchProgress:
        raise NotImplementedError

    async def batch_results(self, batch_id: str) -> dict[str, Response | str]:
        """Each finished request's Response, or the kind of its failure, by custom id."""
        raise NotImplementedError

    @abstractmethod
    async def __aenter__(self) -> Adapter:
        """Open a client on the running event loop (SDK clients are bound to one loop)."""

    @abstractmethod
    async def __aexit__(self, *exc) -> None:
        """Close the client."""


class SDKAdapter(Adapter):
    """An adapter on an official SDK with the usual exception classes (``APIStatusError``
    with ``status_code``, ``APITimeoutError``, ``APIConnectionError``) and ``max_retries``."""

    sdk_module: str = ""
    client_class: str = ""
    #: parameters the API refuses to run without
    required_parameters: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        missing = [name for name in self.required_parameters if name not in self.parameters]
        if missing:
            raise ExtractorError(f"{self.provider}: set extractor.parameters.{missing[0]}")
        try:
            self.sdk = importlib.import_module(self.sdk_module)
        except ImportError:
            raise ExtractorError(f"the {self.provider} extractor needs the '{self.sdk_module}' package: "
                                 f"{INSTALL_HINT}") from None
        self.client = None

    @abstractmethod
    def create_method(self, client):
        """The SDK's bound request method, e.g. ``client.chat.completions.create``."""

    async def __aenter__(self) -> SDKAdapter:
        # The SDK's own retries are off: client.Client retries, and counts what it retries.
        self.client = getattr(self.sdk, self.client_class)(api_key=self.api_key(), base_url=self.base_url,
                                                           max_retries=0, timeout=self.timeout)
        accepted = inspect.signature(self.create_method(self.client)).parameters
        unknown = sorted(set(self.parameters) - set(accepted))
        if unknown:
            await self.__aexit__()
            raise ExtractorError(f"{self.provider}: unknown parameters {', '.join(unknown)}; put fields the SDK "
                                 f"does not know under parameters.extra_body")
        return self

    async def __aexit__(self, *exc) -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None

    async def send(self, payload: dict) -> Response:
        return self.response(await self.create_method(self.client)(**payload))

    @abstractmethod
    def response(self, raw) -> Response:
        """The SDK's response object as a Response."""

    #: dotted name of the SDK's response type under ``sdk.types``, for ``parse_body``
    response_type: str = ""

    def parse_body(self, body: dict) -> Response:
        kind = self.sdk.types
        for name in self.response_type.split("."):
            kind = getattr(kind, name)
        return self.response(kind.model_validate(body))

    def sdk_versions(self) -> dict:
        return {self.sdk_module: getattr(self.sdk, "__version__", "unknown")}

    def failure(self, error: Exception) -> Failure | None:
        sdk = self.sdk
        if isinstance(error, sdk.APITimeoutError):
            return Failure("timeout", True, message=str(error))
        if isinstance(error, sdk.APIConnectionError):
            return Failure("connection", True, message=str(error))
        if not isinstance(error, sdk.APIStatusError):
            return None
        status = error.status_code
        if status in FATAL_STATUS:
            hint = f" (the key comes from ${self.api_key_env})" if status == 401 and self.api_key_env else ""
            return Failure(f"http_{status}", False, fatal=True,
                           message=f"{self.provider} at {self.base_url}, model {self.model}: HTTP {status} "
                                   f"{FATAL_STATUS[status]}{hint}")
        if status == 429:
            return Failure("rate_limit", True, retry_after(error.response.headers), str(error))
        if status >= 500:
            return Failure("server_error", True, retry_after(error.response.headers), str(error))
        return Failure(f"http_{status}", False, message=str(error))


def retry_after(headers) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date);
    None for a value that is not a finite time."""
    for name, scale in (("retry-after-ms", 1000), ("retry-after", 1)):
        value = headers.get(name)
        if not value:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            try:
                seconds = (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds()
            except (TypeError, ValueError):
                continue
        if math.isfinite(seconds):
            return max(0.0, seconds)
    return None


def build_adapter(api, **settings) -> Adapter:
    """The adapter ``api`` builds with ``settings``: an Adapter class, or the partial that a config's
    ``api: {_target_: CLASS, _partial_: true}`` becomes."""
    if not callable(api):
        raise ExtractorError(f"extractor.api must name an adapter class with _target_ and _partial_: true "
                             f"(as configs/extractor/llm_openai.yaml does), got {api!r}")
    adapter = api(**settings)
    if not isinstance(adapter, Adapter):
        raise ExtractorError(f"extractor.api: {type(adapter).__name__} is not an adapter "
                             f"(a subclass of {Adapter.__module__}.Adapter)")
    return adapter
