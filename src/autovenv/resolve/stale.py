"""Stale-venv hint: a dependency file newer than the venv's last install gets one line naming the fix.

"Last install" is the modification time of the venv's site-packages directory: every install, upgrade or
removal adds or removes ``*.dist-info`` entries there. The command is chosen from the project's lock
files, most specific first. The hint is returned from a fresh resolution only (never cached), so it shows
once per change.
"""

from __future__ import annotations

import os

#: (file name, command words) in order of preference; requirements files are found by pattern.
LOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("uv.lock", ("uv", "sync")),
    ("poetry.lock", ("poetry", "install")),
    ("pdm.lock", ("pdm", "install")),
    ("Pipfile.lock", ("pipenv", "sync")),
)
MAX_REQUIREMENT_FILES = 20


def site_packages(venv: str, windows: bool = os.name == "nt") -> str | None:
    if windows:
        path = os.path.join(venv, "Lib", "site-packages")
        return path if os.path.isdir(path) else None
    lib = os.path.join(venv, "lib")
    try:
        names = sorted(n for n in os.listdir(lib) if n.startswith("python"))
    except OSError:
        return None
    for name in names:
        path = os.path.join(lib, name, "site-packages")
        if os.path.isdir(path):
            return path
    return None


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def dependency_files(root: str) -> list[tuple[str, tuple[str, ...]]]:
    """(path, command words) for each dependency file present, the lock-file ones first."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for name, command in LOCKS:
        path = os.path.join(root, name)
        if os.path.isfile(path):
            found.append((path, command))
    if found:
        return found
    try:
        names = sorted(n for n in os.listdir(root) if n.startswith("requirements") and n.endswith(".txt"))
    except OSError:
        names = []
    for name in names[:MAX_REQUIREMENT_FILES]:
        found.append((os.path.join(root, name), ("pip", "install", "-r", name)))
    pyproject = os.path.join(root, "pyproject.toml")
    if not found and os.path.isfile(pyproject):
        found.append((pyproject, ("pip", "install", "-e", ".")))
    return found


def stale_hint(
    root: str, venv: str, label: str, windows: bool = os.name == "nt"
) -> tuple[tuple[str, tuple[str, ...]] | None, list[str]]:
    """(the hint or None, the paths to watch so an edit triggers a fresh check).

    The hint is (what changed, the command that fixes it, as words): a file name is data, so it is
    escaped in the text and quoted for the user's shell in the command when the hint is shown.
    """
    site = site_packages(venv, windows)
    files = dependency_files(root)
    watch = [path for path, _ in files]
    if site is None or not files:
        return None, watch
    installed = _mtime(site)
    if installed is None:
        return None, watch
    for path, command in files:
        changed = _mtime(path)
        if changed is not None and changed > installed:
            name = os.path.basename(path)
            return (f"{name} changed since {label} was last installed; run:", command), [*watch, site]
    return None, [*watch, site]
