"""Runs from saved answers: answers files (``batch export`` / ``batch import``) and ``rescore``.

``export_requests`` writes every request a run would send, in the OpenAI Batch input
format; ``import_answers`` reads a file in the OpenAI Batch output format into the
response cache, so that a run with the same settings is then answered from the cache.
``rescore`` scores a result folder again with other scoring settings (or a changed
parser): an LLM run is re-parsed from its cached raw answers, offline; any other run's
predictions are read back and scored.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from bench.corpus import load_data, read_jsonl
from bench.errors import DataError
from bench.extractors.llm import LLMExtractor
from bench.harness import (build_extractor, extract_all, parse_shard, report, run, score_predictions, shard_ids,
                           training_data)
from bench.paths import project_path, refuse_existing
from bench.results import publish, result_table, shared_results_dir, staged_result


def planned_requests(cfg: DictConfig) -> tuple[LLMExtractor, dict[str, dict]]:
    """The LLM extractor of ``cfg`` and every extraction request of its run (payload by cache key),
    folds included, without sending one."""
    extractor = build_extractor(cfg)
    if not isinstance(extractor, LLMExtractor):
        raise DataError([f"answers files are for LLM extractors; extractor {cfg.extractor.get('_target_')} "
                         f"sends no requests"])
    if extractor.clusterer is not None:
        raise DataError(["answers files hold extraction requests only: cluster requests depend on the answers "
                         "(set extractor.cluster_events=false)"])
    documents, gold = load_data(cfg.data)
    extractor.planned = {}
    extract_all(extractor, *training_data(cfg, extractor, documents, gold),
                shard_ids(documents, parse_shard(cfg.data.get("shard"))), cfg.get("folds"))
    return extractor, extractor.planned


def export_requests(cfg: DictConfig, out: Path, overwrite: bool = False) -> int:
    """Write the run's requests to ``out`` (OpenAI Batch input lines); how many."""
    from bench.extractors.llm.answers import write_requests

    if not overwrite:
        refuse_existing([out], "overwrite=true")
    _, payloads = planned_requests(cfg)
    write_requests(payloads, out)
    return len(payloads)


def import_answers(cfg: DictConfig, answers: Path) -> dict:
    """Read an answers file (OpenAI Batch output lines) into the run's response cache."""
    from bench.extractors.llm.answers import import_answers as read_into_cache

    extractor, payloads = planned_requests(cfg)
    return read_into_cache(answers, payloads, extractor.adapter, extractor.client.cache)


def rescore(run_dir: Path, overrides: Sequence[str] = ()) -> Path:
    """Score the run in ``run_dir`` again, into a new result folder of the same name beside it (or under
    a ``results_dir=`` override), with its saved configuration changed by ``overrides``
    (``scoring.modes=[exact,head]``, ``extractor.window_sentences=4``); no request is sent."""
    run_dir = Path(run_dir)
    if not (run_dir / "config.yaml").is_file():
        raise DataError([f"{run_dir}: not a result folder (it has no config.yaml)"])
    try:
        cfg = OmegaConf.merge(OmegaConf.load(run_dir / "config.yaml"), OmegaConf.from_dotlist(list(overrides)))
    except Exception as err:  # noqa: BLE001 - OmegaConf's errors of a bad override
        raise DataError([f"rescore: bad override ({str(err).splitlines()[0]})"]) from None
    cfg.rescored_from = str(run_dir)
    if not any(override.startswith("results_dir=") for override in overrides):
        cfg.results_dir = str(shared_results_dir([run_dir]))
    if _is_llm(cfg):
        cfg.extractor.offline = True
        cfg.extractor.cache_mode = "read"
        return run(cfg)
    return _rescore_predictions(run_dir, cfg)


def _is_llm(cfg: DictConfig) -> bool:
    from hydra.utils import get_class

    target = cfg.get("extractor", {}).get("_target_")
    return bool(target) and issubclass(get_class(target), LLMExtractor)


def _rescore_predictions(run_dir: Path, cfg: DictConfig) -> Path:
    documents, gold = load_data(cfg.data)
    name = run_dir.parent.name
    with staged_result(project_path(cfg.get("results_dir", "results")), name, "name") as staging:
        predictions = read_jsonl(run_dir / "predictions.jsonl", documents, allow_empty=True)
        aligned, scores = score_predictions(predictions, documents, gold, cfg.scoring, cfg.get("clusterer"))
        config = OmegaConf.to_container(cfg)
        info = {"rescored_from": str(run_dir),
                "original_run": json.loads((run_dir / "run.json").read_text(encoding="utf-8"))}
        folder = publish(staging, config, aligned, scores, info, result_table(name, scores))
    report(name, scores, folder)
    return folder
