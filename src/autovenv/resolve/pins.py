"""What a project pins: names and exact versions from its lock or its requirements files.

One source per project, the most specific present: ``uv.lock``, ``poetry.lock``, ``pdm.lock``,
``Pipfile.lock``, ``pylock.toml``, else the ``==`` pins of its requirements files (``requirements*.txt``
and ``requirements/*.txt``, following ``-r`` chains). Each pin carries its group (``main``, or a dev group,
or the requirements file it came from) and whether it applies to this venv (its marker, or the marker of
every path to it in the lock's dependency graph, evaluated for the venv's Python and this platform;
``None`` when that cannot be told). Files are read with ``read_regular`` (no FIFO can hold us up) and
the TOML locks with ``lockscan`` (fast), falling back to ``tomllib`` for a layout it does not know.
"""

from __future__ import annotations

import os
import sys

from autovenv.files import read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
    from typing import Any

    from autovenv.resolve import markers
    from autovenv.resolve.venv import VenvInfo

    _Lazy = Mapping[str, markers.Value]
else:
    _Lazy = object  # what the readers use of a Mapping, without an ABC's class to build on the hot path

MAX_BYTES = 16 * 1024 * 1024
MAX_REQUIREMENT_FILES = 40
MAX_INCLUDE_DEPTH = 10
MAIN = "main"
#: (lock file, kind) in order of preference.
LOCKS = (
    ("uv.lock", "uv"),
    ("poetry.lock", "poetry"),
    ("pdm.lock", "pdm"),
    ("Pipfile.lock", "pipenv"),
    ("pylock.toml", "pylock"),
)
#: Names of the requirements layer a developer installs, in order of preference, when several files top
#: their ``-r`` chains (``requirements/dev.txt`` including ``base.txt``, next to ``prod.txt``).
DEV_NAMES = ("dev", "develop", "development", "local", "test", "tests")


class Pin:
    """One pinned distribution: normalised name, exact version, group, and whether it applies here."""

    __slots__ = ("applies", "group", "name", "version")

    def __init__(self, name: str, version: str, group: str = MAIN, applies: bool | None = True) -> None:
        self.name = name
        self.version = version
        self.group = group
        self.applies = applies

    def __repr__(self) -> str:
        return f"Pin({self.name!r}, {self.version!r}, {self.group!r}, applies={self.applies!r})"


class PinSet:
    """The pins of one project, where they came from, and what was read (to watch for changes).

    ``groups`` maps a requirements file (each is a group) to the file at the top of its ``-r`` chain,
    whose install command installs it; ``problem`` says why the source could not be read. ``files`` are
    the files read, ``tried`` every file a reader opened or tried to (an ``-r`` include that is not there
    too): what the pins depend on.
    """

    __slots__ = ("covers", "files", "groups", "kind", "main", "pins", "problem", "source", "tried")

    def __init__(self, kind: str, source: str) -> None:
        self.kind = kind
        self.source = source
        self.pins: list[Pin] = []
        self.files: list[str] = []
        self.tried: list[str] = []
        self.groups: dict[str, str] = {}
        #: the groups a venv of this project must hold whole (the others only once it holds some of them)
        self.main: set[str] = {MAIN}
        #: requirements: each top layer and the files its ``-r`` chain reads
        self.covers: dict[str, set[str]] = {}
        self.problem: str | None = None

    def __repr__(self) -> str:
        return f"PinSet({self.kind!r}, {self.source!r}, {len(self.pins)} pins, problem={self.problem!r})"


def _read_text(path: str) -> str:
    data = read_regular(path, MAX_BYTES)
    if len(data) > MAX_BYTES:
        raise OSError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return data.decode("utf-8", "surrogateescape")


def _toml(path: str, arrays: frozenset[str], subtables: frozenset[str]) -> dict[str, Any]:
    from autovenv.resolve import lockscan

    text = _read_text(path)
    try:
        return lockscan.scan(text, arrays, subtables)
    except lockscan.Unsupported:
        pass
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML ({exc})") from None
    return document


def _evaluate(marker: str, env: Mapping[str, markers.Value]) -> bool | None:
    """``markers.evaluate``, imported on the first marker: a lock or file without one (a new project's
    empty lock) never loads the marker reader, nor builds the environment ``env`` may defer."""
    if not marker.strip():
        return True  # as markers.evaluate says of an empty marker
    from autovenv.resolve.markers import evaluate

    return evaluate(marker, env)


