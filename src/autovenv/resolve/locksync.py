"""The first comparison of a venv with its lock, from each package's first lines and the tables that differ.

Reading a lock of a few hundred packages whole (``resolve.drift``) costs several Python starts: its
dependency graph and markers decide which pins apply here. They decide nothing for a package installed at
its locked version (never a difference, whatever the markers say), nor for one locked once and installed
at another version (always one, unless PEP 440 calls the two versions equal). So the venv's
``*.dist-info`` names are compared, in one set comparison, with the ``name`` and ``version`` lines the
tools write first in each package's table, found with passes of ``bytes`` methods over the whole text
(``split``, ``join``, ``map``: no Python loop per package), and only the tables of the packages that
differ are read further:

- installed at another version: a difference; its group (Poetry's ``--with``, PDM's ``--group``) from
  its table;
- not installed: due when its own marker holds here and it is in the main group, as ``resolve.pins``
  reads Poetry's and PDM's markers and groups, Poetry's ``optional`` and a ``pylock.toml``'s markers
  with its default groups;
- not installed, of a uv.lock: due when the project reaches it through edges true here, not due when
  nothing does, as ``resolve.lockgraph`` tells from the edges pointing at it (the Windows-only packages
  of a lock used on Linux: colorama through click);
- a uv virtual project: never installed, never a difference.

What takes more is "not known here" (``None``), and the lock is read whole: a uv package not installed
that an extra or another group could reach (whether the extra is asked for, the group in use), a
workspace member, a cycle, or an edge spelled otherwise than uv writes it (``resolve.lockgraph``), a
Poetry package without a marker or with markers per group, a missing
package of another group (whether the group is in use), a name locked at two versions (markers and edges
choose), a table not opening with those two lines or a value spelled otherwise than read here (an
escape, a comment), a name ``normalize_name`` would respell (``a__b``), a package installed twice or as a
legacy ``.egg-info``, a lock of another kind.

What is read here loads nothing more for the common cases: markers go to a small reader of the forms
the tools write on most edges and packages (``lite``), and two versions in PEP 440's normal form are
compared here (``same_version``); the marker module and the version rules load for the rest.
"""

from __future__ import annotations

import os
import sys

from autovenv.files import read_regular

#: The locks whose packages are ``[[package]]`` tables opening with ``name`` then ``version`` lines, in
#: ``resolve.pins.LOCKS``' order; a lock of another kind found first means this module cannot tell.
LOCKS = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pylock.toml")
KINDS = {"uv.lock": "uv", "poetry.lock": "poetry", "pdm.lock": "pdm", "pylock.toml": "pylock"}
MAX_BYTES = 64 * 1024 * 1024
MAIN = "main"
# The text stays bytes: decoding a lock of hundreds of kilobytes costs more than this whole answer.
_NAME = b'\nname = "'
_VERSION = b'version = "'
_SOURCE = b"source = "
#: What a name may hold here: the characters under which "the same once lower-cased, ``-`` and ``.``
#: written ``_``" is exactly PEP 503's "the same name" (runs of separators and ones at either end aside,
#: which ``escape_names`` refuses).
_NAME_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.\n"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.resolve.lockgraph import Graph
    from autovenv.resolve.markers import Value
    from autovenv.resolve.venv import VenvInfo

    #: (the lock's path, the differences as drift words them, the fix as words; empty when none)
    Known = tuple[str, list[str], tuple[str, ...]]


