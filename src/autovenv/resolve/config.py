"""Project and user configuration: TOML data only, parsed lazily so the common case costs no import.

A project says what it wants in ``.autovenv.toml`` or ``[tool.autovenv]`` in ``pyproject.toml``; the user in
``<config dir>/config.toml``. Values are only ever data: nothing here can name code to run.

What a mistake costs is exactly what its message says, and every mistake in a file gets its own line:

- a file that cannot be used at all (broken TOML, not UTF-8, unreadable, a FIFO, too large) is ignored
  whole: resolution goes on as if it were absent;
- a setting with an unknown name or a wrong value is ignored alone (with "did you mean" for a near miss);
  the file's other settings still apply, and the keys it leaves out fall through to the user's settings.

One exception fails closed instead: ``trust``. An invalid value, or a user file that cannot be read while
it may hold one, means ``"ask"`` (every venv needs an allow), never the permissive default.
"""

from __future__ import annotations

import os
import sys

from autovenv.files import NotARegularFile, read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

CONFIG_FILE = ".autovenv.toml"
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 1024 * 1024
DEFAULT_VENV_DIRS = (".venv", "venv", "env")
_SECTION_MARK = b"tool.autovenv"
TRUST_MODES = ("auto", "ask")
DAEMON_MODES = ("off", "auto")
#: How a project file that cannot be used is reported: resolution goes on as if it were not there.
WHOLE_FILE_IGNORED = "ignored, as if it were not there"
#: What ``trust`` becomes when the user's file says something else, or cannot be read: the safe answer.
TRUST_FALLBACK = "ask"


def _printable(text: str) -> str:
    """``text`` with every control or unprintable character escaped: names and values come from files."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable():
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
    return "".join(out)


def _shown(value: object) -> str:
    """A TOML value as the user wrote it, shortly: ``"yes"``, ``1``, ``[...]``, a table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + _printable(text).replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


# -- what each setting accepts ------------------------------------------------------------------------
# A check returns None when the value is fine, else what it must be (for "<key> must be <this>").


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _name_or_path(value: object) -> str | None:
    return None if isinstance(value, str) and value.strip() else "a non-empty string"


def _project_prompt(value: object) -> str | None:
    if isinstance(value, bool) or (isinstance(value, str) and value.strip()):
        return None
    return 'a name (e.g. "shop") or false'


