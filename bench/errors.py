"""The errors a user can fix, shown as one line each (no traceback) by every command."""
from __future__ import annotations


class DataError(Exception):
    """Problems found in input files or settings, one message per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ExtractorError(Exception):
    """A setup problem the user can fix (a missing model, a missing API key): shown without traceback."""
