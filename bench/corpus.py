"""Reading and writing the benchmark's data: documents, annotation files, JSON Lines.

Every reader checks what it reads against the documents and the ontology and
reports problems as ``file: where: what is wrong``, all of them at once.
"""
from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from bench.errors import DataError
from bench.paths import PROJECT_ROOT, project_path
from bench.schema import Argument, Document, EventMention, Ontology, Span, load_ontology

try:
    import orjson        # optional (extra "fast"): reads JSON several times faster
except ImportError:      # pragma: no cover - the standard library reads the same values
    orjson = None

DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ENTITY_ID = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")

# --- documents -------------------------------------------------------------

_ABBREVIATIONS = {"z", "B", "Dr", "Prof", "bzw", "ca", "usw", "etc", "Nr", "St", "vgl", "u", "a", "d", "h",
                  "Mio", "Mrd", "Jh", "Abs", "Art", "geb", "gest", "evtl", "inkl", "sog"}
_LAST_WORD = re.compile(r"(\w+)$")
_BOUNDARY = re.compile(r"[.!?]+[\"'“”»«)\]]*(?=\s+[\"„«‚A-ZÄÖÜ0-9])")


def split_sentences(text: str) -> tuple[Span, ...]:
    """Deterministic German sentence spans: at line breaks, and at ``.!?`` before a capital.

    A period after a one- or two-digit number (an ordinal: ``20. Jänner``) or after a
    listed abbreviation does not end a sentence. The gold's rule that arguments lie in
    their trigger's sentence depends on this function, so it does not use a model.
    """
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for boundary in _BOUNDARY.finditer(line.group()):
            before = line.group()[: boundary.start()]
            last_word = _last_word(before)
            if last_word and (re.fullmatch(r"\d{1,2}", last_word.group(1)) or last_word.group(1) in _ABBREVIATIONS):
                if boundary.group()[0] == ".":
                    continue
            end = line.start() + boundary.end()
            spans.append(_trimmed(text, start, end))
            start = end
        spans.append(_trimmed(text, start, line.end()))
    return tuple(s for s in spans if s.end > s.start)


