"""pyenv's ``.python-version`` semantics, re-implemented without running pyenv.

This module answers "which Python would ``pyenv version-name`` select in this
directory, and where does it live?" exactly like pyenv 2.6 (bash scripts in
``$PYENV_ROOT/libexec``) does, but in-process and in well under a millisecond
for the common cases.  It sits on the shell's cold path, so it imports only
``os``, ``sys`` and ``stat`` (all already loaded by the interpreter at start-up).

Emulated pyenv scripts (pyenv 2.6.x):

* ``pyenv`` (main):      ``PYENV_ROOT`` default and trailing ``/`` strip, ``PYENV_DIR`` check and
                         logical ``cd``.
* ``pyenv-version-file``: nearest ``.python-version`` walking up ``PYENV_DIR`` then ``$PWD``
                         (logical paths; stops at ``//host``), else ``$PYENV_ROOT/version``.
* ``pyenv-version-file-read``: ``read -n 1024 -r version _`` per line (first word of every
                         1024-byte chunk), IFS = space/tab/newline/CR, ``#`` comments, NUL bytes
                         dropped, ``is_version_safe`` (``..`` and ``/`` names must ``cd`` to a
                         directory below ``$PYENV_ROOT/versions/``).
* ``pyenv-version-name``: ``PYENV_VERSION`` (non-empty) wins; ``system``; the value is split on
                         ``:`` (empty fields kept, one trailing empty field dropped) and each field
                         is subject to pathname expansion in the current directory (yes, pyenv
                         globs: a ``*`` in ``.python-version`` expands to file names); then exact
                         directory, ``python-`` prefix strip, ``pyenv-latest -b`` prefix match.
* ``pyenv-latest -b``:    option parsing (so a version named ``-b`` or ``-f`` resolves to the empty
                         name, ``-k`` fails), ``t`` (free-threaded) suffix, ``-dev``/``-src``/
                         ``-latest``/pre-release filter, the ``sort -t. -k1,1r -k2,2nr -k3,3nr
                         -k4,4nr`` ordering with GNU sort's whole-line last-resort comparison, and
                         the ``cut -d'|' -f2`` at the end.

Surprising pyenv behaviours that are reproduced (all checked against pyenv 2.6.30): an empty,
comment-only or unreadable ``.python-version`` means ``system`` (no fall-back to the global file);
a word longer than 1024 bytes is cut into several "versions"; ``3.12.1/`` and ``/3.12.1`` are
accepted and printed as written; ``a:..`` smuggles ``..`` past the traversal check; ``a::b`` keeps
the empty name; a newline in ``PYENV_VERSION`` makes pyenv-latest's greps match several patterns;
started in ``/`` itself, the root's file is reported as ``//.python-version``.

pyenv-virtualenv needs no special code: ``versions/<env>`` is a symlink to
``versions/<ver>/envs/<env>`` and is therefore an installed directory like any other; the long
form ``<ver>/envs/<env>`` passes ``is_version_safe``.  (The plugin installs no ``version-name``
hooks.)

Deliberate, documented differences from pyenv:

* Size bound: at most :data:`MAX_VERSION_FILE_BYTES` (64 KiB) of a version file are read; words
  are taken only from 1024-byte read units lying entirely inside that bound, and ``problem``
  says the file was truncated.  pyenv reads the whole file (a multi-GB file makes it hang).
* Byte order marks: a file starting with a UTF-16 BOM (``echo 3.12 > .python-version`` in Windows
  PowerShell 5.1) or a UTF-8 BOM is decoded first.  pyenv reads the raw bytes; bash drops the NUL
  bytes, so it sees the word ``\\xff\\xfe3.12`` and reports ``version `\\xff\\xfe3.12' is not
  installed``.  :attr:`VersionFileContent.encoding` records that we decoded.
* Unsafe resolved names: pyenv accepts ``.``, ``..`` (via ``a:..``), the empty name (``::``,
  ``-b``) etc. and would put ``$PYENV_ROOT/versions/../bin`` on PATH.  :meth:`PythonSelection.
  version_name` reproduces pyenv's output, but such names get no entry in ``bin_dirs`` and are
  reported in ``problem``.
* Approximations (no effect on any real-world file): the C locale is assumed (``read -n`` counts
  bytes, glob/sort compare bytes); ``mawk``'s ``substr(s, 0, n)`` (this is what Debian/Ubuntu ship;
  gawk would drop one character of the sort key for names like ``miniconda3-4.7``); glob patterns
  containing ``/`` are not expanded; version directory names are assumed to contain no newline,
  ``|`` is handled like pyenv but glob characters in directory names are not; ``CDPATH`` is
  ignored; a relative ``PYENV_ROOT`` is resolved against ``start_dir``.
"""

