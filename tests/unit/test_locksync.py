"""The first comparison's shortcut: the packages' first lines and the tables that differ give exactly the
full comparison's answer (``drift``) wherever the shortcut answers, and it answers the common cases (in
sync, packages behind, platform-only packages missing) without reading the lock whole."""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Callable

import pytest

from autovenv.resolve import drift, installed, lockmemo, locksync
from autovenv.resolve.venv import VenvInfo, inspect_venv
from tests.unit.test_drift import PDM_LOCK, POETRY_LOCK, PYLOCK, UV_LOCK, fake_venv

EVERYTHING = {
    "demo": "0.1.0",
    "six": "1.16.0",
    "requests": "2.32.3",
    "pysocks": "1.7.1",
    "iniconfig": "2.0.0",
    "packaging": "24.0",
    "pytest": "8.3.0",
}
VIRTUAL_ROOT = UV_LOCK.replace('source = { editable = "." }', 'source = { virtual = "." }')
#: A Poetry lock whose packages carry plain markers and groups, as Poetry 2 writes most of them.
POETRY_PLAIN = POETRY_LOCK.replace(
    'markers = {main = "sys_platform == \\"win32\\"", dev = "sys_platform == \\"win32\\""}',
    'markers = "sys_platform == \\"win32\\""',
).replace('groups = ["main", "dev"]', 'groups = ["main"]')
PDM_DEV = PDM_LOCK + (
    '\n[[package]]\nname = "pytest"\nversion = "8.3.0"\nsummary = "pytest"\ngroups = ["dev"]\nfiles = []\n'
    '\n[[package]]\nname = "tomli"\nversion = "2.0.1"\nsummary = "tomli"\ngroups = ["default"]\n'
    "marker = \"python_version < '3.0'\"\nfiles = []\n"
)
PDM_UNKNOWN = PDM_DEV.replace("'3.0'", "'3.0' and extr == 'x'")
PDM_TWINS = PDM_LOCK + (  # PDM locks a package once more per extra asked for
    '\n[[package]]\nname = "requests"\nversion = "2.32.3"\ngroups = ["default"]\n'
    "marker = \"sys_platform == 'win32'\"\nfiles = []\n"
    '\n[[package]]\nname = "requests"\nversion = "2.32.3"\nextras = ["socks"]\n'
    'groups = ["default"]\nfiles = []\n'
)
WIN = '    { name = "colorama", marker = "sys_platform == \'win32\'" },\n'
#: colorama reached twice: from the project and from requests, both for Windows only.
UV_WIN_TWICE = UV_LOCK.replace(
    'source = { registry = "https://pypi.org/simple" }\n\n[package.optional-dependencies]',
    f'source = {{ registry = "https://pypi.org/simple" }}\ndependencies = [\n{WIN}]\n\n'
    "[package.optional-dependencies]",
)
UV_WIN_OPEN = UV_WIN_TWICE.replace(
    f"dependencies = [\n{WIN}]", 'dependencies = [\n    { name = "colorama" },\n]'
)
UV_WIN_ROOT = UV_LOCK.replace("sys_platform == 'win32'", "sys_platform != 'win32'")
UV_WIN_EXTRA = UV_LOCK.replace(WIN, "").replace("socks = [\n", f"socks = [\n{WIN}")
UV_WIN_DEV = UV_LOCK.replace(WIN, "").replace("docs = [\n", f"docs = [\n{WIN}")
UV_WIN_INLINE = UV_LOCK.replace(WIN, "").replace(
    "docs = [", 'win = [{ name = "colorama", marker = "sys_platform == \'win32\'" }]\ndocs = ['
)
#: A Windows-only package whose name has a separator, reached by an edge without a marker spelled
#: another way (uv never writes one so; the graph still follows it).
UV_RESPELT = UV_LOCK.replace('name = "colorama"\nversion', 'name = "colorama-win"\nversion').replace(
    WIN, '    { name = "colorama_win" },\n'
)
#: Packages reached through others: urllib3 through requests (which the project reaches), idna through
#: urllib3 (a chain), certifi only through orphan (which nothing reaches), brotli through a false marker,
#: zstd through an extra of urllib3 nothing asks for, ring through a cycle nothing enters, chardet
#: through the dev group, tomli through a package of that group, wcwidth through another group.
UV_DEEP = UV_LOCK.replace(
    '    { name = "six" },\n    { name = "requests"',
    '    { name = "six" },\n    { name = "ring", marker = "sys_platform == \'win32\'" },\n'
    '    { name = "requests"',
).replace(
    'dev = [\n    { name = "iniconfig" },\n',
    'dev = [\n    { name = "iniconfig" },\n    { name = "chardet" },\n',
).replace(
    'docs = [\n    { name = "packaging" },\n',
    'docs = [\n    { name = "packaging" },\n    { name = "wcwidth" },\n',
).replace(
    'name = "requests"\nversion = "2.32.3"\nsource = { registry = "https://pypi.org/simple" }\n',
    'name = "requests"\nversion = "2.32.3"\nsource = { registry = "https://pypi.org/simple" }\n'
    'dependencies = [\n    { name = "urllib3", marker = "python_full_version >= \'3.8\'" },\n]\n',
).replace(
    'name = "iniconfig"\nversion = "2.0.0"\nsource = { registry = "https://pypi.org/simple" }\n',
    'name = "iniconfig"\nversion = "2.0.0"\nsource = { registry = "https://pypi.org/simple" }\n'
    'dependencies = [{ name = "tomli", marker = "python_version < \'3.99\'" }]\n',
) + "".join(
    f'\n[[package]]\nname = "{name}"\nversion = "1.0"\nsource = {{ registry = "https://pypi.org/simple" }}\n'
    + (f"dependencies = [\n{edges}]\n" if edges else "")
    + (f"\n[package.optional-dependencies]\n{extras}" if extras else "")
    for name, edges, extras in (
        ("brotli", "", ""),
        ("certifi", "", ""),
        ("chardet", "", ""),
        ("idna", "", ""),
        ("orphan", '    { name = "certifi" },\n', ""),
        ("ring", '    { name = "ring-b" },\n', ""),
        ("ring-b", '    { name = "ring" },\n    { name = "ring-c" },\n', ""),
        ("ring-c", "", ""),
        ("tomli", "", ""),
        (
            "urllib3",
            '    { name = "idna" },\n    { name = "brotli", marker = "sys_platform == \'win32\'" },\n',
            'zstd = [\n    { name = "zstd" },\n]\n',
        ),
        ("wcwidth", "", ""),
        ("zstd", "", ""),
    )
)
DEEP_NAMES = "brotli certifi chardet idna orphan ring ring-b ring-c tomli urllib3 wcwidth zstd"
DEEP = {**EVERYTHING, "colorama": "0.4.6", **dict.fromkeys(DEEP_NAMES.split(), "1.0")}
#: A chain of packages the project reaches one through another, longer than the walk goes (and than
#: the interpreter's recursion would allow it).
LINK0 = '    { name = "six" },\n    { name = "link0" },\n'
CHAIN = UV_LOCK.replace('    { name = "six" },\n', LINK0) + "".join(
    f'\n[[package]]\nname = "link{i}"\nversion = "1.0"\nsource = {{ registry = "https://x/simple" }}\n'
    + (f'dependencies = [\n    {{ name = "link{i + 1}" }},\n]\n' if i < 399 else "")
    for i in range(400)
)
LINKS = {**EVERYTHING, "colorama": "0.4.6", **{f"link{i}": "1.0" for i in range(400)}}
BEHIND = {"six": "1.16.0", "requests": "2.0"}
PLAIN_TABLE = '\n[[package]]\nname = "{}"\nversion = "{}"\ngroups = ["default"]\nfiles = []\n'
PDM_ZOPE = PDM_LOCK + PLAIN_TABLE.format("zope-interface", "6.0")
PDM_ATTRS = PDM_LOCK + PLAIN_TABLE.format("attrs", "24.2.0")
DEV_TWIN = PDM_TWINS.replace('socks"]\ngroups = ["default"]', 'socks"]\ngroups = ["dev"]')

