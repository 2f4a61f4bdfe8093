"""Comparison reports: leaderboard files, significance, plots, and the HTML page in a real browser."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import make_document, mention, span_of, needs

from bench.reports.html import run_report
from bench.reports.runs import Run
from bench.schema import Argument, EventMention
from test_harness import bench, result_folders

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    needs(path is not None, "the HTML report test needs Chromium: apt-get install chromium")
    return path


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    for name, window in (("rules", 12), ("rules_narrow", 3)):
        done = bench("run", "extractor=rules", f"extractor.window={window}", f"run_name={name}",
                     f"results_dir={results}", "scoring.bootstrap_samples=100", "print_table=false")
        assert done.returncode == 0, done.stderr
    out = results / "comparison"
    done = bench("compare", *map(str, result_folders(results)), "--out", str(out), "--samples", "1000")
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_compare_writes_tables_in_every_format(comparison):
    out, stdout = comparison
    assert "rules_narrow" in stdout and "Paired bootstrap" in stdout
    for name in ("leaderboard.md", "leaderboard_exact.csv", "leaderboard_exact.tex", "leaderboard_lenient.csv",
                 "significance.csv", "report.html", "reports/rules.html", "reports/rules_narrow.html"):
        assert (out / name).is_file(), name
    csv = (out / "leaderboard_exact.csv").read_text()
    assert csv.splitlines()[0].startswith("run,TI P,TI R,TI F1,TI F1 low,TI F1 high")
    assert "\\begin{tabular}" in (out / "leaderboard_exact.tex").read_text()
    modes = (out / "leaderboard_argument_modes.csv").read_text().splitlines()
    assert modes[0] == "run," + ",".join(f"{level} F1 {mode}" for level in ("AI", "AC")
                                         for mode in ("exact", "lenient", "head", "entity"))
    assert "Argument matching modes" in stdout and len(modes) == 3
    significance = (out / "significance.csv").read_text().splitlines()
    assert len(significance) == 3           # one pair of runs, exact and lenient
    assert significance[0].endswith(",spans") and {line.rsplit(",", 1)[1] for line in significance[1:]} == {
        "exact", "lenient"}


def pdflatex() -> str | None:
    path = shutil.which("pdflatex")
    needs(path is not None, "the LaTeX test needs pdflatex: apt-get install texlive-latex-base "
                            "texlive-latex-recommended")
    return path


@pytest.mark.parametrize("mode", ["exact", "lenient"])
def test_the_latex_leaderboard_compiles_with_a_real_tex_engine(comparison, mode, tmp_path):
    out, _ = comparison
    table = (out / f"leaderboard_{mode}.tex").read_text(encoding="utf-8")
    assert "rules\\_narrow" in table          # the run label's underscore is escaped
    (tmp_path / "paper.tex").write_text("\\documentclass{article}\n\\usepackage{booktabs}\n"
                                        "\\usepackage[margin=1cm,landscape]{geometry}\n\\begin{document}\n"
                                        f"\\tiny\n{table}\n\\end{{document}}\n", encoding="utf-8")
    done = subprocess.run([pdflatex(), "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 1000


def test_compare_draws_the_plots(comparison):
    out, _ = comparison
    for name in ("per_type_TC_exact", "per_type_AC_exact", "precision_recall_exact", "confusion_rules"):
        for suffix in (".png", ".svg"):
            path = out / "plots" / f"{name}{suffix}"
            assert path.is_file() and path.stat().st_size > 5000, path


def test_html_report_in_a_real_browser(comparison, tmp_path):
    out, _ = comparison
    page = (out / "reports" / "rules.html").as_uri()
    profile = tempfile.mkdtemp()
    dom = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'id="legend"' in dom
    for css in ("t-correct", "t-missed", "t-spurious", "a-correct", "a-missed"):
        assert len(re.findall(rf'class="seg[^"]*\b{css}\b', dom)) > 0, css
    assert len(re.findall(r'<section id="rules-', dom)) == 5          # one section per scored document
    screenshot = Path(os.environ.get("BENCH_SCREENSHOT_DIR", tmp_path)) / "html_report.png"
    subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1200,1600",
                    f"--screenshot={screenshot}", page], capture_output=True, timeout=120)
    assert screenshot.is_file() and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000      # a rendered page, not a blank one


def test_html_escapes_document_and_model_text(tmp_path):
    doc = make_document("d", 'Er sagte <script>alert("x")</script> in Kiew.')
    gold = [mention(doc, "Contact:Statement", "sagte", ("Speaker", "Er"))]
    evil = EventMention("d", "Contact:Statement", span_of(doc, "<script>"), (Argument("Place", span_of(doc, "Kiew")),))
    run = Run("<b>evil</b>", tmp_path, {"levels": {"exact": {}}, "per_type": {"exact": {"TC": {}}},
                                         "per_document": {"exact": {"TC": {}, "AC": {}}}}, {}, gold + [evil],
              label="<b>evil</b> (now)")
    page = run_report(run, gold, {"d": doc})
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>evil</b>" not in page and "&lt;b&gt;evil&lt;/b&gt;" in page


def test_compare_shows_coreference_and_attributes_beside_extraction(tmp_path):
    done = bench("run", "extractor=rules", "scoring.coref=true", "clusterer=lemma", f"results_dir={tmp_path}",
                 "scoring.bootstrap_samples=0", "print_table=false")
    assert done.returncode == 0, done.stderr
    compared = bench("compare", f"results_dir={tmp_path}", "--samples", "100")
    assert compared.returncode == 0, compared.stderr
    assert "CoNLL F1 cross_document/with_singletons" in compared.stdout
    assert "tense acc." in compared.stdout and "polarity acc." in compared.stdout
    [out] = list((tmp_path / "comparisons").iterdir())
    assert (out / "coref_attributes.csv").read_text().startswith("run,CoNLL F1 within_document/with_singletons")
