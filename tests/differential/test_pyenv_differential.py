"""Differential test: ``autovenv.resolve.pyenv`` against the real ``pyenv version-name``.

Hypothesis builds random directory trees with ``.python-version`` files at random levels (random
content: installed names, prefixes, ``system``, uninstalled names, comments, blank lines, CRLF,
several versions, traversal attempts, glob characters, option-like words, long lines that cross
pyenv's 1024-byte ``read -n`` unit, binary garbage), a random ``PYENV_VERSION`` / ``PYENV_DIR``
and a random start directory (sometimes reached through a symlink, i.e. a logical ``$PWD``), then
runs the real pyenv there and compares:

* stdout of ``pyenv version-name`` with ``PythonSelection.version_name()`` (empty when fatal),
* exit status 0 with ``PythonSelection.ok``,
* the names in pyenv's ``version `X' is not installed (set by ORIGIN)`` messages with
  ``PythonSelection.missing`` (same order) and ORIGIN with ``PythonSelection.source``,
* the names in ``invalid version `X' ignored`` messages with ``version_file.rejected``.

The PYENV_ROOT is a temporary one whose ``versions/`` holds symlinks to real installed versions
(when this machine has them) and fake version directories, so the expected answers do not depend
on which Pythons are installed.  ``~/.pyenv`` is only used to run pyenv's scripts (read-only).
pyenv runs with a clean environment and ``LC_ALL=C`` (the module emulates the C locale).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    import autovenv  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from autovenv.resolve.pyenv import PythonSelection, select_python

HOME = os.path.expanduser("~")  # the suite's sandbox HOME (tests/conftest.py)
#: The real pyenv, as tests/conftest.py found it (PYENV_ROOT, `pyenv root`, ~/.pyenv); only its scripts run.
PYENV_INSTALL = Path(os.environ.get("AUTOVENV_TEST_PYENV") or os.environ.get("PYENV_ROOT") or "/nonexistent")
PYENV_EXE = PYENV_INSTALL / "libexec" / "pyenv"
_HAVE_PYENV = PYENV_EXE.is_file() and os.access(PYENV_EXE, os.X_OK) and shutil.which("bash") is not None
if not _HAVE_PYENV and os.environ.get("CI"):
    raise RuntimeError(f"CI must run the pyenv differential tests, and there is no pyenv at {PYENV_EXE}")

pytestmark = pytest.mark.skipif(
    not _HAVE_PYENV,
    reason=f"real pyenv not found at {PYENV_EXE} (install pyenv 2.6, or set PYENV_ROOT, to run this test)",
)

# Names in the fake PYENV_ROOT.  Real installed versions with the same name are symlinked.
REAL_CANDIDATES = ["3.12.1", "3.11.7", "3.13.0", "2.7.18", "3.10.13"]
FAKE_VERSIONS = [
    "3.12.10",
    "3.12.9",
    "3.12.1-foo",
    "3.13.1t",
    "3.14.0rc1",
    "3.10-dev",
    "3.9.18",
    "pypy3.10-7.3.12",
    "pypy3.10-7.3.9",
    "miniconda3-4.7.12",
    "miniconda3-latest",
    ".hidden",
]
ENVS = {"proj": "3.9.18", "tool-env": "3.12.9"}  # pyenv-virtualenv: versions/<env> -> <ver>/envs/<env>

INSTALLED = [*REAL_CANDIDATES, *FAKE_VERSIONS, "proj", "tool-env", "alias312", "3.9.18/envs/proj"]
PREFIXES = [
    "3", "3.12", "3.11", "3.13", "3.13t", "3.14", "3.10", "2", "pypy3.10", "pypy3", "miniconda3",
    "python-3.12", "python-3.11.7", "python-3", "3.12.", "3.9.18/envs", "tool", "alias", "3.12.1-",
]  # fmt: skip
UNINSTALLED = ["3.12.99", "4.0", "3.15.0", "python-4", "broken", "afile", "system2", "python-system", "3.8"]
COMMENTS = ["#", "# comment", "#3.12.1", "##", "#system"]
TRAVERSAL = [
    "..", "../3.12.1", "3.12.1/../3.11.7", "foo/../3.13.0", "/3.12.1", "3.12.1/", "proj/../3.12.1", ".",
    "../../../etc", "3.9.18/envs/proj/..", "3.12.1//", "3.9.18/envs/proj", "./3.12.1", "versions/3.12.1",
]  # fmt: skip
COLON = ["3.12.1:3.11.7", ":", "3.12.1::3.11.7", ":3.13.0", "3.12.1:..", "3.12:system", "system:3.12", "::"]
OPTIONS = ["-b", "-k", "-f", "--known", "--bypass", "--force", "python--b", "-x"]
GLOBS = ["*", "x*", "3.12.?", "[x]1", "?", "3.1[0-9]*", "\\*", "[!x]*", "*.txt", "[3]*", "x[", ".*"]
WORDS = [*INSTALLED, *PREFIXES, *UNINSTALLED, "system", *TRAVERSAL, *COLON, *OPTIONS, *GLOBS]

LEVELS = ["", "p0", "p0/p1", "p0/p1/p2", "p0/p1/p2/p3", "other"]
STARTS = [
    "",
    "p0",
    "p0/p1",
    "p0/p1/p2",
    "p0/p1/p2/p3",
    "other",
    "other/link",
    "other/link/p2",
    "p0/p1/p2/p3/.",
]


def _make_root(base: Path, with_versions: bool) -> Path:
    root = base
    root.mkdir(parents=True)
    if not with_versions:
        return root
    versions = root / "versions"
    versions.mkdir()
    real = PYENV_INSTALL / "versions"
    for name in REAL_CANDIDATES:
        if (real / name).is_dir():
            (versions / name).symlink_to(real / name)
        else:
            (versions / name / "bin").mkdir(parents=True)
    for name in FAKE_VERSIONS:
        (versions / name / "bin").mkdir(parents=True)
    for env, ver in ENVS.items():
        (versions / ver / "envs" / env / "bin").mkdir(parents=True)
        (versions / env).symlink_to(Path(ver) / "envs" / env)
    (versions / "alias312").symlink_to("3.12.1")
    (versions / "broken").symlink_to("does-not-exist")
    (versions / "afile").write_text("not a version\n")
    return root


@pytest.fixture(scope="module")
def roots() -> Iterator[dict[str, Path]]:
    base = Path(tempfile.mkdtemp(prefix="autovenv-pyenv-diff-"))
    try:
        yield {"full": _make_root(base / "root", True), "empty": _make_root(base / "bare", False)}
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- strategies

ws = st.sampled_from([b" ", b"\t", b"  ", b" \t ", b"\r"])
word_bytes = st.one_of(
    st.sampled_from([*INSTALLED, *PREFIXES, "system"]).map(os.fsencode),
    st.sampled_from(WORDS).map(os.fsencode),
    st.sampled_from(COMMENTS).map(os.fsencode),
    st.binary(min_size=1, max_size=10),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=8).map(
        os.fsencode
    ),
)


@st.composite
def line_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["word", "word", "word", "two", "blank", "ws", "long"]))
    if kind == "blank":
        return b""
    if kind == "ws":
        return draw(ws)
    lead = draw(st.sampled_from([b"", b"", b" ", b"\t", b"  "]))
    if kind == "long":  # crosses the 1024-byte `read -n` unit somewhere in the word
        lead = b" " * draw(st.integers(1010, 1030))
    line = lead + draw(word_bytes)
    if kind == "two":
        line += draw(ws) + draw(word_bytes)
    return line


@st.composite
def file_content(draw: st.DrawFn, max_lines: int = 6) -> bytes:
    if draw(st.integers(0, 20)) == 0:
        return b""
    lines = draw(st.lists(line_bytes(), min_size=1, max_size=max_lines))
    newline = draw(st.sampled_from([b"\n", b"\r\n", b"\n", b"\n\n"]))
    data = newline.join(lines)
    if draw(st.booleans()):
        data += newline
    return data


env_word = st.one_of(
    st.sampled_from([*INSTALLED, *PREFIXES, *UNINSTALLED, "system", *TRAVERSAL, *OPTIONS, *GLOBS]),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=8),
)
pyenv_version = st.one_of(
    st.none(),
    st.none(),
    st.just(""),
    st.lists(env_word, min_size=1, max_size=3).map(":".join),
)
# "@x" means the absolute path of x in the tree; other values are used as given (relative to $PWD)
pyenv_dir = st.one_of(
    st.none(),
    st.none(),
    st.none(),
    st.sampled_from(["@p0", "@p0/p1/p2", "@other/link", "@p0/p1/p2/p3/../..", "..", ".", "nonexistent"]),
)


@st.composite
def scenario(draw: st.DrawFn, max_lines: int = 6) -> dict[str, object]:
    files: dict[str, object] = {}
    for level in LEVELS:
        if draw(st.integers(0, 2)) == 0:
            shape = draw(st.sampled_from(["file", "file", "file", "file", "dir", "broken-link", "link"]))
            files[level] = draw(file_content(max_lines)) if shape in ("file", "link") else shape
            if shape == "link":
                files[level] = ("link", files[level])
    return {
        "root": draw(st.sampled_from(["full", "full", "full", "empty"])),
        "files": files,
        "global": draw(st.one_of(st.none(), file_content(max_lines))),
        "start": draw(st.sampled_from(STARTS)),
        "pyenv_version": draw(pyenv_version),
        "pyenv_dir": draw(pyenv_dir),
        "glob_files": draw(
            st.lists(st.sampled_from(["x1", "x2", "3.12.1", "a.txt", ".dot", "x["]), max_size=3)
        ),
    }


# --------------------------------------------------------------------------- running both


def _build_tree(base: Path, sc: dict[str, object]) -> None:
    for level in LEVELS:
        (base / level).mkdir(parents=True, exist_ok=True)
    (base / "other" / "link").symlink_to(base / "p0" / "p1")  # logical PWD differs from physical
    files = sc["files"]
    assert isinstance(files, dict)
    for level, spec in files.items():
        target = base / level / ".python-version"
        if spec == "dir":
            target.mkdir()
        elif spec == "broken-link":
            target.symlink_to(base / "nowhere")
        elif isinstance(spec, tuple):
            real = base / level / "real-version-file"
            real.write_bytes(spec[1])
            target.symlink_to(real)
        else:
            assert isinstance(spec, bytes)
            target.write_bytes(spec)
    for name in sc["glob_files"]:  # type: ignore[attr-defined]
        (base / str(sc["start"]) / name).touch()


def _env(root: Path, sc: dict[str, object], base: Path) -> dict[str, str]:
    env = {"HOME": HOME, "PYENV_ROOT": str(root)}
    if sc["pyenv_version"] is not None:
        env["PYENV_VERSION"] = str(sc["pyenv_version"])
    pyenv_dir = sc["pyenv_dir"]
    if isinstance(pyenv_dir, str):
        env["PYENV_DIR"] = f"{base}/{pyenv_dir[1:]}" if pyenv_dir.startswith("@") else pyenv_dir
    return env


def run_pyenv(env: dict[str, str], cwd: str) -> tuple[int, str, str]:
    full = {
        **env,
        "PATH": f"{PYENV_INSTALL / 'bin'}:/usr/bin:/bin",
        "PWD": cwd,
        "LC_ALL": "C",
    }
    proc = subprocess.run(
        [str(PYENV_EXE), "version-name"], cwd=cwd, env=full, capture_output=True, timeout=60, check=False
    )
    return proc.returncode, os.fsdecode(proc.stdout), os.fsdecode(proc.stderr)


_NOT_INSTALLED = re.compile(r"^pyenv: version `(.*)' is not installed \(set by (.*)\)$")
_INVALID = re.compile(r"^pyenv: invalid version `(.*)' ignored in `(.*)'$")


def compare(sel: PythonSelection, rc: int, out: str, err: str, env: dict[str, str]) -> None:
    context = f"\nours={sel!r}\npyenv rc={rc} stdout={out!r}\nstderr={err!r}"
    expected_out = "" if sel.fatal else sel.version_name() + "\n"
    assert out == expected_out, "stdout differs" + context
    assert (rc == 0) == sel.ok, "exit status differs" + context
    lines = err.split("\n")
    if sel.fatal:
        assert "cannot change working directory" in err, context
        return
    reported = [m.groups() for m in map(_NOT_INSTALLED.match, lines) if m]
    assert [name for name, _ in reported] == sel.missing, "missing differs" + context
    # pyenv quirk: with PYENV_VERSION exported but empty, version-name stores the file's value in
    # that (exported) variable, so the child pyenv-version-origin blames the environment variable.
    from_env = sel.source_kind == "PYENV_VERSION" or "PYENV_VERSION" in env
    origin = "PYENV_VERSION environment variable" if from_env else sel.source
    assert all(o == origin for _, o in reported), "origin differs" + context
    invalid = [m.group(1) for m in map(_INVALID.match, lines) if m]
    assert invalid == (sel.version_file.rejected if sel.version_file else []), "rejected differs" + context


def check_scenario(roots: dict[str, Path], sc: dict[str, object]) -> None:
    root = roots[str(sc["root"])]
    global_file = root / "version"
    if sc["global"] is None:
        global_file.unlink(missing_ok=True)
    else:
        global_file.write_bytes(sc["global"])  # type: ignore[arg-type]
    base = Path(tempfile.mkdtemp(prefix="tree-", dir=root.parent))
    try:
        _build_tree(base, sc)
        start = str(base / str(sc["start"])) if sc["start"] else str(base)
        env = _env(root, sc, base)
        sel = select_python(start, env)
        rc, out, err = run_pyenv(env, start)
        compare(sel, rc, out, err, env)
        if not currently_in_test_context():
            return
        event(f"source: {sel.source_kind}")
        event("fatal" if sel.fatal else "missing" if sel.missing else "ok")
        if any(name != got for name, got in zip(sel.requested, sel.resolved) if got):
            event("resolved a prefix / python- / option name")
        if sel.version_file is not None and sel.version_file.rejected:
            event("rejected traversal")
        if sel.version_file is not None and len(sel.version_file.names) > 1:
            event("several versions in one file")
    finally:
        shutil.rmtree(base, ignore_errors=True)


COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}


# Each pyenv call costs 50 ms plus ~90 ms per name it cannot resolve (pyenv-latest, version-origin),
# so the default run keeps files short; the slow run explores longer files.
@settings(max_examples=150, **COMMON)  # type: ignore[arg-type]
@given(sc=scenario(max_lines=3))
def test_matches_real_pyenv(roots: dict[str, Path], sc: dict[str, object]) -> None:
    check_scenario(roots, sc)


@pytest.mark.slow
@settings(max_examples=2000, **COMMON)  # type: ignore[arg-type]
@given(sc=scenario(max_lines=6))
def test_matches_real_pyenv_long(roots: dict[str, Path], sc: dict[str, object]) -> None:
    check_scenario(roots, sc)


# --------------------------------------------------------------------------- targeted cases


@pytest.mark.parametrize(
    "content",
    [
        b"3.12.1\n",
        b"3.12\r\n",
        b"  3.11.7 # pinned\n\n# comment\n3.13t\n",
        b"\0" * 3 + b"3.12.1\n",
        b" " * 1020 + b"3.12.1\n",
        b"../3.12.1\n3.9.18/envs/proj\n",
        b"-b\n",
        b"python-3.12:3.11\n",
        b"x" * 5000 + b"\n3.12.1\n",
    ],
    ids=lambda content: repr(content)[:40],
)
def test_known_contents(roots: dict[str, Path], content: bytes) -> None:
    check_scenario(
        roots,
        {
            "root": "full",
            "files": {"p0": content},
            "global": None,
            "start": "p0/p1",
            "pyenv_version": None,
            "pyenv_dir": None,
            "glob_files": [],
        },
    )


def test_utf16_bom_is_a_documented_difference(roots: dict[str, Path]) -> None:
    """PowerShell 5.1 ``echo 3.12.1 > .python-version``: we decode, pyenv reads garbage."""
    root = roots["full"]
    base = Path(tempfile.mkdtemp(prefix="bom-", dir=root.parent))
    try:
        (base / ".python-version").write_bytes("\ufeff3.12.1\r\n".encode("utf-16-le"))
        env = {"HOME": HOME, "PYENV_ROOT": str(root)}
        sel = select_python(str(base), env)
        assert sel.version_name() == "3.12.1" and sel.ok
        assert sel.version_file is not None and sel.version_file.encoding == "utf-16-le"
        rc, out, err = run_pyenv(env, str(base))
        assert rc == 1 and out == "\n"
        assert "version `\udcff\udcfe3.12.1' is not installed" in err  # bash dropped the NUL bytes
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize(
    "value",
    ["3.12\n", "zz\n3.11.7", "3.11\nzz", "q\n3.1\nz", "x\n", "proj\nq", "\n", "\nq", "3.13t\n", "q\n3.12.1-"],
)
def test_newline_in_pyenv_version(roots: dict[str, Path], tmp_path: Path, value: str) -> None:
    """A newline in PYENV_VERSION turns pyenv-latest's grep into several patterns."""
    env = {"HOME": HOME, "PYENV_ROOT": str(roots["full"]), "PYENV_VERSION": value}
    sel = select_python(str(tmp_path), env)
    rc, out, _ = run_pyenv(env, str(tmp_path))
    assert (out, rc == 0) == (sel.version_name() + "\n", sel.ok)
