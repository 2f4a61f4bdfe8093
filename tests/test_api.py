"""The Python API: load, evaluate (a path, dicts or mentions), run, and the Scores object."""
from __future__ import annotations

import json
import os

import pytest

import bench
from bench.corpus import mention_to_json, write_jsonl
from bench.errors import DataError

FAST = {"bootstrap_samples": 50}


@pytest.fixture(scope="module")
def seeds():
    return bench.load(data="seeds")


@pytest.fixture(scope="module")
def predictions(seeds):
    """The gold with every third mention dropped and one trigger moved: a run with errors."""
    mentions = [m for doc in sorted(seeds.gold) for m in seeds.gold[doc]]
    return [m for i, m in enumerate(mentions) if i % 3]


def test_load_gives_the_documents_and_their_gold(seeds):
    assert set(seeds.gold) <= set(seeds.documents) and len(seeds.documents) == 5
    assert all(m.doc_id == doc for doc, mentions in seeds.gold.items() for m in mentions)


def test_evaluate_takes_a_path_dicts_or_mentions_alike(seeds, predictions, tmp_path):
    path = tmp_path / "pred.jsonl"
    write_jsonl(predictions, path)
    by_path = bench.evaluate(path, data="seeds", **FAST)
    by_dicts = bench.evaluate([mention_to_json(m) for m in predictions], data="seeds", **FAST)
    by_mentions = bench.evaluate(predictions, data="seeds", **FAST)
    assert by_path.to_dict() == by_dicts.to_dict() == by_mentions.to_dict()
    tc = by_path.entry("TC")
    assert tc["fp"] == 0 and tc["fn"] > 0 and by_path.f1("TC") == tc["f1"] < 1


def test_scores_as_a_frame_and_a_dict(seeds, predictions):
    scores = bench.evaluate(predictions, data="seeds", levels=["TI", "TC"], modes=["exact"], **FAST)
    frame = scores.to_frame()
    assert list(frame.index) == ["TI", "TC"]
    assert frame.loc["TC", ("exact", "F1")] == scores.f1("TC", "exact")
    assert frame.loc["TC", ("exact", "fn")] == scores.entry("TC")["fn"]
    assert json.loads(json.dumps(scores.to_dict())) == scores.to_dict()
    with pytest.raises(ValueError, match="level 'AC' was not scored"):
        scores.f1("AC")
    with pytest.raises(ValueError, match="span mode 'lenient' was not scored"):
        scores.f1("TC", "lenient")


def test_evaluate_passes_scoring_settings_on(predictions):
    scores = bench.evaluate(predictions, data="seeds", exclude_roles=["Time", "Place"], confidence=0.9, **FAST)
    assert scores["settings"]["exclude_roles"] == ["Time", "Place"] and scores["settings"]["confidence"] == 0.9


def test_bad_predictions_name_the_record(seeds):
    with pytest.raises(DataError, match="predictions: record 2: .*type"):
        bench.evaluate([mention_to_json(seeds.gold[next(iter(seeds.gold))][0]), {"doc_id": "x"}], data="seeds")
    with pytest.raises(DataError, match="not a mixture"):
        bench.evaluate([{"doc_id": "x"}, 3], data="seeds")


def test_an_unknown_data_config_is_a_data_error():
    with pytest.raises(DataError, match="config: .*nosuchsplit"):
        bench.load(data="nosuchsplit")


def test_run_writes_a_result_folder_and_returns_its_scores(tmp_path):
    scores = bench.run("rules", results_dir=str(tmp_path), **{"scoring.bootstrap_samples": 50})
    assert scores.folder.parent == tmp_path / "rules"
    assert scores.to_dict() == json.loads((scores.folder / "scores.json").read_text(encoding="utf-8"))
    assert 0 < scores.f1("TC") < 1
    config = (scores.folder / "config.yaml").read_text(encoding="utf-8")
    assert "hydra" not in config and "run_name: rules" in config


def test_evaluate_can_save_a_result_folder_as_score_does(predictions, tmp_path):
    scores = bench.evaluate(predictions, data="seeds", save_as="mine", overrides=[f"results_dir={tmp_path}"],
                            **FAST)
    assert scores.folder.parent == tmp_path / "mine"
    assert json.loads((scores.folder / "scores.json").read_text(encoding="utf-8")) == scores.to_dict()


def test_the_version_is_a_string():
    assert isinstance(bench.__version__, str) and bench.__version__[0].isdigit()


def test_a_composed_config_is_reused_only_while_the_config_files_stay_the_same(tmp_path, monkeypatch):
    import shutil

    from omegaconf import open_dict

    import bench.api as api

    configs = tmp_path / "configs"
    shutil.copytree(api.CONFIG_DIR, configs)
    monkeypatch.setattr(api, "CONFIG_DIR", str(configs))
    first = api.compose(["extractor=rules"])
    with open_dict(first):
        first.results_dir = "changed by the caller"
    assert api.compose(["extractor=rules"]).results_dir == "results"       # a copy, not the cached object
    main = configs / "config.yaml"
    main.write_text(main.read_text().replace("results_dir: results", "results_dir: elsewhere"))
    os.utime(main, ns=(main.stat().st_atime_ns, main.stat().st_mtime_ns + 1_000_000))
    assert api.compose(["extractor=rules"]).results_dir == "elsewhere"
