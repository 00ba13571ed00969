"""fish adapter: ``autovenv hook fish | source`` in config.fish; the hook lives in shell/autovenv.fish."""

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
    from autovenv.start import Checks

NAME = "fish"
ALIASES: tuple[str, ...] = ()
PATHSEP = ":"
TEMPLATE = "autovenv.fish"
HOOK_LINE = "autovenv hook fish | source"
RESTART = "exec fish"
PROCESS_NAMES: tuple[str, ...] = ("fish",)


#: What fish cannot read inside single quotes: control characters, DEL, and the surrogate escapes that
#: carry bytes that are not UTF-8.
_ESCAPED = frozenset(map(chr, (*range(0x20), 0x7F, *range(0xDC80, 0xDD00))))


def quote(value: str) -> str:
    """A fish literal that reads back exactly: single quotes for text, escapes for everything else.

    Inside fish's single quotes only ``\\`` and ``'`` are special. Control characters (newline included)
    are written as ``\\xHH`` outside the quotes; bytes that are not UTF-8 (surrogate escapes in Python) as
    ``\\XHH``, fish's raw-byte escape. Valid non-ASCII text stays literal, so fish decodes it exactly as it
    decodes ``$PWD`` and environment values, and string comparisons between them hold.

    The text is cut at the characters to escape with ``str.split`` (an answer's key and signature hold
    one kind, the separator), not walked a character at a time in Python: a first visit's answer is a few
    thousand characters.
    """
    escaped = _ESCAPED.intersection(value)
    if not escaped:
        return _quoted(value) if value else "''"
    pieces = [value]
    for char in escaped:
        cut: list[str] = []
        for piece in pieces:
            if piece in escaped:  # a lone character to escape: written as an escape whichever it is
                cut.append(piece)
                continue
            parts = piece.split(char)
            cut.append(parts[0])
            for part in parts[1:]:
                cut += (char, part)
        pieces = [piece for piece in cut if piece]
    return "".join(_escape(piece) if piece in escaped else _quoted(piece) for piece in pieces)


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\X{code - 0xDC00:02x}" if code >= 0xDC80 else f"\\x{code:02x}"


def quote_words(values: Iterable[str]) -> str:
    return " ".join(quote(v) for v in values)


def render_plan(plan: Plan) -> str:
    lines = []
    for name, value in plan.changes.items():
        if value is None:
            lines.append(f"set -e {name}")
        elif name == "PATH":
            lines.append(f"set -gx PATH {quote_words(value.split(PATHSEP))}")
        else:
            lines.append(f"set -gx {name} {quote(value)}")
    return "".join(line + "\n" for line in lines)


def render_answer(answer: Answer) -> str:
    """The answer as fish code, five lines, which is also how the hook reads a cache entry.

    Line 1 sets ``__autovenv_e`` to the fields of ``Answer.scalars`` in order, then every watched path
    (``Answer.all_watch``); line 2 sets ``__autovenv_en`` to the notes; lines 3 and 4 the positions that
    turn the watch list into ``test`` arguments (see ``test_positions``); line 5 ``__autovenv_eo`` to the
    operations, three words each. The hook reads a cache entry's lines with ``read --tokenize`` (which
    undoes this quoting exactly, without running anything) instead of sourcing it, a fraction of the cost.
    """
    scalars = [value for _, value in answer.scalars(FORMAT)]
    checked, on_prompt = test_positions(len(answer.all_watch), len(answer.watch))
    lines = [
        f"set -g __autovenv_e {quote_words([*scalars, *answer.all_watch])}",
        f"set -g __autovenv_en {quote_words(answer.notes)}".rstrip(),
        f"set -g __autovenv_ev {' '.join(map(str, checked))}".rstrip(),
        f"set -g __autovenv_ep {' '.join(map(str, on_prompt))}".rstrip(),
        f"set -g __autovenv_eo {quote_words(answer.flat_operations())}".rstrip(),
    ]
    return "".join(line + "\n" for line in lines)


def field_positions() -> str:
    """``set -g __autovenv_at_<field> N`` for each field of ``Answer.scalars``: the hook reads its
    answer's fields by these names, never by a number written in the template."""
    from autovenv.answer import Answer

    names = [name for name, _ in Answer().scalars(FORMAT)]
    return "\n".join(f"set -g __autovenv_at_{name} {i}" for i, name in enumerate(names, 1))


