"""The user's settings, read from ``<config dir>/config.toml`` (defaults when it does not exist)."""

from __future__ import annotations

import os

from autovenv.dirs import user_config_file
from autovenv.resolve.config import user_config
from autovenv.resolve.project import Settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def load(environ: Mapping[str, str]) -> Settings:
    return Settings.from_config(user_config(user_config_file(environ)))


def watch_paths(environ: Mapping[str, str]) -> tuple[str, ...]:
    """What to watch for config edits: the file when it exists, else the nearest of its directory and
    that directory's parent that exists (``~/.config``: a first ``mkdir ~/.config/autovenv`` counts). Not
    further up: a change anywhere in HOME would make every cached answer stale."""
    path = user_config_file(environ)
    if os.path.lexists(path):
        return (path,)
    parent = os.path.dirname(path)
    for directory in (parent, os.path.dirname(parent)):
        if os.path.isdir(directory):
            return (directory,)
    return ()
