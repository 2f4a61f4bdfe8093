"""The spaCy extractor on hand-written sentences (never the test articles).

Two kinds of test: a real spaCy pipeline (the stand-in ../shared/models/de_ud_sm, or
$BENCH_SPACY_MODEL) parses the sentences; and parse trees written by hand in both label
schemes (TIGER, as spaCy's official German pipelines give, and Universal Dependencies),
so that both label mappings are tested whatever model is installed.
"""
from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

import pytest
from conftest import make_document, needs
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from bench.errors import ExtractorError
from bench.extractors.fillers import is_title
from bench.extractors.lexicon import TriggerLexicon
from bench.extractors.parse import FUNCTIONS, LABELS, detect_scheme
from bench.extractors.rules import RulesExtractor
from bench.extractors.spacy_extractor import SpacyExtractor
from bench.schema import PROJECT_ROOT, load_ontology

if TYPE_CHECKING:
    from spacy.tokens import Doc

STAND_IN = PROJECT_ROOT.parent / "shared" / "models" / "de_ud_sm"


@functools.cache
def german_vocab():
    """A blank German vocabulary for hand-built parses (spaCy loaded when a test first needs it)."""
    import spacy

    return spacy.blank("de").vocab


def found(mentions) -> dict:
    return {(m.type, m.trigger.text): {(a.role, a.span.text) for a in m.arguments} for m in mentions}


# --- a real pipeline ----------------------------------------------------------------

@pytest.fixture(scope="module")
def model() -> str:
    model = os.environ.get("BENCH_SPACY_MODEL") or str(STAND_IN)
    needs(bool(os.environ.get("BENCH_SPACY_MODEL")) or STAND_IN.exists(),
          "the spaCy tests need a German pipeline: set BENCH_SPACY_MODEL to an installed one "
          "(python -m spacy download de_core_news_sm) or a pipeline folder")
    return model


@pytest.fixture(scope="module")
def extractor(model) -> SpacyExtractor:
    extractor = SpacyExtractor(model=model)
    try:
        assert extractor.nlp.lang == "de"
    except ExtractorError as err:
        pytest.fail(f"the test model cannot be loaded: {err}")
    return extractor


def extract(extractor, text: str) -> dict:
    return found(extractor.extract(make_document("x", text)))


def test_the_label_scheme_is_detected_from_the_parser(extractor):
    labels = extractor.nlp.get_pipe("parser").labels
    assert extractor.scheme == ("tiger" if "sb" in labels else "ud")
    assert extractor.run_info()["label_scheme"] == extractor.scheme


def test_active_voice(extractor):
    assert extract(extractor, "Russland hat die Ukraine angegriffen.") == {
        ("Conflict:Attack", "angegriffen"): {("Attacker", "Russland"), ("Target", "Ukraine")}}


def test_passive_voice_turns_subject_and_agent_phrase_around(extractor):
    assert extract(extractor, "Kiew wurde von russischen Truppen mit Raketen beschossen.") == {
        ("Conflict:Attack", "beschossen"): {("Target", "Kiew"), ("Attacker", "Truppen"), ("Instrument", "Raketen")}}


def test_passive_von_phrase_with_a_role_of_its_own(extractor):
    assert extract(extractor, "Die Truppen wurden von Belarus nach Kursk verlegt.") == {
        ("Movement:Transport", "verlegt"): {("Artifact", "Truppen"), ("Origin", "Belarus"), ("Destination", "Kursk")}}


def test_von_phrase_is_the_speaker_only_in_the_passive(extractor):
    assert extract(extractor, "Der Plan wurde von Scholz angekündigt.") == {
        ("Contact:Statement", "angekündigt"): {("Speaker", "Scholz")}}
    assert extract(extractor, "Die Reporterin berichtete von Afghanistan.") == {
        ("Contact:Statement", "berichtete"): {("Speaker", "Reporterin")}}


def test_separable_verb_apposition_time_and_place(extractor):
    mentions = extractor.extract(make_document(
        "x", "US-Außenminister Antony Blinken kündigte am Mittwoch in Brüssel eine harte Antwort an."))
    assert found(mentions) == {("Contact:Statement", "kündigte"): {
        ("Speaker", "Antony Blinken"), ("Time", "Mittwoch"), ("Place", "Brüssel")}}
    types = {a.role: a.entity_type for a in mentions[0].arguments}
    assert types["Speaker"] == "PER" and types["Time"] == "TIME"


def test_separable_verb_without_its_particle_is_no_trigger(extractor):
    assert ("Conflict:Attack", "griff") not in extract(extractor, "Er griff zum Telefon.")


