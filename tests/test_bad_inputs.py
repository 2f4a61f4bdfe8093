"""Every bad input ends with a clear message and a non-zero exit, and changes nothing on disk."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.corpus import MAX_LINE_BYTES
from bench.schema import PROJECT_ROOT
from test_harness import bench

HERE = Path(__file__).parent / "bad_inputs"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def annotations_digest():
    return tree_digest(PROJECT_ROOT / "annotations")


def case_id(case: dict) -> str:
    return case.get("file") or " ".join(case["args"])


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bad_input(case, tmp_path, annotations_digest):
    results = tmp_path / "results"
    if "file" in case:
        path = HERE / case["file"]
        if path.suffix == ".jsonl":
            done = bench("score", f"pred={path}", f"results_dir={results}")
        else:
            done = bench("validate", str(path))
        expected = case["expected"].format(file=path)
    else:
        done = bench("run", "extractor=rules", f"results_dir={results}", *case["args"])
        expected = case["expected"]
    assert done.returncode != 0
    assert expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not results.exists() or not [p for p in results.rglob("*") if p.is_file()]
    assert tree_digest(PROJECT_ROOT / "annotations") == annotations_digest


def test_corpus_has_at_least_twenty_cases():
    assert len(CASES) >= 20
    assert all((HERE / c["file"]).exists() for c in CASES if "file" in c)


def _peak_rss_of(code: str) -> tuple[subprocess.CompletedProcess, int]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    return done, int(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else 0


def test_a_100_mb_file_is_streamed_with_bounded_memory(tmp_path):
    big = tmp_path / "big.jsonl"
    line = json.dumps({"doc_id": "no_such_document", "type": "Contact:Statement", "trigger": {"text": "sagte"},
                       "arguments": [{"role": "Speaker", "text": "x" * 400}]}) + "\n"
    with big.open("w") as stream:
        for _ in range(100_000_000 // len(line) + 1):
            stream.write(line)
    assert big.stat().st_size >= 100_000_000
    code = (f"import resource\nfrom bench.corpus import read_jsonl, load_documents, DataError\n"
            f"from bench.schema import PROJECT_ROOT\ndocs = load_documents(PROJECT_ROOT / 'seeds')\n"
            f"try:\n    read_jsonl({str(big)!r}, docs)\nexcept DataError as err:\n    print(err.problems[-1])\n"
            f"print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done, peak_kb = _peak_rss_of(code)
    assert "line 100: 100 problems, stopped reading" in done.stdout
    assert peak_kb < 400_000            # far below the file's size: it was never read whole


def test_an_over_long_line_stops_reading(tmp_path):
    long_line = tmp_path / "long.jsonl"
    long_line.write_text('{"doc_id": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
    done = bench("score", f"pred={long_line}", f"results_dir={tmp_path / 'r'}")
    assert done.returncode == 1
    assert f"{long_line}: line 1: longer than {MAX_LINE_BYTES:,} bytes; stopped reading" in done.stderr
