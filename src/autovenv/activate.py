"""``autovenv activate SHELL [DIR]``: activate a directory's environment once, with no hook and no script.

``autovenv activate pwsh | Invoke-Expression`` is for PowerShell users whose execution policy refuses
``Activate.ps1`` ("cannot be loaded because running scripts is disabled on this system"): what it prints is
``$env:`` assignments and ``Remove-Item Env:`` lines, which Invoke-Expression runs as typed commands, and
execution policies govern script files only. ``eval "$(autovenv activate bash)"`` (zsh, and ``| source``
in fish) is the same for scripts and CI jobs.

It is the hook's own pipeline: the same resolution, trust decision and answer (``export.compute``, which
refreshes the cache entry as the hook's cold path does) and the same state variables, so a hook loaded
later, or already running, agrees with it. ``--undo`` takes it back exactly (PATH entries added since
survive). Unlike a venv's ``activate`` it leaves the prompt alone (prompt themes show ``VIRTUAL_ENV``) and
defines no ``deactivate`` function: there is no script to define one in.
"""

from __future__ import annotations

import os

from autovenv import plan as plan_mod

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import click


def run(
    shell: str,
    directory: str | None,
    undo: bool,
    environ: Mapping[str, str],
    out: Callable[[str], None],
    say: Callable[[str], None],
) -> int:
    """Print (``out``) the code that activates ``directory``'s environment in ``shell``, or undoes
    autovenv's activation; ``say`` gets the one-line messages. Exit code 1 when nothing was activated."""
    from autovenv import export, shells
    from autovenv.errors import AutovenvError

    try:
        adapter = shells.get(shell)
    except shells.UnknownShell as exc:
        raise AutovenvError(str(exc)) from None
    if undo:
        changes = plan_mod.plan(environ, None, adapter.PATHSEP, deactivate=True)
        out(adapter.render_plan(changes))
        say(changes.message or "nothing of autovenv's is active")
        return 0
    where = os.path.abspath(directory) if directory else export.current_directory(environ)
    if not os.path.isdir(where):
        raise AutovenvError(f"not a directory: {where}")
    # An explicit activation overrides a `deactivate` pause: the user asks for this environment now.
    view = {k: v for k, v in environ.items() if k != plan_mod.PAUSED}
    result, changes = export.compute(adapter, view, where)
    if plan_mod.PAUSED in environ:
        changes.changes[plan_mod.PAUSED] = None
    for note in result.notes:
        say(note)
    if not result.key:
        # Nothing to activate is not a reason to take down what is active: that is --undo's job.
        if not result.notes:
            say(f"nothing to activate for {where} (no project found there or above)")
        return 1
    out(adapter.render_plan(changes))
    if changes.message and not result.quiet:
        say(changes.message)
    if view.get("VIRTUAL_ENV") and view.get("VIRTUAL_ENV") != view.get(plan_mod.VENV):
        say(f"a venv you activated yourself is active ({view['VIRTUAL_ENV']}); deactivate it first")
        return 1
    if not changes.changes:
        say("already active")
    return 0


def _click_command() -> click.Command:
    import sys

    import click

    @click.command(name="activate")
    @click.argument("shell")
    @click.argument("directory", required=False, type=click.Path(file_okay=False))
    @click.option("--undo", is_flag=True, help="Undo autovenv's activation in this shell instead.")
    def activate(shell: str, directory: str | None, undo: bool) -> None:
        """Activate DIRECTORY's environment once, with no hook or script.

        Prints the code that activates DIRECTORY's environment (default: here) in SHELL. No hook and no
        script file needed: autovenv activate pwsh | Invoke-Expression (PowerShell, any
        execution policy), eval "$(autovenv activate bash)" (bash, zsh), autovenv activate fish | source.
        """

        def write(text: str) -> None:
            sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
            sys.stdout.flush()

        code = run(
            shell, directory, undo, os.environ, write, lambda line: click.echo(f"autovenv: {line}", err=True)
        )
        if code:
            sys.exit(code)

    return activate


command = _click_command()