def test_separable_verb_is_found_by_its_lemma_joined_with_the_particle(extractor):
    # "kam" is no listed split form of ankommen: only lemma + particle can find it
    assert extract(extractor, "Die Soldaten kamen am Montag in Kursk an.")[("Movement:Transport", "kamen")] >= {
        ("Time", "Montag"), ("Destination", "Kursk")}
    assert extract(extractor, "Die Soldaten kamen am Montag in Kursk.") == {}
    assert ("Life:Die", "kamen") in extract(extractor, "Bei dem Angriff kamen drei Menschen um.")


def test_coordination_gives_one_argument_per_conjunct(extractor):
    assert extract(extractor, "Frankreich und Deutschland unterzeichneten in Paris ein Abkommen.") == {
        ("Contact:Agreement", "unterzeichneten"): {
            ("Participant", "Frankreich"), ("Participant", "Deutschland"), ("Place", "Paris")}}


def test_full_extent_gives_the_subtree(extractor, model):
    text = "Der Präsident reiste am Montag nach Berlin."
    assert extract(extractor, text) == {("Movement:Transport", "reiste"): {
        ("Artifact", "Präsident"), ("Time", "Montag"), ("Destination", "Berlin")}}
    assert extract(SpacyExtractor(model=model, full_extent=True), text) == {("Movement:Transport", "reiste"): {
        ("Artifact", "Der Präsident"), ("Time", "Montag"), ("Destination", "Berlin")}}


def test_offsets_stay_in_the_trigger_sentence_and_batches_agree(extractor):
    docs = [make_document("a", "Russland hat die Ukraine angegriffen.\nDer Präsident reiste am Montag nach Berlin."),
            make_document("b", "Kein Ereignis hier. Die Truppen wurden von Belarus nach Kursk verlegt."),
            make_document("c", "")]
    batch = list(extractor.extract_batch(docs))
    assert batch == [extractor.extract(d) for d in docs]
    assert [len(m) for m in batch] == [2, 1, 0]
    for doc, mentions in zip(docs, batch):
        for m in mentions:
            assert m.doc_id == doc.id and doc.text[m.trigger.start:m.trigger.end] == m.trigger.text
            for a in m.arguments:
                assert doc.text[a.span.start:a.span.end] == a.span.text
                assert doc.sentence_index(a.span.start) == doc.sentence_index(m.trigger.start)
    assert batch[0][1].trigger.start > docs[0].sentences[0].end


def test_a_missing_model_is_a_clear_error_with_install_advice():
    with pytest.raises(ExtractorError, match="python -m spacy download de_core_news_sm"):
        SpacyExtractor(model="de_core_news_no_such_model").extract(make_document("x", "Russland griff an."))
    with pytest.raises(ExtractorError, match="cannot load the spaCy model"):
        SpacyExtractor(model="no/such/folder").extract(make_document("x", "Russland griff an."))


def test_the_config_builds_the_extractor(model):
    with initialize_config_dir(config_dir=str(PROJECT_ROOT / "configs"), version_base="1.3"):
        cfg = compose(config_name="config", overrides=["extractor=spacy", f"extractor.model={model}"])
    built = instantiate(cfg.extractor)
    assert isinstance(built, SpacyExtractor) and built.model == model and built.settings.full_extent is False


# --- readings that survive a weak parser (real pipeline) -----------------------------

