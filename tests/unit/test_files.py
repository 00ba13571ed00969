"""Files resolution reads never block or flood it: FIFOs, devices and directories are refused at once."""

from __future__ import annotations

import os
import pathlib
import threading

import pytest

from autovenv.files import NotARegularFile, read_regular
from autovenv.resolve.config import project_config
from autovenv.resolve.project import resolve


def test_a_regular_file_is_read_up_to_one_byte_past_the_limit(tmp_path: pathlib.Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 100)
    assert read_regular(str(tmp_path / "f"), 10) == b"x" * 11
    assert read_regular(str(tmp_path / "f"), 1000) == b"x" * 100


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_other_kinds_are_refused_without_blocking(tmp_path: pathlib.Path, kind: str) -> None:
    path = tmp_path / "x"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path = pathlib.Path("/dev/null")
    with pytest.raises(NotARegularFile) as caught:
        read_regular(str(path), 10)
    assert "not a regular file" in str(caught.value.strerror)
    assert caught.value.kind == {"fifo": "a FIFO", "directory": "a directory", "device": "a device"}[kind]


def test_a_symlink_is_refused_when_asked(tmp_path: pathlib.Path) -> None:
    (tmp_path / "target").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    assert read_regular(str(tmp_path / "link"), 10) == b"x"
    with pytest.raises(OSError):
        read_regular(str(tmp_path / "link"), 10, follow_symlinks=False)


@pytest.mark.parametrize("name", [".autovenv.toml", "pyproject.toml", ".venv", ".python-version"])
def test_a_fifo_marker_does_not_hang_resolution(tmp_path: pathlib.Path, name: str) -> None:
    project = tmp_path / "p"
    project.mkdir()
    os.mkfifo(project / name)
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(resolve(str(project), {"HOME": str(tmp_path)})))
    worker.daemon = True
    worker.start()
    worker.join(5)
    assert results, f"resolution hung on a FIFO named {name}"
    if name == ".autovenv.toml":
        config = project_config(str(project))
        assert config is not None and not config.usable
        ignored = "ignored, as if it were not there"
        assert config.problems == [f"{project / name} is a FIFO, not a config file; {ignored}"]


def test_the_cold_path_gives_up_at_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hung filesystem (a stat or open that never returns) holds the work, not the caller."""
    import time

    from autovenv import export, shells

    monkeypatch.setattr(export, "compute", lambda *args: time.sleep(2))
    started = time.monotonic()
    assert export.compute_within(shells.get("bash"), {}, "/", 0.1) is None
    assert time.monotonic() - started < 1
