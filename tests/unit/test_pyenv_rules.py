"""Table tests for ``autovenv.resolve.pyenv`` (pyenv 2.6 ``.python-version`` rules), no pyenv process.

Every expectation here was checked against the real pyenv (see tests/differential for the
property-based comparison); comments name the pyenv script a rule comes from.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:
    import autovenv  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from autovenv.resolve import pyenv as pe
from autovenv.resolve.pyenv import (
    MAX_VERSION_FILE_BYTES,
    PythonSelection,
    VersionFileContent,
    find_version_file,
    latest_installed,
    pyenv_root,
    read_version_file,
    resolve_version,
    select_python,
    split_version_string,
)

VERSIONS = [
    "2.7.18",
    "3.11.7",
    "3.12.1",
    "3.12.9",
    "3.12.10",
    "3.12.1-foo",
    "3.13.0",
    "3.13.1t",
    "3.14.0rc1",
    "3.10-dev",
    "3.9.18",
    "pypy3.10-7.3.9",
    "pypy3.10-7.3.12",
    "miniconda3-4.7.12",
    "miniconda3-latest",
    ".hidden",
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A PYENV_ROOT with fake versions, a pyenv-virtualenv env and a few non-versions."""
    r = tmp_path / "pyenv"
    for name in VERSIONS:
        (r / "versions" / name / "bin").mkdir(parents=True)
    (r / "versions" / "3.9.18" / "envs" / "proj" / "bin").mkdir(parents=True)
    (r / "versions" / "proj").symlink_to("3.9.18/envs/proj")  # what `pyenv virtualenv` creates
    (r / "versions" / "alias312").symlink_to("3.12.1")
    (r / "versions" / "broken").symlink_to("nowhere")
    (r / "versions" / "afile").write_text("x")
    return r


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    t = tmp_path / "work"
    (t / "a" / "b" / "c").mkdir(parents=True)
    return t


def env_for(root: Path, **extra: str) -> dict[str, str]:
    return {"HOME": "/nonexistent-home", "PYENV_ROOT": str(root), **extra}


def select(start: Path, root: Path, **extra: str) -> PythonSelection:
    return select_python(str(start), env_for(root, **extra))


# --------------------------------------------------------------------------- PYENV_ROOT


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"HOME": "/home/u"}, "/home/u/.pyenv"),
        ({"HOME": "/home/u", "PYENV_ROOT": ""}, "/home/u/.pyenv"),
        ({"HOME": "/home/u", "PYENV_ROOT": "/opt/pyenv"}, "/opt/pyenv"),
        ({"HOME": "/home/u", "PYENV_ROOT": "/opt/pyenv/"}, "/opt/pyenv"),  # one trailing / stripped
        ({"HOME": "/home/u", "PYENV_ROOT": "/opt/pyenv//"}, "/opt/pyenv/"),  # ...only one
        ({"HOME": ""}, "/.pyenv"),
        ({"HOME": "/home/u/"}, "/home/u//.pyenv"),
    ],
)
def test_pyenv_root(environ: dict[str, str], expected: str) -> None:
    assert pyenv_root(environ) == expected


def test_layout_helpers() -> None:
    assert pe.versions_dir("/r") == "/r/versions"
    assert pe.version_prefix("/r", "3.12.1") == "/r/versions/3.12.1"
    assert pe.version_bin_dir("/r", "3.12.1") == "/r/versions/3.12.1/bin"
    assert pe.version_bin_dir("/r", "/3.9.18//envs/proj/") == "/r/versions/3.9.18/envs/proj/bin"
    assert pe.global_version_file("/r") == "/r/version"


# --------------------------------------------------------------------------- finding the file


def test_nearest_file_wins(tree: Path) -> None:
    (tree / ".python-version").write_text("3.11.7\n")
    (tree / "a" / ".python-version").write_text("3.12.1\n")
    assert find_version_file(str(tree / "a" / "b" / "c"), {}) == str(tree / "a" / ".python-version")
    assert find_version_file(str(tree / "a"), {}) == str(tree / "a" / ".python-version")
    assert find_version_file(str(tree), {}) == str(tree / ".python-version")


