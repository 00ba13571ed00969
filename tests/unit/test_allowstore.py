"""The allow/deny store: keyed by the resolved path, an allow covering the venv's identity and its ``bin/``,
kept where only the user can write (rule 4 and rule 6)."""

from __future__ import annotations

import os
import pathlib

import pytest

from autovenv import allowstore
from autovenv.safepath import UnsafePath
from tests.trustkit import make_venv


@pytest.fixture
def environ(tmp_path: pathlib.Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "home" / "data")}


def test_an_allow_is_stored_privately_and_matches_only_the_venv_it_was_given_for(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / "p" / ".venv")
    path = pathlib.Path(allowstore.record(str(venv), allowstore.ALLOW, environ))
    store = pathlib.Path(environ["XDG_DATA_HOME"]) / "autovenv"
    assert path.is_relative_to(store / "trust")
    assert store.stat().st_mode & 0o777 == 0o700 and path.stat().st_mode & 0o777 == 0o600
    assert allowstore.stored(str(venv), environ) == allowstore.ALLOW
    text = path.read_text()
    assert text.startswith("autovenv allow 2\nidentity ")
    names = {bytes.fromhex(line.split()[1]).decode() for line in text.splitlines() if line.startswith("bin ")}
    assert names == {p.name for p in (venv / "bin").iterdir()}
    (venv / "bin" / "git").write_text("")
    assert allowstore.stored(str(venv), environ) is None
    assert allowstore.records(environ) == [(str(venv), "allow", False)]


def test_changes_name_what_is_new_or_replaced(tmp_path: pathlib.Path) -> None:
    venv = make_venv(tmp_path / ".venv")
    before = allowstore.fingerprint(str(venv), str(venv / "bin"))
    (venv / "bin" / "ls").write_text("")
    (venv / "bin" / "activate").unlink()
    (venv / "bin" / "activate").write_text("")
    after = allowstore.fingerprint(str(venv), str(venv / "bin"))
    assert allowstore.same_identity(before, after)
    assert allowstore.bin_changes(before, after) == ["activate", "ls"]


def test_a_store_others_can_write_is_not_trusted_for_allows(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / ".venv")
    allowstore.record(str(venv), allowstore.ALLOW, environ)
    data = pathlib.Path(environ["XDG_DATA_HOME"])
    os.chmod(data, 0o777)  # anyone could have written that allow
    found = allowstore.lookup(str(venv), environ)
    assert found.kind is None and found.unsafe == f"{data} is writable by others; not using {data}/autovenv"
    with pytest.raises(UnsafePath):
        allowstore.record(str(venv), allowstore.ALLOW, environ)
    allowstore.forget(str(venv), environ)
    # A deny is still honoured from anywhere: refusing is the safe side.
    os.chmod(data, 0o700)
    allowstore.record(str(venv), allowstore.DENY, environ)
    os.chmod(data, 0o777)
    assert allowstore.lookup(str(venv), environ).kind == allowstore.DENY


def test_a_record_that_is_a_link_or_writable_by_others_is_ignored(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    venv = make_venv(tmp_path / ".venv")
    path = pathlib.Path(allowstore.record(str(venv), allowstore.ALLOW, environ))
    os.chmod(path, 0o666)
    assert allowstore.lookup(str(venv), environ).kind is None
    os.chmod(path, 0o600)
    forged = tmp_path / "forged"
    forged.write_text(path.read_text())
    path.unlink()
    path.symlink_to(forged)
    assert allowstore.lookup(str(venv), environ).kind is None


def test_records_round_trip_paths_whose_components_start_with_d(
    tmp_path: pathlib.Path, environ: dict[str, str]
) -> None:
    """The store mirrors paths with a ``d`` prefix per component; listing must undo exactly that."""
    venv = make_venv(tmp_path / "dd" / "d" / "data dir" / ".venv")
    allowstore.record(str(venv), allowstore.DENY, environ)
    assert allowstore.records(environ) == [(str(venv), "deny", True)]


def test_an_allow_is_keyed_by_the_resolved_path(tmp_path: pathlib.Path, environ: dict[str, str]) -> None:
    real = tmp_path / "real"
    venv = make_venv(real / ".venv")
    (tmp_path / "link").symlink_to(real)
    allowstore.record(str(tmp_path / "link" / ".venv"), allowstore.ALLOW, environ)
    assert allowstore.stored(str(venv), environ) == allowstore.ALLOW
    assert [row[0] for row in allowstore.records(environ)] == [str(venv)]
