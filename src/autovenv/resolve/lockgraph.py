"""Whether a uv package the venv lacks is due here, from the edges pointing at it (``resolve.locksync``'s
first comparison of a ``uv.lock``, for the packages it finds missing).

``resolve.pins`` walks uv's graph from the project: a package is due when the project reaches it in its
main set (its dependencies and its ``dev`` group, which ``uv sync`` installs) through edges whose markers
hold here. Walking backwards from a missing package reaches the same answer reading only the edges that
point at it, at the packages those come from, and so on: a Windows-only package on Linux (colorama
through click) has edges whose markers are all false here; a package another one needs is due when that
one is reached. What the walk cannot settle (an extra: is it asked for? another group: is it in use? a
workspace member, a cycle, a spelling uv does not write) is left to the full reading.

Imported only when a uv package is missing, so the comparison of a venv in sync pays nothing for it.
"""

from __future__ import annotations

from autovenv.resolve.locksync import key_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.resolve.locksync import Markers


class Graph:
    """A uv.lock's dependency edges (``{ name = "…"`` inline tables) pointing at the packages a venv
    lacks, and whether the project reaches each of those, as ``resolve.pins`` walks uv's graph.

    The lock is split once at its edges, and only the first bytes of each edge are kept, one line each
    (``heads``, as wide as the longest name asked about plus its closing quote): a name's edges are
    found there with ``bytes.find``, not by reading every edge's name. ``normal`` is the same lines
    lower-cased with ``_`` and ``.`` as ``-``, so an edge spelled otherwise than uv writes it
    (``Colorama``, ``zope_interface``: PEP 503 still makes it an edge of that package) is found too,
    and then leaves the answer to the full reading."""

    __slots__ = (
        "chunks",
        "depth",
        "fixed",
        "heads",
        "markers",
        "normal",
        "rests",
        "said",
        "sums",
        "text",
        "where",
        "width",
    )

    def __init__(
        self,
        text: bytes,
        markers: Markers,
        names: list[bytes],
        where: dict[bytes, int],
        rests: list[bytes],
    ) -> None:
        self.text = text
        self.markers = markers
        self.where = where
        self.rests = rests
        # An escape anywhere: the parser's to read (a name or marker could be spelled with one). So is
        # any "name" but a package's own `name = "` line (one per table in ``rests``) and the edges as uv
        # writes them: a `name` key spelled otherwise (`{name = "x"}`, single quotes, not first in its
        # table), which TOML reads as an edge and the split would not find; or "name" in a URL or marker.
        chunks = text.split(_EDGE) if b"\\" not in text else None
        spelled_as_uv = chunks is not None and text.count(b"name") == len(rests) + len(chunks) - 1
        self.chunks = chunks if spelled_as_uv else None
        #: each chunk's offset in the text, up to the last one asked about
        self.sums = [0]
        #: each name's answer: reached in the project's main set (True), not reached (False), not known
        self.said: dict[bytes, bool | None] = {}
        self.width = 0
        #: how many packages the walk is inside of (each costs three frames)
        self.depth = 0
        self.heads = self.normal = b""
        self.fixed = False
        self._widen(max(map(len, names), default=0) + 1)

    def _widen(self, width: int) -> None:
        """The first ``width`` bytes of every edge, each after a NUL (``heads``), and their normal form."""
        chunks = self.chunks
        if chunks is None or width <= self.width:
            return
        self.width = width
        self.heads = b"\0" + b"\0".join([chunk[:width] for chunk in chunks[1:]])
        self.fixed = len(self.heads) == (len(chunks) - 1) * (width + 1)
        if (
            self.heads.count(b"\0") != len(chunks) - 1
            or not self.heads.isascii()
            or self.heads.translate(_STRIPPED).find(b"\0\1") >= 0
        ):
            # A NUL in an edge, a name opening with what ``str.strip`` drops, or holding what
            # ``str.lower`` may fold into ASCII (the Kelvin sign): the parser's to read.
            self.chunks = None
            return
        normal = self.heads.lower().replace(b"_", b"-").replace(b".", b"-")
        self.normal = self.heads if normal == self.heads else normal  # the same object: nothing respelt
        if b"--" in self.normal:
            self.chunks = None  # a run of separators PEP 503 joins: the parser's to read

    def edges(self, name: bytes) -> list[int] | None:
        """The chunks (of the text split at its edges) whose edge points at ``name`` (uv's normal
        form); None when one is spelled otherwise than uv writes names, or the edges could not be
        read here."""
        self._widen(len(name) + 1)
        if self.chunks is None:
            return None
        needle = b"\0" + name
        found: list[int] = []
        at = self.normal.find(needle)
        while at >= 0:
            end = at + len(needle)
            after = self.normal[end : end + 1]
            if after == b'"':
                if self.normal is not self.heads and self.heads[at:end] != needle:
                    return None  # an edge of this package in another spelling
                line = at // (self.width + 1) if self.fixed else self.heads.count(b"\0", 0, at + 1) - 1
                found.append(line + 1)
            elif not after or after not in _NAME_CHARS:
                return None  # a name running on with what PEP 503 would strip or not read
            at = self.normal.find(needle, end)
        return found

    def _offset(self, index: int) -> int:
        """Where the edge that opens chunk ``index`` (its ``{ name = "``) is in the text."""
        sums = self.sums
        chunks = self.chunks or []
        if index >= len(sums):
            total = sums[-1]
            for size in map(len, chunks[len(sums) - 1 : index]):
                total += size
                sums.append(total)
        return sums[index] + (index - 1) * len(_EDGE)

    def _false(self, index: int, length: int) -> bool:
        """Whether the edge opening chunk ``index`` (its name ``length`` bytes and a quote) is
        ``{ name = "…", marker = "…" }`` alone with a marker false here: whatever table holds it,
        the graph never takes it. The common case (a Windows-only package on Linux), told without
        looking at its table."""
        chunk = (self.chunks or [])[index]
        line = chunk[length : chunk.find(b"\n")]
        if line[:12] != b', marker = "':
            return False
        marker, closed, after = line[12:].partition(b'"')
        if not closed or after not in _CLOSINGS:
            return False
        return self.markers.evaluate(marker.decode("utf-8", "surrogateescape")) is False

    def reached(self, name: bytes) -> bool | None:
        """Whether the project reaches the package ``name`` (uv's normal form) in its main set (its
        dependencies and its ``dev`` group, as ``uv sync`` installs them), as ``resolve.pins`` walks
        uv's graph: True for the project itself (a ``.`` root), and when an edge whose marker holds
        here comes from it or from a package reached so; False when every edge pointing at it is
        false here or comes from packages not reached; None when an edge could be taken through an
        extra or another group, a workspace member is involved (a root when the lock has no ``.``
        one), or the lock is spelled otherwise than read here."""
        if name in self.said:
            return self.said[name]  # a cycle, while it is being decided, says nothing
        if self.depth >= MAX_DEPTH:
            return None  # a chain this long is the full reading's to walk
        self.said[name] = None
        self.depth += 1
        answer = self._reached(name)
        self.depth -= 1
        self.said[name] = answer
        return answer

    def _reached(self, name: bytes) -> bool | None:
        index = self.where.get(name.replace(b"-", b"_"))
        if index is None:
            return None
        table = self.rests[index]
        if not table.startswith(_REGISTRY):  # a package from an index: neither a root nor a member
            role = _workspace_role(table)
            if role == "root":
                return True  # the project itself: the graph's start
            if role == "member":
                return None  # a root when the lock has no "." one
        edges = self.edges(name)
        if edges is None:
            return None
        answer: bool | None = False
        for edge in edges:
            if self._false(edge, len(name) + 1):
                continue
            taken = _edge(self.text, self._offset(edge), len(name) + 2, self.markers)
            if taken is False:
                continue
            held = self._through(*taken) if isinstance(taken, tuple) else None
            if held is True:
                return True
            if held is None:
                answer = None
        return answer

    def _through(self, section: str, owner: int) -> bool | None:
        """Whether an edge holding here, in ``section`` of the package whose ``[[package]]`` opens at
        ``owner``, is followed in the project's main set."""
        text = self.text
        end = text.find(b"\n[", owner + 13)
        table = text[owner + 12 : len(text) if end < 0 else end]
        role = _workspace_role(table)
        if role == "root":
            return True if section in ("dependencies", "dev") else None  # an extra, another group
        if role == "member":
            return None  # a root when the lock has no "." one
        if section in ("dev", "group"):
            return False  # only the roots' groups are installed
        if section != "dependencies":
            return None  # an extra: whether something asks for it
        line = table[1 : table.find(b"\n", 1)]
        owner_name = line[8:-1]
        if (
            line[:8] != b'name = "'
            or line[-1:] != b'"'
            or not owner_name
            or owner_name.translate(None, _NORMAL_BYTES)
            or b"\n" in owner_name
            or b"--" in owner_name
            or owner_name[:1] == b"-"
            or owner_name[-1:] == b"-"
        ):
            return None
        return self.reached(owner_name)


