"""bench: an event-extraction benchmark for German news.

``import bench`` is light: the API (``load``, ``evaluate``, ``run``; see ``bench.api``) and the
``Scores`` result load on first use.
"""
from __future__ import annotations

__all__ = ["Dataset", "Scores", "__version__", "evaluate", "load", "run"]

_API = {"Dataset", "evaluate", "load", "run"}


def __getattr__(name: str):
    if name in _API:
        from bench import api

        return getattr(api, name)
    if name == "Scores":
        from bench.scoring.result import Scores

        return Scores
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("bench")
        except PackageNotFoundError:
            return "0+unknown"
    raise AttributeError(f"module 'bench' has no attribute {name!r}")
