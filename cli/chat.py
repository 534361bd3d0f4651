"""`python -m cli chat`: talk to the bot in this terminal (`make chat`). The conversation itself, which drives
the bot through botbuilder, is bot/terminal_chat.py; here are only its options."""

from __future__ import annotations

import argparse
import asyncio

from bot.terminal_chat import run_chat
from cli.command import Command
from settings import Settings


def _arguments(chat: argparse.ArgumentParser) -> None:
    chat.add_argument("--user", default="terminal-user", help="who you are in the chat (default: terminal-user)")
    chat.add_argument("--name", default="Terminal User", help="your display name")
    chat.add_argument("--locale", default="sv-SE", help="your locale: sv-SE (default) or en-US")


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(run_chat(settings, user_id=args.user, user_name=args.name, locale=args.locale))


CHAT = Command("chat", "talk to the bot in this terminal", _chat, _arguments)