def compare(root: str, site: str, info: VenvInfo) -> Known | None:
    """The full comparison's answer for the venv ``info`` (whose ``site-packages`` is ``site``), when it
    is known from the packages' first lines and the tables that differ; None when the lock must be read."""
    lock = next((os.path.join(root, n) for n in LOCKS if os.path.isfile(os.path.join(root, n))), None)
    if lock is None or os.path.basename(lock) not in KINDS:
        return None
    kind = KINDS[os.path.basename(lock)]
    try:
        text = read_regular(lock, MAX_BYTES)
        entries = os.listdir(os.fsencode(site))
    except OSError:
        return None
    listed = _listed(text, b"[[packages]]" if kind == "pylock" else b"[[package]]")
    if listed is None:
        return None
    names, versions, rests, written = listed
    where = dict(zip(names, range(len(names))))
    twins = _twins(names, versions, where) if len(where) != len(names) else {}
    if twins is None:
        return None  # a name locked at two versions: markers and edges choose between them
    listing = compare_listing(entries, names, versions, where)
    if listing is None:
        return None
    held, wanted, have, _ = listing
    found: list[tuple[str, str, str]] = []  # (name, the difference, its group), installed otherwise
    missing: list[tuple[str, str, str]] = []  # the same, not installed though due here
    held_markers = Markers(info, text if kind == "pylock" else None)
    graph: Graph | None = None
    for key in wanted - held:  # few or none
        name = key.partition(b"-")[0]  # an escaped name holds no "-"
        index = where[name]
        # One table, or a package's entries per extra; plain loops over them (a comprehension costs a
        # function call, for each package the venv lacks).
        tables = [rests[i] for i in twins[name]] if name in twins else [rests[index]]
        virtual: set[bool | None] = set()
        for table in tables:
            if table[:1] != b"\n":
                return None  # more than the closing quote on its version line
            virtual.add(_virtual(table) if kind == "uv" else False)
        if len(virtual) != 1 or None in virtual:
            return None
        if True in virtual:
            continue  # a virtual project is never installed, and the full reading leaves it out
        pinned = versions[index].decode("utf-8", "surrogateescape")
        spelled = name.decode("ascii").replace("_", "-")
        if name not in have:
            if kind == "uv":
                if graph is None:
                    from autovenv.resolve.lockgraph import Graph

                    lacking = [written[where[k.partition(b"-")[0]]] for k in wanted - held]
                    graph = Graph(text, held_markers, lacking, where, rests)
                plain = written[index] == spelled.encode("ascii") and not twins
                due = {graph.reached(written[index]) if plain else None}
            else:
                due = set()
                for table in tables:
                    due.add(_due(kind, table, held_markers))
            if None in due:
                return None  # whether it is due here is for the full reading to say
            if True in due:
                missing.append((spelled, f"{spelled} {pinned} pinned, not installed", MAIN))
            continue
        installed = os.fsdecode(have[name])
        if same_version(pinned, installed):
            continue
        groups = {_group(kind, table) for table in tables}
        group = groups.pop()
        if group is None or groups:
            return None  # a group per entry: which entries apply here decides
        found.append((spelled, f"{spelled} {pinned} pinned, {installed} installed", group))
    found = sorted(found) + sorted(missing)
    if not found:
        return lock, [], ()
    extra = [group for _, _, group in found if group != MAIN]
    command = tool_command(kind, extra[0] if extra else MAIN, root, info.path)
    return lock, [text for _, text, _ in found], command


def environment(info: VenvInfo) -> dict[str, Value]:
    """The marker environment of ``info``'s interpreter, from its pyvenv.cfg alone."""
    from autovenv.resolve import markers

    implementation = info.cfg.get("implementation", "") or (
        "pypy" if "pypy" in info.cfg.get("home", "") else ""
    )
    return markers.environment(info.version or "", implementation or "cpython")


def tool_command(kind: str, group: str, root: str, venv: str) -> tuple[str, ...]:
    """What installs a uv, Poetry, PDM lock's or pylock.toml's ``group`` (``main``: the default set)
    into the venv ``venv``, as words for the user's shell."""
    if kind == "uv":
        in_project = os.path.normpath(venv) == os.path.join(root, ".venv")
        return ("uv", "sync") if in_project else ("uv", "sync", "--active")
    if kind == "poetry":
        return ("poetry", "install") if group == MAIN else ("poetry", "install", "--with", group)
    if kind == "pylock":
        return ("uv", "pip", "install", "-r", "pylock.toml")
    return ("pdm", "sync") if group == MAIN else ("pdm", "sync", "--group", group)


def lead(source: str, differences: list[str]) -> str:
    """The hint up to its command: ``uv.lock: django 5.1.2 pinned, 5.0.4 installed; 2 more; run:``."""
    more = len(differences) - 1
    tail = f"; {more} more" if more else ""
    return f"{os.path.basename(source)}: {differences[0]}{tail}; run:"


