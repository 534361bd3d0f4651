"""The verksamhetsplan question (policy 4) and the contact person (3.3) or bolag representative (3.4)."""

from __future__ import annotations

from dialogs.annual_report.cards import PARTS, contact_role
from dialogs.annual_report.parsing import NAME_MAX_LENGTH, is_one_of, means_no_one, read_name
from dialogs.annual_report.place import ReportPlace
from dialogs.annual_report.report_turn import CONTACT, CONTACT_NAME, PLAN, WAIT, ReportSteps, ReportTurn, default_year
from dialogs.common.input_parsing import is_back, is_skip, means_me, parse_yes_no
from storage.access import AccessDenied
from storage.annual_reports import set_details
from storage.contact_persons import get_contact_person, set_contact_person
from storage.organisations import must_appoint_contact
from texts import text


class PlanAndContact(ReportSteps):
    """The verksamhetsplan question and the contact person or representative."""

    async def _ask_plan(self, turn: ReportTurn, place: ReportPlace, retry: bool = False) -> str:
        place.mode, place.item = PLAN, None
        question = text("annual_report.retry.yes_no" if retry else "annual_report.questions.plan", turn.lang)
        if not retry and turn.report.in_verksamhetsplan is not None:
            current = text("annual_report.review.yes" if turn.report.in_verksamhetsplan else "annual_report.review.no",
                           turn.lang)
            question += " " + text("annual_report.current", turn.lang, value=current)
        turn.say_text(question, [turn.button("yes"), turn.button("no")])
        return WAIT

    async def _answer_plan(self, turn: ReportTurn, place: ReportPlace, message: str) -> str:
        if is_back(message):
            if place.walk:
                return await self._enter_part(turn, place, PARTS[-1], auto=False)
            return await self._show_review(turn, place)
        if turn.report.in_verksamhetsplan is not None and is_one_of(message, "words.keep"):
            answer: bool | None = turn.report.in_verksamhetsplan
        else:
            answer = parse_yes_no(message)
        if answer is None:
            return await self._ask_plan(turn, place, retry=True)
        await set_details(turn.session, turn.report, turn.user, in_verksamhetsplan=answer)
        turn.say("annual_report.plan_saved_yes" if answer else "annual_report.plan_saved_no")
        if place.walk:
            return await self._ask_contact(turn, place)
        return await self._show_review(turn, place)

    async def _ask_contact(self, turn: ReportTurn, place: ReportPlace) -> str:
        place.item = None
        report, lang = turn.report, turn.lang
        registry = await get_contact_person(turn.session, report.organisation_id)
        role = contact_role(report, lang)
        if report.contact_name:
            place.mode, place.proposed = CONTACT, report.contact_name
            turn.say("annual_report.questions.contact_confirm_report", [turn.button("yes")], role=role,
                     name=report.contact_name)
        elif registry is not None:
            place.mode, place.proposed = CONTACT, registry.name
            turn.say("annual_report.questions.contact_confirm", [turn.button("yes")], role=role, name=registry.name)
        else:
            place.mode, place.proposed = CONTACT_NAME, None
            self._ask_contact_name(turn)
        return WAIT

    @staticmethod
    def _ask_contact_name(turn: ReportTurn) -> None:
        turn.say(turn.by_kind("annual_report.questions.contact_name"),
                 role_lower=contact_role(turn.report, turn.lang, lower=True))

    async def _answer_contact(self, turn: ReportTurn, place: ReportPlace, message: str) -> str:
        if is_back(message):
            return await self._back_from_contact(turn, place)
        if means_no_one(message):
            return await self._no_one(turn, place)
        answer = parse_yes_no(message)
        if answer is True or (answer is None and is_one_of(message, "words.keep")):
            return await self._set_contact(turn, place, place.proposed)
        if answer is False:
            place.mode = CONTACT_NAME
            self._ask_contact_name(turn)
            return WAIT
        return await self._answer_contact_name(turn, place, message)

    async def _answer_contact_name(self, turn: ReportTurn, place: ReportPlace, message: str) -> str:
        if is_back(message):
            return await self._back_from_contact(turn, place)
        if means_no_one(message):
            return await self._no_one(turn, place)
        name = turn.user.name if means_me(message) and turn.user.name else read_name(message)
        if name is None or is_skip(message):
            place.mode = CONTACT_NAME
            turn.say(turn.by_kind("annual_report.retry.contact_name"))
            return WAIT
        return await self._set_contact(turn, place, name)

    async def _no_one(self, turn: ReportTurn, place: ReportPlace) -> str:
        """"Ingen": a bolag may have no representative (3.4), noted in the report and the registry left as it is;
        a nämnd is to appoint a contact person (3.3), so the question is asked again, saying so."""
        if must_appoint_contact(turn.report.organisation.kind):
            place.mode = CONTACT_NAME
            turn.say("annual_report.retry.contact_required")
            return WAIT
        await set_details(turn.session, turn.report, turn.user, contact_name=None)
        turn.say("annual_report.no_representative_saved")
        return await self._contact_done(turn, place)

    async def _set_contact(self, turn: ReportTurn, place: ReportPlace, name: str) -> str:
        """The contact person in the report; in the registry too when it names someone else, and only from the
        report of the latest year (or a later one): an older year's report says who it was then, not now."""
        report = turn.report
        await set_details(turn.session, report, turn.user, contact_name=name[:NAME_MAX_LENGTH])
        name = report.contact_name or name
        turn.say(turn.by_kind("annual_report.contact_saved"), name=name)
        if report.year >= default_year(self._clock()):
            registry = await get_contact_person(turn.session, report.organisation_id)
            # The same name (as the registry has it, case aside) is left alone, and so is its link to a user.
            if registry is None or not _same_name(registry.name, name):
                try:
                    await set_contact_person(turn.session, report.organisation, name, turn.user)
                except AccessDenied:
                    turn.say(turn.by_kind("annual_report.contact_registry_refused"))
                else:
                    turn.say(turn.by_kind("annual_report.contact_registry_saved"), name=name)
        return await self._contact_done(turn, place)

    async def _contact_done(self, turn: ReportTurn, place: ReportPlace) -> str:
        if place.walk:
            place.walk = False
            turn.say("annual_report.walk_done")
        return await self._show_review(turn, place)

    async def _back_from_contact(self, turn: ReportTurn, place: ReportPlace) -> str:
        if place.walk:
            return await self._ask_plan(turn, place)
        return await self._show_review(turn, place)



def _same_name(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()