S, T, M, E = "Contact:Statement", "Movement:Transport", "Transaction:Transfer-Money", "Personnel:End-Position"
READINGS = [  # sentence, the mentions expected in it; the id names the behaviour
    pytest.param("Am Dienstag traf sich Papst Leo mit Bundeskanzlerin Anna Berger in Rom.", {("Contact:Meet", "traf"): {
        ("Entity", "Leo"), ("Entity", "Anna Berger"), ("Place", "Rom"), ("Time", "Dienstag")}},
        id="titles left out, names in full"),
    pytest.param("Der Vorstandssprecher Klaus Berger sagte am Montag in Hamburg, die Firma wachse.", {(S, "sagte"): {
        ("Speaker", "Klaus Berger"), ("Time", "Montag"), ("Place", "Hamburg")}}, id="compound title"),
    pytest.param("Die Chefin der Bahn, Anna Muster, wurde am Montag entlassen.", {(E, "entlassen"): {
        ("Person", "Anna Muster"), ("Position", "Chefin"), ("Entity", "Bahn"), ("Time", "Montag")}},
        id="position and entity from the title before the name"),
    pytest.param("Der Kanzler entließ die Ministerin.", {(E, "entließ"): {("Person", "Ministerin")}},
        id="who dismisses is no argument of End-Position"),
    pytest.param("Bereits 1990 trat er als Bürgermeister zurück.", {(E, "trat"): {
        ("Person", "er"), ("Position", "Bürgermeister"), ("Time", "1990")}}, id="als and a time without adverb"),
    pytest.param("Der Präsident wurde im Mai zum Botschafter ernannt.", {("Personnel:Nominate", "ernannt"): {
        ("Person", "Präsident"), ("Position", "Botschafter"), ("Time", "Mai")}}, id="position after zum"),
    pytest.param("Bei dem Unglück sind am Montag in der Stadt Jena vier Menschen umgekommen.", {
        ("Life:Die", "umgekommen"): {("Victim", "Menschen"), ("Place", "Jena"), ("Time", "Montag")}},
        id="verb-final participle after the subject"),
    pytest.param("Die Bewohner flohen im Sommer nach Polen.", {(T, "flohen"): {
        ("Artifact", "Bewohner"), ("Destination", "Polen"), ("Time", "Sommer")}}, id="motion verb without object"),
    pytest.param("Die Truppen zogen sich am Montag aus Bachmut zurück.", {(T, "zogen"): {
        ("Artifact", "Truppen"), ("Origin", "Bachmut"), ("Time", "Montag")}}, id="reflexive motion verb"),
    pytest.param("Russland zog seine Truppen aus Cherson zurück.", {(T, "zog"): {
        ("Agent", "Russland"), ("Artifact", "Truppen"), ("Origin", "Cherson")}},
        id="object hung on the particle, place deeper in the clause"),
    pytest.param("Am Sonntag wurde in Bremen ein Polizist angeschossen und schwer verletzt.", {
        ("Life:Injure", "verletzt"): {("Victim", "Polizist"), ("Place", "Bremen"), ("Time", "Sonntag")}},
        id="coordinated participle shares voice and leading phrases"),
    pytest.param("Bei einem Angriff wurden am Mittwoch in Charkiw drei Menschen verletzt.", {
        ("Conflict:Attack", "Angriff"): {("Place", "Charkiw"), ("Time", "Mittwoch")},
        ("Life:Injure", "verletzt"): {("Victim", "Menschen"), ("Place", "Charkiw"), ("Time", "Mittwoch")}},
        id="noun trigger shares its clause's time and place"),
    pytest.param("Die Armee setzte am Montag die Offensive fort.", {("Conflict:Attack", "Offensive"): {
        ("Attacker", "Armee"), ("Time", "Montag")}}, id="support verb with particle"),
    pytest.param("Die Minister führten in Berlin Gespräche mit ihren Kollegen.", {("Contact:Meet", "Gespräche"): {
        ("Entity", "Minister"), ("Entity", "Kollegen"), ("Place", "Berlin")}}, id="support verb"),
    pytest.param("Die Sprecherin sagte der Zeitung, der Plan sei gescheitert.", {(S, "sagte"): {
        ("Speaker", "Sprecherin"), ("Addressee", "Zeitung")}}, id="dative addressee"),
    pytest.param("Der Kanzler reiste den ganzen Tag durch Bayern.", {(T, "reiste"): {
        ("Artifact", "Kanzler"), ("Time", "ganzen Tag")}}, id="time in the accusative"),
    pytest.param("Die Firmen sollen für die Armee Waffen geliefert haben.", {
        ("Transaction:Transfer-Ownership", "geliefert"): {("Giver", "Firmen"), ("Artifact", "Waffen"),
                                                          ("Recipient", "Armee")}},
        id="für gives the recipient, haben no passive"),
    pytest.param("Die Regierung zahlte für die Flüchtlinge 5 Millionen Euro.", {(M, "zahlte"): {
        ("Giver", "Regierung"), ("Money", "5 Millionen Euro")}}, id="amount without the noun before it"),
    pytest.param("Die Regierung zahlte im Jahr 2020 rund 8,5 Milliarden Dollar.", {(M, "zahlte"): {
        ("Giver", "Regierung"), ("Money", "rund 8,5 Milliarden Dollar"), ("Time", "Jahr 2020")}},
        id="amount with its quantifier"),
    pytest.param("Nach dem Erdbeben reiste die Ministerin nach Paris.", {(T, "reiste"): {
        ("Artifact", "Ministerin"), ("Destination", "Paris")}}, id="nach with a name only"),
    pytest.param("Beim Brand wurden zwei Feuerwehrleute verletzt.", {
        ("Life:Injure", "verletzt"): {("Victim", "Feuerwehrleute")}}, id="bei with a name only"),
    pytest.param("Anna Berg, Paul Kern und Eva Roth wurden am Sonntag gewählt.", {("Personnel:Elect", "gewählt"): {
        ("Person", "Anna Berg"), ("Person", "Paul Kern"), ("Person", "Eva Roth"), ("Time", "Sonntag")}},
        id="listed names"),
    pytest.param("Die Regierung werde hart durchgreifen, sagte Weber, der zugleich neue Gesetze ankündigte.", {
        (S, "sagte"): {("Speaker", "Weber")}, (S, "ankündigte"): {("Speaker", "Weber")}},
        id="relative pronoun read as the noun before its comma"),
    pytest.param("Das teilte Bürgermeisterin Hanna Koskinen am Freitagabend vor Journalisten mit.", {(S, "teilte"): {
        ("Speaker", "Hanna Koskinen"), ("Time", "Freitagabend"), ("Addressee", "Journalisten")}},
        id="addressee after vor, not part of the time"),
    pytest.param("Der Minister sagte im staatlichen Fernsehen, die Lage sei ernst.", {(S, "sagte"): {
        ("Speaker", "Minister"), ("Medium", "Fernsehen")}}, id="a channel is the medium, not the place"),
    pytest.param("Die Gewerkschaft warnte am Montag vor Kürzungen.", {(S, "warnte"): {
        ("Speaker", "Gewerkschaft"), ("Time", "Montag")}}, id="what a warning is about is no addressee"),
    pytest.param("Die Einigung sei erzielt worden, teilte das kirgisische Außenministerium anschließend mit.", {
        ("Contact:Agreement", "Einigung"): set(), (S, "teilte"): {("Speaker", "Außenministerium")}},
        id="a statement verb's only object without a subject is the speaker"),
    pytest.param("Kovács betonte, die Partei bleibe in der Opposition.", {(S, "betonte"): {("Speaker", "Kovács")}},
        id="the name before a second-position verb"),
    pytest.param("Mehr als 40 Menschen wurden bei dem Unglück verletzt.", {
        ("Life:Injure", "verletzt"): {("Victim", "Menschen")}}, id="the noun a comparative amount counts"),
    pytest.param("Die Firma soll bis Ende des Jahres aufgelöst werden.", {("Business:End-Org", "aufgelöst"): {
        ("Org", "Firma"), ("Time", "Ende des Jahres")}}, id="a time noun with its time"),
    pytest.param("Schon am Samstagnachmittag trafen sich die Ministerinnen in Genf.", {("Contact:Meet", "trafen"): {
        ("Entity", "Ministerinnen"), ("Time", "Samstagnachmittag"), ("Place", "Genf")}},
        id="a compound of a time noun is a time"),
    pytest.param("Bereits vor vier Wochen hatte die Armee das Dorf beschossen.", {("Conflict:Attack", "beschossen"): {
        ("Attacker", "Armee"), ("Target", "Dorf"), ("Time", "vor vier Wochen")}},
        id="a preposition that changes the time stays"),
    pytest.param("Die Regierung kritisierte den Angriff auf das Krankenhaus.", {
        (S, "kritisierte"): {("Speaker", "Regierung")}, ("Conflict:Attack", "Angriff"): {("Target", "Krankenhaus")}},
        id="the phrase right after a noun trigger is its own"),
    pytest.param("Die Beauftragte für Menschenrechte, Anna Keller, sagte am Montag, die Lage sei ernst.", {
        (S, "sagte"): {("Speaker", "Anna Keller"), ("Time", "Montag")}}, id="a name between commas after the subject"),
    pytest.param("Die Länder wollen bis 2030 gemeinsam rund fünf Milliarden Euro zahlen.", {(M, "zahlen"): {
        ("Giver", "Länder"), ("Money", "rund fünf Milliarden Euro"), ("Time", "2030")}},
        id="an amount starts at its quantifier"),
    pytest.param("Die Regierung in Lima erklärte, die Lage sei ruhig.", {(S, "erklärte"): {("Speaker", "Regierung")}},
        id="where the subject is is not where the event is"),
    pytest.param("Die Regierung kündigte die Lieferung von Munition an.", {
        (S, "kündigte"): {("Speaker", "Regierung")},
        ("Transaction:Transfer-Ownership", "Lieferung"): {("Artifact", "Munition")}},
        id="a noun's von-phrase without a name is its genitive"),
    pytest.param("Auch Ungarn schickte Soldaten in Richtung Grenze, wie Augenzeugen der Zeitung berichteten.", {
        (T, "schickte"): {("Agent", "Ungarn"), ("Artifact", "Soldaten")},
        (S, "berichteten"): {("Speaker", "Augenzeugen"), ("Addressee", "Zeitung")}},
        id="a subordinate clause's verb takes no noun from before its conjunction"),
]


