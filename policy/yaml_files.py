"""Reading the policy's YAML data: with libyaml's parser when PyYAML has it (5 to 10 times faster, which is most
of the start-up's reading), else PyYAML's own; both the same safe subset of YAML."""

from __future__ import annotations

from typing import IO, Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(stream: str | IO[str]) -> Any:
    return yaml.load(stream, Loader=SAFE_LOADER)  # noqa: S506 — a safe loader