#: How many packages deep the walk goes before leaving the answer to the full reading (the
#: interpreter's recursion limit is a thousand frames, and each package takes three).
MAX_DEPTH = 64
#: What an edge's name may hold, as uv writes names (PEP 503's normal form).
_NORMAL_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789-\n"
_NAME_CHARS = _NORMAL_BYTES[:-1]
#: How uv closes an edge's inline table: in a multi-line array, the last of one, an array on one line.
_CLOSINGS = (b" },", b" }", b" }]")
_EDGE = b'{ name = "'
_LOCAL_ROOTS = (b'{ editable = "." }', b'{ virtual = "." }')
_REGISTRY = b'\nsource = { registry = "'
#: The ASCII bytes ``str.strip`` drops around a name (white space and separators) as 1, every other
#: byte as itself.
_STRIPPED = bytes.maketrans(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", b"\1" * 10)


def _workspace_role(table: bytes) -> str | None:
    """What a package's ``source`` line makes it in uv's workspace: "root" for the project itself
    (``"."``), "member" for another editable or virtual package (a word in its source: a URL holding
    one counts too, and the full reading decides), None for a package from anywhere else."""
    source = key_line(table, b"source")
    if source in _LOCAL_ROOTS:
        return "root"
    if source is not None and (b"editable" in source or b"virtual" in source):
        return "member"
    return None


def _edge(text: bytes, at: int, length: int, cache: Markers) -> tuple[str, int] | bool | None:
    """What the uv edge at ``at`` (``{ name = "…"``) says: False when its marker is false here or it
    is the project's metadata (which the graph never follows); when its marker holds, the section it
    is in (``dependencies``, ``dev``: the group uv syncs, ``group``: another, ``extra``) and where its
    package's ``[[package]]`` opens; None otherwise (a marker not read here, a layout uv does not
    write)."""
    start = text.rfind(b"\n", 0, at) + 1
    end = text.find(b"\n", at)
    end = len(text) if end < 0 else end
    rest = text[at + 9 + length : end]
    if rest[:1] not in (b",", b" ") or b"{ name" in rest or b"name =" in rest:
        return None  # two edges on one line, or a name running on
    header_at = text.rfind(b"\n[", 0, at) + 1
    header = text[header_at : text.find(b"\n", header_at)]
    if header.startswith(b"[package.metadata"):
        return False  # requires-dist, requires-dev: what the project asked for, not the graph's edges
    prefix = text[start:at]
    if prefix.strip(b" "):
        key = prefix.rstrip(b"[ ").rstrip(b" =")  # one edge, inline: "dependencies = [{ name = … }]"
        if prefix != key + b" = [":
            return None
    else:  # one line of an array opened above
        opening = text.rfind(b" = [\n", header_at, at)
        if opening < 0 or text.find(b"\n]", opening, at) >= 0 or not prefix:
            return None
        key = text[text.rfind(b"\n", 0, opening) + 1 : opening]
    if header == b"[[package]]":
        if key != b"dependencies":
            return None
        section = "dependencies"
    elif header == b"[package.dev-dependencies]":
        section = "dev" if key == b"dev" else "group"
    elif header == b"[package.optional-dependencies]":
        section = "extra"
    else:
        return None  # [manifest], or a table uv does not write
    if rest.count(b"marker = ") > 1:
        return None
    applies: bool | None = True
    if b"marker = " in rest:
        value = rest.partition(b'marker = "')[2]
        marker, closed, _ = value.partition(b'"')
        if not closed:
            return None
        applies = cache.evaluate(marker.decode("utf-8", "surrogateescape"))
    if applies is not True:
        return applies
    owner = text.rfind(b"\n[[package]]\n", 0, at)
    return None if owner < 0 else (section, owner)
