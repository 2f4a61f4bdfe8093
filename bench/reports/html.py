"""HTML pages: the parts both pages share (the template, tables of scores, anchors).

Each page is one self-contained file (no scripts, no external assets). All document and
model text is escaped: predictions and run labels are data, never markup.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from string import Template

from bench.reports.runs import Run

TEMPLATE = Template((Path(__file__).parent / "templates" / "report.html").read_text(encoding="utf-8"))
TOP = '<a class="top" href="#top">top</a>'


def anchor(*parts: str) -> str:
    """An HTML id from names and ids: only letters, digits, '-' and '_'."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", "-".join(parts))


def page(title: str, subtitle: str, contents: list[tuple[str, str]], sections: list[str], wide: bool = False) -> str:
    """A page from escaped ``sections``; ``contents`` are (anchor, name) pairs for the list at the top."""
    nav = " · ".join(f'<a href="#{ident}">{escape(name)}</a>' for ident, name in contents)
    return TEMPLATE.substitute(title=escape(title), subtitle=escape(subtitle), nav=nav, body="\n".join(sections),
                               width="96rem" if wide else "64rem")


def section(ident: str, heading: str, body: str) -> str:
    return f'<section id="{ident}"><h2>{escape(heading)} {TOP}</h2>\n{body}</section>'


def table(header: list[str], rows: list[list[str]], css: str = "") -> str:
    """A table of cells that are already HTML (escape text before)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def folder_name(run: Run) -> str:
    """A run's result folder as named under the results folder (``NAME/TIMESTAMP``): the page does not depend
    on where the results were kept."""
    return f"{run.folder.parent.name}/{run.folder.name}"


def pct(value: float) -> str:
    return f"{100 * value:.1f}"


def interval(entry: dict) -> str:
    low, high = entry.get("ci", {}).get("f1", (None, None))
    return "" if low is None else f'<span class="ci">[{pct(low)}–{pct(high)}]</span>'


def counts_row(entry: dict) -> list[str]:
    return [pct(entry["precision"]), pct(entry["recall"]), pct(entry["f1"]),
            str(entry["tp"]), str(entry["fp"]), str(entry["fn"])]


COUNTS_HEADER = ["P", "R", "F1", "tp", "fp", "fn"]


def levels_table(run: Run) -> str:
    """P, R, F1 with its interval, tp, fp, fn per level, exact and lenient side by side."""
    levels = run.scores["levels"]
    modes = [m for m in ("exact", "lenient") if m in levels]
    header = ["level"] + [f"{m} {h}" for m in modes for h in ("P", "R", "F1", "tp", "fp", "fn")]
    rows = []
    for level in levels[modes[0]] if modes else []:
        cells = [level]
        for mode in modes:
            entry = levels[mode][level]
            row = counts_row(entry)
            row[2] = f"<strong>{row[2]}</strong> {interval(entry)}"
            cells += row
        rows.append(cells)
    return table(header, rows, "scores")


def coref_attribute_tables(run: Run) -> str:
    """Attributes (accuracy over triggers matched by span) and coreference (CoNLL F1 and its parts),
    when the run was scored with ``scoring.coref=true``; empty otherwise."""
    parts = []
    attributes = run.scores.get("attributes")
    if attributes:
        rows = [[escape(name), *(["not predicted"] * 3 if not isinstance(entry, dict) else
                                 [pct(entry["exact"]["accuracy"]), pct(entry["exact"]["macro_f1"]),
                                  pct(entry["exact"]["tc_plus_attribute"]["f1"])])]
                for name, entry in attributes.items()]
        parts.append("<h3>Attributes (exact spans)</h3>"
                     + table(["attribute", "accuracy", "macro F1", "TC + attribute F1"], rows))
    coref = run.scores.get("coreference")
    if isinstance(coref, dict):
        metrics = ["muc", "b3", "ceafe", "blanc", "lea"]
        rows = [[escape(setting), f"<strong>{pct(entry['conll_f1'])}</strong>",
                 *(pct(entry[m]["f1"]) for m in metrics)] for setting, entry in coref.items()]
        parts.append("<h3>Event coreference (F1, %)</h3>" + table(["setting", "CoNLL F1", *metrics], rows))
    elif coref:
        parts.append(f"<h3>Event coreference</h3><p>{escape(str(coref))}</p>")
    return "".join(parts)