def test_no_file(tree: Path) -> None:
    # assumes no /tmp/.python-version or /.python-version on the test machine (pyenv walks to /)
    if any(os.path.isfile(p / ".python-version") for p in [*tree.parents, tree]):
        pytest.skip("a .python-version exists above the temporary directory")
    assert find_version_file(str(tree / "a" / "b"), {}) is None


@pytest.mark.parametrize("kind", ["dir", "broken-link", "fifo"])
def test_non_files_are_skipped(tree: Path, kind: str) -> None:
    """pyenv-version-file uses `[ -f ]`: only regular files (after symlinks) count."""
    (tree / ".python-version").write_text("3.11.7\n")
    target = tree / "a" / ".python-version"
    if kind == "dir":
        target.mkdir()
    elif kind == "broken-link":
        target.symlink_to(tree / "nowhere")
    else:
        os.mkfifo(target)
    assert find_version_file(str(tree / "a" / "b"), {}) == str(tree / ".python-version")


def test_symlink_to_file_counts(tree: Path) -> None:
    (tree / "real").write_text("3.12.1\n")
    (tree / "a" / ".python-version").symlink_to(tree / "real")
    assert find_version_file(str(tree / "a" / "b"), {}) == str(tree / "a" / ".python-version")


def test_walk_is_logical(tmp_path: Path) -> None:
    """The walk strips path components of $PWD; it does not follow the symlink's real parent."""
    (tmp_path / "real" / "proj").mkdir(parents=True)
    (tmp_path / "real" / ".python-version").write_text("3.11.7\n")
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / ".python-version").write_text("3.12.1\n")
    (tmp_path / "links" / "proj").symlink_to(tmp_path / "real" / "proj")
    assert find_version_file(str(tmp_path / "links" / "proj"), {}) == str(
        tmp_path / "links" / ".python-version"
    )
    # `..` and `.` in the start directory are resolved logically too (bash canonicalises $PWD)
    start = str(tmp_path / "links" / "proj" / "." / ".." / "proj")
    assert find_version_file(start, {}) == str(tmp_path / "links" / ".python-version")


def test_double_slash_root_stops_walk(tree: Path) -> None:
    """`while ! [[ $root =~ ^//[^/]*$ ]]`: a //host prefix is never searched."""
    (tree / ".python-version").write_text("3.12.1\n")
    start = "/" + str(tree / "a")  # e.g. //tmp/.../a
    assert find_version_file(start, {}) == "/" + str(tree / ".python-version")
    assert pe._find_local("//host/share", []) is None