#: (lock file, its text, what the venv holds (None: not installed), whether the shortcut answers)
CASES = [
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6"}, True),  # every package, even Windows'
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "six": "1.15.0"}, True),  # one behind
    ("uv.lock", UV_LOCK, {**EVERYTHING, "six": "1.15.0", "pysocks": "1.7.0", "colorama": "0.4.5"}, True),
    ("uv.lock", UV_LOCK, {**EVERYTHING, "six": "1.15.0"}, True),  # colorama missing: its edge is Windows'
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "six": "1.16"}, True),  # PEP 440: the same
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "Six": "1.16.0", "six": None}, True),
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "six": "1.16.0+local"}, True),
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "demo": "0.2.0"}, True),  # the project
    ("uv.lock", VIRTUAL_ROOT, {**EVERYTHING, "colorama": "0.4.6", "demo": None}, True),  # never installed
    ("uv.lock", VIRTUAL_ROOT, {**EVERYTHING, "colorama": "0.4.6", "demo": "0.2.0"}, True),  # not a pin
    ("uv.lock", UV_LOCK, EVERYTHING, True),  # colorama missing: its only edge is false here
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "six": None}, True),  # the project's: due
    ("uv.lock", UV_LOCK, {**EVERYTHING, "iniconfig": None}, True),  # the dev group uv syncs: due
    ("uv.lock", UV_LOCK, {**EVERYTHING, "packaging": None}, False),  # another group: is it in use?
    ("uv.lock", UV_LOCK, {**EVERYTHING, "pysocks": None}, False),  # an extra: is it asked for?
    ("uv.lock", UV_WIN_TWICE, EVERYTHING, True),  # two edges, both false here
    ("uv.lock", UV_WIN_TWICE, {**EVERYTHING, "requests": "2.0"}, True),
    ("uv.lock", UV_WIN_OPEN, EVERYTHING, True),  # one edge holds, from requests, which the project reaches
    ("uv.lock", UV_WIN_OPEN, {**EVERYTHING, "requests": None}, True),  # requests missing too: both due
    ("uv.lock", UV_DEEP, DEEP, True),
    ("uv.lock", CHAIN, {**LINKS, "link20": None}, True),  # twenty-one packages deep: due
    ("uv.lock", CHAIN, {**LINKS, "link399": None}, False),  # four hundred: the full reading's
    ("uv.lock", UV_DEEP, {**DEEP, "urllib3": None}, True),  # through requests, which the project reaches
    ("uv.lock", UV_DEEP, {**DEEP, "idna": None}, True),  # and then through urllib3
    ("uv.lock", UV_DEEP, {**DEEP, "idna": None, "urllib3": None}, True),
    ("uv.lock", UV_DEEP, {**DEEP, "orphan": None}, True),  # nothing reaches it
    ("uv.lock", UV_DEEP, {**DEEP, "certifi": None}, True),  # only orphan does
    ("uv.lock", UV_DEEP, {**DEEP, "brotli": None}, True),  # through a marker false here
    ("uv.lock", UV_DEEP, {**DEEP, "zstd": None}, False),  # through an extra: is it asked for?
    ("uv.lock", UV_DEEP, {**DEEP, "ring": None}, False),  # a cycle nothing enters says nothing here
    ("uv.lock", UV_DEEP, {**DEEP, "chardet": None}, True),  # the dev group uv syncs
    ("uv.lock", UV_DEEP, {**DEEP, "tomli": None}, True),  # through a package of that group
    ("uv.lock", UV_DEEP, {**DEEP, "wcwidth": None}, False),  # another group: is it in use?
    ("uv.lock", UV_DEEP.replace('{ name = "idna" }', '{ name = "IDNA" }'), {**DEEP, "idna": None}, False),
    ("uv.lock", UV_DEEP.replace('{ name = "idna" }', '{ name = "i.dna" }'), {**DEEP, "idna": None}, True),
    (
        "uv.lock",
        UV_DEEP.replace('{ name = "idna" }', '{ name = "id\\u006ea" }'),
        {**DEEP, "idna": None},
        False,
    ),
    ("uv.lock", UV_DEEP.replace('name = "idna" }', 'name = " idna" }'), {**DEEP, "idna": None}, False),
    ("uv.lock", UV_DEEP.replace('name = "idna" }', 'name = "idna " }'), {**DEEP, "idna": None}, False),
    ("uv.lock", UV_DEEP.replace('name = "idna" }', 'name = "idna-x" }'), {**DEEP, "idna": None}, True),
    ("uv.lock", UV_WIN_ROOT, EVERYTHING, True),  # the project's own edge holds: due
    ("uv.lock", UV_WIN_EXTRA, EVERYTHING, True),  # through an extra, false here
    ("uv.lock", UV_WIN_DEV, EVERYTHING, True),  # through a dev group, false here
    ("uv.lock", UV_WIN_INLINE, EVERYTHING, True),  # a one-edge array on its key's line
    ("uv.lock", UV_LOCK.replace('{ name = "colorama"', '{ name = "Colorama"'), EVERYTHING, False),
    ("uv.lock", UV_RESPELT, EVERYTHING, False),  # "colorama_win" reaches colorama-win: the full reading
    # The open edge written in other TOML (uv never writes so; the parser reads them all): the full reading.
    ("uv.lock", UV_WIN_OPEN.replace('{ name = "colorama" }', '{name = "colorama"}'), EVERYTHING, False),
    ("uv.lock", UV_WIN_OPEN.replace('{ name = "colorama" }', "{ name = 'colorama' }"), EVERYTHING, False),
    ("uv.lock", UV_WIN_OPEN.replace('{ name = "colorama" }', '{ name="colorama" }'), EVERYTHING, False),
    (
        "uv.lock",
        UV_WIN_OPEN.replace('{ name = "colorama" }', '{ x = 1, name = "colorama" }'),
        EVERYTHING,
        False,
    ),
    ("uv.lock", UV_RESPELT.replace("colorama_win", "colorama-win"), EVERYTHING, True),  # due
    ("uv.lock", UV_LOCK.replace("'win32'", "'win32' and extr == 'x'"), EVERYTHING, False),  # unknown
    ("uv.lock", UV_LOCK.replace("'win32'", "'win\\u0033\\u0032'"), EVERYTHING, False),  # an escape
    # A workspace's member list names packages whose own tables say they are members (editable or
    # virtual: the full reading's roots); the list itself decides nothing.
    ("uv.lock", UV_LOCK + '\n[manifest]\nmembers = ["colorama", "demo"]\n', EVERYTHING, True),
    ("uv.lock", UV_LOCK + '\n[manifest]\nrequirements = [{ name = "colorama" }]\n', EVERYTHING, False),
    (
        "uv.lock",
        UV_LOCK.replace(
            'name = "colorama"\nversion = "0.4.6"\nsource = { registry = "https://pypi.org/simple" }',
            'name = "colorama"\nversion = "0.4.6"\nsource = { editable = "colorama" }',
        ),
        EVERYTHING,
        False,
    ),
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "demo": None}, True),  # the project: due
    ("uv.lock", UV_LOCK, {**EVERYTHING, "colorama": "0.4.6", "six_": "1.15.0"}, False),  # a name respelt
    (
        "uv.lock",
        UV_LOCK.replace('name = "six"\nversion', 'name = "six"\nsource = { x = 1 }\nversion'),
        {**EVERYTHING, "colorama": "0.4.6"},
        False,
    ),
    ("uv.lock", UV_LOCK + '\n[[package]]\nname = "six"\nversion = "1.15.0"\n', EVERYTHING, False),
    (
        "uv.lock",
        UV_LOCK.replace('version = "1.16.0"', 'version = "1.16.0" # x'),
        {**EVERYTHING, "six": "1.15.0"},
        False,
    ),
    ("poetry.lock", POETRY_LOCK, {**EVERYTHING, "colorama": "0.4.6"}, True),
    ("poetry.lock", POETRY_LOCK, {**EVERYTHING, "colorama": "0.4.6", "pytest": "8.2.0"}, True),  # --with
    ("poetry.lock", POETRY_LOCK, {**EVERYTHING, "colorama": "0.4.6", "pytest": "8.2", "six": "1.1"}, True),
    ("poetry.lock", POETRY_LOCK, {**EVERYTHING, "colorama": "0.4.6", "pysocks": None}, True),  # an extra
    ("poetry.lock", POETRY_LOCK, {**EVERYTHING, "colorama": "0.4.6", "six": None}, False),  # no marker
    ("poetry.lock", POETRY_LOCK, {"six": "1.16.0"}, False),  # markers per group: the full reading
    ("poetry.lock", POETRY_PLAIN, {"six": "1.16.0", "pytest": "8.3.0"}, True),  # Windows-only: quiet
    ("poetry.lock", POETRY_PLAIN, {"six": "1.16.0", "pytest": "8.3.0", "colorama": "0.4.5"}, True),
    ("pylock.toml", PYLOCK, {"six": "1.16.0"}, True),  # iniconfig: its default group is due
    ("pylock.toml", PYLOCK, {"six": "1.16.0", "iniconfig": "2.0.0"}, True),  # packaging: docs only
    ("pylock.toml", PYLOCK, {"six": "1.15.0", "iniconfig": "2.0.0", "packaging": "23.0"}, True),
    ("pylock.toml", PYLOCK.replace('["dev"]', "[]"), {"six": "1.16.0"}, True),
    ("pylock.toml", PYLOCK.replace('default-groups = ["dev"]\n', ""), {"six": "1.16.0"}, True),
    ("pylock.toml", PYLOCK.replace('["dev"]', '["dev", "docs"]'), {"six": "1.16.0"}, True),
    ("pylock.toml", PYLOCK.replace('["dev"]', "[\n]"), {"six": "1.16.0"}, False),
    ("pdm.lock", PDM_LOCK, {"six": "1.16.0"}, True),  # colorama is Windows-only
    ("pdm.lock", PDM_LOCK, {}, True),  # six is due: not installed
    ("pdm.lock", PDM_LOCK, {"six": "1.17.0"}, True),
    ("pdm.lock", PDM_ATTRS, {"six": "1.17.0"}, True),  # what differs first, then what is missing
    ("pdm.lock", PDM_ZOPE, {"six": "1.16.0", "zope.interface": "6.0"}, True),  # a dist-info of old
    ("pdm.lock", PDM_ZOPE, {"six": "1.16.0", "zope.interface": "5.0"}, True),
    ("pdm.lock", PDM_ZOPE, {"six": "1.16.0", "zope__interface": "6.0"}, False),  # PEP 503 joins the run
    ("pdm.lock", PDM_TWINS, {"six": "1.16.0"}, True),  # one of its entries is due here
    ("pdm.lock", PDM_TWINS, {"six": "1.16.0", "requests": "2.32.2"}, True),
    ("pdm.lock", PDM_TWINS, {"six": "1.16.0", "requests": "2.32.3"}, True),
    ("pdm.lock", PDM_TWINS.replace('"2.32.3"\nextras', '"2.32.4"\nextras'), {"six": "1.16.0"}, False),
    ("pdm.lock", DEV_TWIN, BEHIND, False),  # a group per entry: which apply decides
    ("pdm.lock", PDM_DEV, {"six": "1.16.0", "pytest": "8.2.0"}, True),  # --group dev
    ("pdm.lock", PDM_DEV, {"six": "1.16.0", "pytest": "8.3.0", "tomli": "2.0.0"}, True),
    ("pdm.lock", PDM_DEV, {"six": "1.16.0"}, False),  # a dev package missing: is the group in use?
    ("pdm.lock", PDM_UNKNOWN, {"six": "1.16.0", "pytest": "8.3.0"}, True),  # a marker it cannot tell
]


