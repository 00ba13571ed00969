"""Trust decisions (DESIGN §5, README "Trust"): which venv goes on PATH, and the one line when one does not.

Real venvs from real creators on temporary trees; the parts have their own tables (test_safepath,
test_origin, test_gitindex, test_allowstore). Here: the rules in their order, the remedy each block line
offers (rule 7: recreate a broken or moved venv, ``allow`` only where trusting is the answer, ``chmod``
where the user can fix a mode), the resolved path on PATH, ``trust = "ask"`` and invalid values, and the
CLI run as a user would with a private HOME. The same attacks against real shells run by an unprivileged
victim are in tests/security.
"""

from __future__ import annotations

import os
import pathlib
import shlex
import shutil
import subprocess
import sys

import pytest

from autovenv import trust
from autovenv.decide import Decision, decide, display_quote
from autovenv.resolve.project import Resolution, Settings, resolve
from autovenv.resolve.venv import inspect_venv
from tests.trustkit import (
    IS_ROOT,
    NOBODY,
    backdate,
    git,
    make_uv_venv,
    make_venv,
    make_virtualenv,
    needs_git,
    needs_root,
    python_of,
    shared_group,
)


@pytest.fixture
def environ(tmp_path: pathlib.Path) -> dict[str, str]:
    """A private HOME and data dir, so no test sees another's (or the developer's) trust store."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "HOME": str(home),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "PYENV_ROOT": os.environ.get("PYENV_ROOT", ""),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "AUTOVENV_HOOK": "bash:1",
        "TMPDIR": os.environ["TMPDIR"],  # allow/deny clear the fallback stamps there: the sandbox's
    }


def verdict(venv: pathlib.Path | str, environ: dict[str, str], mode: str = "auto") -> trust.Verdict:
    return trust.check_venv(inspect_venv(str(venv)), mode, environ)


def decision_for(
    directory: pathlib.Path, environ: dict[str, str], settings: Settings | None = None, shell: str = "bash"
) -> tuple[Resolution, Decision]:
    settings = settings or Settings()
    resolution = resolve(str(directory), environ, settings)
    return resolution, decide(resolution, settings, environ, shell)


def block_line(directory: pathlib.Path, environ: dict[str, str], shell: str = "bash") -> str:
    _, decision = decision_for(directory, environ, shell=shell)
    assert decision.target is None
    (line,) = decision.notes
    return line


# ---------------------------------------------------------------------------------------- trusted as made


@pytest.mark.parametrize("version", ["3.9.18", "3.11.7", "3.12.1", "3.13.0"])
def test_venv_made_in_place_by_cpython_is_trusted(
    tmp_path: pathlib.Path, environ: dict[str, str], version: str
) -> None:
    venv = make_venv(tmp_path / "with space -m venv x" / ".venv", version)
    result = verdict(venv, environ)
    assert result.allowed, result.reason
    assert result.bin_dir == str(venv / "bin")


@pytest.mark.parametrize("creator", ["virtualenv", "uv"])
def test_venv_made_in_place_by_virtualenv_and_uv_is_trusted(
    tmp_path: pathlib.Path, environ: dict[str, str], creator: str
) -> None:
    where = tmp_path / "it's a $(dir)" / ".venv"
    where.parent.mkdir()
    venv = make_virtualenv(where) if creator == "virtualenv" else make_uv_venv(where)
    result = verdict(venv, environ)
    assert result.allowed, result.reason


def test_venv_with_a_quoted_prompt_is_trusted(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    venv = make_venv(tmp_path / ".venv", "3.12.1", "--prompt", 'my "x" $y')
    assert verdict(venv, environ).allowed


def test_venv_made_through_a_symlinked_parent_is_trusted_by_either_path_and_resolved_on_path(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    make_venv(tmp_path / "link" / ".venv")  # records the logical path
    for path in (tmp_path / "link" / ".venv", real / ".venv"):
        result = verdict(path, environ)
        assert result.allowed and result.bin_dir == str(real / ".venv" / "bin")
    _, decision = decision_for(tmp_path / "link", environ)
    assert decision.target is not None
    assert decision.target.path_entries == (str(real / ".venv" / "bin"),)  # the resolved path on PATH
    assert decision.target.venv == str(tmp_path / "link" / ".venv")  # VIRTUAL_ENV as the user typed it


def test_group_writable_venv_in_the_users_private_group_is_trusted(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """umask 002 with user private groups: every directory group-writable, by a group of one."""
    from autovenv.safepath import current_uid, private_group

    gid = os.getgid()
    if not private_group(gid, current_uid()):
        pytest.skip("this account's primary group has other members")
    old = os.umask(0o002)
    try:
        venv = make_venv(tmp_path / "p" / ".venv")
    finally:
        os.umask(old)
    assert (venv / "bin").stat().st_mode & 0o777 == 0o775
    assert verdict(venv, environ).allowed


# ---------------------------------------------------------------------------------------- rule 1: safe path


@needs_root
@pytest.mark.parametrize("part", ["venv", "bin"])
def test_group_writable_by_strangers_is_blocked_and_the_fix_is_chmod(
    tmp_path: pathlib.Path, environ: dict[str, str], part: str
) -> None:
    venv = make_venv(tmp_path / ".venv")
    target = venv if part == "venv" else venv / "bin"
    shared_group(target)
    line = block_line(tmp_path, environ)
    what, _, fix = line.partition("; to fix: ")
    reason = f"{target} is writable by group nogroup, so others could swap its {part}"
    assert what == f"not activating .venv: {reason}"
    assert shlex.split(fix) == ["chmod", "g-w", str(target)]


@pytest.mark.parametrize("mode", [0o757, 0o777, 0o1777])
def test_writable_by_others_is_blocked_even_sticky(
    tmp_path: pathlib.Path, environ: dict[str, str], mode: int
) -> None:
    venv = make_venv(tmp_path / ".venv")
    os.chmod(venv / "bin", mode)
    result = verdict(venv, environ)
    assert not result.allowed and result.remedy == trust.CHMOD
    assert result.reason == f"{venv}/bin is writable by others, so others could swap its bin"


def test_ancestor_writable_by_others_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    shared = tmp_path / "shared"
    venv = make_venv(shared / "p" / ".venv")
    os.chmod(shared, 0o777)
    result = verdict(venv, environ)
    assert not result.allowed and result.reason is not None
    assert result.reason.startswith(f"{shared} is writable by others")


def test_sticky_ancestor_like_tmp_is_fine(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    """Others may add entries to a sticky directory but not rename ours: what we pass through is safe."""
    shared = tmp_path / "shared"
    venv = make_venv(shared / "p" / ".venv")
    os.chmod(shared, 0o1777)
    assert verdict(venv, environ).allowed


@needs_root
def test_sticky_ancestor_entry_owned_by_another_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """In a sticky directory the owner of an entry may still replace it."""
    shared = tmp_path / "shared"
    venv = make_venv(shared / "p" / ".venv")
    os.chmod(shared, 0o1777)
    os.chown(shared / "p", NOBODY, -1)
    result = verdict(venv, environ)
    assert not result.allowed and "belongs to nobody (uid 65534)" in (result.reason or "")


@needs_root
@pytest.mark.parametrize("part", ["venv", "bin", "ancestor"])
def test_owned_by_another_user_is_blocked_and_allow_is_offered(
    tmp_path: pathlib.Path, environ: dict[str, str], part: str
) -> None:
    venv = make_venv(tmp_path / "up" / "p" / ".venv")
    target = {"venv": venv, "bin": venv / "bin", "ancestor": tmp_path / "up"}[part]
    os.chown(target, NOBODY, -1)
    line = block_line(tmp_path / "up" / "p", environ)
    assert f"{target} belongs to nobody (uid {NOBODY})" in line
    assert line.endswith(f"; to trust it: autovenv allow {tmp_path}/up/p")


def test_symlinked_venv_whose_real_directory_is_writable_by_others_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    real = make_venv(tmp_path / "envs" / "shop")
    os.chmod(real, 0o777)
    project = tmp_path / "shop"
    project.mkdir()
    (project / ".venv").symlink_to(real)
    result = verdict(project / ".venv", environ)
    assert not result.allowed and "writable by others" in (result.reason or "")


def test_symlink_in_a_directory_others_write_is_judged_by_where_it_leads(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """``venv = "link/venv"`` through a directory others can write: the link at its end leads to the
    user's own venv, but whoever can write the directory can swap the link, so the lookup is refused."""
    mine = make_venv(tmp_path / "mine" / "venv")
    open_dir = tmp_path / "open"
    open_dir.mkdir(mode=0o777)
    os.chmod(open_dir, 0o777)
    (open_dir / "link").symlink_to(mine.parent)
    project = tmp_path / "project"
    project.mkdir()
    (project / ".autovenv.toml").write_text(f'venv = "{open_dir}/link/venv"\n')
    _, decision = decision_for(project, environ)
    assert decision.target is None
    assert f"{open_dir} is writable by others" in decision.notes[0]


