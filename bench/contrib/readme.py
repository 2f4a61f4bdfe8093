"""The README's generated sections: ``python -m bench readme`` rewrites them from the data,
``--check`` fails when they are out of date, so no figure in the README is typed by hand.

A section lies between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``.
"""
from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pandas as pd

from bench.contrib.agreement import krippendorff_alpha, load_annotation_sets, pairwise
from bench.corpus import Split, iter_sorted, load_documents, read_annotations, shipped_splits
from bench.plugins import build_plugin
from bench.scoring.coref import coreference_scores
from bench.schema import PROJECT_ROOT, load_ontology

README = PROJECT_ROOT / "README.md"


def ontology_section() -> str:
    ontology = load_ontology()
    rows = [{"event type": name + (" (ext)" if spec.get("extension") else ""), "roles": ", ".join(spec["roles"]),
             "definition": spec["definition"]} for name, spec in ontology.event_types.items()]
    attributes = "; ".join(f"{k}: {' / '.join(v)}" for k, v in ontology.attributes.items())
    return (f"Ontology version {ontology.version} (`annotations/ontology.yaml`).\n\n"
            + pd.DataFrame(rows).to_markdown(index=False)
            + f"\n\nAttributes: {attributes}.\n\nEntity types: {', '.join(ontology.entity_types)}.")


def _split_gold(split: Split) -> tuple[dict, dict]:
    documents = load_documents(split.documents_dir)
    return documents, read_annotations(split.gold_dir, documents)


def gold_section() -> str:
    """The size of every split, and its mentions per type and arguments per role, side by side."""
    sizes, types, roles = [], {}, {}
    for split in shipped_splits().values():
        documents, gold = _split_gold(split)
        mentions = list(iter_sorted(gold))
        passes = len([p for p in split.passes_dir.iterdir() if p.is_dir()]) if split.passes_dir else 1
        sizes.append({"split": f"`{split.name}`", "role": split.role, "documents": len(documents),
                      "characters": sum(len(d.text) for d in documents.values()),
                      "sentences": sum(len(d.sentences) for d in documents.values()),
                      "event mentions": len(mentions), "arguments": sum(len(m.arguments) for m in mentions),
                      "event types used": len({m.type for m in mentions}),
                      "clusters": len({m.cluster for m in mentions}),
                      "passes": f"{passes}, adjudicated" if passes > 1 else "1"})
        types[split.name] = Counter(m.type for m in mentions)
        roles[split.name] = Counter(a.role for m in mentions for a in m.arguments)
    by_type = pd.DataFrame(types).reindex(sorted(load_ontology().event_types)).fillna(0).astype(int)
    by_role = pd.DataFrame(roles).fillna(0).astype(int).sort_index()
    return ("**Splits** (`python -m bench stats data=NAME` gives the per-document tables)\n\n"
            + pd.DataFrame(sizes).to_markdown(index=False)
            + "\n\n**Event mentions per type**\n\n" + by_type.to_markdown()
            + "\n\n**Arguments per role**\n\n" + by_role.to_markdown())


def agreement_section() -> str:
    """Agreement of the independent passes of every split that has them, and of each pass with its gold."""
    pair_rows, gold_rows = [], []
    for split in shipped_splits().values():
        if split.passes_dir is None:
            continue
        documents, gold_by_doc = _split_gold(split)
        passes = load_annotation_sets(sorted(p for p in split.passes_dir.iterdir() if p.is_dir()), documents)
        gold = [m for ms in gold_by_doc.values() for m in ms]
        for x, y in combinations(passes, 2):
            pair_rows.append({"split": f"`{split.name}`", "pair": f"{x} ~ {y}",
                              "mentions": f"{len(passes[x])} / {len(passes[y])}",
                              **pairwise(passes[x], passes[y], documents),
                              "alpha (trigger types)": krippendorff_alpha(passes)})
        gold_rows += [{"split": f"`{split.name}`", "pass": name, **pairwise(gold, mentions, documents)}
                      for name, mentions in passes.items()]
    pairs = pd.DataFrame(pair_rows).astype({"matched triggers": int})
    against_gold = pd.DataFrame(gold_rows).astype({"matched triggers": int})
    return ("**Pairwise agreement of the independent passes** (F1 with one pass as reference; exact offsets "
            "and lenient overlap)\n\n" + pairs.to_markdown(index=False, floatfmt=".3f")
            + "\n\n**Each pass against the adjudicated gold** (the gold as reference)\n\n"
            + against_gold.to_markdown(index=False, floatfmt=".3f"))


def coref_section() -> str:
    """CoNLL F1 of the clustering baselines on the gold mentions (gold triggers in, clusters out)."""
    documents, gold_by_doc = _split_gold(shipped_splits()["seeds"])
    gold = [m for ms in gold_by_doc.values() for m in ms]
    mentions = [replace(m, cluster=None, arguments=tuple(replace(a, entity_id=None) for a in m.arguments))
                for m in gold]
    rows = []
    for name in ("singleton", "lemma", "arguments"):
        scores = coreference_scores(gold, build_plugin("clusterer", name)(mentions), documents)
        rows.append({"baseline (on gold mentions)": name,
                     **{setting: 100 * value["conll_f1"] for setting, value in scores.items()}})
    return ("CoNLL F1 (%) of the baselines given the gold triggers and arguments (argument entity ids "
            "withheld: the `arguments` baseline compares argument texts), by scope and singleton setting:\n\n"
            + pd.DataFrame(rows).set_index("baseline (on gold mentions)").to_markdown(floatfmt=".1f"))


SECTIONS: dict[str, Callable[[], str]] = {"ontology": ontology_section, "gold": gold_section,
                                          "agreement": agreement_section, "coref": coref_section}


def regenerate(text: str) -> str:
    for name, build in SECTIONS.items():
        text = _replace_section(text, name, build())
    return text


def _replace_section(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- generated: {name} -->\n).*?(<!-- end: {name} -->)", re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"README.md has no section markers for {name!r}")
    return pattern.sub(lambda m: m.group(1) + body.strip() + "\n" + m.group(2), text)


def update_results_section(leaderboard_markdown: str, comparison: Path) -> None:
    """Put a comparison's leaderboard into the README's results section (``compare --readme``)."""
    plot = Path("docs") / "per_type_TC_exact.png"
    (PROJECT_ROOT / plot).parent.mkdir(exist_ok=True)
    shutil.copyfile(comparison / "plots" / "per_type_TC_exact.png", PROJECT_ROOT / plot)
    body = (leaderboard_markdown.strip() + f"\n\nTC F1 per event type:\n\n![TC F1 per event type]({plot.as_posix()})")
    README.write_text(_replace_section(README.read_text(encoding="utf-8"), "results", body), encoding="utf-8")
    print("README.md results section updated")


def update_readme(check: bool = False) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = regenerate(current)
    if check:
        if fresh != current:
            print("README.md is out of date: run python -m bench readme")
            return 1
        print("README.md generated sections are up to date")
        return 0
    README.write_text(fresh, encoding="utf-8")
    print("README.md regenerated")
    return 0