def test_pyenv_dir_is_searched_first_then_pwd(tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (tree / "a" / ".python-version").write_text("3.12.1\n")
    # PYENV_DIR has no file above it -> the walk continues from $PWD
    assert find_version_file(str(tree / "a" / "b"), {"PYENV_DIR": str(other)}) == str(
        tree / "a" / ".python-version"
    )
    (other / ".python-version").write_text("3.11.7\n")
    assert find_version_file(str(tree / "a" / "b"), {"PYENV_DIR": str(other)}) == str(
        other / ".python-version"
    )
    # relative PYENV_DIR is relative to the start directory
    assert find_version_file(str(tree / "a" / "b"), {"PYENV_DIR": "../../../elsewhere"}) == str(
        other / ".python-version"
    )


def test_bad_pyenv_dir_is_fatal(tree: Path, root: Path) -> None:
    sel = select(tree, root, PYENV_DIR="does-not-exist")
    assert sel.fatal and not sel.ok
    assert sel.version_name() == ""
    assert sel.problem == "pyenv: cannot change working directory to `does-not-exist'"
    # pyenv checks PYENV_DIR before it even looks at PYENV_VERSION
    assert select(tree, root, PYENV_DIR="does-not-exist", PYENV_VERSION="3.12.1").fatal
    assert find_version_file(str(tree), {"PYENV_DIR": "does-not-exist"}) is None


def test_missing_start_dir_is_fatal(tree: Path, root: Path) -> None:
    sel = select(tree / "gone", root)
    assert sel.fatal and sel.problem is not None and "cannot change working directory" in sel.problem


# --------------------------------------------------------------------------- reading the file


@pytest.mark.parametrize(
    ("content", "names"),
    [
        (b"3.12.1\n", ["3.12.1"]),
        (b"3.12.1", ["3.12.1"]),  # no final newline
        (b"3.12.1\r\n", ["3.12.1"]),  # CRLF: \r is in IFS
        (b"  3.12.1   more words here\n", ["3.12.1"]),  # first word per line only
        (b"\t3.12.1\t\n", ["3.12.1"]),
        (b"# comment\n\n   \n\r\n3.11.7\n", ["3.11.7"]),
        (b"3.12.1 # pinned\n#3.11.7\n", ["3.12.1"]),
        (b"3.12#x\n", ["3.12#x"]),  # only a word *starting* with # is a comment
        (b"3.12.1\n3.11.7\n", ["3.12.1", "3.11.7"]),  # one per line
        (b"3.12.1:3.11.7\n", ["3.12.1:3.11.7"]),  # or separated by ':'
        (b"3.12.1\r\n\r\n3.11.7 \r\n", ["3.12.1", "3.11.7"]),
        (b"system\n", ["system"]),
        (b"3.1\x002.1\n", ["3.12.1"]),  # bash `read` drops NUL bytes
        (b"3.12.1\x0b\n", ["3.12.1\x0b"]),  # vertical tab is not in IFS
        (b" " * 1020 + b"3.12.1\n", ["3.12", ".1"]),  # `read -n 1024` cuts long lines
        (b"\0" * 1020 + b"3.12.1\n", ["3.12.1"]),  # NULs do not count towards the 1024
        (b"x" * 1024 + b"\n3.12.1", ["x" * 1024, "3.12.1"]),
        (b"", []),
        (b"\n\n# only comments\n", []),
        (b"\xff\x80abc def\n", [os.fsdecode(b"\xff\x80abc")]),  # garbage is kept as a name
        (b"-b\n", ["-b"]),
    ],
)
def test_read_rules(tmp_path: Path, root: Path, content: bytes, names: list[str]) -> None:
    path = tmp_path / ".python-version"
    path.write_bytes(content)
    got = read_version_file(str(path), str(root))
    assert got == VersionFileContent(str(path), names)
    assert got.value() == ":".join(names)


@pytest.mark.parametrize(
    ("word", "safe"),
    [
        ("..", False),
        ("../3.12.1", False),
        ("foo/../3.12.1", False),  # `cd` fails: foo does not exist
        ("a/b", False),
        ("../../../etc", False),
        ("3.12.1/..", False),  # cd lands on versions/ itself
        ("3.12.1/", True),  # cd succeeds below versions/
        ("/3.12.1", True),
        ("3.12.1//", True),
        ("./3.12.1", True),
        ("3.12.1/../3.11.7", True),
        ("3.9.18/envs/proj", True),  # pyenv-virtualenv's long name
        ("proj/../3.12.1", True),  # logical cd: proj/.. is versions/, although proj is a symlink
        (".", True),  # no '/', not '..': not checked at all
        ("3.12.1:..", True),  # ditto (the ':' split happens later)
    ],
)
def test_traversal_check(tmp_path: Path, root: Path, word: str, safe: bool) -> None:
    path = tmp_path / "v"
    path.write_text(word + "\n3.13.0\n")
    got = read_version_file(str(path), str(root))
    assert got.names == ([word, "3.13.0"] if safe else ["3.13.0"])
    assert got.rejected == ([] if safe else [word])


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("\ufeff3.12\r\n".encode("utf-16-le"), "utf-16-le"),  # Windows PowerShell 5.1 `echo 3.12 >`
        ("\ufeff3.12\r\n".encode("utf-16-be"), "utf-16-be"),
        (b"\xef\xbb\xbf3.12\r\n", "utf-8-sig"),  # Out-File -Encoding utf8 (PowerShell 5.1)
    ],
)
def test_bom_is_decoded(tmp_path: Path, root: Path, data: bytes, encoding: str) -> None:
    """Documented difference: pyenv would see the word '\\xff\\xfe3.12' (bash drops the NULs)."""
    path = tmp_path / ".python-version"
    path.write_bytes(data)
    got = read_version_file(str(path), str(root))
    assert got.names == ["3.12"]
    assert got.encoding == encoding
    assert got.problem is None


