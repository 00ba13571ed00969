"""The PowerShell hook's own parts in a real PowerShell 7: its parser on every text autovenv emits, the
template's functions against the Python they mirror, inherited state and cache entries as an attacker
would write them, ConstrainedLanguage mode, prompt themes loaded after the hook.

Most tests load the hook into ``pwsh -NonInteractive -Command`` and call ``prompt`` after
``Set-Location``, exactly what the host does between two commands; those that depend on a terminal
(escape sequences on screen, a theme replacing the prompt) drive an interactive pwsh through the pty
harness. The shared scenarios (tests/shells/test_scenarios.py and the rest) run in PowerShell as well.

PowerShell is ``pwsh`` on PATH or the file ``AUTOVENV_TEST_PWSH`` names; without one these tests are
skipped with a reason, and under ``CI=true`` they fail. What only Windows PowerShell 5.1 parses is
checked without it, by the tree-sitter grammar and the golden files (tests/unit/test_pwsh_*.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from autovenv import answer as answer_mod
from autovenv import cache, hook, plan
from autovenv.answer import Answer
from autovenv.shells import pwsh
from tests.shells.conftest import (
    PROMPT,
    PY_A,
    World,
    autovenv_command,
    make_venv,
    noop,
    not_installed,
    shown_prompt,
)
from tests.shells.pty_shell import InteractiveShell, find_shell, pwsh_home, quote

pytestmark = pytest.mark.shell

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "pwsh"
ODD = "it's \u2018q\u2019 $(x) `y` caf\u00e9 [a]"


@pytest.fixture(scope="module")
def powershell() -> str:
    found = find_shell("pwsh")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("PowerShell is not installed, and CI must run it (set AUTOVENV_TEST_PWSH)")
        pytest.skip(not_installed("pwsh"))
    return found


@pytest.fixture
def home(tmp_path: Path) -> Path:
    for name in ("cache", "data", "config"):
        (tmp_path / name).mkdir()
    return tmp_path


def q(value: str) -> str:
    return pwsh.quote(value)


def fake_venv(path: Path) -> Path:
    """A minimal venv autovenv accepts (pyvenv.cfg naming this path, a python), without `python -m venv`."""
    scripts = path / "bin"
    scripts.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text(
        f"home = {Path(sys.executable).parent}\nversion = 3.12.1\ncommand = {sys.executable} -m venv {path}\n"
    )
    python = scripts / "python"
    python.write_bytes(b"")
    python.chmod(0o755)
    return scripts


def ps_env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "dumb",  # else .NET writes keypad mode switches around what it prints
        "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
        "AUTOVENV_CACHE_DIR": str(home / "cache"),
        "AUTOVENV_DATA_DIR": str(home / "data"),
        "AUTOVENV_CONFIG_DIR": str(home / "config"),
        "AUTOVENV_TIMEOUT_MS": "10000",
        "POWERSHELL_TELEMETRY_OPTOUT": "1",
        "POWERSHELL_UPDATECHECK": "Off",
    }


def run_ps(
    powershell: str,
    home: Path,
    body: str,
    before: str = "",
    env: dict[str, str] | None = None,
    hook_line: bool = True,
) -> dict[str, object]:
    """Load the hook (as the documented profile line does) and run ``body``; returns ``$r`` as JSON."""
    hook_cmd = f"& {q(sys.executable)} -m autovenv hook pwsh"
    script = "\n".join(
        [
            "$ErrorActionPreference = 'Stop'",
            "$r = [ordered]@{}",
            "function global:prompt { 'PS> ' }",
            before,
            f"Invoke-Expression ({hook_cmd} | Out-String)" if hook_line else "",
            "function Get-Env([string]$n) { [System.Environment]::GetEnvironmentVariable($n) }",
            body,
            # On a line of its own: a prompt's prefix is written without a newline.
            '"`n" + ($r | ConvertTo-Json -Depth 4 -Compress)',
        ]
    )
    result = subprocess.run(
        [powershell, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "-"],
        input=script.encode("utf-8"),
        capture_output=True,
        env={**ps_env(home), **(env or {})},
        cwd=home,
        timeout=120,
        check=False,
    )
    out = result.stdout.decode("utf-8", "replace").strip().splitlines()
    assert result.returncode == 0 and out, result.stderr.decode("utf-8", "replace")
    data: dict[str, object] = json.loads(out[-1])
    data["_stderr"] = result.stderr.decode("utf-8", "replace")
    data["_stdout"] = "\n".join(out[:-1])
    return data


def cd(path: Path | str) -> str:
    """Set-Location then the prompt, as the host runs them between two commands."""
    return f"Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(path))}; $null = prompt"


# ------------------------------------------------------------------------------ PowerShell's own parser


def parse_errors(powershell: str, texts: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    """[System.Management.Automation.Language.Parser]::ParseFile on each text: name -> its errors."""
    files = {}
    for name, text in texts.items():
        path = tmp_path / f"{name}.ps1"
        path.write_text(text, encoding="utf-8")
        files[name] = str(path)
    script = (
        "$out = [ordered]@{}\n"
        + "".join(
            f"$e = $null; $null = [System.Management.Automation.Language.Parser]::ParseFile({q(path)}, "
            f"[ref]$null, [ref]$e); $out[{q(name)}] = @($e | ForEach-Object {{ $_.ToString() }})\n"
            for name, path in files.items()
        )
        + "$out | ConvertTo-Json -Depth 3 -Compress"
    )
    result = subprocess.run(
        [powershell, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script],
        capture_output=True,
        env=ps_env(tmp_path),
        timeout=120,
        check=True,
    )
    parsed: dict[str, list[str]] = json.loads(result.stdout)
    return parsed


def test_powershell_parses_everything_autovenv_emits(powershell: str, tmp_path: Path) -> None:
    """The hook (rendered for Linux and for Windows), every golden PowerShell file and a plan full of
    hostile text: no parse error. (An answer is data the hook decodes, not PowerShell.)"""
    values = hook.hook_values(os.environ)
    texts = {
        "hook-linux": pwsh.render_hook_for(values, windows=False),
        "hook-windows": pwsh.render_hook_for(values, windows=True),
        "plan": pwsh.render_plan(plan.Plan({"VIRTUAL_ENV": ODD, "PYTHONHOME": None, "A-B": ODD}, None, True)),
        **{path.stem: path.read_text(encoding="ascii") for path in sorted(GOLDEN.glob("*.ps1"))},
    }
    assert parse_errors(powershell, texts, tmp_path) == {name: [] for name in texts}


# ------------------------------------------------------------------------ the template against Python


@pytest.mark.parametrize("windows", [False, True])
def test_the_hook_finds_the_entry_python_wrote(
    powershell: str, home: Path, windows: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """__autovenv_entry equals cache.entry_path for hostile candidates, Windows' mapping included (the
    hook decides by $__autovenv_windows, set here as on Windows; below <cache>/pwsh, which .NET joins
    with the platform's separator, both sides write the rest alike)."""
    if windows:
        cands = ["C:\\Users\\me\\shop", "C:\\", "D:\\a b\\caf\u00e9\\%x", "\\\\srv\\share\\p", "\\\\s\\%unc"]
    else:
        cands = ["/", "/home/u/shop", "/home/u/shop/", f"/x/{ODD}", "/%a/b%/%%c", "/a\\b"]
    base = str(home / "cache")
    body = f"$global:__autovenv_windows = ${str(windows).lower()}; $global:__autovenv_cache = {q(base)}\n"
    body += "".join(f"$r['{i}'] = __autovenv_entry {q(c)}\n" for i, c in enumerate(cands))
    r = run_ps(powershell, home, body)
    if windows:
        monkeypatch.setattr(cache.os, "name", "nt")
    for i, cand in enumerate(cands):
        python_side = cache.entry_path(base, "pwsh", cand).replace(base + "\\pwsh", base + "/pwsh")
        assert r[str(i)] == python_side, cand


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"PYENV_VERSION": "", "WORKON_HOME": "w\u2019 $(x)"},
        {"PYENV_VERSION": "3.12.1", "AUTOVENV_KEY": "k", "AUTOVENV_SAVED": "PYENV_VERSION"},
        {"PYENV_VERSION": "3.12.1", "AUTOVENV_KEY": "k", "AUTOVENV_SAVED": "PYENV_VERSION",
         "AUTOVENV_SET_PYENV_VERSION": "3.12.1", "AUTOVENV_OLD_PYENV_VERSION": "system"},
        # Inherited state naming a variable an activation never sets: it counts for nothing.
        {"HOME": "/h", "AUTOVENV_KEY": "k", "AUTOVENV_SAVED": "HOME PYENV_VERSION", "AUTOVENV_OLD_HOME": "/x",
         "PYENV_VERSION": "3.11.7", "AUTOVENV_SET_PYENV_VERSION": "3.11.7"},
    ],
)  # fmt: skip
def test_usersig_equals_pythons(powershell: str, home: Path, env: dict[str, str]) -> None:
    r = run_ps(powershell, home, "$r.sig = __autovenv_usersig", env=env)
    view = plan.user_view({**ps_env(home), **env, "HOME": env.get("HOME", str(home))}, ":")
    if "HOME" in env.get("AUTOVENV_SAVED", "").split():
        view["HOME"] = env["HOME"]  # plan.unapply would restore it; activation never saves HOME
    assert r["sig"] == answer_mod.signature(view)


