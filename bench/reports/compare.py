"""``python -m bench compare``: leaderboard, significance, plots and HTML reports of several runs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from bench.corpus import data_fingerprint, load_data
from bench.progress import progress
from bench.reports import plots
from bench.reports.comparison_page import ComparisonTables, comparison_report
from bench.reports.latex import leaderboard_latex
from bench.reports.leaderboard import (CORRECTION, argument_mode_frame, confidence_text, coref_attribute_frame,
                                      leaderboard_frame, per_type_frame, readable, significance_frame,
                                      split_frame)
from bench.reports.run_page import run_report
from bench.reports.runs import Run, latest_runs, load_runs, sweep_runs
from bench.results import rename_into_place, staged_result
from bench.schema import Document, EventMention


def compare(folders: list[Path], results_dir: Path, data_cfg, out_dir: Path | None = None,
            samples: int = 10_000, sweep: str | None = None,
            show_progress: bool = True) -> tuple[Path, str, list[str]]:
    """Write the comparison of ``folders`` (default: the latest run of each name on ``data_cfg``, or every
    run of ``sweep``; "latest" for the most recent sweep); return its folder, the Markdown leaderboard
    and a line for each run left out. Only runs scored on the same documents and gold are compared;
    ``show_progress``: a bar for the run pages and plots (on a terminal).

    The folder is staged and renamed when complete (``results/comparisons/<timestamp>`` by default,
    with a suffix if that is taken); ``out_dir`` is replaced only when it is given and complete."""
    documents, gold_by_doc = load_data(data_cfg)
    gold = [m for d in sorted(gold_by_doc) for m in gold_by_doc[d]]
    fingerprint = data_fingerprint({d: documents[d] for d in gold_by_doc}, gold)
    left_out: list[str] = []
    if sweep:
        folders = sweep_runs(results_dir, None if sweep == "latest" else sweep)
    if not folders:
        folders, left_out = latest_runs(results_dir, fingerprint)
    runs = load_runs(folders, documents, fingerprint)
    with staged_result(results_dir, "comparisons") as staging:
        leaderboard_md = _write_comparison(runs, gold, documents, staging, samples, show_progress)
        if out_dir is None:
            out = rename_into_place(staging)
        else:
            if out_dir.exists():
                shutil.rmtree(out_dir)      # the caller checked that it is empty or that --force was given
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            out = Path(shutil.move(str(staging), str(out_dir)))
    return out, leaderboard_md, left_out


def _write_comparison(runs: list[Run], gold: list[EventMention], documents: dict[str, Document], out: Path,
                      samples: int, show_progress: bool) -> str:
    (out / "plots").mkdir()
    (out / "reports").mkdir()
    markdown = []
    confidence = confidence_text(runs)
    for mode in ("exact", "lenient"):
        frame = leaderboard_frame(runs, mode)
        frame.to_csv(out / f"leaderboard_{mode}.csv", float_format="%.2f")
        (out / f"leaderboard_{mode}.tex").write_text(leaderboard_latex(frame, runs, mode), encoding="utf-8")
        shown = readable(frame)
        f1_only = shown[[c for c in shown.columns if c.endswith(" F1")]]
        markdown.append(f"**{mode} spans**: F1 (%) with {confidence} bootstrap interval\n\n" + f1_only.to_markdown())
    by_split = split_frame(runs)
    if by_split is not None:
        by_split.to_csv(out / "leaderboard_splits.csv", float_format="%.2f")
        markdown.append("**By split** (exact spans): F1 (%) on each test split, and the gap between them\n\n"
                        + by_split.to_markdown(floatfmt=".1f"))
    by_argument_mode = argument_mode_frame(runs)
    if by_argument_mode is not None:
        by_argument_mode.to_csv(out / "leaderboard_argument_modes.csv", float_format="%.2f")
        markdown.append("**Argument matching modes**: argument F1 (%) with exact or lenient spans, by head word, "
                        "and by any mention of the gold argument's entity\n\n"
                        + by_argument_mode.to_markdown(floatfmt=".1f", missingval="-"))
    extras = coref_attribute_frame(runs)
    if extras is not None:
        extras.to_csv(out / "coref_attributes.csv")
        markdown.append("**Event coreference and attributes** (scoring.coref=true; CoNLL F1 and accuracy over "
                        "triggers matched by span, %)\n\n" + extras.to_markdown())
    leaderboard_md = "\n\n".join(markdown) + "\n"
    significance = None
    if len(runs) > 1:
        frames = [significance_frame(runs, gold, documents, mode, samples) for mode in ("exact", "lenient")]
        significance = pd.concat([f.assign(spans=mode) for f, mode in zip(frames, ("exact", "lenient"))])
        significance.to_csv(out / "significance.csv", index=False, float_format="%.4f")
        long = significance.melt(id_vars=["spans", "A", "B"])
        long[["level", "figure"]] = long["variable"].str.rsplit(" ", n=1, expand=True)
        table = long.pivot_table(index=["spans", "A", "B", "level"], columns="figure", values="value", sort=False)
        leaderboard_md += ("\n**Paired bootstrap over sentences** (ΔF1 = A - B in points, two-sided p, "
                           f"{samples:,} resamples; p_adj: {CORRECTION} over the tests of each span mode)\n\n"
                           + table.reset_index().to_markdown(index=False, floatfmt=".4f") + "\n")
    (out / "leaderboard.md").write_text(leaderboard_md, encoding="utf-8")
    per_type = {level: per_type_frame(runs, gold, documents, level) for level in ("TC", "AC")}
    drawn = [plots.per_type_f1(frame, runs, out / "plots", level) for level, frame in per_type.items()]
    drawn.append(plots.precision_recall(runs, out / "plots"))
    if by_split is not None:
        drawn.append(plots.split_f1(runs, out / "plots"))
    for run in progress(runs, len(runs), "run pages and plots", "run", show_progress):
        drawn.append(plots.type_confusion(run, gold, documents, out / "plots"))
        (out / "reports" / f"{run.key}.html").write_text(run_report(run, gold, documents), encoding="utf-8")
    tables = ComparisonTables(significance, per_type, by_split, extras, samples,
                              [path for paths in drawn for path in paths if path.suffix == ".svg"])
    (out / "report.html").write_text(comparison_report(runs, tables), encoding="utf-8")
    return leaderboard_md
