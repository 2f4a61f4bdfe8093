"""The comparison page and a run's page, opened in a real browser (headless Chromium over DevTools):
what a reader sees is checked in the rendered page, and full-page screenshots are saved
(to $BENCH_SCREENSHOT_DIR when set)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_runs import Browser, run_and_compare, scores_of

pytestmark = pytest.mark.slow         # the module's runs and comparison take seconds

ALL = "(s => [...document.querySelectorAll(s)])"
BROKEN_ANCHORS = (f"{ALL}('a[href^=\"#\"]').filter(a => !document.getElementById(a.getAttribute('href').slice(1)))"
                  ".map(a => a.getAttribute('href'))")
SECTIONS_WITHOUT_TOP = f"{ALL}('section').filter(s => !s.querySelector('h2 a.top[href=\"#top\"]')).map(s => s.id)"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out, _ = run_and_compare(tmp_path_factory.mktemp("results"),
                             {"rules": ["extractor.window=12", "scoring.bootstrap_samples=100"],
                              "rules_narrow": ["extractor.window=3", "scoring.bootstrap_samples=100"]}, 200)
    return out


@pytest.fixture(scope="module")
def browser():
    opened = Browser()
    yield opened
    opened.close()


def screenshot(browser: Browser, name: str, tmp_path: Path) -> None:
    path = browser.screenshot(Path(os.environ.get("BENCH_SCREENSHOT_DIR", tmp_path)) / name)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height = int.from_bytes(path.read_bytes()[20:24], "big")          # the PNG header's height
    assert height == browser.evaluate("document.documentElement.scrollHeight") > 2000   # the whole page


def test_comparison_page_in_a_real_browser(comparison, browser, tmp_path):
    browser.open(comparison / "report.html")
    assert browser.evaluate("document.scripts.length") == 0
    assert browser.evaluate(BROKEN_ANCHORS) == [] and browser.evaluate(SECTIONS_WITHOUT_TOP) == []
    board = browser.evaluate(f"""({{
        rows: {ALL}('table.leaderboard tbody tr').length,
        levels: {ALL}('table.leaderboard thead tr:first-child th').slice(1).map(th => th.textContent),
        modes: {ALL}('table.leaderboard thead tr:nth-child(2) th').map(th => th.textContent),
        best: {ALL}('table.leaderboard td.best').length,
        lines: {ALL}('table.leaderboard td.label a').map(a => a.getClientRects().length),
        links: {ALL}('table.leaderboard td.label a').map(a => [a.textContent, a.getAttribute('href'), a.title]),
        intervals: {ALL}('table.leaderboard td .ci').length,
    }})""")
    assert board["rows"] == 2 and board["levels"] == ["TI", "TC", "AI", "AC", "AI+", "AC+"]
    assert board["modes"] == ["exact", "lenient"] * 6 and board["intervals"] == 24
    assert board["best"] >= 12                          # at least one best figure per column (ties mark both)
    assert board["lines"] == [1, 1]                     # run labels stay on one line
    for label, href, title in board["links"]:
        assert (comparison / href).is_file() and "extractor.window=" in title and label.startswith("rules")
    tests = browser.evaluate(f"""({{
        matrices: {ALL}('#significance table.matrix').length,
        cells: {ALL}('#significance table.matrix td[title^="unadjusted p"]').length,
        marked: {ALL}('#significance td.significant').length,
        note: document.querySelector('#significance').textContent,
    }})""")
    assert tests["matrices"] == 12 and tests["cells"] == 24       # 6 levels x 2 modes, both cells of the pair
    assert "adjusted for the 6 tests of each span mode (Benjamini-Hochberg" in tests["note"]   # 1 pair, 6 levels
    assert tests["marked"] > 0                                                 # window 3 loses clearly at AC
    per_type = browser.evaluate(f"{ALL}('#per-type table').map(t => t.querySelectorAll('tbody tr').length)")
    expected = [sum(1 for e in scores_of(comparison, "rules")["per_type"]["exact"][level].values() if e["tp"] + e["fn"])
                for level in ("TC", "AC")]
    assert [rows >= n for rows, n in zip(per_type, expected)] == [True, True]
    images = browser.evaluate(f"{ALL}('img.plot').map(i => [i.alt, i.complete && i.naturalWidth > 0])")
    assert sorted(images) == sorted([p.stem, True] for p in (comparison / "plots").glob("*.svg"))
    screenshot(browser, "comparison_page.png", tmp_path)


def test_run_page_pairs_gold_and_prediction_with_a_status_for_every_trigger_and_argument(comparison, browser,
                                                                                          tmp_path):
    scores = scores_of(comparison, "rules")
    counts, exact = scores["counts"], scores["levels"]["exact"]
    browser.open(comparison / "reports" / "rules.html")
    assert browser.evaluate("document.scripts.length") == 0
    assert browser.evaluate(BROKEN_ANCHORS) == [] and browser.evaluate(SECTIONS_WITHOUT_TOP) == []
    page = browser.evaluate(f"""({{
        sections: {ALL}('section').map(s => s.id),
        mentions: {ALL}('div[id^="m-"]').length,
        triggers: {ALL}('div[id^="m-"] > .status').map(s => s.textContent),
        arguments: {ALL}('ul.args li').map(li => li.querySelector('.status').textContent),
        unpaired: {ALL}('.sentence table.pair')
                      .filter(t => !t.querySelector('tr.gold') || !t.querySelector('tr.pred')).length,
        tags: {ALL}('table.pair .tag').map(t => t.textContent),
        scoreHeader: {ALL}('#scores th').map(th => th.textContent),
        roles: {ALL}('#per-role tbody tr').length,
        documents: {ALL}('#documents tbody a').map(a => a.getAttribute('href')),
        typeLinks: {ALL}('#types details a').length,
    }})""")
    documents = scores["data"]["documents"]
    assert page["sections"][:5] == ["scores", "per-type", "per-role", "documents", "types"]
    assert len(page["sections"]) == 5 + len(documents) and len(page["documents"]) == len(documents)
    assert page["mentions"] == counts["gold_mentions"] + counts["predicted_mentions"]
    assert page["typeLinks"] == page["mentions"]                          # the type index reaches every mention
    assert page["triggers"].count("correct") == 2 * exact["TC"]["tp"]     # the gold and the predicted side
    assert page["triggers"].count("missed") == exact["TI"]["fn"]
    assert page["triggers"].count("spurious") == exact["TI"]["fp"]
    assert len(page["arguments"]) == counts["gold_arguments"] + counts["predicted_arguments"]
    assert page["arguments"].count("correct") == 2 * exact["AC"]["tp"]
    assert page["unpaired"] == 0
    roles = {r for r, e in scores["per_role"]["exact"]["AC"].items() if e["tp"] + e["fn"]}
    assert roles <= set(page["tags"])                                      # roles are written in the text
    assert "lenient F1" in page["scoreHeader"] and page["roles"] == len(roles | {
        r for r, e in scores["per_role"]["exact"]["AC"].items() if e["fp"]})
    screenshot(browser, "run_page.png", tmp_path)