# ------------------------------------------------------------------------------ activation, exactly


def test_activates_and_restores_exactly(powershell: str, home: Path) -> None:
    project = home / "shop"
    scripts = fake_venv(project / ".venv")
    body = f"""
$r.path0 = $env:PATH
{cd(project)}
$r.venv = Get-Env VIRTUAL_ENV
$r.first = ($env:PATH -split ':')[0]
$r.prompt = Get-Env AUTOVENV_PROMPT
$r.deactivate = [bool](Microsoft.PowerShell.Core\\Get-Command deactivate -ErrorAction Ignore)
$env:PATH = $env:PATH + ':added-inside'
{cd(home)}
$r.after_venv = Get-Env VIRTUAL_ENV
$r.after_path = $env:PATH
$r.key = Get-Env AUTOVENV_KEY
$r.home_set = $null -ne (Get-Env PYTHONHOME)
"""
    r = run_ps(powershell, home, body)
    assert r["venv"] == str(project / ".venv")
    assert r["first"] == str(scripts)
    assert r["prompt"] == "(shop) "  # a generic venv name shows the project's
    assert r["deactivate"] is True
    assert r["after_venv"] is None and r["key"] is None and r["home_set"] is False
    assert r["after_path"] == f"{r['path0']}:added-inside"


def test_cached_answer_needs_no_python(powershell: str, home: Path) -> None:
    project = home / "c"
    fake_venv(project / ".venv")
    body = f"""
{cd(project)}
{cd(home)}
$global:__autovenv_export = @('autovenv-not-a-command')
{cd(project)}
$r.venv = Get-Env VIRTUAL_ENV
"""
    r = run_ps(powershell, home, body)
    assert r["venv"] == str(project / ".venv")
    assert "could not run" not in str(r["_stdout"]) + str(r["_stderr"])


