"""The parts of the report (the kinds of work of policy section 1): shown as cards, walked through, items
added, changed and removed."""

from __future__ import annotations

from dialogs.annual_report.cards import PARTS, items_of, needs_confirmation, part_card
from dialogs.annual_report.items import fields_for
from dialogs.annual_report.parsing import is_bare_number, is_one_of, is_small_talk, part_command
from dialogs.annual_report.place import ReportPlace
from dialogs.annual_report.report_turn import CONFIRM_FIELDS, ITEM_FIELDS, PART, WAIT, ReportSteps, ReportTurn
from dialogs.common.input_parsing import is_back, is_skip
from storage.access import AccessDenied, NotFound
from storage.annual_reports import remove_item
from storage.applications import get_application
from storage.models import AnnualReportItem, AnnualReportItemKind, Application


class PartSteps(ReportSteps):
    """The parts: a card each, the walk through them, and the part card's commands."""

    async def _enter_part(self, turn: ReportTurn, place: ReportPlace, kind: AnnualReportItemKind, *,
                          auto: bool = True) -> str:
        """Shows the part; in the walk, a prefilled EU project not yet confirmed is asked about at once."""
        place.mode, place.part, place.item = PART, kind.value, None
        applications = await self._applications(turn, items_of(turn.report, kind))
        turn.show(part_card(turn.report, kind, turn.lang, applications, walk=place.walk))
        if auto and place.walk:
            pending = next((item for item in items_of(turn.report, kind)
                            if needs_confirmation(item) and item.id not in place.skipped), None)
            if pending is not None:
                return await self._start_item(turn, place, kind, pending, list(CONFIRM_FIELDS), then=PART)
        return WAIT

    async def _next(self, turn: ReportTurn, place: ReportPlace, kind: AnnualReportItemKind) -> str:
        if not place.walk:
            return await self._show_review(turn, place)
        position = PARTS.index(kind)
        if position + 1 < len(PARTS):
            return await self._enter_part(turn, place, PARTS[position + 1])
        return await self._ask_plan(turn, place)

    async def _part_command(self, turn: ReportTurn, place: ReportPlace, message: str) -> str:
        kind = AnnualReportItemKind(place.part)
        hint = "annual_report.part_hint_walk" if place.walk else "annual_report.part_hint_review"
        if not message:
            turn.say(hint)
            return WAIT
        command = part_command(message)
        if command is None and is_skip(message):
            command = ("next", None)  # "hoppa över" the part
        if command is None and (number := is_bare_number(message)) is not None:
            command = ("edit", number)  # "2" for the second item, as its number on the card
        if command is not None:
            return await self._part_action(turn, place, kind, *command)
        if is_back(message):
            position = PARTS.index(kind)
            if not place.walk:
                return await self._show_review(turn, place)
            if position == 0:
                turn.say("annual_report.at_first_part")
                return WAIT
            return await self._enter_part(turn, place, PARTS[position - 1], auto=False)
        if is_one_of(message, "words.review"):
            return await self._show_review(turn, place)
        if is_one_of(message, "words.submit"):
            return await self._submit(turn, place)
        if is_small_talk(message):
            turn.say(hint)
            return WAIT
        return turn.pass_on()

    async def _part_action(self, turn: ReportTurn, place: ReportPlace, kind: AnnualReportItemKind, name: str,
                           number: int | None) -> str:
        """What a part card's command does: "add", "next", or "edit"/"remove" the item of that number."""
        if name == "add":
            return await self._start_item(turn, place, kind, None, list(ITEM_FIELDS), then=PART)
        if name == "next":
            return await self._next(turn, place, kind)
        items = items_of(turn.report, kind)
        if number is None or not 1 <= number <= len(items):
            turn.say("annual_report.retry.no_such_item", number=number if number is not None else "?")
            return WAIT
        item = items[number - 1]
        if name == "remove":
            return await self._remove(turn, place, item)
        return await self._start_item(turn, place, kind, item, fields_for(item), then=PART)

    async def _remove(self, turn: ReportTurn, place: ReportPlace, item: AnnualReportItem) -> str:
        kind, title = item.kind, item.title
        await remove_item(turn.session, turn.report, turn.user, item.id)
        turn.say("annual_report.item_removed", title=title)
        return await self._enter_part(turn, place, kind, auto=False)


    @staticmethod
    async def _applications(turn: ReportTurn, items: list[AnnualReportItem]) -> dict[int, Application]:
        """The registered applications behind prefilled EU projects, those the user may see."""
        found: dict[int, Application] = {}
        for item in items:
            if item.application_id is None:
                continue
            try:
                found[item.application_id] = await get_application(turn.session, item.application_id, turn.user)
            except (AccessDenied, NotFound):
                continue
        return found
