"""Windows layouts as pure functions on Windows-style inputs: venv Scripts\\python.exe, pyenv-win."""

from __future__ import annotations

import pytest

from autovenv.resolve import pyenv_win
from autovenv.resolve.venv import bin_dir_name, is_absolute, python_name

ROOT = "C:\\Users\\me\\.pyenv\\pyenv-win"
INSTALLED = ["3.11.9", "3.12.1", "3.12.10", "3.12.4", "3.13.0a1", "3.13.0b2", "3.8.10"]


def fs(files: dict[str, bytes], installed: list[str] = INSTALLED) -> dict[str, object]:
    lowered = {k.lower(): v for k, v in files.items()}
    return {
        "isfile": lambda p: p.lower() in lowered,
        "read": lambda p: lowered.get(p.lower()),
        "listdir": lambda p: list(installed) if p.lower() == (ROOT + "\\versions").lower() else [],
    }


ENV = {"USERPROFILE": "C:\\Users\\me"}


def test_venv_layout_on_windows() -> None:
    assert bin_dir_name(True) == "Scripts" and python_name(True) == "python.exe"
    assert bin_dir_name(False) == "bin" and python_name(False) == "python"


@pytest.mark.parametrize(
    ("path", "windows", "expected"),
    [
        ("C:\\Users\\me\\.venv", True, True),
        ("c:/x", True, True),
        ("\\\\server\\share\\v", True, True),
        ("C:relative", True, False),
        (".venv", True, False),
        ("/home/u/.venv", False, True),
        ("C:\\x", False, False),
    ],
)
def test_recorded_paths(path: str, windows: bool, expected: bool) -> None:
    assert is_absolute(path, windows) is expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"USERPROFILE": "C:\\Users\\me"}, ROOT),
        ({"PYENV": "D:\\pyenv\\pyenv-win\\", "USERPROFILE": "C:\\Users\\me"}, "D:\\pyenv\\pyenv-win"),
        ({"PYENV_ROOT": "E:\\p", "PYENV": "D:\\x"}, "E:\\p"),
        ({"PYENV_HOME": "F:\\h\\"}, "F:\\h"),
    ],
)
def test_root(environ: dict[str, str], expected: str) -> None:
    assert pyenv_win.root(environ) == expected


@pytest.mark.parametrize(
    ("path", "parent"),
    [
        ("C:\\a\\b", "C:\\a"),
        ("C:\\a", "C:\\"),
        ("C:\\", None),
        ("C:\\a\\", "C:\\"),
        ("\\\\srv\\share\\p", "\\\\srv\\share\\"),
        ("\\\\srv\\share", None),
    ],
)
def test_parent(path: str, parent: str | None) -> None:
    assert pyenv_win.parent(path) == parent


def test_powershell_51_echo_writes_utf16_and_we_read_it() -> None:
    # `echo 3.12 > .python-version` in Windows PowerShell 5.1: UTF-16 LE with BOM and CRLF.
    data = b"\xff\xfe" + "3.12\r\n".encode("utf-16-le")
    assert pyenv_win.version_names(pyenv_win.decode_version_file(data)) == ["3.12"]
    utf8_bom = b"\xef\xbb\xbf3.11.9\r\n"
    assert pyenv_win.version_names(pyenv_win.decode_version_file(utf8_bom)) == ["3.11.9"]
    be = b"\xfe\xff" + "3.8.10\n".encode("utf-16-be")
    assert pyenv_win.version_names(pyenv_win.decode_version_file(be)) == ["3.8.10"]


def test_version_file_rules() -> None:
    text = "# pinned\n\n  3.12.1  trailing words\n3.11\r\n"
    assert pyenv_win.version_names(text) == ["3.12.1", "3.11"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("3.12.1", "3.12.1"),
        ("3.12", "3.12.10"),
        ("3", "3.12.10"),
        ("3.13", None),  # pre-releases never answer a prefix (as in pyenv)
        ("3.8", "3.8.10"),
        ("3.1", None),  # 3.1 is not a prefix of 3.12
        ("3.9", None),
    ],
)
def test_prefix_selects_newest_installed(name: str, expected: str | None) -> None:
    assert pyenv_win.resolve_name(name, INSTALLED) == expected


def test_local_file_walks_up_and_selects_folder_and_scripts() -> None:
    files = {"C:\\code\\.python-version": b"\xff\xfe" + "3.12\r\n".encode("utf-16-le")}
    got = pyenv_win.select_python("C:\\code\\shop\\src", ENV, **fs(files))  # type: ignore[arg-type]
    assert got.ok and got.version_name() == "3.12.10"
    assert got.source == "C:\\code\\.python-version" and got.source_kind == "local"
    assert got.bin_dirs == [ROOT + "\\versions\\3.12.10", ROOT + "\\versions\\3.12.10\\Scripts"]
    assert "C:\\code\\shop\\src" in got.watch_paths and ROOT + "\\versions" in got.watch_paths


def test_pyenv_version_wins_then_global_then_system() -> None:
    files = {ROOT + "\\version": b"3.11.9\n", "C:\\code\\.python-version": b"3.12.1\n"}
    env = {**ENV, "PYENV_VERSION": "3.8"}
    assert pyenv_win.select_python("C:\\code", env, **fs(files)).version_name() == "3.8.10"  # type: ignore[arg-type]
    glob = pyenv_win.select_python("D:\\elsewhere", ENV, **fs(files))  # type: ignore[arg-type]
    assert glob.version_name() == "3.11.9" and glob.source_kind == "global"
    none = pyenv_win.select_python("D:\\elsewhere", ENV, **fs({}))  # type: ignore[arg-type]
    assert none.version_name() == "system" and none.bin_dirs == [] and none.source_kind == "default"


def test_missing_and_unsafe_versions_are_reported() -> None:
    files = {"C:\\p\\.python-version": b"3.9.1\n..\\..\\evil\n"}
    got = pyenv_win.select_python("C:\\p", ENV, **fs(files))  # type: ignore[arg-type]
    assert not got.ok
    assert got.problem is not None and "pyenv install 3.9.1" in got.problem and "evil" in got.problem
    assert got.bin_dirs == []
