"""fish adapter: ``autovenv hook fish | source`` in config.fish; the hook lives in shell/autovenv.fish."""

from __future__ import annotations

from autovenv.answer import FORMAT
from autovenv.shells import fill, read_template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from autovenv.answer import Answer
    from autovenv.plan import Plan

NAME = "fish"
ALIASES: tuple[str, ...] = ()
PATHSEP = ":"
TEMPLATE = "autovenv.fish"
HOOK_LINE = "autovenv hook fish | source"


def quote(value: str) -> str:
    """A fish literal that reads back exactly: single quotes for text, escapes for everything else.

    Inside fish's single quotes only ``\\`` and ``'`` are special. Control characters (newline included)
    are written as ``\\xHH`` outside the quotes; bytes that are not UTF-8 (surrogate escapes in Python) as
    ``\\XHH``, fish's raw-byte escape. Valid non-ASCII text stays literal, so fish decodes it exactly as it
    decodes ``$PWD`` and environment values, and string comparisons between them hold.
    """
    out: list[str] = []
    quoted = False
    for char in value:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            piece, literal = f"\\X{code - 0xDC00:02x}", False
        elif code < 0x20 or code == 0x7F:
            piece, literal = f"\\x{code:02x}", False
        elif char in "\\'":
            piece, literal = "\\" + char, True
        else:
            piece, literal = char, True
        if literal != quoted:
            out.append("'")
            quoted = literal
        out.append(piece)
    if quoted:
        out.append("'")
    return "".join(out) or "''"


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
    lines = [f"set -g __autovenv_e_{name} {quote(value)}" for name, value in answer.scalars(FORMAT)]
    lines.append(f"set -g __autovenv_e_notes {quote_words(answer.notes)}".rstrip())
    lines.append(f"set -g __autovenv_e_watch {quote_words(answer.watch)}".rstrip())
    return "".join(line + "\n" for line in lines)


def quicksig(deps: Iterable[str]) -> str:
    return "".join(f'"${name}"\\x1f' for name in deps)


def render_hook(values: Mapping[str, object]) -> str:
    quoted: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            quoted[name] = quote_words(str(v) for v in value)
        else:
            quoted[name] = quote(str(value))
    deps = values.get("AUTOVENV_DEPS", ())
    quoted["AUTOVENV_QUICKSIG"] = quicksig(deps if isinstance(deps, (list, tuple)) else ())
    return fill(read_template(TEMPLATE), quoted)
