"""The gold's size as Markdown tables (the README's figures come from here)."""
from __future__ import annotations

from collections import Counter

import pandas as pd

from bench.corpus import iter_sorted
from bench.schema import Document, EventMention


def gold_statistics_markdown(documents: dict[str, Document], gold: dict[str, list[EventMention]]) -> str:
    mentions = list(iter_sorted(gold))
    docs = pd.DataFrame([{"document": d, "characters": len(documents[d].text), "sentences": len(documents[d].sentences),
                          "event mentions": len(gold.get(d, [])),
                          "arguments": sum(len(m.arguments) for m in gold.get(d, []))} for d in sorted(documents)])
    docs.loc[len(docs)] = ["total", *docs.iloc[:, 1:].sum()]
    types = pd.Series(Counter(m.type for m in mentions), name="mentions").sort_index()
    roles = pd.Series(Counter(a.role for m in mentions for a in m.arguments), name="arguments").sort_index()
    clusters = Counter(m.cluster for m in mentions)
    docs_of = {}
    for m in mentions:
        docs_of.setdefault(m.cluster, set()).add(m.doc_id)
    entities = {a.entity_id for m in mentions for a in m.arguments}
    summary = pd.Series({
        "event clusters": len(clusters),
        "clusters with 2+ mentions": sum(1 for n in clusters.values() if n > 1),
        "clusters spanning 2+ documents": sum(1 for d in docs_of.values() if len(d) > 1),
        "largest cluster (mentions)": max(clusters.values(), default=0),
        "distinct entity ids": len(entities),
    }, name="count")
    attrs = pd.DataFrame([{"attribute": k, "value": v, "mentions": n} for (k, v), n in
                          sorted(Counter((k, v) for m in mentions for k, v in m.attributes.items()).items())])
    parts = [("Documents", docs.to_markdown(index=False)), ("Event mentions per type", types.to_markdown()),
             ("Arguments per role", roles.to_markdown()), ("Clusters and entities", summary.to_markdown()),
             ("Attributes", attrs.to_markdown(index=False) if len(attrs) else "(none)")]
    return "\n\n".join(f"**{title}**\n\n{table}" for title, table in parts) + "\n"
