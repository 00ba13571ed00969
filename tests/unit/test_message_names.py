"""How messages and prompts name things: the project, a venv's path, a venv's own prompt."""

from __future__ import annotations

import pytest

from autovenv.decide import project_name, prompt_name, shown_path
from autovenv.resolve.venv import VenvInfo, _unquote


@pytest.mark.parametrize(
    ("path", "root", "home", "shown"),
    [
        ("/p/shop/.venv", "/p/shop", "/h", ".venv"),
        ("/p/shop/sub/.venv/", "/p/shop/", "/h", "sub/.venv"),
        ("/h/envs/x", "/p/shop", "/h", "~/envs/x"),
        ("/p/shopx/.venv", "/p/shop", "", "/p/shopx/.venv"),  # a sibling that shares the prefix
        ("/h", "/p", "/h", "/h"),
        ("/o/x", "/p", "/h/", "/o/x"),
    ],
)
def test_shown_path(path: str, root: str, home: str, shown: str) -> None:
    assert shown_path(path, root, {"HOME": home}) == shown


@pytest.mark.parametrize(
    ("venv", "own", "root", "name"),
    [
        ("/p/shop/.venv", ".venv", "/p/shop", "shop"),
        ("/p/shop/venv", "venv", "/p/shop", "shop"),
        ("/p/shop/env", "env", "/p/shop", "shop"),
        ("/p/shop/.venv", "mine", "/p/shop", "mine"),  # --prompt mine
        ("/cache/blog-Xk3v9aQ2-py3.11", "blog-py3.11", "/p/blog", "blog-py3.11"),  # a tool's own name
        ("/p/shop/.env2", ".env2", "/p/shop", ".env2"),  # not a generic name
        ("/.venv", ".venv", "/", ".venv"),  # a project at / has no name to show
    ],
)
def test_prompt_name(venv: str, own: str, root: str, name: str) -> None:
    info = VenvInfo(venv, venv + "/bin", venv + "/bin/python", {}, "3.12.1", own, None)
    assert prompt_name(info, root) == name


def test_project_name() -> None:
    assert project_name("/p/shop/") == "shop" and project_name("/") == "/"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("'a\\\\b'", "a\\b"),  # CPython's venv writes repr(): one backslash, shown once
        ("'it\\'s \"x\"'", "it's \"x\""),
        ("'caf\\xe9 \\u2603'", "caf\u00e9 \u2603"),
        ("plain", "plain"),  # virtualenv and uv write the value bare
        ("'no escapes'", "no escapes"),
        ("'bad\\q'", "bad\\q"),  # not an escape repr makes: taken as it stands
        ("'\\x1b[31m'", "\x1b[31m"),  # decoded; shown escaped later (display.text), never run
    ],
)
def test_pyvenv_cfg_prompt_is_read_as_written(raw: str, value: str) -> None:
    assert _unquote(raw) == value