def _listed(
    text: bytes, opening: bytes
) -> tuple[list[bytes], list[bytes], list[bytes], tuple[bytes, ...]] | None:
    """(escaped names, versions, the rest of each table, the names as written) of the lock's packages,
    in the lock's order;
    None unless every ``[[package]]`` opens with a plain ``name`` line then a plain ``version`` line."""
    tables = text.split(opening)[1:]
    count = len(tables)
    if not count:
        return None
    # Each table as ['\nname = ', NAME, '\nversion = ', VERSION, the rest]: C loops, none per package here.
    parts = [*map(bytes.split, tables, [b'"'] * count, [4] * count)]
    if min(map(len, parts)) != 5:
        return None
    openings, names, seconds, versions, rests = zip(*parts)
    if b"".join(openings) != b"\nname = " * count or b"".join(seconds) != b"\nversion = " * count:
        return None
    spelled = b"\n".join(versions)
    if spelled.count(b"\n") != count - 1 or b"\\" in spelled or not all(versions):
        return None  # a line break or an escape inside a value
    escaped = escape_names(b"\n".join(names), count)
    if escaped is None:
        return None
    return escaped, list(versions), list(rests), names


def _twins(
    names: list[bytes], versions: list[bytes], where: dict[bytes, int]
) -> dict[bytes, list[int]] | None:
    """The entries of each name the lock lists more than once, when all of them lock one version (PDM
    locks a package once more per extra asked for); None when some name is locked at two versions."""
    twins: dict[bytes, list[int]] = {}
    for index, name in enumerate(names):
        if where[name] != index:  # an entry before the name's last one
            twins.setdefault(name, [where[name]]).append(index)
    for indices in twins.values():
        if len({versions[i] for i in indices}) != 1:
            return None
    return twins


def compare_listing(
    entries: list[bytes], names: list[bytes], versions: list[bytes], where: dict[bytes, int]
) -> tuple[set[bytes], set[bytes], dict[bytes, bytes], list[bytes]] | None:
    """A venv's ``site-packages`` listing (``entries``) against locked names (escaped, ``escape_names``;
    ``where``: each one's index) and versions, both sides spelled alike, "name-version\\0" lower-cased
    (a PEP 440 version ignores case, and so does drift's comparison of one it cannot parse), so that a
    set comparison finds what differs: (the listing so spelled, the locked pins so spelled, the locked
    names held at another version -> that version, each pin's "version\\0"); None when the listing is
    spelled otherwise than read here."""
    raw = b"\n" + b"\n".join(entries) + b"\n"
    lowered = raw.lower()
    if b".egg-info\n" in lowered:
        return None  # a legacy install: the full reading weighs it against the dist-info beside it
    held = set(lowered.replace(b".dist-info\n", b"\0\n").split(b"\n"))
    ends = (b"\0\n".join(versions) + b"\0").lower().split(b"\n")
    wanted = set(map(b"-".join, zip(names, ends)))
    have = _strays(held - wanted, held, raw, lowered, where, names, ends)
    return None if have is None else (held, wanted, have, ends)


def _strays(
    strays: set[bytes],
    held: set[bytes],
    raw: bytes,
    lowered: bytes,
    where: dict[bytes, int],
    names: list[bytes],
    ends: list[bytes],
) -> dict[bytes, bytes] | None:
    """The locked names the venv holds at a version other than the locked one (escaped name -> the
    version as its dist-info spells it), from the dist-info directories no lock entry matched; None when
    one names a locked package twice (which one imports decides) or in a spelling not read here."""
    have: dict[bytes, bytes] = {}
    for entry in [entry for entry in strays if entry.endswith(b"\0")]:
        # Its name as listed (the version's case is shown): the lower-cased listing has the same offsets.
        line = b"\n" + entry[:-1] + b".dist-info\n"
        at = lowered.find(line)
        if lowered.count(line) != 1:
            return None  # two directories differing only in case
        name, dash, version = raw[at + 1 : at + len(line) - 11].rpartition(b"-")
        if not dash or not name or not version:
            continue  # no version: the full reading skips it too
        escaped = escape_names(name, 1)
        if escaped is None:
            return None
        index = where.get(escaped[0])
        if index is None:
            continue  # not locked: never compared
        if escaped[0] in have or names[index] + b"-" + ends[index] in held:
            return None  # installed twice
        have[escaped[0]] = version
    return have


def escape_names(names: bytes, count: int) -> list[bytes] | None:
    """``count`` newline-separated names, each lower-cased with ``-`` and ``.`` as ``_`` (how installers
    spell a dist-info, so ``zope.interface`` and ``zope_interface`` meet); None when one holds another
    character, or separators ``normalize_name`` would join or drop (``a__b``, ``_a``): then escaped and
    normalised names might not agree."""
    if names.translate(None, _NAME_BYTES) or names.count(b"\n") != count - 1:
        return None
    escaped = b"\n" + names.lower().replace(b"-", b"_").replace(b".", b"_") + b"\n"
    if b"__" in escaped or b"\n_" in escaped or b"_\n" in escaped or b"\n\n" in escaped:
        return None
    return escaped[1:-1].split(b"\n")


