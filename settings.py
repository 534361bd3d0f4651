"""Lotsen's configuration, read from environment variables (and an optional `.env` file).

The Bot Framework variables keep the names the Azure Bot Service and the botbuilder samples use
(`MicrosoftAppId`, …) so that an existing bot registration's settings can be pasted in unchanged.
Every variable is listed, with one line of explanation, in `.env.example`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

from storage.db import DatabaseTimeouts

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/lotsen.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True)

    microsoft_app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"))
    microsoft_app_password: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    # A new Azure Bot registration is SingleTenant or a managed identity (UserAssignedMSI): .env.example and
    # docs/deploy.md set SingleTenant. Unset, MultiTenant, which older registrations are; without an app id (a
    # local run) the type is not used at all: no authentication.
    microsoft_app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        "MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    microsoft_app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    # None means "decide by database": migrate automatically on SQLite, not on PostgreSQL.
    auto_migrate: bool | None = Field(None, validation_alias="AUTO_MIGRATE")
    host: str = Field("127.0.0.1", validation_alias="HOST")
    port: int = Field(3978, ge=1, le=65535, validation_alias="PORT")
    allowed_tenant_ids: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias="ALLOWED_TENANT_IDS"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", validation_alias="LOG_LEVEL")
    # The largest HTTP request body; larger ones get 413. Teams sends at most about 28 KB of text, so this leaves
    # room for its envelope; what a typed message may be is bounded further in bot/message_limits.py.
    max_body_bytes: int = Field(256 * 1024, ge=1024, validation_alias="MAX_BODY_BYTES")
    # Seconds a request may take to send its body after its headers; a client that never sends it (slow loris)
    # gets 408 and its connection is closed instead of holding it open.
    request_body_timeout: float = Field(10.0, gt=0, validation_alias="REQUEST_BODY_TIMEOUT")
    # PostgreSQL timeouts in seconds (storage.db.DatabaseTimeouts), so that a database that stops answering
    # fails a turn with a clear error within seconds instead of holding it for minutes. 0: no limit.
    database_connect_timeout: float = Field(DatabaseTimeouts.connect, ge=0,
                                            validation_alias="DATABASE_CONNECT_TIMEOUT")
    database_statement_timeout: float = Field(DatabaseTimeouts.statement, ge=0,
                                              validation_alias="DATABASE_STATEMENT_TIMEOUT")
    database_lock_timeout: float = Field(DatabaseTimeouts.lock, ge=0, validation_alias="DATABASE_LOCK_TIMEOUT")
    database_command_timeout: float = Field(DatabaseTimeouts.command, ge=0,
                                            validation_alias="DATABASE_COMMAND_TIMEOUT")
    # Where the Bot Framework publishes its token signing keys. Only tests and sovereign clouds change it.
    openid_metadata_url: str = Field("", validation_alias="BOT_OPENID_METADATA_URL")
    # SEK per EUR for converting budgets given in euro (policy 4.1 states its threshold in SEK).
    # Unset: the default rate kept with the policy parameters (policy/data/parameters.yaml).
    eur_sek_rate: float | None = Field(None, gt=0, validation_alias="EUR_SEK_RATE")

    # The Teams channel or chat of kommunstyrelsens förvaltning that Lotsen informs about EU applications
    # (policy 4.1). Lotsen must be installed there; "konversations-id" written there shows the id.
    ks_administration_conversation_id: str = Field("", validation_alias="KS_ADMINISTRATION_CONVERSATION_ID")
    # Notices to KS förvaltning and to submitters go out at once after the change they are about; one that
    # could not be delivered is tried again (with backoff) by a round every this many seconds.
    notice_poll_seconds: float = Field(30.0, gt=0, validation_alias="NOTICE_POLL_SECONDS")
    # How long an instance holds a notice it is posting; one that died mid-post leaves it to others after this.
    notice_lease_seconds: float = Field(120.0, gt=0, validation_alias="NOTICE_LEASE_SECONDS")

    # Reminders (issue: proactive reminders). The annual report's deadline each year, as MM-DD: the policy says
    # "årligen" and leaves the date to the city.
    annual_report_deadline: str = Field("03-31", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
                                        validation_alias="ANNUAL_REPORT_DEADLINE")
    # The hour (Europe/Stockholm) at which the day's reminders go out.
    reminder_hour: int = Field(9, ge=0, le=23, validation_alias="REMINDER_HOUR")
    # How often the scheduler looks for due reminders; 0 turns the in-app scheduler off.
    reminder_poll_seconds: float = Field(30.0, ge=0, validation_alias="REMINDER_POLL_SECONDS")

    # Downloads (issue 7): the address Teams users reach the app at, for the links the bot shows (the yearly
    # compilation). Empty: http://localhost:{PORT}, which only works on the machine the app runs on.
    public_base_url: str = Field("", pattern=r"^(https?://\S+)?$", validation_alias="PUBLIC_BASE_URL")
    # The secret that signs download links. Empty: one derived from MicrosoftAppPassword (the same on every
    # instance of the bot); without an app id (local, unauthenticated) a fixed development secret; with an app
    # id but no password, a random secret per process, so links work only on the instance that made them.
    download_link_secret: str = Field("", repr=False, validation_alias="DOWNLOAD_LINK_SECRET")
    # The Word template of the informationsärende (reports/information_document.py), for KS förvaltning's own
    # version kept outside the code. Empty: reports/templates/informationsarende.docx.
    information_item_template: str = Field("", validation_alias="INFORMATION_ITEM_TEMPLATE")

    # Operating Lotsen (README "Drift och övervakning"). How `serve` logs: json, one JSON object a line with the
    # turn's ids (for a log collector), or text (for a terminal). Unset: json when MicrosoftAppId is set (a
    # registered bot), text without one (local use, `make run`). Telemetry is set by the OTEL_* variables.
    log_format: Literal["json", "text"] | None = Field(None, validation_alias="LOG_FORMAT")

    @field_validator("allowed_tenant_ids", mode="before")
    @classmethod
    def _split_tenants(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _tenant_for_a_single_tenant_bot(self) -> "Settings":
        # Said at start-up, not at the first reply, when botbuilder would ask for a token it cannot get.
        if self.microsoft_app_id and self.microsoft_app_type == "SingleTenant" and not self.microsoft_app_tenant_id:
            raise ValueError("MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId, the Entra tenant of the "
                             "bot's app registration (or MicrosoftAppType=MultiTenant for an older, multi-tenant "
                             "registration)")
        return self

    @model_validator(mode="after")
    def _default_public_base_url(self) -> "Settings":
        self.public_base_url = (self.public_base_url or f"http://localhost:{self.port}").rstrip("/")
        return self

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_timeouts(self) -> DatabaseTimeouts:
        return DatabaseTimeouts(connect=self.database_connect_timeout, statement=self.database_statement_timeout,
                                lock=self.database_lock_timeout, command=self.database_command_timeout)

    @property
    def should_auto_migrate(self) -> bool:
        return self.is_sqlite if self.auto_migrate is None else self.auto_migrate

    @property
    def authentication_enabled(self) -> bool:
        """Without an app id the bot runs unauthenticated, as for local testing in the Playground."""
        return bool(self.microsoft_app_id)

    # Placing users from the directory (directory/): a user without organisation is looked up in Entra ID through
    # Microsoft Graph, with the bot's own app registration, and placed by storage/data/directory-mapping.yaml
    # and the administrators' mappings. GRAPH_ENABLED unset: on when the bot has credentials and DIRECTORY_SOURCE
    # is set; false: off whatever else is set (then only administrators place users, as before).
    graph_enabled: bool | None = Field(None, validation_alias="GRAPH_ENABLED")
    # Which attribute says where a user works: department, companyName, officeLocation, or group (membership).
    directory_source: Literal["department", "companyName", "officeLocation", "group"] | None = Field(
        None, validation_alias="DIRECTORY_SOURCE")
    # The city's tenant, whose directory is read. Empty: MicrosoftAppTenantId.
    graph_tenant_id: str = Field("", validation_alias="GRAPH_TENANT_ID")
    # Graph and its token endpoint; only tests and sovereign clouds change them. An empty token URL:
    # https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token, or the managed identity's endpoint.
    graph_base_url: str = Field("https://graph.microsoft.com/v1.0", pattern=r"^https?://\S+$",
                                validation_alias="GRAPH_BASE_URL")
    graph_token_url: str = Field("", pattern=r"^(https?://\S+)?$", validation_alias="GRAPH_TOKEN_URL")
    # How long a lookup (token and Graph together) may take; it happens in a user's first turn of the day.
    graph_timeout_seconds: float = Field(4.0, gt=0, le=10, validation_alias="GRAPH_TIMEOUT_SECONDS")
    # The mapping file. Empty: storage/data/directory-mapping.yaml.
    directory_mapping_file: str = Field("", validation_alias="DIRECTORY_MAPPING_FILE")
    # Set by App Service and Container Apps for a managed identity (MicrosoftAppType=UserAssignedMSI).
    identity_endpoint: str = Field("", validation_alias="IDENTITY_ENDPOINT")
    identity_header: str = Field("", repr=False, validation_alias="IDENTITY_HEADER")
    # Reminders to people who never opened Lotsen (bot/proactive_install.py): Lotsen is installed for them through
    # Graph (TeamsAppInstallation.ReadWriteForUser.All) and their 1:1 chat created. The app's id in the tenant's
    # app catalog (Teams admin center → Manage apps → Lotsen → App ID); empty: no installation, such reminders fail
    # as before. The connector's address for a new chat when no stored conversation of the tenant tells it.
    teams_app_catalog_id: str = Field("", validation_alias="TEAMS_APP_CATALOG_ID")
    teams_service_url: str = Field("https://smba.trafficmanager.net/emea/", pattern=r"^https?://\S+$",
                                   validation_alias="TEAMS_SERVICE_URL")
