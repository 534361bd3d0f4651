"""Contact persons in chat: a nämnd's contact person for international questions (policy 3.3), a helägt bolag's
representative (3.4).

- "kontaktperson Miljönämnden: Anna Andersson", "kontaktperson för Miljönämnden: …", "representant Malmö
  Stadsteater AB: Bo Berg" set the registry; "kontaktperson: Anna Andersson" (the writer's own organisation)
  too, but asks first ("Ska jag registrera … i stället för Bo Berg?") when someone else is registered, and
  acts on the answer in the next turn (`ContactReplacementDialog`);
- only a value that may be a person's name sets anything: "kontaktperson: vad innebär det" is a question for
  the policy answers (`looks_like_a_name`);
- "vem är kontaktperson för Miljönämnden?", "vem är vår kontaktperson?", "who is the contact person for …"
  look it up (anyone may: the registry is no secret inside the city); "…för MKB?" finds the one organisation
  whose name starts so (`organisations_starting_with`);
- "kontaktpersoner" lists every active organisation for KS coordinators and admins, the own one for others:
  the nämnder without a contact person (3.3) as missing, and apart from them, as no gap, the bolag that have
  not appointed a representative (which 3.4 leaves to them).

When Lotsen can read the city's directory (Microsoft Graph configured: `directory.people`), the person is chosen
there, so that reminders reach them by their Entra object id whatever their name in Lotsen: "kontaktperson
Miljönämnden: Anna" searches the directory and shows what it found to confirm or choose between, or the people
picker when it found nobody or no name was typed (dialogs/people/contact_cards.py); each card also offers the
name alone, as before. A card's button is acted on here too (`CHOOSE_ACTION`, `NAME_ONLY_ACTION`). Without the
directory (or while it does not answer), everything is by name as before.

Who may set what is decided by `storage.contact_persons`. The reading helpers at the top are shared with the
admin and history commands: the words come from the catalogs (both languages, whatever the locale), compared
word by word after `plain`, so that what is echoed back (an organisation's name) is what the user typed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from botbuilder.dialogs import (
    ComponentDialog,
    Dialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.input_parsing import command_words, parse_yes_no, plain, plain_word
from dialogs.common.turn import Turn
from dialogs.common.chat_commands import PASSED_ON
from dialogs.people.contact_cards import (
    CHOOSE_ACTION,
    NAME_ONLY_ACTION,
    PERSON_KEY,
    PICKER_INPUT,
    chosen_card,
    found_card,
    picker_card,
)
from dialogs.people.people_cards import OverviewEntry, contacts_overview_card, local_date_label
from dialogs.common.turn_user import acting_user
from dialogs.common.cards import Card
from dialogs.common.replies import card_message, replace_pressed_card
from directory.people import DirectoryPerson, DirectoryUnavailable, PeopleDirectory, is_object_id
from storage.access import AccessDenied, can_see_all_organisations
from storage.contact_persons import (
    NAME_MAX_LENGTH,
    can_set_contact_person,
    contact_persons_by_organisation,
    get_contact_person,
    organisations_without_contact_person,
    organisations_without_representative,
    set_contact_person,
)
from storage.models import ContactPerson, Organisation, Role, User
from storage.organisations import (
    also_called_slugs,
    find_organisation,
    list_organisations,
    load_organisation_entries,
    normalise,
    slugify,
)
from storage.users import list_users
from texts import Language, language_of, text

logger = logging.getLogger("lotsen.contacts")

# --- reading what was typed (shared with dialogs/people/admin_commands.py and dialogs/people/history_commands.py) ---------


def phrases(key: str) -> list[tuple[str, ...]]:
    """A word list of both catalogs, each phrase folded by `plain` and split into words, longest first."""
    return [tuple(phrase.split()) for phrase in command_words(key) if phrase]


def match_phrase(words: Sequence[str], start: int, options: Sequence[tuple[str, ...]]) -> int:
    """How many of `words` (folded), from `start`, make up the longest of `options`; 0 when none does."""
    for phrase in options:
        if tuple(words[start:start + len(phrase)]) == phrase:
            return len(phrase)
    return 0


@dataclass(frozen=True)
class Words:
    """A message's words as typed and as folded by `plain`, side by side (words that fold to nothing dropped)."""

    typed: tuple[str, ...]
    folded: tuple[str, ...]

    @classmethod
    def of(cls, message: str) -> Words:
        pairs = [(word, plain_word(word)) for word in message.split()]
        kept = [(word, folded) for word, folded in pairs if folded]
        return cls(tuple(word for word, _ in kept), tuple(folded for _, folded in kept))

    def typed_from(self, start: int) -> str:
        """The words from `start` as typed, without the punctuation around them ("Miljönämnden?" → "Miljönämnden")."""
        return plain_edges(" ".join(self.typed[start:]))


