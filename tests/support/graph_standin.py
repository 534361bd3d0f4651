"""A local stand-in for Microsoft Graph and its token endpoints, as the OpenID stand-in is for the Bot Framework's
signing keys: the directory placement (directory/) is tested against it over real HTTP, offline.

- `POST /{tenant}/oauth2/v2.0/token`: client credentials; a token only for the registered app id and secret
  asking for Graph's `.default` scope.
- `GET /msi/token`: a managed identity's endpoint (App Service style, with X-IDENTITY-HEADER).
- `GET /v1.0/users/{id}`: the user's department, companyName, officeLocation, displayName and mail (only what
  `$select` asks for); 404 for a user not in the directory.
- `GET /v1.0/users?$search="displayName:…"`: as Graph's advanced query, only with `ConsistencyLevel: eventual`
  (400 without); the users each of whose words begins a word of their displayName (case aside), `$top` of them.
- `GET /v1.0/users/{id}/memberOf`: the user's groups, `page_size` a page, with `@odata.nextLink` to the next.
- `POST /v1.0/users/{id}/teamwork/installedApps`: installs the catalog app bound in the body for the user (201),
  409 when it is already installed for them (`installed`), `install_status` instead when set (403: refused);
  404 for a user not in the directory.

Every Graph call needs a token this stand-in issued. `down` answers everything with 503; `requests` keeps what
was asked, so tests can see that a lookup happened (or did not).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

APP_ID = "lotsen-app-id"
APP_SECRET = "lotsen-app-secret"
TENANT = "malmo-tenant"
IDENTITY_HEADER = "identity-header-secret"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@dataclass
class DirectoryUser:
    department: str | None = None
    companyName: str | None = None  # noqa: N815 (Graph's name)
    officeLocation: str | None = None  # noqa: N815
    groups: list[tuple[str, str]] = field(default_factory=list)  # (id, displayName)
    displayName: str | None = None  # noqa: N815
    mail: str | None = None


@dataclass
class GraphStandIn:
    users: dict[str, DirectoryUser] = field(default_factory=dict)  # by Entra object id
    down: bool = False
    page_size: int = 2
    expires_in: int = 3600
    requests: list[str] = field(default_factory=list)  # "POST /malmo-tenant/oauth2/v2.0/token", "GET /v1.0/…"
    issued: set[str] = field(default_factory=set)
    base_url: str = ""
    installed: set[tuple[str, str]] = field(default_factory=set)  # (user's object id, catalog app id)
    install_status: int | None = None  # every installation answered with this (403: not allowed)
    _tokens: itertools.count = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._client_credentials)
        app.router.add_get("/msi/token", self._managed_identity)
        app.router.add_get("/v1.0/users", self._search)
        app.router.add_get("/v1.0/users/{id}", self._user)
        app.router.add_get("/v1.0/users/{id}/memberOf", self._member_of)
        app.router.add_post("/v1.0/users/{id}/teamwork/installedApps", self._install)
        return app

    @property
    def graph_requests(self) -> list[str]:
        return [request for request in self.requests if " /v1.0/" in request]

    @property
    def token_requests(self) -> list[str]:
        return [request for request in self.requests if "token" in request]

    def settings(self, source: str = "department", **more: Any) -> dict[str, Any]:
        """What Settings needs to read this stand-in's directory with the bot's client credentials."""
        return {"microsoft_app_id": APP_ID, "microsoft_app_password": APP_SECRET, "graph_tenant_id": TENANT,
                "directory_source": source, "graph_base_url": f"{self.base_url}/v1.0",
                "graph_token_url": f"{self.base_url}/{TENANT}/oauth2/v2.0/token", **more}

    def _issue(self) -> web.Response:
        token = f"graph-token-{next(self._tokens)}"
        self.issued.add(token)
        return web.json_response({"token_type": "Bearer", "expires_in": self.expires_in, "access_token": token})

    async def _client_credentials(self, request: web.Request) -> web.Response:
        self.requests.append(f"POST {request.path}")
        if self.down:
            return web.json_response({"error": "temporarily_unavailable"}, status=503)
        form = await request.post()
        if (request.match_info["tenant"] != TENANT or form.get("client_id") != APP_ID
                or form.get("client_secret") != APP_SECRET or form.get("grant_type") != "client_credentials"
                or form.get("scope") != GRAPH_SCOPE):
            return web.json_response({"error": "invalid_client"}, status=401)
        return self._issue()

    async def _managed_identity(self, request: web.Request) -> web.Response:
        self.requests.append(f"GET {request.path}")
        if self.down:
            return web.json_response({"error": "unavailable"}, status=503)
        if (request.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER
                or request.query.get("resource") != "https://graph.microsoft.com"
                or request.query.get("client_id") != APP_ID):
            return web.json_response({"error": "invalid_request"}, status=400)
        return self._issue()

    def _unauthorised(self, request: web.Request) -> web.Response | None:
        self.requests.append(f"{request.method} {request.path_qs}")
        if self.down:
            return web.json_response({"error": {"code": "serviceNotAvailable"}}, status=503)
        authorization = request.headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or authorization.removeprefix("Bearer ") not in self.issued:
            return web.json_response({"error": {"code": "InvalidAuthenticationToken"}}, status=401)
        return None

    def _refused(self, request: web.Request) -> web.Response | None:
        if (unauthorised := self._unauthorised(request)) is not None:
            return unauthorised
        if request.match_info["id"] not in self.users:
            return web.json_response({"error": {"code": "Request_ResourceNotFound"}}, status=404)
        return None

    async def _user(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        selected = request.query.get("$select", "department,companyName,officeLocation").split(",")
        return web.json_response(self._selected(request.match_info["id"], selected))

    def _selected(self, object_id: str, selected: list[str]) -> dict[str, Any]:
        user = self.users[object_id]
        body: dict[str, Any] = {"id": object_id}
        body.update({name: getattr(user, name) for name in selected if hasattr(user, name) and name != "groups"})
        return body

    async def _search(self, request: web.Request) -> web.Response:
        unauthorised = self._unauthorised(request)
        if unauthorised is not None:
            return unauthorised
        if request.headers.get("ConsistencyLevel") != "eventual":
            return web.json_response({"error": {"code": "Request_UnsupportedQuery"}}, status=400)
        search = request.query.get("$search", "")
        if not (search.startswith('"displayName:') and search.endswith('"')):
            return web.json_response({"error": {"code": "Request_UnsupportedQuery"}}, status=400)
        wanted = search[len('"displayName:'):-1].casefold().split()
        found = [object_id for object_id, user in self.users.items() if user.displayName and wanted
                 and all(any(word.startswith(part) for word in user.displayName.casefold().split())
                         for part in wanted)]
        top = int(request.query.get("$top", "100"))
        selected = request.query.get("$select", "id,displayName").split(",")
        return web.json_response({"value": [self._selected(object_id, selected) for object_id in found[:top]]})

    async def _member_of(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        groups = self.users[request.match_info["id"]].groups
        start = int(request.query.get("$skiptoken", "0"))
        page = groups[start:start + self.page_size]
        body: dict[str, Any] = {"value": [{"@odata.type": "#microsoft.graph.group", "id": group_id,
                                           "displayName": name} for group_id, name in page]}
        if start == 0:  # memberOf lists directory roles too; they place nobody
            body["value"].append({"@odata.type": "#microsoft.graph.directoryRole", "id": "role-1",
                                  "displayName": "Global Reader"})
        if start + self.page_size < len(groups):
            body["@odata.nextLink"] = (f"{self.base_url}{request.path}?$select=id,displayName&$top=100"
                                       f"&$skiptoken={start + self.page_size}")
        return web.json_response(body)

    async def _install(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if self.install_status is not None:
            return web.json_response({"error": {"code": "Forbidden"}}, status=self.install_status)
        binding = (await request.json()).get("teamsApp@odata.bind", "")
        prefix = "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/"
        if not binding.startswith(prefix) or len(binding) == len(prefix):
            return web.json_response({"error": {"code": "BadRequest"}}, status=400)
        installation = (request.match_info["id"], binding.removeprefix(prefix))
        if installation in self.installed:
            return web.json_response({"error": {"code": "Conflict"}}, status=409)
        self.installed.add(installation)
        return web.json_response({"id": f"installation-{len(self.installed)}"}, status=201)


@asynccontextmanager
async def running_graph(standin: GraphStandIn | None = None) -> AsyncIterator[GraphStandIn]:
    """The stand-in listening on a local port; its `base_url` set."""
    standin = standin or GraphStandIn()
    server = TestServer(standin.app())
    await server.start_server()
    standin.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield standin
    finally:
        await server.close()
