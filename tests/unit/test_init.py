"""autovenv init: shell detection, startup files, idempotent edits with backups, the policy step."""

from __future__ import annotations

from pathlib import Path

import pytest

from autovenv import init as init_mod
from autovenv import pwsh_policy, shells
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
    env = {"HOME": "/h", "XDG_CACHE_HOME": "/c"}
    assert init_mod.hook_line("bash", env) == (
        "[ -O '/c/autovenv/start.bash' ] && . '/c/autovenv/start.bash' || eval \"$(autovenv hook bash)\""
    )
    assert init_mod.hook_line("zsh", env) == (
        "[ -O '/c/autovenv/start.zsh' ] && . '/c/autovenv/start.zsh' || eval \"$(autovenv hook zsh)\""
    )
    assert init_mod.hook_line("fish", env) == (
        "test -O '/c/autovenv/start.fish'; and source '/c/autovenv/start.fish'; "
        "or autovenv hook fish | source"
    )
    assert LINE == "Invoke-Expression (& autovenv hook pwsh | Out-String)"
    # A cache path that is not absolute would name another file in every directory: the plain line.
    assert init_mod.hook_line("bash", {"HOME": "rel"}) == 'eval "$(autovenv hook bash)"'


START_ENV = {"HOME": "/h", "XDG_CACHE_HOME": "/h/#c a$b"}
PLAIN = 'eval "$(autovenv hook bash)"'


def test_start_lines_are_recognised_whatever_their_path() -> None:
    line = init_mod.hook_line("bash", START_ENV)
    assert "#" in line and init_mod.has_hook(line + "\n", "bash")
    assert init_mod.is_start_line(line, "bash") and init_mod.replaceable(line, "bash")
    assert not init_mod.is_start_line(PLAIN, "bash") and init_mod.replaceable(PLAIN, "bash")
    fish = init_mod.hook_line("fish", START_ENV)
    assert init_mod.has_hook(fish + "\n", "fish") and not init_mod.has_hook(fish + "\n", "bash")
    assert not init_mod.replaceable('eval "$(/opt/autovenv hook bash)"', "bash")  # the user's own spelling


def test_plain_and_moved_start_lines_are_upgraded_in_place() -> None:
    line = init_mod.hook_line("bash", START_ENV)
    before = f"a=1\n{init_mod.MARKER}\n{PLAIN}\nb=2\n".encode()
    after = init_mod.with_hook(before, "bash", line)
    assert after == f"a=1\n{init_mod.MARKER}\n{line}\nb=2\n".encode()
    assert init_mod.with_hook(after, "bash", line) is None
    moved = init_mod.hook_line("bash", {"HOME": "/h", "XDG_CACHE_HOME": "/elsewhere"})
    assert init_mod.with_hook(after, "bash", moved) == f"a=1\n{init_mod.MARKER}\n{moved}\nb=2\n".encode()
    own = f"if true; then\n  {PLAIN}\nfi\r\n".encode()  # the user's own plain line, indented, CRLF after
    assert init_mod.with_hook(own, "bash", line) == f"if true; then\n  {line}\nfi\r\n".encode()


def test_install_sh_block_and_other_spellings_are_left_alone() -> None:
    line = init_mod.hook_line("bash", START_ENV)
    install_sh = f"{init_mod.INSTALL_SH_MARKER}\n{PLAIN}\n".encode()
    assert init_mod.with_hook(install_sh, "bash", line) is None
    custom = b'eval "$(~/bin/autovenv hook bash)"\n'
    assert init_mod.with_hook(custom, "bash", line) is None
    assert init_mod.with_hook(f"{LINE}\n".encode(), "pwsh", LINE) is None


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
    assert rc.read_text().endswith('|| eval "$(autovenv hook bash)"\n')
    again = init_mod.plan("bash", str(rc))
    assert again.after is None and init_mod.apply(again) is None
    assert init_mod.backup_path(str(rc)) == str(rc) + ".autovenv-backup.1"


def test_run_creates_the_profile_and_dry_run_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pwsh_policy, "discover", lambda *args, **kwargs: [])
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
    with pytest.raises(shells.UnknownShell):  # exit status 2 at the CLI edge, as for hook and doctor
        init_mod.run("tcsh", True, False, {}, print)
    with pytest.raises(AutovenvError):
        init_mod.run("bash", True, True, {"HOME": "/nonexistent"}, print)


def test_run_upgrades_a_plain_line_and_dry_run_shows_it(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c")}
    rc = tmp_path / ".bashrc"
    rc.write_text(f"{init_mod.MARKER}\n{PLAIN}\n")
    line = init_mod.hook_line("bash", env)
    lines: list[str] = []
    assert init_mod.run("bash", True, False, env, lines.append) == 0
    assert f"-{PLAIN}" in lines[-1] and f"+{line}" in lines[-1]
    assert rc.read_text() == f"{init_mod.MARKER}\n{PLAIN}\n"
    assert init_mod.run("bash", False, False, env, lines.append) == 0
    assert "updated the hook line" in lines[-2]
    assert rc.read_text() == f"{init_mod.MARKER}\n{line}\n"
    assert init_mod.run("bash", False, False, env, lines.append) == 0
    assert "already loads the hook" in lines[-1]
