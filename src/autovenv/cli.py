"""The ``autovenv`` command line (click): a thin layer over the typed core; errors become one line.

Exit codes are the same everywhere: 0 when all is well, 1 when the command found something to fix (or
could not do its job), 2 for a usage error (an unknown command, option or shell, a directory that does
not exist). Each command's ``short_help`` is written to fit ``autovenv --help`` whole: click would cut a
long first sentence with "...".
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

import click

from autovenv import __version__, cache, dirs, display, settings, shells, trust
from autovenv.errors import AutovenvError

SHELL_NAMES = ("bash", "zsh", "fish", "pwsh")


def _complete_shell(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return [name for name in SHELL_NAMES if name.startswith(incomplete)]


def _existing_directory() -> click.Path:
    return click.Path(exists=True, file_okay=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autovenv")
def cli() -> None:
    """Activate the right Python environment on every cd, in bash, zsh, fish and PowerShell.

    Add one line to your shell's startup file (autovenv init does it), e.g. eval "$(autovenv hook bash)".
    Exit status: 0 all is well, 1 something needs fixing, 2 a usage error.
    """


@cli.command(short_help="Print the hook for SHELL: bash, zsh, fish or pwsh.")
@click.argument("shell", shell_complete=_complete_shell)
def hook(shell: str) -> None:
    """Print the hook for SHELL (bash, zsh, fish, pwsh) for your startup file to load."""
    from autovenv import hook as hook_mod

    raise SystemExit(hook_mod.main([shell]))


@cli.command(short_help="Print what to change here (the hooks run it; sh for scripts).")
@click.argument("shell", shell_complete=_complete_shell)
@click.option("--hook", "hook_mode", is_flag=True, help="Print the answer in the hook's own variables.")
@click.option("--quiet", "-q", is_flag=True, help="No messages on stderr (for scripts).")
def export(shell: str, hook_mode: bool, quiet: bool) -> None:
    """Print the code that brings this shell's environment to the right state for the current directory.

    Like direnv export: nothing when nothing changes. The hooks run it (with --hook) when they meet a
    directory they have no cached answer for. SHELL may also be sh, for POSIX scripts:
    eval "$(autovenv export sh --quiet)".
    """
    from autovenv import export as export_mod

    flags = [*(["--hook"] if hook_mode else []), *(["--quiet"] if quiet else [])]
    raise SystemExit(export_mod.main([shell, *flags]))


@cli.command(
    name="exec",
    short_help="Run a command in DIR's environment (cron, systemd, CI).",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[DIR] -- COMMAND [ARG]...")
def exec_command(args: tuple[str, ...]) -> None:
    """Run COMMAND in the environment the hook would give DIR (default: here), then get out of the way.

    Same venv, same trust rules, same variables as the hook; this process becomes COMMAND, whose exit
    status is the exit status. Nothing is printed on success. Exit 1 (COMMAND not run) when DIR's
    environment is blocked or broken, 2 for a usage error or a missing DIR, 126 when COMMAND cannot be
    executed, 127 when it is not found.

    \b
    cron:     */5 * * * * autovenv exec /srv/shop -- python /srv/shop/manage.py clearsessions
    systemd:  ExecStart=/usr/local/bin/autovenv exec /srv/shop -- gunicorn shop.wsgi
    """
    from autovenv import execute

    raise SystemExit(execute.main(["--", *args] if args and "--" not in args else list(args)))


@cli.command(short_help="Show what would be active in DIRECTORY, and why.")
@click.argument("directory", required=False, type=_existing_directory())
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(directory: str | None, as_json: bool) -> None:
    """Show what would be active in DIRECTORY (default: here) and why.

    Exit status 1 when anything is reported under "problem" (your config, the project's config, the
    venv or the Python), 2 when DIRECTORY does not exist.
    """
    from autovenv import status as status_mod

    data = status_mod.report(status_mod.directory_arg(directory, os.environ), os.environ)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(status_mod.format_text(data), nl=False)
    if data["problems"]:
        raise SystemExit(1)


@cli.command(short_help="Make the project's venv: its Python, its dependencies.")
@click.argument("directory", required=False, type=_existing_directory())
@click.option("--clear", is_flag=True, help="Remove the venv first and make it anew.")
def create(directory: str | None, clear: bool) -> None:
    """Make the venv DIRECTORY's project asks for (default: here), where autovenv will find it.

    Python from the project's pin (config python, .python-version), dependencies from pylock.toml, the
    requirements files or pyproject.toml; uv when it is on PATH, else venv and pip. A project managed by
    uv, Poetry, PDM, Pipenv or Hatch is handed to that tool. On a terminal each step is one line;
    otherwise the result is one JSON line on stdout. A healthy venv is left alone; --clear recreates it.
    """
    from autovenv import create as create_mod
    from autovenv import plan as plan_mod
    from autovenv import status as status_mod

    where = status_mod.directory_arg(directory, os.environ)
    user = settings.load(os.environ)
    view = plan_mod.user_view(os.environ)  # our own activation (a PYENV_VERSION we set) is not a pin
    plan = create_mod.make_plan(where, view, user.venv_dirs)
    reporter = create_mod.Reporter(sys.stdout, sys.stderr)
    raise SystemExit(create_mod.make(plan, view, clear, reporter))


def _venv_of(directory: str | None) -> tuple[str, str]:
    """(project root, venv path) for the allow/deny commands."""
    from autovenv import plan
    from autovenv import status as status_mod
    from autovenv.resolve.project import resolve

    where = status_mod.directory_arg(directory, os.environ)
    resolution = resolve(where, plan.user_view(os.environ), settings.load(os.environ))
    if resolution.venv is None:
        raise AutovenvError(f"no virtual environment found for {display.text(where)}")
    return resolution.root or where, resolution.venv.path


@cli.command(short_help="Trust the venv of DIRECTORY's project.")
@click.argument("directory", required=False, type=_existing_directory())
def allow(directory: str | None) -> None:
    """Trust the venv of DIRECTORY's project (this venv only: a replaced venv needs a new allow)."""
    _, venv = _venv_of(directory)
    trust.record(venv, trust.ALLOW)
    cache.bump_generation(dirs.cache_dir())
    click.echo(f"autovenv: allowed {display.text(venv)}", err=True)


