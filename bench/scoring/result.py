"""The result of scoring: the dict that ``scores.json`` holds, with typed accessors for notebooks."""
from __future__ import annotations

import json
from pathlib import Path


class Scores(dict):
    """All figures of one run. It is the JSON-ready dict that ``scores.json`` holds (so every key of
    the README's layout works as before), plus ``f1``/``precision``/``recall`` of a level and span
    mode, ``to_dict`` and ``to_frame``. Figures are fractions (0 to 1), as in ``scores.json``.
    ``folder`` is the result folder when the scores were written to one."""

    folder: Path | None = None

    def entry(self, level: str = "TC", mode: str = "exact") -> dict:
        """The figures of one level and span mode: precision, recall, f1, tp, fp, fn, ci."""
        modes = self.get("levels", {})
        if mode not in modes:
            raise ValueError(f"span mode {mode!r} was not scored (scored: {', '.join(modes)})")
        if level not in modes[mode]:
            raise ValueError(f"level {level!r} was not scored (scored: {', '.join(modes[mode])})")
        return modes[mode][level]

    def f1(self, level: str = "TC", mode: str = "exact") -> float:
        return self.entry(level, mode)["f1"]

    def precision(self, level: str = "TC", mode: str = "exact") -> float:
        return self.entry(level, mode)["precision"]

    def recall(self, level: str = "TC", mode: str = "exact") -> float:
        return self.entry(level, mode)["recall"]

    def to_dict(self) -> dict:
        """A plain copy, as ``scores.json`` holds it."""
        return json.loads(json.dumps(self))

    def to_frame(self):
        """A pandas DataFrame: a row per level, columns (span mode, figure) with P, R, F1, the F1
        interval's ends and tp/fp/fn."""
        import pandas as pd

        columns = {}
        for mode, levels in self.get("levels", {}).items():
            for level, e in levels.items():
                low, high = e.get("ci", {}).get("f1", [float("nan")] * 2)
                for name, value in (("P", e["precision"]), ("R", e["recall"]), ("F1", e["f1"]),
                                    ("F1 low", low), ("F1 high", high), ("tp", e["tp"]), ("fp", e["fp"]),
                                    ("fn", e["fn"])):
                    columns.setdefault((mode, name), {})[level] = value
        frame = pd.DataFrame(columns)
        frame.columns = pd.MultiIndex.from_tuples(frame.columns)
        return frame

    def __repr__(self) -> str:
        figures = ", ".join(f"{level} {100 * e['f1']:.1f}" for level, e in self.get("levels", {}).get("exact", {}).items())
        where = f", folder={str(self.folder)!r}" if self.folder else ""
        return f"<Scores: F1 (exact) {figures}{where}>"
