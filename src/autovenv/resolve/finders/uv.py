"""uv's project env, found the way ``uv sync`` picks it, without running uv.

A uv project (``uv.lock`` or ``[tool.uv]`` beside its pyproject.toml, or a member of a uv workspace)
uses its workspace root's ``.venv``; a workspace root is the nearest pyproject.toml above (or at) the
project whose ``[tool.uv.workspace]`` lists it in ``members`` and not in ``exclude``.
``UV_PROJECT_ENVIRONMENT`` moves the env: an absolute path, or one relative to the workspace root.
Both win over the ``.python-version`` that ``uv init`` also writes.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import FinderContext, Found, within

NAME = "uv"
INSTALL = "uv sync"


def _workspace(directory: str, context: FinderContext) -> tuple[object, str] | None:
    """``[tool.uv.workspace]`` of ``directory``'s pyproject.toml, if it has one (and the file)."""
    path = os.path.join(directory, "pyproject.toml")
    if not os.path.isfile(path):
        return None
    table = context.toml_get(path, "tool", "uv", "workspace")
    return (table, path) if isinstance(table, dict) else None


def _matches(patterns: object, relative: str) -> bool:
    if not isinstance(patterns, list):
        return False
    # pyenv's glob matcher, imported only for a workspace: the largest module, which no other uv
    # project needs
    from autovenv.resolve.pyenv import _match

    parts = relative.split("/")
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        pieces = [p for p in pattern.strip("/").split("/") if p not in ("", ".")]
        if "**" in pieces:
            fixed = pieces[: pieces.index("**")]
            if len(parts) >= len(fixed) and all(_match(p, s) for p, s in zip(fixed, parts)):
                return True
        elif len(pieces) == len(parts) and all(_match(p, s) for p, s in zip(pieces, parts)):
            return True
    return False


def workspace_root(directory: str, context: FinderContext) -> tuple[str, str | None]:
    """(root, its pyproject.toml when a workspace) for the project in ``directory``."""
    own = _workspace(directory, context)
    if own is not None:
        return directory, own[1]
    current = directory
    while True:
        parent = os.path.dirname(current)
        if parent == current:
            return directory, None
        current = parent
        found = _workspace(current, context)
        if found is None:
            if os.path.isfile(os.path.join(current, "pyproject.toml")):
                context.read.append(os.path.join(current, "pyproject.toml"))
            continue
        table, path = found
        relative = os.path.relpath(directory, current).replace(os.sep, "/")
        members = table.get("members") if isinstance(table, dict) else None
        exclude = table.get("exclude") if isinstance(table, dict) else None
        if _matches(members, relative) and not _matches(exclude, relative):
            return current, path
        return directory, None  # uv stops at the first workspace above: not a member of it


def is_project(directory: str, context: FinderContext) -> tuple[bool, str, str | None]:
    """(a uv project?, its workspace root, the root's pyproject.toml when it is a workspace)."""
    pyproject = os.path.join(directory, "pyproject.toml")
    if not os.path.isfile(pyproject):
        return False, directory, None
    root, workspace = workspace_root(directory, context)
    if workspace is not None:
        return True, root, workspace
    if os.path.isfile(os.path.join(directory, "uv.lock")):
        return True, root, None
    return isinstance(context.toml_get(pyproject, "tool", "uv"), dict), root, None


def find(directory: str, context: FinderContext) -> Found | None:
    claimed, root, _ = is_project(directory, context)
    if not claimed:
        return None
    source = os.path.join(directory, "pyproject.toml")
    member = f" (workspace root {root})" if root != directory else ""
    named = context.environ.get("UV_PROJECT_ENVIRONMENT")
    watch = (root,) if root != directory else ()
    if named:
        venv = os.path.normpath(os.path.join(root, context.expand(named)))
        setting = f"UV_PROJECT_ENVIRONMENT{member}"
        store = None if within(venv, root) else os.path.dirname(venv)
        return Found(
            NAME,
            source,
            venv=venv,
            setting=setting,
            install=INSTALL,
            store=store,
            watch=(*watch, os.path.dirname(venv)),
        )
    venv = os.path.join(root, ".venv")
    if os.path.isfile(venv):
        return None  # a .venv file (a redirect): the venv_file finder reads it
    return Found(
        NAME,
        source,
        venv=venv,
        setting=f"the workspace's .venv{member}" if member else ".venv",
        install=INSTALL,
        watch=watch,
    )
