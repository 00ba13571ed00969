"""Rule 2, "made here": what each creator records, read back; the change-time check on pyvenv.cfg.

The whole rule against real venvs of every creator is in test_trust; these are the readers' tables.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from autovenv import origin
from autovenv.resolve.venv import inspect_venv
from tests.trustkit import backdate, make_uv_venv, make_venv, make_virtualenv


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("'/a b/c'", "/a b/c"),
        ("'/it'\"'\"'s'", "/it's"),
        ('"/plain"', "/plain"),
        ('"/has $dollar"', None),
        ('"/`tick`"', None),
        ("$(cygpath x)", None),
        ("''\"$(dirname -- x)\"''", None),
        ("/bare", None),
        ("'unterminated", None),
    ],
)
def test_decode_literal(value: str, text: str | None) -> None:
    assert origin.decode_literal(value) == text


@pytest.mark.parametrize(
    ("command", "path"),
    [
        ("/usr/bin/python3 -m venv /a/b", "/a/b"),
        ("/usr/bin/python3 -m venv --without-pip --prompt=\"x y\" /a b/c", "/a b/c"),
        ("/usr/bin/python3 -m venv --upgrade-deps --symlinks rel", "rel"),
        ("/v/bin/python -m virtualenv /x y", "/x y"),
    ],
)
def test_the_path_a_recorded_command_names(command: str, path: str) -> None:
    marker = " -m virtualenv " if "virtualenv" in command else " -m venv "
    assert origin._command_path(command, marker) == path


@pytest.mark.parametrize("creator", ["venv", "virtualenv", "uv"])
def test_each_creator_records_its_path(tmp_path: pathlib.Path, creator: str) -> None:
    where = tmp_path / "a 'b' $c" / ".venv"
    where.parent.mkdir()
    {"venv": make_venv, "virtualenv": make_virtualenv, "uv": make_uv_venv}[creator](where)
    info = inspect_venv(str(where))
    assert info.created_at == str(where)
    assert origin.origin(info, str(where)).reason is None


@pytest.mark.parametrize(
    ("gap", "blocked"), [(0, False), (1, False), (3, True), (86400, True), (-86400, True)]
)
def test_pyvenv_cfg_written_in_place(tmp_path: pathlib.Path, gap: int, blocked: bool) -> None:
    cfg = tmp_path / "pyvenv.cfg"
    cfg.write_text("home = /usr/bin\n")
    now = cfg.stat().st_ctime_ns
    os.utime(cfg, ns=(now - gap * 1_000_000_000, now - gap * 1_000_000_000))
    assert (origin.written_in_place(str(cfg)) is not None) is blocked


def test_a_chmod_long_after_creation_counts_as_not_written_in_place(tmp_path: pathlib.Path) -> None:
    """The known cost of the rule (README, Trust): simulated by dating the content back."""
    venv = make_venv(tmp_path / ".venv")
    backdate(venv / "pyvenv.cfg", 3600)
    reason = origin.origin(inspect_venv(str(venv)), str(venv)).reason
    assert reason == (
        "its pyvenv.cfg was not written here: its content is 1 hour older than its last change "
        "(unpacked from an archive?)"
    )