def project(tmp_path: pathlib.Path, name: str, text: str, holds: dict[str, str | None]) -> pathlib.Path:
    (tmp_path / name).write_text(text)
    fake_venv(tmp_path, {n: v for n, v in holds.items() if v is not None})
    return tmp_path


def answers(
    root: pathlib.Path, shortcut: Callable[[str, str, VenvInfo], locksync.Known | None] = locksync.compare
) -> tuple[lockmemo.Outcome | None, lockmemo.Outcome]:
    """(the shortcut's answer or None, the full comparison's), as the memo keeps them."""
    info = inspect_venv(str(root / ".venv"))
    site = installed.site_packages(info.path)
    assert site is not None
    full, problem, watch, _ = drift.examine(str(root), info)
    expected = ((full.lead(), full.command) if full is not None else None, problem, watch)
    known = shortcut(str(root), site, info)
    if known is None:
        return None, expected
    lock, differences, command = known
    hint = (locksync.lead(lock, differences), command) if differences else None
    return (hint, None, [lock, site]), expected


@pytest.mark.parametrize(("name", "text", "holds", "answered"), CASES)
def test_the_shortcut_answers_exactly_what_the_full_comparison_says(
    tmp_path: pathlib.Path, name: str, text: str, holds: dict[str, str | None], answered: bool
) -> None:
    quick, full = answers(project(tmp_path, name, text, holds))
    assert (quick is not None) == answered, full
    if quick is not None:
        assert quick == full
        # lockmemo's first comparison goes through the shortcut, reading nothing else.
        info = inspect_venv(str(tmp_path / ".venv"))
        assert lockmemo._compute(str(tmp_path), info, False) == (full, [str(tmp_path / name)])


