"""Project and user configuration: TOML data only, parsed lazily so the common case costs no import.

A project says what it wants in ``.autovenv.toml`` or ``[tool.autovenv]`` in ``pyproject.toml``; the user in
``<config dir>/config.toml``. Values are only ever data: nothing here can name code to run. Broken TOML or
a value of the wrong type becomes a one-line ``problem``, never an exception.
"""

from __future__ import annotations

import os
import sys

from autovenv.files import NotARegularFile, read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

CONFIG_FILE = ".autovenv.toml"
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 1024 * 1024
DEFAULT_VENV_DIRS = (".venv", "venv", "env")
_SECTION_MARK = b"tool.autovenv"

#: Keys a project may set, with their types. ``trust`` is the user's alone: a checkout may not vouch
#: for itself.
PROJECT_KEYS: dict[str, tuple[type, ...]] = {
    "venv": (str,),
    "python": (str,),
    "enabled": (bool,),
    "prompt": (str, bool),
    "quiet": (bool,),
}
USER_KEYS: dict[str, tuple[type, ...]] = {
    "venv_dirs": (list,),
    "prompt": (bool,),
    "quiet": (bool,),
    "trust": (str,),
    "daemon": (str,),
    "watch_roots": (list,),
    "stale_hint": (bool,),
}


class ConfigResult:
    """Parsed settings from one file, or the one-line reason it could not be used."""

    __slots__ = ("path", "problem", "values")

    def __init__(self, path: str, values: dict[str, object], problem: str | None = None) -> None:
        self.path = path
        self.values = values
        self.problem = problem

    def __repr__(self) -> str:
        return f"ConfigResult({self.path!r}, {self.values!r}, problem={self.problem!r})"


def _loads(data: bytes) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    document: dict[str, object] = tomllib.loads(data.decode("utf-8"))
    return document


def _read(path: str) -> bytes | str:
    """File bytes, or a problem string (a directory, unreadable, or too large to be a config file)."""
    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except NotARegularFile as exc:
        return f"{path} is {exc.kind}, not a config file"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    if len(data) > MAX_CONFIG_BYTES:
        return f"{path} is larger than {MAX_CONFIG_BYTES // 1024} KiB; ignored"
    return data


def _validate(path: str, table: object, keys: Mapping[str, tuple[type, ...]]) -> ConfigResult:
    if not isinstance(table, dict):
        return ConfigResult(path, {}, f"{path}: autovenv settings must be a table")
    values: dict[str, object] = {}
    for key, value in table.items():
        expected = keys.get(key)
        if expected is None:
            return ConfigResult(path, {}, f"{path}: unknown setting {key!r}")
        if not isinstance(value, expected):
            names = " or ".join(t.__name__ for t in expected)
            return ConfigResult(path, {}, f"{path}: {key} must be a {names}")
        values[key] = value
    return ConfigResult(path, values)


def _parse(path: str, data: bytes, pick: str | None, keys: Mapping[str, tuple[type, ...]]) -> ConfigResult:
    try:
        document = _loads(data)
    except UnicodeDecodeError:
        return ConfigResult(path, {}, f"{path} is not valid UTF-8; ignored")
    except ValueError as exc:  # TOMLDecodeError is a ValueError
        first_line = str(exc).splitlines()[0] if str(exc) else "invalid TOML"
        return ConfigResult(path, {}, f"{path} is not valid TOML ({first_line}); ignored")
    table: object = document
    if pick is not None:
        tool = document.get("tool")
        table = tool.get("autovenv") if isinstance(tool, dict) else None
        if table is None:
            return ConfigResult(path, {})
    return _validate(path, table, keys)


def project_config(directory: str) -> ConfigResult | None:
    """The project's settings in ``directory``, or ``None`` when it has none.

    ``.autovenv.toml`` wins over ``pyproject.toml``. A pyproject.toml is parsed only when its bytes mention
    ``tool.autovenv``, so the thousands of projects without our section never pay for a TOML parser.
    """
    own = os.path.join(directory, CONFIG_FILE)
    if os.path.lexists(own):
        data = _read(own)
        if isinstance(data, str):
            return ConfigResult(own, {}, data)
        return _parse(own, data, None, PROJECT_KEYS)
    pyproject = os.path.join(directory, PYPROJECT)
    if not os.path.isfile(pyproject):
        return None
    data = _read(pyproject)
    if isinstance(data, str) or _SECTION_MARK not in data:
        return None
    result = _parse(pyproject, data, "tool.autovenv", PROJECT_KEYS)
    return result if result.values or result.problem else None


def user_config(path: str) -> ConfigResult:
    """The user's settings; a missing file means defaults."""
    if not os.path.exists(path):
        return ConfigResult(path, {})
    data = _read(path)
    if isinstance(data, str):
        return ConfigResult(path, {}, data)
    result = _parse(path, data, None, USER_KEYS)
    trust = result.values.get("trust")
    if trust is not None and trust not in ("auto", "ask"):
        return ConfigResult(path, {}, f'{path}: trust must be "auto" or "ask"')
    dirs = result.values.get("venv_dirs")
    if dirs is not None and not all(isinstance(d, str) and d and "/" not in d for d in dirs):  # type: ignore[attr-defined]
        return ConfigResult(path, {}, f"{path}: venv_dirs must be a list of directory names")
    return result
