"""INCEpTION through UIMA CAS JSON (dkpro-cassis): one CAS per document, to and from event mentions.

The type system follows INCEpTION's layer model, so INCEpTION recognises it as layers
(importing ``TypeSystem.xml`` in a project's layer settings, or the types a CAS JSON
file carries):

* ``webanno.custom.Event``, a span layer on the trigger, with string features
  ``eventType``, one per ontology attribute (``polarity``, ``modality``, ``genericity``,
  ``tense``), ``eventId`` and ``cluster``, and the link ("slot") feature ``arguments``;
* ``webanno.custom.EventArgument``, the span layer of the slot fillers, with
  ``entityType`` and ``entityId``; one filler serves every argument with the same span,
  entity type and entity id;
* ``webanno.custom.EventArgumentsLink``, the link type INCEpTION names after layer and
  feature: ``role`` (a string) and ``target`` (an ``EventArgument``).

The CAS also holds DKPro Core sentences as ``bench`` splits them, so INCEpTION shows
the sentences the rule "arguments stay in their trigger's sentence" refers to.
Offsets are code points in Python; cassis writes them as UTF-16 units, as UIMA does.
"""
from __future__ import annotations

from os.path import commonprefix
from pathlib import Path

from cassis import Cas, TypeSystem, load_cas_from_json, load_cas_from_xmi, load_typesystem
from cassis.typesystem import TypeNotFoundError

from bench.contrib.foreign import UNMAPPED, Imported, Mapping, completed
from bench.checks import DOC_ID
from bench.corpus import split_sentences
from bench.errors import DataError
from bench.schema import Argument, Document, EventMention, Ontology, Span, load_ontology

EVENT = "webanno.custom.Event"
ARGUMENT = "webanno.custom.EventArgument"
LINK = "webanno.custom.EventArgumentsLink"
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
#: INCEpTION's built-in predicate-argument layer (DKPro Core semantics types), read on import
SEMPRED = "de.tudarmstadt.ukp.dkpro.core.api.semantics.type.SemPred"
STRING = "uima.cas.String"


def type_system(ontology: Ontology | None = None) -> TypeSystem:
    """The layers for events, their argument spans and the links between them."""
    ontology = ontology or load_ontology()
    ts = TypeSystem()
    ts.create_type(SENTENCE)
    argument = ts.create_type(ARGUMENT)
    for name in ("entityType", "entityId"):
        ts.create_feature(argument, name, STRING)
    link = ts.create_type(LINK, supertypeName="uima.cas.TOP")
    ts.create_feature(link, "role", STRING)
    ts.create_feature(link, "target", argument)
    event = ts.create_type(EVENT)
    for name in ("eventType", *ontology.attributes, "eventId", "cluster"):
        ts.create_feature(event, name, STRING)
    ts.create_feature(event, "arguments", "uima.cas.FSArray", elementType=link, multipleReferencesAllowed=False)
    return ts


def to_cas(document: Document, mentions: list[EventMention], ts: TypeSystem) -> Cas:
    cas = Cas(typesystem=ts, sofa_string=document.text, document_language="de")
    sentence, argument, link, event = (ts.get_type(n) for n in (SENTENCE, ARGUMENT, LINK, EVENT))
    fs_array = ts.get_type("uima.cas.FSArray")
    for span in document.sentences:
        cas.add(sentence(begin=span.start, end=span.end))
    fillers = {}
    for mention in mentions:
        links = []
        for arg in mention.arguments:
            key = (arg.span.start, arg.span.end, arg.entity_type, arg.entity_id)
            if key not in fillers:
                fillers[key] = argument(begin=arg.span.start, end=arg.span.end, entityType=arg.entity_type,
                                        entityId=arg.entity_id)
                cas.add(fillers[key])
            links.append(link(role=arg.role, target=fillers[key]))
        # No array for no links: cassis (0.12) writes an empty FSArray that it cannot read back.
        cas.add(event(begin=mention.trigger.start, end=mention.trigger.end, eventType=mention.type,
                      eventId=mention.id, cluster=mention.cluster,
                      arguments=fs_array(elements=links) if links else None, **mention.attributes))
    return cas


def write_document(document: Document, mentions: list[EventMention], out_dir: Path) -> list[Path]:
    """``<doc_id>.json`` in ``out_dir``: the CAS in UIMA CAS JSON."""
    path = out_dir / f"{document.id}.json"
    path.write_text(to_cas(document, mentions, type_system()).to_json(pretty_print=True), encoding="utf-8")
    return [path]


def write_type_system(out_dir: Path, ontology: Ontology | None = None) -> Path:
    """``TypeSystem.xml``: the layers as a UIMA type system description, for INCEpTION's layer import."""
    path = out_dir / "TypeSystem.xml"
    path.write_text(type_system(ontology).to_xml(), encoding="utf-8")
    return path


def _span(annotation) -> Span:
    return Span(annotation.begin, annotation.end, annotation.get_covered_text())


def _missing_layers(cas: Cas, ontology: Ontology) -> list[str]:
    """The types and features of our layers that the CAS's type system lacks."""
    missing = []
    for expected in (type_system(ontology).get_type(n) for n in (EVENT, ARGUMENT, LINK)):
        if not cas.typesystem.contains_type(expected.name):
            missing.append(expected.name)
            continue
        present = cas.typesystem.get_type(expected.name)
        missing += [f"{expected.name}:{f.name}" for f in expected.features if present.get_feature(f.name) is None]
    return missing


