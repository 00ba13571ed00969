"""The lock comparison's last answer per project and venv, kept in the cache: only a change pays for it.

Comparing a venv with its lock (``resolve.drift``) reads the lock (hundreds of kilobytes for a few hundred
packages) and imports its readers, several times what the rest of a first visit costs. The hooks resolve a
project again whenever anything it watches changes (its directory's mtime, when any file in it is created
or renamed), a new shell brings other variables, or an answer left the cache; the comparison's answer
changes only with what it read. So its answer is kept, with a fingerprint (device, inode, size, mtime and
ctime) of every input, and reused while every fingerprint is unchanged:

- the lock files a project may have (also those it does not have: one appearing changes the source), its
  ``requirements*.txt`` names and ``requirements/``, and every file the readers opened (``-r`` includes
  wherever they lead);
- the venv's ``pyvenv.cfg`` (its Python decides the markers), ``bin/`` (``pip`` in it decides the fix
  command), ``lib/`` and the ``site-packages`` listed (what is installed);
- this machine's platform values, as the markers read them, and the comparison's own modules (a new
  autovenv may compare differently).

A fingerprint taken within two seconds of a change is not trusted (a coarse clock, or a filesystem
keeping whole seconds, could stamp a second change alike): such an answer is not kept, and the next
resolution compares again. The memo lives in the cache directory (the user's alone), one file per project
and venv, written atomically without following links; a file that cannot be read or parsed is a miss.
"""

from __future__ import annotations

import os
import sys
import time

from autovenv.files import read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.resolve.venv import VenvInfo

    #: (the hint up to its command, the command as words) or None; a problem line or None; paths to watch
    Outcome = tuple[tuple[str, tuple[str, ...]] | None, str | None, list[str]]

MAGIC = "autovenv lock memo 1"
#: Locks, in the order ``resolve.pins.LOCKS`` prefers them (``resolve.project.LOCK_FILES``).
_LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pylock.toml")
#: The modules whose code decides the answer.
_MODULES = (
    "drift.py",
    "pins.py",
    "lockscan.py",
    "markers.py",
    "versions.py",
    "installed.py",
    "locksync.py",
    "lockgraph.py",
    "pinsync.py",
    "venv.py",
)
#: The files ``resolve.pinsync`` may read without reading them whole.
_PLAIN = ("requirements.txt", "Pipfile.lock")
#: A fingerprint younger than this (ns) may not tell two changes apart.
RACY_NS = 2_000_000_000
MAX_BYTES = 1024 * 1024


def compare(root: str, info: VenvInfo, windows: bool, memo_dir: str | None) -> Outcome:
    """``drift.check``'s answer for ``root`` and the venv ``info``, from the memo when nothing changed."""
    if memo_dir is None:
        return _compute(root, info, windows)[0]
    fixed = _fixed_inputs(root, info, windows)
    path = os.path.join(memo_dir, _file_name(root, info.path))
    found = _lookup(path, fixed)
    if found is not None:
        return found
    started = time.time_ns()
    outcome, tried = _compute(root, info, windows)
    _keep(memo_dir, path, fixed, outcome, tried, started)
    return outcome


def _compute(root: str, info: VenvInfo, windows: bool) -> tuple[Outcome, list[str]]:
    """The comparison's answer, and every file its readers tried to open."""
    from autovenv.resolve import locksync
    from autovenv.resolve.venv import site_packages

    site = site_packages(info.path, windows)
    known = locksync.compare(root, site, info) if site is not None else None
    if site is not None and known is None and any(os.path.isfile(os.path.join(root, n)) for n in _PLAIN):
        from autovenv.resolve import pinsync

        known = pinsync.compare(root, site, info)
    if site is not None and known is not None:
        # Told from the packages' first lines and the tables that differ, or from a plain requirements
        # file's pins (neither is read whole):
        # the same answer, watching the same paths, as drift.examine's.
        lock, differences, command = known
        hint = (locksync.lead(lock, differences), command) if differences else None
        return (hint, None, [lock, site]), [lock]
    from autovenv.resolve import installed, pins

    pinset, site, watch = pins.venv_pins(root, info, windows)
    if pinset is None:
        return (None, None, []), []
    if site is None or not pinset.pins:
        # Nothing to compare (a new project's empty lock, a lock that cannot be read): drift.examine's
        # answer, without loading the comparison.
        return (None, pinset.problem, watch), pinset.tried
    from autovenv.resolve import drift

    found = drift.compare(pinset, installed.installed(site), root, info)
    hint = (found.lead(), found.command) if found is not None else None
    return (hint, pinset.problem, watch), pinset.tried


