"""The user's settings, read from ``<config dir>/config.toml`` (defaults when it does not exist)."""

from __future__ import annotations

import os

from autovenv.dirs import user_config_file
from autovenv.resolve.project import Settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def load(environ: Mapping[str, str]) -> Settings:
    """The user's settings; without a config file the defaults, with no TOML reader imported."""
    path = user_config_file(environ)
    if not os.path.lexists(path):
        return Settings(path=path)  # what user_config says of a missing file: no values, no problems
    from autovenv.resolve.config import user_config

    return Settings.from_config(user_config(path))


def watch_paths(environ: Mapping[str, str]) -> tuple[str, ...]:
    """What a prompt watches for config edits: the file when it exists, else its directory when that
    exists (``entry_watch_paths`` covers a config directory that does not exist yet)."""
    path = user_config_file(environ)
    if os.path.lexists(path):
        return (path,)
    parent = os.path.dirname(path)
    return (parent,) if os.path.isdir(parent) else ()


def entry_watch_paths(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Without a config directory, its parent (``~/.config``: a first ``mkdir ~/.config/autovenv``),
    checked when a cached answer is read, at a cd into a project; a prompt would pay a stat each time
    for it. Not further up: a change anywhere in HOME would make every cached answer stale."""
    parent = os.path.dirname(user_config_file(environ))
    grand = os.path.dirname(parent)
    return (grand,) if not os.path.lexists(parent) and os.path.isdir(grand) else ()
