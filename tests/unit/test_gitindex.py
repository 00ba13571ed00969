"""Rule 3, "not shipped": every repository containing a venv asked through its index, built by real git.

Each case is made with ``git`` itself (never by writing index bytes by hand, except to break one), and
the reader is held to ``git ls-files`` for index versions 2, 3 and 4, split indexes and SHA-256
repositories. No ``git`` process is started by the code under test (test_trust checks fsmonitor).
"""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest

from autovenv import gitformat, gitindex
from tests.trustkit import git, make_venv, needs_git

pytestmark = needs_git


def tracked(path: pathlib.Path) -> str | None:
    return gitindex.tracked_by(os.path.realpath(path))


def repo_at(path: pathlib.Path, *options: str) -> pathlib.Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", *options)
    return path


def fake_venv(where: pathlib.Path) -> pathlib.Path:
    """What a hostile repository commits: a pyvenv.cfg and a bin/ of its own commands."""
    (where / "bin").mkdir(parents=True)
    (where / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (where / "bin" / "git").write_text("#!/bin/sh\ntouch /tmp/pwned\n")
    return where


def test_untracked_venv_in_a_repository_is_not_shipped(tmp_path: pathlib.Path) -> None:
    repo = repo_at(tmp_path / "repo")
    (repo / ".gitignore").write_text(".venv/\n")
    (repo / "x.venv").mkdir()
    (repo / "x.venv" / "f").write_text("x")
    git(repo, "add", ".gitignore", "x.venv/f")  # the index mentions "x.venv/": a byte match for ".venv/"
    venv = make_venv(repo / ".venv")
    assert tracked(venv) is None


@pytest.mark.parametrize("version", [2, 3, 4])
def test_committed_venv_is_shipped_in_every_index_version(tmp_path: pathlib.Path, version: int) -> None:
    repo = repo_at(tmp_path / "repo")
    venv = make_venv(repo / "services" / "api" / ".venv")
    git(repo, "add", "-f", "services/api/.venv/bin/activate")
    if version == 3:  # git writes v2 unless an entry needs v3's extended flags
        git(repo, "update-index", "--skip-worktree", "services/api/.venv/bin/activate")
    git(repo, "update-index", "--index-version", str(version))
    assert (repo / ".git" / "index").read_bytes()[4:8] == version.to_bytes(4, "big")
    assert tracked(venv) == f"it is tracked by the git repository at {repo} (a committed venv)"


def test_the_venv_as_a_repository_root_is_shipped(tmp_path: pathlib.Path) -> None:
    """A clone whose root is a fake venv: the check must start at the venv, not at its parent."""
    venv = repo_at(fake_venv(tmp_path / "clone"))
    git(venv, "add", ".")
    assert tracked(venv) == f"it is the work tree of the git repository at {venv} (a committed venv)"


def test_a_repository_above_the_nearest_one_is_asked_too(tmp_path: pathlib.Path) -> None:
    """A nested repository that does not track the venv does not hide an outer one that does."""
    outer = repo_at(tmp_path / "outer")
    inner = outer / "inner"
    venv = fake_venv(inner / ".venv")
    git(outer, "add", "-f", "inner/.venv/bin/git")
    repo_at(inner)
    (inner / "README").write_text("x")
    git(inner, "add", "README")
    assert tracked(venv) == f"it is tracked by the git repository at {outer} (a committed venv)"


def test_a_venv_submodule_is_shipped(tmp_path: pathlib.Path) -> None:
    """``git clone --recursive`` of a project whose .venv is a submodule (a .git file, .git/modules)."""
    upstream = repo_at(fake_venv(tmp_path / "evil-venv"))
    git(upstream, "add", ".")
    git(upstream, "commit", "-qm", "venv")
    project = repo_at(tmp_path / "project")
    git(project, "submodule", "add", "-q", str(upstream), ".venv")
    git(project, "commit", "-qm", "sub")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--recursive", str(project), str(clone))
    assert (clone / ".venv" / ".git").is_file()
    assert tracked(clone / ".venv") == (
        f"it is the work tree of the git repository at {clone}/.venv (a committed venv)"
    )
    # Its own repository emptied: the superproject's gitlink still names it.
    git(clone / ".venv", "rm", "-rq", "--cached", ".")
    assert tracked(clone / ".venv") == f"it is tracked by the git repository at {clone} as a submodule"


def test_a_venv_inside_a_submodule_that_is_not_checked_out_is_shipped(tmp_path: pathlib.Path) -> None:
    upstream = repo_at(tmp_path / "lib")
    (upstream / "f").write_text("x")
    git(upstream, "add", "f")
    git(upstream, "commit", "-qm", "lib")
    project = repo_at(tmp_path / "project")
    git(project, "submodule", "add", "-q", str(upstream), "vendor/lib")
    git(project, "commit", "-qm", "sub")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(project), str(clone))  # not --recursive: vendor/lib stays empty
    assert not (clone / "vendor" / "lib" / ".git").exists()
    venv = fake_venv(clone / "vendor" / "lib" / ".venv")
    assert tracked(venv) == (
        f"it lies in a submodule of the git repository at {clone} that is not checked out there"
    )


