"""The first comparison of a venv with a ``requirements.txt`` of ``==`` pins, without reading it line by line.

``resolve.pins`` reads a requirements file as pip does: logical lines (``\\`` continuations joined,
comments cut), options, ``-r`` includes, markers, each pin parsed alone. For the file ``pip freeze`` or
``pip-compile --generate-hashes`` writes (hundreds of ``name==version`` lines, each with nine ``--hash``
continuation lines) that costs more than the rest of a first visit. Such a file is reduced here with
passes of ``bytes`` methods over the whole text (``replace``, ``split``, ``map``: no Python loop per line):
continuations joined, each line's ``--`` options and comments cut where ``pins`` cuts them; then its
names and versions are compared with the venv's ``*.dist-info`` names in one set comparison
(``resolve.locksync``'s), and only the pins that differ are looked at further: installed at another
version (PEP 440 decides), or missing (due when its marker holds here).

The answer is exactly the full reading's, so only the plain form is read here: one requirements file,
``requirements.txt``, no ``requirements/`` directory and no lock; printable ASCII; every line a
``name==version`` pin, optionally with a ``; marker``, its options (``--hash``) after it. Anything else
is "not known here" (``None``) and the file is read whole: an option line (``-r``/``-c`` includes,
``-e``, ``--index-url``), extras, a URL, a range or an unpinned name, an environment variable, a name
listed twice, a name ``normalize_name`` would respell (``a__b``), a ``;`` after an option, a non-ASCII
byte or a control character, a package installed twice or as a legacy ``.egg-info``.
"""

from __future__ import annotations

import os

from autovenv.files import read_regular
from autovenv.resolve import locksync

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.resolve.markers import Value
    from autovenv.resolve.venv import VenvInfo

#: As ``resolve.pins.MAX_BYTES``: a larger file is for the full reading to refuse.
MAX_BYTES = 16 * 1024 * 1024
FILE = "requirements.txt"
#: ASCII that ``str.splitlines`` (the full reading's) ends a line at, or ``str.strip`` strips, and the
#: ``bytes`` methods here do not; and NUL, which marks continuations here.
_BLANKS = (b"\0", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")
#: What a pinned version may hold here (``pins.parse_requirement`` refuses fewer: those go to it).
_VERSION_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+\n"


def compare(root: str, site: str, info: VenvInfo) -> locksync.Known | None:
    """The full comparison's answer for the venv ``info`` (its ``site-packages`` is ``site``) when the
    project's pins are a plain ``requirements.txt``; None when the file must be read whole."""
    try:
        names = os.listdir(root)
    except OSError:
        return None
    if any(os.path.isfile(os.path.join(root, lock)) for lock in locksync.LOCKS):
        return None  # the lock is the source (resolve.pins.project_pins)
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
    return _differences(os.path.normpath(path), root, info, entries, escaped, versions, markers)


def _pins(text: bytes) -> tuple[list[bytes], list[bytes], list[bytes]] | None:
    """(escaped names, versions, markers) of a requirements text whose every logical line is a plain
    ``name==version`` pin (a ``; marker``, ``--`` options after it, a comment); None for anything else.

    ``resolve.pins`` joins continuations, cuts comments, strips, skips option lines, takes the marker
    from the first ``;`` and cuts both sides at their first `` --``. Here each line is cut at its first
    `` --`` first (the ``--hash`` options, most of a compiled file's text, are never looked at again):
    the same, as long as no ``;`` follows it (a marker starting there) and no line opens with options.
    Passes over the whole text are the cost: only ``bytes`` methods that make one.
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
    lines = text.split(b"\n")
    count = len(lines)
    heads, cuts, options = zip(*map(bytes.partition, lines, [b" --"] * count))
    if b";" in b"".join(options):
        return None  # a marker after the options
    # What is left is short: one text again, for passes of their own.
    short = b"\n".join(heads)
    if joined:
        short = short.replace(b"\0", b"")
        if b" --" in short:
            return None  # options spelled across a continuation
        heads = tuple(short.split(b"\n"))
    if (b"", b" --") in zip(map(bytes.strip, heads), cuts):
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
    escaped = locksync._plain(b"\n".join(map(bytes.strip, names)), count)
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
    source: str,
    root: str,
    info: VenvInfo,
    entries: list[bytes],
    escaped: list[bytes],
    versions: list[bytes],
    markers: list[bytes],
) -> locksync.Known | None:
    """What ``resolve.drift`` says of one requirements file's pins against the venv's listing."""
    where = dict(zip(escaped, range(len(escaped))))
    raw = b"\n" + b"\n".join(entries) + b"\n"
    lowered = raw.lower()
    if b".egg-info\n" in lowered:
        return None  # a legacy install: the full reading weighs it against the dist-info beside it
    held = set(lowered.replace(b".dist-info\n", b"\0\n").split(b"\n"))
    ends = (b"\0\n".join(versions) + b"\0").lower().split(b"\n")
    wanted = set(map(b"-".join, zip(escaped, ends)))
    have = locksync._strays(held - wanted, held, raw, lowered, where, escaped, ends)
    if have is None:
        return None
    found: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    env: dict[str, Value] | None = None
    said: dict[str, bool | None] = {}  # each marker evaluated once (a file repeats a platform's)
    for key in wanted - held:  # few or none
        name = key.partition(b"-")[0]
        index = where[name]
        pinned = versions[index].decode("ascii")
        spelled = name.decode("ascii").replace("_", "-")
        if name not in have:
            marker = markers[index].decode("ascii")
            if marker:
                if marker not in said:
                    from autovenv.resolve import markers as markers_mod

                    env = env or locksync.environment(info)
                    said[marker] = markers_mod.evaluate(marker, env)
                if said[marker] is not True:
                    continue  # not for this Python or platform, or not readable: not due
            missing.append((spelled, f"{spelled} {pinned} pinned, not installed"))
            continue
        installed = os.fsdecode(have[name])
        from autovenv.resolve.versions import same

        if not same(pinned, installed):
            found.append((spelled, f"{spelled} {pinned} pinned, {installed} installed"))
    differences = [text for _, text in sorted(found) + sorted(missing)]
    if not differences:
        return source, [], ()
    return source, differences, fix_command(root, info)


def fix_command(root: str, info: VenvInfo) -> tuple[str, ...]:
    """``resolve.drift.fix_command``'s words for the project's one ``requirements.txt``."""
    group_file = os.path.join(root, FILE)
    relative = os.path.relpath(group_file, root) if group_file.startswith(root + os.sep) else group_file
    has_pip = any(os.path.exists(os.path.join(info.bin_dir, n)) for n in ("pip", "pip.exe", "pip3"))
    installer = ("pip",) if has_pip else ("uv", "pip")
    return (*installer, "install", "-r", relative)
