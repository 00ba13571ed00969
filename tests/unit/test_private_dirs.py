"""Rule 6: the directories autovenv keeps files in, and sources files from, are the user's alone.

A cache, data or stamp directory that someone else could write, or swap, is not used (one line), and the
hook still works; relative locations are ignored as platformdirs ignores relative ``XDG_*`` values. The
same with real accounts and real shells (a shared ``XDG_CACHE_HOME`` planted with a hook file) is in
tests/security.
"""

from __future__ import annotations

import os
import pathlib
import tempfile

import pytest

from autovenv import cache, dirs, hook, init, shells
from tests.trustkit import NOBODY, needs_root


@pytest.fixture
def environ(tmp_path: pathlib.Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }


def shared(path: pathlib.Path) -> pathlib.Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o777)
    return path


def test_a_cache_others_can_write_is_not_used_and_nothing_is_written_there(
    tmp_path: pathlib.Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    cache_home = shared(tmp_path / "shared-cache")
    env = {**environ, "XDG_CACHE_HOME": str(cache_home)}
    values = hook.hook_values(env)
    assert values["AUTOVENV_CACHE"] == hook.NOWHERE
    err = capsys.readouterr().err
    why = f"{cache_home} is writable by others; not using {cache_home}/autovenv"
    assert err == f"autovenv: {why}; working without a cache\n"
    for name in ("bash", "zsh", "fish"):
        adapter = shells.get(name)
        text = adapter.render_hook(values)
        hook.save_copy(name, text.encode(), values)
        hook.save_start(adapter, values, text, env, 0)
    assert list(cache_home.rglob("*")) in ([], [cache_home / "autovenv"])
    assert not any(p.is_file() for p in cache_home.rglob("*"))


def test_a_shared_cache_gets_the_plain_hook_line(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    cache_home = shared(tmp_path / "shared-cache")
    plain = 'eval "$(autovenv hook bash)"'
    assert init.hook_line("bash", {**environ, "XDG_CACHE_HOME": str(cache_home)}) == plain
    assert init.hook_line("bash", environ).startswith("[ -O ")


@pytest.mark.parametrize(
    "name", ["AUTOVENV_CACHE_DIR", "AUTOVENV_DATA_DIR", "AUTOVENV_CONFIG_DIR", "XDG_CACHE_HOME"]
)
def test_relative_locations_are_ignored(environ: dict[str, str], name: str) -> None:
    """A relative one would name a directory in whatever checkout the shell stands in."""
    env = {**environ, name: "cache"}
    assert os.path.isabs(dirs.cache_dir(env)) and os.path.isabs(dirs.data_dir(env))
    assert os.path.isabs(dirs.config_dir(env))


@needs_root
def test_fallback_stamps_made_first_by_someone_else_are_not_used(
    tmp_path: pathlib.Path, environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(shared(tmp_path / "tmp")))
    os.chmod(tmp_path / "tmp", 0o1777)
    planted = pathlib.Path(cache.fallback_stamps()).parent
    planted.mkdir()
    os.chown(planted, NOBODY, NOBODY)
    assert hook.stamp_dir(None) == hook.NOWHERE


@pytest.mark.parametrize("owner", ["someone-else", "the-user"])
def test_bump_never_deletes_through_a_planted_stamps_link(
    tmp_path: pathlib.Path, environ: dict[str, str], monkeypatch: pytest.MonkeyPatch, owner: str
) -> None:
    """``autovenv-UID/stamps`` in the shared temporary directory made first, as a link to a directory of
    the user's: ``allow`` (which deletes every shell's stamps) must not empty that directory."""
    if owner == "someone-else" and os.geteuid() != 0:
        pytest.skip("making a directory someone else's needs root")
    monkeypatch.setattr(tempfile, "tempdir", str(shared(tmp_path / "tmp")))
    os.chmod(tmp_path / "tmp", 0o1777)
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work\n")
    parent = pathlib.Path(cache.fallback_stamps()).parent
    parent.mkdir(mode=0o755)
    (parent / cache.STAMPS).symlink_to(precious)
    if owner == "someone-else":
        os.lchown(parent / cache.STAMPS, NOBODY, NOBODY)
        os.chown(parent, NOBODY, NOBODY)
    cache.bump_generation(str(tmp_path / "home" / ".cache" / "autovenv"))
    assert (precious / "thesis.tex").exists()


def test_an_entry_is_written_without_following_a_planted_link(tmp_path: pathlib.Path) -> None:
    base = str(tmp_path / "cache")
    cache.ensure_dir(base)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    entry = pathlib.Path(cache.entry_path(base, "bash", "/p"))
    entry.parent.mkdir(parents=True)
    pathlib.Path(f"{entry}.{os.getpid()}.tmp").symlink_to(victim)
    cache.store(base, "bash", "/p", "answer\n", 0)
    assert victim.read_text() == "precious\n" and entry.read_text() == "answer\n"
