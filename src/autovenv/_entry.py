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

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec
    from types import CodeType, ModuleType


def main(argv: "list[str] | None" = None, hook_venv_dirs: "str | None" = None) -> int:
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


def _lean(args: "list[str]") -> bool:
    """Whether the command line is one of the hot ones, served without click."""
    if args[:1] == ["export"]:
        return "--help" not in args and "-h" not in args
    if args[:1] == ["exec"]:
        return not _asks_help(args[1:])
    return args[:1] == ["hook"] and len(args) == 2 and not args[1].startswith("-")


def _run_lean(args: "list[str]", hook_venv_dirs: "str | None") -> int:
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
    the spec the path finder gives (file, ``cached`` path, package locations), so the bytecode cache and
    its checks against the source are the ones every import uses. Anything else is left to the usual
    finders: other modules, a module without its source (an install of ``.pyc`` files only), every module
    when the package itself was not loaded from source (a zip). A module is looked for before a package
    of the same name, the path finder's order reversed; the tree holds no such pair
    (``tests/unit/test_lean.py``).

    Its loader (``_BytecodeLoader``) is the path finder's own class with two shortcuts to the same
    result: the code of a current bytecode cache (the general way works out the cache's name twice and
    checks its header through layers of helpers), and a module made with its ``__file__`` and
    ``__cached__`` already set, which importlib then leaves as they are. importlib asks for each with
    ``getattr(module, name, None)`` first, and a module's missing attribute formats three error messages
    (the spec's ``_initializing``, looked up to word them, is set here for the same reason). Together
    some 60,000 instructions a module. Where the cache's name is not the plain one beside the source
    (``-O``, a ``pycache_prefix``), the path finder's loader is used.

    It also answers ``__future__``, which every module of ours imports first and nothing else of the
    standard library a plain visit needs is read from a file: the path finder would make a finder for
    each entry of ``sys.path`` in turn to reach it (half a million instructions). It is found where the
    standard library's ``os`` was, when that is a source file there, as the path finder finds it.
    """

    loader_type: "type"
    spec_type: "type"
    #: ``.cpython-311.pyc``: the bytecode cache's suffix when this process reads the plain one.
    bytecode_suffix: "str | None" = None
    #: ``os.sep``, ``os.path.isfile`` and the standard library's directory, taken once (an ``import os``
    #: in each call would cost every module's import three look-ups of it)
    sep: str
    is_file: "Callable[[str], bool]"
    stdlib: str

    @classmethod
    def install(cls) -> None:
        package = sys.modules["autovenv"].__spec__
        if package is None or type(package.loader).__name__ != "SourceFileLoader":
            return
        import os  # here, not at the top: imported before gc.disable(), it would set off collections

        cls.sep, cls.is_file = os.sep, os.path.isfile
        cls.stdlib = os.path.dirname(getattr(os, "__file__", ""))
        cls.spec_type = type(package)
        cls.loader_type = type(package.loader)
        tag = sys.implementation.cache_tag
        if tag is not None and not sys.flags.optimize and sys.pycache_prefix is None:
            cls.bytecode_suffix = "." + tag + ".pyc"
            cls.loader_type = _bytecode_loader(cls.loader_type)
        sys.meta_path.insert(0, cls)

    @classmethod
    def find_spec(
        cls, name: str, path: "Sequence[str] | None" = None, target: object = None
    ) -> "ModuleSpec | None":
        if path is None:
            if name != "__future__" or not cls.stdlib:
                return None
            return cls._spec(name, cls.stdlib + cls.sep + name, None)
        if not path or not name.startswith("autovenv."):
            return None
        base = path[0] + cls.sep + name.rpartition(".")[2]
        return cls._spec(name, base, None) or cls._spec(name, base + cls.sep + "__init__", [base])

    @classmethod
    def _spec(cls, name: str, stem: str, locations: "list[str] | None") -> "ModuleSpec | None":
        """The spec of ``stem + ".py"`` when that is a file: ``locations`` for a package's."""
        origin = stem + ".py"
        if not cls.is_file(origin):
            return None
        spec: ModuleSpec = cls.spec_type(name, cls.loader_type(name, origin), origin=origin)
        spec.has_location = True  # __file__ and __cached__, as for a file the path finder finds
        spec.submodule_search_locations = locations
        spec._initializing = False  # type: ignore[attr-defined]  # importlib's own value until it loads
        if cls.bytecode_suffix is not None:
            spec.cached = _bytecode_path(origin, cls.bytecode_suffix, cls.sep)
        return spec


def _bytecode_path(source: str, suffix: str, sep: str) -> str:
    """``dir/__pycache__/name.cpython-311.pyc`` for ``dir/name.py``: what ``cache_from_source`` gives
    when neither ``-O`` nor a ``pycache_prefix`` is in force."""
    head, _, tail = source.rpartition(sep)
    return head + sep + "__pycache__" + sep + tail[:-3] + suffix


def _bytecode_loader(base: type) -> type:
    """The path finder's loader class (``base``) reading a current bytecode cache by the shortest way.

    ``get_code`` does what the path finder's does when the cache beside the source holds a timestamp
    header that matches the source's ``stat`` (magic number, no flags, mtime and size): read it whole,
    unmarshal the rest, give the code the source's file name. Anything else (no cache, a stale or
    hash-based one, another name asked for) goes to ``base``'s ``get_code``, which compiles, writes the
    cache and raises as it always does.
    """
    import _imp
    import marshal
    import os

    magic = sys.modules[base.__module__].MAGIC_NUMBER
    code_type = type(_bytecode_path.__code__)
    suffix = _OwnModules.bytecode_suffix

    class _BytecodeLoader(base):  # type: ignore[misc]
        def create_module(self, spec: "ModuleSpec") -> "ModuleType":
            """The module importlib would make (``module_from_spec`` sets everything else)."""
            module = type(sys)(spec.name)
            module.__file__ = spec.origin
            module.__cached__ = spec.cached  # type: ignore[attr-defined]
            return module

        def get_code(self, fullname: str) -> "CodeType":
            path: str = self.path
            if fullname == self.name and suffix is not None:
                try:
                    source = os.stat(path)
                    with open(_bytecode_path(path, suffix, os.sep), "rb", buffering=0) as cache:
                        data = cache.readall()
                except OSError:
                    data = b""
                if (
                    data[:8] == magic + b"\0\0\0\0"
                    and len(data) >= 16
                    and int.from_bytes(data[8:12], "little") == int(source.st_mtime) & 0xFFFFFFFF
                    and int.from_bytes(data[12:16], "little") == source.st_size & 0xFFFFFFFF
                ):
                    code = marshal.loads(memoryview(data)[16:])
                    if type(code) is code_type:
                        _imp._fix_co_filename(code, path)  # type: ignore[attr-defined]
                        return code
            return super().get_code(fullname)  # type: ignore[no-any-return]

    return _BytecodeLoader


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


def _asks_help(args: "list[str]") -> bool:
    """``exec --help``: a help option before ``--`` (after it, it is the command's own)."""
    before = args[: args.index("--")] if "--" in args else args[:1]
    return any(a in ("-h", "--help") for a in before)
