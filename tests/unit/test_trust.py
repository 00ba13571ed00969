"""Trust (DESIGN §5): never put a directory first on PATH unless it is plainly the user's own.

Pure functions on temporary trees: ownership and modes, committed venvs (real ``git``), venvs created at
another path (real venvs made by CPython 3.9 and 3.12), the allow/deny store keyed by real path plus
identity, ``trust = "ask"``, configured venv paths outside the project, and the CLI commands
(``autovenv allow``, ``deny``, ``trust list``) run as a user would, with a private HOME.
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

PYENV_ROOT = pathlib.Path(os.environ.get("PYENV_ROOT") or "/nonexistent-pyenv-root")
NOBODY = 65534
IS_ROOT = hasattr(os, "getuid") and os.getuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="changing a file's owner to another user needs root")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def python_of(version: str) -> pathlib.Path:
    path = PYENV_ROOT / "versions" / version / "bin" / "python"
    if not path.exists():
        pytest.skip(f"pyenv Python {version} is not installed under {PYENV_ROOT}")
    return path


def make_venv(where: pathlib.Path, version: str = "3.12.1", *options: str) -> pathlib.Path:
    """A real venv, created at its final path by that CPython's own ``-m venv``."""
    subprocess.run([str(python_of(version)), "-m", "venv", "--without-pip", *options, str(where)], check=True)
    return where


@pytest.fixture
def environ(tmp_path: pathlib.Path) -> dict[str, str]:
    """A private HOME and data dir, so no test sees another's (or the developer's) trust store."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "HOME": str(home),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "PYENV_ROOT": str(PYENV_ROOT),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }


def verdict(venv: pathlib.Path | str, environ: dict[str, str], mode: str = "auto") -> trust.Verdict:
    return trust.check_venv(inspect_venv(str(venv)), mode, environ)


def decision_for(
    directory: pathlib.Path, environ: dict[str, str], settings: Settings | None = None
) -> tuple[Resolution, Decision]:
    settings = settings or Settings()
    resolution = resolve(str(directory), environ, settings)
    return resolution, decide(resolution, settings, environ)


def git(repo: pathlib.Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        check=True,
        capture_output=True,
    )


# ---------------------------------------------------------------------------------------- ownership, modes


def test_own_fresh_venv_is_trusted(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    assert verdict(make_venv(tmp_path / ".venv"), environ).allowed


@needs_root
@pytest.mark.parametrize("part", ["directory", "bin"])
def test_venv_owned_by_another_user_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str], part: str
) -> None:
    venv = make_venv(tmp_path / ".venv")
    os.chown(venv if part == "directory" else venv / "bin", NOBODY, -1)
    result = verdict(venv, environ)
    assert not result.allowed
    assert result.reason == f"its {part} is owned by another user (uid {NOBODY})"


@pytest.mark.parametrize("part", ["directory", "bin"])
@pytest.mark.parametrize(
    ("mode", "who"), [(0o775, "its group"), (0o757, "others"), (0o777, "others"), (0o1777, "others")]
)
def test_venv_writable_by_group_or_others_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str], part: str, mode: int, who: str
) -> None:
    venv = make_venv(tmp_path / ".venv")
    os.chmod(venv if part == "directory" else venv / "bin", mode)
    result = verdict(venv, environ)
    assert not result.allowed
    assert result.reason == f"its {part} is writable by {who}"


def test_sticky_bin_writable_by_others_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    venv = make_venv(tmp_path / ".venv")
    os.chmod(venv / "bin", 0o1757)
    result = verdict(venv, environ)
    assert not result.allowed
    assert result.reason == "its bin is writable by others"


def test_symlinked_venv_whose_real_directory_is_writable_by_others_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    real = make_venv(tmp_path / "envs" / "shop")
    os.chmod(real, 0o777)
    project = tmp_path / "shop"
    project.mkdir()
    (project / ".venv").symlink_to(real)
    assert not verdict(real, environ).allowed  # the same directory, reached directly: blocked
    result = verdict(project / ".venv", environ)
    assert not result.allowed
    assert "writable by others" in (result.reason or "")


def test_symlinked_venv_of_the_user_is_trusted(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    real = make_venv(tmp_path / "envs" / "shop")
    project = tmp_path / "shop"
    project.mkdir()
    (project / ".venv").symlink_to(real)
    assert verdict(project / ".venv", environ).allowed


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
    env = {**environ, "PYENV_ROOT": str(root)}
    _, decision = decision_for(project, env)
    assert decision.target is None
    assert decision.notes == [f"not selecting {bin_dir}: its bin is owned by another user (uid {NOBODY})"]


def test_pin_whose_bin_is_group_writable_is_not_selected(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    root = tmp_path / "pyenv"
    bin_dir = root / "versions" / "3.11.7" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(python_of("3.11.7"))
    os.chmod(bin_dir, 0o775)
    project = tmp_path / "pinned"
    project.mkdir()
    (project / ".python-version").write_text("3.11.7\n")
    _, decision = decision_for(project, {**environ, "PYENV_ROOT": str(root)})
    assert decision.target is None
    assert len(decision.notes) == 1 and "writable by its group" in decision.notes[0]


# ---------------------------------------------------------------------------------------- committed venvs


@needs_git
def test_committed_venv_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    venv = make_venv(repo / ".venv")
    assert verdict(venv, environ).allowed
    git(repo, "add", "-f", ".venv/pyvenv.cfg")
    result = verdict(venv, environ)
    assert not result.allowed
    assert result.reason == "it is tracked by git (a committed venv)"
    git(repo, "commit", "-qm", "venv")
    assert trust.git_tracked(str(venv))


@needs_git
def test_ignored_venv_in_a_repository_is_trusted(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    """The index mentions ``x.venv/`` (a byte match for ``.venv/``): git itself settles it, not tracked."""
    repo = tmp_path / "repo"
    (repo / "x.venv").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "x.venv" / "file").write_text("tracked\n")
    (repo / ".gitignore").write_text(".venv/\n")
    git(repo, "add", ".gitignore", "x.venv/file")
    venv = make_venv(repo / ".venv")
    assert not trust.git_tracked(str(venv))
    assert verdict(venv, environ).allowed


@needs_git
def test_committed_venv_deep_inside_a_repository_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    repo = tmp_path / "repo"
    project = repo / "services" / "api"
    project.mkdir(parents=True)
    git(repo, "init", "-q")
    venv = make_venv(project / ".venv")
    git(repo, "add", "-f", "services/api/.venv/bin/activate")
    assert not verdict(venv, environ).allowed


@needs_git
def test_committed_venv_in_a_worktree_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    """A worktree's ``.git`` is a file naming its git dir (so are submodules'): followed, no git process."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    make_venv(repo / ".venv")
    git(repo, "add", "-f", ".venv/pyvenv.cfg")
    git(repo, "commit", "-qm", "venv")
    shutil.rmtree(repo / ".venv")
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()
    shutil.rmtree(worktree / ".venv")
    venv = make_venv(worktree / ".venv")
    git(worktree, "add", "-f", ".venv/pyvenv.cfg")
    assert not verdict(venv, environ).allowed


