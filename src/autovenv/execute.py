"""``autovenv exec [DIR] -- COMMAND [ARG...]``: run COMMAND in the environment the hook would give DIR.

For cron lines, systemd units, CI steps and editors: no shell, no hook, no prior ``cd``. The answer comes
from ``export.answer_for``, the pipeline behind the hooks' cold path, so the venv, the trust rules and
the variables are exactly the hook's (``AUTOVENV_*`` state included, so a shell started this way knows
the activation is autovenv's). Then this process becomes COMMAND (``execvpe``): no Python stays behind as
its parent, and COMMAND's exit status is the exit status. Nothing is printed on success.

A project whose environment cannot be used (a blocked or broken venv, a pinned Python not installed)
is one line per reason on stderr, exit 1, and COMMAND is not run: never in half an environment. A
directory with no project runs COMMAND in the environment as it is (as ``direnv exec`` does). A venv
activated by hand in the calling shell steps aside for DIR's own. Standard library only, like ``export``:
a cron line pays for one lean start.
"""

from __future__ import annotations

import os
import sys

from autovenv import plan
from autovenv.export import _write, answer_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

USAGE = "usage: autovenv exec [DIR] -- COMMAND [ARG...]"
#: Exit codes as shells use them.
USAGE_ERROR, NOT_RUN, CANNOT_EXECUTE, NOT_FOUND = 2, 1, 126, 127


class Usage(Exception):
    """A malformed command line: one line and exit 2."""


def split_args(argv: list[str]) -> tuple[str | None, list[str]]:
    """(DIR or None, COMMAND words) from ``[DIR] -- COMMAND...``, or ``DIR COMMAND...`` as direnv takes it."""
    if "--" in argv:
        at = argv.index("--")
        before, command = argv[:at], argv[at + 1 :]
        if len(before) > 1:
            raise Usage(f"one directory at most before --, not {len(before)}")
        directory = before[0] if before else None
    elif len(argv) >= 2:
        directory, command = argv[0], argv[1:]
    else:
        raise Usage("no command given")
    if not command:
        raise Usage("no command given")
    if directory is not None and directory.startswith("-") and directory != "-":
        raise Usage(f"unknown option {directory}")
    return directory, command


def without_hand_venv(environ: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment with a venv activated by hand stepped aside, and no pause in force.

    DIR's own environment is what was asked for; the hook would leave a hand-activated venv alone in the
    caller's shell, but a cron job or a unit never has one, and running a server in someone else's venv
    is the mistake ``exec`` exists to prevent. ``create`` steps it aside too: Poetry, PDM and Pipenv
    install into an active venv instead of the project's, and an unpinned ``python3`` would be its.
    """
    env = dict(environ)
    env.pop(plan.PAUSED, None)
    hand = env.get("VIRTUAL_ENV")
    if hand is not None and hand != env.get(plan.VENV):
        for bin_name in ("bin", "Scripts"):
            env["PATH"] = plan.remove_entry(env.get("PATH", ""), os.path.join(hand, bin_name), os.pathsep)
        for name in ("VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "_OLD_VIRTUAL_PATH", "_OLD_VIRTUAL_PS1"):
            env.pop(name, None)
        old_home = env.pop("_OLD_VIRTUAL_PYTHONHOME", None)
        if old_home:
            env["PYTHONHOME"] = old_home
    return env


def environment(directory: str, environ: Mapping[str, str]) -> tuple[dict[str, str] | None, list[str]]:
    """(the environment to run in, or None when DIR's environment cannot be used; the lines saying why)."""
    from autovenv import shells

    adapter = shells.get("pwsh" if os.name == "nt" else "sh", export_only=True)
    env = without_hand_venv(environ)
    outcome = answer_for(adapter, env, directory, side_effects=False, compare_lock=False)
    resolution, decision = outcome.resolution, outcome.decision
    unusable = decision.blocked or resolution.problems
    if decision.target is None and resolution.root is not None and resolution.enabled and unusable:
        return None, list(outcome.answer.notes)
    changes = plan.plan(env, decision.target, os.pathsep)
    for name, value in changes.changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env, []


def run(command: list[str], env: dict[str, str]) -> int:
    """Become ``command``; return only when that failed (127 not found, 126 not executable)."""
    try:
        if os.name == "nt":  # no exec there: Windows' exec* start a child and end the parent at once
            import subprocess

            return subprocess.run(command, env=env, check=False).returncode
        execvpe(command[0], command, env)
    except FileNotFoundError:
        _write(sys.stderr, f"autovenv: {_shown(command[0])}: command not found\n")
        return NOT_FOUND
    except (PermissionError, IsADirectoryError):
        _write(sys.stderr, f"autovenv: {_shown(command[0])}: permission denied\n")
        return CANNOT_EXECUTE
    except OSError as exc:
        _write(sys.stderr, f"autovenv: {_shown(command[0])}: cannot execute ({exc.strerror or exc})\n")
        return CANNOT_EXECUTE
    return CANNOT_EXECUTE  # pragma: no cover - execvpe does not return


def execvpe(file: str, args: list[str], env: dict[str, str]) -> None:
    """``os.execvpe``, step for step, without its ``get_exec_path``: that imports ``warnings`` (about a
    million instructions in front of every cron job) to guard against bytes keys, which ``env`` (ours,
    all ``str``) cannot hold. A name with a ``/`` is run as it is; otherwise each ``PATH`` entry in turn
    (``os.defpath`` without one; an empty entry is the current directory). Raises what execvpe raises:
    the first error other than "not there", else the last one."""
    if os.path.dirname(file):
        os.execve(file, args, env)
    path = env.get("PATH")
    entries = (os.defpath if path is None else path).split(os.pathsep)
    saved: OSError | None = None
    last: OSError | None = None
    for entry in entries:
        try:
            os.execve(os.path.join(entry, file), args, env)
        except (FileNotFoundError, NotADirectoryError) as exc:
            last = exc
        except OSError as exc:
            last = exc
            if saved is None:
                saved = exc
    if saved is not None:
        raise saved
    assert last is not None  # split() returns at least one entry
    raise last


def _shown(value: str) -> str:
    from autovenv.decide import display_quote

    return display_quote(value)


def main(argv: list[str], environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    try:
        given, command = split_args(argv)
    except Usage as exc:
        _write(sys.stderr, f"autovenv: {exc}; {USAGE}\n")
        return USAGE_ERROR
    if given is None:
        from autovenv.export import current_directory

        directory = current_directory(environ)
    else:
        directory = os.path.abspath(os.path.expanduser(given))
        if not os.path.isdir(directory):
            why = "is not a directory" if os.path.exists(directory) else "does not exist"
            _write(sys.stderr, f"autovenv: {_shown(directory)} {why}\n")
            return USAGE_ERROR
    try:
        env, reasons = environment(directory, environ)
    except Exception as exc:
        _write(
            sys.stderr, f"autovenv: internal error ({type(exc).__name__}: {exc}); not running {command[0]}\n"
        )
        return NOT_RUN
    if env is None:
        for line in reasons:
            _write(sys.stderr, f"autovenv: {line}\n")
        _write(
            sys.stderr,
            f"autovenv: not running {_shown(command[0])} without {_shown(directory)}'s environment\n",
        )
        return NOT_RUN
    sys.stdout.flush()
    sys.stderr.flush()
    return run(command, env)