@pytest.mark.parametrize("text, expected", READINGS)
def test_readings_that_survive_a_weak_parser(extractor, text, expected):
    assert extract(extractor, text) == expected


def test_justice_and_life_triggers_of_the_shared_lexicon(extractor):
    assert extract(extractor, "Die Polizei nahm den Verdächtigen am Montag in Linz fest.") == {
        ("Justice:Arrest-Jail", "nahm"): {("Agent", "Polizei"), ("Person", "Verdächtigen"), ("Place", "Linz"),
                                          ("Time", "Montag")}}
    assert set(extract(extractor, "Bei dem Brand kam ein Radfahrer ums Leben.")) == {("Life:Die", "Leben")}


def test_a_time_keeps_no_phrase_that_is_no_time(extractor):
    assert ("Time", "Mai") in extract(extractor, "Polen lieferte im Mai für die Ukraine neue Panzer.")[
        ("Transaction:Transfer-Ownership", "lieferte")]


# --- hand-made parse trees in both label schemes ------------------------------------

def parse(table: str, scheme: str, entities: dict[str, str]) -> Doc:
    """A Doc from rows "word lemma POS tiger_head tiger_dep ud_head ud_dep [morph]" (heads: token
    indices), with the head and label columns of ``scheme``, and entities by their words."""
    column = 3 if scheme == "tiger" else 5
    rows = [(r[0], r[1], r[2], r[column], r[column + 1], *r[7:]) for r in map(str.split, table.strip().splitlines())]
    words = [r[0] for r in rows]
    ents = ["O"] * len(words)
    for name, label in entities.items():
        parts = name.split()
        first = next(i for i in range(len(words)) if words[i:i + len(parts)] == parts)
        ents[first:first + len(parts)] = [f"B-{label}"] + [f"I-{label}"] * (len(parts) - 1)
    from spacy.tokens import Doc

    return Doc(german_vocab(), words=words, spaces=[i + 1 < len(words) and rows[i + 1][2] != "PUNCT" for i in range(len(rows))],
               lemmas=[r[1] for r in rows], pos=[r[2] for r in rows], heads=[int(r[3]) for r in rows],
               deps=[r[4] for r in rows], morphs=[r[5] if len(r) > 5 else "" for r in rows], ents=ents)


