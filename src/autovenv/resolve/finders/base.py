"""The contract every environment finder module fulfils, and what finders share.

A finder is a module (see ``Finder``) asked, directory by directory, whether that directory decides an
environment. Besides files it may read only the environment variables it declares in ``ENV``: the
hooks compare exactly those (``finders.env_deps``) to know when a cached answer no longer holds, so a
variable read but not declared would leave a stale answer active.
"""

from __future__ import annotations

import os
import sys

from autovenv.dirs import home_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Protocol

    from autovenv.resolve.tomlfile import TomlFile

    class Finder(Protocol):
        """A finder module: tells whether a directory decides the environment, and which."""

        #: short name shown in ``status`` and messages (``poetry``, ``venv-dir``, …); the spec's name
        NAME: str

        def find(self, directory: str, context: FinderContext) -> Found | None:
            """The environment ``directory`` decides, or ``None`` to let the next finder answer."""
            ...


class FinderSpec:
    """What the registry (``finders.FINDERS``) knows of a finder without importing its module.

    A module import costs a cold start about 0.4 M instructions whatever its size, and a first visit
    may spend only one Python start; so a finder's module is imported only when ``gate`` says the
    directory may be its (a Pipfile for Pipenv, ``poetry`` in pyproject.toml for Poetry, …), and what
    every answer must know without asking any finder is declared here.
    """

    __slots__ = ("_module", "env", "gate", "markers", "module", "name")

    def __init__(
        self,
        name: str,
        module: str,
        env: Mapping[str, str],
        markers: Callable[[tuple[str, ...]], tuple[str, ...]],
        gate: Callable[[str, FinderContext], bool],
    ) -> None:
        #: the finder's name (= its module's ``NAME``)
        self.name = name
        #: the module under ``autovenv.resolve.finders`` holding ``find``
        self.module = module
        #: every environment variable the finder may read, each with why; the answer's signature and
        #: the hooks compare exactly the union of these (``finders.env_deps``), so a variable read but
        #: not declared here would leave a stale answer active when the user changes it
        self.env = env
        #: file names whose presence makes a directory a candidate (the hooks' walk tests these)
        self.markers = markers
        #: cheap test (a stat, a look at bytes already read) that the directory may be this finder's
        self.gate = gate
        self._module: Finder | None = None

    def finder(self) -> Finder:
        if self._module is None:  # __import__: importlib's package would be one more import
            self._module = __import__(f"autovenv.resolve.finders.{self.module}", fromlist=["find"])
        assert self._module is not None
        return self._module

    def __repr__(self) -> str:
        return f"FinderSpec({self.name!r})"


#: What ``FinderContext.raw`` reads of a file at most (a pyproject.toml is a few KiB).
RAW_LIMIT = 1024 * 1024


