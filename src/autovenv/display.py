"""Text from files, names and paths is data: shown escaped, and pasted back as exactly one word.

Every message autovenv prints, and every prompt prefix it sets, may hold text an attacker chose: a
directory name, a ``prompt`` in a project's config or a venv's ``pyvenv.cfg``, a requirements file's
name. Written raw, an ESC or a C1 control starts a terminal sequence (set the window title, write the
clipboard, redraw the line), a bidi control reorders what the user reads, and a newline forges a second
message. ``text`` makes any string one printable line; ``word`` quotes a name for the user's own shell,
so a command in a message pastes back as exactly the directory or file it names, and runs nothing else.

Standard library only, no ``re``: the hot path imports this.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: Characters a name may hold and still be shown (and pasted) bare in every shell.
_BARE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@%=,")
#: PowerShell reads these as single quotes too, so inside '...' each is doubled like ``'``.
_PWSH_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")
SHELLS = ("bash", "zsh", "fish", "pwsh")


def _escape(char: str) -> str:
    """``\\xNN`` for a byte-sized code point or an undecodable byte (a surrogate escape), else ``\\uNNNN``."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def text(value: str) -> str:
    """``value`` as one printable line: every character ``str.isprintable`` rejects is escaped.

    That covers C0 and C1 controls, DEL, the line and paragraph separators, format characters (the bidi
    overrides and isolates among them), unassigned code points and bytes that were not UTF-8. Backslashes
    are left alone, so applying it twice changes nothing.
    """
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in value)


def lines(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(text(v) for v in values)


def printable(value: str) -> bool:
    """Whether ``value`` may stand in a prompt as it is (no character ``text`` would escape)."""
    return value.isprintable()


def user_shell(environ: Mapping[str, str]) -> str:
    """The shell a message is for: the one running the hook (``AUTOVENV_HOOK=bash:PID``), else ``$SHELL``."""
    hook = environ.get("AUTOVENV_HOOK", "").partition(":")[0]
    if hook in SHELLS:
        return hook
    name = environ.get("SHELL", "").rstrip("/").rpartition("/")[2].lstrip("-")
    if name in ("pwsh", "powershell", "pwsh.exe", "powershell.exe"):
        return "pwsh"
    return name if name in SHELLS else "bash"


def word(value: str, shell: str = "bash") -> str:
    """``value`` as one word of ``shell``'s command line, printable, reading back exactly as ``value``.

    Plain names stay bare. Otherwise: bash and zsh get single quotes (``'\\''`` for a quote), or
    ``$'...'`` escapes when the name holds anything unprintable; fish gets single quotes with ``\\\\`` and
    ``\\'``, and escapes outside them; PowerShell gets single quotes with the quote characters doubled,
    or an expression joining ``[char]`` codes.
    """
    bare = _BARE - {","} if shell == "pwsh" else _BARE  # a comma makes PowerShell pass an array
    # PowerShell reads a bare word that starts like a number as one (0x10, 1kb): only names starting
    # with a letter, "/", "." or "_" stay bare there.
    if shell == "pwsh":
        lead = value[:1].isalpha() or value[:1] in "/._"
    else:
        lead = not value.startswith(("@", "%", "="))
    if value and lead and all(c in bare for c in value):
        return value
    if shell == "fish":
        return _fish_word(value)
    if shell == "pwsh":
        return _pwsh_word(value)
    if printable(value):
        return "'" + value.replace("'", "'\\''") + "'"
    from autovenv.shells.posix import quote

    return quote(value)


def _fish_word(value: str) -> str:
    out: list[str] = []
    quoted = False
    for char in value:
        if char.isprintable() or char == " ":
            piece = "\\" + char if char in "\\'" else char
            if not quoted:
                out.append("'")
                quoted = True
        else:
            # Raw bytes (\XHH), not \u escapes: fish keeps a private-use range for its own use and
            # refuses \uf6xx; the bytes of the character's UTF-8 form read back as that character.
            data = char.encode("utf-8", "surrogateescape")
            piece = "".join(f"\\x{b:02x}" if b < 0x80 else f"\\X{b:02x}" for b in data)
            if quoted:
                out.append("'")
                quoted = False
        out.append(piece)
    if quoted:
        out.append("'")
    return "".join(out) or "''"


def _pwsh_word(value: str) -> str:
    if printable(value) and not any(0xDC80 <= ord(c) <= 0xDCFF for c in value):
        return "'" + "".join(c + c if c in _PWSH_QUOTES else c for c in value) + "'"
    from autovenv.shells.pwsh import quote

    return quote(value)


def command(words: Iterable[str], shell: str = "bash") -> str:
    """A command line for ``shell``: the first word as written (it is ours), the others quoted."""
    items = list(words)
    return " ".join(items[:1] + [word(w, shell) for w in items[1:]])
