"""The lock comparison as tables: what each source pins, what applies here, what is said and the fix."""

from __future__ import annotations

import json
import pathlib
import sys

import pytest

from autovenv.resolve import drift, lockscan, markers, pins
from autovenv.resolve.venv import inspect_venv

ENV = markers.environment(f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}")
PY = f"{sys.version_info.major}.{sys.version_info.minor}"


def fake_venv(root: pathlib.Path, installed: dict[str, str], pip: bool = True) -> pathlib.Path:
    venv = root / ".venv"
    site = venv / "lib" / f"python{PY}" / "site-packages"
    site.mkdir(parents=True)
    (venv / "bin").mkdir()
    if pip:
        (venv / "bin" / "pip").touch()
    (venv / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {sys.version.split()[0]}\n")
    for name, version in installed.items():
        (site / f"{name}-{version}.dist-info").mkdir()
    return venv


def said(root: pathlib.Path) -> str | None:
    info = inspect_venv(str(root / ".venv"))
    found, problem, _ = drift.check(str(root), info)
    assert problem is None
    return None if found is None else f"{found.lead()} {' '.join(found.command)}"


REQUIREMENT_LINES = [
    ("django==5.1.2", ("django", "5.1.2", "")),
    ("Django == 5.1.2", ("django", "5.1.2", "")),
    ("requests[socks]==2.32.3 ; python_version >= '3.8'", ("requests", "2.32.3", "python_version >= '3.8'")),
    ("six===1.16.0", ("six", "1.16.0", "")),
    ("zope.interface==6.0 --hash=sha256:abc", ("zope-interface", "6.0", "")),
    ("django>=5", None),
    ("django==5.*", None),
    ("django>=5,<6", None),
    ("pkg @ https://example.com/pkg.whl", None),
    ("django", None),
]


@pytest.mark.parametrize(("line", "expected"), REQUIREMENT_LINES)
def test_requirement_lines(line: str, expected: tuple[str, str, str] | None) -> None:
    assert pins.parse_requirement(line) == expected


def test_agreeing_pins_say_nothing_whatever_the_spelling(tmp_path: pathlib.Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "# pinned by pip freeze\nDjango==5.1.2\nzope.interface==6.0 \\\n    --hash=sha256:abc\n-e .\n"
        "colorama==0.4.6 ; sys_platform == 'win32-never'\n--index-url https://example.com/simple\n"
    )
    fake_venv(tmp_path, {"django": "5.1.2", "zope.interface": "6.0.0"})
    assert said(tmp_path) is None


def test_a_difference_names_the_first_the_count_and_the_fix(tmp_path: pathlib.Path) -> None:
    (tmp_path / "requirements.txt").write_text("django==5.1.2\nrequests==2.32.3\nsix==1.16.0\nidna==3.6\n")
    fake_venv(tmp_path, {"Django": "5.0.4", "six": "1.16.0", "idna": "3.5"})
    assert said(tmp_path) == (
        "requirements.txt: django 5.1.2 pinned, 5.0.4 installed; 2 more; run: pip install -r requirements.txt"
    )


def test_a_venv_without_pip_is_fixed_with_uv(tmp_path: pathlib.Path) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.17.0\n")
    fake_venv(tmp_path, {"six": "1.16.0"}, pip=False)
    assert said(tmp_path) == (
        "requirements.txt: six 1.17.0 pinned, 1.16.0 installed; run: uv pip install -r requirements.txt"
    )


def test_layered_requirements_count_only_the_layers_the_venv_holds(tmp_path: pathlib.Path) -> None:
    layered = tmp_path / "requirements"
    layered.mkdir()
    (layered / "base.txt").write_text("six==1.16.0\n")
    (layered / "dev.txt").write_text("-r base.txt\npytest==8.0.0\n")
    (layered / "prod.txt").write_text("-r base.txt\ngunicorn==22.0.0\n")
    fake_venv(tmp_path, {"six": "1.16.0"})
    # Neither dev.txt's nor prod.txt's own pins are here: the layer create installs (dev) is "main".
    assert (
        said(tmp_path)
        == "dev.txt: pytest 8.0.0 pinned, not installed; run: pip install -r requirements/dev.txt"
    )


def test_a_server_with_only_requirements_txt_is_not_told_about_dev_tools(tmp_path: pathlib.Path) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.16.0\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest==8.0.0\n")
    fake_venv(tmp_path, {"six": "1.16.0"})
    assert said(tmp_path) is None


def test_a_developers_venv_is_fixed_by_the_dev_layer(tmp_path: pathlib.Path) -> None:
    (tmp_path / "requirements.txt").write_text("six==1.17.0\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest==8.0.0\niniconfig==2.0.0\n")
    fake_venv(tmp_path, {"six": "1.16.0", "pytest": "8.0.0"})
    assert said(tmp_path) == (
        "requirements.txt: six 1.17.0 pinned, 1.16.0 installed; 1 more; "
        "run: pip install -r requirements-dev.txt"
    )


UV_LOCK = """version = 1
revision = 2
requires-python = ">=3.9"

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://x/colorama.whl", hash = "sha256:00" },
]

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
    { name = "six" },
    { name = "requests", extra = ["socks"] },
]

[package.dev-dependencies]
dev = [
    { name = "iniconfig" },
]
docs = [
    { name = "packaging" },
]

[package.metadata]
requires-dist = [{ name = "six" }]

[[package]]
name = "iniconfig"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "packaging"
version = "24.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pysocks"
version = "1.7.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
socks = [
    { name = "pysocks" },
]

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://x/six.tar.gz", hash = "sha256:11" }
"""


def test_uv_lock_follows_the_graph_under_this_platforms_markers(tmp_path: pathlib.Path) -> None:
    (tmp_path / "uv.lock").write_text(UV_LOCK)
    everything = {
        "demo": "0.1.0",
        "six": "1.16.0",
        "requests": "2.32.3",
        "pysocks": "1.7.1",
        "iniconfig": "2.0.0",
    }
    fake_venv(tmp_path, everything)
    assert said(tmp_path) is None  # colorama is Windows-only, docs is not installed by default
    (tmp_path / ".venv").rename(tmp_path / "old")
    fake_venv(tmp_path, {**everything, "pysocks": "1.7.0", "iniconfig": "1"})
    assert said(tmp_path) == "uv.lock: iniconfig 2.0.0 pinned, 1 installed; 1 more; run: uv sync"


def test_the_scanner_reads_what_tomllib_reads(tmp_path: pathlib.Path) -> None:
    try:
        import tomllib
    except ImportError:
        import tomli as tomllib  # type: ignore[no-redef]
    full = tomllib.loads(UV_LOCK)
    fast = lockscan.scan(
        UV_LOCK, frozenset({"package"}), frozenset({"optional-dependencies", "dev-dependencies"})
    )
    kept = [
        {k: v for k, v in p.items() if k not in lockscan.SKIPPED and k != "metadata"} for p in full["package"]
    ]
    for package in kept:
        if "registry" in package.get("source", {}):
            package["source"] = {"registry": None}  # not the project's own: not read
    assert fast["package"] == kept
    assert fast["version"] == 1


@pytest.mark.parametrize(
    "text",
    ['x = """multi\nline"""\n', "x = 1\nx = 2\n", "x = 1979-05-27\n", "a.b = 1\n", 'x = "unterminated\n'],
)
def test_the_scanner_hands_other_layouts_to_tomllib(text: str) -> None:
    with pytest.raises(lockscan.Unsupported):
        lockscan.scan(text, frozenset({"package"}), frozenset())


POETRY_LOCK = """# This file is automatically @generated by Poetry 2.5.1 and should not be changed by hand.

[[package]]
name = "colorama"
version = "0.4.6"
description = "Cross-platform colored terminal text."
optional = false
python-versions = "*"
groups = ["main", "dev"]
markers = {main = "sys_platform == \\"win32\\"", dev = "sys_platform == \\"win32\\""}
files = [
    {file = "colorama-0.4.6.tar.gz", hash = "sha256:00"},
]

[[package]]
name = "pytest"
version = "8.3.0"
description = "pytest"
optional = false
python-versions = ">=3.8"
groups = ["dev"]
files = []

[package.dependencies]
colorama = {version = "*", markers = "sys_platform == \\"win32\\""}

[[package]]
name = "six"
version = "1.16.0"
description = "six"
optional = false
python-versions = "*"
groups = ["main"]
files = []

[[package]]
name = "pysocks"
version = "1.7.1"
description = "socks"
optional = true
python-versions = "*"
groups = ["main"]
files = []

[metadata]
lock-version = "2.1"
python-versions = ">=3.9"
content-hash = "abc"
"""


def test_poetry_lock_markers_groups_and_extras(tmp_path: pathlib.Path) -> None:
    (tmp_path / "poetry.lock").write_text(POETRY_LOCK)
    fake_venv(tmp_path, {"six": "1.16.0"})
    assert said(tmp_path) is None  # pytest: a dev group not installed; pysocks: an extra; colorama: Windows
    (tmp_path / ".venv").rename(tmp_path / "old")
    fake_venv(tmp_path, {"six": "1.15.0", "pytest": "8.2.0"})
    assert (
        said(tmp_path)
        == "poetry.lock: pytest 8.3.0 pinned, 8.2.0 installed; 1 more; run: poetry install --with dev"
    )


PDM_LOCK = """# This file is @generated by PDM.

[metadata]
groups = ["default", "dev"]
strategy = ["inherit_metadata"]
lock_version = "4.5.0"
content_hash = "sha256:00"

[[package]]
name = "colorama"
version = "0.4.6"
summary = "colors"
groups = ["default"]
marker = "sys_platform == \\"win32\\""
files = [
    {file = "colorama-0.4.6-py2.py3-none-any.whl", hash = "sha256:00"},
]

[[package]]
name = "six"
version = "1.16.0"
requires_python = ">=2.7"
summary = "six"
groups = ["default"]
files = []
"""


def test_pdm_lock(tmp_path: pathlib.Path) -> None:
    (tmp_path / "pdm.lock").write_text(PDM_LOCK)
    fake_venv(tmp_path, {})
    assert said(tmp_path) == "pdm.lock: six 1.16.0 pinned, not installed; run: pdm sync"


def test_pipfile_lock(tmp_path: pathlib.Path) -> None:
    lock = {
        "_meta": {"hash": {"sha256": "0"}},
        "default": {
            "six": {"version": "==1.16.0", "hashes": []},
            "colorama": {"version": "==0.4.6", "markers": "sys_platform == 'win32'"},
        },
        "develop": {"pytest": {"version": "==8.3.0"}},
    }
    (tmp_path / "Pipfile.lock").write_text(json.dumps(lock))
    fake_venv(tmp_path, {"six": "1.16.0"})
    assert said(tmp_path) is None
    (tmp_path / ".venv").rename(tmp_path / "old")
    fake_venv(tmp_path, {"six": "1.16.0", "pytest": "8.0.0"})
    assert said(tmp_path) == "Pipfile.lock: pytest 8.3.0 pinned, 8.0.0 installed; run: pipenv sync --dev"


PYLOCK = """lock-version = "1.0"
created-by = "uv"
requires-python = ">=3.9"
default-groups = ["dev"]

[[packages]]
name = "iniconfig"
version = "2.0.0"
marker = "'dev' in dependency_groups"
wheels = [{ url = "https://x/iniconfig.whl", hashes = { sha256 = "00" } }]

[[packages]]
name = "packaging"
version = "24.0"
marker = "'docs' in dependency_groups"

[[packages]]
name = "six"
version = "1.16.0"

[[packages.wheels]]
url = "https://x/six.whl"
"""


def test_pylock_toml_reads_default_groups(tmp_path: pathlib.Path) -> None:
    (tmp_path / "pylock.toml").write_text(PYLOCK)
    fake_venv(tmp_path, {"six": "1.16.0"})
    assert (
        said(tmp_path)
        == "pylock.toml: iniconfig 2.0.0 pinned, not installed; run: uv pip install -r pylock.toml"
    )


def test_a_lock_that_cannot_be_read_is_one_line(tmp_path: pathlib.Path) -> None:
    (tmp_path / "uv.lock").write_text("[[package]\nname = 'x'\n")
    fake_venv(tmp_path, {})
    found, problem, _ = drift.check(str(tmp_path), inspect_venv(str(tmp_path / ".venv")))
    assert (
        found is None and problem is not None and problem.startswith(f"cannot read {tmp_path / 'uv.lock'}: ")
    )


def test_dist_info_names_split_at_the_last_dash() -> None:
    from autovenv.resolve.installed import parse_entry

    assert parse_entry("zope.interface-6.0.dist-info") == ("zope-interface", "6.0")
    assert parse_entry("typing_extensions-4.12.2.dist-info") == ("typing-extensions", "4.12.2")
    assert parse_entry("pkg-1.0-py3.11.egg-info") == ("pkg", "1.0")
    assert parse_entry("pkg.egg-info") is None
    assert parse_entry("pkg") is None
