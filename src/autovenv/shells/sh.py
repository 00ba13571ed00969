"""POSIX sh, for scripts: ``eval "$(autovenv export sh)"`` (dash, busybox ash, ksh, bash in sh mode).

Export only: a script has no prompt to hook, so there is no hook template, no cache entry and no daemon
work for it (``shells.names()`` leaves it out). Values are single-quoted, which every POSIX shell reads
literally, newlines and non-UTF-8 bytes included; sh has no ``$'...'``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.plan import Plan

NAME = "sh"
ALIASES: tuple[str, ...] = ("posix", "dash", "ash", "ksh")
PATHSEP = ":"
#: Only ``autovenv export sh``: no hook, no cached answers.
EXPORT_ONLY = True


def quote(value: str) -> str:
    """``'...'`` with each ``'`` written ``'\\''``: literal in every POSIX shell."""
    return "'" + value.replace("'", "'\\''") + "'"


def render_plan(plan: Plan) -> str:
    lines = []
    for name, value in plan.changes.items():
        if value is None:
            lines.append(f"unset {name}")
        else:
            lines.append(f"{name}={quote(value)}; export {name}")
    if plan.rehash:
        lines.append("hash -r 2>/dev/null || :")
    return "".join(line + "\n" for line in lines)
