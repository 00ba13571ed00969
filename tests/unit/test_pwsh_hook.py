"""The PowerShell hook template: parses cleanly, is pure ASCII, and agrees with the Python side.

Without a PowerShell binary, the parts of the hook that must agree with Python (the answer validator,
the cache entry path, the resolution signature) are checked through faithful Python ports of those few
lines, each tied to the template text so a change on one side fails here.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv import answer as answer_mod
from autovenv import cache, hook, plan
from autovenv.answer import Answer
from autovenv.shells import pwsh, read_template
from tests.unit.test_pwsh_eval import data_only_problems, expr, expr_list, parse_errors, parser, whole

HOSTILE_DIR = "/tmp/it's \u2018q\u2019 $(x) `y` caf\u00e9 \U0001f692"
TEMPLATE = read_template(pwsh.TEMPLATE)


def values(cache_dir: str = HOSTILE_DIR) -> dict[str, object]:
    return {
        "AUTOVENV_EXPORT": ["/opt/py\u2019/bin/python", "-I", "-S", "-c", "import sys;print('x')"],
        "AUTOVENV_CACHE": cache_dir,
        "AUTOVENV_MARKERS": [".autovenv.toml", "pyproject.toml", ".venv", "venv", "env", ".python-version"],
        "AUTOVENV_DEPS": list(answer_mod.ENV_DEPS),
        "AUTOVENV_FORMAT": answer_mod.FORMAT,
    }


def assigned(text: str, name: str) -> str:
    match = re.search(rf"^\$global:{name} = (.*)$", text, re.MULTILINE)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("windows", [False, True])
def test_rendered_hook_parses_and_is_ascii(windows: bool) -> None:
    text = pwsh.render_hook_for(values(), windows)
    assert text.isascii()
    assert "@AUTOVENV_" not in text
    assert parse_errors(parser(), text) == []


def test_real_hook_output_parses() -> None:
    text = hook.render("pwsh")
    assert text.isascii()
    assert parse_errors(parser(), text) == []


def test_template_alone_parses() -> None:
    # Placeholders stand where a value goes; filled with '' the raw template must parse too.
    filled = re.sub(r"@AUTOVENV_QUICKSIG@", "", TEMPLATE)
    filled = re.sub(r"@AUTOVENV_[A-Z]+@", "''", filled)
    assert parse_errors(parser(), filled) == []


@pytest.mark.parametrize("windows", [False, True])
def test_placeholders_carry_exact_values(windows: bool) -> None:
    given_values = values()
    text = pwsh.render_hook_for(given_values, windows)
    assert whole(expr, assigned(text, "__autovenv_cache")) == HOSTILE_DIR
    assert whole(expr_list, assigned(text, "__autovenv_export")) == given_values["AUTOVENV_EXPORT"]
    assert whole(expr_list, assigned(text, "__autovenv_markers")) == given_values["AUTOVENV_MARKERS"]
    assert whole(expr_list, assigned(text, "__autovenv_deps")) == list(answer_mod.ENV_DEPS)
    assert whole(expr, assigned(text, "__autovenv_sep")) == (";" if windows else ":")
    for name in answer_mod.ENV_DEPS:
        assert f"${{env:{name}}}, ($null -eq ${{env:{name}}})" in text
    assert data_only_problems(parser(), f"$env:X = {assigned(text, '__autovenv_cache')}\n") == []


def test_cmdlets_are_fully_qualified_and_no_script_is_run() -> None:
    code = "\n".join(line for line in TEMPLATE.splitlines() if not line.lstrip().startswith("#"))
    for cmdlet in re.findall(r"(\S*)\b((?:Remove|Set|Get|Write|Invoke)-[A-Za-z]+)", code):
        assert cmdlet[0].endswith(("Management\\", "Utility\\")), cmdlet
    assert "Activate.ps1" not in code
    assert "Import-Module" not in code
    assert re.search(r"^\s*\. ", code, re.MULTILINE) is None  # no dot-sourcing
    assert (
        "Invoke-Expression" in code.split("function global:__autovenv_clm_check", 1)[1].split("\n}\n", 1)[0]
    )
    assert code.count("Invoke-Expression") == 1


# ------------------------------------------------------------------------------ the answer validator


def answer_regex() -> re.Pattern[str]:
    """The template's answer regex, assembled exactly as PowerShell assembles it."""
    l_value = re.search(r'^\s*\$l = "(.*)"$', TEMPLATE, re.MULTILINE)
    q_value = re.search(r'^\s*\$q = "(.*)"$', TEMPLATE, re.MULTILINE)
    full = re.search(r'\[regex\]::new\("(.*)"\)$', TEMPLATE, re.MULTILINE)
    assert l_value and q_value and full
    q = q_value.group(1).replace("$l", l_value.group(1))
    pattern = full.group(1).replace("$q", q)
    assert "$" not in pattern.replace("\\$", "")
    return re.compile(pattern.replace("\\z", "\\Z"))


