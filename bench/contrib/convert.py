"""``python -m bench convert KIND SRC OUT``: annotation files to and from brat and INCEpTION.

``to-brat`` and ``to-inception`` read a folder of annotation files (``<doc_id>.json``,
guidelines section 6) and write a brat collection (``.txt``, ``.ann``,
``annotation.conf``) or UIMA CAS JSON files with their ``TypeSystem.xml``.
``from-brat`` and ``from-inception`` read such a folder back and write annotation files,
named after the documents; the source folder's name becomes their ``annotator``. Every
file is checked as ``python -m bench validate`` checks it before anything is written;
problems name the source file. What was read loosely (a discontinuous brat span, a brat
span that belongs to no event) is logged as a warning.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from bench.contrib import brat, inception
from bench.errors import DataError
from bench.corpus import mention_to_json, parse_annotation, read_annotations
from bench.plugins import build_plugin, plugin_names
from bench.schema import Document, EventMention, load_ontology

log = logging.getLogger(__name__)

Writer = Callable[[Document, list[EventMention], Path], list[Path]]
Reader = Callable[[Path, Document], tuple[list[EventMention], list[str]]]


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


def _import(src: Path, out: Path, documents: dict[str, Document], pattern: str, read: Reader) -> list[Path]:
    """Read every ``pattern`` file of ``src``, validate all, then write all (or nothing)."""
    sources = sorted(src.glob(pattern))
    if not sources:
        raise DataError([f"{src}: no {pattern} files"])
    annotator, compiled, problems = src.resolve().name, {}, []
    for path in sources:
        if path.stem not in documents:
            problems.append(f"{path}: unknown document id {path.stem!r}: name the file after its document "
                            f"(seeds/<doc_id>.txt)")
            continue
        try:
            mentions, notices = read(path, documents[path.stem])
            data = annotation_object(path.stem, mentions, annotator)
            parse_annotation(data, path, documents)
        except DataError as err:
            problems += err.problems
            continue
        for notice in notices:
            log.warning(notice)
        compiled[out / f"{path.stem}.json"] = data
    if problems:
        raise DataError(problems)
    out.mkdir(parents=True, exist_ok=True)
    for target, data in compiled.items():
        target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return list(compiled)


def _read_cas(path: Path, document: Document) -> tuple[list[EventMention], list[str]]:
    return inception.read_document(path, document), []


# --- the conversions: configs/convert/<kind>.yaml names each with _target_ ----------

def to_brat(src: Path, out: Path, documents: dict[str, Document]) -> list[Path]:
    return _export(src, out, documents, brat.write_config, brat.write_document)


def from_brat(src: Path, out: Path, documents: dict[str, Document]) -> list[Path]:
    return _import(src, out, documents, "*.ann", brat.read_ann)


def to_inception(src: Path, out: Path, documents: dict[str, Document]) -> list[Path]:
    return _export(src, out, documents, inception.write_type_system, inception.write_document)


def from_inception(src: Path, out: Path, documents: dict[str, Document]) -> list[Path]:
    return _import(src, out, documents, "*.json", _read_cas)


#: the kinds of conversion: the files of configs/convert/
CONVERSIONS = plugin_names("convert")


def convert(kind: str, src: Path, out: Path, documents: dict[str, Document], overwrite: bool = False) -> list[Path]:
    """Convert the folder ``src`` into ``out``; the paths written. Raises DataError. Without
    ``overwrite``, ``out`` must be new or empty."""
    if kind not in CONVERSIONS:
        raise DataError([f"unknown conversion {kind!r}: use one of {', '.join(CONVERSIONS)}"])
    if not Path(src).is_dir():
        raise DataError([f"{src}: not a folder"])
    if not overwrite and Path(out).is_dir() and any(Path(out).iterdir()):
        raise DataError([f"{out}: exists and is not empty; not overwritten (add --force to write into it)"])
    return build_plugin("convert", kind)(Path(src), Path(out), documents)