def test_interpreter_in_a_directory_others_write_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    base = tmp_path / "base"
    base.mkdir()
    os.symlink(python_of("3.12.1"), base / "python3")
    venv = make_venv(tmp_path / "p" / ".venv")
    (venv / "bin" / "python").unlink()
    (venv / "bin" / "python").symlink_to(base / "python3")
    os.chmod(base, 0o777)
    line = block_line(tmp_path / "p", environ)
    assert f"{base} is writable by others" in line and "; recreate it: python3 -m venv --clear" in line


@needs_root
def test_pin_whose_bin_belongs_to_another_user_is_not_selected(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    root = tmp_path / "pyenv"
    bin_dir = root / "versions" / "3.11.7" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(python_of("3.11.7"))
    os.chown(bin_dir, NOBODY, -1)
    project = tmp_path / "pinned"
    project.mkdir()
    (project / ".python-version").write_text("3.11.7\n")
    _, decision = decision_for(project, {**environ, "PYENV_ROOT": str(root)})
    assert decision.target is None
    assert decision.notes == [
        f"not selecting {bin_dir}: {bin_dir} belongs to nobody (uid {NOBODY}), so others could swap its bin"
    ]


@needs_root
def test_pin_whose_bin_is_group_writable_is_not_selected(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    root = tmp_path / "pyenv"
    bin_dir = root / "versions" / "3.11.7" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(python_of("3.11.7"))
    shared_group(bin_dir)
    project = tmp_path / "pinned"
    project.mkdir()
    (project / ".python-version").write_text("3.11.7\n")
    _, decision = decision_for(project, {**environ, "PYENV_ROOT": str(root)})
    assert decision.target is None
    (line,) = decision.notes
    assert "writable by group nogroup" in line and line.endswith(f"; to fix: chmod g-w {bin_dir}")


def test_pin_through_a_symlinked_version_puts_the_resolved_bin_on_path(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    root = tmp_path / "pyenv"
    (root / "versions").mkdir(parents=True)
    (root / "versions" / "3.11.7").symlink_to(python_of("3.11.7").parent.parent)
    project = tmp_path / "pinned"
    project.mkdir()
    (project / ".python-version").write_text("3.11.7\n")
    _, decision = decision_for(project, {**environ, "PYENV_ROOT": str(root)})
    assert decision.target is not None
    assert decision.target.path_entries == (str(python_of("3.11.7").parent.resolve()),)


# ---------------------------------------------------------------------------------------- rule 2: made here


@pytest.mark.parametrize("version", ["3.12.1", "3.9.18"])
def test_copied_venv_is_blocked_and_the_remedy_is_to_recreate(
    tmp_path: pathlib.Path, environ: dict[str, str], version: str
) -> None:
    """3.12 records ``command = ... -m venv <path>``; 3.9 has no ``command``: bin/activate tells."""
    original = make_venv(tmp_path / "original" / ".venv", version)
    copy = tmp_path / "copy" / ".venv"
    shutil.copytree(original, copy, symlinks=True)
    line = block_line(tmp_path / "copy", environ)
    what, _, fix = line.partition("; recreate it: ")
    assert what == f"not activating .venv: it was made at {original} (moved, copied or unpacked here?)"
    assert shlex.split(fix) == ["python3", "-m", "venv", "--clear", str(copy)]
    assert "allow" not in line


def test_moved_venv_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    original = make_venv(tmp_path / "before" / ".venv")
    (tmp_path / "after").mkdir()
    os.rename(original, tmp_path / "after" / ".venv")
    assert "it was made at" in (verdict(tmp_path / "after" / ".venv", environ).reason or "")


def test_venv_recording_nothing_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    """An archive's fake venv: pyvenv.cfg without ``command``, no bin/activate."""
    venv = tmp_path / "p" / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {python_of('3.12.1').parent}\nversion = 3.12.1\n")
    (venv / "bin" / "python").symlink_to(python_of("3.12.1"))
    line = block_line(tmp_path / "p", environ)
    assert line.startswith("not activating .venv: nothing in it records where it was made")
    assert "; recreate it: " in line and "allow" not in line


def test_venv_recording_a_relative_path_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    cfg = venv / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace(f" {venv}\n", " .venv\n"))
    (venv / "bin" / "activate").unlink()
    assert "relative creation path (.venv)" in (verdict(venv, environ).reason or "")


def test_venv_with_evidence_forged_for_this_path_but_unpacked_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """Whoever guesses the path can write it; the extractor cannot set the inode's change time."""
    import tarfile

    staging = make_venv(tmp_path / "stage" / "p" / ".venv")
    target = tmp_path / "victim" / "p" / ".venv"
    for name in ("pyvenv.cfg", "bin/activate"):
        path = staging / name
        path.write_text(path.read_text().replace(str(staging), str(target)))
        backdate(path)
    archive = tmp_path / "p.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(staging.parent, arcname="p")
    (tmp_path / "victim").mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "victim", filter="tar" if hasattr(tarfile, "tar_filter") else None)
    line = block_line(target.parent, environ)
    assert "its pyvenv.cfg was not written here: its content is 30 days older than its last change" in line
    assert "; recreate it: " in line and "allow" not in line


def test_relocatable_uv_venv_needs_an_allow(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    venv = make_uv_venv(tmp_path / "p" / ".venv", "--relocatable")
    line = block_line(tmp_path / "p", environ)
    assert line == (
        "not activating .venv: it is relocatable, so nothing records where it was made; "
        f"to trust it: autovenv allow {tmp_path}/p"
    )
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ).allowed


def test_uv_made_venv_is_recreated_with_uv(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    original = make_uv_venv(tmp_path / "a" / ".venv")
    shutil.copytree(original, tmp_path / "b" / ".venv", symlinks=True)
    assert block_line(tmp_path / "b", environ).endswith(f"; recreate it: uv venv --clear {tmp_path}/b/.venv")


# ---------------------------------------------------------------------------------------- broken venvs


def test_venv_without_interpreter_is_blocked_and_only_recreating_is_offered(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / ".venv")
    for python in (venv / "bin").glob("python*"):
        python.unlink()
    line = block_line(tmp_path, environ)
    what, _, fix = line.partition("; recreate it: ")
    assert what.startswith(f"not activating .venv: its interpreter {venv}/bin/python is missing")
    assert shlex.split(fix) == ["python3", "-m", "venv", "--clear", str(venv)]
    assert "allow" not in line


# ---------------------------------------------------------------------------------------- rule 3: not shipped


@needs_git
def test_committed_venv_is_blocked_and_allow_lifts_it(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    venv = make_venv(repo / ".venv")
    assert verdict(venv, environ).allowed
    git(repo, "add", "-f", ".venv/pyvenv.cfg")
    assert block_line(repo, environ) == (
        f"not activating .venv: it is tracked by the git repository at {repo} (a committed venv); "
        f"to trust it: autovenv allow {repo}"
    )
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ).allowed


@needs_git
def test_checking_a_venv_never_runs_the_repositorys_configured_commands(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    venv = make_venv(repo / ".venv")
    git(repo, "add", "-f", ".venv/pyvenv.cfg")
    canary = tmp_path / "CANARY"
    git(repo, "config", "core.fsmonitor", f"touch {shlex.quote(str(canary))}; false")
    verdict(venv, environ)
    assert not canary.exists()


# ---------------------------------------------------------------------------------------- allow, deny, ask


def test_new_file_in_an_allowed_venvs_bin_needs_a_new_allow(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    os.chmod(venv / "bin", 0o777)
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ).allowed
    (venv / "bin" / "ls").write_text("#!/bin/sh\n")
    line = block_line(tmp_path / "p", environ)
    assert line == (
        "not activating .venv: its bin/ changed since you allowed it (new or changed: ls); "
        f"to trust it again: autovenv allow {tmp_path}/p"
    )
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ).allowed


def test_replaced_entry_in_an_allowed_venvs_bin_needs_a_new_allow(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    os.chmod(venv / "bin", 0o777)
    trust.record(str(venv), trust.ALLOW, environ)
    (venv / "bin" / "activate.new").write_text("echo hi\n")
    os.replace(venv / "bin" / "activate.new", venv / "bin" / "activate")
    assert "(new or changed: activate)" in (verdict(venv, environ).reason or "")


@pytest.mark.parametrize("how", ["rm-and-create", "clear"])
def test_recreated_venv_needs_a_new_allow(tmp_path: pathlib.Path, environ: dict[str, str], how: str) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    os.chmod(venv / "bin", 0o777)
    trust.record(str(venv), trust.ALLOW, environ)
    if how == "clear":
        make_venv(venv, "3.12.1", "--clear")
    else:
        shutil.rmtree(venv)
        make_venv(venv)
    os.chmod(venv / "bin", 0o777)
    result = verdict(venv, environ)
    assert not result.allowed
    assert result.reason == (
        f"{venv}/bin is writable by others, so others could swap its bin "
        "(you allowed the venv that was here before)"
    )
    assert trust.records(environ) == [(str(venv), "allow", False)]


def test_deny_blocks_even_a_trusted_venv_and_survives_recreation(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    trust.record(str(venv), trust.DENY, environ)
    assert block_line(tmp_path / "p", environ) == (
        f"not activating .venv: you denied it; to allow it again: autovenv allow {tmp_path}/p"
    )
    shutil.rmtree(venv)
    make_venv(venv)
    assert verdict(venv, environ).reason == "you denied it"
    trust.record(str(venv), trust.ALLOW, environ)  # allow replaces the deny
    assert verdict(venv, environ).allowed
    assert trust.forget(str(venv), environ)
    assert trust.records(environ) == []


def test_trust_ask_needs_an_allow_for_every_new_venv(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    result = verdict(venv, environ, mode="ask")
    assert not result.allowed and result.reason == 'trust = "ask" in your config and you have not allowed it'
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ, mode="ask").allowed
    shutil.rmtree(venv)
    make_venv(venv)
    assert not verdict(venv, environ, mode="ask").allowed


@pytest.mark.parametrize("value", ["Auto", "never", "", "yes"])
def test_an_invalid_trust_value_fails_closed_as_ask(
    tmp_path: pathlib.Path, environ: dict[str, str], value: str
) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    result = verdict(venv, environ, mode=value)
    assert not result.allowed
    assert result.reason == f'trust = "{value}" in your config is not "auto" or "ask": treated as "ask"'
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ, mode=value).allowed


def test_a_project_cannot_vouch_for_itself(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    """``trust`` is the user's setting alone: in a project config it is refused and nothing activates."""
    project = tmp_path / "p"
    make_venv(project / ".venv")
    (project / ".autovenv.toml").write_text('trust = "auto"\n')
    _, decision = decision_for(project, environ, Settings(trust="ask"))
    assert decision.target is None
    assert any("'trust' is a setting of your own config.toml" in note for note in decision.notes)


# ------------------------------------------------------------------------------------ venvs named by config


@pytest.mark.parametrize("spelling", ["relative", "absolute", "venv-file"])
@pytest.mark.parametrize("breakage", ["none", "others-writable", "copied", "other-owner"])
def test_a_venv_outside_the_project_goes_through_the_same_checks(
    tmp_path: pathlib.Path, environ: dict[str, str], spelling: str, breakage: str
) -> None:
    if breakage == "other-owner" and not IS_ROOT:
        pytest.skip("changing a file's owner to another user needs root")
    outside = tmp_path / "elsewhere" / "env"
    if breakage == "copied":
        make_venv(tmp_path / "origin" / "env")
        shutil.copytree(tmp_path / "origin" / "env", outside, symlinks=True)
    else:
        make_venv(outside)
    if breakage == "others-writable":
        os.chmod(outside / "bin", 0o777)
    elif breakage == "other-owner":
        os.chown(outside, NOBODY, -1)
    project = tmp_path / "project"
    project.mkdir()
    if spelling == "venv-file":
        (project / ".venv").write_text(f"{outside}\n")
    else:
        named = "../elsewhere/env" if spelling == "relative" else str(outside)
        (project / ".autovenv.toml").write_text(f"venv = {named!r}\n".replace("'", '"'))
    resolution, decision = decision_for(project, environ)
    assert resolution.venv is not None and resolution.venv.path == str(outside)
    if breakage == "none" and spelling == "venv-file":
        # A .venv file is a project file, and may have come with the checkout: its word alone is not
        # enough for a venv outside the project. The user's allow is.
        assert decision.target is None
        (line,) = decision.notes
        assert "points there, outside the project" in line and "autovenv allow" in line
        trust.record(str(outside), trust.ALLOW, environ)
        _, decision = decision_for(project, environ)
    if breakage == "none":
        assert decision.target is not None and decision.target.venv == str(outside)
        return
    assert decision.target is None
    expected = {
        "others-writable": "writable by others",
        "copied": "made at",
        "other-owner": "belongs to nobody",
    }
    (line,) = decision.notes
    assert expected[breakage] in line


# ---------------------------------------------------------------------------------------- the block line


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_allow_in_a_block_line_pastes_back_as_the_directory_in_that_shell(
    tmp_path: pathlib.Path, environ: dict[str, str], shell: str
) -> None:
    from tests.shells.pty_shell import find_shell

    binary = find_shell(shell)
    if binary is None:
        pytest.skip(f"{shell} is not installed")
    project = tmp_path / "it's a $(touch CANARY) `x` \\ \"q\""
    venv = make_venv(project / ".venv")
    os.chmod(venv / "bin", 0o777)
    trust.record(str(venv), trust.DENY, environ)
    line = block_line(project, environ, shell)
    command = line.partition("; to allow it again: autovenv allow ")[2]
    out = subprocess.run([binary, "-c", f"printf %s {command}"], capture_output=True, cwd=tmp_path)
    assert out.stdout == os.fsencode(project)
    assert not (tmp_path / "CANARY").exists()


@pytest.mark.parametrize(
    "name",
    ["new\nline", "esc\x1b]0;title\x07", "cr\rreturn", "csi\x9b2Jc1", "nel\x85c1", "ls\u2028sep",
     "bidi\u202eevil", "zw\u200bsp", "bad\udcffbyte"],
    ids=["newline", "escape", "cr", "c1-csi", "c1-nel", "line-separator", "bidi", "zero-width", "non-utf8"],
)  # fmt: skip
def test_block_line_is_one_printable_line_whatever_the_directory_name(
    tmp_path: pathlib.Path, environ: dict[str, str], name: str
) -> None:
    project = tmp_path / name
    project.mkdir()
    venv = make_venv(tmp_path / "env")  # CPython's venv cannot be made under a name that is not UTF-8
    (project / ".venv").write_bytes(os.fsencode(venv) + b"\n")
    trust.record(str(venv), trust.DENY, environ)
    line = block_line(project, environ)
    assert line.isprintable()
    shown = line.partition("; to allow it again: autovenv allow ")[2]
    out = subprocess.run(["bash", "-c", f"printf %s {shown}"], capture_output=True)
    assert out.stdout == os.fsencode(project)


def test_prompt_values_from_files_reach_the_prompt_as_printable_text(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    project = tmp_path / "p"
    make_venv(project / ".venv", "3.12.1", "--prompt", "x\x1b]0;pwned\x07y")
    _, decision = decision_for(project, environ)
    assert decision.target is not None and decision.target.prompt is not None
    assert decision.target.prompt == "(x\\x1b]0;pwned\\x07y) " and decision.target.prompt.isprintable()
    (project / ".autovenv.toml").write_text('prompt = "a\\u001b[2Jb\\u202e"\n')
    _, decision = decision_for(project, environ)
    assert decision.target is not None and decision.target.prompt == "(a\\x1b[2Jb\\u202e) "


def test_lock_hint_quotes_a_hostile_requirements_file_for_the_users_shell(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    from autovenv import export, shells

    project = tmp_path / "p"
    make_venv(project / ".venv")
    name = "requirements$(touch CANARY)'.txt"
    (project / name).write_text("six==1.16.0\n")
    for shell in ("bash", "fish"):
        result, _ = export.compute(shells.get(shell), {**environ, "PWD": str(project)}, str(project))
        hint = result.notes[-1]
        lead, _, command = hint.partition("; run: ")
        assert lead == f"{name}: six 1.16.0 pinned, not installed"
        words = ["uv", "pip", "install", "-r"]  # a venv made --without-pip
        assert command.startswith(" ".join(words) + " ")
        from autovenv.display import word

        assert command == " ".join([*words, word(name, shell)])
    out = subprocess.run(["bash", "-c", f"printf %s {word(name, 'bash')}"], capture_output=True, cwd=tmp_path)
    assert out.stdout == name.encode() and not (tmp_path / "CANARY").exists()


def test_display_quote_is_the_posix_word() -> None:
    assert display_quote("/a b") == "'/a b'" and display_quote("/plain") == "/plain"


# ---------------------------------------------------------------------------------------- the CLI


def autovenv() -> str:
    candidate = pathlib.Path(sys.executable).parent / "autovenv"
    found = str(candidate) if candidate.exists() else shutil.which("autovenv")
    if found is None:
        pytest.fail("autovenv is not installed in the test environment")
    return found


def cli(environ: dict[str, str], cwd: pathlib.Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [autovenv(), *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=60
    )


def test_cli_allow_deny_and_trust_list(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    project = tmp_path / "shop"
    venv = make_venv(project / ".venv")
    os.chmod(venv / "bin", 0o777)
    (project / "src").mkdir()
    listed = cli(environ, project, "trust", "list")
    assert (listed.returncode, listed.stdout) == (0, "no stored decisions\n")

    allowed = cli(environ, project / "src", "allow")  # from a subdirectory: the project's venv
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stderr == f"autovenv: allowed {venv}\n"
    store = pathlib.Path(environ["XDG_DATA_HOME"]) / "autovenv"
    assert store.stat().st_mode & 0o777 == 0o700
    assert verdict(venv, environ).allowed
    assert cli(environ, tmp_path, "trust", "list").stdout == f"allow  {venv}\n"

    shutil.rmtree(venv)
    make_venv(venv)
    assert cli(environ, tmp_path, "trust", "list").stdout == f"allow  (stale) {venv}\n"

    denied = cli(environ, tmp_path, "deny", str(project))  # by directory argument, from elsewhere
    assert denied.returncode == 0 and denied.stderr == f"autovenv: denied {venv}\n"
    assert cli(environ, tmp_path, "trust", "list").stdout == f"deny   {venv}\n"
    assert verdict(venv, environ).reason == "you denied it"

    status = cli(environ, project, "status", "--json")
    assert '"blocked": "you denied it"' in status.stdout


def test_cli_allow_into_a_data_dir_others_can_write_is_one_line_error(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    project = tmp_path / "shop"
    make_venv(project / ".venv")
    data = pathlib.Path(environ["XDG_DATA_HOME"])
    data.mkdir(parents=True)
    os.chmod(data, 0o777)
    result = cli(environ, project, "allow")
    assert result.returncode == 1
    assert result.stderr == f"autovenv: {data} is writable by others; not using {data}/autovenv\n"


def test_cli_allow_without_a_venv_is_one_line_error(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    result = cli(environ, tmp_path, "allow")
    assert result.returncode == 1
    assert result.stderr == f"autovenv: no virtual environment found for {tmp_path}\n"


def test_cli_allow_through_a_symlinked_project_covers_the_physical_path(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    real = tmp_path / "real"
    venv = make_venv(real / ".venv")
    os.chmod(venv / "bin", 0o777)
    (tmp_path / "link").symlink_to(real)
    assert cli(environ, tmp_path, "allow", str(tmp_path / "link")).returncode == 0
    _, decision = decision_for(real, environ)
    assert decision.target is not None and decision.target.venv == str(venv)


def test_a_resolved_bin_holding_the_path_separator_is_not_activated(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """The logical path is fine, but the resolved one goes on PATH, where ':' would split it."""
    venv = make_venv(tmp_path / "real" / ".venv")
    os.rename(tmp_path / "real", tmp_path / "a:b")
    project = tmp_path / "p"
    project.mkdir()
    (project / ".venv").symlink_to(tmp_path / "a:b" / ".venv")
    trust.record(str(tmp_path / "a:b" / ".venv"), trust.ALLOW, environ)
    _, decision = decision_for(project, environ)
    assert decision.target is None
    assert decision.notes == [f"{tmp_path}/a:b/.venv/bin contains ':', which cannot be put on PATH"]
    assert venv.name == ".venv"
