"""Rule 1, the safe path: every directory on the way owned by the user or root and writable by no one else.

Tables over real temporary trees (as root for the owner cases), the private-group judgement over recorded
account data, and the private directories autovenv keeps its own files in (rule 6).
"""

from __future__ import annotations

import os
import pathlib
import struct

import pytest

from autovenv import safepath
from autovenv.safepath import Walker, ensure_private_dir, private_dir_problem
from tests.trustkit import NOBODY, STRANGERS_GID, needs_root


def judge(path: pathlib.Path, final: str = "dir") -> safepath.Resolved:
    return Walker().resolve(str(path), final)


def test_own_directory_is_safe_and_resolved(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "a")
    found = judge(tmp_path / "link" / "b")
    assert found.problem is None and found.real == str(tmp_path / "a" / "b")


def test_dotdot_after_a_link_is_resolved_physically(tmp_path: pathlib.Path) -> None:
    """``link/..`` is the parent of where the link leads, as the kernel resolves it."""
    (tmp_path / "x" / "deep").mkdir(parents=True)
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "link").symlink_to(tmp_path / "x" / "deep")
    assert judge(tmp_path / "y" / "link" / "..").real == str(tmp_path / "x")


@pytest.mark.parametrize(("mode", "safe"), [(0o755, True), (0o757, False), (0o777, False), (0o1777, True)])
def test_an_ancestor_others_write_is_safe_only_when_sticky(
    tmp_path: pathlib.Path, mode: int, safe: bool
) -> None:
    (tmp_path / "up" / "mine").mkdir(parents=True)
    os.chmod(tmp_path / "up", mode)
    found = judge(tmp_path / "up" / "mine")
    assert (found.problem is None) is safe, found.problem


@pytest.mark.parametrize("mode", [0o757, 0o777, 0o1777, 0o1757])
def test_the_target_itself_gets_no_sticky_pass(tmp_path: pathlib.Path, mode: int) -> None:
    target = tmp_path / "bin"
    target.mkdir()
    os.chmod(target, mode)
    assert judge(target).problem == f"{target} is writable by others"


