"""autovenv doctor: pure judgement over recorded outputs (no PowerShell needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autovenv import doctor, pwsh_policy
from autovenv import init as init_mod

# Recorded from Windows PowerShell 5.1 / PowerShell 7.4 on Windows 11 (trailing spaces and CRLF kept).
DEFAULT_51 = (
    "\r\n        Scope ExecutionPolicy\r\n        ----- ---------------\r\nMachinePolicy       Undefined\r\n"
    "   UserPolicy       Undefined\r\n      Process       Undefined\r\n  CurrentUser       Undefined\r\n"
    " LocalMachine       Undefined\r\n\r\n\r\n"
)
CURRENT_USER_REMOTESIGNED = DEFAULT_51.replace("CurrentUser       Undefined", "CurrentUser    RemoteSigned")
GPO_MACHINE_ALLSIGNED = CURRENT_USER_REMOTESIGNED.replace(
    "MachinePolicy       Undefined", "MachinePolicy       AllSigned"
)
GPO_USER_RESTRICTED = DEFAULT_51.replace("   UserPolicy       Undefined", "   UserPolicy      Restricted")
GPO_USER_REMOTESIGNED = DEFAULT_51.replace("   UserPolicy       Undefined", "   UserPolicy    RemoteSigned")
LOCALMACHINE_RESTRICTED = DEFAULT_51.replace(" LocalMachine       Undefined", " LocalMachine      Restricted")
PROCESS_BYPASS = DEFAULT_51.replace("      Process       Undefined", "      Process          Bypass")
LINUX_PWSH = (
    "\n        Scope ExecutionPolicy\n        ----- ---------------\nMachinePolicy    Unrestricted\n"
    "   UserPolicy       Undefined\n      Process       Undefined\n  CurrentUser       Undefined\n"
    " LocalMachine    Unrestricted\n\n"
)


def test_parse_recorded_tables() -> None:
    assert pwsh_policy.parse_execution_policy_list(DEFAULT_51) == dict.fromkeys(
        pwsh_policy.SCOPES, "Undefined"
    )
    got = pwsh_policy.parse_execution_policy_list(GPO_MACHINE_ALLSIGNED)
    assert got["MachinePolicy"] == "AllSigned" and got["CurrentUser"] == "RemoteSigned"
    assert pwsh_policy.parse_execution_policy_list(LINUX_PWSH)["LocalMachine"] == "Unrestricted"


def test_parse_other_shapes_and_noise() -> None:
    text = "WARNING: something\nCurrentUser=RemoteSigned\nLocalMachine: AllSigned\nScope ExecutionPolicy\n"
    assert pwsh_policy.parse_execution_policy_list(text) == {
        "CurrentUser": "RemoteSigned",
        "LocalMachine": "AllSigned",
    }
    assert pwsh_policy.parse_execution_policy_list("") == {}


@pytest.mark.parametrize(
    ("text", "windows", "expected"),
    [
        (DEFAULT_51, True, ("Restricted", "default")),
        (DEFAULT_51, False, ("Unrestricted", "default")),
        (CURRENT_USER_REMOTESIGNED, True, ("RemoteSigned", "CurrentUser")),
        (GPO_MACHINE_ALLSIGNED, True, ("AllSigned", "MachinePolicy")),
        (GPO_USER_RESTRICTED, True, ("Restricted", "UserPolicy")),
        (LOCALMACHINE_RESTRICTED, True, ("Restricted", "LocalMachine")),
        (PROCESS_BYPASS, True, ("Bypass", "Process")),
    ],
)
def test_effective_policy_precedence(text: str, windows: bool, expected: tuple[str, str]) -> None:
    assert pwsh_policy.effective_policy(pwsh_policy.parse_execution_policy_list(text), windows) == expected


def findings(text: str, windows: bool = True) -> list[doctor.Finding]:
    return doctor.policy_findings(pwsh_policy.parse_execution_policy_list(text), windows)


def test_default_restricted_offers_the_current_user_fix() -> None:
    errors = [f for f in findings(DEFAULT_51) if f.level == "error"]
    assert len(errors) == 1 and errors[0].fix is not None
    assert errors[0].fix.startswith("autovenv init pwsh --fix-policy")
    assert "Set-ExecutionPolicy -Scope CurrentUser RemoteSigned" in errors[0].fix
    assert "default Restricted" in errors[0].text


def test_local_machine_restricted_is_fixed_by_current_user() -> None:
    (error,) = [f for f in findings(LOCALMACHINE_RESTRICTED) if f.level == "error"]
    assert error.fix is not None and pwsh_policy.POLICY_FIX in error.fix


@pytest.mark.parametrize("text", [GPO_MACHINE_ALLSIGNED, GPO_USER_RESTRICTED, GPO_USER_REMOTESIGNED])
def test_group_policy_is_explained_never_overridden(text: str) -> None:
    got = findings(text)
    assert any("Group Policy" in f.text for f in got)
    assert all(f.fix is None or "Set-ExecutionPolicy" not in f.fix for f in got)


def test_group_policy_allsigned_says_sign_the_profile() -> None:
    (error,) = [f for f in findings(GPO_MACHINE_ALLSIGNED) if f.level == "error"]
    assert error.fix is not None and "Set-AuthenticodeSignature -FilePath $PROFILE" in error.fix


def test_group_policy_remotesigned_is_fine() -> None:
    assert not [f for f in findings(GPO_USER_REMOTESIGNED) if f.level in ("warn", "error")]


def test_current_user_remotesigned_is_ok_and_other_systems_do_not_enforce() -> None:
    assert [f.level for f in findings(CURRENT_USER_REMOTESIGNED)] == ["info", "ok"]
    assert [f.level for f in findings(PROCESS_BYPASS)] == ["info", "ok"]
    assert [f.level for f in findings(LINUX_PWSH, windows=False)] == ["ok"]


def test_mark_of_the_web() -> None:
    recorded = "[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://example.invalid/\r\n"
    assert doctor.parse_zone_identifier(recorded) == 3
    assert doctor.parse_zone_identifier("[ZoneTransfer]\n") is None
    profile = "C:\\Users\\O'Brien\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1"
    blocked = doctor.motw_finding(profile, 3, "RemoteSigned")
    assert blocked is not None and blocked.level == "error"
    quoted = "'C:\\Users\\O''Brien\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1'"
    assert blocked.fix == "Unblock-File -LiteralPath " + quoted
    assert doctor.motw_finding(profile, 2, "RemoteSigned") is None
    assert doctor.motw_finding(profile, 3, "Bypass") is None


def test_constrained_language() -> None:
    assert doctor.language_mode_finding("FullLanguage", {}) is None
    found = doctor.language_mode_finding("ConstrainedLanguage", {})
    assert found is not None and "ConstrainedLanguage" in found.text and found.fix
    assert doctor.language_mode_finding("", {"__PSLockdownPolicy": "4"}) is not None


@pytest.mark.parametrize(
    ("value", "shell", "pids", "level", "needle"),
    [
        (None, "pwsh", [10], "warn", "not running"),
        (None, "bash", [10], "warn", "not running"),
        (None, "tcsh", [10], "info", "cannot be told"),
        ("bash:10", "bash", [10, 5], "ok", "running"),
        ("bash:5", "bash", [10, 7, 6, 5], "warn", "inherited"),
        ("pwsh:4", "bash", [10, 4], "warn", "parent pwsh"),
        ("pwsh:11", "pwsh", [12, 11], "ok", "running"),  # through a launcher (autovenv.exe)
        ("junk", "bash", [10], "warn", "unexpected"),
    ],
)
def test_hook_running(value: str | None, shell: str, pids: list[int], level: str, needle: str) -> None:
    got = doctor.hook_running(value, shell, pids)
    assert got.level == level and needle in got.text


def test_path_order() -> None:
    env = {
        "PATH": "/home/u/.pyenv/shims:/p/.venv/bin:/usr/bin",
        "AUTOVENV_PATH_ADD": "/p/.venv/bin",
        "VIRTUAL_ENV": "/p/.venv",
    }
    (bad,) = doctor.path_findings(env, lambda _: "/home/u/.pyenv/shims/python", windows=False)
    assert bad.level == "error" and "/home/u/.pyenv/shims" in bad.text
    good = dict(env, PATH="/p/.venv/bin:/home/u/.pyenv/shims:/usr/bin")
    assert [f.level for f in doctor.path_findings(good, lambda _: "/p/.venv/bin/python", windows=False)] == [
        "ok"
    ]
    manual = {"PATH": "/usr/bin", "VIRTUAL_ENV": "/v"}
    (hashed,) = doctor.path_findings(manual, lambda _: "/usr/bin/python", windows=False)
    assert hashed.level == "warn"
    win = {
        "PATH": "C:\\v\\Scripts;C:\\Windows",
        "AUTOVENV_PATH_ADD": "C:\\v\\Scripts",
        "VIRTUAL_ENV": "C:\\v",
    }
    assert doctor.path_findings(win, lambda _: "c:\\V\\Scripts\\python.EXE", windows=True)[0].level == "ok"


def test_conda_base() -> None:
    env = {"PATH": "/usr/bin", "CONDA_DEFAULT_ENV": "base", "CONDA_SHLVL": "1"}
    got = doctor.path_findings(env, lambda _: None, windows=False)
    assert got[0].fix == "conda config --set auto_activate_base false"
    rc = "# >>> conda initialize >>>\n__conda_setup=...\n"
    assert doctor.conda_finding(rc, None, {}) is not None
    assert doctor.conda_finding(rc, "auto_activate_base: false\n", {}) is None
    assert doctor.conda_finding("", None, {}) is None


def test_pyenv_virtualenv_init_in_rc() -> None:
    rc = '# eval "$(pyenv virtualenv-init -)"\nexport X=1\n'
    assert doctor.rc_conflicts(rc, "/h/.bashrc") == []
    (found,) = doctor.rc_conflicts(rc + 'eval "$(pyenv virtualenv-init -)"\n', "/h/.bashrc")
    assert found.fix == "sed -i.bak '/pyenv virtualenv-init/d' /h/.bashrc"


def test_direnv_layout_python(tmp_path: Path) -> None:
    (tmp_path / ".envrc").write_text("export A=1\nlayout python3\n")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    got = doctor.envrc_findings(str(inner), doctor._read_text)
    assert len(got) == 1 and str(tmp_path / ".envrc") in got[0].text and "direnv allow" in (got[0].fix or "")
    (tmp_path / ".envrc").write_text("dotenv\n")
    assert doctor.envrc_findings(str(inner), doctor._read_text) == []


def test_collect_without_powershell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pwsh_policy, "discover", lambda *args, **kwargs: [])
    (tmp_path / ".bashrc").write_text('eval "$(autovenv hook bash)"\n')
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin"}
    shell, got = doctor.collect(env, str(tmp_path), "bash")
    assert shell == "bash"
    assert any(f.level == "ok" and "loads the hook" in f.text for f in got)
    shell, got = doctor.collect(env, str(tmp_path), "pwsh")
    assert any("PowerShell's policy checks skipped" in f.text for f in got)
    assert any(f.fix == "autovenv init pwsh" for f in got)
    report = doctor.format_report(got)
    assert "fix: autovenv init pwsh" in report
    assert doctor.exit_code(got) == 1


def test_start_line_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The start line runs no Python at a shell start; the plain line with pip's console script does (the
    fix is init, or the line itself when init would not touch the user's spelling); install.sh's
    launcher serves a saved copy, so its plain line is fine."""
    env = {"HOME": "/h", "XDG_CACHE_HOME": "/c"}
    line = init_mod.hook_line("bash", env)
    files = {
        "/v/bin/autovenv": "#!/v/bin/python\nimport sys\nfrom autovenv._entry import main\n",
        "/l/autovenv": "#!/bin/sh\n# autovenv launcher, written by autovenv install.sh\n",
    }
    pip = ("/v/bin/autovenv", files.get)
    monkeypatch.setattr(doctor, "installed_from_wheel", lambda: False)
    editable = doctor.start_finding(f"{line}\n", "bash", env, *pip)
    assert editable is not None and editable.level == "info" and "editable" in editable.text
    monkeypatch.setattr(doctor, "installed_from_wheel", lambda: True)
    got = doctor.start_finding(f"{line}\n", "bash", env, *pip)
    assert got is not None and got.level == "ok" and "no Python" in got.text
    plain = doctor.start_finding('eval "$(autovenv hook bash)"\n', "bash", env, *pip)
    assert plain is not None and plain.level == "info" and plain.fix == "autovenv init bash"
    launcher = ("/l/autovenv", files.get)
    assert doctor.start_finding('eval "$(autovenv hook bash)"\n', "bash", env, *launcher) is None
    custom = doctor.start_finding('eval "$(/v/bin/autovenv hook bash)"\n', "bash", env, *pip)
    assert custom is not None and custom.fix == f"use this line instead: {line}"
    moved = init_mod.hook_line("bash", {"HOME": "/h", "XDG_CACHE_HOME": "/old"})
    stale = doctor.start_finding(f"{moved}\n", "bash", env, *pip)
    assert stale is not None and "no longer" in stale.text and stale.fix == "autovenv init bash"
    pwsh = "Invoke-Expression (& autovenv hook pwsh | Out-String)\n"
    assert doctor.start_finding(pwsh, "pwsh", env, *pip) is None
    assert doctor.exit_code([f for f in (editable, got, plain, custom, stale) if f is not None]) == 0


