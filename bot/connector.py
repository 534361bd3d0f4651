"""Connector clients that are built once per service URL and share one pool of HTTP connections.

Stock botbuilder builds a new msrest `ConnectorClient` (and credentials) on every turn and sends through
`requests` on a worker thread, opening a new TCP connection each time. Here one aiohttp `ClientSession`
serves every outgoing call, and a client per (service URL, app id, audience) is kept for the life of the app.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

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


class BearerTokenPolicy(AsyncHTTPPolicy):
    """Adds the bot's AAD token, fetched off the event loop and kept until shortly before it expires."""

    def __init__(self, credentials: AppCredentials) -> None:
        super().__init__()
        self._credentials = credentials
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    @property
    def _anonymous(self) -> bool:
        return not self._credentials.microsoft_app_id

    async def _current_token(self) -> str:
        if self._token is None or time.time() >= self._renew_at:
            async with self._lock:
                if self._token is None or time.time() >= self._renew_at:
                    # MSAL's token call is synchronous and may go to the network.
                    token = await asyncio.to_thread(self._credentials.get_access_token)
                    self._token = token
                    self._renew_at = _expiry(token) - TOKEN_RENEWAL_MARGIN_SECONDS
        return self._token

    async def send(self, request: Request, **kwargs: Any) -> Response:
        if not self._anonymous:
            request.http_request.headers["Authorization"] = f"Bearer {await self._current_token()}"
        return await self.next.send(request, **kwargs)


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
            client = self._build_client(service_url, credentials)
            self._clients[key] = client
        return client

    def _build_client(self, service_url: str, credentials: AppCredentials) -> ConnectorClient:
        driver = SharedSessionDriver(self.session)

        def pipeline(config: BotFrameworkConnectorConfiguration) -> AsyncPipeline:
            policies = [config.user_agent_policy, BearerTokenPolicy(credentials), ErrorBodyTolerantDeserializer()]
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