@needs_root
def test_group_writable_by_strangers_is_unsafe(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "bin"
    target.mkdir()
    os.chown(target, -1, STRANGERS_GID)
    os.chmod(target, 0o775)
    assert judge(target).problem == f"{target} is writable by group nogroup"


@needs_root
def test_a_file_is_judged_by_its_directory(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "base"
    folder.mkdir()
    (folder / "python").write_text("")
    assert judge(folder / "python", "file").problem is None
    os.chown(folder, NOBODY, -1)
    assert judge(folder / "python", "file").problem == f"{folder} belongs to nobody (uid {NOBODY})"


@needs_root
def test_an_entry_of_another_in_a_sticky_directory_is_unsafe(tmp_path: pathlib.Path) -> None:
    """Its owner may rename it away and put anything there: the sticky bit protects only our entries."""
    shared = tmp_path / "shared"
    (shared / "theirs" / "x").mkdir(parents=True)
    os.chmod(shared, 0o1777)
    os.chown(shared / "theirs", NOBODY, -1)
    problem = judge(shared / "theirs" / "x").problem or ""
    assert problem.startswith(f"{shared}/theirs belongs to nobody")


@needs_root
def test_a_link_of_another_in_a_sticky_directory_is_unsafe(tmp_path: pathlib.Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    (tmp_path / "mine").mkdir()
    (shared / "link").symlink_to(tmp_path / "mine")
    os.lchown(shared / "link", NOBODY, -1)
    assert "link belongs to nobody" in (judge(shared / "link").problem or "")


def test_links_are_followed_to_their_end_and_loops_stop(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    found = judge(tmp_path / "a")
    assert found.real is None and found.problem is not None


def test_a_missing_or_relative_path_is_not_safe(tmp_path: pathlib.Path) -> None:
    assert judge(tmp_path / "missing").real is None
    assert judge(pathlib.Path("relative")).problem == "relative is not an absolute path"


# ---------------------------------------------------------------------------------------- private groups


class Account:
    def __init__(self, name: str, uid: int, gid: int) -> None:
        self.pw_name, self.pw_uid, self.pw_gid = name, uid, gid


class Group:
    def __init__(self, name: str, gid: int, members: list[str]) -> None:
        self.gr_name, self.gr_gid, self.gr_mem = name, gid, members


@pytest.mark.parametrize(
    ("accounts", "members", "private"),
    [
        ([("me", 1000, 1000)], [], True),
        ([("me", 1000, 1000)], ["me"], True),
        ([("me", 1000, 1000)], ["me", "eve"], False),
        ([("me", 1000, 1000), ("eve", 1001, 1000)], [], False),
        ([("me", 1000, 100)], [], False),  # not the user's primary group
    ],
)
def test_private_group_judgement(
    monkeypatch: pytest.MonkeyPatch, accounts: list[tuple[str, int, int]], members: list[str], private: bool
) -> None:
    import grp
    import pwd

    table = [Account(*a) for a in accounts]
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: next(a for a in table if a.pw_uid == uid))
    monkeypatch.setattr(pwd, "getpwall", lambda: table)
    monkeypatch.setattr(grp, "getgrgid", lambda gid: Group("g", gid, members))
    monkeypatch.setattr(safepath, "_private", {})
    assert safepath.private_group(1000, 1000) is private


def test_acl_on_a_private_group_directory_makes_it_unsafe(tmp_path: pathlib.Path) -> None:
    """With an ACL, the group bits are the mask of named entries: someone else may be able to write."""
    target = tmp_path / "bin"
    target.mkdir()
    os.chmod(target, 0o775)
    if not safepath.private_group(target.stat().st_gid, safepath.current_uid()):
        pytest.skip("this account's group is not private")
    assert judge(target).problem is None
    # user::rwx, user:nobody:rwx, group::rwx, mask::rwx, other::r-x (the kernel's xattr format)
    entries = [(0x01, 7, 0xFFFFFFFF), (0x02, 7, NOBODY), (0x04, 7, 0xFFFFFFFF), (0x10, 7, 0xFFFFFFFF),
               (0x20, 5, 0xFFFFFFFF)]  # fmt: skip
    blob = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)
    try:
        os.setxattr(target, "system.posix_acl_access", blob)
    except OSError as exc:
        pytest.skip(f"no POSIX ACLs on this filesystem: {exc}")
    safepath._private.clear()
    assert judge(target).problem is not None and "writable by group" in (judge(target).problem or "")


# ---------------------------------------------------------------------------------------- private directories


def test_private_dir_is_created_0700(tmp_path: pathlib.Path) -> None:
    where = tmp_path / "new" / "autovenv"
    assert private_dir_problem(str(where)) is None
    assert not where.exists()
    assert ensure_private_dir(str(where)) == str(where)
    assert where.stat().st_mode & 0o777 == 0o700


def test_a_readable_private_dir_is_tightened(tmp_path: pathlib.Path) -> None:
    where = tmp_path / "autovenv"
    where.mkdir(mode=0o755)
    ensure_private_dir(str(where))
    assert where.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("how", ["writable", "ancestor-writable", "link-to-writable", "relative", "a-file"])
def test_a_dir_others_could_change_is_refused(tmp_path: pathlib.Path, how: str) -> None:
    where = tmp_path / "cache" / "autovenv"
    if how == "writable":
        where.mkdir(parents=True)
        os.chmod(where, 0o777)
    elif how == "ancestor-writable":
        where.parent.mkdir()
        os.chmod(where.parent, 0o777)
    elif how == "link-to-writable":
        shared = tmp_path / "shared"
        shared.mkdir(mode=0o777)
        os.chmod(shared, 0o777)
        where.parent.mkdir()
        where.symlink_to(shared)
    elif how == "a-file":
        where.parent.mkdir()
        where.write_text("")
    path = "cache/autovenv" if how == "relative" else str(where)
    with pytest.raises(safepath.UnsafePath) as caught:
        ensure_private_dir(path)
    assert "\n" not in str(caught.value)
    assert private_dir_problem(path) is not None


@needs_root
def test_a_dir_of_another_user_is_refused(tmp_path: pathlib.Path) -> None:
    where = tmp_path / "autovenv"
    where.mkdir(mode=0o700)
    os.chown(where, NOBODY, -1)
    with pytest.raises(safepath.UnsafePath, match="belongs to nobody"):
        ensure_private_dir(str(where))


def test_write_new_never_follows_a_link(tmp_path: pathlib.Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / "entry").symlink_to(victim)
    with pytest.raises(OSError):
        safepath.write_new(str(tmp_path / "entry"), b"x")
    assert victim.read_text() == "precious\n"
