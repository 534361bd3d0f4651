"""Settings from environment variables, with the Bot Framework's own names."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices, ValidationError

from settings import Settings
from storage.db import DatabaseTimeouts


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


def test_public_base_url_defaults_to_this_machine_at_port(monkeypatch):
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("PUBLIC_BASE_URL", "")
    assert Settings(_env_file=None).public_base_url == "http://localhost:8080"
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://lotsen.malmo.se/")
    assert Settings(_env_file=None).public_base_url == "https://lotsen.malmo.se"  # links append their own path


@pytest.mark.parametrize("value", ["lotsen.malmo.se", "ftp://lotsen.malmo.se", "https://lotsen malmo"])
def test_a_public_base_url_is_an_http_address(monkeypatch, value):
    monkeypatch.setenv("PUBLIC_BASE_URL", value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_the_download_link_secret_is_read_and_never_shown(monkeypatch):
    assert Settings(_env_file=None).download_link_secret == ""  # then a secret made by this process is used
    monkeypatch.setenv("DOWNLOAD_LINK_SECRET", "shared by every instance")
    settings = Settings(_env_file=None)
    assert settings.download_link_secret == "shared by every instance"
    assert "shared by every instance" not in repr(settings)


def _variable_names() -> set[str]:
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names.add(alias.choices[0] if isinstance(alias, AliasChoices) else alias)
    return names


def test_env_example_lists_every_variable_with_a_comment_above_it():
    lines = (Path(__file__).resolve().parents[1] / ".env.example").read_text(encoding="utf-8").splitlines()
    assignments = {line.split("=", 1)[0]: number for number, line in enumerate(lines)
                   if line and not line.startswith("#")}
    assert set(assignments) == _variable_names()
    for name, number in assignments.items():
        above = lines[number - 1]
        # PORT shares HOST's comment ("Address and port to listen on").
        assert above.startswith("# ") or lines[number - 1].split("=", 1)[0] == "HOST", name


def test_settings_give_the_timeouts_and_migrations_do_without_the_statement_limits(monkeypatch) -> None:
    for name, value in {"DATABASE_CONNECT_TIMEOUT": "2", "DATABASE_STATEMENT_TIMEOUT": "4.5",
                        "DATABASE_LOCK_TIMEOUT": "1", "DATABASE_COMMAND_TIMEOUT": "0"}.items():
        monkeypatch.setenv(name, value)
    timeouts = Settings(_env_file=None).database_timeouts
    assert timeouts == DatabaseTimeouts(connect=2, statement=4.5, lock=1, command=0)
    assert timeouts.connect_args() == {"timeout": 2, "server_settings": {"statement_timeout": "4500",
                                                                         "lock_timeout": "1000"}}
    assert timeouts.for_migrations() == DatabaseTimeouts(connect=2, statement=0, lock=0, command=0)


def test_a_single_tenant_bot_without_its_tenant_is_refused_at_start_up(monkeypatch):
    with pytest.raises(ValueError, match="MicrosoftAppTenantId"):
        Settings(_env_file=None, microsoft_app_id="app-id", microsoft_app_type="SingleTenant")
    # A local run without credentials: the type does not matter, and botbuilder runs anonymously.
    assert not Settings(_env_file=None, microsoft_app_type="SingleTenant").authentication_enabled


def test_the_example_configuration_makes_a_new_registration_single_tenant():
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text(encoding="utf-8")
    assert "\nMicrosoftAppType=SingleTenant\n" in example