def _last_word(text: str):
    """The match of ``_LAST_WORD`` (the word the text ends with), looking only at its end unless the word is longer."""
    tail = max(0, len(text) - 64)
    found = _LAST_WORD.search(text, tail)
    return _LAST_WORD.search(text) if found and found.start() == tail and tail else found


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def read_text(path: Path) -> str:
    """A document's text: strict UTF-8, no byte-order mark, Unix line ends."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError([f"{path}: starts with a UTF-8 byte-order mark; remove it (offsets would shift by one)"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError([f"{path}: byte {err.start}: not UTF-8 ({err.reason}); re-save the file as UTF-8"]) from None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise DataError([f"{path}: line {line}: carriage return (CRLF or CR line ends); convert to LF line ends"])
    return text


def load_document(path: Path) -> Document:
    text = read_text(path)
    return Document(id=path.stem, text=text, sentences=split_sentences(text))


def load_documents(seeds_dir: Path) -> dict[str, Document]:
    paths = sorted(Path(seeds_dir).glob("*.txt"))
    if not paths:
        raise DataError([f"{seeds_dir}: no documents (*.txt) found"])
    bad = [f"{p}: document id '{p.stem}' may hold only letters, digits, '_', '-' and '.'" for p in paths
           if not DOC_ID.match(p.stem)]
    if bad:
        raise DataError(bad)
    return {p.stem: load_document(p) for p in paths}


# --- event mentions from JSON -------------------------------------------------

#: the keys each object of the interchange and annotation formats may have; ``meta`` holds
#: anything else a tool wants to keep beside a mention (read, ignored, not written back)
EVENT_KEYS = {"doc_id", "type", "trigger", "arguments", "attributes", "id", "cluster", "meta"}
SPAN_KEYS = {"start", "end", "text", "found"}
ARGUMENT_KEYS = SPAN_KEYS | {"role", "entity_type", "entity_id"}
FILE_KEYS = {"doc_id", "ontology_version", "annotator", "events"}
#: problems reported in one file before reading stops
MAX_PROBLEMS = 100


class _TooManyProblems(Exception):
    """Raised by ``_Checker.report`` once a file has ``MAX_PROBLEMS`` problems."""


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
#: orjson reads integers of more than 64 bits as floats: texts with such digit runs go to ``json``
_LONG_DIGITS = re.compile("[0-9]{19}")
#: nesting ``json`` may refuse as too deep (orjson reads it): deeper values are read again by ``json``
_DEEP = 200


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _nesting(text: str) -> int:
    """How deeply lists and objects nest in a valid JSON text: its brackets outside strings, counted."""
    brackets = _BRACKET.findall(_JSON_STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def loads_checked(text: str):
    """``json.loads`` whose failures (bad syntax, nesting too deep, numbers too long, lone
    surrogates) raise JSONValueError with a one-line reason.

    With orjson installed, a text it reads exactly as ``json`` does (no integer beyond 64 bits,
    little nesting) is read by it; whatever orjson refuses is read again by ``json``, so the
    value and every message are those of the standard library."""
    if orjson is not None and not _LONG_DIGITS.search(text):
        try:
            value = orjson.loads(text)      # refuses lone surrogates, NaN and infinities itself
        except orjson.JSONDecodeError:
            pass
        else:
            if text.count("[") + text.count("{") < _DEEP or _nesting(text) < _DEEP:
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


@dataclass
class _Checker:
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
            raise _TooManyProblems

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
            self.report(where, f"{what} 'found' must be true or false, got {_short(found)}")
            return None
        if start is None and end is None and not self.gold:
            return Span(None, None, text, unfound=not found)     # text only, or not found in the document
        if not found:
            self.report(where, f"{what} has offsets and 'found': false; give one or the other")
            return None
        if not (type(start) is int and type(end) is int):
            self.report(where, f"{what} 'start' and 'end' must be integers, got {_short(start)} and {_short(end)}")
            return None
        if doc is None:
            return Span(start, end, text)
        if not 0 <= start < end <= len(doc.text):
            self.report(where, f"{what} offsets {start}-{end} are outside the document (length {len(doc.text)}) "
                               f"or reversed")
            return None
        if doc.text[start:end] != text:
            self.report(where, f"{what} text {_short(text)} does not match the document at {start}-{end}: "
                               f"{_short(doc.text[start:end])}")
            return None
        return Span(start, end, text)

    def event(self, obj, where: str, doc_id_default: str | None = None) -> EventMention | None:
        if not isinstance(obj, dict):
            self.report(where, "an event must be a JSON object")
            return None
        self.unknown_keys(obj, EVENT_KEYS, where, "the event")
        doc_id = obj.get("doc_id", doc_id_default)
        doc = self.documents.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            self.report(where, f"unknown document id {_short(doc_id)}")
        event_type = obj.get("type")
        known_type = isinstance(event_type, str) and event_type in self.ontology.event_types
        if not known_type:
            self.report(where, f"unknown event type {_short(event_type)}")
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
                self.gold_argument(argument, seen, f"{where}: argument {i}", doc, trigger)
            arguments.append(argument)
        cluster = obj.get("cluster")
        if self.gold and not (isinstance(cluster, str) and ENTITY_ID.match(cluster)):
            self.report(where, f"'cluster' must be a lower-case slug, got {_short(cluster)}")
        elif cluster is not None and not isinstance(cluster, str):
            self.report(where, f"'cluster' must be a string, got {_short(cluster)}")
        event_id = obj.get("id")
        if event_id is not None and not isinstance(event_id, str):
            self.report(where, f"'id' must be a string, got {_short(event_id)}")
        if doc is None or not known_type or trigger is None or len(arguments) != len(raw_arguments):
            return None
        return EventMention(doc_id=doc_id, type=event_type, trigger=trigger, arguments=tuple(arguments),
                            attributes=attributes if isinstance(attributes, dict) else {},
                            id=event_id if isinstance(event_id, str) else None,
                            cluster=cluster if isinstance(cluster, str) else None)

    def gold_argument(self, argument: Argument, seen: set, where: str, doc: Document | None,
                      trigger: Span | None) -> None:
        """The annotation rules for an argument: no duplicate, in its trigger's sentence."""
        key = (argument.role, argument.span.start, argument.span.end)
        if key in seen:
            self.report(where, f"duplicate argument {argument.role} {_short(argument.span.text)}")
        seen.add(key)
        if doc is not None and trigger is not None and trigger.aligned:
            sentence = doc.sentence_index(trigger.start)
            if doc.sentence_index(argument.span.start) != sentence or \
                    doc.sentence_index(argument.span.end - 1) != sentence:
                self.report(where, f"{argument.role} {_short(argument.span.text)} lies outside the trigger's sentence")

    def argument(self, obj, where: str, doc: Document | None, event_type: str | None) -> Argument | None:
        if not isinstance(obj, dict):
            self.report(where, "an argument must be a JSON object")
            return None
        role = obj.get("role")
        if not isinstance(role, str):
            self.report(where, f"'role' must be a string, got {_short(role)}")
            return None
        if event_type is not None and role not in self.ontology.roles(event_type):
            self.report(where, f"role {_short(role)} is not a role of {event_type} "
                               f"({', '.join(self.ontology.roles(event_type))})")
            return None
        span = self.span(obj, where, doc, f"argument {role}", ARGUMENT_KEYS)
        entity_type, entity_id = obj.get("entity_type"), obj.get("entity_id")
        if (self.gold or entity_type is not None) and not (isinstance(entity_type, str)
                                                           and entity_type in self.ontology.entity_types):
            self.report(where, f"unknown entity type {_short(entity_type)}")
            return None
        if self.gold and not (isinstance(entity_id, str) and ENTITY_ID.match(entity_id)):
            self.report(where, f"'entity_id' must be a lower-case slug, got {_short(entity_id)}")
            return None
        if entity_id is not None and not isinstance(entity_id, str):
            self.report(where, f"'entity_id' must be a string, got {_short(entity_id)}")
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
                self.report(where, f"attribute {name} must be one of {', '.join(allowed)}, got {_short(value)}")
        for name in sorted(attributes.keys() - self.ontology.attributes.keys(), key=str):
            self.report(where, f"unknown attribute {_short(name)}")


