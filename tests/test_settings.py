"""Settings from environment variables, with the Bot Framework's own names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from settings import Settings


def test_bot_framework_names_and_lists(monkeypatch):
    monkeypatch.setenv("MicrosoftAppId", "app-id")
    monkeypatch.setenv("MicrosoftAppType", "SingleTenant")
    monkeypatch.setenv("MicrosoftAppTenantId", "tenant")
    monkeypatch.setenv("ALLOWED_TENANT_IDS", " a , b,, ")
    monkeypatch.setenv("log_level", "debug")
    settings = Settings(_env_file=None)
    assert settings.microsoft_app_id == "app-id"
    assert settings.microsoft_app_type == "SingleTenant"
    assert settings.authentication_enabled
    assert settings.allowed_tenant_ids == frozenset({"a", "b"})
    assert settings.log_level == "DEBUG"


def test_empty_values_mean_the_default(monkeypatch):
    for name in ("EUR_SEK_RATE", "AUTO_MIGRATE", "PORT", "MicrosoftAppId"):
        monkeypatch.setenv(name, "")
    settings = Settings(_env_file=None)
    assert settings.eur_sek_rate is None
    assert settings.port == 3978
    assert not settings.authentication_enabled
    assert settings.should_auto_migrate  # SQLite by default


def test_postgres_is_not_migrated_at_start_up_unless_asked():
    assert not Settings(_env_file=None, database_url="postgresql+asyncpg://db/lotsen").should_auto_migrate
    assert Settings(_env_file=None, database_url="postgresql+asyncpg://db/lotsen", auto_migrate=True).should_auto_migrate


@pytest.mark.parametrize("name, value", [("PORT", "0"), ("MicrosoftAppType", "Anything"), ("EUR_SEK_RATE", "-1")])
def test_bad_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)
