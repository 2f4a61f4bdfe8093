"""Plots of a comparison, written as PNG and SVG (matplotlib, no display needed).

SVG text stays text (``svg.fonttype: none``), so labels can be searched, copied and tested."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from bench.reports.runs import Run  # noqa: E402
from bench.schema import Document, EventMention  # noqa: E402
from bench.scoring import matched_trigger_types  # noqa: E402

MARKERS = dict(zip(("TI", "TC", "AI", "AC", "AI+", "AC+"), "os^vD*"))


def _save(figure, folder: Path, name: str, dpi: int = 150) -> list[Path]:
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        for path in paths:
            figure.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    return paths


def _legend_above(axis, **kwargs) -> None:
    axis.legend(loc="lower left", bbox_to_anchor=(0, 1.02), frameon=False, fontsize=8, **kwargs)


def per_type_f1(frame: pd.DataFrame, runs: list[Run], folder: Path, level: str = "TC",
                mode: str = "exact") -> list[Path]:
    """Horizontal bars of each run's F1 per event type (``bench.reports.leaderboard.per_type_frame``), with
    the value at each bar, the type's bootstrap interval as an error bar and its gold count in the label."""
    types = list(frame.index)
    count = "gold triggers" if level in ("TI", "TC") else "gold arguments"
    figure, axis = plt.subplots(figsize=(9, 0.32 * len(types) * max(len(runs), 1) + 2))
    height = 0.8 / max(len(runs), 1)
    for i, run in enumerate(runs):
        f1 = frame[f"{run.label} F1"].to_numpy()
        spread = np.vstack([f1 - frame[f"{run.label} F1 low"], frame[f"{run.label} F1 high"] - f1])
        rows = np.arange(len(types)) + i * height
        axis.barh(rows, f1, height, label=run.label, color=f"C{i}",
                         xerr=None if np.isnan(spread).all() else spread,
                         error_kw={"ecolor": "#555", "capsize": 2, "linewidth": 0.8})
        for row, value, right in zip(rows, f1, np.fmax(f1, np.nan_to_num(frame[f"{run.label} F1 high"]))):
            axis.text(right + 1, row, f"{value:.1f}", va="center", fontsize=7)
        axis.scatter(np.zeros(len(f1))[f1 == 0], rows[f1 == 0], marker="|", color=f"C{i}", s=60)
    axis.set_yticks(np.arange(len(types)) + height * (len(runs) - 1) / 2,
                    [f"{t} (n={n})" for t, n in zip(types, frame["gold"])])
    axis.invert_yaxis()
    axis.set_xlabel(f"{level} F1 ({mode} spans), %; error bars: bootstrap interval of the type")
    axis.set_ylabel(f"event type (n = {count})")
    axis.set_xlim(0, 112)
    _legend_above(axis, ncol=min(len(runs), 3))
    axis.set_title(f"{level} F1 per event type", loc="right")
    return _save(figure, folder, f"per_type_{level}_{mode}")


def precision_recall(runs: list[Run], folder: Path, mode: str = "exact") -> list[Path]:
    """Each run's precision and recall per level, over iso-F1 curves labelled in percent."""
    figure, axis = plt.subplots(figsize=(6.5, 6.5))
    precision = np.linspace(0.005, 1, 400)
    for f1 in (0.2, 0.4, 0.6, 0.8):
        recall = f1 * precision / (2 * precision - f1)
        keep = (recall > 0) & (recall <= 1)
        axis.plot(100 * recall[keep], 100 * precision[keep], color="lightgrey", linewidth=0.8, zorder=0)
        axis.annotate(f"F1 = {100 * f1:.0f}%", (100 * recall[keep][-1] + 1, 101), fontsize=7, color="grey",
                      annotation_clip=False)
    for i, run in enumerate(runs):
        for level, entry in run.scores["levels"][mode].items():
            axis.scatter(100 * entry["recall"], 100 * entry["precision"], color=f"C{i}", s=36,
                         marker=MARKERS.get(level, "o"))
    run_keys = [Line2D([], [], color=f"C{i}", marker="o", linestyle="", label=run.label) for i, run in
                enumerate(runs)]
    level_keys = [Line2D([], [], color="#444", marker=MARKERS.get(level, "o"), linestyle="", label=level)
                  for level in runs[0].scores["levels"][mode]] if runs else []
    axis.add_artist(axis.legend(handles=level_keys, title="level", loc="lower right", fontsize=8, ncol=2))
    axis.legend(handles=run_keys, title="run", loc="upper left", bbox_to_anchor=(0, -0.1), fontsize=8,
                frameon=False)          # the axes' own legend, so that the saved figure's tight box includes it
    axis.set_xlabel("recall, %")
    axis.set_ylabel("precision, %")
    axis.set_xlim(0, 100)
    axis.set_ylim(0, 100)
    axis.set_title(f"Precision against recall ({mode} spans)", pad=16)
    return _save(figure, folder, f"precision_recall_{mode}")


