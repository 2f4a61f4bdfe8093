"""What annotation files made elsewhere lack: a type mapping, and defaults for the benchmark's own fields.

A mapping file (YAML) names, for foreign names, the ontology's; a name the ontology has maps
to itself, ``null`` drops what carries it (reported), and a name neither in the ontology nor
in the mapping is an error that cites where it is used::

    event_types: {Positive_regulation: "Conflict:Attack", Protein_catabolism: null}
    entity_types: {Protein: ORG}
    roles: {Theme: Target, "Gene_expression.Theme": Org}    # "ForeignType.Role": for one type
    attributes: {Negation: {polarity: negative}}            # binary attributes (brat M lines)

BioNLP's modifications ``Negation`` and ``Speculation`` map to ``polarity: negative`` and
``modality: other`` unless the file says otherwise.

Defaults for what the foreign files do not have (each use is reported): the event's own
id in its tool as event id; a cluster of its own (the event id as a slug); ACE's default
attribute values (positive, asserted, specific, unspecified); the argument's text as a
slug as entity id (arguments with the same text are one entity); ``OTHER`` as entity type
where the tool has none. Mentions of one type on one trigger are merged into one, with the
arguments of all (the benchmark has one mention per type and trigger).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import yaml

from bench.errors import DataError
from bench.schema import Argument, EventMention, Ontology, load_ontology

DEFAULT_ATTRIBUTES = {"polarity": "positive", "modality": "asserted", "genericity": "specific",
                      "tense": "unspecified"}
BIONLP_MODIFICATIONS = {"Negation": {"polarity": "negative"}, "Speculation": {"modality": "other"}}
KINDS = ("event_types", "entity_types", "roles", "attributes")
#: what ``lookup`` returns for a name neither in the ontology nor in the mapping
UNMAPPED = object()


class Imported(NamedTuple):
    """What a reader of a foreign file found: mentions, notices, and each event id's place in the file."""

    mentions: list[EventMention]
    notices: list[str]
    locations: dict[str, str]


@dataclass(frozen=True)
class Mapping:
    source: str = "a mapping file (none given)"
    names: dict[str, dict] = field(default_factory=lambda: {"attributes": dict(BIONLP_MODIFICATIONS)})

    @classmethod
    def from_file(cls, path: Path, ontology: Ontology | None = None) -> Mapping:
        ontology = ontology or load_ontology()
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise DataError([f"{path}: not a readable YAML mapping file: {str(err).splitlines()[0]}"]) from None
        problems = [f"{path}: unknown key {k!r} (known: {', '.join(KINDS)})" for k in raw if k not in KINDS]
        problems += [f"{path}: {k} must map names to names" for k in KINDS if not isinstance(raw.get(k, {}), dict)]
        if problems:
            raise DataError(problems)
        known = {"event_types": ontology.event_types, "entity_types": ontology.entity_types,
                 "roles": {r for t in ontology.event_types for r in ontology.roles(t)}}
        for kind, allowed in known.items():
            problems += [f"{path}: {kind}: {name!r} -> {value!r}: not a name of the ontology"
                         for name, value in raw.get(kind, {}).items() if value is not None and value not in allowed]
        for name, values in raw.get("attributes", {}).items():
            if values is not None and not (isinstance(values, dict) and all(
                    v in ontology.attributes.get(k, ()) for k, v in values.items())):
                problems.append(f"{path}: attributes: {name!r} must map to attribute: value pairs of the ontology "
                                f"({', '.join(ontology.attributes)})")
        if problems:
            raise DataError(problems)
        names = {kind: dict(raw.get(kind, {})) for kind in KINDS}
        names["attributes"] = {**BIONLP_MODIFICATIONS, **names["attributes"]}
        return cls(f"the mapping file {path}", names)

    def lookup(self, kind: str, name: str, *, known=(), event_type: str | None = None):
        """The ontology's name for ``name`` (itself if in ``known``), None to drop it, or UNMAPPED."""
        if name in known:
            return name
        names = self.names.get(kind, {})
        if event_type is not None and f"{event_type}.{name}" in names:
            return names[f"{event_type}.{name}"]
        return names.get(name, UNMAPPED)

    def unmapped(self, what: str, name: str) -> str:
        return f"{what} {name!r} is neither in the ontology nor in {self.source}; map it (to null to drop it)"


def slug(text: str) -> str:
    """A lower-case slug of ``text`` for an id: ``Kiew`` -> ``kiew``, ``REF-1`` -> ``ref-1``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    value = re.sub(r"[^a-z0-9_.:-]+", "_", ascii_text).strip("_.:-")
    return value or "x"


def completed(path: Path, mentions: list[EventMention], tool: str,
              locations: dict[str, str]) -> tuple[list[EventMention], list[str]]:
    """``mentions`` merged by type and trigger and with defaults for what ``tool`` left out; the notices."""
    merged: dict[tuple, EventMention] = {}
    notices, used = [], Counter()
    for mention in mentions:
        key = (mention.type, mention.trigger.start, mention.trigger.end)
        first = merged.setdefault(key, mention)
        if first is not mention:
            extra = tuple(a for a in mention.arguments if a not in first.arguments)
            merged[key] = replace(first, arguments=first.arguments + extra)
            notices.append(f"{path}: {locations.get(mention.id, mention.id)}: same type and trigger as "
                           f"{locations.get(first.id, first.id)}; merged into it")
    result = []
    for mention in merged.values():
        if mention.cluster is None:
            used["a cluster of its own"] += 1
        attributes = {**{n: v for n, v in DEFAULT_ATTRIBUTES.items() if n not in mention.attributes},
                      **mention.attributes}
        used.update(f"{n}={v}" for n, v in DEFAULT_ATTRIBUTES.items() if n not in mention.attributes)
        used.update("entity type OTHER" for a in mention.arguments if a.entity_type is None)
        used.update("the argument's text as entity id" for a in mention.arguments if a.entity_id is None)
        arguments = tuple(Argument(a.role, a.span, a.entity_type or "OTHER", a.entity_id or slug(a.span.text))
                          for a in mention.arguments)
        result.append(replace(mention, arguments=arguments, attributes=attributes,
                              cluster=mention.cluster or slug(mention.id)))
    if used:
        notices.append(f"{path}: defaults for what {tool} does not have: " +
                       ", ".join(f"{what} ({n}x)" for what, n in used.items()))
    return result, notices
