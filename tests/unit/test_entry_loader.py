"""The lean start's bytecode loader (``_entry._BytecodeLoader``) against the path finder's, on bytecode caches
the world leaves behind: a cache whose header matches the source but whose code came from elsewhere, a
wrong magic number, flags it does not know, a checked hash-based cache of another source, a truncated
file, a header alone, a marshalled value that is no code, a directory in the cache's place, a source dated
before 1970. Each case is set up twice, alike; a Python started as the hooks start it imports the module
through the path finder in one and through the lean start's finder in the other: both must load the same
code or fail with the same error, and leave the same cache behind. (The loader reads the cache itself only
for a header the path finder would accept; everything else must fall to the path finder's own loader.)
"""

from __future__ import annotations

import marshal
import os
import py_compile
import shutil
import subprocess
import sys

import pytest

PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
import autovenv
if sys.argv[2] == "lean":
    from autovenv import _entry
    _entry._OwnModules.install()
try:
    from autovenv import display
except BaseException as exc:
    print("raised", type(exc).__name__, str(exc).replace(sys.argv[1], "<site>"))
else:
    print("loaded", getattr(display, "MARK", None))
"""

TAG = sys.implementation.cache_tag
#: 1960-01-01: a time some archives and `touch -d` give, whose whole seconds round towards zero.
BEFORE_THE_EPOCH = -315_619_200.25

CASES = {
    "foreign": ("loaded", "cache"),
    "wrong magic": ("loaded", "source"),
    "unknown flags": ("loaded", "source"),
    "checked hash of another source": ("loaded", "source"),
    "truncated": ("raised", None),
    "header alone": ("raised", None),
    "shorter than a header": ("loaded", "source"),
    "no code": ("raised", None),
    "a directory": ("loaded", "source"),
    "source before the epoch": ("loaded", "cache"),
}


def prepare(site: str, case: str) -> str:
    """A copy of the package in ``site`` whose ``display`` module says MARK = 'source', and whose cache
    holds code saying MARK = 'cache' under a header stamped with the source's own mtime and size, then
    spoiled as ``case`` says. Returns the cache's path."""
    import autovenv

    package = os.path.join(site, "autovenv")
    shutil.copytree(os.path.dirname(os.path.abspath(autovenv.__file__)), package)
    shutil.rmtree(os.path.join(package, "__pycache__"), ignore_errors=True)
    source = os.path.join(package, "display.py")
    cache = os.path.join(package, "__pycache__", f"display.{TAG}.pyc")
    with open(source, "a") as out:
        out.write("\nMARK = 'cache'\n")
    # The same header in both copies, whenever each is made.
    made = BEFORE_THE_EPOCH if case == "source before the epoch" else 1_700_000_000.5
    os.utime(source, (made, made))
    mode = py_compile.PycInvalidationMode.TIMESTAMP
    if case == "checked hash of another source":
        mode = py_compile.PycInvalidationMode.CHECKED_HASH
    py_compile.compile(source, cache, invalidation_mode=mode, doraise=True)
    stamp = os.stat(source)
    with open(source, "rb") as text:
        same_size = text.read().replace(b"MARK = 'cache'", b"MARK ='source'")
    with open(source, "wb") as out:
        out.write(same_size)
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert os.stat(source).st_size == stamp.st_size
    with open(cache, "rb") as read:
        data = read.read()
    spoiled = {
        "wrong magic": bytes([data[0] ^ 1]) + data[1:],
        "unknown flags": data[:4] + (4).to_bytes(4, "little") + data[8:],
        "truncated": data[: 16 + (len(data) - 16) // 2],
        "header alone": data[:16],
        "shorter than a header": data[:12],
        "no code": data[:16] + marshal.dumps(42),
    }.get(case, data)
    if case == "a directory":
        os.unlink(cache)
        os.mkdir(cache)
    else:
        with open(cache, "wb") as write:
            write.write(spoiled)
    return cache


def left_behind(cache: str) -> str:
    if os.path.isdir(cache):
        return "a directory"
    with open(cache, "rb") as read:
        data = read.read()
    try:
        code = marshal.loads(data[16:])
    except (EOFError, ValueError, TypeError):
        return f"header {data[:16].hex()}, no code"
    marks = [c for c in getattr(code, "co_consts", ()) if c in ("cache", "source")]
    return f"header {data[:16].hex()}, {type(code).__name__}, marks {marks}"


def imported(site: str, mode: str) -> str:
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE, site, mode], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_lean_loader_does_what_the_path_finders_does(tmp_path: os.PathLike[str], case: str) -> None:
    outcome, mark = CASES[case]
    found = {}
    for mode in ("path", "lean"):
        site = os.path.join(tmp_path, mode)
        cache = prepare(site, case)
        found[mode] = (imported(site, mode), left_behind(cache))
    assert found["lean"] == found["path"]
    said = found["path"][0].split()
    assert said[0] == outcome, found
    if mark is not None:
        assert said[1] == mark, found
