"""The contract of a shell adapter module, for type checking only."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Protocol

    from autovenv.answer import Answer
    from autovenv.plan import Plan

    class Adapter(Protocol):
        NAME: str
        ALIASES: tuple[str, ...]
        PATHSEP: str
        TEMPLATE: str
        HOOK_LINE: str

        def quote(self, value: str) -> str: ...

        def render_plan(self, plan: Plan) -> str: ...

        def render_answer(self, answer: Answer) -> str: ...

        def render_hook(self, values: Mapping[str, object]) -> str: ...