TREES = {  # entities, rows "word lemma POS tiger_head tiger_dep ud_head ud_dep [morph]", expected mentions
    "active": ({"Russland": "LOC", "Ukraine": "LOC"}, """
Russland         Russland         PROPN  1 sb     4 nsubj
hat              haben            AUX    1 ROOT   4 aux
die              der              DET    3 nk     3 det          PronType=Art
Ukraine          Ukraine          PROPN  4 oa     4 obj
angegriffen      angreifen        VERB   1 oc     4 ROOT         VerbForm=Part
.                .                PUNCT  1 punct  4 punct""",
        {("Conflict:Attack", "angegriffen"): {("Attacker", "Russland"), ("Target", "Ukraine")}}),
    "passive": ({"Kiew": "LOC"}, """
Kiew             Kiew             PROPN  1 sb     7 nsubj:pass
wurde            werden           AUX    1 ROOT   7 aux:pass
von              von              ADP    7 sbp    4 case
russischen       russisch         ADJ    4 nk     4 amod
Truppen          Truppe           NOUN   2 nk     7 obl:agent
mit              mit              ADP    7 mo     6 case
Raketen          Rakete           NOUN   5 nk     7 obl
beschossen       beschießen       VERB   1 oc     7 ROOT         VerbForm=Part
.                .                PUNCT  1 punct  7 punct""",
        {("Conflict:Attack", "beschossen"): {("Attacker", "Truppen"), ("Instrument", "Raketen"),
                                             ("Target", "Kiew")}}),
    "separable verb and apposition": ({"Antony Blinken": "PER", "Brüssel": "LOC"}, """
US-Außenminister US-Außenminister NOUN   3 sb     3 nsubj
Antony           Antony           PROPN  2 pnc    0 appos
Blinken          Blinken          PROPN  0 nk     1 flat:name
kündigte         kündigen         VERB   3 ROOT   3 ROOT
am               an               ADP    3 mo     5 case
Mittwoch         Mittwoch         NOUN   4 nk     3 obl
in               in               ADP    3 mo     7 case
Brüssel          Brüssel          PROPN  6 nk     3 obl
eine             ein              DET    9 nk     9 det          PronType=Art
Antwort          Antwort          NOUN   3 oa     3 obj
an               an               ADP    3 svp    3 compound:prt
.                .                PUNCT  3 punct  3 punct""",
        {("Contact:Statement", "kündigte"): {("Place", "Brüssel"), ("Speaker", "Antony Blinken"),
                                             ("Time", "Mittwoch")}}),
    "coordination": ({"Russland": "LOC", "Nordkorea": "LOC"}, """
Russland         Russland         PROPN  3 sb     3 nsubj
und              und              CCONJ  0 cd     2 cc
Nordkorea        Nordkorea        PROPN  1 cj     0 conj
unterzeichneten  unterzeichnen    VERB   3 ROOT   3 ROOT
ein              ein              DET    5 nk     5 det          PronType=Art
Abkommen         Abkommen         NOUN   3 oa     3 obj
.                .                PUNCT  3 punct  3 punct""",
        {("Contact:Agreement", "unterzeichneten"): {("Participant", "Nordkorea"), ("Participant", "Russland")}}),
    "dative": ({"Polen": "LOC", "Ukraine": "LOC"}, """
Polen            Polen            PROPN  1 sb     1 nsubj
lieferte         liefern          VERB   1 ROOT   1 ROOT
der              der              DET    3 nk     3 det          PronType=Art
Ukraine          Ukraine          PROPN  1 da     1 iobj
Panzer           Panzer           NOUN   1 oa     1 obj
.                .                PUNCT  1 punct  1 punct""",
        {("Transaction:Transfer-Ownership", "lieferte"): {("Artifact", "Panzer"), ("Giver", "Polen"),
                                                          ("Recipient", "Ukraine")}}),
    "relative clause": ({"Borrell": "PER", "Kiew": "LOC", "Selenskyj": "PER"}, """
Borrell          Borrell          PROPN  7 sb     7 nsubj
,                ,                PUNCT  0 punct  5 punct
der              der              PRON   5 sb     5 nsubj        PronType=Rel
nach             nach             ADP    5 mo     4 case
Kiew             Kiew             PROPN  3 nk     5 obl
reiste           reisen           VERB   0 rc     0 acl:relcl
,                ,                PUNCT  0 punct  5 punct
traf             treffen          VERB   7 ROOT   7 ROOT
Selenskyj        Selenskyj        PROPN  7 oa     7 obj
.                .                PUNCT  7 punct  7 punct""",
        {("Movement:Transport", "reiste"): {("Artifact", "Borrell"), ("Destination", "Kiew")},
         ("Contact:Meet", "traf"): {("Entity", "Borrell"), ("Entity", "Selenskyj")}}),
    "coordinated verbs share a subject": ({"Russland": "LOC", "Charkiw": "LOC"}, """
Russland         Russland         PROPN  1 sb     1 nsubj
griff            greifen          VERB   1 ROOT   1 ROOT
Charkiw          Charkiw          PROPN  1 oa     1 obj
an               an               ADP    1 svp    1 compound:prt
und              und              CCONJ  1 cd     5 cc
zerstörte        zerstören        VERB   4 cj     1 conj
Häuser           Haus             NOUN   5 oa     5 obj
.                .                PUNCT  1 punct  1 punct""",
        {("Conflict:Attack", "griff"): {("Attacker", "Russland"), ("Target", "Charkiw")},
         ("Conflict:Attack", "zerstörte"): {("Attacker", "Russland"), ("Target", "Häuser")}}),
    "noun trigger with genitive": ({"Russlands": "LOC", "Charkiw": "LOC"}, """
Der              der              DET    1 nk     1 det          PronType=Art
Angriff          Angriff          NOUN   5 sb     5 nsubj
Russlands        Russland         PROPN  1 ag     1 nmod         Case=Gen
auf              auf              ADP    1 mnr    4 case
Charkiw          Charkiw          PROPN  3 nk     1 nmod
scheiterte       scheitern        VERB   5 ROOT   5 ROOT
.                .                PUNCT  5 punct  5 punct""",
        {("Conflict:Attack", "Angriff"): {("Attacker", "Russlands"), ("Target", "Charkiw")}}),
    "attributive participle": ({"Polen": "LOC"}, """
Die              der              DET    4 nk     4 det          PronType=Art
von              von              ADP    3 sbp    2 case
Polen            Polen            PROPN  1 nk     3 obl
gelieferten      geliefert        ADJ    4 nk     4 amod
Panzer           Panzer           NOUN   5 sb     6 nsubj
sind             sein             AUX    5 ROOT   6 cop
alt              alt              ADJ    5 pd     6 ROOT
.                .                PUNCT  5 punct  6 punct""",
        {("Transaction:Transfer-Ownership", "gelieferten"): {("Artifact", "Panzer"), ("Giver", "Polen")}}),
    "a participle hung on a verb as its particle is none": ({}, """
Der              der              DET    1 nk     1 det          PronType=Art
Sprecher         Sprecher         NOUN   2 sb     2 nsubj
sagte            sagen            VERB   2 ROOT   2 ROOT
,                ,                PUNCT  2 punct  2 punct
man              man              PRON   5 sb     9 nsubj
habe             haben            AUX    2 oc     9 aux
sich             sich             PRON   5 oa     9 obj
gegen            gegen            ADP    5 mo     8 case
Ziele            Ziel             NOUN   7 nk     9 obl
gerichtet        richten          VERB   2 svp    2 compound:prt VerbForm=Part
.                .                PUNCT  2 punct  2 punct""",
        {("Contact:Statement", "sagte"): {("Speaker", "Sprecher")}}),
    "two objects and no subject": ({}, """
Die              der              DET    1 nk     1 det          PronType=Art
Armee            Armee            NOUN   4 oa     4 obj
werde            werden           AUX    2 ROOT   4 aux
Truppen          Truppe           NOUN   4 oa     4 obj
verlegen         verlegen         VERB   2 oc     4 ROOT         VerbForm=Inf
.                .                PUNCT  2 punct  4 punct""",
        {("Movement:Transport", "verlegen"): {("Agent", "Armee"), ("Artifact", "Truppen")}}),
}


