"""The questions about one item: title, description, focus areas (policy section 2) and results."""

from __future__ import annotations

from dialogs.annual_report.cards import focus_card, focus_label, items_of, needs_confirmation, quoted
from dialogs.annual_report.parsing import TEXT_MAX_LENGTH, is_one_of, parse_focus_areas, part_command
from dialogs.annual_report.place import ItemQuestion, ReportPlace, Then
from dialogs.annual_report.report_turn import (
    CONFIRM_FIELDS,
    ITEM,
    ITEM_FIELDS,
    REVIEW,
    TITLE_MAX_LENGTH,
    WAIT,
    ReportSteps,
    ReportTurn,
)
from dialogs.common.replies import supports_forms
from dialogs.common.input_parsing import is_back, is_skip
from storage.annual_reports import add_item, update_item
from storage.models import AnnualReportItem, AnnualReportItemKind
from texts import Language, text


class ItemQuestions(ReportSteps):
    """The questions about one item, asked one at a time; a command typed at a question is the part card's."""

    async def _start_item(self, turn: ReportTurn, place: ReportPlace, kind: AnnualReportItemKind,
                          item: AnnualReportItem | None, fields: list[str], *, then: Then) -> str:
        # "new": an item being added shows no "Nu: …" with its questions, one being changed or confirmed does.
        place.mode, place.part = ITEM, kind.value
        place.item = ItemQuestion(id=item.id if item is not None else None, kind=kind.value, fields=fields, then=then,
                                  new=item is None)
        return await self._ask_item(turn, place)

    async def _ask_item(self, turn: ReportTurn, place: ReportPlace, retry: str | None = None,
                        **retry_values: object) -> str:
        spec = _question(place)
        field_name = spec.fields[0]
        item = turn.item(spec.id)
        if spec.id is not None and item is None:
            turn.say("annual_report.retry.item_gone")
            return await self._back_from_item(turn, place)
        lang = turn.lang
        kind = AnnualReportItemKind(spec.kind)
        title = quoted(item.title, lang) if item is not None else ""
        example = text(f"annual_report.parts.{kind.value}.title_example", lang)
        if retry is not None:
            question = text(retry, lang, **retry_values)
        else:
            question = text(f"annual_report.questions.{field_name}", lang, title=title, example=example)
        buttons: list[str] = []
        shows_current = item is not None and not spec.new
        if shows_current and retry is None:
            current = _current_value(item, field_name, lang)
            question += " " + (text("annual_report.current", lang, value=current) if current
                               else text("annual_report.current_none", lang))
        if shows_current and _current_value(item, field_name, lang):
            buttons.append(turn.button("keep"))
        if field_name == "results":
            buttons.append(turn.button("skip"))
        if field_name == "focus_areas" and item is not None and supports_forms(turn.context.activity):
            turn.show(focus_card(turn.report, item, lang, question, error=retry is not None))
        else:
            turn.say_text(question, buttons)
        return WAIT

    async def _answer_item(self, turn: ReportTurn, place: ReportPlace, message: str, chosen: str | None) -> str:
        """`chosen`: the focus card's value ("2a,2c"), when the answer came from it."""
        spec = _question(place)
        field_name = spec.fields[0]
        item = turn.item(spec.id)
        if spec.id is not None and item is None:
            turn.say("annual_report.retry.item_gone")
            return await self._back_from_item(turn, place)
        if chosen is None and (command := part_command(message, strict=True)) is not None:
            # "ta bort 2", "ändra 1", "lägg till", "nästa" typed at a question: what the part card does, never
            # the answer. A prefilled project left unconfirmed is not asked about again at once.
            kind = AnnualReportItemKind(spec.kind)
            name, number = command
            if name in ("edit", "remove") and not 1 <= (number or 0) <= len(items_of(turn.report, kind)):
                turn.say("annual_report.retry.no_such_item", number=number)
                return await self._ask_item(turn, place)  # the question is still open
            if item is not None and needs_confirmation(item) and item.id not in place.skipped:
                place.skipped.append(item.id)
            return await self._part_action(turn, place, kind, name, number)
        if chosen is None and is_back(message):
            if item is not None and item.id not in place.skipped:
                place.skipped.append(item.id)
            return await self._back_from_item(turn, place)
        if chosen is None and is_one_of(message, "words.submit"):
            return await self._submit(turn, place)  # never an answer: what is still missing is listed
        if chosen is None and is_one_of(message, "words.review"):
            return await self._show_review(turn, place)
        keep = chosen is None and is_one_of(message, "words.keep")
        if keep and (item is None or not _current_value(item, field_name, turn.lang)):
            if field_name != "results" or item is None:
                return await self._ask_item(turn, place, "annual_report.retry.keep_nothing")
        if not keep:
            problem = await self._store_answer(turn, place, item, field_name, message, chosen)
            if problem is not None:
                key, values = problem
                return await self._ask_item(turn, place, key, **values)
        spec.fields.pop(0)
        if spec.fields:
            return await self._ask_item(turn, place)
        saved = turn.item(spec.id)
        turn.say("annual_report.item_saved", title=saved.title if saved else "")
        if spec.then == REVIEW:
            return await self._show_review(turn, place)
        return await self._enter_part(turn, place, AnnualReportItemKind(spec.kind))

    async def _store_answer(self, turn: ReportTurn, place: ReportPlace, item: AnnualReportItem | None,
                            field_name: str, message: str, chosen: str | None) -> tuple[str, dict[str, object]] | None:
        """Writes one answer; returns (catalog key, its values) of the problem when the answer cannot be used."""
        spec = _question(place)
        example = text(f"annual_report.parts.{spec.kind}.title_example", turn.lang)
        if field_name == "title":
            if not message or len(message) > TITLE_MAX_LENGTH:
                return "annual_report.retry.title", {"max": TITLE_MAX_LENGTH, "example": example}
            if item is None:
                added = await add_item(turn.session, turn.report, turn.user, kind=spec.kind, title=message,
                                       description=None, focus_areas=[], results=None)
                spec.id = added.id
            else:
                await update_item(turn.session, turn.report, turn.user, item.id, title=message)
            return None
        assert item is not None  # every other question is about an item that exists
        if field_name == "focus_areas":
            areas = parse_focus_areas(chosen if chosen is not None else message)
            if areas is None:
                # Nothing chosen on the focus card is said as a form says it; a typed answer gets the chat's hint.
                return ("annual_report.focus_card_error" if chosen is not None
                        else "annual_report.retry.focus_areas"), {}
            await update_item(turn.session, turn.report, turn.user, item.id, focus_areas=areas)
            return None
        if field_name == "results" and is_skip(message):
            await update_item(turn.session, turn.report, turn.user, item.id, results=None)
            return None
        if not message or (field_name == "description" and is_skip(message)):
            return f"annual_report.retry.{field_name}", {}
        if len(message) > TEXT_MAX_LENGTH:
            return "annual_report.retry.text_too_long", {"max": TEXT_MAX_LENGTH}
        await update_item(turn.session, turn.report, turn.user, item.id, **{field_name: message})
        return None

    async def _back_from_item(self, turn: ReportTurn, place: ReportPlace) -> str:
        spec = _question(place)
        if spec.then == REVIEW:
            return await self._show_review(turn, place)
        return await self._enter_part(turn, place, AnnualReportItemKind(spec.kind), auto=False)


def _question(place: ReportPlace) -> ItemQuestion:
    """The item question open (the dict's "item" of old: a step reached only while one is)."""
    assert place.item is not None
    return place.item


def fields_for(item: AnnualReportItem) -> list[str]:
    """A prefilled EU project keeps its title (the project's name); anything else may be renamed."""
    return list(CONFIRM_FIELDS) if item.application_id is not None else list(ITEM_FIELDS)


def _current_value(item: AnnualReportItem, field_name: str, lang: Language) -> str | None:
    if field_name == "focus_areas":
        return focus_label(item.focus_areas, lang) if item.focus_areas else None
    value = getattr(item, field_name)
    return str(value) if value else None