def test_a_hook_loaded_but_never_run_at_a_prompt_is_an_error() -> None:
    got = doctor.hook_running("bash:10:loaded", "bash", [10])
    assert got.level == "error" and "never run at a prompt" in got.text and "PROMPT_COMMAND" in got.text


@pytest.mark.parametrize(
    ("shell", "rc", "needle"),
    [
        (
            "bash",
            "eval \"$(autovenv hook bash)\"\nPROMPT_COMMAND='history -a'\n",
            'PROMPT_COMMAND:+$PROMPT_COMMAND;}history -a"',
        ),
        ("bash", 'eval "$(autovenv hook bash)"\nexport PROMPT_COMMAND="x"\n', "line 2 replaces PROMPT_C"),
        ("zsh", "eval \"$(autovenv hook zsh)\"\nprecmd_functions=(mine)\n", "precmd_functions+=(mine)"),
    ],
)
def test_rc_lines_that_unhook_the_hook_are_found_with_the_fix(shell: str, rc: str, needle: str) -> None:
    found = doctor.rc_wiring(rc, "/home/me/.rc", shell)
    assert len(found) == 1 and found[0].level == "error"
    assert needle in found[0].text + " " + (found[0].fix or "")


@pytest.mark.parametrize(
    ("shell", "rc"),
    [
        ("bash", "PROMPT_COMMAND='history -a'\neval \"$(autovenv hook bash)\"\n"),  # before the hook line
        ("bash", "eval \"$(autovenv hook bash)\"\nPROMPT_COMMAND=\"history -a;$PROMPT_COMMAND\"\n"),
        ("zsh", "eval \"$(autovenv hook zsh)\"\nprecmd_functions=($precmd_functions mine)\n"),
        ("fish", "autovenv hook fish | source\n"),
    ],
)
def test_rc_lines_that_keep_the_hook_are_fine(shell: str, rc: str) -> None:
    assert doctor.rc_wiring(rc, "/home/me/.rc", shell) == []


def test_a_powershell_hook_running_at_location_changes_only_says_how_to_wire_it_back() -> None:
    """A prompt theme loaded after the hook line replaced the prompt wrapper: PowerShell 7 still runs the
    hook at each location change (and marks it so), but no prompt checks for changes made in place."""
    got = doctor.hook_running("pwsh:10:location", "pwsh", [10])
    assert got.level == "warn" and "location changes only" in got.text and "the prompt function" in got.text
    assert got.fix is not None and "after the prompt theme's" in got.fix and ". $PROFILE" in got.fix
    never = doctor.hook_running("pwsh:10:loaded", "pwsh", [10])
    assert never.level == "error" and "replaced the prompt function" in never.text
    assert doctor.hook_running("pwsh:10", "pwsh", [10]).level == "ok"
