"""The answer for a directory: settings, the user's view, resolve, decide, build. No side effects.

``export`` (the hooks' cold path, ``exec``), the daemon's resolver and ``status`` all call ``answer_for``;
what each does with the answer (store a cache entry, notify the daemon, print a report) stays with the
caller. Standard library only: it is on the hot path.
"""

from __future__ import annotations

from autovenv import answer as answer_mod
from autovenv import plan, settings
from autovenv.decide import decide
from autovenv.resolve.project import resolve

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.decide import Decision
    from autovenv.resolve.project import Resolution, Settings


class Outcome:
    """One directory's answer and what it was made from: the user's settings and view of the
    environment, the resolution and the decision (``exec`` and ``status`` need to know why)."""

    __slots__ = ("answer", "decision", "resolution", "user", "view")

    def __init__(
        self,
        user: Settings,
        view: dict[str, str],
        resolution: Resolution,
        decision: Decision,
        answer: answer_mod.Answer,
    ) -> None:
        self.user = user
        self.view = view
        self.resolution = resolution
        self.decision = decision
        self.answer = answer

    def __repr__(self) -> str:
        return f"Outcome({self.answer!r})"


def answer_for(
    directory: str,
    environ: Mapping[str, str],
    shell: str | None,
    pathsep: str,
    user: Settings | None = None,
    resolved: tuple[Resolution, dict[str, str]] | None = None,
    entry_watch: tuple[str, ...] = (),
    lock_memo: str | None = None,
) -> Outcome:
    """The answer for ``directory`` in a shell (``shell`` quotes the commands in its notes; ``None``:
    the user's shell) whose PATH separator is ``pathsep``.

    ``user``: settings already loaded; ``resolved``: a resolution and view already made for this
    separator (the daemon resolves once for every shell); ``entry_watch``: paths a cache entry is also
    checked against (the cache's generation file); ``lock_memo``: where the lock comparison keeps its
    last answer. The user's own config problems lead the notes, shown with every project's answer until
    the file is fixed.
    """
    user = settings.load(environ) if user is None else user
    if resolved is None:
        view = plan.user_view(environ, pathsep)
        resolution = resolve(directory, view, user, lock_memo=lock_memo)
    else:
        resolution, view = resolved
    decision = decide(resolution, user, view, shell)
    decision.notes[:0] = user.problems
    result = answer_mod.build(
        resolution,
        decision,
        answer_mod.signature(view),
        settings.watch_paths(environ),
        pathsep,
        entry_watch,
    )
    return Outcome(user, view, resolution, decision, result)
