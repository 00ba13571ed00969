"""The start line ``autovenv init`` writes, in real interactive bash, zsh and fish (PowerShell has none).

The rc file is what ``autovenv init SHELL`` writes into the scenario's HOME; ``autovenv`` on PATH is the
installed wheel's console script (a pip install, as a pip, pipx or uv user has it). Processes are counted
with ``strace -f -e trace=execve``: a start that runs the fallback shows ``autovenv hook SHELL``; a start
that sources an intact start file shows no Python process at all.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from autovenv import start
from tests.shells.conftest import BASE_PATH, PROMPT, World, autovenv_command, make_venv
from tests.shells.pty_shell import InteractiveShell
from tests.shells.test_scenarios import TracedShell

pytestmark = pytest.mark.shell

_EXECVE = re.compile(r'execve\("([^"]*)", \[([^\]]*)\]')


def need_strace() -> None:
    if shutil.which("strace") is None:
        if os.environ.get("CI"):
            pytest.fail("strace is not installed, and CI must count processes")
        pytest.skip("strace is not installed")


class Starts:
    """Shells of one scenario started from the rc file ``autovenv init`` wrote, with or without strace."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.shell = world.shell
        bin_dir = world.root / "bin"
        bin_dir.mkdir()
        (bin_dir / "autovenv").symlink_to(autovenv_command())
        self.env = {**world.env, "PATH": f"{bin_dir}:{BASE_PATH}"}
        self.rc = self._init_rc()
        self.file = world.home / ".cache" / "autovenv" / f"start.{self.shell}"
        self.record = self._record()
        self._logs = 0

    def _init_rc(self) -> str:
        """The hook part of the rc file, written by the real ``autovenv init``, behind a plain prompt."""
        env = {**self.env, "HOME": str(self.world.home)}
        if self.shell == "zsh":
            env["ZDOTDIR"] = str(self.world.home)
        subprocess.run(["autovenv", "init", self.shell], env=env, check=True, capture_output=True, timeout=60)
        if self.shell == "bash":
            written = self.world.home / ".bashrc"
        elif self.shell == "zsh":
            written = self.world.home / ".zshrc"
        else:
            written = pathlib.Path(env["XDG_CONFIG_HOME"]) / "fish" / "config.fish"
        hook = written.read_text()
        assert f"/start.{self.shell}" in hook, hook
        if self.shell == "fish":
            return f"function fish_prompt; printf '%s' '{PROMPT}'; end\n{hook}"
        return f"PS1='{PROMPT}'\n{hook}"

    def _record(self) -> pathlib.Path:
        """RECORD of the wheel under test (the tests import the very package the shells run)."""
        record = start.installed_record()
        if record is None:
            pytest.skip("autovenv is not installed from a wheel here: no start file to test")
        return pathlib.Path(record)

    def start(self, env: dict[str, str] | None = None) -> InteractiveShell:
        home, env = self.world.home, {**self.env, **(env or {})}
        return self.world.track(InteractiveShell(self.shell, home, self.rc, env=env, cwd=home, timeout=30))

    def traced(self, env: dict[str, str] | None = None) -> tuple[InteractiveShell, pathlib.Path]:
        """A shell under strace, and its log; the log holds the start-up once the first prompt is up."""
        self._logs += 1
        log = self.world.root / f"execve-{self._logs}.log"
        session = TracedShell(
            self.shell,
            self.world.home,
            self.rc,
            env={**self.env, **(env or {})},
            cwd=self.world.home,
            timeout=30,
            log=log,
        )
        self.world.track(session)
        return session, log


def started(log: pathlib.Path) -> list[tuple[str, str]]:
    """(program, argv) of every execve in an strace log."""
    return _EXECVE.findall(log.read_text(errors="replace"))


def pythons(log: pathlib.Path) -> list[tuple[str, str]]:
    """The Python processes among them: the console script (its kernel-run interpreter) or an interpreter."""
    return [
        (program, argv)
        for program, argv in started(log)
        if os.path.basename(program) == "autovenv" or os.path.basename(program).startswith("python")
    ]


def fell_back(log: pathlib.Path, shell: str) -> bool:
    return any(f'"hook", "{shell}"' in argv for _, argv in pythons(log))


def activates(sh: InteractiveShell, project: pathlib.Path) -> bool:
    sh.cd(project)
    return sh.var("VIRTUAL_ENV") == str(project / ".venv")


