"""One turn of the annual report dialog: its transaction, the report, and what to say once it is committed;
where the user is (the modes) and how a step ends; the years a report may be for and what it still lacks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Final

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import ActionTypes, Activity, CardAction, SuggestedActions
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.annual_report.cards import PARTS, Missing, items_of, kind_key
from dialogs.common.cards import Card
from dialogs.common.ks_notification import NotificationOutcome
from dialogs.common.replies import card_message
from policy.dates import MALMO_TIME
from settings import Settings
from storage.models import AnnualReport, AnnualReportItem, User
from storage.organisations import must_appoint_contact
from texts import Language, text

TITLE_MAX_LENGTH = 200
# What the next message answers.
PART: Final = "part"
ITEM: Final = "item"
PLAN: Final = "plan"
CONTACT: Final = "contact"
CONTACT_NAME: Final = "contact_name"
REVIEW: Final = "review"
# The questions about an item, in order; a prefilled EU project keeps its title (the project's name).
ITEM_FIELDS = ("title", "description", "focus_areas", "results")
CONFIRM_FIELDS = ("description", "focus_areas", "results")
# How a turn ends.
WAIT, END, PASS = "wait", "end", "pass"




def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def default_year(now: datetime) -> int:
    """Reports are written after the year they report: last calendar year, in Malmö."""
    return now.astimezone(MALMO_TIME).year - 1


def latest_year(now: datetime) -> int:
    """The latest year a report may be for: the current one in Malmö (begun early), never a later one."""
    return now.astimezone(MALMO_TIME).year


def what_is_missing(report: AnnualReport) -> list[Missing]:
    """Every item needs a focus area (section 2); the verksamhetsplan question (4); a nämnd's contact person
    (3.3). A bolag is given the opportunity to appoint a representative (3.4), so it may report without one."""
    missing = [Missing("item_focus", item) for kind in PARTS for item in items_of(report, kind)
               if not item.focus_areas]
    if report.in_verksamhetsplan is None:
        missing.append(Missing("plan"))
    if not report.contact_name and must_appoint_contact(report.organisation.kind):
        missing.append(Missing("contact"))
    return missing



@dataclass
class ReportTurn:
    """One turn's transaction and what to say when it has been committed."""

    context: TurnContext
    session: AsyncSession
    user: User
    report: AnnualReport
    lang: Language
    replies: list[Activity] = field(default_factory=list)
    submitted: NotificationOutcome | None = None  # set when the report was submitted: KS förvaltning's notice
    pressed_card: Card | None = None  # what the card whose button made the turn shows from now on

    def say(self, key: str, buttons: list[str] | None = None, **values: object) -> None:
        self.say_text(text(key, self.lang, **values), buttons)

    def say_text(self, message: str, buttons: list[str] | None = None) -> None:
        activity = MessageFactory.text(message)
        if buttons:
            activity.suggested_actions = SuggestedActions(
                actions=[CardAction(type=ActionTypes.im_back, title=label, value=label) for label in buttons])
        self.replies.append(activity)

    def show(self, card: Card) -> None:
        self.replies.append(card_message(card))

    def button(self, name: str) -> str:
        return text(f"annual_report.buttons.{name}", self.lang)

    def by_kind(self, key: str) -> str:
        """The catalog key's text for a nämnd or for a bolag ("kontaktperson" or "representant")."""
        return f"{key}.{kind_key(self.report)}"

    def item(self, item_id: int | None) -> AnnualReportItem | None:
        return next((item for item in self.report.items if item.id == item_id), None)

    def pass_on(self) -> str:
        """The message is not for the report: it is saved as it is, and the message is routed afresh."""
        self.say("annual_report.saved_and_closed")
        return PASS


class ReportSteps:
    """What the parts of the annual report's state machine share (dialog.AnnualReportSteps joins them): the
    database, settings and clock. Each part calls the others' steps through `self`, as one class would."""

    _session_factory: async_sessionmaker[AsyncSession]
    _settings: Settings
    _clock: Callable[[], datetime]
