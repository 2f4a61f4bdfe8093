"""Plots of a comparison, written as PNG and SVG (matplotlib, no display needed)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix  # noqa: E402

from bench.reports.runs import Run  # noqa: E402
from bench.schema import Document, EventMention  # noqa: E402
from bench.scoring import matched_trigger_types  # noqa: E402

NO_EVENT = "(none)"


def _save(figure, folder: Path, name: str) -> list[Path]:
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    for path in paths:
        figure.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(figure)
    return paths


def per_type_f1(runs: list[Run], folder: Path, level: str = "TC", mode: str = "exact") -> list[Path]:
    types = sorted({t for run in runs for t, e in run.scores["per_type"][mode][level].items() if e["tp"] + e["fn"]})
    figure, axis = plt.subplots(figsize=(10, 0.35 * len(types) * max(len(runs), 1) + 1.5))
    height = 0.8 / max(len(runs), 1)
    for i, run in enumerate(runs):
        values = [100 * run.scores["per_type"][mode][level].get(t, {"f1": 0})["f1"] for t in types]
        axis.barh(np.arange(len(types)) + i * height, values, height, label=run.label)
    axis.set_yticks(np.arange(len(types)) + height * (len(runs) - 1) / 2, types)
    axis.invert_yaxis()
    axis.set_xlabel(f"{level} F1 ({mode} spans), %")
    axis.set_xlim(0, 100)
    axis.legend(loc="lower right")
    axis.set_title(f"{level} F1 per event type")
    return _save(figure, folder, f"per_type_{level}_{mode}")


def precision_recall(runs: list[Run], folder: Path, mode: str = "exact") -> list[Path]:
    figure, axis = plt.subplots(figsize=(6, 6))
    grid = np.linspace(0.01, 1, 200)
    for f1 in (0.2, 0.4, 0.6, 0.8):
        recall = f1 * grid / (2 * grid - f1)
        keep = (recall > 0) & (recall <= 1)
        axis.plot(100 * recall[keep], 100 * grid[keep], color="lightgrey", linewidth=0.8)
        axis.annotate(f"F1={f1}", (100 * recall[keep][-1], 98), fontsize=7, color="grey")
    markers = dict(zip(("TI", "TC", "AI", "AC", "AI+", "AC+"), "os^vD*"))
    for i, run in enumerate(runs):
        for level, entry in run.scores["levels"][mode].items():
            axis.scatter(100 * entry["recall"], 100 * entry["precision"], color=f"C{i}", marker=markers.get(level, "o"),
                         label=f"{run.name} {level}")
    axis.set_xlabel("recall, %")
    axis.set_ylabel("precision, %")
    axis.set_xlim(0, 100)
    axis.set_ylim(0, 100)
    axis.legend(fontsize=7, loc="lower left", ncol=2)
    axis.set_title(f"Precision against recall ({mode} spans)")
    return _save(figure, folder, f"precision_recall_{mode}")


def type_confusion(run: Run, gold: list[EventMention], documents: dict[str, Document], folder: Path) -> list[Path]:
    """Event types of triggers matched by span (exact), with missed and spurious triggers as (none)."""
    pairs = matched_trigger_types(gold, run.predictions, documents, mode="exact")
    missed = Counter(m.type for m in gold) - Counter(g for g, _ in pairs)
    spurious = Counter(m.type for m in run.predictions) - Counter(p for _, p in pairs)
    pairs += [(t, NO_EVENT) for t in missed.elements()] + [(NO_EVENT, t) for t in spurious.elements()]
    gold_types, pred_types = [g for g, _ in pairs], [p for _, p in pairs]
    labels = sorted((set(gold_types) | set(pred_types)) - {NO_EVENT}) + [NO_EVENT]
    matrix = confusion_matrix(gold_types, pred_types, labels=labels)
    figure, axis = plt.subplots(figsize=(0.55 * len(labels) + 3, 0.55 * len(labels) + 2))
    ConfusionMatrixDisplay(matrix, display_labels=labels).plot(ax=axis, xticks_rotation=90, colorbar=False)
    axis.set_title(f"Event types: gold (rows) vs {run.name} (columns)")
    return _save(figure, folder, f"confusion_{run.key}")