@pytest.fixture
def starts(world: World) -> Starts:
    if world.shell == "pwsh":
        pytest.skip("PowerShell keeps its plain profile line, no start file (README: Hook lines)")
    return Starts(world)


@pytest.fixture
def project(world: World) -> pathlib.Path:
    """A project whose venv is older than the cache's stamp slack: a visit caches an answer that holds
    (a venv made a few ms before the visit is re-resolved at the next, by design: cache.STAMP_SLACK_NS)."""
    where = world.projects / "shop"
    where.mkdir()
    venv = make_venv(where / ".venv")
    past = time.time() - 60
    for path in (where, venv, venv / "bin"):
        os.utime(path, (past, past))
    # pyvenv.cfg only a second back: one whose content is much older than its inode's last change was
    # not written in place (an unpacked archive), and blocks (autovenv.origin).
    os.utime(venv / "pyvenv.cfg", (past + 59, past + 59))
    return where


def test_first_start_falls_back_and_writes_the_start_file(starts: Starts, project: pathlib.Path) -> None:
    assert not starts.file.exists()
    sh = starts.start()
    assert starts.file.exists() and starts.file.stat().st_uid == os.getuid()
    assert activates(sh, project)
    assert (sh.var("AUTOVENV_HOOK") or "").startswith(f"{starts.shell}:")


def test_second_start_runs_no_python(starts: Starts, project: pathlib.Path) -> None:
    need_strace()
    warm = starts.start()
    assert activates(warm, project)  # the project's answer is cached, as is the home directory's
    warm.close()
    written = starts.file.stat().st_mtime_ns
    sh, log = starts.traced()
    assert pythons(log) == [], started(log)
    assert activates(sh, project)
    sh.close()
    assert pythons(log) == []
    assert starts.file.stat().st_mtime_ns == written  # not rewritten: it was simply sourced


@pytest.mark.parametrize("change", ["reinstall", "config appears", "config changes", "variable differs"])
def test_a_change_falls_back_and_rewrites_the_file(
    starts: Starts, project: pathlib.Path, change: str
) -> None:
    need_strace()
    config = starts.world.home / ".config" / "autovenv" / "config.toml"
    if change == "config changes":
        config.parent.mkdir(parents=True)
        config.write_text("quiet = false\n")
        os.utime(config, (0, 0))
    starts.start().close()
    before = starts.file.read_text()
    written = starts.file.stat()
    env: dict[str, str] = {}
    record_times = starts.record.stat()
    try:
        if change == "reinstall":
            os.utime(starts.record, ns=(record_times.st_atime_ns, written.st_mtime_ns + 1))
        elif change == "config appears":
            config.parent.mkdir(parents=True)
            config.write_text("quiet = false\n")
            os.utime(config, (0, 0))  # older than the start file: appearing is the change
        elif change == "config changes":
            os.utime(config, ns=(written.st_atime_ns, written.st_mtime_ns + 1))
        else:
            env["AUTOVENV_CONFIG_DIR"] = str(starts.world.root / "other-config")
        sh, log = starts.traced(env)
        assert fell_back(log, starts.shell), started(log)
        assert activates(sh, project)
    finally:
        os.utime(starts.record, ns=(record_times.st_atime_ns, record_times.st_mtime_ns))
    rewritten = starts.file.stat()
    assert rewritten.st_mtime_ns > written.st_mtime_ns
    if change in ("config appears", "variable differs"):
        assert starts.file.read_text() != before  # the guard now names what is


ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(not ROOT, reason="chown to another user needs root")
def test_a_start_file_of_another_user_is_not_sourced(starts: Starts, project: pathlib.Path) -> None:
    need_strace()
    starts.start().close()
    text = starts.file.read_text()
    marker = "export AUTOVENV_TEST_SOURCED=1" if starts.shell != "fish" else "set -gx AUTOVENV_TEST_SOURCED 1"
    starts.file.write_text(text.replace("\n", f"\n{marker}\n", 1))
    os.chown(starts.file, 65534, 65534)
    sh, log = starts.traced()
    assert fell_back(log, starts.shell), started(log)
    assert sh.var("AUTOVENV_TEST_SOURCED") is None
    assert activates(sh, project)
    assert starts.file.stat().st_uid == os.getuid()  # the fallback replaced it with one of ours
