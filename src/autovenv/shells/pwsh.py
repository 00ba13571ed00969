"""PowerShell adapter (5.1 and 7.x): ``Invoke-Expression (& autovenv hook pwsh | Out-String)`` in $PROFILE.

Everything this module emits is pure ASCII: printable ASCII goes inside single quotes (where only ``'`` is
special, written ``''``); every other UTF-16 code unit is written ``[char]0xNNNN`` and joined with ``+``.
So no console code page can garble it, and nothing in a value can act as code: PowerShell treats the
curly quotes U+2018-U+201B as ``'`` and U+201C-U+201E as ``"``, but they never appear literally; ``$``,
backticks and ``$()`` are inert inside single quotes. ``[char]`` casts and string ``+`` are allowed in
ConstrainedLanguage mode, so ``autovenv export pwsh`` output works there too.

``render_answer`` writes a hashtable literal of such strings only (data, not code); the hook checks it
against a regular expression admitting nothing else before evaluating it (see shell/autovenv.ps1).
"""

from __future__ import annotations

import os

from autovenv.answer import FORMAT
from autovenv.shells import fill, read_template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from autovenv.answer import Answer
    from autovenv.plan import Plan

NAME = "pwsh"
ALIASES: tuple[str, ...] = ("powershell",)
TEMPLATE = "autovenv.ps1"
HOOK_LINE = "Invoke-Expression (& autovenv hook pwsh | Out-String)"
RESTART = ". $PROFILE"
PROCESS_NAMES: tuple[str, ...] = ("pwsh", "powershell", "pwsh-preview")
#: Fully qualified, so a user's alias or function of the same name cannot intercept us.
REMOVE_ITEM = "Microsoft.PowerShell.Management\\Remove-Item"
SET_ITEM = "Microsoft.PowerShell.Management\\Set-Item"
#: The answer's fields in the order they are written (the hook requires every one of them).
#: The answer's fields in the order render_answer writes them (answer.Answer.scalars, then the lists).
ANSWER_FIELDS = ("v", "key", "root", "venv", "vprompt", "prompt", "pyver", "path", "msg", "quiet", "sig")
ANSWER_LISTS = ("notes", "watch")


def pathsep(windows: bool) -> str:
    """PATH's separator for the target: ``;`` on Windows, ``:`` for pwsh on Linux and macOS."""
    return ";" if windows else ":"


PATHSEP = pathsep(os.name == "nt")


def _units(value: str) -> list[int]:
    """UTF-16 code units of ``value``: PowerShell strings are UTF-16; lone surrogates pass through."""
    data = value.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def quote(value: str) -> str:
    """A pure-ASCII PowerShell expression whose value is exactly ``value``.

    ``'text'`` when ``value`` is printable ASCII; otherwise ``('text' + [char]0x00E9 + ...)``. It always
    starts with a string literal (``''`` if need be): ``[char] + [char]`` would add numbers. The
    parentheses keep it one operand wherever it stands (``,`` binds tighter than ``+``).
    """
    parts: list[str] = []
    run: list[str] = []
    for unit in _units(value):
        if 0x20 <= unit < 0x7F:
            run.append("''" if unit == 0x27 else chr(unit))
            continue
        if run or not parts:
            parts.append("'" + "".join(run) + "'")
            run = []
        parts.append(f"[char]0x{unit:04X}")
    if run or not parts:
        parts.append("'" + "".join(run) + "'")
    if len(parts) == 1:
        return parts[0]
    return "(" + " + ".join(parts) + ")"


def quote_list(values: Iterable[str]) -> str:
    return "@(" + ", ".join(quote(v) for v in values) + ")"


def _is_name(name: str) -> bool:
    return (
        bool(name)
        and name.isascii()
        and (name[0].isalpha() or name[0] == "_")
        and all(c.isalnum() or c == "_" for c in name)
    )


def set_env(name: str, value: str) -> str:
    if _is_name(name):
        return f"$env:{name} = {quote(value)}"
    return f"{SET_ITEM} -LiteralPath ('Env:/' + {quote(name)}) -Value {quote(value)}"


