"""Reading and writing the benchmark's data: documents, annotation files, JSON Lines.

Every reader checks what it reads against the documents and the ontology and
reports problems as ``file: where: what is wrong``, all of them at once.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.schema import Argument, Document, EventMention, Ontology, Span, load_ontology

DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ENTITY_ID = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")

# --- documents -------------------------------------------------------------

_ABBREVIATIONS = {"z", "B", "Dr", "Prof", "bzw", "ca", "usw", "etc", "Nr", "St", "vgl", "u", "a", "d", "h",
                  "Mio", "Mrd", "Jh", "Abs", "Art", "geb", "gest", "evtl", "inkl", "sog"}
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
            last_word = re.search(r"(\w+)$", before)
            if last_word and (re.fullmatch(r"\d{1,2}", last_word.group(1)) or last_word.group(1) in _ABBREVIATIONS):
                if boundary.group()[0] == ".":
                    continue
            end = line.start() + boundary.end()
            spans.append(_trimmed(text, start, end))
            start = end
        spans.append(_trimmed(text, start, line.end()))
    return tuple(s for s in spans if s.end > s.start)


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


class DataError(Exception):
    """Problems found in one or more input files, one message per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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


@dataclass
class _Checker:
    """Collects the problems of one file while its events are parsed."""

    path: Path
    documents: dict[str, Document]
    ontology: Ontology
    require_offsets: bool
    problems: list[str]

    def report(self, where: str, message: str) -> None:
        self.problems.append(f"{self.path}: {where}: {message}")

    def span(self, obj, where: str, doc: Document | None, what: str) -> Span | None:
        if not isinstance(obj, dict):
            self.report(where, f"{what} must be an object with start, end and text")
            return None
        text, start, end = obj.get("text"), obj.get("start"), obj.get("end")
        if not isinstance(text, str) or not text:
            self.report(where, f"{what} needs a non-empty string 'text'")
            return None
        if start is None and end is None and not self.require_offsets:
            return Span(None, None, text)
        if not (type(start) is int and type(end) is int):
            self.report(where, f"{what} 'start' and 'end' must be integers, got {start!r} and {end!r}")
            return None
        if doc is None:
            return Span(start, end, text)
        if not 0 <= start < end <= len(doc.text):
            self.report(where, f"{what} offsets {start}-{end} are outside the document (length {len(doc.text)}) "
                               f"or reversed")
            return None
        if doc.text[start:end] != text:
            self.report(where, f"{what} text {text!r} does not match the document at {start}-{end}: "
                               f"{doc.text[start:end]!r}")
            return None
        return Span(start, end, text)

    def event(self, obj, where: str, doc_id_default: str | None = None,
              gold: bool = False) -> EventMention | None:
        if not isinstance(obj, dict):
            self.report(where, "an event must be a JSON object")
            return None
        doc_id = obj.get("doc_id", doc_id_default)
        doc = self.documents.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            self.report(where, f"unknown document id {doc_id!r}")
        event_type = obj.get("type")
        known_type = event_type in self.ontology.event_types
        if not known_type:
            self.report(where, f"unknown event type {event_type!r}")
        trigger = self.span(obj.get("trigger"), where, doc, "trigger")
        attributes = obj.get("attributes", {})
        self.attributes(attributes, where, gold)
        arguments = []
        raw_arguments = obj.get("arguments", [])
        if not isinstance(raw_arguments, list):
            self.report(where, "'arguments' must be a list")
            raw_arguments = []
        for i, raw in enumerate(raw_arguments, 1):
            argument = self.argument(raw, f"{where}: argument {i}", doc, event_type if known_type else None, gold)
            if argument is None:
                continue
            if argument in arguments:
                self.report(f"{where}: argument {i}", f"duplicate argument {argument.role} {argument.span.text!r}")
            if doc is not None and trigger is not None and trigger.start is not None and argument.span.start is not None:
                sentence = doc.sentence_index(trigger.start)
                if doc.sentence_index(argument.span.start) != sentence or \
                        doc.sentence_index(argument.span.end - 1) != sentence:
                    self.report(f"{where}: argument {i}",
                                f"{argument.role} {argument.span.text!r} lies outside the trigger's sentence")
            arguments.append(argument)
        cluster = obj.get("cluster")
        if gold and not (isinstance(cluster, str) and ENTITY_ID.match(cluster)):
            self.report(where, f"'cluster' must be a lower-case slug, got {cluster!r}")
        elif cluster is not None and not isinstance(cluster, str):
            self.report(where, f"'cluster' must be a string, got {cluster!r}")
        if doc is None or not known_type or trigger is None or len(arguments) != len(raw_arguments):
            return None
        return EventMention(doc_id=doc_id, type=event_type, trigger=trigger, arguments=tuple(arguments),
                            attributes=attributes if isinstance(attributes, dict) else {},
                            id=obj.get("id"), cluster=cluster)

    def argument(self, obj, where: str, doc: Document | None, event_type: str | None,
                 gold: bool) -> Argument | None:
        if not isinstance(obj, dict):
            self.report(where, "an argument must be a JSON object")
            return None
        role = obj.get("role")
        if event_type is not None and role not in self.ontology.roles(event_type):
            self.report(where, f"role {role!r} is not a role of {event_type} "
                               f"({', '.join(self.ontology.roles(event_type))})")
            return None
        span = self.span(obj, where, doc, f"argument {role}")
        entity_type, entity_id = obj.get("entity_type"), obj.get("entity_id")
        if (gold or entity_type is not None) and entity_type not in self.ontology.entity_types:
            self.report(where, f"unknown entity type {entity_type!r}")
            return None
        if gold and not (isinstance(entity_id, str) and ENTITY_ID.match(entity_id)):
            self.report(where, f"'entity_id' must be a lower-case slug, got {entity_id!r}")
            return None
        if span is None:
            return None
        return Argument(role=role, span=span, entity_type=entity_type, entity_id=entity_id)

    def attributes(self, attributes, where: str, gold: bool) -> None:
        if not isinstance(attributes, dict):
            self.report(where, "'attributes' must be an object")
            return
        for name, allowed in self.ontology.attributes.items():
            value = attributes.get(name)
            if value is None and not gold:
                continue
            if value not in allowed:
                self.report(where, f"attribute {name} must be one of {', '.join(allowed)}, got {value!r}")
        for name in attributes.keys() - self.ontology.attributes.keys():
            self.report(where, f"unknown attribute {name!r}")