def type_confusion(run: Run, gold: list[EventMention], documents: dict[str, Document], folder: Path) -> list[Path]:
    """Gold type against predicted type of the triggers matched by span (exact), on a log colour scale so
    that small cells stay visible; a cell's count is written in it, empty cells stay blank. Missed and
    spurious triggers have no partner and are not in it."""
    pairs = matched_trigger_types(gold, run.predictions, documents, mode="exact")
    labels = sorted({t for pair in pairs for t in pair})
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    np.add.at(matrix, ([index[g] for g, _ in pairs], [index[p] for _, p in pairs]), 1)
    size = 0.5 * max(len(labels), 1) + 3
    figure, axis = plt.subplots(figsize=(size + 1, size))
    if pairs:
        image = axis.imshow(matrix, cmap="Blues", norm=LogNorm(vmin=0.4, vmax=max(matrix.max(), 2)))
        figure.colorbar(image, ax=axis, label="triggers (log scale; empty cells: none)")
        for (row, column), value in np.ndenumerate(matrix):
            if value:
                axis.text(column, row, str(value), ha="center", va="center", fontsize=7,
                          color="white" if value > matrix.max() ** 0.5 else "black")
        axis.set_xticks(range(len(labels)), labels, rotation=90)
        axis.set_yticks(range(len(labels)), labels)
    axis.set_xlabel("predicted type")
    axis.set_ylabel("gold type")
    off = int(matrix.sum() - np.trace(matrix))
    axis.set_title(f"{run.label}: event types of the {len(pairs)} triggers matched by span\n"
                   f"({off} with another type; missed and spurious triggers are not shown)", fontsize=9)
    return _save(figure, folder, f"confusion_{run.key}", dpi=100)     # half an inch a type: large already


def split_f1(runs: list[Run], folder: Path, mode: str = "exact", levels: tuple[str, ...] = ("TC", "AC")) -> list[Path]:
    """F1 of each run on each test split (runs of ``data=all``), one panel per level: values on the bars,
    the split's bootstrap interval as an error bar, its gold count under its name."""
    with_splits = [run for run in runs if run.scores.get("splits")]
    splits = sorted({name for run in with_splits for name in run.scores["splits"]})
    figure, axes = plt.subplots(1, len(levels), figsize=(5 * len(levels), 4), sharey=True, squeeze=False)
    width = 0.8 / max(len(with_splits), 1)
    for axis, level in zip(axes[0], levels):
        unit = "gold_mentions" if level in ("TI", "TC") else "gold_arguments"
        gold = {}
        for i, run in enumerate(with_splits):
            entries = [run.scores["splits"].get(s, {}).get("levels", {}).get(mode, {}).get(level) for s in splits]
            f1 = np.array([100 * e["f1"] if e else 0.0 for e in entries])
            ci = np.array([[100 * v for v in e.get("ci", {}).get("f1", [e["f1"]] * 2)] if e else [0, 0]
                           for e in entries]).T
            rows = np.arange(len(splits)) + i * width
            axis.bar(rows, f1, width, color=f"C{i}", label=run.label, yerr=np.abs(ci - f1),
                     error_kw={"ecolor": "#555", "capsize": 2, "linewidth": 0.8})
            for x, value, top in zip(rows, f1, np.fmax(f1, ci[1])):
                axis.text(x, top + 1.5, f"{value:.1f}", ha="center", fontsize=7)
            gold |= {s: run.scores["splits"][s]["counts"][unit] for s in splits if s in run.scores["splits"]}
        noun = "triggers" if unit == "gold_mentions" else "arguments"
        axis.set_xticks(np.arange(len(splits)) + width * (len(with_splits) - 1) / 2,
                        [f"{s}\nn = {gold.get(s, 0)}\ngold {noun}" for s in splits])
        axis.set_xlabel("test split")
        axis.set_title(f"{level} F1 ({mode} spans)")
        axis.set_ylim(0, 108)
    axes[0][0].set_ylabel("F1, % (error bars: bootstrap interval)")
    figure.legend(*axes[0][0].get_legend_handles_labels(), loc="lower center", bbox_to_anchor=(0.5, 1.0),
                  ncol=min(len(with_splits), 3), frameon=False, fontsize=8)
    return _save(figure, folder, f"split_f1_{mode}")
