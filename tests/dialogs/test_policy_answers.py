"""Conversations of several policy questions through the whole bot and botbuilder's TestAdapter, on real storage
and both databases: 👍/👎 on answers, facts remembered from one question to the next (and forgotten), the
features a question asks for, and "Menar du …?".

What the policy module answers is its own business (tests/policy): these tests take its answers as they come
(`policy.answer`) and check what the bot does with them.
"""

from __future__ import annotations

from sqlalchemy import select

from policy import ProjectFacts, answer, load_policy, missing_fact_question
from policy.formatting import keep_together
from storage.models import AnswerFeedback, Clarification, UnansweredQuestion
from tests.support.chat import button, buttons, say, text_of
from tests.support.people_chat import ANNA, BO, KARIN, chat, seed_people

PARTNER = "vi är bara partner"
INFORMATION_ITEM = "måste vi skicka informationsärende?"
ROUTINE = "Måste vi informera KS om vår EU-ansökan? Totalbudgeten är 14 miljoner kronor."
UNSURE = "Vem bestämmer?"
PROJECT = "Vi söker pengar från Interreg och totalbudgeten är 14 miljoner kronor."
RATE = "räkna med 11,25 kr per euro"
EUR_BUDGET = "Vi är projektägare och budgeten är 1,1 MEUR. Måste vi skicka informationsärende?"
CONSULTED = "Måste vi informera KS om vår ansökan?"


async def _feedback_rows(session_factory) -> list[AnswerFeedback]:
    async with session_factory() as session:
        return list((await session.execute(select(AnswerFeedback).order_by(AnswerFeedback.id))).scalars())


def _on_card(said: str) -> str:
    """A policy answer as its card shows it: the answer's amounts and dates kept on one line (no-break spaces,
    dialogs/common/cards.py), its words as the policy module wrote them."""
    return keep_together(said)


async def test_a_vote_is_stored_without_who_voted_and_a_second_press_changes_it(session_factory):
    await seed_people(session_factory)
    anna = chat(session_factory, ANNA)
    first = await say(anna, "Vem beslutar om nya partnerstäder?")
    assert "Hjälpte svaret?" in text_of(first)
    thumbs_down = button(first, "👎 Nej")
    assert thumbs_down["action"] == "answer_feedback" and thumbs_down["helpful"] is False

    thanks = text_of(await say(anna, None, value=thumbs_down))
    assert thanks.startswith("Tack för svaret!")
    [vote] = await _feedback_rows(session_factory)
    expected = answer("Vem beslutar om nya partnerstäder?")
    assert (vote.question, vote.topic, vote.lang, vote.helpful) == (expected.question, expected.topic, "sv", False)
    assert vote.answer_ref == thumbs_down["ref"]
    assert not {"user_id", "teams_user_id", "conversation_id"} & {c.name for c in AnswerFeedback.__table__.columns}

    assert text_of(await say(anna, None, value=button(first, "👍 Ja"))) == "Tack för svaret!"
    [changed] = await _feedback_rows(session_factory)
    assert (changed.id, changed.helpful) == (vote.id, True)

    # Another answer is another card: its vote is a row of its own.
    second = await say(anna, "Vem beslutar om deltagande i internationella nätverk?")
    await say(anna, None, value=button(second, "👎 Nej"))
    assert [row.helpful for row in await _feedback_rows(session_factory)] == [True, False]


async def test_a_forged_or_broken_vote_stores_nothing(session_factory):
    anna = chat(session_factory, ANNA)
    replies = await say(anna, "Vem beslutar om nya partnerstäder?")
    good = button(replies, "👍 Ja")
    for broken in ({**good, "ref": "not-a-uuid"}, {**good, "helpful": "yes"}, {**good, "question": ""},
                   {**good, "question": "x" * 5000}, {**good, "topic": "Robert'); DROP TABLE"},
                   {**good, "lang": "de"}, {"action": "answer_feedback"}):
        assert text_of(await say(anna, None, value=broken)) == (
            "Jag kunde inte läsa knappen du tryckte på. Skriv gärna frågan igen.")
    assert await _feedback_rows(session_factory) == []