def test_export_output_round_trips_in_powershell(powershell: str, home: Path) -> None:
    values = {f"AUTOVENV_T{i}": v for i, v in enumerate([ODD, "a\nb", "\u201cdq\u201d", "\U0001f692", "%X%"])}
    text = pwsh.render_plan(plan.Plan(dict(values), None, False))
    (home / "plan.ps1").write_text(text, encoding="ascii")
    body = f"Invoke-Expression ([System.IO.File]::ReadAllText({q(str(home / 'plan.ps1'))}))\n"
    body += "\n".join(f"$r.{name} = Get-Env {name}" for name in values)
    r = run_ps(powershell, home, body, hook_line=False)
    for name, value in values.items():
        assert r[name] == value


# ------------------------------------------------------------------------------ hostile state and files


def test_inherited_state_names_only_activation_variables(powershell: str, home: Path) -> None:
    """An inherited AUTOVENV_SAVED naming other variables, or holding code, is data: leaving restores the
    activation variables it names and nothing else, and runs nothing (DESIGN section 5)."""
    canary = home / "CANARY"
    path = pwsh_home(powershell) + ":" + ps_env(home)["PATH"]  # as PowerShell will have it
    inherited = {
        "AUTOVENV_KEY": "k",
        "AUTOVENV_ROOT": str(home / "gone"),
        "AUTOVENV_SAVED": f"PATH HOME $(New-Item {canary}) `whoami` VIRTUAL_ENV;calc",
        # What a hook that trusted the list would restore: these look like values it set itself.
        "AUTOVENV_OLD_PATH": "/attacker/bin",
        "AUTOVENV_OLD_HOME": "/attacker",
        "AUTOVENV_SET_PATH": path,
        "AUTOVENV_SET_HOME": str(home),
        "VIRTUAL_ENV": "/v",
        "AUTOVENV_VENV": "/v",
        "AUTOVENV_SET_VIRTUAL_ENV": "/v",
        "AUTOVENV_OLD_VIRTUAL_ENV": "/mine",
    }
    body = f"""
$r.path0 = $env:PATH
{cd(home)}
$r.path = $env:PATH
$r.home = Get-Env HOME
$r.venv = Get-Env VIRTUAL_ENV
$r.key = Get-Env AUTOVENV_KEY
"""
    r = run_ps(powershell, home, body, env=inherited)
    assert r["path0"] == path
    assert r["path"] == path and r["home"] == str(home)
    assert r["venv"] == "/v"  # "VIRTUAL_ENV;calc" is not a name: what VIRTUAL_ENV held is left alone
    assert r["key"] is None
    assert not canary.exists()


