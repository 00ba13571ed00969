"""A ``.venv`` *file* naming a venv: a redirect to a path (virtualenv ≥ 21.15, the draft PEP 832) or a
bare name under ``$WORKON_HOME`` (Pipenv's and virtualenvwrapper's reading).

The two readings disagree on a bare name: ``myenv`` is ``<project>/myenv`` to virtualenv and PEP 832,
``$WORKON_HOME/myenv`` to Pipenv. Each file was written by one of them, and the writer's reading is
the one whose env exists: a name that exists beside the file is the redirect (virtualenv writes the file
only when it made that env there), otherwise it is a name under ``$WORKON_HOME``, whose default is
Pipenv's ``${XDG_DATA_HOME:-~/.local/share}/virtualenvs``, then virtualenvwrapper's ``~/.virtualenvs``.
``status`` says which reading decided.
"""

from __future__ import annotations

import os

from autovenv.files import read_regular
from autovenv.resolve.finders.base import FinderContext, Found, is_venv, within

NAME = "venv-file"
MAX_BYTES = 4096


def workon_homes(context: FinderContext) -> list[str]:
    """Where a bare name may be: ``$WORKON_HOME``; unset, Pipenv's default, then virtualenvwrapper's."""
    environ = context.environ
    home = environ.get("WORKON_HOME")
    if home:
        return [os.path.abspath(context.expand(home))]
    base = environ.get("XDG_DATA_HOME") or "~/.local/share"
    return [
        os.path.abspath(context.expand(os.path.join(base, "virtualenvs"))),
        os.path.join(context.home(), ".virtualenvs"),
    ]


def read_name(path: str) -> str | None:
    """The file's first line that is not blank or a comment; ``None`` when it names nothing usable.

    Raises ``OSError`` when the file cannot be read.
    """
    data = read_regular(path, MAX_BYTES)
    text = data.decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(data) > MAX_BYTES or not lines or "\x00" in text or "\ufffd" in text:
        return None
    return lines[0]


def find(directory: str, context: FinderContext) -> Found | None:
    path = os.path.join(directory, ".venv")
    if not os.path.isfile(path):
        return None
    try:
        name = read_name(path)
    except OSError as exc:
        return Found(NAME, path, problem=f"cannot read {path}: {exc.strerror or exc}")
    if name is None:
        if os.path.isfile(os.path.join(directory, "Pipfile")):
            return None  # an empty .venv file: Pipenv then uses its own env (the pipenv finder's)
        return Found(NAME, path, problem=f"{path} does not name a virtual environment")
    if os.path.isabs(name) or name.startswith("~"):
        target = os.path.normpath(context.expand(name))
        return _found(path, directory, target, "a path in the .venv file")
    beside = os.path.normpath(os.path.join(directory, name))
    if "/" in name or name.startswith(".") or is_venv(beside):
        return _found(
            path, directory, beside, "a redirect in the .venv file, relative to the project (PEP 832)"
        )
    homes = workon_homes(context)
    for home in homes:
        target = os.path.join(home, name)
        if is_venv(target):
            reading = "a name under WORKON_HOME (Pipenv's and virtualenvwrapper's reading)"
            return Found(NAME, path, venv=target, setting=reading, store=home, watch=(home,))
    where = " or ".join(os.path.join(home, name) for home in homes)
    return Found(
        NAME,
        path,
        problem=f"{path} names {name!r}, which is neither {beside} nor {where}",
        watch=(directory, *homes),
    )


def _found(path: str, directory: str, target: str, reading: str) -> Found:
    if not is_venv(target):
        return Found(
            NAME,
            path,
            problem=f"{path} names {target}, which is not a virtual environment",
            watch=(os.path.dirname(target),),
        )
    pointer = None if within(target, directory) else path
    return Found(NAME, path, venv=target, setting=reading, pointer=pointer, watch=(os.path.dirname(target),))
