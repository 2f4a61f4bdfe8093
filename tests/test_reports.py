"""Comparison reports: leaderboard files, the corrected paired tests, LaTeX in a real TeX engine, escaping."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import cli, make_document, mention, needs, span_of
from report_runs import run_and_compare, scores_of

from bench.reports.run_page import run_report
from bench.reports.runs import Run, label_runs
from bench.schema import Argument, EventMention

pytestmark = pytest.mark.slow         # the module's runs and comparison take seconds

HOSTILE = '<script>alert("x")</script> & co'


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    """Two real runs scored at a 90% confidence level (not the default), compared."""
    common = ["scoring.bootstrap_samples=200", "scoring.confidence=0.9"]
    return run_and_compare(tmp_path_factory.mktemp("results"),
                           {"rules": ["extractor.window=12", *common], "rules_narrow": ["extractor.window=3", *common]},
                           500)


def test_compare_writes_tables_in_every_format(comparison):
    out, stdout = comparison
    assert "rules_narrow" in stdout and "Paired bootstrap" in stdout
    for name in ("leaderboard.md", "leaderboard_exact.csv", "leaderboard_exact.tex", "leaderboard_lenient.csv",
                 "significance.csv", "report.html", "reports/rules.html", "reports/rules_narrow.html"):
        assert (out / name).is_file(), name
    csv_text = (out / "leaderboard_exact.csv").read_text()
    assert csv_text.splitlines()[0].startswith("run,TI P,TI R,TI F1,TI F1 low,TI F1 high")
    assert "F1 (%) with 90% bootstrap interval" in (out / "leaderboard.md").read_text()

    modes = (out / "leaderboard_argument_modes.csv").read_text().splitlines()
    assert modes[0] == "run," + ",".join(f"{level} F1 {mode}" for level in ("AI", "AC")
                                         for mode in ("exact", "lenient", "head", "entity"))
    assert "Argument matching modes" in stdout and len(modes) == 3

def _benjamini_hochberg(p: list[float]) -> list[float]:
    """The textbook step-up adjustment, written out as a reference for the library call."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    adjusted, running = [0.0] * len(p), 1.0
    for rank in range(len(p), 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * len(p) / rank)
        adjusted[i] = running
    return adjusted


def test_paired_tests_carry_p_values_adjusted_over_each_span_mode(comparison):
    out, stdout = comparison
    rows = list(csv.DictReader((out / "significance.csv").open(encoding="utf-8")))
    assert [r["spans"] for r in rows] == ["exact", "lenient"]       # one pair of runs, two span modes
    levels = [c[:-2] for c in rows[0] if c.endswith(" p")]
    assert levels == ["TI", "TC", "AI", "AC", "AI+", "AC+"]
    for row in rows:
        raw = [float(row[f"{level} p"]) for level in levels]
        expected = _benjamini_hochberg(raw)
        assert [float(row[f"{level} p_adj"]) for level in levels] == pytest.approx(expected, abs=1e-4)
    assert "p_adj: Benjamini-Hochberg" in stdout


def pdflatex() -> str | None:
    path = shutil.which("pdflatex")
    needs(path is not None, "the LaTeX test needs pdflatex: apt-get install texlive-latex-base "
                            "texlive-latex-recommended")
    return path