def load_cas(path: Path) -> Cas:
    """A CAS from UIMA CAS JSON (``.json``) or XMI (``.xmi``, with the ``TypeSystem.xml`` that INCEpTION's
    XMI export puts beside it); DataError if it cannot be read."""
    path = Path(path)
    try:
        if path.suffix != ".xmi":
            return load_cas_from_json(path.read_text(encoding="utf-8"))
        types = path.with_name("TypeSystem.xml")
        if not types.is_file():
            raise DataError([f"{path}: no TypeSystem.xml beside it (INCEpTION's UIMA CAS XMI export writes one)"])
        return load_cas_from_xmi(path.read_text(encoding="utf-8"),
                                 typesystem=load_typesystem(types.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError, SyntaxError, TypeNotFoundError) as err:
        raise DataError([f"{path}: not a readable UIMA CAS {'XMI' if path.suffix == '.xmi' else 'JSON'} file: "
                         f"{str(err).splitlines()[0] if str(err) else type(err).__name__}"]) from None


def _custom_layer(path: Path, cas: Cas, document: Document, ontology: Ontology):
    """The mentions of the project's own layers, and where each is."""
    missing = _missing_layers(cas, ontology)
    if missing:
        raise DataError([f"{path}: the type system lacks {', '.join(missing)} "
                         f"(see bench/contrib/inception.py for the layers)"])
    mentions, problems, locations = [], [], {}
    for event in cas.select(EVENT):
        links = event.arguments.elements if event.arguments is not None else []
        where = f"event {event.eventId or '(no id)'} at {event.begin}-{event.end} {event.get_covered_text()!r}"
        problems += [f"{path}: {where}: the {link.role!r} slot has no filler" for link in links if link.target is None]
        arguments = tuple(Argument(link.role, _span(link.target), link.target.entityType, link.target.entityId)
                          for link in links if link.target is not None)
        attributes = {n: event.get(n) for n in ontology.attributes if event.get(n) is not None}
        mentions.append(EventMention(document.id, event.eventType, _span(event), arguments, attributes,
                                     event.eventId, event.cluster))
        locations[event.eventId] = where
    return mentions, problems, locations, []


def _semantic_layer(path: Path, cas: Cas, document: Document, ontology: Ontology, mapping: Mapping):
    """The mentions of INCEpTION's built-in predicate-argument layer: a ``SemPred`` is an event whose
    ``category`` is its type, each ``SemArgLink`` an argument (role and ``SemArg`` span)."""
    mentions, problems, notices, locations = [], [], [], {}
    for n, predicate in enumerate(cas.select(SEMPRED), 1):
        where = f"SemPred {n} at {predicate.begin}-{predicate.end} {predicate.get_covered_text()!r}"
        event_type = mapping.lookup("event_types", predicate.category or "", known=ontology.event_types)
        if event_type is None:
            notices.append(f"{path}: {where}: skipped: {mapping.source} maps {predicate.category!r} to null")
            continue
        if event_type is UNMAPPED:
            problems.append(f"{path}: {where}: category {predicate.category!r}: "
                            + mapping.unmapped("event type", predicate.category))
            continue
        arguments = []
        for link in predicate.arguments.elements if predicate.arguments is not None else []:
            role = mapping.lookup("roles", link.role or "", known=ontology.roles(event_type),
                                  event_type=predicate.category)
            if link.target is None or role not in ontology.roles(event_type):
                problems.append(f"{path}: {where}: argument {link.role!r}: " + (
                    "the slot has no filler" if link.target is None else
                    f"not a role of {event_type} ({', '.join(ontology.roles(event_type))})" +
                    (f": {mapping.unmapped('role', link.role)}" if role is UNMAPPED else "")))
                continue
            arguments.append(Argument(role, _span(link.target)))
        mentions.append(EventMention(document.id, event_type, _span(predicate), tuple(arguments), {}, f"P{n}"))
        locations[f"P{n}"] = where
    return mentions, problems, locations, notices


def read_document(path: Path, documents: dict[str, Document], mapping: Mapping | None = None,
                  ontology: Ontology | None = None) -> tuple[Document, Imported]:
    """The document (the corpus's of the file's name, else the CAS's own text) and the event mentions
    of a CAS file, read from the project's layers or else from INCEpTION's SemPred layer (in the
    CAS's order: by offsets), with defaults for what the file lacks; raises DataError."""
    ontology, mapping = ontology or load_ontology(), mapping or Mapping()
    cas, path = load_cas(path), Path(path)
    document = documents.get(path.stem)
    if document is None:
        if not DOC_ID.match(path.stem):
            raise DataError([f"{path}: document id {path.stem!r} may hold only letters, digits, '_', '-' and '.'"])
        document = Document(path.stem, cas.sofa_string or "", split_sentences(cas.sofa_string or ""))
    if cas.sofa_string != document.text:
        first = len(commonprefix([cas.sofa_string or "", document.text]))
        raise DataError([f"{path}: the CAS text differs from document {document.id} from character {first} on; "
                         f"the offsets would not fit"])
    if cas.typesystem.contains_type(SEMPRED) and not cas.typesystem.contains_type(EVENT):
        mentions, problems, locations, notices = _semantic_layer(path, cas, document, ontology, mapping)
        tool = "INCEpTION's SemPred layer"
    else:
        mentions, problems, locations, notices = _custom_layer(path, cas, document, ontology)
        tool = "the CAS"
    if problems:
        raise DataError(problems)
    mentions, filled = completed(path, mentions, tool, locations)
    return document, Imported(mentions, notices + filled, locations)
