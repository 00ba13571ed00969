"""Hostile text shared by the quoting tests: the pieces names are built from, and what an env value can be."""

from __future__ import annotations

#: Shell metacharacters, injection attempts, control and non-ASCII characters, lone surrogates (how
#: Python carries non-UTF-8 bytes), option-like words: what hostile names and values are made of.
PIECES = [
    "'", '"', "$(", ")", "`", ";", "&", "|", "\n", "\r", "\\", "%", "!", "*", "?", "[", "]", "{", "}", "~",
    "-", "$", "#", " ", "\t", "<", ">", "=", ",", "^", "@", "\x1b", "\x7f", "\x01", "\x1f", "é", "рт", "🚒",
    "\u2028", "\uf6ff", "\udcff", "\udc80", "\udcc3", "$(touch CANARY)", "`touch CANARY`", "; touch CANARY",
    "& touch CANARY", "| touch CANARY", "\ntouch CANARY\n", "'; touch CANARY; '", '"; touch CANARY; "',
    "$'\\x27'; touch CANARY", "(touch CANARY)", "%n%s%(x.y.z)", "!!", "!-1", "${HOME}", "$((1+1))",
    "\\x41", "\\X41", "\\'", "\\\n", "-n", "--", "-e", "a", "0",
]  # fmt: skip


def env_safe(value: str) -> bool:
    """No NUL (an environment value cannot hold one); only surrogateescape's own surrogates."""
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value
