"""PEP 440 versions and PEP 508 markers, read by hand for the hot path, held equal to ``packaging``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from autovenv.resolve import markers, versions

# -- versions ------------------------------------------------------------------------------------------

SPELLINGS = [
    ("1.0", "1.0.0", True),
    ("1.0", "1", True),
    ("2.1.0", "2.1.0+cu118", True),  # a pin without a local label ignores the installed one's
    ("2.1.0+cu118", "2.1.0", False),
    ("1.0a1", "1.0.0-alpha1", True),
    ("1.0rc1", "1.0c1", True),
    ("1.0.post1", "1.0-1", True),
    ("1.0.dev0", "1.0dev", True),
    ("1!2.0", "2.0", False),
    ("5.1.2", "5.0.4", False),
    ("v1.2", "1.2", True),
    ("1.0b2.post3.dev4", "1.0beta2-post3-dev4", True),
    ("not-a-version", "NOT-A-VERSION", True),
]


@pytest.mark.parametrize(("pinned", "installed", "equal"), SPELLINGS)
def test_pins_match_installed_versions_in_any_spelling(pinned: str, installed: str, equal: bool) -> None:
    assert versions.same(pinned, installed) is equal


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Django", "django"),
        ("zope.interface", "zope-interface"),
        ("A__B-.c", "a-b-c"),
        ("ruamel.yaml", "ruamel-yaml"),
    ],
)
def test_names_normalise_as_pep_503_says(name: str, normal: str) -> None:
    assert versions.normalize_name(name) == normal == canonicalize_name(name)


_segment = st.integers(min_value=0, max_value=12)
_release = st.lists(_segment, min_size=1, max_size=4).map(lambda parts: ".".join(map(str, parts)))
_pre = st.sampled_from(["", "a1", "b2", "rc0", ".alpha3", "-beta", "c4", "pre1", "preview2"])
_post = st.sampled_from(["", ".post1", "-2", ".rev3", "r", "post0"])
_dev = st.sampled_from(["", ".dev0", "dev3", "-dev"])
_local = st.sampled_from(["", "+abc", "+1.2", "+ubuntu-1", "+cu118"])
_epoch = st.sampled_from(["", "1!"])
VERSIONS = st.builds(
    lambda e, r, a, p, d, loc: e + r + a + p + d + loc, _epoch, _release, _pre, _post, _dev, _local
)
ODD = st.text(alphabet="0123456789.abcdeoprstv!+-_", min_size=1, max_size=12)


@settings(max_examples=600, deadline=None)
@given(st.one_of(VERSIONS, ODD))
def test_parse_accepts_what_packaging_accepts(text: str) -> None:
    try:
        expected: Version | None = Version(text)
    except InvalidVersion:
        expected = None
    parsed = versions.parse(text)
    assert (parsed is None) == (expected is None)
    if parsed is not None and expected is not None:
        assert str(parsed) == str(expected)


@settings(max_examples=600, deadline=None)
@given(VERSIONS, VERSIONS)
def test_order_is_packaging_order(a: str, b: str) -> None:
    left, right = versions.parse(a), versions.parse(b)
    assert left is not None and right is not None
    assert (left.key() < right.key()) == (Version(a) < Version(b))
    assert (left.key() == right.key()) == (Version(a) == Version(b))


OPERATORS = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "~=", "==="])


@settings(max_examples=1000, deadline=None)
@given(OPERATORS, VERSIONS, st.booleans(), VERSIONS)
def test_specifiers_contain_what_packaging_says(op: str, spec: str, wildcard: bool, candidate: str) -> None:
    if wildcard:
        spec = spec.split("+")[0] + ".*"
    try:
        expected: bool | None = Specifier(op + spec).contains(candidate, prereleases=True)
    except InvalidSpecifier:
        expected = None
    assert versions.contains(op, spec, candidate) == expected


# -- markers -------------------------------------------------------------------------------------------

ENV = markers.environment("3.12.1")
EXAMPLES = [
    'python_version >= "3.9"',
    'python_version < "3.12"',
    'python_full_version >= "3.12.1" and python_full_version < "3.13"',
    'sys_platform == "win32"',
    'sys_platform == "linux" or sys_platform == "darwin"',
    'platform_system == "Windows"',
    'platform_machine in "x86_64 aarch64"',
    '"linux" in sys_platform',
    'os_name != "nt" and (python_version == "3.12" or python_version == "3.11")',
    "implementation_name == 'cpython'",
    'platform_python_implementation == "PyPy"',
    'extra == "dev"',
    'python_version ~= "3.10"',
    'python_version == "3.*"',
    'python_version > "3.12"',
    "python_version >= '3.8' and extra == 'Socks'",
    'platform_release >= "5"',
    'python_full_version === "3.12.1"',
    'implementation_version > "3.12.0"',
    'platform_machine not in "arm64 aarch64"',
]


@pytest.mark.parametrize("marker", EXAMPLES)
def test_markers_evaluate_as_packaging_does(marker: str) -> None:
    env = {k: v for k, v in ENV.items() if isinstance(v, str)}
    assert markers.evaluate(marker, ENV) == Marker(marker).evaluate(env)


@pytest.mark.parametrize(
    ("marker", "extras", "groups", "expected"),
    [
        ('"dev" in dependency_groups', (), ("dev",), True),
        ('"docs" in dependency_groups', (), ("dev",), False),
        ('"Socks" in extras', ("socks",), (), True),
        ('"socks" not in extras', (), (), True),
    ],
)
def test_pylock_markers_name_extras_and_groups(
    marker: str, extras: tuple[str, ...], groups: tuple[str, ...], expected: bool
) -> None:
    env = markers.environment("3.12.1", extras=frozenset(extras), groups=frozenset(groups))
    assert markers.evaluate(marker, env) is expected


@pytest.mark.parametrize(
    "marker",
    ['python_version >= "3', "unknown_var == '1'", "python_version", "'a' == 'b'", "(python_version > '3'"],
)
def test_a_marker_that_cannot_be_read_is_unknown(marker: str) -> None:
    assert markers.evaluate(marker, ENV) is None


def test_the_environment_is_the_venvs_python_on_this_machine() -> None:
    env = markers.environment("3.9.18", "pypy")
    assert env["python_version"] == "3.9" and env["python_full_version"] == "3.9.18"
    assert env["implementation_name"] == "pypy" and env["platform_python_implementation"] == "PyPy"
    import platform
    import sys

    assert env["sys_platform"] == sys.platform and env["platform_machine"] == platform.machine()
    assert env["platform_system"] == platform.system()
