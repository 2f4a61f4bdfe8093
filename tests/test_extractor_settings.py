"""Extractor settings are checked by their structured configs (bench/extractors/settings.py): a bad value
given as a config override is one error line that names it, before anything is extracted or written."""
from __future__ import annotations

import pytest
from conftest import cli
from hydra import compose, initialize_config_dir
from hydra.errors import InstantiationException
from hydra.utils import instantiate

from bench.errors import ExtractorError
from bench.extractors.learned import SklearnExtractor
from bench.extractors.rules import RulesExtractor
from bench.extractors.settings import SklearnSettings, checked
from bench.extractors.spacy_extractor import SpacyExtractor
from bench.schema import PROJECT_ROOT

BAD = [  # extractor, override, what the error says
    ("rules", "extractor.window=0", "extractor.window must be a positive whole number, got 0"),
    ("rules", "extractor.window=wide",
     "extractor.window: Value 'wide' of type 'str' could not be converted to Integer"),
    ("rules", "+extractor.windows=3", "extractor.windows: Key 'windows' not in 'RulesSettings'"),
    ("spacy", "extractor.batch_size=0", "extractor.batch_size must be a positive whole number, got 0"),
    ("spacy", "extractor.n_process=-2", "extractor.n_process must be a positive whole number, got -2"),
    ("spacy", "extractor.label_scheme=stanford", "extractor.label_scheme must be auto or tiger or ud, got 'stanford'"),
    ("spacy", "extractor.model=''", "extractor.model must be the name of a spaCy pipeline package or folder, got ''"),
    ("spacy", "extractor.full_extent=sometimes", "extractor.full_extent: Value 'sometimes' is not a valid bool"),
    ("sklearn", "extractor.window=-1", "extractor.window must be a whole number >= 0, got -1"),
    ("sklearn", "extractor.n_features=0", "extractor.n_features must be null (no hashing) or a positive whole number"),
    ("sklearn", "extractor.random_state=zero", "extractor.random_state: Value 'zero' of type 'str' could not be"),
    ("sklearn", "extractor.trigger.C=0", "extractor.trigger.C must be a positive number, got 0.0"),
    ("sklearn", "extractor.argument.max_iter=0", "extractor.argument.max_iter must be a positive whole number, got 0"),
    ("sklearn", "extractor.trigger.class_weight=often",
     "extractor.trigger.class_weight must be null, balanced or a mapping label: weight, got 'often'"),
    ("sklearn", "+extractor.trigger.class_weight.O=many", "extractor.trigger.class_weight must be null, balanced"),
    ("sklearn", "+extractor.argument.penalty=l1",
     "extractor.argument.penalty: Key 'penalty' not in 'ClassifierSettings'"),
]


def built(*overrides: str):
    """The extractor a config with ``overrides`` builds, as the harness builds it."""
    with initialize_config_dir(config_dir=str(PROJECT_ROOT / "configs"), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides))
    try:
        return instantiate(cfg.extractor)
    except InstantiationException as err:
        raise err.__cause__ from None


@pytest.mark.parametrize("name, override, says", BAD, ids=[f"{n}:{o}" for n, o, _ in BAD])
def test_a_bad_setting_is_one_line_naming_it(name, override, says):
    with pytest.raises(ExtractorError) as raised:
        built(f"extractor={name}", override)
    assert says in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("name, kind", [("rules", RulesExtractor), ("spacy", SpacyExtractor),
                                        ("sklearn", SklearnExtractor)])
def test_the_shipped_configs_build_with_their_settings(name, kind):
    extractor = built(f"extractor={name}", "extractor.model=some_pipeline" if name != "rules" else "extractor.window=7")
    assert type(extractor) is kind
    assert extractor.settings.window == 7 if name == "rules" else extractor.settings.model == "some_pipeline"


def test_the_run_command_stops_on_a_bad_setting_with_one_line_and_no_result(tmp_path):
    done = cli("run", "extractor=spacy", "data=dev", "extractor.batch_size=0", f"results_dir={tmp_path}")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: extractor.batch_size must be a positive whole number, got 0"
    assert not any(tmp_path.iterdir())


def test_settings_given_as_keywords_are_checked_and_converted():
    settings = checked(SklearnSettings, {"trigger": {"C": 2, "class_weight": {"O": 0.5}}, "n_features": 64})
    assert settings.trigger.C == 2.0 and isinstance(settings.trigger.C, float)
    assert settings.trigger.class_weight == {"O": 0.5} and settings.argument.max_iter == 1000
    with pytest.raises(ExtractorError, match="extractor.batch_size: Value 'True' of type 'bool'"):
        SpacyExtractor(batch_size=True)
