"""Golden files for the PowerShell adapter: what users' shells receive, byte for byte.

Regenerate after an intended change with
    AUTOVENV_UPDATE_GOLDEN=1 python -m pytest tests/unit/test_pwsh_golden.py
and review the diff of tests/golden/pwsh/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autovenv import answer as answer_mod
from autovenv import plan
from autovenv.answer import Answer
from autovenv.plan import Target
from autovenv.shells import pwsh
from tests.unit.test_pwsh_eval import parse_errors, parser

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "pwsh"
VENV = "C:\\Users\\O'Brien\\caf\u00e9 \u2018shop\u2019\\.venv"
TARGET = Target(
    root="C:\\Users\\O'Brien\\caf\u00e9 \u2018shop\u2019",
    path_entries=(VENV + "\\Scripts",),
    venv=VENV,
    venv_prompt="(.venv) ",
    prompt="(.venv) ",
    message="activated .venv (Python 3.12.1)",
)
BEFORE = {"Path": "C:\\Windows\\system32;C:\\Windows", "PYTHONHOME": "C:\\Python312", "HOME": "C:\\Users\\x"}


def cases() -> dict[str, str]:
    activate = plan.plan({k.upper(): v for k, v in BEFORE.items()}, TARGET, ";")
    env = {k.upper(): v for k, v in BEFORE.items()}
    for name, value in activate.changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    leave = plan.plan(env, None, ";")
    answer = Answer(
        key=TARGET.key,
        root=TARGET.root,
        venv=VENV,
        prompt="(.venv) ",
        operations=TARGET.operations(),
        message=TARGET.message,
        notes=("a note with $(code) and `ticks`",),
        watch=(TARGET.root, VENV, VENV + "\\pyvenv.cfg"),
        sig=answer_mod.signature({"HOME": "C:\\Users\\x"}),
    )
    hook_values = {
        "AUTOVENV_EXPORT": ["C:\\Python312\\python.exe", "-I", "-S", "-c", "import sys"],
        "AUTOVENV_CACHE": "C:\\Users\\x\\AppData\\Local\\autovenv\\Cache",
        "AUTOVENV_STAMPS": "C:\\Users\\x\\AppData\\Local\\autovenv\\Cache\\stamps",
        "AUTOVENV_MARKERS": [".autovenv.toml", "pyproject.toml", ".venv", "venv", "env", ".python-version"],
        "AUTOVENV_DEPS": list(answer_mod.ENV_DEPS),
        "AUTOVENV_FORMAT": answer_mod.FORMAT,
        "AUTOVENV_QUIET": "",
        "AUTOVENV_SAVABLE": " " + " ".join(plan.ACTIVATION_VARS) + " ",
    }
    return {
        "export-activate-windows.ps1": pwsh.render_plan_for(activate, windows=True),
        "export-leave-windows.ps1": pwsh.render_plan_for(leave, windows=True),
        "answer.txt": pwsh.render_answer(answer),
        "hook-windows.ps1": pwsh.render_hook_for(hook_values, windows=True),
    }


@pytest.mark.parametrize("name", sorted(cases()))
def test_golden(name: str) -> None:
    text = cases()[name]
    path = GOLDEN / name
    if os.environ.get("AUTOVENV_UPDATE_GOLDEN"):
        path.write_bytes(text.encode("ascii"))
    assert path.exists(), f"missing {path}; run with AUTOVENV_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("ascii")
    if name.endswith(".ps1"):  # an answer is data, not PowerShell
        assert parse_errors(parser(), text) == []