@cli.command(short_help="Never activate the venv of DIRECTORY's project.")
@click.argument("directory", required=False, type=_existing_directory())
def deny(directory: str | None) -> None:
    """Never activate the venv of DIRECTORY's project (until you allow it)."""
    _, venv = _venv_of(directory)
    trust.record(venv, trust.DENY)
    cache.bump_generation(dirs.cache_dir())
    click.echo(f"autovenv: denied {display.text(venv)}", err=True)


@cli.group(name="trust", short_help="List or forget stored allow/deny decisions.")
def trust_group() -> None:
    """Inspect stored allow/deny decisions."""


@trust_group.command(name="list", short_help='List stored decisions ("stale": venv replaced).')
def trust_list() -> None:
    """List stored decisions; "stale" means the venv was replaced or removed since it was allowed."""
    rows = trust.records()
    if not rows:
        click.echo("no stored decisions")
    for venv, kind, matches in rows:
        click.echo(f"{kind:5}  {'' if matches else '(stale) '}{display.text(venv)}")


def _stored_under(where: str) -> list[str]:
    """Venvs with a stored decision at ``where`` or below it (as given and with symlinks resolved)."""
    prefixes = {os.path.abspath(where), os.path.realpath(where)}
    found = []
    for venv, _kind, _matches in trust.records():
        if any(venv == p or venv.startswith(p.rstrip(os.sep) + os.sep) for p in prefixes):
            found.append(venv)
    return found


@trust_group.command(name="forget", short_help="Remove stored decisions for DIRECTORY.")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--stale", is_flag=True, help="Forget every decision whose venv was replaced or removed.")
def trust_forget(directory: str | None, stale: bool) -> None:
    """Remove the stored decisions for DIRECTORY's venv, or for any venv at or below DIRECTORY.

    DIRECTORY may be a project (its venv's decision is forgotten), or a path as "autovenv trust list"
    shows it: a moved or deleted project or venv is forgotten by its old path.
    """
    from autovenv import status as status_mod

    if stale and directory is not None:
        raise click.UsageError("give DIRECTORY or --stale, not both")
    if stale:
        targets = [venv for venv, _kind, matches in trust.records() if not matches]
        where = "stale decisions"
    else:
        where = status_mod.directory_arg(directory, os.environ)
        targets = []
        if os.path.isdir(where):
            with contextlib.suppress(AutovenvError):  # a project whose venv is gone: its old path below
                targets.append(_venv_of(where)[1])
        targets.extend(_stored_under(where))
    removed = [venv for venv in dict.fromkeys(targets) if trust.forget(venv)]
    if removed:
        cache.bump_generation(dirs.cache_dir())
        for venv in removed:
            click.echo(f"autovenv: forgot {display.text(venv)}", err=True)
    else:
        click.echo(f"autovenv: nothing stored for {display.text(where)}", err=True)


@cli.command(short_help="Print shell completion for SHELL: bash, zsh, fish or pwsh.")
@click.argument("shell", shell_complete=_complete_shell)
def completion(shell: str) -> None:
    """Print the tab completion script for SHELL (bash, zsh, fish, pwsh).

    \b
    bash:  eval "$(autovenv completion bash)"         in ~/.bashrc
    zsh:   eval "$(autovenv completion zsh)"          in ~/.zshrc, after compinit
    fish:  autovenv completion fish > ~/.config/fish/completions/autovenv.fish
    pwsh:  autovenv completion pwsh | Out-String | Invoke-Expression   in $PROFILE
    """
    from autovenv import completion as completion_mod

    click.echo(completion_mod.source(cli, shells.get(shell).NAME), nl=False)


def _register_extensions() -> None:
    """Subcommands that live in their own modules (doctor, init, daemon) register here, one line each."""
    # -- extension commands (keep one import + add_command per line) --
    from autovenv import completion  # noqa: F401, I001 - registers the PowerShell completer click may lack

    from autovenv import doctor

    cli.add_command(doctor.command)
    from autovenv import init

    cli.add_command(init.command)
    from autovenv.daemon.commands import daemon_group

    cli.add_command(daemon_group)
    # -- end of extension commands --


_register_extensions()


def main(argv: list[str]) -> int:
    try:
        cli.main(args=argv, prog_name="autovenv", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except shells.UnknownShell as exc:
        click.echo(f"autovenv: {exc}", err=True)
        return 2
    except AutovenvError as exc:
        click.echo(display.text(f"autovenv: {exc}"), err=True)
        return exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except OSError as exc:
        shown = f"autovenv: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        click.echo(display.text(shown), err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
