"""Quoting and rendering shared by the POSIX-family adapters (bash, zsh): same syntax for what we emit.

What their hooks and start files are made of is in ``posix_hook``: a first visit's answer needs none of it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from autovenv.answer import Answer
    from autovenv.plan import Plan

#: The bytes that stand for themselves inside single quotes (printable ASCII but the quote itself).
_PLAIN_BYTES = bytes(range(0x20, 0x7F)).replace(b"'", b"")


def quote(value: str) -> str:
    """A literal that reads back byte-identical in bash and zsh, whatever the bytes (NUL aside).

    Printable ASCII goes in single quotes, where nothing is special; anything else uses ``$'...'`` with a
    ``\\xHH`` escape per byte, so newlines, control characters, non-UTF-8 bytes (carried as surrogate
    escapes) and the user's locale cannot change what the shell sees.
    """
    data = value.encode("utf-8", "surrogateescape")
    odd = data.translate(None, _PLAIN_BYTES)  # what is left once the plain bytes are deleted
    if not odd:
        return "'" + value + "'"
    # One C-level replace per distinct byte to escape (an answer's key and signature hold one, the
    # separator), not a Python-level step, or a 256-entry table built at import, per byte.
    escaped = data.replace(b"\\", b"\\\\")
    for byte in set(odd):
        escaped = escaped.replace(bytes((byte,)), b"\\x%02x" % byte)
    return "$'" + escaped.decode("ascii") + "'"


def quote_words(values: Iterable[str]) -> str:
    return " ".join(quote(v) for v in values)


def render_plan(plan: Plan, rehash: str) -> str:
    lines = []
    for name, value in plan.changes.items():
        if value is None:
            lines.append(f"\\builtin unset -v {name}")
        else:
            lines.append(f"\\builtin export {name}={quote(value)}")
    if plan.rehash:
        lines.append(rehash)
    return "".join(line + "\n" for line in lines)


def render_answer(answer: Answer, fmt: str) -> str:
    lines = [f"__autovenv_e_{name}={quote(value)}" for name, value in answer.scalars(fmt)]
    # The activation, three words per operation (verb, name, value): the hook's one generic loop.
    lines.append(f"__autovenv_e_ops=({quote_words(answer.flat_operations())})")
    lines.append(f"__autovenv_e_notes=({quote_words(answer.notes)})")
    # All of them are checked when an entry is read; a prompt checks the first ones (see Answer).
    lines.append(f"__autovenv_e_watch=({quote_words(answer.all_watch)})")
    lines.append(f"__autovenv_e_pwatch=({quote_words(answer.watch)})")
    return "".join(line + "\n" for line in lines)
