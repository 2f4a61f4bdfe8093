"""brat standoff files (``<doc_id>.txt`` + ``<doc_id>.ann``) to and from event mentions.

How the event model is written in brat's format:

* a trigger is a ``T`` line labelled with its event type, ``:`` written as ``-``
  (``Conflict:Attack`` -> ``Conflict-Attack``): brat's own parser splits ``Type:Trigger``
  and ``Role:Id`` at ``:``, so type names must not contain one. Reading maps the labels
  back through the ontology, which makes the encoding reversible;
* each argument span is a ``T`` line labelled with its entity type, shared by every
  argument with the same span, entity type and entity id;
* an ``E`` line ``Type:Tn Role:Tm ...`` links them; a role repeated within one event is
  numbered as brat numbers it (``Entity:T2 Entity2:T3``);
* the attributes are multi-valued brat attributes: ``A1<TAB>polarity E1 positive``;
* ids live in brat's annotator notes, as space-separated ``key=value`` pairs that can be
  edited in brat's note field: ``AnnotatorNotes E1`` holds ``id=<event id>
  cluster=<cluster id>``, ``AnnotatorNotes Tn`` of an argument span holds
  ``entity_id=<entity id>``. (brat rejects notes on triggers, hence the event's note.)

Reading also takes collections made elsewhere (BioNLP-style ``.ann`` files): foreign names
go through a mapping file, binary attributes (``M1<TAB>Negation E7``) through its
``attributes``, and what brat has no field for gets the defaults of
``bench.contrib.foreign``; relations, equivalences, normalizations and arguments that are
events are skipped with a notice.

Our spans are continuous. A discontinuous brat span ``s e;s e`` is read as its covering
span and reported, unless its gaps hold only white space (brat's ``.ann`` lines cannot
hold a line break, so a span across one is written as fragments split there).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

from bench.contrib.foreign import UNMAPPED, Imported, Mapping, completed
from bench.checks import DOC_ID
from bench.corpus import load_document, read_text
from bench.errors import DataError
from bench.schema import Argument, Document, EventMention, Ontology, Span, load_ontology

#: The annotator-note keys allowed on events (E) and on argument spans (T).
NOTE_KEYS = {"E": ("id", "cluster"), "T": ("entity_id",)}
_FRAGMENTS = re.compile(r"\d+ \d+(;\d+ \d+)*")


def brat_label(event_type: str) -> str:
    """The brat type name of an event type: ``Conflict:Attack`` -> ``Conflict-Attack``."""
    return event_type.replace(":", "-")


def event_labels(ontology: Ontology) -> dict[str, str]:
    """brat type name -> event type, for every event type of the ontology."""
    labels = {brat_label(t): t for t in ontology.event_types}
    if len(labels) != len(ontology.event_types):
        raise ValueError("two event types of the ontology have the same brat name; the encoding is not reversible")
    return labels


def annotation_conf(ontology: Ontology | None = None) -> str:
    """brat's ``annotation.conf`` for the ontology: any entity may fill any role, roles may repeat."""
    ontology = ontology or load_ontology()
    events = [f"{brat_label(t)}\t" + ", ".join(f"{r}*:<ENTITY>" for r in ontology.roles(t))
              for t in ontology.event_types]
    attributes = [f"{name}\tArg:<EVENT>, Value:{'|'.join(values)}" for name, values in ontology.attributes.items()]
    return "\n".join([
        f"# Written by `python -m bench convert to-brat` from ontology version {ontology.version}.",
        "# Event types are the ontology's with ':' written as '-'.",
        "[entities]", *ontology.entity_types,
        "[relations]", "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
        "[events]", *events,
        "[attributes]", *attributes, ""])


# --- writing ------------------------------------------------------------------


def _fragments(span: Span) -> list[tuple[int, int]]:
    """The span as brat fragments: split at line breaks, which an ``.ann`` line cannot hold."""
    fragments, start = [], span.start
    for part in span.text.split("\n"):
        if part:
            fragments.append((start, start + len(part)))
        start += len(part) + 1
    return fragments


def _note_text(where: str, pairs: dict[str, str | None]) -> str:
    for key, value in pairs.items():
        if value is not None and (not value or any(c.isspace() for c in value)):
            raise DataError([f"{where}: {key} {value!r} is empty or holds white space, which a brat note "
                             f"of key=value pairs cannot hold"])
    return " ".join(f"{key}={value}" for key, value in pairs.items() if value is not None)


