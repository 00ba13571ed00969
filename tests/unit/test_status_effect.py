"""``status`` never says "active" while the shell's PATH or variables are not what autovenv set."""

from __future__ import annotations

import pytest

from autovenv.status import not_in_effect

ACTIVE = {
    "AUTOVENV_KEY": "k",
    "AUTOVENV_ROOT": "/p",
    "AUTOVENV_VENV": "/p/.venv",
    "AUTOVENV_PATH_ADD": "/p/.venv/bin",
    "AUTOVENV_SAVED": "VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME",
    "AUTOVENV_SET_VIRTUAL_ENV": "/p/.venv",
    "AUTOVENV_SET_VIRTUAL_ENV_PROMPT": "(p) ",
    "VIRTUAL_ENV": "/p/.venv",
    "VIRTUAL_ENV_PROMPT": "(p) ",
    "PATH": "/p/.venv/bin:/usr/bin",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, None),
        ({"PATH": "/pyenv/shims:/p/.venv/bin:/usr/bin"}, "/pyenv/shims comes before /p/.venv/bin"),
        ({"PATH": "/usr/local/sbin:/usr/bin"}, "/p/.venv/bin is not on PATH"),
        ({"VIRTUAL_ENV": "/elsewhere"}, "VIRTUAL_ENV is not the venv autovenv activated"),
        ({"PYTHONHOME": "/zz"}, "PYTHONHOME was changed since autovenv set it"),
    ],
)
def test_not_in_effect(change: dict[str, str], reason: str | None) -> None:
    got = not_in_effect({**ACTIVE, **change})
    if reason is None:
        assert got is None
    else:
        assert got is not None and reason in got


def test_nothing_active_is_never_not_in_effect() -> None:
    assert not_in_effect({"PATH": "/usr/bin"}) is None
