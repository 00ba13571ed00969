"""What each setting accepts, and how a mistake in a config file is worded.

Loaded only when a config file exists and is read (``resolve.config`` finds and reads the files): the
thousands of directories without one, and users without a config.toml, never pay for these rules or
the TOML parser. Every name and value shown comes from a file, so it is shown as text: control
characters escaped, long values cut.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

TRUST_MODES = ("auto", "ask")
DAEMON_MODES = ("off", "auto")


def printable(text: str) -> str:
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


def shown(value: object) -> str:
    """A TOML value as the user wrote it, shortly: ``"yes"``, ``1``, ``[...]``, a table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + printable(text).replace('"', '\\"') + '"'
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


def _loads(data: bytes) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    document: dict[str, object] = tomllib.loads(data.decode("utf-8"))
    return document


def parse(data: bytes, path: str) -> dict[str, object] | str:
    """The TOML document, or why it is not one."""
    where = printable(path)
    try:
        return _loads(data)
    except UnicodeDecodeError:
        return f"{where} is not valid UTF-8"
    except ValueError as exc:  # TOMLDecodeError is a ValueError
        first_line = str(exc).splitlines()[0] if str(exc) else "invalid TOML"
        return f"{where} is not valid TOML ({printable(first_line)})"


def did_you_mean(key: str, known: Mapping[str, object]) -> str:
    """`` (did you mean 'prompt'?)`` for a near miss of a known name, else nothing."""
    from difflib import get_close_matches  # only a file with a mistake pays for it

    lowered = {name.lower(): name for name in known}
    if key.lower() in lowered:
        return f" (did you mean {lowered[key.lower()]!r}?)"
    close = get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_key(key: str, keys: Mapping[str, object], where: str) -> str:
    name = "'" + printable(key) + "'"
    if keys is PROJECT_KEYS and key in USER_KEYS:
        return f"{where}: {name} is a setting of your own config.toml, which a project cannot set; ignored"
    if keys is USER_KEYS and key in PROJECT_KEYS:
        return f"{where}: {name} is a project setting (.autovenv.toml or [tool.autovenv]); ignored"
    return f"{where}: unknown setting {name}{did_you_mean(key, keys)}; ignored"


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
            problems.append(f"{where}: {key} must be {wanted}, not {shown(value)}; ignored")
            continue
        values[key] = value
    return values, problems


