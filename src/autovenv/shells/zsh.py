"""zsh adapter: ``eval "$(autovenv hook zsh)"`` in ~/.zshrc; the hook lives in shell/autovenv.zsh."""

from __future__ import annotations

from autovenv.answer import FORMAT
from autovenv.shells import fill, posix, read_template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.answer import Answer
    from autovenv.plan import Plan

NAME = "zsh"
ALIASES: tuple[str, ...] = ()
PATHSEP = ":"
TEMPLATE = "autovenv.zsh"
HOOK_LINE = 'eval "$(autovenv hook zsh)"'

quote = posix.quote


def render_plan(plan: Plan) -> str:
    return posix.render_plan(plan, "\\builtin rehash")


def render_answer(answer: Answer) -> str:
    return posix.render_answer(answer, FORMAT)


def render_hook(values: Mapping[str, object]) -> str:
    return fill(read_template(TEMPLATE), posix.hook_values(values))