@dataclass
class _AnnWriter:
    """Numbers brat ids and collects the lines of one ``.ann`` file."""

    text: str
    lines: list[str] = field(default_factory=list)
    ids: dict[str, count] = field(default_factory=lambda: defaultdict(lambda: count(1)))

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids[prefix])}"

    def textbound(self, label: str, span: Span) -> str:
        tid = self.new_id("T")
        fragments = _fragments(span)
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        self.lines.append(f"{tid}\t{label} {offsets}\t" + " ".join(self.text[s:e] for s, e in fragments))
        return tid

    def note(self, target: str, where: str, **pairs: str | None) -> None:
        text = _note_text(where, pairs)
        if text:
            self.lines.append(f"{self.new_id('#')}\tAnnotatorNotes {target}\t{text}")


def ann_text(document: Document, mentions: list[EventMention]) -> str:
    """The ``.ann`` content for the mentions of one document (in their order)."""
    writer, fillers = _AnnWriter(document.text), {}
    for mention in mentions:
        where = f"event {mention.id}"
        trigger = writer.textbound(brat_label(mention.type), mention.trigger)
        roles, seen = [], defaultdict(int)
        for argument in mention.arguments:
            key = (argument.span.start, argument.span.end, argument.entity_type, argument.entity_id)
            if key not in fillers:
                fillers[key] = writer.textbound(argument.entity_type, argument.span)
                writer.note(fillers[key], where, entity_id=argument.entity_id)
            seen[argument.role] += 1
            number = str(seen[argument.role]) if seen[argument.role] > 1 else ""
            roles.append(f" {argument.role}{number}:{fillers[key]}")
        event = writer.new_id("E")
        writer.lines.append(f"{event}\t{brat_label(mention.type)}:{trigger}" + "".join(roles))
        for name, value in mention.attributes.items():
            writer.lines.append(f"{writer.new_id('A')}\t{name} {event} {value}")
        writer.note(event, where, id=mention.id, cluster=mention.cluster)
    return "".join(line + "\n" for line in writer.lines)


def write_config(out_dir: Path) -> Path:
    """``annotation.conf`` in ``out_dir``, which makes it a brat collection."""
    path = out_dir / "annotation.conf"
    path.write_text(annotation_conf(), encoding="utf-8")
    return path


def write_document(document: Document, mentions: list[EventMention], out_dir: Path) -> list[Path]:
    """``<doc_id>.txt`` (the exact text) and ``<doc_id>.ann`` in ``out_dir``."""
    txt, ann = out_dir / f"{document.id}.txt", out_dir / f"{document.id}.ann"
    txt.write_text(document.text, encoding="utf-8", newline="")
    ann.write_text(ann_text(document, mentions), encoding="utf-8", newline="")
    return [txt, ann]


# --- reading ------------------------------------------------------------------