_EDGE_PUNCTUATION = " .!?,;:\"'»«”“()"


def plain_edges(value: str) -> str:
    """`value` with single spaces and without punctuation around it ("Miljönämnden?" → "Miljönämnden"), case kept."""
    return " ".join(value.split()).strip(_EDGE_PUNCTUATION)


def split_at_colon(message: str) -> tuple[str, str] | None:
    """(before, after) the colon that separates a command from its value, or None when there is none.

    The last ": " (colon and space) separates, so that a Teams id ("29:1a2b…") may stand before it; without a
    spaced colon the last colon does ("kontaktperson Miljönämnden:Anna").
    """
    index = message.rfind(": ")
    if index < 0:
        index = message.rfind(":")
    if index < 0:
        return None
    return message[:index], message[index + 1:].strip()


def is_question(value: str) -> bool:
    """A value that ends in a question mark is a question about the command's words, not a use of it."""
    return value.rstrip().endswith("?")


@cache
def word_set(key: str) -> frozenset[str]:
    """The one-word entries of a word list of both catalogs, folded by `plain`."""
    return frozenset(phrase[0] for phrase in phrases(key) if len(phrase) == 1)


def starts_with_question_word(value: str) -> bool:
    """Whether `value` begins like a question ("vad innebär det", "who appoints them"): then the words before
    the colon were the subject of a question, not a command."""
    folded = plain(value).split()
    return bool(folded) and folded[0] in word_set("contacts.words.question_words")


NAME_MAX_WORDS = 6
_NAME_MARKS = frozenset("-'’.")


def looks_like_a_name(value: str) -> bool:
    """Whether `value` may be a person's name: one to six words of letters (hyphens, apostrophes and the dot of
    an initial allowed), none of them a function word ("vi", "inte", "det", "the", "not"…), and not beginning
    with a question word unless every word is capitalised as a name is ("May Andersson", "Vera Vem")."""
    typed = value.split()
    if not 1 <= len(typed) <= NAME_MAX_WORDS:
        return False
    for word in typed:
        if not any(char.isalpha() for char in word) or not all(char.isalpha() or char in _NAME_MARKS
                                                               for char in word):
            return False
    folded = [plain(word) for word in typed]
    if any(word in word_set("contacts.words.not_in_names") for word in folded):
        return False
    capitalised = len(typed) > 1 and all(word[0].isupper() for word in typed)
    return capitalised or not starts_with_question_word(value)


# --- the requests -----------------------------------------------------------------------------------------

Action = Literal["set", "show", "overview", "choose", "name_only"]


@dataclass(frozen=True)
class ContactRequest:
    action: Action
    organisation: str | None = None  # as typed; None: the writer's own organisation
    name: str = ""  # set: the name given; choose: the name the card showed; name_only: the name typed
    problem: str | None = None  # a catalog key: the command was understood but something is missing
    organisation_id: int | None = None  # choose, name_only: the organisation the card was for
    person: str = ""  # choose: the Entra object id chosen (empty when the picker was left empty)


def _recognise_press(value: object) -> ContactRequest | None:
    """A button of a card of dialogs/people/contact_cards.py."""
    if not isinstance(value, dict) or value.get("action") not in (CHOOSE_ACTION, NAME_ONLY_ACTION):
        return None
    organisation_id = value.get("organisation_id")
    if not isinstance(organisation_id, int) or isinstance(organisation_id, bool):
        return None
    name = value.get("name")
    name = plain_edges(name) if isinstance(name, str) else ""
    if value["action"] == NAME_ONLY_ACTION:
        return ContactRequest("name_only", name=name, organisation_id=organisation_id) if name else None
    person = value.get(PERSON_KEY) or value.get(PICKER_INPUT)
    return ContactRequest("choose", name=name, organisation_id=organisation_id,
                          person=person.strip() if isinstance(person, str) else "")


