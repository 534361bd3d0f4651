"""Bot Framework authentication for Lotsen: botbuilder's own token validation, pooled outgoing clients.

Inbound tokens are validated by botbuilder's `ConfigurationBotFrameworkAuthentication`, always with the
public-cloud parameters spelled out, so that the OpenID metadata address can be pointed elsewhere (tests use a
local endpoint with their own signing key) while exercising the same validation code as production.
"""

from __future__ import annotations

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)

from bot.connector import ConnectorClientPool, PooledConnectorFactory
from settings import Settings


class AuthenticationFailed(Exception):
    """The request's bearer token is missing, malformed, forged, expired or meant for another bot."""


class BotConfiguration:
    """The attribute names botbuilder's configuration-driven classes read, filled from our settings."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.microsoft_app_id
        self.APP_PASSWORD = settings.microsoft_app_password
        # Without an app id there are no credentials to be single-tenant with: botbuilder's anonymous mode is its
        # multi-tenant one (a local run, the Playground).
        self.APP_TYPE = settings.microsoft_app_type if settings.authentication_enabled else "MultiTenant"
        self.APP_TENANTID = settings.microsoft_app_tenant_id
        self.VALIDATE_AUTHORITY = True
        self.TO_CHANNEL_FROM_BOT_LOGIN_URL = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL
        self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
        self.OAUTH_URL = AuthenticationConstants.OAUTH_URL
        self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = (
            settings.openid_metadata_url or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
        )
        self.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL = (
            AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
        )
        self.CALLER_ID = CallerIdConstants.public_azure_channel


def _app_id(claims_identity: ClaimsIdentity) -> str:
    # Channel tokens carry the bot's id as audience; anonymous (auth disabled) identities carry none.
    return (
        claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
        or claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
        or ""
    )


class LotsenAuthentication(ConfigurationBotFrameworkAuthentication):
    """Validates like botbuilder, but hands out connector and user-token clients that live across turns."""

    def __init__(self, settings: Settings, credentials_factory: ServiceClientCredentialsFactory | None = None):
        configuration = BotConfiguration(settings)
        super().__init__(configuration, credentials_factory=credentials_factory)
        self._authentication_enabled = settings.authentication_enabled
        # The inner, parameterized authentication owns the credentials factory botbuilder built for us.
        self._credentials_factory: ServiceClientCredentialsFactory = self._inner._credentials_factory
        self.connector_pool = ConnectorClientPool(
            self._credentials_factory,
            login_endpoint=configuration.TO_CHANNEL_FROM_BOT_LOGIN_URL,
            validate_authority=configuration.VALIDATE_AUTHORITY,
            default_audience=configuration.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        )
        self._connector_factories: dict[str, PooledConnectorFactory] = {}
        self._user_token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        if self._authentication_enabled and not auth_header.startswith("Bearer "):
            raise AuthenticationFailed("missing bearer token")
        try:
            result = await super().authenticate_request(activity, auth_header or None)
        except Exception as error:  # botbuilder raises PermissionError, jwt errors, IndexError for unknown keys…
            raise AuthenticationFailed(f"{type(error).__name__}: {error}") from error
        if self._authentication_enabled and not result.claims_identity.is_authenticated:
            raise AuthenticationFailed("token not authenticated")
        result.connector_factory = self.create_connector_factory(result.claims_identity)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        app_id = _app_id(claims_identity)
        factory = self._connector_factories.get(app_id)
        if factory is None:
            factory = self._connector_factories[app_id] = PooledConnectorFactory(self.connector_pool, app_id)
        return factory

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = _app_id(claims_identity)
        client = self._user_token_clients.get(app_id)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._user_token_clients[app_id] = client
        return client

    async def close(self) -> None:
        await self.connector_pool.close()
