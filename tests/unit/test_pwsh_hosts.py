"""Both PowerShells of a Windows machine, from what each answers: host discovery, profile paths (OneDrive),
execution policy per host, the fix plan, and what `doctor` and `init pwsh` make of them.

PowerShell on Linux enforces no policy, so these run on recorded answers to the probe
(``pwsh_policy.PROBE_COMMAND``) as Windows PowerShell 5.1 and PowerShell 7 print them (CRLF, ASCII with
``<XXXX>`` for everything else): a home laptop with Documents in OneDrive and Windows' defaults (5.1
Restricted; PowerShell 7's installer sets LocalMachine RemoteSigned in its ``powershell.config.json``), a
company laptop where Group Policy sets AllSigned, a session with ``PSExecutionPolicyPreference``, a
machine with only Windows PowerShell, and a PowerShell that does not answer.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from autovenv import doctor, pwsh_policy, pwsh_terminal
from autovenv import init as init_mod
from autovenv.errors import AutovenvError

DESKTOP_EXE = "C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
CORE_EXE = "C:\\Program Files\\PowerShell\\7\\pwsh.exe"
ONEDRIVE_DOCS = "C:\\Users\\J<00fc>rgen\\OneDrive - Contoso\\Dokumente"
SCOPES_UNDEFINED = {scope: "Undefined" for scope in pwsh_policy.SCOPES}


def recording(
    edition: str,
    version: str,
    profile: str,
    effective: str,
    signature: str = "NoProfile",
    language: str = "FullLanguage",
    documents: str = ONEDRIVE_DOCS,
    **scopes: str,
) -> str:
    """What the probe prints in that host: the lines, in its order, with CRLF."""
    policies = {**SCOPES_UNDEFINED, **scopes}
    lines = [
        pwsh_policy.PROBE_TAG,
        f"edition={edition}",
        f"version={version}",
        "windows=True",
        f"profile={profile}",
        f"documents={documents}",
        f"language={language}",
        f"effective={effective}",
        f"signature={signature}",
        *(f"policy={scope}={policies[scope]}" for scope in pwsh_policy.SCOPES),
    ]
    return "".join(line + "\r\n" for line in lines)


DESKTOP_PROFILE = ONEDRIVE_DOCS + "\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1"
CORE_PROFILE = ONEDRIVE_DOCS + "\\PowerShell\\Microsoft.PowerShell_profile.ps1"
#: Home laptop, Windows 11, Documents moved into OneDrive, nothing changed.
HOME_51 = recording("Desktop", "5.1.22621.4391", DESKTOP_PROFILE, "Restricted")
HOME_74 = recording("Core", "7.4.6", CORE_PROFILE, "RemoteSigned", LocalMachine="RemoteSigned")
#: Company laptop: Group Policy "Turn on Script Execution: Allow only signed scripts" for both.
CORP_DOCS = "C:\\Users\\a.smith\\Documents"
CORP_51 = recording(
    "Desktop",
    "5.1.19041.5247",
    CORP_DOCS + "\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1",
    "AllSigned",
    "NotSigned",
    documents=CORP_DOCS,
    MachinePolicy="AllSigned",
    CurrentUser="RemoteSigned",
)
CORP_74 = recording(
    "Core",
    "7.4.6",
    CORP_DOCS + "\\PowerShell\\Microsoft.PowerShell_profile.ps1",
    "AllSigned",
    documents=CORP_DOCS,
    MachinePolicy="AllSigned",
    LocalMachine="RemoteSigned",
)
#: A session started with $env:PSExecutionPolicyPreference = 'Restricted' inherited from its parent.
PROCESS_51 = recording("Desktop", "5.1.22621.4391", DESKTOP_PROFILE, "Restricted", Process="Restricted")
#: After `Set-ExecutionPolicy -Scope CurrentUser RemoteSigned` in Windows PowerShell.
FIXED_51 = recording("Desktop", "5.1.22621.4391", DESKTOP_PROFILE, "RemoteSigned", CurrentUser="RemoteSigned")


def host(kind: str, text: str | None) -> pwsh_policy.Host:
    exe = DESKTOP_EXE if kind == pwsh_policy.DESKTOP else CORE_EXE
    if text is None:
        return pwsh_policy.Host(kind, exe)
    return pwsh_policy.parse_probe(kind, exe, text)


def machine(desktop: str | None, core: str | None) -> list[pwsh_policy.Host]:
    return [host(pwsh_policy.DESKTOP, desktop), host(pwsh_policy.CORE, core)]


# --------------------------------------------------------------------------------------------- discovery


def fake_which(found: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda name: found.get(name)


WIN_ENV = {
    "SystemRoot": "C:\\WINDOWS",
    "ProgramFiles": "C:\\Program Files",
    "LOCALAPPDATA": "C:\\Users\\me\\AppData\\Local",
    "USERPROFILE": "C:\\Users\\me",
}


def test_discovery_finds_both_hosts_on_path() -> None:
    which = fake_which({"powershell": DESKTOP_EXE, "pwsh": CORE_EXE})
    assert pwsh_policy.candidates(WIN_ENV, which, lambda p: False, windows=True) == [
        (pwsh_policy.DESKTOP, DESKTOP_EXE),
        (pwsh_policy.CORE, CORE_EXE),
    ]


def test_discovery_finds_hosts_off_path_where_windows_installs_them() -> None:
    """PATH without either (a trimmed PATH, a service account): the system's Windows PowerShell and
    PowerShell 7's MSI folder, else the Store's alias."""
    present = {
        "C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\pwsh.exe",
    }
    got = pwsh_policy.candidates(WIN_ENV, fake_which({}), present.__contains__, windows=True)
    assert got == [
        (pwsh_policy.DESKTOP, "C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"),
        (pwsh_policy.CORE, "C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\pwsh.exe"),
    ]


def test_discovery_with_a_host_missing_and_off_windows() -> None:
    which = fake_which({"powershell": DESKTOP_EXE})
    assert pwsh_policy.candidates(WIN_ENV, which, lambda p: False, windows=True) == [
        (pwsh_policy.DESKTOP, DESKTOP_EXE)
    ]
    linux = fake_which({"pwsh": "/opt/microsoft/powershell/7/pwsh", "powershell": "/usr/bin/powershell"})
    assert pwsh_policy.candidates({}, linux, lambda p: True, windows=False) == [
        (pwsh_policy.CORE, "/opt/microsoft/powershell/7/pwsh")
    ]


def test_discover_asks_each_host_and_keeps_one_that_does_not_answer() -> None:
    answers = {DESKTOP_EXE: HOME_51, CORE_EXE: None}
    asked: list[tuple[str, str]] = []

    def run(exe: str, command: str) -> str | None:
        asked.append((exe, command))
        return answers[exe]

    which = fake_which({"powershell": DESKTOP_EXE, "pwsh": CORE_EXE})
    desktop, core = pwsh_policy.discover(WIN_ENV, run, which, windows=True)
    assert asked == [(DESKTOP_EXE, pwsh_policy.PROBE_COMMAND), (CORE_EXE, pwsh_policy.PROBE_COMMAND)]
    assert desktop.answered and desktop.label == "Windows PowerShell 5.1.22621.4391"
    assert not core.answered and core.label == "PowerShell" and core.windows


# ----------------------------------------------------------------------------------- parsing, profiles


def test_probe_answers_parse_with_their_onedrive_profiles() -> None:
    desktop, core = machine(HOME_51, HOME_74)
    onedrive = "C:\\Users\\J\u00fcrgen\\OneDrive - Contoso\\Dokumente"
    assert desktop.profile == onedrive + "\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1"
    assert core.profile == onedrive + "\\PowerShell\\Microsoft.PowerShell_profile.ps1"
    assert (desktop.kind, desktop.edition, core.kind, core.version) == (
        "powershell",
        "Desktop",
        "pwsh",
        "7.4.6",
    )
    assert desktop.policies == SCOPES_UNDEFINED
    assert core.policies["LocalMachine"] == "RemoteSigned"
    assert desktop.policy == ("Restricted", "default") and core.policy == ("RemoteSigned", "LocalMachine")
    assert desktop.blocks_profile and not core.blocks_profile


def test_escapes_decode_surrogate_pairs_and_angle_brackets() -> None:
    assert pwsh_policy.unescape("a<003c>b<d83d><de00>c") == "a<b\U0001f600c"
    assert pwsh_policy.unescape("C:\\x<00e9>") == "C:\\x\u00e9"


def test_anything_but_the_probe_is_no_answer() -> None:
    got = pwsh_policy.parse_probe("pwsh", CORE_EXE, "The term 'Get-ExecutionPolicy' is not recognized\r\n")
    assert not got.answered and got.policies == {}


def test_the_real_linux_probe_answer_is_not_enforced() -> None:
    """Verbatim from PowerShell 7.6 on Linux (tests/unit/test_pwsh_policy.py has its -List table too)."""
    text = (
        "autovenv-probe 1\nedition=Core\nversion=7.6.10\nwindows=False\n"
        "profile=/home/u/.config/powershell/Microsoft.PowerShell_profile.ps1\ndocuments=\n"
        "language=FullLanguage\neffective=Unrestricted\nsignature=NoProfile\n"
        + "".join(f"policy={s}=Unrestricted\n" for s in pwsh_policy.SCOPES)
    )
    linux = pwsh_policy.parse_probe("pwsh", "/usr/bin/pwsh", text)
    assert linux.answered and not linux.windows and not linux.blocks_profile
    assert [s.action for s in pwsh_policy.fix_plan([linux])] == ["not-enforced"]
    assert [f.level for f in doctor.host_policy_findings(linux)] == ["ok"]


def test_documents_folder_from_explorers_shell_folders() -> None:
    """OneDrive's Known Folder Move rewrites `User Shell Folders\\Personal` (REG_EXPAND_SZ)."""
    env = {"USERPROFILE": "C:\\Users\\me", "OneDrive": "C:\\Users\\me\\OneDrive - Contoso"}
    assert pwsh_policy.documents_dir(env, lambda: "%OneDrive%\\Documents") == (
        "C:\\Users\\me\\OneDrive - Contoso\\Documents"
    )
    assert pwsh_policy.documents_dir(env, lambda: "%USERPROFILE%\\OneDrive\\Documents\\") == (
        "C:\\Users\\me\\OneDrive\\Documents"
    )
    assert pwsh_policy.documents_dir(env, lambda: "D:\\Docs") == "D:\\Docs"
    assert pwsh_policy.documents_dir(env, lambda: None) == "C:\\Users\\me\\Documents"
    assert pwsh_policy.expand_windows_vars("%userprofile%\\%NOPE%", env) == "C:\\Users\\me\\%NOPE%"


