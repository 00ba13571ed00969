"""Was this venv made here? Positive evidence from its creator, and what the filesystem itself recorded.

Every venv creator records the path it made the venv at: CPython's ``venv`` (3.11 and later) writes
``command = <python> -m venv [options] <path>`` into ``pyvenv.cfg``, virtualenv (21.15 and later) writes
``command = <python> -m virtualenv <path>``, and every creator — ``venv`` of every version, virtualenv,
uv, and the tools built on them (Poetry, Pipenv, PDM, Hatch, pyenv-virtualenv) — writes the literal
path into ``bin/activate`` as ``VIRTUAL_ENV="<path>"`` (``venv``, raw) or ``VIRTUAL_ENV='<path>'``
(virtualenv and uv, quoted like ``shlex.quote``). A venv copied, moved or unpacked elsewhere still names
its old place. Evidence that is missing, relative or names another place fails closed.

Anyone who guesses where a victim will unpack an archive can write the right path, though. What they
cannot write is the inode's change time: an extractor (tar, unzip, ``git archive`` + tar) restores a
file's modification time but the kernel stamps its change time with the moment of extraction. A
``pyvenv.cfg`` that every creator writes once, in place, has both times equal; one whose content is much
older than its inode's last change was not written here. (So does a ``chmod -R`` over a venv: the
README says what that costs.)
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.resolve.venv import VenvInfo

#: How far a pyvenv.cfg's change time may lie from its modification time: both are set by the same write,
#: so a few seconds cover clocks of network filesystems; an archive's times are usually days away.
WRITTEN_IN_PLACE_NS = 2_000_000_000
MAX_ACTIVATE_BYTES = 256 * 1024
_CREATORS = (" -m venv ", " -m virtualenv ")
RECREATE = "recreate"
ALLOW = "allow"


class Origin:
    """``reason`` (None: made here) for the one-line message, and the remedy that fits it."""

    __slots__ = ("reason", "remedy")

    def __init__(self, reason: str | None = None, remedy: str = RECREATE) -> None:
        self.reason = reason
        self.remedy = remedy

    def __repr__(self) -> str:
        return f"Origin({self.reason!r}, {self.remedy!r})"


def sh_single_quoted(value: str) -> str:
    """``shlex.quote``'s form for a value that needs quoting (virtualenv and uv write activate with it)."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


def decode_literal(value: str) -> str | None:
    """The text of a shell word made of quoted pieces only (``'...'``, ``"..."`` without ``$``, backtick or
    backslash); ``None`` for anything that would expand or that is not quoted."""
    out: list[str] = []
    rest = value
    while rest:
        quote = rest[0]
        if quote not in "'\"":
            return None
        end = rest.find(quote, 1)
        if end < 0:
            return None
        piece = rest[1:end]
        if quote == '"' and any(c in piece for c in "$`\\"):
            return None
        out.append(piece)
        rest = rest[end + 1 :]
    return "".join(out) if out else None


def _command_path(command: str, marker: str) -> str:
    """The target directory of a recorded ``-m venv`` / ``-m virtualenv`` command."""
    rest = command.split(marker, 1)[1].strip()
    if marker == " -m virtualenv ":
        return rest
    while rest.startswith("-"):
        if rest.startswith('--prompt="'):
            end = rest.find('" ', len('--prompt="'))
            rest = rest[end + 2 :] if end >= 0 else ""
        else:
            _, _, rest = rest.partition(" ")
        rest = rest.lstrip()
    return rest


class _Evidence:
    __slots__ = ("dynamic", "here", "relative", "there")

    def __init__(self) -> None:
        self.here = False
        self.there: list[str] = []
        self.relative: list[str] = []
        self.dynamic = False

    def recorded(self, path: str, real: str) -> None:
        if not os.path.isabs(path):
            self.relative.append(path)
        elif os.path.realpath(path) == real:
            self.here = True
        else:
            self.there.append(path)


def _from_command(info: VenvInfo, names: tuple[str, ...], real: str, found: _Evidence) -> None:
    command = info.cfg.get("command", "")
    for marker in _CREATORS:
        if marker in command:
            if any(command.endswith(" " + name) for name in names):
                found.here = True  # matched whole: a --prompt="..." may hold anything
            else:
                found.recorded(_command_path(command, marker), real)
            return


def _from_activate(info: VenvInfo, names: tuple[str, ...], real: str, found: _Evidence) -> None:
    from autovenv.files import read_regular

    try:
        data = read_regular(os.path.join(info.bin_dir, "activate"), MAX_ACTIVATE_BYTES)
    except OSError:
        return
    if len(data) > MAX_ACTIVATE_BYTES:
        return
    text = data.decode("utf-8", "surrogateescape")
    for name in names:
        for form in (f'"{name}"', f"'{name}'", sh_single_quoted(name)):
            if f"VIRTUAL_ENV={form}\n" in text:
                found.here = True
                return
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        if not line.startswith("VIRTUAL_ENV="):
            continue
        value = line[len("VIRTUAL_ENV=") :]
        literal = decode_literal(value)
        if literal is not None:
            found.recorded(literal, real)
        elif "$(realpath" in value or "$(dirname" in value or "SCRIPT_PATH" in value:
            found.dynamic = True  # uv's --relocatable: the path is worked out where the script lies


def written_in_place(cfg_path: str) -> str | None:
    """Why ``pyvenv.cfg`` was not written where it lies (its times disagree), or None."""
    if os.name == "nt":
        return None  # st_ctime is the creation time there, and extractors set it to now as well
    try:
        info = os.lstat(cfg_path)
    except OSError as exc:
        return f"its pyvenv.cfg cannot be read ({exc.strerror or exc})"
    gap = info.st_ctime_ns - info.st_mtime_ns
    if abs(gap) <= WRITTEN_IN_PLACE_NS:
        return None
    return (
        f"its pyvenv.cfg was not written here: its content is {duration(gap)} "
        f"{'older' if gap > 0 else 'newer'} than its last change (unpacked from an archive?)"
    )


def duration(ns: int) -> str:
    seconds = abs(ns) // 1_000_000_000
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def recorded_path(info: VenvInfo) -> str | None:
    """Where ``info`` says it was made: its own path when the evidence names it, else the first other
    place recorded, else None (for ``status``)."""
    real = os.path.realpath(info.path)
    found = _Evidence()
    names = tuple(dict.fromkeys((info.path, real)))
    _from_command(info, names, real, found)
    _from_activate(info, names, real, found)
    if found.there or found.relative:
        return (found.there or found.relative)[0]
    return info.path if found.here else None


def origin(info: VenvInfo, real: str) -> Origin:
    """Whether ``info`` (whose resolved path is ``real``) was made where it is; the first problem found."""
    from autovenv.display import text

    names = tuple(dict.fromkeys((info.path, real)))
    found = _Evidence()
    _from_command(info, names, real, found)
    _from_activate(info, names, real, found)
    if found.there:
        return Origin(f"it was made at {text(found.there[0])} (moved, copied or unpacked here?)")
    if found.relative:
        return Origin(f"it records a relative creation path ({text(found.relative[0])}), as no creator does")
    relocatable = info.cfg.get("relocatable", "").lower() == "true" or found.dynamic
    if not found.here and not relocatable:
        return Origin("nothing in it records where it was made (unpacked from an archive?)")
    moved = written_in_place(os.path.join(info.path, "pyvenv.cfg"))
    if moved is not None:
        return Origin(moved)
    if not found.here:
        return Origin("it is relocatable, so nothing records where it was made", ALLOW)
    return Origin()
