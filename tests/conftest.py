"""Keep the whole suite away from the user's own files: HOME and every autovenv directory are temporary.

Imported by pytest before any test module, so every later ``os.environ`` read, every subprocess and every
shell a test starts sees a throw-away HOME, ``XDG_*`` and ``AUTOVENV_*_DIR``. The real pyenv is found
first (``PYENV_ROOT``, ``pyenv root``, ``~/.pyenv``) and kept in ``PYENV_ROOT``, read-only, for the tests
that need real interpreters. At the end of the session the real cache, config, data and runtime
directories, the real rc files and the temporary directory's autovenv files are compared with a snapshot
taken here: any change fails the run.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from tests.isolation import Snapshot, real_locations

REAL_HOME = os.path.expanduser("~")


def _real_pyenv_root() -> str | None:
    """Where the user's pyenv lives, as pyenv itself would say; ``None`` when there is no pyenv."""
    given = os.environ.get("PYENV_ROOT", "").strip()
    if given and os.path.isdir(given):
        return given
    exe = shutil.which("pyenv")
    if exe is not None:
        try:
            out = subprocess.run([exe, "root"], capture_output=True, text=True, timeout=20, check=True)
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None and os.path.isdir(out.stdout.strip()):
            return out.stdout.strip()
    fallback = os.path.join(REAL_HOME, ".pyenv")
    return fallback if os.path.isdir(fallback) else None


_PYENV_ROOT = _real_pyenv_root()
_REAL = real_locations(dict(os.environ), REAL_HOME)
_SNAPSHOT = Snapshot.take(_REAL)
_SANDBOX = pathlib.Path(tempfile.mkdtemp(prefix="av"))  # short: AF_UNIX paths are limited to 107 bytes
_SANDBOX.chmod(0o755)  # tests that run as an unprivileged account must reach their tmp_path
_FAKE_HOME = _SANDBOX / "home"
_FAKE_HOME.mkdir()

#: The suite's own knobs (not read by autovenv itself), kept from the caller's environment.
TEST_KNOBS = ("AUTOVENV_UPDATE_GOLDEN", "AUTOVENV_FAST_SLOW_EXAMPLES", "AUTOVENV_SOAK_SEED")
for _name in list(os.environ):
    if _name.startswith("AUTOVENV_TEST_") or _name in TEST_KNOBS:
        continue
    if _name.startswith(("XDG_", "AUTOVENV_")):  # the user's dirs, and the state of a hooked shell
        del os.environ[_name]
os.environ.update(
    {
        "HOME": str(_FAKE_HOME),
        "XDG_CACHE_HOME": str(_FAKE_HOME / ".cache"),
        "XDG_CONFIG_HOME": str(_FAKE_HOME / ".config"),
        "XDG_DATA_HOME": str(_FAKE_HOME / ".local" / "share"),
        "XDG_STATE_HOME": str(_FAKE_HOME / ".local" / "state"),
        "XDG_RUNTIME_DIR": str(_SANDBOX / "run"),
        # the hooks' fallback stamps live in the temporary directory (cache.fallback_stamps)
        "TMPDIR": str(_SANDBOX / "t"),
        "AUTOVENV_REAL_HOME_FOR_TESTS": REAL_HOME,
    }
)
(_SANDBOX / "run").mkdir(mode=0o700)
(_SANDBOX / "t").mkdir()
(_SANDBOX / "t").chmod(0o1777)  # like /tmp: every account may create its own files there
tempfile.tempdir = None  # computed again from TMPDIR
if _PYENV_ROOT is not None:
    os.environ["PYENV_ROOT"] = _PYENV_ROOT
else:
    os.environ.pop("PYENV_ROOT", None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when anything under the user's real autovenv directories or rc files changed."""
    changed = _SNAPSHOT.changes(Snapshot.take(_REAL))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["the test run changed the user's real files:", *(f"  {c}" for c in changed[:20])]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    shutil.rmtree(_SANDBOX, ignore_errors=True)
