"""The daemon's parts on a real filesystem: the visit FIFO, resolver = cold path, watch backends, trees."""

from __future__ import annotations

import json
import os
import pathlib
import sys
import time
import venv

import pytest

from autovenv import cache, export, pipeline, plan, shells
from autovenv.daemon import control, core, resolver, visit
from autovenv.daemon.core import CREATE, DELETE, GONE, MODIFY, Event
from autovenv.daemon.state import State, default_env
from autovenv.daemon.watch import Inotify, Poller, Watcher
from autovenv.shells import pwsh
from tests.filesystems import another_filesystem, whole_second

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux-only")


@pytest.fixture
def env(tmp_path: pathlib.Path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / ".config" / "autovenv").mkdir(parents=True)
    return {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AUTOVENV_CACHE_DIR": str(tmp_path / "cache"),
        "AUTOVENV_RUNTIME_DIR": str(tmp_path / "run"),
    }


def make_venv(where: pathlib.Path) -> pathlib.Path:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    return where


# -- the visit FIFO ----------------------------------------------------------------------------------


def test_notify_without_a_daemon_is_instant_and_harmless(env: dict[str, str]) -> None:
    started = time.perf_counter()
    assert visit.notify("/some/project", env) == visit.NOT_RUNNING
    assert time.perf_counter() - started < 0.05
    assert not os.path.exists(env["AUTOVENV_RUNTIME_DIR"])
    assert visit.notify(None, env) == visit.NOT_RUNNING


def fifo(env: dict[str, str], mode: int = 0o600) -> tuple[int, int]:
    runtime = visit.ensure_daemon_dir(env)
    path = os.path.join(runtime, visit.FIFO)
    os.mkfifo(path, mode)
    os.chmod(path, mode)
    read_fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    keep_fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    return read_fd, keep_fd


def test_notify_delivers_a_message_the_daemon_decodes(env: dict[str, str]) -> None:
    read_fd, keep_fd = fifo(env)
    try:
        assert visit.notify("/code/shop", {**env, "PYENV_VERSION": "3.12"}) == visit.SENT
        (got,), rest = core.decode(os.read(read_fd, 65536))
        assert got.directory == "/code/shop" and dict(got.env)["PYENV_VERSION"] == "3.12" and rest == b""
    finally:
        os.close(read_fd)
        os.close(keep_fd)


def test_notify_refuses_a_fifo_others_could_read(env: dict[str, str]) -> None:
    read_fd, keep_fd = fifo(env, 0o622)
    try:
        assert visit.notify("/code/shop", env) == visit.UNSAFE
    finally:
        os.close(read_fd)
        os.close(keep_fd)


