"""The ``autovenv`` command line (click): a thin layer over the typed core; errors become one line."""

from __future__ import annotations

import json
import os
import sys

import click

from autovenv import __version__, cache, dirs, display, settings, trust
from autovenv.errors import AutovenvError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autovenv")
def cli() -> None:
    """Activate the right Python environment on every cd, in bash, zsh, fish and PowerShell.

    Add one line to your shell's startup file, e.g. eval "$(autovenv hook bash)".
    """


@cli.command()
@click.argument("shell")
def hook(shell: str) -> None:
    """Print the hook for SHELL (bash, zsh, fish, pwsh)."""
    from autovenv import hook as hook_mod

    raise SystemExit(hook_mod.main([shell]))


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("shell")
@click.option("--hook", "hook_mode", is_flag=True, help="Print the answer in the hook's own variables.")
def export(shell: str, hook_mode: bool) -> None:
    """Print the code that brings this shell's environment to the right state for the current directory."""
    from autovenv import export as export_mod

    raise SystemExit(export_mod.main([shell, *(["--hook"] if hook_mode else [])]))


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(directory: str | None, as_json: bool) -> None:
    """Show what would be active in DIRECTORY (default: here) and why."""
    from autovenv import status as status_mod

    data = status_mod.report(status_mod.directory_arg(directory, os.environ), os.environ)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(status_mod.format_text(data), nl=False)


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


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def allow(directory: str | None) -> None:
    """Trust the venv of DIRECTORY's project (this venv only: a replaced venv needs a new allow)."""
    _, venv = _venv_of(directory)
    trust.record(venv, trust.ALLOW)
    cache.bump_generation(dirs.cache_dir())
    click.echo(f"autovenv: allowed {display.text(venv)}", err=True)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def deny(directory: str | None) -> None:
    """Never activate the venv of DIRECTORY's project (until you allow it)."""
    _, venv = _venv_of(directory)
    trust.record(venv, trust.DENY)
    cache.bump_generation(dirs.cache_dir())
    click.echo(f"autovenv: denied {display.text(venv)}", err=True)


@cli.group(name="trust")
def trust_group() -> None:
    """Inspect stored allow/deny decisions."""


@trust_group.command(name="list")
def trust_list() -> None:
    """List stored decisions; "stale" means the venv was replaced since it was allowed."""
    rows = trust.records()
    if not rows:
        click.echo("no stored decisions")
    for venv, kind, matches in rows:
        click.echo(f"{kind:5}  {'' if matches else '(stale) '}{display.text(venv)}")


@trust_group.command(name="forget")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def trust_forget(directory: str | None) -> None:
    """Remove any stored decision for DIRECTORY's venv."""
    _, venv = _venv_of(directory)
    removed = trust.forget(venv)
    cache.bump_generation(dirs.cache_dir())
    click.echo(f"autovenv: {'forgot' if removed else 'nothing stored for'} {display.text(venv)}", err=True)


def _register_extensions() -> None:
    """Subcommands that live in their own modules (doctor, init, daemon) register here, one line each."""
    # -- extension commands (keep one import + add_command per line) --
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
