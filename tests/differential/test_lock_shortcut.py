"""The first lock comparison's shortcut (``resolve.locksync``) on locks the real tools write: in every venv
state below, it either leaves the answer to the full comparison or gives exactly the full comparison's
answer, and it does answer where it should (every package held, packages behind, a Windows-only package
missing).

Real ``uv lock``, ``uv export --format pylock.toml``, ``poetry lock`` and ``pdm lock`` (from PyPI, in
.test-tools as tests/run.sh installs them) of one project with a pinned package, an extra asked for, an
extra not asked for, a Windows-only package, a Python-conditional one and two dependency groups. The
venv states are dist-info directories (all the comparison reads), one per package and state: installed
at its locked version, at another, or missing.
"""

from __future__ import annotations

import pathlib
import sys

import pytest

from autovenv.resolve import drift, installed, locksync
from autovenv.resolve.venv import inspect_venv
from tests.differential.test_lock_differential import run, tool
from tests.unit.test_drift import fake_venv

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.9/3.10
    import tomli as tomllib

DEPENDENCIES = """dependencies = [
    "six==1.16.0",
    "requests[socks]==2.32.3",
    "colorama; sys_platform == 'win32'",
    "tomli; python_version < '3.12'",
]

[project.optional-dependencies]
yaml = ["pyyaml"]

[dependency-groups]
dev = ["iniconfig"]
lint = ["packaging"]
"""
#: requires-python leaves uv no fork (a name locked twice, for two Pythons, is the full reading's).
PYPROJECT = f'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n{DEPENDENCIES}'


def lock(tool_name: str, where: pathlib.Path) -> pathlib.Path:
    """The project locked by the real tool; the lock's path."""
    where.mkdir()
    if tool_name in ("uv", "pylock"):
        (where / "pyproject.toml").write_text(PYPROJECT)
        run([str(tool("uv")), "lock", "--quiet"], where)
        if tool_name == "uv":
            return where / "uv.lock"
        run([str(tool("uv")), "export", "--format", "pylock.toml", "-o", "pylock.toml", "--quiet"], where)
        return where / "pylock.toml"
    if tool_name == "poetry":
        (where / "pyproject.toml").write_text(PYPROJECT + "\n[tool.poetry]\npackage-mode = false\n")
        run([str(tool("poetry")), "lock"], where, POETRY_CACHE_DIR=str(where.parent / "poetry-cache"))
        return where / "poetry.lock"
    (where / "pyproject.toml").write_text(PYPROJECT + "\n[tool.pdm]\ndistribution = false\n")
    pdm = tool("pdm")
    run([str(pdm.parent / "python"), "-m", "pdm", "lock", "--group", ":all"], where)
    return where / "pdm.lock"


def venv_states(packages: list[tuple[str, str]]) -> list[tuple[str, dict[str, str]]]:
    """(what, the dist-infos a venv holds) for: every package at its version; each one behind, ahead
    and missing; and each one missing with a second one behind."""
    everything = dict(packages)
    states = [("every package", everything)]
    for name, version in packages:
        rest = {n: v for n, v in everything.items() if n != name}
        states.append((f"{name} behind", {**rest, name: version + "rc1"}))
        states.append((f"{name} ahead", {**rest, name: version + ".post1"}))
        states.append((f"{name} missing", rest))
        other = next(n for n in rest if n != "demo")
        states.append((f"{name} missing, {other} behind", {**rest, other: rest[other] + "rc1"}))
    return states


@pytest.mark.parametrize("tool_name", ["uv", "poetry", "pdm", "pylock"])
def test_the_shortcut_agrees_with_the_full_comparison_on_real_locks(
    tmp_path: pathlib.Path, tool_name: str
) -> None:
    source = lock(tool_name, tmp_path / "locked")
    text = source.read_text()
    document = tomllib.loads(text)
    tables = document["packages" if tool_name == "pylock" else "package"]
    locked = {(p["name"], p["version"]) for p in tables if "version" in p}
    listed = sorted(locked)
    names = {name for name, _ in listed}
    assert len(names) == len(listed), "a fork: the lock no longer tests the shortcut"
    assert {"colorama", "pysocks", "six", "tomli", "iniconfig"} <= names
    answered: list[str] = []
    for number, (what, holds) in enumerate(venv_states(listed)):
        root = tmp_path / f"state{number}"
        root.mkdir()
        (root / source.name).write_text(text)
        fake_venv(root, {name.replace("-", "_"): version for name, version in holds.items()})
        info = inspect_venv(str(root / ".venv"))
        site = installed.site_packages(info.path)
        assert site is not None
        full, problem, _, _ = drift.examine(str(root), info)
        assert problem is None
        known = locksync.compare(str(root), site, info)
        if known is None:
            continue
        answered.append(what)
        lock_path, differences, command = known
        quick = (locksync.lead(lock_path, differences), command) if differences else None
        assert quick == ((full.lead(), full.command) if full is not None else None), what
    single = [what for what, _ in venv_states(listed) if ", " not in what]
    behind = [what for what in single if what.endswith((" behind", " ahead"))]
    missing = [what for what in single if what.endswith(" missing")]
    assert "every package" in answered
    assert set(behind) <= set(answered)  # a package behind or ahead never needs the whole lock
    # Poetry's, PDM's and pylock.toml's own markers say, from the table alone, that colorama is not due
    # on Linux; uv's, from the edges pointing at it, all false here.
    assert "colorama missing" in answered
    assert len(set(missing) & set(answered)) >= 3


