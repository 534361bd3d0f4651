"""Every kind of notice has its follow-up ("did not reach …") and its line in the coordinators' list of what did not
reach people, in both languages, with the names users typed shown as written (Teams renders a message's text, and
a card's, as Markdown)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.notice_delivery import undelivered_text
from dialogs.reminders.undelivered import Undelivered, undelivered_card
from storage.models import Notice, NoticeKind, NoticeState, utc_now
from tests.support.phone_cards import assert_fits_a_phone

ABOUT = [kind for kind in NoticeKind if kind != NoticeKind.UNDELIVERED]


def _notice(kind: NoticeKind, state: NoticeState = NoticeState.FAILED, **details: str) -> Notice:
    moment = utc_now()
    return Notice(kind=kind, subject_type="application", subject_id=1, state=state, attempts=3, due_at=moment,
                  updated_at=moment, last_error="HTTP 503: busy", details=details)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("kind", ABOUT, ids=lambda kind: kind.value)
def test_a_follow_up_names_what_did_not_arrive_without_markdown(kind, lang):
    follow_up = _notice(NoticeKind.UNDELIVERED, about=kind.value, lang=lang,
                        subject_name="[logga in](https://evil.example)", recipient_name="Anna *Andersson*")
    shown = undelivered_text(follow_up)
    assert "\\[logga in\\](https\\://evil.example)" in shown
    if kind == NoticeKind.REVIEW_OUTCOME:
        assert "Anna \\*Andersson\\*" in shown


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_coordinators_list_says_what_is_still_tried_and_what_was_given_up(lang):
    trying = _notice(NoticeKind.REVIEW_OUTCOME, NoticeState.PENDING, subject_name="Miljönämnden 2025",
                     recipient_name="[Anna](https://evil.example)")
    trying.due_at = utc_now() + timedelta(minutes=4)
    notices = [_notice(kind, subject_name="Gröna tak") for kind in ABOUT] + [trying]
    card = undelivered_card(Undelivered([], 0, notices, len(notices) + 5), lang)
    texts = [block["text"] for block in card["body"]]
    listed = texts[texts.index(next(text for text in texts if text.startswith("• "))):]
    assert len(listed) == 2 * len(notices) + 1  # what and for whom, then how it stands; then the rest counted
    about, state = listed[-3], listed[-2]
    assert "\\[Anna\\](https\\://evil.example)" in about  # escaped once, by the card
    assert state.startswith(("Försöker igen", "Trying again")) and state.endswith("HTTP 503: busy")
    assert all("Gröna tak" in text for text in listed[:-3:2])
    shown, total = len(notices), len(notices) + 5
    assert listed[-1] in (f"(visar de {shown} första av {total})", f"(showing the first {shown} of {total})")
    assert_fits_a_phone([card])
