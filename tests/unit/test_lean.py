"""The hot path stays lean: ``export`` and ``hook`` import only what the answer needs (no click, no daemon).

Checked with ``python -X importtime`` on the exact command line the hooks run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from autovenv.hook import export_command

FORBIDDEN = (
    "click",
    "watchdog",
    "platformdirs",
    "shellingham",
    "re",
    "pathlib",
    "typing",
    "dataclasses",
    "json",
    "base64",
    "enum",
)


def imported_modules(args: list[str], cwd: str) -> set[str]:
    command = export_command()
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:], *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PWD": cwd},
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.mark.parametrize(
    "args",
    [["export", "bash", "--hook"], ["export", "fish"], ["export", "pwsh", "--hook"], ["hook", "zsh"]],
)
def test_hot_commands_import_nothing_heavy(tmp_path: os.PathLike[str], args: list[str]) -> None:
    project = os.path.join(str(tmp_path), "p")
    os.mkdir(project)
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", os.path.join(project, ".venv")], check=True
    )
    with open(os.path.join(project, ".python-version"), "w") as handle:
        handle.write("3.12\n")
    names = imported_modules(args, project)
    assert "autovenv._entry" in names
    heavy = sorted(n for n in names if n.split(".")[0] in FORBIDDEN)
    assert heavy == []


# -- the import budget of a first visit (DESIGN §6: one lean start, at most 2x python -I -S) ------------
#
# Every module costs a cold start about 0.3 M instructions to find and load, plus its code: the import
# set is the part of the budget a change can break without noticing (benchmarks/cold.py counts the
# instructions). These are the exact sets; a module added to one needs a reason (and a look at
# benchmarks/cold.py's numbers), a module gone from one is a saving to write down here.

#: What every directory with a venv or a pin needs: the entry, the pipeline, trust, the bash adapter.
CORE = {
    "autovenv",
    "autovenv._entry",
    "autovenv.answer",
    "autovenv.cache",
    "autovenv.decide",
    "autovenv.dirs",
    "autovenv.display",
    "autovenv.export",
    "autovenv.files",
    "autovenv.gitindex",
    "autovenv.origin",
    "autovenv.pipeline",
    "autovenv.plan",
    "autovenv.resolve",
    "autovenv.resolve.finders",
    "autovenv.resolve.finders.base",
    "autovenv.resolve.project",
    "autovenv.resolve.venv",
    "autovenv.safepath",
    "autovenv.settings",
    "autovenv.shells",
    "autovenv.shells.bash",
    "autovenv.shells.posix",
    "autovenv.trust",
}
#: The lock comparison, when a project pins something and it was not compared before.
COMPARISON = {
    "autovenv.resolve.lockmemo",
    "autovenv.resolve.drift",
    "autovenv.resolve.pins",
    "autovenv.resolve.markers",
    "autovenv.resolve.versions",
    "autovenv.resolve.installed",
    "autovenv.resolve.locksync",
}
#: Standard library modules a first visit may add to the interpreter's own start-up ones: ``os`` and
#: what it loads, ``gc`` (turned off for the run), the ``__future__`` our modules name, and the
#: thread that holds the deadline.
STDLIB_ALLOWED = {
    "os",
    "stat",
    "_stat",
    "posixpath",
    "genericpath",
    "_collections_abc",
    "__future__",
    "gc",
    "_thread",
}


def startup_modules() -> set[str]:
    """What ``python -I -S -c pass`` imports by itself (frozen and builtin start-up modules)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-I", "-S", "-c", "pass"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    } - {"package"}


def make_venv(path: str) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", path], check=True)


def first_visit(project: str, args: list[str] | None = None) -> tuple[set[str], set[str]]:
    """(autovenv's modules, other modules beyond start-up) of one cold run in ``project``."""
    names = imported_modules(args or ["export", "bash", "--hook"], project) - {"package"}
    ours = {n for n in names if n.split(".")[0] == "autovenv"}
    return ours, names - ours - startup_modules()


