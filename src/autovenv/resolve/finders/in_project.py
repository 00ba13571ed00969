"""An in-project venv directory (``.venv``, ``venv``, ``env`` or the user's list), found by pyvenv.cfg."""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import FinderContext, Found

NAME = "venv-dir"


def find(directory: str, context: FinderContext) -> Found | None:
    """The first listed venv dir that holds ``pyvenv.cfg``; a ``.venv`` *dir* without one is reported.

    ``venv``/``env`` without pyvenv.cfg are ordinary folders (source trees use those names), so only the
    unmistakable ``.venv`` name is reported as a broken venv rather than skipped.
    """
    for name in context.venv_dirs:
        path = os.path.join(directory, name)
        cfg = os.path.join(path, "pyvenv.cfg")
        if os.path.isfile(cfg):
            return Found(NAME, path, venv=path)
        if name == ".venv" and os.path.isdir(path):
            try:
                os.lstat(cfg)
            except PermissionError:  # a venv we may not look into is not "no venv"
                return Found(NAME, path, problem=f"cannot look into {path}: permission denied")
            except OSError:
                return Found(NAME, path, problem=f"{path} is not a virtual environment (no pyvenv.cfg)")
    return None
