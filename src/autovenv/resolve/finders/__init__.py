"""Sources of environments, one module each, asked in order for a directory.

A finder answers "does this directory decide an environment, and which?" from files alone. ``FINDERS``
holds one ``FinderSpec`` per finder, in precedence order after explicit config: the tools first, each
only for its own projects, because each tool's rule already includes its in-project ``.venv`` and says
when that is *not* the env (``virtualenvs.in-project = false``, ``UV_PROJECT_ENVIRONMENT``,
``.pdm-python``); then in-project venv dirs and a ``.venv`` file for every other project;
``.python-version`` (pyenv, and a pyenv-virtualenv env named there) last but for conda, which only says
what it found. A spec declares what every answer needs to know without importing the finder (its
variables, its markers, a cheap gate); its module is imported only for a directory that passes the gate.
Adding a source means one module here and one entry in ``FINDERS``.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import PLACES_ENV, FinderContext, FinderSpec

PYPROJECT = "pyproject.toml"


def _none(venv_dirs: tuple[str, ...]) -> tuple[str, ...]:
    return ()  # beside a pyproject.toml, which marks the directory already


def _has(directory: str, *names: str) -> bool:
    return any(os.path.lexists(os.path.join(directory, name)) for name in names)


def _mentions(directory: str, context: FinderContext, *words: bytes) -> bool:
    """pyproject.toml is there and its bytes mention one of ``words`` (a table, a build backend)."""
    data = context.raw(os.path.join(directory, PYPROJECT))
    return any(word in data for word in words)


def _uv_gate(directory: str, context: FinderContext) -> bool:
    """uv's files here, or a uv.lock above (a workspace member has none of its own)."""
    if not os.path.isfile(os.path.join(directory, PYPROJECT)):
        return False
    if _has(directory, "uv.lock") or _mentions(directory, context, b"tool.uv"):
        return True
    current = directory
    while os.path.dirname(current) != current:
        current = os.path.dirname(current)
        if os.path.isfile(os.path.join(current, "uv.lock")):
            return True
    return False


def _poetry_gate(directory: str, context: FinderContext) -> bool:
    return _has(directory, "poetry.lock", "poetry.toml") or _mentions(directory, context, b"poetry")


def _pdm_gate(directory: str, context: FinderContext) -> bool:
    return _has(directory, ".pdm-python", "pdm.lock", "pdm.toml") or _mentions(directory, context, b"pdm")


def _pipenv_gate(directory: str, context: FinderContext) -> bool:
    return _has(directory, "Pipfile") or bool(context.environ.get("PIPENV_PIPFILE"))


def _hatch_gate(directory: str, context: FinderContext) -> bool:
    """Hatch's config, or a hatchling build (whose developers may have a Hatch env already)."""
    return _has(directory, "hatch.toml") or _mentions(directory, context, b"hatch")


def _in_project_gate(directory: str, context: FinderContext) -> bool:
    return _has(directory, *context.venv_dirs)


def _venv_file_gate(directory: str, context: FinderContext) -> bool:
    return os.path.isfile(os.path.join(directory, ".venv"))


def _python_version_gate(directory: str, context: FinderContext) -> bool:
    return _has(directory, ".python-version")


def _conda_gate(directory: str, context: FinderContext) -> bool:
    return _has(directory, "environment.yml", "environment.yaml", "conda-meta") or any(
        _has(os.path.join(directory, name), "conda-meta") for name in context.venv_dirs
    )


