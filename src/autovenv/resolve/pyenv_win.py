"""pyenv-win's layout and version rules, as pure functions over Windows-style paths.

pyenv-win (https://github.com/pyenv-win/pyenv-win) keeps everything under ``%USERPROFILE%\\.pyenv\\pyenv-win``
(its installer also sets ``PYENV``, ``PYENV_ROOT`` and ``PYENV_HOME`` to that folder). An installed
version is ``<root>\\versions\\<version>`` with ``python.exe`` directly inside and console scripts in
``Scripts``, so selecting it puts both folders first on PATH. The version comes from ``PYENV_VERSION``,
else the nearest ``.python-version`` walking up from the directory, else ``<root>\\version``; each non-empty
line is one version (several are allowed), ``#`` starts a comment line, and a prefix such as ``3.12``
selects the newest installed ``3.12.x``.

Differences from pyenv-win, on purpose: a ``.python-version`` written by Windows PowerShell 5.1's
``echo 3.12 > .python-version`` is UTF-16 with a BOM; pyenv-win reads it as ANSI and sees garbage, we
decode it (UTF-8 BOMs too). Names holding ``\\``, ``/``, ``:`` or ``..`` are refused (no path traversal).

Every function takes the file-system probes it needs as arguments (defaulting to ``os``), so tests run on
any OS with Windows-style inputs. Imports only ``os`` at module level (the hot path's rule).
"""

from __future__ import annotations

import os

from autovenv.files import read_regular
from autovenv.resolve.pyenv import PythonSelection

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

MAX_VERSION_FILE_BYTES = 64 * 1024
LOCAL_FILE = ".python-version"


def root(environ: Mapping[str, str]) -> str:
    """pyenv-win's home: ``PYENV_ROOT``, ``PYENV``, ``PYENV_HOME``, else ``~\\.pyenv\\pyenv-win``."""
    for name in ("PYENV_ROOT", "PYENV", "PYENV_HOME"):
        value = environ.get(name, "").strip()
        if value:
            return value.rstrip("\\/") or value
    profile = environ.get("USERPROFILE") or environ.get("HOME") or "C:\\Users\\Default"
    return profile.rstrip("\\/") + "\\.pyenv\\pyenv-win"


def join(*parts: str) -> str:
    out = parts[0]
    for part in parts[1:]:
        out = out.rstrip("\\/") + "\\" + part
    return out


def parent(path: str) -> str | None:
    """The parent of a Windows path (``C:\\a`` -> ``C:\\``; ``C:\\`` and ``\\\\srv\\share`` -> ``None``)."""
    cleaned = path.replace("/", "\\")
    if len(cleaned) >= 2 and cleaned[1] == ":":
        drive, rest = cleaned[:2], cleaned[2:]
    elif cleaned.startswith("\\\\"):
        pieces = cleaned[2:].split("\\")
        drive, rest = "\\\\" + "\\".join(pieces[:2]), "\\" + "\\".join(pieces[2:])
    else:
        drive, rest = "", cleaned
    rest = rest.rstrip("\\")
    if not rest:
        return None
    cut = rest.rfind("\\")
    return drive + (rest[:cut] if cut > 0 else "\\")


def decode_version_file(data: bytes) -> str:
    """Text of a version file: UTF-16 (with BOM) and UTF-8 BOMs decoded, else UTF-8 with replacement."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", "replace")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def version_names(text: str) -> list[str]:
    """One version per non-empty line (its first word); ``#`` lines are comments; NULs dropped."""
    names = []
    for raw in text.replace("\x00", "").splitlines():
        words = raw.split()
        if words and not words[0].startswith("#"):
            names.append(words[0])
    return names


def safe_name(name: str) -> bool:
    return bool(name) and not any(c in name for c in "\\/:") and name not in (".", "..")


def _version_key(name: str) -> tuple[tuple[int, int | str], ...]:
    key: list[tuple[int, int | str]] = []
    for piece in name.replace("-", ".").split("."):
        key.append((1, int(piece)) if piece.isdigit() else (0, piece))
    return tuple(key)


def resolve_name(name: str, installed: list[str]) -> str | None:
    """The installed version ``name`` selects: itself, or the newest final release ``name.*``."""
    if name in installed:
        return name
    lowered = {v.lower(): v for v in installed}
    if name.lower() in lowered:  # NTFS names are case-insensitive
        return lowered[name.lower()]
    # Like pyenv's `latest`: only final releases (every component a number) answer a prefix.
    pool = [v for v in installed if v.startswith(name + ".") and all(p.isdigit() for p in v.split("."))]
    return max(pool, key=_version_key) if pool else None


def bin_dirs(root_dir: str, version: str) -> list[str]:
    """What goes first on PATH for an installed version: its folder (python.exe) and its Scripts."""
    prefix = join(root_dir, "versions", version)
    return [prefix, join(prefix, "Scripts")]


def _listdir(path: str) -> list[str]:
    try:
        return [name for name in os.listdir(path) if os.path.isdir(os.path.join(path, name))]
    except OSError:
        return []


def _read(path: str) -> bytes | None:
    try:
        return read_regular(path, MAX_VERSION_FILE_BYTES)[:MAX_VERSION_FILE_BYTES]
    except OSError:
        return None


def find_local(
    directory: str, isfile: Callable[[str], bool] = os.path.isfile
) -> tuple[str | None, list[str]]:
    """The nearest ``.python-version`` from ``directory`` up, and the directories probed (to watch)."""
    probed: list[str] = []
    current: str | None = directory
    while current is not None:
        probed.append(current)
        candidate = join(current, LOCAL_FILE)
        if isfile(candidate):
            return candidate, probed
        current = parent(current)
    return None, probed


def select_python(
    directory: str,
    environ: Mapping[str, str],
    isfile: Callable[[str], bool] = os.path.isfile,
    read: Callable[[str], bytes | None] = _read,
    listdir: Callable[[str], list[str]] = _listdir,
) -> PythonSelection:
    """What pyenv-win selects in ``directory`` (a Windows path), in the shape resolve.pyenv returns."""
    home = root(environ)
    versions = join(home, "versions")
    watch: list[str] = []
    value = environ.get("PYENV_VERSION", "").strip()
    if value:
        names, source, kind = value.split(), "PYENV_VERSION", "PYENV_VERSION"
    else:
        local, probed = find_local(directory, isfile)
        watch.extend(probed)
        source, kind = (local, "local") if local is not None else (join(home, "version"), "global")
        data = read(source)
        names = version_names(decode_version_file(data)) if data else []
        watch.append(source)
        if not names and kind == "global":
            kind = "default"
    watch.append(versions)
    if not names:
        names = ["system"]
    installed = listdir(versions)
    resolved: list[str | None] = []
    dirs: list[str] = []
    missing: list[str] = []
    unsafe: list[str] = []
    problems: list[str] = []
    for name in names:
        if name == "system":
            resolved.append(name)
            continue
        if not safe_name(name):
            resolved.append(None)
            unsafe.append(name)
            problems.append(f"version `{name}' from {source} is not a directory inside {versions}")
            continue
        got = resolve_name(name, installed)
        resolved.append(got)
        if got is None:
            missing.append(name)
        else:
            dirs.extend(bin_dirs(home, got))
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        problems.insert(
            0,
            f"Python {', '.join(missing)} from {source} {verb} not installed; "
            f"run: pyenv install {' '.join(missing)}",
        )
    return PythonSelection(
        names,
        resolved,
        source,
        kind,
        home,
        bin_dirs=dirs,
        missing=missing + unsafe,
        problem="; ".join(problems) or None,
        watch_paths=watch,
    )