def _after_noun(words: Words, start: int) -> tuple[int, bool] | None:
    """Where the organisation begins after "kontaktperson [för]", and whether "för" was there; None: no noun."""
    taken = match_phrase(words.folded, start, phrases("contacts.words.nouns"))
    if not taken:
        return None
    position = start + taken
    of = match_phrase(words.folded, position, phrases("contacts.words.of"))
    return position + of, bool(of)


def _organisation_named(words: Words, start: int) -> str | None:
    """The organisation the words from `start` name: None for none or the writer's own ("vår nämnd")."""
    if start >= len(words.folded):
        return None
    if match_phrase(words.folded, start, phrases("contacts.words.own")) == len(words.folded) - start:
        return None
    return words.typed_from(start) or None


def _recognise_set(message: str) -> ContactRequest | None:
    split = split_at_colon(message)
    if split is None:
        return None
    head, name = split
    if is_question(name):
        return None
    words = Words.of(head)
    start = match_phrase(words.folded, 0, phrases("contacts.words.set_verbs"))
    found = _after_noun(words, start)
    if found is None:
        return None
    cleaned = plain_edges(name)  # quotes or a full stop around the name are not part of it
    if cleaned and not looks_like_a_name(cleaned):
        return None  # "kontaktperson: vad innebär det", "kontaktperson: vi har ingen": for the policy answers
    position, had_of = found
    organisation = _organisation_named(words, position)
    if had_of and position >= len(words.folded):
        return ContactRequest("set", problem="contacts.missing_organisation")
    if not cleaned:
        return ContactRequest("set", organisation, problem="contacts.missing_name")
    return ContactRequest("set", organisation, name=cleaned)


def _recognise_show(words: Words) -> ContactRequest | None:
    position = match_phrase(words.folded, 0, phrases("contacts.words.ask"))
    if not position:
        return None
    position += match_phrase(words.folded, position, phrases("contacts.words.determiners"))
    position += match_phrase(words.folded, position, phrases("contacts.words.own"))
    found = _after_noun(words, position)
    if found is None:
        return None
    position, had_of = found
    if position < len(words.folded) and not had_of:
        return None  # "vem är kontaktperson och vad gör den?": a question about the role, not a look-up
    if had_of and position >= len(words.folded):
        return None
    organisation = _organisation_named(words, position)
    if organisation is not None and not _names_an_organisation(organisation):
        return None  # "vem är kontaktperson för EU-nätverket?": for the policy answers
    return ContactRequest("show", organisation)


# The endings of the city's organisations' names: a look-up naming one of these is meant as an organisation,
# even when misspelt, and is answered "no such organisation" with an example rather than as a policy question.
_ORGANISATION_ENDINGS = ("namnden", "namnd", "styrelsen", "kollegiet")
_ORGANISATION_LAST_WORDS = frozenset({"ab", "bolag", "bolaget"})


@lru_cache(maxsize=1)
def _known_organisation_names() -> frozenset[str]:
    entries = load_organisation_entries()
    return frozenset({normalise(entry.name) for entry in entries} | {entry.slug for entry in entries}
                     | also_called_slugs().keys())


def looks_like_organisation(name: str) -> bool:
    """Whether `name` is one of the city's nämnder and bolag (storage/data/organisations.yaml), or is shaped
    like one ("Miljönämnd", "Malmö Teater AB")."""
    if normalise(name) in _known_organisation_names() or slugify(name) in _known_organisation_names():
        return True
    folded = plain(name).split()
    return bool(folded) and (folded[-1].endswith(_ORGANISATION_ENDINGS) or folded[-1] in _ORGANISATION_LAST_WORDS)


PREFIX_MIN_LENGTH = 3


