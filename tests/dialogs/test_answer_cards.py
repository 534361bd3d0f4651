"""The policy answer cards and the data their buttons send back: what a press may carry, and what is refused;
and how remembered facts are told ("Jag räknar med …")."""

from __future__ import annotations

import uuid
from decimal import Decimal

from bot.card_text import ADAPTIVE_CARD, render_attachment
from dialogs.policy_questions.answer_cards import (
    ChoicePress,
    FeedbackPress,
    answer_card,
    button_title,
    choices_card,
    feature_card,
    read_choice,
    read_feedback,
)
from dialogs.policy_questions.memory import Remembered, describe_remembered, is_forget_request
from policy import Answer, Citation, ProjectFacts, TopicOption

REF = str(uuid.uuid4())


def _answer(**fields) -> Answer:
    values = dict(question="Vem beslutar?", answer="Kommunstyrelsen beslutar.", citations=[
        Citation(section="3.2", title="Kommunstyrelsen", quote="Kommunstyrelsen beslutar om …")],
        verdict=None, missing_facts=[], out_of_scope=False, lang="sv", facts=ProjectFacts(),
        suggestions=["Vem beslutar om nätverk?"], topic="partner_cities")
    values.update(fields)
    return Answer(**values)


def _rendered(card):
    return render_attachment(ADAPTIVE_CARD, card)


def test_the_answer_card_asks_whether_it_helped_naming_its_ref():
    rendered = _rendered(answer_card(_answer(), "sv", feedback_ref=REF))
    assert "Hjälpte svaret?" in rendered.lines
    votes = {choice.label: choice.value for choice in rendered.choices if choice.value}
    assert votes == {
        "👍 Ja": {"action": "answer_feedback", "ref": REF, "helpful": True, "question": "Vem beslutar?",
                 "topic": "partner_cities", "lang": "sv"},
        "👎 Nej": {"action": "answer_feedback", "ref": REF, "helpful": False, "question": "Vem beslutar?",
                  "topic": "partner_cities", "lang": "sv"},
    }
    # The card's own actions stay the policy text and the follow-ups (Teams shows six at most).
    content = answer_card(_answer(), "sv", feedback_ref=REF)
    assert [action["title"] for action in content["actions"]] == ["Visa policytext", "Vem beslutar om nätverk?"]
    english = _rendered(answer_card(_answer(lang="en"), "en", feedback_ref=REF))
    assert "Did this help?" in english.lines
    assert "Hjälpte svaret?" not in _rendered(answer_card(_answer(), "sv")).lines


def test_a_long_follow_up_question_is_a_short_title_that_asks_the_whole_question():
    question = "Måste vi informera kommunstyrelsens förvaltning om vår EU-ansökan?"
    rendered = _rendered(answer_card(_answer(suggestions=[question]), "sv", offer_registration=True))
    follow_up = rendered.choices[-1]
    assert follow_up.label == "Måste vi informera kommunstyrelsens…"  # what Teams shows, not cut by Teams
    assert follow_up.message == question


def test_a_press_is_read_only_when_it_has_the_cards_shape():
    good = {"action": "answer_feedback", "ref": REF, "helpful": False, "question": " Vem  beslutar? ",
            "topic": "partner_cities", "lang": "sv"}
    assert read_feedback(good) == FeedbackPress(REF, False, "Vem beslutar?", "partner_cities", "sv")
    assert read_feedback({**good, "topic": None}) == FeedbackPress(REF, False, "Vem beslutar?", None, "sv")
    for broken in ({**good, "ref": "1"}, {**good, "ref": 7}, {**good, "helpful": 0}, {**good, "helpful": None},
                   {**good, "question": ["x"]}, {**good, "question": "   "}, {**good, "question": "x" * 2001},
                   {**good, "topic": "a" * 65}, {**good, "topic": "partner cities"}, {**good, "lang": "fi"},
                   {**good, "action": "policy_choice"}, "answer_feedback", None):
        assert read_feedback(broken) is None, broken

    choice = {"action": "policy_choice", "ref": REF, "topic": "ks_role", "question": "Vem bestämmer?"}
    assert read_choice(choice) == ChoicePress(REF, "ks_role", "Vem bestämmer?")
    for broken in ({**choice, "ref": "x"}, {**choice, "topic": None}, {**choice, "topic": "ks role"},
                   {**choice, "question": 3}, {"action": "policy_choice"}):
        assert read_choice(broken) is None, broken


