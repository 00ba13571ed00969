"""Project and user configuration: where the files are, read as data and parsed only when they exist.

A project says what it wants in ``.autovenv.toml`` or ``[tool.autovenv]`` in ``pyproject.toml``; the user in
``<config dir>/config.toml``. Values are only ever data: nothing here can name code to run. What each
setting accepts, and how mistakes are worded, is ``resolve.config_rules`` (loaded only for a file that
exists, so the common case costs no parser and no rules).

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

from autovenv.files import NotARegularFile, read_regular

CONFIG_FILE = ".autovenv.toml"
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 1024 * 1024
_SECTION_MARK = b"tool.autovenv"
#: How a project file that cannot be used is reported: resolution goes on as if it were not there.
WHOLE_FILE_IGNORED = "ignored, as if it were not there"
#: What ``trust`` becomes when the user's file says something else, or cannot be read: the safe answer.
TRUST_FALLBACK = "ask"


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


def _read(path: str) -> bytes | str:
    """File bytes, or why it cannot be read (a FIFO or directory, unreadable, too large)."""
    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except OSError as exc:
        from autovenv.resolve.config_rules import printable

        if isinstance(exc, NotARegularFile):
            return f"{printable(path)} is {exc.kind}, not a config file"
        return f"cannot read {printable(path)}: {exc.strerror or exc}"
    if len(data) > MAX_CONFIG_BYTES:
        from autovenv.resolve.config_rules import printable

        return f"{printable(path)} is larger than {MAX_CONFIG_BYTES // 1024} KiB"
    return data


def _project_file(path: str, section: bool) -> ConfigResult | None:
    """One project file's settings; ``section``: only ``[tool.autovenv]`` of a pyproject.toml counts."""
    data = _read(path)
    if isinstance(data, str):
        return ConfigResult(path, {}, [f"{data}; {WHOLE_FILE_IGNORED}"], usable=False)
    if section and _SECTION_MARK not in data:
        return None
    from autovenv.resolve import config_rules as rules

    document = rules.parse(data, path)
    if isinstance(document, str):
        return ConfigResult(path, {}, [f"{document}; {WHOLE_FILE_IGNORED}"], usable=False)
    where = rules.printable(path)
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
    values, problems = rules.validate(table, rules.PROJECT_KEYS, where)
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


def user_config(path: str) -> ConfigResult:
    """The user's settings; a missing file means defaults.

    A file that cannot be used leaves every setting at its default except ``trust``, which is ``"ask"``
    whenever the file might have set it: its bytes mention it, or a file whose bytes could not be read
    at all (a directory or a FIFO holds no settings: defaults).
    """
    if not os.path.lexists(path):
        return ConfigResult(path, {})
    data = _read(path)
    if isinstance(data, str):
        try:
            holds_data = os.path.isfile(path)  # unreadable or too large: it may set trust
        except ValueError:
            holds_data = False
        if not holds_data:
            return ConfigResult(path, {}, [f"{data}; using the default settings"], usable=False)
        return ConfigResult(
            path,
            {"trust": TRUST_FALLBACK},
            [f'{data}; using the default settings, with trust = "{TRUST_FALLBACK}" until it can be read'],
            usable=False,
        )
    from autovenv.resolve import config_rules as rules

    document = rules.parse(data, path)
    if isinstance(document, str):
        if b"trust" in data:
            fallback = f'; using the default settings, with trust = "{TRUST_FALLBACK}" until it is fixed'
            return ConfigResult(path, {"trust": TRUST_FALLBACK}, [document + fallback], usable=False)
        return ConfigResult(path, {}, [f"{document}; using the default settings"], usable=False)
    where = rules.printable(path)
    trust = document.pop("trust", None)
    values, problems = rules.validate(document, rules.USER_KEYS, where)
    if trust is not None:
        wanted = rules.USER_KEYS["trust"](trust)
        values["trust"] = trust if wanted is None else TRUST_FALLBACK
        if wanted is not None:
            until = f'using "{TRUST_FALLBACK}" until it is fixed'
            problems.append(f"{where}: trust must be {wanted}, not {rules.shown(trust)}; {until}")
    return ConfigResult(path, values, problems)
