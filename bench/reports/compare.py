"""``python -m bench compare``: leaderboard, significance, plots and HTML reports of several runs."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from bench.reports import html, plots
from bench.reports.leaderboard import coref_attribute_frame, leaderboard_frame, readable, significance_frame
from bench.reports.runs import latest_runs, load_runs, sweep_runs


def compare(folders: list[Path], results_dir: Path, data_cfg, out_dir: Path | None = None,
            samples: int = 10_000, sweep: str | None = None) -> tuple[Path, str]:
    """Write the comparison of ``folders`` (default: the latest run of each name on ``data_cfg``, or every
    run of ``sweep``; "latest" for the most recent sweep); return its folder and the Markdown leaderboard."""
    if sweep:
        folders = sweep_runs(results_dir, None if sweep == "latest" else sweep)
    runs, documents, gold_by_doc = load_runs(folders or latest_runs(results_dir, data_cfg), data_cfg)
    gold = [m for d in sorted(gold_by_doc) for m in gold_by_doc[d]]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d_%H-%M-%S")
    out = out_dir or results_dir / "comparisons" / stamp
    (out / "plots").mkdir(parents=True, exist_ok=True)
    (out / "reports").mkdir(exist_ok=True)
    markdown = []
    for mode in ("exact", "lenient"):
        frame = leaderboard_frame(runs, mode)
        frame.to_csv(out / f"leaderboard_{mode}.csv", float_format="%.2f")
        shown = readable(frame)
        shown.to_latex(out / f"leaderboard_{mode}.tex", caption=f"Event extraction on the bench gold "
                       f"({mode} spans): P, R, F1 (%) with 95% bootstrap intervals.", label=f"tab:bench-{mode}")
        f1_only = shown[[c for c in shown.columns if c.endswith(" F1")]]
        markdown.append(f"**{mode} spans**: F1 (%) with 95% bootstrap interval\n\n" + f1_only.to_markdown())
    extras = coref_attribute_frame(runs)
    if extras is not None:
        extras.to_csv(out / "coref_attributes.csv")
        markdown.append("**Event coreference and attributes** (scoring.coref=true; CoNLL F1 and accuracy over "
                        "triggers matched by span, %)\n\n" + extras.to_markdown())
    leaderboard_md = "\n\n".join(markdown) + "\n"
    if len(runs) > 1:
        frames = [significance_frame(runs, gold, documents, mode, samples=samples) for mode in ("exact", "lenient")]
        significance = pd.concat([f.assign(spans=mode) for f, mode in zip(frames, ("exact", "lenient"))])
        significance.to_csv(out / "significance.csv", index=False, float_format="%.4f")
        long = significance.melt(id_vars=["spans", "A", "B"])
        long[["level", "figure"]] = long["variable"].str.rsplit(" ", n=1, expand=True)
        table = long.pivot_table(index=["spans", "A", "B", "level"], columns="figure", values="value", sort=False)
        leaderboard_md += ("\n**Paired bootstrap over sentences** (ΔF1 = A - B in points, two-sided p, "
                           f"{samples:,} resamples)\n\n" + table.reset_index().to_markdown(index=False, floatfmt=".4f")
                           + "\n")
    (out / "leaderboard.md").write_text(leaderboard_md, encoding="utf-8")
    plots.per_type_f1(runs, out / "plots")
    plots.per_type_f1(runs, out / "plots", level="AC")
    plots.precision_recall(runs, out / "plots")
    for run in runs:
        plots.type_confusion(run, gold, documents, out / "plots")
        (out / "reports" / f"{run.name}.html").write_text(html.run_report(run, gold, documents), encoding="utf-8")
    board_html = readable(leaderboard_frame(runs, "exact")).to_html(border=0)
    (out / "report.html").write_text(html.comparison_report(runs, gold, documents, board_html), encoding="utf-8")
    return out, leaderboard_md
