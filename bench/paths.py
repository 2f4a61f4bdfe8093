"""Where the project's files are: the project root and paths relative to it."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_path(path: str | os.PathLike) -> Path:
    """A config path: absolute as given, relative to the project root otherwise."""
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path


def refuse_existing(paths, flag: str) -> None:
    """DataError naming the first of ``paths`` that exists: nothing is overwritten unless ``flag`` is given."""
    from bench.errors import DataError

    for path in paths:
        if Path(path).exists():
            raise DataError([f"{path}: exists; not overwritten (add {flag} to replace it)"])
