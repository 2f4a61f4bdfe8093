"""A new document goes from nothing to validated gold and a scored run with the commands that
CONTRIBUTING.md lists, in a temporary copy of the project."""
from __future__ import annotations

import json
import shutil

import pytest

from bench.schema import PROJECT_ROOT
from test_harness import bench, result_folders

ARTICLE = ("Russland greift Charkiw an\n\n"
           "Russische Truppen haben am Montag die Stadt Charkiw mit Drohnen angegriffen. "
           "Bürgermeister Ihor Terechow sagte dem Sender Suspilne, zwei Menschen seien verletzt worden.\n")

AUTHORING = {"doc_id": "005_test_charkiw", "ontology_version": "1.0", "annotator": "contributor", "events": [
    {"id": "005-E1", "type": "Conflict:Attack", "trigger": {"text": "greift", "context": "Russland greift Charkiw"},
     "attributes": {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "present"},
     "arguments": [{"role": "Attacker", "text": "Russland", "entity_type": "GPE", "entity_id": "russia"},
                   {"role": "Target", "text": "Charkiw", "entity_type": "GPE", "entity_id": "kharkiv"}],
     "cluster": "kharkiv_attack_monday"},
    {"id": "005-E2", "type": "Conflict:Attack", "trigger": {"text": "angegriffen", "context": "mit Drohnen angegriffen"},
     "attributes": {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"},
     "arguments": [{"role": "Attacker", "text": "Truppen", "entity_type": "ORG", "entity_id": "russian_forces"},
                   {"role": "Target", "text": "Charkiw", "entity_type": "GPE", "entity_id": "kharkiv"},
                   {"role": "Instrument", "text": "Drohnen", "entity_type": "WEA", "entity_id": "drones_kharkiv"},
                   {"role": "Time", "text": "Montag", "entity_type": "TIME", "entity_id": "monday"}],
     "cluster": "kharkiv_attack_monday"},
    {"id": "005-E3", "type": "Contact:Statement", "trigger": {"text": "sagte", "context": "Terechow sagte"},
     "attributes": {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"},
     "arguments": [{"role": "Speaker", "text": "Ihor Terechow", "entity_type": "PER", "entity_id": "ihor_terekhov"},
                   {"role": "Medium", "text": "Suspilne", "entity_type": "ORG", "entity_id": "suspilne"}],
     "cluster": "terekhov_statement"},
    {"id": "005-E4", "type": "Life:Injure", "trigger": {"text": "verletzt", "context": "seien verletzt worden"},
     "attributes": {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"},
     "arguments": [{"role": "Victim", "text": "Menschen", "entity_type": "PER", "entity_id": "kharkiv_injured"}],
     "cluster": "kharkiv_injuries"}]}


@pytest.mark.slow
def test_a_new_document_from_authoring_file_to_scored_run(tmp_path):
    project = tmp_path / "project"
    for part in ("bench", "configs", "seeds", "annotations"):
        shutil.copytree(PROJECT_ROOT / part, project / part)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", project)
    (project / "seeds" / "005_test_charkiw.txt").write_text(ARTICLE, encoding="utf-8")
    authoring = tmp_path / "my_annotations"
    authoring.mkdir()
    (authoring / "005_test_charkiw.json").write_text(json.dumps(AUTHORING, ensure_ascii=False), encoding="utf-8")

    before = bench("run", "extractor=rules", "scoring.bootstrap_samples=0", cwd=project)
    assert before.returncode == 0, before.stderr
    assert "have no gold and were extracted but not scored: 005_test_charkiw" in before.stdout

    # the three commands of CONTRIBUTING.md section 3
    compiled = bench("annotate", "compile", str(authoring), "--out", "annotations/gold", cwd=project)
    assert compiled.returncode == 0, compiled.stderr
    assert (project / "annotations" / "gold" / "005_test_charkiw.json").is_file()
    validated = bench("validate", cwd=project)
    assert validated.returncode == 0, validated.stderr
    assert "ok: 16 file(s), 843 event mentions" in validated.stdout
    scored = bench("run", "extractor=rules", "scoring.bootstrap_samples=0", cwd=project)
    assert scored.returncode == 0, scored.stderr
    assert "283 gold mentions" in scored.stdout and "6 documents scored" in scored.stdout
    folder = result_folders(project / "results")[-1]
    scores = json.loads((folder / "scores.json").read_text())
    assert "005_test_charkiw" in scores["per_document"]["exact"]["TC"]
    assert not (PROJECT_ROOT / "annotations" / "gold" / "005_test_charkiw.json").exists()


def test_contributing_lists_those_commands():
    text = (PROJECT_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for command in ("python -m bench annotate compile", "python -m bench validate", "python -m bench run",
                    "python -m bench agree", "python -m bench convert"):
        assert command in text, command