def key_line(table: bytes, key: bytes) -> bytes | None:
    """The value of ``key`` among a table's own lines (``table`` from its ``version`` line's end, up to
    the next table), or None: absent, or only in a sub-table (a line opening with ``[``) after them.
    The tools write the keys read here before any long array, so the search ends early."""
    needle = b"\n" + key + b" = "
    at = table.find(needle)
    if at < 0 or table.find(b"\n[", 0, at) >= 0:
        return None
    start = at + len(needle)
    end = table.find(b"\n", start)
    return table[start : len(table) if end < 0 else end]


def _virtual(table: bytes) -> bool | None:
    """Whether a uv table's ``source`` is a virtual project (never installed); None when its source line
    speaks of "virtual" otherwise (a URL holding the word): the full reader's parse decides then."""
    source = key_line(table, _SOURCE[:-3])
    if source is None or b"virtual" not in source:
        return False
    if source.startswith(b"{ virtual = ") and source.count(b"virtual") == 1:
        return True
    return None


def _group(kind: str, table: bytes) -> str | None:
    """The group a Poetry or PDM package belongs to, as ``resolve.pins`` reads it (the default one when
    it is in several); None for a spelling read only by the full reader (Poetry's markers per group)."""
    if kind in ("uv", "pylock"):
        return MAIN  # uv's fix installs every group at once; a pylock.toml's packages are one set
    markers = key_line(table, b"markers") if kind == "poetry" else None
    return _group_of(kind, markers, key_line(table, b"groups"))


def _group_of(kind: str, markers: bytes | None, found: bytes | None) -> str | None:
    """``_group`` from a Poetry table's ``markers`` value and a table's ``groups`` value (None: absent)."""
    if kind in ("uv", "pylock"):
        return MAIN
    if kind == "poetry" and (markers or b"").startswith(b"{"):
        return None  # lock 2.1's markers per group: which of its groups apply here is for markers
    if found is None:
        return MAIN
    if not (found.startswith(b'["') and found.endswith(b'"]')) or b"\\" in found:
        return None
    groups = [g.decode("utf-8", "surrogateescape") for g in found[2:-2].split(b'", "')]
    if any('"' in g for g in groups):
        return None
    default = "default" if kind == "pdm" else MAIN
    return MAIN if default in groups or not groups else groups[0]


class Markers:
    """Markers evaluated for one venv: its environment made once, each distinct marker evaluated once
    (a lock repeats ``sys_platform == "win32"`` for every Windows-only package)."""

    __slots__ = ("dues", "env", "info", "lite_env", "pylock", "said", "unread")

    def __init__(self, info: VenvInfo, pylock: bytes | None) -> None:
        self.info = info
        self.pylock = pylock  # a pylock.toml's text: its markers see its default groups
        self.env: dict[str, Value] | None = None
        #: the few values ``lite`` reads (made at the first marker): it reads the common markers
        #: (uv's edges, the other locks' packages) without the marker module, which reads the rest
        #: (a pylock.toml's markers that read its groups among them)
        self.lite_env: dict[str, str] | None = None
        self.said: dict[str, bool | None] = {}
        #: ``_due``'s answers, by the lines that decide them
        self.dues: dict[tuple[str, bytes | None, bytes | None, bytes | None], bool | None] = {}
        #: the environment could not be told here (a pylock.toml's groups spelled otherwise)
        self.unread = False

    def evaluate(self, marker: str) -> bool | None:
        if marker not in self.said:
            if self.lite_env is None:
                self.lite_env = lite_environment(self.info)
            said = lite(marker, self.lite_env)
            if said is not None:
                self.said[marker] = said
        if marker not in self.said:
            from autovenv.resolve import markers

            if self.env is None:
                self.env = environment(self.info)
                if self.pylock is not None:
                    groups = _pylock_groups(self.pylock)
                    if groups is None:
                        self.unread = True
                        groups = frozenset()
                    self.env = {**self.env, "extras": frozenset(), "dependency_groups": groups}
            self.said[marker] = markers.evaluate(marker, self.env)
        return self.said[marker]


