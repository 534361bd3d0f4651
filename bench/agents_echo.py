"""An echo bot on the Microsoft 365 Agents SDK, for bench/turns.py to compare with (target `agents-sdk`).

    .venv-bench/bin/python bench/agents_echo.py --port P      (`make bench-install` makes .venv-bench)

Written from the SDK's public API as its quickstart sample is (samples/python/quickstart in microsoft/Agents):
an AgentApplication with MemoryStorage, the aiohttp CloudAdapter with an MsalConnectionManager, the JWT
middleware in front of POST /api/messages. It runs in its own virtualenv (requirements-bench.txt) so that
Lotsen never depends on the SDK, and imports nothing of Lotsen's.

No credentials: the one service connection allows anonymous requests, as the sample's configuration does for a
local run without an app registration; replies go to the activity's serviceUrl without a token.
"""

from __future__ import annotations

import argparse
import logging
import sys

from aiohttp.web import Application, Request, Response, run_app
from microsoft_agents.activity import load_configuration_from_env
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware, start_agent_process
from microsoft_agents.hosting.core import (
    AgentApplication,
    Authorization,
    MemoryStorage,
    TurnContext,
    TurnState,
)

# What the sample reads from its .env, given here: a service connection without a client id, anonymous allowed.
AGENTS_SDK_CONFIG = load_configuration_from_env(
    {"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true"})

STORAGE = MemoryStorage()
CONNECTION_MANAGER = MsalConnectionManager(**AGENTS_SDK_CONFIG)
ADAPTER = CloudAdapter(connection_manager=CONNECTION_MANAGER)
AUTHORIZATION = Authorization(STORAGE, CONNECTION_MANAGER, **AGENTS_SDK_CONFIG)
AGENT_APP = AgentApplication[TurnState](
    storage=STORAGE, adapter=ADAPTER, authorization=AUTHORIZATION, **AGENTS_SDK_CONFIG
)


@AGENT_APP.activity("message")
async def on_message(context: TurnContext, _state: TurnState) -> None:
    await context.send_activity(f"Echo: {context.activity.text}")


@AGENT_APP.error
async def on_error(context: TurnContext, error: Exception) -> None:
    # A failed turn must show in the benchmark's output, not pass as a fast one.
    logging.getLogger("agents_echo").exception("turn failed: %s", error)
    await context.send_activity("The bot encountered an error.")


def create_app() -> Application:
    async def messages(request: Request) -> Response:
        return await start_agent_process(request, AGENT_APP, ADAPTER)

    app = Application(middlewares=[jwt_authorization_middleware])
    app.router.add_post("/api/messages", messages)
    app["agent_configuration"] = CONNECTION_MANAGER.get_default_connection_configuration()
    app["agent_app"] = AGENT_APP
    app["adapter"] = ADAPTER
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=3978)
    args = parser.parse_args()
    # Warnings and errors only, as the other targets log: a log line per turn would be part of what is measured.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # Without an app registration the SDK warns on every turn that the user token client has no app id; a bot
    # in production has one, and a log line per turn would be part of what is measured.
    logging.getLogger("microsoft_agents.hosting.core.connector.client.user_token_client").setLevel(logging.ERROR)
    run_app(create_app(), host="127.0.0.1", port=args.port, print=None, access_log=None)
