"""The Teams app package: built both ways, validated offline against the pinned Microsoft schemas."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

from manifest import icons
from manifest.__main__ import main
from manifest.build import ManifestError, build_package, load_template
from tests.manifest import teams_schema
from tests.manifest.teams_schema import LOCALIZATION_SCHEMA, MANIFEST_SCHEMA, REPO_ROOT

APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
SCOPES = {"personal", "team", "groupChat"}
PACKAGE_FILES = {"manifest.json", "en-us.json", "color.png", "outline.png"}
# Stricter than the current schema (128/4000): the limits of manifests up to v1.21, which some Teams
# clients still show truncated, so the command menu reads the same everywhere.
TITLE_LIMIT = 32
COMMAND_DESCRIPTION_LIMIT = 128
APP_ID_VARIABLES = {"microsoftappid", "microsoft_app_id"}


def read_package(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_of(package: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(package["manifest.json"].decode("utf-8"))


def env_without_app_id() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key.lower() not in APP_ID_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "manifest", *args],
        cwd=cwd,
        env=env if env is not None else env_without_app_id(),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def schemas() -> None:
    teams_schema.require_schemas()


@pytest.fixture
def package(tmp_path: Path) -> dict[str, bytes]:
    return read_package(build_package(app_id=APP_ID, out=tmp_path / "lotsen-teams.zip"))


@pytest.fixture
def manifest(package: dict[str, bytes]) -> dict[str, Any]:
    return manifest_of(package)


def assert_valid(document: Any, schema: Path) -> None:
    problems = teams_schema.errors(document, schema)
    assert not problems, f"{schema.parent.name}/{schema.name} rejects the document:\n" + "\n".join(problems)


# --- building -----------------------------------------------------------------------------------


def test_package_holds_manifest_localization_and_icons_at_its_root(package: dict[str, bytes]) -> None:
    assert set(package) == PACKAGE_FILES
    assert list(package)[0] == "manifest.json"


def test_ids_are_filled_in(manifest: dict[str, Any], package: dict[str, bytes]) -> None:
    assert manifest["id"] == APP_ID
    assert [bot["botId"] for bot in manifest["bots"]] == [APP_ID]
    assert "{{" not in package["manifest.json"].decode("utf-8")


def test_app_id_is_normalised_to_lower_case(tmp_path: Path) -> None:
    manifest = manifest_of(read_package(build_package(app_id=f" {APP_ID.upper()} ", out=tmp_path / "a.zip")))
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID


def test_build_is_reproducible(tmp_path: Path) -> None:
    first = build_package(app_id=APP_ID, out=tmp_path / "first.zip").read_bytes()
    second = build_package(app_id=APP_ID, out=tmp_path / "second.zip").read_bytes()
    assert first == second


def test_build_changes_only_the_ids_by_default(manifest: dict[str, Any]) -> None:
    template = load_template()
    assert {key: value for key, value in manifest.items() if key not in ("id", "bots")} == {
        key: value for key, value in template.items() if key not in ("id", "bots")
    }


def test_version_and_valid_domains_options(tmp_path: Path) -> None:
    out = build_package(
        app_id=APP_ID, out=tmp_path / "a.zip", version="2.3.4", valid_domains=["lotsen.malmo.se", "*.Malmo.se"]
    )
    manifest = manifest_of(read_package(out))
    assert manifest["version"] == "2.3.4"
    assert manifest["validDomains"] == ["lotsen.malmo.se", "*.malmo.se"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"version": "1.2"}, "MAJOR.MINOR.PATCH"),
        ({"version": "1.2.3-beta"}, "MAJOR.MINOR.PATCH"),
        ({"valid_domains": ["https://lotsen.malmo.se"]}, "host name"),
        ({"valid_domains": ["lotsen.malmo.se/api"]}, "host name"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        build_package(app_id=APP_ID, out=tmp_path / "a.zip", **options)
    assert not (tmp_path / "a.zip").exists()


def test_app_id_comes_from_settings_when_not_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name in [key for key in os.environ if key.lower() in APP_ID_VARIABLES]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    manifest = manifest_of(read_package(build_package(out="out/lotsen.zip")))
    assert manifest["id"] == APP_ID
    assert (tmp_path / "out" / "lotsen.zip").is_file()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_app_id_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [key for key in os.environ if key.lower() in APP_ID_VARIABLES]:
        monkeypatch.delenv(name)
    with pytest.raises(ManifestError, match="MicrosoftAppId"):
        build_package(app_id=value, out=tmp_path / "a.zip")
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.parametrize(
    "value", ["lotsen", "3f2504e0-4f89-41d3-9a0c-0305e82c330", "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}"]
)
def test_non_guid_app_id_is_an_error(tmp_path: Path, value: str) -> None:
    with pytest.raises(ManifestError, match="not a GUID"):
        build_package(app_id=value, out=tmp_path / "a.zip")


# --- the command line ---------------------------------------------------------------------------


def test_cli_build_writes_the_package_and_prints_its_path(tmp_path: Path, schemas: None) -> None:
    out = tmp_path / "nested" / "lotsen.zip"
    result = run_cli("build", "--app-id", APP_ID, "--out", str(out), "--version", "1.4.0", cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    package = read_package(out)
    assert set(package) == PACKAGE_FILES
    manifest = manifest_of(package)
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["version"] == "1.4.0"
    assert_valid(manifest, teams_schema.schema_file(manifest["manifestVersion"]))


def test_cli_build_defaults_to_build_folder_and_app_id_from_environment(tmp_path: Path) -> None:
    env = env_without_app_id() | {"MicrosoftAppId": APP_ID}
    result = run_cli("build", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(Path("build") / "lotsen-teams.zip")
    assert manifest_of(read_package(tmp_path / "build" / "lotsen-teams.zip"))["id"] == APP_ID


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no app id"),
        (("--app-id", ""), "no app id"),
        (("--app-id", "not-a-guid"), "not a GUID"),
        (("--app-id", APP_ID, "--version", "one"), "MAJOR.MINOR.PATCH"),
    ],
)
def test_cli_input_errors_are_one_line_with_exit_code_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "lotsen.zip"
    result = run_cli("build", *args, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_error_for_missing_app_id_names_the_option_and_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [key for key in os.environ if key.lower() in APP_ID_VARIABLES]:
        monkeypatch.delenv(name)
    assert main(["build", "--out", str(tmp_path / "a.zip")]) == 2
    error = capsys.readouterr().err
    assert "--app-id" in error and "MicrosoftAppId" in error


def test_cli_icons_redraws_both_icons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["icons", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / "color.png"), str(tmp_path / "outline.png")]
    for name in ("color.png", "outline.png"):
        written, committed = Image.open(tmp_path / name), Image.open(REPO_ROOT / "manifest" / name)
        assert (written.mode, written.size) == (committed.mode, committed.size)
        assert written.tobytes() == committed.tobytes(), name


# --- content ------------------------------------------------------------------------------------


def test_names_descriptions_and_developer(manifest: dict[str, Any]) -> None:
    assert manifest["name"]["short"] == "Lotsen"
    assert manifest["name"]["full"].startswith("Lotsen – ")
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "sv-SE"
    full = manifest["description"]["full"]
    for phrase in ("Policy för Malmö stads internationella arbete", "4.1", "12 miljoner kronor",
                   "Kommunstyrelsens förvaltning ska alltid informeras", "informationsärende", "påminner"):
        assert phrase in full
    developer = manifest["developer"]
    assert developer["name"] == "Malmö stad"
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = urlsplit(developer[key])
        assert (url.scheme, url.hostname) == ("https", "malmo.se"), developer[key]


def test_bot_has_all_scopes_and_a_command_list_for_each(manifest: dict[str, Any]) -> None:
    (bot,) = manifest["bots"]
    assert set(bot["scopes"]) == SCOPES
    assert bot["supportsFiles"] is False
    lists = bot["commandLists"]
    assert sorted(scope for command_list in lists for scope in command_list["scopes"]) == sorted(SCOPES)
    for command_list in lists:
        titles = [command["title"] for command in command_list["commands"]]
        assert "hjälp" in titles and "måste jag informera KS?" in titles
        assert len(titles) == len(set(titles))
        for command in command_list["commands"]:
            assert 0 < len(command["title"]) <= TITLE_LIMIT, command
            assert 0 < len(command["description"]) <= COMMAND_DESCRIPTION_LIMIT, command
    personal = next(command_list for command_list in lists if command_list["scopes"] == ["personal"])
    assert {"registrera ansökan", "mina ansökningar", "årsredovisning", "mina påminnelser"} <= {
        c["title"] for c in personal["commands"]}
    assert manifest["validDomains"] == []


def test_localization_keys_point_at_existing_strings(package: dict[str, bytes], manifest: dict[str, Any]) -> None:
    localization = json.loads(package["en-us.json"].decode("utf-8"))
    assert manifest["localizationInfo"]["additionalLanguages"] == [{"languageTag": "en-us", "file": "en-us.json"}]
    assert localization["name.short"] == "Lotsen"
    commands = [list_["commands"] for list_ in manifest["bots"][0]["commandLists"]]
    for key in localization:
        if key.startswith("bots["):
            path = key.replace("[", ".").replace("]", "").split(".")
            _, _, _, list_index, _, command_index, field = path
            assert field in commands[int(list_index)][int(command_index)], key


# --- validation against the pinned Microsoft schemas --------------------------------------------


def test_manifest_uses_a_current_schema_version(manifest: dict[str, Any], schemas: None) -> None:
    version = manifest["manifestVersion"]
    assert tuple(int(part) for part in version.split(".")) >= (1, 24)
    assert manifest["$schema"] == (
        f"https://developer.microsoft.com/json-schemas/teams/v{version}/{MANIFEST_SCHEMA}"
    )
    assert teams_schema.schema_file(version).is_file()


def test_manifest_is_valid(manifest: dict[str, Any], schemas: None) -> None:
    assert_valid(manifest, teams_schema.schema_file(manifest["manifestVersion"]))


def test_localization_file_is_valid(package: dict[str, bytes], manifest: dict[str, Any], schemas: None) -> None:
    localization = json.loads(package["en-us.json"].decode("utf-8"))
    version = manifest["manifestVersion"]
    assert localization["$schema"] == (
        f"https://developer.microsoft.com/json-schemas/teams/v{version}/{LOCALIZATION_SCHEMA}"
    )
    assert_valid(localization, teams_schema.schema_file(version, LOCALIZATION_SCHEMA))


def _long_title(manifest: dict[str, Any]) -> None:
    manifest["bots"][0]["commandLists"][0]["commands"][0]["title"] = "x" * 129


def _no_developer(manifest: dict[str, Any]) -> None:
    del manifest["developer"]


def _other_manifest_version(manifest: dict[str, Any]) -> None:
    # Caught only because the validator applies `const`, as Ajv does; plain draft-04 would ignore it.
    manifest["manifestVersion"] = "1.16"


def _bot_id_not_guid(manifest: dict[str, Any]) -> None:
    manifest["bots"][0]["botId"] = "lotsen"


def _unknown_scope(manifest: dict[str, Any]) -> None:
    manifest["bots"][0]["commandLists"][0]["scopes"] = ["channel"]


def _too_long_short_description(manifest: dict[str, Any]) -> None:
    manifest["description"]["short"] = "x" * 81


def _unknown_property(manifest: dict[str, Any]) -> None:
    manifest["bots"][0]["supportsFile"] = False


def _bad_privacy_url(manifest: dict[str, Any]) -> None:
    manifest["developer"]["privacyUrl"] = "malmo.se/personuppgifter"


@pytest.mark.parametrize(
    "damage",
    [_long_title, _no_developer, _other_manifest_version, _bot_id_not_guid, _unknown_scope,
     _too_long_short_description, _unknown_property, _bad_privacy_url],
)
def test_validator_rejects_a_wrong_manifest(manifest: dict[str, Any], schemas: None, damage: Any) -> None:
    schema = teams_schema.schema_file(manifest["manifestVersion"])
    wrong = copy.deepcopy(manifest)
    damage(wrong)
    assert teams_schema.errors(wrong, schema), f"{damage.__name__} was accepted"


@pytest.mark.parametrize(
    ("key", "value"),
    [("name.short", "x" * 31), ("description.short", ""), ("bots[0].commandLists[0].commands[0].title", "x" * 129),
     ("unknown.key", "x")],
)
def test_validator_rejects_a_wrong_localization(
    package: dict[str, bytes], manifest: dict[str, Any], schemas: None, key: str, value: str
) -> None:
    localization = json.loads(package["en-us.json"].decode("utf-8")) | {key: value}
    schema = teams_schema.schema_file(manifest["manifestVersion"], LOCALIZATION_SCHEMA)
    assert teams_schema.errors(localization, schema), f"{key}={value!r} was accepted"


@pytest.fixture
def node() -> str:
    teams_schema.require_schemas()
    executable = shutil.which("node")
    if executable is None:
        teams_schema.missing("node is not installed; it runs Microsoft's own (Ajv) validation of the manifest")
    return executable


def test_microsofts_validator_agrees(manifest: dict[str, Any], node: str, tmp_path: Path) -> None:
    """The same check with Ajv as configured by @microsoft/app-manifest: valid as built, invalid when damaged."""
    schema = teams_schema.schema_file(manifest["manifestVersion"])
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(manifest), encoding="utf-8")
    wrong = copy.deepcopy(manifest)
    _long_title(wrong)
    _other_manifest_version(wrong)
    bad.write_text(json.dumps(wrong), encoding="utf-8")

    def validate(document: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [node, str(teams_schema.NODE_VALIDATOR), str(schema), str(document)],
            capture_output=True, text=True, timeout=60,
        )

    accepted = validate(good)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    rejected = validate(bad)
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    assert "/manifestVersion" in rejected.stdout and "/commands/0/title" in rejected.stdout


def test_the_newest_shipped_schema_is_used(manifest: dict[str, Any], schemas: None) -> None:
    """Moving to a newer manifest version is a deliberate change: this fails when the pinned package
    ships a version newer than the manifest's, so that the bump is considered rather than forgotten."""
    newest = teams_schema.shipped_versions()[-1]
    assert tuple(int(part) for part in manifest["manifestVersion"].split(".")) == newest