def _string(line: bytes | None) -> str | None:
    """A line's value as a plain TOML string (``\\"`` and ``\\\\`` its only escapes, as the tools write
    markers), or None (absent, or another spelling)."""
    if line is None or len(line) < 2 or line[:1] != b'"' or line[-1:] != b'"' or b"\0" in line:
        return None
    inner = line[1:-1].replace(b"\\\\", b"\0")
    rest = inner.replace(b'\\"', b"")
    if b'"' in rest or b"\\" in rest:
        return None
    return inner.replace(b'\\"', b'"').replace(b"\0", b"\\").decode("utf-8", "surrogateescape")


def _due(kind: str, table: bytes, cache: Markers) -> bool | None:
    """Whether a Poetry or PDM package the venv lacks is due here, as ``resolve.pins`` and ``drift`` say
    (its own marker holds, and it is in the main group); None when that takes more than its table (uv's
    edges, Poetry's markers per group or a package without one, another group: which groups are in
    use). Told once per spelling of the lines that decide it (the Windows-only packages of a lock
    share a few)."""
    if kind == "uv":
        return None
    optional = key_line(table, b"optional") if kind == "poetry" else None
    marker = key_line(table, b"markers" if kind == "poetry" else b"marker")
    lines = (kind, optional, marker, key_line(table, b"groups"))
    if lines not in cache.dues:
        cache.dues[lines] = _due_of(*lines, cache)
    return cache.dues[lines]


def _due_of(
    kind: str, optional: bytes | None, value: bytes | None, groups: bytes | None, cache: Markers
) -> bool | None:
    """``_due`` from a table's ``optional``, marker and ``groups`` values (None: absent)."""
    if optional == b"true":
        return False  # an extra: installed only when asked for
    if value is None:
        if kind == "poetry":
            return None  # lock 2.0, or an edge's marker may veto it: the whole graph says
        applies: bool | None = True
    else:
        marker = _string(value)
        if marker is None:
            return None
        applies = cache.evaluate(marker)
        if cache.unread:
            return None
    if applies is not True:
        return False
    return None if _group_of(kind, value if kind == "poetry" else None, groups) != MAIN else True


def _pylock_groups(text: bytes) -> frozenset[str] | None:
    """A pylock.toml's ``default-groups`` (the groups its markers see installed), from its lines before
    the first package; None when spelled otherwise than one line of plain strings."""
    head = b"\n" + text[: text.find(b"[[packages]]")]
    found = key_line(head, b"default-groups")
    if found is None:
        return frozenset() if b"default-groups" not in head else None
    if found == b"[]":
        return frozenset()
    if not (found.startswith(b'["') and found.endswith(b'"]')) or b"\\" in found:
        return None
    groups = found[2:-2].decode("utf-8", "surrogateescape").split('", "')
    return None if any('"' in g for g in groups) else frozenset(groups)


def same_version(pinned: str, installed: str) -> bool:
    """``resolve.versions.same``: whether an installed version satisfies an ``==`` pin; told here when
    both are in PEP 440's normal form with at most one pre-, post- or dev-release part (a venv one
    release behind its lock, the common case), so that the version rules are not imported for it."""
    if pinned == installed:
        return True
    want, have = _normal(pinned), _normal(installed)
    if want is not None and have is not None:
        return want == have
    from autovenv.resolve.versions import same

    return same(pinned, installed)


def _normal(version: str) -> tuple[tuple[int, ...], str] | None:
    """(the release numbers without trailing zeros, the rest) of a version spelled in PEP 440's normal
    form with at most one ``aN``, ``bN``, ``rcN``, ``.postN`` or ``.devN`` part after its release
    (two such versions are the same exactly when both parts are); None for any other spelling (an
    epoch, a local label, upper case, ``c1``, ``-1``, ``rc01``: PEP 440's rules are ``resolve.versions``')."""
    tail = version.lstrip("0123456789.")
    release = version[: len(version) - len(tail)]
    if release.endswith("."):
        release, tail = release[:-1], "." + tail
    parts = release.split(".")
    if not version.isascii() or not all(parts):
        return None
    if tail:
        label = tail.rstrip("0123456789")
        number = tail[len(label) :]
        if label not in _TAILS or not number or (number[0] == "0" and number != "0"):
            return None
    numbers = [*map(int, parts)]
    while len(numbers) > 1 and not numbers[-1]:
        numbers.pop()
    return tuple(numbers), tail


#: The parts after a release that ``_normal`` reads, spelled as PEP 440 normalises them.
_TAILS = ("a", "b", "rc", ".post", ".dev")
#: The variables ``lite`` reads; version-valued ones compare as release numbers.
_LITE_VERSIONS = ("python_version", "python_full_version")
_LITE_STRINGS = (
    "os_name",
    "sys_platform",
    "platform_system",
    "platform_machine",
    "platform_python_implementation",
    "implementation_name",
)


