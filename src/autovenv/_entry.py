"""The ``autovenv`` command's entry point: the hot subcommands skip click entirely.

``export`` runs on the shell's cold path and ``hook`` at every shell start, so they are dispatched here
with the standard library only; every other subcommand goes through the click CLI.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["export"]:
        from autovenv import export

        return export.main(args[1:])
    if args[:1] == ["hook"] and len(args) == 2 and not args[1].startswith("-"):
        from autovenv import hook

        return hook.main(args[1:])
    from autovenv import cli

    return cli.main(args)
