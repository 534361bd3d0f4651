"""`python -m cli directory …`: where the directory's values lead (directory/mapping.py).

    directory map VALUE ORGANISATION   users whose value is VALUE are placed in ORGANISATION (again: moves it)
    directory mappings                 the mappings in force: the shipped file's and those administrators added
    directory unmap VALUE              removes an added mapping (the shipped file's, if any, applies again)

Each takes `--source` (default: DIRECTORY_SOURCE, else department). The mappings added here or in chat are kept
in the database, so that every instance of Lotsen reads them; the operator is recorded as their author (none).
"""

from __future__ import annotations

import argparse
import asyncio

from cli.command import Command
from cli.database import database_session
from cli.lookup import ORGANISATION_HELP, named_organisation
from directory.config import directory_source, graph_config, mapping_path
from directory.mapping import load_mapping_file, mapping_table
from settings import Settings
from storage.directory_mappings import VALUE_MAX_LENGTH, remove_mapping, set_mapping
from storage.models import DirectorySource
from storage.organisations import list_organisations
from storage.user_text import terminal_line

SOURCES = [source.value for source in DirectorySource]


def _arguments(directory: argparse.ArgumentParser) -> None:
    actions = directory.add_subparsers(dest="directory_command", required=True)
    source_help = "department, companyName, officeLocation or group (default: DIRECTORY_SOURCE, else department)"
    mapping = actions.add_parser("map", help="place users whose directory value is VALUE in ORGANISATION")
    mapping.add_argument("value", help='the value in Entra ID, e.g. "Miljöförvaltningen" (a group: name or id)')
    mapping.add_argument("organisation", help=ORGANISATION_HELP)
    listing = actions.add_parser("mappings", help="the mappings in force, shipped and added")
    unmapping = actions.add_parser("unmap", help="remove a mapping added by an administrator or here")
    unmapping.add_argument("value", help="the value, as mapped")
    for parser in (mapping, listing, unmapping):
        parser.add_argument("--source", choices=SOURCES, help=source_help)


async def _directory_command(settings: Settings, args: argparse.Namespace) -> int:
    source = DirectorySource(args.source) if args.source else directory_source(settings)
    file_rules = load_mapping_file(mapping_path(settings))
    async with database_session(settings, write=True) as session:
        if args.directory_command == "mappings":
            names = {organisation.slug: organisation.name
                     for organisation in await list_organisations(session, include_inactive=True)}
            rules = (await mapping_table(session, file_rules)).rules(source)
            if graph_config(settings) is None:
                print("note: Graph is not configured (GRAPH_ENABLED, DIRECTORY_SOURCE): nobody is placed from the "
                      "directory until it is")
            for rule in rules:
                organisations = ", ".join(names.get(slug, f"{slug} (unknown)") for slug in rule.organisations)
                print(f"{source.value:15} {terminal_line(rule.value):50} {organisations:45} {rule.origin}")
            if not rules:
                print(f"no mappings for {source.value}")
            return 0
        if args.directory_command == "unmap":
            if not await remove_mapping(session, source, args.value):
                print(f"no added mapping of {source.value} {terminal_line(args.value)!r} (the shipped file's "
                      f"stay: {mapping_path(settings)})")
                return 2
            print(f"{source.value} {terminal_line(args.value)!r}: mapping removed")
            return 0
        if not args.value.strip() or len(" ".join(args.value.split())) > VALUE_MAX_LENGTH:
            print(f"the value must be 1 to {VALUE_MAX_LENGTH} characters")
            return 2
        organisation = await named_organisation(session, args.organisation)
        if organisation is None:
            return 2
        if not organisation.active:
            print(f"{organisation.name} is not active: nobody is placed there")
            return 2
        await set_mapping(session, source, args.value, organisation, actor=None)
        print(f"{source.value} {terminal_line(' '.join(args.value.split()))!r} → {organisation.name}")
        return 0


def _directory(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_directory_command(settings, args))


DIRECTORY = Command("directory", "map directory values (Entra ID department, company, office, group) to "
                    "organisations", _directory, _arguments)
