"""The start file and its line: which environment variables rendering reads, the guard's every condition
and the line's quoting, each run through real ``bash -c`` / ``zsh -c`` / ``fish -c``.

A shell run here sources a start file whose hook is one ``echo LOADED``; a stub ``autovenv`` on PATH
answers ``hook SHELL`` with ``echo FALLBACK``. Output is exactly one of the two words, so a guard that
lets a changed file through, or a line that runs its fallback after a load, fails.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping

import pytest

from autovenv import cache, hook, shells, start
from tests.shells.pty_shell import find_shell

SHELLS = ("bash", "zsh", "fish")
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def need(shell: str) -> str:
    found = find_shell(shell)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{shell} is not installed, and CI must run every shell")
        pytest.skip(f"{shell} is not installed")
    return found


# ------------------------------------------------------------------------------ what rendering reads


class Recording(Mapping[str, str]):
    """An environment that notes every key read from it; iterating counts as reading everything."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.data = dict(data)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return key in self.data

    def __iter__(self) -> Iterator[str]:
        self.read.add("<every key>")
        return iter(self.data)

    def __len__(self) -> int:
        self.read.add("<every key>")
        return len(self.data)


@pytest.mark.parametrize(
    "layout",
    [
        {"HOME": "h"},
        {"HOME": "h", "XDG_CACHE_HOME": "c", "XDG_CONFIG_HOME": "g"},
        {"XDG_CACHE_HOME": "c", "XDG_CONFIG_HOME": "g"},  # no HOME at all
        {"HOME": "h", "AUTOVENV_CACHE_DIR": "ac", "AUTOVENV_CONFIG_DIR": "ag", "XDG_CACHE_HOME": " "},
    ],
)
def test_rendering_reads_only_the_keys_the_guard_compares(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, layout: dict[str, str]
) -> None:
    """A key rendering reads and the guard does not compare would let a start file outlive a change of
    it. Both the environment passed in and os.environ itself (expanduser, tempfile) are watched."""
    env = {key: str(tmp_path / value) if value.strip() else value for key, value in layout.items()}
    passed = Recording({**env, "PATH": BASE_PATH, "UNRELATED": "x"})
    process = Recording({**env, "PATH": BASE_PATH, "UNRELATED": "x"})
    monkeypatch.setattr(tempfile, "tempdir", None)
    with monkeypatch.context() as patched:
        patched.setattr(os, "environ", process)
        values = hook.hook_values(passed)
        for name in SHELLS:
            shells.get(name).render_hook(values)
    read = passed.read | process.read
    assert read, "nothing recorded: the test no longer watches rendering"
    assert read <= set(start.ENV_KEYS), f"rendering reads {sorted(read - set(start.ENV_KEYS))} unguarded"
    assert values["AUTOVENV_STAMPS"] == os.path.join(str(values["AUTOVENV_CACHE"]), "stamps")


