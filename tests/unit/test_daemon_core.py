"""The daemon's pure rules as tables: messages, which answers an event touches, restamps, debouncing."""

from __future__ import annotations

import os

import pytest

from autovenv.daemon import core, visit
from autovenv.daemon.core import CREATE, DELETE, GONE, MODIFY, OVERFLOW, Debouncer, DependencyIndex, Event

ENV = {"HOME": "/home/u", "PYENV_ROOT": "/home/u/.pyenv", "AUTOVENV_CACHE_DIR": "/c"}


@pytest.mark.parametrize(
    "directory",
    [
        "/home/u/code/shop",
        "/p/with space",
        "/p/new\nline",
        "/p/quote'\"$(x)`;\\",
        "/p/" + os.fsdecode(b"\xff\xfe"),
    ],
)
def test_messages_round_trip_any_path(directory: str) -> None:
    visits, rest = core.decode(visit.encode("visit", directory, ENV))
    assert rest == b""
    assert [v.directory for v in visits] == [directory]
    env = dict(visits[0].env)
    assert env["HOME"] == "/home/u" and env["PYENV_VERSION"] is None and env["AUTOVENV_CACHE_DIR"] == "/c"
    assert visits[0].env == core.env_of(ENV)


def test_partial_messages_wait_for_the_rest() -> None:
    data = visit.encode("visit", "/a", ENV) + visit.encode("visit", "/b", ENV)
    first, rest = core.decode(data[:-5])
    assert [v.directory for v in first] == ["/a"]
    second, rest = core.decode(rest + data[-5:])
    assert [v.directory for v in second] == ["/b"] and rest == b""


@pytest.mark.parametrize(
    "record",
    [
        b"XX1\0visit\0/a\0HOME=/h\0\0",  # wrong magic
        b"AV1\0other\0/a\0\0",  # unknown kind
        b"AV1\0visit\0relative/dir\0\0",  # not absolute
        b"AV1\0visit\0\0",  # no directory
        b"garbage\0\0",
    ],
)
def test_malformed_messages_are_dropped(record: bytes) -> None:
    visits, rest = core.decode(record + visit.encode("visit", "/ok", ENV))
    assert [v.directory for v in visits] == ["/ok"] and rest == b""


def test_unknown_variables_are_ignored_and_missing_ones_unset() -> None:
    (got,), _ = core.decode(b"AV1\0visit\0/a/../b\0LD_PRELOAD=/evil.so\0HOME=/h\0\0")
    env = dict(got.env)
    assert got.directory == "/b"
    assert "LD_PRELOAD" not in env and env["HOME"] == "/h" and env["PYENV_ROOT"] is None
    assert core.environ_of(got.env) == {"HOME": "/h"}


def test_message_fits_the_atomic_pipe_write() -> None:
    assert len(visit.encode("visit", "/home/u/code/" + "x" * 200, ENV)) < 512


# -- which answers an event affects ------------------------------------------------------------------

P = "/home/u/code/shop"
DEPS = {
    P: (
        P,
        f"{P}/.venv",
        f"{P}/.venv/pyvenv.cfg",
        f"{P}/.venv/bin",
        f"{P}/pyproject.toml",
        "/cfg/config.toml",
    ),
    "/home/u/code/blog": (
        "/home/u/code/blog",
        "/home/u/code/blog/pyproject.toml",
        "/home/u/code",
        "/home/u",
        "/",
    ),
}


def index() -> DependencyIndex:
    deps = DependencyIndex()
    for candidate, paths in DEPS.items():
        deps.assign(candidate, paths)
    return deps


@pytest.mark.parametrize(
    ("event", "changed", "listed"),
    [
        (Event(f"{P}/.venv", "pyvenv.cfg", MODIFY), {P}, set()),  # a watched file written
        (Event(f"{P}/.venv", "pyvenv.cfg", DELETE), {P}, set()),
        (Event(P, ".venv", DELETE, True), {P}, set()),  # the venv itself went: "changed" wins
        (Event(f"{P}/.venv/bin", "pip", CREATE), set(), {P}),  # bin/ listing changed (pip install)
        (Event(P, "README.md", MODIFY), set(), set()),  # an unwatched file written: nothing
        (Event(P, "notes.txt", CREATE), set(), {P}),  # the project dir's mtime moved
        (Event("/cfg", "config.toml", MODIFY), {P}, set()),
        (Event("/home/u", ".bash_history", CREATE), set(), {"/home/u/code/blog"}),
        (Event("/home/u", "", MODIFY, True), set(), {"/home/u/code/blog"}),  # touch on the dir itself
        (Event(f"{P}/.venv", "", GONE, True), {P}, set()),  # everything at or under it
        (Event("/home/u/code", "", GONE, True), {P, "/home/u/code/blog"}, set()),
        (Event("", "", OVERFLOW), {P, "/home/u/code/blog"}, set()),
        (Event("/elsewhere", "x", CREATE), set(), set()),
    ],
)
def test_affected(event: Event, changed: set[str], listed: set[str]) -> None:
    assert index().affected(event) == (changed, listed)


