"""The rule-based extractor on hand-written sentences (never the test articles), and its data files."""
from __future__ import annotations

import pytest
from conftest import make_document

from bench.extractors.lexicon import RESOURCES, load_yaml
from bench.extractors.rules import RulesExtractor
from bench.schema import load_ontology


@pytest.fixture(scope="module")
def rules():
    return RulesExtractor()


def extract(rules, text):
    return {(m.type, m.trigger.text): {(a.role, a.span.text) for a in m.arguments}
            for m in rules.extract(make_document("x", text))}


def test_verb_second_subject_object_time_and_a_separable_verb(rules):
    found = extract(rules, "Die Armee griff am Dienstag die Stadt Charkiw an.")
    assert found == {("Conflict:Attack", "griff"): {("Attacker", "Armee"), ("Target", "Charkiw"),
                                                   ("Time", "Dienstag")}}


def test_separable_verb_without_its_particle_is_no_trigger(rules):
    assert ("Conflict:Attack", "griff") not in extract(rules, "Er griff zum Telefon.")


def test_compound_is_recognised_by_its_head(rules):
    found = extract(rules, "Ein Raketenangriff auf Charkiw zerstörte Häuser.")
    assert found[("Conflict:Attack", "Raketenangriff")] == {("Target", "Charkiw")}


def test_passive_subject_takes_the_object_role(rules):
    found = extract(rules, "Der Soldat wurde in Donezk getötet.")
    assert found[("Life:Die", "getötet")] == {("Victim", "Soldat"), ("Place", "Donezk")}


def test_passive_with_origin_and_destination(rules):
    found = extract(rules, "Die Truppen wurden von Belarus nach Kursk verlegt.")
    assert found[("Movement:Transport", "verlegt")] == {("Artifact", "Truppen"), ("Origin", "Belarus"),
                                                        ("Destination", "Kursk")}


def test_apposition_gives_the_name_without_the_title(rules):
    found = extract(rules, "Außenministerin Annalena Baerbock sagte in Berlin, die Lage sei ernst.")
    assert found[("Contact:Statement", "sagte")] == {("Speaker", "Annalena Baerbock"), ("Place", "Berlin")}


def test_coordination_gives_one_argument_per_conjunct(rules):
    found = extract(rules, "Frankreich und Deutschland unterzeichneten in Paris ein Abkommen.")
    assert {("Participant", "Frankreich"), ("Participant", "Deutschland")} <= \
        found[("Contact:Agreement", "unterzeichneten")]


def test_recipient_by_preposition(rules):
    found = extract(rules, "Polen lieferte Panzer an die Ukraine.")
    assert found[("Transaction:Transfer-Ownership", "lieferte")] == {
        ("Giver", "Polen"), ("Artifact", "Panzer"), ("Recipient", "Ukraine")}


def test_what_a_warning_is_about_is_no_argument(rules):
    found = extract(rules, "Die Gewerkschaft warnte vor Streiks.")
    assert found[("Contact:Statement", "warnte")] == {("Speaker", "Gewerkschaft")}
    found = extract(rules, "Der Sprecher berichtete vor Journalisten.")
    assert found[("Contact:Statement", "berichtete")] == {("Speaker", "Sprecher"), ("Addressee", "Journalisten")}


def test_a_number_joined_to_a_word_is_one_token(rules):
    reading = rules.read("Der 47-Jährige sagte nichts.")
    assert [t.text for t in reading.tokens] == ["Der", "47-Jährige", "sagte", "nichts", "."]


def test_offsets_point_into_the_document(rules, seed_documents):
    for doc in list(seed_documents.values())[:2]:
        for m in rules.extract(doc):
            assert doc.text[m.trigger.start:m.trigger.end] == m.trigger.text
            for a in m.arguments:
                assert doc.text[a.span.start:a.span.end] == a.span.text
                assert doc.sentence_index(a.span.start) == doc.sentence_index(m.trigger.start)


def test_resources_use_only_ontology_types_and_roles():
    ontology = load_ontology()
    triggers = load_yaml("triggers.yaml")
    assert set(triggers) <= set(ontology.event_types)
    for entries in triggers.values():
        for entry in entries:
            assert entry["forms"] and ("split_forms" not in entry or entry["particle"])
    arguments = load_yaml("arguments.yaml")
    for event_type, functions in arguments["functions"].items():
        assert set(functions.values()) <= set(ontology.roles(event_type)), event_type
    for by_type in arguments["prepositions"].values():
        for event_type, role in by_type.items():
            if event_type != "*":
                assert role in ontology.roles(event_type), (event_type, role)
    assert (RESOURCES / "NOTES.md").exists()


def test_the_lexicon_and_the_argument_rules_cover_every_event_type():
    ontology = load_ontology()
    assert set(load_yaml("triggers.yaml")) == set(ontology.event_types)
    assert set(load_yaml("arguments.yaml")["functions"]) == set(ontology.event_types)


