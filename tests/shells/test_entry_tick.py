"""A cache entry outdated by an edit in its own tick of the file clock, in every shell.

A cached answer carries, as its mtime, the file clock's tick when Python began to compute it
(``cache.entry_stamp``), and a hook trusts it only while it is strictly newer than every path it watches.
These scenarios date a watched file by hand (``os.utime``) where a real edit could land by chance: in the
entry's own tick, or between the start of the computation and the store. The edit changes which venv the
project asks for, so a hook that trusted the entry shows the old one in ``$VIRTUAL_ENV``.
"""

from __future__ import annotations

import base64
import os
import pathlib
import shutil
import time

import pytest

from autovenv import cache, dirs
from tests.shells.conftest import PY_A, PY_B, World, make_venv, python_of
from tests.shells.test_scenarios import TracedShell

pytestmark = pytest.mark.shell


def virtual_env(sh: object) -> str | None:
    value = sh.env().get("VIRTUAL_ENV")  # type: ignore[attr-defined]
    return value.decode() if value is not None else None


def two_venvs(world: World) -> tuple[pathlib.Path, pathlib.Path]:
    """A project whose ``.autovenv.toml`` picks venv ``a``; it and ``b`` dated well back."""
    project = world.projects / "shop"
    make_venv(project / "a")
    make_venv(project / "b")
    config = project / ".autovenv.toml"
    config.write_text('venv = "a"\n')
    past = time.time() - 10
    for path in (world.projects, *world.projects.rglob("*")):
        # pyvenv.cfg a second only: much older than its last change would be an unpacked one (origin.py)
        when = past + 9 if path.name == "pyvenv.cfg" else past
        os.utime(path, (when, when), follow_symlinks=False)
    return project, config


def entry_of(world: World, project: pathlib.Path) -> str:
    return cache.entry_path(dirs.cache_dir(world.env), world.shell, str(project))