TAMPERED_ENTRIES = [
    "@{{\nv = '1'\nkey = 'k'; New-Item {canary}\n}}\n",
    "@{{\nv = '1'\nkey = ('k' + (New-Item {canary}))\n}}\n",
    "@{{\nv = '1'\nkey = \u2019k\u2019\nroot = $(New-Item {canary})\n}}\n",
    "$(New-Item {canary})\n",
    "a=$(New-Item {canary})\n",
    "a=QQBBAA==\n",  # base64, but not an answer's fields
    "a=QQBBAA==\n$(New-Item {canary})\n",
]


def test_a_tampered_cache_entry_runs_nothing(powershell: str, home: Path) -> None:
    """A cache entry that is not an answer is refused (an answer is never evaluated, only decoded); the
    answer then comes from Python and the entry is rewritten. Every entry of TAMPERED_ENTRIES, a project
    each, visited in turn by one PowerShell (it takes a second to start); each writes its own canary."""
    projects, canaries, entries = [], [], []
    for index, entry in enumerate(TAMPERED_ENTRIES):
        project = home / f"shop{index}"
        fake_venv(project / ".venv")
        canary = home / f"CANARY{index}"
        where = Path(cache.entry_path(str(home / "cache"), "pwsh", str(project)))
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_text(entry.format(canary=q(str(canary))))
        projects.append(project)
        canaries.append(canary)
        entries.append(where)
    visits = (f"{cd(project)}\n$r.venv{i} = Get-Env VIRTUAL_ENV" for i, project in enumerate(projects))
    r = run_ps(powershell, home, "\n".join(visits))
    for index, entry in enumerate(TAMPERED_ENTRIES):
        project = projects[index]
        assert not canaries[index].exists(), entry
        assert r[f"venv{index}"] == str(project / ".venv"), entry
        assert pwsh.read_answer(entries[index].read_text())["venv"] == str(project / ".venv"), entry


