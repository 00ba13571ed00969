"""PowerShell quoting: hostile values come back exactly, as pure ASCII that parses as data only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv.answer import Answer
from autovenv.plan import Plan
from autovenv.shells import pwsh
from tests.unit.test_pwsh_eval import data_only_problems, expr, parser, run_plan, whole

HOSTILE = [
    "",
    "plain",
    "it's",
    "'",
    "''",
    '"',
    "$(Remove-Item -Recurse ~)",
    "`whoami`",
    "; calc.exe",
    "a\nb",
    "a\rb",
    "a\r\n",
    "\u2018curly\u2019 \u201asingle\u201b",
    "\u201cdouble\u201d \u201e",
    "\u2019; Invoke-Expression calc; \u2018",
    "%PATH% %USERPROFILE%",
    "caf\u00e9 \u0440\u0442 \U0001f692 \u2658 \u4e2d\u7247",
    b"bad-\xff\xfe-utf8".decode("utf-8", "surrogateescape"),
    "\udc80",
    "\ud800 lone high",
    "C:\\Users\\O'Brien\\code\\shop\\.venv\\Scripts",
    "\x00\x01\x1f\x7f",
    "@{ x = 1 }",
    "[char]0x41",
    "' + [char]0x41 + '",
    "#comment",
    "<#block#>",
    "${env:PATH}",
]

values = st.one_of(
    st.text(
        alphabet=st.sampled_from(
            list("'\"$()`;\n\r%\\#@{}[]+, \u2018\u2019\u201a\u201b\u201c\u201d\u201eab\u00e9")
        )
    ),
    st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.text(alphabet=st.characters(blacklist_categories=())),
)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_round_trip(value: str) -> None:
    quoted = pwsh.quote(value)
    assert quoted.isascii() and quoted.isprintable()
    assert whole(expr, quoted) == value


@settings(max_examples=400, deadline=None)
@given(values)
def test_quote_round_trips_any_string(value: str) -> None:
    quoted = pwsh.quote(value)
    assert quoted.isascii() and quoted.isprintable()
    assert whole(expr, quoted) == value


def test_quote_forms() -> None:
    assert pwsh.quote("abc") == "'abc'"
    assert pwsh.quote("it's") == "'it''s'"
    assert pwsh.quote("") == "''"
    assert pwsh.quote("\u00e9") == "('' + [char]0x00E9)"
    assert pwsh.quote("a\u2019b") == "('a' + [char]0x2019 + 'b')"
    assert pwsh.quote("\U0001f692") == "('' + [char]0xD83D + [char]0xDE92)"


@settings(max_examples=150, deadline=None)
@given(st.lists(values, min_size=1, max_size=4))
def test_quoted_values_parse_as_data_only(items: list[str]) -> None:
    tree = parser()
    text = "".join(f"$env:V{i} = {pwsh.quote(v)}\n" for i, v in enumerate(items))
    assert data_only_problems(tree, text) == []
    assert run_plan(text, {}) == {f"V{i}": v for i, v in enumerate(items)}


@pytest.mark.parametrize("windows", [False, True])
def test_export_plan_round_trips_hostile_values(windows: bool) -> None:
    changes: dict[str, str | None] = {f"V{i}": v for i, v in enumerate(HOSTILE)}
    changes["PYTHONHOME"] = None
    changes["odd name"] = "x"
    changes["gone odd\u2019"] = None
    text = pwsh.render_plan_for(Plan(changes, None, True), windows)
    assert text.isascii()
    start = {"PYTHONHOME": "/opt", "gone odd\u2019": "1"}
    expected = {k: v for k, v in changes.items() if v is not None}
    assert run_plan(text, start) == expected
    assert data_only_problems(parser(), text) == []


def test_windows_never_emits_path_twice() -> None:
    plan = Plan({"PATH": "C:\\v\\Scripts;C:\\Windows", "Path": None, "path": "C:\\x"}, None, True)
    text = pwsh.render_plan_for(plan, windows=True)
    assert text.lower().count("$env:path") == 1
    assert "Remove-Item" not in text
    posix = pwsh.render_plan_for(Plan({"PATH": "/v/bin:/usr/bin"}, None, True), windows=False)
    assert posix == "$env:PATH = '/v/bin:/usr/bin'\n"


def test_pathsep_follows_the_target() -> None:
    assert pwsh.pathsep(True) == ";"
    assert pwsh.pathsep(False) == ":"


@settings(max_examples=100, deadline=None)
@given(st.lists(values, max_size=6), st.lists(values, max_size=3), values, st.booleans())
def test_answer_is_data_that_round_trips(watch: list[str], notes: list[str], value: str, quiet: bool) -> None:
    answer = Answer(
        key=value + "\x1f" + value,
        root=value,
        venv=value,
        prompt=value,
        operations=(
            ("set", "VIRTUAL_ENV", value),
            ("set", "VIRTUAL_ENV_PROMPT", f"({value}) "),
            ("set", "PYENV_VERSION", value),
            ("prepend", "PATH", value),
        ),
        message=value,
        quiet=quiet,
        notes=tuple(notes),
        watch=tuple(watch),
        sig="HOME=" + value + "\x1f",
    )
    text = pwsh.render_answer(answer)
    assert text.isascii()
    got = pwsh.read_answer(text)
    # NUL separates the fields: no path, environment value or message holds one, and one is replaced.
    def clean(text: str) -> str:
        return text.replace("\0", "\ufffd")

    value, watch, notes = clean(value), [clean(w) for w in watch], [clean(n) for n in notes]
    answer.key, answer.sig = clean(answer.key), clean(answer.sig)
    assert got["root"] == value and got["venv"] == value and got["msg"] == value
    assert got["key"] == answer.key and got["sig"] == answer.sig
    assert got["ops"] == [clean(word) for word in answer.flat_operations()]
    assert got["quiet"] == ("1" if quiet else "")
    assert got["watch"] == watch and got["notes"] == notes
    assert list(got) == [*pwsh.ANSWER_FIELDS, *pwsh.ANSWER_LISTS, pwsh.PROMPT_WATCH]
    assert got[pwsh.PROMPT_WATCH] == watch
