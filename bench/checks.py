"""The checks every reader applies: JSON values decoded safely (and encoded the same way back), and
event mentions checked against the documents and the ontology, each problem as ``file: where: what is wrong``."""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from bench.schema import Argument, Document, EventMention, Ontology, Span

try:
    import orjson        # optional (extra "fast"): reads JSON several times faster
except ImportError:      # pragma: no cover - the standard library reads the same values
    orjson = None

DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ENTITY_ID = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")

# --- event mentions from JSON -------------------------------------------------

#: the keys each object of the interchange and annotation formats may have; ``meta`` holds
#: anything else a tool wants to keep beside a mention (read, ignored, not written back)
EVENT_KEYS = {"doc_id", "type", "trigger", "arguments", "attributes", "id", "cluster", "meta"}
SPAN_KEYS = {"start", "end", "text", "found"}
ARGUMENT_KEYS = SPAN_KEYS | {"role", "entity_type", "entity_id"}
FILE_KEYS = {"doc_id", "ontology_version", "annotator", "events"}
#: problems reported in one file before reading stops
MAX_PROBLEMS = 100


class TooManyProblems(Exception):
    """Raised by ``Checker.report`` once a file has ``MAX_PROBLEMS`` problems."""


def _surrogate_field(value, where: str = "") -> str | None:
    """The path of the first string in a parsed JSON value holding a lone surrogate, else None."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return path or "value"
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = key if key.isidentifier() else repr(key)
                stack += [(key, f"{path}.{name}" if path else name), (inner, f"{path}.{name}" if path else name)]
        elif isinstance(item, list):
            stack += [(v, f"{path}[{i}]") for i, v in enumerate(item)]
    return None


class JSONValueError(ValueError):
    """A JSON text that cannot be read; ``line`` and ``column`` are set for syntax errors."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.line, self.column = line, column


#: what can put a lone surrogate into a parsed value: one in the text, or a \\u escape of one
_MAYBE_SURROGATE = re.compile("[\ud800-\udfff]|\\\\u[dD][89a-fA-F]")
#: orjson reads integers of more than 64 bits as floats: texts with a run of 19 digits go to ``json``
_LONG_DIGIT_RUN = b"0" * 19
#: bytes.translate table: ASCII digits to "0", every other byte to a space
_DIGITS_ONLY = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
#: nesting ``json`` may refuse as too deep (orjson reads it): deeper values are read again by ``json``
_DEEP = 200


def _nests_at_least(value, depth: int) -> bool:
    """True when lists and objects nest ``depth`` levels deep or deeper in a parsed JSON value."""
    level = [value]
    for _ in range(depth):
        containers = [item for item in level if isinstance(item, (list, dict))]
        if not containers:
            return False
        level = [inner for item in containers for inner in (item.values() if isinstance(item, dict) else item)]
    return True


def _has_long_digit_run(text: str) -> bool:
    """True when ``text`` holds 19 ASCII digits in a row (searched in a translated copy of its
    bytes, ten times as fast as a regular expression on a file of annotations)."""
    return _LONG_DIGIT_RUN in text.encode("utf-8", "surrogatepass").translate(_DIGITS_ONLY)


def loads_checked(text: str):
    """``json.loads`` whose failures (bad syntax, nesting too deep, numbers too long, lone
    surrogates) raise JSONValueError with a one-line reason.

    With orjson installed, a text it reads exactly as ``json`` does (no integer beyond 64 bits,
    little nesting) is read by it; whatever orjson refuses is read again by ``json``, so the
    value and every message are those of the standard library."""
    if orjson is not None and not _has_long_digit_run(text):
        try:
            value = orjson.loads(text)      # refuses lone surrogates, NaN and infinities itself
        except orjson.JSONDecodeError:
            pass
        else:
            if text.count("[") + text.count("{") < _DEEP or not _nests_at_least(value, _DEEP):
                return value
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise JSONValueError(f"invalid JSON: {err.msg}", err.lineno, err.colno) from None
    except RecursionError:
        raise JSONValueError("invalid JSON: nested too deeply") from None
    except ValueError as err:     # e.g. an integer of more than 4,300 digits
        raise JSONValueError(f"invalid JSON: {str(err).splitlines()[0]}") from None
    bad = _surrogate_field(value) if _MAYBE_SURROGATE.search(text) else None
    if bad is not None:
        raise JSONValueError(f"{bad}: holds a lone surrogate (not valid Unicode text)")
    return value


