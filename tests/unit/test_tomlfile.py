"""The lean TOML reader gives tomllib's answer or none: never a different one, never one for invalid TOML.

Held on generated documents (hypothesis: tables, dotted keys, arrays of tables, inline tables, every
kind of string and number, comments, redefinitions), on CPython's own tomllib test corpus (valid and
invalid files, where the interpreter running the tests has it), and on the files the tools write.
"""

from __future__ import annotations

import pathlib
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv.resolve import tomlfile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def reference(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def check(text: str) -> None:
    lean = tomlfile.loads_lean(text)
    expected = reference(text)
    if lean is not None:
        assert expected is not None, f"lean accepted invalid TOML: {text!r}"
        assert repr(lean) == repr(expected), text  # repr: nan == nan
    if expected is None:
        with pytest.raises(ValueError):
            tomlfile.loads(text)
    else:
        assert repr(tomlfile.loads(text)) == repr(expected)


bare = st.text("abcxyzABZ019_-", min_size=1, max_size=6)
quoted = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6).map(
    lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
)
key = st.lists(
    st.one_of(bare, quoted, st.sampled_from(["a", "b", "'lit'", '""'])), min_size=1, max_size=3
).map(".".join)
scalar = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(
        [
            "1_000",
            "+1",
            "-0",
            "0",
            "01",
            "1__0",
            "0x1F",
            "1.5",
            "1e3",
            "1E-2",
            "-1.0e+2",
            "1.",
            ".5",
            "inf",
            "nan",
            "1979-05-27",
            "07:32:00",
            "true",
            "false",
            "True",
            "truex",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8).map(
        lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    ),
    st.sampled_from(
        [
            '"\\u00e9"',
            '"\\U0001F600"',
            '"\\ud800"',
            '"\\x41"',
            '"\\t\\n"',
            "'lit\\eral'",
            '"""multi\nline"""',
            "'''raw\nlines'''",
            '"""a\\\n   b"""',
            '"""q""""',
            "'''q''''",
        ]
    ),
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(inner, max_size=3).map(lambda xs: "[\n  " + ",\n  # c\n  ".join(xs) + ",\n]"),
        st.lists(st.tuples(key, inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"
        ),
    ),
    max_leaves=6,
)
line = st.one_of(
    st.tuples(key, value).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    key.map(lambda k: f"[{k}]"),
    key.map(lambda k: f"[[{k}]]"),
    st.sampled_from(["", "# comment", "  ", "[a] # c", "a = 1 # c", "a=1 b=2", "= 1", "[a", "\t"]),
)
document = st.lists(line, max_size=10).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=400, deadline=None)
@given(document)
def test_generated_documents(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60))
def test_arbitrary_text(text: str) -> None:
    check(text)


def corpus() -> list[pathlib.Path]:
    """CPython's tomllib test data, when the interpreters on this machine carry it."""
    found: list[pathlib.Path] = []
    for base in sorted(pathlib.Path(sys.base_prefix, "lib").glob("python3*/test/test_tomllib/data")):
        found.extend(sorted(base.rglob("*.toml")))
    return found


@pytest.mark.skipif(not corpus(), reason="this Python has no test_tomllib data")
def test_cpythons_tomllib_corpus() -> None:
    for path in corpus():
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        check(text)


@pytest.mark.parametrize(
    "text",
    [
        '[virtualenvs]\nin-project = true\npath = "{cache-dir}/virtualenvs"\n',
        '["blog--wMvQaO9"]\nminor = "3.12"\npatch = "3.12.1"\n',
        '[venv]\nin_project = "false"\nlocation = "~/pdm envs"\n',
        '[dirs.env]\nvirtual = ".hatch"\n[dirs]\ndata = "/x"\n',
        '[project]\nname = "x"\ndependencies = [\n  "a>=1",  # why\n  "b[c]",\n]\n[tool.uv.workspace]\n'
        'members = ["packages/*"]\n[tool.poetry.dependencies]\npython = "^3.9"\nrequests = { version = "^2", '
        'extras = ["socks"] }\n',
    ],
)
def test_files_tools_write_are_read_lean(text: str) -> None:
    assert tomlfile.loads_lean(text) == tomllib.loads(text)


def test_read_reports_one_line(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "pyproject.toml"
    broken.write_text("[project\n")
    found = tomlfile.read(str(broken))
    assert found.data == {} and found.problem is not None and "not valid TOML" in found.problem
    assert "\n" not in found.problem
    assert tomlfile.read(str(tmp_path / "missing.toml")).exists is False
    (tmp_path / "dir.toml").mkdir()
    assert "a directory" in (tomlfile.read(str(tmp_path / "dir.toml")).problem or "")
