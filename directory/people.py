"""Finding people in the directory (Microsoft Graph): the person a contact person or representative is, read by
their Entra object id (what Teams' people picker sends) or searched by name (what an official types in chat).

The bot's app registration reads them with User.Read.All (docs/deploy.md). Failures are `DirectoryUnavailable`,
as for placement; a person not in the directory is None.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from directory.config import graph_config
from directory.graph_client import DirectoryUnavailable, GraphClient
from settings import Settings

logger = logging.getLogger("lotsen.directory")

__all__ = ["DirectoryPerson", "DirectoryUnavailable", "GraphPeople", "PeopleDirectory", "build_people_directory",
           "is_object_id", "SEARCH_LIMIT"]

# The most people a search shows: each is a button, and a card row holds six (one is "only the name").
SEARCH_LIMIT = 5
_FIELDS = "id,displayName,mail,department"
# Graph's $search takes the words in double quotes; a quote or backslash in them would end or escape that.
_NOT_IN_SEARCH = str.maketrans("", "", '"\\')


@dataclass(frozen=True)
class DirectoryPerson:
    object_id: str
    name: str  # displayName
    mail: str | None = None
    department: str | None = None


class PeopleDirectory(Protocol):
    async def person(self, object_id: str) -> DirectoryPerson | None: ...

    async def search(self, name: str) -> list[DirectoryPerson]: ...


def is_object_id(value: str) -> bool:
    """Whether `value` is an Entra object id (a GUID), as the people picker sends and the command line takes."""
    try:
        uuid.UUID(value.strip())
    except ValueError:
        return False
    return True


class GraphPeople:
    """A `PeopleDirectory` on Microsoft Graph."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client

    async def person(self, object_id: str) -> DirectoryPerson | None:
        """`GET /users/{id}`: the person, or None when the directory has nobody with that id."""
        if not is_object_id(object_id):
            return None
        body = await self._client.read(f"users/{quote(object_id.strip(), safe='')}?$select={_FIELDS}")
        return _person(body) if body is not None else None

    async def search(self, name: str) -> list[DirectoryPerson]:
        """`GET /users?$search="displayName:…"` (an advanced query: ConsistencyLevel eventual): at most
        SEARCH_LIMIT people whose display name has words beginning with those of `name`."""
        words = " ".join(name.translate(_NOT_IN_SEARCH).split())
        if not words:
            return []
        search = quote(f'"displayName:{words}"', safe="")
        body = await self._client.read(f"users?$search={search}&$select={_FIELDS}&$top={SEARCH_LIMIT}",
                                       headers={"ConsistencyLevel": "eventual"})
        values = (body or {}).get("value", [])
        if not isinstance(values, list):
            raise DirectoryUnavailable("Graph's search answer has no list of users")
        return [person for person in map(_person, values[:SEARCH_LIMIT]) if person is not None]


def _person(body: Any) -> DirectoryPerson | None:
    """A user as Graph sends it; None for one without id or name (nothing to store or show)."""
    if not isinstance(body, dict):
        raise DirectoryUnavailable("Graph's user is not a JSON object")
    object_id, name = body.get("id"), body.get("displayName")
    if not isinstance(object_id, str) or not isinstance(name, str) or not object_id or not name.strip():
        return None
    return DirectoryPerson(object_id.lower(), " ".join(name.split()), _text(body.get("mail")),
                           _text(body.get("department")))


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def build_people_directory(settings: Settings) -> PeopleDirectory | None:
    """People read from Graph when it is configured (directory/config.py), else None: contact persons are named."""
    config = graph_config(settings)
    return GraphPeople(GraphClient(config)) if config is not None else None
