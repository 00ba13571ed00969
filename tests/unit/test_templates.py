"""The hook templates are code: each rendered hook passes its shell's own checkers, and golden files hold
what users' shells receive, byte for byte (as tests/unit/test_pwsh_golden.py does for PowerShell).

Regenerate the goldens after an intended change with
    AUTOVENV_UPDATE_GOLDEN=1 python -m pytest tests/unit/test_templates.py
and review the diff of tests/golden/<shell>/.

Checkers: ``shellcheck -s bash`` (no finding at all; every ``disable`` in the template says why) and
``bash -n`` on the bash hook, ``zsh -n`` on the zsh hook, ``fish --no-execute`` on the fish hook as
fish reads it and as written, and ``fish_indent --check`` on the fish template. fish_indent is given
the template rather than the rendered hook: the rendered values are quoted by ``fish.quote`` (always
quoted, so no value depends on when fish would unquote a word), which fish_indent would rewrite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autovenv import answer as answer_mod
from autovenv import plan
from autovenv.answer import Answer
from autovenv.plan import Target
from autovenv.shells import bash, fish, get, read_template

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
#: Values as ``autovenv hook`` computes them (hook.hook_values), fixed so the goldens are stable.
VALUES: dict[str, object] = {
    "AUTOVENV_STAMPS": "/home/o'brien/.cache/autovenv/stamps",
    "AUTOVENV_EXPORT": ["/opt/py/bin/python3", "-I", "-S", "-c", "import sys"],
    "AUTOVENV_CACHE": "/home/o'brien/.cache/autovenv",
    "AUTOVENV_MARKERS": [".autovenv.toml", "pyproject.toml", "Pipfile", ".venv", "venv", ".python-version"],
    "AUTOVENV_QUIET": "",
    "AUTOVENV_DEPS": list(answer_mod.ENV_DEPS),
    "AUTOVENV_FORMAT": answer_mod.FORMAT,
    "AUTOVENV_SAVABLE": " " + " ".join(plan.ACTIVATION_VARS) + " ",
}
ROOT = "/home/o'brien/caf\u00e9 $(shop)"
VENV = ROOT + "/.venv"
TARGET = Target(
    root=ROOT,
    path_entries=(VENV + "/bin",),
    venv=VENV,
    venv_prompt="(caf\u00e9 $(shop)) ",
    prompt="(caf\u00e9 $(shop)) ",
    message="activated .venv (Python 3.12.1)",
)
BEFORE = {"PATH": "/usr/bin:/bin", "PYTHONHOME": "/opt/py", "HOME": "/home/o'brien"}
SHELLS = ("bash", "zsh", "fish")


def cases() -> dict[str, str]:
    """File name under tests/golden/ -> its expected text."""
    activate = plan.plan(BEFORE, TARGET, ":")
    answer = Answer(
        key=TARGET.key,
        root=TARGET.root,
        venv=VENV,
        prompt=TARGET.prompt or "",
        operations=TARGET.operations(),
        message=TARGET.message,
        notes=("a note with $(code) and `ticks`",),
        watch=(ROOT, VENV, VENV + "/pyvenv.cfg"),
        sig=answer_mod.signature({"HOME": "/home/o'brien"}),
    )
    out: dict[str, str] = {}
    for shell in SHELLS:
        adapter = get(shell)
        out[f"{shell}/hook.{shell}"] = adapter.render_hook(VALUES)
        out[f"{shell}/answer.{shell}"] = adapter.render_answer(answer)
        out[f"{shell}/export-activate.{shell}"] = adapter.render_plan(activate)
    return out


@pytest.mark.parametrize("name", sorted(cases()))
def test_golden(name: str) -> None:
    text = cases()[name]
    path = GOLDEN / name
    if os.environ.get("AUTOVENV_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert path.exists(), f"missing {path}; run with AUTOVENV_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8", "surrogateescape")


def tool(name: str) -> str:
    """The checker's path; missing, it skips the test locally and fails it in CI."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, and CI must have it")
        pytest.skip(f"{name} is not installed")
    return found


def check(args: list[str], text: str, tmp_path: Path, suffix: str) -> str:
    """Run a checker on ``text`` written to a file; its findings (stdout and stderr), empty when clean."""
    target = tmp_path / f"hook{suffix}"
    target.write_text(text, encoding="utf-8")
    result = subprocess.run([*args, str(target)], capture_output=True, text=True, timeout=60)
    findings = (result.stdout + result.stderr).strip()
    return findings or ("" if result.returncode == 0 else f"{args[0]} exited {result.returncode}")


def test_bash_hook_passes_shellcheck(tmp_path: Path) -> None:
    # Every finding is an error, style notes included (shellcheck's default severity shows them all).
    shellcheck = [tool("shellcheck"), "-s", "bash", "-f", "gcc"]
    assert check(shellcheck, bash.render_hook(VALUES), tmp_path, ".bash") == ""


def test_every_shellcheck_exception_says_why() -> None:
    lines = read_template(bash.TEMPLATE).splitlines()
    disabled = [line.strip() for line in lines if "shellcheck disable" in line]
    assert disabled, "the bash template disables nothing? then drop this test"
    for line in disabled:
        assert re.fullmatch(r"# shellcheck disable=SC\d{4}(,SC\d{4})*  # \S.*", line), line


@pytest.mark.parametrize(
    ("shell", "args"),
    [("bash", ["bash", "-n"]), ("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])],
)
def test_rendered_hook_parses(shell: str, args: list[str], tmp_path: Path) -> None:
    text = get(shell).render_hook(VALUES)
    assert check([tool(args[0]), *args[1:]], text, tmp_path, "." + shell) == ""


def test_fish_hook_as_written_parses(tmp_path: Path) -> None:
    """The documented form (comments, indentation), not only the compact one fish is given."""
    assert check([tool("fish"), "--no-execute"], fish.expand(VALUES), tmp_path, ".fish") == ""


def test_fish_template_is_fish_indent_clean(tmp_path: Path) -> None:
    text = read_template(fish.TEMPLATE)
    assert check([tool("fish_indent"), "--check"], text, tmp_path, ".fish") == ""


def test_no_template_names_what_activation_sets() -> None:
    """What activation sets is decided in Python (plan.Target.operations): the templates apply operations
    and never spell out the variables an activation sets, beyond the venv a hand activation is told by
    and the slot a venv's own activate keeps PYTHONHOME in."""
    for shell in (*SHELLS, "pwsh"):
        text = read_template(get(shell).TEMPLATE)
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        assert "VIRTUAL_ENV_PROMPT" not in code, shell
        assert "PYENV_VERSION" not in code, shell
        assert not re.search(r"[^_]PYTHONHOME", code.replace("AUTOVENV_OLD_PYTHONHOME", "")), shell
