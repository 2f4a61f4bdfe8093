"""The benchmark run: documents -> extractor -> aligned predictions -> scores -> result folder.

Result folders are written by ``bench.results``: whole or not at all.
"""
from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ValidationError

from bench.align import align
from bench.corpus import (data_fingerprint, iter_sorted, load_data, load_documents, other_splits, read_annotations,
                          split_list, split_of_documents)
from bench.errors import DataError, ExtractorError
from bench.extractors.base import Extractor
from bench.paths import project_path
from bench.plugins import build_plugin
from bench.progress import progress
from bench.results import (check_name, headline_text, publish, result_table, staged_result,
                           without_environment)
from bench.schema import Document, EventMention, load_ontology
from bench.scoring import LEVELS, MODES, SCORING_MODES, score

def parse_shard(shard: str | None) -> tuple[int, int] | None:
    """``"I/N"`` -> (I, N): this run extracts shard I (0-based) of N."""
    if shard is None:
        return None
    match = re.fullmatch(r"(\d+)/(\d+)", str(shard))
    if not match or not int(match[1]) < int(match[2]):
        raise DataError([f"data.shard must look like I/N with 0 <= I < N, got {shard!r}"])
    return int(match[1]), int(match[2])


def shard_ids(doc_ids: Sequence[str], shard: tuple[int, int] | None) -> list[str]:
    """The documents of one shard: every N-th document id in sorted order, starting at I."""
    ordered = sorted(doc_ids)
    return ordered if shard is None else ordered[shard[0]::shard[1]]


@dataclass
class ScoringSettings:
    """The typed shape of the ``scoring`` config group: a wrong type fails before anything runs."""

    levels: list[str] = field(default_factory=lambda: list(LEVELS))
    modes: list[str] = field(default_factory=lambda: list(MODES))
    exclude_roles: list[str] = field(default_factory=list)
    bootstrap_samples: int = 1000
    confidence: float = 0.95
    seed: int = 0
    #: also score event attributes and event coreference (clusters)
    coref: bool = False


def checked_scoring(scoring_cfg) -> DictConfig:
    """The scoring settings checked against their types and allowed values."""
    try:
        settings = OmegaConf.merge(OmegaConf.structured(ScoringSettings), scoring_cfg)
    except ValidationError as err:
        raise DataError([f"scoring config: {err.full_key}: {err.msg.splitlines()[0]}"]) from None
    unknown = sorted(set(settings.levels) - set(LEVELS)) + sorted(set(settings.modes) - set(SCORING_MODES))
    if unknown or not settings.levels or not settings.modes:
        raise DataError([f"scoring config: levels must be among {', '.join(LEVELS)} and modes among "
                         f"{', '.join(SCORING_MODES)}, at least one of each; got levels {list(settings.levels)}, "
                         f"modes {list(settings.modes)}"])
    if not 0 < settings.confidence < 1 or settings.bootstrap_samples < 0 or not 0 <= settings.seed < 2 ** 32:
        raise DataError([f"scoring config: needs 0 < confidence < 1, bootstrap_samples >= 0 and 0 <= seed < 2**32; "
                         f"got confidence {settings.confidence}, bootstrap_samples {settings.bootstrap_samples}, "
                         f"seed {settings.seed}"])
    roles = {role for spec in load_ontology().event_types.values() for role in spec["roles"]}
    unknown_roles = sorted(set(settings.exclude_roles) - roles)
    if unknown_roles:
        raise DataError([f"scoring config: exclude_roles: {', '.join(unknown_roles)} is not a role of the "
                         f"ontology (roles: {', '.join(sorted(roles))})"])
    return settings


def score_settings(checked: DictConfig) -> dict:
    """The keyword arguments of ``bench.scoring.score`` that a scoring config (``checked_scoring``'s) sets."""
    return dict(exclude_roles=list(checked.exclude_roles), levels=list(checked.levels), modes=list(checked.modes),
                bootstrap_samples=checked.bootstrap_samples, seed=checked.seed, confidence=checked.confidence)