#: Windows-only packages a uv project on Linux lacks, each reached its own way: colorama through click,
#: pywin32-ctypes through the project's extra, pywin32 through its dev group; and, in the second
#: project, colorama reached twice: through click for Windows, and through crayons everywhere. In the
#: last, the packages requests needs are reached only through it (idna, urllib3, ...).
WINDOWS_ONLY = {
    "through packages, an extra, a group": """dependencies = ["click==8.1.7", "six==1.16.0"]

[project.optional-dependencies]
win = ["pywin32-ctypes; sys_platform == 'win32'"]

[dependency-groups]
dev = ["iniconfig", "pywin32; sys_platform == 'win32'"]
""",
    "guarded once, open once": 'dependencies = ["click==8.1.7", "crayons==0.4.0"]\n',
    "guarded once, the project's own once": 'dependencies = ["click==8.1.7", "colorama"]\n',
    "reached through another package": 'dependencies = ["click==8.1.7", "requests==2.32.3"]\n',
}


@pytest.mark.parametrize("project", list(WINDOWS_ONLY))
def test_a_uv_lock_s_windows_only_packages_missing_on_linux(tmp_path: pathlib.Path, project: str) -> None:
    where = tmp_path / "locked"
    where.mkdir()
    (where / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n{WINDOWS_ONLY[project]}'
    )
    run([str(tool("uv")), "lock", "--quiet"], where)
    text = (where / "uv.lock").read_text()
    tables = tomllib.loads(text)["package"]
    locked = dict(sorted((p["name"], p["version"]) for p in tables))
    windows = {"colorama", "pywin32", "pywin32-ctypes"} & set(locked)
    assert "colorama" in windows
    linux = {name: version for name, version in locked.items() if name not in windows}
    states = [("as uv sync leaves it on Linux", linux)]
    states += [(f"{name} missing too", {n: v for n, v in linux.items() if n != name}) for name in linux]
    states += [(f"{name} installed", {**linux, name: locked[name]}) for name in windows]
    answers: dict[str, tuple[object, object]] = {}
    for number, (what, holds) in enumerate(states):
        root = tmp_path / f"state{number}"
        root.mkdir()
        (root / "uv.lock").write_text(text)
        fake_venv(root, {name.replace("-", "_"): version for name, version in holds.items()})
        info = inspect_venv(str(root / ".venv"))
        site = installed.site_packages(info.path)
        assert site is not None
        full, problem, _, _ = drift.examine(str(root), info)
        assert problem is None
        known = locksync.compare(str(root), site, info)
        if known is None:
            continue
        lock_path, differences, command = known
        quick = (locksync.lead(lock_path, differences), command) if differences else None
        answers[what] = (quick, (full.lead(), full.command) if full is not None else None)
        assert answers[what][0] == answers[what][1], what
    # Every state is told without reading the lock whole: each edge pointing at a missing package is
    # false here, or comes from the project or from a package it reaches.
    assert set(answers) == {what for what, _ in states}
    synced = answers["as uv sync leaves it on Linux"]
    if project.startswith("through") or project.startswith("reached"):
        assert synced == (None, None)  # each Windows-only edge is false here
    else:
        assert synced[0] is not None and "colorama" in str(synced[0])  # crayons' or the project's edge
    if project.startswith("reached"):
        for name in ("idna", "urllib3", "certifi", "charset-normalizer"):
            told = answers[f"{name} missing too"][0]
            assert told is not None and f"{name} {locked[name]} pinned, not installed" in str(told)
