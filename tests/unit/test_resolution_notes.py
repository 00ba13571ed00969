"""What resolution says about odd projects: each line names what is really there and the right remedy.

An unreadable ``.venv`` is not "not a virtual environment"; a ``.python-version`` that is not a regular
file is skipped as pyenv skips it, never named as the source of a version read elsewhere; a pinned
version pyenv cannot install is not sent to ``pyenv install``.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest

from autovenv.decide import decide
from autovenv.resolve import pyenv
from autovenv.resolve.project import Settings, resolve

NOBODY = 65534


# -- an unreadable .venv -----------------------------------------------------------------------------------


def test_an_unreadable_venv_is_reported_as_such_to_its_user(tmp_path: pathlib.Path) -> None:
    """As ``nobody`` (root reads everything): ``autovenv status`` where it may not enter ``.venv``."""
    from tests.shells.test_robustness import unprivileged_python

    if os.getuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run status as an unprivileged user")
    found = unprivileged_python()
    if found is None:
        pytest.skip("no Python an unprivileged user can run autovenv with")
    python, package_parent = found
    base = pathlib.Path(os.environ["TMPDIR"]) / f"unreadable-{os.getpid()}"
    project = base / "shop"
    (project / ".venv").mkdir(parents=True)
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    for path in (base, project, project / ".venv"):
        os.chown(path, NOBODY, NOBODY)
    os.chmod(project / ".venv", 0o000)
    try:
        entry = "from autovenv._entry import main;sys.exit(main())"
        code = f"import sys;sys.path.insert(0,{package_parent!r});{entry}"
        out = subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
             python, "-I", "-S", "-c", code, "status", "--json", str(project)],
            capture_output=True, text=True, cwd="/", env={"HOME": str(base), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert out.returncode == 1, out.stderr
        data = json.loads(out.stdout)
        assert data["problems"] == [f"cannot look into {project / '.venv'}: permission denied"]
    finally:
        os.chmod(project / ".venv", 0o755)
        shutil.rmtree(base)


# -- a .python-version that is not a regular file ------------------------------------------------------------


def fake_pyenv(root: pathlib.Path, *versions: str, definitions: tuple[str, ...] = ()) -> dict[str, str]:
    """A PYENV_ROOT with these versions installed and python-build definitions; PATH holds no pyenv."""
    root.mkdir(parents=True)
    for version in versions:
        (root / "versions" / version / "bin").mkdir(parents=True)
    (root / "version").write_text("3.11.7\n")
    (root / "versions" / "3.11.7" / "bin").mkdir(parents=True, exist_ok=True)
    if definitions:
        share = root / "plugins" / "python-build" / "share" / "python-build"
        share.mkdir(parents=True)
        for name in definitions:
            (share / name).write_text("")
    return {"PYENV_ROOT": str(root), "HOME": str(root.parent), "PATH": str(root / "no-bin")}


@pytest.mark.parametrize("kind", ["fifo", "directory", "dangling link"])
def test_a_version_file_that_is_not_a_file_is_skipped_like_pyenv_does(
    tmp_path: pathlib.Path, kind: str
) -> None:
    environ = fake_pyenv(tmp_path / "pyenv", "3.12.1")
    outer = tmp_path / "outer"
    inner = outer / "inner"
    inner.mkdir(parents=True)
    (outer / ".python-version").write_text("3.12.1\n")
    odd = inner / ".python-version"
    {"fifo": os.mkfifo, "directory": os.mkdir, "dangling link": lambda p: os.symlink("nowhere", p)}[kind](odd)
    resolution = resolve(str(inner), environ)
    assert resolution.candidate == str(inner) and resolution.root == str(outer)
    assert resolution.source == str(outer / ".python-version")
    assert pyenv.find_version_file(str(inner), environ) == str(outer / ".python-version")
    target = decide(resolution, Settings(), environ).target
    assert target is not None and target.pyenv_version == "3.12.1"
    assert target.message == "using Python 3.12.1 in outer (.python-version)"
    (outer / ".python-version").unlink()
    alone = resolve(str(inner), environ)  # pyenv would fall back to its global file: nothing to activate
    assert alone.root is None and alone.python is None and alone.problems == []


# -- a version pyenv cannot install ----------------------------------------------------------------

DEFINITIONS = ("3.12.3", "3.12.4", "3.13.0", "3.13.0t", "3.14.0rc1", "3.14-dev", "pypy3.10-7.3.17", "patches")


@pytest.mark.parametrize(
    ("pin", "advice"),
    [
        ("3.12", "run: pyenv install 3.12"),
        ("3.12.4", "run: pyenv install 3.12.4"),
        ("3.13t", "run: pyenv install 3.13t"),
        ("3.14-dev", "run: pyenv install 3.14-dev"),
        ("python-3.13.0", "run: pyenv install 3.13.0"),
        ("3.99", "pyenv has no version 3.99 to install (see: pyenv install --list)"),
        ("3.14", "pyenv has no version 3.14 to install (see: pyenv install --list)"),  # only a pre-release
        ("patches", "pyenv has no version patches to install (see: pyenv install --list)"),
    ],
)
def test_only_versions_pyenv_knows_are_sent_to_pyenv_install(
    tmp_path: pathlib.Path, pin: str, advice: str
) -> None:
    environ = fake_pyenv(tmp_path / "pyenv", definitions=DEFINITIONS)
    (tmp_path / ".python-version").write_text(pin + "\n")
    selection = pyenv.select_python(str(tmp_path), environ)
    assert selection.problem == (
        f"Python {pin} from {tmp_path / '.python-version'} is not installed; {advice}"
    )


def test_several_missing_versions_are_told_apart(tmp_path: pathlib.Path) -> None:
    environ = fake_pyenv(tmp_path / "pyenv", definitions=DEFINITIONS)
    selection = pyenv.select_python(str(tmp_path), {**environ, "PYENV_VERSION": "3.12.4:3.99:3.13"})
    assert selection.problem == (
        "Python 3.12.4, 3.99, 3.13 from PYENV_VERSION are not installed; run: pyenv install 3.12.4 3.13; "
        "pyenv has no version 3.99 to install (see: pyenv install --list)"
    )


def test_without_definitions_to_read_the_advice_stays(tmp_path: pathlib.Path) -> None:
    environ = fake_pyenv(tmp_path / "pyenv")  # no python-build anywhere: it cannot be told
    (tmp_path / ".python-version").write_text("3.99\n")
    assert pyenv.select_python(str(tmp_path), environ).problem == (
        f"Python 3.99 from {tmp_path / '.python-version'} is not installed; run: pyenv install 3.99"
    )


def test_the_real_pyenvs_definitions_agree_with_pyenv_install(tmp_path: pathlib.Path) -> None:
    """``pyenv latest -k`` is the rule ``pyenv install`` resolves a prefix with: same answers, real pyenv."""
    root = os.environ.get("PYENV_ROOT")
    exe = shutil.which("pyenv") or (os.path.join(root, "bin", "pyenv") if root else None)
    if not root or exe is None or not os.path.exists(exe):
        if os.environ.get("CI"):
            pytest.fail("pyenv is not installed, and CI must have it")
        pytest.skip("pyenv is not installed")
    known = pyenv.known_versions(root, {})
    assert known is not None and "3.12.4" in known
    for prefix in ("3.12", "3.99", "3.13t", "2.7", "3.14", "pypy3.10", "miniconda3-4.7", "3.5.10"):
        real = subprocess.run(
            [exe, "latest", "-k", prefix],
            capture_output=True,
            text=True,
            env={**os.environ, "PYENV_ROOT": root},
        )
        assert pyenv.installable(prefix, known) is (real.returncode == 0), (prefix, real.stdout, real.stderr)
