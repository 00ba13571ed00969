"""``autovenv export SHELL``: the hot path the hooks call. Standard library only; no click, no daemon.

Plain ``export`` prints the code that brings this shell's environment to the right state for the current
directory (nothing when nothing changes), like ``direnv export``: literal values from the pure plan.
``export --hook`` prints the answer for the directory in the hook's own variables instead, and the hook
applies it with the same shell functions it uses for cached answers, so the cold and the fast path
cannot disagree. Both refresh the cache entry. Problems become one stderr line; a crash becomes one line
too, never a traceback in the user's prompt.
"""

from __future__ import annotations

import os
import sys

from autovenv import answer as answer_mod
from autovenv import cache, dirs, display, pipeline, plan, settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import TypeVar

    from autovenv.shells.base import Adapter

    T = TypeVar("T")

USAGE = "usage: autovenv export SHELL [--hook] [--quiet]"
#: The running daemon's FIFO in the runtime dir (``daemon.visit.FIFO``; a test holds them equal).
DAEMON_FIFO = "visits"


def current_directory(environ: Mapping[str, str]) -> str:
    """The logical directory (``$PWD``, as the user typed it) when it is really where we are.

    Symlinked project dirs resolve the same either way; ``$PWD`` keeps the user's paths in VIRTUAL_ENV.
    A deleted working directory still has a ``$PWD``: resolution then walks up from there.
    """
    pwd = environ.get("PWD", "")
    try:
        here = os.stat(".")
    except OSError:
        return pwd or os.sep
    if pwd and os.path.isabs(pwd):
        try:
            there = os.stat(pwd)
            if (there.st_dev, there.st_ino) == (here.st_dev, here.st_ino):
                return pwd
        except OSError:
            pass
    try:
        return os.getcwd()
    except OSError:
        return pwd or os.sep


def _write(stream: object, text: str) -> None:
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8", "surrogateescape"))
        buffer.flush()
    else:
        stream.write(text)  # type: ignore[attr-defined]


class Outcome:
    """One directory's answer (``pipeline.Outcome``) and, when the cache entry was refreshed, the answer
    as the adapter rendered it for that (``rendered``)."""

    __slots__ = ("answer", "decision", "rendered", "resolution")

    def __init__(self, found: pipeline.Outcome, rendered: str | None = None) -> None:
        self.resolution = found.resolution
        self.decision = found.decision
        self.answer = found.answer
        self.rendered = rendered


def answer_for(
    adapter: Adapter,
    environ: Mapping[str, str],
    directory: str,
    hook_venv_dirs: str | None = None,
    side_effects: bool = True,
    compare_lock: bool = True,
) -> Outcome:
    """``pipeline.answer_for`` for ``directory``, with this command's side effects at the edges.

    With ``side_effects`` (the hooks' cold path) the cache entry is refreshed and the daemon told; ``exec``
    and ``export sh`` leave both alone. ``hook_venv_dirs`` ("/"-joined) are the venv directory names the
    calling hook walks up looking for; when the user's ``venv_dirs`` changed since that hook was loaded,
    the fresh answer says to open a new shell. ``compare_lock=False`` skips the lock comparison, whose
    line only a person reads (``exec`` prints nothing on success).
    """
    base = dirs.cache_dir(environ) if side_effects else ""
    started = cache.NO_CLOCK
    if base:
        try:
            cache.ensure_dir(base)
            started = cache.file_clock(base)  # before anything the answer depends on is read
        except OSError:
            base = ""
    user = settings.load(environ)
    if not compare_lock:
        user.stale_hint = False
    generation: tuple[str, ...] = ()
    if base:
        try:
            generation = (cache.ensure_generation(base), *settings.entry_watch_paths(environ))
        except OSError:
            base = ""
    memo = os.path.join(base, cache.LOCK_MEMO) if base else None
    found = pipeline.answer_for(
        directory, environ, adapter.NAME, adapter.PATHSEP, user, entry_watch=generation, lock_memo=memo
    )
    resolution, result, view = found.resolution, found.answer, found.view
    daemon_here = user.daemon == "auto" or os.path.exists(
        os.path.join(dirs.runtime_dir(environ), DAEMON_FIFO)
    )
    if side_effects and daemon_here:
        # Imported only then: two modules are ~1 M instructions of a cold start that has none to spare.
        from autovenv.daemon import visit as daemon_visit

        daemon_visit.notify(resolution.candidate, view, environ)  # the daemon keeps the entries fresh
        daemon_visit.autostart(environ, user.daemon)  # daemon = "auto": start it, never wait
    rendered: str | None = None
    if base and resolution.candidate is not None:
        rendered = adapter.render_answer(result)
        try:
            stamp = cache.entry_stamp(started, result.all_watch)
            cache.store(base, adapter.NAME, resolution.candidate, rendered, stamp)
        except OSError:
            pass
    if hook_venv_dirs is not None and hook_venv_dirs != "/".join(user.venv_dirs):
        # Not cached either: only shells started before the edit have the old list.
        result.notes = (*result.notes, outdated_hook_note(adapter.RESTART, user.path))
        rendered = None
    return Outcome(found, rendered)