def test_two_versions_of_one_name_or_an_egg_info_leave_it_to_the_full_comparison(
    tmp_path: pathlib.Path,
) -> None:
    root = project(tmp_path, "pdm.lock", PDM_LOCK, {"six": "1.16.0"})
    site = pathlib.Path(installed.site_packages(str(root / ".venv")) or "")
    info = inspect_venv(str(root / ".venv"))
    assert locksync.compare(str(root), str(site), info) == (str(root / "pdm.lock"), [], ())
    for other in ("six-1.17.0.dist-info", "SIX-1.15.0.dist-info", "six-1.15.0-py3.12.egg-info"):
        (site / other).mkdir()
        assert locksync.compare(str(root), str(site), info) is None, other
        (site / other).rmdir()


def test_another_lock_first_or_none_is_not_known_here(tmp_path: pathlib.Path) -> None:
    root = project(tmp_path, "pdm.lock", PDM_LOCK, EVERYTHING)
    site = installed.site_packages(str(root / ".venv")) or ""
    info = inspect_venv(str(root / ".venv"))
    (root / "uv.lock").write_text("version = 1\n")  # uv.lock comes first, and lists nothing
    assert locksync.compare(str(root), site, info) is None
    (root / "uv.lock").unlink()
    (root / "pdm.lock").unlink()
    (root / "Pipfile.lock").write_text("{}")
    assert locksync.compare(str(root), site, info) is None