def organisations_starting_with(typed: str, names: Iterable[str]) -> list[str]:
    """The `names` that begin with what was typed, ignoring case and diacritics: one word may be the start of
    the name's first word ("MKB" → "MKB Fastighets AB", "Miljö" → "Miljönämnden"; at least three letters);
    several words must be the name's first words whole ("Malmö Stadsteater", but not "Malmö stad")."""
    wanted = normalise(plain_edges(typed)).split()
    if not wanted or (len(wanted) == 1 and len(wanted[0]) < PREFIX_MIN_LENGTH):
        return []
    found = []
    for name in names:
        words = normalise(name).split()
        if (words[0].startswith(wanted[0]) if len(wanted) == 1 else words[:len(wanted)] == wanted):
            found.append(name)
    return found


@lru_cache(maxsize=1)
def _known_organisation_full_names() -> tuple[str, ...]:
    return tuple(entry.name for entry in load_organisation_entries())


def _is_acronym(name: str) -> bool:
    """"MKB", "VASYD": an organisation's short name, not a word of a question (two letters, as "EU", are not)."""
    return 3 <= len(name) <= 6 and name.isalpha() and name.isupper()


def _names_an_organisation(name: str) -> bool:
    """Whether a look-up's "för …" is meant as one of the city's organisations: it is one, is shaped like one, is
    the start of one's name, or is an acronym. Anything else ("EU-nätverket") is a question for the policy."""
    return (looks_like_organisation(name) or _is_acronym(name)
            or bool(organisations_starting_with(name, _known_organisation_full_names())))


