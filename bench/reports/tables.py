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


def headline_text(scores: dict) -> str:
    parts = []
    for mode in scores["levels"]:
        frame = headline_frame(scores, mode)
        parts.append(f"{mode} spans\n" + frame.to_string(float_format=lambda v: f"{v:.1f}"))
    return "\n\n".join(parts)


def headline_markdown(scores: dict) -> str:
    parts = []
    for mode in scores["levels"]:
        frame = headline_frame(scores, mode)
        parts.append(f"### {mode} spans\n\n" + frame.to_markdown(floatfmt=".1f"))
    return "\n\n".join(parts) + "\n"
