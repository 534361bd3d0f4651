"""The informationsärende in the chat: a short summary card with the link to the Word document.

The draft itself is Swedish and lives in the document (reports/information_document.py); the card, in the
user's language, says what the ärende is about, why it is needed (the threshold of section 4.1) and what is left
to fill in, and gives the signed download link (reports/download_links.py), valid for a day. A link works for
whoever holds it until it expires, so it is shown in a personal chat only, as the registration and "mina
ansökningar" are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialogs.common.cards import Card, adaptive_card
from dialogs.common.formatting import format_moment, format_money
from reports.information_item import InformationItemDraft
from storage.application_data import Money
from texts import Language, text


def download_action(link: str, lang: Language) -> dict[str, Any]:
    """"Ladda ner informationsärendet (Word)": the one button that opens the document, wherever it is offered."""
    return {"type": "Action.OpenUrl", "title": text("information_item_card.download", lang), "url": link}


def threshold_verdict(draft: InformationItemDraft, lang: Language) -> str:
    """"Totalbudgeten når 12 000 000 kr: informationsärende krävs", or below it, or no budget to compare."""
    threshold = format_money(Money.of(draft.threshold_sek, "SEK"), lang)
    key = {True: "reaches", False: "below", None: "no_budget"}[draft.reaches_threshold]
    return text(f"information_item_card.{key}", lang, threshold=threshold)


def gaps_label(draft: InformationItemDraft, lang: Language) -> str:
    """What the official must still fill in, as a list; or that nothing is missing."""
    if not draft.gaps:
        return text("information_item_card.nothing_to_fill_in", lang)
    listed = ", ".join(text(f"information_item_card.gaps.{gap}", lang) for gap in draft.gaps)
    return listed[:1].upper() + listed[1:]


def information_item_card(draft: InformationItemDraft, *, reference: str, programme: str, total_budget: str,
                          link: str, valid_until: datetime, lang: Language) -> Card:
    """The summary of the draft for the application `reference`; `programme` and `total_budget` as the user
    reads them (the draft has them in Swedish)."""
    facts = [
        (text("information_item_card.application", lang), reference),
        (text("applications.labels.project_name", lang), draft.project),
        (text("applications.labels.organisation", lang), draft.organisation),
        (text("applications.labels.programme", lang), programme),
        (text("applications.labels.total_budget", lang), total_budget),
        (text("information_item_card.threshold", lang, section=draft.section), threshold_verdict(draft, lang)),
        (text("information_item_card.to_fill_in", lang), gaps_label(draft, lang)),
    ]
    body = [
        {"type": "TextBlock", "text": text("information_item_card.title", lang), "size": "Large", "weight": "Bolder",
         "wrap": True},
        {"type": "TextBlock", "text": text("information_item_card.intro", lang), "wrap": True},
        {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in facts]},
        {"type": "TextBlock", "text": text("information_item_card.valid", lang, until=format_moment(valid_until, lang)),
         "wrap": True, "isSubtle": True},
    ]
    return adaptive_card(body, [download_action(link, lang)])
