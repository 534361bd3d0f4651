"""Reading officials' replies: dates, money, yes/no, commands, roles (tables in tests/dialogs/data/)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
import yaml

from dialogs.common import input_parsing
from dialogs.common.cards import adaptive_card
from dialogs.common.formatting import format_date, format_money
from dialogs.common.input_parsing import (
    DEADLINE_PASSED,
    DECISION_BEFORE_SUBMISSION,
    END_BEFORE_START,
    SUBMISSION_AFTER_DEADLINE,
    check_decision_date,
    check_project_period,
    check_submission_dates,
    is_back,
    is_cancel,
    is_negative_amount,
    is_skip,
    means_me,
    parse_date,
    parse_money,
    parse_role,
    parse_yes_no,
)
from storage.application_data import MalmoRole, Money

DATA = Path(__file__).resolve().parent / "data"


def _load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


DATES = _load("date_cases.yaml")
MONEY = _load("money_cases.yaml")["cases"]
REPLIES = _load("reply_cases.yaml")


# ---- dates ----------------------------------------------------------------------------------


def test_the_date_table_is_large_enough() -> None:
    assert len(DATES["cases"]) >= 60
    assert sum(1 for c in DATES["cases"] if c["expect"] is None) >= 10


@pytest.mark.parametrize("case", DATES["cases"], ids=[f"{c['text']}@{c.get('today', '')}" for c in DATES["cases"]])
def test_date_case(case: dict[str, Any]) -> None:
    today = case.get("today", DATES["today"])
    assert parse_date(case["text"], today) == case["expect"]


def test_a_date_without_year_is_never_in_the_past() -> None:
    today = date(2027, 6, 30)
    for day_month in ("1/1", "29/6", "30/6", "1/7", "31/12"):
        found = parse_date(day_month, today)
        assert found is not None and today <= found < date(2028, 7, 1), day_month


def test_nasta_and_pa_differ_only_in_the_week() -> None:
    # Every day of one week: "på fredag" is the first Friday after today, "nästa fredag" the one of next week.
    for offset in range(7):
        today = date(2027, 1, 11) + timedelta(days=offset)  # Monday 11 to Sunday 17 January 2027
        coming = parse_date("på fredag", today)
        following = parse_date("nästa fredag", today)
        assert coming is not None and following is not None
        assert coming.weekday() == following.weekday() == 4
        assert today < coming <= today + timedelta(days=7)
        assert following == date(2027, 1, 22)


# ---- checking dates -------------------------------------------------------------------------

TODAY = date(2027, 1, 11)


@pytest.mark.parametrize(("submission", "deadline", "expected"), [
    (date(2027, 3, 15), date(2027, 3, 20), None),
    (date(2027, 3, 20), date(2027, 3, 20), None),                 # submitted on the last day
    (date(2027, 3, 21), date(2027, 3, 20), SUBMISSION_AFTER_DEADLINE),
    (date(2027, 1, 5), date(2027, 1, 10), DEADLINE_PASSED),       # the deadline was yesterday
    (date(2027, 1, 12), date(2027, 1, 10), DEADLINE_PASSED),      # a passed deadline is named first
    (date(2027, 1, 5), date(2027, 1, 11), None),                  # the deadline is today; already submitted
    (None, date(2027, 3, 20), None),
    (None, date(2026, 12, 31), DEADLINE_PASSED),
    (date(2027, 3, 15), None, None),
    (None, None, None),
])
def test_check_submission_dates(submission: date | None, deadline: date | None, expected: str | None) -> None:
    assert check_submission_dates(submission, deadline, TODAY) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2027, 9, 1), date(2030, 8, 31), None),
    (date(2027, 9, 1), date(2027, 9, 1), None),
    (date(2027, 9, 1), date(2027, 8, 31), END_BEFORE_START),
    (None, date(2027, 8, 31), None),
    (date(2027, 9, 1), None, None),
])
def test_check_project_period(start: date | None, end: date | None, expected: str | None) -> None:
    assert check_project_period(start, end) == expected


@pytest.mark.parametrize(("decision", "submission", "expected"), [
    (date(2027, 7, 1), date(2027, 3, 15), None),
    (date(2027, 3, 15), date(2027, 3, 15), None),
    (date(2027, 3, 14), date(2027, 3, 15), DECISION_BEFORE_SUBMISSION),
    (date(2027, 3, 14), None, None),
])
def test_check_decision_date(decision: date | None, submission: date | None, expected: str | None) -> None:
    assert check_decision_date(decision, submission) == expected


def test_problem_keys_are_the_registration_catalog_keys() -> None:
    # The dialog shows registration.retry.<key>; both catalogs must have a text for every key returned here.
    catalogs = Path(__file__).resolve().parents[2] / "texts"
    for lang in ("sv", "en"):
        texts = yaml.safe_load((catalogs / lang / "registration.yaml").read_text(encoding="utf-8"))
        retry = texts["registration"]["retry"]
        for key in (DEADLINE_PASSED, SUBMISSION_AFTER_DEADLINE, END_BEFORE_START, DECISION_BEFORE_SUBMISSION):
            assert isinstance(retry.get(key), str) and retry[key], (lang, key)


# ---- money ----------------------------------------------------------------------------------


def test_the_money_table_is_large_enough() -> None:
    assert len(MONEY) >= 25
    assert sum(1 for c in MONEY if c.get("negative")) >= 5
    assert sum(1 for c in MONEY if c["amount"] is None and not c.get("negative")) >= 5


@pytest.mark.parametrize("case", MONEY, ids=[c["text"] or "<empty>" for c in MONEY])
def test_money_case(case: dict[str, Any]) -> None:
    found = parse_money(case["text"])
    if case["amount"] is None:
        assert found is None
    else:
        assert found == Money.of(Decimal(case["amount"]), case["currency"])
    assert is_negative_amount(case["text"]) is bool(case.get("negative"))


@pytest.mark.parametrize(("lang", "money"), [
    ("sv", Money.of(Decimal("12000000"), "SEK")), ("sv", Money.of(Decimal("4500000.50"), "SEK")),
    ("sv", Money.of(Decimal("1200000"), "EUR")), ("en", Money.of(Decimal("12000000"), "SEK")),
    ("en", Money.of(Decimal("1200000"), "EUR")),
])
def test_an_amount_copied_from_a_card_is_read_as_it_was_shown(lang, money) -> None:
    """A card keeps an amount on one line with no-break spaces ("12 000 000 kr"); pasted back, it is the same."""
    shown = adaptive_card([{"type": "TextBlock", "text": format_money(money, lang)}])["body"][0]["text"]
    assert "\u00a0" in shown and " " not in shown
    assert parse_money(shown) == money
    assert parse_money("totalt 12\u00a0000\u00a0000\u00a0kr") == Money.of(Decimal("12000000"), "SEK")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_date_copied_from_a_card_is_read_as_it_was_shown(lang) -> None:
    shown = adaptive_card([{"type": "TextBlock", "text": format_date(date(2026, 12, 5), lang)}])["body"][0]["text"]
    assert shown == {"sv": "5\u00a0december\u00a02026", "en": "5\u00a0December\u00a02026"}[lang]
    assert parse_date(shown, date(2026, 1, 1)) == date(2026, 12, 5)


def test_money_is_kept_in_minor_units() -> None:
    assert parse_money("14 500 000,50 kr") == Money(amount_minor=1_450_000_050, currency="SEK")
    assert parse_money("1,2 MEUR") == Money(amount_minor=120_000_000, currency="EUR")


def test_an_amount_above_the_ceiling_is_no_amount() -> None:
    # botbuilder's number recognizers leave the whole process at 15 significant digits: read under the same.
    with localcontext(prec=15):
        assert parse_money("1 000 000 000 000 kr") == Money(amount_minor=100_000_000_000_000, currency="SEK")
        assert parse_money("1000 miljarder euro") == Money(amount_minor=100_000_000_000_000, currency="EUR")
        for typo in ("100000000000000000 kr", "1 000 000 000 001 kr", "5000 miljarder", "2 000 000 MEUR"):
            assert parse_money(typo) is None, typo
            assert not is_negative_amount(typo)
    assert input_parsing.MAX_AMOUNT == Decimal(10) ** 12


# ---- yes/no, commands, roles ----------------------------------------------------------------

_EXPECT = {"true": True, "false": False, "null": None}


def _rows(function: str) -> list[tuple[str, Any]]:
    rows = [(reply, expected) for expected, replies in REPLIES[function].items() for reply in replies]
    assert all(isinstance(reply, str) for reply, _ in rows), f"{function}: quote yes/no/y/n in reply_cases.yaml"
    return rows


@pytest.mark.parametrize(("reply", "expected"), _rows("yes_no"))
def test_parse_yes_no(reply: str, expected: str) -> None:
    assert parse_yes_no(reply) is _EXPECT[expected]


@pytest.mark.parametrize(("function", "reply", "expected"), [
    (name, reply, expected)
    for name in ("skip", "back", "cancel", "me")
    for reply, expected in _rows(name)
])
def test_commands(function: str, reply: str, expected: str) -> None:
    reader = {"skip": is_skip, "back": is_back, "cancel": is_cancel, "me": means_me}[function]
    assert reader(reply) is _EXPECT[expected]


@pytest.mark.parametrize(("reply", "expected"), _rows("role"))
def test_parse_role(reply: str, expected: str) -> None:
    assert parse_role(reply) == (None if expected == "null" else MalmoRole(expected))


def test_no_reply_is_two_commands() -> None:
    # A reply the dialog could take for two different commands would depend on the order it checks them.
    for function in ("skip", "back", "cancel", "me"):
        for reply, expected in _rows(function):
            if expected != "true":
                continue
            hits = [name for name, reader in (("skip", is_skip), ("back", is_back), ("cancel", is_cancel),
                                              ("me", means_me)) if reader(reply)]
            assert hits == [function], reply


# ---- the word data --------------------------------------------------------------------------


def test_unquoted_yaml_booleans_stop_the_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `yes: [ja, yes]` reads "yes" as True in YAML: the loader must refuse rather than match "True".
    text = input_parsing.WORDS_FILE.read_text(encoding="utf-8").replace('"yes", "y", yep', "yes, y, yep")
    assert "yes, y, yep" in text
    broken = tmp_path / "input_words.yaml"
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setattr(input_parsing, "WORDS_FILE", broken)
    input_parsing._words.cache_clear()
    try:
        with pytest.raises(ValueError, match="True is not text"):
            parse_yes_no("ja")
    finally:
        monkeypatch.undo()
        input_parsing._words.cache_clear()
    assert parse_yes_no("ja") is True
