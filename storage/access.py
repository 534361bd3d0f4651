"""Who may see and change which EU application (policy: officials their own organisation's, KS all).

One rule, in one place, so that every repository function and every dialog asks the same question.
"""

from __future__ import annotations

from storage.models import Application, Role, User

__all__ = [
    "AccessDenied",
    "NotFound",
    "can_change_application",
    "can_manage_users",
    "can_see_all_organisations",
    "can_view_application",
]

_SEES_ALL = frozenset({Role.KS_COORDINATOR, Role.ADMIN})


class AccessDenied(Exception):
    """The user may not do this. The message names ids only, never content, so it is safe to show or log."""


class NotFound(LookupError):
    """What was asked for does not exist (the message says what was looked for)."""


def can_see_all_organisations(user: User) -> bool:
    """KS coordinators and administrators see every organisation's applications."""
    return user.role in _SEES_ALL


def can_manage_users(user: User) -> bool:
    """Only administrators change other users' roles and organisations from the chat (never into admin)."""
    return user.role == Role.ADMIN


def can_view_application(user: User, application: Application) -> bool:
    if can_see_all_organisations(user):
        return True
    # The organisation an administrator has placed the user in decides. Until they are placed, a user sees
    # what they registered themselves (and nothing of anyone else's); once placed, only their organisation's:
    # an official moved to another nämnd no longer sees or changes the old one's applications.
    if user.organisation_id is None:
        return application.created_by_user_id is not None and application.created_by_user_id == user.id
    return user.organisation_id == application.organisation_id


def can_change_application(user: User, application: Application) -> bool:
    """The same rule as viewing: whoever may see an application is its organisation (or KS) and may act on it."""
    return can_view_application(user, application)
