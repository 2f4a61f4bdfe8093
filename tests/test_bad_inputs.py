"""Every bad input ends with a clear message and a non-zero exit, and changes nothing on disk."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import cli, needs

from bench.checks import MAX_PROBLEMS
from bench.corpus import MAX_LINE_BYTES
from bench.schema import PROJECT_ROOT
from test_harness import bench

HERE = Path(__file__).parent / "bad_inputs"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
SEED = PROJECT_ROOT / "seeds" / "000_eb7b64373a13186d.txt"
SECRET = "sk-bad-inputs-3b9f1c"

#: files too large or too odd to ship: written by the test
GENERATED = {
    "huge_integer.jsonl": lambda: '{"doc_id": "000_eb7b64373a13186d", "type": "Contact:Statement", '
                                  '"trigger": {"start": ' + "7" * 5000 + ', "end": 186, "text": "sagte"}}\n',
    "deep_nesting.jsonl": lambda: "[" * 100_000 + "]" * 100_000 + "\n",
    "many_bad_arguments.jsonl": lambda: json.dumps(
        {"doc_id": "000_eb7b64373a13186d", "type": "Contact:Statement", "trigger": {"text": "sagte"},
         "arguments": [{"role": "Victim", "text": "x"}] * 20_000}) + "\n",
    "damaged_cache.sqlite": lambda: "this is not a database\0" * 200,
}


def project_digest() -> str:
    """Every file of the project but results/, caches and the package build's folders, by name, size and
    modification time (a write changes the time even when it keeps the bytes): what no bad input may change."""
    digest = hashlib.sha256()
    skip = {"results", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "build", "dist"}
    for folder, subfolders, files in os.walk(PROJECT_ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in skip and not d.endswith(".egg-info"))
        for name in sorted(files):
            stat = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def digest_before():
    return project_digest()


def case_id(case: dict) -> str:
    if "cli" in case:
        return " ".join(case["cli"])[:70]
    return " ".join(case["args"]) if "args" in case else case.get("file") or case["generated"]


def filled(text: str, places: dict[str, str]) -> str:
    for name, value in places.items():
        text = text.replace("{" + name + "}", value)
    return text


def command(case: dict, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """The case's command line, and its placeholders filled in."""
    results, work = tmp_path / "results", tmp_path / "work"
    work.mkdir()
    fifo, afile = tmp_path / "pipe", tmp_path / "plain.txt"
    os.mkfifo(fifo)
    afile.write_text("a file, not a folder\n")
    places = {"tmp": str(work), "results": str(results), "root": str(PROJECT_ROOT), "fifo": str(fifo),
              "afile": str(afile), "seed": str(SEED), "gold": str(PROJECT_ROOT / "annotations" / "gold")}
    if "generated" in case:
        places["generated"] = str(tmp_path / case["generated"])
        content = GENERATED[case["generated"]]()
        Path(places["generated"]).write_text(content, encoding="utf-8", errors="surrogatepass")
    if "file" in case:
        places["file"] = str(HERE / case["file"])
    if "cli" in case:
        args = case["cli"]
    elif "args" in case:
        args = ["run", "extractor=rules", "results_dir={results}", *case["args"]]
    else:
        path = places.get("file") or places["generated"]
        args = ["score", f"pred={path}", "results_dir={results}"] if path.endswith(".jsonl") else ["validate", path]
    return [filled(a, places) for a in args], places


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bad_input(case, tmp_path, digest_before, monkeypatch):
    monkeypatch.setenv("BENCH_TEST_SECRET", SECRET)
    args, places = command(case, tmp_path)
    done = cli(*args)
    expected = filled(case["expected"], places)
    assert done.returncode != 0
    assert expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stderr + done.stdout
    assert len(done.stderr.splitlines()) <= MAX_PROBLEMS + 8
    results = Path(places["results"])
    assert not results.exists() or [p for p in results.rglob("*") if p.is_file()] == []
    assert project_digest() == digest_before


def test_the_corpus_covers_every_class_of_bad_input():
    assert len(CASES) >= 60
    assert all((HERE / c["file"]).exists() for c in CASES if "file" in c)
    assert {c["generated"] for c in CASES if "generated" in c} == set(GENERATED)


def test_the_problem_cap_is_global_for_the_file(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text(GENERATED["many_bad_arguments.jsonl"]())
    done = cli("score", f"pred={path}", f"results_dir={tmp_path / 'r'}")
    assert len(done.stderr.splitlines()) == MAX_PROBLEMS + 1      # the problems and one line that says it stopped


def test_a_fifo_as_predictions_does_not_hang_a_real_process(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = bench("score", f"pred={fifo}", f"results_dir={tmp_path / 'r'}")
    assert done.returncode == 1 and done.stderr == f"error: {fifo}: not a regular file (a folder, pipe or device)\n"


def test_a_full_disk_is_found_before_the_extractor_runs(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    needs(made.returncode == 0, f"needs root to mount a small tmpfs: {made.stderr.decode().strip()}")
    try:
        (mount / "filler").write_bytes(b"\0" * 60_000)
        done = cli("run", "extractor=rules", f"results_dir={mount / 'results'}", "print_table=false")
        assert done.returncode == 1
        assert done.stderr == f"error: {mount / 'results'}: cannot write results there: No space left on device\n"
        assert [p.name for p in mount.iterdir()] == ["filler"]
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def _peak_rss_of(code: str) -> tuple[subprocess.CompletedProcess, int]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    return done, int(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else 0


@pytest.mark.slow
def test_a_100_mb_file_is_streamed_with_bounded_memory(tmp_path):
    big = tmp_path / "big.jsonl"
    line = json.dumps({"doc_id": "no_such_document", "type": "Contact:Statement", "trigger": {"text": "sagte"},
                       "arguments": [{"role": "Speaker", "text": "x" * 400}]}) + "\n"
    with big.open("w") as stream:
        for _ in range(100_000_000 // len(line) + 1):
            stream.write(line)
    assert big.stat().st_size >= 100_000_000
    code = (f"from bench.corpus import read_jsonl, load_documents\nfrom bench.errors import DataError\n"
            f"from bench.schema import PROJECT_ROOT\ndocs = load_documents(PROJECT_ROOT / 'seeds')\n"
            f"try:\n    read_jsonl({str(big)!r}, docs)\nexcept DataError as err:\n    print(err.problems[-1])\n"
            # this process's own peak (VmHWM): ru_maxrss would carry over the forking test process's
            f"print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))")
    done, peak_kb = _peak_rss_of(code)
    assert "line 100: 100 problems, stopped reading" in done.stdout
    assert peak_kb < 400_000            # far below the file's size: it was never read whole


def test_an_over_long_line_stops_reading(tmp_path):
    long_line = tmp_path / "long.jsonl"
    long_line.write_text('{"doc_id": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
    done = cli("score", f"pred={long_line}", f"results_dir={tmp_path / 'r'}")
    assert done.returncode == 1
    assert f"{long_line}: line 1: longer than {MAX_LINE_BYTES:,} bytes; stopped reading" in done.stderr
