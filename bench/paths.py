"""Where the project's files are: the shipped data, the working folder, and paths relative to them.

From a checkout (an editable install) both are the repository. From an installed wheel the configs,
annotations and seeds are package data inside ``bench/data/``, and results go under the current
directory.
"""
from __future__ import annotations

import os
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
_PACKAGED = Path(__file__).resolve().parent / "data"
#: the folders that ship with the benchmark (copied into the wheel as package data)
SHIPPED = ("configs", "annotations", "seeds")
#: True when running from a checkout of the repository, False from an installed wheel
IN_CHECKOUT = (_CHECKOUT / "configs" / "config.yaml").is_file() and (_CHECKOUT / "pyproject.toml").is_file()
#: where the shipped folders are
PROJECT_ROOT = _CHECKOUT if IN_CHECKOUT else _PACKAGED


def work_root() -> Path:
    """Where results are written: the checkout, or the current directory for an installed package."""
    return _CHECKOUT if IN_CHECKOUT else Path.cwd()


def project_path(path: str | os.PathLike) -> Path:
    """A config path: absolute as given; a shipped folder's path from the shipped data; any other
    relative path (``results``, a cache) from the working root."""
    path = Path(path)
    if path.is_absolute():
        return path
    return (PROJECT_ROOT if path.parts and path.parts[0] in SHIPPED else work_root()) / path


def refuse_existing(paths, flag: str) -> None:
    """DataError naming the first of ``paths`` that exists: nothing is overwritten unless ``flag`` is given."""
    from bench.errors import DataError

    for path in paths:
        if Path(path).exists():
            raise DataError([f"{path}: exists; not overwritten (add {flag} to replace it)"])