def _normalize_name(name: str) -> str:
    """``versions.normalize_name``, imported on the first name (an empty lock names none)."""
    from autovenv.resolve.versions import normalize_name

    return normalize_name(name)


# -- requirements files ---------------------------------------------------------------------------------


def requirement_files(root: str) -> list[str]:
    """``requirements*.txt`` in the project and ``*.txt`` in its ``requirements/`` directory, sorted."""
    found: list[str] = []
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return found
    for name in names:
        if name.startswith("requirements") and name.endswith(".txt"):
            found.append(os.path.join(root, name))
    layered = os.path.join(root, "requirements")
    if "requirements" in names and os.path.isdir(layered):
        try:
            listed = sorted(os.listdir(layered))
        except OSError:
            listed = []
        found.extend(os.path.join(layered, n) for n in listed if n.endswith(".txt"))
    return [path for path in found if os.path.isfile(path)][:MAX_REQUIREMENT_FILES]


def _logical_lines(text: str) -> Iterator[str]:
    """Lines with ``\\`` continuations joined and comments (``#`` at the start or after a space) dropped."""
    pending = ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        line = pending + raw
        pending = ""
        if line.startswith("#"):
            continue
        cut = line.find(" #")
        tab = line.find("\t#")
        cuts = [c for c in (cut, tab) if c >= 0]
        if cuts:
            line = line[: min(cuts)]
        line = line.strip()
        if line:
            yield line
    if pending.strip():
        yield pending.strip()


def _option_value(line: str, short: str, long: str) -> str | None:
    for flag in (short, long):
        if line.startswith(flag + "=") and flag == long:
            return line[len(flag) + 1 :].strip()
        if line.startswith(flag) and line[len(flag) : len(flag) + 1] in (" ", "\t"):
            return line[len(flag) :].strip()
        if flag == short and line.startswith(flag) and len(line) > len(flag) and line[len(flag)] not in "-=":
            return line[len(flag) :].strip()
    return None


def parse_requirement(line: str) -> tuple[str, str, str] | None:
    """(name, version, marker) of a ``name[extras] == version ; marker`` line; None for anything else.

    ``--hash`` and other per-requirement options after it are dropped; ``===`` counts as a pin; a
    direct reference (``name @ url``), a range or an unpinned name is not a pin.
    """
    requirement, _, marker = line.partition(";")
    if " --" in requirement:
        requirement = requirement[: requirement.index(" --")]
    if " --" in marker:
        marker = marker[: marker.index(" --")]
    if "@" in requirement or "," in requirement:
        return None
    for op in ("===", "=="):
        name, sep, version = requirement.partition(op)
        if sep:
            break
    else:
        return None
    name = name.strip()
    if "[" in name:
        name = name[: name.index("[")].strip()
    version = version.strip()
    if (
        not name
        or not version
        or any(c in version for c in " <>=!~*")
        or not all(c.isalnum() or c in "._-" for c in name)
    ):
        return None
    return _normalize_name(name), version, marker.strip()


class _RequirementsReader:
    """Reads requirement files and their ``-r`` includes, each once."""

    __slots__ = ("env", "included", "pins", "problems", "read")

    def __init__(self, env: Mapping[str, markers.Value]) -> None:
        self.env = env
        self.read: list[str] = []
        self.pins: dict[str, list[Pin]] = {}
        self.included: dict[str, set[str]] = {}
        self.problems: list[str] = []

    def load(self, path: str, depth: int = 0) -> None:
        real = os.path.normpath(path)
        if real in self.pins or depth > MAX_INCLUDE_DEPTH:
            return
        self.pins[real] = []
        self.included[real] = set()
        try:
            text = _read_text(real)
        except OSError as exc:
            self.problems.append(f"cannot read {real}: {getattr(exc, 'strerror', None) or exc}")
            return
        self.read.append(real)
        for line in _logical_lines(text):
            if line.startswith("-"):
                include = _option_value(line, "-r", "--requirement")
                if include:
                    target = os.path.normpath(os.path.join(os.path.dirname(real), include))
                    if "://" not in include and "$" not in include:
                        self.included[real].add(target)
                        self.load(target, depth + 1)
                continue  # -c constraints install nothing; -e, -i, --hash ... name no pin
            parsed = parse_requirement(line)
            if parsed is None:
                continue
            name, version, marker = parsed
            self.pins[real].append(Pin(name, version, real, _evaluate(marker, self.env)))


