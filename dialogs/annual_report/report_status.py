""""status årsredovisning [år]": where every nämnd's and bolag's annual report stands, for KS förvaltning
(policy 3.2.1, 3.3, 4), and its button "Påminn alla som inte har skickat in".

KS coordinators and administrators see every organisation; a contact person (`is_contact_person`) their own
organisation's line; anyone else a refusal naming who may see it. The same in a channel: KS förvaltning's
coordinators work in theirs, and whoever presses a button there is asked for their own role.

"Påminn alla" plans an annual report reminder, due now, to each contact person of each organisation still to be
reminded (`reminders.on_request`), and schedules them; the scheduler delivers them. Who is still to be reminded
is `storage.annual_reports.needs_report_reminder`: a nämnd that has not handed its report in, and a bolag, which
has no duty to report (3.4), only while a voluntary report it started is open. The answer says how many
organisations and people
were reminded, and which organisations have nobody to remind (nämnder without a contact person, 3.3, apart
from bolag without a representative, 3.4).

The year readers below (`read_year`, `looks_like_year`) are shared by KS förvaltning's other annual report
commands (`dialogs.annual_report.report_review`, `dialogs.annual_report.compilation_command`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Literal

from botbuilder.core import TurnContext
from botbuilder.schema import Activity
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.input_parsing import command_rest, plain
from dialogs.common.turn import Turn
from dialogs.annual_report.ks_cards import (
    REMIND_ALL_ACTION,
    StatusRow,
    own_status_card,
    remind_result_card,
    status_card,
)
from dialogs.common.turn_user import acting_user
from dialogs.common.replies import card_message
from reminders.calendar import local_date
from reminders.on_request import plan_reminders_on_request
from reminders.planner import annual_report_deadline
from settings import Settings
from storage.access import NotFound, can_see_all_organisations
from storage.annual_reports import (
    NOT_STARTED,
    OrganisationStatus,
    get_report,
    needs_report_reminder,
    report_status_overview,
)
from storage.contact_persons import get_contact_person, is_contact_person, users_with_contact_role
from storage.models import Organisation, User
from storage.organisations import duties_of, must_appoint_contact
from storage.reminders import contact_person_ids_by_organisation, schedule_many
from texts import Language, lookup, text

# The years an annual report may be for (storage.models.AnnualReport's check).
MIN_YEAR, MAX_YEAR = 2000, 2200
_NUMBER = re.compile(r"^\d+$")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- reading typed commands (shared with report_review and compilation_command) ---------------------------------


def read_year(words: str) -> int | None:
    """The year `words` is ("2025", "2025."), or None when it is not a year an annual report may be for."""
    folded = plain(words)
    if not _NUMBER.match(folded):
        return None
    year = int(folded)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def looks_like_year(words: str) -> bool:
    """Digits only: meant as a year, even if not a valid one ("20255")."""
    return bool(_NUMBER.match(plain(words)))


def report_deadline(year: int, deadline_mmdd: str) -> date:
    """The day the reports for `year` are due: the configured day of the following year."""
    return annual_report_deadline(year + 1, deadline_mmdd)


def default_report_year(now: datetime) -> int:
    """The year whose reports are due: the last calendar year, in Malmö."""
    return local_date(now).year - 1


def year_from_value(value: object) -> int | None:
    """The year a button's data carries (a number, or digits), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if MIN_YEAR <= value <= MAX_YEAR else None
    return read_year(value) if isinstance(value, str) else None


# --- the command ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRequest:
    action: Literal["show", "remind_all"]
    year: int | None = None  # None: the last calendar year
    bad_year: bool = False  # a year was given that no report can be for


def contact_of(line: OrganisationStatus) -> str | None:
    """Who to ask: the registry's contact person, else the users with the contact person role, else nobody."""
    if line.contact is not None:
        return line.contact.name
    return ", ".join(user.name for user in line.contact_persons) or None


