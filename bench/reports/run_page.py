"""The per-run HTML page: scores, indexes of documents and event types, and every sentence with an
event, gold above prediction, each trigger and argument marked by status and labelled in the text,
then a table pairing gold and predicted mentions by trigger span with a status for every argument."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape

from bench.reports.html import (COUNTS_HEADER, anchor, coref_attribute_tables, counts_row, folder_name,
                                levels_table, page, pct, section, table)
from bench.reports.runs import Run
from bench.schema import Document, EventMention
from bench.scoring import match_status

LEGEND = """<div class="legend" id="legend"><strong>Legend.</strong> Triggers (background):
<span class="key t-correct">correct</span> <span class="key t-wrong-type">right span, wrong type</span>
<span class="key t-missed">missed (gold only)</span> <span class="key t-spurious">spurious (prediction only)</span>
Arguments (underline): <span class="key a-correct">correct</span> <span class="key a-wrong-role">wrong role</span>
<span class="key a-missed">missed</span> <span class="key a-spurious">spurious</span>.
Each mark is followed by its event type or role. Matching: exact character offsets; a predicted mention is
paired with the gold mention whose trigger has the same span.</div>"""


@dataclass
class Item:
    """One gold or predicted mention with the status of its trigger and of each argument."""
    side: str
    number: int
    mention: EventMention
    status: str
    argument_status: list[str]
    ident: str


def _items(run: Run, gold: list[EventMention], predictions: list[EventMention],
           documents: dict[str, Document]) -> dict[str, list[Item]]:
    """Gold and predicted items of every document, numbered per side in input order."""
    status = match_status(gold, predictions, documents)
    per_doc: dict[str, list[Item]] = {}
    for side, mentions in (("gold", gold), ("pred", predictions)):
        arguments = iter(status[f"{side}_argument"])
        for number, (m, state) in enumerate(zip(mentions, status[f"{side}_trigger"]), 1):
            ident = anchor("m", m.doc_id, side, str(number))
            per_doc.setdefault(m.doc_id, []).append(Item(side, number, m, state,
                                                         [next(arguments) for _ in m.arguments], ident))
    return per_doc


def _marked_text(doc: Document, start: int, end: int, items: list[Item]) -> str:
    """The text between ``start`` and ``end`` with one side's marks: triggers as a background, arguments
    underlined, each followed by a small label (type or role) in the status colour."""
    marks = []
    for item in items:
        t = item.mention.trigger
        if t.aligned:
            marks.append((t.start, t.end, f"t-{item.status}", item.mention.type, item.ident))
        for a, state in zip(item.mention.arguments, item.argument_status):
            if a.span.aligned:
                marks.append((a.span.start, a.span.end, f"a-{state}", a.role, item.ident))
    marks = [(max(s, start), min(e, end), *rest) for s, e, *rest in marks if s < end and e > start]
    cuts = sorted({start, end} | {s for s, *_ in marks} | {e for _, e, *_ in marks})
    pieces = []
    for left, right in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m[0] <= left and right <= m[1]]
        chunk = escape(doc.text[left:right])
        if covering:
            classes = " ".join(sorted({m[2] for m in covering}))
            chunk = f'<a class="seg {classes}" href="#{covering[0][4]}">{chunk}</a>'
        pieces.append(chunk)
        ending = sorted((m for m in marks if m[1] == right), key=lambda m: -m[0])
        pieces += [f'<span class="tag {m[2]}">{escape(m[3])}</span>' for m in ending]
    return "".join(pieces)


def _event_cell(item: Item | None) -> str:
    if item is None:
        return ""
    m = item.mention
    found = "" if m.trigger.aligned else ' <span class="note">(not found in the text)</span>'
    args = "".join(f'<li><span class="role">{escape(a.role)}</span> «{escape(a.span.text)}» '
                   f'<span class="status a-{state}">{state}</span></li>'
                   for a, state in zip(m.arguments, item.argument_status))
    return (f'<div id="{item.ident}"><span class="num">{"gold" if item.side == "gold" else "pred."} '
            f'{item.number}</span> <b>{escape(m.type)}</b> «{escape(m.trigger.text)}»{found} '
            f'<span class="status t-{item.status}">{item.status}</span><ul class="args">{args}</ul></div>')


def _pairs(items: list[Item]) -> list[tuple[Item | None, Item | None]]:
    """Gold and predicted items paired by identical trigger span (first free partner), then the rest."""
    free = [i for i in items if i.side == "pred"]
    pairs = []
    for g in (i for i in items if i.side == "gold"):
        span = (g.mention.trigger.start, g.mention.trigger.end)
        partner = next((p for p in free if g.mention.trigger.aligned
                        and (p.mention.trigger.start, p.mention.trigger.end) == span), None)
        if partner:
            free.remove(partner)
        pairs.append((g, partner))
    return pairs + [(None, p) for p in free]


def _sentence_blocks(doc: Document, items: list[Item]) -> str:
    """Each sentence with a mention: gold and predicted text, then the paired mentions."""
    by_sentence: dict[int, list[Item]] = {}
    for item in items:
        t = item.mention.trigger
        by_sentence.setdefault(doc.sentence_index(t.start) if t.aligned else -1, []).append(item)
    blocks = []
    for index in sorted(by_sentence, key=lambda i: (i < 0, i)):
        group = by_sentence[index]
        if index < 0:
            text_rows = '<p class="note">Triggers not found in the text:</p>'
        else:
            s = doc.sentences[index]
            text_rows = "".join(
                f'<tr class="{side}"><th>{name}</th><td class="doc-text">'
                f'{_marked_text(doc, s.start, s.end, [i for i in group if i.side == side])}</td></tr>'
                for side, name in (("gold", "gold"), ("pred", "predicted")))
            text_rows = f'<table class="pair">{text_rows}</table>'
        rows = "".join(f'<tr><td class="text">{_event_cell(g)}</td><td class="text">{_event_cell(p)}</td></tr>'
                       for g, p in _pairs(group))
        number = "" if index < 0 else f"sentence {index + 1}"
        blocks.append(f'<div class="sentence" id="{anchor("s", doc.id, str(index))}"><p class="num">{number}</p>'
                      f'{text_rows}<table class="mentions"><thead><tr><th>gold</th><th>predicted</th></tr></thead>'
                      f'<tbody>{rows}</tbody></table></div>')
    return "".join(blocks)


def _type_table(run: Run, mode: str = "exact") -> str:
    per_type = run.scores["per_type"][mode]
    types = sorted({t for level in ("TC", "AC") for t, e in per_type.get(level, {}).items()
                    if e["tp"] + e["fp"] + e["fn"]})
    empty = {"precision": 0, "recall": 0, "f1": 0, "tp": 0, "fp": 0, "fn": 0}
    tc, ac = per_type.get("TC", {}), per_type.get("AC", {})
    rows = [[escape(t), str(tc.get(t, empty)["tp"] + tc.get(t, empty)["fn"]), *counts_row(tc.get(t, empty)),
             *counts_row(ac.get(t, empty))] for t in types]
    return table(["type", "gold"] + [f"TC {h}" for h in COUNTS_HEADER] + [f"AC {h}" for h in COUNTS_HEADER], rows)


def _role_table(run: Run, mode: str = "exact") -> str:
    roles = run.scores.get("per_role", {}).get(mode, {}).get("AC", {})
    rows = [[escape(r), str(e["tp"] + e["fn"]), *counts_row(e)] for r, e in sorted(roles.items())
            if e["tp"] + e["fp"] + e["fn"]]
    return table(["role", "gold"] + COUNTS_HEADER, rows)


def _document_index(run: Run, per_doc: dict[str, list[Item]], doc_ids: list[str]) -> str:
    tc, ac = run.scores["per_document"]["exact"]["TC"], run.scores["per_document"]["exact"]["AC"]
    rows = []
    for d in doc_ids:
        sides = Counter(i.side for i in per_doc.get(d, []))
        rows.append([f'<a href="#{anchor("doc", d)}">{escape(d)}</a>', str(sides["gold"]), str(sides["pred"]),
                     pct(tc[d]["f1"]) if d in tc else "", pct(ac[d]["f1"]) if d in ac else ""])
    return table(["document", "gold mentions", "predicted", "TC F1", "AC F1"], rows)


def _type_index(per_doc: dict[str, list[Item]]) -> str:
    by_type: dict[str, list[Item]] = {}
    for items in per_doc.values():
        for item in items:
            by_type.setdefault(item.mention.type, []).append(item)
    rows = []
    for t, items in sorted(by_type.items()):
        links = {side: " ".join(f'<a href="#{i.ident}" title="{escape(i.mention.doc_id, quote=True)}: '
                                f'{escape(i.mention.trigger.text, quote=True)}">{i.number}</a>'
                                for i in items if i.side == side) for side in ("gold", "pred")}
        count = Counter(i.side for i in items)
        correct = sum(i.side == "gold" and i.status == "correct" for i in items)
        rows.append([escape(t), str(count["gold"]), str(count["pred"]), str(correct),
                     f'<details><summary>mentions</summary><p class="links">gold: {links["gold"] or "none"}</p>'
                     f'<p class="links">predicted: {links["pred"] or "none"}</p></details>'])
    return table(["type", "gold", "predicted", "correct (gold)", "links to each mention"], rows, "index")


def run_report(run: Run, gold: list[EventMention], documents: dict[str, Document]) -> str:
    doc_ids = sorted({m.doc_id for m in gold})
    predictions = [m for m in run.predictions if m.doc_id in set(doc_ids)]
    per_doc = _items(run, gold, predictions, documents)
    sections = [section("scores", "Scores", levels_table(run)),
                section("per-type", "Per event type (exact spans)", _type_table(run)),
                section("per-role", "Per role (AC, exact spans)", _role_table(run))]
    contents = [("scores", "Scores"), ("per-type", "Per event type"), ("per-role", "Per role")]
    extras = coref_attribute_tables(run)
    if extras:
        sections.append(section("coref-attributes", "Attributes and coreference", extras))
        contents.append(("coref-attributes", "Attributes and coreference"))
    sections += [section("documents", "Documents", _document_index(run, per_doc, doc_ids)),
                 section("types", "Event types", _type_index(per_doc)), LEGEND]
    contents += [("documents", "Documents"), ("types", "Event types"), ("legend", "Legend")]
    sections += [section(anchor("doc", d), d, _sentence_blocks(documents[d], per_doc.get(d, []))) for d in doc_ids]
    return page(f"bench report: {run.label}", f"result folder {folder_name(run)}", contents, sections)
