"""The cache's layout (one path per directory, never two entries or an entry and a directory at one place)
and the generation bump (entries stale, every shell's stamps gone)."""

from __future__ import annotations

import os
import pathlib
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autovenv import cache

COMPONENT = st.text(alphabet=st.sampled_from("%ab/\n é"), min_size=1, max_size=4).filter(
    lambda c: "/" not in c and c not in (".", "..")
)
DIRECTORY = st.lists(COMPONENT, max_size=4).map(lambda parts: "/" + "/".join(parts))


@pytest.mark.parametrize(
    ("directory", "expected"),
    [
        ("/", "/c/bash/%"),
        ("/a/b", "/c/bash/a/b/%"),
        ("/a/b/", "/c/bash/a/b/%"),
        ("/%/b%/%%c", "/c/bash/%%/b%/%%%c/%"),
    ],
)
def test_entry_path_keeps_components_and_escapes_a_leading_percent(directory: str, expected: str) -> None:
    assert cache.entry_path("/c", "bash", directory) == expected


@given(DIRECTORY, DIRECTORY)
def test_entries_of_different_directories_never_collide(one: str, other: str) -> None:
    """Distinct directories get distinct entries, and no entry is where another needs a directory."""
    first, second = cache.entry_path("/c", "fish", one), cache.entry_path("/c", "fish", other)
    if one != other:
        assert first != second
    assert not second.startswith(first + "/")


def test_bump_makes_entries_stale_and_deletes_every_stamp(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    base = str(tmp_path / "cache")
    cache.ensure_dir(base)
    generation = cache.ensure_generation(base)
    entry = cache.store(base, "bash", "/p", "answer\n", 1_000_000_000_000)
    stamps = [os.path.join(base, cache.STAMPS, "fish-1-a"), os.path.join(cache.fallback_stamps(), "bash-2-b")]
    os.makedirs(os.path.dirname(stamps[1]))
    for stamp in stamps:
        pathlib.Path(stamp).touch()
    assert os.stat(generation).st_mtime_ns < os.stat(entry).st_mtime_ns
    cache.bump_generation(base)
    assert os.stat(generation).st_mtime_ns > os.stat(entry).st_mtime_ns
    assert [os.path.exists(stamp) for stamp in stamps] == [False, False]
    assert os.path.isdir(os.path.join(base, cache.STAMPS))