class ReportStatusCommand:
    """A `dialogs.common.chat_commands.ChatCommand`: the status overview and "Påminn alla"."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._session_factory = session_factory
        self._deadline_mmdd = settings.annual_report_deadline
        self._clock = clock

    def recognise(self, message: str, value: object, lang: Language) -> StatusRequest | None:
        if isinstance(value, dict) and value.get("action") == REMIND_ALL_ACTION:
            year = year_from_value(value.get("year"))
            return StatusRequest("remind_all", year, bad_year=year is None)
        rest = command_rest(message or "", "ks.words.status")
        if rest is None:
            return None
        if not rest:
            return StatusRequest("show")
        if looks_like_year(rest):
            year = read_year(rest)
            return StatusRequest("show", year, bad_year=year is None)
        return None  # "status årsredovisning för Miljönämnden": not this command (maybe a question)

    async def handle(self, turn: Turn, request: object) -> None:
        lang = turn.lang
        assert isinstance(request, StatusRequest)
        context = turn.context
        default_year = default_report_year(self._clock())
        if request.bad_year:
            example = f"{lookup('ks.words.status', lang)[0]} {default_year}"
            await context.send_activity(text("ks.bad_year", lang, example=example))
            return
        year = request.year or default_year
        if request.action == "remind_all":
            await context.send_activity(await self._remind_all(context, year, lang))
        else:
            await context.send_activity(await self._show(context, year, lang))

    # --- the overview ----------------------------------------------------------------------------------------

    async def _show(self, context: TurnContext, year: int, lang: Language) -> Activity | str:
        deadline = report_deadline(year, self._deadline_mmdd)
        async with self._session_factory() as session:
            user = await acting_user(session, context)
            if user is not None and can_see_all_organisations(user):
                overview = await report_status_overview(session, year, user)
                rows = [StatusRow(line.organisation.name, line.status, contact_of(line), line.last_change,
                                  line.organisation.kind.value)
                        for line in overview]
                return card_message(status_card(year, rows, deadline, lang))
            if user is not None and await is_contact_person(session, user):
                if user.organisation_id is None:
                    return text("ks.status.no_organisation", lang)
                row = await self._own_row(session, user, user.organisation_id, year)
                return card_message(own_status_card(year, row, lang))
        return text("ks.status.refused", lang, year=year)

    @staticmethod
    async def _own_row(session: AsyncSession, user: User, organisation_id: int, year: int) -> StatusRow:
        organisation = await session.get_one(Organisation, organisation_id)
        try:
            report = await get_report(session, organisation_id, year, user)
        except NotFound:
            report = None
        registry = await get_contact_person(session, organisation_id)
        if registry is not None:
            contact: str | None = registry.name
        else:
            # The same rule as the overview's: users with the contact person role, when the registry names nobody.
            people = (await users_with_contact_role(session, organisation_id)).get(organisation_id, [])
            contact = ", ".join(person.name for person in people) or None
        kind = organisation.kind.value
        if report is None:
            return StatusRow(organisation.name, NOT_STARTED, contact, None, kind)
        return StatusRow(organisation.name, report.status.value, contact, report.updated_at, kind)

    # --- "Påminn alla som inte har skickat in" -------------------------------------------------------------

    async def _remind_all(self, context: TurnContext, year: int, lang: Language) -> Activity | str:
        now = self._clock()
        async with self._session_factory.begin() as session:
            user = await acting_user(session, context)
            if user is None or not can_see_all_organisations(user):
                return text("ks.remind.refused", lang)
            overview = await report_status_overview(session, year, user)
            pending = [line for line in overview if needs_report_reminder(line.must_report, line.status)]
            if not pending:
                return text("ks.remind.nobody_left", lang, year=year)
            plan = plan_reminders_on_request(
                [(line.organisation.id, line.organisation.name) for line in pending],
                await contact_person_ids_by_organisation(session),
                report_year=year,
                deadline_mmdd=self._deadline_mmdd,
                requested_at=now,
                requested_by_user_id=user.id,
                voluntary={line.organisation.id: duties_of(line.organisation.kind).annual_report.section
                           for line in pending if not line.must_report},
            )
            new = await schedule_many(session, plan.specs)
        if plan.specs and new == 0:
            return text("ks.remind.already", lang, year=year)
        # Nobody to remind: a nämnd is to appoint a contact person (3.3); a bolag may appoint a representative (3.4).
        kinds = {line.organisation.id: line.organisation.kind for line in pending}
        without_contact = [name for organisation_id, name in plan.without_contact
                           if must_appoint_contact(kinds[organisation_id])]
        without_representative = [name for organisation_id, name in plan.without_contact
                                  if not must_appoint_contact(kinds[organisation_id])]
        return card_message(remind_result_card(
            year, [name for _, name in plan.reminded], plan.people, without_contact, lang, without_representative))