async def test_the_verdict_after_a_consultation_may_be_voted_on_too(session_factory):
    assert answer(ROUTINE).missing_facts == ["project_owner"]
    anna = chat(session_factory, ANNA)
    assert "Är Malmö stad projektägare" in text_of(await say(anna, ROUTINE))
    verdict = await say(anna, "ja")
    assert _on_card(answer(ROUTINE, facts=answer(ROUTINE).facts.model_copy(update={"malmo_is_project_owner": True}),
                           topic=answer(ROUTINE).topic).answer) in text_of(verdict)
    assert "Hjälpte svaret?" in text_of(verdict)
    await say(anna, None, value=button(verdict, "👍 Ja"))
    [vote] = await _feedback_rows(session_factory)
    assert (vote.question, vote.helpful) == (ROUTINE, True)


async def test_a_fact_given_in_one_question_is_used_in_the_next(session_factory):
    anna = chat(session_factory, ANNA)
    first = text_of(await say(anna, PARTNER))
    assert _on_card(answer(PARTNER).answer) in first

    second = text_of(await say(anna, INFORMATION_ITEM))
    as_partner = answer(INFORMATION_ITEM, facts=ProjectFacts(malmo_is_project_owner=False))
    assert _on_card(as_partner.answer) in second
    assert as_partner.answer != answer(INFORMATION_ITEM).answer
    assert "Jag räknar med det du har berättat tidigare: Malmö stad är partner, inte projektägare." in second
    assert "Är Malmö stad projektägare" not in second  # nothing asked that is known already

    # Another conversation knows nothing of it.
    bo = text_of(await say(chat(session_factory, BO), INFORMATION_ITEM))
    assert "Jag räknar med" not in bo


async def test_a_question_about_another_project_is_answered_with_its_own_facts(session_factory):
    # A company's LIFE project, then the asker's own AMIF application: nothing of the first is carried into the second,
    # and the card says it relies on nothing remembered.
    anna = chat(session_factory, ANNA)
    await say(anna, "Malmö Live vill söka pengar ur LIFE som ensam sökande, 25 mkr. Måste de informera KS?")
    second = "Vi koordinerar en AMIF-ansökan på 8 miljoner kronor. Behövs ett informationsärende?"
    shown = text_of(await say(anna, second))
    assert _on_card(answer(second).answer) in shown
    assert "Jag räknar med" not in shown


async def test_the_card_names_only_the_remembered_facts_the_answer_still_rests_on(session_factory):
    anna = chat(session_factory, ANNA)
    await say(anna, "Vi är partner i en Interreg-ansökan på 20 mkr. Vad gäller?")
    shown = text_of(await say(anna, "Nu blir vi lead partner i stället. Vad gäller då?"))
    assert "Jag räknar med det du har berättat tidigare:" in shown
    assert "totalbudget 20\u00a0000\u00a0000\u00a0kr" in shown  # still the project's budget
    assert "partner, inte projektägare" not in shown  # replaced by this question


async def test_forgetting_the_facts_answers_the_next_question_without_them(session_factory):
    anna = chat(session_factory, ANNA)
    await say(anna, PARTNER)
    assert text_of(await say(anna, "glöm uppgifterna")) == (
        "Okej, jag har glömt uppgifterna om ert projekt. Nästa fråga besvarar jag utan dem.")
    again = text_of(await say(anna, INFORMATION_ITEM))
    assert _on_card(answer(INFORMATION_ITEM).answer) in again
    assert "Jag räknar med" not in again
    assert text_of(await say(anna, "Glöm mina uppgifter!")) in (
        "Jag hade inga uppgifter om ert projekt att glömma.",
        "Okej, jag har glömt uppgifterna om ert projekt. Nästa fråga besvarar jag utan dem.")
    english = chat(session_factory, ANNA, locale="en-US")
    assert text_of(await say(english, "forget the facts")) == "I had no facts about your project to forget."


async def test_the_consultation_starts_from_and_keeps_the_remembered_facts(session_factory):
    anna = chat(session_factory, ANNA)
    assert "Är Malmö stad projektägare" in text_of(await say(anna, PROJECT))
    await say(anna, "avbryt")
    # The programme (EU funding) and the budget are remembered: only the owner is asked for.
    assert answer(CONSULTED).consult and answer(CONSULTED).missing_facts == ["project_owner", "eu_funding",
                                                                            "total_budget"]
    *_, question = await say(anna, CONSULTED)
    assert question.text == missing_fact_question("project_owner", "sv")
    # Answered, the verdict follows at once: nothing else was missing.
    known = answer(PROJECT).facts.model_copy(update={"malmo_is_project_owner": True})
    verdict = text_of(await say(anna, "ja"))
    assert _on_card(answer(CONSULTED, facts=known, topic=answer(CONSULTED).topic).answer) in verdict
    # The owner given in the consultation is remembered for the next question.
    later = text_of(await say(anna, INFORMATION_ITEM))
    assert _on_card(answer(INFORMATION_ITEM, facts=known).answer) in later
    assert ("Malmö stad är projektägare; finansieringen kommer från EU; totalbudget 14\u00a0000\u00a0000\u00a0kr"
            in later)
    assert "Är Malmö stad projektägare" not in later