def _short(value, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters, for messages about values of any size."""
    if isinstance(value, int) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def read_annotation_file(path: Path, documents: dict[str, Document],
                         ontology: Ontology | None = None) -> list[EventMention]:
    """One gold annotation file (``annotations/gold/<doc_id>.json``); raises DataError."""
    path = Path(path)
    readable_file(path)
    try:
        data = loads_checked(read_text(path))
    except JSONValueError as err:
        where = f"line {err.line} column {err.column}: " if err.line else ""
        raise DataError([f"{path}: {where}{err}"]) from None
    return parse_annotation(data, path, documents, ontology)


def parse_annotation(data, path: Path, documents: dict[str, Document],
                     ontology: Ontology | None = None, locations: dict[str, str] | None = None) -> list[EventMention]:
    """The mentions of an annotation object read from (or meant for) ``path``; raises DataError.
    ``locations``: event id -> where the event is in ``path`` (a converted file's line), for messages."""
    checker = _Checker(Path(path), documents, ontology or load_ontology(), True, [])
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise DataError([f"{path}: top level: must be an object with 'doc_id' and a list 'events'"])
    mentions = []
    try:
        checker.unknown_keys(data, FILE_KEYS, "top level", "the file")
        doc_id = data.get("doc_id")
        if not isinstance(doc_id, str) or doc_id not in documents:
            checker.report("top level", f"unknown document id {_short(doc_id)} (no document {_short(doc_id)}.txt)")
        elif path.stem != doc_id:
            checker.report("top level", f"file name must be {doc_id}.json for document {doc_id!r}")
        if not checker.ontology.reads(data.get("ontology_version")):
            readable = ", ".join([checker.ontology.version, *checker.ontology.compatible])
            checker.report("top level", f"ontology_version is {_short(data.get('ontology_version'))}; "
                                        f"the ontology (version {checker.ontology.version}) reads {readable}")
        seen_ids, seen_triggers = set(), {}
        for i, raw in enumerate(data["events"], 1):
            event_id = raw.get("id") if isinstance(raw, dict) else None
            where = f"event {event_id}" if isinstance(event_id, str) and event_id else f"event #{i}"
            if locations and isinstance(event_id, str) and event_id in locations:
                where = locations[event_id]
            if not (isinstance(event_id, str) and event_id):
                checker.report(where, "missing event id")
            elif event_id in seen_ids:
                checker.report(where, "duplicate event id")
            seen_ids.add(event_id)
            if isinstance(raw, dict) and "doc_id" in raw and raw["doc_id"] != doc_id:
                checker.report(where, f"doc_id {_short(raw['doc_id'])} differs from the file's {doc_id!r}")
            mention = checker.event(raw, where, doc_id_default=doc_id)
            if mention is None:
                continue
            key = (mention.type, mention.trigger.start, mention.trigger.end)
            if key in seen_triggers:
                checker.report(where, f"duplicate of event {seen_triggers[key]}: same type and trigger "
                                      f"{mention.trigger.text!r} at {mention.trigger.start}")
            seen_triggers.setdefault(key, where.removeprefix("event "))
            mentions.append(mention)
    except _TooManyProblems:
        pass
    if checker.problems:
        raise DataError(checker.problems)
    return mentions


def read_annotations(folder: Path, documents: dict[str, Document]) -> dict[str, list[EventMention]]:
    """All annotation files in ``folder``, by document id; problems of all files at once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError([f"{folder}: no such gold folder"])
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise DataError([f"{folder}: no annotation files (*.json) found"])
    gold, problems = {}, []
    for path in paths:
        try:
            gold[path.stem] = read_annotation_file(path, documents)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    return gold


#: longest line read from a JSON Lines file; a longer one is an error, so memory stays bounded
MAX_LINE_BYTES = 1_000_000


def readable_file(path: Path) -> None:
    """Raise DataError unless ``path`` is a regular file (not missing, a folder, a FIFO or a device)."""
    path = Path(path)
    if not path.exists():
        raise DataError([f"{path}: no such file"])
    if not path.is_file():
        raise DataError([f"{path}: not a regular file (a folder, pipe or device)"])


def read_jsonl(path: Path, documents: dict[str, Document], ontology: Ontology | None = None,
               allow_empty: bool = False) -> list[EventMention]:
    """Event mentions in the interchange format, one per line.

    The file is streamed line by line (each decoded on its own, so an encoding error names
    its line); reading stops at an over-long line or after ``MAX_PROBLEMS`` problems.
    ``path`` "-" reads standard input.
    """
    if str(path) != "-":
        readable_file(path)
    checker = _Checker(Path(path), documents, ontology or load_ontology(), False, [])
    mentions, seen_content = [], False
    stream = sys.stdin.buffer if str(path) == "-" else Path(path).open("rb")
    try:
        for number, raw in enumerate(iter(lambda: stream.readline(MAX_LINE_BYTES + 1), b""), 1):
            if len(raw) > MAX_LINE_BYTES:
                checker.report(f"line {number}", f"longer than {MAX_LINE_BYTES:,} bytes; stopped reading")
                break
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                checker.report("line 1", "starts with a byte-order mark; save the file as UTF-8 without BOM")
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                checker.report(f"line {number}", f"not UTF-8 (byte {err.start} of the line: {err.reason})")
                continue
            if not line.strip():
                continue
            seen_content = True
            try:
                obj = loads_checked(line.rstrip("\r\n"))
            except JSONValueError as err:
                checker.report(f"line {number}", f"{err} (column {err.column})" if err.column else str(err))
                continue
            mention = checker.event(obj, f"line {number}")
            if mention is not None:
                mentions.append(mention)
    except _TooManyProblems:
        pass
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if not seen_content and not checker.problems and not allow_empty:
        checker.report("file", "is empty: no event mentions (write one JSON object per line)")
    if checker.problems:
        raise DataError(checker.problems)
    return mentions


def mention_to_json(mention: EventMention) -> dict:
    def span_json(span: Span) -> dict:
        if span.aligned:
            return {"start": span.start, "end": span.end, "text": span.text}
        return {"start": None, "end": None, "text": span.text, **({"found": False} if span.unfound else {})}

    obj = {"doc_id": mention.doc_id, "type": mention.type, "trigger": span_json(mention.trigger),
           "arguments": [], "attributes": dict(mention.attributes)}
    for argument in mention.arguments:
        entry = {"role": argument.role, **span_json(argument.span)}
        if argument.entity_type:
            entry["entity_type"] = argument.entity_type
        if argument.entity_id:
            entry["entity_id"] = argument.entity_id
        obj["arguments"].append(entry)
    if mention.id:
        obj["id"] = mention.id
    if mention.cluster:
        obj["cluster"] = mention.cluster
    return obj


def write_jsonl(mentions: Iterable[EventMention], path: Path) -> None:
    encode = json.JSONEncoder(ensure_ascii=False).encode        # what json.dumps(..., ensure_ascii=False) does
    with Path(path).open("w", encoding="utf-8") as stream:
        for mention in mentions:
            stream.write(encode(mention_to_json(mention)) + "\n")


@dataclass(frozen=True)
class Split:
    """A shipped document set with its gold, as ``configs/data/<name>.yaml`` describes it."""

    name: str
    role: str                   # "test" (report only) or "dev" (develop on it)
    documents_dir: Path
    gold_dir: Path
    passes_dir: Path | None     # the independent passes the gold was adjudicated from
    licence: str = "unknown"    # a Hugging Face hub licence id (``license:`` in the split's config)


def shipped_splits() -> dict[str, Split]:
    """The splits of ``configs/data/``, test splits first."""
    import yaml

    splits = []
    for path in sorted((PROJECT_ROOT / "configs" / "data").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if raw.get("role") in ("test", "dev"):
            passes = raw.get("passes_dir")
            splits.append(Split(path.stem, raw["role"], project_path(raw["documents_dir"]),
                                project_path(raw["gold_dir"]), project_path(passes) if passes else None,
                                raw.get("license", "unknown")))
    return {s.name: s for s in sorted(splits, key=lambda s: (s.role != "test", s.name != "seeds", s.name))}


def load_data(data_cfg) -> tuple[dict[str, Document], dict[str, list[EventMention]]]:
    """The documents and gold of a ``data`` config: one folder pair (``gold_dir: null`` for documents
    without gold), or the union of the shipped splits it names under ``splits``."""
    if data_cfg.get("splits"):
        documents, gold = {}, {}
        for split in split_list(data_cfg):
            docs = load_documents(split.documents_dir)
            documents |= docs
            gold |= read_annotations(split.gold_dir, docs)
        return documents, gold
    documents = load_documents(project_path(data_cfg.documents_dir))
    gold_dir = data_cfg.get("gold_dir")
    gold = read_annotations(project_path(gold_dir), documents) if gold_dir is not None else {}
    return documents, gold


def split_list(data_cfg) -> list[Split]:
    """The shipped splits a ``data`` config names under ``splits`` (none for a single folder pair)."""
    known = shipped_splits()
    names = list(data_cfg.get("splits") or [])
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DataError([f"data.splits: unknown split {', '.join(map(repr, unknown))} "
                         f"(shipped: {', '.join(known)})"])
    return [known[n] for n in names]


def other_splits(data_cfg) -> list[Split]:
    """The shipped splits a ``data`` config does not score, when it scores shipped splits (none for a
    folder of one's own, which may hold copies of shipped documents)."""
    known = shipped_splits().values()
    if data_cfg.get("splits"):
        scored = split_list(data_cfg)
    else:
        folder = data_cfg.get("documents_dir")
        scored = [s for s in known if folder and s.documents_dir == project_path(folder)]
    return [s for s in known if scored and s not in scored]


def split_of_documents(splits: list[Split]) -> dict[str, str]:
    """Document id -> the name of its split."""
    return {path.stem: split.name for split in splits for path in split.documents_dir.glob("*.txt")}


def data_fingerprint(documents: dict[str, Document], gold: Sequence[EventMention]) -> str:
    """A hash of the scored documents' texts and their gold: runs compare only when it is the same."""
    digest = hashlib.sha256()
    for doc_id in sorted(documents):
        digest.update(f"{doc_id}\0{documents[doc_id].text}\0".encode("utf-8"))
    encode = json.JSONEncoder(sort_keys=True).encode             # what json.dumps(..., sort_keys=True) does
    for mention in sorted(gold, key=lambda m: (m.doc_id, m.trigger.start, m.type, m.id or "")):
        digest.update(encode(mention_to_json(mention)).encode("utf-8"))
    return digest.hexdigest()


def iter_sorted(gold: dict[str, list[EventMention]]) -> Iterator[EventMention]:
    for doc_id in sorted(gold):
        yield from gold[doc_id]


def read_records(records: Iterable, documents: dict[str, Document], source: str = "predictions") -> list[EventMention]:
    """Event mentions from interchange-format dicts (as ``read_jsonl`` reads them from lines), checked
    the same way; problems name ``source`` and the record's position ("record N", from 1)."""
    checker = _Checker(Path(source), documents, load_ontology(), False, [])
    found = []
    with contextlib.suppress(_TooManyProblems):
        found += [checker.event(obj, f"record {number}") for number, obj in enumerate(records, 1)]
    if checker.problems:
        raise DataError(checker.problems)
    return [mention for mention in found if mention is not None]
