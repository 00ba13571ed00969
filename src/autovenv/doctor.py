"""``autovenv doctor``: is the hook installed and running, and is anything fighting it? Each finding
names the exact command that fixes it.

Checks, for every shell: which shell this is (shellingham), the hook line in its startup file (for bash,
zsh and fish also whether it starts Python at every shell start: the plain line with a pip console script
does, the start line ``autovenv init`` writes does not), the hook running in this very shell (the hooks
export ``AUTOVENV_HOOK=<shell>:<pid>``; a value inherited from a parent shell names another process), the
``autovenv`` command on PATH, PATH order (pyenv shims or conda's base ahead of the active venv), and other
auto-activators (direnv ``layout python``, ``pyenv virtualenv-init``, conda ``auto_activate_base``). For
PowerShell: the execution policy of every scope, read with ``powershell -NoProfile -Command
Get-ExecutionPolicy -List`` (the policy governs script files, never ``-Command``), scopes set by Group
Policy (explained, never overridden), a profile marked as downloaded (Mark of the Web), and
ConstrainedLanguage mode. PowerShell is only probed where it exists.

The parsing and judging are pure functions over recorded text, tested without PowerShell.
"""

from __future__ import annotations

import os
import re
import sys

from autovenv import init as init_mod
from autovenv import shells

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    import click

SCOPES = ("MachinePolicy", "UserPolicy", "Process", "CurrentUser", "LocalMachine")
POLICIES = ("Restricted", "AllSigned", "RemoteSigned", "Unrestricted", "Bypass", "Undefined", "Default")
GROUP_POLICY_SCOPES = ("MachinePolicy", "UserPolicy")
POLICY_FIX = "Set-ExecutionPolicy -Scope CurrentUser RemoteSigned"
SIGN_FIX = (
    "Set-AuthenticodeSignature -FilePath $PROFILE "
    "-Certificate (Get-ChildItem Cert:\\CurrentUser\\My -CodeSigningCert)[0]"
)
PROBE_SEPARATOR = "----autovenv----"
#: In the command install.sh writes: it serves ``autovenv hook SHELL`` from a saved copy, without Python.
LAUNCHER_TAG = "written by autovenv install.sh"
#: Hooks that export AUTOVENV_HOOK=<shell>:<pid>; for the others an unset value proves nothing yet.
#: Every shell with an adapter: each hook exports AUTOVENV_HOOK=<shell>:<pid> (no list to keep in sync).
REPORTING_SHELLS = tuple(shells.names())
PROBE_COMMAND = (
    f"Get-ExecutionPolicy -List | Out-String -Width 200; '{PROBE_SEPARATOR}'; "
    f"$ExecutionContext.SessionState.LanguageMode; '{PROBE_SEPARATOR}'; $PROFILE"
)


class Finding:
    """One line of the report: ``level`` is ok, info, warn or error; ``fix`` the command that fixes it."""

    __slots__ = ("fix", "level", "text")

    def __init__(self, level: str, text: str, fix: str | None = None) -> None:
        self.level = level
        self.text = text
        self.fix = fix

    def __repr__(self) -> str:
        return f"Finding({self.level!r}, {self.text!r}, fix={self.fix!r})"


# ------------------------------------------------------------------------------------ execution policy


def parse_execution_policy_list(text: str) -> dict[str, str]:
    """Scope -> policy from ``Get-ExecutionPolicy -List`` output (the default table, any width or
    indentation, or ``Scope=Policy`` / ``Scope: Policy`` lines). Scope and policy names are enum values,
    never translated, so localized headers do not matter; unknown lines are ignored."""
    found: dict[str, str] = {}
    scopes = {s.lower(): s for s in SCOPES}
    policies = {p.lower(): p for p in POLICIES}
    for raw in text.splitlines():
        words = [w for w in re.split(r"[\s=:]+", raw.strip()) if w]
        if len(words) != 2:
            continue
        scope, policy = scopes.get(words[0].lower()), policies.get(words[1].lower())
        if scope is not None and policy is not None:
            found[scope] = policy
    return found


def group_policy_scope(policies: Mapping[str, str]) -> str | None:
    """The Group Policy scope that decides the policy (MachinePolicy wins over UserPolicy), if any."""
    for scope in GROUP_POLICY_SCOPES:
        if policies.get(scope, "Undefined") not in ("Undefined", ""):
            return scope
    return None


