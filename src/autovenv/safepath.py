"""Safe paths: whether anyone but the user (and root) could change what a path leads to.

A directory put first on PATH, or a directory autovenv keeps its cache, its trust store or its start file
in, is only as safe as every directory on the way to it: whoever may rename an entry in any of them can
swap the whole tree below for their own, after any check. So, like OpenSSH's StrictModes and sudo's
secure path, the path is resolved one component at a time (symbolic links followed as the kernel would),
and every directory passed through must be

- owned by the user or by root, and
- not writable by others, nor by its group, unless that group is the user's own private group (no other
  account has it as its primary group or lists it as a member, and no ACL grants anyone else write).

A directory above the target that others may write (``/tmp``) is still safe when it is sticky: then only
an entry's owner may rename or remove it, so the next step must be owned by the user or root. The target
directory itself (a venv's ``bin``, a cache directory) gets no such pass: whoever may add a file there
adds a command.

The caller gets the resolved path, which is what goes on PATH: a symbolic link swapped later changes
nothing. Everything here is a few ``lstat`` calls; ``pwd`` and ``grp`` are imported only when a group
permission must be judged.
"""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

#: The kernel's own limit on symbolic links followed in one lookup (Linux: 40).
MAX_LINKS = 40
_WINDOWS = os.name == "nt"


