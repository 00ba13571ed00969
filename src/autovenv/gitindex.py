"""Is a directory shipped by git? Every repository containing it is asked, through its index file alone.

A venv that a repository tracks came with a ``git clone`` or a ``git pull``: anyone who can push to that
repository decides what its ``bin/`` holds. A ``git`` process must never be started to find out (a
hostile checkout's ``core.fsmonitor`` names a command git runs), so the index is read here:

- every repository from the directory itself up to ``/``: the venv as a repository root, its project's
  repository, and every ancestor's (a ``.git`` directory, or a ``.git`` file naming the git directory, as
  worktrees and submodules have);
- entries under the directory, or the directory itself as a gitlink (a submodule); a gitlink above it
  whose own repository is not checked out there; a sparse-index directory entry holding it;
- index versions 2, 3 and 4, SHA-1 and SHA-256 repositories, a split index (``link`` extension: the
  shared index with the delete and replace bitmaps applied).

An index that cannot be read or parsed, a shared index that is missing, or a ``.git`` that is not a git
directory counts as tracking (the safe answer). A repository without an index yet tracks nothing. The
index file is read by ``gitformat``, imported only when a repository is found.
"""

from __future__ import annotations

import os

from autovenv.files import read_regular


class Repository:
    """A repository found on the way up: its work tree and git directory (None: its ``.git`` is bad)."""

    __slots__ = ("git_dir", "problem", "work_tree")

    def __init__(self, work_tree: str, git_dir: str | None, problem: str | None = None) -> None:
        self.work_tree = work_tree
        self.git_dir = git_dir
        self.problem = problem


def repositories(real: str) -> list[Repository]:
    """Every repository whose work tree holds ``real`` (a resolved path), nearest first."""
    found: list[Repository] = []
    current = real
    while True:
        dot_git = os.path.join(current, ".git")
        try:
            info = os.stat(dot_git)
        except (FileNotFoundError, NotADirectoryError):
            info = None
        except OSError as exc:
            found.append(Repository(current, None, f"{dot_git} cannot be read ({exc.strerror or exc})"))
            info = None
        if info is not None:
            found.append(_repository(current, dot_git, info))
        parent = os.path.dirname(current)
        if parent == current:
            return found
        current = parent


def _repository(work_tree: str, dot_git: str, info: os.stat_result) -> Repository:
    import stat

    if stat.S_ISDIR(info.st_mode):
        return Repository(work_tree, dot_git)
    try:
        line = read_regular(dot_git, 4096).decode("utf-8", "surrogateescape").partition("\n")[0].strip()
    except OSError as exc:
        return Repository(work_tree, None, f"{dot_git} cannot be read ({exc.strerror or exc})")
    if not line.startswith("gitdir:"):
        return Repository(work_tree, None, f"{dot_git} does not name a git directory")
    target = line[len("gitdir:") :].strip()
    return Repository(work_tree, os.path.normpath(os.path.join(work_tree, target)))


def tracked_by(real: str) -> str | None:
    """Why ``real`` (a resolved directory) counts as shipped by git, or None when no repository tracks it."""
    roots: set[str] = set()
    for repo in repositories(real):
        if repo.git_dir is None:
            return f"{repo.problem} (it may be tracked by git)"
        from autovenv import gitformat  # the index format: only for a directory inside a repository

        relative = os.path.relpath(real, repo.work_tree) if real != repo.work_tree else ""
        rel = os.fsencode(relative.replace(os.sep, "/"))
        try:
            entries = gitformat.read_entries(repo.git_dir, rel)
        except (OSError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return f"the git index of {repo.work_tree} cannot be read ({why}), so it may track it"
        if entries is None:
            roots.add(repo.work_tree)
            continue
        reason = gitformat.tracking(entries, rel, repo.work_tree, roots)
        if reason is not None:
            return reason
        roots.add(repo.work_tree)
    return None
