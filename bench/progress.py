"""Progress bars for long work (extraction, training folds, comparisons): tqdm on standard error,
shown only when it is a terminal, and off with ``progress=false``."""
from __future__ import annotations

import sys
from collections.abc import Iterable


def progress(items: Iterable, total: int | None = None, what: str = "", unit: str = "it", enabled: bool = True):
    """``items``, counted on a bar while they are consumed."""
    from tqdm import tqdm

    return tqdm(items, total=total, desc=what, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True,
                disable=None if enabled else True)
