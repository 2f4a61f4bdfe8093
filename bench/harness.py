"""The benchmark run: documents -> extractor -> aligned predictions -> scores -> result folder.

A result folder is written under a temporary name and renamed when complete, so a
failed or interrupted run leaves no half-written folder that ``compare`` would read.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ValidationError

from bench.align import align
from bench.corpus import DataError, load_documents, read_annotations, write_jsonl
from bench.extractors.base import Extractor, ExtractorError
from bench.extractors.clusterers import CLUSTERERS
from bench.reports.tables import headline_markdown, headline_text
from bench.schema import PROJECT_ROOT, Document, EventMention, load_ontology
from bench.scoring import LEVELS, MODES, score
from bench.scoring.coref import attribute_scores, coreference_scores

_SECRET_KEY = re.compile(r"(api[_-]?key|token|secret|password)$", re.IGNORECASE)


def project_path(path: str | os.PathLike) -> Path:
    """A config path: absolute as given, relative to the project root otherwise."""
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path


def redacted(config: dict) -> dict:
    """The config with any value under a secret-looking key replaced."""
    if isinstance(config, dict):
        return {k: ("<redacted>" if _SECRET_KEY.search(str(k)) and v else redacted(v)) for k, v in config.items()}
    if isinstance(config, list):
        return [redacted(v) for v in config]
    return config


def load_data(data_cfg) -> tuple[dict[str, Document], dict[str, list[EventMention]]]:
    documents = load_documents(project_path(data_cfg.documents_dir))
    gold_dir = project_path(data_cfg.gold_dir)
    gold = read_annotations(gold_dir, documents) if gold_dir.is_dir() else {}
    return documents, gold


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
    unknown = sorted(set(settings.levels) - set(LEVELS)) + sorted(set(settings.modes) - set(MODES))
    if unknown or not 0 < settings.confidence < 1 or settings.bootstrap_samples < 0:
        raise DataError([f"scoring config: levels must be among {', '.join(LEVELS)}, modes among "
                         f"{', '.join(MODES)}, 0 < confidence < 1, bootstrap_samples >= 0"])
    return settings


def score_predictions(predictions: Sequence[EventMention], documents: dict[str, Document],
                      gold: dict[str, list[EventMention]], scoring_cfg,
                      clusterer: str | None = None) -> tuple[list[EventMention], dict]:
    """Align, cluster if asked, then score on the documents that have gold; the scores say which
    documents were left out."""
    scoring_cfg = checked_scoring(scoring_cfg)
    if clusterer and clusterer not in CLUSTERERS:
        raise DataError([f"clusterer must be one of {', '.join(CLUSTERERS)}, got {clusterer!r}"])
    aligned, report = align(predictions, documents)
    if clusterer:
        aligned = CLUSTERERS[clusterer](aligned)
    scored_docs = {doc_id: documents[doc_id] for doc_id in gold}
    gold_mentions = [m for doc_id in sorted(gold) for m in gold[doc_id]]
    scores = score(gold_mentions, [m for m in aligned if m.doc_id in gold], scored_docs,
                   exclude_roles=list(scoring_cfg.exclude_roles), levels=list(scoring_cfg.levels),
                   modes=list(scoring_cfg.modes), bootstrap_samples=scoring_cfg.bootstrap_samples,
                   seed=scoring_cfg.seed, confidence=scoring_cfg.confidence)
    if scoring_cfg.coref:
        predicted = [m for m in aligned if m.doc_id in gold]
        scores["attributes"] = attribute_scores(gold_mentions, predicted, scored_docs, load_ontology().attributes)
        scores["coreference"] = coreference_scores(gold_mentions, predicted, scored_docs) or "not predicted"
    scores["alignment"] = dict(sorted(report.items()))
    scores["documents_without_gold"] = sorted(set(documents) - set(gold))
    return aligned, scores


def write_result(results_dir: Path, name: str, config: dict, predictions: Sequence[EventMention], scores: dict,
                 run_info: dict) -> Path:
    """Write a complete result folder under a temporary name, then rename it into place."""
    group = results_dir / name
    group.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d_%H-%M-%S")
    staging = group / f".incomplete-{stamp}-{os.getpid()}"
    staging.mkdir()
    try:
        (staging / "config.yaml").write_text(OmegaConf.to_yaml(OmegaConf.create(redacted(config))), encoding="utf-8")
        write_jsonl(predictions, staging / "predictions.jsonl")
        (staging / "scores.json").write_text(json.dumps(scores, indent=1, ensure_ascii=False), encoding="utf-8")
        (staging / "table.md").write_text(f"# {name}\n\n" + headline_markdown(scores), encoding="utf-8")
        (staging / "run.json").write_text(json.dumps(run_info, indent=1, ensure_ascii=False), encoding="utf-8")
        for attempt in range(1000):
            final = group / (stamp if attempt == 0 else f"{stamp}-{attempt}")
            try:
                staging.rename(final)   # fails if the folder exists and is not empty
                return final
            except OSError:
                if not final.exists():
                    raise
        raise RuntimeError(f"no free result folder name under {group}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def document_folds(doc_ids: Sequence[str], gold_ids: Sequence[str], k: int | None = None) -> list[dict]:
    """Folds by document: each gold document is tested once, by a model trained on the other gold
    documents (leave-one-document-out, or ``k`` folds); documents without gold are predicted
    by a model trained on all gold documents."""
    gold_ids = sorted(gold_ids)
    k = len(gold_ids) if not k else min(k, len(gold_ids))
    folds = [{"test": gold_ids[i::k]} for i in range(k)] if gold_ids else []
    for fold in folds:
        fold["train"] = [d for d in gold_ids if d not in fold["test"]]
    unannotated = sorted(set(doc_ids) - set(gold_ids))
    if unannotated:
        folds.append({"test": unannotated, "train": gold_ids})
    return folds


def extract_all(extractor: Extractor, documents: dict[str, Document], gold: dict[str, list[EventMention]],
                folds: int | None = None) -> tuple[list[EventMention], list[dict]]:
    """Predictions for every document; trainable extractors are fitted per fold."""
    if not extractor.trainable:
        ordered = [documents[d] for d in sorted(documents)]
        return [m for mentions in extractor.extract_batch(ordered) for m in mentions], []
    plan = document_folds(sorted(documents), sorted(gold), folds)
    predictions = []
    for fold in plan:
        extractor.fit([documents[d] for d in fold["train"]], {d: gold[d] for d in fold["train"]})
        for mentions in extractor.extract_batch([documents[d] for d in fold["test"]]):
            predictions += mentions
    return predictions, plan


def run(cfg: DictConfig) -> Path:
    """The Hydra task behind ``python -m bench run``."""
    from hydra.errors import InstantiationException
    from hydra.utils import instantiate

    checked_scoring(cfg.scoring)
    documents, gold = load_data(cfg.data)
    try:
        extractor = instantiate(cfg.extractor)
    except InstantiationException as err:
        if isinstance(err.__cause__, ExtractorError):
            raise err.__cause__ from None
        raise
    started = time.perf_counter()
    predictions, folds = extract_all(extractor, documents, gold, cfg.get("folds"))
    seconds = time.perf_counter() - started
    aligned, scores = score_predictions(predictions, documents, gold, cfg.scoring, cfg.get("clusterer"))
    if folds:
        scores["cross_validated"] = {"folds": folds}
    run_info = {"extractor": str(cfg.extractor.get("_target_")), "seconds": round(seconds, 3),
                "documents": len(documents), "scored_documents": sorted(gold), **extractor.run_info()}
    config = OmegaConf.to_container(cfg, resolve=True)
    folder = write_result(project_path(cfg.results_dir), cfg.run_name, config, aligned, scores, run_info)
    report(cfg.run_name, scores, folder, cfg.print_table)
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
