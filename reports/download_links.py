"""Signed, expiring download links for the bot to show: the yearly compilation (to a KS coordinator) and an
application's informationsärende (to whoever may see the application).

The link carries everything needed to check it (what it is for, the Lotsen user id, expiry and an HMAC-SHA256
over them), so any instance of the app can serve it and no file is kept between requests: the app builds the
file again from the database when the link is opened, after checking that the user still may have it. Each kind
signs with a purpose of its own, so that a signature made for one kind never fits a link of another.

The signing secret is `settings.download_link_secret`; when it is empty, a random secret made once per process
(`_PROCESS_SECRET`, below) is used by both the `…_link_for` functions and the app's routes, so such links work
only on the instance that made them. Pure: no aiohttp, no database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from reports.compilation import FORMATS
from settings import Settings

__all__ = [
    "DEFAULT_VALID_FOR",
    "DownloadLinkError",
    "INFORMATION_ITEM_FORMAT",
    "LinkExpired",
    "LinkInvalid",
    "LinkMalformed",
    "attachment_disposition",
    "compilation_link",
    "compilation_link_for",
    "information_item_link",
    "information_item_link_for",
    "signing_secret",
    "verify_compilation_link",
    "verify_information_item_link",
]

DEFAULT_VALID_FOR = timedelta(hours=24)
MIN_YEAR, MAX_YEAR = 2000, 2200  # as storage.models.AnnualReport allows
# What each kind of link signs first, so that a signature made for anything else never fits it.
_COMPILATION = "lotsen-compilation-download-v1"
_INFORMATION_ITEM = "lotsen-information-item-download-v1"
INFORMATION_ITEM_FORMAT = "docx"
# What a secret derived from the app password is derived with: the compilation's purpose, as before there were
# other kinds, so that links already given keep working.
_DERIVATION = _COMPILATION
_DIGITS = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")

# Made once per process: links signed with it verify only in this process (see settings.DOWNLOAD_LINK_SECRET).
_PROCESS_SECRET = secrets.token_urlsafe(32)
# Without an app id the bot runs unauthenticated on a developer's machine, where anyone who can reach it may
# already act as any user: a fixed secret then costs nothing and lets `make chat` make links `make run` serves.
_LOCAL_DEVELOPMENT_SECRET = "lotsen-local-development-only"


class DownloadLinkError(Exception):
    """The link cannot be used; the message says why, in words safe to show."""


class LinkInvalid(DownloadLinkError):
    """The signature does not match what the link says (tampered with, or signed with another secret)."""


class LinkMalformed(LinkInvalid):
    """A part of the link is missing or not of its form (year or application, format, user, expiry, signature)."""


class LinkExpired(DownloadLinkError):
    """The link was genuine but its time is up: the user asks the bot for a new one."""


def signing_secret(settings: Settings) -> str:
    """The configured DOWNLOAD_LINK_SECRET; else one derived from the bot's app password, which every instance
    of the bot shares and keeps secret; else, running locally without authentication, a fixed development
    secret; else (an app id without a password, e.g. a managed identity) this process's own random one."""
    if settings.download_link_secret:
        return settings.download_link_secret
    if settings.microsoft_app_password:
        return hmac.new(settings.microsoft_app_password.encode(), _DERIVATION.encode(), hashlib.sha256).hexdigest()
    if not settings.microsoft_app_id:
        return _LOCAL_DEVELOPMENT_SECRET
    return _PROCESS_SECRET


def _signature(secret: str, purpose: str, subject: tuple[str, ...], user_id: int, expires: int) -> str:
    """The HMAC of the kind's purpose, what the link is for (year and format, or application and format), the
    user and the expiry."""
    if not secret:
        raise ValueError("an empty secret signs nothing")
    message = "\n".join((purpose, *subject, str(user_id), str(expires))).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _signed_query(secret: str, purpose: str, subject: tuple[str, ...], user_id: int, now: datetime,
                  valid_for: timedelta) -> str:
    if now.tzinfo is None:
        raise ValueError(f"Refusing naive datetime {now!r}: give a timezone-aware time")
    if valid_for <= timedelta(0):
        raise ValueError("a link must be valid for some time")
    expires = int((now + valid_for).timestamp())
    return urlencode({"user": user_id, "expires": expires,
                      "signature": _signature(secret, purpose, subject, user_id, expires)})


def _verified(secret: str, purpose: str, subject: tuple[str, ...], *, user: str | int | None,
              expires: str | int | None, signature: str | None, now: datetime) -> int:
    """The user id of a link whose subject was read already; the signature before the expiry, so that a changed
    expiry is a bad signature, not an expired link."""
    user_id = _number(user, "user")
    expires_at = _number(expires, "expiry")
    if signature is None or not _SIGNATURE.fullmatch(signature):
        raise LinkMalformed("the link's signature is missing or not 64 hexadecimal digits")
    expected = _signature(secret, purpose, subject, user_id, expires_at)
    if not hmac.compare_digest(expected, signature):
        raise LinkInvalid("the link's signature does not match")
    if now.timestamp() >= expires_at:
        raise LinkExpired("the link has expired: ask Lotsen for a new one")
    return user_id


