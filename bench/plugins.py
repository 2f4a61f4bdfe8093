"""One way to plug code in: a config file whose ``_target_`` names it, built by Hydra.

Each plug-in point is a folder of ``configs/`` (a config group): ``extractor/`` (built by
the run's composed config), ``clusterer/`` (event coreference baselines) and ``convert/``
(annotation converters). A file of the group names the function or class with
``_target_`` and gives its parameters; ``_partial_: true`` makes a function that takes
its input later. Adding a plug-in is adding a file.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bench.errors import DataError
from bench.paths import PROJECT_ROOT

CONFIG_DIR = PROJECT_ROOT / "configs"


def plugin_names(group: str) -> list[str]:
    """The names of a group's configs, sorted."""
    return sorted(path.stem for path in (CONFIG_DIR / group).glob("*.yaml"))


def plugin_config(group: str, name: str):
    """The config of one plug-in of ``group``; DataError naming the choices if there is none."""
    from omegaconf import OmegaConf

    path = CONFIG_DIR / group / f"{name}.yaml"
    if not Path(path).is_file():
        raise DataError([f"{group} must be one of {', '.join(plugin_names(group))}, got {name!r}"])
    return OmegaConf.load(path)


def build_plugin(group: str, chosen: str | Mapping):
    """What a plug-in config (or the name of one of ``group``) builds."""
    from hydra.utils import instantiate

    return instantiate(plugin_config(group, chosen) if isinstance(chosen, str) else chosen)
