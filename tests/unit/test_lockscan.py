"""The lock scanner's one-line fast paths read exactly what its general reader reads: held equal on
generated lock-like documents (plain and tricky strings, inline tables with braces, quotes and commas in
their strings, numbers, nested values, comments, odd spacing, CRLF, duplicate keys), and on real layouts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv.resolve import lockscan

ARRAYS = frozenset(("package",))
SUBTABLES = frozenset(("optional-dependencies", "dev-dependencies"))


def outcome(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    monkeypatch.setattr(lockscan, "FAST", fast)
    try:
        return "read", lockscan.scan(text, ARRAYS, SUBTABLES)
    except lockscan.Unsupported:
        return "unsupported", None


def check(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        general = outcome(text, False, monkeypatch)
        fast = outcome(text, True, monkeypatch)
    assert repr(fast) == repr(general), text


usual_keys = st.sampled_from(["name", "version", "marker", "extra", "source", "wheels", "a-b", "x_1", "dev"])
keys = st.one_of(usual_keys, usual_keys, usual_keys, st.sampled_from(["é", "a.b", '"q"', "-", "a b"]))
plain = st.text("abc019 .-_'=#{},[]<>", max_size=8)
tricky = st.sampled_from(['"', "\\", '\\"', "}", "{", "\\u00e9", "\t", "'", '", x = "'])
strings = st.one_of(
    plain.map(lambda s: f'"{s}"'),
    st.tuples(plain, tricky, plain).map(lambda t: f'"{t[0]}{t[1]}{t[2]}"'),
    plain.map(lambda s: f"'{s}'"),
)
scalars = st.one_of(strings, st.sampled_from(["1", "-2", "true", "false", "1.5", "[]", '["x"]', "{}"]))
spacing = st.sampled_from([" = ", "=", " =  ", "  = ", "\t=\t"])


@st.composite
def inline_tables(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(keys, spacing, scalars), min_size=1, max_size=3))
    joiner = draw(st.sampled_from([", ", ",", " , "]))
    body = joiner.join(f"{k}{s}{v}" for k, s, v in pairs)
    left, right = draw(st.sampled_from([("{ ", " }"), ("{", "}"), ("{  ", "}")]))
    return left + body + right


values = st.one_of(strings, scalars, inline_tables())


@st.composite
def lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["pair", "pair", "pair", "array", "header", "comment", "blank"]))
    if kind == "header":
        return draw(
            st.sampled_from(
                ["[[package]]", "[package.dev-dependencies]", "[package.optional-dependencies]", "[metadata]"]
            )
        )
    if kind == "comment":
        return "# " + draw(plain)
    if kind == "blank":
        return ""
    key = draw(keys)
    if kind == "array":
        items = draw(st.lists(values, max_size=3))
        return f"{key} = [\n" + "".join(f"    {item},\n" for item in items) + "]"
    tail = draw(st.sampled_from(["", "", " ", " # note", "\r"]))
    return f"{key}{draw(spacing)}{draw(values)}{tail}"


@settings(max_examples=1500, deadline=None)
@given(lines())
def test_fast_paths_read_each_line_as_the_general_reader_does(line: str) -> None:
    check("version = 1\n\n[[package]]\n" + line + "\n")


@settings(max_examples=500, deadline=None)
@given(st.lists(lines(), max_size=6))
def test_fast_paths_read_documents_as_the_general_reader_does(document: list[str]) -> None:
    check("version = 1\n\n[[package]]\n" + "\n".join(document) + "\n")


REAL = """version = 1
revision = 2
requires-python = ">=3.9"
resolution-markers = [
    "python_full_version >= '3.12'",
    "python_full_version < '3.12'",
]

[[package]]
name = "anyio"
version = "4.4.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "exceptiongroup", marker = "python_full_version < '3.11'" },
    { name = "idna" },
    { name = "typing-extensions", version = "4.12.2", marker = "python_full_version < '3.11'" },
    { name = "sniffio", source = { registry = "https://pypi.org/simple" } },
]
sdist = { url = "https://files/anyio-4.4.0.tar.gz", hash = "sha256:5aad", size = 163930 }
wheels = [
    { url = "https://files/anyio-4.4.0-py3-none-any.whl", hash = "sha256:c1b2", size = 86780 },
]

[package.optional-dependencies]
trio = [
    { name = "trio" },
]

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "anyio", extra = ["trio"] },
]

[package.dev-dependencies]
dev = [
    { name = "pytest" },
]

[package.metadata]
requires-dist = [{ name = "anyio", extras = ["trio"], specifier = ">=4" }]
"""


def test_a_real_layout_reads_the_same_and_uses_the_fast_paths() -> None:
    check(REAL)
    doc = lockscan.scan(REAL, ARRAYS, SUBTABLES)
    anyio = doc["package"][0]
    assert (anyio["name"], anyio["version"]) == ("anyio", "4.4.0")
    assert anyio["dependencies"][0] == {"name": "exceptiongroup", "marker": "python_full_version < '3.11'"}
    assert doc["package"][1]["dev-dependencies"] == {"dev": [{"name": "pytest"}]}