def _check_fmt(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def compilation_link(
    base_url: str,
    secret: str,
    *,
    year: int,
    fmt: str,
    user_id: int,
    now: datetime,
    valid_for: timedelta = DEFAULT_VALID_FOR,
) -> str:
    """`{base_url}/downloads/compilation/{year}.{fmt}?user=…&expires=…&signature=…`, valid for `valid_for`."""
    _check_fmt(fmt)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    query = _signed_query(secret, _COMPILATION, (str(year), fmt), user_id, now, valid_for)
    return f"{base_url.rstrip('/')}/downloads/compilation/{quote(str(year))}.{quote(fmt)}?{query}"


def _number(value: str | int | None, what: str) -> int:
    text = str(value) if value is not None else ""
    if not _DIGITS.fullmatch(text):
        raise LinkMalformed(f"the link's {what} is missing or not a number")
    return int(text)


def verify_compilation_link(
    secret: str,
    *,
    year: str | int | None,
    fmt: str | None,
    user: str | int | None,
    expires: str | int | None,
    signature: str | None,
    now: datetime,
) -> int:
    """The Lotsen user id the link was made for; LinkMalformed, LinkInvalid or LinkExpired otherwise.

    The signature is checked before the expiry, so a changed expiry is a bad signature, not an expired link.
    """
    year_number = _number(year, "year")
    if not MIN_YEAR <= year_number <= MAX_YEAR:
        raise LinkMalformed(f"the link's year must be between {MIN_YEAR} and {MAX_YEAR}")
    if fmt not in FORMATS:
        raise LinkMalformed(f"the link's format must be one of {', '.join(FORMATS)}")
    return _verified(secret, _COMPILATION, (str(year_number), fmt), user=user, expires=expires,
                     signature=signature, now=now)


def compilation_link_for(settings: Settings, year: int, fmt: str, user_id: int, now: datetime,
                         valid_for: timedelta = DEFAULT_VALID_FOR) -> str:
    """A link for the bot to show: at PUBLIC_BASE_URL, signed with the secret the app's route verifies."""
    return compilation_link(settings.public_base_url, signing_secret(settings), year=year, fmt=fmt,
                            user_id=user_id, now=now, valid_for=valid_for)


def information_item_link(
    base_url: str,
    secret: str,
    *,
    application_id: int,
    user_id: int,
    now: datetime,
    valid_for: timedelta = DEFAULT_VALID_FOR,
) -> str:
    """`{base_url}/downloads/information-item/{application_id}.docx?user=…&expires=…&signature=…`."""
    if application_id < 1:
        raise ValueError(f"no application has the id {application_id}")
    query = _signed_query(secret, _INFORMATION_ITEM, (str(application_id), INFORMATION_ITEM_FORMAT), user_id, now,
                          valid_for)
    return f"{base_url.rstrip('/')}/downloads/information-item/{application_id}.{INFORMATION_ITEM_FORMAT}?{query}"


def verify_information_item_link(
    secret: str,
    *,
    application_id: str | int | None,
    fmt: str | None,
    user: str | int | None,
    expires: str | int | None,
    signature: str | None,
    now: datetime,
) -> int:
    """The Lotsen user id the link was made for; LinkMalformed, LinkInvalid or LinkExpired otherwise. Whether the
    user may still see the application is the caller's question (storage.access)."""
    application_number = _number(application_id, "application")
    if fmt != INFORMATION_ITEM_FORMAT:
        raise LinkMalformed(f"the link's format must be {INFORMATION_ITEM_FORMAT}")
    return _verified(secret, _INFORMATION_ITEM, (str(application_number), fmt), user=user, expires=expires,
                     signature=signature, now=now)


def information_item_link_for(settings: Settings, application_id: int, user_id: int, now: datetime,
                              valid_for: timedelta = DEFAULT_VALID_FOR) -> str:
    """A link for the bot to show: at PUBLIC_BASE_URL, signed with the secret the app's route verifies."""
    return information_item_link(settings.public_base_url, signing_secret(settings), application_id=application_id,
                                 user_id=user_id, now=now, valid_for=valid_for)


def attachment_disposition(file_name: str) -> str:
    """Content-Disposition for a download named `file_name`: the exact name (RFC 5987, UTF-8) for every browser
    of today, and an ASCII one ("Informationsarende …") for any that reads only that."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'[\x00-\x1f\x7f"\\]', "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"
