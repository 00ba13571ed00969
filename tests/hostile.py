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
    # PowerShell's: the curly quotes it reads as quotes, its escapes, expressions and subexpressions.
    "\u2018", "\u2019", "\u201a", "\u201b", "\u201c", "\u201d", "\u201e", "`n", "`$", "@(", "$env:HOME",
    "';calc;'", "'+(touch CANARY)+'", "\u2019;touch CANARY;\u2018", "[char]0x41", "$null", "--%",
]  # fmt: skip


def env_safe(value: str) -> bool:
    """No NUL (an environment value cannot hold one), and a string Python could have read from one.

    Only surrogateescape's own surrogates, and only where they stand for bytes that are not UTF-8:
    joined pieces like "\\udcc3\\udc80" encode to the bytes of "À", which read back as "À", so no
    environment can hand Python that string.
    """
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value and data.decode("utf-8", "surrogateescape") == value
