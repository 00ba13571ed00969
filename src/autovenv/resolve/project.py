"""Walk up from a directory to the nearest project and decide its environment (DESIGN §3).

Pure in the sense that matters: it reads files and the given environ, never runs a tool, never prints,
and always returns a ``Resolution`` (problems are one-line strings inside it). The walk is linear in the
directory depth and independent of how many projects exist.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders import FINDERS, candidate_names
from autovenv.resolve.finders.base import RAW_LIMIT, FinderContext, Found, is_venv
from autovenv.resolve.venv import VenvInfo, inspect_venv

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Protocol

    from autovenv.resolve import pyenv
    from autovenv.resolve.config import ConfigResult

    class PyenvLayout(Protocol):
        """A module that selects a Python like ``pyenv version-name`` (resolve.pyenv, resolve.pyenv_win)."""

        def select_python(self, start_dir: str, environ: Mapping[str, str]) -> pyenv.PythonSelection: ...


DEFAULT_VENV_DIRS = (".venv", "venv", "env")
#: The lock files a project may pin its dependencies in (``resolve.pins.LOCKS``; a test holds them equal).
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pylock.toml")
#: Files that say a project has dependencies, besides its locks and requirements files (what
#: ``create_plan.declares_dependencies`` looks at; a test holds them together).
DECLARING_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "pylock.toml")


class Settings:
    """The user's settings that change resolution or activation (from their config file).

    ``problems`` has one line per thing in the file that was ignored (shown with every project's answer
    until it is fixed); ``path`` is the file they came from.
    """

    __slots__ = (
        "daemon",
        "path",
        "problems",
        "prompt",
        "quiet",
        "stale_hint",
        "trust",
        "venv_dirs",
        "watch_roots",
    )

    def __init__(
        self,
        venv_dirs: tuple[str, ...] = DEFAULT_VENV_DIRS,
        prompt: bool = True,
        quiet: bool = False,
        trust: str = "auto",
        daemon: str = "off",
        watch_roots: tuple[str, ...] = (),
        stale_hint: bool = True,
        problems: tuple[str, ...] = (),
        path: str = "",
    ) -> None:
        self.venv_dirs = venv_dirs
        self.prompt = prompt
        self.quiet = quiet
        self.trust = trust
        self.daemon = daemon
        self.watch_roots = watch_roots
        self.stale_hint = stale_hint
        self.problems = problems
        self.path = path

    @classmethod
    def from_config(cls, config: ConfigResult) -> Settings:
        """Settings from a validated file: what it left out, or got wrong, is the default."""
        values = config.values
        dirs = values.get("venv_dirs")
        roots = values.get("watch_roots")
        return cls(
            venv_dirs=tuple(str(d) for d in dirs) if isinstance(dirs, list) else DEFAULT_VENV_DIRS,
            prompt=bool(values.get("prompt", True)),
            quiet=bool(values.get("quiet", False)),
            trust=str(values.get("trust", "auto")),
            daemon=str(values.get("daemon", "off")),
            watch_roots=tuple(str(r) for r in roots) if isinstance(roots, list) else (),
            stale_hint=bool(values.get("stale_hint", True)),
            problems=tuple(config.problems),
            path=config.path,
        )


class Resolution:
    """The answer for one directory: the project root, what decided, and the environment it wants.

    ``venv`` is set when a venv should be activated, ``python`` when only an interpreter is selected.
    ``problems`` are one-line reports for the user; ``watch`` lists the paths whose modification could
    change this answer (every directory walked, every file read) for the cache and the shell's fast path.
    ``candidate`` is the nearest directory holding any file the finders look at: the cache key.
    ``entry_watch`` are paths checked only when a cached answer is read (at a cd), not at every prompt.
    ``kind`` names the finder that decided (``poetry``, ``venv-dir``, ``pyenv-virtualenv``, …), ``source``
    the file that marks the project, ``setting`` in words which file or setting placed the env there.
    """

    __slots__ = (
        "candidate",
        "config",
        "create_hint",
        "directory",
        "enabled",
        "entry_watch",
        "hint",
        "kind",
        "pin",
        "problems",
        "prompt",
        "python",
        "quiet",
        "root",
        "setting",
        "source",
        "tool_dirs",
        "venv",
        "watch",
    )

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.candidate: str | None = None
        self.root: str | None = None
        self.kind: str | None = None
        self.source: str | None = None
        self.setting: str | None = None
        self.config: ConfigResult | None = None
        self.enabled = True
        self.venv: VenvInfo | None = None
        self.python: pyenv.PythonSelection | None = None
        self.pin: pyenv.PythonSelection | None = None
        self.prompt: str | bool = True
        self.quiet = False
        self.problems: list[str] = []
        #: what the venv lacks against the project's pins: (the line up to its command, the command as
        #: words, quoted for the user's shell when shown)
        self.hint: tuple[str, tuple[str, ...]] | None = None
        #: a project that declares dependencies but has no venv: what ``autovenv create`` would make
        self.create_hint: str | None = None
        self.watch: list[str] = []
        self.entry_watch: list[str] = []
        #: where a tool keeps or will make the env (its store, the env's parent), existing or not: the
        #: daemon watches these (or their nearest existing ancestor) so a `poetry install` made
        #: elsewhere lands in the cache without a Python start
        self.tool_dirs: list[str] = []

    def __repr__(self) -> str:
        return (
            f"Resolution(root={self.root!r}, kind={self.kind!r}, venv={self.venv!r}, "
            f"python={self.python!r}, problems={self.problems!r})"
        )


def parent_dirs(directory: str) -> list[str]:
    """``directory`` and each ancestor up to the filesystem root, nearest first (lexically: like ``$PWD``)."""
    current = os.path.normpath(directory) if directory else os.sep
    dirs = [current]
    while True:
        parent = os.path.dirname(current)
        if parent == current:
            return dirs
        dirs.append(parent)
        current = parent


def present(directory: str, names: tuple[str, ...]) -> list[str]:
    """Paths of the candidate files that exist in ``directory`` (each may change the answer when edited)."""
    return [path for path in (os.path.join(directory, name) for name in names) if os.path.lexists(path)]


def _apply_config(resolution: Resolution, config: ConfigResult, context: FinderContext) -> Found | None:
    """Explicit config decides; keys it leaves out fall through to the finders in the same directory."""
    root = resolution.root or ""
    values = config.values
    resolution.config = config
    if values.get("enabled") is False:
        resolution.enabled = False
        return None
    if "prompt" in values:
        resolution.prompt = values["prompt"]  # type: ignore[assignment]
    if "quiet" in values:
        resolution.quiet = bool(values["quiet"])
    venv = values.get("venv")
    if isinstance(venv, str):
        path = os.path.normpath(os.path.join(root, context.expand_user(venv)))
        return Found("config", config.path, venv=path, watch=(os.path.dirname(path),))
    spec = values.get("python")
    if isinstance(spec, str):
        return Found("config", config.path, python=spec)
    return None


def _pyenv_for(context: FinderContext) -> PyenvLayout:
    """pyenv's rules on POSIX, pyenv-win's on Windows: imported only for a directory that pins a Python
    (the largest module of all; a plain venv's first visit never needs it)."""
    if context.windows:
        from autovenv.resolve import pyenv_win

        return pyenv_win
    from autovenv.resolve import pyenv

    return pyenv


def _select_venv(resolution: Resolution, found: Found, context: FinderContext) -> None:
    assert found.venv is not None
    info = inspect_venv(found.venv, context.windows)
    if found.pointer is not None and not _in_store(found):
        info.named_by = found.pointer
    resolution.venv = info
    bin_dir = info.bin_dir
    resolution.watch.extend((found.venv, os.path.join(found.venv, "pyvenv.cfg"), bin_dir))
    if info.problem:
        resolution.problems.append(info.problem)
    elif context.stale_hint and resolution.root is not None and pins_declared(resolution.root):
        from autovenv.resolve import lockmemo

        hint, problem, watch = lockmemo.compare(resolution.root, info, context.windows, context.lock_memo)
        if hint is not None:
            resolution.hint = hint
        if problem:
            resolution.problems.append(problem)
        resolution.watch.extend(watch)


def _names_a_venv(selection: pyenv.PythonSelection) -> bool:
    """A version file that names one version holding a pyvenv.cfg (a pyenv-virtualenv env): the cheap
    test before importing the module that activates it."""
    names = [name for name in selection.resolved if name is not None]
    if selection.source_kind != "local" or len(names) != 1 or names[0] == "system":
        return False
    from autovenv.resolve import pyenv

    return is_venv(pyenv.version_prefix(selection.root, names[0]))


def _in_store(found: Found) -> bool:
    """The env lies in the directory the user's own tool configuration keeps envs in."""
    return found.store is not None and found.venv is not None and os.path.dirname(found.venv) == found.store


def _select_python(resolution: Resolution, directory: str, spec: str | None, context: FinderContext) -> None:
    environ: Mapping[str, str] = context.environ
    if spec is not None:
        environ = {**environ}
        environ["PYENV_VERSION"] = spec
    selection = _pyenv_for(context).select_python(directory, environ)
    resolution.watch.extend(selection.watch_paths)
    if spec is None and not context.windows and _names_a_venv(selection):
        from autovenv.resolve import pyenv_virtualenv

        env = pyenv_virtualenv.env_for(selection)
        if env is not None:
            resolution.kind = pyenv_virtualenv.NAME
            resolution.setting = pyenv_virtualenv.describe(selection)
            _select_venv(resolution, Found(pyenv_virtualenv.NAME, resolution.source or "", venv=env), context)
            return
    resolution.python = selection
    if selection.problem:
        resolution.problems.append(selection.problem)


def _check_pin(resolution: Resolution, directory: str, context: FinderContext) -> None:
    """A venv beside a ``.python-version`` that pins another version is worth one line."""
    venv = resolution.venv
    pin_file = os.path.join(directory, ".python-version")
    if venv is None or venv.problem or not venv.version or not os.path.isfile(pin_file):
        return
    selection = _pyenv_for(context).select_python(directory, context.environ)
    resolution.pin = selection
    resolution.watch.append(pin_file)
    wanted = selection.version_name()
    if not wanted or wanted == "system" or ":" in wanted:
        return
    if not (venv.version == wanted or venv.version.startswith(wanted + ".")):
        from autovenv import display

        minor = ".".join(wanted.split(".")[:2])
        resolution.problems.append(
            f"{venv.path} runs Python {venv.version} but {pin_file} pins {wanted}; recreate it: "
            + display.command(
                [f"python{minor}", "-m", "venv", "--clear", venv.path], display.user_shell(context.environ)
            )
        )


def resolve(
    directory: str,
    environ: Mapping[str, str],
    settings: Settings | None = None,
    lock_memo: str | None = None,
) -> Resolution:
    """Resolve ``directory`` (a logical path, like ``$PWD``) to its project and environment.

    ``lock_memo`` is a directory of the user's cache where the lock comparison may keep its answers
    (``resolve.lockmemo``); without one, nothing is written.
    """
    settings = settings or Settings()
    resolution = _walk(directory, environ, settings, lock_memo)
    if settings.stale_hint and resolution.venv is None and resolution.enabled and resolution.candidate:
        _create_hint(resolution, environ, settings)
    return resolution


def pins_declared(root: str) -> bool:
    """Whether ``root`` may pin anything (a lock file, a ``requirements*`` file or directory): the stats
    and one listing that decide whether the lock comparison's modules are needed at all. ``True`` may
    still find no pin (``resolve.pins`` decides exactly); ``False`` means ``pins.project_pins`` is None."""
    if any(os.path.isfile(os.path.join(root, name)) for name in LOCK_FILES):
        return True
    try:
        names = os.listdir(root)
    except OSError:
        return False
    return any(name.startswith("requirements") for name in names)


def _create_hint(resolution: Resolution, environ: Mapping[str, str], settings: Settings) -> None:
    """A project that says what it needs but has no venv: what ``autovenv create`` would make there."""
    where = resolution.root or resolution.candidate or ""
    selected = resolution.python
    if selected is not None and (not selected.ok or selected.problem):
        return  # an uninstalled pin already has its own line, naming pyenv install
    declaring = any(os.path.lexists(os.path.join(where, name)) for name in DECLARING_FILES)
    if not declaring and not pins_declared(where):
        return  # nothing create_plan.declares_dependencies would count: spare its import
    from autovenv import create_plan

    if not create_plan.declares_dependencies(where):
        return
    plan = create_plan.make_plan(where, environ, settings.venv_dirs, probe=False)
    if plan.problem is None:  # an uninstalled pin already has its own line, naming pyenv install
        resolution.create_hint = plan.summary()


def _walk(
    directory: str, environ: Mapping[str, str], settings: Settings, lock_memo: str | None
) -> Resolution:
    windows = os.name == "nt"
    context = FinderContext(environ, settings.venv_dirs, windows, settings.stale_hint)
    context.lock_memo = lock_memo
    names = candidate_names(settings.venv_dirs)
    resolution = Resolution(directory)
    resolution.prompt = settings.prompt
    resolution.quiet = settings.quiet
    above: list[str] = []  # directories without markers walked past the candidate
    for current in parent_dirs(directory):
        markers = present(current, names)
        if not markers:
            if resolution.candidate is not None:
                resolution.watch.append(current)
                above.append(current)
            continue
        if resolution.candidate is None:
            resolution.candidate = current
        resolution.watch.append(current)
        resolution.watch.extend(markers)
        found: Found | None = None
        config = _project_config(current, markers, context)
        if config is not None:
            # Each line says what was ignored; a file that cannot be used at all is as if absent.
            resolution.problems.extend(config.problems)
        if config is not None and config.usable:
            resolution.root = current
            resolution.watch.append(config.path)
            found = _apply_config(resolution, config, context)
            if not resolution.enabled:
                resolution.kind, resolution.source = "config", config.path
                return resolution
        pending: Found | None = None
        if found is None:
            for spec in FINDERS:
                if not spec.gate(current, context):
                    continue
                found = spec.finder().find(current, context)
                if found is not None and found.install and found.venv and not is_venv(found.venv):
                    pending = pending or found  # the tool's env is not there yet: others may have one
                    found = None
                if found is not None:
                    break
        resolution.watch.extend(context.read)
        context.read.clear()
        if found is None and pending is not None:
            found = pending
        if found is None:
            if resolution.root is not None:  # config without environment keys: nothing more to decide
                resolution.kind, resolution.source = (
                    "config",
                    resolution.config.path if resolution.config else None,
                )
                return resolution
            continue
        resolution.root = current
        resolution.kind = found.kind
        resolution.source = found.source
        resolution.setting = found.setting
        resolution.watch.append(found.source)
        resolution.watch.extend(found.watch)
        if pending is not None:
            resolution.watch.extend(pending.watch)
        for tool in (found, pending):
            if tool is not None and tool.install and tool.venv:
                resolution.tool_dirs.extend(p for p in (tool.store, os.path.dirname(tool.venv)) if p)
        if pending is not None and pending.venv is not None:
            resolution.watch.extend(_nearest_below_home(os.path.dirname(pending.venv), context))
        if found is pending:
            resolution.problems.append(missing_line(found))
        elif found.problem:
            resolution.problems.append(found.problem)
        elif found.venv is not None:
            _select_venv(resolution, found, context)
            _check_pin(resolution, current, context)
        else:
            _select_python(resolution, current, found.python, context)
            if pending is not None and resolution.venv is None:
                resolution.problems.append(missing_line(pending))
        return resolution
    if resolution.problems and above:
        # No project, only lines to show (a config file ignored on the way): a file created in HOME or
        # /tmp must not re-resolve at a prompt and repeat them; a project appearing above is seen at a cd.
        walked = set(above)
        resolution.watch = [path for path in resolution.watch if path not in walked]
        resolution.entry_watch.extend(above)
    return resolution


def _project_config(directory: str, markers: list[str], context: FinderContext) -> ConfigResult | None:
    """``config.project_config``, imported only for a directory that may have project settings: an
    ``.autovenv.toml``, or a pyproject.toml whose bytes mention ``tool.autovenv`` (or that cannot be read
    here, so that the config reader says why). The finders read the same bytes."""
    names = {os.path.basename(path) for path in markers}
    if ".autovenv.toml" not in names:
        if "pyproject.toml" not in names:
            return None
        pyproject = os.path.join(directory, "pyproject.toml")
        data = context.raw_or_none(pyproject) if os.path.isfile(pyproject) else b""
        if data is not None and len(data) <= RAW_LIMIT and b"tool.autovenv" not in data:
            return None
    from autovenv.resolve.config import project_config

    return project_config(directory)


def _nearest_below_home(path: str, context: FinderContext) -> tuple[str, ...]:
    """The nearest existing ancestor of a tool env that is not there yet, for the prompt to watch, so a
    `poetry install` typed inside the project activates at the next prompt. Only strictly below
    ``$HOME``: in ``$HOME`` itself (history files, editors) or in shared places such as ``/tmp``, files
    come and go all the time and each would cost a Python start; there the next cd or the daemon
    notices."""
    home = os.path.normpath(context.home())
    current = path
    while not os.path.isdir(current) and os.path.dirname(current) != current:
        current = os.path.dirname(current)
    inside = home != os.sep and current.startswith(home.rstrip(os.sep) + os.sep)
    return (current,) if inside else ()


def missing_line(found: Found) -> str:
    """One line for a tool whose env for the project does not exist yet, naming the tool's own command."""
    return f"{found.kind} has no env for this project yet ({found.venv}); create it: {found.install}"
