"""The git index file, read without git: what ``gitindex`` asks of each repository it finds.

Versions 2, 3 and 4, SHA-1 and SHA-256 repositories, a split index (``link`` extension: the shared index
with the delete and replace bitmaps applied); an index too large to parse is searched for the entries
that matter. ``tracking`` says what the entries mean for one directory. A module of its own because
most first visits need none of it: ``gitindex`` imports it only for a directory inside a repository.
"""

from __future__ import annotations

import os
import sys

from autovenv.files import read_regular

#: Bounded read: a larger index is taken as tracking the directory.
MAX_INDEX_BYTES = 64 * 1024 * 1024
GITLINK = 0o160000
SPARSE_DIR = 0o040000
#: From this size on (about 10,000 entries, some 10 ms of parsing), a v2/v3 index is searched, not parsed.
QUICK_SCAN_BYTES = 1024 * 1024
#: An index of MAX_INDEX_BYTES holds at most about a million entries; a bitmap over more is forged.
MAX_BITMAP_BITS = 2_000_000
_FOLD = sys.platform in ("darwin", "win32")  # case-insensitive filesystems: git compares folded too


class Entry:
    """One index entry: its path (bytes, ``/``-separated) and mode."""

    __slots__ = ("mode", "path")

    def __init__(self, path: bytes, mode: int) -> None:
        self.path = path
        self.mode = mode

    def __repr__(self) -> str:
        return f"Entry({self.path!r}, {self.mode:o})"


class Index:
    """A parsed index: its entries, and the split-index link (shared index id, bitmaps) if any."""

    __slots__ = ("entries", "link")

    def __init__(self, entries: list[Entry], link: tuple[bytes, set[int], set[int]] | None) -> None:
        self.entries = entries
        self.link = link


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    """Git's offset varint (index v4 path compression): (value, next offset)."""
    byte = data[offset]
    offset += 1
    value = byte & 0x7F
    while byte & 0x80:
        byte = data[offset]
        offset += 1
        value = ((value + 1) << 7) | (byte & 0x7F)
    return value, offset


def ewah_bits(data: bytes) -> tuple[set[int], int]:
    """The set bits of a git EWAH bitmap, and the bytes it took.

    Layout: bit count (u32), word count (u32), that many 64-bit words, the last marker's position (u32),
    all big-endian. Words alternate a marker (bit 0: the running bit; bits 1-32: how many 64-bit words of
    it follow; bits 33-63: how many literal words follow) and literal words, least significant bit first.
    """
    if len(data) < 8:
        raise ValueError("truncated bitmap")
    size = int.from_bytes(data[0:4], "big")
    words = int.from_bytes(data[4:8], "big")
    if size > MAX_BITMAP_BITS:
        raise ValueError("bitmap larger than any index")
    end = 8 + 8 * words + 4
    if end > len(data):
        raise ValueError("truncated bitmap")
    bits: set[int] = set()
    position = 0
    index = 0
    while index < words:
        marker = int.from_bytes(data[8 + 8 * index : 16 + 8 * index], "big")
        index += 1
        running = (marker >> 1) & 0xFFFFFFFF
        literals = marker >> 33
        if position + 64 * (running + literals) > size + 64:
            raise ValueError("bitmap words past its size")
        if marker & 1:
            bits.update(range(position, position + 64 * running))
        position += 64 * running
        for _ in range(literals):
            if index >= words:
                raise ValueError("bitmap literals past its end")
            word = int.from_bytes(data[8 + 8 * index : 16 + 8 * index], "big")
            index += 1
            bit = 0
            while word:
                if word & 1:
                    bits.add(position + bit)
                word >>= 1
                bit += 1
            position += 64
    return {b for b in bits if b < size}, end


