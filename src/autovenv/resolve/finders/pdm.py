"""PDM's env for a project, found the way ``pdm info --python`` finds it, without running PDM.

The interpreter PDM saved (``PDM_PYTHON``, else the project's ``.pdm-python``, which ``pdm use`` and
``pdm install`` write) decides: its venv is the env. Without one, PDM reuses an in-project venv
(``.venv``, ``venv``, ``env``), then a central one: ``{venv.location}/{dir}-{hash}-{X.Y}``, where
``dir`` is the project directory's name verbatim (spaces kept), ``hash`` the first 8 characters of
urlsafe-base64 MD5 of its physical path, and ``venv.location`` (default ``<PDM's data dir>/venvs``) a
setting of the user's global config only.
"""

from __future__ import annotations

import os

from autovenv.files import read_regular
from autovenv.resolve.finders.base import (
    FinderContext,
    Found,
    config_dir,
    data_dir,
    env_flag,
    is_venv,
    urlsafe_hash,
    within,
)

NAME = "pdm"
INSTALL = "pdm install"
SAVED = ".pdm-python"
_TRUE = ("1", "true", "yes", "on")


def is_project(directory: str, context: FinderContext) -> bool:
    """PDM's files beside a pyproject.toml, ``[tool.pdm]``, or pdm-backend building it."""
    pyproject = os.path.join(directory, "pyproject.toml")
    if not os.path.isfile(pyproject):
        return False
    if any(os.path.isfile(os.path.join(directory, n)) for n in (SAVED, "pdm.lock", "pdm.toml")):
        return True
    data = context.toml(pyproject)
    if isinstance(data.get("tool", "pdm"), dict):
        return True
    backend = data.get("build-system", "build-backend")
    return isinstance(backend, str) and backend.startswith("pdm.")


def venv_of(interpreter: str) -> str | None:
    """The venv an interpreter path lies in (``<venv>/bin/python``), or ``None``."""
    root = os.path.dirname(os.path.dirname(interpreter))
    return root if is_venv(root) else None


def venv_location(context: FinderContext) -> tuple[str, str | None]:
    """(``venv.location``, the config file that set it or ``None`` for PDM's default)."""
    config = context.environ.get("PDM_CONFIG_FILE") or os.path.join(
        config_dir("pdm", context.environ), "config.toml"
    )
    value = context.toml_get(config, "venv", "location")
    if isinstance(value, str) and value:
        return os.path.abspath(context.expand(value)), config
    return os.path.join(data_dir("pdm", context.environ), "venvs"), None


def _saved(directory: str, context: FinderContext) -> tuple[str | None, str | None]:
    """(interpreter path, where it was saved) from ``PDM_PYTHON`` or ``.pdm-python``."""
    if env_flag(context.environ.get("PDM_IGNORE_SAVED_PYTHON"), _TRUE, ()) is True:
        return None, None
    named = context.environ.get("PDM_PYTHON")
    if named:
        return named, "PDM_PYTHON"
    path = os.path.join(directory, SAVED)
    try:
        data = read_regular(path, 4096)
    except OSError:
        return None, None
    text = data.decode("utf-8", "surrogateescape").strip()
    return (text or None), path


def find(directory: str, context: FinderContext) -> Found | None:
    if not is_project(directory, context):
        return None
    source = os.path.join(directory, "pyproject.toml")
    interpreter, origin = _saved(directory, context)
    store, store_origin = venv_location(context)
    where = f"venv.location from {store_origin}" if store_origin else "PDM's venv dir"
    watch = (store,)
    if interpreter is not None and origin is not None:
        interpreter = os.path.join(directory, context.expand(interpreter))
        venv = venv_of(interpreter)
        if venv is not None:
            outside = not within(venv, directory) and not within(venv, store)
            pointer = origin if outside and origin != "PDM_PYTHON" else None
            setting = f"the interpreter saved in {origin}"
            saved = (os.path.join(directory, SAVED),) if origin != "PDM_PYTHON" else ()
            return Found(
                NAME,
                source,
                venv=venv,
                setting=setting,
                install=INSTALL,
                store=store,
                pointer=pointer,
                watch=(*watch, *saved),
            )
        if os.path.exists(interpreter):
            return None  # a plain interpreter (PEP 582 mode): PDM activates no env
    for name in (".venv", "venv", "env"):
        path = os.path.join(directory, name)
        if is_venv(path):
            return Found(
                NAME,
                source,
                venv=path,
                setting=f"in-project {name} (nothing saved in {SAVED})",
                install=INSTALL,
            )
    physical = os.path.realpath(directory)
    prefix = (
        f"{os.path.basename(physical)}-{urlsafe_hash('md5', physical.encode('utf-8', 'surrogateescape'), 8)}-"
    )
    candidates = _central(store, prefix)
    if candidates:
        venv = candidates[-1]
        return Found(
            NAME,
            source,
            venv=venv,
            setting=f"{where} (nothing saved in {SAVED})",
            install=INSTALL,
            store=store,
            watch=watch,
        )
    return Found(
        NAME,
        source,
        venv=os.path.join(directory, ".venv"),
        setting="in-project .venv (PDM's default)",
        install=INSTALL,
        watch=watch,
    )


def _central(store: str, prefix: str) -> list[str]:
    """The project's central venvs, oldest Python first."""
    try:
        names = os.listdir(store)
    except OSError:
        return []
    found = []
    for entry in names:
        if entry.startswith(prefix) and is_venv(os.path.join(store, entry)):
            parts = entry[len(prefix) :].split(".")
            key = tuple(int(p) if p.isdigit() else -1 for p in parts)
            found.append((key, os.path.join(store, entry)))
    return [path for _, path in sorted(found)]
