"""The lock comparison's memo: the same answer as comparing afresh, and a fresh comparison after any change
to what the comparison read (the lock, an ``-r`` include that appears, the venv's packages, ``pip`` in its
``bin/``, its Python, a lock of higher rank), never a stale one."""

from __future__ import annotations

import os
import pathlib
import sys

import pytest

from autovenv.resolve import lockmemo
from autovenv.resolve.project import Settings, resolve
from autovenv.resolve.venv import inspect_venv
from tests.unit.test_drift import fake_venv

PY = f"{sys.version_info.major}.{sys.version_info.minor}"


class Counting:
    """Counts the comparisons really made (the memo's misses)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = lockmemo._compute

        def compute(*args: object, **kwargs: object) -> object:
            self.calls += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(lockmemo, "_compute", compute)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    # Files made by a test are milliseconds old: trust their fingerprints at once (one test below
    # keeps the real window).
    monkeypatch.setattr(lockmemo, "RACY_NS", -(10**12))
    return Counting(monkeypatch)


def compared(root: pathlib.Path, memo: pathlib.Path | None) -> lockmemo.Outcome:
    info = inspect_venv(str(root / ".venv"))
    return lockmemo.compare(str(root), info, False, None if memo is None else str(memo))


def fresh(root: pathlib.Path) -> lockmemo.Outcome:
    return compared(root, None)


def touch_later(path: pathlib.Path) -> None:
    """A change the fingerprint must see even on a clock that did not tick: a later mtime."""
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))


def test_the_memo_answers_what_a_fresh_comparison_answers(tmp_path: pathlib.Path, counting: Counting) -> None:
    root, memo = tmp_path / "p", tmp_path / "memo"
    root.mkdir()
    (root / "requirements.txt").write_text("django==5.1.2\nsix==1.16.0\n")
    fake_venv(root, {"Django": "5.0.4", "six": "1.16.0"})
    first = compared(root, memo)
    assert first[0] == (
        "requirements.txt: django 5.1.2 pinned, 5.0.4 installed; run:",
        ("pip", "install", "-r", "requirements.txt"),
    )
    assert compared(root, memo) == first
    assert counting.calls == 1  # the second one came from the memo
    assert first == fresh(root)
    assert len(os.listdir(memo)) == 1


CHANGES = {
    "the lock's content": lambda root: (
        (root / "requirements.txt").write_text("django==5.1.3\nsix==1.16.0\n"),
        touch_later(root / "requirements.txt"),
    ),
    "a package installed": lambda root: (
        (root / ".venv" / "lib" / f"python{PY}" / "site-packages" / "django-5.1.2.dist-info").mkdir(),
        (root / ".venv" / "lib" / f"python{PY}" / "site-packages" / "Django-5.0.4.dist-info").rmdir(),
        touch_later(root / ".venv" / "lib" / f"python{PY}" / "site-packages"),
    ),
    "pip removed from bin/": lambda root: (
        (root / ".venv" / "bin" / "pip").unlink(),
        touch_later(root / ".venv" / "bin"),
    ),
    "the venv's Python": lambda root: (
        (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 2.7.18\n"),
        touch_later(root / ".venv" / "pyvenv.cfg"),
    ),
    "a missing -r include created": lambda root: (root / "base.txt").write_text("attrs==23.1.0\n"),
    "a new requirements layer": lambda root: (root / "requirements-dev.txt").write_text(
        "-r requirements.txt\npytest==8.0.0\n"
    ),
    "a lock of higher rank": lambda root: (root / "pylock.toml").write_text(
        'lock-version = "1.0"\n[[packages]]\nname = "six"\nversion = "1.17.0"\n'
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_to_what_was_read_compares_again(
    tmp_path: pathlib.Path, counting: Counting, change: str
) -> None:
    root, memo = tmp_path / "p", tmp_path / "memo"
    root.mkdir()
    (root / "requirements.txt").write_text("-r base.txt\ndjango==5.1.2\nsix==1.16.0\n")
    fake_venv(root, {"Django": "5.0.4", "six": "1.16.0", "pytest": "8.0.0"})
    before = compared(root, memo)
    assert compared(root, memo) == before and counting.calls == 1
    CHANGES[change](root)
    after = compared(root, memo)
    assert counting.calls == 2
    assert compared(root, memo) == after and counting.calls == 2  # kept again
    assert after == fresh(root)


def test_fresh_files_are_not_trusted(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fingerprints taken within the racy window are not kept: a second change on the same clock tick
    could look the same."""
    counting = Counting(monkeypatch)
    root, memo = tmp_path / "p", tmp_path / "memo"
    root.mkdir()
    (root / "requirements.txt").write_text("six==1.16.0\n")
    fake_venv(root, {"six": "1.16.0"})
    compared(root, memo)
    compared(root, memo)
    assert counting.calls == 2
    assert not memo.exists() or os.listdir(memo) == []


@pytest.mark.parametrize("damage", [b"", b"garbage", b"3:abc,99:x,", b"\xff\xfe", b"5:abc,"])
def test_a_damaged_memo_is_a_miss(tmp_path: pathlib.Path, counting: Counting, damage: bytes) -> None:
    root, memo = tmp_path / "p", tmp_path / "memo"
    root.mkdir()
    (root / "requirements.txt").write_text("six==1.17.0\n")
    fake_venv(root, {"six": "1.16.0"})
    expected = compared(root, memo)
    (entry,) = memo.iterdir()
    entry.write_bytes(damage)
    assert compared(root, memo) == expected and counting.calls == 2