async def test_a_rate_the_official_names_is_used_for_her_next_questions_and_the_consultation(session_factory):
    anna = chat(session_factory, ANNA)
    assert answer(RATE).eur_sek_rate == 11.25
    await say(anna, RATE)
    asked = text_of(await say(anna, EUR_BUDGET))
    assert _on_card(answer(EUR_BUDGET, eur_sek_rate=11.25).answer) in asked
    assert "kursen 11,25\u00a0kr per euro" in asked
    assert _on_card(answer(EUR_BUDGET).answer) not in asked  # the configured rate would say otherwise
    await say(anna, "glöm uppgifterna")
    assert "11,25" not in text_of(await say(anna, EUR_BUDGET))

    # A rate named during a consultation's question is the consultation's too.
    await say(anna, "glöm uppgifterna")
    await say(anna, RATE)
    assert "Är Malmö stad projektägare" in text_of(await say(anna, CONSULTED))
    await say(anna, "ja")
    await say(anna, "ja")
    verdict = text_of(await say(anna, "1,1 MEUR"))
    assert "kursen 11,25\u00a0kr per euro" in verdict
    later = text_of(await say(anna, INFORMATION_ITEM))
    assert "kurs 11,25\u00a0kr per euro" in later  # "Jag räknar med …"


async def test_a_new_question_during_a_consultation_is_answered_and_ends_it(session_factory):
    """Asked for the owner, the official asks something else instead: that question is answered (not "svara ja
    eller nej"), with what she has told so far, and a later "ja" is no longer the consultation's."""
    anna = chat(session_factory, ANNA)
    assert "Är Malmö stad projektägare" in text_of(await say(anna, ROUTINE))
    # It names a role, but it asks: not read as "ja".
    asked = "Vad menas egentligen med projektägare?"
    replied = text_of(await say(anna, asked))
    assert "Svara ”ja” eller ”nej”" not in replied and "Rutinen i 4.1 gäller, eftersom" not in replied
    assert _on_card(answer(asked).answer.split(".")[0]) in replied
    assert "Rutinen i 4.1 gäller" not in text_of(await say(anna, "ja"))


async def test_an_answer_in_a_sentence_stays_the_consultations_answer(session_factory):
    anna = chat(session_factory, ANNA)
    assert "Är Malmö stad projektägare" in text_of(await say(anna, ROUTINE))
    assert "gäller bara när Malmö stad är projektägare" in text_of(await say(anna, "vi är bara partner i projektet"))


async def test_forgetting_during_a_consultation_ends_it(session_factory):
    anna = chat(session_factory, ANNA)
    replies = text_of(await say(anna, ROUTINE))
    assert "Är Malmö stad projektägare" in replies
    assert text_of(await say(anna, "glöm uppgifterna")).startswith("Okej, jag har glömt")
    # "ja" is no longer an answer to the consultation: it is a new message.
    assert "Rutinen i 4.1 gäller" not in text_of(await say(anna, "ja"))


async def test_a_question_for_a_feature_offers_the_button_that_starts_it(session_factory):
    await seed_people(session_factory)
    anna = chat(session_factory, ANNA)
    question = "kan jag registrera ansökan här?"
    assert answer(question).feature == "register"
    replies = await say(anna, question)
    assert answer(question).answer in text_of(replies)
    assert "Hjälpte svaret?" not in text_of(replies)
    register = button(replies, "Registrera EU-ansökan")
    assert register == {"message": "registrera ansökan"}  # the welcome card's own button
    started = text_of(await say(anna, register["message"]))
    assert started.startswith("Fyll i formuläret nedan") and "[Granska]" in started  # the registration's form

    for question, label in (("visa mina ansökningar", "Mina ansökningar"),
                            ("hur gör jag årsredovisningen", "Årsredovisning")):
        assert answer(question).kind == "feature"
        assert label in buttons(await say(chat(session_factory, BO), question))  # Anna is registering now