def parse(data: bytes, hash_size: int = 20, prefix: bytes = b"") -> Index:
    """Parse an index file (versions 2, 3, 4); raises ValueError when it is not one.

    Entry layout: 40 bytes of stat data (the mode at offset 24), the object id, 2 bytes of flags
    (2 more of extended flags in v3+ when flagged), then the path: NUL-terminated and padded to a multiple
    of 8 in v2/v3; in v4 a varint of how many bytes to drop from the previous path, then the rest.

    With ``prefix``, only entries whose path starts with it are kept (every entry is still read, so a
    broken index still raises): all a question about one directory needs, at a fraction of the cost.
    """
    if len(data) < 12 + hash_size or data[:4] != b"DIRC":
        raise ValueError("not a git index")
    version = int.from_bytes(data[4:8], "big")
    count = int.from_bytes(data[8:12], "big")
    if version not in (2, 3, 4):
        raise ValueError(f"git index version {version}")
    end = len(data) - hash_size
    try:
        if version == 4:
            entries, offset = _entries_v4(data, count, hash_size, prefix, end)
        else:
            entries, offset = _entries_v2(data, count, version, hash_size, prefix, end)
    except IndexError as exc:
        raise ValueError("truncated git index") from exc
    link = None
    while offset + 8 <= end:
        signature = data[offset : offset + 4]
        size = int.from_bytes(data[offset + 4 : offset + 8], "big")
        body = data[offset + 8 : offset + 8 + size]
        if len(body) != size:
            raise ValueError("truncated index extension")
        if signature == b"link":
            link = _parse_link(body, hash_size)
        elif signature != b"sdir" and not b"A" <= signature[:1] <= b"Z":
            raise ValueError(f"index extension {signature!r} that git requires understanding")
        offset += 8 + size
    if offset != end:
        raise ValueError("trailing bytes in git index")
    return Index(entries, link)


def _entries_v2(
    data: bytes, count: int, version: int, hash_size: int, prefix: bytes, end: int
) -> tuple[list[Entry], int]:
    """The entries of a version 2 or 3 index (those starting with ``prefix``), and where they end.

    The loop every cold start runs once per file of the project's repository: written for the fewest
    interpreter steps (no method call per entry; every check of the general form kept).
    """
    fixed = 40 + hash_size + 2
    entries: list[Entry] = []
    offset = 12
    first = prefix[:1]
    for _ in range(count):
        begin = offset + fixed
        if begin > end:
            raise ValueError("truncated git index")
        # The flags (big-endian) hold the path's length (0xFFF: that long or longer); its NUL must follow.
        high = data[begin - 2]
        if high & 0x4F:  # extended flags (0x4000), or a path of 256 bytes or more
            flags = high << 8 | data[begin - 1]
            if flags & 0x4000:
                if version < 3:
                    raise ValueError("extended flags in a version 2 index")
                begin += 2
            length = flags & 0xFFF
            stop = begin + length if length < 0xFFF else data.index(b"\x00", begin, end)
        else:
            stop = begin + data[begin - 1]
        path = data[begin:stop]
        if stop >= end or data[stop] or 0 in path:
            raise ValueError("bad path in git index")
        if not prefix or (path[:1] == first and path.startswith(prefix)):
            # The mode's type and permission bits are its last two bytes.
            entries.append(Entry(path, data[offset + 26] << 8 | data[offset + 27]))
        # Entries start 4 bytes past a multiple of 8 (a 12-byte header, then multiples of 8 each): the
        # next one starts at the first such offset after the path's NUL.
        offset = ((stop - 4) | 7) + 5
    return entries, offset


def _entries_v4(data: bytes, count: int, hash_size: int, prefix: bytes, end: int) -> tuple[list[Entry], int]:
    """The entries of a version 4 index (those starting with ``prefix``): each path is the previous
    one with ``drop`` bytes cut (a varint) and the rest appended, so every entry is decoded."""
    fixed = 40 + hash_size + 2
    entries: list[Entry] = []
    offset, previous = 12, b""
    for _ in range(count):
        if offset + fixed > end:
            raise ValueError("truncated git index")
        mode = data[offset + 26] << 8 | data[offset + 27]
        flags = data[offset + fixed - 2] << 8 | data[offset + fixed - 1]
        offset += fixed
        if flags & 0x4000:
            offset += 2
        drop, offset = _varint(data, offset)
        stop = data.index(b"\x00", offset, end)
        if drop > len(previous):
            raise ValueError("bad path compression")
        path = previous[: len(previous) - drop] + data[offset:stop]
        offset = stop + 1
        if not prefix or path.startswith(prefix):
            entries.append(Entry(path, mode))
        previous = path
    return entries, offset