from __future__ import annotations

import os
import stat
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ENV_KEYS",
    "MAX_VERSION_FILE_BYTES",
    "PythonSelection",
    "VersionFileContent",
    "find_version_file",
    "global_version_file",
    "installed_versions",
    "latest_installed",
    "pyenv_root",
    "read_version_file",
    "resolve_version",
    "select_python",
    "split_version_string",
    "version_bin_dir",
    "version_prefix",
    "versions_dir",
]

#: Environment variables that influence the answer (a cache must key on them).
ENV_KEYS = ("PYENV_VERSION", "PYENV_ROOT", "PYENV_DIR", "HOME")

#: Upper bound on the bytes of a version file we read (pyenv reads everything).
MAX_VERSION_FILE_BYTES = 64 * 1024

#: pyenv-version-file-read uses ``read -n 1024``: a longer line is read in 1024-byte units and the
#: first word of *each* unit counts as a version.
_READ_UNIT = 1024

_LOCAL_FILE = ".python-version"
_IFS_WS = b" \t\r\n"
_DIGITS = "0123456789"


# --------------------------------------------------------------------------- value objects


class VersionFileContent:
    """What ``pyenv version-file-read`` gets out of one file."""

    __slots__ = ("encoding", "names", "path", "problem", "rejected")

    def __init__(
        self,
        path: str,
        names: list[str],
        rejected: list[str] | None = None,
        problem: str | None = None,
        encoding: str | None = None,
    ) -> None:
        #: the file that was read
        self.path = path
        #: accepted words, in order, exactly as written (may themselves contain ``:``)
        self.names = names
        #: words pyenv ignores with "invalid version ... ignored" (path traversal)
        self.rejected = rejected if rejected is not None else []
        #: one-line description of a read problem (unreadable, truncated, not a file), else None
        self.problem = problem
        #: None when the bytes were used as-is (like pyenv); else the BOM encoding we decoded
        self.encoding = encoding

    def value(self) -> str:
        """The string pyenv-version-file-read prints (names joined by ``:``); "" if it fails."""
        return ":".join(self.names)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VersionFileContent):
            return NotImplemented
        return (
            self.path == other.path
            and self.names == other.names
            and self.rejected == other.rejected
            and self.problem == other.problem
            and self.encoding == other.encoding
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"VersionFileContent(path={self.path!r}, names={self.names!r}, rejected={self.rejected!r}, "
            f"problem={self.problem!r}, encoding={self.encoding!r})"
        )


class PythonSelection:
    """The outcome of ``pyenv version-name`` plus what a caller needs to activate it."""

    __slots__ = (
        "bin_dirs",
        "fatal",
        "missing",
        "problem",
        "requested",
        "resolved",
        "root",
        "source",
        "source_kind",
        "version_file",
        "watch_paths",
    )

    def __init__(
        self,
        requested: list[str],
        resolved: list[str | None],
        source: str,
        source_kind: str,
        root: str,
        bin_dirs: list[str] | None = None,
        missing: list[str] | None = None,
        problem: str | None = None,
        watch_paths: list[str] | None = None,
        version_file: VersionFileContent | None = None,
        fatal: bool = False,
    ) -> None:
        #: names pyenv iterates over (value split on ``:``, globs expanded), as written
        self.requested = requested
        #: per requested name: the installed directory name it resolves to, "system", or None
        self.resolved = resolved
        #: like ``pyenv version-origin``: "PYENV_VERSION" or the path of the version file
        self.source = source
        #: "PYENV_VERSION" | "local" | "global" | "default" (global file absent/empty) | "error"
        self.source_kind = source_kind
        #: the PYENV_ROOT in effect
        self.root = root
        #: ``$PYENV_ROOT/versions/<name>/bin`` for each resolved non-system version, in order
        self.bin_dirs = bin_dirs if bin_dirs is not None else []
        #: requested names that are not installed (what pyenv reports as "not installed")
        self.missing = missing if missing is not None else []
        #: one-line human description of what is wrong, or None
        self.problem = problem
        #: paths whose modification can change the answer (dirs probed, files read, versions dir)
        self.watch_paths = watch_paths if watch_paths is not None else []
        #: the version file read, if any
        self.version_file = version_file
        #: True when pyenv would abort before selecting anything (bad PYENV_DIR / start dir)
        self.fatal = fatal

    @property
    def ok(self) -> bool:
        """True when ``pyenv version-name`` would exit 0."""
        return not self.fatal and not self.missing

    def version_name(self) -> str:
        """Exactly what ``pyenv version-name`` prints on stdout (without the newline)."""
        if self.fatal:
            return ""
        return ":".join([name for name in self.resolved if name is not None])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PythonSelection):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"PythonSelection({fields})"