def test_huge_file_is_bounded(tmp_path: Path, root: Path) -> None:
    path = tmp_path / ".python-version"
    path.write_bytes(b"3.12.1\n" + b"#" * (MAX_VERSION_FILE_BYTES + 10) + b"\n3.11.7\n")
    got = read_version_file(str(path), str(root))
    assert got.names == ["3.12.1"]  # 3.11.7 lies beyond the bound
    assert got.problem is not None and "larger than" in got.problem


def test_huge_sparse_file_does_not_hang(tmp_path: Path, root: Path) -> None:
    path = tmp_path / ".python-version"
    with open(path, "wb") as f:
        f.truncate(8 * 1024**3)  # 8 GiB of NUL bytes (sparse): pyenv would read all of it
    started = time.perf_counter()
    got = read_version_file(str(path), str(root))
    assert time.perf_counter() - started < 1.0
    assert got.names == [] and got.problem is not None


def test_word_cut_by_bound_is_dropped(tmp_path: Path, root: Path) -> None:
    path = tmp_path / ".python-version"
    filler = b"#" * (MAX_VERSION_FILE_BYTES - 3)
    path.write_bytes(filler + b"\n3.12.1\n")  # "3.1" is inside the bound, the rest is not
    assert read_version_file(str(path), str(root)).names == []


def test_missing_file(tmp_path: Path, root: Path) -> None:
    got = read_version_file(str(tmp_path / "nope"), str(root))
    assert got == VersionFileContent(str(tmp_path / "nope"), [])


def test_directory_and_fifo(tmp_path: Path, root: Path) -> None:
    got = read_version_file(str(tmp_path), str(root))
    assert got.names == [] and got.problem is not None and "directory" in got.problem
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = read_version_file(str(fifo), str(root))  # must not block
    assert got.names == [] and got.problem is not None