def compute(
    adapter: Adapter, environ: Mapping[str, str], directory: str, hook_venv_dirs: str | None = None
) -> tuple[answer_mod.Answer, plan.Plan]:
    """``answer_for`` and the changes that bring ``environ`` to its answer; the cache entry refreshed
    (except for export-only adapters such as ``sh``, which have no hook to read it)."""
    hooked = not getattr(adapter, "EXPORT_ONLY", False)
    outcome = answer_for(adapter, environ, directory, hook_venv_dirs, side_effects=hooked)
    return outcome.answer, plan.plan(environ, outcome.decision.target, adapter.PATHSEP)


def outdated_hook_note(again: str, config: str) -> str:
    """The line for a shell whose hook walks up looking for another ``venv_dirs`` than the config's;
    ``again`` is how to reload the hook (the adapter's ``RESTART``)."""
    return (
        f"venv_dirs in {config} changed after this shell loaded autovenv; "
        f"open a new shell (or run: {again}) for it to look for the new names"
    )


def compute_within(
    adapter: Adapter,
    environ: Mapping[str, str],
    directory: str,
    seconds: float,
    hook_venv_dirs: str | None = None,
) -> tuple[answer_mod.Answer, plan.Plan] | None:
    """``compute`` with a deadline: ``None`` when a hung filesystem holds it longer than ``seconds``."""
    return within(seconds, lambda: compute(adapter, environ, directory, hook_venv_dirs))


def within(seconds: float, work: Callable[[], T]) -> T | None:
    """``work()``, or ``None`` when a hung filesystem holds it longer than ``seconds``.

    The work runs in a thread (the builtin ``_thread``: no import cost); a thread stuck in a system call
    cannot be cancelled, so the caller exits the process instead of waiting for it.
    """
    import _thread

    done = _thread.allocate_lock()
    done.acquire()
    box: list[object] = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as exc:
            box.append(exc)
        finally:
            done.release()

    _thread.start_new_thread(run, ())
    if not done.acquire(timeout=seconds):
        return None
    outcome = box[0]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome  # type: ignore[return-value]


def hook_text(
    adapter: Adapter, environ: Mapping[str, str], directory: str, hook_venv_dirs: str | None
) -> str:
    """What ``export SHELL --hook`` prints: the answer in the hook's variables (as cached, when it was).
    No plan: the hook applies the answer itself."""
    hooked = not getattr(adapter, "EXPORT_ONLY", False)
    outcome = answer_for(adapter, environ, directory, hook_venv_dirs, side_effects=hooked)
    return outcome.rendered if outcome.rendered is not None else adapter.render_answer(outcome.answer)


def deadline(environ: Mapping[str, str]) -> float:
    """Seconds the cold path may take before it gives up (``AUTOVENV_TIMEOUT_MS``, default 200 ms)."""
    try:
        return max(int(environ.get("AUTOVENV_TIMEOUT_MS", "200")), 10) / 1000
    except ValueError:
        return 0.2


def main(argv: list[str], environ: Mapping[str, str] | None = None, hook_venv_dirs: str | None = None) -> int:
    from autovenv import shells

    environ = os.environ if environ is None else environ
    args = [a for a in argv if a not in ("--hook", "--quiet", "-q")]
    quiet = "--quiet" in argv or "-q" in argv
    if len(args) != 1 or any(a.startswith("-") for a in args):
        _write(sys.stderr, f"autovenv: {USAGE}\n")
        return 2
    try:
        adapter = shells.get(args[0], export_only="--hook" not in argv)
    except shells.UnknownShell as exc:
        _write(sys.stderr, f"autovenv: {exc}\n")
        return 2
    directory = current_directory(environ)
    limit = deadline(environ)
    hooked = "--hook" in argv
    outcome: tuple[answer_mod.Answer, plan.Plan] | str | None
    try:
        if hooked:
            outcome = within(limit, lambda: hook_text(adapter, environ, directory, hook_venv_dirs))
        else:
            outcome = compute_within(adapter, environ, directory, limit, hook_venv_dirs)
    except Exception as exc:
        shown = display.text(f"internal error ({type(exc).__name__}: {exc})")
        _write(sys.stderr, f"autovenv: {shown}; nothing changed\n")
        return 1
    if outcome is None:
        _write(
            sys.stderr,
            f"autovenv: gave up on {display.text(directory)} after {int(limit * 1000)} ms "
            "(slow or hung filesystem?); nothing changed\n",
        )
        sys.stderr.flush()
        os._exit(1)
    if isinstance(outcome, str):
        _write(sys.stdout, outcome)
        return 0
    result, changes = outcome
    for note in () if quiet else result.notes:
        _write(sys.stderr, f"autovenv: {note}\n")
    _write(sys.stdout, adapter.render_plan(changes))
    if changes.message and not result.quiet and not quiet:
        _write(sys.stderr, f"autovenv: {changes.message}\n")
    return 0