def test_reassigning_and_dropping_forget_old_paths() -> None:
    deps = index()
    deps.assign(P, (P, f"{P}/.python-version"))
    assert deps.affected(Event(f"{P}/.venv", "pyvenv.cfg", MODIFY)) == (set(), set())
    assert deps.affected(Event(P, ".python-version", MODIFY)) == ({P}, set())
    deps.drop(P)
    assert P not in deps and deps.affected(Event(P, ".python-version", MODIFY)) == (set(), set())
    assert len(deps) == 1


NAMES = frozenset({".autovenv.toml", "pyproject.toml", ".venv", "venv", "env", ".python-version"})


@pytest.mark.parametrize(
    ("event", "candidate", "only"),
    [
        (Event("/home/u", ".bash_history", CREATE), P, True),  # unrelated name in an ancestor
        (Event("/home/u", ".python-version", CREATE), P, False),  # a pin appeared above the project
        (Event("/home/u", "pyproject.toml", DELETE), P, False),  # a marker: could be a new root
        (Event("/home/u", ".git", CREATE), P, False),  # trust looks for repositories
        (Event(P, "notes.txt", CREATE), P, True),
        (Event(P, "venv", CREATE), P, False),
        (Event(P, "", MODIFY, True), P, True),
        (Event("/", "tmpfile", CREATE), P, True),
        (Event(f"{P}/.venv/bin", "pip", CREATE), P, False),  # inside the venv: any name matters
        (Event("/home/u/.pyenv/versions", "3.12.1", CREATE), P, False),
        (Event("/home/u/code/shopping", "x", CREATE), P, False),  # a sibling with a common prefix
    ],
)
def test_restamp_only(event: Event, candidate: str, only: bool) -> None:
    assert core.restamp_only(event, candidate, NAMES) is only


@pytest.mark.parametrize(
    ("path", "is_dir", "expected"),
    [
        ("/p/.venv/pyvenv.cfg", False, ("/p/.venv",)),
        ("/p/.venv/bin", True, ("/p/.venv", "/p/.venv/bin")),
        ("/", True, ("/",)),
    ],
)
def test_dirs_to_watch(path: str, is_dir: bool, expected: tuple[str, ...]) -> None:
    assert core.dirs_to_watch(path, is_dir) == expected


@pytest.mark.parametrize(
    ("name", "descend"),
    [
        ("shop", True),
        (".git", False),
        (".venv", False),
        ("venv", False),
        ("node_modules", False),
        ("src", True),
    ],
)
def test_descend_into(name: str, descend: bool) -> None:
    assert core.descend_into(name, (".venv", "venv", "env")) is descend


# -- debouncing ----------------------------------------------------------------------------------


def test_a_burst_becomes_one_job_after_the_quiet_time() -> None:
    jobs = Debouncer()
    for t in (0.0, 0.1, 0.2, 0.3):
        jobs.touch(("resolve", "/p"), t, delay=1.0)
    assert jobs.pop_due(1.2) == []
    assert jobs.next_due() == pytest.approx(1.3)
    assert jobs.pop_due(1.3) == [("resolve", "/p")]
    assert len(jobs) == 0 and jobs.next_due() is None


def test_endless_changes_still_run_within_max_wait() -> None:
    jobs = Debouncer()
    t = 0.0
    while t < 5.0:
        jobs.touch(("resolve", "/p"), t, delay=1.0, max_wait=3.0)
        t += 0.5
    assert jobs.pop_due(3.0) == [("resolve", "/p")]


def test_due_jobs_come_out_earliest_first() -> None:
    jobs = Debouncer()
    jobs.touch(("resolve", "/b"), 0.0, delay=2.0)
    jobs.touch(("scan", "/a"), 0.0, delay=1.0)
    assert ("resolve", "/b") in jobs
    assert jobs.pop_due(5.0) == [("scan", "/a"), ("resolve", "/b")]
    jobs.touch(("resolve", "/c"), 0.0, delay=4.0)
    jobs.cancel(("resolve", "/c"))
    assert jobs.pop_due(10.0) == []


def test_not_before_holds_until_the_job_runs() -> None:
    jobs = Debouncer()
    jobs.touch(("resolve", "/p"), 0.0, delay=1.1, not_before=2.0)
    jobs.touch(("resolve", "/p"), 0.5, delay=0.05)  # a visit asking for it now cannot undercut the floor
    assert jobs.next_due() == 2.0
    assert jobs.pop_due(1.9) == [] and jobs.pop_due(2.0) == [("resolve", "/p")]
    jobs.touch(("resolve", "/p"), 3.0, delay=0.05)  # the floor went with the run
    assert jobs.next_due() == pytest.approx(3.05)