def lite_environment(info: VenvInfo) -> dict[str, str]:
    """The values of ``_LITE_VERSIONS`` and ``_LITE_STRINGS`` for ``info``'s interpreter, as
    ``resolve.markers.environment`` gives them (a test holds the two equal), without importing it."""
    implementation = info.cfg.get("implementation", "") or (
        "pypy" if "pypy" in info.cfg.get("home", "") else ""
    )
    implementation = implementation or "cpython"
    parts = [*(info.version or "").split("."), "0", "0"][:3]
    name = implementation.lower() or "cpython"
    if os.name == "nt":
        system = "Windows"
        machine = os.environ.get("PROCESSOR_ARCHITEW6432") or os.environ.get("PROCESSOR_ARCHITECTURE", "")
    else:
        uname = os.uname()
        system, machine = uname.sysname, uname.machine
    return {
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_system": system,
        "platform_machine": machine,
        "platform_python_implementation": {"cpython": "CPython", "pypy": "PyPy"}.get(name, implementation),
        "implementation_name": name,
        "python_version": ".".join(parts[:2]),
        "python_full_version": ".".join(parts),
    }


def lite(marker: str, env: dict[str, str]) -> bool | None:
    """Whether ``marker`` holds in ``env``, for the forms uv writes on most edges (and Poetry and PDM on
    most packages): ``and`` and ``or``
    (with parentheses) of ``variable op 'literal'``, a platform variable compared with ``==`` or
    ``!=``, a Python version with any of the six comparisons against a plain release number; None for
    anything else (``resolve.markers`` reads it, as it would read every marker)."""
    words = marker.replace("(", " ( ").replace(")", " ) ").split()
    found = _lite_or(words, 0, env)
    if found is None or found[1] != len(words):
        return None
    return found[0]


def _lite_or(words: list[str], at: int, env: dict[str, str]) -> tuple[bool, int] | None:
    found = _lite_and(words, at, env)
    if found is None:
        return None
    value, at = found
    while at < len(words) and words[at] == "or":
        right = _lite_and(words, at + 1, env)
        if right is None:
            return None
        value, at = value or right[0], right[1]
    return value, at


def _lite_and(words: list[str], at: int, env: dict[str, str]) -> tuple[bool, int] | None:
    found = _lite_atom(words, at, env)
    if found is None:
        return None
    value, at = found
    while at < len(words) and words[at] == "and":
        right = _lite_atom(words, at + 1, env)
        if right is None:
            return None
        value, at = value and right[0], right[1]
    return value, at


def _lite_atom(words: list[str], at: int, env: dict[str, str]) -> tuple[bool, int] | None:
    if at < len(words) and words[at] == "(":
        found = _lite_or(words, at + 1, env)
        if found is None or found[1] >= len(words) or words[found[1]] != ")":
            return None
        return found[0], found[1] + 1
    if at + 3 > len(words):
        return None
    variable, op, literal = words[at : at + 3]
    quote = literal[:1]
    if quote not in ("'", '"') or len(literal) < 2 or literal[-1:] != quote or quote in literal[1:-1]:
        return None
    value = literal[1:-1]
    if variable in _LITE_STRINGS:
        if '"' in value or "'" in value:
            return None
        if op == "==":
            return env[variable] == value, at + 3
        if op == "!=":
            return env[variable] != value, at + 3
        return None
    if variable not in _LITE_VERSIONS:
        return None
    have, want = _release(env[variable]), _release(value)
    if have is None or want is None:
        return None
    size = max(len(have), len(want))
    have += (0,) * (size - len(have))
    want += (0,) * (size - len(want))
    if op == "==":
        return have == want, at + 3
    if op == "!=":
        return have != want, at + 3
    if op == "<":
        return have < want, at + 3
    if op == "<=":
        return have <= want, at + 3
    if op == ">":
        return have > want, at + 3
    if op == ">=":
        return have >= want, at + 3
    return None


def _release(version: str) -> tuple[int, ...] | None:
    """The numbers of a plain release (``3.11``, ``3.9.18``); None for anything else (a pre-release,
    a wildcard, a local part: PEP 440's rules for those are ``resolve.versions``')."""
    parts = version.split(".")
    if not all(part.isdigit() and part.isascii() for part in parts):
        return None
    return tuple(map(int, parts))
