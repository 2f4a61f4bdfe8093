"""The leaderboard across runs and the paired significance tests between them."""
from __future__ import annotations

from itertools import combinations

import pandas as pd

from bench.reports.runs import Run
from bench.schema import Document, EventMention
from bench.scoring import LEVELS, bootstrap_intervals, paired_bootstraps, unit_counts

#: the correction for many comparisons applied to the paired tests' p-values, as the pages name it
CORRECTION = "Benjamini-Hochberg"


def confidence_text(runs: list[Run]) -> str:
    """The confidence level of the runs' bootstrap intervals, as written in captions: ``95%``
    (several levels, comma-separated, when the runs were scored with different ones)."""
    levels = sorted({float(run.scores.get("settings", {}).get("confidence", 0.95)) for run in runs})
    return ", ".join(f"{100 * level:g}%" for level in levels)


def significance_level(runs: list[Run]) -> float:
    """The level at which a paired test counts as significant: one minus the (lowest) confidence level."""
    return 1 - min(float(run.scores.get("settings", {}).get("confidence", 0.95)) for run in runs)


def leaderboard_frame(runs: list[Run], mode: str = "exact") -> pd.DataFrame:
    """One row per run; P, R, F1 and the F1 interval (percent) for every level."""
    rows = []
    for run in runs:
        row = {"run": run.label}
        for level, entry in run.scores["levels"][mode].items():
            low, high = entry.get("ci", {}).get("f1", [float("nan")] * 2)
            row |= {f"{level} P": 100 * entry["precision"], f"{level} R": 100 * entry["recall"],
                    f"{level} F1": 100 * entry["f1"], f"{level} F1 low": 100 * low, f"{level} F1 high": 100 * high}
        rows.append(row)
    return pd.DataFrame(rows).set_index("run")


def argument_mode_frame(runs: list[Run], levels: tuple[str, ...] = ("AI", "AC")) -> pd.DataFrame | None:
    """Argument F1 of each run in every mode it was scored in (exact, lenient, head, entity); None when
    no run has an argument mode."""
    rows = []
    for run in runs:
        modes = run.scores["levels"]
        row = {"run": run.label}
        for level in levels:
            row |= {f"{level} F1 {mode}": 100 * modes[mode][level]["f1"] for mode in modes if level in modes[mode]}
        rows.append(row)
    if not any("argument_modes" in run.scores for run in runs):
        return None
    return pd.DataFrame(rows).set_index("run")


def split_frame(runs: list[Run], mode: str = "exact", levels: tuple[str, ...] = ("TC", "AC")) -> pd.DataFrame | None:
    """F1 of each run on each split (runs of ``data=all``), and the gap between its splits."""
    rows = []
    for run in runs:
        splits = run.scores.get("splits")
        if not splits:
            continue
        row = {"run": run.label}
        for level in levels:
            values = {name: 100 * split["levels"][mode][level]["f1"] for name, split in splits.items()}
            row |= {f"{level} F1 {name}": value for name, value in values.items()}
            row[f"{level} F1 gap"] = max(values.values()) - min(values.values())
        rows.append(row)
    return pd.DataFrame(rows).set_index("run") if rows else None


