"""autovenv init: shell detection, startup files, idempotent edits with backups, the policy step."""

from __future__ import annotations

from pathlib import Path

import pytest

from autovenv import doctor
from autovenv import init as init_mod
from autovenv.errors import AutovenvError


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bash", "bash"),
        ("-zsh", "zsh"),
        ("/usr/bin/fish", "fish"),
        ("pwsh", "pwsh"),
        ("powershell.exe", "pwsh"),
        ("C:\\Program Files\\PowerShell\\7\\pwsh.exe", "pwsh"),
        ("cmd.exe", None),
        ("sh", None),
    ],
)
def test_canonical_shell(name: str, expected: str | None) -> None:
    assert init_mod.canonical_shell(name) == expected


def fail() -> tuple[str, str]:
    raise RuntimeError("no process tree")


def test_detection_order() -> None:
    assert init_mod.detect_shell({}, lambda: ("pwsh", "/usr/bin/pwsh"), windows=False) == (
        "pwsh",
        "shellingham",
    )
    assert init_mod.detect_shell({"SHELL": "/bin/zsh"}, fail, windows=False) == ("zsh", "$SHELL")
    assert init_mod.detect_shell({"PSModulePath": "x"}, fail, windows=True) == ("pwsh", "PSModulePath")
    assert init_mod.detect_shell({"COMSPEC": "C:\\Windows\\system32\\cmd.exe"}, fail, windows=True)[0] is None
    assert init_mod.detect_shell({}, fail, windows=False) == (None, "not detected")


def test_powershell_profile_paths() -> None:
    env = {"USERPROFILE": "C:\\Users\\me", "HOME": "/home/me"}
    assert (
        init_mod.powershell_profile(env, True)
        == "C:\\Users\\me\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1"
    )
    assert (
        init_mod.powershell_profile(env, True, desktop=True)
        == "C:\\Users\\me\\Documents\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1"
    )
    assert (
        init_mod.powershell_profile(env, False)
        == "/home/me/.config/powershell/Microsoft.PowerShell_profile.ps1"
    )


def test_rc_files() -> None:
    env = {"HOME": "/h", "ZDOTDIR": "/z", "XDG_CONFIG_HOME": "/c"}
    assert init_mod.rc_file("bash", env) == "/h/.bashrc"
    assert init_mod.rc_file("zsh", env) == "/z/.zshrc"
    assert init_mod.rc_file("fish", env) == "/c/fish/config.fish"
    assert (
        init_mod.rc_file("pwsh", env, windows=False, ask=False)
        == "/c/powershell/Microsoft.PowerShell_profile.ps1"
    )


@pytest.mark.parametrize(
    ("text", "shell", "expected"),
    [
        ('eval "$(autovenv hook bash)"\n', "bash", True),
        ("eval \"$('/x/bin/autovenv' hook bash)\"\n", "bash", True),
        ('# eval "$(autovenv hook bash)"\n', "bash", False),
        ('eval "$(autovenv hook zsh)"\n', "bash", False),
        ("autovenv hook fish | source\n", "fish", True),
        ("Invoke-Expression (& autovenv hook pwsh | Out-String)\r\n", "pwsh", True),
        ("iex (& autovenv.exe hook PowerShell | Out-String)\n", "pwsh", True),
    ],
)
def test_has_hook(text: str, shell: str, expected: bool) -> None:
    assert init_mod.has_hook(text, shell) is expected


LINE = init_mod.hook_line("pwsh")


def test_hook_lines_come_from_the_adapters() -> None:
    assert init_mod.hook_line("bash") == 'eval "$(autovenv hook bash)"'
    assert LINE == "Invoke-Expression (& autovenv hook pwsh | Out-String)"


def test_with_hook_appends_once_keeping_newlines_and_encoding() -> None:
    assert init_mod.with_hook(None, "bash", "L") == f"{init_mod.MARKER}\nL\n".encode()
    assert init_mod.with_hook(b"x=1", "bash", "L") == f"x=1\n{init_mod.MARKER}\nL\n".encode()
    crlf = init_mod.with_hook(b"Set-Alias a b\r\n", "pwsh", LINE)
    assert crlf == f"Set-Alias a b\r\n{init_mod.MARKER}\r\n{LINE}\r\n".encode()
    utf16 = b"\xff\xfe" + "Import-Module posh-git\r\n".encode("utf-16-le")
    out = init_mod.with_hook(utf16, "pwsh", LINE)
    assert out is not None and out.startswith(b"\xff\xfe")
    assert out[2:].decode("utf-16-le").endswith(LINE + "\r\n")
    assert init_mod.with_hook(out, "pwsh", LINE) is None