def test_a_venv_elsewhere_is_told_to_sync_actively(tmp_path: pathlib.Path) -> None:
    (tmp_path / "uv.lock").write_text(UV_LOCK)
    venv = fake_venv(tmp_path, {**EVERYTHING, "colorama": "0.4.6", "six": "1.15.0"})
    elsewhere = tmp_path / "envs" / "demo"
    elsewhere.parent.mkdir()
    venv.rename(elsewhere)
    info = inspect_venv(str(elsewhere))
    site = installed.site_packages(info.path) or ""
    found, _, _, _ = drift.examine(str(tmp_path), info)
    assert found is not None and found.command == ("uv", "sync", "--active")
    assert locksync.compare(str(tmp_path), site, info) == (
        str(tmp_path / "uv.lock"),
        ["six 1.16.0 pinned, 1.15.0 installed"],
        ("uv", "sync", "--active"),
    )


#: Markers as uv writes them on edges, and some it reads but ``_lite`` leaves to ``resolve.markers``.
LITE_MARKERS = [
    "sys_platform == 'win32'",
    'sys_platform == "linux"',
    "sys_platform != 'win32'",
    "platform_system == 'Windows'",
    "os_name == 'nt'",
    "os_name != 'nt'",
    "platform_machine == 'x86_64'",
    "platform_python_implementation == 'CPython'",
    "platform_python_implementation != 'PyPy'",
    "implementation_name == 'pypy'",
    "python_full_version < '3.11'",
    "python_full_version >= '3.11.7'",
    "python_full_version > '3.11.7'",
    "python_full_version <= '3.11'",
    "python_full_version == '3.11.7'",
    "python_full_version != '3.11.7'",
    "python_version == '3.11'",
    "python_version == '3.11.0'",
    "python_version > '3.9'",
    "python_version < '3.011'",
    "sys_platform != 'win32' and sys_platform != 'emscripten'",
    "(platform_machine == 'x86_64' and sys_platform == 'linux') or sys_platform == 'win32'",
    "python_full_version < '3.10' or (python_full_version >= '3.12' and os_name == 'nt')",
    "((sys_platform == 'linux'))",
    "sys_platform == 'win32' or python_full_version < '3.11' and os_name == 'posix'",
    # Left to the full reader:
    "python_full_version < '3.11.0a1'",
    "python_version == '3.11.*'",
    "python_full_version ~= '3.11'",
    "'win32' == sys_platform",
    "sys_platform < 'win32'",
    "sys_platform in 'win32 linux'",
    "extra == 'socks'",
    "platform_release == '6.1'",
    "sys.platform == 'win32'",
    "sys_platform == 'win 32'",
    "sys_platform == 'win32",
    "(sys_platform == 'win32'",
    "sys_platform == 'win32')",
    "sys_platform == 'win32' and",
    "sys_platform == 'win32' xor os_name == 'nt'",
    "",
]


