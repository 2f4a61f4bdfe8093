"""The README's generated sections: ``python -m bench readme`` rewrites them from the data,
``--check`` fails when they are out of date, so no figure in the README is typed by hand.

A section lies between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from bench.contrib.agreement import agreement_markdown, load_annotation_sets, pairwise
from bench.contrib.stats import gold_statistics_markdown
from bench.corpus import load_documents, read_annotations
from bench.extractors.clusterers import CLUSTERERS
from bench.scoring.coref import coreference_scores
from bench.schema import PROJECT_ROOT, load_ontology

README = PROJECT_ROOT / "README.md"
PASSES = PROJECT_ROOT / "annotations" / "passes"
GOLD = PROJECT_ROOT / "annotations" / "gold"


def ontology_section() -> str:
    ontology = load_ontology()
    rows = [{"event type": name + (" (ext)" if spec.get("extension") else ""), "roles": ", ".join(spec["roles"]),
             "definition": spec["definition"]} for name, spec in ontology.event_types.items()]
    attributes = "; ".join(f"{k}: {' / '.join(v)}" for k, v in ontology.attributes.items())
    return (f"Ontology version {ontology.version} (`annotations/ontology.yaml`).\n\n"
            + pd.DataFrame(rows).to_markdown(index=False)
            + f"\n\nAttributes: {attributes}.\n\nEntity types: {', '.join(ontology.entity_types)}.")


def gold_section() -> str:
    documents = load_documents(PROJECT_ROOT / "seeds")
    return gold_statistics_markdown(documents, read_annotations(GOLD, documents)).strip()


def agreement_section() -> str:
    documents = load_documents(PROJECT_ROOT / "seeds")
    passes = load_annotation_sets(sorted(p for p in PASSES.iterdir() if p.is_dir()), documents)
    gold = [m for ms in read_annotations(GOLD, documents).values() for m in ms]
    against_gold = pd.DataFrame([{"pass": name, **pairwise(gold, mentions, documents)}
                                 for name, mentions in passes.items()]).set_index("pass")
    against_gold = against_gold.astype({"matched triggers": int})
    return (agreement_markdown(passes, documents).strip()
            + "\n\n**Each pass against the adjudicated gold** (the gold as reference)\n\n"
            + against_gold.to_markdown(floatfmt=".3f"))


def coref_section() -> str:
    """CoNLL F1 of the clustering baselines on the gold mentions (gold triggers in, clusters out)."""
    documents = load_documents(PROJECT_ROOT / "seeds")
    gold = [m for ms in read_annotations(GOLD, documents).values() for m in ms]
    mentions = [replace(m, cluster=None, arguments=tuple(replace(a, entity_id=None) for a in m.arguments))
                for m in gold]
    rows = []
    for name, clusterer in CLUSTERERS.items():
        scores = coreference_scores(gold, clusterer(mentions), documents)
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
