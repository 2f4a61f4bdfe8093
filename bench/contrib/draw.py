"""The seeded draw of the der Standard splits (``gnad``, ``gnad_dev``) from 10kGNAD.

Each category's articles of 1,000 to 5,000 characters are shuffled with one seeded
generator; the test split takes the first ones of each category, the development split
the next ones. The rest of each order is the reserve: an article the annotators find no
event of the ontology in is replaced by the first unused article of its category's
reserve. The draw is reproducible from the CSV file alone::

    python -m bench.contrib.draw ../shared/data/10kgnad/articles.csv
"""
from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

SEED = 20261203
MIN_CHARS, MAX_CHARS = 1_000, 5_000
TEST_PER_CATEGORY = {"International": 8, "Inland": 8, "Panorama": 8, "Wirtschaft": 6}
DEV_PER_CATEGORY = {"International": 3, "Inland": 3, "Panorama": 3, "Wirtschaft": 3}
#: articles replaced because they hold no event of the ontology (row numbers), in the order found
REDRAWN: tuple[int, ...] = ()


@dataclass(frozen=True)
class Article:
    row: int            # 0-based line number in articles.csv
    category: str
    text: str

    def doc_id(self, split: str) -> str:
        return f"{split}_{self.row:04d}"


def read_articles(csv_path: Path) -> list[Article]:
    with Path(csv_path).open(encoding="utf-8", newline="") as stream:
        return [Article(row, category, text)
                for row, (category, text) in enumerate(csv.reader(stream, delimiter=";", quotechar="'"))]


def draw(articles: list[Article], seed: int = SEED, redrawn: tuple[int, ...] = REDRAWN) -> dict[str, list[Article]]:
    """The split name -> its articles, by category order, then draw order."""
    rng = random.Random(seed)
    splits: dict[str, list[Article]] = {"gnad": [], "gnad_dev": []}
    for category in TEST_PER_CATEGORY:
        order = [a for a in articles if a.category == category and MIN_CHARS <= len(a.text) <= MAX_CHARS]
        rng.shuffle(order)
        order = [a for a in order if a.row not in redrawn]
        test, dev = TEST_PER_CATEGORY[category], DEV_PER_CATEGORY[category]
        splits["gnad"] += order[:test]
        splits["gnad_dev"] += order[test:test + dev]
    return splits


def write_split(articles: list[Article], split: str, docs_dir: Path) -> None:
    docs_dir.mkdir(parents=True, exist_ok=True)
    for article in articles:
        (docs_dir / f"{article.doc_id(split)}.txt").write_text(article.text + "\n", encoding="utf-8")


def sources_table(articles: list[Article], split: str) -> str:
    lines = ["| document | row in articles.csv | category | characters |", "|---|---|---|---|"]
    lines += [f"| `{a.doc_id(split)}` | {a.row} | {a.category} | {len(a.text):,} |" for a in articles]
    return "\n".join(lines)


if __name__ == "__main__":
    from bench.paths import PROJECT_ROOT

    splits = draw(read_articles(Path(sys.argv[1])))
    for name, chosen in splits.items():
        write_split(chosen, name, PROJECT_ROOT / "annotations" / name / "docs")
        print(f"## {name}\n\n{sources_table(chosen, name)}\n")
