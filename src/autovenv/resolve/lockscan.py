"""Read the machine-written TOML of lock files (uv.lock, poetry.lock, pdm.lock, pylock.toml) fast.

A lock of 300 packages is mostly wheel and file hashes: ``tomllib`` parses all of it (and costs an import
of ``re``, ``datetime`` and more), several times the cold path's budget. Locks are written by their tools
in one layout: table headers at the start of a line, ``key = value`` at the start of a line, long arrays
closed by a ``]`` alone on a line. This reader keeps what the lock comparison uses and jumps over the
rest with ``str.find``: the values of ``SKIPPED`` keys, a ``source`` that is not the project's own, and
every table it was not asked for. What it
keeps it parses as TOML (strings with escapes, arrays across lines, inline tables, booleans, numbers).
Anything outside that layout raises ``Unsupported``, and the caller parses the file with ``tomllib``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Keys whose values the comparison never reads: hashes, URLs and sizes, the bulk of every lock.
SKIPPED = frozenset(
    ("wheels", "sdist", "files", "hashes", "requires-dist", "requires-dev", "content-hash", "upload-time")
)
_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


#: The one-line fast paths (plain ``key = "string"`` lines, plain inline tables); tests turn them off to
#: hold the scan equal to the general reader's.
FAST = True


class Unsupported(ValueError):
    """Outside the layout read here: parse the file with tomllib instead."""


class _Reader:
    __slots__ = ("i", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def blank(self) -> None:
        """Spaces, newlines and comments (inside arrays)."""
        text, i, n = self.text, self.i, len(self.text)
        while i < n:
            char = text[i]
            if char in " \t\r\n":
                i += 1
            elif char == "#":
                end = text.find("\n", i)
                i = n if end < 0 else end
            else:
                break
        self.i = i

    def spaces(self) -> None:
        text, i = self.text, self.i
        n = len(text)
        while i < n and text[i] in " \t":
            i += 1
        self.i = i

    def key(self) -> str:
        text, i = self.text, self.i
        # The common case, a bare key then " = ": one find and one test instead of a loop per character.
        end = text.find(" = ", i, i + 64)
        if end > i:
            word = text[i:end]
            if word.replace("-", "").replace("_", "").isalnum() and word.isascii():
                self.i = end + 1
                return word
        self.spaces()
        i = self.i
        if i < len(text) and text[i] in "\"'":
            value = self.string()
            self.spaces()
            return value
        start = i
        while i < len(text) and text[i] in _BARE:
            i += 1
        if i == start:
            raise Unsupported(f"expected a key at {i}")
        self.i = i
        self.spaces()
        if self.text.startswith(".", self.i):
            raise Unsupported("dotted key")
        return text[start:i]

    def string(self) -> str:
        text, i = self.text, self.i
        quote = text[i]
        if text.startswith(quote * 3, i):
            raise Unsupported("multi-line string")
        if quote == "'":
            end = text.find("'", i + 1)
            if end < 0 or "\n" in text[i:end]:
                raise Unsupported("unterminated string")
            self.i = end + 1
            return text[i + 1 : end]
        out: list[str] = []
        j = i + 1
        while True:
            end = text.find('"', j)
            slash = text.find("\\", j, end if end >= 0 else len(text))
            if end < 0:
                raise Unsupported("unterminated string")
            if slash < 0:
                chunk = text[j:end]
                if "\n" in chunk:
                    raise Unsupported("newline in a string")
                out.append(chunk)
                self.i = end + 1
                return "".join(out)
            out.append(text[j:slash])
            code = text[slash + 1 : slash + 2]
            if code in _ESCAPES:
                out.append(_ESCAPES[code])
                j = slash + 2
            elif code in ("u", "U"):
                width = 4 if code == "u" else 8
                digits = text[slash + 2 : slash + 2 + width]
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError:
                    raise Unsupported("bad escape") from None
                j = slash + 2 + width
            else:
                raise Unsupported("bad escape")

    def value(self) -> Any:
        text, i = self.text, self.i
        char = text[i : i + 1]
        if char in ("'", '"'):
            return self.string()
        if char == "[":
            self.i += 1
            items: list[Any] = []
            while True:
                self.blank()
                if self.text.startswith("]", self.i):
                    self.i += 1
                    return items
                items.append(self.value())
                self.blank()
                if self.text.startswith(",", self.i):
                    self.i += 1
                elif not self.text.startswith("]", self.i):
                    raise Unsupported(f"expected , or ] at {self.i}")
        if char == "{":
            if FAST:
                quick = self._plain_table(i)
                if quick is not None:
                    return quick
            self.i += 1
            table: dict[str, Any] = {}
            self.spaces()
            if self.text.startswith("}", self.i):
                self.i += 1
                return table
            while True:
                name = self.key()
                if not self.text.startswith("=", self.i):
                    raise Unsupported("expected =")
                self.i += 1
                self.spaces()
                if name in table:
                    raise Unsupported("duplicate key")
                table[name] = self.value()
                self.spaces()
                if self.text.startswith(",", self.i):
                    self.i += 1
                elif self.text.startswith("}", self.i):
                    self.i += 1
                    return table
                else:
                    raise Unsupported("expected , or }")
        start = i
        while i < len(text) and text[i] not in ",]}# \t\r\n":
            i += 1
        word = text[start:i]
        self.i = i
        if word == "true":
            return True
        if word == "false":
            return False
        if word and (word.isdigit() or (word[0] in "+-" and word[1:].isdigit())):
            return int(word)
        raise Unsupported(f"value {word!r}")

    def _plain_table(self, i: int) -> dict[str, Any] | None:
        """An inline table of bare keys and plain double-quoted strings on one line (``{ name = "six",
        marker = "sys_platform == 'win32'" }``, the edges of every lock), read with one split; None for
        anything else, which the general reader then reads (or rejects) as before.

        Exact: a brace inside a string leaves an odd number of quotes before it (the split then has an
        even number of parts), and anything but ``key =`` / ``, key =`` between the strings (a number, a
        nested value, a literal string, a comment) fails the separator test.
        """
        text = self.text
        close = text.find("}", i + 1)
        if close < 0:
            return None
        inner = text[i + 1 : close]
        if "\n" in inner or "\\" in inner:
            return None
        parts = inner.split('"')
        if len(parts) % 2 == 0 or len(parts) < 3 or parts[-1].strip(" \t"):
            return None
        table: dict[str, Any] = {}
        for k in range(0, len(parts) - 1, 2):
            separator = parts[k].strip(" \t")
            if k:
                if separator[:1] != ",":
                    return None
                separator = separator[1:].lstrip(" \t")
            if separator[-1:] != "=":
                return None
            name = separator[:-1].rstrip(" \t")
            if name in table or not _bare(name):
                return None
            table[name] = parts[k + 1]
        self.i = close + 1
        return table

    def end_of_line(self) -> None:
        self.spaces()
        text, i = self.text, self.i
        if text.startswith("#", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        if text.startswith("\r\n", i):
            i += 2
        elif text.startswith("\n", i):
            i += 1
        elif i < len(text):
            raise Unsupported(f"trailing text at {i}")
        self.i = i

    def skip_value(self) -> None:
        """Jump over a value the caller does not want: to the end of its line, or of its long array."""
        text, i = self.text, self.i
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        line = text[i:end].rstrip("\r \t")
        if line.startswith("[") and not line.endswith("]"):
            close = text.find("\n]", i)
            if close < 0:
                raise Unsupported("unterminated array")
            end = text.find("\n", close + 2)
            end = len(text) if end < 0 else end
        self.i = end + 1 if end < len(text) else end


def _bare(word: str) -> bool:
    """A bare key: ASCII letters, digits, ``-`` and ``_``, at least one (``str`` methods, no loop)."""
    plain = word.replace("-", "a").replace("_", "a")
    return plain.isalnum() and plain.isascii()


def _header(line: str) -> tuple[bool, list[str]]:
    """(array of tables?, dotted name) of a header line such as ``[[package]]`` or ``[package.metadata]``."""
    array = line.startswith("[[")
    inner = line[2:] if array else line[1:]
    close = inner.find("]]" if array else "]")
    if close < 0 or inner[close + (2 if array else 1) :].strip(" \t\r").split("#")[0]:
        raise Unsupported(f"header {line!r}")
    names = [part.strip() for part in inner[:close].split(".")]
    if not all(_bare(name) for name in names):
        raise Unsupported(f"header {line!r}")
    return array, names


def _value(reader: _Reader, name: str, current: dict[str, Any]) -> None:
    """The value of ``name`` (the reader past its ``=`` and spaces) into ``current``, to the line's end."""
    text = reader.text
    if name in SKIPPED:
        reader.skip_value()
        return
    if name == "source":
        # Only a project's own source (editable, virtual) is read; a registry's is the same for all.
        end = text.find("\n", reader.i)
        line = text[reader.i : len(text) if end < 0 else end]
        if line.startswith("{") and "editable" not in line and "virtual" not in line:
            current[name] = {"registry": None}
            reader.i = len(text) if end < 0 else end + 1
            return
    if name in current:
        raise Unsupported(f"duplicate key {name!r}")
    current[name] = reader.value()
    reader.end_of_line()


