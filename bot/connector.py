"""Connector clients that are built once per service URL and share one pool of HTTP connections.

Stock botbuilder builds a new msrest `ConnectorClient` (and credentials) on every turn and sends through
`requests` on a worker thread, opening a new TCP connection each time. Here one aiohttp `ClientSession`
serves every outgoing call, and a client per (service URL, app id, audience) is kept for the life of the app.
A turn's replies, reminders and the chats created for them go through that client's `JsonConnector`: the same
calls as JSON, without msrest.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
from botframework.connector import BotFrameworkConnectorConfiguration
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AppCredentials, ConnectorFactory, ServiceClientCredentialsFactory
from msrest.pipeline import AsyncHTTPPolicy, AsyncPipeline, Request, Response
from msrest.pipeline.aiohttp import AioHTTPSender as PipelineSender
from msrest.exceptions import DeserializationError
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import AsyncClientResponse, AsyncHTTPSender, ClientRequest
from msrest.universal_http.aiohttp import AioHttpClientResponse

# A token is renewed this long before it expires, so that no call goes out with one about to lapse.
TOKEN_RENEWAL_MARGIN_SECONDS = 300
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)


class SharedSessionDriver(AsyncHTTPSender):
    """msrest's HTTP driver, sending through a session owned by the app (never closed per call)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> "SharedSessionDriver":
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None

    async def send(self, request: ClientRequest, **config: Any) -> AsyncClientResponse:
        aiohttp_response = await self._session.request(
            request.method,
            request.url,
            headers=request.headers,
            data=request.data,
            timeout=REQUEST_TIMEOUT,
        )
        response = AioHttpClientResponse(request, aiohttp_response)
        # Reading the body releases the connection back to the pool.
        await response.load_body()
        return response


class AccessTokens:
    """The bot's AAD token for one set of credentials, fetched off the event loop and kept until shortly before
    it expires; none for a bot without an app id (a local run)."""

    def __init__(self, credentials: AppCredentials) -> None:
        self._credentials = credentials
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def authorization(self) -> str | None:
        """The Authorization header's value, or None for an anonymous bot."""
        if not self._credentials.microsoft_app_id:
            return None
        if self._token is None or time.time() >= self._renew_at:
            async with self._lock:
                if self._token is None or time.time() >= self._renew_at:
                    # MSAL's token call is synchronous and may go to the network.
                    token = await asyncio.to_thread(self._credentials.get_access_token)
                    self._token = token
                    self._renew_at = _expiry(token) - TOKEN_RENEWAL_MARGIN_SECONDS
        return f"Bearer {self._token}"


class BearerTokenPolicy(AsyncHTTPPolicy):
    """Adds the bot's AAD token to the msrest clients' calls (proactive messages)."""

    def __init__(self, tokens: AccessTokens) -> None:
        super().__init__()
        self._tokens = tokens

    async def send(self, request: Request, **kwargs: Any) -> Response:
        authorization = await self._tokens.authorization()
        if authorization is not None:
            request.http_request.headers["Authorization"] = authorization
        return await self.next.send(request, **kwargs)


class ConnectorRefused(Exception):
    """The connector answered a call with an error status. `retry_after` is its Retry-After header as given
    (seconds or an HTTP date; None without one): `bot.proactive.classify` reads when to try again from it."""

    def __init__(self, status: int, detail: str, retry_after: str | None = None) -> None:
        super().__init__(f"the connector answered {status}: {detail}")
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


class JsonConnector:
    """Calls to one connector (service URL) as JSON through the shared session: a turn's replies and replaced
    cards, reminders, the 1:1 chats created for them. The same calls msrest's ConnectorClient makes (v3
    conversations API), without its serializer and pipeline on every call. A status of 300 or more raises
    `ConnectorRefused`; a connection that fails or times out, aiohttp's error."""

    def __init__(self, pool: ConnectorClientPool, service_url: str, tokens: AccessTokens) -> None:
        self._pool = pool
        self._base = service_url.rstrip("/")
        self._tokens = tokens

    async def reply(self, conversation_id: str, reply_to_id: str, payload: dict[str, Any]) -> str | None:
        return await self._call("POST", _activities_path(conversation_id, reply_to_id), payload)

    async def send(self, conversation_id: str, payload: dict[str, Any]) -> str | None:
        return await self._call("POST", _activities_path(conversation_id), payload)

    async def update(self, conversation_id: str, activity_id: str, payload: dict[str, Any]) -> str | None:
        return await self._call("PUT", _activities_path(conversation_id, activity_id), payload)

    async def create_conversation(self, parameters: dict[str, Any]) -> str:
        """Creates a conversation (`parameters`: the connector's ConversationParameters as JSON) and returns its
        id; ValueError when the connector answered without one."""
        conversation_id = await self._call("POST", "/v3/conversations", parameters)
        if not isinstance(conversation_id, str) or not conversation_id:
            raise ValueError("the connector created a conversation without an id")
        return conversation_id

    async def _call(self, method: str, path: str, payload: dict[str, Any]) -> str | None:
        """Returns the id the connector gave the activity or conversation, when it gave one."""
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        authorization = await self._tokens.authorization()
        if authorization is not None:
            headers["Authorization"] = authorization
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        async with self._pool.session.request(method, self._base + path, data=body, headers=headers,
                                              timeout=REQUEST_TIMEOUT) as response:
            text = await response.text(errors="replace")
            if response.status >= 300:
                detail = " ".join(text.split())[:200] or response.reason or ""
                raise ConnectorRefused(response.status, detail, response.headers.get("Retry-After"))
        try:
            answer = json.loads(text) if text else None
        except ValueError:
            return None
        return answer.get("id") if isinstance(answer, dict) else None


