"""What stands between Microsoft 365 Agents Playground and Lotsen: it gives the Playground's activities a locale.

Agents Playground 0.2.28 writes `"locale": "en-US"` into every activity it posts (its activity generators have
it as a constant; neither its command line nor its environment variables or config file change it), so through
it every Swedish official would be answered in English. Teams sends the user's own locale. This relay sets
`locale` (and the locale of the `clientInfo` entity) to the one given, and forwards the request to the bot
unchanged otherwise: its headers' authorization, the bot's status and body (an invoke's response) back.

    python -m tests.browser.playground.relay --listen 3979 --bot http://127.0.0.1:3978/api/messages --locale sv-SE

`make playground` runs it in front of the bot; tests/browser/test_playground.py starts it in-process.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

DEFAULT_LOCALE = "sv-SE"
_FORWARDED_HEADERS = ("Authorization", "Content-Type")
_BOT_URL = web.AppKey("bot_url", str)
_LOCALE = web.AppKey("locale", str)
_SESSION = web.AppKey("session", ClientSession)


def with_locale(body: bytes, locale: str) -> bytes:
    """The activity in `body` with `locale` as its locale; a body that is no JSON object is passed on as it is
    (the bot answers it with 400, as it would the Playground)."""
    try:
        activity: Any = json.loads(body)
    except ValueError:
        return body
    if not isinstance(activity, dict):
        return body
    activity["locale"] = locale
    for entity in activity.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "clientInfo" and "locale" in entity:
            entity["locale"] = locale
    return json.dumps(activity, ensure_ascii=False).encode("utf-8")


async def _forward(request: web.Request) -> web.Response:
    headers = {name: request.headers[name] for name in _FORWARDED_HEADERS if name in request.headers}
    body = with_locale(await request.read(), request.app[_LOCALE])
    async with request.app[_SESSION].post(request.app[_BOT_URL], data=body, headers=headers) as response:
        return web.Response(status=response.status, body=await response.read(),
                            content_type=response.content_type, charset=response.charset)


def create_relay(bot_url: str, locale: str = DEFAULT_LOCALE) -> web.Application:
    """The relay's web application: POST /api/messages, forwarded to `bot_url` with `locale`."""
    app = web.Application()
    app[_BOT_URL] = bot_url
    app[_LOCALE] = locale

    async def session(app: web.Application):
        # A turn waits for the bot's replies to reach the Playground; on a loaded machine that takes a while.
        async with ClientSession(timeout=ClientTimeout(total=120)) as client:
            app[_SESSION] = client
            yield

    app.cleanup_ctx.append(session)
    app.router.add_post("/api/messages", _forward)
    return app


async def start_relay(bot_url: str, locale: str, host: str, port: int) -> web.AppRunner:
    """The relay serving on host:port until the returned runner's `cleanup()`."""
    runner = web.AppRunner(create_relay(bot_url, locale))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=int, required=True, help="the port the Playground posts to")
    parser.add_argument("--bot", required=True, help="the bot's messaging endpoint")
    parser.add_argument("--locale", default=DEFAULT_LOCALE, help=f"the locale to give (default {DEFAULT_LOCALE})")
    options = parser.parse_args()
    web.run_app(create_relay(options.bot, options.locale), host="127.0.0.1", port=options.listen, print=None)


if __name__ == "__main__":
    main()