class ContactCommands:
    """Sets and looks up contact persons and representatives; see the module's doc."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession],
                 directory: PeopleDirectory | None = None) -> None:
        self._session_factory = session_factory
        self._directory = directory  # None: Graph is not configured, contact persons are names

    @staticmethod
    def replacement_dialog(session_factory: async_sessionmaker[AsyncSession]) -> ContactReplacementDialog:
        """The dialog `handle` begins to ask before replacing a registered contact person: add it to the bot's
        DialogSet."""
        return ContactReplacementDialog(session_factory)

    def recognise(self, message: str, value: object, lang: Language) -> ContactRequest | None:
        if (pressed := _recognise_press(value)) is not None:
            return pressed
        message = " ".join((message or "").split())
        if not message:
            return None
        if tuple(plain(message).split()) in phrases("contacts.words.overview"):
            return ContactRequest("overview")
        return _recognise_set(message) or _recognise_show(Words.of(message))

    async def handle(self, turn: Turn, request: object) -> None:
        lang = turn.lang
        # Contact persons are no secret inside the city: they are looked up and set in channels too.
        assert isinstance(request, ContactRequest)
        if request.action in ("choose", "name_only"):
            await self._answer_press(turn, request)
            return
        turn_context = turn.context
        replacement: dict[str, Any] | None = None
        notes: list[str] = []
        # "kontaktperson Miljönämnden:" without a name: with the directory, the people picker asks whom.
        pick = self._directory is not None and request.problem == "contacts.missing_name"
        async with self._session_factory.begin() as session:
            user = await acting_user(session, turn_context)
            if request.action == "overview":
                reply = await self._overview(session, user, lang)
            elif request.problem is not None and not pick:
                reply = text(request.problem, lang)
            else:
                organisation = await self._organisation(session, request, user, lang)
                if isinstance(organisation, str):
                    reply = organisation
                elif request.action == "show":
                    reply = await describe_contact(session, organisation, lang)
                elif (refusal := await _refusal(session, organisation, request.name, user, lang)) is not None:
                    reply = refusal
                elif self._directory is not None and (
                        found := await self._search(session, organisation, request.name, lang)) is not None:
                    reply = found
                else:
                    if self._directory is not None:  # it did not answer: the name as typed, as without it
                        notes.append(text("contacts.directory.search_unavailable", lang))
                    reply, replacement = await _set_by_name(session, organisation, request, user, lang)
        for note in notes:
            await turn_context.send_activity(note)
        if replacement is not None and not turn.in_group:
            await turn.dialogs.begin_dialog(ContactReplacementDialog.__name__, replacement)
        elif isinstance(reply, str):
            await turn_context.send_activity(reply)
        else:
            await turn_context.send_activity(card_message(reply))

    async def _search(self, session: AsyncSession, organisation: Organisation, name: str,
                      lang: Language) -> Card | None:
        """The card choosing the person in the directory: what `name` found, or the people picker when it found
        nobody or there is no name. None when the directory does not answer: then the name is taken as it is."""
        assert self._directory is not None
        registered = await get_contact_person(session, organisation.id)
        current = registered.name if registered is not None else None
        if not name:
            return picker_card(organisation, lang, current=current)
        try:
            people = await self._directory.search(name)
        except DirectoryUnavailable as error:
            logger.warning("the directory could not be searched for a contact person: %s", error)
            return None
        if not people:
            return picker_card(organisation, lang, typed=name, current=current)
        return found_card(organisation, name, people, lang, current=current)

    async def _answer_press(self, turn: Turn, request: ContactRequest) -> None:
        """A button of a contact card: the person chosen in the directory, or the name alone, registered for the
        card's organisation, as the one who pressed it may (checked now: anyone in a channel may press it)."""
        lang = turn.lang
        chosen: str | None = None  # the name registered, for the pressed card
        async with self._session_factory.begin() as session:
            user = await acting_user(session, turn.context)
            organisation = await session.get(Organisation, request.organisation_id)
            if organisation is None:
                reply = text("contacts.unknown_organisation", lang, name=str(request.organisation_id))
            elif (refusal := await _refusal(session, organisation, request.name, user, lang)) is not None:
                reply = refusal
            elif request.action == "name_only":
                reply = await _apply(session, organisation, request.name, user, lang)
                chosen = request.name
            else:
                person = await self._person(request, organisation, lang)
                if isinstance(person, str):
                    reply = person
                else:
                    reply = await _apply(session, organisation, person.name, user, lang, person.object_id)
                    chosen = person.name
        if chosen is not None and organisation is not None:
            await replace_pressed_card(turn.context, chosen_card(organisation, chosen, lang))
        await turn.context.send_activity(reply)

    async def _person(self, request: ContactRequest, organisation: Organisation,
                      lang: Language) -> DirectoryPerson | str:
        """Who was chosen: their name as the directory has it, or the reply saying why there is nobody. Without
        the directory, or while it does not answer, the name the card showed (if it showed one) is taken."""
        if not is_object_id(request.person):
            return text("contacts.directory.nobody_chosen", lang)
        shown = DirectoryPerson(request.person.lower(), request.name[:NAME_MAX_LENGTH]) if request.name else None
        if self._directory is None:
            return shown or text("contacts.directory.graph_needed", lang, organisation=organisation.name,
                                 role=text(f"contacts.role_word.{organisation.kind.value}", lang))
        try:
            person = await self._directory.person(request.person)
        except DirectoryUnavailable as error:
            logger.warning("the directory could not be read for a chosen contact person: %s", error)
            return shown or text("contacts.directory.unavailable", lang)
        if person is None:
            return text("contacts.directory.not_found", lang)
        return DirectoryPerson(person.object_id, person.name[:NAME_MAX_LENGTH], person.mail, person.department)

    @staticmethod
    async def _organisation(session: AsyncSession, request: ContactRequest, user: User | None,
                            lang: Language) -> Organisation | str:
        """The organisation the request is about, or the reply saying why there is none."""
        if request.organisation is None:
            if user is None or user.organisation_id is None:
                return text("contacts.no_own_organisation", lang)
            organisation = await session.get(Organisation, user.organisation_id)
            assert organisation is not None  # the foreign key keeps it
            return organisation
        organisation = await find_organisation(session, request.organisation)
        if organisation is not None:
            return organisation
        if request.action == "show":
            # A look-up may shorten the name ("MKB", "Miljö"); setting names it whole, as it changes the registry.
            active = {found.name: found for found in await list_organisations(session)}
            candidates = organisations_starting_with(request.organisation, active)
            if len(candidates) == 1:
                return active[candidates[0]]
            if candidates:
                return text("contacts.several_organisations", lang, name=request.organisation,
                            names=", ".join(candidates), example=candidates[0])
        return text("contacts.unknown_organisation", lang, name=request.organisation)

    @staticmethod
    async def _overview(session: AsyncSession, user: User | None, lang: Language) -> str | Card:
        """Every active organisation for KS coordinators and admins; the writer's own for anyone else."""
        if user is None or not can_see_all_organisations(user):
            if user is None or user.organisation_id is None:
                return text("contacts.no_own_organisation", lang)
            organisation = await session.get(Organisation, user.organisation_id)
            assert organisation is not None
            return await describe_contact(session, organisation, lang)
        registry = await contact_persons_by_organisation(session)
        by_role = await _role_contacts(session)
        missing = await organisations_without_contact_person(session)
        optional = await organisations_without_representative(session)
        without_ids = {organisation.id for organisation in [*missing, *optional]}
        present = [
            _overview_entry(organisation, registry.get(organisation.id), by_role.get(organisation.id, []), lang)
            for organisation in await list_organisations(session)
            if organisation.id not in without_ids
        ]
        return contacts_overview_card(missing, present, lang, optional)


