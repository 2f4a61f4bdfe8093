"""The gold as a Hugging Face dataset: Parquet files and a dataset card.

Two configurations, each with one Parquet file per shipped split:

* ``documents`` (``documents/<split>.parquet``): a row per document, ``doc_id``, ``text``
  and its ``sentences`` as character offsets;
* ``events`` (``events/<split>.parquet``): a row per event mention, as the interchange
  format has it (offsets in code points, end exclusive).

``README.md`` is the dataset card: the YAML header the hub reads (licences, language,
task category, configurations and their files, features) and a table of the splits.
``read_events`` reads the ``events`` files back into event mentions.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from bench.corpus import Split
from bench.errors import DataError
from bench.schema import Argument, Document, EventMention, Span, load_ontology

INSTALL_HINT = "the Hugging Face export needs pyarrow: pip install 'bench[export]'"


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401  (the submodule the writers use)
    except ImportError:
        raise DataError([INSTALL_HINT]) from None
    return pyarrow


def schemas() -> dict[str, object]:
    """The Arrow schema of each configuration."""
    pa = _pyarrow()
    offsets = [pa.field("start", pa.int32()), pa.field("end", pa.int32())]
    span = pa.struct([*offsets, pa.field("text", pa.string())])
    argument = pa.struct([pa.field("role", pa.string()), *offsets, pa.field("text", pa.string()),
                          pa.field("entity_type", pa.string()), pa.field("entity_id", pa.string())])
    attributes = pa.struct([pa.field(name, pa.string()) for name in load_ontology().attributes])
    return {
        "documents": pa.schema([("doc_id", pa.string()), ("text", pa.string()),
                                ("sentences", pa.list_(pa.struct(offsets)))]),
        "events": pa.schema([("doc_id", pa.string()), ("id", pa.string()), ("type", pa.string()),
                             ("trigger", span), ("arguments", pa.list_(argument)), ("attributes", attributes),
                             ("cluster", pa.string())]),
    }


def _span(span: Span) -> dict:
    return {"start": span.start, "end": span.end, "text": span.text}


def rows(documents: dict[str, Document], gold: dict[str, list[EventMention]]) -> dict[str, list[dict]]:
    """The rows of both configurations for one split (the documents that have gold)."""
    names = list(load_ontology().attributes)
    return {
        "documents": [{"doc_id": d, "text": documents[d].text,
                       "sentences": [{"start": s.start, "end": s.end} for s in documents[d].sentences]}
                      for d in sorted(gold)],
        "events": [{"doc_id": m.doc_id, "id": m.id, "type": m.type, "trigger": _span(m.trigger),
                    "arguments": [{"role": a.role, **_span(a.span), "entity_type": a.entity_type,
                                   "entity_id": a.entity_id} for a in m.arguments],
                    "attributes": {n: m.attributes.get(n) for n in names}, "cluster": m.cluster}
                   for d in sorted(gold) for m in gold[d]],
    }


def write_split(documents: dict[str, Document], gold: dict[str, list[EventMention]], name: str,
                out: Path) -> dict[str, int]:
    """``<config>/<name>.parquet`` in ``out`` for both configurations; the number of rows of each."""
    pa = _pyarrow()
    counts = {}
    for config, table_rows in rows(documents, gold).items():
        (out / config).mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(table_rows, schema=schemas()[config])
        pa.parquet.write_table(table, out / config / f"{name}.parquet")
        counts[config] = len(table_rows)
    return counts


def _feature(field) -> dict:
    """One field of an Arrow schema as the card's ``features`` list writes it."""
    pa = _pyarrow()
    kind = field.type
    if pa.types.is_struct(kind):
        return {"name": field.name, "struct": [_feature(kind.field(i)) for i in range(kind.num_fields)]}
    if pa.types.is_list(kind):
        inner = kind.value_type
        return {"name": field.name, "list": [_feature(inner.field(i)) for i in range(inner.num_fields)]}
    return {"name": field.name, "dtype": str(kind)}


def card(splits: Sequence[Split], counts: dict[str, dict[str, int]]) -> str:
    """The dataset card: YAML header (what the hub reads) and a short description."""
    header = {
        "pretty_name": "bench: event extraction from German news",
        "language": ["de"],
        "license": sorted({s.licence for s in splits}),
        "task_categories": ["token-classification"],
        "tags": ["event-extraction", "ace2005", "news"],
        "configs": [{"config_name": config, "data_files": [{"split": s.name, "path": f"{config}/{s.name}.parquet"}
                                                           for s in splits]} for config in schemas()],
        "dataset_info": [{"config_name": config, "features": [_feature(f) for f in schema],
                          "splits": [{"name": s.name, "num_examples": counts[s.name][config]} for s in splits]}
                         for config, schema in schemas().items()],
    }
    table = ["| split | role | documents | event mentions | licence |", "|---|---|---|---|---|"]
    table += [f"| {s.name} | {s.role} | {counts[s.name]['documents']} | {counts[s.name]['events']} | {s.licence} |"
              for s in splits]
    return "\n".join([
        "---", yaml.safe_dump(header, sort_keys=False, allow_unicode=True).rstrip("\n"), "---", "",
        "# bench: event extraction from German news", "",
        "The gold standard of `bench`: German news annotated with events of the ACE 2005 types (trigger, type, "
        f"arguments with roles, attributes, entity ids, clusters; ontology version {load_ontology().version}). "
        "Offsets are code points, end exclusive. `test` splits are for reporting only; develop on the `dev` ones.",
        "", "The licence differs by split: the `gnad` splits are CC BY-NC-SA 4.0 (non-commercial, share alike).",
        "", *table, ""])


def read_events(path: Path) -> list[EventMention]:
    """The event mentions of an ``events/<split>.parquet`` file."""
    pa = _pyarrow()

    def span(obj: dict) -> Span:
        return Span(obj["start"], obj["end"], obj["text"])

    return [EventMention(row["doc_id"], row["type"], span(row["trigger"]),
                         tuple(Argument(a["role"], span(a), a["entity_type"], a["entity_id"])
                               for a in row["arguments"]),
                         {k: v for k, v in row["attributes"].items() if v is not None}, row["id"], row["cluster"])
            for row in pa.parquet.read_table(path).to_pylist()]