def _tops(reader: _RequirementsReader, files: list[str]) -> list[str]:
    """The given files that no other file includes: the layers a user installs."""
    included = set()
    for targets in reader.included.values():
        included.update(targets)
    return [path for path in files if os.path.normpath(path) not in included]


def _closure(reader: _RequirementsReader, top: str) -> list[str]:
    seen: list[str] = []
    stack = [os.path.normpath(top)]
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.append(path)
        stack.extend(sorted(reader.included.get(path, ()), reverse=True))
    return seen


def choose_top(root: str, tops: list[str]) -> str | None:
    """The requirements layer ``autovenv create`` installs: the only top, a dev layer, or requirements.txt."""
    if not tops:
        return None
    if len(tops) == 1:
        return tops[0]
    for wanted in DEV_NAMES:
        for path in tops:
            stem = os.path.basename(path)[: -len(".txt")]
            if stem in (wanted, f"requirements-{wanted}", f"requirements_{wanted}", f"requirements.{wanted}"):
                return path
    main = os.path.join(root, "requirements.txt")
    return main if main in tops else tops[0]


def requirements_pins(root: str, env: Mapping[str, markers.Value]) -> PinSet | None:
    files = requirement_files(root)
    if not files:
        return None
    reader = _RequirementsReader(env)
    for path in files:
        reader.load(path)
    tops = _tops(reader, files)
    result = PinSet("requirements", choose_top(root, tops) or files[0])
    result.files = reader.read
    result.tried = list(reader.pins)  # every file load() was given, read or not
    # What a venv of this project must hold: requirements.txt and what it includes (the conventional
    # production set), else the layer ``create`` installs. Other layers count once the venv holds some
    # of their pins; their install command is the layer on top of them.
    conventional = os.path.join(root, "requirements.txt")
    main_top = conventional if conventional in reader.read else choose_top(root, tops)
    result.main = set(_closure(reader, main_top)) if main_top else set()
    for top in tops:
        result.covers[top] = set(_closure(reader, top))
        for path in result.covers[top]:
            result.groups.setdefault(path, top)
    for path in result.main:
        result.groups[path] = main_top or path
    for path in reader.read:
        result.groups.setdefault(path, path)
        result.pins.extend(reader.pins.get(path, []))
    if reader.problems:
        result.problem = "; ".join(reader.problems)
    return result


# -- locks ------------------------------------------------------------------------------------------------


def _marker_of(value: object, env: Mapping[str, markers.Value]) -> bool | None:
    return _evaluate(value, env) if isinstance(value, str) else True


def _uv(path: str, env: Mapping[str, markers.Value]) -> PinSet:
    """uv.lock: a universal lock; what applies is what the project's graph reaches under these markers."""
    doc = _toml(path, frozenset(("package",)), frozenset(("optional-dependencies", "dev-dependencies")))
    result = PinSet("uv", path)
    packages = [p for p in doc.get("package", []) if isinstance(p, dict) and isinstance(p.get("name"), str)]
    by_name: dict[str, list[dict[str, Any]]] = {}
    for package in packages:
        by_name.setdefault(_normalize_name(package["name"]), []).append(package)

    def local_root(package: dict[str, Any]) -> bool:
        source = package.get("source")
        return isinstance(source, dict) and (source.get("editable") == "." or source.get("virtual") == ".")

    roots = [p for p in packages if local_root(p)]
    if not roots:
        roots = [
            p
            for p in packages
            if isinstance(p.get("source"), dict) and ("editable" in p["source"] or "virtual" in p["source"])
        ]
    reached: dict[int, str] = {}  # id(package) -> group it was first reached through (main wins)
    pending: list[tuple[dict[str, Any], str]] = [(root, MAIN) for root in roots]

    def follow(edges: object, group: str) -> None:
        if not isinstance(edges, list):
            return
        for edge in edges:
            if not isinstance(edge, dict) or not isinstance(edge.get("name"), str):
                continue
            if _marker_of(edge.get("marker"), env) is False:
                continue
            targets = by_name.get(_normalize_name(edge["name"]), [])
            if isinstance(edge.get("version"), str):
                targets = [t for t in targets if t.get("version") == edge["version"]] or targets
            for target in targets:
                if len(targets) > 1 and _marker_of(_joined(target.get("resolution-markers")), env) is False:
                    continue
                pending.append((target, group))
                extras = edge.get("extra")
                if isinstance(extras, list):
                    optional = target.get("optional-dependencies")
                    for extra in extras:
                        if isinstance(optional, dict):
                            follow(optional.get(extra), group)

    while pending:
        package, group = pending.pop()
        known = reached.get(id(package))
        if known in (MAIN, group):
            continue
        reached[id(package)] = MAIN if group == MAIN else (known or group)
        follow(package.get("dependencies"), group)
        if package in roots:
            dev = package.get("dev-dependencies")
            if isinstance(dev, dict):
                for name, edges in dev.items():
                    follow(edges, MAIN if name == "dev" else name)  # uv sync installs "dev" by default
    for package in packages:
        version = package.get("version")
        source = package.get("source")
        if not isinstance(version, str) or (isinstance(source, dict) and "virtual" in source):
            continue  # a virtual project is never installed
        reached_as = reached.get(id(package))
        name = _normalize_name(package["name"])
        result.pins.append(Pin(name, version, reached_as or MAIN, reached_as is not None))
    result.files = [path]
    return result


