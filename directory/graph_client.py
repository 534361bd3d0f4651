"""Reading a user's place of work from Microsoft Graph, with the bot's own app registration.

The token comes by client credentials (the bot's app id and secret, against its tenant's token endpoint) or from
the managed identity's endpoint (a bot registered as `UserAssignedMSI`), and is kept until shortly before it
expires. The base URLs are configurable so that tests point at a local stand-in (tests/support/graph_standin.py).

Every failure (a timeout, a refused token, a 5xx, an answer that is not what Graph sends) is raised as
`DirectoryUnavailable`; the caller logs it and places nobody. Nothing here retries: the next lookup is another day.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from storage.models import DirectorySource

logger = logging.getLogger("lotsen.directory")

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
GRAPH_RESOURCE = "https://graph.microsoft.com"
DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0"
IMDS_TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token"
# A token is renewed this long before it expires, so that none expires between being read and being used.
TOKEN_MARGIN_SECONDS = 120
# The groups of one user are read at most this many pages (of 100) deep: a user in thousands of groups is not
# worth a slow first turn.
MAX_GROUP_PAGES = 10
ATTRIBUTES = (DirectorySource.DEPARTMENT, DirectorySource.COMPANY_NAME, DirectorySource.OFFICE_LOCATION)


class DirectoryUnavailable(Exception):
    """The directory could not be asked, or did not answer as Graph does."""


@dataclass(frozen=True)
class GraphConfig:
    client_id: str
    token_url: str  # client credentials: …/{tenant}/oauth2/v2.0/token; managed identity: its endpoint
    client_secret: str = ""  # client credentials only
    managed_identity: bool = False
    identity_header: str = ""  # App Service / Container Apps managed identity: X-IDENTITY-HEADER
    base_url: str = DEFAULT_GRAPH_BASE_URL
    timeout_seconds: float = 4.0


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # time.monotonic()


class GraphClient:
    """A `directory.placement.DirectoryReader` on Microsoft Graph."""

    def __init__(self, config: GraphConfig) -> None:
        self._config = config
        self._base_url = config.base_url.rstrip("/")
        self._token: _Token | None = None
        self._token_lock = asyncio.Lock()

    async def values_of(self, object_id: str, source: DirectorySource) -> list[str]:
        """The user's values of `source`: one attribute's value (none when it is empty), or for `group` the
        display name and id of each group they are a member of. Raises `DirectoryUnavailable`."""
        if not object_id:
            raise ValueError("the user's Entra object id is required")
        timeout = aiohttp.ClientTimeout(total=self._config.timeout_seconds)
        try:
            async with asyncio.timeout(self._config.timeout_seconds), aiohttp.ClientSession(timeout=timeout) as http:
                if DirectorySource(source) == DirectorySource.GROUP:
                    return await self._groups(http, object_id)
                return await self._attribute(http, object_id, DirectorySource(source))
        except DirectoryUnavailable:
            raise
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as error:
            raise DirectoryUnavailable(f"{type(error).__name__}: {error}") from error

    async def read(self, path_and_query: str, headers: dict[str, str] | None = None) -> dict[str, Any] | None:
        """Graph's answer to `GET {base}/{path_and_query}` (the caller quotes what it puts in), with `headers`
        besides the token; None for 404. Raises `DirectoryUnavailable` as `values_of` does."""
        timeout = aiohttp.ClientTimeout(total=self._config.timeout_seconds)
        try:
            async with asyncio.timeout(self._config.timeout_seconds), aiohttp.ClientSession(timeout=timeout) as http:
                return await self._get(http, f"{self._base_url}/{path_and_query.lstrip('/')}", headers)
        except DirectoryUnavailable:
            raise
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as error:
            raise DirectoryUnavailable(f"{type(error).__name__}: {error}") from error

    async def post(self, path: str, body: dict[str, Any]) -> int:
        """Graph's status for `POST {base}/{path}` with `body` as JSON (the caller quotes what it puts in the
        path, and reads what the status means). Raises `DirectoryUnavailable` when Graph cannot be asked."""
        timeout = aiohttp.ClientTimeout(total=self._config.timeout_seconds)
        try:
            async with asyncio.timeout(self._config.timeout_seconds), aiohttp.ClientSession(timeout=timeout) as http:
                token = await self._access_token(http)
                async with http.post(f"{self._base_url}/{path.lstrip('/')}", json=body,
                                     headers={"Authorization": f"Bearer {token}"}) as response:
                    if response.status == 401:
                        self._token = None  # revoked or rotated: the next call asks for a new one
                    await response.read()
                    return response.status
        except DirectoryUnavailable:
            raise
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise DirectoryUnavailable(f"{type(error).__name__}: {error}") from error

    async def _attribute(self, http: aiohttp.ClientSession, object_id: str, source: DirectorySource) -> list[str]:
        select = ",".join(attribute.value for attribute in ATTRIBUTES)
        body = await self._get(http, f"{self._base_url}/users/{quote(object_id, safe='')}?$select={select}")
        if body is None:
            return []
        value = body.get(source.value)
        if value is not None and not isinstance(value, str):
            raise DirectoryUnavailable(f"{source.value} is not a string")
        return [value] if value and value.strip() else []

    async def _groups(self, http: aiohttp.ClientSession, object_id: str) -> list[str]:
        url: str | None = f"{self._base_url}/users/{quote(object_id, safe='')}/memberOf?$select=id,displayName&$top=100"
        values: list[str] = []
        for _ in range(MAX_GROUP_PAGES):
            if url is None:
                break
            body = await self._get(http, url)
            if body is None:
                return []
            for member in body.get("value", []):
                # memberOf also lists directory roles and administrative units: only groups place anyone.
                if member.get("@odata.type", "#microsoft.graph.group") != "#microsoft.graph.group":
                    continue
                values += [str(member[key]) for key in ("displayName", "id") if member.get(key)]
            url = self._next_page(body.get("@odata.nextLink"))
        else:
            if url is not None:
                logger.warning("user %s is in more than %d pages of groups; the rest are not read", object_id,
                               MAX_GROUP_PAGES)
        return values

    def _next_page(self, link: object) -> str | None:
        """Graph's link to the next page, followed only to where the first page came from (the token goes with it)."""
        if link is None:
            return None
        if not isinstance(link, str) or urlsplit(link)[:2] != urlsplit(self._base_url)[:2]:
            raise DirectoryUnavailable(f"a next page elsewhere than {self._base_url}: {link!r}")
        return link

    async def _get(self, http: aiohttp.ClientSession, url: str,
                   headers: dict[str, str] | None = None) -> dict[str, Any] | None:
        """Graph's answer; None when the user is not in the directory (404): they have no values to place by."""
        token = await self._access_token(http)
        async with http.get(url, headers={**(headers or {}), "Authorization": f"Bearer {token}"}) as response:
            if response.status == 401:
                self._token = None  # revoked or rotated: the next lookup asks for a new one
            if response.status == 404:
                return None
            if response.status != 200:
                raise DirectoryUnavailable(f"Graph answered {response.status} for {urlsplit(url).path}")
            body = await response.json(content_type=None)
        if not isinstance(body, dict):
            raise DirectoryUnavailable("Graph's answer is not a JSON object")
        return body

    # --- the token ---------------------------------------------------------------------------------------------

    async def _access_token(self, http: aiohttp.ClientSession) -> str:
        async with self._token_lock:
            if self._token is None or self._token.expires_at <= time.monotonic():
                self._token = await self._new_token(http)
            return self._token.value

    async def _new_token(self, http: aiohttp.ClientSession) -> _Token:
        config = self._config
        if config.managed_identity:
            params = {"resource": GRAPH_RESOURCE, "api-version": "2019-08-01" if config.identity_header
                      else "2018-02-01"}
            if config.client_id:
                params["client_id"] = config.client_id
            headers = {"X-IDENTITY-HEADER": config.identity_header} if config.identity_header else {"Metadata": "true"}
            request = http.get(config.token_url, params=params, headers=headers)
        else:
            request = http.post(config.token_url, data={
                "client_id": config.client_id, "client_secret": config.client_secret, "scope": GRAPH_SCOPE,
                "grant_type": "client_credentials"})
        async with request as response:
            if response.status != 200:
                raise DirectoryUnavailable(f"the token endpoint answered {response.status}")
            body = await response.json(content_type=None)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise DirectoryUnavailable("the token endpoint sent no access_token")
        lifetime = _lifetime_seconds(body)
        return _Token(token, time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN_SECONDS))


def _lifetime_seconds(body: dict[str, Any]) -> float:
    """Seconds the token is valid: `expires_in` (Entra ID, IMDS), else `expires_on` (epoch, App Service)."""
    if body.get("expires_in") is not None:
        return float(body["expires_in"])
    if body.get("expires_on") is not None:
        return float(body["expires_on"]) - time.time()
    return 0.0  # unknown: used for this lookup only