class FinderContext:
    """What finders may consult besides the directory: the user's environment and settings.

    ``toml`` reads a TOML file once per resolution (several finders look at the same pyproject.toml),
    and records it to watch: a project file edited while the user sits in the project changes the answer.
    """

    __slots__ = (
        "_raw",
        "_toml",
        "_unparsed",
        "environ",
        "lock_memo",
        "read",
        "stale_hint",
        "venv_dirs",
        "windows",
    )

    def __init__(
        self, environ: Mapping[str, str], venv_dirs: tuple[str, ...], windows: bool, stale_hint: bool = True
    ) -> None:
        self.environ = environ
        self.venv_dirs = venv_dirs
        self.windows = windows
        self.stale_hint = stale_hint
        self._toml: dict[str, TomlFile] = {}
        self._raw: dict[str, bytes | None] = {}
        #: files toml_get answered from their bytes alone (recorded as read once, like a parsed one)
        self._unparsed: set[str] = set()
        #: every file a finder read (or looked for), for the watch list
        self.read: list[str] = []
        #: where the lock comparison may keep its answers (``resolve.lockmemo``), or None
        self.lock_memo: str | None = None

    def toml(self, path: str) -> TomlFile:
        found = self._toml.get(path)
        if found is None:
            from autovenv.resolve import tomlfile

            found = self._toml[path] = tomlfile.read(path)
            if path not in self._unparsed:
                self.read.append(path)
        return found

    def toml_get(self, path: str, *keys: str) -> object:
        """``toml(path).get(*keys)``, without parsing the file (nor importing the TOML reader) when its
        bytes cannot hold the last key: they do not contain it and hold no backslash (an escape in a
        quoted key could spell it). A uv project's pyproject.toml rarely names a workspace; a Pipfile
        rarely says ``venv_in_project``; a tool's global config rarely exists. The file is recorded as read
        either way."""
        if path not in self._toml:
            data = self.raw_or_none(path)
            if data is None:
                holds = os.path.lexists(path)  # a missing file is empty; anything else goes to the reader
            else:
                holds = len(data) > RAW_LIMIT or b"\\" in data or keys[-1].encode() in data
            if not holds:
                if path not in self._unparsed:
                    self._unparsed.add(path)
                    self.read.append(path)
                return None
        return self.toml(path).get(*keys)

    def raw(self, path: str) -> bytes:
        """A small project file's bytes (empty when missing or unreadable), read once: gates look at it."""
        return self.raw_or_none(path) or b""

    def raw_or_none(self, path: str) -> bytes | None:
        """``raw``, but ``None`` when the file could not be read (and more than 1 MiB when it is larger)."""
        if path in self._raw:
            return self._raw[path]
        from autovenv.files import read_regular

        found: bytes | None
        try:
            found = read_regular(path, RAW_LIMIT)
        except OSError:
            found = None
        self._raw[path] = found
        return found

    def home(self) -> str:
        return home_of(self.environ)

    def expand_user(self, path: str) -> str:
        """``~`` and ``~/...`` from *this* environment's HOME (``os.path.expanduser`` reads the process's,
        which the daemon's is not, and the answer's key would not hold it); ``~user`` from the password
        database, as the shell does."""
        if path == "~" or path.startswith("~/"):
            return self.home() + path[1:]
        return os.path.expanduser(path) if path.startswith("~") else path

    def expand_vars(self, value: str) -> str:
        """``$NAME`` and ``${NAME}`` from *this* environment, as ``os.path.expandvars`` does from the
        process's (the daemon resolves for shells whose environment is not its own); unknown ones stay."""
        out: list[str] = []
        i = 0
        while True:
            start = value.find("$", i)
            if start < 0:
                out.append(value[i:])
                return "".join(out)
            out.append(value[i:start])
            braced = value.startswith("{", start + 1)
            j = start + 2 if braced else start + 1
            k = j
            while k < len(value) and (value[k].isalnum() or value[k] == "_") and value[k].isascii():
                k += 1
            name = value[j:k]
            closed = not braced or value.startswith("}", k)
            end = k + 1 if braced and closed else k
            if name and closed and name in self.environ:
                out.append(self.environ[name])
            else:
                out.append(value[start:end])
            i = end if end > start else start + 1

    def expand(self, path: str) -> str:
        """``~`` expanded against *this* environment's HOME (not the process's)."""
        if path == "~" or path.startswith("~/"):
            return self.home() + path[1:]
        return path


class Found:
    """A finder's answer: what decided, and the venv to activate or the Python spec to select.

    ``kind`` is the finder (``poetry``, ``venv-dir``, …) and ``source`` the file that marks the project;
    ``setting`` says in words which file or setting placed the env there (``envs.toml entry``,
    ``POETRY_VIRTUALENVS_PATH``), for ``status``. ``install`` is the tool's own command that creates a
    missing env: such an answer (``venv`` set, but no venv there yet) lets later finders try, and is
    reported only when none of them finds a venv. ``store`` is the directory the tool keeps its envs in,
    as the user configured it: an env there is where the user's tool put it; ``pointer`` is a project
    file that names an env outside the project (a repository's word, which trust does not take).
    """

    __slots__ = (
        "install",
        "kind",
        "pointer",
        "problem",
        "python",
        "setting",
        "source",
        "store",
        "venv",
        "watch",
    )

    def __init__(
        self,
        kind: str,
        source: str,
        venv: str | None = None,
        python: str | None = None,
        problem: str | None = None,
        watch: tuple[str, ...] = (),
        setting: str | None = None,
        install: str | None = None,
        store: str | None = None,
        pointer: str | None = None,
    ) -> None:
        self.kind = kind
        self.source = source
        self.venv = venv
        self.python = python
        self.problem = problem
        self.watch = watch
        self.setting = setting
        self.install = install
        self.store = store
        self.pointer = pointer

    def __repr__(self) -> str:
        return f"Found({self.kind!r}, {self.source!r}, venv={self.venv!r}, problem={self.problem!r})"


