"""Hatch's ``default`` env for a project, found the way ``hatch env find`` finds it, without running Hatch.

The env is ``{dir}/{name}/{id}/{name}``: ``name`` is ``[project].name`` normalised (``{id}-unmanaged``
without a ``[project]`` table), ``id`` the first 8 characters of urlsafe-base64 SHA-256 of the project's
physical path, and ``dir`` ``dirs.env.virtual`` from Hatch's config (absolute, or relative to the
project), else ``<data dir>/env/virtual`` (``HATCH_DATA_DIR``, ``dirs.data``, or Hatch's default).
A ``dir`` inside the project, or ``~/.virtualenvs``, holds ``{dir}/{name}`` instead (flat). An explicit
``path`` (``HATCH_ENV_TYPE_VIRTUAL_PATH``, or ``path`` of ``[envs.default]`` in hatch.toml or
``[tool.hatch.envs.default]``) is the env itself. A project is Hatch's when it configures Hatch envs or
Hatch already made its env: a hatchling build backend alone says nothing about where its developers'
env is.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import (
    FinderContext,
    Found,
    canonical_name,
    config_dir,
    data_dir,
    is_venv,
    project_name,
    urlsafe_hash,
    within,
)

NAME = "hatch"
INSTALL = "hatch env create"


def _expand(value: str, context: FinderContext) -> str:
    """Hatch's ``Path.expand``: variables, then ``~``."""
    return context.expand(context.expand_vars(value) if "$" in value else value)


def _env_config(directory: str, context: FinderContext) -> tuple[dict[str, object] | None, str | None, bool]:
    """(``[envs.default]``, the file holding it, whether the project configures Hatch envs at all)."""
    hatch_toml = context.toml(os.path.join(directory, "hatch.toml"))
    pyproject = context.toml(os.path.join(directory, "pyproject.toml"))
    for source, envs in (
        (hatch_toml, hatch_toml.get("envs")),
        (pyproject, pyproject.get("tool", "hatch", "envs")),
    ):
        if isinstance(envs, dict):
            default = envs.get("default")
            return (default if isinstance(default, dict) else {}), source.path, True
    return None, None, hatch_toml.exists


def env_dir(directory: str, context: FinderContext) -> tuple[str, str]:
    """(the directory Hatch keeps virtual envs in for this project, what set it)."""
    config_file = context.environ.get("HATCH_CONFIG") or os.path.join(
        config_dir("hatch", context.environ), "config.toml"
    )
    config = context.toml(config_file)
    configured = config.get("dirs", "env", "virtual")
    if isinstance(configured, str) and configured:
        path = _expand(configured, context)
        return os.path.normpath(os.path.join(directory, path)), f"dirs.env.virtual in {config_file}"
    data = context.environ.get("HATCH_DATA_DIR")
    origin = "HATCH_DATA_DIR"
    if not data:
        value = config.get("dirs", "data")
        data, origin = (
            (value, f"dirs.data in {config_file}") if isinstance(value, str) and value else (None, "")
        )
    if not data:
        data, origin = data_dir("hatch", context.environ), "Hatch's data dir"
    return os.path.join(os.path.abspath(_expand(data, context)), "env", "virtual"), origin


def find(directory: str, context: FinderContext) -> Found | None:
    source = os.path.join(directory, "pyproject.toml")
    if not os.path.isfile(source):
        return None
    default, config_path, configured = _env_config(directory, context)
    if default is not None and default.get("type", "virtual") != "virtual":
        return None  # a container, conda or other plugin env: nothing a venv activation can do
    root = os.path.realpath(directory)
    ident = urlsafe_hash("sha256", root.encode("utf-8", "surrogateescape"), 8)
    name, _ = project_name(context, directory)
    has_project = isinstance(context.toml(source).get("project"), dict)
    env_name = canonical_name(name) if name and has_project else f"{ident}-unmanaged"
    explicit = context.environ.get("HATCH_ENV_TYPE_VIRTUAL_PATH")
    origin = "HATCH_ENV_TYPE_VIRTUAL_PATH"
    if not explicit and default is not None and isinstance(default.get("path"), str) and default.get("path"):
        explicit, origin = str(default["path"]), f"path in {config_path}"
    if explicit:
        venv = explicit if os.path.isabs(explicit) else os.path.realpath(os.path.join(root, explicit))
        from_project = origin != "HATCH_ENV_TYPE_VIRTUAL_PATH"
        pointer = (
            config_path if from_project and not within(venv, root) and not within(venv, directory) else None
        )
        return Found(
            NAME,
            source,
            venv=venv,
            setting=f"explicit {origin}",
            install=INSTALL,
            pointer=pointer,
            watch=(os.path.dirname(venv),),
        )
    store, where = env_dir(directory, context)
    flat = store == os.path.join(context.home(), ".virtualenvs") or (
        within(os.path.realpath(store), root) and (os.path.realpath(store) != root)
    )
    venv = os.path.join(store, env_name) if flat else os.path.join(store, env_name, ident, env_name)
    if not configured and not is_venv(venv):
        return None  # not evidently a Hatch user's project: let the other finders speak
    setting = f"default env in {where}" + (" (flat: the env dir is inside the project)" if flat else "")
    watch = (store,) if flat else (store, os.path.join(store, env_name), os.path.dirname(venv))
    return Found(NAME, source, venv=venv, setting=setting, install=INSTALL, store=store, watch=watch)
