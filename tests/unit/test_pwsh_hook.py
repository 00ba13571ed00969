"""The PowerShell hook template: parses cleanly, is pure ASCII, and agrees with the Python side.

Without a PowerShell binary, the parts of the hook that must agree with Python (the answer validator,
the cache entry path, the resolution signature) are checked through faithful Python ports of those few
lines, each tied to the template text so a change on one side fails here.
"""

from __future__ import annotations

import base64
import os
import pathlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv import answer as answer_mod
from autovenv import cache, hook, plan
from autovenv.answer import Answer
from autovenv.shells import posix_hook, pwsh, read_template
from tests.unit.test_pwsh_eval import data_only_problems, expr, expr_list, parse_errors, parser, whole

HOSTILE_DIR = "/tmp/it's \u2018q\u2019 $(x) `y` caf\u00e9 \U0001f692"
TEMPLATE = read_template(pwsh.TEMPLATE)


def values(cache_dir: str = HOSTILE_DIR) -> dict[str, object]:
    return {
        "AUTOVENV_EXPORT": ["/opt/py\u2019/bin/python", "-I", "-S", "-c", "import sys;print('x')"],
        "AUTOVENV_CACHE": cache_dir,
        "AUTOVENV_STAMPS": cache_dir + "/stamps",
        "AUTOVENV_MARKERS": [".autovenv.toml", "pyproject.toml", ".venv", "venv", "env", ".python-version"],
        "AUTOVENV_DEPS": list(answer_mod.ENV_DEPS),
        "AUTOVENV_FORMAT": answer_mod.FORMAT,
        "AUTOVENV_QUIET": "1",
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
    filled = re.sub(r"@AUTOVENV_[A-Z_]+@", "''", TEMPLATE)
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
    assert whole(expr, assigned(text, "__autovenv_stamps")) == HOSTILE_DIR + "/stamps"
    assert whole(expr_list, assigned(text, "__autovenv_activation")) == list(plan.ACTIVATION_VARS)
    assert whole(expr, assigned(text, "__autovenv_quiet")) == "1"
    quick = whole(expr_list, assigned(text, "__autovenv_qn"))
    # AUTOVENV_PROMPT too: with it, everything the prompt's prefix depends on is compared.
    assert quick == list(dict.fromkeys([*posix_hook.QUICK_STATE, "AUTOVENV_PROMPT", *answer_mod.ENV_DEPS]))
    assert data_only_problems(parser(), f"$env:X = {assigned(text, '__autovenv_cache')}\n") == []


def test_cmdlets_are_fully_qualified_and_no_script_is_run() -> None:
    code = "\n".join(line for line in TEMPLATE.splitlines() if not line.lstrip().startswith("#"))
    for cmdlet in re.findall(r"(\S*)\b((?:Remove|Set|Get|Write|Invoke)-[A-Za-z]+)", code):
        assert cmdlet[0].endswith(("Management\\", "Utility\\", "Core\\")), cmdlet
    assert "Activate.ps1" not in code
    assert "Import-Module" not in code
    assert re.search(r"^\s*\. ", code, re.MULTILINE) is None  # no dot-sourcing
    assert (
        "Invoke-Expression" in code.split("function global:__autovenv_clm_check", 1)[1].split("\n}\n", 1)[0]
    )
    assert code.count("Invoke-Expression") == 1


# ------------------------------------------------------------------------------ the answer's format


def answer_pattern() -> re.Pattern[str]:
    """The template's pattern for an answer's text, as PowerShell builds it."""
    found = re.search(r"\$global:__autovenv_answer_text = \[regex\]::new\('(.*)'\)$", TEMPLATE, re.MULTILINE)
    assert found
    return re.compile(found.group(1).replace("\\z", "\\Z"))


texts = st.one_of(
    st.text(alphabet=st.sampled_from(list("'\"$()`;\n\r\u2018\u2019\u201c ab\u00e9\x00"))),
    st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")),
)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(texts, max_size=4), st.lists(texts, max_size=2), st.booleans())
def test_every_answer_is_one_line_of_data_that_reads_back(
    value: str, watch: list[str], notes: list[str], quiet: bool
) -> None:
    ops = (("set", "VIRTUAL_ENV_PROMPT", value), ("unset", value, ""), ("prepend", "PATH", value))
    answer = Answer(key=value, root=value, venv=value, operations=ops, message=value, quiet=quiet,
                    watch=tuple(watch), notes=tuple(notes), sig=value)  # fmt: skip
    text = pwsh.render_answer(answer)
    assert text.isascii() and text.count("\n") == 1 and answer_pattern().match(text)
    got = pwsh.read_answer(text)
    clean = [v.replace("\0", "\ufffd") for v in (value, *watch, *notes)]  # NUL separates fields
    assert got["key"] == got["root"] == got["msg"] == got["sig"] == clean[0]
    assert got["watch"] == clean[1 : 1 + len(watch)] and got["notes"] == clean[1 + len(watch) :]
    assert got["quiet"] == ("1" if quiet else "") and got["v"] == answer_mod.FORMAT
    assert got["ops"] == [word.replace("\0", "\ufffd") for op in ops for word in op]