def test_a_sentence_gets_defendant_crime_punishment_and_court(rules):
    found = extract(rules, "Das Landesgericht verurteilte den Mann wegen Betrugs zu drei Jahren Haft.")
    assert found == {("Justice:Sentence", "verurteilte"): {
        ("Adjudicator", "Landesgericht"), ("Defendant", "Mann"), ("Crime", "Betrugs"), ("Sentence", "drei Jahren Haft")}}
    found = extract(rules, "Sie wurde in Graz zu einer Bewährungsstrafe von sechs Monaten verurteilt.")
    assert found[("Justice:Sentence", "verurteilt")] == {
        ("Defendant", "Sie"), ("Place", "Graz"), ("Sentence", "Bewährungsstrafe von sechs Monaten")}


def test_a_charge_gets_prosecutor_defendant_and_crime(rules):
    found = extract(rules, "Die Staatsanwaltschaft klagte den Manager wegen Untreue an.")
    assert found == {("Justice:Charge-Indict", "klagte"): {
        ("Prosecutor", "Staatsanwaltschaft"), ("Defendant", "Manager"), ("Crime", "Untreue")}}


def test_an_arrest_and_a_trial(rules):
    found = extract(rules, "Die Polizei nahm den Verdächtigen am Montag in Linz fest.")
    assert found == {("Justice:Arrest-Jail", "nahm"): {
        ("Agent", "Polizei"), ("Person", "Verdächtigen"), ("Time", "Montag"), ("Place", "Linz")}}
    found = extract(rules, "Der Prozess gegen den Bürgermeister beginnt am Landesgericht Salzburg.")
    assert found == {("Justice:Trial-Hearing", "Prozess"): {
        ("Defendant", "Bürgermeister"), ("Adjudicator", "Landesgericht Salzburg")}}


def test_a_verb_whose_particle_closes_the_clause_is_the_particle_verb(rules):
    found = extract(rules, "Das Gericht sprach die Männer frei.")
    assert set(found) == {("Justice:Acquit", "sprach")}
    # a particle of a verb the lexicon does not list: no trigger on the verb (Insolvenz anmelden)
    assert set(extract(rules, "Die Firma meldete Insolvenz an.")) == {("Business:Declare-Bankruptcy", "Insolvenz")}
    assert ("Contact:Statement", "sagte") in extract(rules, "Er sagte das und fügte hinzu, es sei ernst.")


def test_an_idiom_is_found_on_its_meaning_word(rules):
    found = extract(rules, "Bei dem Brand kam ein Radfahrer ums Leben.")
    assert found[("Life:Die", "Leben")] >= {("Victim", "Radfahrer")}
    assert ("Life:Be-Born", "Welt") in extract(rules, "Ihre Tochter kam im Mai in Salzburg zur Welt.")
    assert not extract(rules, "Das Leben in Salzburg ist teuer.")


def test_a_verb_form_with_a_capital_inside_a_sentence_is_a_noun(rules):
    assert not extract(rules, "Vor Gericht schwieg der Verurteilte, die Verhafteten auch.")
    assert ("Life:Injure", "Verletzten") in extract(rules, "Unter den Verletzten sind Kinder.")


def test_a_count_before_a_noun_is_no_part_of_its_span(rules):
    assert extract(rules, "In Aleppo wurden 26 Soldaten getötet.")[("Life:Die", "getötet")] == {
        ("Place", "Aleppo"), ("Victim", "Soldaten")}
    assert extract(rules, "Zahlreiche Menschen wurden verletzt.")[("Life:Injure", "verletzt")] == {("Victim", "Menschen")}
    assert extract(rules, "Der Staat zahlte 40 Millionen Euro.")[("Transaction:Transfer-Money", "zahlte")] == {
        ("Giver", "Staat"), ("Money", "40 Millionen Euro")}


def test_money_after_a_preposition_is_the_money(rules):
    found = extract(rules, "Die Behörde verhängte eine Geldbuße von 40 Millionen Euro.")
    assert found[("Justice:Fine", "Geldbuße")] == {("Money", "40 Millionen Euro")}


@pytest.mark.parametrize("text, trigger, expected", [
    ("Russland hat Kiew nicht angegriffen.", "angegriffen", {"polarity": "negative", "tense": "past"}),
    ("Die Regierung will Panzer liefern.", "liefern", {"modality": "other", "tense": "unspecified"}),
    ("Der Präsident wird im Januar sein Amt antreten.", "antreten", {"modality": "other", "tense": "future"}),
    ("Die Armee wurde gestern angegriffen.", "angegriffen", {"modality": "asserted", "tense": "past"}),
])
def test_attributes_from_clause_cues(rules, text, trigger, expected):
    [m] = [m for m in rules.extract(make_document("x", text)) if m.trigger.text == trigger]
    assert {k: m.attributes[k] for k in expected} == expected
    assert m.attributes["genericity"] == "specific"