def tree(case: str, scheme: str) -> Doc:
    entities, table, _ = TREES[case]
    return parse(table, scheme, entities)


@pytest.mark.parametrize("scheme", ["tiger", "ud"])
@pytest.mark.parametrize("case", list(TREES))
def test_both_label_schemes_give_the_same_events(case, scheme):
    doc = tree(case, scheme)
    assert detect_scheme(t.dep_ for t in doc) == scheme
    assert found(SpacyExtractor(label_scheme=scheme).doc_mentions(doc, "x")) == TREES[case][2]


def test_label_scheme_auto_reads_a_hand_made_doc_and_offsets_shift():
    mentions = SpacyExtractor().doc_mentions(tree("passive", "tiger"), "x", offset=100)
    assert found(mentions) == TREES["passive"][2]
    assert mentions[0].trigger.start == 100 + len("Kiew wurde von russischen Truppen mit Raketen ")


def test_wrong_scheme_finds_the_trigger_but_no_arguments():
    assert found(SpacyExtractor(label_scheme="ud", word_order=False).doc_mentions(tree("active", "tiger"), "x")) == {
        ("Conflict:Attack", "angegriffen"): set()}


def test_word_order_gives_subject_and_object_where_the_parse_gives_neither():
    # read with the wrong label scheme, the tree has no subject or object; German word order has both
    assert found(SpacyExtractor(label_scheme="ud").doc_mentions(tree("active", "tiger"), "x")) == {
        ("Conflict:Attack", "angegriffen"): {("Attacker", "Russland"), ("Target", "Ukraine")}}