def test_menar_du_offers_a_button_per_topic_with_short_titles():
    unsure = _answer(kind="clarify", answer="Jag är inte säker. Menar du något av det här?", citations=[],
                     topic=None, options=[TopicOption(topic="ks_role", title="Kommunstyrelsens roll"),
                                          TopicOption(topic="kf_role", title="Kommunfullmäktiges roll i det "
                                                                            "internationella arbetet")])
    rendered = _rendered(choices_card(unsure, REF, "sv"))
    assert rendered.lines[0] == "Jag är inte säker. Menar du något av det här?"
    assert [(choice.label, choice.value) for choice in rendered.choices] == [
        ("Kommunstyrelsens roll", {"action": "policy_choice", "ref": REF, "topic": "ks_role",
                                   "question": "Vem beslutar?"}),
        ("Kommunfullmäktiges roll i det…", {"action": "policy_choice", "ref": REF, "topic": "kf_role",
                                            "question": "Vem beslutar?"}),
    ]
    assert len(button_title("x" * 80)) == 36


def test_a_feature_answer_carries_the_welcome_cards_button():
    for feature, label, message in (("register", "Registrera EU-ansökan", "registrera ansökan"),
                                    ("my_applications", "Mina ansökningar", "mina ansökningar"),
                                    ("annual_report", "Årsredovisning", "årsredovisning"),
                                    ("contacts", "Kontaktpersoner", "kontaktpersoner")):
        rendered = _rendered(feature_card(_answer(kind="feature", feature=feature, citations=[]), "sv"))
        assert [(choice.label, choice.message) for choice in rendered.choices] == [(label, message)]
    # The status of the annual reports is a view for KS förvaltning alone: no button for anyone to press.
    assert _rendered(feature_card(_answer(kind="feature", feature="report_status", citations=[]), "sv")).choices == []


def test_a_policy_answer_whose_topic_leads_to_a_feature_ends_with_its_button():
    rendered = _rendered(answer_card(_answer(feature="contacts"), "en"))
    assert ("Contact persons", "contact persons") in [(choice.label, choice.message) for choice in rendered.choices]
    rendered = _rendered(answer_card(_answer(), "sv"))
    assert "Kontaktpersoner" not in [choice.label for choice in rendered.choices]


def test_remembered_facts_are_told_in_a_sentence():
    assert describe_remembered(Remembered(), "sv") is None
    partner = Remembered(ProjectFacts(malmo_is_project_owner=False))
    assert describe_remembered(partner, "sv") == (
        "Jag räknar med det du har berättat tidigare: Malmö stad är partner, inte projektägare. "
        "Skriv ”glöm uppgifterna” för att börja om.")
    full = Remembered(ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal("1200000"),
                                   currency="EUR", budget_bound="at_least"), eur_sek_rate=11.25)
    assert describe_remembered(full, "sv") == (
        "Jag räknar med det du har berättat tidigare: Malmö stad är projektägare; finansieringen kommer från EU; "
        "totalbudget minst 1 200 000 euro; kurs 11,25 kr per euro. Skriv ”glöm uppgifterna” för att börja om.")
    assert describe_remembered(full, "en") == (
        "I am counting on what you told me earlier: the City of Malmö is the project owner; the funding comes from "
        "the EU; total budget at least EUR 1,200,000; rate SEK 11.25 per euro. Write “forget the facts” to start "
        "over.")


def test_forgetting_is_asked_for_in_either_language():
    for message in ("glöm uppgifterna", "Glöm mina uppgifter!", "forget the facts", "GLOM UPPGIFTERNA"):
        assert is_forget_request(message), message
    for message in ("glöm lärd fråga: x", "glöm", "Vilka uppgifter ska vi lämna?", ""):
        assert not is_forget_request(message), message