def _overview_entry(organisation: Organisation, contact: ContactPerson | None, role_names: list[str],
                    lang: Language) -> OverviewEntry:
    if contact is not None:
        return OverviewEntry(text("contacts.overview.entry", lang, organisation=organisation.name, name=contact.name,
                                  date=local_date_label(contact.updated_at, lang)))
    return OverviewEntry(text("contacts.overview.entry_by_role", lang, organisation=organisation.name,
                              names=", ".join(role_names)))


async def _role_contacts(session: AsyncSession) -> dict[int, list[str]]:
    """Names of the users with role contact_person, by organisation: they count as contact persons too."""
    found: dict[int, list[str]] = {}
    for user in await list_users(session):
        if user.role == Role.CONTACT_PERSON and user.organisation_id is not None:
            found.setdefault(user.organisation_id, []).append(user.name)
    return found


async def describe_contact(session: AsyncSession, organisation: Organisation, lang: Language) -> str:
    """Who the organisation's contact person (3.3) or representative (3.4) is, and since when; or that none is."""
    kind = organisation.kind.value
    contact = await get_contact_person(session, organisation.id)
    if contact is not None:
        return text(f"contacts.show.{kind}", lang, organisation=organisation.name, name=contact.name,
                    date=local_date_label(contact.updated_at, lang))
    role_names = (await _role_contacts(session)).get(organisation.id)
    if role_names:
        return text(f"contacts.show_by_role.{kind}", lang, organisation=organisation.name, names=", ".join(role_names))
    return text(f"contacts.none.{kind}", lang, organisation=organisation.name)


async def _refusal(session: AsyncSession, organisation: Organisation, name: str, user: User | None,
                   lang: Language) -> str | None:
    """Why `user` may not name `name` as the organisation's contact person, or None when they may."""
    if not organisation.active:
        return text("contacts.inactive", lang, organisation=organisation.name,
                    role=text(f"contacts.role_word.{organisation.kind.value}", lang))
    if user is None or not can_set_contact_person(user, organisation.id):
        return await _not_allowed(session, organisation, user, lang)
    if len(name) > NAME_MAX_LENGTH:
        return text("contacts.bad_name", lang, length=NAME_MAX_LENGTH)
    return None


async def _other_contact(session: AsyncSession, organisation: Organisation, name: str) -> str | None:
    """The registered contact person's name when it is someone other than `name` (case and accents aside)."""
    registered = await get_contact_person(session, organisation.id)
    if registered is None or plain(registered.name) == plain(name):
        return None
    return registered.name


async def _apply(session: AsyncSession, organisation: Organisation, name: str, user: User | None,
                 lang: Language, aad_object_id: str | None = None) -> str:
    """Names `name` the organisation's contact person as `user` (the person with `aad_object_id` in the
    directory, when chosen there), and says what changed and whom reminders reach."""
    if (refusal := await _refusal(session, organisation, name, user, lang)) is not None:
        return refusal
    assert user is not None  # `_refusal` refuses nobody
    before = await get_contact_person(session, organisation.id)
    before_name = before.name if before is not None else None
    before_state = (before.name, before.user_id, before.aad_object_id) if before is not None else None
    try:
        contact = await set_contact_person(session, organisation, name, user, aad_object_id)
    except AccessDenied:
        return await _not_allowed(session, organisation, user, lang)
    except ValueError:
        return text("contacts.bad_name", lang, length=NAME_MAX_LENGTH)
    kind = organisation.kind.value
    values = {"organisation": organisation.name, "name": contact.name}
    if before_state == (contact.name, contact.user_id, contact.aad_object_id):
        parts = [text(f"contacts.unchanged.{kind}", lang, **values)]
    else:
        parts = [text(f"contacts.set.{kind}", lang, **values)]
        if before_name is not None and before_name != contact.name:
            parts.append(text("contacts.previous", lang, name=before_name))
    if contact.aad_object_id is not None:
        parts.append(text("contacts.directory.reached" if contact.reached_users else "contacts.directory.not_yet",
                          lang, **values))
    else:
        parts.append(text(f"contacts.linked.{kind}" if contact.user_id is not None else "contacts.not_linked",
                          lang, **values))
    return " ".join(parts)