#: The hook's list of pieces for building ``test`` arguments: ``-a STAMP -nt ! ENTRY WATCHED...``.
PIECES = ("-a", "STAMP", "-nt", "ENTRY")


def test_positions(watched: int, on_prompt: int) -> tuple[list[int], list[int]]:
    """Positions in the hook's pieces list (``PIECES`` followed by the watched paths) that spell
    ``-a ENTRY -nt PATH`` for every watched path (is the cache entry current: strictly newer, see
    ``cache.entry_stamp``?) and ``-a STAMP -nt PATH`` for the first ``on_prompt`` (has anything changed
    since the stamp?).

    One list expansion builds either, where a loop over the paths would cost a command per path, and
    fish charges microseconds per command.
    """
    first = len(PIECES) + 1
    checked: list[int] = []
    for k in range(watched):
        checked += [1, 4, 3, first + k]
    prompt: list[int] = []
    for k in range(on_prompt):
        prompt += [1, 2, 3, first + k]
    return checked, prompt


def quicksig(deps: Iterable[str]) -> str:
    return "".join(f'"${name}"\\x1f' for name in deps)


def on_variables(deps: Iterable[str]) -> str:
    """``--on-variable NAME`` for every dependency: the hook's handler that notices one being set."""
    return " ".join(f"--on-variable {quote(name)}" for name in deps)


def marker_order(markers: Iterable[str]) -> list[str]:
    """The marker names in the order the walk tries them (any order gives the same answer).

    ``path is`` stops at the first that exists: venv directories and .python-version, what most projects
    have, come before the two config files that lead the list.
    """
    names = list(markers)
    fixed = (".autovenv.toml", "pyproject.toml")
    return [m for m in names if m not in fixed] + [m for m in names if m in fixed]


def link_test(markers: Iterable[str], where: str = "$d/") -> str:
    """Arguments for one ``test``, true when directory ``$d`` (or, with ``where="./"``, the directory the
    shell stands in) holds a marker that is a symbolic link.

    ``path is`` follows links, so it misses a dangling one, which counts as a marker (``os.path.lexists``).
    """
    return " -o ".join(f"-L {where}{quote(m)}" for m in markers)


#: The fewest directories walked for which a recall at a cd proves with ``pwd -P`` (a command substitution
#: and a realpath, some 0.1 ms 100 levels down) that ``$PWD`` holds no symbolic link, to test the
#: directories by their names relative to where the shell stands: below it, converting and resolving each
#: one's full name costs less (measured with fish 3.6: 24 levels, about even; 100, 0.15 ms saved).
RELATIVE_RECALL = 24


def sig_values(deps: list[str]) -> str:
    """Arguments setting the hook's ``__autovenv_g`` to ``NAME=value`` for every dependency."""
    return " ".join(f'"{name}=${name}"' for name in deps)


def sig_join(count: int) -> str:
    """The hook's ``__autovenv_g`` (one ``NAME=value`` / ``NAME!`` per dependency) as one string, each
    followed by a unit separator: an expansion, exact even for values ending in newlines."""
    return "".join(f'"$__autovenv_g[{i}]"\\x1f' for i in range(1, count + 1)) or "''"


def render_hook(values: Mapping[str, object]) -> str:
    return compact(expand(values))


def expand(values: Mapping[str, object]) -> str:
    """The template with its placeholders filled, comments and indentation kept (what the linters read)."""
    quoted: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            quoted[name] = quote_words(str(v) for v in value)
        else:
            quoted[name] = quote(str(value))
    deps = values.get("AUTOVENV_DEPS", ())
    dep_names = [str(d) for d in deps] if isinstance(deps, (list, tuple)) else []
    markers = values.get("AUTOVENV_MARKERS", ())
    marker_names = [str(m) for m in markers] if isinstance(markers, (list, tuple)) else []
    quoted["AUTOVENV_SAVABLE"] = quote_words(str(values.get("AUTOVENV_SAVABLE", "")).split())
    quoted["AUTOVENV_QUICKSIG"] = quicksig(dep_names)
    quoted["AUTOVENV_ONDEPS"] = on_variables(dep_names)
    quoted["AUTOVENV_SIGVALUES"] = sig_values(dep_names)
    quoted["AUTOVENV_SIGJOIN"] = sig_join(len(dep_names))
    quoted["AUTOVENV_PROBES"] = quote_words(marker_order(marker_names))
    quoted["AUTOVENV_LINKTEST"] = link_test(marker_order(marker_names))
    quoted["AUTOVENV_LINKTEST_HERE"] = link_test(marker_order(marker_names), "./")
    quoted["AUTOVENV_RELATIVE_RECALL"] = str(RELATIVE_RECALL)
    quoted.update(answer_layout(dep_names))
    return fill(read_template(TEMPLATE), quoted)


