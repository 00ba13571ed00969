"""Quoting for bash, zsh and fish, checked without a shell: the forms each adapter may emit, decoded.

Each adapter promises a literal that reads back byte-identical and contains nothing a shell could act
on. Here a small reference decoder accepts *only* those forms (bash/zsh: ``'...'`` without a quote
inside, or ``$'...'`` with ``\\\\`` and ``\\xHH`` escapes only; fish: single-quoted runs with ``\\\\`` and
``\\'`` escapes joined to bare ``\\xHH``/``\\XHH`` escapes), so anything else the adapters produced would
fail here. The round trip through the real shells is in tests/shells/test_quoting_fuzz.py.
"""

from __future__ import annotations

import os
import re
import shlex

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autovenv.answer import FORMAT, Answer
from autovenv.decide import display_quote
from autovenv.plan import Plan
from autovenv.shells import fish, get
from tests.hostile import PIECES, env_safe

#: Pure checks; the >= 1,000-example round trips per shell are in tests/shells/test_quoting_fuzz.py.
PROFILE = settings(
    max_examples=300,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
WHOLE = settings(PROFILE, max_examples=150)

#: Pieces users and attackers put in names: shell syntax, prompt escapes, control characters,
#: non-ASCII text and bytes that are not UTF-8 (as ``os.fsdecode`` hands them to Python).
hostile = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=24).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    st.binary(max_size=64).map(lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")),
    st.builds(lambda piece, n: piece * n, st.sampled_from(PIECES), st.integers(200, 3000)),
).filter(env_safe)

_POSIX_SINGLE = re.compile(r"'([^']*)'\Z")
_POSIX_ANSI = re.compile(r"\$'((?:[\x20-\x26\x28-\x5b\x5d-\x7e]|\\\\|\\x[0-9a-f]{2})*)'\Z")
_POSIX_ANSI_TOKEN = re.compile(r"\\\\|\\x([0-9a-f]{2})|(.)", re.S)
_FISH_TOKEN = re.compile(r"'((?:[^'\\]|\\[\\'])*)'|\\x([0-9a-f]{2})|\\X([0-9a-f]{2})")


def decode_posix(text: str) -> bytes:
    """The bytes bash/zsh read from one of posix.quote's two forms; ValueError for anything else."""
    single = _POSIX_SINGLE.match(text)
    if single:
        body = single.group(1)
        if not all(0x20 <= ord(c) < 0x7F for c in body):
            raise ValueError(f"non-printable or non-ASCII inside '...': {text!r}")
        return body.encode("ascii")
    ansi = _POSIX_ANSI.match(text)
    if not ansi:
        raise ValueError(f"not a form posix.quote may emit: {text!r}")
    out = bytearray()
    for match in _POSIX_ANSI_TOKEN.finditer(ansi.group(1)):
        if match.group(0) == "\\\\":
            out += b"\\"
        elif match.group(1) is not None:
            out.append(int(match.group(1), 16))
        else:
            out += match.group(2).encode("ascii")
    return bytes(out)


_POSIX_WORD = re.compile(r"'[^']*'|\$'(?:[\x20-\x26\x28-\x5b\x5d-\x7e]|\\\\|\\x[0-9a-f]{2})*'")


def decode_posix_words(text: str) -> list[bytes]:
    """Words separated by single spaces, each exactly one of posix.quote's forms."""
    words: list[bytes] = []
    position = 0
    while position < len(text):
        match = _POSIX_WORD.match(text, position)
        if not match:
            raise ValueError(f"not a form posix.quote may emit at {position}: {text!r}")
        words.append(decode_posix(match.group(0)))
        position = match.end()
        if position < len(text):
            if text[position] != " ":
                raise ValueError(f"words not separated by one space at {position}: {text!r}")
            position += 1
    return words


def decode_fish(text: str) -> bytes:
    """The bytes fish reads from fish.quote's forms; ValueError for anything else."""
    words = decode_fish_words(text)
    if len(words) != 1:
        raise ValueError(f"not one word: {text!r}")
    return words[0]