@pytest.mark.parametrize("version", ["3.11.7", "3.9", "3.12.0", "3.13.0a1", ""])
@pytest.mark.parametrize("cfg", [{}, {"implementation": "PyPy"}, {"home": "/opt/pypy3.10/bin"}])
def test_the_lite_marker_reader_says_what_the_full_one_says_or_nothing(
    tmp_path: pathlib.Path, version: str, cfg: dict[str, str]
) -> None:
    """``_lite`` reads uv's common edge markers without importing the marker module; where it answers,
    the answer is ``resolve.markers``'; its environment is that module's, for the values it reads."""
    from autovenv.resolve import markers

    lines = [f"version = {version}"] if version else []
    cfg = {"home": "/usr/bin", **cfg}
    (tmp_path / "pyvenv.cfg").write_text("\n".join([*lines, *(f"{k} = {v}" for k, v in cfg.items())]) + "\n")
    info = inspect_venv(str(tmp_path))
    lite = locksync.lite_environment(info)
    full = locksync.environment(info)
    assert lite == {key: full[key] for key in lite}
    answered = []
    for marker in LITE_MARKERS:
        said = locksync.lite(marker, lite)
        if said is not None:
            answered.append(marker)
            assert said == markers.evaluate(marker, full), marker
    if version == "3.11.7":
        assert answered == LITE_MARKERS[: LITE_MARKERS.index("python_full_version < '3.11.0a1'")]


