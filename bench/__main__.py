"""Command line: ``bench COMMAND`` (or ``python -m bench COMMAND``), on argparse, built on the API.

``run`` is a Hydra app (overrides, ``-m`` sweeps, ``--help`` and ``--cfg`` are Hydra's); every
other command has its own parser with ``--help``. Exit codes: 0 done, 1 bad data or a failed run,
2 a usage error, 130 interrupted.
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from bench.errors import DataError, ExtractorError

PROG = "bench"
GROUPS = {"extractors": "extractor", "data": "data", "scoring": "scoring"}


def key_value(text: str) -> str:
    if "=" not in text or text.startswith("="):
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    return text


def _pairs(items: list[str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in items)


def _overrides(pairs: dict[str, str]) -> list[str]:
    return [f"{key}={value}" for key, value in pairs.items()]


# --- the commands -------------------------------------------------------------------------


def _hydra_run(args: list[str]) -> int:
    from bench.api import CONFIG_DIR, compose, register_resolvers
    from bench.harness import run

    register_resolvers()
    if all("=" in arg and not arg.startswith("-") and not arg.lstrip("+~").startswith("hydra") for arg in args):
        # a single run is composed once and run here, as bench.run() does (a bad override is one
        # line); Hydra's launcher takes sweeps, --cfg, --help and hydra.* settings
        from hydra.core.hydra_config import HydraConfig
        from hydra.core.utils import configure_log

        cfg = compose(args, with_hydra=True)
        configure_log(HydraConfig.get().job_logging, HydraConfig.get().verbose)
        run(cfg)
        return 0

    import hydra

    @hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
    def task(cfg) -> None:
        try:
            run(cfg)
        except (DataError, ExtractorError, OSError) as err:
            print(f"error: {_message(err)}", file=sys.stderr)
            sys.exit(1)

    sys.argv = [f"{PROG} run", *args]
    task()
    return 0


def _score(options) -> int:
    from bench.api import evaluate
    from bench.harness import report

    pairs = _pairs(options.overrides)
    if "pred" not in pairs:
        raise DataError(["score needs pred=FILE (predictions in the interchange JSON Lines format, - for stdin)"])
    pred = pairs.pop("pred")
    name = pairs.pop("name", "stdin" if pred == "-" else Path(pred).stem)
    scores = evaluate(pred, pairs.pop("data", "seeds"), overrides=_overrides(pairs), save_as=name)
    report(name, scores, scores.folder)
    return 0


def _validate(options) -> int:
    from bench.contrib.validate import validate

    return validate(options.paths)


def _export(options) -> int:
    from bench.api import load
    from bench.corpus import iter_sorted, write_jsonl
    from bench.paths import refuse_existing

    pairs = _pairs(options.overrides)
    if "out" not in pairs:
        raise DataError(["export needs out=FILE (or format=textee|hf out=DIR)"])
    out, overwrite = Path(pairs.pop("out")), pairs.pop("overwrite", "false") == "true"
    if "format" in pairs:
        from bench.contrib.export import export

        files = export(pairs.pop("format"), out, overwrite=overwrite)
        print(f"wrote {len(files)} files to {out}")
        return 0
    if not overwrite:
        refuse_existing([out], "overwrite=true")
    _, gold = load(pairs.pop("data", "seeds"), _overrides(pairs))
    write_jsonl(iter_sorted(gold), out)
    print(f"wrote {sum(len(v) for v in gold.values())} gold event mentions to {out}")
    return 0


def _stats(options) -> int:
    from bench.api import load
    from bench.contrib.stats import gold_statistics_markdown

    pairs = _pairs(options.overrides)
    print(gold_statistics_markdown(*load(pairs.pop("data", "seeds"), _overrides(pairs))))
    return 0


def _agree(options) -> int:
    from bench.api import compose
    from bench.contrib.agreement import agreement_markdown, load_annotation_sets
    from bench.corpus import load_data

    folders = [Path(f) for f in options.folders if "=" not in f]
    if len(folders) < 2:
        raise DataError(["agree needs two or more annotation folders"])
    overrides = [f for f in options.folders if "=" in f]
    documents, _ = load_data(compose(overrides + ["data.gold_dir=null"]).data)
    print(agreement_markdown(load_annotation_sets(folders, documents, authoring=options.authoring), documents))
    return 0


def _annotate(options) -> int:
    from bench.api import compose
    from bench.contrib.authoring import compile_folder
    from bench.corpus import load_documents
    from bench.paths import project_path

    documents = load_documents(project_path(compose(options.overrides).data.documents_dir))
    for path in compile_folder(options.src, options.out, documents, overwrite=options.force):
        print(f"wrote {path}")
    return 0


def _convert(options) -> int:
    from bench.api import compose
    from bench.contrib.convert import convert
    from bench.corpus import load_documents
    from bench.paths import project_path

    documents = load_documents(project_path(compose(options.overrides).data.documents_dir))
    for path in convert(options.kind, options.src, options.out, documents, overwrite=options.force,
                        mapping=options.mapping):
        print(f"wrote {path}")
    return 0


def _merge(options) -> int:
    from bench.api import compose
    from bench.harness import merge_shards
    from bench.results import check_name, shared_results_dir

    folders = [Path(a) for a in options.items if "=" not in a]
    pairs = _pairs([a for a in options.items if "=" in a])
    if not folders:
        raise DataError(["merge needs the result folders of the shards"])
    name = check_name(pairs.pop("name"), "name") if "name" in pairs else None
    cfg = compose(_overrides(pairs))
    beside = shared_results_dir(folders)
    if "results_dir" not in pairs and beside:
        cfg.results_dir = str(beside)
    merge_shards(folders, cfg, name)
    return 0


def _compare(options) -> int:
    from bench.api import compose
    from bench.paths import project_path
    from bench.reports.compare import compare
    from bench.results import shared_results_dir

    if options.samples < 1:
        raise DataError([f"--samples must be a positive whole number, got {options.samples}"])
    if options.out is not None and options.out.exists() and any(options.out.iterdir()) and not options.force:
        raise DataError([f"{options.out}: exists and is not empty; not overwritten (add --force to write into it)"])
    sweep, items = options.sweep, options.runs
    if sweep and "=" in sweep:          # a bare --sweep before an override: no sweep name holds "="
        sweep, items = "latest", [sweep, *items]
    overrides = [r for r in items if "=" in r]
    cfg = compose(overrides)
    runs = [Path(r) for r in items if "=" not in r]
    beside = None if any(o.startswith("results_dir=") for o in overrides) else shared_results_dir(runs)
    out, leaderboard, left_out = compare(runs, beside or project_path(cfg.results_dir), cfg.data, options.out,
                                         options.samples, sweep, cfg.get("progress", True))
    for line in left_out:
        print(f"note: left out {line}")
    print(leaderboard)
    print(f"comparison: {out}")
    if options.readme:
        from bench.contrib.readme import update_results_section

        update_results_section(leaderboard, out)
    return 0


def _readme(options) -> int:
    from bench.contrib.readme import update_readme

    return update_readme(check=options.check)


def _batch_export(options) -> int:
    from bench.api import compose
    from bench.replay import export_requests

    pairs = _pairs(options.overrides)
    if "out" not in pairs:
        raise DataError(["batch export needs out=FILE"])
    out, overwrite = Path(pairs.pop("out")), pairs.pop("overwrite", "false") == "true"
    count = export_requests(compose(_overrides(pairs), with_hydra=True), out, overwrite)
    print(f"wrote {count} requests to {out}")
    return 0


def _batch_import(options) -> int:
    from bench.api import compose
    from bench.replay import import_answers

    read = import_answers(compose(options.overrides, with_hydra=True), options.answers)
    print(f"imported {read['answers']} answers; failed {read['failures'] or 'none'}; "
          f"{read['unanswered']} requests of the run have no line")
    return 0


def _rescore(options) -> int:
    from bench.replay import rescore

    rescore(options.run_dir, options.overrides)
    return 0


def _list(options) -> int:
    """The config files of a group, a line each: the name, a split's role, and the first sentence
    of the file's opening comment."""
    import yaml

    from bench.paths import PROJECT_ROOT

    for path in sorted((PROJECT_ROOT / "configs" / GROUPS[options.group]).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        comment = " ".join(line.lstrip("#").strip() for line in text.splitlines()
                           if line.startswith("#")).split(". ")[0].rstrip(".")
        role = (yaml.safe_load(text) or {}).get("role", "") if options.group == "data" else ""
        print(f"{path.stem:<14} {role:<5} {comment}" if options.group == "data" else f"{path.stem:<14} {comment}")
    return 0


# --- the parser ---------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    from bench import __version__
    from bench.plugins import plugin_names

    main = argparse.ArgumentParser(prog=PROG, description="An event-extraction benchmark for German news.",
                                   epilog=f"'{PROG} COMMAND --help' tells more of each command.")
    main.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, text: str, handler, overrides: str | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        if overrides:
            sub.add_argument("overrides", nargs="*", type=key_value, metavar="key=value", help=overrides)
        return sub

    commands.add_parser("run", help="run an extractor and score it: a Hydra app (extractor=NAME, -m for "
                                    "sweeps; 'bench run --help' shows its config groups)", add_help=False)
    command("score", "score a predictions file into a result folder", _score,
            "pred=FILE (interchange JSON Lines; - reads standard input), name=NAME, data=NAME, scoring.*=VALUE")
    sub = command("validate", "check annotation files (default: the gold of every shipped split)", _validate)
    sub.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="annotation files or folders")
    command("export", "write the gold as JSON Lines, or every split for TextEE or Hugging Face", _export,
            "out=FILE, data=NAME, overwrite=true; format=textee|hf out=DIR")
    command("stats", "the gold's size: documents, mentions per type, arguments per role, clusters", _stats,
            "data=NAME")
    sub = command("agree", "inter-annotator agreement of two or more annotation folders", _agree)
    sub.add_argument("folders", nargs="+", metavar="FOLDER or key=value",
                     help="annotation folders, one per annotator, and overrides (data=gnad)")
    sub.add_argument("--authoring", action="store_true", help="the folders hold authoring-format files")
    annotate = commands.add_parser("annotate", help="authoring tools: compile authoring files (no offsets) "
                                                    "into annotation files")
    actions = annotate.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub = actions.add_parser("compile", help="authoring files -> annotation files",
                             description="authoring files (no offsets) -> annotation files")
    sub.set_defaults(handler=_annotate)
    sub.add_argument("src", type=Path, help="an authoring file or a folder of them")
    sub.add_argument("--out", type=Path, required=True, help="folder for the annotation files")
    sub.add_argument("--force", action="store_true", help="replace annotation files that exist in --out")
    sub.add_argument("overrides", nargs="*", type=key_value, metavar="key=value", help="e.g. data=dev")
    sub = command("convert", "annotation files to and from brat and INCEpTION", _convert, "e.g. data=gnad")
    sub.add_argument("kind", choices=plugin_names("convert"),
                     help="to-*: annotation files -> tool; from-*: tool -> annotation files")
    sub.add_argument("src", type=Path, help="folder to read")
    sub.add_argument("out", type=Path, help="folder to write")
    sub.add_argument("--force", action="store_true", help="replace files that exist in OUT")
    sub.add_argument("--mapping", type=Path, help="from-*: YAML file mapping foreign type and role names "
                                                  "to the ontology's")
    sub = command("merge", "combine the result folders of a run's shards into one scored run", _merge)
    sub.add_argument("items", nargs="+", metavar="RUN_DIR or key=value",
                     help="the shards' result folders, and overrides (name=NAME, data=..., scoring.*=...)")
    sub = command("compare", "leaderboard, significance, plots and HTML of several runs", _compare)
    sub.add_argument("runs", nargs="*", metavar="RUN_DIR or key=value",
                     help="result folders (default: the latest run of each name on the chosen data), "
                          "and overrides (data=NAME, progress=false)")
    sub.add_argument("--out", type=Path, help="output folder (default: comparisons/<timestamp> in the results folder)")
    sub.add_argument("--samples", type=int, default=10_000, help="bootstrap resamples of the paired test")
    sub.add_argument("--readme", action="store_true", help="also put the leaderboard into README.md")
    sub.add_argument("--sweep", nargs="?", const="latest", help="every run of a sweep (default: the latest)")
    sub.add_argument("--force", action="store_true", help="write into --out even if it holds files")
    batch = commands.add_parser("batch", help="answers files of an LLM run: export its requests, import answers")
    actions = batch.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub = actions.add_parser("export", help="every request of a run, in the OpenAI Batch input format",
                             description="every request of a run, in the OpenAI Batch input format")
    sub.set_defaults(handler=_batch_export)
    sub.add_argument("overrides", nargs="*", type=key_value, metavar="key=value",
                     help="out=FILE, overwrite=true, and the run's overrides (extractor=llm_openai ...)")
    sub = actions.add_parser("import", help="answers in the OpenAI Batch output format, into the request cache",
                             description="answers in the OpenAI Batch output format, into the request cache")
    sub.set_defaults(handler=_batch_import)
    sub.add_argument("answers", type=Path, help="the answers file (JSON Lines)")
    sub.add_argument("overrides", nargs="*", type=key_value, metavar="key=value",
                     help="the run's overrides (extractor=llm_openai ...)")
    sub = command("rescore", "score a result folder again (parse, align, score), sending no request", _rescore)
    sub.add_argument("run_dir", type=Path, help="the result folder")
    sub.add_argument("overrides", nargs="*", type=key_value, metavar="key=value",
                     help="changes to the saved config: scoring.modes=[exact,head], ...")
    sub = command("readme", "regenerate the README's figures from the data (in a checkout)", _readme)
    sub.add_argument("--check", action="store_true", help="change nothing; fail if the README is out of date")
    sub = command("list", "the configs you can name: extractors, data or scoring, a line each", _list)
    sub.add_argument("group", choices=list(GROUPS))
    return main


def _message(err: Exception) -> str:
    """One line (or one per problem) for an error the user can act on."""
    if isinstance(err, OSError):
        return f"{err.filename or ''}{': ' if err.filename else ''}{err.strerror or err}"
    return str(err)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if argv and argv[0] == "run":
            return _hydra_run(argv[1:])
        options = parser().parse_args(argv)
        return options.handler(options)
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
