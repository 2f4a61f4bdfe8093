"""Shared fixtures: the shipped documents and a small builder of hand-made mentions."""
from __future__ import annotations

import contextlib
import io
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.corpus import load_documents, split_sentences
from bench.schema import PROJECT_ROOT, Argument, Document, EventMention, Span


def needs(available: bool, what: str) -> None:
    """A test's tool or data: when missing, skip with ``what`` as the reason, but fail under CI
    (``CI=true``), where ``.ci/run`` provides everything the suite needs."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} (under CI it must be there: .ci/run provides it)")
    pytest.skip(what)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules holding a slow test run first (the order is otherwise the files'): with a module per worker
    at a time (``--dist loadscope --no-loadscope-reorder``), the long ones start early and the many short
    ones fill the workers up at the end."""
    slow = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow)


@pytest.fixture(scope="session")
def seed_documents() -> dict[str, Document]:
    return load_documents(PROJECT_ROOT / "seeds")


def plugin_extractor(folder: Path, package: str, source: str, name: str, config: str) -> list[str]:
    """A user's extractor package and config file in ``folder``: the run arguments and PYTHONPATH
    that make ``extractor=name`` find them, as a user outside the project would."""
    (folder / package).mkdir()
    (folder / package / "__init__.py").write_text(textwrap.dedent(source))
    configs = folder / "configs" / "extractor"
    configs.mkdir(parents=True)
    (configs / f"{name}.yaml").write_text(config)
    return [f"extractor={name}", f"hydra.searchpath=[file://{folder / 'configs'}]"]


@dataclass
class Done:
    """What a command did: as ``subprocess.CompletedProcess`` names it."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Done:
    """Run ``python -m bench ARGS`` in this process (the CLI's entry function), as a user would see it."""
    from bench.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return Done(code, out.getvalue(), err.getvalue())


def make_document(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, split_sentences(text))


def span_of(doc: Document, text: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(text, start + 1)
    return Span(start, start + len(text), text)


def mention(doc: Document, event_type: str, trigger: str | Span, *arguments: tuple[str, str | Span],
            occurrence: int = 0) -> EventMention:
    """An event mention from words of ``doc``: ``mention(doc, "Conflict:Attack", "griff", ("Attacker", "Russland"))``."""
    as_span = lambda x: x if isinstance(x, Span) else span_of(doc, x)  # noqa: E731
    trig = trigger if isinstance(trigger, Span) else span_of(doc, trigger, occurrence)
    return EventMention(doc.id, event_type, trig, tuple(Argument(role, as_span(a)) for role, a in arguments))
