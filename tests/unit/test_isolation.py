"""The suite runs in a sandbox HOME, and the guard that compares the user's real files can see a change."""

from __future__ import annotations

import os
import pathlib

from autovenv import dirs
from tests.isolation import Snapshot, real_locations


def test_the_suite_never_points_at_the_real_home() -> None:
    real = os.environ["AUTOVENV_REAL_HOME_FOR_TESTS"]
    assert os.environ["HOME"] != real
    for where in (dirs.cache_dir(os.environ), dirs.config_dir(os.environ), dirs.data_dir(os.environ)):
        assert not where.startswith(real.rstrip("/") + "/"), where
    assert not dirs.runtime_dir(os.environ).startswith("/run/user/")


def test_the_real_locations_cover_every_autovenv_directory(tmp_path: pathlib.Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "c"), "AUTOVENV_DATA_DIR": str(tmp_path / "d")}
    places = real_locations(env, str(tmp_path / "h"))
    assert str(tmp_path / "c" / "autovenv") in places
    assert str(tmp_path / "h" / ".config" / "autovenv") in places
    assert str(tmp_path / "h" / ".local" / "share" / "autovenv") in places
    assert str(tmp_path / "d") in places
    assert str(tmp_path / "h" / ".bashrc") in places


def test_the_snapshot_sees_files_created_changed_and_removed(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "cache" / "autovenv"
    root.mkdir(parents=True)
    (root / "keep").write_text("a")
    (root / "gone").write_text("b")
    roots = (str(root), str(tmp_path / "absent"))
    before = Snapshot.take(roots)
    assert before.changes(Snapshot.take(roots)) == []
    (root / "keep").write_text("changed, and longer")
    (root / "gone").unlink()
    (root / "bash").mkdir()
    (root / "bash" / "%").write_text("entry")
    (tmp_path / "absent").write_text("now here")
    changes = before.changes(Snapshot.take(roots))
    assert f"changed {root / 'keep'}" in changes
    assert f"removed {root / 'gone'}" in changes
    assert f"created {root / 'bash' / '%'}" in changes
    assert f"created {tmp_path / 'absent'}" in changes
