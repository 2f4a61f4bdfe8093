"""Work on many mentions at once (reading, aligning, scoring) with the cyclic garbage collector paused."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc():
    """Pause the cyclic garbage collector (a context manager or a decorator). Mentions, spans and the
    values read from JSON hold no cycles, and the collector's passes over millions of live objects
    cost more than the work; reference counting still frees everything at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