def test_profile_paths_per_host() -> None:
    docs = "C:\\Users\\me\\OneDrive\\Documents"
    name = "Microsoft.PowerShell_profile.ps1"
    assert pwsh_policy.profile_path("powershell", {}, True, docs) == f"{docs}\\WindowsPowerShell\\{name}"
    assert pwsh_policy.profile_path("pwsh", {}, True, docs) == f"{docs}\\PowerShell\\{name}"
    assert (
        pwsh_policy.profile_path("pwsh", {"HOME": "/home/me"}, False) == f"/home/me/.config/powershell/{name}"
    )
    assert pwsh_policy.profile_path("pwsh", {"XDG_CONFIG_HOME": "/x"}, False) == f"/x/powershell/{name}"
    # A host that did not answer: computed from the Documents folder.
    silent = pwsh_policy.Host("powershell", DESKTOP_EXE, documents=docs)
    assert pwsh_policy.profile_of(silent, {}) == f"{docs}\\WindowsPowerShell\\{name}"


# ------------------------------------------------------------------------------------------- fix plan


def plan(hosts: list[pwsh_policy.Host]) -> list[tuple[str, str]]:
    return [(step.host.kind, step.action) for step in pwsh_policy.fix_plan(hosts)]


def test_fix_plan_sets_current_user_only_where_the_profile_is_blocked() -> None:
    assert plan(machine(HOME_51, HOME_74)) == [("powershell", "set"), ("pwsh", "none")]
    assert plan(machine(FIXED_51, HOME_74)) == [("powershell", "none"), ("pwsh", "none")]