def _one_of(*choices: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if value in choices else " or ".join(f'"{c}"' for c in choices)

    return check


def _venv_dirs(value: object) -> str | None:
    if isinstance(value, list) and all(
        isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name
        for name in value
    ):
        return None
    return 'a list of directory names, e.g. [".venv", "venv"]'


def _paths(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(path, str) and path for path in value):
        return None
    return 'a list of paths, e.g. ["~/code"]'


#: Keys a project may set. ``trust`` is the user's alone: a checkout may not vouch for itself.
PROJECT_KEYS: dict[str, Callable[[object], str | None]] = {
    "venv": _name_or_path,
    "python": _name_or_path,
    "enabled": _boolean,
    "prompt": _project_prompt,
    "quiet": _boolean,
}
USER_KEYS: dict[str, Callable[[object], str | None]] = {
    "venv_dirs": _venv_dirs,
    "prompt": _boolean,
    "quiet": _boolean,
    "trust": _one_of(*TRUST_MODES),
    "daemon": _one_of(*DAEMON_MODES),
    "watch_roots": _paths,
    "stale_hint": _boolean,
}


class ConfigResult:
    """The usable settings of one file, and one line per thing in it that was ignored.

    ``usable`` is false when the file as a whole could not be used (then ``values`` is empty and
    resolution treats the file as absent); ``problems`` also lists settings ignored one by one.
    """

    __slots__ = ("path", "problems", "usable", "values")

    def __init__(
        self,
        path: str,
        values: dict[str, object],
        problems: list[str] | None = None,
        usable: bool = True,
    ) -> None:
        self.path = path
        self.values = values
        self.problems = problems if problems is not None else []
        self.usable = usable

    @property
    def problem(self) -> str | None:
        """All problems in one line (``None`` when there are none)."""
        return "; ".join(self.problems) or None

    def __repr__(self) -> str:
        return f"ConfigResult({self.path!r}, {self.values!r}, {self.problems!r}, usable={self.usable})"


def _loads(data: bytes) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    document: dict[str, object] = tomllib.loads(data.decode("utf-8"))
    return document


def _read(path: str) -> bytes | str:
    """File bytes, or why it cannot be read (a FIFO or directory, unreadable, too large)."""
    shown = _printable(path)
    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except NotARegularFile as exc:
        return f"{shown} is {exc.kind}, not a config file"
    except OSError as exc:
        return f"cannot read {shown}: {exc.strerror or exc}"
    if len(data) > MAX_CONFIG_BYTES:
        return f"{shown} is larger than {MAX_CONFIG_BYTES // 1024} KiB"
    return data


def _parse(data: bytes, path: str) -> dict[str, object] | str:
    """The TOML document, or why it is not one."""
    shown = _printable(path)
    try:
        return _loads(data)
    except UnicodeDecodeError:
        return f"{shown} is not valid UTF-8"
    except ValueError as exc:  # TOMLDecodeError is a ValueError
        first_line = str(exc).splitlines()[0] if str(exc) else "invalid TOML"
        return f"{shown} is not valid TOML ({_printable(first_line)})"


def did_you_mean(key: str, known: Mapping[str, object]) -> str:
    """`` (did you mean 'prompt'?)`` for a near miss of a known name, else nothing."""
    from difflib import get_close_matches  # only a file with a mistake pays for it

    lowered = {name.lower(): name for name in known}
    if key.lower() in lowered:
        return f" (did you mean {lowered[key.lower()]!r}?)"
    close = get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_key(key: str, keys: Mapping[str, object], where: str) -> str:
    shown = "'" + _printable(key) + "'"
    if keys is PROJECT_KEYS and key in USER_KEYS:
        return f"{where}: {shown} is a setting of your own config.toml, which a project cannot set; ignored"
    if keys is USER_KEYS and key in PROJECT_KEYS:
        return f"{where}: {shown} is a project setting (.autovenv.toml or [tool.autovenv]); ignored"
    return f"{where}: unknown setting {shown}{did_you_mean(key, keys)}; ignored"


def validate(
    table: dict[str, object], keys: Mapping[str, Callable[[object], str | None]], where: str
) -> tuple[dict[str, object], list[str]]:
    """(the valid settings, one line per ignored one); ``where`` names the file (or its section)."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for key, value in table.items():
        check = keys.get(key)
        if check is None:
            problems.append(_unknown_key(key, keys, where))
            continue
        wanted = check(value)
        if wanted is not None:
            problems.append(f"{where}: {key} must be {wanted}, not {_shown(value)}; ignored")
            continue
        values[key] = value
    return values, problems


def _project_file(path: str, section: bool) -> ConfigResult | None:
    """One project file's settings; ``section``: only ``[tool.autovenv]`` of a pyproject.toml counts."""
    data = _read(path)
    if isinstance(data, str):
        return ConfigResult(path, {}, [f"{data}; {WHOLE_FILE_IGNORED}"], usable=False)
    if section and _SECTION_MARK not in data:
        return None
    document = _parse(data, path)
    if isinstance(document, str):
        return ConfigResult(path, {}, [f"{document}; {WHOLE_FILE_IGNORED}"], usable=False)
    where = _printable(path)
    table: object = document
    if section:
        tool = document.get("tool")
        table = tool.get("autovenv") if isinstance(tool, dict) else None
        if table is None:
            return None
        where = f"{where} [tool.autovenv]"
        if not isinstance(table, dict):
            return ConfigResult(path, {}, [f"{where} must be a table; {WHOLE_FILE_IGNORED}"], usable=False)
    assert isinstance(table, dict)
    values, problems = validate(table, PROJECT_KEYS, where)
    return ConfigResult(path, values, problems)


def project_config(directory: str) -> ConfigResult | None:
    """The project's settings in ``directory``, or ``None`` when it has none.

    ``.autovenv.toml`` wins over ``pyproject.toml``; one that cannot be used is as if absent (its problem
    still reported), so a ``[tool.autovenv]`` beside it applies. A pyproject.toml is parsed only when its
    bytes mention ``tool.autovenv``, so the thousands of projects without our section never pay for a
    TOML parser. Without any usable file the result is unusable and carries the problems.
    """
    problems: list[str] = []
    own = os.path.join(directory, CONFIG_FILE)
    if os.path.lexists(own):
        result = _project_file(own, section=False)
        if result is not None and result.usable:
            return result
        if result is not None:
            problems.extend(result.problems)
    pyproject = os.path.join(directory, PYPROJECT)
    if os.path.isfile(pyproject):
        result = _project_file(pyproject, section=True)
        if result is not None and result.usable:
            result.problems[:0] = problems
            return result
        if result is not None:
            problems.extend(result.problems)
    if problems:
        return ConfigResult(own, {}, problems, usable=False)
    return None


def _mentions_trust(data: bytes) -> bool:
    return b"trust" in data


def user_config(path: str) -> ConfigResult:
    """The user's settings; a missing file means defaults.

    A file that cannot be used leaves every setting at its default except ``trust``, which is ``"ask"``
    whenever the file might have set it (its bytes mention it, or they could not be read at all).
    """
    if not os.path.lexists(path):
        return ConfigResult(path, {})
    shown = _printable(path)
    data = _read(path)
    if isinstance(data, str):
        return ConfigResult(
            path,
            {"trust": TRUST_FALLBACK},
            [f'{data}; using the default settings, with trust = "{TRUST_FALLBACK}" until it can be read'],
            usable=False,
        )
    document = _parse(data, path)
    if isinstance(document, str):
        if _mentions_trust(data):
            fallback = f'; using the default settings, with trust = "{TRUST_FALLBACK}" until it is fixed'
            return ConfigResult(path, {"trust": TRUST_FALLBACK}, [document + fallback], usable=False)
        return ConfigResult(path, {}, [f"{document}; using the default settings"], usable=False)
    trust = document.pop("trust", None)
    values, problems = validate(document, USER_KEYS, shown)
    if trust is not None:
        wanted = USER_KEYS["trust"](trust)
        values["trust"] = trust if wanted is None else TRUST_FALLBACK
        if wanted is not None:
            until = f'using "{TRUST_FALLBACK}" until it is fixed'
            problems.append(f"{shown}: trust must be {wanted}, not {_shown(trust)}; {until}")
    return ConfigResult(path, values, problems)
