"""What the daemon knows and does: watched trees, known projects, and the jobs events turn into.

Two kinds of directories are watched. *Tree* directories: each configured ``watch_roots`` entry and its
subdirectories down to ``MAX_DEPTH`` levels, not descending into projects, hidden directories or venvs, so
a project created anywhere in them is seen. *Dependencies*: for every known project (a candidate directory,
found in a tree or reported by a shell's cold path) the paths its cached answer watches, so any change
that makes the hook distrust an entry makes the daemon rewrite it. Jobs are debounced: a burst of events
(``pip install`` writing ``bin/``) becomes one re-resolution, ``DEBOUNCE`` seconds after the burst ends;
and when a change is so recent that the entry's stamp (the file clock's tick when resolving began, cut to
whole seconds where a watched filesystem other than the clock's may keep no finer: ``cache.stamp_unit``)
is not newer than it, the job is run again later, or the hook would still see the entry as stale.
"""

from __future__ import annotations

import os
import time

from autovenv import cache, dirs, plan, settings
from autovenv.daemon import core
from autovenv.daemon.resolver import newest_change, resolve_and_store, restamp
from autovenv.daemon.visit import FIFO, REPORTED, SOCKET, served_cache
from autovenv.resolve.finders import candidate_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from autovenv.daemon.resolver import Stored
    from autovenv.daemon.watch import Watcher
    from autovenv.resolve.project import Settings

#: Levels below a watched root searched for projects (``~/code/org/repo/pkg`` is 3).
MAX_DEPTH = 3
#: Tree directories watched at most (a data directory with 100,000 subdirectories must not eat the limit).
MAX_TREE_DIRS = 20_000
#: Quiet time before re-resolving (a venv being created, ``pip install``: one resolution at the end).
DEBOUNCE = 0.3
#: A project that keeps changing is still re-resolved at least this often.
MAX_WAIT = 10.0
#: How long one round of jobs may run before the loop serves messages again.
ROUND_BUDGET = 0.05


class Project:
    __slots__ = ("entries", "env", "origin", "stamp_ns", "watch", "watched_dirs", "watched_files")

    def __init__(self, origin: str, env: core.Env | None) -> None:
        self.origin = origin  # "tree" or "visit"
        self.env = env  # None: the default environment
        self.watch: tuple[str, ...] = ()  # what its answer watches
        self.entries: tuple[str, ...] = ()  # the cache entries written for it, all stamped stamp_ns
        self.stamp_ns = -1
        self.watched_dirs: tuple[str, ...] = ()
        self.watched_files: tuple[str, ...] = ()


def default_env(environ: Mapping[str, str]) -> core.Env:
    """The daemon's own environment, seen as the user's (our activation variables undone)."""
    return core.env_of(plan.user_view(environ))