def dumps(value, indent: bool = False) -> str:
    """The JSON text of a value: compact, or indented by two spaces; non-ASCII characters as they are.

    orjson writes it when installed (ten times faster); the standard library writes the same text
    otherwise, and also whatever orjson refuses (integers beyond 64 bits, keys that are not strings).
    The two spell some floats differently (``1e-05`` and ``0.00001``): the same number to a reader."""
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else 0).decode("utf-8")
        except orjson.JSONEncodeError:
            pass
    return json.dumps(value, ensure_ascii=False, **({"indent": 2} if indent else {"separators": (",", ":")}))


@dataclass
class Checker:
    """Collects the problems of one file while its events are parsed. ``gold`` files are held to
    the annotation rules (offsets, attributes, entity ids, clusters, arguments in the trigger's
    sentence, no duplicates); predictions only to what scoring needs."""

    path: Path
    documents: dict[str, Document]
    ontology: Ontology
    gold: bool
    problems: list[str]

    def report(self, where: str, message: str) -> None:
        self.problems.append(f"{self.path}: {where}: {message}")
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(f"{self.path}: {where}: {MAX_PROBLEMS} problems, stopped reading")
            raise TooManyProblems

    def unknown_keys(self, obj: dict, allowed: set[str], where: str, what: str) -> None:
        if obj.keys() <= allowed:
            return
        for key in sorted(set(obj) - allowed, key=str):
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(allowed))})"
            self.report(where, f"unknown key {key!r} in {what}{hint}")

    def span(self, obj, where: str, doc: Document | None, what: str, keys: set[str] = SPAN_KEYS) -> Span | None:
        if not isinstance(obj, dict):
            self.report(where, f"{what} must be an object with start, end and text")
            return None
        self.unknown_keys(obj, keys, where, what)
        text, start, end = obj.get("text"), obj.get("start"), obj.get("end")
        if not isinstance(text, str) or not text:
            self.report(where, f"{what} needs a non-empty string 'text'")
            return None
        found = obj.get("found", True)
        if found is not True and found is not False:
            self.report(where, f"{what} 'found' must be true or false, got {short(found)}")
            return None
        if start is None and end is None and not self.gold:
            return Span(None, None, text, unfound=not found)     # text only, or not found in the document
        if not found:
            self.report(where, f"{what} has offsets and 'found': false; give one or the other")
            return None
        if not (type(start) is int and type(end) is int):
            self.report(where, f"{what} 'start' and 'end' must be integers, got {short(start)} and {short(end)}")
            return None
        if doc is None:
            return Span(start, end, text)
        if not 0 <= start < end <= len(doc.text):
            self.report(where, f"{what} offsets {start}-{end} are outside the document (length {len(doc.text)}) "
                               f"or reversed")
            return None
        if doc.text[start:end] != text:
            self.report(where, f"{what} text {short(text)} does not match the document at {start}-{end}: "
                               f"{short(doc.text[start:end])}")
            return None
        return Span(start, end, text)

    def event(self, obj, where: str, doc_id_default: str | None = None) -> EventMention | None:
        """The mention of an event object, or None with its problems reported."""
        mention = self.well_formed_event(obj, doc_id_default)
        return mention if mention is not None else self.checked_event(obj, where, doc_id_default)

    def checked_event(self, obj, where: str, doc_id_default: str | None = None) -> EventMention | None:
        """``event`` one rule at a time, each problem reported."""
        if not isinstance(obj, dict):
            self.report(where, "an event must be a JSON object")
            return None
        self.unknown_keys(obj, EVENT_KEYS, where, "the event")
        doc_id = obj.get("doc_id", doc_id_default)
        doc = self.documents.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            self.report(where, f"unknown document id {short(doc_id)}")
        event_type = obj.get("type")
        known_type = isinstance(event_type, str) and event_type in self.ontology.event_types
        if not known_type:
            self.report(where, f"unknown event type {short(event_type)}")
        trigger = self.span(obj.get("trigger"), where, doc, "trigger")
        attributes = obj.get("attributes", {})
        self.attributes(attributes, where)
        raw_arguments = obj.get("arguments", [])
        if not isinstance(raw_arguments, list):
            self.report(where, "'arguments' must be a list")
            raw_arguments = []
        arguments, seen = [], set()
        for i, raw in enumerate(raw_arguments, 1):
            argument = self.argument(raw, f"{where}: argument {i}", doc, event_type if known_type else None)
            if argument is None:
                continue
            if self.gold:
                for problem in self.gold_argument_problems(argument, seen, doc, trigger):
                    self.report(f"{where}: argument {i}", problem)
            arguments.append(argument)
        cluster = obj.get("cluster")
        if self.gold and not (isinstance(cluster, str) and ENTITY_ID.match(cluster)):
            self.report(where, f"'cluster' must be a lower-case slug, got {short(cluster)}")
        elif cluster is not None and not isinstance(cluster, str):
            self.report(where, f"'cluster' must be a string, got {short(cluster)}")
        event_id = obj.get("id")
        if event_id is not None and not isinstance(event_id, str):
            self.report(where, f"'id' must be a string, got {short(event_id)}")
        if doc is None or not known_type or trigger is None or len(arguments) != len(raw_arguments):
            return None
        return EventMention(doc_id=doc_id, type=event_type, trigger=trigger, arguments=tuple(arguments),
                            attributes=attributes if isinstance(attributes, dict) else {},
                            id=event_id if isinstance(event_id, str) else None,
                            cluster=cluster if isinstance(cluster, str) else None)

    @staticmethod
    def gold_argument_problems(argument: Argument, seen: set, doc: Document | None,
                               trigger: Span | None) -> list[str]:
        """What breaks the annotation rules for an argument: a duplicate (of those in ``seen``, which
        it joins), or a place outside its trigger's sentence."""
        problems = []
        key = (argument.role, argument.span.start, argument.span.end)
        if key in seen:
            problems.append(f"duplicate argument {argument.role} {short(argument.span.text)}")
        seen.add(key)
        if doc is not None and trigger is not None and trigger.aligned:
            sentence = doc.sentence_index(trigger.start)
            if doc.sentence_index(argument.span.start) != sentence or \
                    doc.sentence_index(argument.span.end - 1) != sentence:
                problems.append(f"{argument.role} {short(argument.span.text)} lies outside the trigger's sentence")
        return problems

    # --- the fast path: objects that pass every check, in few calls ---------------

    def well_formed_event(self, obj, doc_id_default: str | None = None) -> EventMention | None:
        """The mention of an event object that passes every check (the same mention ``checked_event``
        builds), or None for any other object, which ``checked_event`` then explains."""
        if type(obj) is not dict or not obj.keys() <= EVENT_KEYS:
            return None
        doc_id, event_type = obj.get("doc_id", doc_id_default), obj.get("type")
        if type(doc_id) is not str or type(event_type) is not str:
            return None
        doc, roles = self.documents.get(doc_id), self.ontology.role_sets.get(event_type)
        attributes, raw_arguments = obj.get("attributes", {}), obj.get("arguments", [])
        cluster, event_id = obj.get("cluster"), obj.get("id")
        if doc is None or roles is None or type(raw_arguments) is not list or not self._good_attributes(attributes) \
                or not (event_id is None or type(event_id) is str) or not self._good_cluster(cluster):
            return None
        trigger = self._well_formed_span(obj.get("trigger"), doc.text, SPAN_KEYS)
        if trigger is None:
            return None
        arguments, seen = [], set()
        for raw in raw_arguments:
            argument = self._well_formed_argument(raw, doc.text, roles)
            if argument is None or self.gold and self.gold_argument_problems(argument, seen, doc, trigger):
                return None
            arguments.append(argument)
        return EventMention(doc_id, event_type, trigger, tuple(arguments), attributes, event_id, cluster)

    def _well_formed_argument(self, obj, text: str, roles: frozenset[str]) -> Argument | None:
        if type(obj) is not dict:
            return None
        role, entity_type, entity_id = obj.get("role"), obj.get("entity_type"), obj.get("entity_id")
        if type(role) is not str or role not in roles or not (entity_id is None or type(entity_id) is str):
            return None
        if self.gold and (entity_id is None or not ENTITY_ID.match(entity_id)):
            return None
        if (self.gold or entity_type is not None) and not (type(entity_type) is str
                                                           and entity_type in self.ontology.entity_types):
            return None
        span = self._well_formed_span(obj, text, ARGUMENT_KEYS)
        return None if span is None else Argument(role, span, entity_type, entity_id)

    def _well_formed_span(self, obj, text: str, keys: set[str]) -> Span | None:
        if type(obj) is not dict or not obj.keys() <= keys:
            return None
        span_text, start, end, found = obj.get("text"), obj.get("start"), obj.get("end"), obj.get("found", True)
        if type(span_text) is not str or not span_text or (found is not True and found is not False):
            return None
        if start is None and end is None and not self.gold:
            return Span(None, None, span_text, unfound=not found)
        if found and type(start) is int and type(end) is int and 0 <= start < end <= len(text) \
                and text[start:end] == span_text:
            return Span(start, end, span_text)
        return None

    def _good_attributes(self, attributes) -> bool:
        if type(attributes) is not dict:
            return False
        allowed = self.ontology.attributes
        if self.gold and len(attributes) != len(allowed):
            return False
        return all(name in allowed and (value in allowed[name] if type(value) is str else value is None and not self.gold)
                   for name, value in attributes.items())

    def _good_cluster(self, cluster) -> bool:
        if self.gold:
            return type(cluster) is str and ENTITY_ID.match(cluster) is not None
        return cluster is None or type(cluster) is str

    def argument(self, obj, where: str, doc: Document | None, event_type: str | None) -> Argument | None:
        if not isinstance(obj, dict):
            self.report(where, "an argument must be a JSON object")
            return None
        role = obj.get("role")
        if not isinstance(role, str):
            self.report(where, f"'role' must be a string, got {short(role)}")
            return None
        if event_type is not None and role not in self.ontology.roles(event_type):
            self.report(where, f"role {short(role)} is not a role of {event_type} "
                               f"({', '.join(self.ontology.roles(event_type))})")
            return None
        span = self.span(obj, where, doc, f"argument {role}", ARGUMENT_KEYS)
        entity_type, entity_id = obj.get("entity_type"), obj.get("entity_id")
        if (self.gold or entity_type is not None) and not (isinstance(entity_type, str)
                                                           and entity_type in self.ontology.entity_types):
            self.report(where, f"unknown entity type {short(entity_type)}")
            return None
        if self.gold and not (isinstance(entity_id, str) and ENTITY_ID.match(entity_id)):
            self.report(where, f"'entity_id' must be a lower-case slug, got {short(entity_id)}")
            return None
        if entity_id is not None and not isinstance(entity_id, str):
            self.report(where, f"'entity_id' must be a string, got {short(entity_id)}")
            return None
        if span is None:
            return None
        return Argument(role=role, span=span, entity_type=entity_type, entity_id=entity_id)

    def attributes(self, attributes, where: str) -> None:
        if not isinstance(attributes, dict):
            self.report(where, "'attributes' must be an object")
            return
        if not attributes and not self.gold:      # nothing to check: predictions may leave them out
            return
        for name, allowed in self.ontology.attributes.items():
            value = attributes.get(name)
            if value is None and not self.gold:
                continue
            if not isinstance(value, str) or value not in allowed:
                self.report(where, f"attribute {name} must be one of {', '.join(allowed)}, got {short(value)}")
        for name in sorted(attributes.keys() - self.ontology.attributes.keys(), key=str):
            self.report(where, f"unknown attribute {short(name)}")


def short(value, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters, for messages about values of any size."""
    if isinstance(value, int) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + " ..."
