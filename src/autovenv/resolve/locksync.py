"""Is the venv exactly what its lock lists? The first lock comparison's shortcut for a venv just synced.

Reading a lock of a few hundred packages to compare it (``resolve.drift``) costs several Python starts:
its dependency graph and markers decide which pins apply here. None of that matters when the venv holds
every package the lock lists, each at its locked version: no pin can differ then, and none is missing.
That is the common first visit (``uv sync``, ``poetry install``, ``pdm sync`` just ran), and it is told
from the ``name`` and ``version`` lines the tools write first in each ``[[package]]`` table, with a few
passes of ``str`` methods over the text and one set comparison against the ``*.dist-info`` names.

Anything else is "not known here" (``None``) and the lock is read whole: a package not installed or at
another version (the comparison then says which), a version spelled otherwise (``1.0`` for ``1.0.0``),
a name listed twice (markers choose), a table not opening with those two lines, a lock of another kind.
A uv virtual project (never installed) is the one entry left out, as the full reading leaves it out.
"""

from __future__ import annotations

import os

from autovenv.files import read_regular

#: The locks whose packages are ``[[package]]`` tables opening with ``name`` then ``version`` lines, in
#: ``resolve.pins.LOCKS``' order; a lock of another kind found first means this module cannot tell.
LOCKS = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pylock.toml")
READ_HERE = frozenset(LOCKS[:3])
MAX_BYTES = 64 * 1024 * 1024
# The text stays bytes: decoding a lock of hundreds of kilobytes costs more than this whole answer.
_TABLE = b"[[package]]"
_OPENING = b'[[package]]\nname = "'
_VERSION = b'"\nversion = "'
_VIRTUAL = b'"\nsource = { virtual = '


def in_sync(root: str, site: str) -> str | None:
    """The lock's path when the venv whose ``site-packages`` is ``site`` holds exactly what it lists;
    None when that is not known here."""
    lock = next((os.path.join(root, n) for n in LOCKS if os.path.isfile(os.path.join(root, n))), None)
    if lock is None or os.path.basename(lock) not in READ_HERE:
        return None
    try:
        text = read_regular(lock, MAX_BYTES)
        entries = os.listdir(os.fsencode(site))
    except OSError:
        return None
    tables = text.split(_OPENING)
    if len(tables) < 2 or text.count(_TABLE) != len(tables) - 1:
        return None
    # Each table's first two lines, as 'name"\nversion = "1.0': its key, "name-1.0" as a dist-info spells it.
    heads = [t[: t.find(b'"\n', t.find(b'"\n') + 1)].partition(_VERSION) for t in tables[1:]]
    wanted = {_escaped(name) + b"-" + version for name, found, version in heads if found and version}
    if len(wanted) != len(heads):
        return None  # a name listed twice, or a table without the two lines
    if b".egg-info\n" in b"\n".join(entries) + b"\n":
        return None  # a legacy install: the full reading weighs it against the dist-info beside it
    have = {
        _escaped(name) + b"-" + version
        for name, _, version in (e[:-10].rpartition(b"-") for e in entries if e.endswith(b".dist-info"))
    }
    if len({key.rpartition(b"-")[0] for key in have}) != len(have):
        return None  # two versions of one name (an upgrade left the old one): which one imports decides
    for key in wanted - have:  # few or none: each must be a virtual project, which is never installed
        name, _, version = key.rpartition(b"-")
        if not _virtual(text, name, version):
            return None
    return lock


def _escaped(name: bytes) -> bytes:
    """A name as installers spell it in a ``*.dist-info`` directory, lower-cased (``zope.interface`` and
    ``zope-interface`` alike: ``zope_interface``)."""
    return name.lower().replace(b"-", b"_").replace(b".", b"_")


def _virtual(text: bytes, escaped: bytes, version: bytes) -> bool:
    """Whether the table of ``escaped`` at ``version`` is a uv virtual project."""
    at = text.find(_OPENING)
    while at >= 0:
        start = at + len(_OPENING)
        end = text.find(_VERSION, start, start + 300)
        if end > start and _escaped(text[start:end]) == escaped:
            line = end + len(_VERSION)
            if text.startswith(version + _VIRTUAL, line):
                return True
        at = text.find(_OPENING, start)
    return False