def _fixed_inputs(root: str, info: VenvInfo, windows: bool) -> tuple[list[str], list[str]]:
    """(what the answer depends on besides files, the paths it depends on whatever the answer)."""
    try:
        names = sorted(n for n in os.listdir(root) if n.startswith("requirements") and n.endswith(".txt"))
    except OSError:
        names = ["(unreadable)"]
    if os.name == "nt":
        machine = [os.environ.get(n, "") for n in ("PROCESSOR_ARCHITEW6432", "PROCESSOR_ARCHITECTURE")]
    else:
        machine = list(os.uname())
    here = os.path.dirname(os.path.abspath(__file__))
    facts = [MAGIC, root, info.path, str(windows), sys.version, sys.platform, os.name, *machine, *names]
    paths = [os.path.join(root, name) for name in (*_LOCK_FILES, "requirements")]
    paths += [os.path.join(info.path, "pyvenv.cfg"), info.bin_dir]
    paths += [os.path.join(info.path, lib) for lib in (("Lib",) if windows else ("lib", "lib64"))]
    paths += [os.path.join(here, module) for module in _MODULES]
    return facts, paths


def fingerprint(path: str) -> str:
    """Device, inode, size, mtime and ctime of what ``path`` names (``-`` when nothing)."""
    try:
        return _print_of(os.stat(path))
    except OSError:
        return "-"


def _print_of(info: os.stat_result) -> str:
    return f"{info.st_dev}.{info.st_ino}.{info.st_size}.{info.st_mtime_ns}.{info.st_ctime_ns}"


def _file_name(root: str, venv: str) -> str:
    """64-bit FNV-1a of the project and venv paths, in hex: a short flat name (the file says whose it is)."""
    value = 0xCBF29CE484222325
    for byte in f"{root}\0{venv}".encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


# -- the file: netstrings (``<length>:<text>,``), so any path or line round-trips ------------------------


def _encode(fields: list[str]) -> bytes:
    out = []
    for field in fields:
        data = field.encode("utf-8", "surrogateescape")
        out.append(b"%d:%s," % (len(data), data))
    return b"".join(out)


def _decode(data: bytes) -> list[str] | None:
    fields: list[str] = []
    i, n = 0, len(data)
    while i < n:
        colon = data.find(b":", i, i + 12)
        if colon < 0 or not data[i:colon].isdigit():
            return None
        end = colon + 1 + int(data[i:colon])
        if data[end : end + 1] != b",":
            return None
        fields.append(data[colon + 1 : end].decode("utf-8", "surrogateescape"))
        i = end + 1
    return fields


def _lookup(path: str, fixed: tuple[list[str], list[str]]) -> Outcome | None:
    """The kept answer when its facts are today's and no input's fingerprint moved; else None."""
    try:
        data = read_regular(path, MAX_BYTES, follow_symlinks=False)
    except OSError:
        return None
    fields = _decode(data)
    facts, _ = fixed
    if fields is None or fields[: len(facts) + 1] != [*facts, "|"]:
        return None
    try:
        at = len(facts) + 1
        count = int(fields[at])
        inputs = fields[at + 1 : at + 1 + 2 * count]
        at += 1 + 2 * count
        if len(inputs) != 2 * count or any(fingerprint(p) != s for p, s in zip(inputs[::2], inputs[1::2])):
            return None
        hint: tuple[str, tuple[str, ...]] | None = None
        if fields[at] == "hint":
            words = int(fields[at + 2])
            hint = (fields[at + 1], tuple(fields[at + 3 : at + 3 + words]))
            at += 3 + words
        elif fields[at] == "no hint":
            at += 1
        else:
            return None
        problem: str | None = None
        if fields[at] == "problem":
            problem = fields[at + 1]
            at += 2
        elif fields[at] == "no problem":
            at += 1
        else:
            return None
        watch = fields[at:]
    except (IndexError, ValueError):
        return None
    return hint, problem, watch


def _keep(
    memo_dir: str,
    path: str,
    fixed: tuple[list[str], list[str]],
    outcome: Outcome,
    tried: list[str],
    started: int,
) -> None:
    """Write the answer with its inputs' fingerprints, unless one of them is too recent to be trusted."""
    facts, paths = fixed
    hint, problem, watch = outcome
    inputs: list[str] = []
    newest = 0
    for input_path in dict.fromkeys([*paths, *tried, *watch]):
        try:
            info = os.stat(input_path)
        except OSError:
            inputs += [input_path, "-"]
            continue
        newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
        inputs += [input_path, _print_of(info)]
    if newest > started - RACY_NS:
        return
    fields = [*facts, "|", str(len(inputs) // 2), *inputs]
    if hint is None:
        fields.append("no hint")
    else:
        fields += ["hint", hint[0], str(len(hint[1])), *hint[1]]
    fields += ["no problem"] if problem is None else ["problem", problem]
    fields += watch
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        try:  # noqa: SIM105 - contextlib costs an import on the hot path
            os.mkdir(memo_dir, 0o700)
        except FileExistsError:
            pass
        try:  # noqa: SIM105 - contextlib costs an import on the hot path
            os.unlink(temp)  # left by a process with our pid that died mid-write
        except FileNotFoundError:
            pass
        from autovenv.safepath import write_new

        write_new(temp, _encode(fields))
        os.replace(temp, path)
    except OSError:
        try:  # noqa: SIM105 - contextlib costs an import on the hot path
            os.unlink(temp)
        except OSError:
            pass