@dataclass
class _AnnReader:
    """Parses the lines of one ``.ann`` file; ``problems`` and ``notices`` name file and line.

    Foreign names go through ``mapping``; what brat does not have gets the defaults of
    ``bench.contrib.foreign`` afterwards."""

    path: Path
    document: Document
    ontology: Ontology
    labels: dict[str, str]
    mapping: Mapping
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)               # annotation id -> line number
    textbounds: dict[str, tuple[str, Span]] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)                    # ids whose type maps to null
    events: list[tuple[str, str, str, list[tuple[str, str, str]]]] = field(default_factory=list)
    attributes: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    notes: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    references: list[tuple[int, str, str]] = field(default_factory=list)   # line, A or #, target id

    def report(self, number: int, message: str, notice: bool = False) -> None:
        (self.notices if notice else self.problems).append(f"{self.path}: line {number}: {message}")

    def line(self, number: int, line: str) -> None:
        ann_id, tab, rest = line.partition("\t")
        if not tab:
            return self.report(number, f"no tab after the annotation id {ann_id!r}")
        if ann_id in self.lines:
            return self.report(number, f"{ann_id} is already defined on line {self.lines[ann_id]}")
        kind = ann_id[:1]
        parse = {"T": self.textbound, "E": self.event, "A": self.attribute, "M": self.attribute,
                 "#": self.note}.get(kind)
        if kind in ("R", "*", "N"):
            return self.report(number, f"{ann_id or kind}: skipped: relations (R), equivalences (*) and "
                                       f"normalizations (N) have no place in the event model", notice=True)
        if parse is None or not ann_id[1:].isdigit():
            return self.report(number, f"{ann_id!r} is not a brat id of a known kind (T, E, A, M or # and a number)")
        self.lines[ann_id] = number
        parse(number, ann_id, rest)

    def event_type(self, label: str):
        return self.labels[label] if label in self.labels else \
            self.mapping.lookup("event_types", label, known=self.ontology.event_types)

    def entity_type(self, label: str):
        return self.mapping.lookup("entity_types", label, known=self.ontology.entity_types)

    def textbound(self, number: int, ann_id: str, rest: str) -> None:
        head, tab, text = rest.partition("\t")
        label, _, offsets = head.partition(" ")
        if not tab:
            return self.report(number, f"{ann_id}: no tab before the span text")
        if not _FRAGMENTS.fullmatch(offsets):
            return self.report(number, f"{ann_id}: offsets must be 'start end' pairs joined by ';', got {offsets!r}")
        if self.event_type(label) is UNMAPPED and self.entity_type(label) is UNMAPPED:
            return self.report(number, f"{ann_id}: unknown type {label!r}: " + self.mapping.unmapped("type", label))
        doc_text = self.document.text
        fragments = sorted(tuple(map(int, pair.split())) for pair in offsets.split(";"))
        if any(not 0 <= s < e <= len(doc_text) for s, e in fragments):
            return self.report(number, f"{ann_id}: offsets {offsets} are outside the document (length "
                                       f"{len(doc_text)}) or reversed")
        expected = " ".join(doc_text[s:e] for s, e in fragments)
        if text != expected:
            return self.report(number, f"{ann_id}: text {text!r} does not match the document at {offsets}: "
                                       f"{expected!r}")
        start, end = fragments[0][0], fragments[-1][1]
        if any(doc_text[e1:s2].strip() for (_, e1), (s2, _) in zip(fragments, fragments[1:])):
            self.report(number, f"{ann_id}: discontinuous span {offsets} read as its covering span {start}-{end} "
                                f"{doc_text[start:end]!r}", notice=True)
        self.textbounds[ann_id] = (label, Span(start, end, doc_text[start:end]))

    def event(self, number: int, ann_id: str, rest: str) -> None:
        head, *arguments = rest.split() or [""]
        label, _, trigger = head.partition(":")
        event_type = self.event_type(label)
        if not trigger or event_type is UNMAPPED:
            return self.report(number, f"{ann_id}: expected 'EventType:Tn' with a known event type, got {head!r}" +
                               (f": {self.mapping.unmapped('event type', label)}" if trigger else ""))
        if event_type is None:
            self.dropped.add(ann_id)
            return self.report(number, f"{ann_id}: skipped: {self.mapping.source} maps {label!r} to null",
                               notice=True)
        roles = []
        for token in arguments:
            name, _, target = token.partition(":")
            base = name.rstrip("0123456789")
            role = self.mapping.lookup("roles", base, known=self.ontology.roles(event_type), event_type=label)
            if role is None:
                self.report(number, f"{ann_id}: {token}: skipped: {self.mapping.source} maps {base!r} to null",
                            notice=True)
                continue
            if not target or role not in self.ontology.roles(event_type):
                return self.report(number, f"{ann_id}: {token!r} is not 'Role:Tn' with a role of {event_type} "
                                           f"({', '.join(self.ontology.roles(event_type))})" +
                                   (f": {self.mapping.unmapped('role', base)}" if role is UNMAPPED else ""))
            roles.append((role, target, token))
        self.events.append((ann_id, label, trigger, roles))

    def attribute(self, number: int, ann_id: str, rest: str) -> None:
        parts = rest.split()
        if len(parts) == 2:          # a binary attribute (``M1 Negation E7``): set or not
            name, target = parts
            values = self.mapping.lookup("attributes", name)
            if values is UNMAPPED:
                return self.report(number, f"{ann_id}: binary attribute {name!r}: " +
                                   self.mapping.unmapped("attribute", name))
            given = (values or {}).items()
        elif len(parts) == 3:
            name, target, value = parts
            if value not in self.ontology.attributes.get(name, ()):
                known = ", ".join(f"{n} ({'|'.join(v)})" for n, v in self.ontology.attributes.items())
                return self.report(number, f"{ann_id}: {name} {value} is not an attribute and value of the "
                                           f"ontology: {known}")
            given = [(name, value)]
        else:
            return self.report(number, f"{ann_id}: expected 'name En value' or a binary 'name En', got {rest!r}")
        for key, value in given:
            if key in self.attributes[target]:
                return self.report(number, f"{ann_id}: {target} already has the attribute {key}")
            self.attributes[target][key] = value
        self.references.append((number, "A", target))

    def note(self, number: int, ann_id: str, rest: str) -> None:
        head, _, text = rest.partition("\t")
        parts = head.split()
        if len(parts) != 2:
            return self.report(number, f"{ann_id}: expected 'AnnotatorNotes Id<TAB>text', got {head!r}")
        note_type, target = parts
        if note_type != "AnnotatorNotes":
            return self.report(number, f"{ann_id}: note type {note_type!r} is ignored", notice=True)
        allowed = NOTE_KEYS.get(target[:1], ())
        self.references.append((number, "#", target))
        for token in text.split():
            key, eq, value = token.partition("=")
            if not eq or not value or key not in allowed:
                return self.report(number, f"{ann_id}: note token {token!r} is not key=value with a key of "
                                           f"{target[:1]} annotations ({', '.join(allowed) or 'none'})")
            if key in self.notes[target]:
                return self.report(number, f"{ann_id}: {target} has {key} twice")
            self.notes[target][key] = value

    def argument(self, number: int, ann_id: str, role: str, target: str, token: str) -> Argument | None:
        label, span = self.textbounds.get(target, (None, None))
        if target[:1] == "E" and (target in self.lines or target in self.dropped):
            self.report(number, f"{ann_id}: {token}: skipped: an event as argument (the event model's arguments "
                                f"are entity spans)", notice=True)
            return None
        entity_type = self.entity_type(label) if label else UNMAPPED
        if entity_type is None:
            self.report(number, f"{ann_id}: {token}: skipped: {self.mapping.source} maps {label!r} to null",
                        notice=True)
            return None
        if entity_type is UNMAPPED:
            self.report(number, f"{ann_id}: argument {token} must point to a T annotation of an entity type")
            return None
        return Argument(role, span, entity_type, self.notes[target].get("entity_id"))

    def mentions(self) -> tuple[list[EventMention], dict[str, str]]:
        """The events, once every line is read (brat lines may refer forward), and their places."""
        mentions, used, locations = [], set(), {}
        for ann_id, label, trigger, roles in self.events:
            number = self.lines[ann_id]
            if self.textbounds.get(trigger, ("",))[0] != label:
                self.report(number, f"{ann_id}: trigger {trigger} must be a T annotation of type {label}")
                continue
            arguments = [self.argument(number, ann_id, role, target, token) for role, target, token in roles]
            used.update([trigger, *(target for _, target, _ in roles)])
            given = self.attributes[ann_id]
            attributes = {name: given[name] for name in self.ontology.attributes if name in given}
            event_id = self.notes[ann_id].get("id", ann_id)
            locations[event_id] = f"line {number}: {ann_id}" + (f" (event {event_id})" if event_id != ann_id else "")
            mentions.append(EventMention(self.document.id, self.event_type(label), self.textbounds[trigger][1],
                                         tuple(a for a in arguments if a is not None), attributes, event_id,
                                         self.notes[ann_id].get("cluster")))
        events = {e[0] for e in self.events} | self.dropped
        for number, kind, target in self.references:
            if target not in events and (kind == "A" or target not in self.textbounds):
                self.report(number, f"refers to {target}, which is not " +
                            ("an event (only events carry attributes)" if kind == "A" else "an event or span") +
                            " of this file")
        for tid, (label, span) in self.textbounds.items():
            if tid not in used:
                self.report(self.lines[tid], f"{tid} ({label} {span.text!r}) belongs to no event; skipped", notice=True)
        return mentions, locations


