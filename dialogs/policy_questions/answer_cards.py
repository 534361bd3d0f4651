"""The cards that show a policy answer, and the data their buttons send back.

- `answer_card`: the answer, its sources, the policy text on request, follow-ups, and "Hjälpte svaret? 👍 / 👎";
- `choices_card`: "Menar du …?", the answer text and one button per topic Lotsen hesitated between;
- `feature_card`: a question that asks for one of Lotsen's features, with the button that starts it.

A press comes back as the activity's value. Nothing of it is trusted but its shape: `read_feedback` and
`read_choice` accept only a uuid ref, a boolean vote, texts of bounded length and a topic id's characters,
and return None for anything else.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any


from dialogs.common.cards import Card, adaptive_card, button_title, send_text_action, welcome_action
from policy import Answer
from storage.policy_learning import TOPIC_MAX_LENGTH
from storage.questions import MAX_QUESTION_LENGTH
from texts import LANGUAGES, Language, text

FEEDBACK_ACTION = "answer_feedback"
CHOICE_ACTION = "policy_choice"
# The features whose answer card carries the button that starts them (the welcome card's button): a request for
# one, and a policy answer on a topic that leads to one ("hur informerar jag KS?" → registering, "vem är vår
# kontaktperson?" under 3.3 → the contact persons).
STARTABLE_FEATURES = ("register", "my_applications", "annual_report", "contacts")
_TOPIC_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def new_ref() -> str:
    """The random id of one answer card (or card of choices): what a press names it by."""
    return str(uuid.uuid4())


def answer_card(answer: Answer, lang: Language, offer_registration: bool = False, *,
                feedback_ref: str | None = None, note: str | None = None) -> Card:
    """`offer_registration`: the consultation's verdict ends with a button that registers the application; an answer
    whose topic leads to one of Lotsen's features (`answer.feature`) ends with that feature's button.
    `feedback_ref`: the card asks "Hjälpte svaret?" with 👍 / 👎 naming this ref. `note`: a subtle line under
    the answer (the facts remembered from earlier questions)."""
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": answer.answer, "wrap": True}]
    actions: list[dict[str, Any]] = []
    if note:
        body.append({"type": "TextBlock", "text": note, "wrap": True, "isSubtle": True, "size": "Small"})
    if answer.citations:
        chips = "  ".join(f"§ {citation.section} {citation.title}" for citation in answer.citations)
        body.append(
            {"type": "TextBlock", "text": f"{text('answer.sources', lang)}: {chips}", "wrap": True,
             "isSubtle": True, "size": "Small"}
        )
        # The section's heading bold by the card's own styling, not Markdown: card text is plain (dialogs/common/cards.py).
        quotes = [
            block
            for citation in answer.citations
            for block in (
                {"type": "TextBlock", "text": f"{citation.section} {citation.title}", "wrap": True,
                 "weight": "Bolder", "size": "Small"},
                {"type": "TextBlock", "text": citation.quote, "wrap": True, "size": "Small", "spacing": "Small"},
            )
        ]
        body.append({"type": "Container", "id": "policy-text", "isVisible": False, "style": "emphasis",
                     "items": quotes})
        actions.append({"type": "Action.ToggleVisibility", "title": text("answer.show_policy_text", lang),
                        "targetElements": ["policy-text"]})
    elif answer.out_of_scope:
        body.append({"type": "TextBlock", "text": text("answer.out_of_scope_contact", lang), "wrap": True,
                     "isSubtle": True})
    if feedback_ref is not None:
        body += _feedback(answer, feedback_ref, lang)
    if answer.suggestions:
        body.append({"type": "TextBlock", "text": text("answer.follow_up", lang), "weight": "Bolder",
                     "wrap": True, "spacing": "Medium"})
        # The button sends the whole question; its title is cut to what Teams shows.
        actions.extend(send_text_action(button_title(suggestion), suggestion) for suggestion in answer.suggestions)
    if offer_registration or answer.feature in STARTABLE_FEATURES:
        actions.insert(0, welcome_action("register" if offer_registration else answer.feature, lang))
    return adaptive_card(body, actions)


def _feedback(answer: Answer, ref: str, lang: Language) -> list[dict[str, Any]]:
    """"Hjälpte svaret?" and its two buttons, in the body: the card's own actions are the policy text and the
    follow-ups, and Teams shows at most six of those."""
    def vote(helpful: bool) -> dict[str, Any]:
        data = {"action": FEEDBACK_ACTION, "ref": ref, "helpful": helpful, "question": answer.question,
                "topic": answer.topic, "lang": answer.lang}
        title = text("policy_chat.feedback.helpful" if helpful else "policy_chat.feedback.not_helpful", lang)
        return {"type": "Action.Submit", "title": title, "data": data}

    return [
        {"type": "TextBlock", "text": text("policy_chat.feedback.question", lang), "wrap": True,
         "isSubtle": True, "size": "Small", "spacing": "Medium"},
        {"type": "ActionSet", "actions": [vote(True), vote(False)]},
    ]


def choices_card(answer: Answer, ref: str, lang: Language) -> Card:
    """"Menar du …?": the answer's text and a button per option; a press answers the question on that topic."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": answer.answer, "wrap": True},
    ]
    if answer.out_of_scope:
        body.append({"type": "TextBlock", "text": text("answer.out_of_scope_contact", lang), "wrap": True,
                     "isSubtle": True})
    body.append({"type": "TextBlock", "text": text("policy_chat.choices.hint", lang), "wrap": True,
                 "isSubtle": True, "size": "Small"})
    actions = [
        {"type": "Action.Submit", "title": button_title(option.title),
         "data": {"action": CHOICE_ACTION, "ref": ref, "topic": option.topic, "question": answer.question}}
        for option in answer.options
    ]
    return adaptive_card(body, actions)