async def _set_by_name(session: AsyncSession, organisation: Organisation, request: ContactRequest,
                       user: User | None, lang: Language) -> tuple[str, dict[str, Any] | None]:
    """The typed name registered, or (with the options of `ContactReplacementDialog`) the question first."""
    if not request.name:
        return text("contacts.missing_name", lang), None
    if request.organisation is None and (previous := await _other_contact(session, organisation,
                                                                          request.name)) is not None:
        # "kontaktperson: NAME" names no organisation: ask before replacing someone already registered.
        # In a channel the next message may be anyone's, so there the answer says how to replace
        # explicitly ("kontaktperson Fritidsnämnden: NAME") instead of asking.
        replacement = {"organisation_id": organisation.id, "organisation": organisation.name,
                       "kind": organisation.kind.value, "name": request.name, "previous": previous}
        return _replacement_text("in_group", replacement, lang), replacement
    return await _apply(session, organisation, request.name, user, lang), None


def _replacement_text(key: str, replacement: dict[str, Any], lang: Language) -> str:
    """A text of the replacement question; `replacement` is `ContactReplacementDialog`'s options."""
    return text(f"contacts.replace.{key}", lang, name=replacement["name"], previous=replacement["previous"],
                organisation=replacement["organisation"], role=text(f"contacts.role_word.{replacement['kind']}", lang))


class ContactReplacementDialog(ComponentDialog):
    """"Ska jag registrera ”Anna Andersson” … i stället för Bo Berg? Svara ja eller nej.": asked by
    `ContactCommands.handle` when "kontaktperson: NAME" would replace someone, answered in the next turn.

    Options: organisation_id, organisation (its name), kind, name, previous. "ja" sets the name (permissions
    checked again, as a turn later the writer's rights may have changed), "nej" keeps the registry; anything else
    keeps it too, says so, and is handed back to the bot as a new message (dialogs.common.chat_commands' PASSED_ON, which
    LotsenBot routes afresh).
    """

    STEPS = "contact_replacement_steps"

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(ContactReplacementDialog.__name__)
        self._session_factory = session_factory
        self.add_dialog(WaterfallDialog(self.STEPS, [self._ask, self._answer]))
        self.initial_dialog_id = self.STEPS

    async def _ask(self, step: WaterfallStepContext) -> DialogTurnResult:
        await step.context.send_activity(
            _replacement_text("question", step.options, language_of(step.context.activity.locale)))
        return Dialog.end_of_turn

    async def _answer(self, step: WaterfallStepContext) -> DialogTurnResult:
        lang = language_of(step.context.activity.locale)
        answer = parse_yes_no(step.context.activity.text or "")
        if answer is True:
            async with self._session_factory.begin() as session:
                organisation = await session.get(Organisation, step.options["organisation_id"])
                user = await acting_user(session, step.context)
                reply = (await _apply(session, organisation, step.options["name"], user, lang)
                         if organisation is not None else text("contacts.no_own_organisation", lang))
        else:
            reply = _replacement_text("kept" if answer is False else "not_answered", step.options, lang)
        await step.context.send_activity(reply)
        return await step.end_dialog({PASSED_ON: True} if answer is None else None)


async def _not_allowed(session: AsyncSession, organisation: Organisation, user: User | None, lang: Language) -> str:
    own = await session.get(Organisation, user.organisation_id) if user and user.organisation_id else None
    role = text(f"contacts.role_word.{organisation.kind.value}", lang)
    if own is None:
        return text("contacts.not_allowed_no_organisation", lang, organisation=organisation.name, role=role)
    return text("contacts.not_allowed", lang, organisation=organisation.name, own=own.name, role=role)
