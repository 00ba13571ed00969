"""zsh adapter: ``eval "$(autovenv hook zsh)"`` in ~/.zshrc; the hook lives in shell/autovenv.zsh."""

from __future__ import annotations

import os

from autovenv.answer import FORMAT
from autovenv.shells import fill, posix, read_template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.answer import Answer
    from autovenv.plan import Plan
    from autovenv.start import Checks

NAME = "zsh"
ALIASES: tuple[str, ...] = ()
PATHSEP = ":"
TEMPLATE = "autovenv.zsh"
HOOK_LINE = 'eval "$(autovenv hook zsh)"'
RESTART = "exec zsh"
PROCESS_NAMES: tuple[str, ...] = ("zsh",)

quote = posix.quote


def render_plan(plan: Plan) -> str:
    return posix.render_plan(plan, "\\builtin rehash")


def render_answer(answer: Answer) -> str:
    return posix.render_answer(answer, FORMAT)


def render_hook(values: Mapping[str, object]) -> str:
    from autovenv.shells import posix_hook

    return fill(read_template(TEMPLATE), posix_hook.hook_values(values))


def rc_file(environ: Mapping[str, str], home: str) -> str:
    return os.path.join(environ.get("ZDOTDIR") or home, ".zshrc")


def start_line(path: str) -> str:
    """The line ``autovenv init`` writes: the start file at ``path`` (see autovenv.start), else HOOK_LINE."""
    from autovenv.shells import posix_hook

    return posix_hook.start_line(path, HOOK_LINE)


def render_start(checks: Checks, hook: str) -> str:
    from autovenv.shells import posix_hook

    return posix_hook.render_start(checks, hook)