class UnsafePath(OSError):
    """A directory autovenv would keep files in is not plainly the user's own; ``str`` is one line."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unsafe path"


def current_uid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else 0


def owner_name(uid: int) -> str:
    """``name (uid N)`` for a message, or ``uid N`` when the account has no name."""
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def group_name(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return f"gid {gid}"


_private: dict[tuple[int, int], bool] = {}


def private_group(gid: int, uid: int) -> bool:
    """True when ``gid`` is the user's own private group: their primary group, with no other member.

    "No other member": the group lists no one but the user, and no other account (that the system will
    enumerate) has it as its primary group. The user-private-group scheme of most Linux distributions
    gives every account such a group, and ``umask 002`` there makes every new directory group-writable.
    """
    key = (gid, uid)
    if key not in _private:
        _private[key] = _judge_private(gid, uid)
    return _private[key]


def _judge_private(gid: int, uid: int) -> bool:
    try:
        import grp
        import pwd
    except ImportError:
        return False
    try:
        me = pwd.getpwuid(uid)
        group = grp.getgrgid(gid)
    except KeyError:
        return False
    if me.pw_gid != gid or any(member != me.pw_name for member in group.gr_mem):
        return False
    return not any(entry.pw_gid == gid and entry.pw_uid != uid for entry in pwd.getpwall())


def has_acl(path: str) -> bool:
    """Whether ``path`` carries a POSIX access ACL (its group bits are then the mask of named entries)."""
    getxattr: Callable[..., bytes] | None = getattr(os, "getxattr", None)
    if getxattr is None:
        return False
    try:
        getxattr(path, "system.posix_acl_access", follow_symlinks=False)
    except OSError:
        return False
    return True


def dir_problem(path: str, info: os.stat_result, uid: int, strict: bool) -> str | None:
    """Why the directory ``path`` (its ``lstat`` is ``info``) lets someone else change what is in it.

    ``strict``: the target itself, where a sticky bit does not help (a new entry is the attack).
    """
    if info.st_uid not in (uid, 0):
        return f"{path} belongs to {owner_name(info.st_uid)}"
    mode = info.st_mode
    sticky = bool(mode & stat.S_ISVTX) and not strict
    if mode & stat.S_IWOTH and not sticky:
        return f"{path} is writable by others"
    if mode & stat.S_IWGRP and not sticky and (not private_group(info.st_gid, uid) or has_acl(path)):
        return f"{path} is writable by group {group_name(info.st_gid)}"
    return None


def _loose(info: os.stat_result, uid: int) -> bool:
    """A directory whose entries others may add (the sticky bit keeps them from swapping ours)."""
    mode = info.st_mode
    if mode & stat.S_IWOTH:
        return True
    return bool(mode & stat.S_IWGRP) and not private_group(info.st_gid, uid)


def fix_for(path: str, info: os.stat_result, uid: int) -> tuple[str, str] | None:
    """The ``chmod`` mode that makes ``path`` safe when the user owns it and a write bit is the problem."""
    if info.st_uid != uid:
        return None
    who = ""
    if info.st_mode & stat.S_IWGRP and (not private_group(info.st_gid, uid) or has_acl(path)):
        who += "g"
    if info.st_mode & stat.S_IWOTH:
        who += "o"
    return (who + "-w", path) if who else None


class Resolved:
    """A path resolved component by component: ``real`` (None when it could not be resolved), the first
    ``problem`` met on the way (None: safe) and, when the user can fix it, the ``chmod`` that does."""

    __slots__ = ("fix", "problem", "real")

    def __init__(self, real: str | None, problem: str | None, fix: tuple[str, str] | None = None) -> None:
        self.real = real
        self.problem = problem
        self.fix = fix

    def __repr__(self) -> str:
        return f"Resolved({self.real!r}, {self.problem!r})"


class Walker:
    """Resolves paths and judges every directory on the way; ``lstat`` results are kept for the next path,
    so a venv, its ``bin`` and its interpreter cost one walk between them."""

    def __init__(self, uid: int | None = None) -> None:
        self.uid = current_uid() if uid is None else uid
        self._stats: dict[str, os.stat_result] = {}

    def lstat(self, path: str) -> os.stat_result:
        found = self._stats.get(path)
        if found is None:
            found = self._stats[path] = os.lstat(path)
        return found

    def resolve(self, path: str, final: str = "dir") -> Resolved:
        """Resolve the absolute ``path`` and judge it. ``final``: ``"dir"`` (the target is a directory,
        judged strictly), ``"file"`` (a file, whose own directory is judged strictly) or ``"any"``.

        A problem names the directory (or link) at fault; a path that does not resolve says why.
        """
        if not os.path.isabs(path):
            return Resolved(None, f"{path} is not an absolute path")
        if _WINDOWS:  # mode bits mean nothing there (ACLs decide); resolve only
            return Resolved(os.path.realpath(path), None)
        pending = [p for p in reversed(path.split("/")) if p]
        current = "/"
        links = 0
        problem: str | None = None
        fix: tuple[str, str] | None = None
        kind = "dir"
        try:
            info = self.lstat("/")
            problem = dir_problem("/", info, self.uid, strict=False)
            while pending:
                name = pending.pop()
                if name == ".":
                    continue
                if name == "..":
                    current = os.path.dirname(current)
                    continue
                parent = self.lstat(current)
                entry = ("" if current == "/" else current) + "/" + name  # os.path.join's answer, inline
                info = self.lstat(entry)
                if problem is None and _loose(parent, self.uid) and info.st_uid not in (self.uid, 0):
                    # In a sticky directory others write to, whoever owns an entry may replace it.
                    owner = owner_name(info.st_uid)
                    problem = f"{entry} belongs to {owner}, in {current}, which others can write"
                if stat.S_ISLNK(info.st_mode):
                    links += 1
                    if links > MAX_LINKS:
                        return Resolved(None, f"{path} has too many levels of symbolic links")
                    target = os.readlink(entry)
                    if target.startswith("/"):
                        current = "/"
                    pending.extend(p for p in reversed(target.split("/")) if p)
                    continue
                if stat.S_ISDIR(info.st_mode):
                    last = not pending
                    if problem is None:
                        problem = dir_problem(entry, info, self.uid, strict=last and final == "dir")
                        fix = fix_for(entry, info, self.uid) if problem else None
                    current = entry
                    kind = "dir"
                    continue
                if pending:
                    return Resolved(None, f"{entry} is not a directory")
                current, kind = entry, "file"
        except OSError as exc:
            return Resolved(None, f"{exc.filename or path}: {exc.strerror or exc}")
        if final == "dir" and kind != "dir":
            return Resolved(None, f"{current} is not a directory")
        if final == "file" and problem is None:
            if kind != "file":
                return Resolved(None, f"{current} is a directory")
            folder = os.path.dirname(current)
            problem = dir_problem(folder, self.lstat(folder), self.uid, strict=True)
            fix = fix_for(folder, self.lstat(folder), self.uid) if problem else None
        return Resolved(current, problem, fix)


def ensure_private_dir(path: str, create: bool = True) -> str:
    """Make sure ``path`` is a directory only the user can use (owned by them, mode 0700, every directory
    on the way safe); create it if asked. Returns its resolved path; raises ``UnsafePath`` (one line)
    otherwise.

    A directory of the user's that others may read is tightened to 0700. One that others may write is
    refused, not repaired: anything could have been put in it already.
    """
    if not os.path.isabs(path):
        raise UnsafePath(f"{path} is not an absolute path; not using it")
    if create and not os.path.isdir(path):  # one stat, not makedirs' three calls, when it is there
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise UnsafePath(f"cannot create {path}: {exc.strerror or exc}") from exc
    if _WINDOWS:
        return path
    walker = Walker()
    found = walker.resolve(path, "dir")
    if found.real is None:
        raise UnsafePath(f"{found.problem}; not using {path}")
    info = walker.lstat(found.real)
    if info.st_uid != walker.uid:
        raise UnsafePath(f"{found.real} belongs to {owner_name(info.st_uid)}; not using it")
    if found.problem is not None:
        raise UnsafePath(f"{found.problem}; not using {path}")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafePath(f"{found.real} is writable by others; not using it")
    if info.st_mode & 0o077:
        try:
            os.chmod(found.real, 0o700)
        except OSError as exc:
            raise UnsafePath(f"cannot make {found.real} private: {exc.strerror or exc}") from exc
    return found.real


def private_dir_problem(path: str) -> str | None:
    """Why ``path`` is not, or could not become, a private directory of the user's (None: it is, or
    creating it would make one). Changes nothing on disk: for decisions made ahead, such as which line
    ``autovenv init`` writes."""
    if not os.path.isabs(path):
        return f"{path} is not an absolute path"
    if _WINDOWS:
        return None
    walker = Walker()
    existing = path
    while not os.path.lexists(existing):
        parent = os.path.dirname(existing)
        if parent == existing:
            break
        existing = parent
    if existing != path:  # what we would create below it is ours; the rest must be safe
        return walker.resolve(existing, "any").problem
    found = walker.resolve(path, "dir")
    if found.real is None or found.problem is not None:
        return found.problem
    info = walker.lstat(found.real)
    if info.st_uid != walker.uid:
        return f"{found.real} belongs to {owner_name(info.st_uid)}"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{found.real} is writable by others"
    return None


#: Flags for creating a file in a private directory: never through a symbolic link, never an existing one.
CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def write_new(path: str, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to a new file ``path`` (it must not exist; a symbolic link there is refused)."""
    fd = os.open(path, CREATE_FLAGS, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
