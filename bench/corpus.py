"""Reading and writing the benchmark's data: documents, annotation files, JSON Lines.

Every reader checks what it reads against the documents and the ontology and
reports problems as ``file: where: what is wrong``, all of them at once.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.bulk import without_cyclic_gc
from bench.errors import DataError
from bench.paths import PROJECT_ROOT, project_path
from bench.schema import Document, EventMention, Ontology, Span, load_ontology

from bench.checks import DOC_ID, FILE_KEYS, Checker, JSONValueError, TooManyProblems, dumps, loads_checked, short

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
    checker = Checker(Path(path), documents, ontology or load_ontology(), True, [])
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise DataError([f"{path}: top level: must be an object with 'doc_id' and a list 'events'"])
    mentions = []
    try:
        checker.unknown_keys(data, FILE_KEYS, "top level", "the file")
        doc_id = data.get("doc_id")
        if not isinstance(doc_id, str) or doc_id not in documents:
            checker.report("top level", f"unknown document id {short(doc_id)} (no document {short(doc_id)}.txt)")
        elif path.stem != doc_id:
            checker.report("top level", f"file name must be {doc_id}.json for document {doc_id!r}")
        if not checker.ontology.reads(data.get("ontology_version")):
            readable = ", ".join([checker.ontology.version, *checker.ontology.compatible])
            checker.report("top level", f"ontology_version is {short(data.get('ontology_version'))}; "
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
                checker.report(where, f"doc_id {short(raw['doc_id'])} differs from the file's {doc_id!r}")
            mention = checker.event(raw, where, doc_id_default=doc_id)
            if mention is None:
                continue
            key = (mention.type, mention.trigger.start, mention.trigger.end)
            if key in seen_triggers:
                checker.report(where, f"duplicate of event {seen_triggers[key]}: same type and trigger "
                                      f"{mention.trigger.text!r} at {mention.trigger.start}")
            seen_triggers.setdefault(key, where.removeprefix("event "))
            mentions.append(mention)
    except TooManyProblems:
        pass
    if checker.problems:
        raise DataError(checker.problems)
    return mentions


@without_cyclic_gc()
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


@without_cyclic_gc()
def read_jsonl(path: Path, documents: dict[str, Document], ontology: Ontology | None = None,
               allow_empty: bool = False) -> list[EventMention]:
    """Event mentions in the interchange format, one per line.

    The file is streamed line by line (each decoded on its own, so an encoding error names
    its line); reading stops at an over-long line or after ``MAX_PROBLEMS`` problems.
    ``path`` "-" reads standard input.
    """
    if str(path) != "-":
        readable_file(path)
    elif sys.stdin is None or sys.stdin.isatty():
        raise DataError(["standard input (-): a terminal or closed, not a file; pipe the predictions in "
                         "(pred=- < predictions.jsonl)"])
    checker = Checker(Path(path), documents, ontology or load_ontology(), False, [])
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
    except TooManyProblems:
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
    with Path(path).open("w", encoding="utf-8") as stream:
        for mention in mentions:
            stream.write(dumps(mention_to_json(mention)) + "\n")


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


@without_cyclic_gc()
def read_records(records: Iterable, documents: dict[str, Document], source: str = "predictions") -> list[EventMention]:
    """Event mentions from interchange-format dicts (as ``read_jsonl`` reads them from lines), checked
    the same way; problems name ``source`` and the record's position ("record N", from 1)."""
    checker = Checker(Path(source), documents, load_ontology(), False, [])
    found = []
    with contextlib.suppress(TooManyProblems):
        found += [checker.event(obj, f"record {number}") for number, obj in enumerate(records, 1)]
    if checker.problems:
        raise DataError(checker.problems)
    return [mention for mention in found if mention is not None]