def score_predictions(predictions: Sequence[EventMention], documents: dict[str, Document],
                      gold: dict[str, list[EventMention]], scoring_cfg, clusterer: str | Mapping | None = None,
                      split_of: dict[str, str] | None = None) -> tuple[list[EventMention], dict]:
    """Align, cluster if asked (``clusterer``: a config of ``configs/clusterer/`` or its name), then score
    on the documents that have gold; the scores say which documents were left out. With ``split_of``
    (document -> split), each split is scored on its own as well (``scores["splits"]``)."""
    scoring_cfg = checked_scoring(scoring_cfg)
    settings = score_settings(scoring_cfg)
    cluster = build_plugin("clusterer", clusterer) if clusterer else None
    aligned, report = align(predictions, documents)
    if cluster:
        aligned = cluster(aligned)
    scored_docs = {doc_id: documents[doc_id] for doc_id in gold}
    gold_mentions = list(iter_sorted(gold))
    predicted = [m for m in aligned if m.doc_id in gold]
    scores = score(gold_mentions, predicted, scored_docs, **settings)
    if scoring_cfg.coref:
        from bench.scoring.coref import attribute_scores, coreference_scores

        scores["attributes"] = attribute_scores(gold_mentions, predicted, scored_docs, load_ontology().attributes)
        scores["coreference"] = coreference_scores(gold_mentions, predicted, scored_docs) or "not predicted"
    splits = list(dict.fromkeys(name for d, name in (split_of or {}).items() if d in gold))   # in config order
    if len(splits) > 1:
        scores["splits"] = {}
        for split in splits:
            docs = {d: documents[d] for d in gold if split_of[d] == split}
            split_gold = [m for m in gold_mentions if m.doc_id in docs]
            scores["splits"][split] = score(split_gold, [m for m in predicted if m.doc_id in docs], docs, **settings)
            scores["splits"][split]["data"] = {"documents": sorted(docs),
                                               "fingerprint": data_fingerprint(docs, split_gold)}
    scores["alignment"] = dict(sorted(report.items()))
    scores["documents_without_gold"] = sorted(set(documents) - set(gold))
    scores["data"] = {"documents": sorted(scored_docs), "fingerprint": data_fingerprint(scored_docs, gold_mentions)}
    return aligned, scores


def document_folds(test_ids: Sequence[str], gold_ids: Sequence[str], k: int | None = None) -> list[dict]:
    """Folds by document: each gold document among ``test_ids`` is extracted by a model trained on
    the other gold documents (leave-one-document-out, or ``k`` folds); test documents without
    gold are extracted by a model trained on all gold documents."""
    annotated = sorted(set(test_ids) & set(gold_ids))
    k = len(annotated) if not k else min(k, len(annotated))
    folds = [{"test": annotated[i::k]} for i in range(k)] if annotated else []
    for fold in folds:
        fold["train"] = [d for d in sorted(gold_ids) if d not in fold["test"]]
    unannotated = sorted(set(test_ids) - set(gold_ids))
    if unannotated:
        folds.append({"test": unannotated, "train": sorted(gold_ids)})
    return folds


def extract_all(extractor: Extractor, documents: dict[str, Document], gold: dict[str, list[EventMention]],
                test_ids: Sequence[str], folds: int | None = None,
                show_progress: bool = True) -> tuple[list[EventMention], list[dict]]:
    """Predictions for the ``test_ids`` documents; trainable extractors are fitted per fold."""
    if not extractor.trainable:
        ordered = [documents[d] for d in sorted(test_ids)]
        batches = progress(extractor.extract_batch(ordered), len(ordered), "extracting", "doc", show_progress)
        return [m for mentions in batches for m in mentions], []
    plan = document_folds(test_ids, sorted(gold), folds)
    predictions = []
    for fold in progress(plan, len(plan), "folds (fit, extract)", "fold", show_progress):
        extractor.fit([documents[d] for d in fold["train"]], {d: gold[d] for d in fold["train"]})
        for mentions in extractor.extract_batch([documents[d] for d in fold["test"]]):
            predictions += mentions
    return predictions, plan


def training_data(cfg: DictConfig, extractor: Extractor, documents: dict[str, Document],
                  gold: dict[str, list[EventMention]]) -> tuple[dict[str, Document], dict[str, list[EventMention]]]:
    """The documents and gold a run's extractor sees: for a trainable extractor with
    ``train_on_other_splits``, those of every other shipped split too (the scored ones win)."""
    if extractor.trainable and cfg.get("train_on_other_splits"):
        for split in other_splits(cfg.data):
            other = load_documents(split.documents_dir)
            documents = {**other, **documents}
            gold = {**read_annotations(split.gold_dir, other), **gold}
    return documents, gold


