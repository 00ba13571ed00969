"""Poetry's env for a project, found the way ``poetry env info -p`` finds it, without running Poetry.

Poetry keeps envs in ``{virtualenvs.path}/{name}-{hash}-py{X.Y}``: ``name`` is the project's name
(``[project].name``, else ``[tool.poetry].name``) normalised, lower-cased, with shell-special characters
made ``_`` and cut at 42; ``hash`` is the first 8 characters of urlsafe-base64 SHA-256 of the project
directory's real path (it may start or end with ``-``). ``virtualenvs.path`` defaults to
``{cache-dir}/virtualenvs``. Which ``X.Y``: the entry ``poetry env use`` wrote into
``{virtualenvs.path}/envs.toml``; without one Poetry asks the newest Python it can find, which a file
cannot tell, so the newest of the project's existing envs is taken. An in-project ``.venv`` directory
wins unless ``virtualenvs.in-project`` is false. Settings come from ``POETRY_*`` variables, then the
project's ``poetry.toml``, then the user's ``config.toml``.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import (
    FinderContext,
    Found,
    cache_dir,
    canonical_name,
    config_dir,
    is_venv,
    project_name,
    urlsafe_hash,
    within,
)

NAME = "poetry"
INSTALL = "poetry install"
_SPECIAL = frozenset(' $`!*@"\\\r\n\t')


def is_project(directory: str, context: FinderContext) -> bool:
    """A Poetry project: a lock or local config of Poetry's, ``[tool.poetry]``, or poetry-core building it."""
    if not os.path.isfile(os.path.join(directory, "pyproject.toml")):
        return False
    if os.path.isfile(os.path.join(directory, "poetry.lock")) or os.path.isfile(
        os.path.join(directory, "poetry.toml")
    ):
        return True
    pyproject = context.toml(os.path.join(directory, "pyproject.toml"))
    if isinstance(pyproject.get("tool", "poetry"), dict):
        return True
    backend = pyproject.get("build-system", "build-backend")
    return isinstance(backend, str) and backend.startswith("poetry.")


def env_name(name: str, project_dir: str) -> str:
    """``{name}-{hash}`` exactly as Poetry's ``EnvManager.generate_env_name`` makes it."""
    lowered = name.lower()
    sanitized = "".join("_" if c in _SPECIAL else c for c in lowered)[:42]
    real = os.path.normcase(os.path.realpath(project_dir))
    return f"{sanitized}-{urlsafe_hash('sha256', os.fsencode(real), 8)}"


class _Config:
    """Poetry's settings for one project: variable, then poetry.toml, then the global config.toml."""

    def __init__(self, directory: str, context: FinderContext) -> None:
        self.context = context
        self.local = context.toml(os.path.join(directory, "poetry.toml"))
        where = context.environ.get("POETRY_CONFIG_DIR") or config_dir(
            "pypoetry", context.environ, roaming=True
        )
        self.user = context.toml(os.path.join(where, "config.toml"))

    def get(self, *keys: str) -> tuple[object, str | None]:
        """(value, where it came from) for a setting; where is ``None`` for Poetry's default."""
        variable = "POETRY_" + "_".join(k.upper().replace("-", "_") for k in keys)
        value = self.context.environ.get(variable)
        if value is not None:
            return value, variable
        for source in (self.local, self.user):
            found = source.get(*keys)
            if found is not None:
                return found, source.path
        return None, None

    def flag(self, *keys: str) -> tuple[bool | None, str | None]:
        value, origin = self.get(*keys)
        if isinstance(value, str) and origin is not None and origin.startswith("POETRY_"):
            return value.lower() in ("true", "1"), origin
        return (value if isinstance(value, bool) else None), origin

    def path(self, *keys: str) -> tuple[str | None, str | None]:
        """A path setting, with Poetry's ``{cache-dir}``-style references to other settings filled in."""
        value, origin = self.get(*keys)
        if not isinstance(value, str):
            return None, origin
        for _ in range(5):  # references may nest; Poetry stops when none resolves
            start = value.find("{")
            end = value.find("}", start + 1)
            if start < 0 or end < 0:
                break
            key = value[start + 1 : end]
            replacement = self.cache_dir() if key == "cache-dir" else None
            if replacement is None:
                break
            value = value[:start] + replacement + value[end + 1 :]
        return self.context.expand(value), origin

    def cache_dir(self) -> str:
        value, _ = self.path("cache-dir")
        return value or cache_dir("pypoetry", self.context.environ)


