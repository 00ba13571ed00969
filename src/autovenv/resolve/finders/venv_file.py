"""A ``.venv`` *file* naming a venv: a name under ``$WORKON_HOME`` or a path (virtualenvwrapper/pipenv)."""

from __future__ import annotations

import os

from autovenv.files import read_regular
from autovenv.resolve.finders.base import FinderContext, Found

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

NAME = "venv-file"
MAX_BYTES = 4096


def markers(venv_dirs: tuple[str, ...]) -> tuple[str, ...]:
    return (".venv",)


def workon_home(environ: Mapping[str, str]) -> str:
    """virtualenvwrapper's home for named envs (``$WORKON_HOME``, default ``~/.virtualenvs``)."""
    home = environ.get("WORKON_HOME")
    if home:
        return os.path.expanduser(home)
    return os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".virtualenvs")


def find(directory: str, context: FinderContext) -> Found | None:
    path = os.path.join(directory, ".venv")
    if not os.path.isfile(path):
        return None
    try:
        data = read_regular(path, MAX_BYTES)
    except OSError as exc:
        return Found(NAME, path, problem=f"cannot read {path}: {exc.strerror or exc}")
    text = data.decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(data) > MAX_BYTES or not lines or "\x00" in text or "\ufffd" in text:
        return Found(NAME, path, problem=f"{path} does not name a virtual environment")
    name = lines[0]
    if os.path.isabs(name) or name.startswith("~"):
        target = os.path.expanduser(name)
    elif "/" in name or name.startswith("."):
        target = os.path.normpath(os.path.join(directory, name))
    else:
        target = os.path.join(workon_home(context.environ), name)
    if not os.path.isfile(os.path.join(target, "pyvenv.cfg")):
        return Found(NAME, path, problem=f"{path} names {target}, which is not a virtual environment")
    return Found(NAME, path, venv=target, watch=(os.path.dirname(target),))