def test_a_prompt_checks_the_answers_watch_and_an_entry_read_checks_its_entry_watch_too() -> None:
    """A prompt that checked the directories above a project (an entry's watch) would ask Python again,
    and say its notes again, whenever anything changed in HOME or /tmp."""
    answer = Answer(watch=("/p", "/p/.autovenv.toml"), entry_watch=("/c/generation", "/home/u/.config", "/"))
    got = pwsh.read_answer(pwsh.render_answer(answer))
    assert got["watch"] == ["/p", "/p/.autovenv.toml", "/c/generation", "/home/u/.config", "/"]
    assert got[pwsh.PROMPT_WATCH] == ["/p", "/p/.autovenv.toml"]
    fields = base64.b64decode(pwsh.render_answer(answer)[2:-1]).decode("utf-16-le").split("\0")
    for count in ("6", "-1"):  # more paths for the prompt than there are, or fewer than none
        forged = "a=" + base64.b64encode("\0".join([*fields[:-1], count]).encode("utf-16-le")).decode() + "\n"
        with pytest.raises(ValueError):
            pwsh.read_answer(forged)


def test_a_watched_link_is_watched_where_it_leads(tmp_path: pathlib.Path) -> None:
    """`test -nt` (the other shells) reads the time of what a link leads to; .NET reads the link's own.
    So the answer lists, after a watched link, each link of its chain and the final target, which may
    not exist yet (a `.venv` link to a venv made later), in the prompt's part or the entry's."""
    proj = tmp_path / "proj"
    proj.mkdir()
    (tmp_path / "hop").symlink_to("later")  # relative: read from the directory holding the link
    (proj / ".venv").symlink_to(tmp_path / "hop")
    (tmp_path / "conf").symlink_to(tmp_path / "real-conf")
    loop = proj / "loop"
    loop.symlink_to("loop")  # a link to itself ends after the kernel's limit, never hangs
    watch = (str(proj), str(proj / ".venv"), str(loop))
    answer = Answer(watch=watch, entry_watch=(str(tmp_path / "conf"), str(proj)))
    got = pwsh.read_answer(pwsh.render_answer(answer))
    real = os.path.realpath(tmp_path)
    venv = [str(proj / ".venv"), os.path.join(real, "hop"), os.path.join(real, "later")]
    prompt = [str(proj), *venv, str(loop), os.path.join(os.path.realpath(proj), "loop")]
    assert got[pwsh.PROMPT_WATCH] == list(dict.fromkeys(prompt))
    conf = [str(tmp_path / "conf"), os.path.join(real, "real-conf"), str(proj)]
    assert got["watch"] == [*got[pwsh.PROMPT_WATCH], *conf]
    assert pwsh.followed(["/no/such/place", "/", "/"]) == ["/no/such/place", "/", "/"]


def test_the_template_reads_the_fields_in_pythons_order() -> None:
    body = TEMPLATE.split("function global:__autovenv_parse", 1)[1].split("\n}\n", 1)[0]
    order = re.findall(r"([a-z]+) = \$f\[(\d+)\]", body)
    assert [name for name, _ in order] == list(pwsh.ANSWER_FIELDS)
    assert [int(index) for _, index in order] == list(range(len(pwsh.ANSWER_FIELDS)))
    lists = ", ".join(f"'{name}'" for name in pwsh.ANSWER_LISTS)
    assert f"$at = {len(pwsh.ANSWER_FIELDS)}\n" in body and f"foreach ($name in {lists})" in body


def test_an_operation_cut_short_is_not_an_answer() -> None:
    fields = ["2", "k", "/r", "", "", "", "", "s", "2", "set", "VIRTUAL_ENV", "0", "0", "0"]
    forged = "a=" + base64.b64encode("\0".join(fields).encode("utf-16-le")).decode() + "\n"
    with pytest.raises(ValueError, match="cut short"):
        pwsh.read_answer(forged)
    body = TEMPLATE.split("function global:__autovenv_parse", 1)[1].split("\n}\n", 1)[0]
    assert "$e['ops'].Length % 3) { return $null }" in body


@pytest.mark.parametrize(
    "tampered",
    ["", "a=\n", "a=QQ==\n", "b=AAAA\n", "a=AA AA\n", "a=$(calc)\n", "@{\nv = '1'\n}\n", "a=QQ==\ncalc\n"],
)
def test_the_pattern_refuses_what_is_not_one_answer_line(tampered: str) -> None:
    if answer_pattern().match(tampered):
        with pytest.raises(ValueError):  # well-formed base64, but not an answer's fields
            pwsh.read_answer(tampered)


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
    """Python port of __autovenv_usersig (with __autovenv_saved: only activation variables count)."""
    saved = env.get("AUTOVENV_SAVED", "").split(" ") if "AUTOVENV_KEY" in env else []
    saved = [name for name in saved if name in plan.ACTIVATION_VARS]
    theirs = plan.changed_by_user(env) if "AUTOVENV_KEY" in env else []  # port of __autovenv_theirs
    out = []
    for name in answer_mod.ENV_DEPS:
        source = "AUTOVENV_OLD_" + name if name in saved and name not in theirs else name
        value = env.get(source)
        out.append(f"{name}!" if value is None else f"{name}={value}")
        out.append("\x1f")
    return "".join(out)


def test_usersig_port_matches_the_template() -> None:
    body = TEMPLATE.split("function global:__autovenv_usersig", 1)[1].split("\n}\n", 1)[0]
    key_set = "if ($null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY'))"
    assert key_set + " { $saved = __autovenv_saved }" in body
    assert "if ($saved -ccontains $n -and -not (__autovenv_theirs $n)) { $o = 'AUTOVENV_OLD_' + $n }" in body
    assert "[void]$s.Append($n + '!') } else { [void]$s.Append($n + '=' + $v) }" in body
    saved = TEMPLATE.split("function global:__autovenv_saved", 1)[1].split("\n}\n", 1)[0]
    assert "$global:__autovenv_activation -ccontains $n" in saved


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
