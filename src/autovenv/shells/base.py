"""The contract of a shell adapter module, for type checking only.

An adapter is a module in ``autovenv/shells/`` (found by its name: no registry to edit) with its hook
template in the top-level ``shell/`` folder. It knows how its shell spells things, never what activation
means: that arrives as operations in the answer (``answer.Answer.operations``), which its template
applies with one generic loop. Adding a shell is this module, its template, and its entry in the shared
scenario list (``tests/shells/shell_list.py``).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Protocol

    from autovenv.answer import Answer
    from autovenv.plan import Plan

    class Adapter(Protocol):
        #: The shell's name as users type it (``autovenv hook NAME``), the cache's folder for its
        #: answers, and the prefix of its stamp files.
        NAME: str
        #: Other names ``autovenv hook``/``export`` accept for it (``powershell`` for ``pwsh``).
        ALIASES: tuple[str, ...]
        #: Process or executable names (without ``.exe``) that are this shell, for ``autovenv init``'s
        #: and ``doctor``'s detection.
        PROCESS_NAMES: tuple[str, ...]
        #: PATH's separator where the shell runs; answers are resolved once per separator.
        PATHSEP: str
        #: The hook template's file name in ``shell/`` (a real file of the shell's language).
        TEMPLATE: str
        #: The plain line for the startup file that loads the hook (README, ``init`` without a cache).
        HOOK_LINE: str
        #: What to type to reload the hook in a running shell (``exec bash``, ``. $PROFILE``).
        RESTART: str

        #: A literal of the shell that reads back byte for byte, whatever ``value`` holds; no value
        #: may ever run as code.
        def quote(self, value: str) -> str: ...

        #: ``autovenv export SHELL``: the plan's variable changes as code for ``eval``.
        def render_plan(self, plan: Plan) -> str: ...

        #: The answer as the hook reads it (data only: quoted fields, lists and the operations); it
        #: is also the cache entry, so it must be cheap for the hook to read.
        def render_answer(self, answer: Answer) -> str: ...

        #: The hook: the template with its ``@AUTOVENV_*@`` placeholders filled with quoted values
        #: (``hook.hook_values``).
        def render_hook(self, values: Mapping[str, object]) -> str: ...
