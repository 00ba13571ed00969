"""``autovenv completion SHELL``: tab completion scripts, from click's own completion machinery.

bash, zsh and fish use click's classes as they are. PowerShell gets its own class here: click only has one
from 8.5 on (which needs Python 3.10), and autovenv supports older clicks. It is registered under the name
``pwsh`` (``_AUTOVENV_COMPLETE=pwsh_complete``), so it never replaces a click class, and it works the same
with every click: PowerShell's ``Register-ArgumentCompleter -Native`` calls ``autovenv`` with the command
line in ``COMP_WORDS``, and turns the answer (type, value and help, one line each) into completion results
(``shell/completion.ps1``).
"""

from __future__ import annotations

import os

import click
from click.shell_completion import ShellComplete, add_completion_class, get_completion_class, split_arg_string

from autovenv.shells import read_template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

PROG = "autovenv"
COMPLETE_VAR = "_AUTOVENV_COMPLETE"


class PwshComplete(ShellComplete):
    """Completion for Windows PowerShell 5.1 and PowerShell 7: three lines per item (type, value, help)."""

    name = "pwsh"

    def source(self) -> str:
        """The script: a real PowerShell file beside the hooks (shell/completion.ps1), read when asked."""
        return read_template("completion.ps1") % self.source_vars()

    def get_completion_args(self) -> tuple[list[str], str]:
        words = split_arg_string(os.environ.get("COMP_WORDS", ""))
        cword = int(os.environ.get("COMP_CWORD", "0") or 0)
        return words[1:cword], words[cword] if cword < len(words) else ""

    def format_completion(self, item: CompletionItem) -> str:
        help_text = " ".join((item.help or "_").split())  # one line: the script reads three per item
        return f"{item.type}\n{item.value}\n{help_text}"


add_completion_class(PwshComplete)

#: Our shell names to click's completion class names.
CLASS_NAMES = {"bash": "bash", "zsh": "zsh", "fish": "fish", "pwsh": "pwsh"}


def source(cli: click.Command, shell: str) -> str:
    """The script that sets up completion of ``autovenv`` for ``shell`` (bash, zsh, fish or pwsh)."""
    completer = get_completion_class(CLASS_NAMES[shell])
    if completer is None:  # pragma: no cover - every click since 8.0 has bash, zsh and fish
        raise click.ClickException(f"this click has no {shell} completion")
    return completer(cli, {}, PROG, COMPLETE_VAR).source()
