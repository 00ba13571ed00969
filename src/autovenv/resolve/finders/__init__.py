"""Sources of environments, one module each, asked in order for a directory.

A finder answers "does this directory decide an environment, and which?" from files alone. The order of
``FINDERS`` is the precedence after explicit config. The tools come first, each only for its own
projects, because each tool's rule already includes its in-project ``.venv`` and says when that is *not*
the env (``virtualenvs.in-project = false``, ``UV_PROJECT_ENVIRONMENT``, ``.pdm-python``); then
in-project venv dirs and a ``.venv`` file for every other project; ``.python-version`` (pyenv, and a
pyenv-virtualenv env named there) last but for conda, which only says what it found.
Adding a source means one module here and one entry in ``FINDERS``.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders import (
    conda,
    hatch,
    in_project,
    pdm,
    pipenv,
    poetry,
    python_version,
    uv,
    venv_file,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.resolve.finders.base import Finder

FINDERS: tuple[Finder, ...] = (uv, poetry, pdm, pipenv, hatch, in_project, venv_file, python_version, conda)

#: Variables resolution reads outside the finders: the user's settings (config dir) and trust store
#: (data dir) that decide whether and how an env is activated.
RESOLUTION_ENV = {
    "HOME": "the default base of every user directory",
    "XDG_CONFIG_HOME": "where the user's autovenv config.toml is",
    "XDG_DATA_HOME": "where the trust store (allow/deny) is",
    "AUTOVENV_CONFIG_DIR": "overrides where config.toml is",
    "AUTOVENV_DATA_DIR": "overrides where the trust store is",
}
#: Read only on Windows: declaring them elsewhere would cost every prompt a comparison for nothing.
WINDOWS_ONLY = frozenset(("APPDATA", "LOCALAPPDATA"))


def env_deps(windows: bool = os.name == "nt") -> tuple[str, ...]:
    """Every environment variable an answer depends on, in a stable order: the ones resolution itself
    reads first, then each finder's, in finder order. The answer's signature, the hooks' comparisons,
    the start file's guard and the daemon's reports all use this list."""
    names: dict[str, None] = {}
    for declared in (RESOLUTION_ENV, python_version.ENV, *(f.ENV for f in FINDERS)):
        for name in declared:
            if windows or name not in WINDOWS_ONLY:
                names.setdefault(name, None)
    return tuple(names)


def candidate_names(venv_dirs: tuple[str, ...]) -> tuple[str, ...]:
    """File names whose presence makes a directory worth asking the finders about.

    The shell hook walks up with exactly this list (cheap ``-e`` tests, no process) and runs Python only
    when it reaches a directory holding one of them, so every finder's markers must be listed.
    """
    names: list[str] = [".autovenv.toml", "pyproject.toml"]
    for finder in FINDERS:
        for name in finder.markers(venv_dirs):
            if name not in names:
                names.append(name)
    return tuple(names)