FINDERS: tuple[FinderSpec, ...] = (
    FinderSpec(
        "uv",
        "uv",
        {"UV_PROJECT_ENVIRONMENT": "the project env's path (absolute, or relative to the workspace root)"},
        _none,
        _uv_gate,
    ),
    FinderSpec(
        "poetry",
        "poetry",
        {
            "POETRY_VIRTUALENVS_PATH": "where Poetry keeps its envs (virtualenvs.path)",
            "POETRY_VIRTUALENVS_IN_PROJECT": "false: Poetry ignores .venv (virtualenvs.in-project)",
            "POETRY_VIRTUALENVS_CREATE": "false: Poetry uses no env at all (virtualenvs.create)",
            "POETRY_CACHE_DIR": "Poetry's cache dir, the default parent of its envs (cache-dir)",
            "POETRY_CONFIG_DIR": "where Poetry's config.toml is",
            "HOME": PLACES_ENV["HOME"],
            "XDG_CACHE_HOME": PLACES_ENV["XDG_CACHE_HOME"],
            "XDG_CONFIG_HOME": PLACES_ENV["XDG_CONFIG_HOME"],
            "APPDATA": PLACES_ENV["APPDATA"],
            "LOCALAPPDATA": PLACES_ENV["LOCALAPPDATA"],
        },
        _none,
        _poetry_gate,
    ),
    FinderSpec(
        "pdm",
        "pdm",
        {
            "PDM_PYTHON": "the interpreter PDM uses, over .pdm-python",
            "PDM_IGNORE_SAVED_PYTHON": "true: PDM ignores .pdm-python",
            "PDM_CONFIG_FILE": "PDM's global config file (venv.location)",
            "HOME": PLACES_ENV["HOME"],
            "XDG_CONFIG_HOME": PLACES_ENV["XDG_CONFIG_HOME"],
            "XDG_DATA_HOME": PLACES_ENV["XDG_DATA_HOME"],
            "LOCALAPPDATA": PLACES_ENV["LOCALAPPDATA"],
        },
        _none,
        _pdm_gate,
    ),
    FinderSpec(
        "pipenv",
        "pipenv",
        {
            "WORKON_HOME": "where Pipenv (and virtualenvwrapper) keep named envs",
            "PIPENV_VENV_IN_PROJECT": "1: the env is the project's .venv; 0: an in-project .venv is ignored",
            "PIPENV_NO_VENV_IN_PROJECT": "the negation Pipenv also reads for PIPENV_VENV_IN_PROJECT",
            "PIPENV_CUSTOM_VENV_NAME": "the env's whole name under WORKON_HOME",
            "PIPENV_PIPFILE": "the Pipfile to use instead of the nearest one",
            "PIPENV_PYTHON": "adds -<python> to the env's name",
            "HOME": PLACES_ENV["HOME"],
            "XDG_DATA_HOME": "base of Pipenv's default WORKON_HOME (raw, as Pipenv reads it)",
        },
        lambda venv_dirs: ("Pipfile",),
        _pipenv_gate,
    ),
    FinderSpec(
        "hatch",
        "hatch",
        {
            "HATCH_DATA_DIR": "Hatch's data dir, the default parent of its envs",
            "HATCH_CONFIG": "Hatch's config file (dirs.env.virtual, dirs.data)",
            "HATCH_ENV_TYPE_VIRTUAL_PATH": "the default env's explicit path",
            "HOME": PLACES_ENV["HOME"],
            "XDG_CONFIG_HOME": PLACES_ENV["XDG_CONFIG_HOME"],
            "XDG_DATA_HOME": PLACES_ENV["XDG_DATA_HOME"],
            "LOCALAPPDATA": PLACES_ENV["LOCALAPPDATA"],
        },
        _none,
        _hatch_gate,
    ),
    FinderSpec("venv-dir", "in_project", {}, lambda venv_dirs: venv_dirs, _in_project_gate),
    FinderSpec(
        "venv-file",
        "venv_file",
        {
            "WORKON_HOME": "where a bare name in the file is looked up",
            "XDG_DATA_HOME": "base of Pipenv's default WORKON_HOME",
            "HOME": "base of the default WORKON_HOMEs; a path starting with ~",
        },
        lambda venv_dirs: (".venv",),
        _venv_file_gate,
    ),
    FinderSpec(
        "python-version",
        "python_version",
        {
            "PYENV_VERSION": "pyenv's own choice (`pyenv shell`), over every .python-version",
            "PYENV_ROOT": "where pyenv's versions (and pyenv-virtualenv's envs) are",
            "PYENV_DIR": "where pyenv starts looking for .python-version",
            "HOME": "the default PYENV_ROOT (~/.pyenv)",
            "PYTHON_BUILD_DEFINITIONS": "more python-build definitions: a pin `pyenv install` would know",
            "PYTHON_BUILD_ROOT": "where python-build lives, with its definitions",
        },
        lambda venv_dirs: (".python-version",),
        _python_version_gate,
    ),
    FinderSpec(
        "conda",
        "conda",
        {},
        lambda venv_dirs: ("environment.yml", "environment.yaml", "conda-meta"),
        _conda_gate,
    ),
)

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
    for declared in (RESOLUTION_ENV, *(spec.env for spec in FINDERS)):
        for name in declared:
            if windows or name not in WINDOWS_ONLY:
                names.setdefault(name, None)
    return tuple(names)


def candidate_names(venv_dirs: tuple[str, ...]) -> tuple[str, ...]:
    """File names whose presence makes a directory worth asking the finders about.

    The shell hook walks up with exactly this list (cheap ``-e`` tests, no process) and runs Python only
    when it reaches a directory holding one of them, so every finder's markers must be listed.
    """
    names: list[str] = [".autovenv.toml", PYPROJECT]
    for spec in FINDERS:
        for name in spec.markers(venv_dirs):
            if name not in names:
                names.append(name)
    return tuple(names)