def find(directory: str, context: FinderContext) -> Found | None:
    if not is_project(directory, context):
        return None
    source = os.path.join(directory, "pyproject.toml")
    config = _Config(directory, context)
    in_project, in_project_origin = config.flag("virtualenvs", "in-project")
    dot_venv = os.path.join(directory, ".venv")
    if in_project is not False and os.path.isdir(dot_venv):
        setting = "in-project .venv" + (
            f" (virtualenvs.in-project from {in_project_origin})" if in_project else ""
        )
        return Found(NAME, source, venv=dot_venv, setting=setting, install=INSTALL)
    create, _create_origin = config.flag("virtualenvs", "create")
    if create is False:
        return None  # Poetry uses whatever Python is active then: nothing of its own to activate
    store, store_origin = config.path("virtualenvs", "path")
    if store is None:
        store, store_origin = os.path.join(config.cache_dir(), "virtualenvs"), None
    store = os.path.normpath(os.path.join(directory, store))
    name, _ = project_name(context, directory)
    if name is None:
        tool_name = context.toml(source).get("tool", "poetry", "name")
        name = tool_name if isinstance(tool_name, str) else "non-package-mode"
    base = env_name(canonical_name(name), directory)
    where = f"virtualenvs.path from {store_origin}" if store_origin else "Poetry's cache dir"
    pointer = store_origin if store_origin == config.local.path and not within(store, directory) else None
    users = None if pointer else store  # a store the project's own file names is not the user's
    watch = (store,)
    envs_file = os.path.join(store, "envs.toml")
    minor = recorded_minor(context, envs_file, base)
    if isinstance(minor, str):
        venv = os.path.join(store, f"{base}-py{minor.strip()}")
        setting = f"{where}; Python {minor.strip()} from `poetry env use` ({envs_file})"
        return Found(
            NAME,
            source,
            venv=venv,
            setting=setting,
            install=INSTALL,
            store=users,
            pointer=pointer,
            watch=watch,
        )
    candidates = _existing(store, base)
    if not candidates:
        venv = os.path.join(store, f"{base}-pyX.Y")
        return Found(NAME, source, venv=venv, setting=where, install=INSTALL, store=users, watch=watch)
    _version, venv = candidates[-1]
    setting = (
        f"{where}; the only env Poetry made for it"
        if len(candidates) == 1
        else (
            f"{where}; the newest of {len(candidates)} envs Poetry made for it (no `poetry env use` recorded)"
        )
    )
    return Found(
        NAME, source, venv=venv, setting=setting, install=INSTALL, store=users, pointer=pointer, watch=watch
    )


def recorded_minor(context: FinderContext, path: str, base: str) -> str | None:
    """The ``minor`` that ``poetry env use`` recorded for ``base`` in envs.toml, if any.

    envs.toml holds one small table per env Poetry ever switched, so with many projects it is long,
    and every first visit of any of them would parse all of it: a file that does not mention ``base``
    has no entry, and one whose table for it is a plain ``[base]`` block has that block parsed alone.
    Anything else is parsed whole.
    """
    from autovenv.resolve import tomlfile

    raw = context.raw(path)
    context.read.append(path)
    if base.encode("utf-8", "surrogateescape") not in raw:
        return None
    block = _table_block(raw, base)
    table = tomlfile.loads_lean(block) if block is not None else None
    if table is None:
        minor = context.toml(path).get(base, "minor")
    else:
        entry = table.get(base)
        minor = entry.get("minor") if isinstance(entry, dict) else None
    return minor if isinstance(minor, str) else None


def _table_block(raw: bytes, base: str) -> str | None:
    """The lines of the ``[base]`` table alone, when the file is plain enough to cut it out safely."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if '"""' in text or "'''" in text:
        return None  # a multi-line string could hold anything, headers too
    lines = text.splitlines(keepends=True)
    headers = (f"[{base}]", f'["{base}"]', f"['{base}']")
    starts = [i for i, line in enumerate(lines) if line.strip() in headers]
    if len(starts) != 1:
        return None
    end = starts[0] + 1
    while end < len(lines) and not lines[end].lstrip().startswith("["):
        end += 1
    return "".join(lines[starts[0] : end])


def _existing(store: str, base: str) -> list[tuple[tuple[int, ...], str]]:
    """The project's ``{base}-pyX.Y`` envs in ``store``, oldest Python first."""
    try:
        names = os.listdir(store)
    except OSError:
        return []
    prefix = base + "-py"
    found = []
    for entry in names:
        if not entry.startswith(prefix):
            continue
        parts = entry[len(prefix) :].split(".")
        if not all(p.isdigit() for p in parts):
            continue
        path = os.path.join(store, entry)
        if is_venv(path):
            found.append((tuple(int(p) for p in parts), path))
    return sorted(found)
