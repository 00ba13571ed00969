"""A small, strict evaluator of the PowerShell autovenv emits, and tests of the evaluator itself.

No PowerShell can be installed here, so what we emit is checked two ways: the tree-sitter PowerShell
grammar says it parses (test_pwsh_parse.py), and this evaluator says what it means. The evaluator accepts
only the forms autovenv emits (anything else raises ``Unexpected``) and follows PowerShell's rules for
them: inside single quotes ``''`` is one quote and nothing else is special, except that PowerShell also
takes the curly quotes U+2018-U+201B as quote characters (so a literal containing one would end there,
which is why emitted text must be pure ASCII); ``[char]0xNNNN`` is one UTF-16 code unit; ``+`` with a
string on the left concatenates. Strings are built as UTF-16 code units, like .NET's.
"""

from __future__ import annotations

import re

import pytest

QUOTES = "'\u2018\u2019\u201a\u201b"
SET_ITEM = "Microsoft.PowerShell.Management\\Set-Item"
REMOVE_ITEM = "Microsoft.PowerShell.Management\\Remove-Item"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CHAR = re.compile(r"\[char\]0x([0-9A-F]{4})")


class Unexpected(ValueError):
    """Text outside the grammar autovenv emits."""


def _units_to_str(units: list[int]) -> str:
    data = b"".join(u.to_bytes(2, "little") for u in units)
    return data.decode("utf-16-le", "surrogatepass")


def _str_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def _literal(src: str, i: int) -> tuple[list[int], int]:
    if i >= len(src) or src[i] not in QUOTES:
        raise Unexpected(f"expected a quote at {i}: {src[i : i + 20]!r}")
    i += 1
    out: list[int] = []
    while True:
        if i >= len(src):
            raise Unexpected("unterminated string")
        char = src[i]
        if char in QUOTES:
            if i + 1 < len(src) and src[i + 1] in QUOTES:
                out.extend(_str_units(src[i + 1]))
                i += 2
                continue
            return out, i + 1
        out.extend(_str_units(char))
        i += 1


def _term(src: str, i: int) -> tuple[list[int], int]:
    match = _CHAR.match(src, i)
    if match:
        return [int(match.group(1), 16)], match.end()
    return _literal(src, i)


def expr(src: str, i: int = 0) -> tuple[str, int]:
    """One quoted value: ``'...'`` or ``('...' + [char]0xNNNN + '...')`` (a literal first)."""
    if src.startswith("(", i):
        units, i = _literal(src, i + 1)
        parts = 0
        while src.startswith(" + ", i):
            more, i = _term(src, i + 3)
            units.extend(more)
            parts += 1
        if not parts or not src.startswith(")", i):
            raise Unexpected(f"bad compound value at {i}")
        return _units_to_str(units), i + 1
    units, i = _literal(src, i)
    return _units_to_str(units), i


def expr_list(src: str, i: int = 0) -> tuple[list[str], int]:
    if not src.startswith("@(", i):
        raise Unexpected("expected @(")
    i += 2
    values: list[str] = []
    if src.startswith(")", i):
        return values, i + 1
    while True:
        value, i = expr(src, i)
        values.append(value)
        if src.startswith(", ", i):
            i += 2
            continue
        if src.startswith(")", i):
            return values, i + 1
        raise Unexpected(f"bad list at {i}")


def whole(parse: object, src: str) -> object:
    value, end = parse(src, 0)  # type: ignore[operator]
    if end != len(src):
        raise Unexpected(f"trailing text {src[end:]!r}")
    return value


def run_plan(text: str, env: dict[str, str]) -> dict[str, str]:
    """Apply ``export pwsh`` output to a copy of ``env``, the way PowerShell would."""
    env = dict(env)
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("$env:"):
            name_match = _NAME.match(line, 5)
            if not name_match or not line.startswith(" = ", name_match.end()):
                raise Unexpected(line)
            value = whole(expr, line[name_match.end() + 3 :])
            assert isinstance(value, str)
            env[name_match.group()] = value
        elif line.startswith(REMOVE_ITEM + " -LiteralPath Env:/") and line.endswith(" -ErrorAction Ignore"):
            name = line[len(REMOVE_ITEM + " -LiteralPath Env:/") : -len(" -ErrorAction Ignore")]
            if not _NAME.fullmatch(name):
                raise Unexpected(line)
            env.pop(name, None)
        elif line.startswith(REMOVE_ITEM + " -LiteralPath ('Env:/' + ") and line.endswith(
            ") -ErrorAction Ignore"
        ):
            inner = line[len(REMOVE_ITEM + " -LiteralPath ('Env:/' + ") : -len(") -ErrorAction Ignore")]
            name = whole(expr, inner)
            assert isinstance(name, str)
            env.pop(name, None)
        elif line.startswith(SET_ITEM + " -LiteralPath ('Env:/' + "):
            rest = line[len(SET_ITEM + " -LiteralPath ('Env:/' + ") :]
            name, i = expr(rest)
            if not rest.startswith(") -Value ", i):
                raise Unexpected(line)
            value = whole(expr, rest[i + len(") -Value ") :])
            assert isinstance(value, str)
            env[name] = value
        else:
            raise Unexpected(line)
    return env


