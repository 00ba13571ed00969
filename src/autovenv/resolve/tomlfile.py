"""Reading the TOML files tools keep (pyproject.toml, poetry.toml, envs.toml, the tools' config.toml) on
the hot path, without paying for ``tomllib``.

``import tomllib`` costs about 13 ms on a cold start (it pulls in ``re``, ``typing`` and ``datetime``),
more than a whole first visit may spend. The files a tool-managed project holds are almost always
plain: tables, keys, strings, numbers, booleans, arrays and inline tables. This module reads exactly that
subset and gives up (``_Unsupported``) on anything else it meets (dates, unusual floats, a key defined
twice, anything malformed), and then the real ``tomllib`` parses the file: an answer from here is
always the answer ``tomllib`` gives, and a test holds the two equal on generated documents.
"""

from __future__ import annotations

import sys

from autovenv.files import NotARegularFile, read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_BYTES = 1024 * 1024
_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_DIGITS = frozenset("0123456789")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_WS = " \t"


class _Unsupported(Exception):
    """Outside the subset read here: the caller falls back to tomllib."""


class _Parser:
    __slots__ = ("arrays", "doc", "dotted", "headed", "i", "implicit", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.doc: dict[str, Any] = {}
        self.headed: set[int] = set()
        self.implicit: set[int] = set()
        self.dotted: set[int] = set()
        self.arrays: set[int] = set()

    # -- lexical helpers ------------------------------------------------------------------------------

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def skip_ws(self) -> None:
        text, i = self.text, self.i
        while i < len(text) and text[i] in _WS:
            i += 1
        self.i = i

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.text.find("\n", self.i)
            comment = self.text[self.i : end if end >= 0 else len(self.text)]
            if any((c < " " and c != "\t") or c == "\x7f" for c in comment.rstrip("\r")):
                raise _Unsupported
            self.i = end if end >= 0 else len(self.text)

    def end_of_line(self) -> None:
        """Whitespace, an optional comment, then a newline or the end."""
        self.skip_ws()
        self.skip_comment()
        if self.text.startswith("\r\n", self.i):
            self.i += 2
        elif self.peek() == "\n":
            self.i += 1
        elif self.i < len(self.text):
            raise _Unsupported

    def skip_blank(self) -> None:
        """Whitespace, comments and newlines (inside arrays)."""
        while True:
            self.skip_ws()
            self.skip_comment()
            if self.text.startswith("\r\n", self.i):
                self.i += 2
            elif self.peek() == "\n":
                self.i += 1
            else:
                return

    # -- keys -----------------------------------------------------------------------------------------

    def key(self) -> list[str]:
        parts = [self.simple_key()]
        while True:
            self.skip_ws()
            if self.peek() != ".":
                return parts
            self.i += 1
            self.skip_ws()
            parts.append(self.simple_key())

    def simple_key(self) -> str:
        char = self.peek()
        if char == '"':
            if self.text.startswith('"""', self.i):
                raise _Unsupported
            return self.basic_string()
        if char == "'":
            if self.text.startswith("'''", self.i):
                raise _Unsupported
            return self.literal_string()
        start = self.i
        text = self.text
        while self.i < len(text) and text[self.i] in _BARE_KEY:
            self.i += 1
        if self.i == start:
            raise _Unsupported
        return text[start : self.i]

    # -- strings --------------------------------------------------------------------------------------

    def basic_string(self) -> str:
        self.i += 1
        out: list[str] = []
        text = self.text
        while True:
            if self.i >= len(text):
                raise _Unsupported
            char = text[self.i]
            if char == '"':
                self.i += 1
                return "".join(out)
            if char == "\\":
                out.append(self.escape())
                continue
            if (char < " " and char != "\t") or char == "\x7f":
                raise _Unsupported
            out.append(char)
            self.i += 1

    def escape(self) -> str:
        text = self.text
        code = text[self.i + 1 : self.i + 2]
        if code in _ESCAPES:
            self.i += 2
            return _ESCAPES[code]
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = text[self.i + 2 : self.i + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise _Unsupported
            value = int(digits, 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise _Unsupported
            self.i += 2 + width
            return chr(value)
        raise _Unsupported

    def literal_string(self) -> str:
        end = self.text.find("'", self.i + 1)
        if end < 0:
            raise _Unsupported
        value = self.text[self.i + 1 : end]
        if "\n" in value or any((c < " " and c != "\t") or c == "\x7f" for c in value):
            raise _Unsupported
        self.i = end + 1
        return value

    def multiline_string(self, quote: str) -> str:
        """``\"\"\"`` or ``'''`` strings: a newline right after the opening is dropped."""
        self.i += 3
        if self.text.startswith("\r\n", self.i):
            self.i += 2
        elif self.peek() == "\n":
            self.i += 1
        delimiter = quote * 3
        out: list[str] = []
        text = self.text
        while True:
            if self.i >= len(text):
                raise _Unsupported
            if text.startswith(delimiter, self.i):
                # Up to two more quotes right before the closing delimiter belong to the string.
                extra = 0
                while extra < 2 and text.startswith(quote, self.i + 3 + extra):
                    extra += 1
                out.append(quote * extra)
                self.i += 3 + extra
                return "".join(out)
            char = text[self.i]
            if quote == '"' and char == "\\":
                rest = self.i + 1
                while rest < len(text) and text[rest] in _WS:
                    rest += 1
                if text.startswith("\n", rest) or text.startswith("\r\n", rest):
                    # A line-ending backslash trims the newline and the whitespace after it.
                    while rest < len(text) and text[rest] in " \t\r\n":
                        rest += 1
                    self.i = rest
                    continue
                out.append(self.escape())
                continue
            if char == "\r" and text.startswith("\r\n", self.i):
                out.append("\n")
                self.i += 2
                continue
            if (char < " " and char not in "\t\n") or char == "\x7f":
                raise _Unsupported
            out.append(char)
            self.i += 1

    # -- values ---------------------------------------------------------------------------------------

    def value(self) -> Any:
        char = self.peek()
        text = self.text
        if char == '"':
            return self.multiline_string('"') if text.startswith('"""', self.i) else self.basic_string()
        if char == "'":
            return self.multiline_string("'") if text.startswith("'''", self.i) else self.literal_string()
        if char == "[":
            return self.array()
        if char == "{":
            return self.inline_table()
        if text.startswith("true", self.i) and not self.bare_follows(4):
            self.i += 4
            return True
        if text.startswith("false", self.i) and not self.bare_follows(5):
            self.i += 5
            return False
        return self.number()

    def bare_follows(self, width: int) -> bool:
        after = self.text[self.i + width : self.i + width + 1]
        return bool(after) and after in _BARE_KEY

    def number(self) -> int | float:
        """Decimal integers and plain floats; hex/octal/binary, inf/nan and dates are left to tomllib."""
        start = self.i
        text = self.text
        while self.i < len(text) and text[self.i] not in " \t\r\n,]}#":
            self.i += 1
        word = text[start : self.i]
        body = word[1:] if word[:1] in "+-" else word
        if not body or body[0] not in _DIGITS:
            raise _Unsupported
        mantissa, _, exponent = body.replace("E", "e").partition("e")
        whole, dot, fraction = mantissa.partition(".")
        if not _digit_groups(whole) or (whole != "0" and whole.startswith("0")):
            raise _Unsupported
        if dot and not _digit_groups(fraction):
            raise _Unsupported
        if "e" in body.lower():
            exp = exponent[1:] if exponent[:1] in "+-" else exponent
            if not _digit_groups(exp):
                raise _Unsupported
        elif not dot:
            return int(word.replace("_", ""))
        return float(word.replace("_", ""))

    def array(self) -> list[Any]:
        self.i += 1
        items: list[Any] = []
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.i += 1
                return items
            items.append(self.value())
            self.skip_blank()
            if self.peek() == ",":
                self.i += 1
                continue
            if self.peek() == "]":
                self.i += 1
                return items
            raise _Unsupported

    def inline_table(self) -> dict[str, Any]:
        self.i += 1
        table: dict[str, Any] = {}
        frozen: set[int] = set()
        self.skip_ws()
        if self.peek() == "}":
            self.i += 1
            return table
        while True:
            self.skip_ws()
            path = self.key()
            self.skip_ws()
            if self.peek() != "=":
                raise _Unsupported
            self.i += 1
            self.skip_ws()
            _assign_inline(table, path, self.value(), frozen)
            self.skip_ws()
            if self.peek() == ",":
                self.i += 1
                continue
            if self.peek() == "}":
                self.i += 1
                return table
            raise _Unsupported

    # -- structure ------------------------------------------------------------------------------------
    #
    # TOML forbids defining a table twice, in many spellings. Rather than model every rule, a table may be
    # entered only the ways that are plainly valid; any other (valid or not) goes to tomllib. ``headed``:
    # tables a ``[header]`` defined (or the document); ``implicit``: tables a header created on its way;
    # ``dotted``: tables dotted keys created; ``arrays``: arrays of tables. Inline tables and arrays
    # written as values are in none of them, so nothing ever reopens one.

    def assign(self, table: dict[str, Any], path: list[str], value: Any) -> None:
        """``a.b.c = value`` inside ``table``; intermediate tables are created or extended if dotted."""
        for part in path[:-1]:
            existing = table.get(part)
            if existing is None:
                existing = table[part] = {}
                self.dotted.add(id(existing))
            elif not isinstance(existing, dict) or id(existing) not in self.dotted:
                raise _Unsupported
            table = existing
        if path[-1] in table:
            raise _Unsupported
        table[path[-1]] = value

    def header(self) -> dict[str, Any]:
        array = self.text.startswith("[[", self.i)
        self.i += 2 if array else 1
        self.skip_ws()
        path = self.key()
        self.skip_ws()
        closing = "]]" if array else "]"
        if not self.text.startswith(closing, self.i):
            raise _Unsupported
        self.i += len(closing)
        self.end_of_line()
        table = self.doc
        for part in path[:-1]:
            existing = table.get(part)
            if existing is None:
                existing = table[part] = {}
                self.implicit.add(id(existing))
            elif isinstance(existing, list) and id(existing) in self.arrays:
                existing = existing[-1]
            elif not isinstance(existing, dict) or id(existing) not in self.headed | self.implicit:
                raise _Unsupported
            table = existing
        last = path[-1]
        existing = table.get(last)
        if array:
            if existing is None:
                existing = table[last] = []
                self.arrays.add(id(existing))
            elif not isinstance(existing, list) or id(existing) not in self.arrays:
                raise _Unsupported
            fresh: dict[str, Any] = {}
            existing.append(fresh)
            self.headed.add(id(fresh))
            return fresh
        if existing is None:
            existing = table[last] = {}
        elif not isinstance(existing, dict) or id(existing) not in self.implicit:
            raise _Unsupported
        self.implicit.discard(id(existing))
        self.headed.add(id(existing))
        return existing

    def parse(self) -> dict[str, Any]:
        table: dict[str, Any] = self.doc
        self.headed.add(id(table))
        text = self.text
        while True:
            self.skip_blank()
            if self.i >= len(text):
                return self.doc
            if self.peek() == "[":
                table = self.header()
                continue
            path = self.key()
            self.skip_ws()
            if self.peek() != "=":
                raise _Unsupported
            self.i += 1
            self.skip_ws()
            self.assign(table, path, self.value())
            self.end_of_line()


def _assign_inline(table: dict[str, Any], path: list[str], value: Any, dotted: set[int]) -> None:
    """A key inside an inline table: dotted keys may only extend tables they created in it."""
    for part in path[:-1]:
        existing = table.get(part)
        if existing is None:
            existing = table[part] = {}
            dotted.add(id(existing))
        elif not isinstance(existing, dict) or id(existing) not in dotted:
            raise _Unsupported
        table = existing
    if path[-1] in table:
        raise _Unsupported
    table[path[-1]] = value


def _digit_groups(word: str) -> bool:
    """Digits with single underscores only between them (``1_000``)."""
    if not word or word[0] == "_" or word[-1] == "_" or "__" in word:
        return False
    return all(c in _DIGITS or c == "_" for c in word)


def loads_lean(text: str) -> dict[str, Any] | None:
    """The document, or ``None`` when it is outside the subset read here."""
    try:
        return _Parser(text).parse()
    except (_Unsupported, IndexError, ValueError, RecursionError):
        return None


def loads(text: str) -> dict[str, Any]:
    """Parse a TOML document; raises ``ValueError`` (tomllib's TOMLDecodeError) when it is not valid."""
    document = loads_lean(text)
    if document is not None:
        return document
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    parsed: dict[str, Any] = tomllib.loads(text)
    return parsed


class TomlFile:
    """One file's document (empty when missing), or ``problem``: one line saying why it was not used."""

    __slots__ = ("data", "exists", "path", "problem")

    def __init__(self, path: str, data: dict[str, Any], exists: bool, problem: str | None = None) -> None:
        self.path = path
        self.data = data
        self.exists = exists
        self.problem = problem

    def get(self, *keys: str) -> object:
        """The value at ``keys`` (``None`` when any step is missing or not a table)."""
        node: object = self.data
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node


def read(path: str) -> TomlFile:
    """Read and parse ``path``; a missing file is empty, anything wrong is one ``problem`` line."""
    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        return TomlFile(path, {}, False)
    except NotARegularFile as exc:
        return TomlFile(path, {}, True, f"{path} is {exc.kind}; ignored")
    except OSError as exc:
        return TomlFile(path, {}, True, f"cannot read {path}: {exc.strerror or exc}")
    if len(raw) > MAX_BYTES:
        return TomlFile(path, {}, True, f"{path} is larger than {MAX_BYTES // 1024} KiB; ignored")
    try:
        return TomlFile(path, loads(raw.decode("utf-8")), True)
    except UnicodeDecodeError:
        return TomlFile(path, {}, True, f"{path} is not valid UTF-8; ignored")
    except ValueError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid TOML"
        return TomlFile(path, {}, True, f"{path} is not valid TOML ({first}); ignored")
