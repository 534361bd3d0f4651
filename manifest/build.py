"""Builds Lotsen's Teams app package: manifest.json, its localization file(s) and the two icons in one zip.

`manifest.template.json` is the manifest itself, with `{{MicrosoftAppId}}` where the bot's Microsoft App ID
goes (both the Teams app `id` and the bot's `botId`: one bot, one registration). Everything that is
shipped next to the manifest is read from the manifest's own references (`icons`, `localizationInfo`), so
adding a language means adding its file and one `additionalLanguages` entry in the template.

Only the standard library is used here (plus `settings` when the app id comes from the environment), so a
production install without the test dependencies can build the package.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

MANIFEST_DIR = Path(__file__).resolve().parent
TEMPLATE_FILE = MANIFEST_DIR / "manifest.template.json"
DEFAULT_OUT = Path("build") / "lotsen-teams.zip"
MANIFEST_NAME = "manifest.json"
APP_ID_PLACEHOLDER = "{{MicrosoftAppId}}"

_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")
# The same pattern as the manifest schema's `guid` definition.
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# Teams wants MAJOR.MINOR.PATCH, numbers only (no pre-release or build suffix).
_VERSION = re.compile(r"^(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})$")
# A host name, optionally with a leading wildcard label; no scheme, port or path (as Teams expects).
_DOMAIN = re.compile(r"^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
# A fixed timestamp makes the zip depend only on its contents.
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class ManifestError(ValueError):
    """A problem with the input to the build, described in one line for the command line."""


def load_template() -> dict[str, Any]:
    with TEMPLATE_FILE.open(encoding="utf-8") as file:
        return json.load(file)


def resolve_app_id(app_id: str | None = None) -> str:
    """The app id to use: `app_id` if given, else `MicrosoftAppId` from settings; checked to be a GUID."""
    if app_id is None:
        app_id = _app_id_from_settings()
    app_id = app_id.strip()
    if not app_id:
        raise ManifestError(
            "no app id: pass --app-id GUID or set MicrosoftAppId (the bot's Microsoft App ID) "
            "in the environment or in .env"
        )
    if not _GUID.fullmatch(app_id):
        raise ManifestError(
            f"app id {app_id!r} is not a GUID (expected the form 00000000-0000-0000-0000-000000000000)"
        )
    return app_id.lower()


def _app_id_from_settings() -> str:
    try:
        from settings import Settings
    except ModuleNotFoundError as error:
        if error.name != "settings":
            raise
        raise ManifestError("settings.py not found: run from the repository root or pass --app-id") from None
    from pydantic import ValidationError

    try:
        return Settings().microsoft_app_id
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}" for problem in error.errors()
        )
        raise ManifestError(f"invalid settings ({problems}); pass --app-id to build anyway") from None


def render_manifest(
    app_id: str, version: str | None = None, valid_domains: Sequence[str] = ()
) -> dict[str, Any]:
    """The manifest for `app_id` (a GUID, see `resolve_app_id`), optionally with another version and domains."""
    if not _GUID.fullmatch(app_id):
        raise ManifestError(f"app id {app_id!r} is not a GUID")
    manifest = _replace_strings(load_template(), {APP_ID_PLACEHOLDER: app_id})
    if version is not None:
        if not _VERSION.fullmatch(version):
            raise ManifestError(f"version {version!r} is not of the form MAJOR.MINOR.PATCH, e.g. 1.2.0")
        manifest["version"] = version
    for domain in valid_domains:
        if not _DOMAIN.fullmatch(domain):
            raise ManifestError(
                f"valid domain {domain!r} is not a host name such as lotsen.malmo.se or *.malmo.se "
                "(no https://, port or path)"
            )
    manifest["validDomains"] = list(dict.fromkeys(domain.lower() for domain in valid_domains))
    leftovers = sorted(set(_placeholders(manifest)))
    if leftovers:
        raise ManifestError(f"{TEMPLATE_FILE.name} has placeholders the build does not fill: {', '.join(leftovers)}")
    return manifest


def package_files(manifest: dict[str, Any]) -> list[str]:
    """The files the manifest refers to and which therefore ship next to it, in a stable order."""
    localization = manifest.get("localizationInfo", {})
    names = [
        *([localization["defaultLanguageFile"]] if "defaultLanguageFile" in localization else []),
        *(language["file"] for language in localization.get("additionalLanguages", [])),
        manifest["icons"]["color"],
        manifest["icons"]["outline"],
        *([manifest["icons"]["color32x32"]] if "color32x32" in manifest["icons"] else []),
    ]
    return list(dict.fromkeys(names))


def build_package(
    app_id: str | None = None,
    out: Path | str = DEFAULT_OUT,
    version: str | None = None,
    valid_domains: Sequence[str] = (),
) -> Path:
    """Write the Teams app package to `out` (relative paths are relative to the working directory).

    Raises `ManifestError` for a missing or malformed app id, version or domain and for missing files.
    """
    out = Path(out)
    manifest = render_manifest(resolve_app_id(app_id), version, valid_domains)
    entries: list[tuple[str, bytes]] = [
        (MANIFEST_NAME, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    ]
    for name in package_files(manifest):
        source = MANIFEST_DIR / name
        if Path(name).name != name or not source.is_file():
            hint = " (run `python -m manifest icons`)" if name.endswith(".png") else ""
            raise ManifestError(f"the manifest refers to {name!r}, which is not a file in manifest/{hint}")
        entries.append((name, source.read_bytes()))
    if out.is_dir():
        raise ManifestError(f"{out} is a directory; --out takes the path of the zip file to write")
    _write_zip(out, entries)
    return out


def _write_zip(out: Path, entries: Iterable[tuple[str, bytes]]) -> None:
    """Write the zip next to `out` and move it into place, so a failed build never leaves half a package."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w") as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        os.chmod(temporary, 0o644)  # mkstemp creates the file private to its owner
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _replace_strings(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _replace_strings(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_strings(item, replacements) for item in value]
    if isinstance(value, str):
        for placeholder, replacement in replacements.items():
            value = value.replace(placeholder, replacement)
    return value


def _placeholders(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _placeholders(item)
    elif isinstance(value, list):
        for item in value:
            yield from _placeholders(item)
    elif isinstance(value, str):
        yield from _PLACEHOLDER.findall(value)