def test_unreadable_file(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / ".python-version"
    path.write_text("3.12.1\n")
    if os.geteuid() == 0:

        def denied(*args: object, **kwargs: object) -> int:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(pe.os, "open", denied)
    else:
        path.chmod(0)
    got = read_version_file(str(path), str(root))
    assert got.names == []
    assert got.problem == f"cannot read {path}: Permission denied"


def test_unreadable_local_file_means_system(tree: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyenv: the redirection fails, version-file-read exits 1, version-name prints 'system'."""
    (tree / ".python-version").write_text("3.12.1\n")
    (root / "version").write_text("3.11.7\n")
    real_open = os.open

    def fake_open(path: str, *args: int) -> int:
        if path.endswith(".python-version"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args)

    monkeypatch.setattr(pe.os, "open", fake_open)
    sel = select(tree, root)
    assert sel.version_name() == "system" and sel.ok
    assert sel.problem is not None and "Permission denied" in sel.problem


# --------------------------------------------------------------------------- precedence


def test_precedence(tree: Path, root: Path) -> None:
    (root / "version").write_text("2.7.18\n")
    start = tree / "a" / "b"
    assert select(start, root).version_name() == "2.7.18"
    assert select(start, root).source_kind == "global"
    assert select(start, root).source == str(root / "version")
    (tree / ".python-version").write_text("3.11.7\n")
    sel = select(start, root)
    assert (sel.version_name(), sel.source, sel.source_kind) == (
        "3.11.7",
        str(tree / ".python-version"),
        "local",
    )
    sel = select(start, root, PYENV_VERSION="3.13.0")
    assert (sel.version_name(), sel.source, sel.source_kind) == ("3.13.0", "PYENV_VERSION", "PYENV_VERSION")
    assert sel.version_file is None
    # an empty PYENV_VERSION counts as unset
    assert select(start, root, PYENV_VERSION="").version_name() == "3.11.7"


def test_default_is_system(tree: Path, root: Path) -> None:
    sel = select(tree, root)
    assert (sel.version_name(), sel.source_kind, sel.source) == ("system", "default", str(root / "version"))
    assert sel.ok and sel.problem is None and sel.bin_dirs == []
    (root / "version").write_text("# nothing\n")
    assert select(tree, root).source_kind == "default"


def test_empty_local_file_does_not_fall_back_to_global(tree: Path, root: Path) -> None:
    """pyenv picks the nearest file first and only then reads it: empty means 'system'."""
    (root / "version").write_text("3.11.7\n")
    (tree / ".python-version").write_text("")
    assert select(tree, root).version_name() == "system"
    (tree / ".python-version").write_text("# just a comment\n\n")
    sel = select(tree, root)
    assert sel.version_name() == "system" and sel.source == str(tree / ".python-version")


# --------------------------------------------------------------------------- name resolution


@pytest.mark.parametrize(
    ("name", "resolved"),
    [
        ("3.12.1", "3.12.1"),  # exact
        ("system", "system"),
        ("3.12", "3.12.10"),  # newest matching, numerically (10 > 9 > 1)
        ("3", "3.13.0"),  # 3.14.0rc1 (pre-release) and 3.13.1t (free-threaded) are skipped
        ("3.13t", "3.13.1t"),  # ...unless asked for with the t suffix
        ("3.14", None),  # only a pre-release installed
        ("3.10", None),  # 3.10-dev is skipped
        ("3.10-dev", "3.10-dev"),  # but exact names always work
        ("python-3.12", "3.12.10"),  # python- prefix stripped
        ("python-3.11.7", "3.11.7"),
        ("pypy3.10", "pypy3.10-7.3.12"),
        ("pypy3", "pypy3.10-7.3.12"),
        ("miniconda3", "miniconda3-4.7.12"),  # -latest skipped
        ("proj", "proj"),  # pyenv-virtualenv env (symlink into 3.9.18/envs)
        ("3.9.18/envs/proj", "3.9.18/envs/proj"),
        ("alias312", "alias312"),
        ("3.12.99", None),
        ("broken", None),  # a dangling symlink is not a version
        ("afile", None),  # neither is a file
        ("4", None),
        ("3.1", None),  # prefix must be followed by '.' or '-'
        (".", "."),  # pyenv: [ -d versions/. ] is true
        ("..", ".."),
        ("", ""),
        ("-b", ""),  # `pyenv-latest -b -b` parses it as an option: prefix "" -> ""
        ("-f", ""),
        ("-k", None),  # `-k`: known definitions with empty prefix -> fails
        ("--known", None),
    ],
)
def test_resolve_version(root: Path, name: str, resolved: str | None) -> None:
    assert resolve_version(str(root), name) == resolved


def test_latest_ordering_details(tmp_path: Path) -> None:
    r = tmp_path / "r"
    for name in ["3.12.1", "3.12.01", "3.12.1-foo", "a-b", "a.c"]:
        (r / "versions" / name).mkdir(parents=True)
    # all keys tie numerically -> GNU sort's whole-line, ascending last resort
    assert latest_installed(str(r), "3.12") == "3.12.01"
    assert latest_installed(str(r), "a") == "a-b"
    assert latest_installed(str(r), "3.12.1") == "3.12.1"
    assert latest_installed(str(r), "b") is None


def test_empty_name_without_versions_dir(tmp_path: Path) -> None:
    r = tmp_path / "r"
    assert resolve_version(str(r), "") == ""  # printf '%s\n' of nothing prints one empty line
    assert resolve_version(str(r), "3.12") is None
    assert pe.installed_versions(str(r)) == []


def test_installed_versions_lists_hidden_dirs_and_links(root: Path) -> None:
    got = set(pe.installed_versions(str(root)))
    assert {".hidden", "proj", "alias312", "3.12.1"} <= got
    assert not {"broken", "afile"} & got


# --------------------------------------------------------------------------- splitting / globbing


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        ("", []),
        ("3.12.1", ["3.12.1"]),
        ("3.12.1:3.11.7", ["3.12.1", "3.11.7"]),
        ("3.12.1:", ["3.12.1"]),  # one trailing empty field dropped
        ("3.12.1::", ["3.12.1", ""]),
        ("::3.12.1", ["", "", "3.12.1"]),
        (":", [""]),
        ("::", ["", ""]),
        ("a b", ["a b"]),  # spaces do not split (IFS is ':')
    ],
)
def test_split(value: str, fields: list[str]) -> None:
    assert split_version_string(value) == fields


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("x*", ["x1", "x2"]),
        ("3.12.?", ["3.12.1"]),
        ("[x]1", ["x1"]),
        ("[!x]*", ["3.12.1", "a.txt"]),
        ("[[:digit:]]*", ["[[", "digit", "]]*"]),  # no classes: the ':' split comes first
        ("*", ["3.12.1", "a.txt", "x1", "x2"]),  # hidden files need an explicit leading dot
        (".*", [".dot"]),  # never . or .. (bash 5.2 globskipdots)
        ("\\*", ["\\*"]),  # escaped: not a pattern
        ("x[", ["x["]),  # unterminated bracket: literal
        ("nomatch*", ["nomatch*"]),  # no match: the word stays
        ("?", ["?"]),
    ],
)
def test_glob_expansion(tmp_path: Path, pattern: str, expected: list[str]) -> None:
    """pyenv-version-name's `for version in ${PYENV_VERSION}` is unquoted: it globs in $PWD."""
    for name in ["x1", "x2", "3.12.1", "a.txt", ".dot"]:
        (tmp_path / name).touch()
    assert split_version_string(pattern, str(tmp_path)) == expected


def test_glob_in_version_file(tree: Path, root: Path) -> None:
    (tree / ".python-version").write_text("3.12.?\n")
    assert select(tree, root).missing == ["3.12.?"]
    (tree / "3.12.1").touch()
    (tree / "3.12.9").touch()
    sel = select(tree, root)
    assert sel.requested == ["3.12.1", "3.12.9"] and sel.version_name() == "3.12.1:3.12.9"


# --------------------------------------------------------------------------- the selection


def test_selection_for_installed_versions(tree: Path, root: Path) -> None:
    (tree / ".python-version").write_text("3.12\nsystem\nproj\n")
    sel = select(tree / "a", root)
    assert sel.requested == ["3.12", "system", "proj"]
    assert sel.resolved == ["3.12.10", "system", "proj"]
    assert sel.version_name() == "3.12.10:system:proj"
    assert sel.bin_dirs == [f"{root}/versions/3.12.10/bin", f"{root}/versions/proj/bin"]
    assert sel.ok and sel.missing == [] and sel.problem is None
    assert sel.source == str(tree / ".python-version")


def test_missing_version_problem(tree: Path, root: Path) -> None:
    (tree / ".python-version").write_text("3.12.99\n")
    sel = select(tree, root)
    assert not sel.ok
    assert sel.missing == ["3.12.99"] and sel.resolved == [None] and sel.version_name() == ""
    assert sel.problem == (
        f"Python 3.12.99 from {tree}/.python-version is not installed; run: pyenv install 3.12.99"
    )


def test_partly_missing(root: Path, tree: Path) -> None:
    sel = select(tree, root, PYENV_VERSION="3.11.7:4.0:python-3.99")
    assert sel.version_name() == "3.11.7"  # pyenv prints what it found and exits 1
    assert sel.missing == ["4.0", "python-3.99"] and not sel.ok
    assert sel.bin_dirs == [f"{root}/versions/3.11.7/bin"]
    assert (
        sel.problem
        == "Python 4.0, python-3.99 from PYENV_VERSION are not installed; run: pyenv install 4.0 3.99"
    )


def test_rejected_names_are_reported(tree: Path, root: Path) -> None:
    (tree / ".python-version").write_text("../../etc\n3.11.7\n")
    sel = select(tree, root)
    assert sel.version_name() == "3.11.7" and sel.ok
    assert sel.version_file is not None and sel.version_file.rejected == ["../../etc"]
    assert sel.problem == f"invalid version `../../etc' ignored in {tree}/.python-version"


@pytest.mark.parametrize(
    ("value", "printed"), [("3.12.1:..", "3.12.1:.."), ("-b", ""), ("::", ":"), (".", ".")]
)
def test_names_outside_versions_get_no_bin_dir(tree: Path, root: Path, value: str, printed: str) -> None:
    sel = select(tree, root, PYENV_VERSION=value)
    assert sel.version_name() == printed and sel.ok  # exactly pyenv
    assert all(d.startswith(f"{root}/versions/3.12.1") for d in sel.bin_dirs)
    assert sel.problem is not None and "not a directory inside" in sel.problem


def test_watch_paths(tree: Path, root: Path) -> None:
    (tree / ".python-version").write_text("3.12.1\n")
    sel = select(tree / "a" / "b", root)
    for path in [tree / "a" / "b", tree / "a", tree, tree / ".python-version", root / "versions"]:
        assert str(path) in sel.watch_paths
    sel = select(tree, root, PYENV_VERSION="3.12.1")
    assert str(root / "versions") in sel.watch_paths


def test_value_objects() -> None:
    a = VersionFileContent("/p", ["3.12"], [], None, None)
    assert a == VersionFileContent("/p", ["3.12"])
    assert a != VersionFileContent("/p", ["3.13"])
    assert "3.12" in repr(a)
    s = PythonSelection(["3.12"], ["3.12.1"], "PYENV_VERSION", "PYENV_VERSION", "/r")
    assert s == PythonSelection(["3.12"], ["3.12.1"], "PYENV_VERSION", "PYENV_VERSION", "/r")
    assert s != PythonSelection(["3.12"], [None], "PYENV_VERSION", "PYENV_VERSION", "/r")
    assert "PythonSelection(" in repr(s) and s.version_name() == "3.12.1" and s.ok


# --------------------------------------------------------------------------- cold-path constraints


MODULE = Path(pe.__file__)


def test_imports_are_minimal() -> None:
    tree = ast.parse(MODULE.read_text())
    runtime: set[str] = set()
    for node in tree.body:  # module level only; TYPE_CHECKING block is an `if`
        if isinstance(node, ast.Import):
            runtime.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            runtime.add(node.module or "")
    assert runtime <= {"__future__", "os", "sys", "stat"}
    nested = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert len(nested) == len([n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]) + 1


def test_import_loads_nothing_new() -> None:
    code = (
        "import sys, autovenv.resolve; before = set(sys.modules); import autovenv.resolve.pyenv; "
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    env = {**os.environ, "PYTHONPATH": str(MODULE.parents[2])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert set(out.stdout.split()) <= {"autovenv.resolve.pyenv", "__future__"}


def test_fast(tree: Path, root: Path) -> None:
    (tree / ".python-version").write_text("3.12\n")
    env = env_for(root)
    start = str(tree / "a" / "b" / "c")
    timings = []
    for _ in range(30):
        t = time.perf_counter()
        select_python(start, env)
        timings.append(time.perf_counter() - t)
    assert sorted(timings)[15] < 0.005  # typically ~0.1 ms; generous for slow CI machines