def feature_card(answer: Answer, lang: Language) -> Card:
    """The answer to "kan jag registrera ansökan här?" and the like, with the button that starts it."""
    actions = [welcome_action(answer.feature, lang)] if answer.feature in STARTABLE_FEATURES else []
    return adaptive_card([{"type": "TextBlock", "text": answer.answer, "wrap": True}], actions)


# --- reading a press ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackPress:
    ref: str
    helpful: bool
    question: str
    topic: str | None
    lang: Language


@dataclass(frozen=True)
class ChoicePress:
    ref: str
    topic: str
    question: str


def _ref(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _question(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value if 0 < len(value) <= MAX_QUESTION_LENGTH else None


def _topic(value: object) -> str | None:
    if isinstance(value, str) and len(value) <= TOPIC_MAX_LENGTH and _TOPIC_ID.match(value):
        return value
    return None


def is_press(value: object, action: str) -> bool:
    return isinstance(value, dict) and value.get("action") == action


def read_feedback(value: object) -> FeedbackPress | None:
    """A 👍 / 👎 press, or None when its data is not of the shape `answer_card` gives it."""
    if not is_press(value, FEEDBACK_ACTION):
        return None
    assert isinstance(value, dict)
    ref, question, helpful = _ref(value.get("ref")), _question(value.get("question")), value.get("helpful")
    topic, lang = value.get("topic"), value.get("lang")
    if ref is None or question is None or not isinstance(helpful, bool) or lang not in LANGUAGES:
        return None
    if topic is not None and (topic := _topic(topic)) is None:
        return None
    return FeedbackPress(ref, helpful, question, topic, lang)  # type: ignore[arg-type]


def read_choice(value: object) -> ChoicePress | None:
    """A "Menar du …?" press, or None when its data is not of the shape `choices_card` gives it."""
    if not is_press(value, CHOICE_ACTION):
        return None
    assert isinstance(value, dict)
    ref, topic, question = _ref(value.get("ref")), _topic(value.get("topic")), _question(value.get("question"))
    if ref is None or topic is None or question is None:
        return None
    return ChoicePress(ref, topic, question)
