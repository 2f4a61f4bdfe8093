"""Score tables as pandas frames, for the terminal, Markdown, CSV and LaTeX."""
from __future__ import annotations

import pandas as pd


def headline_frame(scores: dict, mode: str = "exact") -> pd.DataFrame:
    """One row per level: P, R, F1 with the F1 interval and the counts."""
    rows = []
    for level, entry in scores["levels"][mode].items():
        low, high = entry.get("ci", {}).get("f1", [float("nan")] * 2)
        rows.append({"level": level, "P": 100 * entry["precision"], "R": 100 * entry["recall"],
                     "F1": 100 * entry["f1"], "F1 95% CI": f"{100 * low:.1f}-{100 * high:.1f}",
                     "tp": entry["tp"], "fp": entry["fp"], "fn": entry["fn"]})
    return pd.DataFrame(rows).set_index("level")


def attribute_frame(scores: dict) -> pd.DataFrame | None:
    """Accuracy and macro-F1 over matched triggers, and TC + attribute F1 (exact spans)."""
    if "attributes" not in scores:
        return None
    rows = []
    for name, entry in scores["attributes"].items():
        if isinstance(entry, str):
            rows.append({"attribute": name, "accuracy": None, "macro F1": None, "TC+attr F1": None, "note": entry})
        else:
            exact = entry["exact"]
            rows.append({"attribute": name, "accuracy": 100 * exact["accuracy"], "macro F1": 100 * exact["macro_f1"],
                         "TC+attr F1": 100 * exact["tc_plus_attribute"]["f1"], "note": ""})
    return pd.DataFrame(rows).set_index("attribute")


def coreference_frame(scores: dict) -> pd.DataFrame | None:
    """F1 of every coreference metric, per scope and singleton setting."""
    coref = scores.get("coreference")
    if not isinstance(coref, dict):
        return None
    rows = [{"setting": setting, **{m: 100 * v[m]["f1"] for m in ("muc", "b3", "ceafe", "blanc", "lea")},
             "CoNLL F1": 100 * v["conll_f1"]} for setting, v in coref.items()]
    return pd.DataFrame(rows).set_index("setting")


def _frames(scores: dict):
    for mode in scores["levels"]:
        yield f"{mode} spans", headline_frame(scores, mode)
    attributes = attribute_frame(scores)
    if attributes is not None:
        yield "attributes (exact spans)", attributes
    if "coreference" in scores:
        coref = coreference_frame(scores)
        yield "event coreference (F1)", coref if coref is not None else pd.DataFrame({"note": ["not predicted"]})


def cross_validation_note(scores: dict) -> str | None:
    """How the scores were obtained when a trainable extractor ran in folds by document."""
    folds = scores.get("cross_validated", {}).get("folds")
    if not folds:
        return None
    return (f"cross-validated by document: {len(folds)} folds, each document extracted by a model "
            "fitted on other documents only")


def headline_text(scores: dict) -> str:
    note = cross_validation_note(scores)
    tables = "\n\n".join(f"{title}\n" + frame.to_string(float_format=lambda v: f"{v:.1f}", na_rep="-")
                          for title, frame in _frames(scores))
    return f"{note}\n\n{tables}" if note else tables


def headline_markdown(scores: dict) -> str:
    note = cross_validation_note(scores)
    tables = "\n\n".join(f"### {title}\n\n" + frame.to_markdown(floatfmt=".1f", missingval="-")
                          for title, frame in _frames(scores))
    return (f"*{note}*\n\n" if note else "") + tables + "\n"
