"""Registering an EU application: one question at a time (or a form in Teams), a review, then the 4.1 routine.

The dialog's own state is plain JSON in the conversation state (read into a RegistrationState for each turn,
registration_state.py), and every answer is also written to the user's registration draft in the database: a
restart continues mid-question, and a user who comes back days later (or after cancelling nothing) is offered
the draft again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from botbuilder.core import MessageFactory, TurnContext, UserState
from botbuilder.dialogs import ComponentDialog, Dialog, DialogContext, DialogInstance, DialogTurnResult
from botbuilder.schema import ActionTypes, CardAction, SuggestedActions
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.formatting import format_date, format_moment, format_money
from dialogs.common.input_parsing import is_back, is_cancel, is_skip, parse_yes_no, plain
from dialogs.common.ks_notification import inform_ks_about_application
from dialogs.applications.programmes import programme_name
from dialogs.applications.registration_answers import AnswerContext, Choice, programme_choices, read_answer
from dialogs.applications.application_cards import money_label
from dialogs.applications.information_item_cards import information_item_card
from dialogs.applications.registration_cards import (
    CHOICE_ACTION, choice_card, form_card, ks_summary_card, review_card, saved_card)
from dialogs.applications.registration_fields import FIELDS, FIELDS_BY_NAME, catalog_key, next_field
from dialogs.applications.registration_state import (
    ASKING, CONFIRM_DISCARD, FORM, RESUME_OFFER, REVIEW, RegistrationState)
from dialogs.common.turn_user import acting_user, acting_user_recorded
from dialogs.common.replies import card_message, replace_pressed_card, supports_forms
from dialogs.common.turn import Turn
from dialogs.common.routing import STAY_ACTION
from policy import ProjectFacts, evaluate_eu_routine
from policy.dates import MALMO_TIME
from policy.formatting import format_number
from reminders.planner import plan_for_application
from reports.download_links import DEFAULT_VALID_FOR, information_item_link_for
from reports.information_item import InformationItemDraft, build_information_item
from settings import Settings
from storage.application_data import ApplicationData, MalmoRole, Money
from storage.access import AccessDenied, can_see_all_organisations
from storage.applications import application_reference, create_application, get_application_by_submission_key
from storage.models import Application, Organisation, User
from storage.reminders import schedule_many
from storage.organisations import duties_of, get_organisation, list_organisations
from storage.registration_drafts import delete_draft, draft_data, get_draft, save_draft
from storage.users import get_user_by_teams_id
from texts import Language, language_of, lookup, text

logger = logging.getLogger("lotsen.registration")

# A user who comes back after this long is asked whether to continue, rather than have the message taken
# as the answer to a question asked long ago.
IDLE_BEFORE_RESUME_OFFER = timedelta(hours=2)
SAVE_ACTION, EDIT_ACTION, DISCARD_ACTION, FORM_ACTION = (
    "registration_save", "registration_edit", "registration_discard", "registration_form")
# The questions answered by a choice from a list: a dropdown in Teams, a numbered list in the terminal chat.
CHOICE_KINDS = ("programme", "organisation")


class RegistrationDialog(ComponentDialog):
    """The registration as botbuilder's ComponentDialog; its steps are one state machine (below), because the
    official may go back, skip, edit from the review or switch to the form at any point."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings, user_state: UserState,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        super().__init__(RegistrationDialog.__name__)
        self._steps = RegistrationSteps(session_factory, settings, user_state, clock)
        self.add_dialog(self._steps)
        self.initial_dialog_id = RegistrationSteps.__name__

    # Work in hand: "avbryt" is the dialog's own to answer (it asks whether to throw the draft away), and a
    # command that starts something else asks before leaving it (dialogs/common/routing.py).
    answers_cancel = True
    asks_before_leaving = True

    async def answer_stale_button(self, turn: Turn, action: str) -> None:
        """A button of a registration card pressed after the registration ended."""
        if action == SAVE_ACTION and isinstance(turn.value, dict):
            await self._steps.answer_stale_save(turn.context, turn.value, turn.lang)
        else:
            await turn.send(text("registration.not_running", turn.lang))


