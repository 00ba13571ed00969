"""``FinderContext.toml_get`` answers from a file's bytes only when the parse could not differ: the same
value as ``toml(path).get(...)`` and the same files recorded as read, for any content (keys spelled with
escapes, broken TOML, missing files, FIFOs), while a file that cannot hold the key costs no parse."""

from __future__ import annotations

import os
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv.resolve.finders.base import FinderContext

KEYS = [("tool", "uv", "workspace"), ("tool", "uv"), ("pipenv", "venv_in_project"), ("venv", "location")]
PIECES = [
    "[tool.uv]\n",
    "[tool.uv.workspace]\n",
    'members = ["a"]\n',
    "workspace = {}\n",
    '[tool."uv"]\n',
    '[tool.uv."work\\u0073pace"]\n',
    "[pipenv]\n",
    "venv_in_project = true\n",
    '"venv_in_\\u0070roject" = true\n',
    "[venv]\n",
    'location = "/x"\n',
    "# workspace\n",
    "x = 1\n",
    "x = 1\n",
    "[broken\n",
    "\xff\n",
]


def both(path: pathlib.Path, keys: tuple[str, ...]) -> tuple[object, list[str], list[str]]:
    full, lean = FinderContext({}, (".venv",), False), FinderContext({}, (".venv",), False)
    expected = full.toml(str(path)).get(*keys)
    got = lean.toml_get(str(path), *keys)
    assert repr(got) == repr(expected), path.read_bytes() if path.is_file() else path
    return got, full.read, lean.read


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=6), st.sampled_from(KEYS))
def test_answers_what_the_parse_answers(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str], keys: tuple[str, ...]
) -> None:
    path = tmp_path_factory.mktemp("t") / "pyproject.toml"
    path.write_bytes("".join(pieces).encode("utf-8", "surrogateescape"))
    _, read_full, read_lean = both(path, keys)
    assert read_full == read_lean == [str(path)]


def test_missing_files_and_fifos(tmp_path: pathlib.Path) -> None:
    for keys in KEYS:
        both(tmp_path / "absent.toml", keys)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    for keys in KEYS:
        both(fifo, keys)


def test_a_file_that_cannot_hold_the_key_is_not_parsed(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.uv]\ndev-dependencies = []\n')
    context = FinderContext({}, (".venv",), False)
    assert context.toml_get(str(path), "tool", "uv", "workspace") is None
    assert context._toml == {} and context.read == [str(path)]
    assert context.toml_get(str(path), "tool", "uv") == {"dev-dependencies": []}
    assert context.read == [str(path)]