def test_a_plain_venv_first_visit_imports_exactly_these(tmp_path: os.PathLike[str]) -> None:
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    ours, stdlib = first_visit(project)
    assert ours == CORE | {"autovenv.resolve.finders.in_project"}
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


@pytest.mark.parametrize("shell", ["bash", "zsh", "pwsh", "fish"])
def test_a_first_visit_loads_its_own_adapter_and_nothing_of_the_hooks(
    tmp_path: os.PathLike[str], shell: str
) -> None:
    """The answer only: what a hook or start file is made of (``shells.posix_hook``) waits for ``hook``."""
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    ours, _ = first_visit(project, ["export", shell, "--hook"])
    posix = {"autovenv.shells.posix"} if shell in ("bash", "zsh") else set()
    expected = CORE - {"autovenv.shells.bash", "autovenv.shells.posix"} | posix
    assert ours == expected | {"autovenv.resolve.finders.in_project", f"autovenv.shells.{shell}"}
    hook, _ = first_visit(project, ["hook", shell])
    assert "autovenv.shells.posix_hook" in hook or shell == "fish"


def test_the_hooks_parts_are_no_shell_of_their_own() -> None:
    from autovenv import shells

    assert shells.names() == ["bash", "fish", "pwsh", "zsh"]


def test_only_a_project_inside_a_git_repository_loads_the_index_reader(tmp_path: os.PathLike[str]) -> None:
    """``gitformat`` (the index file) is for a venv some repository may ship; ``gitindex`` walks up alone."""
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    subprocess.run(
        ["git", "init", "-q", project], check=True, env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}
    )
    ours, stdlib = first_visit(project)
    assert ours == CORE | {"autovenv.resolve.finders.in_project", "autovenv.gitformat"}
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_a_pin_alone_adds_pyenv_and_nothing_of_the_venv_path(tmp_path: os.PathLike[str]) -> None:
    project = os.path.join(str(tmp_path), "app")
    os.mkdir(project)
    with open(os.path.join(project, ".python-version"), "w") as handle:
        handle.write("system\n")
    ours, stdlib = first_visit(project)
    assert ours == CORE | {"autovenv.resolve.finders.python_version", "autovenv.resolve.pyenv"}
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_the_lock_comparison_is_imported_only_for_a_project_that_pins(tmp_path: os.PathLike[str]) -> None:
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    with open(os.path.join(project, "requirements.txt"), "w") as handle:
        handle.write("-e .\nsix==1.16.0 ; python_version >= '3'\n")  # an option line: read whole
    ours, stdlib = first_visit(project)
    assert ours == CORE | {"autovenv.resolve.finders.in_project", "autovenv.resolve.pinsync"} | COMPARISON
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_a_plain_requirements_file_is_told_without_reading_it_whole(tmp_path: os.PathLike[str]) -> None:
    """A pin missing (no marker): the shortcut answers; none of the full readers loads."""
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    with open(os.path.join(project, "requirements.txt"), "w") as handle:
        handle.write("six==1.16.0\n")
    ours, stdlib = first_visit(project)
    shortcut = {"autovenv.resolve.lockmemo", "autovenv.resolve.locksync", "autovenv.resolve.pinsync"}
    assert ours == CORE | {"autovenv.resolve.finders.in_project"} | shortcut
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_a_pipfile_lock_is_told_without_reading_it_whole(tmp_path: os.PathLike[str]) -> None:
    """A pin missing from a Pipfile.lock: the shortcut answers (the json package's C scanner, not the
    package); none of the full readers loads."""
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    with open(os.path.join(project, "Pipfile.lock"), "w") as handle:
        handle.write('{"_meta": {}, "default": {"six": {"version": "==1.16.0"}}, "develop": {}}\n')
    ours, stdlib = first_visit(project)
    shortcut = {"autovenv.resolve.lockmemo", "autovenv.resolve.locksync", "autovenv.resolve.pinsync"}
    assert ours == CORE | {"autovenv.resolve.finders.in_project"} | shortcut
    scanner = {"_json"}  # whose package's import would load re
    assert stdlib <= STDLIB_ALLOWED | scanner, stdlib - STDLIB_ALLOWED


