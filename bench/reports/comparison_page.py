"""The comparison HTML page: the leaderboard (exact and lenient, intervals, best marked), the paired
tests as matrices, per-type F1 of every run, F1 by split, the plots, and links to each run's page."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd

from bench.reports.html import folder_name, page, pct, section, table
from bench.reports.leaderboard import CORRECTION, confidence_text, significance_level
from bench.reports.runs import Run


@dataclass
class ComparisonTables:
    """What the page shows, as compare computed it (percent figures)."""
    significance: pd.DataFrame | None          # significance_frame rows of both modes, with a "spans" column
    per_type: dict[str, pd.DataFrame]          # level -> per_type_frame
    splits: pd.DataFrame | None = None
    extras: pd.DataFrame | None = None
    samples: int = 0
    plots: list[Path] = field(default_factory=list)   # SVG files to embed


def _run_link(run: Run) -> str:
    overrides = " ".join(run.info.get("overrides", [])) or "no overrides"
    return (f'<a href="reports/{escape(run.key, quote=True)}.html" title="{escape(overrides, quote=True)}">'
            f"{escape(run.label)}</a>")


def _leaderboard(runs: list[Run]) -> str:
    """One row per run; per level, exact and lenient F1 with its interval (P and R on hover, and in the
    CSV files); the best F1 of each column in bold on green."""
    modes = [m for m in ("exact", "lenient") if all(m in run.scores["levels"] for run in runs)]
    levels = list(runs[0].scores["levels"][modes[0]]) if runs and modes else []
    columns = [(level, mode) for level in levels for mode in modes]
    best = {c: max(run.scores["levels"][c[1]][c[0]]["f1"] for run in runs) for c in columns}
    head = ('<tr><th rowspan="2">run</th>' + "".join(f'<th colspan="{len(modes)}">{level}</th>' for level in levels)
            + "</tr><tr>" + "".join(f"<th>{mode}</th>" for _, mode in columns) + "</tr>")
    rows = []
    for run in runs:
        cells = [f'<td class="label">{_run_link(run)}</td>']
        for level, mode in columns:
            entry = run.scores["levels"][mode][level]
            mark = ' class="best"' if entry["f1"] == best[(level, mode)] else ""
            low, high = entry.get("ci", {}).get("f1", (None, None))
            ci = "" if low is None else f"<br><span class=\"ci\">[{pct(low)}–{pct(high)}]</span>"
            cells.append(f'<td{mark} title="P {pct(entry["precision"])}, R {pct(entry["recall"])}">'
                         f'{pct(entry["f1"])}{ci}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = (f"<p class=\"note\">F1 (%) with its {escape(confidence_text(runs))} bootstrap interval over sentences, "
            "the best F1 of each column is marked. Hover a cell for precision and recall, a run for its overrides; "
            "the CSV and LaTeX files beside this page hold P, R and F1 of every level.</p>")
    return f'<table class="leaderboard"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>{note}'


def _runs_table(runs: list[Run]) -> str:
    rows = [[_run_link(run), escape(run.scores.get("data", {}).get("fingerprint", "")[:12]),
             escape(str(run.info.get("extractor", run.config.get("extractor", {}).get("_target_", "")))),
             f'<span class="text">{escape(" ".join(run.info.get("overrides", [])))}</span>',
             escape(folder_name(run))] for run in runs]
    return table(["run (its page)", "data", "extractor", "overrides", "result folder"], rows, "runs")


def _significance(runs: list[Run], tables: ComparisonTables) -> str:
    """Per span mode and level, a matrix of ΔF1 = row - column with its adjusted p."""
    frame, alpha = tables.significance, significance_level(runs)
    labels = [run.label for run in runs]
    levels = [c.rsplit(" ", 1)[0] for c in frame.columns if c.endswith(" ΔF1")]
    per_mode = len(frame) // frame["spans"].nunique() * len(levels)
    parts = [f"<p class=\"note\">Paired bootstrap over sentences ({tables.samples:,} resamples): each cell is "
             f"ΔF1 = row − column in F1 points and the two-sided p-value adjusted for the {per_mode} "
             f"tests of each span mode ({CORRECTION}, false discovery rate); the unadjusted p is on hover. "
             f"Marked cells: adjusted p &lt; {alpha:g}.</p>"]
    for mode, rows in frame.groupby("spans", sort=False):
        grids = []
        for level in levels:
            cells = {}
            for _, r in rows.iterrows():
                delta, p, p_adj = r[f"{level} ΔF1"], r[f"{level} p"], r[f"{level} p_adj"]
                cells[(r["A"], r["B"])], cells[(r["B"], r["A"])] = (delta, p, p_adj), (-delta, p, p_adj)
            body = []
            for a in labels:
                row = [f'<td class="label">{escape(a)}</td>']
                for b in labels:
                    if (a, b) not in cells:
                        row.append('<td class="diagonal">–</td>')
                        continue
                    delta, p, p_adj = cells[(a, b)]
                    mark = ' class="significant"' if p_adj < alpha else ""
                    row.append(f'<td{mark} title="unadjusted p = {p:.4f}">{delta:+.1f}<br>'
                               f'<span class="ci">p = {p_adj:.3f}</span></td>')
                body.append("<tr>" + "".join(row) + "</tr>")
            head = "<tr><th>" + level + "</th>" + "".join(f"<th>{escape(b)}</th>" for b in labels) + "</tr>"
            grids.append(f'<table class="matrix"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>')
        parts.append(f"<h3>{escape(mode)} spans</h3><div class=\"grids\">{''.join(grids)}</div>")
    return "".join(parts)


def _per_type(runs: list[Run], tables: ComparisonTables) -> str:
    parts = []
    for level, frame in tables.per_type.items():
        header = ["type", "gold"] + [escape(run.label) for run in runs]
        rows = []
        for t, row in frame.iterrows():
            values = [row[f"{run.label} F1"] for run in runs]
            cells = []
            for run, value in zip(runs, values):
                low, high = row[f"{run.label} F1 low"], row[f"{run.label} F1 high"]
                ci = "" if pd.isna(low) else f' <span class="ci">[{low:.1f}–{high:.1f}]</span>'
                best = ' class="best"' if len(runs) > 1 and value == max(values) and value > 0 else ""
                cells.append(f"<span{best}>{value:.1f}</span>{ci}")
            rows.append([escape(str(t)), str(int(row["gold"])), *cells])
        unit = "triggers" if level in ("TI", "TC") else "arguments"
        parts.append(f"<h3>{level} F1 per event type (exact spans; gold: {unit})</h3>" + table(header, rows))
    return "".join(parts)


def _plots(paths: list[Path]) -> str:
    """Each SVG inlined as a data URI (an image, so the page stays one file and no plot text is markup), at the
    size the SVG gives in points, so that the page's layout does not wait for the images."""
    figures = []
    for path in paths:
        svg = path.read_bytes()
        size = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"', svg)
        width, height = (round(float(v) * 4 / 3) for v in size.groups())
        figures.append(f'<figure><img class="plot" alt="{escape(path.stem, quote=True)}" width="{width}" '
                       f'height="{height}" src="data:image/svg+xml;base64,{base64.b64encode(svg).decode("ascii")}">'
                       "</figure>")
    return "".join(figures)