def test_the_users_venv_in_a_checked_out_submodule_is_not_shipped(tmp_path: pathlib.Path) -> None:
    upstream = repo_at(tmp_path / "lib")
    (upstream / "f").write_text("x")
    git(upstream, "add", "f")
    git(upstream, "commit", "-qm", "lib")
    project = repo_at(tmp_path / "project")
    git(project, "submodule", "add", "-q", str(upstream), "vendor/lib")
    venv = make_venv(project / "vendor" / "lib" / ".venv")
    assert tracked(venv) is None


def test_committed_venv_in_a_worktree_is_shipped(tmp_path: pathlib.Path) -> None:
    repo = repo_at(tmp_path / "repo")
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    git(repo, "commit", "-qm", "f")
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()
    venv = make_venv(worktree / ".venv")
    assert tracked(venv) is None
    git(worktree, "add", "-f", ".venv/pyvenv.cfg")
    assert tracked(venv) == f"it is tracked by the git repository at {worktree} (a committed venv)"


def test_split_index_is_read_with_its_shared_index(tmp_path: pathlib.Path) -> None:
    repo = repo_at(tmp_path / "repo")
    venv = make_venv(repo / ".venv")
    for i in range(20):
        (repo / f"f{i}").write_text(str(i))
    git(repo, "add", "-f", ".", ".venv/pyvenv.cfg")
    git(repo, "update-index", "--split-index")
    git(repo, "commit", "-qm", "all")
    shared = list((repo / ".git").glob("sharedindex.*"))
    assert shared, "git made no shared index"
    assert tracked(venv) is not None
    # Untracked again through the split index alone (the shared index still lists it): not shipped.
    git(repo, "rm", "-rq", "--cached", ".venv")
    assert any((repo / ".git").glob("sharedindex.*"))
    assert [e.path for e in gitformat.read_entries(str(repo / ".git")) or []] == git(
        repo, "ls-files", "-z"
    ).stdout.split(b"\0")[:-1]
    assert tracked(venv) is None
    # A shared index that is gone: the index may list anything.
    for path in (repo / ".git").glob("sharedindex.*"):
        path.unlink()
    assert "cannot be read" in (tracked(venv) or "")


def test_sparse_index_directory_holding_the_venv_is_shipped(tmp_path: pathlib.Path) -> None:
    repo = repo_at(tmp_path / "repo")
    for name in ("src/a", "lib/b", "lib/sub/c"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(name)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "tree")
    git(repo, "sparse-checkout", "set", "--cone", "--sparse-index", "src")
    data = (repo / ".git" / "index").read_bytes()
    assert b"sdir" in data, "git wrote no sparse index"
    venv = fake_venv(repo / "lib" / ".venv")
    assert tracked(venv) == (
        f"it lies in a directory the git repository at {repo} tracks in its sparse index"
    )
    assert tracked(make_venv(repo / "src" / ".venv")) is None


def test_sha256_repository(tmp_path: pathlib.Path) -> None:
    repo = repo_at(tmp_path / "repo", "--object-format=sha256")
    venv = make_venv(repo / ".venv")
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    assert tracked(venv) is None
    git(repo, "add", "-f", ".venv/pyvenv.cfg")
    assert tracked(venv) is not None


