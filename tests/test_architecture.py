"""Which way imports point: botbuilder only in bot/ and dialogs/ (so that moving to the Microsoft 365 Agents SDK
touches those two alone); bot/ → dialogs/ one way (the bot routes turns to dialogs, dialogs never reach back
into the bot); the text catalog (texts/) and policy/ importing nothing of ours."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT_FRAMEWORK = ("botbuilder", "botframework")
OUR_PACKAGES = ("bot", "dialogs", "policy", "storage", "reminders", "reports", "texts", "settings", "app", "cli",
                "directory", "observability")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _sources(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


@pytest.mark.parametrize("path", _sources("policy", "storage", "reminders", "reports", "texts", "cli", "directory",
                                          "observability") + [ROOT / "app.py", ROOT / "settings.py"],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_botbuilder_stays_in_bot_and_dialogs(path):
    assert not {name for name in _imports(path) if name.split(".")[0] in BOT_FRAMEWORK}


@pytest.mark.parametrize("path", _sources("policy"), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_policy_module_imports_nothing_of_ours(path):
    ours = {name for name in _imports(path) if name.split(".")[0] in OUR_PACKAGES and not name.startswith("policy")}
    assert not ours


@pytest.mark.parametrize("path", _sources("storage", "reminders", "reports", "directory", "observability"),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_the_lower_layers_do_not_import_the_bot(path):
    assert not {name for name in _imports(path) if name.split(".")[0] in ("bot", "dialogs", "app", "cli")}


@pytest.mark.parametrize("path", _sources("bot", "dialogs", "policy", "storage", "reminders", "reports", "texts",
                                          "directory", "observability") + [ROOT / "settings.py"],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_only_the_composition_roots_import_the_command_line(path):
    """cli/ is a composition root like app.py: it may import any layer, and no layer imports it."""
    assert not {name for name in _imports(path) if name.split(".")[0] == "cli"}


@pytest.mark.parametrize("path", _sources("dialogs"), ids=lambda path: str(path.relative_to(ROOT)))
def test_dialogs_never_import_the_bot(path):
    assert not {name for name in _imports(path) if name.split(".")[0] in ("bot", "app")}


@pytest.mark.parametrize("path", _sources("texts"), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_text_catalog_imports_nothing_of_ours(path):
    assert not {name for name in _imports(path) if name.split(".")[0] in OUR_PACKAGES and name != "texts"}


@pytest.mark.parametrize("path", sorted((ROOT / "dialogs").rglob("*cards.py")),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_cards_are_plain_data_without_the_sdk(path):
    """Cards are dicts (dialogs/common/cards.py); only dialogs/common/replies.py wraps one in a Bot Framework activity."""
    assert not {name for name in _imports(path) if name.split(".")[0] in BOT_FRAMEWORK}


SDK = ("botbuilder", "botframework", "msrest")
SEAM_DOC = ROOT / "docs" / "agents-sdk.md"


def test_the_sdk_seam_is_the_documented_one():
    """docs/agents-sdk.md lists the files that import the Bot Framework SDK (or msrest); the list is the seam a move
    to the Microsoft 365 Agents SDK touches, and must stay what it says."""
    documented = {line.split("`")[1] for line in SEAM_DOC.read_text(encoding="utf-8").splitlines()
                  if line.startswith("| `")}
    importing = {str(path.relative_to(ROOT)) for path in _sources("bot", "dialogs", "policy", "storage", "reminders",
                                                                  "reports", "texts", "cli")
                 + [ROOT / name for name in ("app.py", "settings.py")]
                 if any(name.split(".")[0] in SDK for name in _imports(path))}
    assert importing == documented


DIALOG_JOBS = ("annual_report", "applications", "people", "policy_questions", "reminders")
# The application cards are shown inside the annual report and the reminders too: the one shared job module.
SHARED_JOB_MODULES = frozenset({"dialogs.applications.application_cards"})


@pytest.mark.parametrize("path", _sources("dialogs/common"), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_common_dialog_parts_import_no_job(path):
    assert not {name for name in _imports(path) if name.split(".")[:2][-1] in DIALOG_JOBS
                and name.startswith("dialogs.")}


@pytest.mark.parametrize("path", [path for job in DIALOG_JOBS for path in _sources(f"dialogs/{job}")],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_a_dialog_job_imports_common_parts_not_another_job(path):
    """dialogs/ by job: a job's package uses dialogs/common/ and itself; only the application cards are shared."""
    job = path.relative_to(ROOT / "dialogs").parts[0]
    others = {name for name in _imports(path) if name.startswith("dialogs.")
              and name.split(".")[1] not in (job, "common") and name not in SHARED_JOB_MODULES}
    assert not others