def is_venv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def urlsafe_hash(algorithm: str, data: bytes, width: int) -> str:
    """The first ``width`` characters of ``urlsafe_b64encode(<algorithm>(data).digest())``, as the tools
    name their envs. The builtin hash modules cost little to import; ``hashlib`` (OpenSSL) would cost more."""
    digest = _digest(algorithm, data)
    # Base64 encodes each 3 bytes alone: the first 4k characters are those of the first 3k bytes.
    return urlsafe_b64(digest[: -(-width // 4) * 3])[:width]


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def urlsafe_b64(data: bytes) -> str:
    """``base64.urlsafe_b64encode(data)`` as text, by hand: a few bytes here, where ``binascii`` (a shared
    library in most builds) would cost the cold path more to load than this costs to run."""
    out: list[str] = []
    for i in range(0, len(data), 3):
        chunk = data[i : i + 3]
        n = int.from_bytes(chunk + bytes(3 - len(chunk)), "big")
        quad = (_B64[n >> 18], _B64[(n >> 12) & 63], _B64[(n >> 6) & 63], _B64[n & 63])
        out.extend(quad[: len(chunk) + 1])
        out.append("=" * (3 - len(chunk)))
    return "".join(out)


def _digest(algorithm: str, data: bytes) -> bytes:
    try:
        if algorithm == "md5":
            import _md5  # type: ignore[import-not-found]

            return _md5.md5(data).digest()  # type: ignore[no-any-return]
        if sys.version_info >= (3, 12):  # a failed import searches all of sys.path: choose, do not try
            import _sha2 as module  # type: ignore[import-not-found,unused-ignore]
        else:
            import _sha256 as module  # type: ignore[import-not-found,no-redef,unused-ignore]
        return module.sha256(data).digest()  # type: ignore[no-any-return]
    except (ImportError, AttributeError, ValueError):  # a build without them (FIPS): OpenSSL's
        import hashlib

        return hashlib.new(algorithm, data).digest()


def canonical_name(name: str) -> str:
    """PEP 503 normalisation (runs of ``-``, ``_``, ``.`` become one ``-``; lower case), without ``re``."""
    out: list[str] = []
    for char in name.lower():
        if char in "-_.":
            if not out or out[-1] != "-":
                out.append("-")
        else:
            out.append(char)
    return "".join(out)


def env_flag(value: str | None, true: tuple[str, ...], false: tuple[str, ...]) -> bool | None:
    """A boolean environment variable as a tool reads it: ``None`` when unset or neither."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in true:
        return True
    if lowered in false:
        return False
    return None


def within(path: str, directory: str) -> bool:
    """``path`` is ``directory`` or below it (lexically, after normalising both)."""
    path, directory = os.path.normpath(path), os.path.normpath(directory)
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def project_name(context: FinderContext, directory: str) -> tuple[str | None, str]:
    """``[project].name`` of the pyproject.toml in ``directory`` and the file (for watching)."""
    path = os.path.join(directory, "pyproject.toml")
    name = context.toml(path).get("project", "name")
    return (name if isinstance(name, str) else None), path


# ------------------------------------------------------------------------ the tools' own directories
# platformdirs' answers for another application's name (``pypoetry``, ``pdm``, ``hatch``), without
# importing it, as ``autovenv.dirs`` does for ours.

#: What the tool directory functions below read; finders that call them declare the ones they use.
PLACES_ENV = {
    "HOME": "the default base of every directory",
    "XDG_CONFIG_HOME": "Linux and macOS: base of the tools' config dirs when absolute",
    "XDG_CACHE_HOME": "Linux and macOS: base of the tools' cache dirs (Poetry's envs) when absolute",
    "XDG_DATA_HOME": "Linux and macOS: base of the tools' data dirs (PDM, Hatch, Pipenv) when absolute",
    "APPDATA": "Windows: roaming config and data dirs",
    "LOCALAPPDATA": "Windows: local cache, config and data dirs",
}


def _xdg(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name, "")
    return value if value.startswith("/") else os.path.join(home_of(environ), default)


def _windows(environ: Mapping[str, str], roaming: bool) -> str:
    name = "APPDATA" if roaming else "LOCALAPPDATA"
    fallback = ("AppData", "Roaming") if roaming else ("AppData", "Local")
    return environ.get(name) or os.path.join(home_of(environ), *fallback)


def cache_dir(app: str, environ: Mapping[str, str], platform: str = sys.platform) -> str:
    if platform == "win32":
        return os.path.join(_windows(environ, False), app, "Cache")
    if platform == "darwin":
        return os.path.join(_xdg(environ, "XDG_CACHE_HOME", os.path.join("Library", "Caches")), app)
    return os.path.join(_xdg(environ, "XDG_CACHE_HOME", ".cache"), app)


def config_dir(
    app: str, environ: Mapping[str, str], roaming: bool = False, platform: str = sys.platform
) -> str:
    if platform == "win32":
        return os.path.join(_windows(environ, roaming), app)
    if platform == "darwin":
        return os.path.join(
            _xdg(environ, "XDG_CONFIG_HOME", os.path.join("Library", "Application Support")), app
        )
    return os.path.join(_xdg(environ, "XDG_CONFIG_HOME", ".config"), app)


def data_dir(
    app: str, environ: Mapping[str, str], roaming: bool = False, platform: str = sys.platform
) -> str:
    if platform == "win32":
        return os.path.join(_windows(environ, roaming), app)
    if platform == "darwin":
        return os.path.join(
            _xdg(environ, "XDG_DATA_HOME", os.path.join("Library", "Application Support")), app
        )
    return os.path.join(_xdg(environ, "XDG_DATA_HOME", os.path.join(".local", "share")), app)
