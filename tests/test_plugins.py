"""One plug-in mechanism (bench/plugins.py): clusterers and converters are config files with ``_target_``,
as extractors are; a user's own plugs in by adding a file."""
from __future__ import annotations

import json
import textwrap

import pytest
from conftest import cli, make_document, mention

from bench.contrib.convert import CONVERSIONS
from bench.errors import DataError
from bench.harness import score_predictions
from bench.plugins import CONFIG_DIR, build_plugin, plugin_names

DOC = make_document("d", "Der Angriff auf Kiew begann früh. Der Raketenangriff auf Kiew dauerte. Die Armee zog ab.")
MENTIONS = [mention(DOC, "Conflict:Attack", "Angriff", ("Target", "Kiew")),
            mention(DOC, "Conflict:Attack", "Raketenangriff", ("Target", "Kiew")),
            mention(DOC, "Movement:Transport", "zog", ("Artifact", "Armee"))]


def clusters(mentions) -> list[list[str]]:
    """The triggers of each cluster, in order of their first mention."""
    groups: dict[str, list[str]] = {}
    for m in mentions:
        groups.setdefault(m.cluster, []).append(m.trigger.text)
    return list(groups.values())


@pytest.mark.parametrize("group", ["clusterer", "convert"])
def test_every_config_of_a_plugin_group_builds_a_callable(group):
    names = plugin_names(group)
    assert names == sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml")) and len(names) >= 3
    assert all(callable(build_plugin(group, name)) for name in names)


def test_the_conversions_are_the_files_of_the_convert_group():
    assert CONVERSIONS == ["from-brat", "from-inception", "to-brat", "to-inception"]


@pytest.mark.parametrize("name, expected", [
    ("singleton", [["Angriff"], ["Raketenangriff"], ["zog"]]),
    ("lemma", [["Angriff", "Raketenangriff"], ["zog"]]),           # a compound by its head
    ("arguments", [["Angriff", "Raketenangriff"], ["zog"]]),       # the same Target
])
def test_each_clusterer_config_builds_its_baseline(name, expected):
    assert clusters(build_plugin("clusterer", name)(MENTIONS)) == expected


def test_an_unknown_clusterer_is_one_line_naming_the_choices():
    with pytest.raises(DataError) as raised:
        score_predictions(MENTIONS, {"d": DOC}, {"d": MENTIONS}, {}, clusterer="bogus")
    assert raised.value.problems == ["clusterer must be one of arguments, lemma, singleton, got 'bogus'"]


def test_a_users_clusterer_plugs_into_a_run_by_a_config_file(tmp_path, monkeypatch):
    (tmp_path / "my_clusters.py").write_text(textwrap.dedent('''
        from dataclasses import replace

        def by_type(mentions, prefix):
            return [replace(m, cluster=prefix + m.type) for m in mentions]
        '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "configs" / "clusterer").mkdir(parents=True)
    (tmp_path / "configs" / "clusterer" / "by_type.yaml").write_text(
        "_target_: my_clusters.by_type\n_partial_: true\nprefix: 'type:'\n")
    done = cli("run", "extractor=rules", "data=dev", "clusterer=by_type",
               f"hydra.searchpath=[file://{tmp_path / 'configs'}]", f"results_dir={tmp_path / 'results'}", "scoring.bootstrap_samples=0", "print_table=false")
    assert done.returncode == 0, done.stderr
    [predictions] = (tmp_path / "results").glob("rules/*/predictions.jsonl")
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert rows and all(row["cluster"] == "type:" + row["type"] for row in rows)
