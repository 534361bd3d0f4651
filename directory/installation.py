"""Installing Lotsen for a user through Microsoft Graph (proactive installation), so that a reminder reaches
someone who never opened it: `POST /users/{id}/teamwork/installedApps` with the app's id in the tenant's app
catalog, under the application permission TeamsAppInstallation.ReadWriteForUser.All (docs/deploy.md).

Graph's answer is read as what the sender should do: installed now or already (201, 409) → create the chat;
refused (403: the permission is missing, or the tenant's app policy blocks Lotsen for the user) or the user not
in the directory (404) → the person cannot be reached; anything else (429, 5xx, a timeout, no token) is passing:
`DirectoryUnavailable`, tried again later. No botbuilder here: creating the chat is the connector's (bot/).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from urllib.parse import quote

from directory.config import graph_config
from directory.graph_client import DEFAULT_GRAPH_BASE_URL, DirectoryUnavailable, GraphClient
from settings import Settings

logger = logging.getLogger("lotsen.directory")

__all__ = ["AppInstallation", "DirectoryUnavailable", "Installation", "InstallResult", "build_app_installation"]


class InstallResult(enum.StrEnum):
    INSTALLED = "installed"  # 201: installed now
    ALREADY_INSTALLED = "already_installed"  # 409: it was (the user removed the chat, or another instance won)
    REFUSED = "refused"  # 403: not allowed for this user
    UNKNOWN_USER = "unknown_user"  # 404: nobody with that object id in the directory

    @property
    def installed(self) -> bool:
        return self in (InstallResult.INSTALLED, InstallResult.ALREADY_INSTALLED)


@dataclass(frozen=True)
class Installation:
    result: InstallResult
    status: int  # Graph's HTTP status, kept for the reason a reminder records


_RESULTS = {201: InstallResult.INSTALLED, 409: InstallResult.ALREADY_INSTALLED, 403: InstallResult.REFUSED,
            404: InstallResult.UNKNOWN_USER}


class AppInstallation:
    """Installs the catalog app `catalog_id` for users, with the bot's own app registration."""

    def __init__(self, client: GraphClient, catalog_id: str) -> None:
        if not catalog_id:
            raise ValueError("the app's id in the tenant's app catalog is required")
        self._client = client
        # Graph wants the app bound by its absolute address in Graph's own namespace, whatever URL it is asked at.
        self._binding = f"{DEFAULT_GRAPH_BASE_URL}/appCatalogs/teamsApps/{quote(catalog_id, safe='')}"

    async def install_for(self, object_id: str) -> Installation:
        """Installs Lotsen for the user with Entra object id `object_id`. Raises `DirectoryUnavailable` for
        anything passing (Graph down, throttled, no token)."""
        if not object_id:
            raise ValueError("the user's Entra object id is required")
        status = await self._client.post(f"users/{quote(object_id, safe='')}/teamwork/installedApps",
                                         {"teamsApp@odata.bind": self._binding})
        result = _RESULTS.get(status)
        if result is None:
            raise DirectoryUnavailable(f"Graph answered {status} to installing Lotsen")
        if not result.installed:
            logger.warning("Lotsen could not be installed for user %s: Graph answered %d", object_id, status)
        return Installation(result, status)


def build_app_installation(settings: Settings) -> AppInstallation | None:
    """The installation as configured, or None: no TEAMS_APP_CATALOG_ID, Graph turned off (GRAPH_ENABLED=false),
    or no credentials to ask it with. The catalog id alone turns Graph on for this (placement need not be)."""
    if not settings.teams_app_catalog_id or settings.graph_enabled is False:
        return None
    config = graph_config(settings if settings.graph_enabled else settings.model_copy(update={"graph_enabled": True}))
    if config is None:
        logger.warning("TEAMS_APP_CATALOG_ID is set but Graph cannot be asked: Lotsen is not installed for anyone")
        return None
    logger.info("reminders to people without a chat with Lotsen install it for them first")
    return AppInstallation(GraphClient(config), settings.teams_app_catalog_id)
