"""The first comparison of a venv with a plain ``requirements.txt`` or a ``Pipfile.lock``, without reading
either the way ``resolve.pins`` does.

``resolve.pins`` reads a requirements file as pip does: logical lines (``\\`` continuations joined,
comments cut), options, ``-r`` includes, markers, each pin parsed alone; and a Pipfile.lock as JSON,
whole. For the files ``pip-compile --generate-hashes`` and ``pipenv lock`` write (hundreds of pins, each
with its hashes) that costs more than the rest of a first visit. Here a requirements file is reduced
with passes of C code over the whole text (``bytes`` methods, ``BytesIO`` for its lines, ``map`` and
``filter``: no Python loop per line): continuations joined, pip-compile's ``# via`` notes left out, each
line's ``--`` options and comments cut where ``pins`` cuts them; a
Pipfile.lock is scanned whole by the same C scanner as the full reading (its hashes too: cutting them
out with byte searches and proving them plain strings cost more than scanning them, 7.7 against 6.6
million instructions for 300 packages), and its pins taken from the parse with passes of C code as
well. Then the names and versions are
compared with the venv's ``*.dist-info`` names in one set comparison (``resolve.locksync``'s), and
only the pins that differ are looked at further: installed at another version (PEP 440 decides), or
missing (due when its marker holds here and, for Pipenv's ``develop``, when the venv holds some of
that group).

The answer is exactly the full reading's, so only the plain forms are read here. A requirements file:
the project's only one (``requirements.txt``, no ``requirements/``, no lock), ASCII without the control
characters ``str`` methods take for line ends or blanks, every line a ``name==version`` pin with at most
a ``; marker``, its options (``--hash``) after it, and comments. A Pipfile.lock: JSON in ASCII without
an escape (``\\``), no name in both sections.
Anything else is "not known here" (``None``) and the file is read whole: an option line (``-r``/``-c``
includes, ``-e``, ``--index-url``), extras, a URL, a range or an unpinned name, an environment variable,
a name listed twice, a name ``normalize_name`` would respell (``a__b``), a ``;`` after an option, a lock
that is not JSON, a package installed twice or as a legacy ``.egg-info``.
"""

from __future__ import annotations

import os
from io import BytesIO

from autovenv.files import read_regular
from autovenv.resolve import locksync

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from autovenv.resolve.venv import VenvInfo

