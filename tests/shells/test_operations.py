"""Each hook's generic loop applies and undoes an answer's operations exactly as ``plan`` does.

The seam between Python and the templates: Python decides what an activation does (``plan.Target.
operations``), every template applies those operations with one loop and undoes them with another.
Here random operations, hostile ones among them (names outside ``plan.ACTIVATION_VARS``, a name with a
space or a ``$(...)``, a second operation on one name, an unknown verb), go through the real shell's
``__autovenv_apply`` and ``__autovenv_unapply`` and through ``plan.apply_operations``/``plan.unapply``;
the environments after each must be equal, nothing may run, and nothing may be printed.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autovenv import answer as answer_mod
from autovenv import plan
from autovenv.answer import Answer
from autovenv.shells import get
from tests.shells.shell_list import SYSTEM_PATH, find_shell

SHELLS = ("bash", "zsh", "fish")
CANARY = "canary"
#: Names an operation may carry: the ones an activation may save, and ones the hooks must skip.
NAMES = (
    *plan.ACTIVATION_VARS,
    "PATH",
    "HOME",
    "AUTOVENV_KEY",
    f"x[$(touch {CANARY})]",
    "VIRTUAL_ENV VIRTUAL_ENV_PROMPT",
    "A-B",
)
VALUES = st.lists(
    st.sampled_from([*"ab é$()`'\";\\\n*?[]~%{}", "$(touch canary)", "`touch canary`"]), max_size=8
).map("".join)
#: PATH entries never hold the separator (decide refuses such a venv) and are never empty.
ENTRIES = VALUES.filter(lambda value: ":" not in value and value != "")
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["set", "unset", "eval"]), st.sampled_from(NAMES), VALUES),
        st.tuples(st.sampled_from(["prepend"]), st.sampled_from(["PATH", "HOME"]), ENTRIES),
    ),
    max_size=6,
)
BEFORE = st.dictionaries(st.sampled_from(plan.ACTIVATION_VARS), VALUES, max_size=4)


def hook_values(stamps: pathlib.Path) -> dict[str, object]:
    return {
        "AUTOVENV_STAMPS": str(stamps),
        "AUTOVENV_EXPORT": ["/nonexistent/python"],
        "AUTOVENV_CACHE": "/dev/null",
        "AUTOVENV_MARKERS": [".venv"],
        "AUTOVENV_QUIET": "1",
        "AUTOVENV_DEPS": list(answer_mod.ENV_DEPS),
        "AUTOVENV_FORMAT": answer_mod.FORMAT,
        "AUTOVENV_SAVABLE": " " + " ".join(plan.ACTIVATION_VARS) + " ",
    }


def relevant(env: dict[str, str]) -> dict[str, str]:
    """What an activation may touch: its variables, PATH and our state (not the shell's own)."""
    names = {*plan.ACTIVATION_VARS, "PATH", "HOME"}
    return {
        name: value
        for name, value in env.items()
        if name in names or (name.startswith("AUTOVENV_") and name != "AUTOVENV_HOOK")
    }


def expected(before: dict[str, str], answer: Answer) -> tuple[dict[str, str], dict[str, str]]:
    """The environments after applying and after undoing, by the Python model."""
    env = dict(before)
    plan.apply_operations(env, answer.operations, ":")
    env[plan.KEY] = answer.key
    env[plan.ROOT] = answer.root
    if answer.venv:
        env[plan.VENV] = answer.venv
    if answer.prompt:
        env[plan.PROMPT] = answer.prompt
    applied = dict(env)
    plan.unapply(env, ":")
    return applied, env


def script(
    shell: str, hook: pathlib.Path, answer_text: str, before: dict[str, str], work: pathlib.Path
) -> str:
    adapter = get(shell)
    q = adapter.quote
    dump = [f"/usr/bin/env -0 > {q(str(work / 'applied'))}", f"/usr/bin/env -0 > {q(str(work / 'undone'))}"]
    if shell == "fish":
        sets = [f"set -gx {name} {q(value)}" for name, value in before.items()]
        load = [
            answer_text.rstrip("\n"),
            f"set -g __autovenv_a $__autovenv_e[1..{len(Answer().scalars(answer_mod.FORMAT))}]",
            "set -g __autovenv_ao $__autovenv_eo",
        ]
        lines = [
            f"source {q(str(hook))}",
            *sets,
            *load,
            "__autovenv_apply",
            dump[0],
            "__autovenv_unapply",
            dump[1],
        ]
    else:
        sets = [f"export {name}={q(value)}" for name, value in before.items()]
        lines = [f". {q(str(hook))}", *sets, answer_text.rstrip("\n"), "__autovenv_apply", dump[0]]
        lines += ["__autovenv_unapply", dump[1]]
    return "\n".join(lines) + "\n"


def read_env(path: pathlib.Path) -> dict[str, str]:
    data = path.read_bytes().decode("utf-8", "surrogateescape")
    return dict(entry.split("=", 1) for entry in data.split("\0") if entry)


def run(shell: str, before: dict[str, str], answer: Answer) -> tuple[dict[str, str], dict[str, str], str]:
    binary = find_shell(shell)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(f"{shell} is not installed, and CI must run every shell")
        pytest.skip(f"{shell} is not installed")
    with tempfile.TemporaryDirectory(prefix="ops-") as where:
        work = pathlib.Path(where)
        hook = work / f"hook.{shell}"
        hook.write_text(get(shell).render_hook(hook_values(work)), encoding="utf-8")
        text = script(shell, hook, get(shell).render_answer(answer), before, work)
        (work / "script").write_text(text, encoding="utf-8")
        args = {"bash": ["--norc", "--noprofile"], "zsh": ["-f"], "fish": ["--no-config"]}[shell]
        env = {"PATH": SYSTEM_PATH, "HOME": str(work), "LANG": "C.UTF-8", "TERM": "dumb"}
        result = subprocess.run(
            [binary, *args, str(work / "script")], cwd=work, env=env, capture_output=True, timeout=60
        )
        assert not (work / CANARY).exists(), "an operation ran code"
        output = (result.stdout + result.stderr).decode("utf-8", "replace")
        return read_env(work / "applied"), read_env(work / "undone"), output


@pytest.mark.parametrize("shell", SHELLS)
def test_the_hooks_apply_and_undo_operations_as_plan_does(shell: str) -> None:
    @settings(
        max_examples=int(os.environ.get("AUTOVENV_OPERATIONS_EXAMPLES", "25")),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=bool(os.environ.get("CI")),
    )
    @given(before=BEFORE, ops=OPERATIONS, venv=st.booleans(), prompt=VALUES)
    def check(before: dict[str, str], ops: list[tuple[str, str, str]], venv: bool, prompt: str) -> None:
        answer = Answer(
            key="k\x1fk", root="/r", venv="/r/.venv" if venv else "", prompt=prompt, operations=tuple(ops)
        )
        applied, undone, output = run(shell, before, answer)
        base = {"PATH": SYSTEM_PATH, "HOME": applied.get("HOME", ""), **before}
        want_applied, want_undone = expected(base, answer)
        assert output == ""
        assert relevant(applied) == relevant(want_applied)
        assert relevant(undone) == relevant(want_undone)

    check()
