"""``python -m bench validate``: check annotation and prediction files, report every problem."""
from __future__ import annotations

import sys
from pathlib import Path

from bench.errors import DataError
from bench.corpus import load_documents, read_annotation_file, read_jsonl, readable_file
from bench.schema import PROJECT_ROOT


def shipped_annotation_sets() -> list[tuple[list[Path], Path]]:
    """(annotation files, their documents folder): the gold and every pass of the seed articles,
    and the development set."""
    root = PROJECT_ROOT / "annotations"
    seeds = sorted((root / "gold").glob("*.json")) + sorted((root / "passes").glob("*/*.json"))
    sets = [(seeds, PROJECT_ROOT / "seeds")]
    if (root / "dev" / "gold").is_dir():
        sets.append((sorted((root / "dev" / "gold").glob("*.json")), root / "dev" / "docs"))
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
    problems, mentions, arguments = [], 0, 0
    for path in files:
        try:
            readable_file(path)
            read = read_jsonl(path, documents) if path.suffix == ".jsonl" else read_annotation_file(path, documents)
        except DataError as err:
            problems.extend(err.problems)
            continue
        mentions += len(read)
        arguments += sum(len(m.arguments) for m in read)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(files)} file(s), {mentions} event mentions, {arguments} arguments")
    return 0