def test_a_memo_for_another_project_in_the_same_file_is_a_miss(
    tmp_path: pathlib.Path, counting: Counting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lockmemo, "_file_name", lambda root, venv: "same")
    one, two, memo = tmp_path / "one", tmp_path / "two", tmp_path / "memo"
    for root, version in ((one, "1.16.0"), (two, "1.17.0")):
        root.mkdir()
        (root / "requirements.txt").write_text("six==1.17.0\n")
        fake_venv(root, {"six": version})
    assert compared(one, memo)[0] is not None
    assert compared(two, memo)[0] is None
    assert compared(one, memo)[0] is not None and counting.calls == 3


def test_a_link_where_the_memo_goes_is_neither_read_nor_followed(
    tmp_path: pathlib.Path, counting: Counting
) -> None:
    root, memo = tmp_path / "p", tmp_path / "memo"
    root.mkdir()
    (root / "requirements.txt").write_text("six==1.17.0\n")
    fake_venv(root, {"six": "1.16.0"})
    expected = compared(root, memo)
    (entry,) = memo.iterdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert compared(root, memo) == expected and counting.calls == 2
    assert not entry.is_symlink() and elsewhere.read_bytes() == entry.read_bytes()


def test_an_unusable_memo_directory_still_answers(tmp_path: pathlib.Path, counting: Counting) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "requirements.txt").write_text("six==1.17.0\n")
    fake_venv(root, {"six": "1.16.0"})
    blocker = tmp_path / "memo"
    blocker.write_text("a file, not a directory")
    assert compared(root, blocker) == fresh(root)


def test_resolution_with_and_without_a_memo_agree(tmp_path: pathlib.Path, counting: Counting) -> None:
    root, memo = tmp_path / "p", tmp_path / "memo"
    root.mkdir()
    (root / "requirements.txt").write_text("six==1.17.0\n")
    fake_venv(root, {"six": "1.16.0"})
    plain = resolve(str(root), {"HOME": str(tmp_path)}, Settings())
    for _ in range(2):
        kept = resolve(str(root), {"HOME": str(tmp_path)}, Settings(), lock_memo=str(memo))
        assert (kept.hint, kept.problems, kept.watch) == (plain.hint, plain.problems, plain.watch)
    assert counting.calls == 2


def test_the_hooks_cold_path_keeps_it_in_the_cache_and_exec_does_not(
    tmp_path: pathlib.Path, counting: Counting
) -> None:
    from autovenv import export, shells

    root = tmp_path / "p"
    root.mkdir()
    (root / "requirements.txt").write_text("six==1.17.0\n")
    fake_venv(root, {"six": "1.16.0"})
    cache = tmp_path / "cache"
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin"}
    hooked = shells.get("bash", export_only=False)
    hints = [export.answer_for(hooked, env, str(root)).resolution.hint for _ in range(2)]
    assert hints[0] == hints[1] and hints[0] is not None and "six 1.17.0 pinned" in hints[0][0]
    assert counting.calls == 1 and len(os.listdir(cache / "autovenv" / "locks")) == 1
    export_only = shells.get("sh", export_only=True)
    export.answer_for(
        export_only, {**env, "XDG_CACHE_HOME": str(tmp_path / "other")}, str(root), side_effects=False
    )
    assert counting.calls == 2 and not (tmp_path / "other").exists()


#: Locks that pin nothing, or cannot be read: answered without the comparison's module.
PINNING_NOTHING = {
    "poetry.lock": 'package = []\n\n[metadata]\nlock-version = "2.1"\n',
    "pdm.lock": '[metadata]\ngroups = ["default"]\nlock_version = "4.5.0"\n',
    "Pipfile.lock": '{"_meta": {}, "default": {}, "develop": {}}\n',
    "requirements.txt": "# nothing yet\n-e .\n",
}


@pytest.mark.parametrize("name", list(PINNING_NOTHING))
@pytest.mark.parametrize("broken", [False, True])
@pytest.mark.parametrize("site", [True, False])
def test_a_project_pinning_nothing_is_answered_as_drift_answers(
    tmp_path: pathlib.Path, name: str, broken: bool, site: bool
) -> None:
    """An empty or broken lock: the answer (no hint, the problem reading it, the paths to watch) is
    ``drift.examine``'s, though neither it nor the marker reader is loaded to give it."""
    from autovenv.resolve import drift

    text = PINNING_NOTHING[name]
    (tmp_path / name).write_text(text[: len(text) // 2] + "\x00[" if broken else text)
    fake_venv(tmp_path, {})
    if not site:
        for lib in (tmp_path / ".venv" / "lib").iterdir():
            (lib / "site-packages").rmdir()
    info = inspect_venv(str(tmp_path / ".venv"))
    found, problem, watch, tried = drift.examine(str(tmp_path), info, False)
    assert found is None
    assert lockmemo._compute(str(tmp_path), info, False) == ((None, problem, watch), tried)
    assert (problem is not None) == (broken and name != "requirements.txt")