def test_fix_plan_never_touches_group_policy_or_the_process_scope() -> None:
    assert plan(machine(CORP_51, CORP_74)) == [("powershell", "group-policy"), ("pwsh", "group-policy")]
    steps = pwsh_policy.fix_plan(machine(CORP_51, None))
    assert "organisation" in steps[0].why and pwsh_policy.TERMINAL_ROUTE in steps[0].why
    assert steps[1].action == "unknown"
    assert plan(machine(PROCESS_51, None)) == [("powershell", "process"), ("pwsh", "unknown")]


def test_allsigned_blocks_only_an_unsigned_profile() -> None:
    signed = recording("Desktop", "5.1", DESKTOP_PROFILE, "AllSigned", "Valid", LocalMachine="AllSigned")
    unsigned = signed.replace("signature=Valid", "signature=NotSigned")
    assert plan([host("powershell", signed)]) == [("powershell", "none")]
    assert plan([host("powershell", unsigned)]) == [("powershell", "set")]


# --------------------------------------------------------------------------------------------- doctor


def section(
    hosts: list[pwsh_policy.Host], files: dict[str, str], hook: str | None = None
) -> list[doctor.Finding]:
    running = doctor.hook_running(hook, "pwsh", [int(hook.split(":")[1])] if hook else [10])
    found, _ = doctor.powershell_section(hosts, {}, running, files.get, lambda path: None)
    return found