def decode_fish_words(text: str) -> list[bytes]:
    """Words separated by single unquoted spaces, each made of fish.quote's forms only."""
    words: list[bytes] = []
    out = bytearray()
    position = 0
    while position < len(text):
        if text[position] == " ":
            words.append(bytes(out))
            out = bytearray()
            position += 1
            continue
        match = _FISH_TOKEN.match(text, position)
        if not match:
            raise ValueError(f"not a form fish.quote may emit at {position}: {text!r}")
        quoted, low, raw = match.groups()
        if quoted is not None:
            if any(ord(c) < 0x20 or ord(c) == 0x7F or 0xD800 <= ord(c) <= 0xDFFF for c in quoted):
                raise ValueError(f"control character or surrogate inside '...': {text!r}")
            out += quoted.replace("\\'", "'").replace("\\\\", "\\").encode("utf-8")
        elif low is not None:
            code = int(low, 16)
            if code >= 0x80:
                raise ValueError(f"\\x{low} above 0x7f: fish would read a code point, not a byte: {text!r}")
            out.append(code)
        else:
            code = int(raw, 16)
            if code < 0x80:
                raise ValueError(f"\\X{raw} below 0x80 is not a raw byte: {text!r}")
            out.append(code)
        position = match.end()
    words.append(bytes(out))
    return words


DECODERS = {"bash": decode_posix, "zsh": decode_posix, "fish": decode_fish}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize(
    "value",
    ["", "plain", "it's", "'", "a\nb", "a\rb", "tab\there", "\\", "\\'", "$(touch CANARY)", "`id`", "%n",
     "!!", "é🚒", "\udcff\udcfe", "\x7f\x1b[2J", "-n", "--", "*?[a]{b,c}~", "\uf6ff private use"],
)  # fmt: skip
def test_known_hostile_values_round_trip(shell: str, value: str) -> None:
    quoted = get(shell).quote(value)
    assert DECODERS[shell](quoted) == value.encode("utf-8", "surrogateescape")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_quote_round_trips_any_value(shell: str) -> None:
    quote, decode = get(shell).quote, DECODERS[shell]

    @PROFILE
    @given(hostile)
    def check(value: str) -> None:
        quoted = quote(value)
        assert "\n" not in quoted and "\r" not in quoted
        assert decode(quoted) == value.encode("utf-8", "surrogateescape")

    check()


def test_posix_quote_is_ascii_so_no_locale_can_change_it() -> None:
    @PROFILE
    @given(hostile)
    def check(value: str) -> None:
        quoted = get("bash").quote(value)
        assert quoted.isascii() and quoted.isprintable()

    check()


def test_fish_quote_keeps_valid_text_literal() -> None:
    """So that fish compares it equal to ``$PWD`` (which holds the decoded text)."""
    assert get("fish").quote("café/🚒") == "'café/🚒'"
    assert get("fish").quote("a\nb") == "'a'\\x0a'b'"
    assert get("fish").quote("\udcff") == "\\Xff"


# ---------------------------------------------------------------------------------------- whole renderings

NAMES = [
    "VIRTUAL_ENV",
    "VIRTUAL_ENV_PROMPT",
    "PYTHONHOME",
    "AUTOVENV_KEY",
    "AUTOVENV_OLD_PYENV_VERSION",
    "PATH",
]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_render_plan_is_one_statement_per_change(shell: str) -> None:
    adapter = get(shell)
    decode = DECODERS[shell]

    @WHOLE
    @given(st.dictionaries(st.sampled_from(NAMES), st.one_of(st.none(), hostile), min_size=1))
    def check(changes: dict[str, str | None]) -> None:
        lines = adapter.render_plan(Plan(changes, None, rehash=True)).split("\n")[:-1]
        statements = [line for line in lines if "hash" not in line]
        assert len(statements) == len(changes)
        for line, (name, value) in zip(statements, changes.items()):
            if value is None:
                assert line in (f"\\builtin unset -v {name}", f"set -e {name}")
            elif shell == "fish":
                prefix = f"set -gx {name} "
                assert line.startswith(prefix)
                rest = line[len(prefix) :]
                got = b":".join(decode_fish_words(rest)) if name == "PATH" else decode(rest)
                assert got == value.encode("utf-8", "surrogateescape")
            else:
                prefix = f"\\builtin export {name}="
                assert line.startswith(prefix)
                assert decode(line[len(prefix) :]) == value.encode("utf-8", "surrogateescape")

    check()


