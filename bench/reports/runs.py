"""Reading result folders: the runs that reports compare. Reports never run an extractor."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.corpus import DataError, load_documents, read_annotations, read_jsonl
from bench.harness import project_path
from bench.schema import Document, EventMention

#: folders under results/ that hold no runs
NOT_RUNS = {"comparisons"}


@dataclass
class Run:
    name: str
    folder: Path
    scores: dict
    config: dict
    predictions: list[EventMention]
    info: dict = field(default_factory=dict)
    label: str = ""


def label_runs(runs: list[Run]) -> None:
    """Name each run for tables: its name and the overrides that differ between the runs
    (sweeps), or its timestamp when they name nothing apart."""
    overrides = [{o for o in run.info.get("overrides", []) if not o.startswith("extractor=")} for run in runs]
    shared = set.intersection(*overrides) if overrides else set()
    for run, own in zip(runs, overrides):
        differing = sorted(own - shared)
        run.label = f"{run.name} [{', '.join(differing)}]" if differing else f"{run.name} ({run.folder.name})"


def latest_runs(results_dir: Path, data_cfg=None) -> list[Path]:
    """The newest complete result folder of every run name under ``results_dir``; with ``data_cfg``,
    of the runs on those documents and that gold only (not a run on the development set)."""
    folders = []
    for group in sorted(p for p in results_dir.iterdir() if p.is_dir()):
        if group.name.startswith(".") or group.name in NOT_RUNS:
            continue
        complete = sorted(p for p in group.iterdir() if (p / "scores.json").is_file() and not p.name.startswith(".")
                          and (data_cfg is None or _same_data(p, data_cfg)))
        if complete:
            folders.append(complete[-1])
    return folders


def _same_data(folder: Path, data_cfg) -> bool:
    saved = (yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8")) or {}).get("data") or {}
    return all(project_path(saved.get(key, "")) == project_path(data_cfg[key]) for key in ("documents_dir", "gold_dir"))


def sweep_runs(results_dir: Path, sweep: str | None = None) -> list[Path]:
    """Every complete result folder of one sweep (default: the most recent sweep)."""
    found: dict[str, list[Path]] = {}
    for info_path in results_dir.glob("*/*/run.json"):
        if (info_path.parent / "scores.json").is_file() and not info_path.parent.name.startswith("."):
            name = json.loads(info_path.read_text(encoding="utf-8")).get("sweep")
            if name:
                found.setdefault(name, []).append(info_path.parent)
    if not found:
        raise DataError([f"{results_dir}: no runs of a sweep (python -m bench run -m ...)"])
    chosen = sweep or max(found)
    if chosen not in found:
        raise DataError([f"{results_dir}: no sweep {chosen!r}; sweeps: {', '.join(sorted(found))}"])
    return sorted(found[chosen])


def load_run(folder: Path, documents: dict[str, Document]) -> Run:
    scores_path = folder / "scores.json"
    if not scores_path.is_file():
        raise DataError([f"{folder}: not a result folder (no scores.json)"])
    config = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8")) or {}
    info_path = folder / "run.json"
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    return Run(name=folder.parent.name, folder=folder, config=config, info=info,
               scores=json.loads(scores_path.read_text(encoding="utf-8")),
               predictions=read_jsonl(folder / "predictions.jsonl", documents, require_offsets=True,
                                          allow_empty=True))


def load_runs(folders: list[Path], data_cfg) -> tuple[list[Run], dict[str, Document], dict[str, list[EventMention]]]:
    """Runs, with the documents and gold of ``data_cfg`` (the same data they were scored on)."""
    if not folders:
        raise DataError(["no result folders to compare: run an extractor first (python -m bench run ...)"])
    documents = load_documents(project_path(data_cfg.documents_dir))
    gold = read_annotations(project_path(data_cfg.gold_dir), documents)
    runs = [load_run(folder, documents) for folder in folders]
    label_runs(runs)
    return runs, documents, gold