def compile_latex(table: str, folder: Path) -> subprocess.CompletedProcess:
    (folder / "paper.tex").write_text("\\documentclass{article}\n\\usepackage{booktabs}\n"
                                      "\\usepackage[margin=1cm,landscape]{geometry}\n\\begin{document}\n"
                                      f"\\tiny\n{table}\n\\end{{document}}\n", encoding="utf-8")
    return subprocess.run([pdflatex(), "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], cwd=folder,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("mode", ["exact", "lenient"])
def test_the_latex_leaderboard_compiles_with_a_real_tex_engine(comparison, mode, tmp_path):
    out, _ = comparison
    table = (out / f"leaderboard_{mode}.tex").read_text(encoding="utf-8")
    assert "rules\\_narrow" in table          # the run label's underscore is escaped
    for part in ("\\toprule", "\\midrule", "\\bottomrule", f"\\label{{tab:bench-{mode}}}", f"({mode} spans)",
                 "the 90\\% bootstrap interval"):
        assert part in table, part
    f1 = scores_of(out, "rules")["levels"][mode]["TC"]
    low, high = f1["ci"]["f1"]
    lines = table.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("rules [extractor.window=12] &"))
    assert f"& {100 * f1['f1']:.1f} &" in lines[first]
    assert f"[{100 * low:.1f}, {100 * high:.1f}]" in lines[first + 1]     # the interval on the run's second line
    done = compile_latex(table, tmp_path)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 1000


def test_short_labels_and_names_only_where_runs_share_a_name(tmp_path):
    def run(name, folder, overrides):
        return Run(name, tmp_path / name / folder, {}, {}, [], {"overrides": overrides})

    runs = [run("rules", "t1", ["extractor=rules", "run_name=rules", "results_dir=/r", "print_table=false"]),
            run("spacy", "t2", ["extractor=spacy", "results_dir=/r", "progress=false", "hydra/launcher=joblib",
                                "hydra.launcher.n_jobs=2"])]
    label_runs(runs)
    assert [r.label for r in runs] == ["rules", "spacy"]
    same = [run("rules", "t1", ["extractor.window=3"]), run("rules", "t2", ["extractor.window=12"]),
            run("rules", "t3", ["extractor.window=12"])]
    label_runs(same)
    assert [r.label for r in same] == ["rules [extractor.window=3]", "rules [extractor.window=12]",
                                       "rules [extractor.window=12]"]
    assert [r.key for r in same] == ["rules-t1", "rules-t2", "rules-t3"]


def test_html_escapes_document_and_model_text(tmp_path):
    doc = make_document("d", 'Er sagte <script>alert("x")</script> in Kiew.')
    gold = [mention(doc, "Contact:Statement", "sagte", ("Speaker", "Er"))]
    evil = EventMention("d", "Contact:Statement", span_of(doc, "<script>"), (Argument("Place", span_of(doc, "Kiew")),))
    empty = {"exact": {"TC": {}, "AC": {}}}
    run = Run("<b>evil</b>", tmp_path, {"levels": {"exact": {}}, "per_type": empty, "per_document": empty,
                                         "per_role": empty}, {}, gold + [evil], label="<b>evil</b> (now)")
    page = run_report(run, gold, {"d": doc})
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>evil</b>" not in page and "&lt;b&gt;evil&lt;/b&gt;" in page


@pytest.fixture(scope="module")
def hostile(comparison, tmp_path_factory):
    """The compared runs copied, with a run label (from run.json) and an event type (in scores.json) that are
    markup and LaTeX specials, then compared again."""
    out, _ = comparison
    results = tmp_path_factory.mktemp("hostile")
    for name in ("rules", "rules_narrow"):
        [folder] = (out.parent / name).glob("*/scores.json")
        shutil.copytree(folder.parent, results / name / folder.parent.name)
    info_path = next((results / "rules").glob("*/run.json"))
    info = json.loads(info_path.read_text(encoding="utf-8"))
    info_path.write_text(json.dumps({**info, "overrides": info["overrides"] + [f"+note={HOSTILE}"]}),
                         encoding="utf-8")
    scores_path = next((results / "rules").glob("*/scores.json"))
    scores = json.loads(scores_path.read_text(encoding="utf-8"))
    scores["per_type"]["exact"]["TC"][HOSTILE] = {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "tp": 1, "fp": 0,
                                                  "fn": 1}
    scores_path.write_text(json.dumps(scores), encoding="utf-8")
    folders = sorted(p.parent for p in results.glob("*/*/scores.json"))
    done = cli("compare", *map(str, folders), f"results_dir={results}", "--out", str(results / "cmp"),
               "--samples", "50")
    assert done.returncode == 0, done.stderr
    return results / "cmp"


def test_hostile_labels_and_types_are_escaped_everywhere(hostile, tmp_path):
    for page in (hostile / "report.html", hostile / "reports" / "rules.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text, page.name                         # the pages have no scripts of their own
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in text.replace("&#x27;", "'"), page.name
    svg = (hostile / "plots" / "per_type_TC_exact.svg").read_text(encoding="utf-8")
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; co (n=2)' in svg and "<script" not in svg   # tp + fn
    table = (hostile / "leaderboard_exact.tex").read_text(encoding="utf-8")
    assert "\\& co" in table and " & co" not in table
    done = compile_latex(table, tmp_path)
    assert done.returncode == 0, done.stdout[-2000:]


def test_coreference_and_attributes_are_shown_beside_extraction_when_scored(tmp_path):
    done = cli("run", "extractor=rules", "scoring.coref=true", "clusterer=lemma", f"results_dir={tmp_path}",
               "scoring.bootstrap_samples=0", "print_table=false")      # and no intervals: pages without them
    assert done.returncode == 0, done.stderr
    compared = cli("compare", f"results_dir={tmp_path}", "--samples", "100")
    assert compared.returncode == 0, compared.stderr
    assert "CoNLL F1 cross_document/with_singletons" in compared.stdout
    assert "tense acc." in compared.stdout and "polarity acc." in compared.stdout
    [out] = list((tmp_path / "comparisons").iterdir())
    assert (out / "coref_attributes.csv").read_text().startswith("run,CoNLL F1 within_document/with_singletons")
    [scores_path] = (tmp_path / "rules").glob("*/scores.json")
    scores = json.loads(scores_path.read_text(encoding="utf-8"))
    page = (out / "reports" / "rules.html").read_text(encoding="utf-8")
    assert 'id="coref-attributes"' in page and 'id="coref-attributes"' in (out / "report.html").read_text()
    conll = scores["coreference"]["cross_document/with_singletons"]["conll_f1"]
    assert f"<td>cross_document/with_singletons</td><td><strong>{100 * conll:.1f}</strong>" in page
    tense = scores["attributes"]["tense"]["exact"]["accuracy"]
    assert f"<td>tense</td><td>{100 * tense:.1f}</td>" in page
