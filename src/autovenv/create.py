"""``autovenv create [DIR]``: make the venv a project asks for, where resolution will find it.

What to make is decided first, from files alone (``create_plan``), so the hint a project without a venv gets
on entering ("``autovenv create`` would make one with Python 3.12.1 from .python-version") and the
command itself cannot disagree; then ``make`` runs the installers.

- A project managed by uv, Poetry, PDM, Pipenv or Hatch is handed to that tool's own command (its venv
  lives where the tool says, and the tool's finder activates it); without the tool, one line says what
  to install.
- The interpreter is the project's pin (config ``python``, ``.python-version`` by pyenv's rules); a pin
  that is not installed is one line naming ``pyenv install`` and nothing is made. Without a pin: pyenv's
  global version, else the first ``python3`` on PATH, and the output says which.
- The venv goes to config ``venv``, else an in-project venv directory already there, else ``.venv``; a
  ``.gitignore`` holding ``*`` inside it keeps it out of git without touching the project's files.
- Dependencies: ``pylock.toml`` (with uv), else the requirements layer at the top of the ``-r`` chains,
  else ``pyproject.toml``'s project (installed editable). uv on PATH does the work (``uv venv``,
  ``uv pip``), else ``venv`` and ``pip``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from autovenv.create_plan import Plan, Tool, make_plan
from autovenv.errors import AutovenvError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

__all__ = ["Plan", "Reporter", "make", "make_plan"]

# -- making it ---------------------------------------------------------------------------------------------


class Reporter:
    """Status lines on a terminal; on a pipe nothing but the final JSON line on stdout."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.terminal = err.isatty()
        self.result: dict[str, object] = {}

    def step(self, text: str) -> None:
        if self.terminal:
            self.err.write(f"autovenv: {text}\n")
            self.err.flush()

    def warn(self, text: str) -> None:
        """A line the user must read, terminal or not (the JSON carries it too)."""
        self.err.write(f"autovenv: {text}\n")
        self.err.flush()

    def done(self, text: str, **fields: object) -> None:
        self.result.update(fields)
        if self.terminal:
            self.err.write(f"autovenv: {text}\n")
        else:
            self.out.write(json.dumps(self.result) + "\n")


def _run(
    command: list[str], cwd: str, reporter: Reporter, environ: Mapping[str, str], shown: str = ""
) -> None:
    """Run an installer: its own progress on a terminal, captured (shown only on failure) otherwise.

    ``shown``: the command as the failure line names it (a tool's by its name, as the user would type it).
    """
    if reporter.terminal:
        code = subprocess.run(command, cwd=cwd, env=dict(environ), check=False).returncode
        output = ""
    else:
        done = subprocess.run(
            command, cwd=cwd, env=dict(environ), capture_output=True, text=True, check=False
        )
        code, output = done.returncode, (done.stdout + done.stderr)
    if code != 0:
        if output:
            reporter.err.write(output if output.endswith("\n") else output + "\n")
        raise AutovenvError(f"{shown or ' '.join(command)} failed (exit {code})")


def healthy(venv: str, interpreter: str | None) -> str | None:
    """Why the venv at ``venv`` is not fit to keep (None: it is), without starting it."""
    from autovenv.resolve.venv import inspect_venv

    info = inspect_venv(venv)
    if info.problem:
        return info.problem
    if info.interpreter_missing:
        return f"its interpreter {info.python} is missing"
    if interpreter is not None and info.version:
        wanted = os.path.realpath(os.path.dirname(interpreter))
        home = os.path.realpath(info.cfg.get("home", ""))
        if home and wanted != home:
            return (
                f"it was made with the Python in {info.cfg.get('home')}, not {os.path.dirname(interpreter)}"
            )
    return None