def _parse_link(body: bytes, hash_size: int) -> tuple[bytes, set[int], set[int]] | None:
    if len(body) < hash_size:
        raise ValueError("truncated link extension")
    shared = body[:hash_size]
    if shared == b"\x00" * hash_size:
        return None
    rest = body[hash_size:]
    if not rest:
        return shared, set(), set()
    deleted, used = ewah_bits(rest)
    replaced, used2 = ewah_bits(rest[used:])
    if used + used2 != len(rest):
        raise ValueError("bad link extension")
    return shared, deleted, replaced


def merged(index: Index, shared: Index) -> list[Entry]:
    """The entries of a split index: the shared ones not deleted (a replaced one keeps its path unless
    the replacement names one), then the entries added after the replacements."""
    assert index.link is not None
    _, deleted, replaced = index.link
    replacements = iter(index.entries)
    result: list[Entry] = []
    used = 0
    for position, entry in enumerate(shared.entries):
        if position in replaced:
            new = next(replacements, None)
            used += 1
            if new is None:
                raise ValueError("fewer replacements than the bitmap says")
            entry = Entry(new.path or entry.path, new.mode)
        if position not in deleted:
            result.append(entry)
    result.extend(index.entries[used:])
    return result


def hash_size(git_dir: str) -> int:
    """32 for a SHA-256 repository (``extensions.objectformat``, in the common dir's config), else 20."""
    common = git_dir
    try:
        pointer = read_regular(os.path.join(git_dir, "commondir"), 4096).decode("utf-8", "replace").strip()
        common = os.path.normpath(os.path.join(git_dir, pointer))
    except OSError:
        pass
    try:
        config = read_regular(os.path.join(common, "config"), 1024 * 1024).decode("utf-8", "replace")
    except OSError:
        return 20
    for raw in config.lower().splitlines():
        key, sep, value = raw.partition("=")
        if sep and key.strip() == "objectformat" and value.strip().strip('"') == "sha256":
            return 32
    return 20


def read_entries(git_dir: str, rel: bytes = b"") -> list[Entry] | None:
    """The entries of the index of ``git_dir`` (``None``: it has no index). Raises OSError or ValueError
    when the index (or its shared index) cannot be read or parsed.

    With ``rel``, a large index may be searched for what matters to it instead of parsed (``_scan``);
    the entries are then only the one that matters, or none.
    """
    try:
        data = read_regular(os.path.join(git_dir, "index"), MAX_INDEX_BYTES)
    except FileNotFoundError:
        return None
    if len(data) > MAX_INDEX_BYTES:
        raise ValueError("index too large to read")
    size = hash_size(git_dir)
    found = _scan(data, rel) if size == 20 else None
    if found is not None:
        return found
    # Every entry that matters to rel starts with its first component (rel itself, below it, an
    # ancestor gitlink or sparse directory); a split index needs them all (its bitmaps count them).
    first = b"" if _FOLD else rel.split(b"/", 1)[0]
    index = parse(data, size, first)
    if index.link is None:
        return index.entries
    index = parse(data, size)
    assert index.link is not None
    shared_name = "sharedindex." + index.link[0].hex()
    shared_data = read_regular(os.path.join(git_dir, shared_name), MAX_INDEX_BYTES)
    if len(shared_data) > MAX_INDEX_BYTES:
        raise ValueError("shared index too large to read")
    return merged(index, parse(shared_data, size))


