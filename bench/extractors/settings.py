"""The settings of the rules, spaCy and learned extractors as structured configs.

Each extractor builds its settings with ``checked``: OmegaConf merges the given values
(from a ``configs/extractor/*.yaml`` file and its overrides, or keyword arguments) onto
the dataclass, so an unknown key or a value of the wrong type fails as it would for the
``scoring`` group, and each field's ``must`` (in its metadata) checks its range. Every
problem is one ``ExtractorError`` line that names the setting.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Optional

from bench.errors import ExtractorError
from bench.extractors.parse import LABELS


def _must(says: str, test: Callable[[Any], bool]) -> dict:
    return {"must": (says, test)}


POSITIVE = _must("a positive whole number", lambda value: value >= 1)
SCHEMES = ("auto", *LABELS["schemes"])


def _class_weight(value) -> bool:
    if isinstance(value, Mapping):
        return all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in value.values())
    return value is None or value == "balanced"


@dataclass
class RulesSettings:
    #: arguments are searched this many tokens around the trigger, within its sentence
    window: int = field(default=12, metadata=POSITIVE)
    #: a folder with triggers.yaml, cues.yaml and arguments.yaml instead of bench/resources/rules
    resources: Optional[str] = None


@dataclass
class ParseSettings:
    """The spaCy pipeline that parses the documents and how its labels are read."""

    model: str = field(default="de_core_news_sm",
                       metadata=_must("the name of a spaCy pipeline package or folder", bool))
    batch_size: int = field(default=256, metadata=POSITIVE)
    label_scheme: str = field(default="auto", metadata=_must(" or ".join(SCHEMES), lambda value: value in SCHEMES))


@dataclass
class SpacySettings(ParseSettings):
    n_process: int = field(default=1, metadata=POSITIVE)
    #: arguments as the full subtree of their head instead of minimal spans
    full_extent: bool = False
    #: subject and object by German word order where the parse gives neither
    word_order: bool = True


@dataclass
class ClassifierSettings:
    """A logistic regression of the learned extractor."""

    C: float = field(default=1.0, metadata=_must("a positive number", lambda value: value > 0))
    class_weight: Any = field(default=None, metadata=_must("null, balanced or a mapping label: weight", _class_weight))
    max_iter: int = field(default=1000, metadata=POSITIVE)


@dataclass
class SklearnSettings(ParseSettings):
    #: neighbouring words on each side whose lemma and POS are trigger features
    window: int = field(default=2, metadata=_must("a whole number >= 0", lambda value: value >= 0))
    #: None: one column per feature seen in training; a number: hash features into that many columns
    n_features: Optional[int] = field(
        default=None, metadata=_must("null (no hashing) or a positive whole number", lambda v: v is None or v >= 1))
    random_state: int = 0
    trigger: ClassifierSettings = field(default_factory=ClassifierSettings)
    argument: ClassifierSettings = field(default_factory=ClassifierSettings)


def checked(kind: type, values: Mapping[str, Any]):
    """The settings ``kind`` with ``values`` merged in, checked; ExtractorError names the first bad one."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        settings = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(kind), dict(values)))
    except OmegaConfBaseException as err:
        raise ExtractorError(f"extractor.{err.full_key}: {str(err.msg).splitlines()[0]}") from None
    problem = next(_problems(settings, "extractor."), None)
    if problem:
        raise ExtractorError(problem)
    return settings


def _problems(settings, prefix: str):
    for item in fields(settings):
        value = getattr(settings, item.name)
        if is_dataclass(value):
            yield from _problems(value, f"{prefix}{item.name}.")
        elif "must" in item.metadata and not item.metadata["must"][1](value):
            yield f"{prefix}{item.name} must be {item.metadata['must'][0]}, got {value!r}"
