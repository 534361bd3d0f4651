""""sammanställning [år]", "sammanställning för KF 2025", "compilation 2025": the yearly compilation of the
nämnders' reported international work for kommunfullmäktige (policy 3.1, 3.2.1, 3.3, 4), as download links.

Only KS coordinators and administrators get it. The links (Word, Excel, Markdown) are signed for the user and
valid for a day (`reports.download_links`); the app builds the file from the database when one is opened. A
link works for whoever holds it until it expires, so it is given only in a private chat, never in a channel.
The card also counts the reports submitted and approved against the organisations that must report (the
nämnder, 3.3 and 4), and apart from them the reports helägda bolag handed in voluntarily (they have no duty, 3.4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.annual_report.ks_cards import HANDED_IN, CompilationCounts, compilation_card
from dialogs.common.turn import Turn
from dialogs.common.input_parsing import command_rest
from dialogs.annual_report.report_status import default_report_year, looks_like_year, read_year, utc_now
from dialogs.common.turn_user import acting_user
from dialogs.common.replies import card_message
from reports.compilation import FORMATS
from reports.download_links import DEFAULT_VALID_FOR, compilation_link_for
from settings import Settings
from storage.access import can_see_all_organisations
from storage.annual_reports import AnnualReportStatus, report_status_overview
from texts import Language, lookup, text


@dataclass(frozen=True)
class CompilationRequest:
    year: int | None = None  # None: the last calendar year
    bad_year: bool = False


class CompilationCommand:
    """A `dialogs.common.chat_commands.ChatCommand`: the compilation for kommunfullmäktige as download links."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._clock = clock

    def recognise(self, message: str, value: object, lang: Language) -> CompilationRequest | None:
        rest = command_rest(message or "", "ks.words.compilation")
        if rest is None:
            return None
        if not rest:
            return CompilationRequest()
        if looks_like_year(rest):
            year = read_year(rest)
            return CompilationRequest(year, bad_year=year is None)
        return None  # "sammanställning av …": a question, not this command

    async def handle(self, turn: Turn, request: object) -> None:
        lang = turn.lang
        assert isinstance(request, CompilationRequest)
        context = turn.context
        now = self._clock()
        default_year = default_report_year(now)
        if request.bad_year:
            example = f"{lookup('ks.words.compilation', lang)[0]} {default_year}"
            await context.send_activity(text("ks.bad_year", lang, example=example))
            return
        year = request.year or default_year
        async with self._session_factory() as session:
            user = await acting_user(session, context)
            if user is None or not can_see_all_organisations(user):
                await context.send_activity(text("ks.compilation.refused", lang))
                return
            if turn.in_group:
                await context.send_activity(text("ks.compilation.personal_only", lang, year=year))
                return
            overview = await report_status_overview(session, year, user)
            user_id = user.id
        duty = [line for line in overview if line.must_report]
        counts = CompilationCounts(
            organisations=len(duty),
            submitted=sum(1 for line in duty if line.status == AnnualReportStatus.SUBMITTED.value),
            approved=sum(1 for line in duty if line.status == AnnualReportStatus.APPROVED.value),
            voluntary=sum(1 for line in overview if not line.must_report and line.status in HANDED_IN),
        )
        links = {fmt: compilation_link_for(self._settings, year, fmt, user_id, now) for fmt in FORMATS}
        card = compilation_card(year, links, counts, now + DEFAULT_VALID_FOR, lang)
        await context.send_activity(card_message(card))