def test_full_extent_on_a_hand_made_tree():
    mentions = SpacyExtractor(full_extent=True, label_scheme="tiger").doc_mentions(tree("passive", "tiger"), "x")
    assert found(mentions) == {("Conflict:Attack", "beschossen"): {
        ("Target", "Kiew"), ("Attacker", "russischen Truppen"), ("Instrument", "Raketen")}}


def test_label_tables_map_to_known_functions_and_entity_types():
    for table in LABELS["schemes"].values():
        assert set(table.values()) <= FUNCTIONS
    assert set(LABELS["entity_labels"].values()) <= set(load_ontology().entity_types)


def test_detect_scheme():
    assert detect_scheme(["sb", "oa", "nk", "ROOT", "punct"]) == "tiger"
    assert detect_scheme(["nsubj", "obj", "ROOT", "punct"]) == "ud"
    assert detect_scheme(["ROOT", "punct"]) is None


def test_the_trigger_lexicon_is_shared_with_the_rules_extractor():
    lexicon = SpacyExtractor().lexicon
    assert type(lexicon) is TriggerLexicon and isinstance(RulesExtractor().lexicon, TriggerLexicon)
    assert lexicon.lemmas[("ankündigen", True)] == ("Contact:Statement", "ankündigen")
    assert lexicon.lemmas[("treffen", True)][0] == lexicon.lemmas[("treffen", False)][0] == "Contact:Meet"
    assert lexicon.compound_head("drohnenangriffe") == ("Conflict:Attack", "Angriff")
    assert lexicon.compound_head("wahlkampf") is None          # listed as not a compound of Kampf
    assert ("übernehmen", True) not in lexicon.lemmas          # "übernehmen (Amt)": its forms only
    assert lexicon.idioms["leben"] == [(("ums",), "Life:Die", "ums Leben")]


# --- hand-made Universal Dependencies trees with a weak parser's mistakes -------------

def ud(table: str, entities: dict[str, str]) -> Doc:
    """A UD Doc from rows "word lemma POS head dep [morph]" (the TIGER columns of ``parse`` left empty)."""
    rows = [r.split() for r in table.strip().splitlines()]
    return parse("\n".join(" ".join(r[:3] + ["0", "-"] + r[3:]) for r in rows), "ud", entities)


def ud_found(table: str, entities: dict[str, str] | None = None) -> dict:
    return found(SpacyExtractor(label_scheme="ud").doc_mentions(ud(table, entities or {}), "x"))


