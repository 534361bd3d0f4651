"""Offline validation against the Teams JSON schemas pinned in manifest/schema (npm @microsoft/app-manifest).

The schemas declare JSON Schema draft-04, but Microsoft's own validator (the package's
`AppManifestUtils.validateAgainstSchema`) runs them through Ajv's draft-04 mode, which also knows `const`
and `if`/`then` and applies keywords that stand next to a `$ref`. The schemas rely on all three (e.g.
`manifestVersion` is a `const`; the localization schema puts `maxLength` beside `$ref`), so the validator
built here is jsonschema's draft-04 validator with those keywords added and `$ref` siblings applied, and
with checks for the three formats the package enables ("uri", "email", "regex"; jsonschema would skip
"uri" without an optional dependency). References are resolved only inside the schema file: the registry
refuses every retrieval, so nothing is fetched from the network.

Python's `re` is not ECMAScript: a few patterns (`\\p{L}` in Office add-in `extensions`, which Lotsen does not
use) cannot be evaluated here. `manifest/schema/validate.cjs` runs the real Ajv configuration; the tests
use it as a second opinion on the manifest.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from operator import methodcaller
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import referencing.jsonschema
from referencing import Registry
from referencing.exceptions import NoSuchResource

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PROJECT = REPO_ROOT / "manifest" / "schema"
PACKAGE_DIR = SCHEMA_PROJECT / "node_modules" / "@microsoft" / "app-manifest"
TEAMS_SCHEMAS = PACKAGE_DIR / "build" / "json-schemas" / "teams"
NODE_VALIDATOR = SCHEMA_PROJECT / "validate.cjs"
INSTALL_COMMAND = "npm ci --prefix manifest/schema --no-audit --no-fund"

MANIFEST_SCHEMA = "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = "MicrosoftTeams.Localization.schema.json"

# Keywords Ajv's draft-04 mode validates that jsonschema's Draft4Validator does not know.
_AJV_DRAFT4_EXTRAS = ("const", "contains", "propertyNames", "if")


def required_strictly() -> bool:
    """In CI (or with REQUIRE_SCHEMAS set) a missing tool is a failure, not a reason to skip."""
    return any(
        os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no") for name in ("CI", "REQUIRE_SCHEMAS")
    )


def missing(reason: str) -> None:
    """Skip the test locally, fail it in CI; `reason` says what to run."""
    if required_strictly():
        pytest.fail(f"{reason} (required because CI or REQUIRE_SCHEMAS is set)", pytrace=False)
    pytest.skip(reason)


def require_schemas() -> None:
    if not TEAMS_SCHEMAS.is_dir():
        missing(f"the Teams manifest schemas are not installed; run: {INSTALL_COMMAND}")


def schema_file(manifest_version: str, name: str = MANIFEST_SCHEMA) -> Path:
    return TEAMS_SCHEMAS / f"v{manifest_version}" / name


def shipped_versions() -> list[tuple[int, ...]]:
    return sorted(
        tuple(int(part) for part in folder.name[1:].split("."))
        for folder in TEAMS_SCHEMAS.iterdir()
        if re.fullmatch(r"v\d+\.\d+", folder.name)
    )


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and not re.search(r"\s", value)


@_FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value))


@_FORMATS.checks("regex", raises=re.error)
def _is_regex(value: object) -> bool:
    if isinstance(value, str):
        re.compile(value)
    return True


def _refuse_retrieval(uri: str) -> Any:
    raise NoSuchResource(ref=uri)


@cache
def validator(path: Path) -> jsonschema.protocols.Validator:
    """A validator for the schema at `path`, resolved offline; the schema itself is checked first."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    base = jsonschema.validators.validator_for(schema, default=None)
    if base is None:
        raise ValueError(f"{path} declares an unknown $schema: {schema.get('$schema')!r}")
    # The schema must itself be valid draft-04. Its "format": "regex" values are ECMAScript patterns
    # (some use \p{L}), which Python's `re` cannot judge, so the meta-schema check leaves formats out.
    schema_errors = list(base(base.META_SCHEMA).iter_errors(schema))
    if schema_errors:
        raise jsonschema.SchemaError.create_from(schema_errors[0])
    extras = jsonschema.Draft7Validator.VALIDATORS
    keywords = {**{name: extras[name] for name in _AJV_DRAFT4_EXTRAS}, **base.VALIDATORS}
    cls = jsonschema.validators.create(
        meta_schema=base.META_SCHEMA,
        validators=keywords,
        type_checker=base.TYPE_CHECKER,
        format_checker=_FORMATS,
        id_of=referencing.jsonschema.specification_with(schema["$schema"]).id_of,
        applicable_validators=methodcaller("items"),
    )
    return cls(schema, registry=Registry(retrieve=_refuse_retrieval), format_checker=_FORMATS)


def errors(document: Any, path: Path) -> list[str]:
    """Every schema violation in `document`, one readable line each (empty when valid)."""
    found = sorted(validator(path).iter_errors(document), key=lambda error: list(error.absolute_path))
    return [f"/{'/'.join(str(part) for part in error.absolute_path)}: {error.message}" for error in found]