def rewrite(entry: pathlib.Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (of the same length) in an entry; PowerShell's is base64 of UTF-16."""
    text = entry.read_text()
    if text.startswith("a="):
        decoded = base64.b64decode(text[2:-1]).decode("utf-16-le").replace(old, new)
        entry.write_text("a=" + base64.b64encode(decoded.encode("utf-16-le")).decode("ascii") + "\n")
    else:
        entry.write_text(text.replace(old, new))


def edit(config: pathlib.Path, mtime_ns: int) -> None:
    """The same-sized edit that asks for venv ``b``, dated ``mtime_ns``."""
    config.write_text('venv = "b"\n')
    os.utime(config, ns=(mtime_ns, mtime_ns))


@pytest.mark.parametrize("after_start_ns", [0, 1_000], ids=["in-its-tick", "while-computing"])
def test_an_edit_not_older_than_the_entry_is_seen(world: World, after_start_ns: int) -> None:
    """``in-its-tick``: the watched file's time equals the entry's (an edit in the tick Python began).
    ``while-computing``: a microsecond after it (an edit after Python read the file, before it stored
    the answer). Either way the next visit asks Python again and activates ``b``."""
    project, config = two_venvs(world)
    sh = world.start()
    sh.cd(project)
    assert virtual_env(sh) == str(project / "a")
    sh.cd(world.projects)
    stamp = os.stat(entry_of(world, project)).st_mtime_ns
    edit(config, stamp + after_start_ns)
    sh.cd(project)
    assert virtual_env(sh) == str(project / "b")


def test_an_edit_before_the_start_tick_is_in_the_entry(world: World) -> None:
    """The other side: the entry stays trusted across an edit older than its tick (the answer then read
    it), so a visit reads the entry, not Python: its answer, written over by hand to name ``b``, is
    what a new shell (no answers in its memory) applies."""
    project, config = two_venvs(world)
    world.start().cd(project)
    entry = entry_of(world, project)
    stamp = os.stat(entry).st_mtime_ns
    edit(config, stamp - 1_000)
    rewrite(pathlib.Path(entry), str(project / "a"), str(project / "b"))
    os.utime(entry, ns=(stamp, stamp))
    sh = world.start()
    sh.cd(project)
    assert virtual_env(sh) == str(project / "b")


def test_a_file_dated_ahead_of_the_clock_never_freezes_an_answer(world: World) -> None:
    """A watched file dated an hour ahead (an archive from a machine whose clock runs fast): each visit
    asks Python until the clock passes that time, so an edit now, which dates the file back to now,
    is seen at once (an entry dated after the file would have hidden it)."""
    project, config = two_venvs(world)
    ahead = time.time_ns() + 3600 * 10**9
    os.utime(config, ns=(ahead, ahead))
    sh = world.start()
    sh.cd(project)
    assert virtual_env(sh) == str(project / "a")
    assert os.stat(entry_of(world, project)).st_mtime_ns < ahead
    sh.cd(world.projects)
    config.write_text('venv = "b"\n')
    sh.cd(project)
    assert virtual_env(sh) == str(project / "b")


# -- a watched directory with a whole-second time on the cache's filesystem ---------------------------------


def whole_second_pyenv(world: World) -> pathlib.Path:
    """A pyenv root whose ``versions`` directory carries a whole-second time, as an installer or an archive
    leaves it (``tar``, ``cp -p``, ``rsync -t``), on the filesystem of the world's cache: its versions are
    links to the real ones."""
    root = world.root / "pyenv"
    versions = root / "versions"
    versions.mkdir(parents=True)
    for version in (PY_A, PY_B):
        (versions / version).symlink_to(python_of(version).parent.parent)
    whole = (time.time_ns() // 10**9 - 100) * 10**9
    os.utime(versions, ns=(whole, whole))
    assert os.stat(versions).st_mtime_ns % 10**9 == 0
    assert os.stat(versions).st_dev == os.stat(world.home).st_dev  # the cache is in world.home/.cache
    return root


def execs(log: pathlib.Path) -> int:
    return log.read_text(errors="replace").count("execve(")


@pytest.mark.parametrize("shell_name", ["bash", "zsh"], indirect=True)
def test_a_whole_second_watched_dir_on_the_caches_filesystem_costs_no_process(world: World) -> None:
    """A project pinned with ``.python-version`` watches ``$PYENV_ROOT/versions``. Its whole-second time
    was set by a tool on the cache's own filesystem, so the answer stored right after the pin changed is
    dated when Python began, not cut back to even seconds: leaving and coming back within a second starts
    no process (cut back, the entry would be older than the pin for up to two seconds, and each visit
    would ask Python again). Edits made right after the answer was stored are still seen at the next
    prompt: the pin changed again, and a venv replaced by one of another Python."""
    if shutil.which("strace") is None:
        if os.environ.get("CI"):
            pytest.fail("strace is not installed, and CI must count processes")
        pytest.skip("strace is not installed")
    root = whole_second_pyenv(world)
    blog = world.projects / "blog"
    blog.mkdir()
    shop = world.projects / "shop"
    make_venv(shop / ".venv", PY_A)
    whole = (time.time_ns() // 10**9 - 50) * 10**9
    for path in (world.projects, *world.projects.rglob("*")):  # as `cp -a` or `rsync -a` leave a tree
        if path.name != "pyvenv.cfg":  # much older than its last change: unpacked, not made here (origin.py)
            os.utime(path, ns=(whole, whole), follow_symlinks=False)
    log = world.root / "execve.log"
    sh = world.track(
        TracedShell(
            world.shell,
            world.home,
            world.rc(),
            env={**world.env, "PYENV_ROOT": str(root)},
            cwd=world.home,
            timeout=30,
            log=log,
        )
    )
    sh.cd(blog)
    while time.time() % 2 > 0.5:  # the rest within the same two seconds: the old cut would date it back
        time.sleep(0.05)
    pinned = execs(log)
    using_b = f"autovenv: using Python {PY_B} in blog (.python-version)\n"
    assert sh.run(f"echo {PY_B} > .python-version") == using_b
    stored = execs(log)
    assert stored > pinned  # the change was seen by Python, and the count sees Python starts
    assert sh.cd(world.projects) == "autovenv: deactivated\n"
    assert sh.cd(blog) == using_b
    assert execs(log) == stored, "coming back right after the answer was stored started a process"
    assert sh.run("python --version") == f"Python {PY_B}\n"
    # An edit right after the answer was stored, within its second: seen at the next prompt.
    using_a = f"autovenv: using Python {PY_A} in blog (.python-version)\n"
    assert sh.run(f"echo {PY_A} > .python-version") == using_a
    assert sh.run("python --version") == f"Python {PY_A}\n"
    # A venv whose directories carry whole seconds (copied with their times), replaced at once by another.
    assert sh.cd(shop) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    sh.cd(world.projects)
    visited = execs(log)
    sh.cd(shop)
    assert execs(log) == visited
    remade = f"rm -rf .venv && {python_of(PY_B)} -m venv --without-pip --prompt renewed .venv"
    assert sh.run(remade) == f"autovenv: activated shop (.venv, Python {PY_B})\n"
    env = sh.env()
    assert env.get("VIRTUAL_ENV") == os.fsencode(shop / ".venv")
    assert env.get("VIRTUAL_ENV_PROMPT") == b"(renewed) "
    assert sh.run("python --version") == f"Python {PY_B}\n"