class State:
    def __init__(
        self,
        watcher: Watcher,
        env: core.Env,
        resolver: Callable[[str, Mapping[str, str], Settings], Stored | None] | None = None,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        runtime: str = "",
        cache: str = "",
    ) -> None:
        self.runtime = runtime
        #: the cache directory this daemon serves ("": any); visits for another are refused
        self.cache = cache
        self.watcher = watcher
        self.default_env = env
        self.resolver = resolver or (lambda d, e, s: resolve_and_store(d, e, s))
        self.log = log or (lambda message: None)
        self.clock = clock
        self.jobs = core.Debouncer()
        self.deps = core.DependencyIndex()
        self.projects: dict[str, Project] = {}
        self.tree: dict[str, int] = {}  # tree directory -> levels left below it
        self.roots: tuple[str, ...] = ()
        self.missing_roots: set[str] = set()
        self.venv_dirs: tuple[str, ...] = ()
        self.names: frozenset[str] = frozenset()
        self.config_file = ""
        self.notes: list[str] = []
        self.resolved = 0
        self.written = 0
        self.restamped = 0
        self.last_error = ""
        #: jobs that failed since the last one that succeeded (a daemon that fails them all is not fine)
        self.failing = 0
        self.refused = 0
        self.stop_reason = ""
        self._dir_refs: dict[str, int] = {}
        self._dead: set[str] = set()  # referenced, but gone: not watched right now
        self._file_refs: dict[str, int] = {}
        self._settings: dict[core.Env, Settings] = {}
        self._names: dict[core.Env, frozenset[str]] = {}
        self._base_watches: tuple[str, ...] = ()

    # -- configuration ---------------------------------------------------------------------------

    def settings_for(self, env: core.Env) -> Settings:
        found = self._settings.get(env)
        if found is None:
            found = self._settings[env] = settings.load(core.environ_of(env))
        return found

    def names_for(self, env: core.Env | None) -> frozenset[str]:
        """The marker names resolution looks for, under the settings of ``env``."""
        key = env or self.default_env
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = frozenset(candidate_names(self.settings_for(key).venv_dirs))
        return found

    def configure(self) -> None:
        """(Re)read the user's config: watched roots and the names that mark a candidate directory."""
        self._settings.clear()
        self._names.clear()
        environ = core.environ_of(self.default_env)
        user = self.settings_for(self.default_env)
        names = frozenset(candidate_names(user.venv_dirs))
        home = environ.get("HOME") or os.path.expanduser("~")
        roots = []
        for raw in user.watch_roots:
            path = home + raw[1:] if raw == "~" or raw.startswith("~/") else raw
            if os.path.isabs(path):
                roots.append(os.path.normpath(path))
        roots_now = tuple(dict.fromkeys(roots))
        rescan = names != self.names or user.venv_dirs != self.venv_dirs
        self.names, self.venv_dirs = names, user.venv_dirs
        self.config_file = dirs.user_config_file(environ)
        self._watch_base(environ)
        if rescan:
            for root in self.roots:
                self._drop_root(root)
            for directory in list(self.tree):
                self._untree(directory)
            self.roots = ()
        for root in self.roots:
            if root not in roots_now:
                self._drop_root(root)
        for root in roots_now:
            if root not in self.roots or rescan:
                self.jobs.touch(("scan", root), self.clock(), 0.0)
        self.roots = roots_now
        for candidate in self.projects:  # settings can change any answer
            self.jobs.touch(("resolve", candidate), self.clock(), DEBOUNCE)

    def _watch_base(self, environ: Mapping[str, str]) -> None:
        """The config file's directory and its parent (to see a config appear), and the runtime dir."""
        wanted: list[str] = []
        config_dir = os.path.dirname(self.config_file)
        wanted.extend((config_dir, os.path.dirname(config_dir), self.runtime))
        wanted = [path for path in dict.fromkeys(wanted) if path and os.path.isdir(path)]
        for path in wanted:
            self._ref_dir(path, +1)
        for path in self._base_watches:
            self._ref_dir(path, -1)
        self._base_watches = tuple(wanted)

    def set_default_env(self, env: core.Env) -> None:
        if env == self.default_env:
            return
        old_settings = self.settings_for(self.default_env)
        self.default_env = env
        now = self.clock()
        for candidate, project in self.projects.items():
            if project.env is None:
                self.jobs.touch(("resolve", candidate), now, 0.05)
        new_settings = self.settings_for(env)
        if (old_settings.venv_dirs, old_settings.watch_roots) != (
            new_settings.venv_dirs,
            new_settings.watch_roots,
        ):
            self.jobs.touch(("configure", ""), now, 0.05)

    # -- inputs ----------------------------------------------------------------------------------

    def visit(self, visit: core.Visit) -> None:
        """A shell's cold path resolved ``visit.directory``: keep its answer fresh from now on.

        The latest reported environment becomes the default one (used for the trees' projects), so the
        entries written carry the ``sig`` the user's shells compute. A visit from a shell whose answers
        live in another cache directory (another HOME, XDG_CACHE_HOME or AUTOVENV_CACHE_DIR) is not this
        daemon's to serve: it is dropped.
        """
        if self.cache and served_cache(core.environ_of(visit.env)) != self.cache:
            self.refused += 1
            if self.refused == 1:
                self.log(f"ignoring visits from shells of another configuration (cache not {self.cache})")
            return
        self.set_default_env(visit.env)
        project = self.projects.get(visit.directory)
        if project is None:
            self.projects[visit.directory] = Project("visit", visit.env)
        else:
            current = project.env or self.default_env
            if project.origin == "visit":
                project.env = visit.env
            if current == visit.env and visit.directory in self.deps:
                return  # known, same environment: its watches keep it fresh
        self.jobs.touch(("resolve", visit.directory), self.clock(), 0.05)

    def handle(self, events: Iterable[core.Event]) -> None:
        now = self.clock()
        for event in events:
            self._handle_one(event, now)

    def _handle_one(self, event: core.Event, now: float) -> None:
        if event.kind == core.OVERFLOW:
            self.log("events were lost (inotify queue overflow); looking at everything again")
            for root in self.roots:
                self.jobs.touch(("scan", root), now, DEBOUNCE)
            for candidate in self.projects:
                self.jobs.touch(("resolve", candidate), now, DEBOUNCE)
            return
        if event.directory == self.runtime and (
            event.kind == core.GONE or (event.kind == core.DELETE and event.name in (FIFO, SOCKET))
        ):
            self.stop_reason = f"{event.path} was removed"
            return
        changed, listed = self.deps.affected(event)
        for candidate in changed:
            self.jobs.touch(("resolve", candidate), now, DEBOUNCE, MAX_WAIT)
        for candidate in listed:
            project = self.projects.get(candidate)
            names = self.names_for(project.env if project is not None else None)
            kind = "restamp" if core.restamp_only(event, candidate, names) else "resolve"
            self.jobs.touch((kind, candidate), now, DEBOUNCE, MAX_WAIT)
        path = event.path
        if event.kind == core.CREATE and path in self.missing_roots:
            self.check_missing_roots()
        if path == self.config_file or (event.name and path == os.path.dirname(self.config_file)):
            self.jobs.touch(("configure", ""), now, 0.2)
        if event.kind == core.GONE:
            self._gone(event.directory)
            return
        depth = self.tree.get(event.directory)
        if depth is None:
            return
        if event.name in self.names:
            self.jobs.touch(("classify", event.directory), now, 0.05)
        elif event.is_dir and event.kind == core.CREATE and depth > 0 and self._descend(event.name):
            self.jobs.touch(("scan", path), now, 0.05)
        elif event.kind == core.DELETE and path in self.tree:
            self._untree(path)

    def _gone(self, directory: str) -> None:
        """A watched directory vanished: stop watching it (and what was under it); roots wait to return."""
        if directory in self._dir_refs:
            self.watcher.remove_dir(directory)
            self._dead.add(directory)  # re-watched when something needs it again and it exists
        prefix = directory.rstrip(os.sep) + os.sep
        for path in [p for p in self.tree if p == directory or p.startswith(prefix)]:
            self._untree(path)
        for root in self.roots:
            if root == directory or root.startswith(prefix):
                self._root_missing(root)
        if directory in self.projects or any(c.startswith(prefix) for c in self.projects):
            now = self.clock()
            for candidate in [c for c in self.projects if c == directory or c.startswith(prefix)]:
                self.jobs.touch(("resolve", candidate), now, 0.05)

    # -- jobs ------------------------------------------------------------------------------------

    def next_due(self) -> float | None:
        return self.jobs.next_due()

    def run_due(self, budget: float = ROUND_BUDGET) -> int:
        """Run the jobs that are due, for at most ``budget`` seconds; returns how many ran."""
        start = self.clock()
        ran = 0
        for key in self.jobs.pop_due(start):
            kind, path = key
            if self.clock() - start > budget:
                self.jobs.touch(key, start, 0.0)  # still due: next round
                continue
            ran += 1
            try:
                if kind == "resolve":
                    self._resolve(path)
                elif kind == "restamp":
                    self._restamp(path)
                elif kind == "scan":
                    self._scan(path)
                elif kind == "classify":
                    self._classify(path)
                elif kind == "configure":
                    self.configure()
            except Exception as exc:  # one bad directory must not stop the daemon
                self.last_error = f"{kind} {path}: {type(exc).__name__}: {exc}"
                self.failing += 1
                self.log(self.last_error)
            else:
                if kind == "resolve":
                    self.failing = 0
        return ran

    def _root_missing(self, root: str) -> None:
        """A watched root does not exist (yet, or any more): its parent's watch or a poll sees it return."""
        if root not in self.missing_roots:
            self.missing_roots.add(root)
            self._ref_dir(os.path.dirname(root), +1)

    def check_missing_roots(self) -> None:
        for root in list(self.missing_roots):
            if os.path.isdir(root):
                self.missing_roots.discard(root)
                self._ref_dir(os.path.dirname(root), -1)
                self.jobs.touch(("scan", root), self.clock(), 0.05)

    def _resolve(self, candidate: str) -> None:
        project = self.projects.get(candidate)
        if project is None:
            return
        env = project.env or self.default_env
        stored = self.resolver(candidate, core.environ_of(env), self.settings_for(env))
        self.resolved += 1
        if stored is None:
            self._drop_project(candidate)
            if candidate in self.tree:
                self.jobs.touch(("classify", candidate), self.clock(), 0.05)
            return
        self.written += stored.changed
        self.deps.assign(candidate, stored.watch)
        self._set_watches(project, stored.watch)
        project.watch, project.entries, project.stamp_ns = stored.watch, stored.entries, stored.stamp_ns
        self._again_if_newer(candidate, stored.watch, stored.stamp_ns, stored.unit_ns)

    def _again_if_newer(self, candidate: str, watch: tuple[str, ...], stamp_ns: int, unit_ns: int) -> None:
        """A watched path changed in the stamp's tick or after it (while resolving, or before its watch
        existed): the hook would distrust the entry, so look again once the change is old enough for a
        newer stamp (one ``unit_ns``, what the stamp was cut to, after it; should the next stamp be cut
        to a coarser unit, the answer it gives is looked at here again). A change in the project's own
        directory or above only needs a restamp (its event, if it matters, has armed a resolution, which
        a restamp always yields to). A path dated ahead of the clock is left to the hooks' cold path
        (nothing stored before that time could be trusted)."""
        newest, path = newest_change(watch)
        wall = time.time_ns()
        if not stamp_ns <= newest <= wall:
            return
        kind = "restamp" if _within(candidate, path) else "resolve"
        now = self.clock()
        wait = (newest + unit_ns - wall) / 1e9 + 0.05
        self.jobs.touch((kind, candidate), now, DEBOUNCE, MAX_WAIT, not_before=now + wait)

    def _restamp(self, candidate: str) -> None:
        """Only an unrelated name changed next to the project: same answer, new stamp (no resolution).

        The new stamp is the file clock's present tick, so it must not cover a change to anything else
        the answer watches whose event is still on its way: a path outside the project's own directory
        and those above it that is no longer older than the old stamp means resolving instead."""
        project = self.projects.get(candidate)
        if project is None or ("resolve", candidate) in self.jobs:
            return
        stamp: int | None = None
        others = tuple(path for path in project.watch if not _within(candidate, path))
        if project.entries and newest_change(others)[0] < project.stamp_ns:
            env = project.env or self.default_env
            try:
                started = cache.file_clock(self.cache or dirs.cache_dir(core.environ_of(env)))
            except OSError:
                started = None
            if started is not None:
                stamp = restamp(project.entries, project.stamp_ns, cache.entry_stamp(started, project.watch))
        if stamp is None:  # rewritten by someone else (another shell's environment), or gone
            self.jobs.touch(("resolve", candidate), self.clock(), 0.0)
            return
        self.restamped += 1
        project.stamp_ns = stamp

    def _set_watches(self, project: Project, watch: tuple[str, ...]) -> None:
        """Watch what ``watch`` needs, and stop watching what it no longer does."""
        wanted_dirs: dict[str, None] = {}
        wanted_files: dict[str, None] = {}
        for path in watch:
            is_dir = os.path.isdir(path)
            for directory in core.dirs_to_watch(path, is_dir):
                wanted_dirs.setdefault(directory, None)
            if not is_dir:
                wanted_files.setdefault(path, None)
        for directory in wanted_dirs:
            self._ref_dir(directory, +1)
        for path in wanted_files:
            self._ref_file(path, +1)
        for directory in project.watched_dirs:
            self._ref_dir(directory, -1)
        for path in project.watched_files:
            self._ref_file(path, -1)
        project.watched_dirs = tuple(wanted_dirs)
        project.watched_files = tuple(wanted_files)

    def _drop_project(self, candidate: str) -> None:
        project = self.projects.pop(candidate, None)
        self.deps.drop(candidate)
        self.jobs.cancel(("resolve", candidate))
        if project is not None:
            for directory in project.watched_dirs:
                self._ref_dir(directory, -1)
            for path in project.watched_files:
                self._ref_file(path, -1)

    def _descend(self, name: str) -> bool:
        return core.descend_into(name, self.venv_dirs)

    def _scan(self, top: str) -> None:
        """Watch ``top`` (a root or a new directory in a tree) and what is below it; find projects."""
        if top in self.roots:
            depth = MAX_DEPTH
        else:
            parent = self.tree.get(os.path.dirname(top))
            if parent is None or parent <= 0:
                return
            depth = parent - 1
        if not os.path.isdir(top):
            if top in self.roots:
                self._root_missing(top)
            return
        stack = [(top, depth)]
        while stack:
            directory, left = stack.pop()
            if directory in self.tree or len(self.tree) >= MAX_TREE_DIRS:
                if len(self.tree) >= MAX_TREE_DIRS:
                    note = (
                        f"over {MAX_TREE_DIRS} directories under the watched roots; the rest is not watched"
                    )
                    if note not in self.notes:
                        self.notes.append(note)
                continue
            try:
                with os.scandir(directory) as entries:
                    listing = [(e.name, e.is_dir(follow_symlinks=False)) for e in entries]
            except OSError:
                continue
            names = {name for name, _ in listing}
            if "pyvenv.cfg" in names:  # a venv by another name: nothing to find in it
                continue
            self.tree[directory] = left
            self._ref_dir(directory, +1)
            if names & self.names:
                self._add_tree_project(directory)
                continue
            if left > 0:
                for name, is_dir in listing:
                    if is_dir and self._descend(name):
                        stack.append((os.path.join(directory, name), left - 1))

    def _classify(self, directory: str) -> None:
        """A marker appeared or vanished in a tree directory: is it a project now, or a plain directory?"""
        left = self.tree.get(directory)
        if left is None:
            return
        try:
            with os.scandir(directory) as entries:
                listing = [(e.name, e.is_dir(follow_symlinks=False)) for e in entries]
        except OSError:
            return
        if {name for name, _ in listing} & self.names:
            self._add_tree_project(directory)
            return
        project = self.projects.get(directory)
        if project is not None and project.origin == "tree":
            self._drop_project(directory)
        now = self.clock()
        for name, is_dir in listing:
            child = os.path.join(directory, name)
            if is_dir and left > 0 and self._descend(name) and child not in self.tree:
                self.jobs.touch(("scan", child), now, 0.05)

    def _add_tree_project(self, directory: str) -> None:
        if directory not in self.projects:
            self.projects[directory] = Project("tree", None)
            self.jobs.touch(("resolve", directory), self.clock(), 0.0)

    def _untree(self, directory: str) -> None:
        if self.tree.pop(directory, None) is not None:
            self._ref_dir(directory, -1)
            project = self.projects.get(directory)
            if project is not None and project.origin == "tree":
                self._drop_project(directory)

    def _drop_root(self, root: str) -> None:
        prefix = root.rstrip(os.sep) + os.sep
        for path in [p for p in self.tree if p == root or p.startswith(prefix)]:
            self._untree(path)
        if root in self.missing_roots:
            self.missing_roots.discard(root)
            self._ref_dir(os.path.dirname(root), -1)

    # -- watch reference counts ------------------------------------------------------------------

    def _ref_dir(self, path: str, delta: int) -> None:
        count = self._dir_refs.get(path, 0) + delta
        if count > 0:
            if path not in self._dir_refs:
                self.watcher.add_dir(path)
            elif delta > 0 and path in self._dead and os.path.isdir(path):
                self._dead.discard(path)
                self.watcher.add_dir(path)
            self._dir_refs[path] = count
        elif path in self._dir_refs:
            del self._dir_refs[path]
            if path in self._dead:
                self._dead.discard(path)
            else:
                self.watcher.remove_dir(path)

    def _ref_file(self, path: str, delta: int) -> None:
        count = self._file_refs.get(path, 0) + delta
        if count > 0:
            if path not in self._file_refs:
                self.watcher.add_file(path)
            self._file_refs[path] = count
        elif path in self._file_refs:
            del self._file_refs[path]
            self.watcher.remove_file(path)

    # -- reporting -------------------------------------------------------------------------------

    def report(self) -> dict[str, object]:
        visited = sum(1 for p in self.projects.values() if p.origin == "visit")
        env = core.environ_of(self.default_env)
        failing = []
        if self.failing:
            failing.append(f"the last {self.failing} jobs failed (last error: {self.last_error})")
        return {
            "roots": [{"path": root, "exists": root not in self.missing_roots} for root in self.roots],
            "projects": len(self.projects),
            "visited": visited,
            "tree_dirs": len(self.tree),
            "watched_dirs": len(self._dir_refs),
            "watches": self.watcher.counts(),
            "backend": self.watcher.backend,
            "degraded": [*failing, *self.watcher.degraded, *self.notes],
            "failing": self.failing,
            "refused_visits": self.refused,
            "pending": len(self.jobs),
            "resolved": self.resolved,
            "written": self.written,
            "restamped": self.restamped,
            "last_error": self.last_error,
            "cache": self.cache or dirs.cache_dir(env),
            "env": {name: env.get(name) for name in REPORTED if name in env},
        }


def _within(candidate: str, path: str) -> bool:
    """``path`` is the candidate directory or one above it (its mtime moves with any name added there)."""
    return candidate == path or candidate.startswith(path.rstrip(os.sep) + os.sep)