def test_an_answer_holding_code_is_only_ever_data(powershell: str, home: Path) -> None:
    """Values full of PowerShell syntax, in an answer that is well formed: the hook sets them as they are
    and runs none of it."""
    canary = home / "CANARY"
    code = f"$(New-Item {canary}); `New-Item {canary}`; \u2019; New-Item {canary}; \u2018"
    project = home / "p"
    project.mkdir()
    (project / ".python-version").write_text("3.12.1\n")
    sig = answer_mod.signature(plan.user_view({**ps_env(home), "HOME": str(home)}, ":"))
    ops = (("set", "PYENV_VERSION", code), ("set", code, code), (code, "PYENV_VERSION", code))
    hostile = Answer(key=code, root=str(project), operations=ops, message=code, notes=(code,), sig=sig)
    where = Path(cache.entry_path(str(home / "cache"), "pwsh", str(project)))
    where.parent.mkdir(parents=True)
    where.write_text(pwsh.render_answer(hostile))
    os.utime(where, (os.path.getmtime(project) + 5,) * 2)
    r = run_ps(powershell, home, f"{cd(project)}\n$r.pin = Get-Env PYENV_VERSION")
    assert r["pin"] == code
    assert not canary.exists()


def test_printable_escapes_what_pythons_isprintable_refuses(powershell: str, home: Path) -> None:
    samples = ["caf\u00e9 \U0001f692", "\x1b]0;t\x07", "a\u202eb\u2066c", "x\x9by\x7f", "l\u2028m\u00a0n"]
    body = "".join(f"$r['{i}'] = __autovenv_printable {q(s)}\n" for i, s in enumerate(samples))
    r = run_ps(powershell, home, body)
    for i, sample in enumerate(samples):
        expected = "".join(c if c.isprintable() or c == " " else display_escape(c) for c in sample)
        assert r[str(i)] == expected


def display_escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# --------------------------------------------------------------------------------- interactive, on screen


@pytest.fixture
def pw(powershell: str, tmp_path: Path) -> Iterator[World]:
    world = World("pwsh", tmp_path)
    try:
        yield world
    finally:
        world.close()


def test_nothing_from_files_reaches_the_terminal_as_a_control_sequence(pw: World) -> None:
    """A project's prompt and a directory name holding escape sequences show as text, and an
    AUTOVENV_PROMPT changed behind the hook's back to hold one is not shown: the terminal receives no ESC
    that came from them."""
    title = "\x1b]0;owned\x07"
    project = pw.projects / f"shop{title}"
    make_venv(project / ".venv", PY_A)
    (project / ".autovenv.toml").write_text(f"prompt = {json.dumps('p' + title)}\n")
    sh = pw.start()
    sh.cd(project)
    sh.run(noop("pwsh"))
    sh.run(f"$env:AUTOVENV_PROMPT = {quote('pwsh', '(' + title + ') ')}")
    assert shown_prompt(sh) == PROMPT
    assert b"\x1b]0;owned" not in sh.transcript


def test_a_theme_that_replaces_the_prompt_afterwards_still_gets_activation(pw: World) -> None:
    """starship and oh-my-posh replace `prompt`; loaded after the hook line, PowerShell 7.1+ still tells
    the hook of every directory change (LocationChangedAction), though no prefix of ours shows."""
    project = pw.projects / "shop"
    make_venv(project / ".venv", PY_A)
    theme = "function global:prompt { 'THEME> ' }"
    sh = pw.start(after=theme)
    assert sh.cd(project) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(project / ".venv")
    assert sh.last_prompt == "THEME> "
    assert sh.cd(pw.projects) == "autovenv: deactivated\n"
    assert "VIRTUAL_ENV" not in sh.env()


