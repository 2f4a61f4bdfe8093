"""The package's layers point one way, and a command loads only the heavy libraries it uses."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from bench.schema import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "bench"

#: each room and the rooms it may import (itself always). Upward imports are what the test forbids.
ALLOWED = {
    "paths": {"errors"},
    "progress": set(),
    "bulk": set(),
    "errors": set(),
    "plugins": {"paths", "errors"},
    "schema": {"paths"},
    "scoring": {"schema", "bulk"},
    "checks": {"schema"},
    "corpus": {"paths", "errors", "schema", "checks", "bulk"},
    "align": {"schema", "bulk"},
    "extractors": {"paths", "errors", "schema", "align"},
    "results": {"paths", "errors", "schema", "checks", "corpus"},
    "harness": {"paths", "errors", "plugins", "schema", "corpus", "align", "scoring", "extractors", "results",
                "progress"},
    # runs from saved answers (answers files, rescore): the harness's layer, on top of it
    "replay": {"paths", "errors", "schema", "corpus", "extractors", "results", "harness"},
    "reports": {"paths", "errors", "schema", "corpus", "scoring", "results", "progress"},
    "contrib": {"paths", "errors", "plugins", "schema", "checks", "corpus", "scoring", "extractors"},
    "api": {"paths", "errors", "bulk", "schema", "corpus", "scoring", "harness", "results"},
    "__init__": {"api", "scoring"},
    "__main__": {"__init__", "api", "paths", "errors", "plugins", "schema", "corpus", "harness", "replay", "results",
                 "reports",
                 "contrib"},
}


def room(module: str) -> str:
    """``bench.extractors.llm.api`` -> ``extractors``; ``bench`` itself is the API."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path) -> set[str]:
    """The bench modules a file imports, at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bench") and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("bench")}
    return found


def edges() -> list[tuple[str, str]]:
    result = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("bench", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        result += [(module, target) for target in imports(path)]
    return result


def violations(found: list[tuple[str, str]]) -> list[str]:
    wrong = []
    for source, target in found:
        src, dst = room(source), room(target)
        if dst == src or dst == "__init__" and src == "__init__":
            continue
        if dst not in ALLOWED.get(src, set()):
            wrong.append(f"{source} imports {target}")
    return wrong


def test_imports_point_down_the_layers():
    assert violations(edges()) == []


@pytest.mark.parametrize("upward", [("bench.extractors.llm.extractor", "bench.harness"),
                                    ("bench.reports.runs", "bench.harness"),
                                    ("bench.harness", "bench.reports.tables"),
                                    ("bench.extractors.learned", "bench.corpus"),
                                    ("bench.scoring.metrics", "bench.corpus")])
def test_the_check_finds_an_upward_import(upward):
    assert violations([upward]) == [f"{upward[0]} imports {upward[1]}"]


@pytest.mark.parametrize("code", ["import bench.extractors.llm", "import bench.extractors.rules",
                                  "import bench.corpus, bench.align, bench.results",
                                  "import bench; bench.__version__",
                                  "from bench.__main__ import parser; parser().format_help()",
                                  "from bench.__main__ import main; main(['list', 'extractors'])"])
def test_light_imports_load_neither_pandas_nor_scikit_learn(code):
    done = subprocess.run([sys.executable, "-c", f"{code}; import sys; "
                           "print(sorted(m for m in ('pandas', 'sklearn', 'spacy', 'matplotlib', 'bench.harness') "
                           "if m in sys.modules))"], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_run_of_the_rules_extractor_loads_neither_pandas_nor_scipy(tmp_path):
    """A plain run prints its table with tabulate and matches small overlaps without scipy."""
    code = (f"from bench.__main__ import main; main(['run', 'extractor=rules', 'results_dir={tmp_path}']); "
            "import sys; print(sorted(m for m in ('pandas', 'scipy', 'sklearn', 'spacy', 'matplotlib') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "TC" in done.stdout and done.stdout.strip().splitlines()[-1] == "[]"


def test_the_comparison_loads_no_scikit_learn():
    """compare draws its confusion matrices with matplotlib alone (scikit-learn's import costs seconds)."""
    done = subprocess.run([sys.executable, "-c", "import bench.reports.compare, sys; print('sklearn' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
