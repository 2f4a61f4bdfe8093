"""``export format=textee|hf out=DIR``: the gold of every shipped split in another toolkit's format.

The folder is written whole or not at all: the files go to a hidden staging folder beside
``DIR`` first, which takes ``DIR``'s place when all are written.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.contrib import hf, textee
from bench.corpus import load_documents, read_annotations, shipped_splits
from bench.errors import DataError

FORMATS = ("textee", "hf")


def _write_textee(splits, out: Path) -> None:
    for split, documents, gold in splits:
        textee.write_split(documents, gold, out / f"{split.name}.jsonl")


def _write_hf(splits, out: Path) -> None:
    counts = {split.name: hf.write_split(documents, gold, split.name, out) for split, documents, gold in splits}
    (out / "README.md").write_text(hf.card([s for s, _, _ in splits], counts), encoding="utf-8")


def export(fmt: str, out: Path, overwrite: bool = False) -> list[Path]:
    """Write the gold of every shipped split into the new folder ``out``; the files written."""
    writers = {"textee": _write_textee, "hf": _write_hf}
    if fmt not in writers:
        raise DataError([f"format={fmt}: unknown export format; use one of {', '.join(FORMATS)} (or leave format "
                         f"out for the interchange JSON Lines)"])
    out = Path(out)
    if out.exists() and not overwrite:
        raise DataError([f"{out}: exists; not overwritten (add overwrite=true to replace it)"])
    splits = []
    for split in shipped_splits().values():
        documents = load_documents(split.documents_dir)
        splits.append((split, documents, read_annotations(split.gold_dir, documents)))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        writers[fmt](splits, staging)
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in out.rglob("*") if p.is_file())
