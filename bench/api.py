"""The Python API: load the gold, score predictions, run an extractor, all in this process.

    import bench
    dataset = bench.load(data="seeds")
    scores = bench.evaluate("predictions.jsonl", data="seeds")
    scores.f1("TC", "exact"), scores.to_frame()
    bench.run(extractor="rules", data="gnad").f1("AC")

Settings are the command line's: ``data`` and ``extractor`` name config files (``bench list``),
keyword arguments are config keys (``bench.run("rules", **{"extractor.window": 8})``), and
``overrides`` takes Hydra override strings as the command line does.
"""
from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from bench.bulk import without_cyclic_gc
from bench.errors import DataError
from bench.paths import PROJECT_ROOT, project_path
from bench.schema import Document, EventMention
from bench.scoring.result import Scores

CONFIG_DIR = str(PROJECT_ROOT / "configs")
_PLAIN = re.compile(r"[\w./:+-]+")


class Dataset(NamedTuple):
    """The documents of a data config (id -> Document) and their gold (id -> event mentions)."""

    documents: dict[str, Document]
    gold: dict[str, list[EventMention]]


def override(key: str, value) -> str:
    """A Hydra override string for one setting given as a Python value."""
    def literal(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        if isinstance(v, (list, tuple)):
            return "[" + ",".join(literal(item) for item in v) + "]"
        text = str(v)
        return text if _PLAIN.fullmatch(text) else "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return f"{key}={literal(value)}"


def register_resolvers() -> None:
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver("project_path"):
        OmegaConf.register_new_resolver("project_path", lambda path: str(project_path(path)))


def compose(overrides: Sequence[str] = (), with_hydra: bool = False):
    """The config that ``bench run OVERRIDES`` would see; a bad override is a DataError. With
    ``with_hydra``, Hydra's own settings are set up as a run would have them (for ``${hydra:...}``)."""
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import open_dict

    register_resolvers()
    cfg = copy.deepcopy(_composed(tuple(overrides), with_hydra, os.getcwd(), _config_files()))
    if with_hydra:
        HydraConfig.instance().set_config(cfg)
        with open_dict(cfg):
            del cfg["hydra"]
    return cfg


def _config_files() -> tuple:
    """Every config file with its change time: a composed config is reused only while they stay the same."""
    return tuple((str(path), path.stat().st_mtime_ns) for path in sorted(Path(CONFIG_DIR).rglob("*.yaml")))


@functools.lru_cache(maxsize=64)
def _composed(overrides: tuple[str, ...], with_hydra: bool, cwd: str, config_files: tuple):
    """Hydra's composition, once per process for the same overrides, folder and config files: it
    takes a tenth of a second, and the CLI and the API compose for every call."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            return hydra_compose(config_name="config", overrides=list(overrides), return_hydra_config=with_hydra)
    except (HydraException, OmegaConfBaseException) as err:
        options = getattr(err, "options", None)
        known = f" (available: {', '.join(sorted(options))})" if options else ""
        raise DataError([f"config: {str(err).splitlines()[0]}{known}"]) from None


def load(data: str = "seeds", overrides: Sequence[str] = ()) -> Dataset:
    """The documents and gold of a data config (``seeds``, ``gnad``, ``gnad_dev``, ``dev``, ``all``)."""
    from bench.corpus import load_data

    return Dataset(*load_data(compose([override("data", data), *overrides]).data))


def predictions_of(predictions, documents: dict[str, Document]) -> list[EventMention]:
    """Predictions given as a file path ("-" for standard input), interchange-format dicts or EventMentions."""
    from bench.corpus import read_jsonl, read_records

    if isinstance(predictions, (str, Path)):
        return read_jsonl(Path(predictions), documents)
    items = list(predictions)
    if all(isinstance(item, EventMention) for item in items):
        return items
    if all(isinstance(item, dict) for item in items):
        return read_records(items, documents)
    raise DataError(["predictions: give a file path, a list of dicts in the interchange format, "
                     "or a list of EventMention (not a mixture)"])


@without_cyclic_gc()      # reading, aligning, scoring and writing: each phase's objects stay until the end
def evaluate(predictions: str | Path | Iterable, data: str = "seeds", *, overrides: Sequence[str] = (),
             save_as: str | None = None, **scoring) -> Scores:
    """Score predictions against the gold of ``data``. ``scoring`` keywords are the scoring settings
    (``levels``, ``modes``, ``exclude_roles``, ``bootstrap_samples``, ``confidence``, ``seed``,
    ``coref``). With ``save_as``, the scored run is written to ``results/<save_as>/<timestamp>/`` as
    ``bench score`` writes it, and the scores carry that ``folder``."""
    from omegaconf import OmegaConf

    from bench.corpus import load_data, split_list, split_of_documents
    from bench.harness import score_predictions
    from bench.results import check_name, publish, result_table, staged_result

    cfg = compose([override("data", data), *(override(f"scoring.{k}", v) for k, v in scoring.items()),
                   *overrides])
    documents, gold = load_data(cfg.data)
    split_of = split_of_documents(split_list(cfg.data))

    def scored():
        return score_predictions(predictions_of(predictions, documents), documents, gold, cfg.scoring,
                                 cfg.get("clusterer"), split_of)

    if save_as is None:
        return scored()[1]
    name = check_name(save_as, "name")
    with staged_result(project_path(cfg.results_dir), name, "name") as staging:      # predictions read inside
        aligned, scores = scored()
        source = str(predictions) if isinstance(predictions, (str, Path)) else "in memory"
        config = {"predictions": source, "data": OmegaConf.to_container(cfg.data),
                  "scoring": OmegaConf.to_container(cfg.scoring), "clusterer": cfg.get("clusterer")}
        scores.folder = publish(staging, config, aligned, scores, {"predictions_file": source},
                                result_table(name, scores))
    return scores


def run(extractor: str = "rules", *, overrides: Sequence[str] = (), **settings) -> Scores:
    """Run an extractor config (``rules``, ``spacy``, ``sklearn``, ``llm_openai``, ...) in this
    process, score it and write its result folder, as ``bench run extractor=NAME`` does; keyword
    arguments are config keys (``data="gnad"``, ``print_table=True``)."""
    from bench.harness import run as run_task

    settings.setdefault("print_table", False)
    cfg = compose([override("extractor", extractor), *(override(k, v) for k, v in settings.items()), *overrides],
                  with_hydra=True)
    return read_scores(run_task(cfg))


def read_scores(folder: str | Path) -> Scores:
    """The scores of a result folder."""
    folder = Path(folder)
    path = folder / "scores.json"
    if not path.is_file():
        raise DataError([f"{folder}: not a result folder (no scores.json)"])
    scores = Scores(json.loads(path.read_text(encoding="utf-8")))
    scores.folder = folder
    return scores
