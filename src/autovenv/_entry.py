"""The ``autovenv`` command's entry point: the hot subcommands skip click entirely.

``export`` runs on the shell's cold path, ``hook`` at every shell start and ``exec`` in front of every
cron job or service start, so they are dispatched here with the standard library only; every other
subcommand, and ``--help`` for any, goes through the click CLI.

When the command line is the process's own (``main()`` without ``argv``: the hooks' ``-c`` line, the
console script, install.sh's launcher), a hot subcommand also runs without the cyclic garbage collector
and ends with ``os._exit`` once its output is flushed. Such a process lives for milliseconds and holds
nothing a collector or the interpreter's teardown would release that the kernel does not: the teardown
(a full collection and the destruction of every module) cost the cold path more than a seventh of its
instructions. Files are written with ``os.write`` or closed by ``with`` before that point, and nothing
registers an ``atexit`` handler. Such a process also finds autovenv's own modules itself (``_OwnModules``):
the path finder's general search costs each import more than the ``stat`` that is all it needs here.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec


def main(argv: list[str] | None = None, hook_venv_dirs: str | None = None) -> int:
    """``hook_venv_dirs``: the ``venv_dirs`` a hook looks for, "/"-joined, when a hook runs us (hook.py)."""
    args = sys.argv[1:] if argv is None else argv
    if not _lean(args):
        from autovenv import cli

        return cli.main(args)
    owns_process = argv is None
    if owns_process:
        import gc

        gc.disable()
        _OwnModules.install()
    status = _run_lean(args, hook_venv_dirs)
    if owns_process:
        _exit_now(status)
    return status


def _lean(args: list[str]) -> bool:
    """Whether the command line is one of the hot ones, served without click."""
    if args[:1] == ["export"]:
        return "--help" not in args and "-h" not in args
    if args[:1] == ["exec"]:
        return not _asks_help(args[1:])
    return args[:1] == ["hook"] and len(args) == 2 and not args[1].startswith("-")


def _run_lean(args: list[str], hook_venv_dirs: str | None) -> int:
    if args[0] == "export":
        from autovenv import export

        return export.main(args[1:], hook_venv_dirs=hook_venv_dirs)
    if args[0] == "exec":
        from autovenv import execute

        return execute.main(args[1:])
    from autovenv import hook

    return hook.main(args[1:])


class _OwnModules:
    """Finds autovenv's own modules for a lean process: one ``stat`` each, loaded as the path finder would.

    The path finder asks the builtin and frozen importers first, then stats the package's directory,
    joins a name for each of five suffixes (three for extensions, ``.py``, ``.pyc``) and stats the file
    it found: Python-level work that cost a plain first visit 1.2 M instructions over its 24 submodules
    (callgrind), about 50,000 each. This finder, first on ``sys.meta_path``, answers ``autovenv.x`` with
    the spec the path finder gives (same loader class, file, ``cached`` path, package locations), so the
    bytecode cache and its checks against the source are the ones every import uses. Anything else is
    left to the usual finders: other modules, a module without its source (an install of ``.pyc`` files
    only), every module when the package itself was not loaded from source (a zip). A module is looked
    for before a package of the same name, the path finder's order reversed; the tree holds no such pair
    (``tests/unit/test_lean.py``).
    """

    loader_type: type
    spec_type: type

    @classmethod
    def install(cls) -> None:
        package = sys.modules["autovenv"].__spec__
        if package is None or type(package.loader).__name__ != "SourceFileLoader":
            return
        cls.loader_type = type(package.loader)
        cls.spec_type = type(package)
        sys.meta_path.insert(0, cls)

    @classmethod
    def find_spec(
        cls, name: str, path: Sequence[str] | None = None, target: object = None
    ) -> ModuleSpec | None:
        if not path or not name.startswith("autovenv."):
            return None
        import os  # here, not at the top: imported before gc.disable(), it would set off collections

        base = path[0] + os.sep + name.rpartition(".")[2]
        for origin, locations in ((base + ".py", None), (base + os.sep + "__init__.py", [base])):
            if os.path.isfile(origin):
                spec: ModuleSpec = cls.spec_type(name, cls.loader_type(name, origin), origin=origin)
                spec.has_location = True  # __file__ and __cached__, as for a file the path finder finds
                spec.submodule_search_locations = locations
                return spec
        return None


def _exit_now(status: int) -> None:
    """Flush what was printed and leave without the interpreter's teardown (see the module docstring).

    A flush that fails (stdout closed by the reader) ends the process as the teardown would have: the
    output is lost either way, and the status says so.
    """
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120  # what Python's own exit reports when flushing stdout fails
    os._exit(status)


def _asks_help(args: list[str]) -> bool:
    """``exec --help``: a help option before ``--`` (after it, it is the command's own)."""
    before = args[: args.index("--")] if "--" in args else args[:1]
    return any(a in ("-h", "--help") for a in before)
