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
    """What to watch for config edits: the file when it exists, else its directory when that exists."""
    path = user_config_file(environ)
    if os.path.exists(path):
        return (path,)
    parent = os.path.dirname(path)
    return (parent,) if os.path.isdir(parent) else ()