def test_keys_cover_every_location_override() -> None:
    """Each override dirs.py documents is guarded (on any platform, LOCALAPPDATA included)."""
    for key in ("AUTOVENV_CACHE_DIR", "AUTOVENV_CONFIG_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "HOME"):
        assert key in start.ENV_KEYS
    assert "LOCALAPPDATA" in start.ENV_KEYS


# ------------------------------------------------------------------------------------ which installs


def test_record_file_needs_exactly_one_dist_info(tmp_path: pathlib.Path) -> None:
    assert start.record_file(str(tmp_path)) is None
    (tmp_path / "click-8.1.dist-info").mkdir()
    (tmp_path / "click-8.1.dist-info" / "RECORD").write_text("")
    assert start.record_file(str(tmp_path)) is None
    ours = tmp_path / "autovenv_shell-0.1.0.dist-info"
    ours.mkdir()
    assert start.record_file(str(tmp_path)) is None  # no RECORD in it
    (ours / "RECORD").write_text("")
    assert start.record_file(str(tmp_path)) == str(ours / "RECORD")
    (tmp_path / "autovenv_shell-0.0.9.dist-info").mkdir()
    assert start.record_file(str(tmp_path)) is None  # two: nothing tells which is ours


def test_installed_wheel_has_a_record() -> None:
    """The test venv holds the built wheel, as a pip/pipx/uv user has it: the start file exists there."""
    record = start.installed_record()
    if record is None:
        pytest.skip("autovenv is not installed from a wheel here (source checkout or editable install)")
    assert os.path.basename(os.path.dirname(record)).startswith(start.DIST_PREFIX)


def test_save_start_writes_and_removes(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written beside hook.SHELL, dated just before rendering began, when the install has a dist-info; a
    stale one is removed when it has none (source checkout, editable install); a cache the hook could not
    use, or another user's, is not touched."""
    env = {"HOME": str(tmp_path), "PATH": BASE_PATH}
    values = hook.hook_values(env)
    where = pathlib.Path(start.path("bash", str(values["AUTOVENV_CACHE"])))
    began = time.time_ns()

    def save(values: Mapping[str, object], shell: str = "bash") -> None:
        hook.save_start(shells.get(shell), values, "echo hi\n", env, began)

    monkeypatch.setattr(start, "record_file", lambda parent: str(tmp_path / "RECORD"))
    save(values)
    text = where.read_text()
    assert text.startswith("# autovenv start file") and "\necho hi\n\\builtin return 0\n" in text
    assert where.stat().st_mtime_ns == began - cache.STAMP_SLACK_NS
    where.write_text("left alone\n")
    save({**values, "AUTOVENV_STAMPS": "/tmp/elsewhere"})  # a cache the hook could not use
    assert where.read_text() == "left alone\n"
    if ROOT:
        base = str(values["AUTOVENV_CACHE"])
        os.chown(base, 65534, 65534)  # another user's cache (sudo keeping HOME)
        save(values)
        assert where.read_text() == "left alone\n"
        os.chown(base, os.getuid(), os.getgid())
    monkeypatch.setattr(start, "record_file", lambda parent: None)
    save(values)
    assert not where.exists()
    save(values, "pwsh")  # no start file for PowerShell
    assert not pathlib.Path(start.path("pwsh", str(values["AUTOVENV_CACHE"]))).exists()


def test_hook_main_writes_both_files_and_keeps_the_copy_plain(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """hook.SHELL stays the hook alone (install.sh's launcher evals it: no top-level return in it)."""
    monkeypatch.setattr(start, "record_file", lambda parent: str(tmp_path / "RECORD"))
    for key in start.ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in SHELLS:
        assert hook.main([name]) == 0
        printed = capsysbinary.readouterr().out
        where = tmp_path / ".cache" / "autovenv"
        assert (where / f"hook.{name}").read_bytes() == printed
        ending = b"return 0\n" if name == "fish" else b"\\builtin return 0\n"
        assert (where / f"start.{name}").read_bytes().endswith(b"\n" + printed + ending)


# -------------------------------------------------------------------------------- the guard, for real


class Files:
    """A start file's world: an interpreter, a RECORD, a config path, a stub ``autovenv``."""

    def __init__(self, root: pathlib.Path, shell: str) -> None:
        self.shell = shell
        self.python = root / "venv" / "bin" / "python"
        self.python.parent.mkdir(parents=True)
        self.python.write_text("#!/bin/sh\n")
        self.python.chmod(0o755)
        self.record = root / "site" / "autovenv_shell-0.1.0.dist-info" / "RECORD"
        self.record.parent.mkdir(parents=True)
        self.record.write_text("")
        self.config = root / "config" / "autovenv" / "config.toml"
        self.config.parent.mkdir(parents=True)
        self.own = root / "cache" / f"start.{shell}"
        self.own.parent.mkdir()
        stub = root / "bin" / "autovenv"
        stub.parent.mkdir()
        stub.write_text("#!/bin/sh\necho 'echo FALLBACK'\n")
        stub.chmod(0o755)
        self.env = {"PATH": f"{stub.parent}:{BASE_PATH}", "HOME": str(root / "home"), "XDG_CACHE_HOME": ""}

    def write(self, config_exists: bool = False) -> None:
        """Render the start file for the current env, then date everything it depends on before it."""
        adapter = shells.get(self.shell)
        guarded = [(key, self.env.get(key)) for key in start.ENV_KEYS]
        checks = start.Checks(
            str(self.own), str(self.python), str(self.record), str(self.config), config_exists, guarded
        )
        render = getattr(adapter, "render_start")  # noqa: B009 - not every adapter has one
        self.own.write_text(render(checks, "echo LOADED\n"))
        past = time.time() - 100
        os.utime(self.record, (past, past))
        if self.config.exists():
            os.utime(self.config, (past, past))

    def run(self, env: Mapping[str, str] | None = None) -> str:
        line = getattr(shells.get(self.shell), "start_line")(str(self.own))  # noqa: B009
        result = subprocess.run(
            [need(self.shell), "-c", line],
            env=dict(env if env is not None else self.env),
            cwd=self.own.parent,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.stderr == "", result.stderr
        return result.stdout


@pytest.fixture(params=SHELLS)
def files(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Files:
    need(request.param)
    return Files(tmp_path, request.param)


def test_an_unchanged_start_file_loads(files: Files) -> None:
    files.write()
    assert files.run() == "LOADED\n"


def test_a_missing_start_file_falls_back(files: Files) -> None:
    assert files.run() == "FALLBACK\n"


def later(path: pathlib.Path) -> None:
    future = time.time() + 100
    os.utime(path, (future, future))


@pytest.mark.parametrize(
    "change",
    [
        "python removed",
        "python not executable",
        "reinstalled (RECORD newer)",
        "uninstalled (RECORD gone)",
        "config appeared (even an old one)",
        "variable changed",
        "variable unset",
        "variable set empty",
    ],
)
def test_each_change_falls_back(files: Files, change: str) -> None:
    files.write()
    env = dict(files.env)
    if change == "python removed":
        files.python.unlink()
    elif change == "python not executable":
        files.python.chmod(0o644)
    elif change == "reinstalled (RECORD newer)":
        later(files.record)
    elif change == "uninstalled (RECORD gone)":
        files.record.unlink()
    elif change == "config appeared (even an old one)":
        files.config.write_text("quiet = true\n")
        os.utime(files.config, (0, 0))
    elif change == "variable changed":
        env["HOME"] += "x"
    elif change == "variable unset":
        del env["XDG_CACHE_HOME"]
    elif change == "variable set empty":
        env["AUTOVENV_CONFIG_DIR"] = ""
    assert files.run(env) == "FALLBACK\n"


def test_a_config_present_at_render(files: Files) -> None:
    files.config.write_text("quiet = true\n")
    files.write(config_exists=True)
    assert files.run() == "LOADED\n"
    later(files.config)
    assert files.run() == "FALLBACK\n"
    files.write(config_exists=True)
    files.config.unlink()
    assert files.run() == "FALLBACK\n"


@pytest.mark.skipif(not ROOT, reason="chown to another user needs root")
def test_a_start_file_of_another_user_is_not_sourced(files: Files) -> None:
    files.write()
    os.chown(files.own, 65534, 65534)
    assert files.run() == "FALLBACK\n"


# --------------------------------------------------------------------------------- the line's quoting

#: A directory name no shell may read as code: quotes, $, command substitutions, a glob, non-ASCII.
HOSTILE_DIR = "a b'c\"d$HOME $(touch CANARY) `touch CANARY2` *é;"


@pytest.mark.parametrize("shell", SHELLS)
def test_the_line_sources_exactly_its_file(tmp_path: pathlib.Path, shell: str) -> None:
    binary = need(shell)
    where = tmp_path / HOSTILE_DIR
    where.mkdir()
    own = where / f"start.{shell}"
    own.write_text("echo RIGHT\n")
    for decoy in ("a", "a b", "start." + shell):
        (tmp_path / decoy).write_text("echo WRONG\n")
    stub = tmp_path / "bin" / "autovenv"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\necho 'echo FALLBACK'\n")
    stub.chmod(0o755)
    line = getattr(shells.get(shell), "start_line")(str(own))  # noqa: B009
    assert "\n" not in line and (shell == "fish" or line.isascii())
    env = {"PATH": f"{stub.parent}:{BASE_PATH}", "HOME": str(tmp_path / "bin"), "LANG": "C.UTF-8"}

    def run() -> str:
        done = subprocess.run(
            [binary, "-c", line], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30
        )
        return done.stdout

    assert run() == "RIGHT\n"
    own.unlink()
    assert run() == "FALLBACK\n"
    assert not list(tmp_path.rglob("CANARY*"))
    expected = ["a", "a b", f"start.{shell}", "bin", HOSTILE_DIR]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)