#: As ``resolve.pins.MAX_BYTES``: a larger file is for the full reading to refuse.
MAX_BYTES = 16 * 1024 * 1024
FILE = "requirements.txt"
PIPFILE_LOCK = "Pipfile.lock"
#: The last Pipfile.lock read, kept: freeing its thousands of strings costs some 400,000 instructions
#: a lean process never needs, as it leaves without the interpreter's teardown (``_entry``); a process
#: that reads many locks holds one at a time.
_KEPT: list[object] = []
#: How ``pip-compile`` opens the notes under a pin (``    # via django``): lines the full reading drops;
#: every line that opens so sorts between these two.
_NOTE = b"    #"
_AFTER_NOTES = b"    $"
#: ASCII that ``str.splitlines`` (the full reading's) ends a line at, or ``str.strip`` strips, and the
#: ``bytes`` methods here do not; and NUL, which marks continuations here.
_BLANKS = (b"\0", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")
#: What a pinned version may hold here (``pins.parse_requirement`` refuses fewer: those go to it).
_VERSION_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+\n"


def compare(root: str, site: str, info: VenvInfo) -> locksync.Known | None:
    """The full comparison's answer for the venv ``info`` (its ``site-packages`` is ``site``) when the
    project's pins are a plain ``requirements.txt`` or a ``Pipfile.lock``; None when the file must be
    read whole."""
    try:
        names = os.listdir(root)
    except OSError:
        return None
    lock = next((n for n in locksync.LOCKS if n in names and os.path.isfile(os.path.join(root, n))), None)
    if lock == PIPFILE_LOCK:
        return _pipenv(os.path.join(root, lock), site, info)
    if lock is not None:
        return None  # another lock is the source (resolve.pins.project_pins)
    listed = [
        n for n in names if n.startswith("requirements") and (n == "requirements" or n.endswith(".txt"))
    ]
    if listed != [FILE]:
        return None  # layers, includes between them, a requirements/ directory: the full reading's
    path = os.path.join(root, FILE)
    try:
        text = read_regular(path, MAX_BYTES)
        entries = os.listdir(os.fsencode(site))
    except OSError:
        return None
    if len(text) > MAX_BYTES:
        return None
    read = _pins(text)
    if read is None:
        return None
    escaped, versions, markers = read
    found = _differences(info, entries, escaped, versions, [m.decode("ascii") for m in markers], None)
    if found is None:
        return None
    source = os.path.normpath(path)
    return (source, [text for text, _ in found], fix_command(root, info)) if found else (source, [], ())


def _pins(text: bytes) -> tuple[list[bytes], list[bytes], list[bytes]] | None:
    """(escaped names, versions, markers) of a requirements text whose every logical line is a plain
    ``name==version`` pin (a ``; marker``, ``--`` options after it, a comment); None for anything else.

    ``resolve.pins`` joins continuations, cuts comments, strips, skips option lines, takes the marker
    from the first ``;`` and cuts both sides at their first `` --``. Here each line is cut at its first
    `` --`` first (the ``--hash`` options, most of a compiled file's text, are never looked at again):
    the same, as long as no ``;`` follows it (a marker starting there) and no line opens with options.
    Passes over the whole text are the cost: only C code that makes one, and as few steps a line.
    """
    if not text.isascii() or any(c in text for c in _BLANKS):
        return None  # str.splitlines and str.strip would see line ends or blanks bytes methods do not
    if b"\r" in text:
        text = text.replace(b"\r\n", b"\n")
        if b"\r" in text:
            return None
    joined = b"\\" in text
    if joined:
        if text.endswith(b"\\"):
            return None
        # A continuation's "\" and line end, marked in place (a replacement of the same length is one
        # pass); the marks are dropped from what is left of each line below, joining it as pins does.
        text = text.replace(b"\\\n", b"\0\0")
    # Lines found by memchr (``BytesIO``): ``bytes.split`` tests every byte of the hashes in a loop.
    # pip-compile's notes under each pin (``    # via django``: four spaces and "#", cut to blanks by
    # their first " #") the full reading drops whole; left out here by two comparisons a line, in C
    # (the order of the lines decides nothing below).
    found = BytesIO(text).readlines()
    lines = [*filter(_AFTER_NOTES.__le__, found)]
    if found and min(found) < _NOTE:  # seldom: a blank line, one indented otherwise
        lines += filter(_NOTE.__gt__, found)
    count = len(lines)
    if not count:
        return [], [], []
    heads, cuts, options = zip(*map(bytes.partition, lines, [b" --"] * count))
    if b";" in b"".join(options):
        return None  # a marker after the options
    # What is left is short: one text again, for passes of their own (a line without options still
    # ends with its "\n").
    short = b"\n".join(map(bytes.rstrip, heads, [b"\n"] * count))
    if joined:
        short = short.replace(b"\0", b"")
        if b" --" in short:
            return None  # options spelled across a continuation
        heads = tuple(short.split(b"\n"))
    if b"" in map(bytes.strip, heads) and (b"", b" --") in zip(map(bytes.strip, heads), cuts):
        return None  # a line of options (an include, an index, a hash on its own line)
    # Comments: from a line's first " #" or "\t#", or the whole line when it opens with "#".
    short = b"\n" + short.replace(b"\t#", b" #")
    short = _cut(short.replace(b"\n#", b"\n #"), b" #")
    lines = [*filter(None, map(bytes.strip, short.split(b"\n")))]
    count = len(lines)
    if not count:
        return [], [], []
    if b"\n-" in b"\n" + b"\n".join(lines):
        return None  # an option line pins nothing (-e, -c, -i), or includes a file (-r)
    heads, _, markers = zip(*map(bytes.partition, lines, [b";"] * count))
    names, signs, versions = zip(*map(bytes.partition, heads, [b"=="] * count))
    if b"".join(signs) != b"==" * count:
        return None  # a range, an unpinned name, "===": not a plain pin
    stripped = [*map(bytes.strip, versions)]
    spelled = b"\n".join(stripped)
    if spelled.translate(None, _VERSION_BYTES) or not all(stripped) or spelled.count(b"\n") != count - 1:
        return None
    escaped = locksync.escape_names(b"\n".join(map(bytes.strip, names)), count)
    if escaped is None or len(set(escaped)) != count:
        return None  # extras, a URL, a variable, an odd spelling, a name listed twice
    return escaped, stripped, [*map(bytes.strip, markers)]


def _cut(text: bytes, mark: bytes) -> bytes:
    """``text`` with each line cut at its first ``mark``."""
    pieces = text.split(mark)
    if len(pieces) == 1:
        return text
    rests = pieces[1:]
    _, _, kept = zip(*map(bytes.partition, rests, [b"\n"] * len(rests)))
    return b"\n".join((pieces[0], *kept))


def _differences(
    info: VenvInfo,
    entries: list[bytes],
    escaped: list[bytes],
    versions: list[bytes],
    markers: list[str | None],
    develop: list[bool] | None,
) -> list[tuple[str, bool]] | None:
    """What ``resolve.drift.compare`` says of these pins (escaped names, versions, markers: "" or None
    for none; ``develop``: whether each is of Pipenv's ``develop`` group) against the venv's listing:
    every pin installed at another version, then every one missing that is due here, each with whether
    it is of the ``develop`` group; None when the listing is spelled otherwise than read here."""
    where = dict(zip(escaped, range(len(escaped))))
    listing = locksync.compare_listing(entries, escaped, versions, where)
    if listing is None:
        return None
    held, wanted, have, ends = listing
    # Each marker evaluated once (a file repeats a platform's), the common ones by the small reader.
    held_markers = locksync.Markers(info, None)

    def applies(index: int) -> bool | None:
        marker = markers[index]
        return held_markers.evaluate(marker) if marker else True

    # A group beyond the main one counts once the venv holds one of its pins (that applies here).
    keys = map(b"-".join, zip(escaped, ends))
    in_use = develop is None or (
        True in develop
        and any(
            (name in have or key in held) and applies(index) is not False
            for index, (name, key, dev) in enumerate(zip(escaped, keys, develop))
            if dev
        )
    )
    found: list[tuple[str, str, bool]] = []
    missing: list[tuple[str, str, bool]] = []
    for key in wanted - held:  # few or none
        name = key.partition(b"-")[0]
        index = where[name]
        pinned = versions[index].decode("ascii")
        spelled = name.decode("ascii").replace("_", "-")
        if name not in have:
            dev = develop is not None and develop[index]
            if applies(index) is True and (in_use or not dev):
                missing.append((spelled, f"{spelled} {pinned} pinned, not installed", dev))
            continue  # else: not for this Python or platform, not readable, or of a group not in use
        installed = os.fsdecode(have[name])
        if not locksync.same_version(pinned, installed):
            dev = develop is not None and develop[index]
            found.append((spelled, f"{spelled} {pinned} pinned, {installed} installed", dev))
    return [(text, dev) for _, text, dev in sorted(found) + sorted(missing)]


def _pipenv(path: str, site: str, info: VenvInfo) -> locksync.Known | None:
    """A Pipfile.lock read as the full reading reads it (the ``json`` package's C scanner over the whole
    text), its pins then taken and compared without a Python step per package; a lock that is not JSON
    is the full reading's to report."""
    try:
        text = read_regular(path, MAX_BYTES)
        entries = os.listdir(os.fsencode(site))
    except OSError:
        return None
    if len(text) > MAX_BYTES or b"\\" in text:
        return None  # an escape: a string could hold a line end or a character beyond ASCII
    doc = _scan(text)
    if not isinstance(doc, dict):
        return None  # not JSON (the full reading words why), or not a lock
    _KEPT[:] = [doc]
    names: list[str] = []
    versions: list[bytes] = []
    markers: list[str | None] = []
    develop: list[bool] = []
    for section in ("default", "develop"):
        found = doc.get(section)
        if not isinstance(found, dict):
            continue
        read = _section_pins(found)
        names += read[0]
        versions += read[1]
        markers += read[2]
        develop += [section == "develop"] * len(read[0])
    escaped = locksync.escape_names("\n".join(names).encode("ascii"), len(names)) if names else []
    if escaped is None or len(set(escaped)) != len(names):
        return None  # a name the full reading normalises otherwise, or pinned twice: markers choose
    differences = _differences(info, entries, escaped, versions, markers, develop)
    if differences is None:
        return None
    if not differences:
        return path, [], ()
    command = ("pipenv", "sync", "--dev") if any(d for _, d in differences) else ("pipenv", "sync")
    return path, [text for text, _ in differences], command


def _section_pins(section: dict[str, Any]) -> tuple[list[str], list[bytes], list[str]]:
    """(names, versions without their "==", markers or "") of the entries of one section of a
    Pipfile.lock that pin a version, in its order, as the full reading takes them: an entry that is not
    a table, or whose version is not a string opening with "==", pins nothing (a range, "*" for another
    platform, a path, a VCS checkout); a marker that is not a string is none.

    A section as Pipenv writes it (every entry a table, each version and marker a string or absent) is
    read with a few passes of C code (``map``, ``join``, ``count``, ``split``), where a Python step per
    entry costs some 4,000 instructions: only the entries that pin nothing, found by a search of the
    versions' joined text, are taken out one by one. Any other section is read entry by entry. The lock
    is ASCII without an escape, and the scanner refuses control characters in strings, so no string
    holds a line end or a NUL."""
    count = len(section)
    value_of: Any = dict.get
    absent = [""] * count
    try:
        entries = [*section.values()]
        versions = [*map(value_of, entries, ["version"] * count, absent)]  # TypeError: not a table
        markers = [*map(value_of, entries, ["markers"] * count, absent)]
        text = "\n" + "\n".join(versions)
        "".join(markers)
    except TypeError:
        return _entry_by_entry(section)  # a version or a marker that is not a string (null, a number)
    names = [*section]
    if text.count("\n==") != count:
        # The versions that pin nothing (few): the lines not opening with "==", each the start of a
        # piece once the others are joined to the line before them.
        pieces = text.replace("\n==", "\0").split("\n")[1:]
        gone: list[int] = []
        for value in {piece.partition("\0")[0] for piece in pieces}:
            at = -1
            try:
                while True:
                    at = versions.index(value, at + 1)
                    gone.append(at)
            except ValueError:
                pass
        for at in sorted(gone, reverse=True):
            del names[at], versions[at], markers[at]
        text = "\n" + "\n".join(versions)
    if "\n===" in text:
        return _entry_by_entry(section)  # "===": the full reading takes what follows every "="
    pinned = text.replace("\n==", "\n")[1:].encode("ascii").split(b"\n") if versions else []
    return names, pinned, markers


def _entry_by_entry(section: dict[str, Any]) -> tuple[list[str], list[bytes], list[str]]:
    """``_section_pins`` for a section holding what Pipenv does not write, one entry at a time."""
    names: list[str] = []
    spelled: list[bytes] = []
    marked: list[str] = []
    for name, entry in section.items():
        version = entry.get("version") if isinstance(entry, dict) else None
        if not isinstance(version, str) or not version.startswith("=="):
            continue
        marker = entry.get("markers")
        names.append(name)
        spelled.append(version.lstrip("=").encode("ascii"))
        marked.append(marker if isinstance(marker, str) else "")
    return names, spelled, marked


def _scan(data: bytes) -> object:
    """``json.loads`` of ASCII ``data`` through the C scanner the json package itself uses, as the full
    reading reads the lock; None for anything it does not read to its end, or without that scanner."""
    try:
        import _json

        text = data.decode("ascii")
        scan = _json.make_scanner(_JsonContext)  # type: ignore[arg-type]  # reads these attributes
        value, end = scan(text, len(text) - len(text.lstrip(" \t\n\r")))
    except (ImportError, AttributeError, TypeError, ValueError, StopIteration, RecursionError):
        return None  # UnicodeDecodeError is a ValueError
    return None if text[end:].strip(" \t\n\r") else value


class _JsonContext:
    """What ``_json.make_scanner`` reads from ``json.JSONDecoder``: its defaults, as ``json.loads`` uses
    (``resolve.pins``' own, not imported: that module is the full reading)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


def fix_command(root: str, info: VenvInfo) -> tuple[str, ...]:
    """``resolve.drift.fix_command``'s words for the project's one ``requirements.txt``."""
    group_file = os.path.join(root, FILE)
    relative = os.path.relpath(group_file, root) if group_file.startswith(root + os.sep) else group_file
    has_pip = any(os.path.exists(os.path.join(info.bin_dir, n)) for n in ("pip", "pip.exe", "pip3"))
    installer = ("pip",) if has_pip else ("uv", "pip")
    return (*installer, "install", "-r", relative)