def comparison_report(runs: list[Run], tables: ComparisonTables) -> str:
    contents = [("leaderboard", "Leaderboard"), ("runs", "Runs")]
    sections = [section("leaderboard", "Leaderboard", _leaderboard(runs)),
                section("runs", "Runs", _runs_table(runs))]
    if tables.significance is not None and len(tables.significance):
        sections.append(section("significance", "Paired tests", _significance(runs, tables)))
        contents.append(("significance", "Paired tests"))
    sections.append(section("per-type", "Per event type", _per_type(runs, tables)))
    contents.append(("per-type", "Per event type"))
    if tables.splits is not None:
        split_table = tables.splits.reset_index().to_html(border=0, index=False, float_format="%.1f")
        sections.append(section("splits", "By split", "<p class=\"note\">F1 (%, exact spans) on each test split "
                                f"and the gap between them.</p>{split_table}"))
        contents.append(("splits", "By split"))
    if tables.extras is not None:
        extras_table = tables.extras.reset_index().to_html(border=0, index=False)
        sections.append(section("coref-attributes", "Coreference and attributes", extras_table))
        contents.append(("coref-attributes", "Coreference and attributes"))
    sections.append(section("plots", "Plots", _plots(tables.plots)))
    contents.append(("plots", "Plots"))
    subtitle = f"{len(runs)} runs on the same documents and gold: " + ", ".join(r.label for r in runs)
    return page("bench comparison", subtitle, contents, sections, wide=True)

