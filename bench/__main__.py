"""Command line: ``python -m bench COMMAND``. Each command is a thin call into the package."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.corpus import DataError
from bench.extractors.base import ExtractorError
from bench.schema import PROJECT_ROOT

CONFIG_DIR = str(PROJECT_ROOT / "configs")

COMMANDS = {
    "run": "run an extractor and score it (Hydra overrides: extractor=NAME, -m for sweeps)",
    "score": "score a predictions file: score pred=FILE [name=NAME] [scoring.*=...]",
    "validate": "validate annotation files (default: the shipped gold): validate [PATH ...]",
    "export": "write the gold as JSON Lines: export out=FILE",
    "stats": "the gold's size: documents, mentions per type, arguments per role, clusters [data=dev]",
    "agree": "inter-annotator agreement of two or more annotation folders: agree A B [C ...]",
    "annotate": "authoring tools: annotate compile SRC [--out DIR]",
    "convert": "annotation files to/from brat and INCEpTION: convert KIND SRC OUT "
               "(to-brat, from-brat, to-inception, from-inception)",
    "merge": "combine the result folders of a run's shards into one scored run: merge RUN_DIR ... [name=NAME]",
    "compare": "leaderboard, significance, plots, HTML: compare [RUN_DIR ...] [--out DIR] [--readme]",
    "readme": "regenerate the README's figures from the data (--check: fail if out of date)",
}


def _usage() -> str:
    lines = ["usage: python -m bench COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<9} {text}" for name, text in COMMANDS.items()]
    return "\n".join(lines)


def _hydra_run(args: list[str]) -> int:
    import hydra
    from omegaconf import OmegaConf

    from bench.harness import project_path, run

    if not OmegaConf.has_resolver("project_path"):
        OmegaConf.register_new_resolver("project_path", lambda path: str(project_path(path)))

    @hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
    def task(cfg) -> None:
        try:
            run(cfg)
        except (DataError, ExtractorError) as err:
            print(f"error: {err}", file=sys.stderr)
            sys.exit(1)

    sys.argv = [f"{sys.argv[0]} run", *args]
    task()
    return 0


def _key_values(args: list[str], command: str) -> list[str]:
    bad = [a for a in args if "=" not in a]
    if bad:
        raise SystemExit(f"error: {command} takes key=value arguments, got {' '.join(bad)}")
    return args


def _compose(overrides: list[str]):
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=overrides)


def _score(args: list[str]) -> int:
    from omegaconf import OmegaConf

    from bench.corpus import read_jsonl
    from bench.harness import load_data, project_path, report, score_predictions, write_result

    pairs = dict(a.split("=", 1) for a in _key_values(args, "score"))
    if "pred" not in pairs:
        raise SystemExit("error: score needs pred=FILE (predictions in the interchange JSON Lines format)")
    pred_path = Path(pairs.pop("pred"))
    name = pairs.pop("name", pred_path.stem)
    cfg = _compose([f"{k}={v}" for k, v in pairs.items()] + ["extractor=rules"])
    documents, gold = load_data(cfg.data)
    predictions = read_jsonl(pred_path, documents)
    aligned, scores = score_predictions(predictions, documents, gold, cfg.scoring, cfg.get("clusterer"))
    config = {"predictions": str(pred_path), "data": OmegaConf.to_container(cfg.data),
              "scoring": OmegaConf.to_container(cfg.scoring)}
    folder = write_result(project_path(cfg.results_dir), name, config, aligned, scores,
                          {"predictions_file": str(pred_path)})
    report(name, scores, folder)
    return 0


def _validate(args: list[str]) -> int:
    from bench.contrib.validate import validate

    return validate([Path(a) for a in args])


def _export(args: list[str]) -> int:
    from bench.corpus import iter_sorted, write_jsonl
    from bench.harness import load_data

    pairs = dict(a.split("=", 1) for a in _key_values(args, "export"))
    if "out" not in pairs:
        raise SystemExit("error: export needs out=FILE")
    out = Path(pairs.pop("out"))
    documents, gold = load_data(_compose([f"{k}={v}" for k, v in pairs.items()]).data)
    write_jsonl(iter_sorted(gold), out)
    print(f"wrote {sum(len(v) for v in gold.values())} gold event mentions to {out}")
    return 0


def _stats(args: list[str]) -> int:
    from bench.contrib.stats import gold_statistics_markdown
    from bench.harness import load_data

    documents, gold = load_data(_compose(_key_values(args, "stats")).data)
    print(gold_statistics_markdown(documents, gold))
    return 0


def _agree(args: list[str]) -> int:
    from bench.contrib.agreement import agreement_markdown, load_annotation_sets
    from bench.harness import load_data

    parser = argparse.ArgumentParser(prog="python -m bench agree")
    parser.add_argument("folders", nargs="+", type=Path, help="annotation folders, one per annotator")
    parser.add_argument("--authoring", action="store_true", help="the folders hold authoring-format files")
    options = parser.parse_args(args)
    if len(options.folders) < 2:
        parser.error("agree needs two or more annotation folders")
    documents, _ = load_data(_compose([]).data)
    sets = load_annotation_sets(options.folders, documents, authoring=options.authoring)
    print(agreement_markdown(sets, documents))
    return 0


def _annotate(args: list[str]) -> int:
    from bench.contrib.authoring import compile_folder
    from bench.corpus import load_documents
    from bench.harness import project_path

    parser = argparse.ArgumentParser(prog="python -m bench annotate")
    sub = parser.add_subparsers(dest="action", required=True)
    comp = sub.add_parser("compile", help="authoring files (no offsets) -> annotation files")
    comp.add_argument("src", type=Path, help="an authoring file or a folder of them")
    comp.add_argument("--out", type=Path, default=PROJECT_ROOT / "annotations" / "gold")
    comp.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. data=dev")
    options = parser.parse_args(args)
    documents = load_documents(project_path(_compose(options.overrides).data.documents_dir))
    for path in compile_folder(options.src, options.out, documents):
        print(f"wrote {path}")
    return 0


def _convert(args: list[str]) -> int:
    from bench.contrib.convert import CONVERSIONS, convert
    from bench.corpus import load_documents
    from bench.harness import project_path

    parser = argparse.ArgumentParser(prog="python -m bench convert")
    parser.add_argument("kind", choices=list(CONVERSIONS),
                        help="to-brat/to-inception: annotation files -> tool; from-*: tool -> annotation files")
    parser.add_argument("src", type=Path, help="folder to read")
    parser.add_argument("out", type=Path, help="folder to write")
    options = parser.parse_args(args)
    documents = load_documents(project_path(_compose([]).data.documents_dir))
    for path in convert(options.kind, options.src, options.out, documents):
        print(f"wrote {path}")
    return 0


def _merge(args: list[str]) -> int:
    from bench.harness import merge_shards

    folders = [Path(a) for a in args if "=" not in a]
    pairs = dict(a.split("=", 1) for a in args if "=" in a)
    if not folders:
        raise SystemExit("error: merge needs the result folders of the shards")
    name = pairs.pop("name", None)
    merge_shards(folders, _compose([f"{k}={v}" for k, v in pairs.items()]), name)
    return 0


def _compare(args: list[str]) -> int:
    from bench.contrib.readme import update_results_section
    from bench.harness import project_path
    from bench.reports.compare import compare

    parser = argparse.ArgumentParser(prog="python -m bench compare")
    parser.add_argument("runs", nargs="*", type=Path,
                        help="result folders (default: the latest run of each name on the chosen data), "
                             "and key=value overrides")
    parser.add_argument("--out", type=Path, help="output folder (default: results/comparisons/<timestamp>)")
    parser.add_argument("--samples", type=int, default=10_000, help="bootstrap resamples of the paired test")
    parser.add_argument("--readme", action="store_true", help="also put the leaderboard into README.md")
    parser.add_argument("--sweep", nargs="?", const="latest", help="every run of a sweep (default: the latest)")
    options = parser.parse_args(args)
    cfg = _compose([str(r) for r in options.runs if "=" in str(r)])     # key=value overrides, as for run
    runs = [r for r in options.runs if "=" not in str(r)]
    out, leaderboard = compare(runs, project_path(cfg.results_dir), cfg.data, options.out, options.samples,
                               options.sweep)
    print(leaderboard)
    print(f"comparison: {out}")
    if options.readme:
        update_results_section(leaderboard, out)
    return 0


def _readme(args: list[str]) -> int:
    from bench.contrib.readme import update_readme

    return update_readme(check="--check" in args)


HANDLERS = {"run": _hydra_run, "score": _score, "validate": _validate, "export": _export, "stats": _stats,
            "agree": _agree, "annotate": _annotate, "compare": _compare, "convert": _convert, "merge": _merge,
            "readme": _readme}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in HANDLERS:
        print(f"error: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    try:
        return HANDLERS[command](rest)
    except (DataError, ExtractorError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
