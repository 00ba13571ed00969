"""Resolve one candidate directory for every shell and store the answers as ``export.compute`` does.

The answer comes from ``pipeline.answer_for``, as the hooks' cold path and ``status`` get theirs; the
store (with the file clock's tick taken before anything is read, ``cache.entry_stamp``) is this module's.
Resolution runs once per PATH separator instead of once per shell.
A unit test holds the entries written here byte-equal to the cold path's. An entry whose text did not
change only gets its new stamp (one ``utime``), so re-resolving after an unrelated change is cheap.
"""

from __future__ import annotations

import os

from autovenv import cache, dirs, pipeline, settings, shells
from autovenv.files import read_regular
from autovenv.resolve.finders import candidate_names
from autovenv.resolve.project import present

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.resolve.project import Resolution, Settings
    from autovenv.shells.base import Adapter


class Stored:
    """What one resolution wrote: the candidate, its watch list, the entries (mtime = stamp), changes,
    and the unit the stamp was cut to (``cache.stamp_unit``)."""

    __slots__ = ("candidate", "changed", "entries", "stamp_ns", "unit_ns", "watch")

    def __init__(
        self,
        candidate: str,
        watch: tuple[str, ...],
        stamp_ns: int,
        changed: int,
        entries: tuple[str, ...] = (),
        unit_ns: int = cache.WHOLE_SECONDS_NS,
    ) -> None:
        self.candidate = candidate
        self.watch = watch
        self.stamp_ns = stamp_ns
        self.changed = changed
        self.entries = entries
        self.unit_ns = unit_ns

    def __repr__(self) -> str:
        return f"Stored({self.candidate!r}, changed={self.changed})"


def adapters() -> list[Adapter]:
    """Every shell adapter there is (a new adapter module is picked up without touching the daemon).

    None at all means the package's files are gone (uninstalled under a running daemon): an error, not
    a resolution that quietly writes nothing.
    """
    found = [shells.get(name) for name in shells.names()]
    if not found:
        raise RuntimeError(f"no shell adapters in {os.path.dirname(shells.__file__)} (package removed?)")
    return found


def store_entry(base: str, shell: str, candidate: str, text: str, stamp_ns: int) -> bool:
    """Write the entry, or only restamp it when its text is unchanged; True when the text changed."""
    path = cache.entry_path(base, shell, candidate)
    data = text.encode("utf-8", "surrogateescape")
    try:
        same = read_regular(path, len(data), follow_symlinks=False) == data
    except OSError:
        same = False
    if same and os.stat(path).st_uid == os.getuid():
        os.utime(path, ns=(stamp_ns, stamp_ns))
        return False
    cache.store(base, shell, candidate, text, stamp_ns)
    return True


def resolve_and_store(
    directory: str,
    environ: Mapping[str, str],
    user: Settings | None = None,
    shell_adapters: list[Adapter] | None = None,
) -> Stored | None:
    """Resolve ``directory`` (a candidate directory) for each shell and store the answers.

    ``None`` when it is no longer a candidate directory (its markers are gone) or there is no usable
    cache. Raises ``OSError`` only for surprises worth logging.
    """
    base = dirs.cache_dir(environ)
    try:
        cache.ensure_dir(base)
        started = cache.file_clock(base)  # before anything the answers depend on is read
    except OSError:
        return None
    user = settings.load(environ) if user is None else user
    if not present(directory, candidate_names(user.venv_dirs)):
        return None
    try:
        generation = (cache.ensure_generation(base), *settings.entry_watch_paths(environ))
    except OSError:
        return None
    watch: tuple[str, ...] = ()
    checked: dict[str, None] = {}
    rendered: list[tuple[str, str]] = []
    done: dict[str, tuple[Resolution, dict[str, str]]] = {}
    for adapter in adapters() if shell_adapters is None else shell_adapters:
        sep = adapter.PATHSEP
        # Its notes' commands are quoted for that shell; the resolution is shared by a separator.
        found = pipeline.answer_for(
            directory, environ, adapter.NAME, sep, user, done.get(sep), entry_watch=generation
        )
        resolution, result = found.resolution, found.answer
        done[sep] = (resolution, found.view)
        if resolution.candidate != directory:
            return None
        watch = result.all_watch + tool_watch(resolution.tool_dirs, result.all_watch)
        checked.update(dict.fromkeys(result.all_watch))
        rendered.append((adapter.NAME, adapter.render_answer(result)))
    # One stamp for all of them (``restamp`` relies on it), as cache.entry_stamp sets it for the hooks.
    unit = cache.stamp_unit(started, tuple(checked))
    stamp = cache.cut(started[0], unit)
    changed = 0
    entries: list[str] = []
    for shell, text in rendered:
        if store_entry(base, shell, directory, text, stamp):
            changed += 1
        entries.append(cache.entry_path(base, shell, directory))
    return Stored(directory, watch, stamp, changed, tuple(entries), unit)


def tool_watch(tool_dirs: list[str], watched: tuple[str, ...]) -> tuple[str, ...]:
    """For each directory a tool keeps (or will make) the env in that does not exist yet: its first
    missing component (``~/.cache/pypoetry`` for ``~/.cache/pypoetry/virtualenvs``). The hook cannot
    watch a path that is not there; the daemon watches its parent, sees it created (a first `poetry
    install`, `hatch env create`) and resolves the project again before the next visit."""
    out: dict[str, None] = {}
    for path in tool_dirs:
        missing, current = "", path
        while not os.path.lexists(current) and os.path.dirname(current) != current:
            missing, current = current, os.path.dirname(current)
        if missing and missing not in watched:
            out.setdefault(missing, None)
    return tuple(out)


def restamp(entries: tuple[str, ...], expected_ns: int, stamp_ns: int) -> int | None:
    """Give entries the new stamp ``stamp_ns`` when they still carry ``expected_ns`` (nobody rewrote
    them); the stamp.

    ``None`` when an entry is missing or was rewritten by someone else (the caller re-resolves instead).
    """
    for path in entries:
        try:
            if os.stat(path).st_mtime_ns != expected_ns:
                return None
        except OSError:
            return None
    for path in entries:
        os.utime(path, ns=(stamp_ns, stamp_ns))
    return stamp_ns


def newest_change(paths: tuple[str, ...]) -> tuple[int, str]:
    """The latest modification time among ``paths`` (as the hook's ``-nt`` sees them), and whose."""
    newest, which = 0, ""
    for path in paths:
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            continue
        if mtime > newest:
            newest, which = mtime, path
    return newest, which
