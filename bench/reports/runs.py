"""Reading result folders: the runs that reports compare. Reports never run an extractor."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.errors import DataError
from bench.corpus import read_jsonl
from bench.schema import Document, EventMention

#: folders under results/ that hold no runs
NOT_RUNS = {"comparisons"}
#: overrides that no run label shows: they name the run or its folder, or change only what a run prints
#: or how it is launched, never its scores
UNLABELLED_OVERRIDES = ("extractor=", "run_name=", "results_dir=", "print_table=", "progress=", "hydra/", "hydra.")


@dataclass
class Run:
    name: str
    folder: Path
    scores: dict
    config: dict
    predictions: list[EventMention]
    info: dict = field(default_factory=dict)
    label: str = ""
    #: a name unique among the compared runs, safe in file names and anchors
    key: str = ""


def label_runs(runs: list[Run]) -> None:
    """Name each run for tables: its name, with the overrides that differ between the runs (sweeps),
    or with its timestamp when several runs of one name differ in nothing else. Overrides that only name the run or
    its folder, or only change its printing or launcher (``UNLABELLED_OVERRIDES``), are left out."""
    overrides = [{o for o in run.info.get("overrides", []) if not o.startswith(UNLABELLED_OVERRIDES)} for run in runs]
    shared = set.intersection(*overrides) if overrides else set()
    names = Counter(run.name for run in runs)
    for run, own in zip(runs, overrides):
        differing = sorted(own - shared)
        if differing:
            run.label = f"{run.name} [{', '.join(differing)}]"
        else:
            run.label = run.name if names[run.name] == 1 else f"{run.name} ({run.folder.name})"
        run.key = run.name if names[run.name] == 1 else f"{run.name}-{run.folder.name}"


def latest_runs(results_dir: Path, fingerprint: str | None = None) -> tuple[list[Path], list[str]]:
    """The newest complete result folder of every run name under ``results_dir``; with ``fingerprint``,
    of the runs scored on exactly those documents and that gold (not a shard, not another split).
    Also: a line for each run name left out, and why."""
    folders, left_out = [], []
    for group in sorted(p for p in results_dir.iterdir() if p.is_dir()):
        if group.name.startswith(".") or group.name in NOT_RUNS:
            continue
        complete = sorted(p for p in group.iterdir() if (p / "scores.json").is_file() and not p.name.startswith("."))
        same = [p for p in complete if fingerprint is None or run_fingerprint(p) == fingerprint]
        if same:
            folders.append(same[-1])
        elif complete:
            left_out.append(f"{group.name}: no run on these documents and gold (newest: {complete[-1].name})")
    return folders, left_out


def run_fingerprint(folder: Path) -> str | None:
    """The data fingerprint a run was scored on (None for a run made before fingerprints)."""
    try:
        return json.loads((folder / "scores.json").read_text(encoding="utf-8")).get("data", {}).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


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
               predictions=read_jsonl(folder / "predictions.jsonl", documents,
                                          allow_empty=True))


def load_runs(folders: list[Path], documents: dict[str, Document], fingerprint: str) -> list[Run]:
    """Runs, all scored on the documents and gold whose ``fingerprint`` is given; DataError otherwise."""
    if not folders:
        raise DataError(["no result folders to compare: run an extractor first (python -m bench run ...)"])
    other = [f"{folder}: scored on other documents or gold than the chosen data (a shard, another split, "
             f"or a run before the gold changed)" for folder in folders if run_fingerprint(folder) != fingerprint]
    if other:
        raise DataError(other + ["compare only runs on the same data: pick the data with data=NAME"])
    runs = [load_run(folder, documents) for folder in folders]
    label_runs(runs)
    return runs
