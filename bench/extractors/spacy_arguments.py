"""The arguments of a trigger in a spaCy parse: its dependents, the repairs a weak parse needs, roles.

Subject, objects and the agent phrase take their role from ``arguments.yaml``'s
``functions`` table in either voice, prepositional phrases from its ``prepositions``
table. Where the parse gives a trigger no Time, Place, Destination, Origin or Position,
these come from its clause: the phrases a coordinated verb or a noun trigger shares with
the verb of its clause, then the nearest time, title after ``als``/``zu`` or place name
anywhere in the clause. A verb the parse gives no subject gets one from what the parse
does show (``_subject_repaired``).
"""
from __future__ import annotations

from typing import NamedTuple

from bench.extractors.fillers import Fillers
from bench.extractors.lexicon import Entry, WordLists
from bench.extractors.parse import (AGENT, DATIVE, FILLERS, GENITIVE, NOUNS, OBJECT, OBLIQUE, PARTICIPLE_TAGS,
                                    PASSIVE_SUBJECT, SUBJECT, SUBORDINATOR, VERBAL, Dependent, counted_noun,
                                    following_phrase, is_name, is_possessive, is_reflexive, subject_before_insertion,
                                    token_span)
from bench.extractors.tree import Tree
from bench.schema import Argument

# not a label's function: a von/durch phrase of an active verb, which cannot hold the subject's role
ACTIVE_VON = "active_von"
#: the functions of a verb's or a noun's dependents that may fill a role
ARGUMENT_FUNCTIONS = {SUBJECT, PASSIVE_SUBJECT, OBJECT, DATIVE, AGENT, OBLIQUE, GENITIVE}
PLACE_ROLES = {"Place", "Destination", "Origin"}
NOT_PLACES = {"PER", "TIME", "MONEY"}


class Filled(NamedTuple):
    """A filler with the role it takes (None: not decided yet) and its entity type."""

    role: str | None
    filler: object
    entity_type: str


class Candidates(NamedTuple):
    """What may fill a trigger's roles: its own dependents, the phrases of its clause it shares, and the
    verb chain of its clause."""

    own: list[Dependent]
    shared: list[Dependent]
    clause: list


