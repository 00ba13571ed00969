"""The pure plan: activation, exact restore, pause, manual venvs (DESIGN §4) as tables."""

from __future__ import annotations

import pytest

from autovenv import plan
from autovenv.plan import Target

BASE = {"PATH": "/usr/bin:/bin", "HOME": "/home/u", "PYTHONHOME": "/opt/py"}
VENV = Target(
    root="/p",
    path_entries=("/p/.venv/bin",),
    venv="/p/.venv",
    venv_prompt="(.venv) ",
    prompt="(.venv) ",
    message="activated .venv (Python 3.12.1)",
)
PIN = Target(root="/q", path_entries=("/pyenv/versions/3.11.7/bin",), pyenv_version="3.11.7", message="m")


def applied(environ: dict[str, str], target: Target | None, **kwargs: bool) -> dict[str, str]:
    env = dict(environ)
    for name, value in plan.plan(environ, target, **kwargs).changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_activation_sets_what_activate_sets() -> None:
    env = applied(BASE, VENV)
    assert env["VIRTUAL_ENV"] == "/p/.venv"
    assert env["VIRTUAL_ENV_PROMPT"] == "(.venv) "
    assert env["PATH"] == "/p/.venv/bin:/usr/bin:/bin"
    assert "PYTHONHOME" not in env
    assert env[plan.OLD_PREFIX + "PYTHONHOME"] == "/opt/py"


def test_leaving_restores_exactly_and_keeps_user_path_edits() -> None:
    env = applied(BASE, VENV)
    env["PATH"] = "/mine:" + env["PATH"] + ":/tail"
    env = applied(env, None)
    assert env == {**BASE, "PATH": "/mine:/usr/bin:/bin:/tail"}


def test_switch_between_projects_leaves_no_trace() -> None:
    env = applied(applied(applied(BASE, VENV), PIN), None)
    assert env == BASE


def test_pin_sets_and_restores_pyenv_version() -> None:
    env = applied({**BASE, "PYENV_VERSION": "system"}, PIN)
    assert env["PYENV_VERSION"] == "3.11.7"
    assert applied(env, None) == {**BASE, "PYENV_VERSION": "system"}


def test_same_target_changes_nothing() -> None:
    env = applied(BASE, VENV)
    result = plan.plan(env, VENV)
    assert result.changes == {} and result.message is None


def test_manual_venv_is_never_overridden() -> None:
    env = {**BASE, "VIRTUAL_ENV": "/elsewhere/venv"}
    assert plan.plan(env, VENV).changes == {}


def test_manual_venv_over_ours_is_left_alone_then_tidied_after_its_deactivate() -> None:
    ours = applied(BASE, VENV)
    theirs = {**ours, "VIRTUAL_ENV": "/other", "PATH": "/other/bin:" + ours["PATH"]}
    assert plan.plan(theirs, None).changes == {}
    # their deactivate restores the PATH snapshot (with our entry) and unsets VIRTUAL_ENV*
    after_theirs = {k: v for k, v in ours.items() if not k.startswith("VIRTUAL_ENV")}
    again = applied(after_theirs, VENV)
    assert again["PATH"] == "/p/.venv/bin:/usr/bin:/bin"
    assert again["VIRTUAL_ENV"] == "/p/.venv"
    assert plan.plan(after_theirs, VENV).message == VENV.message
    assert applied(after_theirs, None) == BASE


def activate_by_hand(env: dict[str, str], venv: str) -> dict[str, str]:
    """What a venv's own activate script does to the exported environment (fish exports its saved PATH)."""
    env = dict(env)
    env.pop("VIRTUAL_ENV", None)
    env.pop("VIRTUAL_ENV_PROMPT", None)
    env["_OLD_VIRTUAL_PATH"] = env["PATH"]
    if "PYTHONHOME" in env:
        env["_OLD_VIRTUAL_PYTHONHOME"] = env.pop("PYTHONHOME")
    env["VIRTUAL_ENV"] = venv
    env["VIRTUAL_ENV_PROMPT"] = "(.venv) "
    env["PATH"] = f"{venv}/bin:{env['PATH']}"
    return env


def deactivate_by_hand(env: dict[str, str]) -> dict[str, str]:
    env = dict(env)
    env["PATH"] = env.pop("_OLD_VIRTUAL_PATH")
    if "_OLD_VIRTUAL_PYTHONHOME" in env:
        env["PYTHONHOME"] = env.pop("_OLD_VIRTUAL_PYTHONHOME")
    env.pop("VIRTUAL_ENV")
    env.pop("VIRTUAL_ENV_PROMPT")
    return env


def test_activating_our_own_venv_by_hand_hands_it_over() -> None:
    ours = applied(BASE, VENV)
    theirs = applied(activate_by_hand(ours, "/p/.venv"), VENV)
    assert theirs["PATH"] == "/p/.venv/bin:/usr/bin:/bin"  # once, not twice
    assert not any(name.startswith("AUTOVENV_") for name in theirs)
    assert applied(theirs, None) == theirs  # leaving keeps the user's venv
    assert deactivate_by_hand(theirs) == BASE  # and its own deactivate restores everything
    assert applied(BASE, VENV) == ours  # the next visit activates again


def test_a_leftover_saved_path_is_not_a_hand_activation() -> None:
    leftover = {**BASE, "_OLD_VIRTUAL_PATH": "/usr/bin:/bin"}
    env = applied(leftover, VENV)
    assert applied(env, VENV) == env
    assert applied(env, None) == leftover


def test_deactivate_pauses_until_the_project_is_left() -> None:
    env = applied(applied(BASE, VENV), None, deactivate=True, pause=True)
    assert env[plan.PAUSED] == "/p"
    assert "VIRTUAL_ENV" not in env
    assert plan.plan(env, VENV).changes == {}
    left = applied(env, None)
    assert plan.PAUSED not in left
    assert applied(left, VENV)["VIRTUAL_ENV"] == "/p/.venv"


@pytest.mark.parametrize("path", ["", "/p/.venv/bin", "/a::/b:"])
def test_path_edge_values_round_trip(path: str) -> None:
    env = {**BASE, "PATH": path}
    assert applied(applied(env, VENV), None)["PATH"] == path


def test_user_view_hides_our_pyenv_version() -> None:
    env = applied(BASE, PIN)
    assert "PYENV_VERSION" not in plan.user_view(env)


def test_a_value_the_user_changed_inside_is_theirs_after_leaving() -> None:
    env = applied({**BASE, "PYENV_VERSION": "system"}, PIN)
    env["PYENV_VERSION"] = "3.12.1"  # pyenv shell 3.12.1
    # Resolution sees their choice, which outranks the pin as in pyenv, so the target is None.
    assert plan.user_view(env)["PYENV_VERSION"] == "3.12.1"
    after = applied(env, None)
    assert after["PYENV_VERSION"] == "3.12.1"
    assert after["PATH"] == BASE["PATH"]
    assert not any(name.startswith("AUTOVENV_") for name in after)


def test_pythonhome_set_inside_a_venv_project_survives_leaving() -> None:
    env = applied(BASE, VENV)
    env["PYTHONHOME"] = "/mine"
    assert applied(env, None)["PYTHONHOME"] == "/mine"
