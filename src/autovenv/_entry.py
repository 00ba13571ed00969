"""The ``autovenv`` command's entry point: the hot subcommands skip click entirely.

``export`` runs on the shell's cold path, ``hook`` at every shell start and ``exec`` in front of every
cron job or service start, so they are dispatched here with the standard library only; every other
subcommand, and ``--help`` for any, goes through the click CLI.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None, hook_venv_dirs: str | None = None) -> int:
    """``hook_venv_dirs``: the ``venv_dirs`` a hook looks for, "/"-joined, when a hook runs us (hook.py)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["export"] and "--help" not in args and "-h" not in args:
        from autovenv import export

        return export.main(args[1:], hook_venv_dirs=hook_venv_dirs)
    if args[:1] == ["exec"] and not _asks_help(args[1:]):
        from autovenv import execute

        return execute.main(args[1:])
    if args[:1] == ["hook"] and len(args) == 2 and not args[1].startswith("-"):
        from autovenv import hook

        return hook.main(args[1:])
    from autovenv import cli

    return cli.main(args)


def _asks_help(args: list[str]) -> bool:
    """``exec --help``: a help option before ``--`` (after it, it is the command's own)."""
    before = args[: args.index("--")] if "--" in args else args[:1]
    return any(a in ("-h", "--help") for a in before)
