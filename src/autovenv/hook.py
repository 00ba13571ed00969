"""``autovenv hook SHELL``: print the hook for a shell, filled with this installation's paths, and keep the
copies a shell can start from without Python (``hook.SHELL`` for install.sh's launcher, the start file)."""

from __future__ import annotations

import os
import sys
import time

from autovenv import answer, cache, dirs, display, plan, settings
from autovenv.resolve.finders import candidate_names
from autovenv.safepath import write_new

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.shells.base import Adapter


def export_command(venv_dirs: tuple[str, ...] | None = None) -> list[str]:
    """The lean command the hook runs: this interpreter, isolated, without site, importing only us.

    ``-I`` keeps the user's PYTHONPATH and the current directory (a hostile checkout) off ``sys.path``;
    ``-S`` skips site's start-up work. The directory holding our package is put on ``sys.path`` by hand.
    ``venv_dirs`` are the user's part of the names the hook walks up looking for (baked into its text):
    the command passes them on, so ``export`` can tell a shell whose list is out of date.
    """
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # Hex, not a quoted literal: no quote character can reach a shell's or Windows' argument parser.
    hexed = package_parent.encode("utf-8", "surrogateescape").hex()
    given = ""
    if venv_dirs is not None:  # names hold no "/"; hex, as above (and short: it is in every hook's text)
        hexed_dirs = "/".join(venv_dirs).encode("utf-8", "surrogateescape").hex()
        given = f"hook_venv_dirs=bytes.fromhex('{hexed_dirs}').decode('utf-8','surrogateescape')"
    code = (
        f"import sys;sys.path.insert(0,bytes.fromhex('{hexed}').decode('utf-8','surrogateescape'));"
        f"from autovenv._entry import main;sys.exit(main({given}))"
    )
    return [sys.executable, "-I", "-S", "-c", code]


#: Where the hooks look when there is no directory they may use: no file can be made under /dev/null (or
#: Windows' NUL device), by anyone, root included, so a hook's ``-f`` tests fail and its stamp files
#: cannot be written.
NOWHERE = "\\\\.\\NUL" if os.name == "nt" else "/dev/null"


def stamp_dir(base: str | None) -> str:
    """Where the hook keeps its stamp files: the cache's ``stamps/``, else a private directory in the
    temporary directory, else ``NOWHERE`` (no stamps: more cold checks, nothing unsafe).

    Stamps are how a hook notices, without a process, that a venv appeared while the user sat in a
    directory; an unusable cache must cost the cache, not that.
    """
    if base is not None:
        preferred = os.path.join(base, cache.STAMPS)
        if os.access(preferred, os.W_OK):
            return preferred
    return cache.private_fallback_stamps(create=True) or NOWHERE


def usable_cache(environ: Mapping[str, str]) -> str | None:
    """The cache directory when it is the user's alone; else None, after one line saying why."""
    base = dirs.cache_dir(environ)
    try:
        cache.ensure_dir(base)
    except OSError as exc:
        sys.stderr.write(display.text(f"autovenv: {exc}; working without a cache") + "\n")
        return None
    return base


def hook_values(environ: Mapping[str, str]) -> dict[str, object]:
    user = settings.load(environ)
    base = usable_cache(environ)
    return {
        "AUTOVENV_STAMPS": stamp_dir(base),
        "AUTOVENV_EXPORT": export_command(user.venv_dirs),
        "AUTOVENV_CACHE": NOWHERE if base is None else base,
        "AUTOVENV_MARKERS": list(candidate_names(user.venv_dirs)),
        "AUTOVENV_QUIET": "1" if user.quiet else "",
        "AUTOVENV_DEPS": list(answer.ENV_DEPS),
        "AUTOVENV_FORMAT": answer.FORMAT,
        # Names an activation may save (plan.ACTIVATION_VARS): an inherited AUTOVENV_SAVED naming any
        # other is not acted on.
        "AUTOVENV_SAVABLE": " " + " ".join(plan.ACTIVATION_VARS) + " ",
    }


def render(shell: str, environ: Mapping[str, str] = os.environ) -> str:
    from autovenv import shells

    return shells.get(shell).render_hook(hook_values(environ))


def main(argv: list[str]) -> int:
    from autovenv import shells

    if len(argv) != 1:
        sys.stderr.write("autovenv: usage: autovenv hook SHELL\n")
        return 2
    try:
        adapter = shells.get(argv[0])
    except shells.UnknownShell as exc:
        sys.stderr.write(f"autovenv: {exc}\n")
        return 2
    started_ns = time.time_ns()
    values = hook_values(os.environ)
    text = adapter.render_hook(values)
    data = text.encode("utf-8", "surrogateescape")
    save_copy(adapter.NAME, data, values)
    save_start(adapter, values, text, os.environ, started_ns)
    sys.stdout.buffer.write(data)
    return 0


def save_copy(shell: str, data: bytes, values: Mapping[str, object]) -> None:
    """Keep the hook in the cache: install.sh's launcher prints it at the next shell start without Python.

    The launcher uses the copy only while it is newer than the installation and the user's config, and
    only from ``$XDG_CACHE_HOME`` (or ``~/.cache``) and the cache override; elsewhere Python answers.
    Nothing is written into a cache that is not this user's (``sudo`` keeping HOME, for one).
    """
    from autovenv import start

    cache = values.get("AUTOVENV_CACHE")
    if isinstance(cache, str) and start.usable_cache(values):
        write_file(os.path.join(cache, f"hook.{shell}"), data)


def save_start(
    adapter: Adapter,
    values: Mapping[str, object],
    hook: str,
    environ: Mapping[str, str],
    started_ns: int,
) -> None:
    """Keep the start file beside the copy: the line ``autovenv init`` writes sources it without Python
    while its guard holds (see autovenv.start). Its mtime is set to just before rendering started (as
    cache entries are), so a config edited or a package installed while it rendered makes it stale. A
    hook that gets none removes a stale one, which would otherwise go on serving another installation's."""
    from autovenv import start

    cache = values.get("AUTOVENV_CACHE")
    if not hasattr(adapter, "render_start") or not isinstance(cache, str) or not start.usable_cache(values):
        return
    where = start.path(adapter.NAME, cache)
    found = start.render(adapter, values, hook, environ)
    if found is not None:
        content, checks = found
        write_file(where, content.encode("utf-8", "surrogateescape"), start.stamp(checks, started_ns))
        return
    try:  # noqa: SIM105 - contextlib costs an import at every shell start
        os.unlink(where)
    except OSError:
        pass


def write_file(path: str, data: bytes, mtime_ns: int | None = None) -> None:
    """Replace ``path`` whole (a shell starting meanwhile reads the old file or the new, never half);
    failures are silent: the copies only save time."""
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        try:  # noqa: SIM105 - contextlib costs an import at every shell start
            os.unlink(temp)
        except FileNotFoundError:
            pass
        write_new(temp, data)
        if mtime_ns is not None:
            os.utime(temp, ns=(mtime_ns, mtime_ns))
        os.replace(temp, path)
    except OSError:
        try:  # noqa: SIM105 - contextlib costs an import at every shell start
            os.unlink(temp)
        except OSError:
            pass