texts = st.one_of(
    st.text(alphabet=st.sampled_from(list("'\"$()`;\n\r\u2018\u2019\u201c ab\u00e9"))),
    st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")),
)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(texts, max_size=4), st.lists(texts, max_size=2))
def test_every_answer_passes_the_validator(value: str, watch: list[str], notes: list[str]) -> None:
    answer = Answer(
        key=value,
        root=value,
        venv=value,
        operations=(("set", "VIRTUAL_ENV_PROMPT", value), ("prepend", "PATH", value)),
        message=value,
        watch=tuple(watch),
        notes=tuple(notes),
        sig=value,
    )
    assert answer_regex().match(pwsh.render_answer(answer))


GOOD = pwsh.render_answer(Answer(key="k", root="/p", venv="/p/.venv", watch=("/p",), sig="s"))


@pytest.mark.parametrize(
    "tampered",
    [
        GOOD.replace("'/p'", '"$(calc)"', 1),
        GOOD.replace("'/p'", "'/p' + (calc)", 1),
        GOOD.replace("'/p'", "('/p' + [char]0x41; calc)", 1),
        GOOD.replace("'/p'", "'/p'; calc", 1),
        GOOD.replace("'/p'", "('/p' + [int]0x41)", 1),
        GOOD.replace("'/p'", "'/p\u2019; calc; \u2018'", 1),
        GOOD.replace("'/p'", "'/p\u00e9'", 1),
        GOOD.replace("'/p'", "$env:PATH", 1),
        GOOD.replace("'/p'", "{ calc }", 1),
        GOOD.replace("@{\n", "@{\ncalc\n", 1),
        GOOD + "calc\n",
        "calc\n" + GOOD,
        GOOD.replace("\n", "\r\n"),
        GOOD.replace("watch = @('/p')", "watch = @('/p'; calc)"),
        "",
    ],
)
def test_the_validator_refuses_anything_but_data(tampered: str) -> None:
    assert answer_regex().match(tampered) is None


def test_answer_validator_accepts_the_good_one() -> None:
    assert answer_regex().match(GOOD)
    for field in (*pwsh.ANSWER_FIELDS, *pwsh.ANSWER_LISTS):
        assert f"'{field}'" in TEMPLATE  # the hook insists on every field


# -------------------------------------------------------------------- cache path and signature ports


def hook_entry(cache_dir: str, cand: str, windows: bool) -> str:
    """Python port of __autovenv_entry in shell/autovenv.ps1 (checked against the template below)."""
    k = cand
    unc = False
    if windows:
        k = k.replace("\\", "/")
        if len(k) >= 2 and k[1] == ":":
            k = "/" + k[0] + k[2:]
        elif k.startswith("//"):
            k, unc = k[1:], True
    k = k.rstrip("/").replace("/%", "/%%")
    if unc:
        k = "/%unc" + k
    return (cache_dir.rstrip("/\\") + ("\\" if windows else "/") + "pwsh") + k + "/%"


def test_entry_port_matches_the_template() -> None:
    body = TEMPLATE.split("function global:__autovenv_entry", 1)[1].split("\n}\n", 1)[0]
    assert "$k.Replace([string][char]0x5C, '/')" in body
    assert "$k = '/' + $k[0] + $k.Substring(2)" in body
    assert "elseif ($k.StartsWith('//')) { $k = $k.Substring(1); $unc = $true }" in body
    assert "$k = $k.TrimEnd('/').Replace('/%', '/%%')" in body
    assert "if ($unc) { $k = '/%unc' + $k }" in body
    assert "[System.IO.Path]::Combine($global:__autovenv_cache, 'pwsh') + $k + '/%'" in body


