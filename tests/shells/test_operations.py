"""Each hook's generic loop applies and undoes an answer's operations exactly as ``plan`` does.

The seam between Python and the templates: Python decides what an activation does (``plan.Target.
operations``), every template applies those operations with one loop and undoes them with another.
Here random operations, hostile ones among them (names outside ``plan.ACTIVATION_VARS``, a name with a
space or a ``$(...)``, a second operation on one name, an unknown verb), go through the real shell's
``__autovenv_apply`` and ``__autovenv_unapply`` and through ``plan.apply_operations``/``plan.unapply``;
the environments after each must be equal, nothing may run, and nothing may be printed. PowerShell reads
the answer as its hook reads a cache entry (``__autovenv_parse``), and its environment is written out
through .NET, the environment its children get.
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
from autovenv.shells import pwsh as pwsh_shell
from tests.shells.pty_shell import pwsh_home
from tests.shells.shell_list import SHELLS, SYSTEM_PATH, find_shell

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
            "__autovenv_valid_ops",  # as the hook does with every answer it reads
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


def pwsh_script(hook: pathlib.Path, cases: list[tuple[dict[str, str], str]], work: pathlib.Path) -> str:
    """Several cases in one PowerShell (it takes a second to start): the environment is put back as it
    was after loading the hook before each case, and each case's environments go to files of its own."""
    q = pwsh_shell.quote

    def dump(name: str) -> str:
        return (
            "$__d = [System.Environment]::GetEnvironmentVariables(); "
            "$__s = [System.Text.StringBuilder]::new(); "
            "foreach ($__k in $__d.Keys) { [void]$__s.Append($__k + '=' + $__d[$__k] + [char]0) }; "
            f"[System.IO.File]::WriteAllText({q(str(work / name))}, $__s.ToString())"
        )

    lines = [f". {q(str(hook))}", "$__base = [System.Environment]::GetEnvironmentVariables()"]
    for index, (before, answer_text) in enumerate(cases):
        entry = work / f"entry-{index}"
        entry.write_text(answer_text, encoding="ascii")
        lines += [
            "foreach ($__k in @([System.Environment]::GetEnvironmentVariables().Keys)) { "
            "[System.Environment]::SetEnvironmentVariable($__k, $global:__autovenv_none) }",
            "foreach ($__k in $__base.Keys) { "
            "[System.Environment]::SetEnvironmentVariable($__k, $__base[$__k]) }",
            *(f"[System.Environment]::SetEnvironmentVariable({q(n)}, {q(v)})" for n, v in before.items()),
            f"$__e = __autovenv_parse ([System.IO.File]::ReadAllText({q(str(entry))}))",
            "if ($null -eq $__e) { [Console]::Out.Write('not an answer') }",
            "__autovenv_apply $__e",
            dump(f"applied-{index}"),
            "__autovenv_unapply",
            dump(f"undone-{index}"),
        ]
    return "\n".join(lines) + "\n"


def read_env(path: pathlib.Path) -> dict[str, str]:
    data = path.read_bytes().decode("utf-8", "surrogateescape")
    return dict(entry.split("=", 1) for entry in data.split("\0") if entry)


def start_path(shell: str, binary: str) -> str:
    """The PATH a shell starts with: PowerShell puts its own $PSHOME first unless it is already."""
    return pwsh_home(binary) + ":" + SYSTEM_PATH if shell == "pwsh" else SYSTEM_PATH


Env = dict[str, str]


def run(shell: str, cases: list[tuple[Env, Answer]]) -> tuple[list[tuple[Env, Env]], str]:
    """Each case's environments after applying and after undoing, as the real shell left them, and what
    the shell printed. PowerShell runs every case in one process; the other shells one case each."""
    binary = find_shell(shell)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(f"{shell} is not installed, and CI must run every shell")
        pytest.skip(f"{shell} is not installed")
    with tempfile.TemporaryDirectory(prefix="ops-") as where:
        work = pathlib.Path(where)
        suffix = "ps1" if shell == "pwsh" else shell
        hook = work / f"hook.{suffix}"
        hook.write_text(get(shell).render_hook(hook_values(work)), encoding="utf-8")
        rendered = [(before, get(shell).render_answer(answer)) for before, answer in cases]
        if shell == "pwsh":
            scripts = [(pwsh_script(hook, rendered, work), [f"-{i}" for i in range(len(cases))])]
        else:
            scripts = [(script(shell, hook, text, before, work), [""]) for before, text in rendered]
        args = {
            "bash": ["--norc", "--noprofile"],
            "zsh": ["-f"],
            "fish": ["--no-config"],
            "pwsh": ["-NoLogo", "-NoProfile", "-NonInteractive", "-File"],
        }[shell]
        env = {"PATH": start_path(shell, binary), "HOME": str(work), "LANG": "C.UTF-8", "TERM": "dumb"}
        if shell == "pwsh":
            env.update(POWERSHELL_TELEMETRY_OPTOUT="1", POWERSHELL_UPDATECHECK="Off")
            env["TMPDIR"] = os.environ.get("TMPDIR", "/tmp")  # where a bundled PowerShell unpacks itself
        results: list[tuple[Env, Env]] = []
        output = ""
        for text, tags in scripts:
            (work / f"script.{suffix}").write_text(text, encoding="utf-8")
            argv = [binary, *args, str(work / f"script.{suffix}")]
            result = subprocess.run(argv, cwd=work, env=env, capture_output=True, timeout=120)
            assert not (work / CANARY).exists(), "an operation ran code"
            output += (result.stdout + result.stderr).decode("utf-8", "replace")
            for tag in tags:
                results.append((read_env(work / f"applied{tag}"), read_env(work / f"undone{tag}")))
        return results, output


@pytest.mark.parametrize("shell", SHELLS)
def test_the_hooks_apply_and_undo_operations_as_plan_does(shell: str) -> None:
    examples = int(os.environ.get("AUTOVENV_OPERATIONS_EXAMPLES", "25"))
    #: PowerShell takes a second to start: it runs a few cases per start, and starts half as often.
    batch = 4 if shell == "pwsh" else 1

    case = st.tuples(BEFORE, OPERATIONS, st.booleans(), VALUES)

    @settings(
        max_examples=max(1, examples // 2) if shell == "pwsh" else examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=bool(os.environ.get("CI")),
    )
    @given(cases=st.lists(case, min_size=batch, max_size=batch))
    def check(cases: list[tuple[dict[str, str], list[tuple[str, str, str]], bool, str]]) -> None:
        answers = [
            (before, Answer(key="k\x1fk", root="/r", venv="/r/.venv" if venv else "", prompt=prompt,
                            operations=tuple(ops)))
            for before, ops, venv, prompt in cases
        ]  # fmt: skip
        results, output = run(shell, answers)
        assert output == ""
        for (before, answer), (applied, undone) in zip(answers, results):
            start = start_path(shell, find_shell(shell) or "")
            base = {"PATH": start, "HOME": applied.get("HOME", ""), **before}
            want_applied, want_undone = expected(base, answer)
            assert relevant(applied) == relevant(want_applied)
            assert relevant(undone) == relevant(want_undone)

    check()