def test_apply_backs_up_and_is_idempotent(tmp_path: Path) -> None:
    rc = tmp_path / ".bashrc"
    rc.write_text("# mine caf\u00e9\n")
    change = init_mod.plan("bash", str(rc))
    assert "+" + init_mod.hook_line("bash") in change.diff()
    backup = init_mod.apply(change)
    assert backup == str(rc) + ".autovenv-backup"
    assert Path(backup).read_text() == "# mine caf\u00e9\n"
    assert rc.read_text().endswith('eval "$(autovenv hook bash)"\n')
    again = init_mod.plan("bash", str(rc))
    assert again.after is None and init_mod.apply(again) is None
    assert init_mod.backup_path(str(rc)) == str(rc) + ".autovenv-backup.1"


def test_run_creates_the_profile_and_dry_run_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(init_mod, "powershell_exe", lambda which=None: None)
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    lines: list[str] = []
    assert init_mod.run("powershell", True, False, env, lines.append) == 0
    profile = tmp_path / "cfg" / "powershell" / "Microsoft.PowerShell_profile.ps1"
    assert not profile.exists()
    assert any("would create" in line for line in lines) and any("+" + LINE in line for line in lines)
    assert init_mod.run("pwsh", False, False, env, lines.append) == 0
    assert profile.read_text() == f"{init_mod.MARKER}\n{LINE}\n"
    lines.clear()
    assert init_mod.run("pwsh", False, False, env, lines.append) == 0
    assert "already loads the hook" in lines[0]


def test_run_refuses_unknown_shell_and_fix_policy_elsewhere() -> None:
    with pytest.raises(AutovenvError):
        init_mod.run("tcsh", True, False, {}, print)
    with pytest.raises(AutovenvError):
        init_mod.run("bash", True, True, {"HOME": "/nonexistent"}, print)


def policies(**scopes: str) -> dict[str, str]:
    return {**dict.fromkeys(doctor.SCOPES, "Undefined"), **scopes}


def test_fix_policy_only_current_user_and_never_against_group_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(init_mod, "run_powershell", lambda exe, cmd, timeout=20.0: calls.append(cmd) or "")
    assert init_mod.fix_policy("powershell", policies(), windows=False)[0] is False
    changed, message = init_mod.fix_policy("powershell", policies(MachinePolicy="AllSigned"), windows=True)
    assert not changed and "Group Policy" in message and calls == []
    assert init_mod.fix_policy("powershell", policies(CurrentUser="RemoteSigned"), windows=True)[0] is False
    assert calls == []
    changed, _ = init_mod.fix_policy("powershell", policies(LocalMachine="Restricted"), windows=True)
    assert changed
    assert calls == ["Set-ExecutionPolicy -Scope CurrentUser -ExecutionPolicy RemoteSigned -Force"]


def test_policy_step_asks_for_consent(monkeypatch: pytest.MonkeyPatch) -> None:
    probe = doctor.Probe(policies(), "FullLanguage", "C:\\p.ps1")
    monkeypatch.setattr(doctor, "probe_powershell", lambda exe: probe)
    calls: list[str] = []
    monkeypatch.setattr(init_mod, "run_powershell", lambda exe, cmd, timeout=20.0: calls.append(cmd) or "")
    lines: list[str] = []
    assert init_mod.policy_step(False, False, lines.append, windows=True, exe="powershell") == 1
    assert calls == [] and any("--fix-policy" in line for line in lines)
    assert any(doctor.POLICY_FIX in line for line in lines)
    assert init_mod.policy_step(True, True, lines.append, windows=True, exe="powershell") == 0
    assert calls == []  # dry run
    assert init_mod.policy_step(False, True, lines.append, windows=True, exe="powershell") == 0
    assert len(calls) == 1
    assert init_mod.policy_step(False, True, print, windows=False, exe="powershell") == 0