def sweep_info() -> dict:
    """Which sweep (multirun) this run belongs to, and its overrides, for ``compare --sweep``."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if not HydraConfig.initialized():
        return {}
    hydra_cfg = HydraConfig.get()
    # unresolved: an override that reads the environment is kept as written, never as its value
    info = {"overrides": OmegaConf.to_container(hydra_cfg.overrides.task, resolve=False)}
    if hydra_cfg.mode == RunMode.MULTIRUN:
        info["sweep"] = Path(hydra_cfg.sweep.dir).name
    return info


def build_extractor(cfg: DictConfig) -> Extractor:
    """The extractor ``cfg.extractor`` names; its own errors as they are."""
    from hydra.errors import InstantiationException
    from hydra.utils import instantiate

    try:
        return instantiate(cfg.extractor)
    except InstantiationException as err:
        if isinstance(err.__cause__, ExtractorError):
            raise err.__cause__ from None
        # Hydra's message names the target; its advice on HYDRA_FULL_ERROR is for Hydra's own launcher
        message = str(err).splitlines()[0].split(", set env var HYDRA_FULL_ERROR")[0].rstrip(":")
        cause = " ".join(line.strip() for line in str(err.__cause__ or "").splitlines() if line.strip())
        cause = f": {type(err.__cause__).__name__}: {cause}" if err.__cause__ is not None else ""
        raise ExtractorError(f"extractor: {message}{cause}") from None


def run(cfg: DictConfig) -> Path:
    """The Hydra task behind ``python -m bench run``."""
    checked_scoring(cfg.scoring)
    raw = OmegaConf.to_container(cfg, resolve=False)
    for key in ("run_name", "results_dir"):
        if "oc.env" in str(raw.get(key)):
            raise DataError([f"{key} must not read the environment ({raw[key]}): environment values never "
                             f"become folder names; give {key}=VALUE"])
    shard = parse_shard(cfg.data.get("shard"))
    documents, gold = load_data(cfg.data)
    test_ids = shard_ids(documents, shard)
    check_name(cfg.run_name)
    extractor = build_extractor(cfg)
    with staged_result(project_path(cfg.results_dir), cfg.run_name) as staging:
        started = time.perf_counter()
        predictions, folds = extract_all(extractor, *training_data(cfg, extractor, documents, gold), test_ids,
                                         cfg.get("folds"), cfg.get("progress", True))
        seconds = time.perf_counter() - started
        shard_gold = {d: gold[d] for d in test_ids if d in gold}
        aligned, scores = score_predictions(predictions, {d: documents[d] for d in test_ids}, shard_gold,
                                            cfg.scoring, cfg.get("clusterer"),
                                            split_of_documents(split_list(cfg.data)))
        if folds:
            scores["cross_validated"] = {"folds": folds}
        if shard:
            scores["shard"] = {"index": shard[0], "count": shard[1], "documents": test_ids}
        run_info = {"extractor": str(cfg.extractor.get("_target_")), "seconds": round(seconds, 3),
                    "documents": len(test_ids), "scored_documents": sorted(shard_gold), **sweep_info(),
                    **extractor.run_info()}
        config = without_environment(OmegaConf.to_container(cfg, resolve=True), raw)
        folder = publish(staging, config, aligned, scores, run_info, result_table(cfg.run_name, scores))
    report(cfg.run_name, scores, folder, cfg.print_table)
    return folder


def merge_shards(folders: Sequence[Path], cfg: DictConfig, name: str | None = None) -> Path:
    """Combine the result folders of the shards of one run into one run, scored once."""
    from bench.corpus import read_jsonl

    documents, gold = load_data(cfg.data)
    shards, predictions, configs = [], [], []
    for folder in folders:
        scores = json.loads((folder / "scores.json").read_text(encoding="utf-8"))
        if "shard" not in scores:
            raise DataError([f"{folder}: not a shard (run with data.shard=I/N)"])
        shards.append((scores["shard"]["index"], scores["shard"]["count"]))
        predictions += read_jsonl(folder / "predictions.jsonl", documents, allow_empty=True)
        config = OmegaConf.to_container(OmegaConf.load(folder / "config.yaml"))
        config["data"].pop("shard", None)
        configs.append(config)
    counts = {count for _, count in shards}
    if len(counts) != 1 or sorted(index for index, _ in shards) != list(range(counts.pop())):
        raise DataError([f"shards {sorted(shards)} do not cover 0..N-1 of one N exactly once"])
    if any(c["extractor"] != configs[0]["extractor"] for c in configs):
        raise DataError(["the shards were made with different extractor settings"])
    name = name or str(Path(folders[0]).parent.name)
    with staged_result(project_path(cfg.results_dir), name, "name") as staging:
        aligned, scores = score_predictions(predictions, documents, gold, cfg.scoring, cfg.get("clusterer"))
        config = {**configs[0], "merged_from": [str(f) for f in folders]}
        folder = publish(staging, config, aligned, scores, {"merged_shards": [str(f) for f in folders]},
                         result_table(name, scores))
    report(name, scores, folder)
    return folder


def report(name: str, scores: dict, folder: Path, print_table: bool = True) -> None:
    if scores["documents_without_gold"]:
        print(f"note: {len(scores['documents_without_gold'])} document(s) have no gold and were extracted "
              f"but not scored: {', '.join(scores['documents_without_gold'])}")
    if print_table:
        print(f"{name}: {scores['counts']['gold_mentions']} gold mentions, "
              f"{scores['counts']['predicted_mentions']} predicted, {scores['counts']['documents']} documents scored")
        print(headline_text(scores))
    print(f"results: {folder}")
    sys.stdout.flush()
