"""``.python-version`` alone: select that interpreter, no venv (pyenv's semantics, see resolve.pyenv)."""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import FinderContext, Found

NAME = "python-version"
FILE = ".python-version"


def markers(venv_dirs: tuple[str, ...]) -> tuple[str, ...]:
    return (FILE,)


def find(directory: str, context: FinderContext) -> Found | None:
    path = os.path.join(directory, FILE)
    if not os.path.isfile(path):
        # pyenv reads it only when `[ -f ]` holds, and walks on up otherwise (a FIFO, a directory, a
        # dangling link): so does the walk here, and no version is ever credited to it.
        return None
    return Found(NAME, path)