def test_repository_without_an_index_tracks_nothing(tmp_path: pathlib.Path) -> None:
    """``git init`` then ``python -m venv .venv``: no index until the first ``git add``."""
    repo = repo_at(tmp_path / "repo")
    assert not (repo / ".git" / "index").exists()
    assert tracked(make_venv(repo / ".venv")) is None


@pytest.mark.parametrize(
    "breakage",
    ["truncated", "garbage", "unknown-required-extension", "index-fifo", "dot-git-fifo", "dot-git-nonsense"],
)
def test_an_index_that_cannot_be_read_counts_as_tracking(tmp_path: pathlib.Path, breakage: str) -> None:
    repo = repo_at(tmp_path / "repo")
    venv = make_venv(repo / ".venv")
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    index = repo / ".git" / "index"
    data = index.read_bytes()
    if breakage == "truncated":
        index.write_bytes(data[:40])
    elif breakage == "garbage":
        index.write_bytes(b"DIRC\x00\x00\x00\x02\x00\x00\x00\x05truncated")
    elif breakage == "unknown-required-extension":
        index.write_bytes(data[:-20] + b"zzzz\x00\x00\x00\x00" + data[-20:])
    elif breakage == "index-fifo":
        index.unlink()
        os.mkfifo(index)
    elif breakage == "dot-git-fifo":
        shutil.rmtree(repo / ".git")
        os.mkfifo(repo / ".git")
    else:
        shutil.rmtree(repo / ".git")
        (repo / ".git").write_text("not a gitdir line\n")
    reason = tracked(venv)
    assert reason is not None and "may" in reason


COMPONENTS = [".venv", ".venvx", ".ven", "venv", "a", "ab", "abc", "é", "x y", "b\\c", "z" * 40, "L" * 150]


def test_index_parser_agrees_with_git(tmp_path: pathlib.Path) -> None:
    """The in-process reader lists exactly what ``git ls-files`` lists, for index v2, v3, v4.

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
        repo = repo_at(tmp_path / f"r{next(counter)}")
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
        assert [e.path for e in gitformat.parse((repo / ".git" / "index").read_bytes()).entries] == listed
        for candidate in (".venv", "a", "a/.venv", ".venvx"):
            name = os.fsencode(candidate)
            expected = any(path == name or path.startswith(name + b"/") for path in listed)
            assert (gitindex.tracked_by(str(repo / candidate)) is not None) == expected, candidate

    check()


@pytest.mark.parametrize("version", [2, 3, 4])
def test_index_with_long_shared_prefixes_is_read_exactly(tmp_path: pathlib.Path, version: int) -> None:
    """v4 drops of 128 bytes or more take a multi-byte varint."""
    repo = repo_at(tmp_path / "repo")
    long = ".venv/" + "y" * 200 + "/" + "w" * 150
    names = ["a/" + "z" * 200 + "/f", "a/" + "z" * 200 + "/g", "b/.venv/x", long, ".venv/y"]
    for name in names:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x")
    git(repo, "add", "-f", "--", *names)
    git(repo, "update-index", "--index-version", str(version))
    listed = git(repo, "ls-files", "-z").stdout.split(b"\0")[:-1]
    assert [e.path for e in gitformat.parse((repo / ".git" / "index").read_bytes()).entries] == listed
    assert tracked(repo / ".venv") and tracked(repo / "b" / ".venv")
    assert tracked(repo / "a" / ".venv") is None


def test_ewah_bitmaps_decode_runs_and_literals() -> None:
    def word(value: int) -> bytes:
        return value.to_bytes(8, "big")

    # 130 bits: a marker with a run of one word of ones and one literal word, then the literal 0b101.
    marker = 1 | (1 << 1) | (1 << 33)
    data = (130).to_bytes(4, "big") + (2).to_bytes(4, "big") + word(marker) + word(0b101)
    data += (0).to_bytes(4, "big")
    bits, used = gitformat.ewah_bits(data)
    assert used == len(data)
    assert bits == set(range(64)) | {64, 66}
    with pytest.raises(ValueError):
        gitformat.ewah_bits((10**9).to_bytes(4, "big") + data[4:])  # larger than any index
