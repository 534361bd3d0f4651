"""Every kind of notice has its follow-up ("did not reach …") and its line in the coordinators' list, in both
languages, with the names users typed shown as written (Teams renders a message's text as Markdown)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.notice_delivery import undelivered_text
from dialogs.people.notice_commands import undelivered_list
from storage.models import Notice, NoticeKind, NoticeState, utc_now

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
                     recipient_name="Anna Andersson")
    trying.due_at = utc_now() + timedelta(minutes=4)
    listing = undelivered_list([_notice(kind, subject_name="Gröna tak") for kind in ABOUT] + [trying], lang)
    lines = listing.split("\n\n")
    assert len(lines) == 1 + len(ABOUT) + 1
    assert "Anna Andersson" in lines[-1] and ("försöker igen" in lines[-1] or "trying again" in lines[-1])
    assert all("Gröna tak" in line for line in lines[1:-1])
    assert undelivered_list([], lang) != listing