def test_a_passive_label_with_an_object_and_haben_is_active():
    assert ud_found("""
Firmen       Firma     NOUN  3 nsubj:pass
sollen       sollen    AUX   3 aux
Panzer       Panzer    NOUN  3 obj
geliefert    liefern   VERB  3 ROOT        VerbForm=Part
haben        haben     AUX   3 aux
.            .         PUNCT 3 punct""") == {
        ("Transaction:Transfer-Ownership", "geliefert"): {("Giver", "Firmen"), ("Artifact", "Panzer")}}


def test_names_listed_under_wrong_labels_are_conjuncts():
    assert ud_found("""
Anna         Anna      PROPN 1 dep
Berg         Berg      PROPN 10 nsubj:pass
,            ,         PUNCT 3 punct
Paul         Paul      PROPN 1 nmod
Kern         Kern      PROPN 1 appos
und          und       CCONJ 7 cc
Eva          Eva       PROPN 7 compound
Roth         Roth      PROPN 4 appos
wurden       werden    AUX   10 aux:pass
gestern      gestern   ADV   10 advmod
gewählt      wählen    VERB  10 ROOT       VerbForm=Part
.            .         PUNCT 10 punct""", {"Anna Berg": "PER", "Paul Kern": "PER", "Eva Roth": "PER"}) == {
        ("Personnel:Elect", "gewählt"): {("Person", "Anna Berg"), ("Person", "Paul Kern"), ("Person", "Eva Roth")}}


def test_a_name_after_a_title_counts_whatever_its_label_and_a_name_after_a_preposition_does_not():
    # the place of the subject (der Sprecher in Bonn) is not the event's place (guidelines section 3)
    assert ud_found("""
Der          der       DET   1 det         PronType=Art
Fraktionschef Fraktionschef NOUN 3 nsubj
Weber        Weber     PROPN 1 dep
kündigte     kündigen  VERB  3 ROOT
den          der       DET   5 det         PronType=Art
Plan         Plan      NOUN  3 obj
an           an        ADP   3 compound:prt
.            .         PUNCT 3 punct""") == {("Contact:Statement", "kündigte"): {("Speaker", "Weber")}}
    assert ud_found("""
Der          der       DET   1 det         PronType=Art
Sprecher     Sprecher  NOUN  4 nsubj
in           in        ADP   3 case
Bonn         Bonn      PROPN 1 nmod
bestätigte   bestätigen VERB 4 ROOT
es           es        PRON  4 obj
.            .         PUNCT 4 punct""", {"Bonn": "LOC"}) == {
        ("Contact:Statement", "bestätigte"): {("Speaker", "Sprecher")}}    # Bonn is where the speaker works


def test_a_position_and_a_place_hung_on_the_wrong_word_are_found_in_the_clause():
    # "als Minister" on the date (the date's span stops before it), "in Linz" on the subject
    assert ud_found("""
Am           an        ADP   2 case
3.           3.        ADJ   2 amod
Mai          Mai       PROPN 4 obl
2001         2001      NUM   2 nummod
trat         treten    VERB  4 ROOT
Berger       Berger    PROPN 4 nsubj
in           in        ADP   7 case
Linz         Linz      PROPN 5 nmod
als          als       CCONJ 9 cc
Minister     Minister  NOUN  2 dep
zurück       zurück    ADV   4 compound:prt
.            .         PUNCT 4 punct""", {"Berger": "PER", "Linz": "LOC"}) == {
        ("Personnel:End-Position", "trat"): {("Person", "Berger"), ("Position", "Minister"), ("Time", "3. Mai 2001"),
                                             ("Place", "Linz")}}


def test_only_money_is_money():
    # the parser took "Stolze" for a preposition and the club's name for the object
    assert ud_found("""
Stolze       stolz     PROPN 3 case
2            2         NUM   2 nummod
Millionen    Million   NOUN  3 nmod
Euro         Euro      NOUN  4 obl
zahlte       zahlen    VERB  4 ROOT
der          der       DET   6 det         PronType=Art
Verein       Verein    NOUN  4 nsubj
an           an        ADP   8 case
Nord         Nord      PROPN 4 obj
.            .         PUNCT 4 punct""", {"Nord": "ORG"}) == {
        ("Transaction:Transfer-Money", "zahlte"): {("Money", "2 Millionen Euro"), ("Giver", "Verein")}}


def test_titles_are_shared_with_the_rules_extractor():
    titles = {"sprecher", "chef", "präsident"}
    assert is_title("vorstandssprecher", titles) and is_title("us-präsidenten", titles)
    assert not is_title("fraktionschef", titles)        # a title of six letters or more ends a compound title
    assert is_title("region", titles, {"region"}) and not is_title("bahn", titles)
    assert RulesExtractor()._is_title("regierungssprecherin") is True
