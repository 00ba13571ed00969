"""Where the tools keep their config, cache and data: platformdirs' answers for another application's name.

Poetry, PDM and Hatch find their own directories with platformdirs; these functions give the same paths
for a name (``pypoetry``, ``pdm``, ``hatch``) without importing it, like ``autovenv.dirs`` does for ours.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: What these functions read; finders that call them declare the ones they use.
ENV = {
    "HOME": "the default base of every directory",
    "XDG_CONFIG_HOME": "Linux and macOS: base of the tools' config dirs when absolute",
    "XDG_CACHE_HOME": "Linux and macOS: base of the tools' cache dirs (Poetry's envs) when absolute",
    "XDG_DATA_HOME": "Linux and macOS: base of the tools' data dirs (PDM, Hatch, Pipenv) when absolute",
    "APPDATA": "Windows: roaming config and data dirs",
    "LOCALAPPDATA": "Windows: local cache, config and data dirs",
}


def _home(environ: Mapping[str, str]) -> str:
    return environ.get("HOME") or os.path.expanduser("~")


def _xdg(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name, "")
    return value if value.startswith("/") else os.path.join(_home(environ), default)


def _windows(environ: Mapping[str, str], roaming: bool) -> str:
    name = "APPDATA" if roaming else "LOCALAPPDATA"
    fallback = ("AppData", "Roaming") if roaming else ("AppData", "Local")
    return environ.get(name) or os.path.join(_home(environ), *fallback)


def cache_dir(app: str, environ: Mapping[str, str], platform: str = sys.platform) -> str:
    if platform == "win32":
        return os.path.join(_windows(environ, False), app, "Cache")
    if platform == "darwin":
        return os.path.join(_xdg(environ, "XDG_CACHE_HOME", os.path.join("Library", "Caches")), app)
    return os.path.join(_xdg(environ, "XDG_CACHE_HOME", ".cache"), app)


def config_dir(
    app: str, environ: Mapping[str, str], roaming: bool = False, platform: str = sys.platform
) -> str:
    if platform == "win32":
        return os.path.join(_windows(environ, roaming), app)
    if platform == "darwin":
        return os.path.join(
            _xdg(environ, "XDG_CONFIG_HOME", os.path.join("Library", "Application Support")), app
        )
    return os.path.join(_xdg(environ, "XDG_CONFIG_HOME", ".config"), app)


def data_dir(
    app: str, environ: Mapping[str, str], roaming: bool = False, platform: str = sys.platform
) -> str:
    if platform == "win32":
        return os.path.join(_windows(environ, roaming), app)
    if platform == "darwin":
        return os.path.join(
            _xdg(environ, "XDG_DATA_HOME", os.path.join("Library", "Application Support")), app
        )
    return os.path.join(_xdg(environ, "XDG_DATA_HOME", os.path.join(".local", "share")), app)
