"""The start file: the hook behind a guard of shell builtins, so a shell start where nothing changed runs
no Python.

``autovenv hook SHELL`` saves it as ``<cache dir>/start.SHELL`` (bash, zsh, fish), beside the copy
install.sh's launcher serves. The line ``autovenv init`` writes sources it when the user owns it, and
runs ``autovenv hook SHELL`` instead when it is missing or its guard returns 1; that run writes it again.
A pip, pipx or uv console script starts Python with ``site`` at every shell start (well over the 10 ms
budget); the guard costs a few stat calls and one string comparison. It holds while:

- the file is owned by the user;
- the interpreter of the hook's export command (``sys.executable`` at render) is still executable;
- the file is newer than the ``RECORD`` of the dist-info beside our package. Installers write ``RECORD``
  fresh at every install and name the dist-info after the version, so a reinstall, an upgrade or a moved
  venv fails it. Package files are no witness: uv hard-links them from its cache, old mtimes and all;
- the user's config is as it was at render: absent then and now, or present then and older now;
- every environment variable rendering reads (``ENV_KEYS``) has the value, and the set-ness, it had.

"Newer" is against the moment rendering began: the file's mtime is set to just before it (``stamp``), so a
config edited or a package installed while Python rendered leaves the file stale, not trusted.

No start file is written, and a stale one is removed, when no single dist-info sits beside the package (a
source checkout or an editable install, whose code changes with no install to tell): such hooks always
come from Python. A cache the hook could not use, or another user's, is left alone. PowerShell has no
start file: dot-sourcing a script file is what its execution policy governs, and its own start dwarfs the
budget.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from autovenv.shells.base import Adapter

DIST_PREFIX = "autovenv_shell-"
#: Every environment variable rendering the hook reads, on any platform: the cache and config locations
#: (``dirs``), and HOME behind them. A unit test records the keys rendering reads and holds them to this.
ENV_KEYS = (
    "AUTOVENV_CACHE_DIR",
    "AUTOVENV_CONFIG_DIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "HOME",
    "LOCALAPPDATA",
)
HEADER = "# autovenv start file, written by `autovenv hook {shell}`: the hook, behind its guard\n"


class Checks:
    """What a start file's guard compares, in plain values (the adapters turn them into shell code)."""

    __slots__ = ("config", "config_exists", "env", "own", "python", "record")

    def __init__(
        self,
        own: str,
        python: str,
        record: str,
        config: str,
        config_exists: bool,
        env: list[tuple[str, str | None]],
    ) -> None:
        self.own = own
        self.python = python
        self.record = record
        self.config = config
        self.config_exists = config_exists
        self.env = env


def path(shell: str, cache: str) -> str:
    return os.path.join(cache, f"start.{shell}")


def record_file(package_parent: str) -> str | None:
    """``RECORD`` of the one ``autovenv_shell-*.dist-info`` beside the package (``None``: not exactly one)."""
    try:
        names = os.listdir(package_parent)
    except OSError:
        return None
    found = [n for n in names if n.endswith(".dist-info") and n.lower().startswith(DIST_PREFIX)]
    if len(found) != 1:
        return None
    record = os.path.join(package_parent, found[0], "RECORD")
    return record if os.path.isfile(record) else None


def installed_record() -> str | None:
    """``RECORD`` of this installation (``record_file`` of the directory holding our package)."""
    return record_file(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def usable_cache(values: Mapping[str, object]) -> bool:
    """Did the hook rendered from ``values`` use its cache, and is that cache this user's alone (safepath:
    theirs, 0700, no one else able to swap a directory on the way)? Otherwise (no cache; another user's,
    as under ``sudo`` keeping HOME; a shared ``XDG_CACHE_HOME``) nothing is written there, since a shell
    start would source it."""
    from autovenv.safepath import ensure_private_dir

    cache = values.get("AUTOVENV_CACHE")
    if not isinstance(cache, str) or values.get("AUTOVENV_STAMPS") != os.path.join(cache, "stamps"):
        return False
    try:
        ensure_private_dir(cache, create=False)
    except OSError:
        return False
    return True


def checks(values: Mapping[str, object], environ: Mapping[str, str], own: str) -> Checks | None:
    """The guard's values for a hook rendered from ``values``; ``None`` when it gets no start file.

    The caller (hook.save_start) has checked ``usable_cache`` already: an unusable cache keeps its file.
    """
    from autovenv.dirs import user_config_file

    export = values.get("AUTOVENV_EXPORT")
    if not os.path.isabs(own):
        return None
    python = export[0] if isinstance(export, list) and export else ""
    if not isinstance(python, str) or not os.path.isabs(python):
        return None
    record = installed_record()
    if record is None:
        return None
    config = user_config_file(environ)
    if not os.path.isabs(config):
        return None
    env = [(key, environ.get(key)) for key in ENV_KEYS]
    return Checks(own, python, record, config, os.path.exists(config), env)


def render(
    adapter: Adapter, values: Mapping[str, object], hook: str, environ: Mapping[str, str]
) -> tuple[str, Checks] | None:
    """The start file for ``hook`` (as ``adapter`` rendered it from ``values``) and what its guard checks;
    ``None`` when it gets none."""
    render_start: Callable[[Checks, str], str] | None = getattr(adapter, "render_start", None)
    cache = values.get("AUTOVENV_CACHE")
    if render_start is None or not isinstance(cache, str):
        return None
    found = checks(values, environ, path(adapter.NAME, cache))
    if found is None:
        return None
    return HEADER.format(shell=adapter.NAME) + render_start(found, hook), found


def stamp(found: Checks, started_ns: int) -> int:
    """The start file's mtime: before rendering started by the slack the compared files' clocks need
    (cache.slack_for), so what changes from then on is newer than the file."""
    from autovenv.cache import slack_for

    slack = slack_for(os.path.dirname(found.record))
    if found.config_exists:
        slack = max(slack, slack_for(os.path.dirname(found.config)))
    return max(started_ns - slack, 0)