async def test_ks_views_are_shown_to_coordinators_and_explained_to_others(session_factory):
    await seed_people(session_factory)
    status_question = "status årsredovisningar vilka har lämnat in"
    contacts_question = "vilka nämnder saknar kontaktperson"
    assert answer(status_question).feature == "report_status"
    assert answer(contacts_question).feature == "contacts"

    karin_status = text_of(await say(chat(session_factory, KARIN), status_question))
    assert ": status" in karin_status.splitlines()[0]  # "Årsredovisningar 2025: status"
    karin_contacts = text_of(await say(chat(session_factory, KARIN), contacts_question))
    assert karin_contacts.startswith("Kontaktpersoner och representanter för internationella frågor")

    anna_status = text_of(await say(chat(session_factory, ANNA), status_question))
    assert anna_status == answer(status_question).answer
    # The register of contact persons: anyone may see their own organisation's, so the explanation has the button.
    anna_reply = await say(chat(session_factory, ANNA), contacts_question)
    assert text_of(anna_reply).startswith(answer(contacts_question).answer)
    assert "Kontaktpersoner" in buttons(anna_reply)


async def test_an_unanswerable_question_is_kept_without_who_asked(session_factory):
    anna = chat(session_factory, ANNA)
    question = "Vad blir det för väder i morgon?"
    replies = text_of(await say(anna, question))
    assert "Hjälpte svaret?" not in replies and "§" not in replies
    async with session_factory() as session:
        [kept] = (await session.execute(select(UnansweredQuestion))).scalars().all()
    assert (kept.text, kept.lang) == (question, "sv")


async def test_menar_du_answers_the_topic_chosen(session_factory):
    anna = chat(session_factory, ANNA)
    unsure = answer(UNSURE)
    assert unsure.kind == "clarify" and len(unsure.options) >= 2
    replies = await say(anna, UNSURE)
    shown = text_of(replies)
    assert unsure.answer in shown and "Hjälpte svaret?" not in shown
    offered = buttons(replies)
    assert list(offered) == [option.title for option in unsure.options]
    assert all(len(title) <= 36 for title in offered)
    async with session_factory() as session:
        [asked] = (await session.execute(select(Clarification))).scalars().all()
    assert (asked.question, asked.offered, asked.chosen) == (UNSURE, [o.topic for o in unsure.options], None)

    chosen = unsure.options[1]
    answered = await say(anna, None, value=offered[chosen.title])
    assert answer(UNSURE, topic=chosen.topic).answer in text_of(answered)
    assert "Hjälpte svaret?" in text_of(answered)
    async with session_factory() as session:
        [asked] = (await session.execute(select(Clarification))).scalars().all()
    assert asked.chosen == chosen.topic
    [vote_data] = [data for label, data in buttons(answered).items() if label == "👍 Ja"]
    assert vote_data["topic"] == chosen.topic

    # A topic that was not offered on that card, or a card Lotsen never showed, is not answered.
    not_offered = next(topic for topic in load_policy().topic_ids
                       if topic not in [option.topic for option in unsure.options] and topic != "out_of_scope")
    forged = {**offered[chosen.title], "topic": not_offered}
    assert text_of(await say(anna, None, value=forged)).startswith("Jag kunde inte läsa valet")
    unknown = {**offered[chosen.title], "ref": "00000000-0000-4000-8000-000000000000"}
    assert text_of(await say(anna, None, value=unknown)).startswith("Jag kunde inte läsa valet")


async def test_an_out_of_scope_answer_that_names_a_policy_concept_offers_the_nearest_topics(session_factory):
    question = "partnerskap"
    outside = answer(question)
    assert outside.kind == "out_of_scope" and outside.options
    anna = chat(session_factory, ANNA)
    replies = await say(anna, question)
    assert outside.answer in text_of(replies)
    assert "Kontakta kommunstyrelsens förvaltning för frågor utanför policyn." in text_of(replies)
    offered = buttons(replies)
    assert list(offered) == [option.title for option in outside.options]
    async with session_factory() as session:
        [kept] = (await session.execute(select(UnansweredQuestion))).scalars().all()
        [asked] = (await session.execute(select(Clarification))).scalars().all()
    assert kept.text == asked.question == question
    chosen = outside.options[0]
    assert answer(question, topic=chosen.topic).answer in text_of(await say(anna, None, value=offered[chosen.title]))
