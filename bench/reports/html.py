"""HTML reports: each document's text with gold and predicted triggers and arguments marked.

The page is one self-contained file (no scripts, no external assets). All document and
model text is escaped: predictions are data, never markup.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from string import Template

import pandas as pd

from bench.reports.runs import Run
from bench.schema import Document, EventMention
from bench.scoring import match_status

def _anchor(*parts: str) -> str:
    """An HTML id from names and ids: only letters, digits, '-' and '_'."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", "-".join(parts))


TEMPLATE = Template((Path(__file__).parent / "templates" / "report.html").read_text(encoding="utf-8"))


def _marks(gold: list[EventMention], predictions: list[EventMention], status: dict[str, list[str]], prefix: str):
    """(start, end, css class, anchor id, tooltip) for every trigger and argument of one document."""
    marks = []
    for side, mentions in (("gold", gold), ("pred", predictions)):
        trigger_status = iter(status[f"{side}_trigger_doc"])
        argument_status = iter(status[f"{side}_argument_doc"])
        for i, m in enumerate(mentions):
            state = next(trigger_status)
            anchor = f"{prefix}-{side}-{i}"
            args = "; ".join(f"{a.role}: {a.span.text}" for a in m.arguments)
            if m.trigger.aligned:
                marks.append((m.trigger.start, m.trigger.end, f"t-{state}", anchor,
                              f"{side} {m.type} [{state}] {args}"))
            for a in m.arguments:
                arg_state = next(argument_status)
                if a.span.aligned:
                    marks.append((a.span.start, a.span.end, f"a-{arg_state}", None,
                                  f"{side} {a.role} of {m.type} '{m.trigger.text}' [{arg_state}]"))
    return marks


def _render_text(text: str, marks) -> str:
    """The text cut at every mark boundary; each piece carries the classes of the marks covering it."""
    cuts = sorted({0, len(text)} | {s for s, *_ in marks} | {e for _, e, *_ in marks})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        chunk = escape(text[start:end])
        if not covering:
            pieces.append(chunk)
            continue
        classes = " ".join(sorted({m[2] for m in covering}))
        tooltip = escape(" | ".join(m[4] for m in covering), quote=True)
        anchors = [m[3] for m in covering if m[3] and m[0] == start]
        ident = f' id="{anchors[0]}"' if anchors else ""
        link = next((m[3] for m in covering if m[3]), None)
        inner = f'<a href="#row-{link}">{chunk}</a>' if link else chunk
        pieces.append(f'<span class="seg {classes}"{ident} title="{tooltip}">{inner}</span>')
    return "".join(pieces)


def _mention_table(gold, predictions, status, prefix) -> str:
    rows = []
    for side, mentions in (("gold", gold), ("pred", predictions)):
        for i, (m, state) in enumerate(zip(mentions, status[f"{side}_trigger_doc"])):
            anchor = f"{prefix}-{side}-{i}"
            args = ", ".join(f"{escape(a.role)}: {escape(a.span.text)}" for a in m.arguments)
            rows.append(f'<tr id="row-{anchor}"><td><a href="#{anchor}">{side} {i + 1}</a></td>'
                        f'<td class="text">{escape(m.type)}</td><td class="text">{escape(m.trigger.text)}</td>'
                        f'<td class="status">{state}</td><td class="text">{args}</td></tr>')
    return ("<table><tr><th>mention</th><th>type</th><th>trigger</th><th>status</th><th>arguments</th></tr>"
            + "".join(rows) + "</table>")


def _split_status(status: dict[str, list[str]], gold, predictions, doc_ids) -> dict[str, dict[str, list[str]]]:
    """Per-document slices of the status lists (which follow the input order of the mentions)."""
    per_doc = {d: {} for d in doc_ids}
    for side, mentions in (("gold", gold), ("pred", predictions)):
        triggers, arguments = iter(status[f"{side}_trigger"]), iter(status[f"{side}_argument"])
        for d in doc_ids:
            per_doc[d].setdefault(f"{side}_trigger_doc", [])
            per_doc[d].setdefault(f"{side}_argument_doc", [])
        for m in mentions:
            per_doc[m.doc_id][f"{side}_trigger_doc"].append(next(triggers))
            per_doc[m.doc_id][f"{side}_argument_doc"] += [next(arguments) for _ in m.arguments]
    return per_doc


def _run_sections(run: Run, gold: list[EventMention], documents: dict[str, Document], heading: str) -> list[str]:
    doc_ids = sorted({m.doc_id for m in gold})
    predictions = [m for m in run.predictions if m.doc_id in set(doc_ids)]
    status = _split_status(match_status(gold, predictions, documents), gold, predictions, doc_ids)
    sections = []
    for d in doc_ids:
        doc_gold = [m for m in gold if m.doc_id == d]
        doc_pred = [m for m in predictions if m.doc_id == d]
        prefix = _anchor(run.key, d)
        marks = _marks(doc_gold, doc_pred, status[d], prefix)
        sections.append(f'<section id="{prefix}"><{heading}>{escape(d)}: {escape(run.label)}</{heading}>'
                        f'<div class="doc-text">{_render_text(documents[d].text, marks)}</div>'
                        f'<details><summary>mentions of {escape(d)}</summary>'
                        f'{_mention_table(doc_gold, doc_pred, status[d], prefix)}</details></section>')
    return sections


def _counts_frame(entries: dict[str, dict]) -> pd.DataFrame:
    rows = {key: {"P": 100 * e["precision"], "R": 100 * e["recall"], "F1": 100 * e["f1"],
                  "tp": int(e["tp"]), "fp": int(e["fp"]), "fn": int(e["fn"])} for key, e in entries.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["P", "R", "F1", "tp", "fp", "fn"])


def _tables(run: Run) -> str:
    scores = run.scores
    per_doc = pd.DataFrame({f'<a href="#{_anchor(run.key, d)}">{escape(d)}</a>':
                            {"TC F1": 100 * e["f1"], "AC F1": 100 * scores["per_document"]["exact"]["AC"][d]["f1"]}
                            for d, e in scores["per_document"]["exact"]["TC"].items()}).T
    fmt = {"float_format": lambda v: f"{v:.1f}", "escape": False, "border": 0}
    return (f"<h3>Scores (exact spans)</h3>{_counts_frame(scores['levels']['exact']).to_html(**fmt)}"
            f"<h3>Per event type (TC)</h3>"
            f"{_counts_frame(dict(sorted(scores['per_type']['exact']['TC'].items()))).to_html(**fmt)}"
            f"<h3>Per document</h3>{per_doc.to_html(**fmt)}")


def run_report(run: Run, gold: list[EventMention], documents: dict[str, Document]) -> str:
    body = _tables(run) + "".join(_run_sections(run, gold, documents, "h2"))
    return TEMPLATE.substitute(title=escape(f"bench report: {run.label}"),
                               subtitle=escape(f"result folder {run.folder}"), body=body)


def comparison_report(runs: list[Run], gold: list[EventMention], documents: dict[str, Document],
                      leaderboard_html: str) -> str:
    nav = " ".join(f'<a href="#{_anchor("run", run.key)}">{escape(run.label)}</a>' for run in runs)
    body = [f"<nav>Runs: {nav}</nav><h2>Leaderboard</h2>{leaderboard_html}"]
    for run in runs:
        body.append(f'<h2 id="{_anchor("run", run.key)}">{escape(run.label)}</h2>{_tables(run)}')
        body += _run_sections(run, gold, documents, "h3")
    return TEMPLATE.substitute(title="bench comparison", subtitle=escape(", ".join(r.label for r in runs)),
                               body="".join(body))
