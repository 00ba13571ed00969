"""PEP 508 environment markers, evaluated for a venv's interpreter without importing ``packaging``.

A lock lists packages for every platform and Python it supports (``colorama; sys_platform == "win32"``);
only those whose marker holds for this venv are expected in it. The environment is the venv's, read from
its ``pyvenv.cfg`` (its Python version, implementation) and this machine (platform, architecture), never
by starting its interpreter. Evaluation follows ``packaging.markers.Marker.evaluate``: version-valued
variables compare as PEP 440 specifiers when the other side is a version, everything else as strings.
A marker that cannot be parsed or names an unknown variable is ``None`` (unknown), and callers then
assume nothing.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Union

    Value = Union[str, frozenset[str]]

VERSION_VARIABLES = frozenset(
    ("implementation_version", "platform_release", "python_full_version", "python_version")
)
SET_VARIABLES = frozenset(("extras", "dependency_groups"))
VARIABLES = frozenset(
    (
        "os_name",
        "sys_platform",
        "platform_machine",
        "platform_python_implementation",
        "platform_release",
        "platform_system",
        "platform_version",
        "python_version",
        "python_full_version",
        "implementation_name",
        "implementation_version",
        "extra",
        # Spellings PEP 345 used, which packaging still reads.
        "os.name",
        "sys.platform",
        "platform.version",
        "platform.machine",
        "platform.python_implementation",
        "python_implementation",
    )
).union(SET_VARIABLES)
_ALIASES = {
    "os.name": "os_name",
    "sys.platform": "sys_platform",
    "platform.version": "platform_version",
    "platform.machine": "platform_machine",
    "platform.python_implementation": "platform_python_implementation",
    "python_implementation": "platform_python_implementation",
}
_OPERATORS = ("===", "==", "!=", "<=", ">=", "~=", "<", ">")


class BadMarker(ValueError):
    """Not a marker this module can read."""


def environment(
    python_version: str,
    implementation: str = "cpython",
    extras: frozenset[str] = frozenset(),
    groups: frozenset[str] = frozenset(),
) -> dict[str, Value]:
    """The marker environment of a venv running Python ``python_version`` (``3.12.1``) on this machine."""
    parts = [*python_version.split("."), "0", "0"][:3]
    full = ".".join(parts)
    name = implementation.lower() or "cpython"
    if os.name == "nt":
        system, release, version = "Windows", "", ""
        machine = os.environ.get("PROCESSOR_ARCHITEW6432") or os.environ.get("PROCESSOR_ARCHITECTURE", "")
    else:
        uname = os.uname()
        system, release, version, machine = uname.sysname, uname.release, uname.version, uname.machine
    return {
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_machine": machine,
        "platform_python_implementation": {"cpython": "CPython", "pypy": "PyPy"}.get(name, implementation),
        "platform_release": release,
        "platform_system": system,
        "platform_version": version,
        "python_version": ".".join(parts[:2]),
        "python_full_version": full,
        "implementation_name": name,
        "implementation_version": full,
        "extra": "",
        "extras": extras,
        "dependency_groups": groups,
    }


def _tokens(text: str) -> list[str]:
    """Words, quoted strings (kept with their quote), operators and parentheses."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in " \t\r\n":
            i += 1
        elif char in "()":
            out.append(char)
            i += 1
        elif char in "'\"":
            end = text.find(char, i + 1)
            if end < 0:
                raise BadMarker(text)
            out.append(text[i : end + 1])
            i = end + 1
        elif char in "=!<>~":
            for op in _OPERATORS:
                if text.startswith(op, i):
                    out.append(op)
                    i += len(op)
                    break
            else:
                raise BadMarker(text)
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in "._-"):
                i += 1
            if i == start:
                raise BadMarker(text)
            out.append(text[start:i])
    return out


class _Parser:
    __slots__ = ("env", "i", "tokens")

    def __init__(self, tokens: list[str], env: Mapping[str, Value]) -> None:
        self.tokens = tokens
        self.i = 0
        self.env = env

    def peek(self) -> str:
        return self.tokens[self.i] if self.i < len(self.tokens) else ""

    def take(self) -> str:
        token = self.peek()
        if not token:
            raise BadMarker(" ".join(self.tokens))
        self.i += 1
        return token

    def expr_or(self) -> bool:
        value = self.expr_and()
        while self.peek() == "or":
            self.i += 1
            right = self.expr_and()
            value = value or right
        return value

    def expr_and(self) -> bool:
        value = self.atom()
        while self.peek() == "and":
            self.i += 1
            right = self.atom()
            value = value and right
        return value

    def atom(self) -> bool:
        if self.peek() == "(":
            self.i += 1
            value = self.expr_or()
            if self.take() != ")":
                raise BadMarker(" ".join(self.tokens))
            return value
        left = self.take()
        op = self.take()
        if op == "not":
            if self.take() != "in":
                raise BadMarker(" ".join(self.tokens))
            op = "not in"
        elif op != "in" and op not in _OPERATORS:
            raise BadMarker(" ".join(self.tokens))
        right = self.take()
        return self.compare(left, op, right)

    def operand(self, token: str) -> tuple[str | None, Value]:
        """(variable name or None for a literal, value)."""
        if token[:1] in "'\"":
            return None, token[1:-1]
        name = _ALIASES.get(token, token)
        if token not in VARIABLES:
            raise BadMarker(token)
        return name, self.env.get(name, "")

    def compare(self, left_token: str, op: str, right_token: str) -> bool:
        left_var, left = self.operand(left_token)
        right_var, right = self.operand(right_token)
        if (left_var is None) == (right_var is None):
            raise BadMarker(f"{left_token} {op} {right_token}")  # two literals or two variables
        key = left_var or right_var or ""
        if key in SET_VARIABLES or key == "extra" or key in VERSION_VARIABLES:
            # Imported here: a lock's platform markers (``sys_platform == "win32"``) compare strings
            # only, and the first lock comparison's shortcut (``resolve.locksync``) needs nothing else.
            from autovenv.resolve import versions
        if key in SET_VARIABLES or isinstance(left, frozenset) or isinstance(right, frozenset):
            if op not in ("in", "not in") or not isinstance(right, frozenset) or not isinstance(left, str):
                raise BadMarker(f"{left_token} {op} {right_token}")
            names = {versions.normalize_name(v) for v in right}
            found = versions.normalize_name(left) in names
            return found if op == "in" else not found
        assert isinstance(left, str) and isinstance(right, str)
        if key == "extra":
            left, right = versions.normalize_name(left), versions.normalize_name(right)
        if key in VERSION_VARIABLES and op not in ("in", "not in"):
            # packaging: Specifier(op + rhs).contains(lhs), when that is a valid specifier.
            held = versions.contains(op, right, left)
            if held is not None:
                return held
        if op == "in":
            return left in right
        if op == "not in":
            return left not in right
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        if op == ">=":
            return left >= right
        raise BadMarker(f"{left_token} {op} {right_token}")  # ~= and === only compare versions


def evaluate(marker: str, env: Mapping[str, Value]) -> bool | None:
    """Whether ``marker`` holds in ``env``; an empty marker holds; ``None`` when it cannot be read."""
    if not marker.strip():
        return True
    try:
        parser = _Parser(_tokens(marker), env)
        value = parser.expr_or()
        if parser.i != len(parser.tokens):
            return None
        return value
    except BadMarker:
        return None
