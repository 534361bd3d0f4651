"""How much of a typed message Lotsen reads: a longer one is answered "för lång" before anything parses it.

Three limits, from the outside in:
- the HTTP body, `MAX_BODY_BYTES` (settings.py, 256 KB): a larger request gets 413 and never reaches the bot;
  Teams itself sends at most about 28 KB of text, so the body limit leaves room for its envelope and cards;
- a typed message, `MAX_MESSAGE_CHARACTERS` (here): above every dialog's own limit (4 000 characters for a
  description in the registration or the annual report), so that a dialog says in its own words that an answer
  is too long, and far below what Teams lets through, so that one pasted document costs a turn little;
- a question for the policy answers, `decision.max_question_length` in policy/data/topics.yaml
  (`dialogs.policy_questions.answers`), which is smaller still.
Card submissions carry their fields in the activity's value, not its text; the dialogs check those fields.
"""

from __future__ import annotations

from decimal import Decimal

from dialogs.common.formatting import format_amount
from texts import Language, text

MAX_MESSAGE_CHARACTERS = 5000


def is_too_long(message: str) -> bool:
    return len(message) > MAX_MESSAGE_CHARACTERS


def too_long_reply(lang: Language) -> str:
    """Polite, with the limit, and how to go on: split the message."""
    return text("too_long.message", lang, max=format_amount(Decimal(MAX_MESSAGE_CHARACTERS), lang))