def _joined(value: object) -> str | None:
    """uv's resolution-markers (a list: any of them) as one marker."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return " or ".join(f"({v})" for v in value)
    return None


def _poetry(path: str, env: Mapping[str, markers.Value]) -> PinSet:
    """poetry.lock: lock-version 2.1 gives each package its markers (per group); 2.0 only on edges."""
    doc = _toml(path, frozenset(("package",)), frozenset(("dependencies",)))
    result = PinSet("poetry", path)
    packages = [p for p in doc.get("package", []) if isinstance(p, dict) and isinstance(p.get("name"), str)]
    vetoed: set[str] = set()  # lock 2.0: names some edge reaches only under a marker that is false here
    for package in packages:
        deps = package.get("dependencies")
        if not isinstance(deps, dict):
            continue
        for name, spec in deps.items():
            specs = spec if isinstance(spec, list) else [spec]
            for one in specs:
                if isinstance(one, dict) and _marker_of(one.get("markers"), env) is not True:
                    vetoed.add(_normalize_name(name))
    for package in packages:
        version = package.get("version")
        if not isinstance(version, str):
            continue
        name = _normalize_name(package["name"])
        groups = package.get("groups")
        group_list = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else [MAIN]
        found = package.get("markers")
        applies: bool | None
        if package.get("optional") is True:
            applies = None  # an extra: installed only when asked for
        elif isinstance(found, str):
            applies = _evaluate(found, env)
        elif isinstance(found, dict):
            held = [_evaluate(v, env) for v in found.values() if isinstance(v, str)]
            applies = True if True in held else (None if None in held else False)
            group_list = [
                g for g, v in found.items() if isinstance(v, str) and _evaluate(v, env)
            ] or group_list
        else:
            applies = None if name in vetoed else True
        group = MAIN if MAIN in group_list or not group_list else group_list[0]
        result.pins.append(Pin(name, version, group, applies))
    result.files = [path]
    return result


def _pdm(path: str, env: Mapping[str, markers.Value]) -> PinSet:
    """pdm.lock: each package names its groups and (with inherit_metadata) its marker."""
    doc = _toml(path, frozenset(("package",)), frozenset())
    result = PinSet("pdm", path)
    for package in doc.get("package", []):
        if not isinstance(package, dict):
            continue
        name, version = package.get("name"), package.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            continue
        groups = package.get("groups")
        group_list = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else ["default"]
        group = MAIN if "default" in group_list or not group_list else group_list[0]
        applies = _marker_of(package.get("marker"), env)
        result.pins.append(Pin(_normalize_name(name), version, group, applies))
    result.files = [path]
    return result


class _JsonContext:
    """What ``_json.make_scanner`` reads from ``json.JSONDecoder``: its defaults, as ``json.loads`` uses."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


def load_json(text: str) -> object:
    """``json.loads(text)``, through the C scanner the json package itself uses, without the package:
    importing ``json`` imports ``re``, together about as much as a whole first visit may cost. Anything
    the scanner does not read to its end (a malformed file, a BOM) goes to ``json.loads``, so errors are
    worded exactly as it words them; so does an interpreter without the ``_json`` accelerator."""
    try:
        import _json

        scan = _json.make_scanner(_JsonContext)  # type: ignore[arg-type]  # reads these attributes
        start = len(text) - len(text.lstrip(" \t\n\r"))
        value, end = scan(text, start)
        if not text[end:].strip(" \t\n\r"):
            return value
    except (ImportError, AttributeError, TypeError, ValueError, StopIteration, RecursionError):
        pass
    import json

    return json.loads(text)