#: Prompts around which the hook's prefix goes out as part of the prompt's text (they write nothing to
#: the console, change nothing about how the host writes, and emit no single collection), and prompts it
#: is written before (their own writes must come after it, as always).
PLAIN_PROMPTS = {
    "string": "'$ '",
    "default": (
        "\"PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) \""
    ),
    "recorder": "$s = $?; $global:__seen += ' ' + $(if ($s) { 0 } else { 1 }); $n = 0; $n++; '$ '",
    "number": "42",
    "empty": "",
}
WRITING_PROMPTS = {
    "write-host": "Write-Host -NoNewline 'W'; '$ '",
    "host-ui": "$Host.UI.Write('W'); '$ '",
    "console": "[Console]::Write('W'); '$ '",
    "colour": "$Host.UI.RawUI.ForegroundColor = 'Red'; '$ '",
    "property-step": "$Host.UI.RawUI.CursorSize++; '$ '",
    "native": "& git --version > $null; '$ '",
    "nested-command": '"$(Get-Location)> "',
    "single-collection": ",@('a', 'b')",
    "method": "'$ '.ToString()",
}


def test_only_a_prompt_that_cannot_write_gets_the_prefix_in_its_text(powershell: str, home: Path) -> None:
    prompts = {**PLAIN_PROMPTS, **WRITING_PROMPTS}
    body = "".join(f"$r[{q(name)}] = __autovenv_plain {{ {text} }}\n" for name, text in prompts.items())
    r = run_ps(powershell, home, body + "$r.none = __autovenv_plain $null")
    assert {name: r[name] for name in PLAIN_PROMPTS} == dict.fromkeys(PLAIN_PROMPTS, True)
    assert {name: r[name] for name in WRITING_PROMPTS} == dict.fromkeys(WRITING_PROMPTS, False)
    assert r["none"] is True


def test_the_prefix_shows_where_it_always_did_around_any_prompt(pw: World) -> None:
    """Whether the prefix goes out in the prompt's text or is written before the user's prompt runs, the
    screen shows the same: before what a prompt writes itself, inside a theme that wraps ours and builds
    on its text, after one that writes first, before a prompt's fallback when it fails; and it follows
    VIRTUAL_ENV_DISABLE_PROMPT and AUTOVENV_PROMPT at once."""
    project = pw.projects / "shop"
    make_venv(project / ".venv", PY_A)
    sh = pw.start()
    sh.cd(project)
    reload = f"Invoke-Expression (& {quote('pwsh', autovenv_command())} hook pwsh | Out-String)"
    wrap = "$global:__t = ${function:prompt}; function global:prompt { "
    cases = [
        ("'$ '", "", "(shop) $ "),
        ("Write-Host -NoNewline 'W'; '$ '", "", "(shop) W$ "),
        ("42", "", "(shop) 42"),
        ("'a'; 'b'", "", "(shop) a"),
        ("throw 'no prompt'", "", "(shop) PS>"),
        ("'$ '", wrap + "'[t] ' + (& $global:__t) }", "(shop) [t] $ "),  # a theme that builds on our text
        ("'$ '", wrap + "Write-Host -NoNewline '[t] '; & $global:__t }", "[t] (shop) $ "),  # one that writes
    ]
    for prompt, theme, shown in cases:
        sh.run(f"function global:prompt {{ {prompt} }}; {reload}; {theme}")
        assert sh.run(noop("pwsh")) == "" and sh.last_prompt == shown, (prompt, theme)
    # The user's prompt sees the failing command's $?, at the prompt that first decides how the prefix
    # goes out (after a load of the hook) as at the next.
    recorder = "$s = $?; $global:__seen += ' ' + $(if ($s) { 0 } else { 1 }); '$ '"
    sh.run(f"$global:__seen = ''; function global:prompt {{ {recorder} }}; {reload}; sh -c 'exit 3'")
    assert sh.last_status == 3 and sh.last_prompt == "(shop) $ "
    sh.run("sh -c 'exit 4'")
    assert sh.run("$global:__seen").split() == ["1", "1"]
    sh.run(f"function global:prompt {{ '$ ' }}; {reload}")
    sh.run("$env:VIRTUAL_ENV_DISABLE_PROMPT = 1")
    assert sh.last_prompt == "$ "
    sh.run("Remove-Item Env:VIRTUAL_ENV_DISABLE_PROMPT")
    assert sh.last_prompt == "(shop) $ "
    sh.run("$env:AUTOVENV_PROMPT = '(other) '")
    assert sh.last_prompt == "(other) $ "
    sh.cd(pw.projects)
    assert sh.last_prompt == "$ "


