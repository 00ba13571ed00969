"""A conda project: nothing autovenv can activate (conda envs need conda's own activation scripts), but
worth one line saying so, and how to activate it by hand, instead of silence."""

from __future__ import annotations

import os

from autovenv.files import read_regular
from autovenv.resolve.finders.base import FinderContext, Found

NAME = "conda"
FILES = ("environment.yml", "environment.yaml")


def _env_name(path: str) -> str | None:
    """The ``name:`` at the top level of an environment file (a line, not a YAML parse)."""
    try:
        text = read_regular(path, 64 * 1024)[: 64 * 1024].decode("utf-8", "replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("name:"):
            value = line[len("name:") :].split("#", 1)[0].strip().strip("'\"")
            return value if value and value.isprintable() else None
    return None


def display_quote(value: str) -> str:
    """A word to paste into a shell: bare when plain, single-quoted when printable, escaped otherwise."""
    if value and all(c.isalnum() or c in "/._-+:@%=," for c in value):
        return value
    if value.isprintable():
        return "'" + value.replace("'", "'\\''") + "'"
    return (
        "$'"
        + "".join(c if c.isprintable() and c not in "'\\" else f"\\x{ord(c) & 0xFF:02x}" for c in value)
        + "'"
    )


def find(directory: str, context: FinderContext) -> Found | None:
    if os.path.isdir(os.path.join(directory, "conda-meta")):
        how = f"conda activate {display_quote(directory)}"
        return Found(
            NAME,
            os.path.join(directory, "conda-meta"),
            problem=f"{directory} is a conda env; autovenv does not activate conda envs: {how}",
        )
    for name in context.venv_dirs:
        prefix = os.path.join(directory, name)
        if os.path.isdir(os.path.join(prefix, "conda-meta")):
            how = f"conda activate {display_quote(prefix)}"
            return Found(
                NAME,
                os.path.join(prefix, "conda-meta"),
                problem=f"{prefix} is a conda env; autovenv does not activate conda envs: {how}",
            )
    for file in FILES:
        path = os.path.join(directory, file)
        if os.path.isfile(path):
            env = _env_name(path)
            how = (
                f"conda activate {display_quote(env)}"
                if env
                else f"conda env create -f {file}, then conda activate it"
            )
            return Found(
                NAME, path, problem=f"a conda project ({file}); autovenv does not activate conda envs: {how}"
            )
    return None
