""""årsredovisning": the chat command that opens the annual report dialog (a row of bot/routes.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialogs.annual_report.cards import ACTIONS
from dialogs.annual_report.parsing import OpenRequest, parse_open
from dialogs.common.turn import Turn
from texts import Language


def start_options(request: OpenRequest) -> dict[str, Any]:
    return {"organisation": request.organisation, "year": request.year, "bad_year": request.bad_year}


def button_options(value: dict[str, Any]) -> dict[str, Any]:
    return {"organisation_id": value.get("organisation_id"), "year": value.get("year"), "value": value}


@dataclass(frozen=True)
class AnnualReportRequest:
    """What opens the dialog: the words typed, or a button of one of its cards pressed after it ended."""

    options: dict[str, Any]


class AnnualReportCommand:
    """The chat command (dialogs.common.chat_commands.ChatCommand) that opens the annual report."""

    def __init__(self, dialog_id: str = "AnnualReportDialog") -> None:
        self._dialog_id = dialog_id

    def recognise(self, message: str, value: object, lang: Language) -> AnnualReportRequest | None:
        if isinstance(value, dict) and value.get("action") in ACTIONS:
            return AnnualReportRequest(button_options(value))
        request = parse_open(message or "")
        return AnnualReportRequest(start_options(request)) if request is not None else None

    async def handle(self, turn: Turn, request: object) -> None:
        # Personal chats only (bot/routes.py): an organisation's own report is not filled in where others read along.
        assert isinstance(request, AnnualReportRequest)
        await turn.dialogs.begin_dialog(self._dialog_id, request.options)
