"""``.python-version``: select that interpreter (pyenv's semantics, see resolve.pyenv), or activate the
pyenv-virtualenv env it names as a venv (resolve.project)."""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import FinderContext, Found

NAME = "python-version"
FILE = ".python-version"


def find(directory: str, context: FinderContext) -> Found | None:
    path = os.path.join(directory, FILE)
    if not os.path.isfile(path):
        # pyenv reads it only when `[ -f ]` holds, and walks on up otherwise (a FIFO, a directory, a
        # dangling link): so does the walk here, and no version is ever credited to it.
        return None
    return Found(NAME, path)
