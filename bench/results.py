"""Result folders: ``results/<name>/<timestamp>/``, written whole or not at all.

A folder is staged under a hidden temporary name before the work starts (so an
unwritable or full ``results_dir`` fails at once, not after an hour of extraction),
filled, and renamed into place when complete. A failure or an interrupt (Ctrl-C,
SIGTERM) removes the staging folder, so nothing half-written is ever read, and no
existing folder is overwritten. The run's headline table (``table.md``, and what a run
prints) is made here too, from its ``scores.json``.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from bench.checks import dumps
from bench.corpus import write_jsonl
from bench.errors import DataError
from bench.schema import EventMention

#: a run name is one path component: letters, digits and ``_ . + , = -``, starting with a letter or digit
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+,=-]{0,119}")
_SECRET_KEY = re.compile(r"(api[_-]?key|token|secret|password)$", re.IGNORECASE)
#: bytes written (and synced) into a new staging folder to find a full disk before the work starts
_PROBE_BYTES = 256 * 1024


def check_name(name, key: str = "run_name") -> str:
    """``name`` if it is a safe folder name under ``results/``; DataError otherwise."""
    if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
        raise DataError([f"{key} must be one folder name of letters, digits and '_.+,=-' (at most 120, starting "
                         f"with a letter or digit), got {str(name)[:80]!r}; choose another with {key}=NAME"])
    return name


def redacted(config):
    """The config with any value under a secret-looking key replaced."""
    if isinstance(config, dict):
        return {k: ("<redacted>" if _SECRET_KEY.search(str(k)) and v else redacted(v)) for k, v in config.items()}
    if isinstance(config, list):
        return [redacted(v) for v in config]
    return config


def without_environment(resolved, raw):
    """``resolved`` with every value that an ``${oc.env:...}`` interpolation in ``raw`` produced put back
    as the interpolation, so that no environment value (a key, a home folder) reaches a saved file."""
    if isinstance(raw, str) and "oc.env" in raw:
        return raw
    if isinstance(resolved, dict) and isinstance(raw, dict):
        return {k: without_environment(v, raw.get(k)) for k, v in resolved.items()}
    if isinstance(resolved, list) and isinstance(raw, list) and len(raw) == len(resolved):
        return [without_environment(v, r) for v, r in zip(resolved, raw)]
    return resolved


@contextmanager
def staged_result(results_dir: Path, name: str, key: str = "run_name") -> Iterator[Path]:
    """A new, empty staging folder for a result of ``name`` (the setting ``key``); removed, with a
    group folder made for it, unless ``publish`` moved it into place."""
    check_name(name, key)
    group = Path(results_dir) / name
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d_%H-%M-%S")
    made = next((p for p in reversed([group, *group.parents]) if not p.exists()), None)   # first folder it makes
    staging = group / f".incomplete-{stamp}-{os.getpid()}"
    try:
        try:
            group.mkdir(parents=True, exist_ok=True)
            remove_stale_staging(group)
            staging.mkdir()
            with (staging / ".probe").open("wb") as stream:
                stream.write(b"\0" * _PROBE_BYTES)
                stream.flush()
                os.fsync(stream.fileno())
            (staging / ".probe").unlink()
        except OSError as err:
            raise DataError([f"{results_dir}: cannot write results there: {err.strerror or err}"]) from None
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if made is not None and made.is_dir() and not any(p.is_file() for p in made.rglob("*")):
            shutil.rmtree(made, ignore_errors=True)


def shared_results_dir(folders: Sequence[Path]) -> Path | None:
    """The results folder that holds each of these result folders (``<results>/<name>/<timestamp>``), if
    they share one: where a command that reads them (rescore, merge, compare) writes beside them."""
    homes = {Path(folder).resolve().parent.parent for folder in folders}
    return homes.pop() if len(homes) == 1 else None


def remove_stale_staging(group: Path) -> None:
    """Remove the staging folders in ``group`` of processes that no longer run (killed with SIGKILL,
    or by a power cut): nothing reads them, and nothing else would clean them."""
    for folder in group.glob(".incomplete-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish(staging: Path, config: dict, predictions: Sequence[EventMention], scores: dict, run_info: dict,
            table: str) -> Path:
    """Fill the staging folder and rename it to its timestamp (with a suffix if that is taken)."""
    import yaml

    (staging / "config.yaml").write_text(yaml.safe_dump(redacted(config), allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    write_jsonl(predictions, staging / "predictions.jsonl")
    (staging / "scores.json").write_text(dumps(scores, indent=True), encoding="utf-8")
    (staging / "table.md").write_text(table, encoding="utf-8")
    (staging / "run.json").write_text(dumps(run_info, indent=True), encoding="utf-8")
    return rename_into_place(staging)


def rename_into_place(staging: Path) -> Path:
    """Rename a filled staging folder to its timestamp, with a suffix if that name is taken."""
    stamp = staging.name.removeprefix(".incomplete-").rsplit("-", 1)[0]
    for attempt in range(1000):
        final = staging.parent / (stamp if attempt == 0 else f"{stamp}-{attempt}")
        try:
            staging.rename(final)   # fails if the folder exists and is not empty
            return final
        except OSError:
            if not final.exists():
                raise
    raise DataError([f"no free result folder name under {staging.parent}"])


# --- the headline table of one result ------------------------------------------------


def headline_rows(scores: dict, mode: str = "exact") -> dict[str, dict]:
    """One row per level: P, R, F1 with the F1 interval and the counts."""
    interval = f"F1 {100 * scores.get('settings', {}).get('confidence', 0.95):g}% CI"
    rows = {}
    for level, entry in scores["levels"][mode].items():
        low, high = entry.get("ci", {}).get("f1", [float("nan")] * 2)
        rows[level] = {"P": 100 * entry["precision"], "R": 100 * entry["recall"], "F1": 100 * entry["f1"],
                       interval: f"{100 * low:.1f}-{100 * high:.1f}", "tp": entry["tp"], "fp": entry["fp"],
                       "fn": entry["fn"]}
    return rows


def attribute_rows(scores: dict) -> dict[str, dict]:
    """Accuracy and macro-F1 over matched triggers, and TC + attribute F1 (exact spans)."""
    rows = {}
    for name, entry in scores["attributes"].items():
        if isinstance(entry, str):
            rows[name] = {"accuracy": None, "macro F1": None, "TC+attr F1": None, "note": entry}
        else:
            exact = entry["exact"]
            rows[name] = {"accuracy": 100 * exact["accuracy"], "macro F1": 100 * exact["macro_f1"],
                          "TC+attr F1": 100 * exact["tc_plus_attribute"]["f1"], "note": ""}
    return rows


def coreference_rows(scores: dict) -> dict[str, dict]:
    """F1 of every coreference metric, per scope and singleton setting."""
    coref = scores["coreference"]
    if not isinstance(coref, dict):
        return {"": {"note": "not predicted"}}
    return {setting: {**{m: 100 * v[m]["f1"] for m in ("muc", "b3", "ceafe", "blanc", "lea")},
                      "CoNLL F1": 100 * v["conll_f1"]} for setting, v in coref.items()}


def split_rows(scores: dict, mode: str = "exact") -> dict[str, dict]:
    """F1 per level on each split, on all of them, and the gap between the best and worst split."""
    splits = scores["splits"]
    rows = {}
    for level, entry in scores["levels"][mode].items():
        by_split = {name: 100 * split["levels"][mode][level]["f1"] for name, split in splits.items()}
        rows[level] = {**by_split, "all": 100 * entry["f1"], "gap": max(by_split.values()) - min(by_split.values())}
    return rows


def _tables(scores: dict):
    """The headline tables of a result, as (title, rows by label)."""
    for mode in scores["levels"]:
        title = {"head": "argument heads (triggers exact)", "entity": "argument entities (triggers exact)"}
        yield title.get(mode, f"{mode} spans"), headline_rows(scores, mode)
    if "splits" in scores:
        for mode in scores["levels"]:
            yield f"F1 by split ({mode} spans)", split_rows(scores, mode)
    if "attributes" in scores:
        yield "attributes (exact spans)", attribute_rows(scores)
    if "coreference" in scores:
        yield "event coreference (F1)", coreference_rows(scores)


def _render(rows: dict[str, dict], style: str) -> str:
    """A table of rows by label in a tabulate style; numbers to one decimal, a missing value as -."""
    from tabulate import tabulate  # light: a run prints its table without importing pandas

    columns = list(dict.fromkeys(column for row in rows.values() for column in row))
    body = [[label, *(row.get(column) for column in columns)] for label, row in rows.items()]
    return tabulate(body, headers=["", *columns], tablefmt=style, floatfmt=".1f", missingval="-")


def cross_validation_note(scores: dict) -> str | None:
    """How the scores were obtained when a trainable extractor ran in folds by document."""
    folds = scores.get("cross_validated", {}).get("folds")
    if not folds:
        return None
    return (f"cross-validated by document: {len(folds)} folds, each document extracted by a model "
            "fitted on other documents only")


def headline_text(scores: dict) -> str:
    note = cross_validation_note(scores)
    tables = "\n\n".join(f"{title}\n" + _render(rows, "plain") for title, rows in _tables(scores))
    return f"{note}\n\n{tables}" if note else tables


def result_table(name: str, scores: dict) -> str:
    """The ``table.md`` of a result folder."""
    cross = " (cross-validated by document)" if "cross_validated" in scores else ""
    return f"# {name}{cross}\n\n" + headline_markdown(scores)


def headline_markdown(scores: dict) -> str:
    note = cross_validation_note(scores)
    tables = "\n\n".join(f"### {title}\n\n" + _render(rows, "pipe") for title, rows in _tables(scores))
    return (f"*{note}*\n\n" if note else "") + tables + "\n"
