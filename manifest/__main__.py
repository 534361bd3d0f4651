"""`python -m manifest build` writes the Teams app package; `python -m manifest icons` redraws the icons."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from manifest.build import DEFAULT_OUT, MANIFEST_DIR, ManifestError, build_package

EXIT_USAGE = 2
EXIT_IO = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m manifest", description="Lotsen's Microsoft Teams app package.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="write the Teams app package (zip) to upload in Teams",
        description="Write manifest.json, its localization file and the icons into one zip for Teams.",
    )
    build.add_argument(
        "--app-id",
        metavar="GUID",
        help="the bot's Microsoft App ID (default: MicrosoftAppId from the environment or .env)",
    )
    build.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="PATH", help=f"zip file to write (default: {DEFAULT_OUT})"
    )
    build.add_argument(
        "--version", metavar="X.Y.Z", help="app version; raise it for every upload that replaces an earlier one"
    )
    build.add_argument(
        "--valid-domain",
        dest="valid_domains",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="add a host name to validDomains (repeatable; default: none, a bot needs none)",
    )

    icons = commands.add_parser("icons", help="redraw color.png and outline.png (needs Pillow)")
    icons.add_argument(
        "--dir", type=Path, default=MANIFEST_DIR, metavar="DIR", help="where to write them (default: manifest/)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "icons":
        from manifest.icons import write_icons

        for path in write_icons(args.dir):
            print(path)
        return 0

    try:
        path = build_package(app_id=args.app_id, out=args.out, version=args.version, valid_domains=args.valid_domains)
    except ManifestError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_IO
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
