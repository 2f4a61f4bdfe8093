"""``python -m bench validate``: check annotation and prediction files, report every problem."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from bench.corpus import load_documents, read_annotation_file, read_jsonl, readable_file, shipped_splits
from bench.errors import DataError
from bench.schema import PROJECT_ROOT, load_ontology


def shipped_annotation_sets() -> list[tuple[list[Path], Path]]:
    """(annotation files, their documents folder): the gold and the passes of every shipped split."""
    sets = []
    for split in shipped_splits().values():
        files = sorted(split.gold_dir.glob("*.json"))
        if split.passes_dir is not None:
            files += sorted(split.passes_dir.glob("*/*.json"))
        sets.append((files, split.documents_dir))
    return sets


def validate(paths: list[Path], documents_dir: Path = PROJECT_ROOT / "seeds") -> int:
    """Exit status 0 and a summary line when all is well; 1 and one line per problem otherwise."""
    if not paths:
        statuses = [_validate_files(files, folder) for files, folder in shipped_annotation_sets()]
        return max(statuses)
    files = []
    for path in paths:
        files += sorted(path.glob("*.json")) + sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return _validate_files(files, documents_dir)


def _validate_files(files: list[Path], documents_dir: Path) -> int:
    documents = load_documents(documents_dir)
    if not files:
        print("error: no annotation files to validate", file=sys.stderr)
        return 1
    problems, mentions, arguments, versions = [], 0, 0, Counter()
    for path in files:
        try:
            readable_file(path)
            read = read_jsonl(path, documents) if path.suffix == ".jsonl" else read_annotation_file(path, documents)
        except DataError as err:
            problems.extend(err.problems)
            continue
        mentions += len(read)
        arguments += sum(len(m.arguments) for m in read)
        if path.suffix == ".json":
            versions[json.loads(path.read_text(encoding="utf-8")).get("ontology_version")] += 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    named = "; ".join(f"{n} of ontology version {v}" for v, n in sorted(versions.items()))
    print(f"ok: {len(files)} file(s), {mentions} event mentions, {arguments} arguments"
          + (f" ({named}, read under version {load_ontology().version})" if named else ""))
    return 0
