"""The head and entity argument modes, on worked examples."""
from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import make_document, span_of

from bench.schema import Argument, EventMention, Span
from bench.scoring import score
from bench.scoring.argmodes import head_offsets

TEXT = "Der russische Präsident Wladimir Putin sagte am Montag in Moskau, er werde kämpfen. Später sprach Putin."
DOC = make_document("d", TEXT)


def arg(role: str, text: str, entity: str | None = None, occurrence: int = 0) -> Argument:
    return Argument(role, span_of(DOC, text, occurrence), entity_id=entity)


def event(event_type: str, trigger: str, *arguments: Argument) -> EventMention:
    return EventMention("d", event_type, span_of(DOC, trigger), arguments)


GOLD = [event("Contact:Statement", "sagte", arg("Speaker", "Wladimir Putin", "putin"), arg("Time", "Montag"),
              arg("Place", "Moskau", "moskau")),
        event("Conflict:Attack", "kämpfen", arg("Attacker", "er", "putin")),
        event("Contact:Statement", "sprach", arg("Speaker", "Putin", "putin", occurrence=1))]


def ac(predictions, gold=GOLD, mode="exact") -> tuple[int, int, int]:
    scores = score(gold, predictions, {"d": DOC}, modes=["exact", "head", "entity"], bootstrap_samples=0)
    entry = scores["levels"][mode]["AC"]
    return entry["tp"], entry["fp"], entry["fn"]


@pytest.mark.parametrize("phrase, head", [
    ("Der russische Präsident Wladimir Putin", "Putin"), ("Wladimir Putin", "Putin"), ("am Montag", "Montag"),
    ("Nacht auf Freitag", "Nacht"), ("mehr als 2 Millionen Euro", "Euro"), ("die Außenminister der EU", "Außenminister"),
    ("Polen und Litauen", "Polen"), ("Scholz, der Kanzler", "Scholz"), ("3. März", "März"), ("US-Präsidenten",
                                                                                         "US-Präsidenten")])
def test_the_head_is_the_last_word_before_a_postmodifier(phrase, head):
    doc = make_document("h", f"Es geht um {phrase} heute.")
    span = span_of(doc, phrase)
    start, end = head_offsets(doc.text, span.start, span.end)
    assert doc.text[start:end] == head


def test_a_longer_name_counts_in_head_mode_and_another_mention_of_the_entity_in_entity_mode():
    predictions = [event("Contact:Statement", "sagte", arg("Speaker", "Der russische Präsident Wladimir Putin"),
                         arg("Time", "am Montag"), arg("Place", "Moskau")),
                   # the attacker named by another mention of the same entity in the sentence, and a wrong entity
                   event("Conflict:Attack", "kämpfen", arg("Attacker", "Wladimir Putin"), arg("Attacker", "Moskau"))]
    assert ac(predictions, mode="exact") == (1, 4, 4)
    assert ac(predictions, mode="head") == (3, 2, 2)      # Putin = Putin, Montag = Montag, Moskau
    assert ac(predictions, mode="entity") == (2, 3, 3)    # Moskau, and Wladimir Putin as the mention of er's entity
    scores = score(GOLD, predictions, {"d": DOC}, modes=["exact", "head", "entity"], bootstrap_samples=0)
    assert scores["argument_modes"]["head"]["recovered_over_exact"]["AC"] == 2
    assert scores["argument_modes"]["entity"]["recovered_over_exact"]["AC"] == 1
    assert scores["levels"]["head"]["TC"] == scores["levels"]["exact"]["TC"], "triggers stay exact"


def test_a_mention_of_the_entity_in_another_sentence_does_not_count():
    elsewhere = Argument("Attacker", span_of(DOC, "Putin", 1))    # 'Putin' of the second sentence
    predictions = [event("Conflict:Attack", "kämpfen", elsewhere)]
    assert ac(predictions, mode="entity") == (0, 1, 5)


def test_each_gold_argument_is_matched_once_in_entity_mode():
    predictions = [event("Conflict:Attack", "kämpfen", arg("Attacker", "er"), arg("Attacker", "Wladimir Putin"))]
    assert ac(predictions, mode="entity") == (1, 1, 4)


def test_without_entity_ids_the_entity_mode_is_skipped_and_says_so():
    plain = [replace(m, arguments=tuple(replace(a, entity_id=None) for a in m.arguments)) for m in GOLD]
    scores = score(plain, plain, {"d": DOC}, modes=["exact", "entity"], bootstrap_samples=0)
    assert "entity" not in scores["levels"] and scores["argument_modes"]["entity"] == {
        "skipped": "no gold argument has an entity id"}
    unaligned = [event("Conflict:Attack", "kämpfen", Argument("Attacker", Span(None, None, "er", unfound=True)))]
    assert ac(unaligned, mode="entity") == (0, 1, 5) and ac(unaligned, mode="head") == (0, 1, 5)