def levels(findings: list[doctor.Finding], needle: str) -> list[str]:
    return [f.level for f in findings if needle in f.text]


def test_doctor_reports_each_host_its_profile_and_policy() -> None:
    hosts = machine(HOME_51, HOME_74)
    line = "Invoke-Expression (& autovenv hook pwsh | Out-String)\r\n"
    desktop, core = (pwsh_policy.profile_of(h, {}) for h in hosts)
    got = section(hosts, {desktop: line, core: line})
    report = doctor.format_report(got)
    assert "Windows PowerShell 5.1.22621.4391: C:\\WINDOWS\\System32" in report
    assert "PowerShell 7.4.6: C:\\Program Files\\PowerShell\\7\\pwsh.exe" in report
    assert f"Windows PowerShell 5.1.22621.4391: {desktop} loads the hook, but the execution policy" in report
    assert f"PowerShell 7.4.6: {core} loads the hook" in report
    (blocked,) = [f for f in got if f.level == "error"]
    assert "Windows' default Restricted" in blocked.text and blocked.text.startswith("Windows PowerShell")
    assert blocked.fix is not None and blocked.fix.startswith("autovenv init pwsh --fix-policy")
    assert pwsh_policy.TERMINAL_ROUTE in blocked.fix
    one_shot = [f for f in got if pwsh_policy.DISABLED_TEXT in f.text]
    assert len(one_shot) == 1 and one_shot[0].fix == pwsh_policy.ONE_SHOT
    assert levels(got, "PowerShell 7.4.6: RemoteSigned (LocalMachine) lets its profile run") == ["ok"]
    assert doctor.exit_code(got) == 1


def test_doctor_under_group_policy_explains_and_offers_the_script_free_routes() -> None:
    got = section(machine(CORP_51, CORP_74), {})
    gpo = [f for f in got if "Group Policy" in f.text]
    assert len(gpo) == 2 and all(f.level == "error" for f in gpo)
    for finding in gpo:
        assert "your organisation set MachinePolicy = AllSigned" in finding.text
        assert "does not cover commands you type or give with -Command" in finding.text
        assert finding.fix is not None and finding.fix.startswith(pwsh_policy.TERMINAL_ROUTE)
        assert "Set-AuthenticodeSignature" in finding.fix
    assert all("Set-ExecutionPolicy" not in (f.fix or "") for f in got)
    # A profile without the hook is pointed at the terminal route, not at a profile that cannot run.
    missing = [f for f in got if "does not load the hook" in f.text]
    assert [f.fix for f in missing] == [pwsh_policy.TERMINAL_ROUTE] * 2


def test_doctor_recognises_a_session_started_by_a_terminal_profile() -> None:
    """The hook runs, yet no profile loads it: the session got it on its command line."""
    got = section(machine(CORP_51, CORP_74), {}, hook="pwsh:4242")
    (running,) = [f for f in got if "hook is running" in f.text]
    assert running.level == "ok" and "command line this session was started with" in running.text
    assert levels(got, "does not load the hook") == ["info", "info"]
    assert all(f.fix is None for f in got if "does not load the hook" in f.text)


