"""The daemon's pure parts: messages, filesystem events, which answers an event affects, debouncing.

Nothing here touches the filesystem or the clock: callers pass paths, names and times in, so each rule is
a table test (tests/unit/test_daemon_core.py).
"""

from __future__ import annotations

import os

from autovenv.daemon.visit import END, MAGIC, REPORTED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: Event kinds, the same from every watch backend.
CREATE = "create"  # a name appeared in the directory (created, moved in): the directory's mtime changed
DELETE = "delete"  # a name disappeared (deleted, moved out): the directory's mtime changed
MODIFY = "modify"  # the named file was written or its attributes changed; no name: the directory itself
GONE = "gone"  # the watched directory itself was deleted, moved or unmounted
OVERFLOW = "overflow"  # events were lost: everything must be looked at again

#: An environment as shells report it: ``(name, value or None)`` for each of ``visit.REPORTED``.
Env = tuple[tuple[str, "str | None"], ...]

#: Directory names never descended into when looking for projects under a watched root.
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "dist-packages", "build", "dist"})


class Event:
    """One change in a watched directory: ``name`` is empty when it is about the directory itself."""

    __slots__ = ("directory", "is_dir", "kind", "name")

    def __init__(self, directory: str, name: str, kind: str, is_dir: bool = False) -> None:
        self.directory = directory
        self.name = name
        self.kind = kind
        self.is_dir = is_dir

    @property
    def path(self) -> str:
        return os.path.join(self.directory, self.name) if self.name else self.directory

    def __repr__(self) -> str:
        return f"Event({self.directory!r}, {self.name!r}, {self.kind!r}, is_dir={self.is_dir})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return (self.directory, self.name, self.kind, self.is_dir) == (
            other.directory,
            other.name,
            other.kind,
            other.is_dir,
        )

    def __hash__(self) -> int:
        return hash((self.directory, self.name, self.kind, self.is_dir))


class Visit:
    """A shell resolved ``directory`` (a candidate directory) with environment ``env``."""

    __slots__ = ("directory", "env")

    def __init__(self, directory: str, env: Env) -> None:
        self.directory = directory
        self.env = env

    def __repr__(self) -> str:
        return f"Visit({self.directory!r})"


def env_of(view: Mapping[str, str]) -> Env:
    """The reported variables of an environment (pass the user's view: ``plan.user_view``)."""
    return tuple((name, view.get(name)) for name in REPORTED)


def environ_of(env: Env) -> dict[str, str]:
    return {name: value for name, value in env if value is not None}


def decode(buffer: bytes) -> tuple[list[Visit], bytes]:
    """Complete messages in ``buffer`` and the incomplete rest; malformed messages are dropped."""
    *records, rest = buffer.split(END)
    visits = []
    for record in records:
        visit = _decode_one(record)
        if visit is not None:
            visits.append(visit)
    return visits, rest


def _decode_one(record: bytes) -> Visit | None:
    fields = record.split(b"\0")
    if len(fields) < 3 or fields[0] != MAGIC or fields[1] != b"visit":
        return None
    directory = os.fsdecode(fields[2])
    if not os.path.isabs(directory):
        return None
    values: dict[str, str | None] = {}
    for raw in fields[3:]:
        text = os.fsdecode(raw)
        if text.endswith("!") and "=" not in text:
            name, value = text[:-1], None
        elif "=" in text:
            name, value = text.split("=", 1)
        else:
            continue
        if name in REPORTED:
            values[name] = value
    return Visit(os.path.normpath(directory), tuple((name, values.get(name)) for name in REPORTED))


def descend_into(name: str, venv_dirs: Iterable[str]) -> bool:
    """Whether a subdirectory of a watched tree may hold projects (hidden dirs and venvs never do)."""
    return not name.startswith(".") and name not in SKIP_DIRS and name not in venv_dirs


def dirs_to_watch(path: str, is_dir: bool) -> tuple[str, ...]:
    """Where the events about a path the hook watches arrive: its directory, and itself if a directory.

    The hook compares modification times: a file's changes show up as events in its parent; a
    directory's mtime changes when names are added to or removed from it, seen by a watch on itself.
    """
    parent = os.path.dirname(path) or path
    return (parent, path) if is_dir and parent != path else (parent,)