def coref_attribute_frame(runs: list[Run]) -> pd.DataFrame | None:
    """CoNLL F1 per coreference setting and accuracy per attribute (exact spans), for runs scored with
    ``scoring.coref=true``; "not predicted" where the extractor gave none."""
    rows = []
    for run in runs:
        if "coreference" not in run.scores:
            continue
        row = {"run": run.label}
        coref = run.scores["coreference"]
        for setting in ("within_document/with_singletons", "cross_document/with_singletons",
                        "cross_document/without_singletons"):
            row[f"CoNLL F1 {setting}"] = (f"{100 * coref[setting]['conll_f1']:.1f}" if isinstance(coref, dict)
                                          else "not predicted")
        for name, entry in run.scores["attributes"].items():
            row[f"{name} acc."] = (f"{100 * entry['exact']['accuracy']:.1f}" if isinstance(entry, dict)
                                   else "not predicted")
        rows.append(row)
    return pd.DataFrame(rows).set_index("run") if rows else None


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """F1 with its interval in one cell: ``61.2 [55.0-66.1]``."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        level, metric = column.rsplit(" ", 1)
        if metric in ("low", "high"):
            continue
        if metric == "F1":
            out[column] = [f"{f:.1f} [{lo:.1f}-{hi:.1f}]" for f, lo, hi in
                           zip(frame[column], frame[f"{column} low"], frame[f"{column} high"])]
        else:
            out[column] = frame[column].map(lambda v: f"{v:.1f}")
    return out


def significance_frame(runs: list[Run], gold: list[EventMention], documents: dict[str, Document],
                       mode: str = "exact", samples: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """Paired bootstrap over sentences for every pair of runs and level: F1 difference, p-value, and the
    p-value adjusted for the many comparisons of this span mode (Benjamini-Hochberg, ``p_adj``)."""
    from scipy.stats import false_discovery_control

    counts = {(run.label, level): unit_counts(gold, run.predictions, documents, level=level, mode=mode)
              for run in runs for level in LEVELS}
    pairs = list(combinations(runs, 2))
    tests = iter(paired_bootstraps([(counts[(a.label, level)], counts[(b.label, level)])
                                    for a, b in pairs for level in LEVELS], samples, seed))
    rows = []
    for a, b in pairs:
        row = {"A": a.label, "B": b.label}
        for level, test in zip(LEVELS, tests):
            row |= {f"{level} ΔF1": 100 * test["delta_f1"], f"{level} p": test["p_value"]}
        rows.append(row)
    frame = pd.DataFrame(rows)
    p_columns = [f"{level} p" for level in LEVELS]
    if len(frame):
        adjusted = false_discovery_control(frame[p_columns].to_numpy().ravel(), method="bh")
        for i, column in enumerate(p_columns):
            frame.insert(frame.columns.get_loc(column) + 1, f"{column}_adj", adjusted.reshape(len(frame), -1)[:, i])
    return frame


def per_type_frame(runs: list[Run], gold: list[EventMention], documents: dict[str, Document], level: str = "TC",
                   mode: str = "exact") -> pd.DataFrame:
    """One row per event type (most gold first): its gold count (triggers for TC, arguments for AC) and each
    run's F1 with a bootstrap interval of that type alone, drawn as the run's own intervals were (samples,
    seed, confidence from its scores) over the sentences where the type occurs in the gold or the prediction
    (elsewhere a sentence adds nothing to the type's counts; resampling it would only add empty resamples
    scored 0); percent. Types only predicted have a gold count of 0."""
    entries = [run.scores["per_type"][mode][level] for run in runs]
    types = {t for e in entries for t, c in e.items() if c["tp"] + c["fp"] + c["fn"]}
    gold_count = {t: next((e[t]["tp"] + e[t]["fn"] for e in entries if t in e), 0) for t in types}
    order = sorted(types, key=lambda t: (-gold_count[t], t))
    frame = pd.DataFrame({"gold": [gold_count[t] for t in order]}, index=pd.Index(order, name="type"))
    for run, entry in zip(runs, entries):
        settings = run.scores.get("settings", {})
        f1, low, high = [], [], []
        for t in order:
            counts = unit_counts([m for m in gold if m.type == t], [m for m in run.predictions if m.type == t],
                                 documents, level=level, mode=mode)
            counts = counts[counts.sum(axis=1) > 0]
            [interval] = bootstrap_intervals([counts], settings.get("bootstrap_samples", 1000),
                                             settings.get("seed", 0), settings.get("confidence", 0.95))
            interval = interval.get("f1", [float("nan")] * 2)
            f1.append(100 * entry.get(t, {"f1": 0.0})["f1"])
            low.append(100 * interval[0])
            high.append(100 * interval[1])
        frame[f"{run.label} F1"], frame[f"{run.label} F1 low"], frame[f"{run.label} F1 high"] = f1, low, high
    return frame