def test_a_uv_project_reads_its_lock_without_the_toml_reader(tmp_path: os.PathLike[str]) -> None:
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    with open(os.path.join(project, "pyproject.toml"), "w") as handle:
        handle.write('[project]\nname = "app"\nversion = "0.1.0"\n')
    with open(os.path.join(project, "uv.lock"), "w") as handle:
        # A missing package reached through an extra (is it asked for?): the lock is read whole.
        handle.write(
            'version = 1\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n'
            '\n[package.optional-dependencies]\nx = [{ name = "lib" }]\n'
            '\n[[package]]\nname = "lib"\nversion = "1.0"\nsource = { registry = "https://x/simple" }\n'
        )
    ours, stdlib = first_visit(project)
    # The shortcut looked at the edges pointing at the missing packages first (resolve.lockgraph).
    read = {"autovenv.resolve.finders.uv", "autovenv.resolve.lockscan", "autovenv.resolve.lockgraph"}
    unmarked = COMPARISON - {"autovenv.resolve.markers"}  # no marker in the lock: none read
    assert ours == CORE | read | unmarked
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_an_empty_lock_is_read_without_loading_the_comparison(tmp_path: os.PathLike[str]) -> None:
    """A new Poetry project's ``package = []``: its lock is read (a broken one is reported), nothing is
    compared, so neither the comparison, the marker reader nor the version rules load."""
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    with open(os.path.join(project, "pyproject.toml"), "w") as handle:
        handle.write('[project]\nname = "app"\nversion = "0.1.0"\n\n[tool.poetry]\npackage-mode = false\n')
    with open(os.path.join(project, "poetry.lock"), "w") as handle:
        handle.write('package = []\n\n[metadata]\nlock-version = "2.1"\npython-versions = ">=3.9"\n')
    ours, stdlib = first_visit(project)
    read = {
        "autovenv.resolve.lockmemo",
        "autovenv.resolve.installed",
        "autovenv.resolve.locksync",
        "autovenv.resolve.pins",
        "autovenv.resolve.lockscan",
    }
    assert ours == CORE | {"autovenv.resolve.finders.poetry", "autovenv.resolve.tomlfile"} | read
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def uv_project_installing(tmp_path: os.PathLike[str], installed: str) -> str:
    """A uv project locking itself at 0.1.0, its venv holding it at ``installed``."""
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    with open(os.path.join(project, "pyproject.toml"), "w") as handle:
        handle.write('[project]\nname = "app"\nversion = "0.1.0"\n')
    with open(os.path.join(project, "uv.lock"), "w") as handle:
        handle.write(
            'version = 1\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n'
        )
    lib = os.path.join(project, ".venv", "lib")
    site = os.path.join(lib, os.listdir(lib)[0], "site-packages")
    os.mkdir(os.path.join(site, f"app-{installed}.dist-info"))
    return project