def make(plan: Plan, environ: Mapping[str, str], clear: bool, reporter: Reporter) -> int:
    """Make (or keep) the venv ``plan`` describes; the exit status."""
    if plan.problem:  # an uninstalled pin: nothing is made, by us or by the project's tool
        raise AutovenvError(plan.problem)
    if plan.tool is not None:
        return _hand_over(plan, plan.tool, environ, clear, reporter)
    assert plan.interpreter is not None
    label = os.path.relpath(plan.venv, plan.root) if plan.venv.startswith(plan.root + os.sep) else plan.venv
    if os.path.lexists(plan.venv):
        if not os.path.isfile(os.path.join(plan.venv, "pyvenv.cfg")):
            raise AutovenvError(f"{plan.venv} exists and is not a venv; move it away first")
        problem = healthy(plan.venv, plan.interpreter if plan.pinned else None)
        if not clear:
            if problem is None:
                reporter.done(
                    f"{label} is already there and healthy; nothing changed", venv=plan.venv, changed=False
                )
                return 0
            raise AutovenvError(f"{label} is there but {problem}; recreate it: autovenv create --clear")
        reporter.step(f"removing {label}")
        shutil.rmtree(plan.venv)
    uv = shutil.which("uv", path=environ.get("PATH", os.defpath))
    tool = "uv" if uv else "venv + pip"
    reporter.step(f"creating {label} with Python {plan.python_label}, using {tool}")
    try:
        if uv:
            _run(
                [uv, "venv", "--quiet", "--python", plan.interpreter, plan.venv], plan.root, reporter, environ
            )
        else:
            _run([plan.interpreter, "-m", "venv", plan.venv], plan.root, reporter, environ)
        ignore = os.path.join(plan.venv, ".gitignore")
        if not os.path.exists(ignore):  # uv and Python 3.13's venv write it; older venvs do not
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# created by autovenv create\n*\n")
        installed = _install(plan, uv, reporter, environ)
    except BaseException:
        shutil.rmtree(plan.venv, ignore_errors=True)  # never a half-made venv that activates
        raise
    version = plan.python_label.split(" ")[0]
    what = f"; installed {installed}" if installed else ""
    reporter.done(
        f"made {label} (Python {version}){what}; it activates at your next prompt",
        venv=plan.venv,
        python=version,
        python_from=plan.python_label,
        installer=tool,
        installed_from=installed or None,
        changed=True,
    )
    return 0


def tool_environment(plan: Plan, tool: Tool, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment ``tool`` runs in: the project's pinned interpreter handed over as the tool takes it.

    The pin's ``bin`` goes first on PATH and ``PYENV_VERSION`` names it (as the hook does when it
    selects a version), so a tool that takes pyenv's shim or the first ``python3`` on PATH (PDM) finds
    it; a tool that would otherwise use the interpreter it runs on (Pipenv, Hatch) or one of its own
    choice (uv) gets it through its variable. A value the user set for that variable is theirs and is
    kept, and the project's own setting in the tool's files (a Pipfile's ``[requires]``, a Hatch env's
    ``python``) still wins, as the tool decides. Without a pin the tool chooses, as it would alone.
    """
    env = dict(environ)
    if plan.pinned and plan.interpreter:
        env["PATH"] = os.pathsep.join((os.path.dirname(plan.interpreter), environ.get("PATH", "")))
        if plan.pyenv_version:
            env["PYENV_VERSION"] = plan.pyenv_version
        if tool.interpreter_variable and not env.get(tool.interpreter_variable):
            env[tool.interpreter_variable] = plan.interpreter
    return env


def _hand_over(plan: Plan, tool: Tool, environ: Mapping[str, str], clear: bool, reporter: Reporter) -> int:
    """Run the tool's own command for its project; then say which env it made, as the hook will find it."""
    command = " ".join(tool.command)
    exe = shutil.which(tool.command[0], path=environ.get("PATH", os.defpath))
    if exe is None:
        raise AutovenvError(
            f"{plan.root} is managed by {tool.name}, which is not installed (no {tool.command[0]} on PATH); "
            f"install it ({tool.install}), then run autovenv create again"
        )
    if clear:
        _clear_tool_env(plan, tool, environ, reporter)
    tool_env = tool_environment(plan, tool, environ)
    if plan.pinned and plan.interpreter and tool.use_command:
        use = [*tool.use_command, plan.interpreter]
        reporter.step(f"{plan.root} is managed by {tool.name}: running {' '.join(use)}")
        _run([exe, *use[1:]], plan.root, reporter, tool_env, shown=" ".join(use))
        reporter.step(f"running {command}")
    else:
        reporter.step(f"{plan.root} is managed by {tool.name}: running {command}")
    _run([exe, *tool.command[1:]], plan.root, reporter, tool_env, shown=command)
    venv, python, notes = _found_env(plan, environ)
    if venv is None:
        raise AutovenvError(
            f"{command} succeeded, but autovenv finds no env for {plan.root}"
            + (f": {notes[0]}" if notes else "")
        )
    for note in notes:
        reporter.warn(note)
    reporter.done(
        f"{tool.name} made {venv} (Python {python})"
        + ("; it activates at your next prompt" if not notes else ""),
        tool=tool.name,
        command=list(tool.command),
        venv=venv,
        python=python,
        notes=notes,
    )
    return 1 if notes else 0


