"""Command line: ``python -m bench COMMAND``. Each command is a thin call into the package."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from bench.errors import DataError, ExtractorError
from bench.paths import PROJECT_ROOT, project_path, refuse_existing

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
    "batch": "answers files of an LLM run: batch export out=FILE [overrides], batch import FILE [overrides]",
    "rescore": "score a result folder again, sending no request: rescore RUN_DIR [scoring.*=...]",
}


def _usage() -> str:
    lines = ["usage: python -m bench COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<9} {text}" for name, text in COMMANDS.items()]
    return "\n".join(lines)


def _hydra_run(args: list[str]) -> int:
    import hydra
    from omegaconf import OmegaConf

    from bench.harness import run

    if not OmegaConf.has_resolver("project_path"):
        OmegaConf.register_new_resolver("project_path", lambda path: str(project_path(path)))

    @hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
    def task(cfg) -> None:
        try:
            run(cfg)
        except (DataError, ExtractorError, OSError) as err:
            print(f"error: {_message(err)}", file=sys.stderr)
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
    """The config of ``overrides``, as ``run`` would see it; a bad override is a DataError."""
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            return compose(config_name="config", overrides=overrides)
    except (HydraException, OmegaConfBaseException) as err:
        raise DataError([f"config: {str(err).splitlines()[0]}"]) from None


def _message(err: Exception) -> str:
    """One line (or one per problem) for an error the user can act on."""
    if isinstance(err, OSError):
        return f"{err.filename or ''}{': ' if err.filename else ''}{err.strerror or err}"
    return str(err)



def _score(args: list[str]) -> int:
    from omegaconf import OmegaConf

    from bench.corpus import read_jsonl
    from bench.corpus import load_data
    from bench.harness import checked_scoring, report, result_table, score_predictions
    from bench.results import check_name, publish, staged_result

    pairs = dict(a.split("=", 1) for a in _key_values(args, "score"))
    if "pred" not in pairs:
        raise SystemExit("error: score needs pred=FILE (predictions in the interchange JSON Lines format)")
    pred_path = Path(pairs.pop("pred"))
    name = check_name(pairs.pop("name", "stdin" if str(pred_path) == "-" else pred_path.stem), "name")
    cfg = _compose([f"{k}={v}" for k, v in pairs.items()])
    checked_scoring(cfg.scoring)
    documents, gold = load_data(cfg.data)
    with staged_result(project_path(cfg.results_dir), name, "name") as staging:
        predictions = read_jsonl(pred_path, documents)
        aligned, scores = score_predictions(predictions, documents, gold, cfg.scoring, cfg.get("clusterer"))
        config = {"predictions": str(pred_path), "data": OmegaConf.to_container(cfg.data),
                  "scoring": OmegaConf.to_container(cfg.scoring)}
        folder = publish(staging, config, aligned, scores, {"predictions_file": str(pred_path)},
                         result_table(name, scores))
    report(name, scores, folder)
    return 0


def _validate(args: list[str]) -> int:
    from bench.contrib.validate import validate

    return validate([Path(a) for a in args])


def _export(args: list[str]) -> int:
    from bench.corpus import iter_sorted, write_jsonl
    from bench.corpus import load_data

    pairs = dict(a.split("=", 1) for a in _key_values(args, "export"))
    if "out" not in pairs:
        raise SystemExit("error: export needs out=FILE")
    out = Path(pairs.pop("out"))
    if pairs.pop("overwrite", "false") != "true":
        refuse_existing([out], "overwrite=true")
    documents, gold = load_data(_compose([f"{k}={v}" for k, v in pairs.items()]).data)
    write_jsonl(iter_sorted(gold), out)
    print(f"wrote {sum(len(v) for v in gold.values())} gold event mentions to {out}")
    return 0


def _stats(args: list[str]) -> int:
    from bench.contrib.stats import gold_statistics_markdown
    from bench.corpus import load_data

    documents, gold = load_data(_compose(_key_values(args, "stats")).data)
    print(gold_statistics_markdown(documents, gold))
    return 0


def _agree(args: list[str]) -> int:
    from bench.contrib.agreement import agreement_markdown, load_annotation_sets
    from bench.corpus import load_data

    parser = argparse.ArgumentParser(prog="python -m bench agree")
    parser.add_argument("folders", nargs="+", metavar="FOLDER or key=value",
                        help="annotation folders, one per annotator, and overrides (data=gnad)")
    parser.add_argument("--authoring", action="store_true", help="the folders hold authoring-format files")
    options = parser.parse_args(args)
    overrides = [f for f in options.folders if "=" in f]
    options.folders = [Path(f) for f in options.folders if "=" not in f]
    if len(options.folders) < 2:
        parser.error("agree needs two or more annotation folders")
    documents, _ = load_data(_compose(overrides + ["data.gold_dir=null"]).data)
    sets = load_annotation_sets(options.folders, documents, authoring=options.authoring)
    print(agreement_markdown(sets, documents))
    return 0


def _annotate(args: list[str]) -> int:
    from bench.contrib.authoring import compile_folder
    from bench.corpus import load_documents

    parser = argparse.ArgumentParser(prog="python -m bench annotate")
    sub = parser.add_subparsers(dest="action", required=True)
    comp = sub.add_parser("compile", help="authoring files (no offsets) -> annotation files")
    comp.add_argument("src", type=Path, help="an authoring file or a folder of them")
    comp.add_argument("--out", type=Path, required=True, help="folder for the annotation files")
    comp.add_argument("--force", action="store_true", help="replace annotation files that exist in --out")
    comp.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. data=dev")
    options = parser.parse_args(args)
    documents = load_documents(project_path(_compose(options.overrides).data.documents_dir))
    for path in compile_folder(options.src, options.out, documents, overwrite=options.force):
        print(f"wrote {path}")
    return 0


def _convert(args: list[str]) -> int:
    from bench.contrib.convert import CONVERSIONS, convert
    from bench.corpus import load_documents

    parser = argparse.ArgumentParser(prog="python -m bench convert")
    parser.add_argument("kind", choices=list(CONVERSIONS),
                        help="to-brat/to-inception: annotation files -> tool; from-*: tool -> annotation files")
    parser.add_argument("src", type=Path, help="folder to read")
    parser.add_argument("out", type=Path, help="folder to write")
    parser.add_argument("--force", action="store_true", help="replace files that exist in OUT")
    options = parser.parse_args(args)
    documents = load_documents(project_path(_compose([]).data.documents_dir))
    for path in convert(options.kind, options.src, options.out, documents, overwrite=options.force):
        print(f"wrote {path}")
    return 0


def _merge(args: list[str]) -> int:
    from bench.harness import merge_shards
    from bench.results import check_name

    parser = argparse.ArgumentParser(prog="python -m bench merge",
                                     description="combine the result folders of a run's shards into one scored run")
    parser.add_argument("items", nargs="+", metavar="RUN_DIR or key=value",
                        help="the shards' result folders, and overrides (name=NAME, data=..., scoring.*=...)")
    options = parser.parse_args(args)
    folders = [Path(a) for a in options.items if "=" not in a]
    pairs = dict(a.split("=", 1) for a in options.items if "=" in a)
    if not folders:
        parser.error("merge needs the result folders of the shards")
    name = check_name(pairs.pop("name"), "name") if "name" in pairs else None
    merge_shards(folders, _compose([f"{k}={v}" for k, v in pairs.items()]), name)
    return 0


def _compare(args: list[str]) -> int:
    from bench.contrib.readme import update_results_section
    from bench.reports.compare import compare

    parser = argparse.ArgumentParser(prog="python -m bench compare")
    parser.add_argument("runs", nargs="*", type=Path,
                        help="result folders (default: the latest run of each name on the chosen data), "
                             "and key=value overrides")
    parser.add_argument("--out", type=Path, help="output folder (default: results/comparisons/<timestamp>)")
    parser.add_argument("--samples", type=int, default=10_000, help="bootstrap resamples of the paired test")
    parser.add_argument("--readme", action="store_true", help="also put the leaderboard into README.md")
    parser.add_argument("--sweep", nargs="?", const="latest", help="every run of a sweep (default: the latest)")
    parser.add_argument("--force", action="store_true", help="write into --out even if it holds files")
    options = parser.parse_args(args)
    if options.samples < 1:
        parser.error(f"--samples must be a positive whole number, got {options.samples}")
    if options.out is not None and options.out.exists() and any(options.out.iterdir()) and not options.force:
        raise DataError([f"{options.out}: exists and is not empty; not overwritten (add --force to write into it)"])
    cfg = _compose([str(r) for r in options.runs if "=" in str(r)])     # key=value overrides, as for run
    runs = [r for r in options.runs if "=" not in str(r)]
    out, leaderboard, left_out = compare(runs, project_path(cfg.results_dir), cfg.data, options.out,
                                         options.samples, options.sweep)
    for line in left_out:
        print(f"note: left out {line}")
    print(leaderboard)
    print(f"comparison: {out}")
    if options.readme:
        update_results_section(leaderboard, out)
    return 0


def _readme(args: list[str]) -> int:
    from bench.contrib.readme import update_readme

    parser = argparse.ArgumentParser(prog="python -m bench readme",
                                     description="regenerate the README's figures from the data")
    parser.add_argument("--check", action="store_true", help="change nothing; fail if the README is out of date")
    return update_readme(check=parser.parse_args(args).check)


def _batch(args: list[str]) -> int:
    from bench.replay import export_requests, import_answers

    if not args or args[0] not in ("export", "import"):
        raise SystemExit("error: batch export out=FILE [overrides] | batch import FILE [overrides]")
    if args[0] == "export":
        pairs = dict(a.split("=", 1) for a in _key_values(args[1:], "batch export"))
        if "out" not in pairs:
            raise SystemExit("error: batch export needs out=FILE")
        out, overwrite = Path(pairs.pop("out")), pairs.pop("overwrite", "false") == "true"
        count = export_requests(_compose([f"{k}={v}" for k, v in pairs.items()]), out, overwrite)
        print(f"wrote {count} requests to {out}")
        return 0
    if len(args) < 2 or "=" in args[1]:
        raise SystemExit("error: batch import needs the answers file: batch import FILE [overrides]")
    read = import_answers(_compose(_key_values(args[2:], "batch import")), Path(args[1]))
    print(f"imported {read['answers']} answers; failed {read['failures'] or 'none'}; "
          f"{read['unanswered']} requests of the run have no line")
    return 0


def _rescore(args: list[str]) -> int:
    from bench.replay import rescore

    if not args or "=" in args[0]:
        raise SystemExit("error: rescore needs a result folder: rescore RUN_DIR [key=value ...]")
    rescore(Path(args[0]), _key_values(args[1:], "rescore"))
    return 0


HANDLERS = {"run": _hydra_run, "score": _score, "validate": _validate, "export": _export, "stats": _stats,
            "agree": _agree, "annotate": _annotate, "compare": _compare, "convert": _convert, "merge": _merge,
            "readme": _readme, "batch": _batch, "rescore": _rescore}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in HANDLERS:
        print(f"error: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return HANDLERS[command](rest)
    except (DataError, ExtractorError, OSError) as err:
        print(f"error: {_message(err)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; no partial result was left", file=sys.stderr)
        return 130


def _interrupt(signum, frame) -> None:
    """SIGTERM ends a command as Ctrl-C does: staged result folders are removed on the way out."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