def effective_policy(policies: Mapping[str, str], windows: bool, server: bool = False) -> tuple[str, str]:
    """(policy, deciding scope): the first scope not Undefined, in PowerShell's precedence order.

    All Undefined means the default: Restricted on Windows clients, RemoteSigned on Windows Server (and
    for PowerShell 7 on Windows); off Windows policies are not enforced (Unrestricted).
    """
    for scope in SCOPES:
        policy = policies.get(scope, "Undefined")
        if policy not in ("Undefined", ""):
            return ("Restricted" if policy == "Default" and not server else policy), scope
    if not windows:
        return "Unrestricted", "default"
    return ("RemoteSigned" if server else "Restricted"), "default"


def policy_findings(policies: Mapping[str, str], windows: bool, exe: str = "powershell") -> list[Finding]:
    """What the policies mean for a $PROFILE that loads the hook."""
    if not windows:
        return [Finding("ok", "execution policies are not enforced on this system")]
    if not policies:
        return [
            Finding(
                "warn",
                f"could not read the execution policy from {exe}",
                f"{exe} -NoProfile -Command Get-ExecutionPolicy -List",
            )
        ]
    listing = ", ".join(f"{s}={policies[s]}" for s in SCOPES if s in policies)
    findings = [Finding("info", f"execution policy ({exe}): {listing}")]
    policy, scope = effective_policy(policies, windows)
    gpo = group_policy_scope(policies)
    if gpo is not None:
        blocks = policy in ("Restricted", "AllSigned")
        text = (
            f"{gpo} is set to {policies[gpo]} by Group Policy; it overrides every other scope and cannot be "
            "changed with Set-ExecutionPolicy (autovenv never tries)"
        )
        if policy == "Restricted":
            findings.append(Finding("error", text + "; no profile script can run: ask your administrator"))
        elif policy == "AllSigned":
            findings.append(
                Finding(
                    "error",
                    text + "; your profile must be signed",
                    SIGN_FIX,
                )
            )
        if not blocks:
            findings.append(Finding("info", text))
        return findings
    if scope == "Process" and policy in ("Restricted", "AllSigned"):
        findings.append(
            Finding(
                "warn",
                f"this session was started with -ExecutionPolicy {policy} (Process scope); "
                "new sessions are not",
                "start PowerShell without -ExecutionPolicy",
            )
        )
        return findings
    if policy == "Restricted":
        where = (
            "no scope sets a policy, so Windows' default Restricted applies"
            if scope == "default"
            else f"{scope} is Restricted"
        )
        findings.append(
            Finding("error", f"{where}: $PROFILE cannot run, so the hook never loads", POLICY_FIX)
        )
    elif policy == "AllSigned":
        findings.append(
            Finding("error", f"{scope} is AllSigned: an unsigned $PROFILE cannot run", POLICY_FIX)
        )
    else:
        findings.append(Finding("ok", f"{policy} ({scope}) lets $PROFILE run"))
    return findings