class DependencyIndex:
    """Which candidate directories' answers depend on which paths (their answers' watch lists)."""

    def __init__(self) -> None:
        self._by_path: dict[str, set[str]] = {}
        self._deps: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._deps)

    def __contains__(self, candidate: object) -> bool:
        return candidate in self._deps

    def candidates(self) -> list[str]:
        return list(self._deps)

    def deps(self, candidate: str) -> tuple[str, ...]:
        return self._deps.get(candidate, ())

    def assign(self, candidate: str, paths: Iterable[str]) -> None:
        self.drop(candidate)
        unique = tuple(dict.fromkeys(paths))
        self._deps[candidate] = unique
        for path in unique:
            self._by_path.setdefault(path, set()).add(candidate)

    def drop(self, candidate: str) -> None:
        for path in self._deps.pop(candidate, ()):
            users = self._by_path.get(path)
            if users is not None:
                users.discard(candidate)
                if not users:
                    del self._by_path[path]

    def affected(self, event: Event) -> tuple[set[str], set[str]]:
        """Whose cached answers this event makes stale: ``(changed, listed)``.

        ``changed``: a path their answer watches was itself created, deleted, written or lost.
        ``listed``: only a directory they watch changed its listing (so its mtime); see :func:`restamp_only`.
        """
        if event.kind == OVERFLOW:
            return set(self._deps), set()
        changed: set[str] = set()
        if event.name:
            changed |= self._by_path.get(event.path, set())
        if event.kind == GONE:
            prefix = event.directory.rstrip(os.sep) + os.sep
            for path, users in self._by_path.items():
                if path == event.directory or path.startswith(prefix):
                    changed |= users
        listed: set[str] = set()
        if event.kind in (CREATE, DELETE) or (event.kind == MODIFY and not event.name):
            listed = self._by_path.get(event.directory, set()) - changed
        return changed, listed


#: Names outside the candidate markers whose appearance next to a project may still matter (trust).
ALSO_RELEVANT = frozenset({".git"})


def restamp_only(event: Event, candidate: str, names: frozenset[str]) -> bool:
    """True when the event cannot change ``candidate``'s answer, only its entry's freshness for the hook.

    Resolution looks at a project directory and its ancestors only through the marker names (the
    finders' files, ``.python-version``, config files): another name appearing or vanishing there (an
    editor's temporary file, a shell's history file in ``$HOME``) changes the directory's mtime, which
    the hook compares, but not the answer. Such an entry needs a new stamp, not a new resolution.
    """
    directory = event.directory.rstrip(os.sep) or os.sep
    inside = candidate == directory or candidate.startswith(directory.rstrip(os.sep) + os.sep)
    return inside and (not event.name or (event.name not in names and event.name not in ALSO_RELEVANT))


#: A job: ``(kind, path)``.
Job = tuple[str, str]


class Debouncer:
    """Jobs, each run once after things stay quiet for a while.

    ``touch`` (re)arms a job ``delay`` seconds from now, but never later than ``max_wait`` after it was
    first armed, so a directory that never stops changing is still looked at now and then; and never
    earlier than any ``not_before`` given for it since it last ran (an entry's stamp must end up newer
    than the change, so some jobs must not run too soon, whatever else asks for them).
    """

    def __init__(self) -> None:
        self._due: dict[Job, float] = {}
        self._first: dict[Job, float] = {}
        self._floor: dict[Job, float] = {}

    def __len__(self) -> int:
        return len(self._due)

    def __contains__(self, key: object) -> bool:
        return key in self._due

    def touch(
        self, key: Job, now: float, delay: float, max_wait: float = 10.0, not_before: float = 0.0
    ) -> None:
        first = self._first.setdefault(key, now)
        floor = max(self._floor.get(key, 0.0), not_before)
        if floor:
            self._floor[key] = floor
        self._due[key] = max(min(now + delay, first + max(max_wait, delay)), floor)

    def cancel(self, key: Job) -> None:
        self._due.pop(key, None)
        self._first.pop(key, None)
        self._floor.pop(key, None)

    def next_due(self) -> float | None:
        return min(self._due.values()) if self._due else None

    def pop_due(self, now: float) -> list[Job]:
        """Keys due by ``now``, earliest first; they are removed."""
        ready = sorted((when, i, key) for i, (key, when) in enumerate(self._due.items()) if when <= now)
        for _, _, key in ready:
            self.cancel(key)
        return [key for _, _, key in ready]
