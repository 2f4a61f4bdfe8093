"""Inter-annotator agreement between annotation sets of the same documents.

Pairwise F1 treats one set as reference (F1 is symmetric); Cohen's kappa compares the
event types of triggers matched by span; Krippendorff's alpha (nominal) covers all
sets at once, over every trigger span any annotator marked, "no event" included.
"""
from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

from bench.contrib.authoring import compile_file
from bench.errors import DataError
from bench.corpus import parse_annotation, read_annotations
from bench.schema import Document, EventMention
from bench.scoring import matched_trigger_types, score

NO_EVENT = "(none)"


def load_annotation_sets(folders: list[Path], documents: dict[str, Document],
                         authoring: bool = False) -> dict[str, list[EventMention]]:
    """Mentions of each folder, by folder name; authoring files are compiled in memory."""
    sets = {}
    for folder in folders:
        if authoring:
            mentions, problems = [], []
            for path in sorted(folder.glob("*.json")):
                try:
                    mentions += parse_annotation(compile_file(path, documents), path, documents)
                except DataError as err:
                    problems += err.problems
            if problems:
                raise DataError(problems)
        else:
            mentions = [m for ms in read_annotations(folder, documents).values() for m in ms]
        sets[folder.name] = mentions
    return sets


def pairwise(a: list[EventMention], b: list[EventMention], documents: dict[str, Document]) -> dict:
    from sklearn.metrics import cohen_kappa_score  # scikit-learn takes seconds to load; only kappa needs it

    scores = score(a, b, documents, levels=["TI", "TC", "AI", "AC"], bootstrap_samples=0)
    row = {f"{level} F1 {mode}": scores["levels"][mode][level]["f1"]
           for mode in ("exact", "lenient") for level in ("TI", "TC", "AI", "AC")}
    pairs = matched_trigger_types(a, b, documents, mode="lenient")
    row["kappa (types, matched triggers)"] = (cohen_kappa_score([p[0] for p in pairs], [p[1] for p in pairs])
                                              if len(pairs) > 1 else float("nan"))
    row["matched triggers"] = len(pairs)
    return row


def krippendorff_alpha(sets: dict[str, list[EventMention]]) -> float:
    """Nominal alpha over trigger spans (exact offsets) marked by any annotator."""
    units = sorted({(m.doc_id, m.trigger.start, m.trigger.end) for ms in sets.values() for m in ms})
    index = {u: i for i, u in enumerate(units)}
    labels = sorted({m.type for ms in sets.values() for m in ms}) + [NO_EVENT]
    code = {label: i for i, label in enumerate(labels)}
    data = np.full((len(sets), len(units)), code[NO_EVENT], dtype=float)
    for row, mentions in enumerate(sets.values()):
        for m in mentions:
            data[row, index[(m.doc_id, m.trigger.start, m.trigger.end)]] = code[m.type]
    if len(units) == 0 or len(np.unique(data)) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def type_disagreements(a: list[EventMention], b: list[EventMention], documents: dict[str, Document]) -> pd.DataFrame:
    """Per event type: triggers only A marked, only B marked, and type confusions (lenient spans)."""
    pairs = matched_trigger_types(a, b, documents, mode="lenient")
    matched_a, matched_b = Counter(g for g, _ in pairs), Counter(p for _, p in pairs)
    count_a, count_b = Counter(m.type for m in a), Counter(m.type for m in b)
    confused = Counter()
    for g, p in pairs:
        if g != p:
            confused[g] += 1
            confused[p] += 1
    rows = [{"type": t, "A": count_a[t], "B": count_b[t], "only A": count_a[t] - matched_a[t],
             "only B": count_b[t] - matched_b[t], "type differs": confused[t]}
            for t in sorted(count_a.keys() | count_b.keys())]
    return pd.DataFrame(rows).set_index("type")


def agreement_markdown(sets: dict[str, list[EventMention]], documents: dict[str, Document]) -> str:
    names = list(sets)
    rows = []
    for x, y in combinations(names, 2):
        rows.append({"pair": f"{x} ~ {y}", "mentions": f"{len(sets[x])} / {len(sets[y])}",
                     **pairwise(sets[x], sets[y], documents)})
    table = pd.DataFrame(rows).set_index("pair")
    parts = ["**Pairwise agreement** (F1 with one set as reference; exact offsets and lenient overlap)",
             table.to_markdown(floatfmt=".3f")]
    parts.append(f"Krippendorff's alpha (nominal, event type or none over all marked trigger spans, "
                 f"{len(names)} sets): {krippendorff_alpha(sets):.3f}")
    for x, y in combinations(names, 2):
        parts += [f"**Disagreements by event type: A = {x}, B = {y}**",
                  type_disagreements(sets[x], sets[y], documents).to_markdown()]
    return "\n\n".join(parts) + "\n"

