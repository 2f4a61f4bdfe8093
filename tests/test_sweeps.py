"""Sweeps on Hydra's launchers, and sharded runs merged into one."""
from __future__ import annotations

import json

import pytest
from test_harness import bench, result_folders


@pytest.mark.slow
def test_joblib_sweep_gives_one_result_folder_per_run_and_compare_takes_the_sweep(tmp_path):
    done = bench("run", "-m", "extractor=rules", "extractor.window=4,12", "hydra/launcher=joblib",
                 "hydra.launcher.n_jobs=2", f"results_dir={tmp_path}", "print_table=false",
                 "scoring.bootstrap_samples=50")
    assert done.returncode == 0, done.stderr
    folders = result_folders(tmp_path)
    assert len(folders) == 2
    infos = [json.loads((f / "run.json").read_text()) for f in folders]
    assert infos[0]["sweep"] == infos[1]["sweep"]
    windows = {o for i in infos for o in i["overrides"] if o.startswith("extractor.window=")}
    assert windows == {"extractor.window=4", "extractor.window=12"}
    for arguments in ([f"results_dir={tmp_path}", "--sweep"], ["--sweep", f"results_dir={tmp_path}"]):
        compared = bench("compare", "--samples", "200", *arguments)
        assert compared.returncode == 0, compared.stderr
        assert "rules [extractor.window=4]" in compared.stdout and "rules [extractor.window=12]" in compared.stdout


@pytest.mark.slow
def test_two_job_sweep_on_the_submitit_local_executor(tmp_path):
    done = bench("run", "-m", "extractor=rules", "scoring.bootstrap_samples=10,20", "hydra/launcher=local_jobs",
                 f"results_dir={tmp_path}", "print_table=false")
    assert done.returncode == 0, done.stderr
    folders = result_folders(tmp_path)
    assert len(folders) == 2
    samples = sorted(json.loads((f / "scores.json").read_text())["settings"]["bootstrap_samples"] for f in folders)
    assert samples == [10, 20]
    assert list((tmp_path / ".multirun").glob("*/.submitit"))       # the jobs went through submitit


def test_merged_shards_score_exactly_like_one_run(tmp_path):
    shards = tmp_path / "shards"
    for index in range(3):
        done = bench("run", "extractor=rules", f"data.shard={index}/3", f"results_dir={shards}",
                     "print_table=false", "scoring.bootstrap_samples=100")
        assert done.returncode == 0, done.stderr
    merged = bench("merge", *map(str, result_folders(shards)), "name=merged", f"results_dir={tmp_path / 'm'}",
                   "scoring.bootstrap_samples=100")
    assert merged.returncode == 0, merged.stderr
    whole = bench("run", "extractor=rules", f"results_dir={tmp_path / 'w'}", "print_table=false",
                  "scoring.bootstrap_samples=100")
    assert whole.returncode == 0
    [merged_folder], [whole_folder] = result_folders(tmp_path / "m"), result_folders(tmp_path / "w")
    merged_scores = json.loads((merged_folder / "scores.json").read_text())
    whole_scores = json.loads((whole_folder / "scores.json").read_text())
    for key in ("levels", "per_type", "per_role", "per_document", "trigger_semeval", "counts"):
        assert merged_scores[key] == whole_scores[key], key
    beside = bench("merge", *map(str, result_folders(shards)), "name=beside", "scoring.bootstrap_samples=0")
    assert beside.returncode == 0, beside.stderr
    assert [f.parent for f in result_folders(shards) if f.parent.name == "beside"] == [shards / "beside"]


def test_incomplete_shards_are_refused(tmp_path):
    done = bench("run", "extractor=rules", "data.shard=0/2", f"results_dir={tmp_path}", "print_table=false",
                 "scoring.bootstrap_samples=0")
    assert done.returncode == 0
    merged = bench("merge", *map(str, result_folders(tmp_path)), f"results_dir={tmp_path / 'm'}")
    assert merged.returncode == 1
    assert "shards [(0, 2)] do not cover 0..N-1 of one N exactly once" in merged.stderr