def parse_zone_identifier(text: str) -> int | None:
    """The ZoneId of a ``Zone.Identifier`` stream (3 = Internet, 4 = Restricted: "downloaded")."""
    match = re.search(r"^\s*ZoneId\s*=\s*(\d+)\s*$", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def read_zone(path: str) -> int | None:
    """The Mark of the Web of a file on NTFS (its ``:Zone.Identifier`` stream), if any."""
    if os.name != "nt":
        return None
    try:
        with open(path + ":Zone.Identifier", encoding="utf-8", errors="replace") as handle:
            return parse_zone_identifier(handle.read(4096))
    except OSError:
        return None


def motw_finding(profile: str, zone: int | None, policy: str) -> Finding | None:
    if zone is None or zone < 3:
        return None
    if policy == "RemoteSigned":
        text = f"{profile} is marked as downloaded from the Internet; RemoteSigned refuses to run it unsigned"
        return Finding("error", text, f"Unblock-File -LiteralPath '{profile.replace(chr(39), chr(39) * 2)}'")
    if policy == "Unrestricted":
        text = f"{profile} is marked as downloaded; PowerShell asks before running it at every start"
        return Finding("warn", text, f"Unblock-File -LiteralPath '{profile.replace(chr(39), chr(39) * 2)}'")
    return None


def language_mode_finding(mode: str, environ: Mapping[str, str]) -> Finding | None:
    if mode in ("", "FullLanguage") and not environ.get("__PSLockdownPolicy"):
        return None
    shown = mode or "a restricted language mode (__PSLockdownPolicy is set)"
    return Finding(
        "warn",
        f"PowerShell runs in {shown} (application control: WDAC/AppLocker); the hook then falls back to "
        "running autovenv export on every directory change, without cache or deactivate. Your administrator "
        "can allow your profile; signing it is the usual way",
        SIGN_FIX,
    )


class Probe:
    """What one ``-NoProfile -Command`` run of PowerShell reports."""

    __slots__ = ("language_mode", "policies", "profile")

    def __init__(self, policies: dict[str, str], language_mode: str, profile: str) -> None:
        self.policies = policies
        self.language_mode = language_mode
        self.profile = profile


def parse_probe(text: str) -> Probe:
    parts = text.split(PROBE_SEPARATOR)
    while len(parts) < 3:
        parts.append("")
    return Probe(parse_execution_policy_list(parts[0]), parts[1].strip(), parts[2].strip())


def probe_powershell(exe: str) -> Probe | None:
    out = init_mod.run_powershell(exe, PROBE_COMMAND)
    return parse_probe(out) if out is not None else None


# --------------------------------------------------------------------------------- hook and conflicts


def hook_running(value: str | None, shell: str | None, ancestors: Iterable[int]) -> Finding:
    """Judge ``AUTOVENV_HOOK`` (``<shell>:<pid>``, exported by the hook) against this process's ancestry."""
    if not value and shell not in REPORTING_SHELLS:
        return Finding(
            "info", f"whether the {shell} hook runs here cannot be told (it does not report itself)"
        )
    if not value:
        return Finding(
            "warn", "the hook is not running in this shell", f"{_restart(shell)}   (after autovenv init)"
        )
    name, _, rest = value.partition(":")
    pid_text, _, state = rest.partition(":")
    pids = list(ancestors)
    if not pid_text.isdigit():
        return Finding("warn", f"AUTOVENV_HOOK has an unexpected value {value!r}", _restart(shell))
    pid = int(pid_text)
    if shell is not None and name != shell:
        return Finding(
            "warn", f"the hook runs in a parent {name} (pid {pid}), not in this {shell}", _restart(shell)
        )
    if pids and pid not in pids[:3]:
        return Finding(
            "warn",
            f"AUTOVENV_HOOK was inherited from another {name} (pid {pid}); this shell did not load the hook",
            _restart(shell),
        )
    if state == "loaded":
        # The hook marks itself at its first prompt: a shell past its first prompt whose mark is still
        # there never ran it, because a later line of the startup file unhooked it.
        return Finding(
            "error",
            f"the {name} hook was loaded (pid {pid}) but has never run at a prompt: something after the hook "
            f"line replaced {WIRING.get(name, 'the prompt hook')}",
            f"add to {WIRING.get(name, 'it')} instead of replacing it, then: {_restart(shell)}",
        )
    return Finding("ok", f"the {name} hook is running at every prompt (pid {pid})")


#: Where each shell's hook is wired in: what a later line must extend, never replace.
WIRING = {"bash": "PROMPT_COMMAND", "zsh": "precmd_functions", "fish": "the fish_prompt event"}


def rc_wiring(text: str, path: str, shell: str | None) -> list[Finding]:
    """Lines after the hook line that replace what the hook is wired into (and so drop it).

    ``PROMPT_COMMAND='history -a'`` after the hook line in ~/.bashrc leaves bash without the hook, and
    ``precmd_functions=(x)`` does the same in zsh; a value that keeps the old one is fine.
    """
    names = {"bash": "PROMPT_COMMAND", "zsh": "precmd_functions|chpwd_functions"}.get(shell or "")
    if names is None:
        return []
    lines = text.splitlines()
    hook_at = next((i for i, line in enumerate(lines) if init_mod.has_hook(line, shell or "")), None)
    if hook_at is None:
        return []
    findings = []
    assignment = re.compile(rf"^\s*(?:export\s+|typeset\s+(?:-\w+\s+)*)?({names})=(.*)$")
    for number, line in enumerate(lines[hook_at + 1 :], start=hook_at + 2):
        found = assignment.match(line)
        if found is None or found.group(1) in found.group(2):
            continue
        name, value = found.group(1), found.group(2).strip()
        if name == "PROMPT_COMMAND":
            inner = value[1:-1] if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"" else value
            fix = f'PROMPT_COMMAND="${{PROMPT_COMMAND:+$PROMPT_COMMAND;}}{inner}"'
        else:
            fix = f"{name}+={value}"
        findings.append(
            Finding(
                "error",
                f"{path} line {number} replaces {name} after the hook line, which unhooks autovenv",
                f"extend it instead: {fix}",
            )
        )
    return findings


def _restart(shell: str | None) -> str:
    """How to reload the hook in this shell (the adapter's ``RESTART``)."""
    if shell is None:
        return "open a new shell"
    try:
        return shells.get(shell).RESTART
    except shells.UnknownShell:
        return "open a new shell"


def ancestor_pids(limit: int = 4) -> list[int]:
    """Parent, grandparent, ... of this process (Linux /proc, else ``ps``; on Windows only the parent)."""
    pids = [os.getppid()]
    while len(pids) < limit:
        parent = _parent_of(pids[-1])
        if parent is None or parent <= 1 or parent in pids:
            break
        pids.append(parent)
    return pids


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        pass
    if os.name == "nt":
        return None
    import subprocess

    try:
        out = subprocess.run(
            ["ps", "-o", "ppid=", "-p", str(pid)], capture_output=True, timeout=2, check=False
        )
        return int(out.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def path_findings(
    environ: Mapping[str, str], which: Callable[[str], str | None], windows: bool = os.name == "nt"
) -> list[Finding]:
    """PATH order problems: something ahead of the active venv's or selected Python's directory."""
    sep = ";" if windows else ":"
    entries = environ.get("PATH", "").split(sep)
    findings: list[Finding] = []
    added = [e for e in environ.get("AUTOVENV_PATH_ADD", "").split(sep) if e]
    venv = environ.get("VIRTUAL_ENV")
    if added and added[0] in entries:
        first = entries.index(added[0])
        ahead = [e for e in entries[:first] if _is_shims(e) or _is_conda(e, environ)]
        for entry in ahead:
            findings.append(
                Finding(
                    "error",
                    f"{entry} comes before {added[0]} on PATH, so `python` is not the one autovenv selected; "
                    "something prepended it after this shell's first prompt",
                    "leave the project and enter it again (or start a new shell): autovenv puts its entries "
                    "first again",
                )
            )
    if venv and not findings:
        python = which("python")
        if python and not _inside(python, venv, windows):
            findings.append(
                Finding(
                    "warn",
                    f"VIRTUAL_ENV is {venv} but `python` is {python}",
                    "leave the project and enter it again (or start a new shell): autovenv puts its entries "
                    "first again",
                )
            )
    if environ.get("CONDA_DEFAULT_ENV") == "base" and environ.get("CONDA_SHLVL", "0") not in ("", "0"):
        findings.append(
            Finding(
                "warn",
                "conda's base environment is active in this shell: "
                "its python comes first wherever no venv is",
                "conda config --set auto_activate_base false",
            )
        )
    if not findings:
        findings.append(Finding("ok", "PATH order: nothing ahead of autovenv's entries"))
    return findings


def _is_shims(entry: str) -> bool:
    normalized = entry.replace("\\", "/").rstrip("/")
    return normalized.endswith(("/shims", "/pyenv-win/shims", "/pyenv-win/bin"))


def _is_conda(entry: str, environ: Mapping[str, str]) -> bool:
    prefix = environ.get("CONDA_PREFIX")
    return bool(prefix) and entry.replace("\\", "/").startswith(str(prefix).replace("\\", "/"))


def _inside(path: str, directory: str, windows: bool) -> bool:
    a, b = path.replace("\\", "/"), directory.replace("\\", "/").rstrip("/") + "/"
    return a.lower().startswith(b.lower()) if windows else a.startswith(b)


def rc_conflicts(text: str, path: str) -> list[Finding]:
    """Other auto-activators loaded by a startup file."""
    findings = []
    if re.search(r"^[^#\n]*pyenv\s+virtualenv-init", text, re.MULTILINE):
        findings.append(
            Finding(
                "warn",
                f"{path} loads `pyenv virtualenv-init`, which activates pyenv-virtualenv envs "
                "on every prompt "
                "and fights autovenv over VIRTUAL_ENV",
                f"sed -i.bak '/pyenv virtualenv-init/d' {_sh(path)}",
            )
        )
    return findings


def condarc_auto_activates(text: str | None) -> bool:
    """conda activates base at shell start unless ``auto_activate_base: false`` (``auto_activate``)."""
    if text is None:
        return True
    return (
        re.search(
            r"^\s*auto_activate(?:_base)?\s*:\s*(?:false|no|off)\s*$", text, re.MULTILINE | re.IGNORECASE
        )
        is None
    )


def conda_finding(rc_text: str, condarc: str | None, environ: Mapping[str, str]) -> Finding | None:
    uses_conda = "conda initialize" in rc_text or "conda shell." in rc_text or bool(environ.get("CONDA_EXE"))
    if uses_conda and condarc_auto_activates(condarc):
        return Finding(
            "warn",
            "conda activates its base environment in every new shell (auto_activate_base); its python then "
            "shadows the system one outside projects",
            "conda config --set auto_activate_base false",
        )
    return None


#: direnv layouts that make a Python environment: the same lines for the check and for its sed fix (ERE),
#: so the fix removes exactly the lines found and leaves `layout node`, `layout go`, ... alone.
_PYTHON_LAYOUTS = "(python3?|pyenv|pipenv|poetry|uv)"
PYTHON_LAYOUT_LINE = rf"^[[:space:]]*layout[[:space:]_]+{_PYTHON_LAYOUTS}([^[:alnum:]_]|$)"


def envrc_findings(directory: str, read: Callable[[str], str | None]) -> list[Finding]:
    """direnv ``.envrc`` files from ``directory`` up that create or activate a Python env themselves."""
    findings = []
    current = directory
    while True:
        path = os.path.join(current, ".envrc")
        text = read(path)
        if text is not None and re.search(rf"^\s*layout[\s_]+{_PYTHON_LAYOUTS}\b", text, re.MULTILINE):
            findings.append(
                Finding(
                    "warn",
                    f"{path} uses direnv's `layout python`, which activates its own venv here "
                    "and fights autovenv",
                    f"sed -i.bak -E '/{PYTHON_LAYOUT_LINE}/d' {_sh(path)} && direnv allow {_sh(current)}",
                )
            )
        parent = os.path.dirname(current)
        if parent == current:
            return findings
        current = parent


def start_finding(
    rc_text: str,
    shell: str,
    environ: Mapping[str, str],
    command: str | None,
    read: Callable[[str], str | None],
) -> Finding | None:
    """What the hook line costs at shell start: the start line runs no Python while nothing changed; the
    plain line runs ``command`` at every start, which costs a Python start unless ``command`` is
    install.sh's launcher (it serves a saved copy). ``None`` when there is nothing to say."""
    if not hasattr(shells.get(shell), "start_line"):
        return None
    current = init_mod.hook_line(shell, environ)
    lines = [line.strip() for line in rc_text.splitlines() if not line.lstrip().startswith("#")]
    if current in lines and not installed_from_wheel():
        return Finding(
            "info",
            "this autovenv is a source checkout or an editable install: it writes no start file, so every "
            "shell start runs Python",
        )
    if current in lines:
        return Finding("ok", "the hook line sources the start file: no Python at a shell start")
    if any(init_mod.is_start_line(line, shell) for line in lines):
        return Finding(
            "info",
            "the hook line names a start file where autovenv no longer writes it, so every shell start "
            "runs Python",
            f"autovenv init {shell}",
        )
    if command is None or LAUNCHER_TAG in (read(command) or "")[:1024]:
        return None
    fix = (
        f"autovenv init {shell}"
        if any(init_mod.replaceable(line, shell) for line in lines)
        else f"use this line instead: {current}"
    )
    return Finding("info", "the hook line starts Python at every shell start (10-20 ms)", fix)


def installed_from_wheel() -> bool:
    """Does this installation get start files (a dist-info beside the package: autovenv.start)?"""
    from autovenv import start

    return start.installed_record() is not None


def _sh(value: str) -> str:
    from autovenv.decide import display_quote

    return display_quote(value)


def _read_text(path: str, limit: int = 1024 * 1024) -> str | None:
    """A startup file, ``.condarc`` or ``.envrc`` (a checkout's: a FIFO there must not hang doctor)."""
    from autovenv.files import read_regular

    try:
        data = read_regular(path, limit)[:limit]
    except OSError:
        return None
    return init_mod.decode(data)[0]


# ----------------------------------------------------------------------------------------------- report


def collect(
    environ: Mapping[str, str], cwd: str, shell: str | None = None
) -> tuple[str | None, list[Finding]]:
    """Every check for ``shell`` (default: detected); PowerShell is probed only where it is installed."""
    import shutil

    findings: list[Finding] = []
    command = shutil.which("autovenv")
    how = "given"
    if shell is None:
        shell, how = init_mod.detect_shell(environ)
    if shell is None:
        findings.append(
            Finding("warn", "cannot tell which shell this is", "autovenv doctor --shell bash|zsh|fish|pwsh")
        )
    else:
        findings.append(
            Finding("info", f"shell: {shell} (detected by {how})" if how != "given" else f"shell: {shell}")
        )
    exe = init_mod.powershell_exe() if shell == "pwsh" else None
    probe = probe_powershell(exe) if exe is not None else None
    rc_text = ""
    if shell is not None:
        path = (
            probe.profile
            if probe is not None and probe.profile
            else init_mod.rc_file(shell, environ, ask=False)
        )
        rc_text = _read_text(path) or ""
        if init_mod.has_hook(rc_text, shell):
            findings.append(Finding("ok", f"{path} loads the hook"))
            start = start_finding(rc_text, shell, environ, command, _read_text)
            if start is not None:
                findings.append(start)
        else:
            findings.append(Finding("error", f"{path} does not load the hook", f"autovenv init {shell}"))
        findings.append(hook_running(environ.get("AUTOVENV_HOOK"), shell, ancestor_pids()))
        findings.extend(rc_wiring(rc_text, path, shell))
        findings.extend(rc_conflicts(rc_text, path))
    if command is None:
        findings.append(
            Finding(
                "warn",
                "the autovenv command is not on PATH; the hook line needs it",
                "pipx install autovenv-shell",
            )
        )
    findings.extend(path_findings(environ, shutil.which))
    home = environ.get("HOME") or environ.get("USERPROFILE") or os.path.expanduser("~")
    conda = conda_finding(rc_text, _read_text(os.path.join(home, ".condarc")), environ)
    if conda is not None:
        findings.append(conda)
    findings.extend(envrc_findings(cwd, _read_text))
    if shell == "pwsh":
        findings.extend(powershell_findings(exe, probe, environ))
    return shell, findings


def powershell_findings(exe: str | None, probe: Probe | None, environ: Mapping[str, str]) -> list[Finding]:
    windows = os.name == "nt"
    if exe is None:
        return [Finding("info", "no pwsh or powershell on PATH: PowerShell checks skipped")]
    if probe is None:
        return [
            Finding(
                "warn",
                f"{exe} did not answer; PowerShell checks skipped",
                f"{exe} -NoProfile -Command Get-ExecutionPolicy -List",
            )
        ]
    findings = policy_findings(probe.policies, windows, exe)
    if windows and probe.profile:
        policy, _ = effective_policy(probe.policies, windows)
        motw = motw_finding(probe.profile, read_zone(probe.profile), policy)
        if motw is not None:
            findings.append(motw)
    mode = language_mode_finding(probe.language_mode, environ)
    if mode is not None:
        findings.append(mode)
    return findings


LABELS = {"ok": "ok   ", "info": "info ", "warn": "warn ", "error": "error"}


def format_report(findings: Iterable[Finding]) -> str:
    lines = []
    for finding in findings:
        lines.append(f"{LABELS.get(finding.level, finding.level)} {finding.text}")
        if finding.fix:
            lines.append(f"      fix: {finding.fix}")
    return "\n".join(lines) + "\n"


def exit_code(findings: Iterable[Finding]) -> int:
    return 1 if any(f.level in ("warn", "error") for f in findings) else 0


def _click_command() -> click.Command:
    import click

    @click.command(name="doctor", short_help="Check the hook is installed and that nothing fights it.")
    @click.option("--shell", "shell", default=None, help="Check this shell instead of the detected one.")
    def doctor(shell: str | None) -> None:
        """Check that the hook is installed and running, and that nothing fights it."""
        # An unknown name raises shells.UnknownShell: one line and exit status 2, as `hook` and `init`.
        name = (init_mod.canonical_shell(shell) or shells.get(shell).NAME) if shell else None
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = os.sep
        _, findings = collect(os.environ, cwd, name)
        click.echo(format_report(findings), nl=False)
        code = exit_code(findings)
        if code:
            sys.exit(code)

    return doctor


command = _click_command()
