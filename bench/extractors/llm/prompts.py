"""Prompts for event extraction: template files filled with the ontology, few-shot
examples and numbered sentence windows.

Templates live in ``configs/prompts/`` (a system prompt: ``system.txt``, the compact
rules, or ``system_guidelines.txt``, which carries sections 1 to 4 of the annotation
guidelines; ``user.txt``, ``example.txt``; ``attributes.txt`` when attributes are asked
for, and ``cluster.txt`` for event clusters) and are ``string.Template`` text; only our
own data (ontology, guidelines, gold examples, document sentences) is substituted into
them, never model output. The mentions listed in a cluster request are model
output, but they go into the user message as JSON, not through a template.
"""
from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

from bench.errors import ExtractorError
from bench.extractors.llm.api import Request
from bench.schema import PROJECT_ROOT, Document, EventMention, Ontology, Span

TEMPLATE_NAMES = ("user", "example")
CLUSTER_TEMPLATE = "cluster"
ATTRIBUTES_TEMPLATE = "attributes"
GUIDELINES_PATH = PROJECT_ROOT / "annotations" / "guidelines.md"


def guidelines_text() -> str:
    """Sections 1 to 4 of the annotation guidelines (what is annotated, triggers, arguments, attributes)."""
    text = GUIDELINES_PATH.read_text(encoding="utf-8")
    return text[text.index("## 1. "):text.index("\n## 5. ")].strip()


@dataclass(frozen=True)
class Window:
    """Consecutive sentences of a document, sent in one request and numbered from 1."""

    document: Document
    sentences: tuple[Span, ...]

    def texts(self) -> list[str]:
        return [self.document.text[s.start:s.end] for s in self.sentences]


def windows(document: Document, size: int) -> list[Window]:
    if size < 1:
        raise ExtractorError("window_sentences must be at least 1")
    return [Window(document, document.sentences[i:i + size]) for i in range(0, len(document.sentences), size)]


def numbered(sentences: Sequence[str]) -> str:
    return "\n".join(f"[{i}] {text}" for i, text in enumerate(sentences, 1))


def strict_object(properties: dict) -> dict:
    """A JSON schema object for strict structured output: every field required, no others."""
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def answer_schema(ontology: Ontology, attributes: bool = False) -> dict:
    """The JSON schema of an answer; with ``attributes``, each event has its attribute values too."""
    roles = sorted({role for spec in ontology.event_types.values() for role in spec["roles"]})
    argument = strict_object({"role": {"type": "string", "enum": roles}, "text": {"type": "string"}})
    fields = {"type": {"type": "string", "enum": list(ontology.event_types)},
              "trigger": {"type": "string"}, "sentence": {"type": "integer"},
              "arguments": {"type": "array", "items": argument}}
    if attributes:
        fields["attributes"] = strict_object({name: {"type": "string", "enum": list(values)}
                                              for name, values in ontology.attributes.items()})
    return strict_object({"events": {"type": "array", "items": strict_object(fields)}})


#: The JSON schema of a cluster answer: groups of mention ids.
CLUSTER_SCHEMA = strict_object({"groups": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}})


@dataclass(frozen=True)
class Example:
    sentence: str
    answer: dict


def draw_examples(documents: Sequence[Document], gold: Mapping[str, Sequence[EventMention]], k: int,
                  seed: int = 0) -> list[Example]:
    """``k`` sentences with gold events, drawn reproducibly from the given documents, with
    those events in the answer format."""
    candidates = []
    for document in sorted(documents, key=lambda d: d.id):
        by_sentence: dict[int, list[EventMention]] = {}
        for mention in gold.get(document.id, ()):
            by_sentence.setdefault(document.sentence_index(mention.trigger.start), []).append(mention)
        for index in sorted(i for i in by_sentence if i >= 0):
            events = [{"type": m.type, "trigger": m.trigger.text, "sentence": 1,
                       "arguments": [{"role": a.role, "text": a.span.text} for a in m.arguments]}
                      for m in sorted(by_sentence[index], key=lambda m: m.trigger.start)]
            sentence = document.sentences[index]
            candidates.append(Example(document.text[sentence.start:sentence.end], {"events": events}))
    chosen = random.Random(seed).sample(range(len(candidates)), min(k, len(candidates)))
    return [candidates[i] for i in sorted(chosen)]


class Prompts:
    """The templates of ``folder``: the system prompt ``system`` (a file name without ``.txt``),
    ``attributes.txt`` only with ``attributes=True``, ``cluster.txt`` only with ``clusters=True``."""

    def __init__(self, folder: Path, ontology: Ontology, clusters: bool = False, system: str = "system",
                 attributes: bool = False):
        self.folder = Path(folder)
        self.system_name = system
        self.templates = {}
        names = (system, *TEMPLATE_NAMES, *((ATTRIBUTES_TEMPLATE,) if attributes else ()),
                 *((CLUSTER_TEMPLATE,) if clusters else ()))
        for name in names:
            path = self.folder / f"{name}.txt"
            if not path.is_file():
                raise ExtractorError(f"prompt template {path} not found")
            self.templates[name] = Template(path.read_text(encoding="utf-8"))
        self.attributes = attributes
        self.guidelines = guidelines_text() if "guidelines" in self.templates[system].get_identifiers() else ""
        self.event_types = "\n".join(f"- {name}: {spec['definition']}; roles: {', '.join(spec['roles'])}"
                                     for name, spec in ontology.event_types.items())
        self.definitions = {name: spec["definition"] for name, spec in ontology.event_types.items()}
        self.schema = answer_schema(ontology, attributes)

    def version(self) -> str:
        """A short hash of the templates in use (and of the guidelines, if the system prompt carries them)."""
        parts = [f"{name}\0{template.template}" for name, template in sorted(self.templates.items())]
        return hashlib.sha256("\0".join(parts + [self.guidelines]).encode("utf-8")).hexdigest()[:12]

    def render(self, name: str, **values) -> str:
        try:
            return self.templates[name].substitute(**values)
        except (KeyError, ValueError) as err:
            raise ExtractorError(f"prompt template {self.folder / name}.txt: bad placeholder {err}") from None

    def system(self, examples: Sequence[Example]) -> str:
        rendered = "".join(self.render("example", number=i, sentences=numbered([e.sentence]),
                                       answer=json.dumps(e.answer, ensure_ascii=False))
                           for i, e in enumerate(examples, 1))
        attributes = self.render(ATTRIBUTES_TEMPLATE) if self.attributes else ""
        return self.render(self.system_name, event_types=self.event_types, examples=rendered, attributes=attributes,
                           guidelines=self.guidelines)

    def request(self, system: str, window: Window) -> Request:
        user = self.render("user", sentences=numbered(window.texts()))
        return Request(system=system, messages=({"role": "user", "content": user},), schema=self.schema,
                       schema_name="events")

    def cluster_request(self, event_type: str, mentions: Sequence[dict]) -> Request:
        """Mentions of one event type (one JSON object a line) to be grouped into events."""
        system = self.render(CLUSTER_TEMPLATE, event_type=event_type, definition=self.definitions[event_type])
        listing = "\n".join(json.dumps(m, ensure_ascii=False) for m in mentions)
        return Request(system=system, messages=({"role": "user", "content": listing},), schema=CLUSTER_SCHEMA,
                       schema_name="clusters")
