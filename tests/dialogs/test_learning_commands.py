"""KS förvaltning's learning commands in chat ("obesvarade frågor", "dåliga svar", "osäkra frågor", "ämnen",
"lärda frågor", "lär Lotsen: … → …", "glöm lärd fråga: …"), through the whole bot and botbuilder's TestAdapter,
on real storage and both databases."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from bot.assembly import build_bot
from dialogs.policy_questions.learning_commands import LearningCommands, LearningRequest, find_topic
from policy import answer, load_policy
from settings import Settings
from storage.models import AnswerFeedback, Clarification, TaughtQuestion, UnansweredQuestion
from tests.support.chat import button, chat_adapter, say, text_of
from tests.support.people_chat import ADA, ANNA, BO, KARIN, chat, seed_people

# Asked by nobody's policy text: out of scope until taught (checked in the tests that use it).
QUESTION = "Hur funkar det med avtal?"
TAUGHT_TOPIC = "declarations"
# 14.05 in Malmö (summer time): the cards' times can be checked.
MOMENT = datetime(2027, 6, 3, 12, 5, tzinfo=timezone.utc)
WHEN = "3\u00a0juni\u00a02027 kl.\u00a014.05"  # as a card shows it: no line break inside
REFUSAL = ("Det här är till för kommunstyrelsens förvaltning: bara KS-samordnare och administratörer kan se "
           "frågorna och lära Lotsen.")


async def test_a_coordinators_teaching_changes_the_next_answer_for_everyone(session_factory):
    await seed_people(session_factory)
    before = answer(QUESTION)
    assert before.topic != TAUGHT_TOPIC
    taught = answer(QUESTION, topic=TAUGHT_TOPIC)
    assert taught.answer != before.answer

    # Bo's bot is running before the teaching: its process must see the teaching all the same.
    bo = chat(session_factory, BO)
    assert taught.answer not in text_of(await say(bo, QUESTION))

    reply = text_of(await say(chat(session_factory, KARIN), f"lär Lotsen: {QUESTION} -> Deklarationer, avsiktsförklaringar"))
    title = load_policy().topic_title(TAUGHT_TOPIC, "sv")
    assert reply == (f"Klart: ”{QUESTION}” handlar nu om ”{title}” ({TAUGHT_TOPIC}). "
                     "Det gäller för alla som frågar, från och med nu.")
    async with session_factory() as session:
        [row] = (await session.execute(select(TaughtQuestion))).scalars().all()
    assert (row.question, row.topic, row.taught_by_user_id is not None) == (QUESTION, TAUGHT_TOPIC, True)

    assert taught.answer in text_of(await say(bo, QUESTION))
    # Written differently, the same question: the taught topic too.
    assert taught.answer in text_of(await say(chat(session_factory, ANNA), "hur FUNKAR det med avtal"))

    # Forgotten: answered as before again, in the same running bot.
    forgot = text_of(await say(chat(session_factory, ADA), f"glöm lärd fråga: {QUESTION}"))
    assert forgot == f"Klart: jag har glömt det lärda ämnet för ”{QUESTION}”. Frågan besvaras nu som innan den lärdes."
    assert taught.answer not in text_of(await say(bo, QUESTION))
    assert text_of(await say(chat(session_factory, KARIN), f"glöm lärd fråga: {QUESTION}")).startswith(
        f"Frågan ”{QUESTION}” är inte lärd")


async def test_an_official_may_not_teach_or_read_the_lists(session_factory):
    await seed_people(session_factory)
    anna = chat(session_factory, ANNA)
    for command in (f"lär Lotsen: {QUESTION} → {TAUGHT_TOPIC}", f"glöm lärd fråga: {QUESTION}", "obesvarade frågor",
                    "dåliga svar", "osäkra frågor", "ämnen", "lärda frågor"):
        assert text_of(await say(anna, command)).startswith(REFUSAL), command
    async with session_factory() as session:
        assert (await session.execute(select(TaughtQuestion))).scalars().all() == []
    # Someone Lotsen has never met is refused too.
    from botbuilder.schema import ChannelAccount

    stranger = chat(session_factory, ChannelAccount(id="29:stranger", name="Okänd"))
    assert text_of(await say(stranger, "obesvarade frågor")).startswith(REFUSAL)


async def test_topics_are_named_by_id_or_title_in_either_language(session_factory):
    await seed_people(session_factory)
    policy = load_policy()
    for typed in ("partner_cities", "partner cities", "PARTNERSTÄDER", "partnerstader",
                  policy.topic_title("partner_cities", "en")):
        assert find_topic(typed) == "partner_cities", typed
    assert find_topic("utanför policyn") == "out_of_scope"
    assert find_topic("väder") is None

    karin = chat(session_factory, KARIN)
    assert text_of(await say(karin, f"lär Lotsen: {QUESTION} → väder")) == (
        "Jag känner inte till ämnet ”väder”. Skriv ”ämnen” för att se ämnenas id och titlar.")
    assert text_of(await say(karin, f"lär Lotsen: {QUESTION}")).startswith("Skriv så här: ”lär Lotsen:")
    topics = text_of(await say(karin, "ämnen")).splitlines()
    assert topics[0] == "Ämnen"
    assert f"{policy.topic_title('partner_cities', 'sv')} (partner_cities)" in topics
    assert len(topics) == 2 + len(policy.topic_ids)

    english = chat(session_factory, KARIN, locale="en-US")
    reply = text_of(await say(english, f"teach Lotsen: {QUESTION} -> {policy.topic_title('partner_cities', 'en')}"))
    assert reply.startswith(f"Done: “{QUESTION}” is now about")
    listed = text_of(await say(english, "taught questions")).splitlines()
    assert listed[0] == "Taught questions"
    assert f"“{QUESTION}” → {policy.topic_title('partner_cities', 'en')} (partner_cities)" in listed


async def test_the_lists_show_what_was_asked_and_when_in_malmo_time(session_factory):
    await seed_people(session_factory)
    anna = chat(session_factory, ANNA)
    await say(anna, "Vad blir det för väder i morgon?")
    partner_cities = await say(anna, "Vem beslutar om nya partnerstäder?")
    await say(anna, None, value=button(partner_cities, "👎 Nej"))
    liked = await say(anna, "Vem beslutar om deltagande i internationella nätverk?")
    await say(anna, None, value=button(liked, "👍 Ja"))
    unsure = answer("Vem bestämmer?")
    if unsure.kind == "clarify":
        choices = await say(anna, "Vem bestämmer?")
        await say(anna, None, value=button(choices, unsure.options[0].title))
    async with session_factory.begin() as session:
        for model, column in ((UnansweredQuestion, "asked_at"), (AnswerFeedback, "updated_at"),
                              (Clarification, "asked_at")):
            await session.execute(update(model).values({column: MOMENT}))

    karin = chat(session_factory, KARIN)
    unanswered = text_of(await say(karin, "obesvarade frågor")).splitlines()
    assert unanswered[0] == "Obesvarade frågor"
    assert unanswered[2:4] == [f"{WHEN} · svenska", "Vad blir det för väder i morgon?"]

    bad = text_of(await say(karin, "Dåliga svar")).splitlines()
    title = load_policy().topic_title(answer("Vem beslutar om nya partnerstäder?").topic, "sv")
    assert bad[0] == "Dåliga svar"
    assert bad[2:] == [f"{WHEN} · ämne: {title}", "Vem beslutar om nya partnerstäder?"]  # not the 👍

    if unsure.kind == "clarify":
        clarifications = text_of(await say(karin, "osäkra frågor")).splitlines()
        assert clarifications[0] == "Osäkra frågor"
        assert clarifications[2:4] == [f"{WHEN} · valt: {unsure.options[0].title}", "Vem bestämmer?"]
        assert clarifications[4] == "Erbjudna ämnen: " + ", ".join(option.title for option in unsure.options)


async def test_empty_lists_say_so(session_factory):
    await seed_people(session_factory)
    karin = chat(session_factory, KARIN)
    assert text_of(await say(karin, "obesvarade frågor")) == "Obesvarade frågor\nDet finns inga obesvarade frågor."
    assert text_of(await say(karin, "dåliga svar")) == "Dåliga svar\nInget svar har fått 👎."
    assert text_of(await say(karin, "osäkra frågor")) == "Osäkra frågor\nJag har inte behövt fråga ”Menar du …?” än."
    assert text_of(await say(karin, "lärda frågor")) == "Lärda frågor\nIngen fråga är lärd än."


def test_what_the_commands_recognise():
    commands = LearningCommands(session_factory=None)  # type: ignore[arg-type]
    recognise = lambda message: commands.recognise(message, None, "sv")  # noqa: E731
    assert recognise("Obesvarade frågor!") == LearningRequest("unanswered")
    assert recognise("dåliga svar") == LearningRequest("bad_answers")
    assert recognise("osäkra frågor") == LearningRequest("clarifications")
    assert recognise("Ämnen") == LearningRequest("topics")
    assert recognise("lär Lotsen: Får vi? → Partnerstäder") == LearningRequest("teach", question="Får vi?",
                                                                              topic="Partnerstäder")
    # The last arrow separates; a colon in the question is the question's.
    assert recognise("Lär lotsen: A -> B: c? -> ks_role") == LearningRequest("teach", question="A -> B: c?",
                                                                            topic="ks_role")
    assert recognise("lär Lotsen: bara en fråga") == LearningRequest("teach", usage=True)
    assert recognise("glöm lärd fråga: Får vi?") == LearningRequest("forget", question="Får vi?")
    assert recognise("glöm lärd fråga: ?") == LearningRequest("forget", question="?", usage=True)
    # Questions that merely contain the words are not the commands.
    assert recognise("Vilka ämnen tar policyn upp?") is None
    assert recognise("Hur lär Lotsen sig nya frågor?") is None
    assert recognise("") is None


async def test_a_teaching_in_another_process_is_seen_at_the_next_question(session_factory):
    """Two instances of the app: one is taught, the other answers. The other reads the teaching generation
    before each question and so answers the taught topic without a restart."""
    await seed_people(session_factory)
    first = build_bot(Settings(_env_file=None), session_factory).bot
    second = build_bot(Settings(_env_file=None), session_factory).bot
    taught = answer(QUESTION, topic=TAUGHT_TOPIC).answer
    asker = chat_adapter(second.on_turn, BO)
    assert taught not in text_of(await say(asker, QUESTION))
    await say(chat_adapter(first.on_turn, KARIN), f"lär Lotsen: {QUESTION} -> {TAUGHT_TOPIC}")
    assert taught in text_of(await say(asker, QUESTION))
