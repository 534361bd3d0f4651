"""Answering a question: read its facts, choose its topic, build the answer from catalog texts.

The topic is chosen by the classifier (classifier.py) or by a taught question; the 4.1 verdict is
always decided by the rules (rules.py). When the classifier is not sure, the answer says so and
offers the nearest topics ("Menar du …?") instead of guessing; a question it places outside the
policy gets no citation. Every citation quotes the policy's own Swedish words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from policy.dates import today
from policy.errors import InvalidInputError
from policy.extract import Extraction, last_course_change
from policy.language import detect_language
from policy.classifier import Score
from policy.loader import OUT_OF_SCOPE, PolicyData, load_policy
from policy.normalise import FoldedWords, fold, tokens
from policy.model import Answer, Citation, Decision, Lang, ProjectFacts, RoutineResult, Topic, TopicOption
from policy.budget import resolve_rate, threshold_on
from policy.rules import evaluate_eu_routine
from policy.sections import quote
from policy.teachings import Teachings
from policy.texts import LANGS


@dataclass(frozen=True)
class Choice:
    """What the question is about, as decided before any text is written."""

    kind: Literal["topic", "feature", "out_of_scope", "clarify", "section"]
    label: str | None = None
    options: list[str] = field(default_factory=list)
    taught: bool = False


def answer(
    question: str,
    lang: Lang | None = None,
    on: date | None = None,
    eur_sek_rate: float | None = None,
    facts: ProjectFacts | None = None,
    *,
    policy: PolicyData | None = None,
    topic: str | None = None,
    teachings: Teachings | None = None,
) -> Answer:
    """Answer `question` from the policy in force on `on` (default today).

    `facts` are what the conversation already knows; facts in the question win. A rate named in the
    question ("räkna med 11,25") wins over `eur_sek_rate`. `topic` forces the topic (the user chose
    it from "Menar du …?"); `teachings` are the questions KS coordinators have taught.
    """
    policy = policy or load_policy()
    if not question or not question.strip():
        raise InvalidInputError("empty_question")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    question = question[: policy.decision.max_question_length]
    day = on or today()
    lang = lang or detect_language(question, policy.markers)
    threshold = threshold_on(day, policy=policy)
    asked, question = question, policy.as_typed(question)  # read as typed; the answer keeps what was asked
    extraction = policy.fact_reader.read(question, threshold, day)
    named_rate = float(extraction.eur_sek_rate) if extraction.eur_sek_rate is not None else None
    rate = named_rate if named_rate is not None else eur_sek_rate
    if rate is not None:
        resolve_rate(rate, day, policy=policy)
    known = _known(facts or ProjectFacts(), extraction.facts)
    # Where the asker changes course while typing, what she asks is what follows ("Gäller policyn bolagen? Låt mig
    # omformulera: vilket ansvar har de?"); where she passes on someone's question, the question passed on; the facts are
    # read from all she wrote, as the last said of each.
    choice = None
    folded = fold(question)
    asked_now = _asked_after_course_change(question, folded, policy) or _relayed_question(question, folded, policy)
    if asked_now is not None:
        choice = _choose(asked_now, extraction, known, policy, topic, teachings)
        # (a question that is unclear or outside the policy on its own leans on what came before: "… vad gäller då?")
        if choice.kind in ("clarify", "out_of_scope"):
            choice = None
    if choice is None:
        asked_now = question
        choice = _choose(question, extraction, known, policy, topic, teachings)
    builder = _Builder(asked_now, lang, day, on, rate, threshold, known, extraction, policy)
    return builder.build(choice).model_copy(
        update={"question": asked, "eur_sek_rate": named_rate, "taught": choice.taught})


# ---- choosing -----------------------------------------------------------------------------------

GRANT_SHARE_PARAMETER = "eu_grant_min_share"
_ASKING_STARTS = re.compile(r"[.!?]\s+|\s[–—-]\s")
_COMPANY_TOPICS = frozenset({"companies", "partly_owned"})
_SENTENCE_END = re.compile(r"[.!]\s+(?=\S)")
_REFERS_BACK = frozenset({"det", "den", "dem", "de", "dom", "dess", "detta", "denna", "dessa", "sadant", "sant", "it", "this",
                          "that", "they", "them", "its", "these", "those"})
_VAGUE_WORDS = 2  # a question of at most this many words names no more than a subject


def cited_sections(topic: Topic, words: FoldedWords) -> list[str]:
    """The sections `topic` cites for a question (its `words`), the first one first."""
    for sid, starts in topic.first_section_when.items():
        if any(words.has_phrase(f"{fold(s)} ") if " " in s else words.has_word_starting(fold(s)) for s in starts):
            return [sid, *(s for s in topic.sections if s != sid)]
    return topic.sections


def _same_first_section(question: str, a: str, b: str, policy: PolicyData) -> bool:
    """Whether topics `a` and `b` would cite the same section first for `question`: hesitating between
    them is hesitating between two answers of one section, not about what the policy says."""
    if a not in policy.topics or b not in policy.topics:
        return False
    words = FoldedWords(question)
    return cited_sections(policy.topics[a], words)[0] == cited_sections(policy.topics[b], words)[0]


def _choose(question: str, extraction: Extraction, known: ProjectFacts, policy: PolicyData, forced: str | None,
            teachings: Teachings | None) -> Choice:
    if forced is not None:
        if forced not in policy.classifier.topics:
            raise InvalidInputError("unknown_topic", topic=forced)
        return _labelled(forced, policy)
    if teachings is not None:
        taught = teachings.topic_for(question, similar=policy.similar_taught)
        if taught is not None and taught in policy.classifier.topics:
            return _labelled(taught, policy, taught=True)
    folded = fold(question)
    if extraction.section_refs and policy.section_lookup and policy.section_lookup.search(folded):
        return Choice("section", extraction.section_refs[0])
    decision = policy.decision
    ranking = (_first_question_ranking(question, policy) or _stressed_ranking(question, folded, policy)
               or policy.classifier.rank(question))
    facts = extraction.facts
    if policy.practical_details and not facts.tell_of_a_project() and policy.practical_details.search(folded):
        return _out_of_scope(question, ranking, policy)
    asks_the_verdict = facts.eu_funding and (
        # who must be told about an EU project Malmö owns
        (facts.malmo_is_project_owner and policy.asks_who_is_informed and policy.asks_who_is_informed.search(folded))
        # a company's own EU application and what 4.1 asks ("vi på Malmö Live är huvudsökande … informationsärende?"):
        # the routine's answer, which says the routine is the nämnders'
        or (facts.owner_is_company and ranking[0].topic in _COMPANY_TOPICS
            and policy.fact_reader.names_routine_acts(folded)))
    # the topic whose answer is the verdict itself (topics.yaml: verdict: asked)
    asked = next((t.id for t in policy.topics.values() if t.verdict == "asked"), None)
    if asks_the_verdict and asked:
        return _labelled(asked, policy)
    best, second = ranking[0], ranking[1]
    if best.topic == asked and (duty := _duty_asked_after_the_routine(ranking, folded, policy)) is not None:
        return _labelled(duty, policy, ranking=ranking, question=question)
    if not facts.tell_of_a_project():
        for form in policy.question_forms:
            if (best.topic == form.topic or best.topic in form.when_topics) and form.fits(folded):
                return _labelled(form.topic, policy)
    clear = best.score - second.score >= decision.answer_margin
    sure = _sure(best, second, decision)
    # Two near topics answered from the same section agree on what the policy says: the better one
    # answers although neither alone is sure enough. Not for a question of a word or two ("Vem
    # bestämmer?"): it is too vague for one of the section's answers, so the topics are offered.
    near = not sure and decision.same_section_score is not None and best.score >= decision.same_section_score
    one_section = (near and len(tokens(question)) > _VAGUE_WORDS
                   and _same_first_section(question, best.topic, second.topic, policy))
    sure = sure or one_section
    if not sure and near and (topic := _topic_leading_to(best, second, policy)):
        # A topic and the feature it leads to agree on what to show ("vem är kontaktperson för …": 3.3's answer with
        # the register's button): the topic answers, and its card carries the feature.
        best, sure = topic, True
    if sure and one_section and not _facts_for_the_routine(best.topic, known, policy) \
            and _facts_for_the_routine(second.topic, known, policy):
        best = second  # between two answers of 4.1, with project facts known, the one that gives the verdict
    if (best.topic == OUT_OF_SCOPE
            and (not clear or (_TOWARDS_THE_CITY.search(folded) and (extraction.facts.malmo_is_project_owner is not None
                                                                    or extraction.facts.total_budget is not None)))
            and second.score >= decision.option_score
            and _facts_for_the_routine(second.topic, extraction.facts, policy) and extraction.facts.eu_funding
            and not _asks_other_rules(folded, policy)):
        # Hesitating between "outside the policy" and a 4.1 topic, for a question that itself tells of an
        # EU-funded project (its owner or budget): refusing the policy's central rule is the worse mistake, unless
        # what it asks is another body of rules ("Vårt ESF+-projekt på 14 MSEK … – måste vi upphandla enligt LOU?"). With
        # Malmö's role in it said, even a clearer refusal gives way ("… the culture department is just a project partner.
        # Is there any internal reporting needed on our side?").
        best, sure = second, True
    def gives_the_routine(topic: str) -> bool:
        return _facts_for_the_routine(topic, facts, policy)

    if (best.topic in _COMPANY_TOPICS and not facts.owner_is_company and facts.eu_funding is not None
            and (facts.malmo_is_project_owner is not None or policy.fact_reader.names_routine_acts(folded))):
        # The city itself owns the project or is a partner in it ("Vi är medsökande i en ESF+-ansökan där Region Skåne är
        # huvudman"), or asks what the routine asks of it, and says who funds it ("inte EU-pengar
        # utan från en stiftelse, vi är ägare", "… med universitetet och föreningar … måste vi säga till stadskontoret?"):
        # the partners and funders are not the organisations asked about, the routine's verdict is what is asked.
        if routine := _near_option(ranking, policy, gives_the_routine):
            best, sure = routine, True
    if not sure and best.topic != OUT_OF_SCOPE and facts.malmo_is_project_owner and facts.eu_funding:
        # A question that itself says Malmö owns an EU-funded project is about the routine: of the topics it hesitates
        # between, the 4.1 one that gives the verdict answers ("vi leder en ERUF-ansökan, hur ser beslutsgången ut?").
        if routine := _near_option(ranking, policy, gives_the_routine):
            best, sure = routine, True
    if not sure and extraction.section_refs:
        # between near topics, the one whose answer cites first the section the asker names
        named = extraction.section_refs[0]
        if cited := _near_option(ranking, policy, lambda topic: policy.topics[topic].sections[0] == named):
            best, sure = cited, True
    if sure or _facts_for_the_routine(best.topic, known, policy):
        return _labelled(best.topic, policy, ranking=ranking, question=question)
    options = [s.topic for s in ranking if s.topic in policy.topics and s.score >= decision.option_score]
    options = options[: decision.options]
    if best.topic == OUT_OF_SCOPE or not options:
        return _out_of_scope(question, ranking, policy)
    return Choice("clarify", options=options)


def _asked_after_course_change(question: str, folded: str, policy: PolicyData) -> str | None:
    """What follows the asker's last change of course in `question` ("nej förresten", "scratch that"), when it asks (or
    replaces a question asked before it: "Who's the contact at miljöförvaltningen? Actually, just give me the full list")
    and says more than a word or two; else None. A correction of a fact asks nothing new ("… årliga redovisning – nej
    vänta, det är fritidsnämndens"). `folded`: the question folded."""
    turn = last_course_change(policy.fact_reader.course_change, folded)
    if not turn or len(tokens(folded[turn:])) <= _VAGUE_WORDS + 1 or "?" not in folded:
        return None
    return _positioned(question, folded)[turn:]


# Quoted text: in quotation marks, or a line after ">".
_QUOTED = re.compile(r"[\"“”]([^\"“”]{8,}?)[\"“”]|(?<![\w'])'([^']{8,}?)'(?![\w'])|(?:^|\n)[ \t]*>[ \t]?([^\n]+)")


def _relayed_question(question: str, folded: str, policy: PolicyData) -> str | None:
    """The question the asker passes on, when she asks what to answer to it at the end of her message ("fick den här
    frågan: 'Måste vi redovisa varje år?' vad ska jag svara?"): what she quotes, or else what stands between her words
    before it ("min kollega undrar:") and after it; None when she asks nothing of the kind. `folded`: the question
    folded."""
    ask = policy.relayed_ask.search(folded) if policy.relayed_ask is not None else None
    if ask is None:
        return None
    before = _positioned(question, folded)[:ask.start() + 1]  # with the question mark or quote that ends what is passed on
    quoted = " ".join(next(part for part in m.groups() if part) for m in _QUOTED.finditer(before))
    if not quoted:
        frame = policy.relayed_frame.match(folded) if policy.relayed_frame else None
        quoted = before[frame.end() if frame else 0:]
    return quoted.strip() if len(tokens(quoted)) > _VAGUE_WORDS + 1 else None


def _positioned(question: str, folded: str) -> str:
    """The question as typed when positions found in its folded form are the same in it, else the folded form: a part
    of it cut at those positions is then cut where it was found."""
    return question if len(folded) == len(question) else folded


def _known(remembered: ProjectFacts, stated: ProjectFacts) -> ProjectFacts:
    """The facts a question is answered with: what the conversation remembers, overridden by what the question states;
    but a question that names another programme than the one remembered tells of another project, whose facts are
    its own ("MKB söker LIFE, 20 mkr …" then "Vi leder en AMIF-ansökan, mellan 11 och 13 miljoner …")."""
    if stated.programme is not None and remembered.programme is not None and stated.programme != remembered.programme:
        return stated
    return remembered.merged_with(stated)


def _asks_other_rules(folded: str, policy: PolicyData) -> bool:
    """The message asks about another body of rules (topics.yaml other_rules) and not what the 4.1 routine asks."""
    return bool(policy.other_rules and policy.other_rules.search(_asking_part(folded))
                and not policy.fact_reader.names_routine_acts(folded)
                and not (policy.asks_who_is_informed and policy.asks_who_is_informed.search(folded)))


def _asking_part(folded: str) -> str:
    """The part of a message that asks: its last sentence, or what follows its last dash ("Vårt ESF+-projekt … – måste
    vi göra en upphandling?")."""
    start = max((m.end() for m in _ASKING_STARTS.finditer(folded.rstrip(" ?!."))), default=0)
    return folded[start:]


def _within(section: str, other: str) -> bool:
    """Whether `section` is `other` or a part of it ("3.2.1" of "3.2", "2a" of "2")."""
    return section == other or section.startswith(other + ".") or (section[:-1] == other and section[-1].isalpha())


def _near_option(ranking: list[Score], policy: PolicyData, fits: Callable[[str], bool]) -> Score | None:
    """Of the topics near enough to offer ("Menar du …?"), the first that `fits`."""
    decision = policy.decision
    return next((s for s in ranking[: decision.options] if s.score >= decision.option_score and s.topic in policy.topics
                 and fits(s.topic)), None)


def _topic_leading_to(best: Score, second: Score, policy: PolicyData) -> Score | None:
    """Of two near labels, the topic when the other is the feature that topic leads to (topics.yaml `feature`)."""
    for topic, feature in ((best, second), (second, best)):
        if (topic.topic in policy.topics and feature.topic in policy.features
                and policy.topics[topic.topic].feature == policy.features[feature.topic]):
            return topic
    return None


def _sure(best: Score, second: Score, decision: Decision) -> bool:
    """The best topic answers: it scores high enough and leads the next one clearly enough."""
    return best.score >= decision.answer_score and best.score - second.score >= decision.answer_margin


def _clear(ranking: list[Score], policy: PolicyData) -> list[Score] | None:
    """The ranking, when its best topic is sure enough to answer and not out of scope."""
    best = ranking[0]
    return ranking if _sure(best, ranking[1], policy.decision) and best.topic != OUT_OF_SCOPE else None


# A project owner's duty named in what a message asks: the budget kept, decisions and anchoring, implementation, the fit
# with the city's steering documents ("Vem ska se till att budgeten hålls?", "Who makes sure we stay within budget?").
_ASKS_A_DUTY = re.compile(r"\b(?:budget(?:en)? (?:folj|hall)\w*|haller budget\w*|(?:folja|halla|following|keeping?|keeps) (?:the )?"
                          r"budget\w*|within (?:the )?budget|forankr\w*|anchor\w*|implementer\w*|implement\w*|ordinarie "
                          r"verksamhet\w*|regular operations|i linje med|in line with|styrdokument\w*)\b")
_OWNER_DUTIES = "committee_project_duties"


def _duty_asked_after_the_routine(ranking: list[Score], folded: str, policy: PolicyData) -> str | None:
    """The project owner's duties, when the message's question names one and the routine leads the ranking only because
    the message tells of the project first ("Kulturnämnden leder en LIFE-ansökan: EU 6 mkr … Vem ska se till att budgeten
    hålls?"); not when it also asks what the routine asks. Asked only when the routine leads `ranking`."""
    if _OWNER_DUTIES not in policy.topics:
        return None
    duty = next((s for s in ranking[: policy.decision.options] if s.topic == _OWNER_DUTIES), None)
    if duty is None or duty.score < policy.decision.option_score:
        return None
    asking = _asking_part(folded)
    if not _ASKS_A_DUTY.search(asking) or _asks_the_routine(folded, policy) or "informations" in folded \
            or "skyldighet" in folded:
        return None  # also "Vilka informationsskyldigheter föreligger? Och ansvarar nämnden för implementeringen …?"
    return _OWNER_DUTIES


def _stressed_ranking(question: str, folded: str, policy: PolicyData) -> list[Score] | None:
    """The ranking with the question stressed over its situation (`_question_stressed`), when that is clear and not out
    of scope; else None, and the message as written decides (a refusal of a question that tells of an EU project, or a
    hesitation, is not worth more than what the whole message says)."""
    stressed = _question_stressed(question, folded)
    return None if stressed is question else _clear(policy.classifier.rank(stressed), policy)


def _question_stressed(question: str, folded: str) -> str:
    """The message with its question said twice when sentences telling of the situation come before it, so that what is
    asked weighs as much as the situation ("Miljönämnden leder en LIFE-ansökan om 9 mkr. Vilket organ ansvarar för beslut
    och förankring?"). A question of a few words ("Vad gäller?") is left as it is. `folded`: the question folded."""
    if not folded.rstrip().endswith("?"):
        return question  # "Registrera vår ESF+-ansökan, tack. Arbetsmarknads- och socialnämnden är projektägare."
    start = max((m.end() for m in _SENTENCE_END.finditer(folded.rstrip(" ?!."))), default=0)
    if start == 0:
        return question
    if len(tokens(folded[start:])) <= _VAGUE_WORDS + 1:
        return question
    text = _positioned(question, folded)
    return f"{text} {text[start:]}"


def _first_question_ranking(question: str, policy: PolicyData) -> list[Score] | None:
    """The ranking of a message's first question, when it asks two and the first alone is clear: the answer is to
    what was asked first. None for a message of one question, or when its first question is vague on its own."""
    folded = fold(question)
    split = policy.second_question.search(folded) if policy.second_question else None
    if split is None:
        return None
    end = split.start("cut") if split.groupdict().get("cut") is not None else split.start()
    # The first question begins after the sentences that tell of the situation: "Fritidsnämnden koordinerar ett
    # ESF+-projekt, 13 mkr. Vem följer upp budgeten, och vem …?" asks first who follows the budget.
    start = max((m.end() for m in _SENTENCE_END.finditer(folded, 0, end)), default=0)
    alone = tokens(folded[start:end])
    if _REFERS_BACK.intersection(alone) or len(alone) <= _VAGUE_WORDS + 1:
        start = 0  # "… stadens EU-nätverk. Vem håller ihop det, och …": "det" is what the sentences before name
    # A request before its details ("Registrera vår ansökan: …") says what is wanted in few words; a short question does not.
    request = split.groupdict().get("cut") is not None and start == 0
    if len(tokens(folded[:end])) <= _VAGUE_WORDS + 1 and not request:
        return None
    text = _positioned(question, folded)
    with_situation = policy.classifier.rank(text[:end])
    if start == 0:
        return _clear(with_situation, policy)
    ranked_alone = _clear(policy.classifier.rank(text[start:end]), policy)
    # The question alone decides when it is one of the topics its situation leans to ("… ESF+-projekt, 13 mkr. Vem
    # följer upp budgeten, och …"), not when on its own it reads as something else ("… Vem ansvarar för vad, och …").
    if ranked_alone is not None and ranked_alone[0].topic in {s.topic for s in with_situation[: policy.decision.options]}:
        return ranked_alone
    # Otherwise the situation would outweigh the question: the whole message, both questions, decides.
    return None


def _facts_for_the_routine(label: str, facts: ProjectFacts, policy: PolicyData) -> bool:
    """A question leaning to a 4.1 topic, with project facts known (in it or earlier in the conversation),
    is answered with the verdict even when the classifier hesitates between the 4.1 topics: the rules
    decide the verdict, not the topic."""
    topic = policy.topics.get(label)
    return topic is not None and facts.tell_of_a_project() and gives_verdict(topic, facts)


def gives_verdict(topic: Topic, facts: ProjectFacts) -> bool:
    """Whether `topic`'s answer comes with the 4.1 verdict for the project `facts` tell of."""
    if topic.verdict == "asked":
        return True
    if topic.verdict == "with_budget":
        return facts.tell_of_a_project() and facts.total_budget is not None
    return topic.verdict == "with_facts" and facts.tell_of_a_project()


def _labelled(label: str, policy: PolicyData, *, taught: bool = False, ranking: list[Score] | None = None,
              question: str = "") -> Choice:
    """The choice for a label; a classified out-of-scope question (with its `ranking`) may be offered topics."""
    if label == OUT_OF_SCOPE:
        if ranking is not None:
            return _out_of_scope(question, ranking, policy)
        return Choice("out_of_scope", taught=taught)
    if label in policy.features:
        return Choice("feature", label, taught=taught)
    return Choice("topic", label, taught=taught)


# What a question asks of the city's own side: the routine's addressees or an internal step ("internal reporting").
_TOWARDS_THE_CITY = re.compile(r"\b(?:internal\w*|intern\w*|on our side|hos oss|centralt|centrally|ks|ksf|kommunstyrelse\w*|"
                               r"stadskontor\w*|city (?:executive )?(?:office|board)|executive (?:office|board)|city hall)\b")


# A question about all that applies, not one duty: "vad gäller för förankring och information?", "nämndens skyldigheter".
_ALL_DUTIES = re.compile(r"\b(?:information|informera\w*|skyldighet\w*|obligations?|vad galler|what applies|vad maste vi|"
                         r"what (?:do|must) we)\b")


def _asks_the_routine(folded: str, policy: PolicyData) -> bool:
    """Whether a message beside a project owner's duty asks what the routine asks: its acts (informing KS förvaltning,
    the informationsärende), the city's side, or all that applies."""
    return bool(policy.fact_reader.names_routine_acts(folded) or _TOWARDS_THE_CITY.search(folded)
                or _ALL_DUTIES.search(folded))


def _out_of_scope(question: str, ranking: list[Score], policy: PolicyData) -> Choice:
    """Outside the policy; when the question names one of its concepts, the nearest topics are offered."""
    if not policy.names_concept(question):
        return Choice("out_of_scope")
    nearest = [s.topic for s in ranking if s.topic in policy.topics][: policy.decision.options]
    return Choice("out_of_scope", options=nearest)


# ---- writing the answer -------------------------------------------------------------------------


class _Builder:
    def __init__(self, question: str, lang: Lang, day: date, on: date | None, rate: float | None, threshold: Decimal,
                 known: ProjectFacts, extraction: Extraction, policy: PolicyData) -> None:
        self.question, self.lang, self.day, self.on, self.rate = question, lang, day, on, rate
        self.threshold = threshold
        self.known, self.extraction, self.policy = known, extraction, policy
        self.texts = policy.texts

    def build(self, choice: Choice) -> Answer:
        if choice.kind == "clarify":
            return self._plain("clarify", self.texts.text("clarify", self.lang), options=choice.options)
        if choice.kind == "out_of_scope":
            key = "out_of_scope_near" if choice.options else "out_of_scope"
            return self._plain("out_of_scope", self.texts.text(key, self.lang), options=choice.options,
                               suggestions=self._suggestions("out_of_scope"))
        if choice.kind == "feature":
            feature = self.policy.features[choice.label]  # type: ignore[index]
            return self._plain("feature", self.texts.text(f"features.{feature}", self.lang), feature=feature)
        if choice.kind == "section":
            return self._section(choice.label)  # type: ignore[arg-type]
        topic = self.policy.topics[choice.label]  # type: ignore[index]
        if gives_verdict(topic, self.known) and not self._about_the_rule_in_general() and not self._a_duty_only(topic):
            return self._another_section_named(self._routine(topic))
        return self._another_section_named(self._topic(topic))

    def _another_section_named(self, result: Answer) -> Answer:
        """The answer, saying first where it comes from when the asker looked for it in another section ("… enligt
        3.1?" answered from 3.2): a wrong number in the question is corrected, not followed."""
        named = self.extraction.section_refs[0] if self.extraction.section_refs else None
        cited = result.citations[0].section if result.citations else None
        if named is None or cited is None or _within(cited, named) or _within(named, cited):
            return result
        note = self.texts.text("another_section_named", self.lang, named=named, cited=cited)
        return result.model_copy(update={"answer": f"{note}\n\n{result.answer}"})

    def _a_duty_only(self, topic: Topic) -> bool:
        """A question about a project owner's duty (budget, decisions and anchoring, implementation) that does not name
        what the routine asks (informing KS förvaltning, the informationsärende): the duty is what is asked, and the
        verdict is left out ("Miljönämnden leder en LIFE-ansökan om 9 mkr. Vem ansvarar för att budgeten följs?")."""
        if topic.verdict != "with_budget":
            return False
        folded = fold(self.question)
        asks_who = self.policy.asks_who_is_informed
        return not (_asks_the_routine(folded, self.policy) or (asks_who and asks_who.search(folded)))

    def _about_the_rule_in_general(self) -> bool:
        """A question about what the rule says in general ("spelar det någon roll vilket program …?", "what does the
        policy say about …?"), telling of no project, is answered with the rule, not a verdict and questions back. A
        bound alone ("små ansökningar under tolv miljoner") names a kind of application, not a project."""
        known = self.known
        if known.malmo_is_project_owner is not None or (known.total_budget is not None and known.budget_bound == "exact"):
            return False
        pattern = self.policy.general_question
        return bool(pattern and pattern.search(fold(self.question)))

    def _base(self, **fields: object) -> Answer:
        values: dict[str, object] = dict(question=self.question, citations=[], verdict=None, missing_facts=[],
                                         out_of_scope=False, lang=self.lang, facts=self.known, suggestions=[],
                                         topic=None, stated=self.extraction.facts)
        values.update(fields)
        return Answer(**values)  # type: ignore[arg-type]

    def _plain(self, kind: str, text: str, *, options: Sequence[str] = (), feature: str | None = None,
               suggestions: Sequence[str] = ()) -> Answer:
        offered = [TopicOption(topic=t, title=self.policy.topic_title(t, self.lang)) for t in options]
        return self._base(answer=text, kind=kind, options=offered, feature=feature, suggestions=list(suggestions),
                          out_of_scope=kind == "out_of_scope")

    def _sections(self, topic: Topic) -> list[str]:
        return cited_sections(topic, FoldedWords(self.question))

    def _citations(self, topic: Topic, day: date) -> list[Citation]:
        version = self.policy.version_on(day)
        cites = []
        for sid in self._sections(topic):
            section = version.section(sid)
            assert section is not None  # checked when the data was loaded
            cites.append(Citation(section=sid, title=section.title.get(self.lang),
                                  quote=quote(section.text.sv, topic.quotes.get(sid))))
        return cites

    def _suggestions(self, key: str) -> list[str]:
        return self.texts.texts(f"suggestions.{key}", self.lang)[:3]

    def _topic(self, topic: Topic) -> Answer:
        params = {"duties": self._duties(topic.duties_of)} if topic.duties_of else {}
        if topic.verdict:
            params["threshold"] = self.texts.money(self.threshold, "SEK", self.lang)
        return self._base(answer=self.texts.text(f"answers.{topic.id}", self.lang, **params),
                          citations=self._citations(topic, self.day), suggestions=self._suggestions(topic.id),
                          topic=topic.id, feature=topic.feature)

    def _duties(self, actor: str) -> str:
        records = [r for r in self.policy.version_on(self.day).responsibilities if r.actor == actor]
        return "\n".join(self.texts.text("format.list_item", self.lang, text=r.duty.get(self.lang)) for r in records)

    def _routine(self, topic: Topic) -> Answer:
        """The topic's own answer first, then the verdict for the facts known."""
        # Without a date asked for, the submission date decides the rules in force (see rules.py).
        result: RoutineResult = evaluate_eu_routine(self.known, self.on, self.rate, self.lang, policy=self.policy)
        bounded = self._grant_bounded(result)
        if bounded is not None:
            result = bounded
        parts: list[str] = []
        if not (topic.lead == "when_open" and result.verdict.routine_applies is not None):
            parts.append(self.texts.text(f"answers.{topic.id}", self.lang,
                                         threshold=self.texts.money(result.threshold_sek, "SEK", self.lang)))
        asked = self.extraction.facts
        grant = self.extraction.grant_only
        if bounded is not None and grant is not None:
            share = Decimal(str(self.policy.parameter_value(GRANT_SHARE_PARAMETER, self.day)))
            parts.append(self.texts.text("routine.grant_note", self.lang,
                                         amount=self.texts.money(grant.value, grant.currency or "SEK", self.lang),
                                         share=f"{share * 100:.0f} %"))
        elif (share := self.extraction.total_from_share) is not None and asked.total_budget is not None \
                and self.known.total_budget == asked.total_budget:
            said, currency, rate = share
            parts.append(self.texts.text("routine.share_note", self.lang,
                                         amount=self.texts.money(said, currency or asked.currency or "SEK", self.lang),
                                         share=f"{rate.normalize():f} %",
                                         total=self.texts.money(asked.total_budget, asked.currency or "SEK", self.lang)))
        elif (summed := self.extraction.total_from_parts) is not None and asked.total_budget is not None \
                and self.known.total_budget == asked.total_budget:
            figures, currency, years = summed
            money = [self.texts.money(value, currency or "SEK", self.lang) for value in figures]
            key = "routine.parts_note_yearly" if years is not None else "routine.parts_note"
            parts.append(self.texts.text(key, self.lang, parts=" + ".join(money), years=f"{years.normalize():f}"
                                         if years is not None else "",
                                         total=self.texts.money(asked.total_budget, asked.currency or "SEK", self.lang)))
        elif self.extraction.budget_is_part and asked.total_budget is not None:
            parts.append(self.texts.text("routine.part_note", self.lang,
                                         amount=self.texts.money(asked.total_budget, asked.currency or "SEK", self.lang)))
        parts.append(result.explanation)
        if self.extraction.eu_funding_assumed and result.verdict.routine_applies is not None:
            parts.append(self.texts.text("routine.assumed_eu", self.lang))
        citations = self._citations(topic, result.on)
        if result.verdict.routine_applies is False and self.known.malmo_is_project_owner is False:
            support = dict(self.policy.topics_doc.get("partner_support", {}))
            if self.known.owner_is_company:  # what the policy says of companies, then the support they get
                support = {**self.policy.topics_doc.get("company_owner_support", {}), **support}
            for sid, words in support.items():
                section = self.policy.section(sid, result.on)
                citations.append(Citation(section=sid, title=section.title.get(self.lang),
                                          quote=quote(section.text.sv, words)))
        return self._base(answer=" ".join(p for p in parts if p), citations=citations, verdict=result.verdict,
                          missing_facts=list(result.missing_facts), suggestions=self._suggestions(topic.id),
                          topic=topic.id, consult=bool(result.missing_facts) and self._verdict_asked(topic),
                          feature=topic.feature)

    def _grant_bounded(self, result: RoutineResult) -> RoutineResult | None:
        """The verdict when the question gives only the grant applied for, the information item is open with the grant
        as a floor under the total, and the grant over the smallest share an EU grant covers (a parameter, Lotsen's own
        assumption) is a ceiling below the threshold: then no informationsärende, and the answer says what it assumed."""
        grant = self.extraction.grant_only
        if grant is None or result.verdict.information_item_to_ks is not None or self.known.total_budget != grant.value:
            return None
        share = Decimal(str(self.policy.parameter_value(GRANT_SHARE_PARAMETER, self.day)))
        ceiling = self.known.model_copy(update={"total_budget": grant.value / share, "budget_bound": "at_most"})
        bounded = evaluate_eu_routine(ceiling, self.on, self.rate, self.lang, policy=self.policy)
        return bounded if bounded.verdict.information_item_to_ks is False else None

    def _verdict_asked(self, topic: Topic) -> bool:
        """The verdict is what was asked: a topic that asks it, or a question telling of its own project."""
        return topic.verdict == "asked" or self.extraction.facts.tell_of_a_project()

    def _section(self, section_id: str) -> Answer:
        section = self.policy.section(section_id, self.day)
        text = self.texts.text("answers.section_lookup", self.lang, section=section.id,
                               title=section.title.get(self.lang), text=section.text.get(self.lang))
        return self._base(answer=text, kind="section", topic="section_lookup",
                          citations=[Citation(section=section.id, title=section.title.get(self.lang),
                                              quote=section.text.sv)],
                          suggestions=self._suggestions("section_lookup"))
