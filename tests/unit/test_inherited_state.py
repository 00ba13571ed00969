"""Rule 5: ``AUTOVENV_*`` values come from whatever started the shell, so they are validated before use.

The pure model (plan.py) acts only on the names an activation may save; the hooks hold the same list
(``AUTOVENV_SAVABLE``, rendered from ``plan.ACTIVATION_VARS``). Real shells started with a hostile
inherited state are in tests/security.
"""

from __future__ import annotations

import pathlib

import pytest

from autovenv import hook, plan, shells

HOSTILE = {
    "PATH": "/usr/bin:/bin",
    plan.KEY: "forged",
    plan.SAVED: "PATH x[$(touch${IFS}CANARY)] VIRTUAL_ENV",
    "AUTOVENV_OLD_PATH": "/home/attacker/bin:/usr/bin:/bin",
    "AUTOVENV_SET_PATH": "/usr/bin:/bin",
    "VIRTUAL_ENV": "/v",
    "AUTOVENV_SET_VIRTUAL_ENV": "/v",
}


def test_only_the_names_an_activation_saves_are_acted_on() -> None:
    assert plan.saved_names(HOSTILE) == ["VIRTUAL_ENV"]


def test_leaving_a_forged_activation_never_restores_a_chosen_path() -> None:
    changes = plan.plan(HOSTILE, None).changes
    assert "PATH" not in changes
    view = plan.user_view(HOSTILE)
    assert view["PATH"] == "/usr/bin:/bin"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_hook_carries_the_list_of_savable_names(shell: str, tmp_path: pathlib.Path) -> None:
    values = hook.hook_values({"HOME": str(tmp_path)})
    text = shells.get(shell).render_hook(values)
    assert "VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME PYENV_VERSION" in text.replace("' '", " ").replace(
        "'", ""
    )