def answer_layout(deps: list[str]) -> dict[str, str]:
    """Placeholders that tie the hook to the answer's layout and to what an activation may set: field
    positions (in a cache entry's first line, after ``set -g __autovenv_e``), the snapshot word, and the
    dependencies an activation may set with their positions in the dependency list."""
    from autovenv.answer import Answer

    count = len(Answer().scalars(FORMAT))
    fields = [name for name, _ in Answer().scalars(FORMAT)]
    settable = [name for name in deps if name in ACTIVATION_VARS]
    return {
        "AUTOVENV_FIELD_AT": field_positions(),
        "AUTOVENV_FIELDS": str(count),
        "AUTOVENV_FIELDS_NEXT": str(count + 1),
        "AUTOVENV_LAST_AT": str(count + 3),
        "AUTOVENV_SIG_AT": str(fields.index("sig") + 4),
        "AUTOVENV_WATCH_AT": str(count + 4),
        "AUTOVENV_SNAPSHOT": snapshot(ACTIVATION_VARS),
        "AUTOVENV_SDEPS": quote_words(settable),
        "AUTOVENV_SDEP_AT": " ".join(str(deps.index(name) + 1) for name in settable),
    }


def snapshot(names: Iterable[str]) -> str:
    """The values of every variable an activation may set, and our state, as one string (set-ness is
    the ``set -q`` status the hook puts before it)."""
    return '"' + '"\\x1f"'.join(f"${name}" for name in (*names, "AUTOVENV_SAVED", "AUTOVENV_KEY")) + '"'


def compact(text: str) -> str:
    """The hook as fish reads it: without comment lines, blank lines and indentation.

    At each call of a function, fish counts the lines of the function's source from its top (for its
    stack of line numbers), so every character above a function is paid at every call; the documented
    source is shell/autovenv.fish. No line of the hook starts with ``#`` inside a string: values are
    quoted on the line that sets them, and quoting turns newlines (and every other control
    character) into escapes.
    """
    # Only "\n" ends a line and only the template's own spaces indent one: str.splitlines() and strip()
    # would also cut at characters such as U+0085 inside a quoted value.
    lines = (line.lstrip(" ") for line in text.split("\n"))
    kept = "".join(line + "\n" for line in lines if line and not line.startswith("#"))
    return "# autovenv hook for fish; its documented source is shell/autovenv.fish\n" + kept


def rc_file(environ: Mapping[str, str], home: str) -> str:
    config = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(config, "fish", "config.fish")


def start_line(path: str) -> str:
    """The line ``autovenv init`` writes: the start file at ``path`` (see autovenv.start), else HOOK_LINE.

    fish's ``and``/``or`` each look at the status of the job before them: a failed ``test`` skips the
    ``source`` and keeps status 1, so the fallback runs; a start file that loaded ends with status 0.
    """
    where = quote(path)
    return f"test -O {where}; and source {where}; or {HOOK_LINE}"


def render_start(checks: Checks, hook: str) -> str:
    """Guard, hook, and a final status 0. The guard: ``test``s of the files, ``set -qx`` (set-ness, as
    exported to the Python that rendered it) of each variable, and their values compared as one word;
    ``return`` at the top level of a sourced file ends it (fish 3.0 and later)."""
    own, python, record = quote(checks.own), quote(checks.python), quote(checks.record)
    config = quote(checks.config)
    tests = [f"test -O {own}", f"test -f {python} -a -x {python}", f"test -f {record}"]
    tests.append(f"test {own} -nt {record}")
    if checks.config_exists:
        tests.append(f"test -e {config} -a {own} -nt {config}")
    else:
        tests.append(f"not test -e {config}")
    tests += [("set -qx " if v is not None else "not set -qx ") + name for name, v in checks.env]
    value = "".join((v or "") + "\x1f" for _, v in checks.env)
    tests.append(f"test x{quicksig(name for name, _ in checks.env)} = {quote('x' + value)}")
    guard = "; and ".join(tests) + "; or return 1\n"
    return guard + hook + ("" if hook.endswith("\n") else "\n") + "return 0\n"