def _found_env(plan: Plan, environ: Mapping[str, str]) -> tuple[str | None, str, list[str]]:
    """(the env the hook will activate for the project, its Python, what stands in its way)."""
    from autovenv import shells
    from autovenv.export import answer_for

    adapter = shells.get("sh", export_only=True)
    outcome = answer_for(adapter, environ, plan.root, side_effects=False, compare_lock=False)
    resolution, decision = outcome.resolution, outcome.decision
    if resolution.venv is None:
        return None, "", list(resolution.problems)
    if decision.target is None:  # found, but it will not activate: the hook's own lines say why
        notes = list(decision.notes) or [resolution.venv.problem or "it will not activate"]
    else:
        notes = list(resolution.problems)  # it activates, with a line (a Python other than the pin's)
    return resolution.venv.path, resolution.venv.version or "?", notes


def _clear_tool_env(plan: Plan, tool: Tool, environ: Mapping[str, str], reporter: Reporter) -> None:
    """``--clear`` for a tool's project: remove the env the tool made (found as the hook finds it)."""
    from autovenv.resolve.project import resolve

    resolution = resolve(plan.root, environ)
    venv = resolution.venv
    if venv is None or not os.path.isdir(venv.path):
        return
    if not os.path.isfile(os.path.join(venv.path, "pyvenv.cfg")):
        raise AutovenvError(f"{venv.path} exists and is not a venv; move it away first")
    reporter.step(f"removing {venv.path}")
    shutil.rmtree(venv.path)


def _install(plan: Plan, uv: str | None, reporter: Reporter, environ: Mapping[str, str]) -> str:
    """Install the declared dependencies; what they came from (empty: nothing declared)."""
    if plan.deps is None:
        return ""
    kind, path = plan.deps
    shown = os.path.relpath(path, plan.root) if kind != "project" else "pyproject.toml"
    args = ["-e", plan.root] if kind == "project" else ["-r", path]
    if kind == "project" and not os.path.isfile(os.path.join(plan.root, "pyproject.toml")):
        shown = "setup.py"
    reporter.step(f"installing {shown}")
    python = os.path.join(plan.venv, "Scripts" if os.name == "nt" else "bin", "python")
    quiet = [] if reporter.terminal else ["--quiet"]
    if uv:
        _run([uv, "pip", "install", *quiet, "--python", python, *args], plan.root, reporter, environ)
    else:
        pip = [python, "-m", "pip", "install", "--disable-pip-version-check", *quiet, *args]
        _run(pip, plan.root, reporter, environ)
    return shown