# ------------------------------------------------------------------------------- tests of the evaluator


@pytest.mark.parametrize(
    ("src", "value"),
    [
        ("''", ""),
        ("'it''s'", "it's"),
        ("'$(x) `n'", "$(x) `n"),
        ("('' + [char]0x00E9)", "\u00e9"),
        ("('a' + [char]0xD83D + [char]0xDE92 + 'b')", "a\U0001f692b"),
        ("('' + [char]0xDC80)", "\udc80"),
    ],
)
def test_evaluator_reads_what_powershell_reads(src: str, value: str) -> None:
    assert whole(expr, src) == value


@pytest.mark.parametrize(
    "src", ["'a", "'a' + 'b'", "('a')", "([char]0x0041)", "'a'b", "(\u2018a' + [char]0x41"]
)
def test_evaluator_refuses_what_we_never_emit(src: str) -> None:
    with pytest.raises(Unexpected):
        whole(expr, src)


def test_curly_quote_ends_a_literal_like_in_powershell() -> None:
    # 'a\u2019b' in PowerShell is 'a' then garbage: the curly quote closes the literal.
    with pytest.raises(Unexpected):
        whole(expr, "'a\u2019b'")
    assert whole(expr, "'a\u2019\u2019b'") == "a\u2019b"


def test_run_plan_forms() -> None:
    text = (
        "$env:A = 'x'\n"
        f"{REMOVE_ITEM} -LiteralPath Env:/B -ErrorAction Ignore\n"
        f"{SET_ITEM} -LiteralPath ('Env:/' + 'a b') -Value 'y'\n"
    )
    assert run_plan(text, {"B": "1"}) == {"A": "x", "a b": "y"}
    with pytest.raises(Unexpected):
        run_plan("Invoke-Expression 'calc'\n", {})


# ------------------------------------------------------------------------ the tree-sitter grammar, shared

#: Named node types that data-only PowerShell (assignments of quoted constants, our two cmdlets with
#: literal arguments, arrays and hashtables of constants) consists of. Anything else (an expandable
#: string, a sub-expression, a script block, a member call) would mean a value escaped its quotes.
DATA_NODES = frozenset(
    (
        "program",
        "statement_list",
        "pipeline",
        "pipeline_chain",
        "assignment_expression",
        "left_assignment_expression",
        "unary_expression",
        "variable",
        "assignment_operator",
        "assignment_value",
        "parenthesized_expression",
        "additive_expression",
        "string_literal",
        "verbatim_string_characters",
        "expression_with_unary_operator",
        "cast_expression",
        "type_literal",
        "type_spec",
        "type_name",
        "type_identifier",
        "integer_literal",
        "hexadecimal_integer_literal",
        "command",
        "command_name",
        "command_elements",
        "command_argument_sep",
        "command_parameter",
        "generic_token",
        "array_expression",
        "array_literal_expression",
        "hash_literal_expression",
        "hash_literal_body",
        "hash_entry",
        "key_expression",
        "simple_name",
    )
)


def parser() -> object:
    """The tree-sitter PowerShell parser, or a skip saying why there is none."""
    import sys

    if sys.version_info < (3, 10):
        pytest.skip("tree-sitter-pwsh needs Python >= 3.10")
    ts = pytest.importorskip("tree_sitter", reason="tree-sitter is not installed (pip install -e '.[test]')")
    grammar = pytest.importorskip("tree_sitter_pwsh", reason="tree-sitter-pwsh is not installed")
    return ts.Parser(ts.Language(grammar.language()))


def parse_errors(tree_parser: object, text: str) -> list[str]:
    """ERROR and MISSING nodes, with where they are: empty when the text parses cleanly."""
    tree = tree_parser.parse(text.encode("utf-8", "surrogatepass"))  # type: ignore[attr-defined]
    bad: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            bad.append(f"{node.type} at {node.start_point}: {node.text[:60]!r}")
        stack.extend(node.children)
    return bad


def data_only_problems(tree_parser: object, text: str) -> list[str]:
    """Why ``text`` is not data-only PowerShell (see DATA_NODES); empty when it is."""
    tree = tree_parser.parse(text.encode("utf-8", "surrogatepass"))  # type: ignore[attr-defined]
    bad = parse_errors(tree_parser, text)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if not node.is_named:
            continue
        body = node.text.decode("utf-8", "surrogatepass")
        if node.type not in DATA_NODES:
            bad.append(f"{node.type}: {body[:60]!r}")
        elif node.type == "type_identifier" and body != "char":
            bad.append(f"type {body!r}")
        elif node.type == "command_name" and body not in (SET_ITEM, REMOVE_ITEM):
            bad.append(f"command {body!r}")
        elif node.type == "variable" and not re.fullmatch(r"\$env:[A-Za-z_][A-Za-z0-9_]*", body):
            bad.append(f"variable {body!r}")
    return bad