def test_a_venv_one_package_behind_its_lock_is_told_without_reading_the_lock_whole(
    tmp_path: os.PathLike[str],
) -> None:
    """One package at another version: its table alone says so; none of the full readers loads, nor the
    version rules for two versions in PEP 440's normal form (a local label needs them)."""
    project = uv_project_installing(tmp_path, "0.0.9")
    ours, stdlib = first_visit(project)
    told = {"autovenv.resolve.lockmemo", "autovenv.resolve.locksync"}
    assert ours == CORE | {"autovenv.resolve.finders.uv"} | told
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED
    project = uv_project_installing(os.path.join(str(tmp_path), "local"), "0.1.0+cpu")
    ours, stdlib = first_visit(project)
    assert ours == CORE | {"autovenv.resolve.finders.uv", "autovenv.resolve.versions"} | told
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_a_venv_in_sync_with_its_lock_is_told_without_reading_the_lock_whole(
    tmp_path: os.PathLike[str],
) -> None:
    """Every locked package installed at its version: the shortcut answers, none of the readers loads."""
    project = uv_project_installing(tmp_path, "0.1.0")
    ours, stdlib = first_visit(project)
    shortcut = {"autovenv.resolve.lockmemo", "autovenv.resolve.locksync"}
    assert ours == CORE | {"autovenv.resolve.finders.uv"} | shortcut
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_exec_imports_the_pipeline_and_the_sh_adapter_only(tmp_path: os.PathLike[str]) -> None:
    project = os.path.join(str(tmp_path), "app")
    make_venv(os.path.join(project, ".venv"))
    ours, stdlib = first_visit(project, ["exec", project, "--", "true"])
    expected = CORE - {"autovenv.shells.bash", "autovenv.shells.posix"}
    assert ours == expected | {
        "autovenv.execute",
        "autovenv.shells.sh",
        "autovenv.resolve.finders.in_project",
    }
    assert stdlib <= STDLIB_ALLOWED, stdlib - STDLIB_ALLOWED


def test_the_cheap_gates_name_what_the_modules_they_spare_read() -> None:
    """project.py decides with stats whether a module is needed; its lists must be that module's."""
    from autovenv.create_plan import DECLARES
    from autovenv.resolve import config, lockmemo, locksync, pins, project
    from autovenv.resolve.finders import base

    assert (
        tuple(name for name, _ in pins.LOCKS) == project.LOCK_FILES == locksync.LOCKS == lockmemo._LOCK_FILES
    )
    assert set(DECLARES) <= set(project.DECLARING_FILES) | {"requirements", "requirements.txt"}
    assert base.RAW_LIMIT == config.MAX_CONFIG_BYTES
    assert config._SECTION_MARK == b"tool.autovenv"  # what _project_config looks for in the bytes


def test_no_module_of_ours_is_also_a_package() -> None:
    """The lean start's finder (``_entry._OwnModules``) looks for ``x.py`` before ``x/__init__.py``, the
    path finder the other way round: the same only while no name is both."""
    import autovenv

    root = os.path.dirname(os.path.abspath(autovenv.__file__))
    pairs = [
        os.path.join(folder, name)
        for folder, subdirs, _ in os.walk(root)
        for name in subdirs
        if os.path.isfile(os.path.join(folder, name, "__init__.py"))
        and os.path.exists(os.path.join(folder, name + ".py"))
    ]
    assert pairs == []


SPECS = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
sys.modules.pop("__future__", None)  # imported again below, by the finder under test
import autovenv
from autovenv import _entry
if sys.argv[2] == "lean":
    _entry._OwnModules.install()
found = {}
for name in sys.argv[3:]:
    module = importlib.import_module(name)
    spec = module.__spec__
    code = spec.loader.get_code(name)
    found[name] = [
        spec.name, spec.origin, spec.cached, spec.submodule_search_locations, spec.parent, spec.has_location,
        [c.__name__ for c in type(spec.loader).__mro__ if not c.__module__.startswith("autovenv")],
        spec.loader.name, spec.loader.path, spec.loader_state,
        module.__file__, module.__cached__, getattr(module, "__path__", None), module.__package__,
        code.co_filename, code.co_code.hex(), repr(code.co_names), module.__doc__, sorted(vars(module)),
    ]