class RegistrationSteps(Dialog):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings, user_state: UserState,
                 clock: Callable[[], datetime]) -> None:
        super().__init__(RegistrationSteps.__name__)
        self._session_factory = session_factory
        self._settings = settings
        self._clock = clock
        # The nämnd or bolag a user registered for last time: a default for the next registration, never a
        # grant of access (which organisation a user belongs to is set by an administrator).
        self._remembered = user_state.create_property("RegistrationDefaults")

    # --- the dialog protocol --------------------------------------------------------------------------

    async def begin_dialog(self, dc: DialogContext, options: Any = None) -> DialogTurnResult:
        instance = dc.active_dialog
        state = RegistrationState(lang=language_of(dc.context.activity.locale), data={}, answered=[], history=[],
                                  asking=None, mode=ASKING, return_to_review=False, previous_mode=None,
                                  submission_key=None, last_turn_at=self._clock())
        try:
            return await self._begin(dc, state)
        finally:
            self._store_if_running(dc, instance, state)

    async def continue_dialog(self, dc: DialogContext) -> DialogTurnResult:
        instance = dc.active_dialog
        try:
            state = RegistrationState.read_from(instance.state)
        except ValidationError as error:
            # Not a state this dialog wrote (a key missing, a value of another type): start over rather than
            # guess. The answers so far are in the user's draft, which the start offers to continue.
            logger.warning("registration state of another shape, starting over: %s",
                           error.errors(include_url=False, include_input=False))
            instance.state.clear()
            return await self.begin_dialog(dc)
        try:
            return await self._continue(dc, state)
        finally:
            self._store_if_running(dc, instance, state)

    @staticmethod
    def _store_if_running(dc: DialogContext, instance: DialogInstance, state: RegistrationState) -> None:
        """The turn's state back into botbuilder's dict, which the conversation state stores after the turn,
        unless the dialog ended (`_end` stored it before ending)."""
        if dc.active_dialog is instance:
            state.store_into(instance.state)

    @staticmethod
    async def _end(dc: DialogContext, state: RegistrationState, result: Any) -> DialogTurnResult:
        state.store_into(dc.active_dialog.state)
        return await dc.end_dialog(result)

    async def _begin(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        async with self._session_factory.begin() as session:
            user = await acting_user_recorded(session, dc.context)
            draft = await get_draft(session, user)
            if draft is not None:
                return await self._offer_resume(dc, state, draft_data(draft).project_name, draft.updated_at)
            await self._fresh(session, dc.context, state, user)
        return await self._start(dc, state)

    async def _continue(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        activity = dc.context.activity
        message = (activity.text or "").strip()
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")

        last_turn_at = state.last_turn_at
        state.last_turn_at = self._clock()
        if action == STAY_ACTION:
            # "Fortsätt där jag var" after a command interrupted it: what it waits for, shown again.
            return await self._show_again(dc, state)
        if state.mode != RESUME_OFFER and self._clock() - last_turn_at > IDLE_BEFORE_RESUME_OFFER:
            return await self._offer_resume(dc, state, self._data(state).project_name, last_turn_at)
        if state.mode == RESUME_OFFER and is_cancel(message):
            await dc.context.send_activity(text("registration.draft_kept", state.lang))
            return await self._end(dc, state, None)
        if state.mode == RESUME_OFFER:
            return await self._answer_resume_offer(dc, state, message)
        if state.mode == CONFIRM_DISCARD:
            return await self._answer_discard(dc, state, message)
        if action == DISCARD_ACTION or (not action and is_cancel(message)):
            state.previous_mode = state.mode
            state.mode = CONFIRM_DISCARD
            return await self._yes_or_no(dc.context, text("registration.confirm_discard", state.lang),
                                         state.lang)
        if action == FORM_ACTION:
            return await self._answer_form(dc, state, value)
        if action == EDIT_ACTION and value.get("field") in FIELDS_BY_NAME:
            state.return_to_review = True
            return await self._ask(dc, state, value["field"])
        if action == CHOICE_ACTION:
            return await self._answer_choice(dc, state, value)
        if action == SAVE_ACTION and value.get("submission_key") != state.submission_key:
            # "Spara" on an older review card (an application saved before): say so, and go on with this one.
            await self.answer_stale_save(dc.context, value, state.lang)
            return await self._show_review(dc, state) if state.mode == REVIEW else await self._ask_next(dc, state)
        if action == SAVE_ACTION or (state.mode == REVIEW and plain(message) in ("spara", "save")):
            return await self._save(dc, state, state.submission_key)
        if state.mode == REVIEW:
            return await self._show_review(dc, state)
        if state.mode == FORM:
            # Typing instead of filling in the form: go on one question at a time.
            state.mode = ASKING
            return await self._ask_next(dc, state)
        return await self._answer_question(dc, state, message)

    async def answer_stale_save(self, context: TurnContext, value: dict[str, Any], lang: Language) -> None:
        """A "Spara" pressed again after the registration ended: say where the saved application is."""
        async with self._session_factory() as session:
            viewer = await acting_user(session, context)
            try:
                application = await get_application_by_submission_key(
                    session, str(value.get("submission_key", "")), viewer)
            except AccessDenied:
                application = None  # someone else's card: nothing to say about it
        if application is None:
            await context.send_activity(text("registration.nothing_to_save", lang))
        else:
            await context.send_activity(
                text("registration.already_saved", lang, reference=application_reference(application)))

    # --- asking -------------------------------------------------------------------------------------

    async def _start(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        lang = state.lang
        if supports_forms(dc.context.activity):
            await dc.context.send_activity(text("registration.form_offer", lang))
            return await self._show_form(dc, state)
        await dc.context.send_activity(text("registration.start", lang))
        return await self._ask_next(dc, state)

    async def _show_form(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        state.mode = FORM
        async with self._session_factory() as session:
            organisations = await self._organisation_choices(session, dc.context)
        await dc.context.send_activity(card_message(
            form_card(self._data(state), state.lang, programme_choices(state.lang), organisations, {})))
        return Dialog.end_of_turn

    async def _show_again(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        """What the registration waits for, shown again: the form, the review, or the question asked."""
        if state.mode == FORM:
            return await self._show_form(dc, state)
        if state.mode == REVIEW:
            return await self._show_review(dc, state)
        if state.mode == CONFIRM_DISCARD:
            return await self._yes_or_no(dc.context, text("registration.confirm_discard", state.lang), state.lang)
        if state.mode == RESUME_OFFER:
            # The offer to go on with the saved draft, made again: never a fresh question that would overwrite it.
            async with self._session_factory() as session:
                draft = await get_draft(session, await acting_user(session, dc.context))
            if draft is not None:
                return await self._offer_resume(dc, state, draft_data(draft).project_name, draft.updated_at)
            return await self._start(dc, state)
        if state.mode == ASKING and state.asking is not None:
            return await self._ask(dc, state, state.asking)
        return await self._ask_next(dc, state)

    async def _ask_next(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        if state.return_to_review:
            return await self._show_review(dc, state)
        field = next_field(self._data(state), set(state.answered))
        if field is None:
            return await self._show_review(dc, state)
        return await self._ask(dc, state, field.name)

    async def _ask(self, dc: DialogContext, state: RegistrationState, name: str, error: str | None = None
                   ) -> DialogTurnResult:
        """Asks the question of field `name`. `error`: why the last answer to it could not be used, for a choice
        card (a typed answer's problem is said in the chat before the question is asked again)."""
        lang: Language = state.lang
        spec = FIELDS_BY_NAME[name]
        state.mode, state.asking = ASKING, name
        question = text(f"registration.questions.{catalog_key(name)}", lang)
        if spec.kind in CHOICE_KINDS:
            if spec.kind == "programme":
                choices = programme_choices(lang)
            else:
                async with self._session_factory() as session:
                    choices = await self._organisation_choices(session, dc.context)
            if supports_forms(dc.context.activity):
                # A dropdown in Teams (a review's "Ändra" among them), not a list of two dozen numbered lines.
                current = getattr(self._data(state), name)
                await dc.context.send_activity(card_message(choice_card(
                    name, text(f"registration.choose.{catalog_key(name)}", lang), choices, current, lang, error)))
                return Dialog.end_of_turn
            question += "\n" + _numbered(choices)
        if not spec.required:
            question += " " + text("registration.optional_hint", lang)
        buttons = _buttons_for(spec.kind, spec.required, lang)
        await self._send_with_buttons(dc.context, question, buttons)
        return Dialog.end_of_turn

    async def _answer_question(self, dc: DialogContext, state: RegistrationState, message: str) -> DialogTurnResult:
        lang: Language = state.lang
        name = state.asking
        if name is None:
            return await self._ask_next(dc, state)
        spec = FIELDS_BY_NAME[name]
        if is_back(message):
            return await self._go_back(dc, state)
        if is_skip(message):
            if spec.required:
                await dc.context.send_activity(text("registration.retry.required", lang))
                return await self._ask(dc, state, name)
            return await self._store(dc, state, {name: None}, name)
        if spec.kind == "organisation":
            async with self._session_factory() as session:
                context = await self._answer_context(session, dc.context, lang)
        else:
            # Only the organisation question reads the organisations: the other answers need no database.
            context = self._context_of(dc.context, lang, organisations=[])
        reading = read_answer(spec, message, self._data(state), context)
        if reading.problem and spec.kind in CHOICE_KINDS and supports_forms(dc.context.activity):
            # Nothing chosen ("text": no answer) is asked for as a choice from the list.
            problem = spec.kind if reading.problem == "text" else reading.problem
            return await self._ask(dc, state, name, text(f"registration.form.errors.{problem}", lang,
                                                         **reading.problem_values))
        if reading.problem:
            await self._send_with_buttons(
                dc.context, text(f"registration.retry.{reading.problem}", lang, **reading.problem_values),
                _buttons_for(spec.kind, spec.required, lang))
            return Dialog.end_of_turn
        return await self._store(dc, state, reading.values, name)

    async def _store(self, dc: DialogContext, state: RegistrationState, values: dict[str, Any], name: str
                     ) -> DialogTurnResult:
        lang: Language = state.lang
        data = self._data(state).model_copy(update=values)
        state.data = data.model_dump(mode="json")
        answered = [field for field in state.answered if field not in values or field == name]
        if name not in answered:
            answered.append(name)
        state.answered = answered
        if not state.return_to_review:
            state.history.append(name)
        if name == "total_budget" and data.total_budget and data.total_budget.currency == "EUR":
            await dc.context.send_activity(self._conversion_note(data, lang))
        if name in ("aligned_with_policy", "decision_anchored") and values.get(name) is False:
            await dc.context.send_activity(text("registration.not_aligned_warning", lang))
        await self._save_draft(dc.context, state)
        pending = next_field(data, set(answered))
        if state.return_to_review and pending is not None:
            # An edit that opens a new question (programme changed to "annat") asks it before the review.
            return await self._ask(dc, state, pending.name)
        return await self._ask_next(dc, state)

    async def _go_back(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        if state.return_to_review:
            return await self._show_review(dc, state)
        if not state.history:
            await dc.context.send_activity(text("registration.back_at_start", state.lang))
            return await self._ask(dc, state, state.asking)
        previous = state.history.pop()
        state.answered = [field for field in state.answered if field != previous]
        return await self._ask(dc, state, previous)

    # --- the form (Teams) ---------------------------------------------------------------------------

    async def _answer_form(self, dc: DialogContext, state: RegistrationState, value: dict[str, Any]
                           ) -> DialogTurnResult:
        lang: Language = state.lang
        async with self._session_factory() as session:
            context = await self._answer_context(session, dc.context, lang)
        data, answered, errors = self._data(state), set(state.answered), {}
        for spec in FIELDS:
            raw = value.get(spec.name)
            if raw is None or str(raw).strip() == "":
                if not spec.required or not spec.applies(data.model_copy(update={"programme": value.get("programme")})):
                    data = data.model_copy(update={spec.name: None})  # a field emptied in the form is emptied
                    answered.add(spec.name)
                else:
                    errors[spec.name] = text("registration.form.required_error", lang)
                continue
            reading = read_answer(spec, _form_text(spec.kind, raw), data, context)
            if reading.problem:
                # Said under the field, as a form says it (the chat's retry texts say what to write back).
                errors[spec.name] = text(f"registration.form.errors.{reading.problem}", lang,
                                         **reading.problem_values)
            else:
                data = data.model_copy(update=reading.values)
                answered.add(spec.name)
        state.data, state.answered = data.model_dump(mode="json"), sorted(answered)
        await self._save_draft(dc.context, state)
        if errors:
            await dc.context.send_activity(card_message(
                form_card(data, lang, programme_choices(lang), context.organisations, errors, typed=value)))
            return Dialog.end_of_turn
        if data.aligned_with_policy is False or data.decision_anchored is False:
            await dc.context.send_activity(text("registration.not_aligned_warning", lang))
        return await self._show_review(dc, state)

    async def _answer_choice(self, dc: DialogContext, state: RegistrationState, value: dict[str, Any]
                             ) -> DialogTurnResult:
        """A choice card's button: the answer to the question it asked, read as a typed one is. A card of another
        question than the one open (an older card) asks the open one again; from the review, it changes that
        answer, as its "Ändra" would have."""
        name = value.get("field")
        if not (isinstance(name, str) and name in FIELDS_BY_NAME and FIELDS_BY_NAME[name].kind in CHOICE_KINDS):
            return await self._ask_next(dc, state)
        if state.mode == REVIEW:
            state.return_to_review = True
        elif state.mode != ASKING or state.asking != name:
            return await self._ask(dc, state, state.asking) if state.asking else await self._ask_next(dc, state)
        state.mode, state.asking = ASKING, name
        return await self._answer_question(dc, state, str(value.get(name) or ""))

    # --- review, save, discard ----------------------------------------------------------------------

    async def _show_review(self, dc: DialogContext, state: RegistrationState) -> DialogTurnResult:
        lang: Language = state.lang
        state.mode, state.asking, state.return_to_review = REVIEW, None, False
        state.submission_key = state.submission_key or str(uuid.uuid4())
        data = self._data(state)
        async with self._session_factory() as session:
            organisation_name = await self._organisation_name(session, data.organisation_slug)
        await dc.context.send_activity(card_message(
            review_card(data, lang, _programme_label(data, lang), organisation_name, state.submission_key)))
        return Dialog.end_of_turn

    async def _save(self, dc: DialogContext, state: RegistrationState, submission_key: str | None
                    ) -> DialogTurnResult:
        lang: Language = state.lang
        data = self._data(state)
        missing = next_field(data, set(state.answered))
        if missing is not None or submission_key is None:
            return await self._ask(dc, state, missing.name) if missing else await self._show_review(dc, state)
        async with self._session_factory.begin() as session:
            user = await acting_user_recorded(session, dc.context)
            organisation = await get_organisation(session, data.organisation_slug)
            # A bolag owning the project: 4.1's routine is the nämnders', so no informationsärende; KS förvaltning,
            # which supports the bolag (3.2.1), is still told of it (organisation_duties `eu_routine`, Lotsen's choice).
            routine_duty = duties_of(organisation.kind).eu_routine
            routine = evaluate_eu_routine(_facts(data, company=not routine_duty.required),
                                          eur_sek_rate=self._settings.eur_sek_rate, lang=lang)
            inform_ks = bool(routine.verdict.inform_ks_administration) or (
                routine_duty.voluntary and data.malmo_role == MalmoRole.OWNER)
            draft: InformationItemDraft | None = None
            if routine.verdict.information_item_to_ks:
                # Stored with the application, whose reference is known once it is inserted.
                draft = _information_item(data, organisation.name, routine.rate_used, "[tilldelas]")
            application, created = await create_application(
                session, data=data, organisation=organisation, created_by=user, submission_key=submission_key,
                eur_sek_rate=routine.rate_used, information_item_required=bool(routine.verdict.information_item_to_ks),
                information_item_draft=draft.plain_text() if draft else None)
            reference = application_reference(application)
            # The review card pressed becomes the application as saved, by whom and when: no "Spara" left on it.
            saved_as = text("registration.saved_as", lang, reference=reference,
                            who=application.created_by.name if application.created_by else user.name,
                            when=format_moment(application.created_at, lang))
            user_id = user.id
            outcome = None
            if created:
                if application.information_item is not None and draft is not None:
                    draft = _information_item(data, organisation.name, routine.rate_used, reference)
                    application.information_item.draft_text = draft.plain_text()
                await delete_draft(session, user)
                await self._plan_reminders(session, application, data, user, reference, organisation.name)
                if inform_ks:
                    # In the application's own transaction: saved and KS förvaltning's notice, or neither.
                    card = ks_summary_card(data, reference, organisation.name, _programme_label(data, "sv"),
                                           routine, user.name)
                    outcome = await inform_ks_about_application(dc.context, session, self._settings, application,
                                                                card, lang)
        defaults = await self._remembered.get(dc.context, dict)
        defaults["organisation_slug"] = data.organisation_slug
        await self._remembered.set(dc.context, defaults)
        await replace_pressed_card(dc.context, review_card(data, lang, _programme_label(data, lang), organisation.name,
                                                           submission_key, saved=saved_as))
        if not created:  # the same review submitted twice: the first one saved it
            await dc.context.send_activity(text("registration.already_saved", lang, reference=reference))
            return await self._end(dc, state, {"application_id": application.id, "reference": reference})
        await dc.context.send_activity(card_message(saved_card(reference, routine, outcome, lang)))
        if draft is not None:
            # The draft as a Word document behind a signed link, and what it says in short.
            now = self._clock()
            link = information_item_link_for(self._settings, application.id, user_id, now)
            await dc.context.send_activity(card_message(information_item_card(
                draft, reference=reference, programme=_programme_label(data, lang),
                total_budget=money_label(data.total_budget, routine.rate_used, lang), link=link,
                valid_until=now + DEFAULT_VALID_FOR, lang=lang)))
        return await self._end(dc, state, {"application_id": application.id, "reference": reference})

    async def _plan_reminders(self, session: AsyncSession, application: Application, data: ApplicationData,
                              user: User, reference: str, organisation_name: str) -> None:
        """Reminders before the call deadline and, when one is due, until the informationsärende is sent."""
        contact = (await get_user_by_teams_id(session, data.contact_teams_user_id)
                   if data.contact_teams_user_id else None)
        item = application.information_item
        await schedule_many(session, plan_for_application(
            application.id, data, registered_by_user_id=user.id, contact_user_id=contact.id if contact else None,
            reference=reference, organisation_name=organisation_name,
            information_item_required=item is not None, information_item_id=item.id if item else None,
            now=self._clock(), hour=self._settings.reminder_hour))

    async def _answer_discard(self, dc: DialogContext, state: RegistrationState, message: str) -> DialogTurnResult:
        lang: Language = state.lang
        answer = parse_yes_no(message)
        if answer is None:
            return await self._yes_or_no(dc.context, text("registration.retry.yes_no", lang), lang)
        if answer:
            async with self._session_factory.begin() as session:
                await delete_draft(session, await acting_user_recorded(session, dc.context))
            await dc.context.send_activity(text("registration.discarded", lang))
            return await self._end(dc, state, None)
        state.mode = state.previous_mode or ASKING
        await dc.context.send_activity(text("registration.kept", lang))
        if state.mode == REVIEW:
            return await self._show_review(dc, state)
        if state.mode == FORM:
            state.mode = ASKING
        return await self._ask(dc, state, state.asking) if state.asking else await self._ask_next(dc, state)

    async def _offer_resume(self, dc: DialogContext, state: RegistrationState, project: str | None,
                            changed_at: datetime) -> DialogTurnResult:
        lang: Language = state.lang
        state.mode = RESUME_OFFER
        when = format_date(changed_at.astimezone(MALMO_TIME).date(), lang)
        offer = text("registration.resume_offer", lang, project=project or text("registration.resume_unnamed", lang),
                     when=when)
        return await self._yes_or_no(dc.context, offer, lang)

    async def _answer_resume_offer(self, dc: DialogContext, state: RegistrationState, message: str
                                   ) -> DialogTurnResult:
        lang: Language = state.lang
        answer = parse_yes_no(message)
        if answer is None:
            return await self._yes_or_no(dc.context, text("registration.retry.yes_no", lang), lang)
        async with self._session_factory.begin() as session:
            user = await acting_user_recorded(session, dc.context)
            draft = await get_draft(session, user)
            if answer and draft is not None:
                state.data = draft_data(draft).model_dump(mode="json")
                state.answered = draft.progress.get("answered", [])
                state.history = draft.progress.get("history", [])
            else:
                await delete_draft(session, user)
                await self._fresh(session, dc.context, state, user)
        if answer:
            await dc.context.send_activity(text("registration.resumed", lang))
            state.mode = ASKING
            return await self._ask_next(dc, state)
        await dc.context.send_activity(text("registration.fresh_start", lang))
        return await self._start(dc, state)

    # --- helpers ------------------------------------------------------------------------------------

    @staticmethod
    def _data(state: RegistrationState) -> ApplicationData:
        return state.application_data()

    async def _fresh(self, session: AsyncSession, context: TurnContext, state: RegistrationState, user: User) -> None:
        """A new registration: nothing answered, but the owner taken from the user's organisation, or else from
        what they registered for last time (asked once, remembered; shown in the review, where it can change)."""
        state.data, state.answered, state.history = {}, [], []
        state.asking, state.return_to_review, state.submission_key = None, False, None
        slug = (await self._remembered.get(context, dict)).get("organisation_slug")
        if user.organisation_id is not None:
            slug = (await session.get_one(Organisation, user.organisation_id)).slug
        if slug and await get_organisation(session, slug) is not None:
            state.data = {"organisation_slug": slug}
            state.answered = ["organisation_slug"]

    async def _save_draft(self, context: TurnContext, state: RegistrationState) -> None:
        async with self._session_factory.begin() as session:
            user = await acting_user_recorded(session, context)
            await save_draft(session, user, self._data(state),
                             {"answered": list(state.answered), "history": list(state.history)})

    async def _answer_context(self, session: AsyncSession, context: TurnContext, lang: Language) -> AnswerContext:
        return self._context_of(context, lang, organisations=await self._organisation_choices(session, context))

    @staticmethod
    def _context_of(context: TurnContext, lang: Language, *, organisations: list[Choice]) -> AnswerContext:
        sender = context.activity.from_property
        return AnswerContext(today=datetime.now(MALMO_TIME).date(), user_name=sender.name or "",
                             user_teams_id=sender.id, organisations=organisations, lang=lang,
                             own_organisation=organisations[0] if len(organisations) == 1 else None)

    @staticmethod
    async def _organisation_choices(session: AsyncSession, context: TurnContext) -> list[Choice]:
        """The organisations the user may register for: their own once an administrator has placed them in one
        (they see only their own organisation's applications), else every one (KS coordinators, admins, and
        officials not placed yet)."""
        user = await acting_user(session, context)
        if user is not None and user.organisation_id is not None and not can_see_all_organisations(user):
            own = await session.get_one(Organisation, user.organisation_id)
            return [Choice(own.slug, own.name)]
        return [Choice(organisation.slug, organisation.name) for organisation in await list_organisations(session)]

    @staticmethod
    async def _organisation_name(session: AsyncSession, slug: str | None) -> str:
        organisation = await get_organisation(session, slug) if slug else None
        return organisation.name if organisation else text("registration.not_given", "sv")

    def _conversion_note(self, data: ApplicationData, lang: Language) -> str:
        routine = evaluate_eu_routine(_facts(data), eur_sek_rate=self._settings.eur_sek_rate, lang=lang)
        sek = format_money(Money.of(routine.budget_sek, "SEK"), lang)
        return text("registration.converted", lang, eur=format_money(data.total_budget, lang), sek=sek,
                    rate=format_number(routine.rate_used, lang, 2))

    async def _yes_or_no(self, context: TurnContext, question: str, lang: Language) -> DialogTurnResult:
        await self._send_with_buttons(context, question, lookup("registration.yes_no_buttons", lang))
        return Dialog.end_of_turn

    @staticmethod
    async def _send_with_buttons(context: TurnContext, message: str, buttons: list[str]) -> None:
        activity = MessageFactory.text(message)
        if buttons:
            activity.suggested_actions = SuggestedActions(
                actions=[CardAction(type=ActionTypes.im_back, title=label, value=label) for label in buttons])
        await context.send_activity(activity)


def _numbered(choices: list[Choice]) -> str:
    return "\n".join(f"{number}. {choice.name}" for number, choice in enumerate(choices, start=1))


def _buttons_for(kind: str, required: bool, lang: Language) -> list[str]:
    buttons: list[str] = []
    if kind == "role":
        buttons = list(lookup("registration.role_buttons", lang))
    elif kind == "yes_no":
        buttons = list(lookup("registration.yes_no_buttons", lang))
    elif kind == "contact":
        buttons = [text("registration.me_button", lang)]
    if not required:
        buttons.append(text("registration.skip_button", lang))
    return buttons


def _form_text(kind: str, raw: Any) -> str:
    """Form inputs arrive as strings in the card's own formats (toggles "true"/"false", dates ISO)."""
    if kind == "yes_no":
        return {"true": "ja", "false": "nej"}.get(str(raw).lower(), str(raw))
    if kind == "role":
        return {"owner": "projektägare", "partner": "partner"}.get(str(raw), str(raw))
    return str(raw)


def _programme_label(data: ApplicationData, lang: Language) -> str:
    if not data.programme:
        return text("registration.not_given", lang)
    if data.programme == "other":
        return data.programme_other or text("registration.other_programme", lang)
    return programme_name(data.programme, lang)


def _information_item(data: ApplicationData, organisation_name: str, rate_used: float | None,
                      reference: str) -> InformationItemDraft:
    """The informationsärende draft (Swedish, as kommunstyrelsen's ärenden are) of the application being saved."""
    return build_information_item(
        data, organisation_name=organisation_name, programme_name=_programme_label(data, "sv"), reference=reference,
        rate_used=rate_used, registered_on=datetime.now(MALMO_TIME).date())


def _facts(data: ApplicationData, *, company: bool = False) -> ProjectFacts:
    """The facts the routine is evaluated on; `company`: the owning organisation is a bolag, not a nämnd."""
    owner = None if data.malmo_role is None else data.malmo_role == MalmoRole.OWNER
    return ProjectFacts(
        malmo_is_project_owner=False if company and owner else owner,
        owner_is_company=bool(company and owner),
        eu_funding=True,
        total_budget=data.total_budget.amount if data.total_budget else None,
        currency=data.total_budget.currency if data.total_budget else None,
        programme=data.programme,
        submission_date=data.planned_submission_date,
    )