def test_a_stuck_daemon_costs_nothing_and_warns_once(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    read_fd, keep_fd = fifo(env)
    try:
        outcomes = set()
        started = time.perf_counter()
        for _ in range(2000):  # nobody reads: the pipe fills up
            outcomes.add(visit.notify("/code/" + "x" * 200, env))
        assert time.perf_counter() - started < 2.0
        assert outcomes == {visit.SENT, visit.STUCK}
        assert capsys.readouterr().err.count("not reading its messages") == 1
    finally:
        os.close(read_fd)
        os.close(keep_fd)


def test_autostart_only_when_asked_and_not_too_often(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spawned: list[list[str]] = []
    monkeypatch.setattr(visit, "spawn_detached", lambda argv, environ, log: spawned.append(argv) or True)
    visit._last.clear()
    assert visit.autostart(env, "off") is False
    assert visit.autostart(env, "auto") is True
    assert visit.autostart(env, "auto") is False  # within AUTOSTART_INTERVAL
    assert len(spawned) == 1 and spawned[0][:2] == [sys.executable, "-I"]
    mark = os.path.join(visit.daemon_dir(env), visit.AUTOSTART_MARK)
    os.utime(mark, (0, 0))
    visit._last["state"] = visit.SENT  # a daemon answered the last notify: nothing to start
    assert visit.autostart(env, "auto") is False
    visit._last.clear()


# -- the resolver writes what the cold path writes -----------------------------------------------------


def readable(shell: str, entry: bytes) -> bytes:
    """An entry with its paths in plain text (PowerShell's answer is encoded: shells/pwsh.py)."""
    if shell != "pwsh":
        return entry
    fields = pwsh.read_answer(entry.decode("ascii"))
    return json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass")


def test_resolver_entries_equal_the_cold_path(tmp_path: pathlib.Path, env: dict[str, str]) -> None:
    project = tmp_path / "code" / "shop"
    project.mkdir(parents=True)
    make_venv(project / ".venv")
    (project / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    reported = core.environ_of(core.env_of(plan.user_view(env)))
    stored = resolver.resolve_and_store(str(project), reported)
    assert stored is not None and stored.candidate == str(project)
    ours = {}
    for name in shells.names():
        with open(cache.entry_path(env["AUTOVENV_CACHE_DIR"], name, str(project)), "rb") as handle:
            ours[name] = handle.read()
    cold_env = {**env, "AUTOVENV_CACHE_DIR": str(tmp_path / "cold")}
    for name in shells.names():
        export.compute(shells.get(name), cold_env, str(project))
        with open(cache.entry_path(cold_env["AUTOVENV_CACHE_DIR"], name, str(project)), "rb") as handle:
            cold = handle.read()
        assert readable(name, ours[name]).replace(str(tmp_path / "cache").encode(), b"") == readable(
            name, cold
        ).replace(str(tmp_path / "cold").encode(), b""), name
        assert (
            os.stat(cache.entry_path(env["AUTOVENV_CACHE_DIR"], name, str(project))).st_mtime_ns
            == stored.stamp_ns
        )


def test_unchanged_entries_are_only_restamped(tmp_path: pathlib.Path, env: dict[str, str]) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    reported = core.environ_of(core.env_of(env))
    first = resolver.resolve_and_store(str(project), reported)
    assert first is not None and first.changed == len(shells.names())
    time.sleep(0.02)  # a later tick of the file clock
    second = resolver.resolve_and_store(str(project), reported)
    assert second is not None and second.changed == 0 and second.stamp_ns > first.stamp_ns
    assert resolver.restamp(second.entries, first.stamp_ns, time.time_ns()) is None  # not what is there
    stamp = resolver.restamp(second.entries, second.stamp_ns, second.stamp_ns + 10**9)
    assert stamp == second.stamp_ns + 10**9 and all(os.stat(e).st_mtime_ns == stamp for e in second.entries)
    (project / "pyproject.toml").unlink()
    assert resolver.resolve_and_store(str(project), reported) is None  # no longer a candidate


def test_an_edit_while_the_daemon_resolves_leaves_its_entries_stale(
    tmp_path: pathlib.Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entries carry the file clock's tick from before resolution read anything: an edit made after
    the answer was computed is not older than them (the hooks then ask again)."""
    project = tmp_path / "p"
    project.mkdir()
    version = project / ".python-version"
    version.write_text("system\n")
    real = pipeline.answer_for

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        version.write_text("3.12\n")
        return found

    monkeypatch.setattr(pipeline, "answer_for", edited_meanwhile)
    stored = resolver.resolve_and_store(str(project), core.environ_of(core.env_of(env)))
    assert stored is not None and str(version) in stored.watch
    assert stored.stamp_ns <= os.stat(version).st_mtime_ns
    assert all(os.stat(entry).st_mtime_ns == stored.stamp_ns for entry in stored.entries)


def pinned_with_whole_second_versions(
    tmp_path: pathlib.Path, where: pathlib.Path
) -> tuple[pathlib.Path, str]:
    """A project pinning a version of a pyenv root in ``where`` whose ``versions`` directory carries a
    whole-second time (an installer's, an archive's)."""
    root = where / "pyenv"
    (root / "versions" / "3.12.1" / "bin").mkdir(parents=True)
    whole_second(root / "versions")
    project = tmp_path / "p"
    project.mkdir()
    (project / ".python-version").write_text("3.12.1\n")
    return project, str(root)


def test_the_daemons_stamp_is_not_cut_for_a_whole_second_time_on_the_caches_filesystem(
    tmp_path: pathlib.Path, env: dict[str, str]
) -> None:
    """The daemon dates its entries as the hooks' cold path does (cache.stamp_unit): the clock's tick
    itself when the whole-second time is on the cache's own filesystem."""
    project, root = pinned_with_whole_second_versions(tmp_path, tmp_path)
    stored = resolver.resolve_and_store(
        str(project), core.environ_of(core.env_of({**env, "PYENV_ROOT": root}))
    )
    assert stored is not None and os.path.join(root, "versions") in stored.watch
    assert stored.unit_ns == 1 and stored.stamp_ns % 10**9 != 0
    assert all(os.stat(entry).st_mtime_ns == stored.stamp_ns for entry in stored.entries)


def test_the_daemons_stamp_is_cut_for_a_whole_second_time_on_another_filesystem(
    tmp_path: pathlib.Path, env: dict[str, str]
) -> None:
    with another_filesystem(tmp_path) as elsewhere:
        project, root = pinned_with_whole_second_versions(tmp_path, elsewhere)
        stored = resolver.resolve_and_store(
            str(project), core.environ_of(core.env_of({**env, "PYENV_ROOT": root}))
        )
        assert stored is not None and os.path.join(root, "versions") in stored.watch
        assert stored.unit_ns == cache.WHOLE_SECONDS_NS and stored.stamp_ns % cache.WHOLE_SECONDS_NS == 0
        assert all(os.stat(entry).st_mtime_ns == stored.stamp_ns for entry in stored.entries)


@pytest.mark.parametrize("unit_ns", [1, cache.WHOLE_SECONDS_NS])
def test_a_change_in_the_stamps_tick_is_resolved_again_one_unit_later(
    tmp_path: pathlib.Path, env: dict[str, str], unit_ns: int
) -> None:
    """A watched path changed in the tick of the stamp (while resolving): the daemon resolves again once
    a new stamp, cut to the same unit, is newer than the change. A stamp that was not cut needs no more
    than the usual debounce, whatever the changed path's time looks like; one cut to even seconds waits
    for the next of them."""
    project = tmp_path / "p"
    project.mkdir()
    elsewhere = tmp_path / "elsewhere"  # outside the project: a resolution, not a restamp
    elsewhere.write_text("")
    whole_second(elsewhere, seconds_ago=0)  # a tool's time: no coarser filesystem, when on the clock's
    calls: list[str] = []

    def fake(directory: str, environ: object, user: object) -> resolver.Stored:
        calls.append(directory)
        changed = os.stat(elsewhere).st_mtime_ns
        return resolver.Stored(directory, (str(elsewhere),), changed, 1, (), unit_ns)

    watcher = Watcher(use_inotify=False)
    state = State(watcher, default_env(env), resolver=fake)  # type: ignore[arg-type]
    state.configure()
    state.visit(core.Visit(str(project), default_env(env)))
    time.sleep(0.06)  # the visit's resolution is due
    state.run_due(1.0)
    assert calls == [str(project)]
    assert ("resolve", str(project)) in state.jobs
    soon = state.jobs.pop_due(state.clock() + 0.5)
    assert (("resolve", str(project)) in soon) == (unit_ns == 1)


def test_a_restamp_never_covers_a_change_outside_the_project_directory(
    tmp_path: pathlib.Path, env: dict[str, str]
) -> None:
    """A restamp dates the entries now. A change to something else the answer watches (here the cache's
    generation file, as `allow` bumps it) whose event has not been handled yet must mean a resolution,
    or the new stamp would make the hooks trust an answer that change outdated."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    watcher = Watcher(use_inotify=False)
    state = State(watcher, default_env(env))
    state.configure()
    state.visit(core.Visit(str(project), core.env_of(env)))
    run_jobs(state, watcher)
    known = state.projects[str(project)]
    assert known.entries and known.stamp_ns > 0
    # The cache and runtime dirs sit beside the project, in a directory the daemon watches: their first
    # writes may have been seen, and restamped, while the jobs ran. Count from here.
    before = state.restamped
    time.sleep(0.02)  # a later tick of the file clock
    (project / "notes.txt").write_text("")  # an unrelated name: a restamp is enough
    state._restamp(str(project))
    assert state.restamped == before + 1 and known.stamp_ns > 0
    stamp = known.stamp_ns
    time.sleep(0.02)
    cache.bump_generation(env["AUTOVENV_CACHE_DIR"])
    state._restamp(str(project))
    assert state.restamped == before + 1 and known.stamp_ns == stamp
    assert ("resolve", str(project)) in state.jobs


# -- watch backends ----------------------------------------------------------------------------------


def test_poller_reports_listing_and_file_changes(tmp_path: pathlib.Path) -> None:
    poller = Poller()
    (tmp_path / "cfg").write_text("a")
    poller.add_dir(str(tmp_path))
    poller.add_file(str(tmp_path / "cfg"))
    assert poller.poll() == []
    (tmp_path / "new").mkdir()
    os.utime(tmp_path / "cfg", ns=(0, 10**9))
    events = poller.poll()
    assert Event(str(tmp_path), "new", CREATE, True) in events
    assert Event(str(tmp_path), "cfg", MODIFY) in events
    (tmp_path / "new").rmdir()
    assert Event(str(tmp_path), "new", DELETE, True) in poller.poll()


@linux_only
def test_inotify_reports_creates_writes_deletes_and_gone(tmp_path: pathlib.Path) -> None:
    watched = tmp_path / "w"
    watched.mkdir()
    inotify = Inotify()
    try:
        assert inotify.add(str(watched)) and len(inotify) == 1
        assert inotify.add(str(tmp_path / "missing")) is False
        (watched / "f").write_text("x")
        (watched / "d").mkdir()
        (watched / "f").unlink()
        events = inotify.read()
        assert Event(str(watched), "f", CREATE) in events
        assert Event(str(watched), "f", MODIFY) in events
        assert Event(str(watched), "d", CREATE, True) in events
        assert Event(str(watched), "f", DELETE) in events
        (watched / "d").rmdir()
        watched.rmdir()
        assert Event(str(watched), "", GONE, True) in inotify.read()
        assert len(inotify) == 0
    finally:
        inotify.close()


@linux_only
def test_watch_limit_degrades_to_polling_and_says_so(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher = Watcher()
    assert watcher.inotify is not None

    def refuse(path: str) -> bool:
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watcher.inotify, "add", refuse)
    watcher.add_dir(str(tmp_path))
    watcher.add_file(str(tmp_path / "x"))
    assert watcher.counts() == {"inotify": 0, "polled_dirs": 1, "polled_files": 1}
    assert len(watcher.degraded) == 1 and "max_user_watches" in watcher.degraded[0]
    (tmp_path / "x").write_text("")
    assert Event(str(tmp_path), "x", CREATE) in watcher.poll()
    watcher.close()


# -- the state: trees, projects, jobs ------------------------------------------------------------------


def run_jobs(state: State, watcher: Watcher, until: float = 10.0) -> None:
    deadline = time.monotonic() + until
    while state.next_due() is not None and time.monotonic() < deadline:
        state.handle(watcher.read())
        state.handle(watcher.poll())
        state.run_due(1.0)
        time.sleep(0.01)


def test_tree_scan_finds_projects_but_not_inside_venvs_or_hidden_dirs(
    tmp_path: pathlib.Path, env: dict[str, str]
) -> None:
    code = tmp_path / "home" / "code"
    for project in ("a", "org/b", "org/deep/er/c", ".hidden/d", "a/nested"):
        (code / project).mkdir(parents=True)
        (code / project / "pyproject.toml").write_text("")
    (code / "org" / "venvlike").mkdir()
    (code / "org" / "venvlike" / "pyvenv.cfg").write_text("")
    (tmp_path / "home" / ".config" / "autovenv" / "config.toml").write_text('watch_roots = ["~/code"]\n')
    calls: list[str] = []

    def fake(directory: str, environ: object, user: object) -> resolver.Stored:
        calls.append(directory)
        return resolver.Stored(directory, (directory,), time.time_ns(), 1)

    watcher = Watcher(use_inotify=False)
    state = State(watcher, default_env(env), resolver=fake)
    state.configure()
    run_jobs(state, watcher)
    assert sorted(calls) == [str(code / "a"), str(code / "org" / "b")]
    assert state.report()["roots"] == [{"path": str(code), "exists": True}]
    assert str(code / "org" / "venvlike") not in state.tree


def test_visits_switch_the_default_environment(tmp_path: pathlib.Path, env: dict[str, str]) -> None:
    watcher = Watcher(use_inotify=False)
    seen: list[tuple[str, str | None]] = []

    def fake(directory: str, environ: dict[str, str], user: object) -> resolver.Stored:
        seen.append((directory, environ.get("PYENV_VERSION")))
        return resolver.Stored(directory, (directory,), time.time_ns(), 1)

    state = State(watcher, default_env(env), resolver=fake)  # type: ignore[arg-type]
    state.configure()
    other = core.env_of({**env, "PYENV_VERSION": "3.12"})
    state.visit(core.Visit(str(tmp_path), other))
    run_jobs(state, watcher)
    assert seen == [(str(tmp_path), "3.12")]
    state.visit(core.Visit(str(tmp_path), other))  # known, same environment: nothing to do
    assert state.next_due() is None


# -- service files -------------------------------------------------------------------------------------


def test_systemd_unit_runs_this_interpreter_and_keeps_the_shell_environment() -> None:
    text = control.systemd_unit({"HOME": "/h", "PYENV_ROOT": "/h/my pyenv", "AUTOVENV_RUNTIME_DIR": "/r%x"})
    exec_start = text.split("ExecStart=", 1)[1].split("\n", 1)[0]
    assert (
        exec_start.endswith(" -I -m autovenv daemon run") and os.path.basename(sys.executable) in exec_start
    )
    assert 'Environment="PYENV_ROOT=/h/my pyenv"' in text
    assert 'Environment="AUTOVENV_RUNTIME_DIR=/r%%x"' in text
    assert "HOME=" not in text and "WantedBy=default.target" in text


def test_launchd_plist_is_well_formed_xml() -> None:
    import xml.dom.minidom

    text = control.launchd_plist({"HOME": "/Users/u", "PYENV_ROOT": "/a&<b>"})
    document = xml.dom.minidom.parseString(text)
    strings = [node.firstChild.data for node in document.getElementsByTagName("string") if node.firstChild]
    assert "/a&<b>" in strings and control.LAUNCHD_LABEL in strings and "run" in strings


# -- one daemon per configuration, telling the truth ---------------------------------------------------------


def test_each_cache_directory_has_its_own_daemon_directory(
    tmp_path: pathlib.Path, env: dict[str, str]
) -> None:
    other = {**env, "AUTOVENV_CACHE_DIR": str(tmp_path / "other-cache")}
    assert visit.daemon_dir(env) != visit.daemon_dir(other)
    assert os.path.dirname(visit.daemon_dir(env)) == env["AUTOVENV_RUNTIME_DIR"]
    same = {**env, "AUTOVENV_CACHE_DIR": env["AUTOVENV_CACHE_DIR"] + "/"}  # the same directory, spelled so
    assert visit.daemon_dir(same) == visit.daemon_dir(env)
    home = {"HOME": str(tmp_path / "h1"), "AUTOVENV_RUNTIME_DIR": env["AUTOVENV_RUNTIME_DIR"]}
    assert visit.daemon_dir(home) != visit.daemon_dir({**home, "HOME": str(tmp_path / "h2")})
    made = visit.ensure_daemon_dir(env)
    assert made == visit.daemon_dir(env)
    for path in (made, env["AUTOVENV_RUNTIME_DIR"]):
        assert os.stat(path).st_mode & 0o777 == 0o700


def test_visits_from_another_configuration_are_refused(tmp_path: pathlib.Path, env: dict[str, str]) -> None:
    watcher = Watcher(use_inotify=False)
    seen: list[str] = []

    def fake(directory: str, environ: dict[str, str], user: object) -> resolver.Stored:
        seen.append(directory)
        return resolver.Stored(directory, (directory,), time.time_ns(), 1)

    mine = visit.served_cache(env)
    state = State(watcher, default_env(env), resolver=fake, cache=mine)  # type: ignore[arg-type]
    state.configure()
    stranger = core.env_of(
        {**env, "HOME": str(tmp_path / "elsewhere"), "AUTOVENV_CACHE_DIR": str(tmp_path / "c2")}
    )
    state.visit(core.Visit(str(tmp_path / "theirs"), stranger))
    state.visit(core.Visit(str(tmp_path / "mine"), default_env(env)))
    run_jobs(state, watcher)
    assert seen == [str(tmp_path / "mine")]
    report = state.report()
    assert report["refused_visits"] == 1 and report["projects"] == 1 and report["cache"] == mine


def test_failing_resolutions_are_reported_until_one_succeeds(
    tmp_path: pathlib.Path, env: dict[str, str]
) -> None:
    watcher = Watcher(use_inotify=False)
    broken = [True]

    def flaky(directory: str, environ: dict[str, str], user: object) -> resolver.Stored:
        if broken[0]:
            raise ModuleNotFoundError("No module named 'autovenv.shells.bash'")
        return resolver.Stored(directory, (directory,), time.time_ns(), 1)

    state = State(watcher, default_env(env), resolver=flaky)  # type: ignore[arg-type]
    state.configure()
    for name in ("a", "b"):
        state.visit(core.Visit(str(tmp_path / name), default_env(env)))
    run_jobs(state, watcher)
    (line,) = state.report()["degraded"]  # type: ignore[misc]
    assert line.startswith("the last 2 jobs failed (last error: resolve ") and "No module named" in line
    broken[0] = False
    state.jobs.touch(("resolve", str(tmp_path / "a")), state.clock(), 0.0)
    run_jobs(state, watcher)
    assert state.report()["degraded"] == [] and state.report()["failing"] == 0


def test_the_resolver_fails_loudly_without_shell_adapters(
    tmp_path: pathlib.Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p"
    make_venv(project / ".venv")
    monkeypatch.setattr(shells, "names", lambda: [])  # what a removed package's directory lists
    with pytest.raises(RuntimeError, match="no shell adapters"):
        resolver.resolve_and_store(str(project), env)


def test_a_fifo_as_pid_file_or_log_never_blocks_the_commands(env: dict[str, str]) -> None:
    runtime = visit.ensure_daemon_dir(env)
    os.mkfifo(os.path.join(runtime, visit.PIDFILE))
    os.mkfifo(os.path.join(runtime, visit.LOG))
    started = time.perf_counter()
    assert control.running_pid(runtime) is None
    assert control.status(env)["state"] == "stopped" and control.stop(env) == "not running"
    assert control._log_tail(os.path.join(runtime, visit.LOG)) == "(no log)"
    assert time.perf_counter() - started < 1.0
def test_export_looks_for_the_daemons_fifo_by_its_name() -> None:
    """export checks for the FIFO before importing the daemon's module: the names must agree."""
    from autovenv import export
    from autovenv.daemon import visit

    assert export.DAEMON_FIFO == visit.FIFO
