"""The card that shows a policy answer: the answer, its sources, the policy text on request, follow-ups."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Attachment

from bot.cards import adaptive_card, send_text_action
from bot.i18n import Language, text
from policy import Answer


def answer_card(answer: Answer, lang: Language, offer_registration: bool = False) -> Attachment:
    """`offer_registration`: the consultation's verdict ends with a button that registers the application."""
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": answer.answer, "wrap": True}]
    actions: list[dict[str, Any]] = []
    if answer.citations:
        chips = "  ".join(f"§ {citation.section} {citation.title}" for citation in answer.citations)
        body.append(
            {"type": "TextBlock", "text": f"{text('answer.sources', lang)}: {chips}", "wrap": True,
             "isSubtle": True, "size": "Small"}
        )
        quotes = [
            {"type": "TextBlock", "text": f"**{citation.section} {citation.title}**\n\n{citation.quote}",
             "wrap": True, "fontType": "Default", "size": "Small"}
            for citation in answer.citations
        ]
        body.append({"type": "Container", "id": "policy-text", "isVisible": False, "style": "emphasis",
                     "items": quotes})
        actions.append({"type": "Action.ToggleVisibility", "title": text("answer.show_policy_text", lang),
                        "targetElements": ["policy-text"]})
    elif answer.out_of_scope:
        body.append({"type": "TextBlock", "text": text("answer.out_of_scope_contact", lang), "wrap": True,
                     "isSubtle": True})
    if answer.suggestions:
        body.append({"type": "TextBlock", "text": text("answer.follow_up", lang), "weight": "Bolder",
                     "wrap": True, "spacing": "Medium"})
        actions.extend(send_text_action(suggestion, suggestion) for suggestion in answer.suggestions)
    if offer_registration:
        actions.insert(0, send_text_action(text("welcome.actions.register", lang), text("welcome.questions.register", lang)))
    return adaptive_card(body, actions)