def scan(text: str, arrays: frozenset[str], subtables: frozenset[str]) -> dict[str, Any]:
    """The document's top-level keys, its ``[table]`` sections, each ``[[name]]`` in ``arrays`` as a list of
    tables, and their ``[name.sub]`` sub-tables for ``sub`` in ``subtables``; other tables are skipped."""
    doc: dict[str, Any] = {}
    reader = _Reader(text)
    current: dict[str, Any] | None = doc
    n = len(text)
    while reader.i < n:
        i = reader.i
        if text[i] in " \t\r\n#":
            reader.blank()
            i = reader.i
            if i >= n:
                break
        if text[i] == "[":
            end = text.find("\n", i)
            line = text[i : n if end < 0 else end]
            array, names = _header(line)
            reader.i = n if end < 0 else end + 1
            current = None
            if array and len(names) == 1 and names[0] in arrays:
                current = {}
                doc.setdefault(names[0], []).append(current)
            elif not array and len(names) == 1 and names[0] not in doc:
                current = doc[names[0]] = {}
            elif not array and len(names) == 2 and names[0] in arrays and names[1] in subtables:
                owner = doc.get(names[0])
                if not owner:
                    raise Unsupported(f"{line!r} before its table")
                current = owner[-1].setdefault(names[1], {})
            if current is None:
                # Not wanted: jump to the next header (a "[" starting a line), over values and arrays.
                j = reader.i - 1
                while True:
                    j = text.find("\n[", j)
                    if j < 0:
                        reader.i = n
                        break
                    after = text[j + 2 : j + 3]
                    if after and (after in _BARE or after in "[\"'"):
                        reader.i = j + 1
                        break
                    j += 2
            continue
        assert current is not None
        if FAST:
            # The common line, ``key = value`` with one space each side: its key without a call to
            # key(), and a plain string value (name, version) without one to value().
            end = text.find("\n", i)
            end = n if end < 0 else end
            equals = text.find(" = ", i, end)
            name = text[i:equals]
            if equals > i and _bare(name):
                start = equals + 3
                if text[start : start + 1] == '"' and name not in SKIPPED and name not in current:
                    value = text[start + 1 : end - 1]
                    closed = text[end - 1 : end] == '"' and end - 1 > start
                    if closed and '"' not in value and "\\" not in value:
                        current[name] = value
                        reader.i = end + 1
                        continue
                reader.i = equals + 2  # where key() leaves it, past the "="
                reader.spaces()
                _value(reader, name, current)
                continue
        name = reader.key()
        if not text.startswith("=", reader.i):
            raise Unsupported(f"expected = after {name!r}")
        reader.i += 1
        reader.spaces()
        _value(reader, name, current)
    return doc