def test_constrained_language_mode_falls_back_to_export(pw: World) -> None:
    """Under WDAC/AppLocker PowerShell runs profiles in ConstrainedLanguage mode: no .NET methods. The
    hook then applies `autovenv export pwsh` on each directory change ($env: assignments only)."""
    project = pw.projects / "shop"
    make_venv(project / ".venv", PY_A)
    sh = pw.start(before="$ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage'")
    assert sh.startup_output == ""
    assert sh.run("$ExecutionContext.SessionState.LanguageMode") == "ConstrainedLanguage\n"
    sh.cd(project)
    assert sh.env()["VIRTUAL_ENV"] == os.fsencode(project / ".venv")
    sh.cd(pw.projects)
    assert "VIRTUAL_ENV" not in sh.env()


def test_init_writes_the_profile_line_a_new_pwsh_loads_and_doctor_approves(pw: World) -> None:
    """`autovenv init` run in PowerShell writes the README's line into $PROFILE; the next pwsh loads it
    and activates; `autovenv doctor` there finds the hook running and, PowerShell on Linux not enforcing
    execution policies, gives no advice about them."""
    bin_dir = pw.root / "bin"
    bin_dir.mkdir()
    (bin_dir / "autovenv").symlink_to(autovenv_command())
    env = {**pw.env, "PATH": f"{bin_dir}:{pw.path}"}
    profile = pw.home / ".config" / "powershell" / "Microsoft.PowerShell_profile.ps1"
    plain = pw.track(InteractiveShell("pwsh", pw.home, "function prompt { '$ ' }\n", env=env, cwd=pw.home))
    out = plain.run("autovenv init")
    assert f"added the hook to {profile}" in out and plain.last_status == 0
    plain.close()
    assert profile.read_text().endswith(f"\n{pwsh.HOOK_LINE}\n")
    project = pw.projects / "shop"
    make_venv(project / ".venv", PY_A)
    sh = pw.track(InteractiveShell("pwsh", pw.home, profile.read_text(), env=env, cwd=pw.home))
    assert sh.cd(project) == f"autovenv: activated shop (.venv, Python {PY_A})\n"
    report = sh.run("autovenv doctor")
    assert sh.last_status == 0, report
    assert "the pwsh hook is running" in report
    assert "execution policies are not enforced on this system" in report
    assert "Set-ExecutionPolicy" not in report and "fix:" not in report
    assert "nothing to change" in sh.run("autovenv init pwsh --fix-policy")


def test_no_variable_of_the_users_is_touched(powershell: str, home: Path) -> None:
    """Loading the hook and every path through it (cold, cached, cd within, switch, leave, deactivate)
    leave the user's variables alone, those named like the hook's own locals included."""
    project, other = home / "a", home / "b"
    fake_venv(project / ".venv")
    (project / "src").mkdir()
    other.mkdir()
    (other / ".python-version").write_text("system\n")
    names = "n i p d m f t e l q v s o a key venv loc cand walked same ours plain line text start old root"
    names = names.split()
    before = "".join(f"$global:{name} = 'mine-{name}'\n" for name in names)
    before += "$global:ErrorActionPreference = 'Stop'\n"
    steps = [project, project / "src", other, project, "deactivate", home, project]
    body = "\n".join(step if isinstance(step, str) else cd(step) for step in steps)
    body += "\n" + "".join(f"$r.{name} = $global:{name}\n" for name in names)
    body += "$r.eap = [string]$global:ErrorActionPreference\n"
    r = run_ps(powershell, home, body, before=before)
    assert {name: r[name] for name in names} == {name: f"mine-{name}" for name in names}
    assert r["eap"] == "Stop"