def read_ann(path: Path, document: Document, mapping: Mapping | None = None,
             ontology: Ontology | None = None) -> Imported:
    """The event mentions of an ``.ann`` file, notices on what was read loosely or filled in by default
    (covering spans, skipped lines, merged events, defaults) and each event's line; raises DataError
    naming file, line, brat id and problem."""
    ontology = ontology or load_ontology()
    reader = _AnnReader(Path(path), document, ontology, event_labels(ontology), mapping or Mapping())
    for number, line in enumerate(read_text(Path(path)).split("\n"), 1):
        if line.strip():
            reader.line(number, line)
    mentions, locations = reader.mentions()
    if reader.problems:
        raise DataError(reader.problems)
    mentions, notices = completed(Path(path), mentions, "brat", locations)
    return Imported(mentions, reader.notices + notices, locations)


def document_beside(ann: Path, documents: dict[str, Document]) -> Document:
    """The document an ``.ann`` file annotates: the ``.txt`` beside it, else the corpus's document of its name."""
    txt = Path(ann).with_suffix(".txt")
    if not txt.is_file():
        if ann.stem not in documents:
            raise DataError([f"{ann}: no {txt.name} beside it and no document {ann.stem!r} in the corpus"])
        return documents[ann.stem]
    if not DOC_ID.match(ann.stem):
        raise DataError([f"{txt}: document id {ann.stem!r} may hold only letters, digits, '_', '-' and '.'"])
    return load_document(txt)
