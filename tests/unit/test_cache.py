"""The cache's layout (one path per directory, never two entries or an entry and a directory at one place)
and the generation bump (entries stale, every shell's stamps gone)."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autovenv import cache, export, pipeline, shells
from tests.filesystems import another_filesystem, fine_clock, whole_second

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


# -- an entry's stamp: the file clock's tick when resolution began ----------------------------------------


def test_the_file_clock_is_the_time_a_file_modified_then_gets(tmp_path: pathlib.Path) -> None:
    """Files modified before the reading are older than it, or of its tick; none modified after is older.
    The reading names the filesystem that stamped it (its device)."""
    before = tmp_path / "before"
    before.write_text("")
    time.sleep(0.02)  # a later tick than the write above
    tick = cache.file_clock(str(tmp_path))
    after = tmp_path / "after"
    after.write_text("")
    ns, device, base = tick
    assert os.stat(before).st_mtime_ns < ns <= os.stat(after).st_mtime_ns
    assert (device, base) == (os.stat(tmp_path).st_dev, str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ["after", "before"]  # its own file is gone


def test_the_file_clock_needs_a_writable_directory(tmp_path: pathlib.Path) -> None:
    with pytest.raises(OSError):
        cache.file_clock(str(tmp_path / "missing"))


@pytest.mark.parametrize(
    ("mtime_ns", "unit"),
    [
        (1_733_000_000_123_456_789, 1),
        (1_733_000_000_123_456_780, 10),
        (1_733_000_000_123_456_700, 100),  # NTFS, SMB
        (1_733_000_000_120_000_000, 10_000_000),  # exFAT
        (1_733_000_001_000_000_000, 2_000_000_000),  # ext3, HFS+: whole seconds
        (1_733_000_000_000_000_000, 2_000_000_000),  # FAT: even ones
    ],
)
def test_granularity_reads_a_filesystems_unit_from_its_times(mtime_ns: int, unit: int) -> None:
    assert cache.granularity(mtime_ns) == unit


def test_an_entry_stamp_is_its_start_tick_unless_a_watched_time_is_coarse(tmp_path: pathlib.Path) -> None:
    """A clock reading of no known filesystem: every coarse time cuts the stamp (the rule for paths on
    filesystems other than the clock's)."""
    fine, coarse = tmp_path / "fine", tmp_path / "coarse"
    fine.write_text("")
    coarse.write_text("")
    os.utime(fine, ns=(1_733_000_000_123_456_789, 1_733_000_000_123_456_789))
    os.utime(coarse, ns=(1_733_000_001_000_000_000, 1_733_000_001_000_000_000))
    gone, dangling = str(tmp_path / "gone"), tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    started = (1_733_000_003_987_654_321, -1, "")
    assert cache.entry_stamp(started, [str(fine), gone, str(dangling)]) == started[0]
    # An edit made after the start on a filesystem of whole seconds gets a time up to a second before
    # it: 1_733_000_003_000_000_000 for a start at ...3.98 s. Cut to even seconds, the stamp is older.
    assert cache.entry_stamp(started, [str(fine), str(coarse)]) == 1_733_000_002_000_000_000
    assert cache.entry_stamp(started, ["bad\0path"]) == started[0]


# -- a whole-second time on the clock's own filesystem: set by a tool, not cut -----------------------------


@pytest.fixture
def other_filesystem(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    with another_filesystem(tmp_path) as where:
        yield where


def test_a_whole_second_time_on_the_clocks_filesystem_is_not_cut(tmp_path: pathlib.Path) -> None:
    """``$PYENV_ROOT/versions`` unpacked from an archive, on the cache's filesystem: an answer stored now
    is dated now, not up to two seconds back (every visit within them would start Python)."""
    clock = fine_clock(tmp_path / "cache")
    (tmp_path / "versions").mkdir()
    versions = whole_second(tmp_path / "versions")
    assert os.stat(versions).st_dev == clock[1]
    assert cache.stamp_unit(clock, [str(versions)]) == 1
    assert cache.entry_stamp(clock, [str(versions)]) == clock[0]


def test_an_edit_after_the_clock_reading_is_never_older_than_the_uncut_stamp(tmp_path: pathlib.Path) -> None:
    """Why no cut is needed there: the filesystem that stamped the reading stamps an edit made after it
    no earlier, so the hooks see the edit (the entry is not strictly newer)."""
    (tmp_path / ".python-version").write_text("3.11\n")
    watched = whole_second(tmp_path / ".python-version")
    clock = fine_clock(tmp_path / "cache")
    stamp = cache.entry_stamp(clock, [str(watched)])
    assert stamp == clock[0]
    watched.write_text("3.12\n")
    assert os.stat(watched).st_mtime_ns >= stamp


def test_a_whole_second_time_on_another_filesystem_is_still_cut(
    tmp_path: pathlib.Path, other_filesystem: pathlib.Path
) -> None:
    """Another device may keep whole seconds (or FAT's two): an edit there after the start may get a
    time before it, so the stamp is cut to even seconds, with or without paths of the clock's own."""
    clock = fine_clock(tmp_path / "cache")
    (other_filesystem / "there").mkdir()
    (tmp_path / "here").mkdir()
    there = whole_second(other_filesystem / "there")
    here = whole_second(tmp_path / "here")
    assert os.stat(there).st_dev != clock[1]
    cut = clock[0] - clock[0] % cache.WHOLE_SECONDS_NS
    assert cache.entry_stamp(clock, [str(there)]) == cut
    assert cache.entry_stamp(clock, [str(here), str(there)]) == cut
    assert cache.entry_stamp(clock, [str(there), str(here)]) == cut


def test_a_clock_reading_on_the_other_filesystem_cuts_for_this_one(
    tmp_path: pathlib.Path, other_filesystem: pathlib.Path
) -> None:
    """The same rule seen from the other side: the cache on the tmpfs, the whole-second path beside the
    sandbox's temporary directory."""
    clock = fine_clock(other_filesystem / "cache")
    (tmp_path / "here").mkdir()
    here = whole_second(tmp_path / "here")
    assert cache.entry_stamp(clock, [str(here)]) == clock[0] - clock[0] % cache.WHOLE_SECONDS_NS


def test_a_whole_second_clock_reading_keeps_every_cut(tmp_path: pathlib.Path) -> None:
    """A reading that is itself a whole second does not show that its filesystem keeps anything finer
    (the cache on ext3, HFS+ or FAT): a whole-second path even on its device still cuts the stamp."""
    clock = fine_clock(tmp_path / "cache")
    (tmp_path / "versions").mkdir()
    versions = whole_second(tmp_path / "versions")
    assert cache.entry_stamp(clock, [str(versions)]) == clock[0]
    ns, device, base = clock
    odd = (ns // 10**9 + 1) | 1  # a later whole second, odd: the cut to even seconds takes one off
    assert cache.entry_stamp((odd * 10**9, device, base), [str(versions)]) == (odd - 1) * 10**9
    assert cache.entry_stamp((odd * 10**9, device, base), []) == odd * 10**9


def test_a_device_that_names_no_filesystem_keeps_the_cut(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One device can unite filesystems of different units: FUSE (mergerfs, virtiofs) reports no
    filesystem id (f_fsid 0), a 9p share reports each host filesystem's own. Either way, no evidence
    that the clock's filesystem stamps the path: the stamp is cut."""
    clock = fine_clock(tmp_path / "cache")
    (tmp_path / "versions").mkdir()
    versions = whole_second(tmp_path / "versions")
    assert cache.entry_stamp(clock, [str(versions)]) == clock[0]
    cut = clock[0] - clock[0] % cache.WHOLE_SECONDS_NS

    def fuse(path: str) -> object:
        return type("Statvfs", (), {"f_fsid": 0})()

    monkeypatch.setattr(os, "statvfs", fuse)
    assert cache.entry_stamp(clock, [str(versions)]) == cut

    def nine_p(path: str) -> object:
        return type("Statvfs", (), {"f_fsid": 7 if path == str(versions) else 8})()

    monkeypatch.setattr(os, "statvfs", nine_p)
    assert cache.entry_stamp(clock, [str(versions)]) == cut


def test_a_fuse_filesystem_keeps_the_cut(tmp_path: pathlib.Path) -> None:
    """A real FUSE mount (bindfs over the sandbox) holding both the cache and a whole-second path: one
    device, but no filesystem id, as for mergerfs, which unites branches of different units under one
    device. The stamp is cut. (Root: FUSE mounts.)"""
    bindfs = shutil.which("bindfs")
    if bindfs is None:
        if os.environ.get("CI"):
            pytest.fail("bindfs is not installed, and CI must mount a FUSE filesystem")
        pytest.skip("bindfs is not installed (apt-get install bindfs)")
    if os.geteuid() != 0:
        pytest.skip("mounting bindfs here needs root")
    source, fuse = tmp_path / "source", tmp_path / "fuse"
    source.mkdir()
    fuse.mkdir()
    made = subprocess.run([bindfs, str(source), str(fuse)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"bindfs could not mount (no /dev/fuse?): {made.stderr.decode(errors='replace')}")
    try:
        assert os.stat(fuse).st_dev != os.stat(source).st_dev
        clock = fine_clock(fuse / "cache")
        (fuse / "versions").mkdir()
        versions = whole_second(fuse / "versions")
        assert os.stat(versions).st_dev == clock[1] and os.statvfs(versions).f_fsid == 0
        assert cache.entry_stamp(clock, [str(versions)]) == clock[0] - clock[0] % cache.WHOLE_SECONDS_NS
    finally:
        unmount = shutil.which("fusermount3") or shutil.which("fusermount")
        subprocess.run([unmount, "-u", str(fuse)] if unmount else ["umount", str(fuse)], check=True)


def test_a_bind_mount_is_the_same_filesystem(tmp_path: pathlib.Path) -> None:
    """A bind mount shares its source's superblock (device, unit, clock): a whole-second path seen
    through it needs no cut either. (Root only: mount --bind.)"""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("mount --bind needs root")
    source, bound = tmp_path / "source", tmp_path / "bound"
    source.mkdir()
    bound.mkdir()
    made = subprocess.run([mount, "--bind", str(source), str(bound)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"mount --bind failed: {made.stderr.decode(errors='replace')}")
    try:
        clock = fine_clock(tmp_path / "cache")
        (source / "versions").mkdir()
        versions = whole_second(bound / "versions")
        assert cache.entry_stamp(clock, [str(versions)]) == clock[0]
    finally:
        subprocess.run([umount, str(bound)], check=True)


def test_store_sets_the_stamp_exactly(tmp_path: pathlib.Path) -> None:
    base = str(tmp_path / "cache")
    cache.ensure_dir(base)
    entry = cache.store(base, "zsh", "/p", "answer\n", 1_733_000_000_123_456_789)
    assert os.stat(entry).st_mtime_ns == 1_733_000_000_123_456_789


def test_the_first_generation_is_older_than_any_entry_and_not_awhole_second(tmp_path: pathlib.Path) -> None:
    base = str(tmp_path / "cache")
    cache.ensure_dir(base)
    generation = cache.ensure_generation(base)
    assert os.stat(generation).st_mtime_ns == cache.FIRST_GENERATION_NS
    os.utime(generation, ns=(0, 0))  # as an earlier version made it: stamps cut to even seconds on FUSE
    cache.ensure_generation(base)
    assert cache.granularity(os.stat(generation).st_mtime_ns) == 1


def _project(
    tmp_path: pathlib.Path, where: pathlib.Path | None = None
) -> tuple[pathlib.Path, pathlib.Path, dict[str, str]]:
    """A project pinning ``system`` in ``where`` (default ``tmp_path``), its cache in ``tmp_path``."""
    project = (where or tmp_path) / "p"
    project.mkdir()
    version = project / ".python-version"
    version.write_text("system\n")
    env = {
        "HOME": str(tmp_path / "home"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AUTOVENV_CACHE_DIR": str(tmp_path / "cache"),
        "AUTOVENV_RUNTIME_DIR": str(tmp_path / "run"),
        "PWD": str(project),
    }
    past = time.time_ns() - 10 * 10**9
    for path in (project, version):
        os.utime(path, ns=(past, past))
    return project, version, env


def _trusted(entry: str, watched: list[str]) -> bool:
    """The hooks' rule: every watched path exists and is strictly older than the entry."""
    mtime = os.stat(entry).st_mtime_ns
    return all(os.path.exists(p) and os.stat(p).st_mtime_ns < mtime for p in watched)


@pytest.mark.parametrize("coarse", [False, True])
def test_an_edit_while_python_computes_leaves_the_entry_stale(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, coarse: bool, request: pytest.FixtureRequest
) -> None:
    """``.python-version`` edited after resolution read it, before the entry was stored: the entry must
    not be trusted. ``coarse``: as a filesystem of whole seconds stamps that edit (up to a second before
    it was made), on a project whose own directory has fine times; the project is on a filesystem other
    than the cache's (on the clock's own, an edit after its reading never gets an older time)."""
    where = request.getfixturevalue("other_filesystem") if coarse else None
    project, version, env = _project(tmp_path, where)
    while not 0.1 < time.time() % 1 < 0.7:  # the whole run within one second
        time.sleep(0.05)
    real = pipeline.answer_for

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        version.write_text("3.12\n")
        if coarse:
            whole = time.time_ns() // 10**9 * 10**9
            os.utime(version, ns=(whole, whole))
        return found

    monkeypatch.setattr(pipeline, "answer_for", edited_meanwhile)
    outcome = export.answer_for(shells.get("bash"), env, str(project))
    entry = cache.entry_path(env["AUTOVENV_CACHE_DIR"], "bash", str(project))
    assert str(version) in outcome.answer.all_watch
    assert not _trusted(entry, list(outcome.answer.all_watch))


def test_an_edit_in_an_earlier_tick_leaves_the_entry_trusted(tmp_path: pathlib.Path) -> None:
    """The other side: an answer computed after every change is trusted as soon as it is stored."""
    project, version, env = _project(tmp_path)
    outcome = export.answer_for(shells.get("bash"), env, str(project))
    entry = cache.entry_path(env["AUTOVENV_CACHE_DIR"], "bash", str(project))
    assert _trusted(entry, list(outcome.answer.all_watch))
    version.write_text("3.12\n")  # an edit now: in the entry's tick at the earliest
    assert not _trusted(entry, list(outcome.answer.all_watch))
