"""``python -m bench convert KIND SRC OUT``: annotation files to and from brat and INCEpTION.

``to-brat`` and ``to-inception`` read a folder of annotation files (``<doc_id>.json``,
guidelines section 6) and write a brat collection (``.txt``, ``.ann``,
``annotation.conf``) or UIMA CAS JSON files with their ``TypeSystem.xml``.
``from-brat`` and ``from-inception`` read such a folder back, or one made elsewhere (a brat
collection with the ``.txt`` beside each ``.ann``; INCEpTION's UIMA CAS JSON or XMI export
with its own or its built-in SemPred layer), and write annotation files named after the
documents; the source folder's name becomes their ``annotator``, and a document the corpus
does not have is written beside its annotation file (so that the folder serves as
``data.documents_dir`` and ``data.gold_dir``). Foreign type names go through a mapping file,
and the benchmark's fields a tool lacks get defaults (``bench.contrib.foreign``). Every
file is checked as ``python -m bench validate`` checks it before anything is written;
problems name the source file and the line (brat) or annotation. What was read loosely or
filled in (a discontinuous brat span, a skipped line, a merged event, defaults) is logged
as a warning.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from bench.contrib import brat, inception
from bench.contrib.foreign import Imported, Mapping
from bench.errors import DataError
from bench.corpus import mention_to_json, parse_annotation, read_annotations
from bench.plugins import build_plugin, plugin_names
from bench.schema import Document, EventMention, load_ontology

log = logging.getLogger(__name__)

Writer = Callable[[Document, list[EventMention], Path], list[Path]]
Reader = Callable[[Path, dict[str, Document], Mapping], tuple[Document, Imported]]


def _export(src: Path, out: Path, documents: dict[str, Document], config: Callable[[Path], Path],
            write: Writer) -> list[Path]:
    annotations = read_annotations(src, documents)
    if not annotations:
        raise DataError([f"{src}: no annotation files (*.json)"])
    out.mkdir(parents=True, exist_ok=True)
    paths = [config(out)]
    for doc_id, mentions in sorted(annotations.items()):
        paths += write(documents[doc_id], mentions, out)
    return paths


def annotation_object(doc_id: str, mentions: list[EventMention], annotator: str) -> dict:
    """The annotation file content (guidelines section 6) for one document's mentions."""
    events = [{k: v for k, v in mention_to_json(m).items() if k != "doc_id"} for m in mentions]
    return {"doc_id": doc_id, "ontology_version": load_ontology().version, "annotator": annotator,
            "events": events}


def _import(src: Path, out: Path, documents: dict[str, Document], patterns: tuple[str, ...], read: Reader,
            mapping: Mapping | None = None) -> list[Path]:
    """Read every file of ``src`` matching ``patterns``, validate all, then write all (or nothing). A document
    the corpus does not have (its text came with the file) is written beside its annotation file."""
    sources = sorted(path for pattern in patterns for path in src.glob(pattern))
    if not sources:
        raise DataError([f"{src}: no {' or '.join(patterns)} files"])
    annotator, compiled, problems = src.resolve().name, {}, []
    for path in sources:
        try:
            document, (mentions, notices, locations) = read(path, documents, mapping or Mapping())
            data = annotation_object(document.id, mentions, annotator)
            parse_annotation(data, path, {**documents, document.id: document}, locations=locations)
        except DataError as err:
            problems += err.problems
            continue
        for notice in notices:
            log.warning(notice)
        compiled[out / f"{document.id}.json"] = (data, None if document.id in documents else document.text)
    if problems:
        raise DataError(problems)
    out.mkdir(parents=True, exist_ok=True)
    for target, (data, text) in compiled.items():
        target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        if text is not None:
            target.with_suffix(".txt").write_text(text, encoding="utf-8", newline="")
    return list(compiled)


def _read_brat(path: Path, documents: dict[str, Document], mapping: Mapping) -> tuple[Document, Imported]:
    document = brat.document_beside(path, documents)
    known = documents.get(document.id)
    if known is not None and known.text != document.text:
        raise DataError([f"{path.with_suffix('.txt')}: differs from the corpus's document {document.id!r}; "
                         f"rename the pair of files or use the corpus's text"])
    return document, brat.read_ann(path, document, mapping)


# --- the conversions: configs/convert/<kind>.yaml names each with _target_ ----------

def to_brat(src: Path, out: Path, documents: dict[str, Document]) -> list[Path]:
    return _export(src, out, documents, brat.write_config, brat.write_document)


def from_brat(src: Path, out: Path, documents: dict[str, Document], mapping: Mapping | None = None) -> list[Path]:
    return _import(src, out, documents, ("*.ann",), _read_brat, mapping)


def to_inception(src: Path, out: Path, documents: dict[str, Document]) -> list[Path]:
    return _export(src, out, documents, inception.write_type_system, inception.write_document)


def from_inception(src: Path, out: Path, documents: dict[str, Document],
                   mapping: Mapping | None = None) -> list[Path]:
    return _import(src, out, documents, ("*.json", "*.xmi"), inception.read_document, mapping)


#: the kinds of conversion: the files of configs/convert/
CONVERSIONS = plugin_names("convert")


def convert(kind: str, src: Path, out: Path, documents: dict[str, Document], overwrite: bool = False,
            mapping: Path | None = None) -> list[Path]:
    """Convert the folder ``src`` into ``out``; the paths written. Raises DataError. Without
    ``overwrite``, ``out`` must be new or empty. ``mapping``: a type mapping file for imports
    (``bench.contrib.foreign``)."""
    if kind not in CONVERSIONS:
        raise DataError([f"unknown conversion {kind!r}: use one of {', '.join(CONVERSIONS)}"])
    if not Path(src).is_dir():
        raise DataError([f"{src}: not a folder"])
    if not overwrite and Path(out).is_dir() and any(Path(out).iterdir()):
        raise DataError([f"{out}: exists and is not empty; not overwritten (add --force to write into it)"])
    if mapping is not None and not kind.startswith("from-"):
        raise DataError([f"--mapping: only imports (from-*) read a mapping file, not {kind}"])
    read_with = {"mapping": Mapping.from_file(Path(mapping))} if mapping else {}     # imports only
    return build_plugin("convert", kind)(Path(src), Path(out), documents, **read_with)
