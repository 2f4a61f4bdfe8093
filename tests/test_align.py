"""Alignment of text-only predictions to offsets."""
from __future__ import annotations

from conftest import make_document

from bench.align import align
from bench.schema import Argument, EventMention, Span

DOC = make_document("d", "Blinken sagte am Mittwoch. Rutte sagte nichts. Dann sagte BLINKEN  etwas.")


def text_only(trigger: str, *arguments: tuple[str, str]) -> EventMention:
    return EventMention("d", "Contact:Statement", Span(None, None, trigger),
                        tuple(Argument(role, Span(None, None, text)) for role, text in arguments))


def test_repeated_trigger_text_takes_successive_occurrences():
    aligned, report = align([text_only("sagte"), text_only("sagte"), text_only("sagte"), text_only("sagte")],
                            {"d": DOC})
    starts = [m.trigger.start for m in aligned]
    assert starts[:3] == [8, 33, 52] and DOC.text[52:57] == "sagte"
    assert starts[3] is None and aligned[3].trigger.unfound    # no fourth "sagte": spurious, never dropped
    assert report["trigger:exact"] == 3 and report["trigger:no free occurrence"] == 1


def test_argument_prefers_the_trigger_sentence_and_the_nearest_occurrence():
    first, third = align([text_only("sagte", ("Speaker", "Blinken")), text_only("sagte"),
                          text_only("sagte", ("Speaker", "Blinken"))], {"d": DOC})[0][::2]
    assert first.arguments[0].span.start == 0
    # in the third sentence only the upper-case, double-spaced form exists: normalised match
    arg = third.arguments[0].span
    assert DOC.text[arg.start:arg.end] == "BLINKEN" and arg.text == "BLINKEN"


def test_normalised_matching_folds_case_and_whitespace():
    [m], report = align([text_only("dann SAGTE", ("Speaker", "blinken etwas"))], {"d": DOC})
    assert DOC.text[m.trigger.start:m.trigger.end] == "Dann sagte"
    assert DOC.text[m.arguments[0].span.start:m.arguments[0].span.end] == "BLINKEN  etwas"
    assert report["trigger:normalised"] == 1 and report["argument:normalised"] == 1


def test_strings_not_in_the_document_stay_as_unaligned():
    [m], report = align([text_only("explodierte", ("Speaker", "Napoleon"))], {"d": DOC})
    assert not m.trigger.aligned and not m.arguments[0].span.aligned
    assert report["trigger:unaligned"] == 1 and report["argument:unaligned"] == 1


def test_given_offsets_are_kept():
    given = EventMention("d", "Contact:Statement", Span(8, 13, "sagte"), (Argument("Speaker", Span(0, 7, "Blinken")),))
    [m], report = align([given], {"d": DOC})
    assert m == given and report["trigger:given"] == 1 and report["argument:given"] == 1


def test_decomposed_text_aligns_to_the_composed_document_with_its_offsets():
    import unicodedata

    doc = make_document("d", "Die Gespräche in Brüssel und in Zürich.")
    decomposed = unicodedata.normalize("NFD", "Zürich")
    [aligned], report = align([EventMention("d", "Contact:Meet", Span(None, None, "Gespräche"),
                                            (Argument("Place", Span(None, None, decomposed)),))], {"d": doc})
    place = aligned.arguments[0].span
    start = doc.text.index("Zürich")
    assert (place.start, place.end, place.text) == (start, start + 6, "Zürich")
    assert report["argument:normalised"] == 1
    nfd_doc = make_document("d", unicodedata.normalize("NFD", doc.text))    # and a decomposed document
    [aligned], _ = align([EventMention("d", "Contact:Meet", Span(None, None, "Brüssel"))], {"d": nfd_doc})
    assert nfd_doc.text[aligned.trigger.start:aligned.trigger.end] == unicodedata.normalize("NFD", "Brüssel")


def test_aligning_aligned_predictions_changes_nothing():
    first, _ = align([text_only("sagte", ("Speaker", "Rutte"))] * 4 + [text_only("erfunden")], {"d": DOC})
    again, _ = align(first, {"d": DOC})
    assert again == first and [m.trigger.unfound for m in first] == [False, False, False, True, True]
