"""Lotsen's tables, one module per aggregate; every model, enum and column helper is importable from here.

The schema itself is created and changed only by the migrations in `storage/migrations/`, which compare against
`Base.metadata`: importing this package registers every table on it.
"""

from __future__ import annotations

from storage.application_data import ApplicationStatus, InformationItemStatus, MalmoRole
from storage.models.annual_reports import (
    OPEN_ANNUAL_REPORT_STATUSES,
    AnnualReport,
    AnnualReportEvent,
    AnnualReportEventKind,
    AnnualReportItem,
    AnnualReportItemKind,
    AnnualReportStatus,
    FocusArea,
)
from storage.models.applications import (
    Application,
    ApplicationEvent,
    ApplicationEventKind,
    InformationItem,
    RegistrationDraft,
)
from storage.models.audit import AuditEvent, AuditEventKind, AuditSubjectType
from storage.models.base import (
    NAMING_CONVENTION,
    Base,
    JsonDocument,
    LeaseColumns,
    OneRecipient,
    UtcDateTime,
    utc_now,
)
from storage.models.directory import DirectoryLookup, DirectoryMapping, DirectoryOutcome, DirectorySource
from storage.models.notices import Notice, NoticeKind, NoticeState
from storage.models.organisations import ContactPerson, Organisation, OrganisationKind, Role, User
from storage.models.policy_learning import (
    NORMALISED_QUESTION_MAX_LENGTH,
    AnswerFeedback,
    Clarification,
    TaughtQuestion,
    UnansweredQuestion,
)
from storage.models.reminders import (
    CLAIMABLE_REMINDER_STATES,
    Reminder,
    ReminderKind,
    ReminderPause,
    ReminderState,
    ReminderSubjectType,
)
from storage.models.state import (
    STATE_KEY_MAX_LENGTH,
    BotStateRecord,
    ConversationReferenceRecord,
    ConversationType,
    ProcessedActivity,
    TurnReplies,
)

__all__ = [
    "CLAIMABLE_REMINDER_STATES",
    "NAMING_CONVENTION",
    "NORMALISED_QUESTION_MAX_LENGTH",
    "OPEN_ANNUAL_REPORT_STATUSES",
    "STATE_KEY_MAX_LENGTH",
    "AnnualReport",
    "AnnualReportEvent",
    "AnnualReportEventKind",
    "AnnualReportItem",
    "AnnualReportItemKind",
    "AnnualReportStatus",
    "AnswerFeedback",
    "Application",
    "ApplicationEvent",
    "ApplicationEventKind",
    "ApplicationStatus",
    "AuditEvent",
    "AuditEventKind",
    "AuditSubjectType",
    "Base",
    "BotStateRecord",
    "Clarification",
    "ContactPerson",
    "ConversationReferenceRecord",
    "ConversationType",
    "DirectoryLookup",
    "DirectoryMapping",
    "DirectoryOutcome",
    "DirectorySource",
    "FocusArea",
    "InformationItem",
    "InformationItemStatus",
    "JsonDocument",
    "LeaseColumns",
    "MalmoRole",
    "Notice",
    "NoticeKind",
    "NoticeState",
    "OneRecipient",
    "Organisation",
    "OrganisationKind",
    "ProcessedActivity",
    "RegistrationDraft",
    "Reminder",
    "ReminderKind",
    "ReminderPause",
    "ReminderState",
    "ReminderSubjectType",
    "Role",
    "TaughtQuestion",
    "TurnReplies",
    "UnansweredQuestion",
    "User",
    "UtcDateTime",
    "utc_now",
]