# --------------------------------------------------------------------------- layout (pyenv, POSIX)


def pyenv_root(environ: Mapping[str, str]) -> str:
    """``$PYENV_ROOT`` as the pyenv main script computes it (one trailing ``/`` stripped)."""
    root = environ.get("PYENV_ROOT", "")
    if root:
        return root[:-1] if root.endswith("/") else root
    home = environ.get("HOME")
    if home is None:  # bash sets HOME from the password database when it is unset
        home = os.path.expanduser("~")
    return home + "/.pyenv"


def versions_dir(root: str) -> str:
    """Directory holding one sub-directory (or symlink) per installed version."""
    return root + "/versions"


def version_prefix(root: str, name: str) -> str:
    """``$PYENV_ROOT/versions/<name>`` spelled the way pyenv spells it (plain concatenation)."""
    return root + "/versions/" + name


def version_bin_dir(root: str, name: str) -> str:
    """The directory to put on PATH for an installed version (normalised)."""
    parts = [part for part in name.split("/") if part]
    return root + "/versions/" + "/".join(parts) + "/bin"


def global_version_file(root: str) -> str:
    return root + "/version"


# --------------------------------------------------------------------------- bash path helpers


def _isdir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _isfile(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _canonpath(path: str) -> str | None:
    """bash ``sh_canonpath(path, PATH_CHECKDOTDOT|PATH_CHECKEXISTS)`` for an absolute path."""
    lead = "//" if path.startswith("//") and not path.startswith("///") else "/"
    parts: list[str] = []
    for comp in path.split("/"):
        if not comp or comp == ".":
            continue
        if comp == "..":
            if not _isdir(lead + "/".join(parts)):
                return None
            if parts:
                parts.pop()
            continue
        parts.append(comp)
    return lead + "/".join(parts)


def _bash_cd(target: str, pwd: str) -> str | None:
    """The new ``$PWD`` after bash's (logical) ``cd target`` from ``pwd``, or None if it fails."""
    if not target:
        return None
    path = target if target.startswith("/") else pwd + "/" + target
    canon = _canonpath(path)
    if canon is not None and _isdir(canon):
        return canon
    if _isdir(path):  # bash retries the path verbatim and then uses getcwd()
        return os.path.realpath(path)
    return None


def _shell_pwd(start_dir: str) -> str:
    """``$PWD`` of a bash started in ``start_dir`` (with ``PWD=start_dir`` in its environment)."""
    if not start_dir.startswith("/"):
        start_dir = os.getcwd() + "/" + start_dir
    canon = _canonpath(start_dir)
    return canon if canon is not None else os.path.realpath(start_dir)


# --------------------------------------------------------------------------- version files


def _find_local(directory: str, probed: list[str]) -> str | None:
    """``find_local_version_file`` from pyenv-version-file."""
    root = directory
    while not (root.startswith("//") and "/" not in root[2:]):
        probed.append(root or "/")
        candidate = root + "/" + _LOCAL_FILE
        if _isfile(candidate):
            return candidate
        if not root:
            break
        cut = root.rfind("/")
        if cut < 0:  # relative path: pyenv would loop forever; it never gets one
            break
        root = root[:cut]
    return None


def _effective_dirs(start_dir: str, environ: Mapping[str, str]) -> tuple[str, str, str | None]:
    """(PWD, PYENV_DIR, error) as set up by the pyenv main script."""
    pwd = _shell_pwd(start_dir)
    pyenv_dir = environ.get("PYENV_DIR", "")
    if not pyenv_dir:
        if not _isdir(pwd):
            return pwd, pwd, f"cannot change working directory to `{pwd}'"
        return pwd, pwd, None
    test = pyenv_dir if pyenv_dir.startswith("/") else pwd + "/" + pyenv_dir
    new = _bash_cd(pyenv_dir, pwd) if _isdir(test) else None
    if new is None:
        return pwd, pwd, f"cannot change working directory to `{pyenv_dir}'"
    return pwd, new, None


def _find_version_file(
    start_dir: str, environ: Mapping[str, str], probed: list[str]
) -> tuple[str | None, str, str | None]:
    pwd, pyenv_dir, error = _effective_dirs(start_dir, environ)
    if error is not None:
        return None, pwd, error
    found = _find_local(pyenv_dir, probed)
    if found is None and pyenv_dir != pwd:
        found = _find_local(pwd, probed)
    return found, pwd, None


def find_version_file(start_dir: str, environ: Mapping[str, str]) -> str | None:
    """Path of the ``.python-version`` pyenv would use for ``start_dir``, or None (global/default).

    ``start_dir`` is the shell's logical ``$PWD``; the walk is textual (``/a/link/b`` checks
    ``/a/link``, not the symlink target's parent), starts at ``$PYENV_DIR`` when set, and
    includes ``/``.
    """
    return _find_version_file(start_dir, environ, [])[0]


def _is_version_safe(version: str, root: str, pwd: str) -> bool:
    """pyenv-version-file-read's guard against path traversal (CVE-2022-35861)."""
    if version != ".." and "/" not in version:
        return True
    new_pwd = _bash_cd(root + "/versions/" + version, pwd)
    return new_pwd is not None and new_pwd.startswith(root + "/versions/")


def _decode_bom(data: bytes) -> tuple[bytes, str | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        text = data[2:].decode(encoding, "replace")
        try:
            return text.encode(sys.getfilesystemencoding(), "surrogateescape"), encoding
        except UnicodeError:
            return text.encode(sys.getfilesystemencoding(), "replace"), encoding
    return data, None


def _first_words(data: bytes, truncated: bool) -> list[bytes]:
    """First word of every ``read -n 1024`` unit, NUL bytes dropped, empty words skipped."""
    data = data.replace(b"\0", b"")
    words: list[bytes] = []
    pos = 0
    size = len(data)
    while pos < size:
        newline = data.find(b"\n", pos, pos + _READ_UNIT)
        if newline >= 0:
            unit = data[pos:newline]
            pos = newline + 1
        elif pos + _READ_UNIT <= size:
            unit = data[pos : pos + _READ_UNIT]
            pos += _READ_UNIT
        elif truncated:  # this unit continues past the bound: pyenv would read more of it
            break
        else:  # last line without newline
            unit = data[pos:]
            pos = size
        unit = unit.lstrip(_IFS_WS)
        if not unit:
            continue
        end = len(unit)
        for sep in (b" ", b"\t", b"\r"):
            cut = unit.find(sep, 0, end)
            if cut >= 0:
                end = cut
        words.append(unit[:end])
    return words


def read_version_file(path: str, root: str | None = None, cwd: str | None = None) -> VersionFileContent:
    """Read a version file the way ``pyenv version-file-read`` does.

    ``root`` is PYENV_ROOT (for the traversal check of names containing ``/``); None means
    ``pyenv_root(os.environ)``.  ``cwd`` only matters for a relative root.  Never raises.
    """
    if root is None:
        root = pyenv_root(os.environ)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return VersionFileContent(path, [])
    except (OSError, ValueError) as exc:
        return VersionFileContent(path, [], problem=f"cannot read {path}: {_strerror(exc)}")
    chunks: list[bytes] = []
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return VersionFileContent(path, [], problem=f"cannot read {path}: it is a directory")
        if not stat.S_ISREG(info.st_mode):
            return VersionFileContent(path, [], problem=f"{path} is not a regular file")
        if info.st_size == 0:  # `[ -s file ]` is false: pyenv does not read it
            return VersionFileContent(path, [])
        total = 0
        while total <= MAX_VERSION_FILE_BYTES:
            chunk = os.read(fd, MAX_VERSION_FILE_BYTES + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        return VersionFileContent(path, [], problem=f"cannot read {path}: {_strerror(exc)}")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    problem = None
    truncated = len(data) > MAX_VERSION_FILE_BYTES
    if truncated:
        data = data[:MAX_VERSION_FILE_BYTES]
        problem = f"{path} is larger than {MAX_VERSION_FILE_BYTES} bytes; the rest was ignored"
    data, encoding = _decode_bom(data)
    names: list[str] = []
    rejected: list[str] = []
    pwd: str | None = cwd
    for raw in _first_words(data, truncated):
        word = os.fsdecode(raw)
        if word.startswith("#"):
            continue
        if word == ".." or "/" in word:
            if pwd is None:
                pwd = os.getcwd()
            if not _is_version_safe(word, root, pwd):
                rejected.append(word)
                continue
        names.append(word)
    return VersionFileContent(path, names, rejected, problem, encoding)


def _strerror(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# --------------------------------------------------------------------------- splitting and globbing


def split_version_string(value: str, cwd: str | None = None) -> list[str]:
    """``for version in ${PYENV_VERSION}`` with ``IFS=:``: split, then glob each field in ``cwd``.

    Empty fields are kept (``a::b`` has three), a single trailing empty field is dropped.  With
    ``cwd=None`` no pathname expansion is done.
    """
    if not value:
        return []
    fields = value.split(":")
    if fields[-1] == "":
        fields.pop()
    if cwd is None:
        return fields
    result: list[str] = []
    for field in fields:
        if field and _is_glob_pattern(field):
            result.extend(_glob(field, cwd))
        else:
            result.append(field)
    return result


def _is_glob_pattern(word: str) -> bool:
    """bash ``unquoted_glob_pattern_p``: an unescaped ``*``/``?``, or ``[`` ... ``]``."""
    opened = False
    i = 0
    n = len(word)
    while i < n:
        char = word[i]
        if char == "\\":
            i += 2
            continue
        if char in "*?":
            return True
        if char == "[":
            opened = True
        elif char == "]" and opened:
            return True
        i += 1
    return False


def _glob(pattern: str, cwd: str) -> list[str]:
    if "/" in pattern:  # not emulated (never seen in practice); kept literal
        return [pattern]
    try:
        entries = os.listdir(cwd)
    except (OSError, ValueError):
        return [pattern]
    explicit_dot = pattern.startswith((".", "\\."))
    matches = [
        name
        for name in entries
        if (explicit_dot or not name.startswith(".")) and name not in (".", "..") and _match(pattern, name)
    ]
    if not matches:
        return [pattern]
    matches.sort(key=os.fsencode)
    return matches


def _bracket(pattern: str, i: int, char: str) -> tuple[bool, int] | None:
    """Match ``char`` against the bracket expression starting at ``pattern[i] == '['``.

    Returns (matched, index after ``]``) or None when the bracket is not closed (then ``[`` is an
    ordinary character).
    """
    n = len(pattern)
    j = i + 1
    negate = j < n and pattern[j] in "!^"
    if negate:
        j += 1
    matched = False
    first = True
    while True:
        if j >= n:
            return None
        c = pattern[j]
        if c == "]" and not first:
            return (matched != negate), j + 1
        first = False
        # [:class:] cannot occur: the value was split on ':' before globbing.
        if c == "[" and j + 1 < n and pattern[j + 1] in "=.":
            kind = pattern[j + 1]
            close = pattern.find(kind + "]", j + 2)
            if close >= 0:
                if pattern[j + 2 : close] == char:
                    matched = True
                j = close + 2
                continue
        if c == "\\" and j + 1 < n:
            j += 1
            c = pattern[j]
        low = c
        j += 1
        if j + 1 < n and pattern[j] == "-" and pattern[j + 1] != "]":
            high = pattern[j + 1]
            j += 2
            if high == "\\" and j < n:
                high = pattern[j]
                j += 1
            if os.fsencode(low) <= os.fsencode(char) <= os.fsencode(high):
                matched = True
        elif c == char:
            matched = True


def _match(pattern: str, name: str) -> bool:
    """bash ``strmatch`` (no extglob, C locale) of a whole file name."""
    p = 0
    s = 0
    star_p = -1
    star_s = 0
    np = len(pattern)
    ns = len(name)
    while s < ns:
        if p < np:
            c = pattern[p]
            if c == "*":
                star_p = p
                star_s = s
                p += 1
                continue
            if c == "?":
                p += 1
                s += 1
                continue
            if c == "[":
                result = _bracket(pattern, p, name[s])
                if result is not None:
                    if result[0]:
                        p = result[1]
                        s += 1
                        continue
                elif name[s] == "[":
                    p += 1
                    s += 1
                    continue
            else:
                if c == "\\" and p + 1 < np:
                    p += 1
                    c = pattern[p]
                if c == name[s]:
                    p += 1
                    s += 1
                    continue
        if star_p < 0:
            return False
        star_s += 1
        s = star_s
        p = star_p + 1
    while p < np and pattern[p] == "*":
        p += 1
    return p == np


# --------------------------------------------------------------------------- version resolution


def installed_versions(root: str) -> list[str]:
    """``pyenv versions --bare --skip-envs`` (unsorted): every directory, hidden ones included."""
    base = versions_dir(root)
    try:
        entries = os.listdir(base)
    except (OSError, ValueError):
        return []
    return [name for name in entries if _isdir(base + "/" + name)]


def _numeric_key(field: bytes) -> int:
    """GNU ``sort -n`` value of a field that contains no ``.``."""
    i = 0
    n = len(field)
    while i < n and field[i] in b" \t":
        i += 1
    negative = i < n and field[i] == 0x2D  # "-"
    if negative:
        i += 1
    start = i
    while i < n and 0x30 <= field[i] <= 0x39:
        i += 1
    value = int(field[start:i]) if i > start else 0
    return -value if negative else value


def _sort_before(a: bytes, b: bytes) -> bool:
    """Does line ``a`` sort before ``b`` under ``sort -t. -k1,1r -k2,2nr -k3,3nr -k4,4nr``?"""
    fa = a.split(b".")
    fb = b.split(b".")
    if fa[0] != fb[0]:
        return fa[0] > fb[0]
    for k in (1, 2, 3):
        va = _numeric_key(fa[k]) if k < len(fa) else 0
        vb = _numeric_key(fb[k]) if k < len(fb) else 0
        if va != vb:
            return va > vb
    return a < b  # GNU sort's last-resort comparison of whole lines (not reversed)


def _latest_key(name: bytes) -> bytes:
    """The awk step of pyenv-latest (mawk semantics for ``substr($0, 0, n)``)."""
    run = 0
    n = len(name)
    while run < n and (0x30 <= name[run] <= 0x39 or 0x41 <= name[run] <= 0x5A or 0x61 <= name[run] <= 0x7A):
        run += 1
    if run and run < n and name[run] == 0x2D:  # "^[[:alnum:]]+-" matched, RLENGTH = run + 1
        return name[:run] + b"." + name[run + 1 :] + b"..|" + name
    return name + b"...|" + name


def _prerelease(name: str) -> bool:
    """sed ``/(a|b|rc)[0-9]+$/d``."""
    stripped = name.rstrip(_DIGITS)
    return len(stripped) < len(name) and stripped.endswith(("a", "b", "rc"))


def _tail_match(name: str, start: int, suffix: str) -> bool:
    """Does ``[-.].*<suffix>$`` match ``name`` at ``start``?"""
    if start >= len(name) or name[start] not in "-.":
        return False
    return name.endswith(suffix) and len(name) - len(suffix) > start


def _grep_latest(name: str, prefix: str, suffix: str) -> bool:
    """``grep -Ee "^<prefix>[-.].*<suffix>$"`` with the prefix quoted literally.

    A prefix containing newlines (only possible via PYENV_VERSION) makes several patterns: the
    first anchored, the middle ones plain substrings, the last one unanchored with the tail.
    """
    lines = prefix.split("\n")
    while len(lines) > 1 and not lines[-1]:  # $(sed ...) strips trailing newlines
        lines.pop()
    if len(lines) == 1:
        return name.startswith(lines[0]) and _tail_match(name, len(lines[0]), suffix)
    if name.startswith(lines[0]) or any(line in name for line in lines[1:-1]):
        return True
    last = lines[-1]
    at = name.find(last)
    while at >= 0:
        if _tail_match(name, at + len(last), suffix):
            return True
        at = name.find(last, at + 1)
    return False


def _latest(root: str, args: list[str]) -> str | None:
    """``pyenv-latest <args>`` for installed versions: stdout if it exits 0, else None."""
    known = force = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-k", "--known"):
            known = True
        elif arg in ("-b", "--bypass"):
            pass
        elif arg in ("-f", "--force"):
            force = True
        else:
            break
        i += 1
    prefix = args[i] if i < len(args) else ""
    if known:
        # Only reachable for a version literally named -k/--known: the prefix is then "" and no
        # python-build definition starts with "-" or ".", so it fails (unless forced).
        return prefix if force else None
    if _isdir(version_prefix(root, prefix)):
        return prefix
    candidates = installed_versions(root)
    # `printf '%s\n' "${candidates[@]}" | grep -qxFe "$prefix"`: every line of the prefix is a
    # fixed string; an empty array still prints one empty line.
    listed = candidates or [""]
    if any(line in listed for line in prefix.split("\n")):
        return prefix
    suffix = ""
    if len(prefix) >= 2 and prefix.endswith("t") and prefix[-2] in _DIGITS:
        suffix = "t"
        prefix = prefix[:-1]
    best: bytes | None = None
    for name in candidates:
        if not _grep_latest(name, prefix, suffix):
            continue
        if name.endswith(("-dev", "-src", "-latest")) or _prerelease(name):
            continue
        if not suffix and len(name) >= 2 and name.endswith("t") and name[-2] in _DIGITS:
            continue
        line = _latest_key(os.fsencode(name))
        if best is None or _sort_before(line, best):
            best = line
    if best is not None:
        result = best.split(b"|")[1]
        if result:
            return os.fsdecode(result)
    return prefix if force else None


def latest_installed(root: str, prefix: str) -> str | None:
    """``pyenv latest -b <prefix>``: newest installed version matching a prefix, else None."""
    return _latest(root, ["-b", prefix])


def resolve_version(root: str, version: str) -> str | None:
    """One iteration of pyenv-version-name's loop: the installed name ``version`` selects, or None."""
    if version == "system" or _isdir(version_prefix(root, version)):
        return version
    normalised = version[7:] if version.startswith("python-") else version
    if normalised != version and _isdir(version_prefix(root, normalised)):
        return normalised
    resolved = _latest(root, ["-b", version])
    if resolved is None and normalised != version:
        resolved = _latest(root, ["-b", normalised])
    return resolved


def _escapes_versions_dir(name: str) -> bool:
    parts = [part for part in name.split("/") if part]
    return not parts or "." in parts or ".." in parts


# --------------------------------------------------------------------------- python-build's definitions
#
# Which versions ``pyenv install`` knows, read without running it: used only when a pinned version is not
# installed, to tell "run: pyenv install 3.12.4" from a version that exists nowhere (``3.99``), for which
# that advice would only end in "definition not found". python-build looks for a definition file named
# like the version in ``$PYTHON_BUILD_DEFINITIONS`` (colon-separated), in every
# ``$PYENV_ROOT/plugins/*/share/python-build``, and in its own ``share/python-build`` (a packaged pyenv's:
# ``PACKAGED_PYENVS``); ``pyenv install 3.12`` takes the newest known 3.12.x
# by the rules of ``pyenv latest -k``.


#: Where packaged pyenvs keep python-build (Homebrew on Apple silicon, on Intel, on Linux; distribution
#: packages). Known places, not the ``pyenv`` on PATH: PATH is no input of resolution (activation changes
#: it), and an answer must depend only on what the cache key records.
PACKAGED_PYENVS = (
    "/opt/homebrew/opt/pyenv",
    "/usr/local/opt/pyenv",
    "/home/linuxbrew/.linuxbrew/opt/pyenv",
    "/usr/share/pyenv",
    "/usr/lib/pyenv",
)


def definition_dirs(root: str, environ: Mapping[str, str]) -> list[str]:
    """The directories python-build reads definitions from, those that exist."""
    found = [d for d in environ.get("PYTHON_BUILD_DEFINITIONS", "").split(":") if d]
    try:
        plugins = sorted(os.listdir(os.path.join(root, "plugins")))
    except OSError:
        plugins = []
    found.extend(os.path.join(root, "plugins", name, "share", "python-build") for name in plugins)
    if environ.get("PYTHON_BUILD_ROOT"):
        found.append(os.path.join(environ["PYTHON_BUILD_ROOT"], "share", "python-build"))
    for prefix in PACKAGED_PYENVS:
        found.append(os.path.join(prefix, "plugins", "python-build", "share", "python-build"))
    return [d for d in dict.fromkeys(found) if os.path.isdir(d)]


def known_versions(root: str, environ: Mapping[str, str]) -> set[str] | None:
    """Every version ``pyenv install --list`` shows; ``None`` when no definitions can be found."""
    dirs = definition_dirs(root, environ)
    if not dirs:
        return None
    names: set[str] = set()
    for directory in dirs:
        try:
            names.update(n for n in os.listdir(directory) if n != "patches")
        except OSError:
            continue
    return names


def installable(name: str, known: set[str]) -> bool:
    """Would ``pyenv install NAME`` find a definition (exactly, or as a prefix like ``3.12``)?"""
    if name in known:
        return True
    prefix, suffix = name, ""
    if len(prefix) >= 2 and prefix.endswith("t") and prefix[-2].isdigit():
        prefix, suffix = prefix[:-1], "t"
    for candidate in known:
        if not _grep_latest(candidate, prefix, suffix):
            continue
        if candidate.endswith(("-dev", "-src", "-latest")) or _prerelease(candidate):
            continue
        if not suffix and len(candidate) >= 2 and candidate.endswith("t") and candidate[-2].isdigit():
            continue
        return True
    return False


# --------------------------------------------------------------------------- the selection


def _missing_problem(missing: list[str], source: str, root: str, environ: Mapping[str, str]) -> str:
    """"Python X from F is not installed; run: pyenv install X", unless pyenv knows no such version:
    then the advice would only end in "definition not found" (python-build's definitions decide)."""
    wanted = [name[7:] if name.startswith("python-") else name for name in missing]
    known = known_versions(root, environ)
    unknown = [w for w in wanted if known is not None and not installable(w, known)]
    verb = "is" if len(missing) == 1 else "are"
    text = f"Python {', '.join(missing)} from {source} {verb} not installed"
    installs = [w for w in wanted if w not in unknown]
    if installs:
        text += f"; run: pyenv install {' '.join(installs)}"
    if unknown:
        text += f"; pyenv has no version {', '.join(unknown)} to install (see: pyenv install --list)"
    return text


def select_python(start_dir: str, environ: Mapping[str, str]) -> PythonSelection:
    """What ``pyenv version-name`` selects when run in ``start_dir`` with ``environ``.

    ``start_dir`` is the shell's logical ``$PWD``.  Never raises, never prints.
    """
    root = pyenv_root(environ)
    probed: list[str] = []
    watch: list[str] = []
    version_file: VersionFileContent | None = None
    problems: list[str] = []
    try:
        value = environ.get("PYENV_VERSION", "")
        if value:
            pwd, _, error = _effective_dirs(start_dir, environ)
            source = kind = "PYENV_VERSION"
            watch.append(pwd)
        else:
            found, pwd, error = _find_version_file(start_dir, environ, probed)
            if found is not None:
                source, kind = found, "local"
            else:
                source, kind = global_version_file(root), "global"
            if error is None:
                version_file = read_version_file(source, root, pwd)
                value = version_file.value()
                if not value and kind == "global":
                    kind = "default"
                if version_file.rejected:
                    shown = ", ".join(f"`{name}'" for name in version_file.rejected)
                    problems.append(f"invalid version {shown} ignored in {source}")
                if version_file.problem:
                    problems.append(version_file.problem)
            watch.extend(probed)
            watch.append(source)
        if error is not None:
            return PythonSelection(
                [], [], "", "error", root, problem=f"pyenv: {error}", watch_paths=watch, fatal=True
            )
        watch.append(versions_dir(root))

        requested = ["system"] if not value or value == "system" else split_version_string(value, pwd)
        resolved: list[str | None] = []
        bin_dirs: list[str] = []
        missing: list[str] = []
        unsafe: list[str] = []
        for name in requested:
            got = resolve_version(root, name)
            resolved.append(got)
            if got is None:
                missing.append(name)
            elif got != "system":
                if _escapes_versions_dir(got):
                    unsafe.append(got)
                else:
                    bin_dirs.append(version_bin_dir(root, got))
        if missing:
            shown_source = "PYENV_VERSION" if kind == "PYENV_VERSION" else source
            problems.insert(0, _missing_problem(missing, shown_source, root, environ))
        if unsafe:
            shown = ", ".join(f"`{name}'" for name in unsafe)
            problems.append(f"version {shown} from {source} is not a directory inside {versions_dir(root)}")
        return PythonSelection(
            requested,
            resolved,
            source,
            kind,
            root,
            bin_dirs=bin_dirs,
            missing=missing,
            problem="; ".join(problems) or None,
            watch_paths=watch,
            version_file=version_file,
        )
    except Exception as exc:  # pragma: no cover - defensive: the cold path must never crash
        return PythonSelection(
            [], [], "", "error", root, problem=f"internal error: {exc!r}", watch_paths=watch, fatal=True
        )