def _pipenv(path: str, env: Mapping[str, markers.Value]) -> PinSet:
    """Pipfile.lock (JSON): ``default`` is what ``pipenv sync`` installs, ``develop`` with ``--dev``."""
    result = PinSet("pipenv", path)
    try:
        doc = load_json(_read_text(path))
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ValueError("not a Pipfile.lock")
    for section, group in (("default", MAIN), ("develop", "develop")):
        entries = doc.get(section)
        if not isinstance(entries, dict):
            continue
        for name, entry in entries.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
                continue
            spec = entry["version"]
            if not spec.startswith("=="):
                continue
            applies = _marker_of(entry.get("markers"), env)
            result.pins.append(Pin(_normalize_name(name), spec.lstrip("="), group, applies))
    result.files = [path]
    return result


def _pylock(path: str, env: Mapping[str, markers.Value]) -> PinSet:
    """pylock.toml (PEP 751): markers may name the extras and dependency groups being installed."""
    doc = _toml(path, frozenset(("packages",)), frozenset())
    result = PinSet("pylock", path)
    defaults = doc.get("default-groups")
    groups = (
        frozenset(g for g in defaults if isinstance(g, str)) if isinstance(defaults, list) else frozenset()
    )
    local_env = {**env, "extras": frozenset(), "dependency_groups": groups}
    for package in doc.get("packages", []):
        if not isinstance(package, dict):
            continue
        name, version = package.get("name"), package.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            continue  # a package without a version (a directory or VCS source) pins nothing
        applies = _marker_of(package.get("marker"), local_env)
        result.pins.append(Pin(_normalize_name(name), version, MAIN, applies))
    result.files = [path]
    return result


_READERS = {"uv": _uv, "poetry": _poetry, "pdm": _pdm, "pipenv": _pipenv, "pylock": _pylock}


def lock_file(root: str) -> tuple[str, str] | None:
    """(path, kind) of the project's lock, the first of ``LOCKS`` present."""
    for name, kind in LOCKS:
        path = os.path.join(root, name)
        if os.path.isfile(path):
            return path, kind
    return None


def project_pins(root: str, env: Mapping[str, markers.Value]) -> PinSet | None:
    """The project's pins from its most specific source, or None when it pins nothing."""
    found = lock_file(root)
    if found is None:
        return requirements_pins(root, env)
    path, kind = found
    try:
        result = _READERS[kind](path, env)
    except (OSError, ValueError) as exc:
        result = PinSet(kind, path)
        result.files = [path]
        result.problem = f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
    result.tried = [path]
    return result


def venv_pins(root: str, info: VenvInfo, windows: bool) -> tuple[PinSet | None, str | None, list[str]]:
    """(the project's pins or None, the venv ``info``'s site-packages or None, the paths to watch): what
    ``resolve.drift`` compares, read without it (nothing is compared when nothing is pinned)."""
    pinset = project_pins(root, venv_environment(info))
    if pinset is None:
        return None, None, []
    from autovenv.resolve.installed import site_packages

    site = site_packages(info.path, windows)
    watch = list(pinset.files)
    layered = os.path.join(root, "requirements")
    if pinset.kind == "requirements" and os.path.isdir(layered):
        watch.append(layered)
    if site is not None:
        watch.append(site)
    return pinset, site, watch


def venv_environment(info: VenvInfo) -> Mapping[str, markers.Value]:
    """The marker environment of ``info``'s interpreter, from its pyvenv.cfg alone, built when a marker
    first reads it."""
    return _Environment(info)


class _Environment(_Lazy):
    """``locksync.environment(info)``, built on first use: most small projects' pins carry no marker,
    and building it imports the marker reader (``resolve.markers``), a good part of a first visit."""

    __slots__ = ("_info", "_values")

    def __init__(self, info: VenvInfo) -> None:
        self._info = info
        self._values: dict[str, markers.Value] | None = None

    def _built(self) -> dict[str, markers.Value]:
        if self._values is None:
            from autovenv.resolve.locksync import environment

            self._values = environment(self._info)
        return self._values

    def __getitem__(self, key: str) -> markers.Value:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())

    def __contains__(self, key: object) -> bool:
        return key in self._built()

    def get(self, key: str, default: markers.Value | None = None) -> markers.Value | None:  # type: ignore[override]
        return self._built().get(key, default)

    def keys(self) -> KeysView[str]:  # ``{**env}`` reads these, then each item
        return self._built().keys()

    def items(self) -> ItemsView[str, markers.Value]:
        return self._built().items()

    def values(self) -> ValuesView[markers.Value]:
        return self._built().values()
