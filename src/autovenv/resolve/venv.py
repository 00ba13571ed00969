"""Inspect a virtual environment on disk without running it: pyvenv.cfg, interpreter, prompt, origin.

Everything here is read from files (a venv's interpreter is never started on the prompt path), and bad
input yields a ``problem`` string instead of an exception, so the caller can print one line and move on.
"""

from __future__ import annotations

import os

from autovenv.files import read_regular

#: pyvenv.cfg is a few hundred bytes; anything much larger is not one.
MAX_CFG_BYTES = 64 * 1024


class VenvInfo:
    """What a venv directory holds, as far as activation and trust care."""

    __slots__ = (
        "bin_dir",
        "cfg",
        "interpreter_missing",
        "named_by",
        "path",
        "problem",
        "prompt",
        "python",
        "version",
    )

    def __init__(
        self,
        path: str,
        bin_dir: str,
        python: str,
        cfg: dict[str, str],
        version: str | None,
        prompt: str,
        problem: str | None,
    ) -> None:
        self.path = path
        self.bin_dir = bin_dir
        self.python = python
        self.cfg = cfg
        self.version = version
        self.prompt = prompt
        self.problem = problem
        #: the venv's python is gone (a dangling link: its base Python was removed or upgraded away);
        #: a trust block rather than a problem, since the user may allow it and still use its tools
        self.interpreter_missing = False
        #: a project file that named this venv although it lies outside the project and outside the
        #: user's tool store: a repository's word, which trust does not take alone
        self.named_by: str | None = None

    def __repr__(self) -> str:
        return f"VenvInfo(path={self.path!r}, version={self.version!r}, problem={self.problem!r})"

    @property
    def created_at(self) -> str | None:
        """Where the venv's creator recorded making it (None: nowhere); see autovenv.origin."""
        from autovenv.origin import recorded_path

        return recorded_path(self)

    @property
    def version_tuple(self) -> tuple[int, ...]:
        parts: list[int] = []
        for piece in (self.version or "").split(".")[:3]:
            if not piece.isdigit():
                break
            parts.append(int(piece))
        return tuple(parts)


def bin_dir_name(windows: bool = os.name == "nt") -> str:
    return "Scripts" if windows else "bin"


def python_name(windows: bool = os.name == "nt") -> str:
    return "python.exe" if windows else "python"


def is_absolute(path: str, windows: bool = os.name == "nt") -> bool:
    """An absolute path as a venv records it: ``/x`` on POSIX; ``C:\\x`` or ``\\\\srv\\share`` on Windows."""
    if not windows:
        return path.startswith("/")
    return (len(path) >= 3 and path[0].isalpha() and path[1] == ":" and path[2] in "\\/") or path.startswith(
        ("\\\\", "//")
    )


def site_packages(venv: str, windows: bool = os.name == "nt") -> str | None:
    """The venv's ``site-packages`` (``lib/pythonX.Y/site-packages``, ``Lib/site-packages`` on Windows)."""
    if windows:
        path = os.path.join(venv, "Lib", "site-packages")
        return path if os.path.isdir(path) else None
    for lib in ("lib", "lib64"):
        try:
            names = sorted(n for n in os.listdir(os.path.join(venv, lib)) if n.startswith(("python", "pypy")))
        except OSError:
            continue
        for name in names:
            path = os.path.join(venv, lib, name, "site-packages")
            if os.path.isdir(path):
                return path
    return None


def is_venv_dir(path: str) -> bool:
    """A directory is a venv when it holds ``pyvenv.cfg`` (PEP 405)."""
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def parse_cfg(text: str) -> dict[str, str] | None:
    """Parse pyvenv.cfg's ``key = value`` lines; ``None`` when the text is not such a file.

    Like CPython's own reader, lines without ``=`` are not errors: a venv created in a directory whose
    name holds a newline records ``command = ... -m venv /a/new`` + ``line/.venv``, so such a line
    continues the previous value. No ``home`` key, or a NUL byte, means it is not a usable pyvenv.cfg.
    """
    if "\x00" in text:
        return None
    values: dict[str, str] = {}
    last: str | None = None
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        key, sep, value = line.partition("=")
        if sep and key.strip() and "\n" not in key:
            last = key.strip().lower()
            values[last] = value.strip()
        elif last is not None and line.strip():
            values[last] += "\n" + line.rstrip()
    return values if "home" in values else None


#: The escapes ``repr`` writes for a ``str`` (CPython's venv writes ``prompt = {prompt!r}``).
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _unquote(value: str) -> str:
    """A ``prompt`` value as the venv's creator meant it.

    CPython's venv writes the prompt as a Python string literal (``'a\\\\b'`` for ``a\\b``), virtualenv and
    uv write it bare. A quoted value is read back the way ``repr`` wrote it, so a backslash in
    ``--prompt`` is shown once, as the venv's own activate shows it; a quoted value that is not such a
    literal is taken as it stands between its quotes.
    """
    if len(value) < 2 or value[0] != value[-1] or value[0] not in "'\"":
        return value
    body = value[1:-1]
    if "\\" not in body:
        return body
    decoded = _literal_body(body)
    return body if decoded is None else decoded


def _literal_body(body: str) -> str | None:
    """The text of a ``repr``-style literal's body, or None when an escape in it is not one repr makes."""
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = body[i + 1 : i + 2]
        if code in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[code])
            i += 2
            continue
        width = _HEX_ESCAPES.get(code)
        digits = body[i + 2 : i + 2 + width] if width else ""
        if not width or len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
            return None
        number = int(digits, 16)
        if number > 0x10FFFF:
            return None
        out.append(chr(number))
        i += 2 + width
    return "".join(out)


def _read_limited(path: str, limit: int) -> str | None:
    try:
        data = read_regular(path, limit)
    except OSError:
        return None
    if len(data) > limit:
        return None
    return data.decode("utf-8", "surrogateescape")


def inspect_venv(path: str, windows: bool = os.name == "nt") -> VenvInfo:
    """Read a venv's facts; ``problem`` says in one line why it cannot be activated, if it cannot."""
    bin_dir = os.path.join(path, bin_dir_name(windows))
    python = os.path.join(bin_dir, python_name(windows))
    name = os.path.basename(path.rstrip("/\\")) or path
    text = _read_limited(os.path.join(path, "pyvenv.cfg"), MAX_CFG_BYTES)
    problem: str | None = None
    if text is None:
        if not os.path.exists(os.path.join(path, "pyvenv.cfg")):
            problem = f"{path} is not a virtual environment (no pyvenv.cfg)"
        else:
            problem = f"{path}/pyvenv.cfg is unreadable or too large"
        return VenvInfo(path, bin_dir, python, {}, None, name, problem)
    cfg = parse_cfg(text)
    if cfg is None:
        return VenvInfo(path, bin_dir, python, {}, None, name, f"{path}/pyvenv.cfg is corrupt")
    raw_version = cfg.get("version") or cfg.get("version_info") or ""
    digits = [part for part in raw_version.split(".")[:3] if part.isdigit()]
    version = ".".join(digits) or None
    prompt = _unquote(cfg["prompt"]) if cfg.get("prompt") else name
    missing = not os.path.exists(python)  # follows links: a dangling one means the base Python is gone
    if os.pathsep in bin_dir:
        problem = f"{path} contains {os.pathsep!r}, which cannot be put on PATH"
    info = VenvInfo(path, bin_dir, python, cfg, version, prompt, problem)
    info.interpreter_missing = missing
    return info
