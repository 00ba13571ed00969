"""Our lean copies of platformdirs' answers equal platformdirs itself (Linux and macOS rules)."""

from __future__ import annotations

import pytest
from platformdirs.macos import MacOS
from platformdirs.unix import Unix

from autovenv import dirs

HOME = "/home/someone"


ENVIRONS = [
    {"HOME": HOME},
    {"HOME": HOME, "XDG_CACHE_HOME": "/c", "XDG_DATA_HOME": "/d", "XDG_CONFIG_HOME": "/e"},
    {"HOME": HOME, "XDG_CACHE_HOME": "relative", "XDG_DATA_HOME": " ", "XDG_CONFIG_HOME": ""},
]


@pytest.mark.parametrize("environ", ENVIRONS)
def test_linux_dirs_equal_platformdirs(monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]) -> None:
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("os.path.expanduser", lambda p: p.replace("~", HOME, 1))
    expected = Unix(appname="autovenv")
    assert dirs.cache_dir(environ, "linux") == expected.user_cache_dir
    assert dirs.data_dir(environ, "linux") == expected.user_data_dir
    assert dirs.config_dir(environ, "linux") == expected.user_config_dir


@pytest.mark.parametrize("environ", ENVIRONS)
def test_macos_dirs_equal_platformdirs(monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]) -> None:
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("os.path.expanduser", lambda p: p.replace("~", HOME, 1))
    expected = MacOS(appname="autovenv")
    assert dirs.cache_dir(environ, "darwin") == expected.user_cache_dir
    assert dirs.data_dir(environ, "darwin") == expected.user_data_dir
    assert dirs.config_dir(environ, "darwin") == expected.user_config_dir


def test_overrides_win() -> None:
    assert dirs.cache_dir({"AUTOVENV_CACHE_DIR": "/x"}, "linux") == "/x"


@pytest.mark.parametrize(
    ("path", "mirrored"),
    [("/", "/b/d"), ("/a/b", "/b/da/db/d"), ("/d/e", "/b/dd/de/d"), ("/with space/x", "/b/dwith space/dx/d")],
)
def test_mirror_path_is_one_level_per_component(path: str, mirrored: str) -> None:
    assert dirs.mirror_path("/b", path) == mirrored