def test_fish_path_becomes_one_word_per_entry() -> None:
    plan = Plan({"PATH": "/a b:/c::/d'e"}, None, rehash=False)
    assert get("fish").render_plan(plan) == "set -gx PATH '/a b' '/c' '' '/d\\'e'\n"


operations = st.lists(st.tuples(st.sampled_from(["set", "unset", "prepend"]), hostile, hostile), max_size=4)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_render_answer_reads_back_exactly(shell: str) -> None:
    """Every field, list and operation of an answer reads back byte for byte, whatever it holds."""
    adapter = get(shell)

    @WHOLE
    @given(
        st.lists(hostile, min_size=5, max_size=5),
        operations,
        st.lists(hostile, max_size=3),
        st.lists(hostile, max_size=3),
        st.lists(hostile, max_size=2),
    )
    def check(
        fields: list[str],
        ops: list[tuple[str, str, str]],
        notes: list[str],
        watch: list[str],
        entry_watch: list[str],
    ) -> None:
        given_lists = {"notes": tuple(notes), "watch": tuple(watch), "entry_watch": tuple(entry_watch)}
        key, root, venv, prompt, message = fields
        answer = Answer(key, root, venv, prompt, tuple(ops), message, **given_lists)
        everything = [*watch, *entry_watch]
        lines = adapter.render_answer(answer).split("\n")[:-1]

        def encoded(values: list[str]) -> list[bytes]:
            return [value.encode("utf-8", "surrogateescape") for value in values]

        scalars = [value for _, value in answer.scalars(FORMAT)]
        flat = list(answer.flat_operations())
        if shell == "fish":
            # Five lines, all the hook reads: every field, then every watched path; the notes; the
            # positions of the test arguments; the operations.
            heads = ["__autovenv_e", "__autovenv_en", "__autovenv_ev", "__autovenv_ep", "__autovenv_eo"]
            assert len(lines) == 5
            words = []
            for line, head in zip(lines, heads):
                bare = f"set -g {head}"
                assert line == bare or line.startswith(bare + " ")
                rest = line[len(bare) + 1 :]
                numbers = head in ("__autovenv_ev", "__autovenv_ep")
                if line == bare:
                    words.append([])
                else:
                    words.append(rest.encode().split() if numbers else decode_fish_words(rest))
            assert words[0] == encoded([*scalars, *everything])
            assert words[1] == encoded(notes)
            checked, on_prompt = fish.test_positions(len(everything), len(watch))
            assert words[2] == [str(n).encode() for n in checked]
            assert words[3] == [str(n).encode() for n in on_prompt]
            assert words[4] == encoded(flat)
            return
        names = [name for name, _ in answer.scalars(FORMAT)]
        assert len(lines) == len(names) + 4
        for line, name, value in zip(lines, names, scalars):
            head = f"__autovenv_e_{name}="
            assert line.startswith(head)
            assert DECODERS[shell](line[len(head) :]) == value.encode("utf-8", "surrogateescape")
        # Entries are checked against every watched path; a prompt, in bash and zsh, against the first.
        lists = [("ops", flat), ("notes", notes), ("watch", everything), ("pwatch", watch)]
        for line, (field, items) in zip(lines[len(names) :], lists):
            head = f"__autovenv_e_{field}=("
            assert line.startswith(head) and line.endswith(")")
            assert decode_posix_words(line[len(head) : -1]) == encoded(items)

    check()


# ---------------------------------------------------------------------------------------- the shown command


def test_display_quote_round_trips_through_a_posix_shell_word() -> None:
    """The ``autovenv allow DIR`` in a block line must paste back as exactly that directory, on one line.

    Plain names stay bare, others are single-quoted; names with control characters or bytes that are not
    UTF-8 use posix.quote's ``$'...'`` form (bash and zsh). C1 controls are test_trust's business.
    """

    @PROFILE
    @given(hostile)
    def check(value: str) -> None:
        shown = display_quote(value)
        if shown.startswith("$'"):
            assert decode_posix(shown) == value.encode("utf-8", "surrogateescape")
        else:
            assert shlex.split(shown) == [value]
        simple = all(
            c.isprintable() or ord(c) < 0x20 or ord(c) == 0x7F or 0xDC80 <= ord(c) <= 0xDCFF for c in value
        )
        if simple:
            assert shown.isprintable()

    check()
