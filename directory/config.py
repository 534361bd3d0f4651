"""Whether Lotsen places users from the directory, and the placer built from the settings (None: it does not,
and everything is as before: administrators place users)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from directory.graph_client import IMDS_TOKEN_URL, GraphClient, GraphConfig
from directory.mapping import DEFAULT_MAPPING_PATH, load_mapping_file
from directory.placement import DirectoryPlacer
from settings import Settings
from storage.models import DirectorySource, utc_now

logger = logging.getLogger("lotsen.directory")

LOGIN_URL = "https://login.microsoftonline.com"


def directory_source(settings: Settings) -> DirectorySource:
    """The source mappings are added for when none is named (the command line, the chat)."""
    return DirectorySource(settings.directory_source or DirectorySource.DEPARTMENT.value)


def mapping_path(settings: Settings) -> Path:
    return Path(settings.directory_mapping_file) if settings.directory_mapping_file else DEFAULT_MAPPING_PATH


def graph_config(settings: Settings) -> GraphConfig | None:
    """How to reach Graph with the bot's app registration, or None (and why, logged) when it cannot be."""
    if settings.graph_enabled is False:
        return None
    if settings.graph_enabled is None and not settings.directory_source:
        return None
    managed = settings.microsoft_app_type == "UserAssignedMSI"
    if not settings.microsoft_app_id or not (managed or settings.microsoft_app_password):
        _not_configured(settings, "the bot has no app id and secret (or managed identity) to ask Graph with")
        return None
    if managed:
        token_url = settings.graph_token_url or settings.identity_endpoint or IMDS_TOKEN_URL
        return GraphConfig(client_id=settings.microsoft_app_id, token_url=token_url, managed_identity=True,
                           identity_header=settings.identity_header, base_url=settings.graph_base_url,
                           timeout_seconds=settings.graph_timeout_seconds)
    tenant = settings.graph_tenant_id or settings.microsoft_app_tenant_id
    if not tenant and not settings.graph_token_url:
        _not_configured(settings, "no tenant: set GRAPH_TENANT_ID (or MicrosoftAppTenantId)")
        return None
    token_url = settings.graph_token_url or f"{LOGIN_URL}/{tenant}/oauth2/v2.0/token"
    return GraphConfig(client_id=settings.microsoft_app_id, client_secret=settings.microsoft_app_password,
                       token_url=token_url, base_url=settings.graph_base_url,
                       timeout_seconds=settings.graph_timeout_seconds)


def build_directory_placer(settings: Settings, clock: Callable[[], datetime] | None = None) -> DirectoryPlacer | None:
    """The placer the bot runs when a user is first seen, or None when Graph is not configured."""
    config = graph_config(settings)
    if config is None:
        return None
    source = directory_source(settings)
    logger.info("users without organisation are placed from the directory (%s)", source.value)
    return DirectoryPlacer(GraphClient(config), source, load_mapping_file(mapping_path(settings)),
                           clock=clock or utc_now)


def _not_configured(settings: Settings, why: str) -> None:
    level = logging.WARNING if settings.graph_enabled else logging.INFO
    logger.log(level, "users are not placed from the directory: %s", why)