def test_doctor_with_a_host_that_does_not_answer_and_none_at_all(tmp_path: Path) -> None:
    got = section(machine(HOME_51, None), {})
    assert levels(got, "did not answer") == ["warn"]
    assert any(f.fix and f.fix.startswith("& 'C:\\Program Files\\PowerShell") for f in got)
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin"}
    _, found = doctor.collect(env, str(tmp_path), "pwsh", hosts=[])
    assert any("PowerShell's policy checks skipped" in f.text for f in found)
    assert any(f.fix == "autovenv init pwsh" for f in found)


def test_doctor_process_scope() -> None:
    got = section([host("powershell", PROCESS_51)], {})
    (warn,) = [f for f in got if "Process scope" in f.text]
    assert warn.level == "warn" and "PSExecutionPolicyPreference" in (warn.fix or "")


# ----------------------------------------------------------------------------------------------- init


def redirected(hosts: list[pwsh_policy.Host], home: Path) -> list[pwsh_policy.Host]:
    """The recorded hosts with their profiles moved under a temporary HOME (same names per host)."""
    out = []
    for h in hosts:
        folder = "WindowsPowerShell" if h.kind == "powershell" else "PowerShell"
        path = home / "OneDrive - Contoso" / "Dokumente" / folder / pwsh_policy.PROFILE_NAME
        out.append(dataclasses.replace(h, profile=str(path)))
    return out


def test_init_configures_both_hosts_and_explains_the_blocked_one(tmp_path: Path) -> None:
    hosts = redirected(machine(HOME_51, HOME_74), tmp_path)
    lines: list[str] = []
    code = init_mod.run(
        "pwsh", False, False, {"HOME": str(tmp_path)}, lines.append, windows=True, hosts=hosts
    )
    assert code == 1  # Windows PowerShell's profile stays blocked until the user consents
    for h in hosts:
        assert Path(h.profile).read_text() == f"{init_mod.MARKER}\n{init_mod.hook_line('pwsh')}\n"
        assert f"autovenv: {h.label}: created {h.profile} with the hook" in lines
    assert any(line.startswith("autovenv: Windows PowerShell 5.1.22621.4391: Restricted") for line in lines)
    assert any("autovenv init pwsh --fix-policy" in line for line in lines)
    assert not any(line.startswith("autovenv: PowerShell 7.4.6: RemoteSigned") for line in lines)
    lines.clear()
    init_mod.run("pwsh", False, False, {"HOME": str(tmp_path)}, lines.append, windows=True, hosts=hosts)
    assert sum("already loads the hook" in line for line in lines) == 2


def test_init_fix_policy_sets_current_user_per_host_and_reports_each(tmp_path: Path) -> None:
    hosts = redirected(machine(HOME_51, HOME_74), tmp_path)
    calls: list[tuple[str, str]] = []

    def run_ps(exe: str, command: str) -> str | None:
        calls.append((exe, command))
        return FIXED_51 if command == pwsh_policy.PROBE_COMMAND else ""

    lines: list[str] = []
    assert init_mod.policy_step(hosts, True, True, lines.append, run_ps) == 0
    desktop, core = "autovenv: Windows PowerShell 5.1.22621.4391:", "autovenv: PowerShell 7.4.6:"
    assert calls == [] and lines == [
        f"{desktop} would run in {DESKTOP_EXE}: {pwsh_policy.SET_COMMAND}",
        f"{core} RemoteSigned (LocalMachine) already lets its profile run; nothing to change",
    ]
    lines.clear()
    assert init_mod.policy_step(hosts, False, True, lines.append, run_ps) == 0
    assert calls == [(DESKTOP_EXE, pwsh_policy.SET_COMMAND), (DESKTOP_EXE, pwsh_policy.PROBE_COMMAND)]
    assert lines[0] == f"{desktop} set CurrentUser to RemoteSigned; its profile can run now"


def test_init_fix_policy_reports_a_change_that_did_not_take(tmp_path: Path) -> None:
    hosts = redirected(machine(HOME_51, None), tmp_path)
    lines: list[str] = []
    assert init_mod.policy_step(hosts, False, True, lines.append, lambda exe, cmd: HOME_51) == 1
    assert "could not set the policy" in lines[0] and pwsh_policy.POLICY_FIX in lines[0]
    assert "could not read its execution policy" in lines[1]