@needs_git
def test_committed_venv_with_a_version_4_index_is_blocked(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """Index v4 compresses paths, so the byte search cannot rule anything out: git is asked."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    venv = make_venv(repo / ".venv")
    git(repo, "add", "-f", ".venv/pyvenv.cfg")
    git(repo, "update-index", "--index-version", "4")
    assert (repo / ".git" / "index").read_bytes()[4:8] == (4).to_bytes(4, "big")
    assert not verdict(venv, environ).allowed


@needs_git
def test_committed_venv_is_blocked_even_when_git_fails(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """A repository git itself cannot read (broken config) still has its venv counted as committed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    venv = make_venv(repo / ".venv")
    git(repo, "add", "-f", ".venv/pyvenv.cfg")
    with open(repo / ".git" / "config", "a") as handle:
        handle.write("[core\nbroken\n")
    assert subprocess.run(["git", "-C", str(repo), "ls-files"], capture_output=True).returncode != 0
    assert not verdict(venv, environ).allowed


@needs_git
def test_checking_a_venv_never_runs_the_repositorys_configured_commands(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    venv = make_venv(repo / ".venv")
    git(repo, "add", "-f", ".venv/pyvenv.cfg")  # the index now names .venv/: git gets asked
    canary = tmp_path / "CANARY"
    git(repo, "config", "core.fsmonitor", f"touch {shlex.quote(str(canary))}; false")
    verdict(venv, environ)
    assert not canary.exists()


COMPONENTS = [".venv", ".venvx", ".ven", "venv", "a", "ab", "abc", "é", "x y", "b\\c", "z" * 40, "L" * 150]


@needs_git
def test_index_parser_agrees_with_git(tmp_path: pathlib.Path) -> None:
    """The in-process index reader must list exactly what ``git ls-files`` lists, for index v2, v3, v4.

    Paths share long prefixes (v4 stores each as "drop N bytes of the previous path, then append"), and
    ``--skip-worktree`` / ``add -N`` set the extended flags that make an entry 2 bytes longer (v3).
    """
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    paths = st.lists(st.sampled_from(COMPONENTS), min_size=1, max_size=4).map("/".join)
    counter = iter(range(10**6))

    @settings(max_examples=25, deadline=None, derandomize=bool(os.environ.get("CI")), database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(st.lists(paths, min_size=1, max_size=10, unique=True), st.sampled_from([2, 3, 4]), st.booleans(),
           st.booleans())  # fmt: skip
    def check(files: list[str], version: int, skip_worktree: bool, intent: bool) -> None:
        repo = tmp_path / f"r{next(counter)}"
        repo.mkdir()
        git(repo, "init", "-q")
        kept = []
        for name in files:
            target = repo / name
            if any(parent.is_file() for parent in target.parents) or target.is_dir():
                continue  # a path used both as a file and as a directory
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(name)
            kept.append(name)
        if not kept:
            return
        git(repo, "add", "-f", "--", *kept[1:] if intent and len(kept) > 1 else kept)
        if intent and len(kept) > 1:
            git(repo, "add", "-N", "-f", "--", kept[0])  # intent-to-add: an extended flag
        if skip_worktree:
            git(repo, "update-index", "--skip-worktree", "--", kept[-1])
        git(repo, "update-index", "--index-version", str(version))
        listed = git(repo, "ls-files", "-z").stdout.split(b"\0")[:-1]
        assert trust.index_paths((repo / ".git" / "index").read_bytes()) == listed
        for candidate in (".venv", "a", "a/.venv", ".venvx"):
            prefix = os.fsencode(candidate) + b"/"
            expected = any(path.startswith(prefix) for path in listed)
            assert trust.git_tracked(str(repo / candidate)) == expected, candidate

    check()


@needs_git
@pytest.mark.parametrize("version", [2, 3, 4])
def test_index_with_long_shared_prefixes_is_read_exactly(tmp_path: pathlib.Path, version: int) -> None:
    """v4 drops of 128 bytes or more take a multi-byte varint."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    names = [
        "a/" + "z" * 200 + "/f",
        "a/" + "z" * 200 + "/g",
        "b/.venv/x",
        ".venv/" + "y" * 200 + "/" + "w" * 150,
        ".venv/y",
    ]
    for name in names:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x")
    git(repo, "add", "-f", "--", *names)
    git(repo, "update-index", "--index-version", str(version))
    listed = git(repo, "ls-files", "-z").stdout.split(b"\0")[:-1]
    assert trust.index_paths((repo / ".git" / "index").read_bytes()) == listed
    assert trust.git_tracked(str(repo / ".venv")) and trust.git_tracked(str(repo / "b" / ".venv"))
    assert not trust.git_tracked(str(repo / "a" / ".venv"))


def test_unparseable_index_counts_as_tracked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "index").write_bytes(b"DIRC\x00\x00\x00\x02\x00\x00\x00\x05truncated")
    venv = make_venv(repo / ".venv")
    assert verdict(venv, environ).reason == "it is tracked by git (a committed venv)"


# ---------------------------------------------------------------------------------------- created elsewhere


@pytest.mark.parametrize("version", ["3.12.1", "3.9.18"])
def test_venv_created_in_place_is_trusted(
    tmp_path: pathlib.Path, environ: dict[str, str], version: str
) -> None:
    venv = make_venv(tmp_path / "with space -m venv x" / ".venv", version)
    info = inspect_venv(str(venv))
    assert info.created_at == str(venv)
    assert verdict(venv, environ).allowed


@pytest.mark.parametrize("version", ["3.12.1", "3.9.18"])
def test_copied_venv_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str], version: str) -> None:
    """3.12 records ``command = ... -m venv <path>``; 3.9 has no ``command`` key: bin/activate tells."""
    original = make_venv(tmp_path / "original" / ".venv", version)
    if version == "3.9.18":
        assert "command" not in (original / "pyvenv.cfg").read_text()
    copy = tmp_path / "copy" / ".venv"
    shutil.copytree(original, copy, symlinks=True)
    result = verdict(copy, environ)
    assert not result.allowed
    assert result.reason == f"it was created at {original} (copied or unpacked here?)"


def test_moved_venv_is_blocked(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    original = make_venv(tmp_path / "before" / ".venv")
    (tmp_path / "after").mkdir()
    os.rename(original, tmp_path / "after" / ".venv")
    assert "created at" in (verdict(tmp_path / "after" / ".venv", environ).reason or "")


def test_venv_created_through_a_symlinked_parent_is_trusted_by_either_path(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    make_venv(tmp_path / "link" / ".venv")  # records the logical path
    assert verdict(tmp_path / "link" / ".venv", environ).allowed
    assert verdict(real / ".venv", environ).allowed


def test_venv_created_in_place_with_a_quoted_prompt_is_trusted(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / ".venv", "3.12.1", "--prompt", 'my "x" y')
    assert verdict(venv, environ).allowed


# ---------------------------------------------------------------------------------------- missing interpreter


def test_venv_without_interpreter_is_blocked_until_allowed(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """Its base Python removed: one line (what, why, the allow), nothing activated until allowed."""
    venv = make_venv(tmp_path / ".venv")
    for python in (venv / "bin").glob("python*"):
        python.unlink()
    _, decision = decision_for(tmp_path, environ)
    assert decision.target is None
    (line,) = decision.notes
    what, _, command = line.partition("; to trust it: ")
    assert what.startswith(f"not activating .venv: its interpreter {venv}/bin/python is missing")
    assert shlex.split(command) == ["autovenv", "allow", str(tmp_path)]
    trust.record(str(venv), trust.ALLOW, environ)
    _, decision = decision_for(tmp_path, environ)
    assert decision.target is not None and decision.target.venv == str(venv)


# ---------------------------------------------------------------------------------------- allow / deny store


def test_allow_lifts_a_block_and_is_stored_privately_under_the_data_dir(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    os.chmod(venv / "bin", 0o775)
    assert not verdict(venv, environ).allowed
    path = trust.record(str(venv), trust.ALLOW, environ)
    store = pathlib.Path(environ["XDG_DATA_HOME"]) / "autovenv" / "trust"
    assert pathlib.Path(path).is_relative_to(store)
    assert store.stat().st_mode & 0o777 == 0o700
    assert verdict(venv, environ).allowed
    assert trust.records(environ) == [(str(venv), "allow", True)]


@pytest.mark.parametrize("how", ["rm-and-create", "clear"])
def test_recreated_venv_needs_a_new_allow(tmp_path: pathlib.Path, environ: dict[str, str], how: str) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    os.chmod(venv / "bin", 0o775)
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ).allowed
    if how == "clear":
        make_venv(venv, "3.12.1", "--clear")
    else:
        shutil.rmtree(venv)
        make_venv(venv)
    os.chmod(venv / "bin", 0o775)
    result = verdict(venv, environ)
    assert not result.allowed and "writable by its group" in (result.reason or "")
    assert trust.stored(str(venv), environ) is None
    assert trust.records(environ) == [(str(venv), "allow", False)]


def test_swapped_in_venv_needs_a_new_allow(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    """Another venv renamed into the allowed path (same path, same creation record) is a different venv."""
    venv = make_venv(tmp_path / "p" / ".venv")
    os.chmod(venv / "bin", 0o775)
    trust.record(str(venv), trust.ALLOW, environ)
    spare = make_venv(tmp_path / "p" / ".venv-new")
    os.chmod(spare / "bin", 0o775)
    shutil.rmtree(venv)
    os.rename(spare, venv)
    assert not verdict(venv, environ).allowed


def test_allow_is_keyed_by_the_real_path(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    real = tmp_path / "real"
    venv = make_venv(real / ".venv")
    os.chmod(venv / "bin", 0o775)
    (tmp_path / "link").symlink_to(real)
    trust.record(str(tmp_path / "link" / ".venv"), trust.ALLOW, environ)
    assert verdict(venv, environ).allowed
    assert verdict(tmp_path / "link" / ".venv", environ).allowed
    assert [row[0] for row in trust.records(environ)] == [str(venv)]


def test_deny_blocks_even_a_trusted_venv_and_survives_recreation(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    trust.record(str(venv), trust.DENY, environ)
    assert verdict(venv, environ).reason == "you denied it"
    shutil.rmtree(venv)
    make_venv(venv)
    assert verdict(venv, environ).reason == "you denied it"
    trust.record(str(venv), trust.ALLOW, environ)  # allow replaces the deny
    assert verdict(venv, environ).allowed
    assert trust.records(environ) == [(str(venv), "allow", True)]
    assert trust.forget(str(venv), environ)
    assert trust.records(environ) == []


def test_records_round_trip_paths_whose_components_start_with_d(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """The store mirrors paths with a ``d`` prefix per component; listing must undo exactly that."""
    venv = make_venv(tmp_path / "dd" / "d" / "data dir" / ".venv")
    trust.record(str(venv), trust.DENY, environ)
    assert trust.records(environ) == [(str(venv), "deny", True)]


def test_trust_ask_needs_an_allow_for_every_new_venv(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    result = verdict(venv, environ, mode="ask")
    assert not result.allowed and result.reason == 'trust = "ask" and it is not allowed yet'
    trust.record(str(venv), trust.ALLOW, environ)
    assert verdict(venv, environ, mode="ask").allowed
    shutil.rmtree(venv)
    make_venv(venv)
    assert not verdict(venv, environ, mode="ask").allowed


def test_trust_ask_from_the_user_config_file(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    from autovenv import settings as settings_mod

    config = pathlib.Path(environ["XDG_CONFIG_HOME"]) / "autovenv" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('trust = "ask"\n')
    user = settings_mod.load(environ)
    assert user.trust == "ask"
    make_venv(tmp_path / "p" / ".venv")
    _, decision = decision_for(tmp_path / "p", environ, user)
    assert decision.target is None and decision.blocked == 'trust = "ask" and it is not allowed yet'


def test_a_project_cannot_vouch_for_itself(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    """``trust`` is the user's setting alone: in a project config it is refused and nothing activates."""
    project = tmp_path / "p"
    make_venv(project / ".venv")
    (project / ".autovenv.toml").write_text('trust = "auto"\n')
    _, decision = decision_for(project, environ, Settings(trust="ask"))
    assert decision.target is None
    assert any("unknown setting 'trust'" in note for note in decision.notes)


# ------------------------------------------------------------------------------------ venvs named by config


@pytest.mark.parametrize("spelling", ["relative", "absolute", "venv-file"])
@pytest.mark.parametrize("breakage", ["none", "group-writable", "copied", "other-owner"])
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
    if breakage == "group-writable":
        os.chmod(outside / "bin", 0o775)
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
        "group-writable": "writable by its group",
        "copied": "created at",
        "other-owner": "another user",
    }
    (line,) = decision.notes
    assert expected[breakage] in line


# ---------------------------------------------------------------------------------------- the block line



def test_block_line_says_what_why_and_the_exact_allow(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    project = tmp_path / "it's a $(project)"
    venv = make_venv(project / ".venv")
    os.chmod(venv / "bin", 0o775)
    _, decision = decision_for(project, environ)
    (line,) = decision.notes
    what, _, command = line.partition("; to trust it: ")
    assert what == "not activating .venv: its bin is writable by its group"
    assert shlex.split(command) == ["autovenv", "allow", str(project)]


@pytest.mark.parametrize(
    "name",
    [
        "new\nline",
        "esc\x1b]0;title\x07",
        "cr\rreturn",
        "csi\x9b2Jc1",
        "nel\x85c1",
        "ls\u2028sep",
    ],
    ids=["newline", "escape", "cr", "c1-csi", "c1-nel", "line-separator"],
)
def test_block_line_is_one_printable_line_whatever_the_directory_name(
    tmp_path: pathlib.Path, environ: dict[str, str], name: str
) -> None:
    project = tmp_path / name
    venv = make_venv(project / ".venv")
    os.chmod(venv / "bin", 0o775)
    _, decision = decision_for(project, environ)
    (line,) = decision.notes
    assert line.isprintable()
    assert display_quote(str(project)).isprintable()
    shown = line.partition("; to trust it: autovenv allow ")[2]
    assert subprocess.run(["bash", "-c", f"printf %s {shown}"], capture_output=True).stdout == os.fsencode(
        project
    )


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
    os.chmod(venv / "bin", 0o775)
    (project / "src").mkdir()
    listed = cli(environ, project, "trust", "list")
    assert (listed.returncode, listed.stdout) == (0, "no stored decisions\n")

    allowed = cli(environ, project / "src", "allow")  # from a subdirectory: the project's venv
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stderr == f"autovenv: allowed {venv}\n"
    assert (pathlib.Path(environ["XDG_DATA_HOME"]) / "autovenv" / "trust").is_dir()
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


def test_cli_allow_without_a_venv_is_one_line_error(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    result = cli(environ, tmp_path, "allow")
    assert result.returncode == 1
    assert result.stderr == f"autovenv: no virtual environment found for {tmp_path}\n"
    assert "Traceback" not in result.stderr


def test_cli_allow_through_a_symlinked_project_covers_the_physical_path(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    real = tmp_path / "real"
    venv = make_venv(real / ".venv")
    os.chmod(venv / "bin", 0o775)
    (tmp_path / "link").symlink_to(real)
    assert cli(environ, tmp_path, "allow", str(tmp_path / "link")).returncode == 0
    _, decision = decision_for(real, environ)
    assert decision.target is not None and decision.target.venv == str(venv)