RELEASES = ["0", "0.0", "1", "1.0", "1.0.0", "1.00", "01.0", "2.1", "2.10", "10.0.1", "1.0.0.0.1"]
TAILS = ["", "a1", "b2", "rc1", "rc0", "rc10", ".post1", ".post0", ".dev0", ".dev3", "c1", "-1", "rc01"]
TAILS += ["+local", "+1.2", ".post1+x", "a1.post1", "RC1", "post1", "pre1", ".rc1", "rc", "-rc1", " ", "x"]
VERSIONS = [release + tail for release in RELEASES for tail in TAILS] + ["1!1.0", "v1.0", "", ".1", "1..0"]


def test_a_version_is_told_the_same_as_the_version_rules_tell_it() -> None:
    """``same_version`` answers ``resolve.versions.same``'s question for every pair here; its own reading
    (``_normal``) answers for the normal forms a lock and a dist-info write, and no other."""
    from autovenv.resolve import versions

    for pinned in VERSIONS:
        for held in VERSIONS:
            assert locksync.same_version(pinned, held) == versions.same(pinned, held), (pinned, held)
    told = [v for v in VERSIONS if locksync._normal(v) is not None]
    assert "1.0.0rc1" in told and "2.10.post1" in told and "1.0" in told
    others = {"1.0+local", "1.0c1", "1.0-1", "1.0rc01", "1.0RC1", "1!1.0", "v1.0", "1.0a1.post1"}
    assert not others & set(told)


#: (lock file, its text, what the venv holds): a package behind, and ones missing that each lock tells
#: its own way (uv's edges, Poetry's and PDM's markers and groups, pylock.toml's groups).
BROKEN_CASES = [
    ("uv.lock", UV_DEEP, {**DEEP, "colorama": None, "six": "1.15.0", "idna": None}),
    ("poetry.lock", POETRY_PLAIN, {"six": "1.15.0", "pytest": "8.3.0"}),
    ("pdm.lock", PDM_DEV, {"six": "1.15.0", "pytest": "8.3.0"}),
    ("pylock.toml", PYLOCK, {"six": "1.15.0"}),
]


@pytest.mark.parametrize(("name", "text", "holds"), BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_locks_changed_a_byte_at_a_time_are_never_told_otherwise(
    tmp_path: pathlib.Path, name: str, text: str, holds: dict[str, str | None]
) -> None:
    """A byte changed, gone or added anywhere in a lock that is still TOML: where the shortcut answers,
    it answers what the full reading says (markers, versions and edges read by the small readers
    included)."""
    import random

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - 3.9/3.10
        import tomli as tomllib

    rng = random.Random(15)
    answered = 0
    for number in range(300):
        at = rng.randrange(len(text))
        change = rng.choice(['"', "'", ",", "]", "[", "{", "}", "\n", " ", "", "=", "x", "1", "-", "!"])
        broken = text[:at] + change + text[at + rng.choice([0, 1]) :]
        try:
            tomllib.loads(broken)
        except tomllib.TOMLDecodeError:
            continue  # a lock that is not TOML: the full reading's to report
        root = tmp_path / str(number)
        root.mkdir()
        quick, full = answers(project(root, name, broken, holds))
        if quick is not None:
            answered += 1
            assert quick == full, repr(broken[max(0, at - 60) : at + 60])
    assert answered > 30