finders = [getattr(f, "__qualname__", type(f).__name__) for f in sys.meta_path]
loaders = {n: type(sys.modules[n].__loader__).__name__ for n in sys.argv[3:]}
print(json.dumps({"specs": found, "finders": finders, "loaders": loaders}))
"""


def _specs(parent: str, mode: str, names: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", SPECS, parent, mode, *names],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_lean_start_loads_our_modules_as_the_path_finder_does(tmp_path: os.PathLike[str]) -> None:
    """Every module the cold path imports, a package and ``__future__`` get the same spec, file, bytecode
    cache path, package locations and code from the lean start's own finder and loader as from the path
    finder's."""
    import autovenv

    parent = os.path.dirname(os.path.dirname(os.path.abspath(autovenv.__file__)))
    names = sorted(
        CORE | {"autovenv.daemon", "autovenv.daemon.visit", "autovenv.resolve.finders.poetry", "__future__"}
    )
    plain, lean = _specs(parent, "path", names), _specs(parent, "lean", names)
    assert lean["finders"][0] == "_OwnModules" and "_OwnModules" not in plain["finders"]
    assert lean["specs"] == plain["specs"]
    assert set(plain["loaders"].values()) == {"SourceFileLoader"}
    # autovenv and _entry are imported before the finder is installed
    found_by_ours = {n for n in names if n not in ("autovenv", "autovenv._entry")}
    assert {n for n, loader in lean["loaders"].items() if loader == "_BytecodeLoader"} == found_by_ours
    assert plain["specs"]["autovenv.daemon"][3] == [os.path.join(parent, "autovenv", "daemon")]


PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
import autovenv
if sys.argv[2] == "lean":
    from autovenv import _entry
    _entry._OwnModules.install()
from autovenv import dirs, display, files, settings
print(*(getattr(module, "MARK", None) for module in (display, dirs, files, settings)))
"""


@pytest.mark.parametrize("mode", ["path", "lean"])
def test_the_lean_start_reads_a_bytecode_cache_only_when_the_path_finder_would(
    tmp_path: os.PathLike[str], mode: str
) -> None:
    """A cache whose source changed (mtime alone, size alone) is compiled anew and rewritten, a missing
    one written, an unchecked hash-based one used even for a changed source: the lean loader's shortcut
    leaves each to the path finder's loader, as the path finder does."""
    import py_compile
    import shutil

    import autovenv

    parent = os.path.join(tmp_path, "site")
    package = os.path.join(parent, "autovenv")
    shutil.copytree(os.path.dirname(os.path.abspath(autovenv.__file__)), package)
    caches = os.path.join(package, "__pycache__")
    shutil.rmtree(caches, ignore_errors=True)
    tag = sys.implementation.cache_tag
    hashed = py_compile.PycInvalidationMode.UNCHECKED_HASH
    stamped = py_compile.PycInvalidationMode.TIMESTAMP

    def source(name: str) -> str:
        return os.path.join(package, name + ".py")

    def mark(name: str, value: str) -> None:
        with open(source(name), "a") as out:
            out.write(f"\nMARK = {value!r}\n")

    for name in ("display", "dirs", "settings"):
        mark(name, "old")
        cache = os.path.join(caches, f"{name}.{tag}.pyc")
        py_compile.compile(source(name), cache, invalidation_mode=hashed if name == "settings" else stamped)
    with open(source("display"), "rb") as text:  # the same size, a later mtime
        same_size = text.read().replace(b"MARK = 'old'", b"MARK = 'new'")
    mtime = os.stat(source("dirs")).st_mtime
    with open(source("display"), "wb") as out:
        out.write(same_size)
    os.utime(source("display"), (mtime + 5, mtime + 5))
    with open(source("dirs"), "rb") as text:  # another size, the same mtime
        longer = text.read().replace(b"MARK = 'old'", b"MARK = 'longer'")
    with open(source("dirs"), "wb") as out:
        out.write(longer)
    os.utime(source("dirs"), (mtime, mtime))
    mark("settings", "changed")
    mark("files", "uncached")
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE, parent, mode], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["new", "longer", "uncached", "old"]
    for name in ("display", "dirs", "files"):  # rewritten for the next start, with the source's stamp
        with open(os.path.join(caches, f"{name}.{tag}.pyc"), "rb") as cache_file:
            header = cache_file.read(16)
        info = os.stat(source(name))
        assert int.from_bytes(header[8:12], "little") == int(info.st_mtime) & 0xFFFFFFFF
        assert int.from_bytes(header[12:16], "little") == info.st_size & 0xFFFFFFFF