def test_init_fix_policy_never_runs_anything_under_group_policy(tmp_path: Path) -> None:
    hosts = redirected(machine(CORP_51, CORP_74), tmp_path)

    def run_ps(exe: str, command: str) -> str | None:
        raise AssertionError(f"ran {command!r} in {exe}")

    lines: list[str] = []
    assert init_mod.policy_step(hosts, False, True, lines.append, run_ps) == 1
    assert sum("your organisation set MachinePolicy = AllSigned" in line for line in lines) == 2
    assert sum(pwsh_policy.ONE_SHOT in line for line in lines) == 2


def test_init_warns_that_a_signed_profile_needs_signing_again(tmp_path: Path) -> None:
    signed = recording("Desktop", "5.1", DESKTOP_PROFILE, "AllSigned", "Valid", LocalMachine="AllSigned")
    (h,) = redirected([host("powershell", signed)], tmp_path)
    Path(h.profile).parent.mkdir(parents=True)
    Path(h.profile).write_text("# SIG # Begin signature block\r\n")
    lines: list[str] = []
    init_mod.run("pwsh", False, False, {"HOME": str(tmp_path)}, lines.append, windows=True, hosts=[h])
    assert any("voids the signature" in line and "Set-AuthenticodeSignature" in line for line in lines)


# ------------------------------------------------------------------------------------- terminal route


