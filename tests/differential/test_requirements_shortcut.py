"""The first comparison of a plain requirements.txt or Pipfile.lock (``resolve.pinsync``) on files the
real tools write: ``uv pip compile --generate-hashes`` (hashes on continuation lines, ``# via``
comments, a marker, an extra resolved into its packages, a dotted name), ``pip freeze`` of a venv real
pip installed, and ``pipenv lock`` (default and develop, a marker, an extra). In every venv state, the
shortcut answers, and exactly what the full reading (``drift``) says.
"""

from __future__ import annotations

import json
import pathlib
import subprocess

from autovenv.resolve import drift, installed, locksync, pinsync
from autovenv.resolve.venv import inspect_venv
from tests.differential.test_lock_differential import run, tool
from tests.differential.test_lock_shortcut import venv_states
from tests.shells.conftest import PY_A, python_of
from tests.unit.test_drift import fake_venv

REQUESTED = """six==1.16.0
idna==3.7
colorama==0.4.6 ; sys_platform == "win32"
requests[socks]==2.32.3
zope.interface==7.0.3
"""


def compiled(where: pathlib.Path) -> str:
    """``REQUESTED`` compiled by real uv with hashes, for every platform (its markers kept)."""
    where.mkdir()
    (where / "requirements.in").write_text(REQUESTED)
    uv = str(tool("uv"))
    run(
        [uv, "pip", "compile", "--universal", "--generate-hashes", "-q", "requirements.in", "-o", "out.txt"],
        where,
    )
    return (where / "out.txt").read_text()


def both(root: pathlib.Path, venv: pathlib.Path) -> tuple[object, object]:
    """(the shortcut's hint, or "not known" when it leaves it to the full reading; the full reading's)."""
    info = inspect_venv(str(venv))
    site = installed.site_packages(info.path)
    assert site is not None
    full, problem, _, _ = drift.examine(str(root), info)
    assert problem is None
    expected = (full.lead(), full.command) if full is not None else None
    known = pinsync.compare(str(root), site, info)
    if known is None:
        return "not known", expected
    source, differences, command = known
    return ((locksync.lead(source, differences), command) if differences else None), expected


def test_a_compiled_file_in_every_venv_state(tmp_path: pathlib.Path) -> None:
    text = compiled(tmp_path / "compile")
    assert "--hash=sha256:" in text and "# via" in text and "sys_platform == 'win32'" in text
    pins = sorted(
        tuple(line.split(" ")[0].split("=="))
        for line in text.splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    )
    names = {name for name, _ in pins}
    assert {"six", "idna", "colorama", "requests", "pysocks", "zope-interface"} <= names
    for number, (what, holds) in enumerate(venv_states(pins)):
        root = tmp_path / f"state{number}"
        root.mkdir()
        (root / "requirements.txt").write_text(text)
        fake_venv(root, {name.replace("-", "_"): version for name, version in holds.items()})
        quick, full = both(root, root / ".venv")
        assert quick == full, what


def test_a_venv_pip_installed_and_its_freeze(tmp_path: pathlib.Path) -> None:
    text = compiled(tmp_path / "compile")
    root = tmp_path / "app"
    root.mkdir()
    (root / "requirements.txt").write_text(text)
    venv = root / ".venv"
    run([str(python_of(PY_A)), "-m", "venv", str(venv)], root)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run([*pip, "-r", "requirements.txt"], root)  # hashes present: pip checks every one
    assert both(root, venv) == (None, None)
    run([*pip, "six==1.15.0"], root)
    quick, full = both(root, venv)
    assert (
        quick
        == full
        == (
            "requirements.txt: six 1.16.0 pinned, 1.15.0 installed; run:",
            ("pip", "install", "-r", "requirements.txt"),
        )
    )
    freeze = subprocess.run([pip[0], "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    (root / "requirements.txt").write_text(freeze.stdout)  # pip freeze > requirements.txt
    assert both(root, venv) == (None, None)
    run([*pip, "idna==3.6"], root)
    quick, full = both(root, venv)
    assert quick == full and full is not None and "idna" in str(full)
    # An option line: the full reading's.
    (root / "requirements.txt").write_text("--index-url https://pypi.org/simple\n" + freeze.stdout)
    assert both(root, venv)[0] == "not known"


def test_a_pipenv_lock_in_every_venv_state(tmp_path: pathlib.Path) -> None:
    where = tmp_path / "locked"
    where.mkdir()
    (where / "Pipfile").write_text(
        '[packages]\nsix = "==1.16.0"\nrequests = {version = "==2.32.3", extras = ["socks"]}\n'
        'colorama = {version = "*", sys_platform = "== \'win32\'"}\n'
        '\n[dev-packages]\niniconfig = "*"\n'
    )
    env = {"PIPENV_VENV_IN_PROJECT": "1", "PIPENV_YES": "1", "PIPENV_NOSPIN": "1"}
    run([str(tool("pipenv")), "lock", "--python", str(python_of(PY_A))], where, **env)
    text = (where / "Pipfile.lock").read_text()
    lock = json.loads(text)
    pins = sorted(
        (name, entry["version"][2:])
        for section in ("default", "develop")
        for name, entry in lock[section].items()
        if entry.get("version", "").startswith("==")
    )
    assert {"six", "requests", "pysocks", "iniconfig"} <= {name for name, _ in pins}
    assert '"markers": "' in text and '"hashes": [' in text
    assert lock["default"]["colorama"]["version"] == "*"  # for Windows only: not pinned here
    for number, (what, holds) in enumerate(venv_states(pins)):
        root = tmp_path / f"state{number}"
        root.mkdir()
        (root / "Pipfile.lock").write_text(text)
        fake_venv(root, {name.replace("-", "_"): version for name, version in holds.items()})
        quick, full = both(root, root / ".venv")
        assert quick == full, what
