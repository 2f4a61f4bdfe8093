"""The shipped splits: drawn reproducibly, disjoint, big enough, and licensed."""
from __future__ import annotations


from conftest import needs

from bench.contrib.draw import draw, read_articles
from bench.corpus import load_documents, read_annotations, shipped_splits
from bench.schema import PROJECT_ROOT

ARTICLES = PROJECT_ROOT.parent / "shared" / "data" / "10kgnad" / "articles.csv"
SPLITS = shipped_splits()


def test_the_draw_reproduces_the_shipped_der_standard_documents():
    needs(ARTICLES.is_file(), f"the draw test needs the 10kGNAD file beside the checkout ({ARTICLES})")
    for name, articles in draw(read_articles(ARTICLES)).items():
        shipped = {p.stem: p.read_text(encoding="utf-8") for p in SPLITS[name].documents_dir.glob("*.txt")}
        assert shipped == {a.doc_id(name): a.text + "\n" for a in articles}, name
        sources = (SPLITS[name].documents_dir.parent / "SOURCES.md").read_text(encoding="utf-8")
        assert all(f"| `{a.doc_id(name)}` | {a.row} | {a.category} |" in sources for a in articles)


def test_the_gnad_split_has_four_desks_and_enough_events():
    documents = load_documents(SPLITS["gnad"].documents_dir)
    gold = read_annotations(SPLITS["gnad"].gold_dir, documents)
    assert len(documents) == 30 and set(gold) == set(documents)
    assert sum(len(mentions) for mentions in gold.values()) >= 300
    assert all(mentions for mentions in gold.values())        # no drawn article without an event
    assert all(1000 <= len(d.text) <= 5001 for d in documents.values())


def test_document_ids_are_unique_across_splits_and_say_their_split():
    seen: dict[str, str] = {}
    for split in SPLITS.values():
        for path in split.documents_dir.glob("*.txt"):
            assert path.stem not in seen, f"{path.stem} is in {seen.get(path.stem)} and {split.name}"
            seen[path.stem] = split.name
    assert all(doc_id.startswith(f"{name}_") for doc_id, name in seen.items() if name.startswith("gnad"))
    gnad_rows = {doc_id.rsplit("_", 1)[1] for doc_id, name in seen.items() if name.startswith("gnad")}
    assert len(gnad_rows) == 42           # test and development articles are different rows


def test_the_der_standard_splits_carry_their_licence():
    for name in ("gnad", "gnad_dev"):
        sources = (SPLITS[name].documents_dir.parent / "SOURCES.md").read_text(encoding="utf-8")
        assert "CC BY-NC-SA 4.0" in sources and "10kGNAD" in sources and "der Standard" in sources


def test_data_all_scores_each_test_split_and_their_union(tmp_path):
    import json

    from conftest import cli
    from test_harness import result_folders

    done = cli("run", "extractor=rules", "data=all", f"results_dir={tmp_path}", "scoring.bootstrap_samples=0")
    assert done.returncode == 0, done.stderr
    assert "F1 by split (exact spans)" in done.stdout
    scores = json.loads((result_folders(tmp_path)[0] / "scores.json").read_text())
    assert list(scores["splits"]) == ["seeds", "gnad"]
    for key in ("gold_mentions", "predicted_mentions"):
        assert sum(s["counts"][key] for s in scores["splits"].values()) == scores["counts"][key]
    tp = scores["levels"]["exact"]["TC"]["tp"]
    assert tp == sum(s["levels"]["exact"]["TC"]["tp"] for s in scores["splits"].values())


def test_trainable_extractors_learn_from_the_other_splits_only():
    from omegaconf import OmegaConf

    from bench.corpus import other_splits

    assert [s.name for s in other_splits(OmegaConf.create({"documents_dir": "annotations/gnad/docs"}))] == \
        ["seeds", "dev", "gnad_dev"]
    assert [s.name for s in other_splits(OmegaConf.create({"splits": ["seeds", "gnad"]}))] == ["dev", "gnad_dev"]
    assert other_splits(OmegaConf.create({"documents_dir": "/somewhere/else"})) == []


def test_no_test_split_trigger_is_quoted_in_the_guidelines():
    """Every word of the guidelines (hyphenated words whole and in parts) against the gold triggers of
    the test splits; the ontology's own names (types, roles, entity types) are not examples."""
    import re

    from bench.schema import load_ontology

    ontology = load_ontology()
    guidelines = (PROJECT_ROOT / "annotations" / "guidelines.md").read_text(encoding="utf-8")
    names = [*ontology.event_types, *{r for spec in ontology.event_types.values() for r in spec["roles"]}]
    for name in sorted(names, key=len, reverse=True):
        guidelines = guidelines.replace(name, " ")
    words = {w.lower() for w in re.findall(r"\w+(?:-\w+)*", guidelines)}
    words |= {part for w in words for part in w.split("-")}
    triggers = set()
    for split in SPLITS.values():
        if split.role == "test":
            documents = load_documents(split.documents_dir)
            triggers |= {m.trigger.text.lower() for ms in read_annotations(split.gold_dir, documents).values()
                         for m in ms}
    assert sorted(words & triggers) == []