@pytest.mark.parametrize(
    "cand", ["/", "/home/u/shop", "/home/u/shop/", "/a b/c\u00e9", "/x\\y", "/%a/b%/%%c"]
)
def test_hook_finds_the_entry_python_wrote_posix(cand: str) -> None:
    assert os.path.normpath(hook_entry("/c", cand, False)) == os.path.normpath(
        cache.entry_path("/c", "pwsh", cand)
    )


@pytest.mark.parametrize(
    ("cand", "expected"),
    [
        ("C:\\Users\\me\\shop", "C:\\cache\\pwsh/C/Users/me/shop/%"),
        ("C:\\", "C:\\cache\\pwsh/C/%"),
        ("D:\\a b\\caf\u00e9\\%x", "C:\\cache\\pwsh/D/a b/caf\u00e9/%%x/%"),
        ("\\\\server\\share\\proj", "C:\\cache\\pwsh/%unc/server/share/proj/%"),
        ("\\\\server\\%unc", "C:\\cache\\pwsh/%unc/server/%%unc/%"),
    ],
)
def test_hook_finds_the_entry_python_wrote_windows(
    cand: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hook_entry("C:\\cache", cand, True) == expected
    monkeypatch.setattr(cache.os, "name", "nt")
    python_side = cache.entry_path("C:\\cache", "pwsh", cand)
    assert python_side.replace("\\", "/") == expected.replace("\\", "/")


def hook_usersig(env: dict[str, str]) -> str:
    """Python port of __autovenv_usersig."""
    saved = " " + env.get("AUTOVENV_SAVED", "") + " " if "AUTOVENV_KEY" in env else ""
    theirs = plan.changed_by_user(env) if "AUTOVENV_KEY" in env else []  # port of __autovenv_theirs
    out = []
    for name in answer_mod.ENV_DEPS:
        source = "AUTOVENV_OLD_" + name if f" {name} " in saved and name not in theirs else name
        value = env.get(source)
        out.append(f"{name}!" if value is None else f"{name}={value}")
        out.append("\x1f")
    return "".join(out)


def test_usersig_port_matches_the_template() -> None:
    body = TEMPLATE.split("function global:__autovenv_usersig", 1)[1].split("\n}\n", 1)[0]
    assert "if ($null -ne ${env:AUTOVENV_KEY}) { $saved = ' ' + ${env:AUTOVENV_SAVED} + ' ' }" in body
    assert "-and -not (__autovenv_theirs $n)) { $o = 'AUTOVENV_OLD_' + $n }" in body
    assert "[void]$s.Append($n + '!') } else { [void]$s.Append($n + '=' + $v) }" in body


@pytest.mark.parametrize(
    "env",
    [
        {"HOME": "/h"},
        {"HOME": "/h", "PYENV_VERSION": "3.12.1", "AUTOVENV_KEY": "k", "AUTOVENV_SAVED": "PYENV_VERSION"},
        {
            "HOME": "/h",
            "PYENV_VERSION": "3.12.1",
            "AUTOVENV_KEY": "k",
            "AUTOVENV_SAVED": "PYENV_VERSION",
            "AUTOVENV_OLD_PYENV_VERSION": "system",
        },
        {  # still what we set: the user's own value is the saved one
            "HOME": "/h",
            "PYENV_VERSION": "3.12.1",
            "AUTOVENV_KEY": "/p\x1f\x1f/v/bin\x1f3.12.1\x1f\x1f",
            "AUTOVENV_SET_PYENV_VERSION": "3.12.1",
            "AUTOVENV_SAVED": "PYENV_VERSION",
            "AUTOVENV_OLD_PYENV_VERSION": "system",
        },
        {"HOME": "/h", "PYENV_VERSION": "x", "AUTOVENV_SAVED": "PYENV_VERSION"},
    ],
)
def test_usersig_equals_pythons(env: dict[str, str]) -> None:
    assert hook_usersig(env) == answer_mod.signature(plan.user_view(env, pwsh.PATHSEP))