class ArgumentReader:
    """Arguments of triggers in a parse, by the shared word lists and the ontology's roles per type."""

    def __init__(self, words: WordLists, fillers: Fillers, roles: dict[str, frozenset[str]]):
        self.words, self.fillers, self.roles = words, fillers, roles

    def arguments(self, tree: Tree, token, trigger: Entry, triggers: set[int], offset: int) -> list[Argument]:
        """The arguments of the trigger ``token`` in a sentence whose first character is ``offset``."""
        event_type = trigger.type
        own, shared, clause = self._candidates(tree, token, trigger.verb, triggers)
        if clause and token in clause:
            own = self._subject_repaired(tree, self._in_own_clause(tree, own, token), clause, event_type)
        content = self.words.content_prepositions.get(trigger.lemma, ())
        own = [c for c in own if c.preposition not in content]     # warnte vor Streiks: what is said
        intransitive = self._intransitive(trigger.lemma, own)
        chosen, genitives = self._fill(tree, event_type, intransitive, own, triggers)
        chosen += self._genitives(event_type, chosen, genitives)
        # where the parse gives no Time or Place: the clause's phrases the trigger shares; and for an event
        # whose parties all have one role (Meet: Entity), the clause's subject
        functions, roles = self.words.functions.get(event_type, {}), self.roles[event_type]
        symmetric = {functions["subject"]} if functions.get("subject") == functions.get("object") else set()
        missing = ({"Time", "Place"} | symmetric) & roles - {c.role for c in chosen}
        chosen += [c for c in self._fill(tree, event_type, intransitive, shared, triggers)[0] if c.role in missing]
        chosen += self._nearest_in_clause(tree, token, event_type, intransitive, clause, chosen, triggers)
        chosen += self._positions(tree, event_type, chosen)
        arguments = []
        for role, filler, entity_type in chosen:
            first, last = self.fillers.extent(tree, filler, entity_type, token)
            arguments.append(Argument(role, token_span(filler.doc, first, last, offset), entity_type))
        # one argument per role and span, none inside another of its role (Sonntag in Nacht zum Sonntag)
        return [a for i, a in enumerate(arguments) if a not in arguments[:i] and not any(
            b.role == a.role and b.span != a.span and b.span.start <= a.span.start and a.span.end <= b.span.end
            for b in arguments)]

    def _intransitive(self, lemma: str, candidates: list[Dependent]) -> bool:
        """Whether a verb is used without an object (a time in the accusative is none): reisen, or
        reflexive (zog sich zurück)."""
        objects = [c.filler for c in candidates
                   if c.function == OBJECT and self.fillers.entity_type(c.filler, None) != "TIME"]
        return (lemma in self.words.intransitive_lemmas or any(map(is_reflexive, objects))) and all(
            map(is_reflexive, objects))

    def _genitives(self, event_type: str, chosen: list[Filled], genitives: list[Filled]) -> list[Filled]:
        """A noun's genitive is its object (Zerstörung der Brücke) unless a phrase took that role."""
        functions, roles = self.words.functions.get(event_type, {}), self.roles[event_type]
        object_role = functions.get("object")
        role = functions.get("subject") if any(c.role == object_role for c in chosen) else (
            object_role or functions.get("subject"))
        return [g._replace(role=role) for g in genitives if role in roles and g.entity_type not in ("TIME", "MONEY")]

    def _nearest_in_clause(self, tree: Tree, token, event_type: str, intransitive: bool, clause: list,
                           chosen: list[Filled], triggers: set[int]) -> list[Filled]:
        """As a weak parser hangs phrases on the wrong word: the nearest time, position (als Minister) or
        place with a name (in, nach, aus Berlin) anywhere in the clause, for each of these roles the
        trigger has not, but not where the subject is (die Regierung in Kairo erklärte)."""
        missing = ({"Time", "Position"} | PLACE_ROLES) & self.roles[event_type] - {c.role for c in chosen}
        if not missing:
            return []
        subject = self.words.functions.get(event_type, {}).get("subject")
        participants = {c.filler.i for c in chosen if c.role == subject}
        found = [c for c in self._fill(tree, event_type, intransitive, tree.clause_phrases(clause), triggers)[0]
                 if c.role in missing and (c.role not in PLACE_ROLES or tree.named(c.filler) is not None
                                           and tree.phrase_head(c.filler).i not in participants)]
        nearest = []
        for role in sorted(missing):
            nearest += sorted((c for c in found if c.role == role), key=lambda c: abs(c.filler.i - token.i))[:1]
        return nearest

    # --- candidates -----------------------------------------------------------------

    def _candidates(self, tree: Tree, token, is_verb: bool, triggers: set[int]) -> Candidates:
        if is_verb and token.pos_ == "ADJ" and token.head.i != token.i and token.head.pos_ in NOUNS:
            # "die von Polen gelieferten Panzer": the noun is what the participle's passive is about
            return Candidates([Dependent(PASSIVE_SUBJECT, token.head, None)] + self._dependents(tree, [token], True),
                              [], [])
        if is_verb or token.pos_ in VERBAL:
            return self._verb_candidates(tree, token)
        return self._noun_candidates(tree, token, triggers)

    def _verb_candidates(self, tree: Tree, verb) -> Candidates:
        chain = tree.verb_chain(verb)
        first = tree.first_conjunct(chain)
        # a participle without auxiliary shares the voice of the first conjunct (wurde angeschossen und verletzt)
        passive = tree.passive(chain) or bool(first) and len(chain) == 1 and tree.passive(first) and (
            "Part" in verb.morph.get("VerbForm") or verb.tag_ in PARTICIPLE_TAGS)
        own = self._dependents(tree, chain, passive)
        if not first:
            return Candidates(own, [], chain)
        # "Russland griff an und zerstörte ...": a later conjunct shares the subject, and the phrases
        # before the first verb ("Am Montag wurde er angeschossen und verletzt")
        before = self._dependents(tree, first, tree.passive(first))
        if not any(c.function in (SUBJECT, PASSIVE_SUBJECT) for c in own):
            own += [c._replace(function=PASSIVE_SUBJECT if passive else SUBJECT)
                    for c in before if c.function in (SUBJECT, PASSIVE_SUBJECT)]
        return Candidates(own, [c for c in before if c.function == OBLIQUE and c.filler.i < first[0].i], chain)

    def _noun_candidates(self, tree: Tree, noun, triggers: set[int]) -> Candidates:
        own = self._dependents(tree, [noun], False, verbal=False)
        following = following_phrase(noun)
        if following is not None and all(c.filler != following[1] for c in own):
            own.append(Dependent(OBLIQUE, following[1], following[0]))
        # a noun's von-phrase without a name stands for its genitive (die Lieferung von Munition)
        own = [c._replace(function=GENITIVE) if c.function == OBLIQUE and c.preposition in ("von", "vom")
               and not is_name(c.filler) else c for c in own]
        governor = tree.phrase_head(noun)
        if governor.pos_ not in VERBAL or governor.i == noun.i:
            return Candidates(own, [], [])
        chain = tree.verb_chain(governor)
        clause = self._dependents(tree, chain, tree.passive(chain))
        if tree.fn(noun) == OBJECT and governor.i not in triggers and (
                tree.particle(governor) or "") + governor.lemma_.lower() in self.words.support_verbs:
            # "Die Armee setzte den Angriff fort": the light verb's subject and phrases are the noun's
            own += [c for c in clause if c.function in (SUBJECT, OBLIQUE, AGENT, DATIVE)]
        # "Bei einem Anschlag sind am Samstag ... getötet worden": the noun shares its clause's phrases (and
        # its subject, which arguments() takes for events whose parties are alike: zu Gesprächen reisen)
        return Candidates(own, [c for c in clause if c.function in (OBLIQUE, SUBJECT)], chain)

    def _in_own_clause(self, tree: Tree, candidates: list[Dependent], verb) -> list[Dependent]:
        """The candidates of a verb in a clause opened by a conjunction (wie, dass, weil) without the nouns
        before that conjunction, which a weak parser hangs on the verb (schickte Einheiten, wie Zeugen
        berichteten: not Einheiten). A conjunction opens a clause by its label or right after a comma;
        zu before an infinitive opens none."""
        doc = verb.doc
        opener = next((t for t in reversed(doc[:verb.i]) if t.text == "," or t.pos_ != "PART" and (
            tree.fn(t) == SUBORDINATOR or t.pos_ == "SCONJ" or t.lower_ in self.words.clause_openers
            and t.i > 0 and doc[t.i - 1].text == ",")), None)
        if opener is None or opener.text == ",":
            return candidates
        return [c for c in candidates if c.filler.i > opener.i or c.function not in (SUBJECT, OBJECT, DATIVE)]

    def _subject_repaired(self, tree: Tree, candidates: list[Dependent], chain: list,
                          event_type: str) -> list[Dependent]:
        """A subject for an active verb whose parse gives none: the first of two accusative objects (die
        Armee werde weitere Einheiten verlegen), the only object of a type without an object role (teilte
        das Präsidialamt mit), or a noun without function that opens the sentence right before a finite
        verb (Omerović betonte), or the noun that opens the sentence before a relative clause or an
        apposition that ends right before the verb (Vuković, die als Vertraute gilt, kündigte an)."""
        if tree.passive(chain) or any(c.function in (SUBJECT, PASSIVE_SUBJECT) for c in candidates):
            return candidates
        objects = [c for c in candidates if c.function == OBJECT and self.fillers.entity_type(c.filler, None) != "TIME"]
        has_object_role = "object" in self.words.functions.get(event_type, {})
        if len(objects) >= 2 or objects and not has_object_role and not is_reflexive(objects[0].filler):
            first = min(objects, key=lambda c: c.filler.i)
            return [c._replace(function=SUBJECT) if c is first else c for c in candidates]
        verb = chain[-1]
        if {"Part", "Inf"} & set(verb.morph.get("VerbForm")):
            return candidates
        before = next((c for c in verb.children if c.i == verb.i - 1 and c.left_edge.i == 0
                       and tree.fn(c) is None and c.pos_ in NOUNS), None) or subject_before_insertion(verb)
        if before is not None:
            return candidates + [Dependent(SUBJECT, before, None)]
        return candidates + self._coordinated_subject(tree, verb)

    def _coordinated_subject(self, tree: Tree, verb) -> list[Dependent]:
        """The subject of the verb before ``und`` that joins this one to it, with no comma between (sagte
        der Minister und fügte hinzu), wherever the parser hung the second verb."""
        doc = verb.doc
        if verb.i < 2 or doc[verb.i - 1].pos_ != "CCONJ":
            return []
        earlier = next((t for t in reversed(doc[:verb.i - 1]) if t.pos_ == "VERB" or t.is_punct), None)
        if earlier is None or earlier.is_punct:
            return []
        chain = tree.verb_chain(earlier)
        return [c for c in self._dependents(tree, chain, tree.passive(chain)) if c.function == SUBJECT]

    def _dependents(self, tree: Tree, chain: list, passive: bool, verbal: bool = True) -> list[Dependent]:
        """The dependents of a verb chain (``verbal``) or a noun, also those a weak parser hung on a verb's
        separated particle (zog seine Truppen zurück) or on a time (sagte am Montag vor Journalisten)."""
        found = []
        particles = [c for v in chain for c in v.children if verbal and tree.is_particle(c)]
        for head in chain + particles:
            children = list(head.children)
            if verbal:
                children += [g for c in children if tree.fn(c) == OBLIQUE and
                             self.fillers.uncounted_time(tree.phrase(c)[1])
                             for g in c.children if tree.fn(g) == OBLIQUE and tree.phrase(g)[0] is not None]
            for child in children:
                if child in chain or tree.fn(child) not in ARGUMENT_FUNCTIONS and not is_possessive(child):
                    continue
                preposition, filler = tree.phrase(child)
                if filler is not None:
                    function = self._function(tree.fn(child), child, filler, preposition, passive, verbal)
                    found.append(Dependent(function, tree.antecedent(filler, chain[-1]), preposition))
        return found

    def _function(self, label_function: str | None, child, filler, preposition: str | None, passive: bool,
                  verbal: bool) -> str | None:
        """The function of a dependent in its phrase's voice: a subject is passive or not by its verb, a
        von/durch phrase is a passive's agent or an active's ``ACTIVE_VON``, a noun's genitive is GENITIVE."""
        if label_function in (SUBJECT, PASSIVE_SUBJECT):
            return PASSIVE_SUBJECT if passive else SUBJECT
        if label_function == OBLIQUE and preposition is None and "Gen" in filler.morph.get("Case") and not verbal:
            return GENITIVE     # UD: a noun's genitive is an nmod without preposition
        if label_function == OBLIQUE and preposition in self.words.agent_prepositions and verbal:
            return AGENT if passive else ACTIVE_VON
        return GENITIVE if is_possessive(child) else label_function

    # --- roles ----------------------------------------------------------------------

    def _fill(self, tree: Tree, event_type: str, intransitive: bool, candidates: list[Dependent],
              triggers: set[int]) -> tuple[list[Filled], list[Filled]]:
        """The candidates and their conjuncts with their roles, and the genitives apart (role None)."""
        chosen, genitives = [], []
        for function, filler, preposition in candidates:
            filler = counted_noun(filler)
            listed = tree.listed(filler) if is_name(filler) else []
            for conjunct in dict.fromkeys([filler, *tree.conjuncts(filler), *listed]):
                if conjunct.i in triggers or is_reflexive(conjunct) or not (
                        conjunct.pos_ in FILLERS or is_possessive(conjunct)):
                    continue
                entity_type = self.fillers.entity_type(tree.named(conjunct) or conjunct, preposition)
                if function == GENITIVE:
                    genitives.append(Filled(None, conjunct, entity_type))
                    continue
                role = self._role(event_type, intransitive, Dependent(function, conjunct, preposition), entity_type)
                if role:
                    chosen.append(Filled(role, conjunct, "TITLE" if role == "Position" else entity_type))
        return chosen, genitives

    def _positions(self, tree: Tree, event_type: str, chosen: list[Filled]) -> list[Filled]:
        """Personnel events: the title before the Person's name is the Position (Geschäftsführerin Anna
        Muster) unless the event names another (ernannte Ministerin Anna Muster zur Kanzlerin), and the
        Position's genitive is the Entity (Chefin der Bahn)."""
        roles = self.roles[event_type]
        found = [Filled("Position", c.filler, "TITLE") for c in chosen if c.role == "Person"
                 and "Position" in roles and self.fillers.is_title(c.filler)
                 and tree.named(c.filler) not in (None, c.filler)
                 and not any(other.role == "Position" for other in chosen)]
        if "Entity" in roles:
            for position in [c for c in chosen + found if c.role == "Position"]:
                found += [Filled("Entity", d.filler, self.fillers.entity_type(tree.named(d.filler) or d.filler, None))
                          for d in self._dependents(tree, [position.filler], False, verbal=False)
                          if d.preposition is None and d.function in (GENITIVE, OBLIQUE) and d.filler.pos_ in NOUNS]
        return found

    def _role(self, event_type: str, intransitive: bool, candidate: Dependent, entity_type: str) -> str | None:
        """The role of a filler by its function (or preposition) and event type, if its entity type fits.
        Times (also in the accusative: den ganzen Tag) are Time, amounts of money Money, whatever their
        function."""
        roles, function, preposition = self.roles[event_type], candidate.function, candidate.preposition
        if entity_type == "TIME":
            return "Time" if function in (OBLIQUE, OBJECT) and self._time_phrase(preposition) and "Time" in roles \
                else None
        if entity_type == "MONEY":
            return "Money" if "Money" in roles else None
        role = self._functional_role(event_type, intransitive, candidate)
        return role if role in roles and self._fits(role, candidate, entity_type) else None

    def _time_phrase(self, preposition: str | None) -> bool:
        time_prepositions = self.words.time_prepositions
        return preposition is None or preposition in time_prepositions \
            or self.words.contractions.get(preposition) in time_prepositions

    def _by_preposition(self, preposition: str | None) -> dict:
        """Roles of a preposition (or of the one it contracts: im -> in) by event type."""
        if not preposition:
            return {}
        contracted = self.words.contractions.get(preposition)
        return self.words.prepositions.get(preposition) or self.words.prepositions.get(contracted, {})

    def _functional_role(self, event_type: str, intransitive: bool, candidate: Dependent) -> str | None:
        """The role a function or preposition gives in ``event_type``. The subject of a verb used without an
        object takes the type's ``intransitive_subject`` role (die Bewohner flohen: Artifact). A passive's
        agent phrase is the active subject unless its preposition has a role of its own for the type (von
        Belarus nach Kursk verlegt: Origin)."""
        function, filler, preposition = candidate
        functions = self.words.functions.get(event_type, {})
        if function == OBLIQUE and preposition is None:
            function = DATIVE if "Dat" in filler.morph.get("Case") else None
        by_type = self._by_preposition(preposition)
        if function in (OBLIQUE, ACTIVE_VON):
            if filler.lower_ in self.words.idiom_nouns:
                return None
            role = by_type.get(event_type) or by_type.get("*")
            if "Medium" in self.roles[event_type] and role != "Medium" and function == OBLIQUE \
                    and self.fillers.is_medium(filler):
                return "Medium"     # "im Staatsfernsehen", "in einem Brief": how it was said, not where
            # "berichtet von Afghanistan": the active subject is the speaker
            return None if function == ACTIVE_VON and role == functions.get("subject") else role
        if function == AGENT and by_type.get(event_type):
            return by_type[event_type]
        return {SUBJECT: intransitive and functions.get("intransitive_subject") or functions.get("subject"),
                PASSIVE_SUBJECT: functions.get("passive_subject") or functions.get("object"),
                OBJECT: None if intransitive else functions.get("object"),
                DATIVE: functions.get("dative"),
                AGENT: functions.get("subject")}.get(function)

    def _fits(self, role: str, candidate: Dependent, entity_type: str) -> bool:
        """Whether a filler may take a role: a place is no person, time or amount, nor a common noun after
        bei or nach (beim Brand, nach dem Erdbeben: a time or circumstance); some roles take only names
        (or media); only money is Money (zahlte ... an den Club Nord)."""
        filler = candidate.filler
        if role in PLACE_ROLES and (entity_type in NOT_PLACES or (
                candidate.preposition in self.words.name_only_prepositions and not is_name(filler))):
            return False
        if role in self.words.name_only_roles and not is_name(filler) and not self.fillers.is_medium(filler):
            return False
        return role != "Money" or filler.lower_ in self.words.money_words