def unset_env(name: str) -> str:
    if _is_name(name):
        return f"{REMOVE_ITEM} -LiteralPath Env:/{name} -ErrorAction Ignore"
    return f"{REMOVE_ITEM} -LiteralPath ('Env:/' + {quote(name)}) -ErrorAction Ignore"


def fold_changes(changes: Mapping[str, str | None], windows: bool) -> list[tuple[str, str | None]]:
    """The changes to emit; on Windows names are case-insensitive, so ``Path``/``PATH`` become one.

    When a name appears in several spellings, a value wins over a removal (the last value seen), and
    PATH is always spelled ``PATH``: assigning it keeps the spelling Windows already has.
    """
    if not windows:
        return list(changes.items())
    folded: dict[str, tuple[str, str | None]] = {}
    for name, value in changes.items():
        upper = name.upper()
        previous = folded.get(upper)
        spelled = "PATH" if upper == "PATH" else (previous[0] if previous is not None else name)
        if previous is None or value is not None:
            folded[upper] = (spelled, value)
    return list(folded.values())


def render_plan_for(plan: Plan, windows: bool) -> str:
    lines = []
    for name, value in fold_changes(plan.changes, windows):
        lines.append(unset_env(name) if value is None else set_env(name, value))
    return "".join(line + "\n" for line in lines)


def render_plan(plan: Plan) -> str:
    """``$env:`` assignments and ``Remove-Item -LiteralPath Env:/NAME``: nothing else, no script to run."""
    return render_plan_for(plan, os.name == "nt")


def fields(answer: Answer) -> tuple[tuple[str, str], ...]:
    """The answer's fields as this hook reads them: it still applies a venv's or a pin's variables by
    name (``vprompt``, ``pyver``, ``path``), taken here from the operations that decided them."""
    scalars = dict(answer.scalars(FORMAT))
    sets = {name: value for verb, name, value in answer.operations if verb == "set"}
    derived = {
        "vprompt": sets.get("VIRTUAL_ENV_PROMPT", ""),
        "pyver": sets.get("PYENV_VERSION", ""),
        "path": PATHSEP.join(answer.path_entries()),
    }
    return tuple((name, scalars[name] if name in scalars else derived[name]) for name in ANSWER_FIELDS)


def render_answer(answer: Answer) -> str:
    """A hashtable literal of quoted strings, one field per line (the hook validates, then evaluates it)."""
    lines = ["@{"]
    lines.extend(f"{name} = {quote(value)}" for name, value in fields(answer))
    lines.append(f"notes = {quote_list(answer.notes)}")
    # PowerShell keeps its stamp's time in memory, so deleted stamps tell it nothing: every prompt checks
    # every watched path, the generation file too.
    lines.append(f"watch = {quote_list(answer.all_watch)}")
    lines.append("}")
    return "".join(line + "\n" for line in lines)


def quicksig(deps: Iterable[str]) -> str:
    """Value and set-ness of each dependency, as further elements of the hook's ``-join`` list."""
    out = []
    for name in deps:
        if not _is_name(name):
            raise ValueError(f"not an environment variable name: {name!r}")
        out.append(f", ${{env:{name}}}, ($null -eq ${{env:{name}}})")
    return "".join(out)


def hook_values(values: Mapping[str, object], windows: bool) -> dict[str, str]:
    quoted: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            quoted[name] = quote_list(str(v) for v in value)
        else:
            quoted[name] = quote(str(value))
    deps = values.get("AUTOVENV_DEPS", ())
    quoted["AUTOVENV_QUICKSIG"] = quicksig(str(d) for d in deps) if isinstance(deps, (list, tuple)) else ""
    quoted["AUTOVENV_PATHSEP"] = quote(pathsep(windows))
    return quoted


def render_hook_for(values: Mapping[str, object], windows: bool) -> str:
    return fill(read_template(TEMPLATE), hook_values(values, windows))


def render_hook(values: Mapping[str, object]) -> str:
    return render_hook_for(values, os.name == "nt")