def _entry_at(data: bytes, start: int, end: int) -> int | None:
    """The mode of the v2/v3 entry whose path starts at ``start`` and ends (NUL) at ``end``, or None when
    ``start`` is not where a path starts: the flags before a path hold its length."""
    length = min(end - start, 0xFFF)
    for before, extended in ((2, False), (4, True)):
        if start - before - 20 - 40 < 12:
            continue
        flags = int.from_bytes(data[start - before : start - before + 2], "big")
        if flags & 0xFFF == length and bool(flags & 0x4000) == extended:
            entry = start - before - 20 - 40
            return int.from_bytes(data[entry + 24 : entry + 28], "big")
    return None


def _occurs(data: bytes, needle: bytes, after: bytes, modes: tuple[int, ...] | None) -> bool:
    """Whether an entry path starts with ``needle`` followed by one of ``after`` (a byte each; ``\0``
    ends the path), with one of ``modes`` if given."""
    position = data.find(needle, 12)
    while position >= 0:
        follow = data[position + len(needle) : position + len(needle) + 1]
        if follow and follow in after:
            end = data.find(b"\x00", position)
            mode = _entry_at(data, position, end) if end >= 0 else None
            if mode is not None and (modes is None or mode in modes):
                return True
        position = data.find(needle, position + 1)
    return False


def _scan(data: bytes, rel: bytes) -> list[Entry] | None:
    """The entries of a large v2/v3 SHA-1 index without a split that matter to ``rel`` (see
    ``tracking``), found with a few byte searches instead of a parse; None when this does not apply.

    Paths stand verbatim in such an index, each after flags holding its length, so every entry that
    matters is an occurrence of the venv's path (or an ancestor's) that those flags confirm. An
    occurrence that merely looks like one counts too: the safe side.
    """
    if _FOLD or not rel or len(data) < QUICK_SCAN_BYTES or data[:4] != b"DIRC":
        return None
    if data[4:8] not in (b"\x00\x00\x00\x02", b"\x00\x00\x00\x03") or b"link" in data:
        return None
    if _occurs(data, rel, b"/\x00", None):
        return [Entry(rel + b"/", 0o100644)]
    found: list[Entry] = []
    parts = rel.split(b"/")
    for k in range(1, len(parts)):
        above = b"/".join(parts[:k])
        if _occurs(data, above, b"\x00", (GITLINK,)):
            found.append(Entry(above, GITLINK))
        if _occurs(data, above + b"/", b"\x00", (SPARSE_DIR,)):
            found.append(Entry(above + b"/", SPARSE_DIR))
    return found


def tracking(entries: list[Entry], rel: bytes, work_tree: str, roots: set[str]) -> str | None:
    """Why the entries of ``work_tree``'s index count as shipping ``rel`` (its path there, ``/``-separated;
    empty: the work tree itself), or None; ``roots``: the work trees of the repositories found below."""
    where = f"the git repository at {work_tree}"
    if not rel:
        return f"it is the work tree of {where} (a committed venv)" if entries else None
    if _FOLD:
        rel = rel.lower()
    inside = rel + b"/"
    for entry in entries:
        path = entry.path.lower() if _FOLD else entry.path
        if path == rel or path.startswith(inside):
            kind = "as a submodule" if entry.mode == GITLINK and path == rel else "(a committed venv)"
            return f"it is tracked by {where} {kind}"
        below = rel.startswith(path + b"/")
        if entry.mode == GITLINK and below and not _checked_out(work_tree, entry, roots):
            return f"it lies in a submodule of {where} that is not checked out there"
        if entry.mode == SPARSE_DIR and inside.startswith(path.rstrip(b"/") + b"/"):
            return f"it lies in a directory {where} tracks in its sparse index"
    return None


def _checked_out(work_tree: str, entry: Entry, roots: set[str]) -> bool:
    """Whether the submodule at ``entry`` has its own repository there (found lower on the way up)."""
    return os.path.join(work_tree, os.fsdecode(entry.path)) in roots