def read_annotation_file(path: Path, documents: dict[str, Document],
                         ontology: Ontology | None = None) -> list[EventMention]:
    """One gold annotation file (``annotations/gold/<doc_id>.json``); raises DataError."""
    path = Path(path)
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise DataError([f"{path}: line {err.lineno} column {err.colno}: invalid JSON: {err.msg}"]) from None
    return parse_annotation(data, path, documents, ontology)


def parse_annotation(data, path: Path, documents: dict[str, Document],
                     ontology: Ontology | None = None) -> list[EventMention]:
    """The mentions of an annotation object read from (or meant for) ``path``; raises DataError."""
    checker = _Checker(Path(path), documents, ontology or load_ontology(), True, [])
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise DataError([f"{path}: top level: must be an object with 'doc_id' and a list 'events'"])
    doc_id = data.get("doc_id")
    if doc_id not in documents:
        checker.report("top level", f"unknown document id {doc_id!r} (no seeds/{doc_id}.txt)")
    elif path.stem != doc_id:
        checker.report("top level", f"file name must be {doc_id}.json for document {doc_id!r}")
    if data.get("ontology_version") != checker.ontology.version:
        checker.report("top level", f"ontology_version is {data.get('ontology_version')!r}, "
                                    f"the ontology is version {checker.ontology.version!r}")
    mentions, seen_ids = [], set()
    for i, raw in enumerate(data["events"], 1):
        event_id = raw.get("id") if isinstance(raw, dict) else None
        where = f"event {event_id}" if isinstance(event_id, str) and event_id else f"event #{i}"
        if not (isinstance(event_id, str) and event_id):
            checker.report(where, "missing event id")
        elif event_id in seen_ids:
            checker.report(where, "duplicate event id")
        seen_ids.add(event_id)
        if isinstance(raw, dict) and "doc_id" in raw and raw["doc_id"] != doc_id:
            checker.report(where, f"doc_id {raw['doc_id']!r} differs from the file's {doc_id!r}")
        mention = checker.event(raw, where, doc_id_default=doc_id, gold=True)
        if mention is not None:
            mentions.append(mention)
    if checker.problems:
        raise DataError(checker.problems)
    return mentions


def read_annotations(folder: Path, documents: dict[str, Document]) -> dict[str, list[EventMention]]:
    """All annotation files in ``folder``, by document id; problems of all files at once."""
    gold, problems = {}, []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            gold[path.stem] = read_annotation_file(path, documents)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    return gold


#: longest line read from a JSON Lines file; a longer one is an error, so memory stays bounded
MAX_LINE_BYTES = 1_000_000
#: problems reported before reading stops
MAX_PROBLEMS = 100


def read_jsonl(path: Path, documents: dict[str, Document], require_offsets: bool = False,
               ontology: Ontology | None = None, allow_empty: bool = False) -> list[EventMention]:
    """Event mentions in the interchange format, one per line.

    The file is streamed line by line (each decoded on its own, so an encoding error names
    its line); reading stops at an over-long line or after ``MAX_PROBLEMS`` problems.
    """
    path = Path(path)
    checker = _Checker(path, documents, ontology or load_ontology(), require_offsets, [])
    mentions, seen_content = [], False
    with path.open("rb") as stream:
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
                obj = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as err:
                checker.report(f"line {number}", f"invalid JSON: {err.msg} (column {err.colno})")
                continue
            mention = checker.event(obj, f"line {number}")
            if mention is not None:
                mentions.append(mention)
            if len(checker.problems) >= MAX_PROBLEMS:
                checker.report(f"line {number}", f"{MAX_PROBLEMS} problems, stopped reading")
                break
    if not seen_content and not checker.problems and not allow_empty:
        checker.report("file", "is empty: no event mentions (write one JSON object per line)")
    if checker.problems:
        raise DataError(checker.problems)
    return mentions


def mention_to_json(mention: EventMention) -> dict:
    def span_json(span: Span) -> dict:
        if span.start is None:
            return {"text": span.text}
        return {"start": span.start, "end": span.end, "text": span.text}

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
    with Path(path).open("w", encoding="utf-8") as stream:
        for mention in mentions:
            stream.write(json.dumps(mention_to_json(mention), ensure_ascii=False) + "\n")


def iter_sorted(gold: dict[str, list[EventMention]]) -> Iterator[EventMention]:
    for doc_id in sorted(gold):
        yield from gold[doc_id]
