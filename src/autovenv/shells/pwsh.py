"""PowerShell adapter (5.1 and 7.x): ``Invoke-Expression (& autovenv hook pwsh | Out-String)`` in $PROFILE.

Everything this module emits is pure ASCII: printable ASCII goes inside single quotes (where only ``'`` is
special, written ``''``); every other UTF-16 code unit is written ``[char]0xNNNN`` and joined with ``+``.
So no console code page can garble it, and nothing in a value can act as code: PowerShell treats the
curly quotes U+2018-U+201B as ``'`` and U+201C-U+201E as ``"``, but they never appear literally; ``$``,
backticks and ``$()`` are inert inside single quotes. ``[char]`` casts and string ``+`` are allowed in
ConstrainedLanguage mode, so ``autovenv export pwsh`` output works there too.

``render_answer`` writes no code at all: one line, ``a=`` and the base64 of the UTF-16 code units of the
answer's fields joined by NUL (which no path, environment value or message holds): the scalars in
``ANSWER_FIELDS`` order, then the count of operation words and the words (verb, name, value for each
operation), the count of notes and the notes, the count of watched paths and the paths, then how many of
those (the first ones) a prompt checks; the rest are checked only when a cache
entry is read (``Answer.entry_watch``). The hook decodes it with a handful of .NET calls and evaluates
nothing, where parsing a PowerShell literal would cost PowerShell's parser milliseconds for every answer
it has not seen before (shell/autovenv.ps1, ``__autovenv_parse``).
"""

from __future__ import annotations

import os

from autovenv.answer import FORMAT
from autovenv.plan import ACTIVATION_VARS
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
#: The answer's fields in the order render_answer writes them (answer.Answer.scalars, then the lists).
ANSWER_FIELDS = ("v", "key", "root", "venv", "prompt", "msg", "quiet", "sig")
#: Each list is its length, then its items. ``ops`` is the activation, three words per operation (verb,
#: name, value: ``Answer.flat_operations``), which the hook applies with one generic loop.
ANSWER_LISTS = ("ops", "notes", "watch")
#: The last field: the number of leading ``watch`` paths a prompt checks (``Answer.watch``).
PROMPT_WATCH = "pwatch"


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


#: How many links in a row are followed (Linux's own limit): past it a path resolves to nothing anyway.
MAX_LINK_HOPS = 40


