"""The command line: help for every command without side effects, usage errors, version, list."""
from __future__ import annotations

import io
import sys
from importlib.metadata import version

import pytest
from conftest import cli

from bench.__main__ import GROUPS, parser
from bench.schema import PROJECT_ROOT

COMMANDS = sorted(parser()._subparsers._group_actions[0].choices)     # every command the parser knows


def tree_state() -> list[tuple[str, int, int]]:
    """Every file of the checkout, results included, with its size and modification time."""
    skip = {".git", "__pycache__", ".pytest_cache", ".hypothesis"}
    return sorted((str(p.relative_to(PROJECT_ROOT)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in PROJECT_ROOT.rglob("*") if p.is_file() and not skip & set(p.parts))


def test_the_parser_knows_every_command():
    assert {"run", "score", "validate", "export", "stats", "agree", "annotate", "convert", "merge", "compare",
            "readme", "list"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS + ["annotate compile"])
def test_help_of_every_command_exits_0_and_changes_no_file(command):
    before = tree_state()
    done = cli(*command.split(), "--help")
    assert done.returncode == 0, done.stderr
    assert "usage" in done.stdout.lower() and not done.stderr
    assert tree_state() == before


def test_help_of_the_tool_lists_the_commands():
    done = cli("--help")
    assert done.returncode == 0 and all(command in done.stdout for command in COMMANDS)


def test_version_is_the_package_version():
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"bench {version('bench')}"


@pytest.mark.parametrize("args", [["readme", "--chek"], ["score", "--bogus"], ["validate", "--strict"],
                                  ["list", "models"], ["frobnicate"], ["stats", "data"], []])
def test_usage_errors_exit_2_and_change_no_file(args):
    before = tree_state()
    done = cli(*args)
    assert done.returncode == 2 and "usage: bench" in done.stderr and done.stdout == ""
    assert tree_state() == before


def test_a_data_error_exits_1_with_one_line(tmp_path):
    done = cli("score", f"pred={tmp_path / 'missing.jsonl'}")
    assert done.returncode == 1 and done.stderr.strip().splitlines() == [f"error: {tmp_path / 'missing.jsonl'}: no such file"]


@pytest.mark.parametrize("group", list(GROUPS))
def test_list_prints_every_config_of_the_group_with_its_description(group):
    done = cli("list", group)
    names = sorted(p.stem for p in (PROJECT_ROOT / "configs" / GROUPS[group]).glob("*.yaml"))
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and [line.split()[0] for line in lines] == names
    assert all(len(line.split()) > 2 for line in lines)           # a description, not just the name


def test_list_data_says_which_splits_are_for_testing():
    lines = {line.split()[0]: line.split()[1] for line in cli("list", "data").stdout.splitlines()}
    assert lines["seeds"] == "test" and lines["gnad"] == "test" and lines["dev"] == "dev"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream, enabled, shown", [(Terminal, True, True), (Terminal, False, False),
                                                    (io.StringIO, True, False)])
def test_progress_shows_on_a_terminal_unless_turned_off(seed_documents, monkeypatch, stream, enabled, shown):
    from bench.extractors.rules import RulesExtractor
    from bench.harness import extract_all

    monkeypatch.setattr(sys, "stderr", stream())
    predictions, _ = extract_all(RulesExtractor(), seed_documents, {}, list(seed_documents), show_progress=enabled)
    assert predictions and ("extracting" in sys.stderr.getvalue()) == shown
    if shown:
        assert f"/{len(seed_documents)} " in sys.stderr.getvalue()       # counted against the documents



@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    for name in ("a", "b"):
        done = cli("run", f"run_name={name}", f"results_dir={results}", "print_table=false",
                   "scoring.bootstrap_samples=20", "progress=false")
        assert done.returncode == 0, done.stderr
    return results


@pytest.mark.parametrize("setting, shown", [("progress=true", True), ("progress=false", False)])
def test_compare_shows_progress_on_a_terminal_unless_turned_off(two_runs, tmp_path, monkeypatch, setting, shown):
    from bench.__main__ import main

    monkeypatch.setattr(sys, "stderr", Terminal())
    assert main(["compare", f"results_dir={two_runs}", setting, "--samples", "20", "--out", str(tmp_path / "cmp")]) == 0
    bars = sys.stderr.getvalue()
    assert ("run pages and plots" in bars) == shown, bars


def test_the_table_names_the_configured_confidence(tmp_path):
    done = cli("run", "scoring.confidence=0.9", "scoring.bootstrap_samples=20", f"results_dir={tmp_path}",
               "progress=false")
    assert done.returncode == 0 and "F1 90% CI" in done.stdout and "95%" not in done.stdout
    assert not [line for line in done.stdout.splitlines() if line.strip() == "level"]     # no stray index row


@pytest.mark.parametrize("target", ["nope.Nope", "bench.schema.Span"])
def test_an_extractor_target_that_cannot_be_built_is_one_line(target, tmp_path):
    done = cli("run", f"extractor._target_={target}", f"results_dir={tmp_path}")
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("error: extractor: ")
    assert target in done.stderr and not any(tmp_path.iterdir())
