"""Outgoing Bot Framework credentials that need no Azure AD: a token we sign ourselves.

With MicrosoftAppId set, the bot asks AAD for a token before each reply. Tests cannot reach AAD, so they
hand the app this factory; the inbound validation (the thing under test) is botbuilder's, unchanged.
"""

from __future__ import annotations

from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory


class StaticTokenCredentials(AppCredentials):
    def __init__(self, app_id: str, token: str) -> None:
        super().__init__(app_id=app_id)
        self._token = token

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._token


class StaticTokenCredentialsFactory(ServiceClientCredentialsFactory):
    def __init__(self, app_id: str, token: str) -> None:
        self.app_id = app_id
        self.token = token

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority) -> AppCredentials:
        return StaticTokenCredentials(app_id, self.token)