def _activities_path(conversation_id: str, activity_id: str | None = None) -> str:
    # Every id quoted whole, as msrest's URL serializer does: Teams' ids hold ':', ';' and '@'.
    path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
    return path if activity_id is None else f"{path}/{quote(activity_id, safe='')}"


def _expiry(token: str) -> float:
    """When a token expires; an unreadable one is renewed after ten minutes."""
    try:
        return float(jwt.decode(token, options={"verify_signature": False})["exp"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return time.time() + 600


class ErrorBodyTolerantDeserializer(RawDeserializer):
    """msrest's body reader, except that an error page that is not JSON (a proxy's HTML 404, say) leaves the
    status code to decide what happened instead of failing as a deserialization error."""

    def on_response(self, request: Request, response: Response, **kwargs: Any) -> None:
        try:
            super().on_response(request, response, **kwargs)
        except DeserializationError:
            if response.http_response.status_code < 400:
                raise
            response.context[self.CONTEXT_NAME] = None


class ConnectorClientPool:
    """One ConnectorClient per (service URL, app id, audience), all sending through one aiohttp session."""

    def __init__(self, credentials_factory: ServiceClientCredentialsFactory, login_endpoint: str,
                 validate_authority: bool, default_audience: str) -> None:
        self._credentials_factory = credentials_factory
        self._login_endpoint = login_endpoint
        self._validate_authority = validate_authority
        self.default_audience = default_audience
        self._clients: dict[tuple[str, str, str], ConnectorClient] = {}
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Keep-alive connections are what makes a turn cheap; the limit keeps a burst from exhausting sockets.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200, ttl_dns_cache=300))
        return self._session

    async def get(self, service_url: str, app_id: str, audience: str | None) -> ConnectorClient:
        audience = audience or self.default_audience
        key = (service_url, app_id or "", audience)
        client = self._clients.get(key)
        if client is None:
            credentials = await self._credentials_factory.create_credentials(
                app_id, audience, self._login_endpoint, self._validate_authority
            )
            tokens = AccessTokens(credentials)
            client = self._build_client(service_url, credentials, tokens)
            # The same connector for the turn's replies, as JSON (bot/adapter.py `deliver`, `replace`).
            client.json_connector = JsonConnector(self, service_url, tokens)
            self._clients[key] = client
        return client

    async def json_connector(self, service_url: str, app_id: str, audience: str | None = None) -> JsonConnector:
        """The JSON calls of the client for `service_url`: the connector (and token) a turn there replies with."""
        return (await self.get(service_url, app_id, audience)).json_connector

    def _build_client(self, service_url: str, credentials: AppCredentials, tokens: AccessTokens) -> ConnectorClient:
        driver = SharedSessionDriver(self.session)

        def pipeline(config: BotFrameworkConnectorConfiguration) -> AsyncPipeline:
            policies = [config.user_agent_policy, BearerTokenPolicy(tokens), ErrorBodyTolerantDeserializer()]
            return AsyncPipeline(policies, PipelineSender(driver))

        configuration = BotFrameworkConnectorConfiguration(credentials, service_url, pipeline_type=pipeline)
        return ConnectorClient(credentials, base_url=service_url, custom_configuration=configuration)

    async def close(self) -> None:
        self._clients.clear()
        if self._session is not None and not self._session.closed:
            await self._session.close()


class PooledConnectorFactory(ConnectorFactory):
    """The ConnectorFactory botbuilder asks for a client each turn, answered from the pool."""

    def __init__(self, pool: ConnectorClientPool, app_id: str) -> None:
        self._pool = pool
        self._app_id = app_id

    async def create(self, service_url: str, audience: str = None) -> ConnectorClient:
        return await self._pool.get(service_url, self._app_id, audience)
