"""The first comparison's shortcut: a venv holding exactly what its lock lists says nothing, without the
lock being read whole; in every case it answers, the full comparison (``drift``) says the same."""

from __future__ import annotations

import pathlib

import pytest

from autovenv.resolve import drift, installed, lockmemo, locksync
from autovenv.resolve.venv import inspect_venv
from tests.unit.test_drift import PDM_LOCK, POETRY_LOCK, UV_LOCK, fake_venv

EVERYTHING = {
    "colorama": "0.4.6",
    "demo": "0.1.0",
    "six": "1.16.0",
    "requests": "2.32.3",
    "pysocks": "1.7.1",
    "iniconfig": "2.0.0",
    "packaging": "24.0",
    "pytest": "8.3.0",
}
VIRTUAL_ROOT = UV_LOCK.replace('source = { editable = "." }', 'source = { virtual = "." }')

#: (lock file, its text, what the venv holds, whether the shortcut answers)
CASES = [
    ("uv.lock", UV_LOCK, EVERYTHING, True),
    ("uv.lock", UV_LOCK, {**EVERYTHING, "demo": None}, False),  # the project itself not installed
    ("uv.lock", VIRTUAL_ROOT, {**EVERYTHING, "demo": None}, True),  # a virtual project is never installed
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": None}, False),  # Windows-only: the full reading says
    ("uv.lock", UV_LOCK, {**EVERYTHING, "six": "1.15.0"}, False),
    ("uv.lock", UV_LOCK, {**EVERYTHING, "six": "1.16"}, False),  # another spelling: the full reading
    ("uv.lock", UV_LOCK, {**EVERYTHING, "Six": "1.16.0", "six": None}, True),  # a dist-info's own case
    ("uv.lock", UV_LOCK, {**EVERYTHING, "six_": None}, True),
    (
        "uv.lock",
        UV_LOCK.replace('name = "six"\nversion', 'name = "six"\nsource = { x = 1 }\nversion'),
        EVERYTHING,
        False,
    ),
    ("uv.lock", UV_LOCK + '\n[[package]]\nname = "six"\nversion = "1.15.0"\n', EVERYTHING, False),
    ("poetry.lock", POETRY_LOCK, EVERYTHING, True),
    ("poetry.lock", POETRY_LOCK, {**EVERYTHING, "pysocks": None}, False),
    ("pdm.lock", PDM_LOCK, EVERYTHING, True),
    ("pdm.lock", PDM_LOCK, {"six": "1.16.0"}, False),
]


def project(tmp_path: pathlib.Path, name: str, text: str, holds: dict[str, str | None]) -> pathlib.Path:
    (tmp_path / name).write_text(text)
    fake_venv(tmp_path, {n: v for n, v in holds.items() if v is not None})
    return tmp_path


@pytest.mark.parametrize(("name", "text", "holds", "answers"), CASES)
def test_the_shortcut_answers_only_where_the_full_comparison_finds_nothing(
    tmp_path: pathlib.Path, name: str, text: str, holds: dict[str, str | None], answers: bool
) -> None:
    root = project(tmp_path, name, text, holds)
    info = inspect_venv(str(root / ".venv"))
    site = installed.site_packages(info.path)
    assert site is not None
    found = locksync.in_sync(str(root), site)
    assert (found is not None) == answers
    full, problem, watch, tried = drift.examine(str(root), info)
    if found is not None:
        assert full is None and problem is None
        # lockmemo's answer through the shortcut is the full comparison's, watching the same paths.
        assert lockmemo._compute(str(root), info, False) == ((None, None, watch), tried)


def test_two_versions_of_one_name_or_an_egg_info_leave_it_to_the_full_comparison(
    tmp_path: pathlib.Path,
) -> None:
    root = project(tmp_path, "pdm.lock", PDM_LOCK, EVERYTHING)
    site = pathlib.Path(installed.site_packages(str(root / ".venv")) or "")
    assert locksync.in_sync(str(root), str(site)) == str(root / "pdm.lock")
    (site / "six-1.17.0.dist-info").mkdir()
    assert locksync.in_sync(str(root), str(site)) is None
    (site / "six-1.17.0.dist-info").rmdir()
    (site / "six-1.15.0-py3.12.egg-info").mkdir()
    assert locksync.in_sync(str(root), str(site)) is None


def test_another_lock_first_or_none_is_not_known_here(tmp_path: pathlib.Path) -> None:
    root = project(tmp_path, "pdm.lock", PDM_LOCK, EVERYTHING)
    site = installed.site_packages(str(root / ".venv")) or ""
    (root / "uv.lock").write_text("version = 1\n")  # uv.lock comes first, and lists nothing
    assert locksync.in_sync(str(root), site) is None
    (root / "uv.lock").unlink()
    (root / "pdm.lock").unlink()
    (root / "Pipfile.lock").write_text("{}")
    assert locksync.in_sync(str(root), site) is None