# --- icons --------------------------------------------------------------------------------------


def test_icon_sizes_and_kinds(package: dict[str, bytes], manifest: dict[str, Any]) -> None:
    color = Image.open(io.BytesIO(package[manifest["icons"]["color"]]))
    outline = Image.open(io.BytesIO(package[manifest["icons"]["outline"]]))
    assert (color.format, color.size) == ("PNG", (192, 192))
    assert (outline.format, outline.size, outline.mode) == ("PNG", (32, 32), "RGBA")
    assert color.convert("RGBA").getextrema()[3] == (255, 255), "the colour icon is fully opaque"
    assert manifest["accentColor"] == icons.ACCENT_COLOR


def test_outline_is_white_on_transparent(package: dict[str, bytes]) -> None:
    outline = Image.open(io.BytesIO(package["outline.png"])).convert("RGBA")
    for band in "RGB":
        assert outline.getchannel(band).getextrema() == (255, 255), "only white pixels, alpha carries the shape"
    alphas = outline.getchannel("A").histogram()
    width, height = outline.size
    assert alphas[0] > width * height // 3, "a transparent background"
    assert alphas[255] > width * height // 8, "a solid white mark"
    for x, y in ((0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)):
        assert outline.getpixel((x, y))[3] == 0


def test_committed_icons_are_what_the_script_draws() -> None:
    for name, image in (("color.png", icons.render_color()), ("outline.png", icons.render_outline())):
        committed = Image.open(REPO_ROOT / "manifest" / name)
        assert committed.mode == image.mode and committed.size == image.size, name
        assert committed.tobytes() == image.tobytes(), f"{name} differs; run: python -m manifest icons"