def command_line_to_argv(line: str) -> list[str]:
    """CommandLineToArgvW's rules (what Windows Terminal's CreateProcess gives pwsh.exe and PowerShell
    reads): written from Microsoft's description, independently of pwsh_terminal.windows_join."""
    args: list[str] = []
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            break
        arg, quoted = "", False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                j = i
                while j < n and line[j] == "\\":
                    j += 1
                slashes = j - i
                if j < n and line[j] == '"':
                    arg += "\\" * (slashes // 2)
                    if slashes % 2:
                        arg += '"'
                        i = j + 1
                    else:
                        i = j
                    continue
                arg += "\\" * slashes
                i = j
                continue
            if line[i] == '"':
                quoted = not quoted
                i += 1
                continue
            arg += line[i]
            i += 1
        args.append(arg)
    return args


@pytest.mark.parametrize(
    "argv",
    [
        [CORE_EXE, "-NoExit", "-Command", "Invoke-Expression (& autovenv hook pwsh | Out-String)"],
        ["C:\\a b\\", 'say "hi"', "tail\\\\", "", 'x\\"y'],
        [DESKTOP_EXE, "-Command", "& 'C:\\Users\\O''Brien\\Scripts\\autovenv.exe' hook pwsh"],
    ],
)
def test_windows_command_lines_read_back_as_written(argv: list[str]) -> None:
    assert command_line_to_argv(pwsh_terminal.windows_join(argv)) == argv


def test_the_fragment_is_what_windows_terminal_reads() -> None:
    hosts = machine(CORP_51, CORP_74)
    command = pwsh_terminal.hook_command()
    text = pwsh_terminal.render(pwsh_terminal.fragment(hosts, command))
    data = json.loads(text)
    assert list(data) == ["profiles"]
    profiles = data["profiles"]
    assert [p["name"] for p in profiles] == ["Windows PowerShell (autovenv)", "PowerShell (autovenv)"]
    for profile, h in zip(profiles, hosts):
        assert re.fullmatch(
            r"\{[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\}", profile["guid"]
        )
        assert command_line_to_argv(profile["commandline"]) == [
            h.exe,
            "-NoLogo",
            "-NoExit",
            "-Command",
            "Invoke-Expression (& autovenv hook pwsh | Out-String)",
        ]
        assert profile["icon"].startswith("ms-appx:///ProfileIcons/")
    assert profiles[0]["guid"] != profiles[1]["guid"]
    # Stable across runs (and machines): rewriting it keeps what Terminal stored for these profiles.
    assert pwsh_terminal.render(pwsh_terminal.fragment(machine(HOME_51, HOME_74), command)) == text


def test_the_command_names_autovenv_by_path_when_it_is_not_on_path() -> None:
    scripts = "AppData\\Roaming\\Python\\Python312\\Scripts\\autovenv.exe"
    command = pwsh_terminal.hook_command(pwsh_terminal.invocation_for(f"C:\\Users\\O'Brien\\{scripts}"))
    assert command == f"Invoke-Expression (& 'C:\\Users\\O''Brien\\{scripts}' hook pwsh | Out-String)"
    assert pwsh_terminal.hook_command(pwsh_terminal.invocation_for(None)) == init_mod.hook_line("pwsh")


def test_init_terminal_writes_the_fragment_and_prints_the_vscode_entry(tmp_path: Path) -> None:
    env = {"LOCALAPPDATA": str(tmp_path / "Local"), "HOME": str(tmp_path)}
    hosts = machine(CORP_51, CORP_74)
    lines: list[str] = []
    assert (
        init_mod.run("pwsh", False, False, env, lines.append, terminal=True, windows=True, hosts=hosts) == 0
    )
    fragment = (
        tmp_path / "Local" / "Microsoft" / "Windows Terminal" / "Fragments" / "autovenv" / "autovenv.json"
    )
    assert lines[0] == f"autovenv: wrote {fragment}"
    written = fragment.read_bytes()
    assert [p["name"] for p in json.loads(written)["profiles"]] == [
        "Windows PowerShell (autovenv)",
        "PowerShell (autovenv)",
    ]
    start = lines.index(next(line for line in lines if line.startswith("autovenv: for VS Code")))
    vscode = json.loads("\n".join(lines[start + 1 :]))
    entry = vscode["terminal.integrated.profiles.windows"]["PowerShell (autovenv)"]
    # autovenv by name when it is on PATH (as in the profile line), else by this installation's path.
    own = init_mod._autovenv_path(shutil.which)
    command = pwsh_terminal.hook_command(pwsh_terminal.invocation_for(own))
    assert entry["path"] == CORE_EXE and entry["args"] == ["-NoLogo", "-NoExit", "-Command", command]
    assert command_line_to_argv(json.loads(written)["profiles"][1]["commandline"])[-1] == command
    assert vscode["terminal.integrated.defaultProfile.windows"] == "Windows PowerShell (autovenv)"
    # No profile script was written, and no policy was asked about or changed.
    assert not list(tmp_path.rglob("*.ps1"))
    lines.clear()
    init_mod.run("pwsh", False, False, env, lines.append, terminal=True, windows=True, hosts=hosts)
    assert lines[0] == f"autovenv: {fragment} is up to date" and fragment.read_bytes() == written
    lines.clear()
    init_mod.run("pwsh", True, False, env, lines.append, terminal=True, windows=True, hosts=hosts)
    assert lines[0] == f"autovenv: would write {fragment}:"


def test_init_terminal_off_windows_and_for_other_shells(tmp_path: Path) -> None:
    with pytest.raises(AutovenvError, match="profile line works"):
        init_mod.run(
            "pwsh", False, False, {"HOME": str(tmp_path)}, print, terminal=True, windows=False, hosts=[]
        )
    with pytest.raises(AutovenvError, match="--terminal is for PowerShell only"):
        init_mod.run("bash", False, False, {"HOME": str(tmp_path)}, print, terminal=True)
    with pytest.raises(AutovenvError, match="no PowerShell found"):
        init_mod.run(
            "pwsh", False, False, {"HOME": str(tmp_path)}, print, terminal=True, windows=True, hosts=[]
        )


def test_doctor_on_windows_looks_past_the_autovenv_exe_launcher(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip's and pipx's autovenv.exe start Python as their child: the PowerShell whose hook exported
    AUTOVENV_HOOK is Python's grandparent, found in the process snapshot."""
    import os

    launcher, powershell = os.getppid(), 4242
    monkeypatch.setattr(doctor, "_windows_parents", lambda: {launcher: powershell, powershell: 77})
    pids = doctor.ancestor_pids(windows=True)
    assert pids == [launcher, powershell, 77]
    assert doctor.hook_running(f"pwsh:{powershell}", "pwsh", pids).level == "ok"
    monkeypatch.setattr(doctor, "_windows_parents", lambda: {})
    assert doctor.ancestor_pids(windows=True) == [launcher]
