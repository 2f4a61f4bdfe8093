"""The comparison's plots, read back from the SVG's text: values, gold counts, labels, axis names."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from report_runs import run_and_compare, scores_of

pytestmark = pytest.mark.slow         # the module's runs and comparison take seconds

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    """Two real runs on every test split (data=all), so that F1 by split is drawn too."""
    common = ["data=all", "scoring.bootstrap_samples=100"]
    out, _ = run_and_compare(tmp_path_factory.mktemp("results"),
                             {"rules": ["extractor.window=12", *common], "narrow": ["extractor.window=2", *common]},
                             100, "data=all")
    return out, {name: scores_of(out, name) for name in ("rules", "narrow")}


def texts(path) -> list[str]:
    """Every text of an SVG written with svg.fonttype none (text kept as text)."""
    return ["".join(t.itertext()).strip() for t in ET.parse(path).getroot().iter(f"{SVG}text")]


def outside(path) -> list[str]:
    """Texts placed outside the SVG's drawing (a legend cut off by the saved figure's box)."""
    root = ET.parse(path).getroot()
    _, _, width, height = map(float, root.get("viewBox").split())
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("x") is not None
            and not (0 <= float(t.get("x")) <= width and 0 <= float(t.get("y")) <= height)]


def test_every_plot_is_written_as_png_and_svg(comparison):
    out, _ = comparison
    for name in ("per_type_TC_exact", "per_type_AC_exact", "precision_recall_exact", "confusion_rules",
                 "confusion_narrow", "split_f1_exact"):
        for suffix in (".png", ".svg"):
            path = out / "plots" / f"{name}{suffix}"
            assert path.is_file() and path.stat().st_size > 5000, path
        assert outside(out / "plots" / f"{name}.svg") == [], name


@pytest.mark.parametrize("level", ["TC", "AC"])
def test_per_type_plot_labels_every_type_with_its_gold_count_and_every_bar_with_its_value(comparison, level):
    out, scores = comparison
    per_type = {name: s["per_type"]["exact"][level] for name, s in scores.items()}
    types = {t for entries in per_type.values() for t, e in entries.items() if e["tp"] + e["fp"] + e["fn"]}
    written = texts(out / "plots" / f"per_type_{level}_exact.svg")
    for t in types:
        gold = next(e[t]["tp"] + e[t]["fn"] for e in per_type.values() if t in e)
        assert f"{t} (n={gold})" in written, t
    values = Counter(f"{100 * per_type[name].get(t, {'f1': 0})['f1']:.1f}" for name in per_type for t in types)
    assert values["0.0"] > 0, "the runs should give some type an F1 of 0, to see it drawn"
    numbers = Counter(w for w in written if w.replace(".", "", 1).isdigit() and "." in w)
    assert numbers == values                                       # one value label per bar, zeros included
    assert "rules [extractor.window=12]" in written and "narrow [extractor.window=2]" in written


def test_precision_recall_plot_has_iso_f1_curves_in_percent_and_a_legend_per_run_and_level(comparison):
    out, scores = comparison
    written = texts(out / "plots" / "precision_recall_exact.svg")
    for f1 in (20, 40, 60, 80):
        assert f"F1 = {f1}%" in written
    assert {"run", "level", "recall, %", "precision, %"} <= set(written)
    assert set(scores["rules"]["levels"]["exact"]) <= set(written)          # TI, TC, ... in the level legend


@pytest.mark.parametrize("name", ["rules", "narrow"])
def test_confusion_matrix_names_its_axes_as_the_benchmark_does_and_has_no_none_row(comparison, name):
    out, scores = comparison
    written = texts(out / "plots" / f"confusion_{name}.svg")
    assert "gold type" in written and "predicted type" in written
    assert not any("(none)" in w for w in written) and "True label" not in written
    matched = [t for t, e in scores[name]["per_type"]["exact"]["TC"].items() if e["tp"]]
    assert set(matched) <= set(written)                   # every type with a correct trigger is a row and column


def test_split_plot_shows_each_split_with_its_gold_count_and_values(comparison):
    out, scores = comparison
    written = texts(out / "plots" / "split_f1_exact.svg")
    splits = scores["rules"]["splits"]
    assert len(splits) >= 2
    for split, entry in splits.items():
        assert f"{split}\nn = {entry['counts']['gold_mentions']}\ngold triggers" in "\n".join(written)
        for run in scores.values():
            for level in ("TC", "AC"):
                assert f"{100 * run['splits'][split]['levels']['exact'][level]['f1']:.1f}" in written
