"""``autovenv daemon start|stop|status|run|unit``: the click layer over ``control`` and ``server``."""

from __future__ import annotations

import json
import os
import sys

import click


@click.group(name="daemon", short_help="Keep cached answers fresh in the background.")
def daemon_group() -> None:
    """Keep cached answers fresh in the background (optional: everything works without it).

    The daemon watches the projects your shells visit and the watch_roots in your config, and
    rewrites the cached answers the moment a venv or a .python-version changes, so a cd never
    needs to start Python. Set daemon = "auto" in the config to have the hook start it.
    """


@daemon_group.command(short_help="Start the daemon in the background.")
def start() -> None:
    """Start the daemon in the background (nothing happens if it is running)."""
    from autovenv.daemon import control

    click.echo(f"autovenv daemon: {control.start(os.environ)}", err=True)


@daemon_group.command(short_help="Stop the daemon and wait until it is gone.")
def stop() -> None:
    """Stop the daemon (SIGTERM) and wait until it is gone."""
    from autovenv.daemon import control

    click.echo(f"autovenv daemon: {control.stop(os.environ)}", err=True)


@daemon_group.command(short_help="Show whether it runs, and how well. Exit 3: stopped.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(as_json: bool) -> None:
    """Pid, uptime, RSS, watched roots, watches, and whether it runs degraded. Exit 3 when stopped."""
    from autovenv.daemon import control

    data = control.status(os.environ)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(control.format_status(data), nl=False)
    if data.get("state") != "running":
        raise SystemExit(3)


@daemon_group.command(short_help="Run the daemon in the foreground.")
def run() -> None:
    """Run the daemon in the foreground (for systemd, launchd, or a terminal); Ctrl-C stops it."""
    from autovenv.daemon import server

    raise SystemExit(server.main(background=False))


@daemon_group.command(short_help="Print (or --install) a service to start it at login.")
@click.option("--systemd", "kind", flag_value="systemd", help="A systemd user unit (default on Linux).")
@click.option("--launchd", "kind", flag_value="launchd", help="A launchd agent plist (default on macOS).")
@click.option("--install", is_flag=True, help="Write it where the service manager looks; do not print it.")
def unit(kind: str | None, install: bool) -> None:
    """Print a service definition that runs the daemon at login, or write it with --install.

    --install writes ~/.config/systemd/user/autovenv.service (or the launchd agent on macOS), making the
    directory if needed, and prints the command that enables it; it never runs that command itself.
    """
    from autovenv.daemon import control

    kind = kind or ("launchd" if sys.platform == "darwin" else "systemd")
    text = control.launchd_plist(os.environ) if kind == "launchd" else control.systemd_unit(os.environ)
    if not install:
        click.echo(text, nl=False)
        return
    _path, done = control.install_unit(kind, text, os.environ)
    click.echo(f"autovenv daemon: {done}", err=True)
    enable = control.enable_command(kind)
    click.echo(f"autovenv daemon: to start it now and at every login, run: {enable}", err=True)
