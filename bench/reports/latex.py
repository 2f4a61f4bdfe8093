"""The leaderboard as a LaTeX table (booktabs): one table per span mode, P, R and F1 per level,
the F1 interval on a second line under each run. Needs ``\\usepackage{booktabs}``."""
from __future__ import annotations

import pandas as pd

from bench.reports.leaderboard import confidence_text
from bench.reports.runs import Run


def leaderboard_latex(frame: pd.DataFrame, runs: list[Run], mode: str) -> str:
    """``frame`` is :func:`bench.reports.leaderboard.leaderboard_frame` of ``runs`` in ``mode``;
    every label is escaped for LaTeX."""
    levels = list(dict.fromkeys(column.split(" ")[0] for column in frame.columns))
    columns = pd.MultiIndex.from_product([levels, ["P", "R", "F1"]])
    rows, index = [], []
    for label, row in frame.iterrows():
        rows.append([f"{row[f'{level} {metric}']:.1f}" for level, metric in columns])
        rows.append([_interval(row, level) if metric == "F1" else "" for level, metric in columns])
        index += [label, ""]
    table = pd.DataFrame(rows, index=index, columns=columns)
    caption = (f"Event extraction on the bench gold ({mode} spans): precision, recall and F1 (\\%) per level; "
               f"under each run, the {confidence_text(runs).replace('%', chr(92) + '%')} bootstrap interval "
               "of F1 over sentences.")
    return (table.style.format(escape="latex").format_index(escape="latex", axis=0)
            .format_index(escape="latex", axis=1)
            .to_latex(hrules=True, caption=caption, label=f"tab:bench-{mode}", multicol_align="c",
                      column_format="l" + "r" * len(columns), position_float="centering"))


def _interval(row: pd.Series, level: str) -> str:
    low, high = row[f"{level} F1 low"], row[f"{level} F1 high"]
    return "" if pd.isna(low) else f"[{low:.1f}, {high:.1f}]"
