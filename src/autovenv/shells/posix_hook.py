"""What the bash and zsh hooks and start files are made of: the words the hook compares at each prompt
(``quicksig``, ``usersig``, ``snapshot``), the template's quoted values, the start file's guard.

Rendered when a hook or start file is (``autovenv hook``, ``init``), never for a directory's answer, so a
first visit does not load it (``posix`` holds the quoting both need).
"""

from __future__ import annotations

from autovenv.plan import ACTIVATION_VARS
from autovenv.shells.posix import quote, quote_words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from autovenv.start import Checks

#: What, besides the resolution's environment, decides the transition or the decoration of the prompt.
#: _OLD_VIRTUAL_PATH appears when a venv's own activate script runs (it takes over our activation).
QUICK_STATE = (
    "VIRTUAL_ENV",
    "AUTOVENV_KEY",
    "AUTOVENV_PAUSED",
    "VIRTUAL_ENV_DISABLE_PROMPT",
    "_OLD_VIRTUAL_PATH",
)


def quicksig(deps: Iterable[str]) -> str:
    """One word holding set-ness and value of each variable the answer or the transition depends on.

    Each name becomes ``${NAME-<RS>}<US>``: an unset variable reads as the record separator, which no
    real value holds, so set-but-empty and unset differ, at the cost of one plain expansion (``${NAME+1}``
    beside ``${NAME-}`` costs bash three times as much). The word is unquoted: it is only ever the left
    side of ``[[ == ]]`` or an assignment, where neither shell splits or globs. RS and US are written as
    the raw bytes, not ``$'\\036'``: zsh evaluates each ``$'...'`` again at every prompt, which with ~30
    names tripled what a prompt costs it (callgrind: 230 k instructions for the word, 78 k raw; bash
    167 k and 124 k).
    """
    names = list(dict.fromkeys([*QUICK_STATE, *deps]))
    return "".join(f"${{{name}-\x1e}}\x1f" for name in names)


def usersig(deps: Iterable[str]) -> str:
    """The resolution signature (``answer.signature``) of the environment as it is, in one word.

    ``NAME=value`` or ``NAME!`` per dependency, each followed by a unit separator, from two plain
    expansions per name: the hook's cheap case, when no dependency holds a value of ours. The unit
    separator is the raw byte, as in ``quicksig``.
    """
    return "".join(f"${{{name}+{name}=}}${{{name}-{name}!}}\x1f" for name in deps)


def ours_among(deps: Iterable[str]) -> str:
    """A test, true when none of the dependencies an activation may set is in ``AUTOVENV_SAVED`` now."""
    tests = [f'" ${{AUTOVENV_SAVED-}} " != *" {name} "*' for name in deps if name in ACTIVATION_VARS]
    return "[[ " + " && ".join(tests) + " ]]" if tests else "true"


def snapshot(names: Iterable[str]) -> str:
    """One word of the set-ness and value of every variable an activation may set, and our state.

    Taken right after applying, it lets a later look tell "nothing we set was disturbed" without a loop
    (an unset variable reads as the record separator, as in ``quicksig``).
    """
    return "".join(f"${{{name}-\x1e}}\x1f" for name in (*names, "AUTOVENV_SAVED", "AUTOVENV_KEY"))


def hook_values(values: Mapping[str, object]) -> dict[str, str]:
    """Quote the hook's placeholder values: lists become word lists, strings single literals."""
    out: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            out[name] = quote_words(str(v) for v in value)
        else:
            out[name] = quote(str(value))
    deps = values.get("AUTOVENV_DEPS", ())
    names = [str(d) for d in deps] if isinstance(deps, (list, tuple)) else []
    out["AUTOVENV_QUICKSIG"] = quicksig(names)
    out["AUTOVENV_USERSIG"] = usersig(names)
    out["AUTOVENV_NONE_OURS"] = ours_among(names)
    out["AUTOVENV_SNAPSHOT"] = snapshot(ACTIVATION_VARS)
    # A case pattern of the names an activation may save: plain identifiers, exact matches.
    assert all(name.isidentifier() for name in ACTIVATION_VARS)
    out["AUTOVENV_SAVABLE_CASE"] = "|".join(ACTIVATION_VARS)
    return out


def start_line(path: str, hook_line: str) -> str:
    """The startup-file line: source the start file at ``path`` when the user owns it, else run ``hook_line``.

    A start file that loaded ends with status 0, so the fallback runs only when it is missing, someone
    else's, or its guard returned 1.
    """
    where = quote(path)
    return f"[ -O {where} ] && . {where} || {hook_line}"


def start_guard(checks: Checks) -> str:
    """The start file's first line: ``return 1`` unless everything the hook was made from is unchanged.

    One ``[[ ]]`` of file tests, then the variables of ``checks.env`` as one word compared with their
    values at render (an unset variable reads as the record separator, as in ``quicksig``).
    """
    own, python, record = quote(checks.own), quote(checks.python), quote(checks.record)
    config = quote(checks.config)
    tests = [f"-O {own}", f"-f {python}", f"-x {python}", f"-f {record}", f"{own} -nt {record}"]
    tests += [f"-e {config}", f"{own} -nt {config}"] if checks.config_exists else [f"! -e {config}"]
    word = "".join(f"${{{name}-$'\\036'}}$'\\037'" for name, _ in checks.env)
    value = "".join(("\x1e" if v is None else v) + "\x1f" for _, v in checks.env)
    tests.append(f"{word} == {quote(value)}")
    return "[[ " + " && ".join(tests) + " ]] || \\builtin return 1\n"


def render_start(checks: Checks, hook: str) -> str:
    """Guard, hook, and a final status 0 (the line's fallback runs on any other)."""
    return start_guard(checks) + hook + ("" if hook.endswith("\n") else "\n") + "\\builtin return 0\n"