def followed(paths: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """The paths as given, each followed, when it is a symbolic link, by every link of its chain and what
    it finally leads to (which may not exist yet): those only when not in ``paths`` or ``known`` already.

    The other shells compare times with ``test -nt``, which follows links; .NET's ``GetLastWriteTimeUtc``
    reads a link's own time. A ``.venv`` link to a venv made later would change neither the link nor the
    directory holding it, so the hook watches where the link leads as well: that path's time is the one
    ``-nt`` reads. The links of the chain stay watched too: pointed elsewhere, a link is made anew.
    """
    given = list(paths)
    seen = {*given, *known}
    out: list[str] = []
    for path in given:
        out.append(path)
        chain: list[str] = []
        hop = path
        for _ in range(MAX_LINK_HOPS):
            try:
                target = os.readlink(hop)
            except (OSError, ValueError):
                break
            # A relative target is read from the directory holding the link, as the kernel reads it.
            hop = os.path.join(os.path.realpath(os.path.dirname(hop)), target)
            chain.append(os.path.join(os.path.realpath(os.path.dirname(hop)), os.path.basename(hop)))
        if chain:
            chain.append(os.path.realpath(path))
        for extra in chain:
            if extra not in seen:
                seen.add(extra)
                out.append(extra)
    return out


def render_answer(answer: Answer) -> str:
    """The answer as data the hook decodes (see the module docstring); watched links are followed
    (``followed``), the prompt's part and the entry's part each on its own."""
    fields = [value for _, value in answer.scalars(FORMAT)]
    prompt_watch = followed(answer.watch)
    entry_watch = followed(answer.entry_watch, known=prompt_watch)
    for items in (answer.flat_operations(), answer.notes, [*prompt_watch, *entry_watch]):
        fields += [str(len(items)), *items]
    fields.append(str(len(prompt_watch)))
    text = "\0".join(field.replace("\0", "\ufffd") for field in fields)
    # base64.b64encode's own call, imported here (a shared library: only an answer needs it). The base64
    # module would import re, enum and struct: 22 M instructions (callgrind), about half of what the
    # whole first visit costs without them.
    import binascii

    encoded = binascii.b2a_base64(text.encode("utf-16-le", "surrogatepass"), newline=False)
    return "a=" + encoded.decode("ascii") + "\n"


def read_answer(text: str) -> dict[str, str | list[str]]:
    """What the hook reads from ``render_answer``'s text: its Python twin, for tests and tools."""
    import base64

    try:
        if not text.startswith("a=") or not text.endswith("\n"):
            raise ValueError("no answer line")
        fields = base64.b64decode(text[2:-1], validate=True).decode("utf-16-le", "surrogatepass").split("\0")
        out: dict[str, str | list[str]] = dict(zip(ANSWER_FIELDS, fields))
        at = len(ANSWER_FIELDS)
        for name in ANSWER_LISTS:
            count = int(fields[at])
            if count < 0:
                raise ValueError("a negative count")
            out[name] = fields[at + 1 : at + 1 + count]
            at += 1 + count
        if len(out["ops"]) % 3:
            raise ValueError("an operation cut short")
        prompt_watch = int(fields[at])
        if at + 1 != len(fields) or not 0 <= prompt_watch <= count:
            raise ValueError("fields left over")
        out[PROMPT_WATCH] = out["watch"][:prompt_watch]
    except (ValueError, IndexError, UnicodeDecodeError) as exc:  # binascii.Error is a ValueError
        raise ValueError(f"not an answer: {exc}") from None
    return out


def quick_names(deps: Iterable[str]) -> list[str]:
    """The variables a prompt compares with their values at the last check, in one list: what decides
    the transition (the same as bash's and zsh's, posix_hook.QUICK_STATE), AUTOVENV_PROMPT, and the
    resolution's environment. With AUTOVENV_PROMPT among them, everything the prompt's prefix depends on
    is (AUTOVENV_KEY and VIRTUAL_ENV_DISABLE_PROMPT are in QUICK_STATE): a prompt that finds them all
    unchanged shows the prefix worked out at the last check, reading nothing more."""
    from autovenv.shells.posix_hook import QUICK_STATE

    return list(dict.fromkeys([*QUICK_STATE, "AUTOVENV_PROMPT", *deps]))


def deps_ours(deps: Iterable[str]) -> list[str]:
    """The dependencies an activation may set itself (PYENV_VERSION): while one holds a value of ours,
    the hook reads the user's saved value instead. Worked out here, not in the hook's start-up."""
    return [name for name in deps if name in ACTIVATION_VARS]


def hook_values(values: Mapping[str, object], windows: bool) -> dict[str, str]:
    quoted: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            quoted[name] = quote_list(str(v) for v in value)
        else:
            quoted[name] = quote(str(value))
    deps = values.get("AUTOVENV_DEPS", ())
    names = [str(d) for d in deps] if isinstance(deps, (list, tuple)) else []
    quoted["AUTOVENV_QUICKNAMES"] = quote_list(quick_names(names))
    quoted["AUTOVENV_ACTIVATION_VARS"] = quote_list(ACTIVATION_VARS)
    quoted["AUTOVENV_DEPS_OURS"] = quote_list(deps_ours(names))
    quoted["AUTOVENV_PATHSEP"] = quote(pathsep(windows))
    return quoted


def render_hook_for(values: Mapping[str, object], windows: bool) -> str:
    return fill(read_template(TEMPLATE), hook_values(values, windows))


def render_hook(values: Mapping[str, object]) -> str:
    return render_hook_for(values, os.name == "nt")
