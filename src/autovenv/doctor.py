"""``autovenv doctor``: is the hook installed and running, and is anything fighting it? Each finding
names the exact command that fixes it.

Checks, for every shell: which shell this is (shellingham), the hook line in its startup file (for bash,
zsh and fish also whether it starts Python at every shell start: the plain line with a pip console script
does, the start line ``autovenv init`` writes does not), the hook running in this very shell (the hooks
export ``AUTOVENV_HOOK=<shell>:<pid>``; a value inherited from a parent shell names another process), the
``autovenv`` command on PATH, PATH order (pyenv shims or conda's base ahead of the active venv), and other
auto-activators (direnv ``layout python``, ``pyenv virtualenv-init``, conda ``auto_activate_base``). For
PowerShell, every installed host (Windows PowerShell 5.1, PowerShell 7) on its own, as autovenv.pwsh_policy
asks it: its profile, the execution policy of every scope and the one in effect (the policy governs
script files, never ``-Command``), scopes set by Group Policy (explained, never overridden, with the
script-free routes offered), a profile marked as downloaded (Mark of the Web), and ConstrainedLanguage
mode; a session whose hook came from its command line (a terminal profile) counts as hooked.

The judging is pure functions over recorded answers, tested without PowerShell.
"""

from __future__ import annotations

import os
import re
import sys

from autovenv import init as init_mod
from autovenv import pwsh_policy, shells

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    import click

#: In the command install.sh writes: it serves ``autovenv hook SHELL`` from a saved copy, without Python.
LAUNCHER_TAG = "written by autovenv install.sh"
#: Hooks that export AUTOVENV_HOOK=<shell>:<pid>; for the others an unset value proves nothing yet.
#: Every shell with an adapter: each hook exports AUTOVENV_HOOK=<shell>:<pid> (no list to keep in sync).
REPORTING_SHELLS = tuple(shells.names())


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
        pwsh_policy.SIGN_FIX,
    )


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
            _rewire_fix(name, shell),
        )
    if state == "location":
        # PowerShell 7 whose prompt wrapper was replaced: its LocationChangedAction still runs the hook
        # (and marked it so), but nothing looks at a prompt.
        return Finding(
            "warn",
            f"the {name} hook runs at location changes only (pid {pid}): something after the hook line "
            f"replaced {WIRING.get(name, 'the prompt hook')} without calling it, so a change made in place "
            "(a venv created here, an edited .python-version) waits for the next cd",
            _rewire_fix(name, shell),
        )
    return Finding("ok", f"the {name} hook is running at every prompt (pid {pid})")


def _rewire_fix(name: str, shell: str | None) -> str:
    """How to wire a hook back in after a later line of the startup file unhooked it."""
    if name == "pwsh":
        # A prompt theme's init line (starship, oh-my-posh) defines `prompt`: ours must wrap theirs.
        where = "after the prompt theme's, at the end of $PROFILE"
        return f"put the autovenv line {where}, then: {_restart(shell)}"
    return f"add to {WIRING.get(name, 'it')} instead of replacing it, then: {_restart(shell)}"


#: The fix when something stands before autovenv's PATH entries: activation puts them first.
PUT_FIRST_AGAIN = (
    "leave the project and enter it again (or start a new shell): autovenv puts its entries first again"
)


#: Where each shell's hook is wired in: what a later line must extend, never replace.
WIRING = {
    "bash": "PROMPT_COMMAND",
    "zsh": "precmd_functions",
    "fish": "the fish_prompt event",
    "pwsh": "the prompt function",
}


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


def ancestor_pids(limit: int = 4, windows: bool = os.name == "nt") -> list[int]:
    """Parent, grandparent, ... of this process (Linux /proc, else ``ps``; Windows: a process snapshot).

    On Windows a pip or pipx ``autovenv.exe`` is a launcher that starts Python as its child, so the
    PowerShell that runs the hook is the grandparent: the parent alone would call every hook inherited.
    """
    parents = _windows_parents() if windows else None
    pids = [os.getppid()]
    while len(pids) < limit:
        parent = parents.get(pids[-1]) if parents is not None else _parent_of(pids[-1])
        if parent is None or parent <= 1 or parent in pids:
            break
        pids.append(parent)
    return pids


def _windows_parents() -> dict[int, int]:
    """pid -> parent pid of every process, from the Toolhelp snapshot shellingham already reads."""
    try:
        from shellingham import nt  # type: ignore[import-untyped]

        return {entry.th32ProcessID: entry.th32ParentProcessID for entry in nt._iter_processes()}
    except Exception:
        return {}


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        pass
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
                    PUT_FIRST_AGAIN,
                )
            )
    if venv and not findings:
        python = which("python")
        if python and not _inside(python, venv, windows):
            findings.append(
                Finding(
                    "warn",
                    f"VIRTUAL_ENV is {venv} but `python` is {python}",
                    PUT_FIRST_AGAIN,
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
    environ: Mapping[str, str],
    cwd: str,
    shell: str | None = None,
    hosts: list[pwsh_policy.Host] | None = None,
) -> tuple[str | None, list[Finding]]:
    """Every check for ``shell`` (default: detected). For PowerShell every installed host is asked about
    itself (``hosts``: already asked, e.g. recorded answers), only where PowerShell exists."""
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
    rc_text = ""
    running = hook_running(environ.get("AUTOVENV_HOOK"), shell, ancestor_pids()) if shell else None
    if shell == "pwsh":
        if hosts is None:
            hosts = pwsh_policy.discover(environ, pwsh_policy.run_powershell)
        section, rc_text = powershell_section(hosts, environ, running, _read_text, read_zone)
        findings.extend(section)
    elif shell is not None and running is not None:
        path = init_mod.rc_file(shell, environ)
        rc_text = _read_text(path) or ""
        if init_mod.has_hook(rc_text, shell):
            findings.append(Finding("ok", f"{path} loads the hook"))
            start = start_finding(rc_text, shell, environ, command, _read_text)
            if start is not None:
                findings.append(start)
        else:
            findings.append(Finding("error", f"{path} does not load the hook", f"autovenv init {shell}"))
        findings.append(running)
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
    return shell, findings


# ------------------------------------------------------------------------------------------- PowerShell


def powershell_section(
    hosts: list[pwsh_policy.Host],
    environ: Mapping[str, str],
    running: Finding | None,
    read: Callable[[str], str | None],
    zone_of: Callable[[str], int | None],
) -> tuple[list[Finding], str]:
    """Each installed PowerShell's profile and policy, and whether the hook runs in this session; also
    the profiles' text (for the checks every shell gets).

    A session whose hook is running although no profile loads it was started with the hook on its
    command line (``autovenv init pwsh --terminal``): that is a set-up, not a fault.
    """
    hooked_here = running is not None and running.level == "ok"
    if not hosts:
        path = pwsh_policy.profile_path(pwsh_policy.CORE, environ, os.name == "nt")
        text = read(path) or ""
        none = [Finding("info", "no pwsh or powershell found: PowerShell's policy checks skipped")]
        none.append(_profile_finding(None, path, text, hooked_here))
        if running is not None:
            none.append(running)
        return none, text
    findings: list[Finding] = []
    texts = []
    for host in hosts:
        path = pwsh_policy.profile_of(host, environ)
        text = read(path) or ""
        texts.append(text)
        findings.append(Finding("info", f"{host.label}: {host.exe}"))
        if not host.answered:
            findings.append(
                Finding(
                    "warn",
                    f"{host.label} did not answer; its checks skipped",
                    f"{_ps_word(host.exe)} -NoProfile -Command Get-ExecutionPolicy -List",
                )
            )
        findings.append(_profile_finding(host, path, text, hooked_here))
        findings.extend(rc_conflicts(text, path))
        findings.extend(host_policy_findings(host))
        if host.answered and host.windows:
            policy, _ = host.policy
            motw = motw_finding(path, zone_of(path), policy)
            if motw is not None:
                findings.append(motw)
        mode = language_mode_finding(host.language_mode, environ) if host.answered else None
        if mode is not None:
            findings.append(mode)
    if running is not None:
        if hooked_here and not any(init_mod.has_hook(text, "pwsh") for text in texts):
            running = Finding(
                "ok",
                running.text + ", loaded by the command line this session was started with "
                "(a terminal profile), not by a profile script",
            )
        findings.append(running)
    return findings, "\n".join(texts)


def _profile_finding(host: pwsh_policy.Host | None, path: str, text: str, hooked_here: bool) -> Finding:
    who = f"{host.label}: " if host is not None else ""
    if init_mod.has_hook(text, "pwsh"):
        if host is not None and host.blocks_profile:
            return Finding(
                "info", f"{who}{path} loads the hook, but the execution policy keeps it from running"
            )
        return Finding("ok", f"{who}{path} loads the hook")
    if hooked_here:
        return Finding("info", f"{who}{path} does not load the hook")
    if host is not None and host.blocks_profile and pwsh_policy.group_policy_scope(host.policies):
        # Its policy is the finding; a profile that could not run anyway is no second one.
        text = f"{who}{path} does not load the hook (and could not run here)"
        return Finding("info", text, pwsh_policy.TERMINAL_ROUTE)
    return Finding("error", f"{who}{path} does not load the hook", "autovenv init pwsh")


def _ps_word(path: str) -> str:
    """``path`` as a command PowerShell runs: bare when plain, else quoted with ``&`` in front."""
    if path and all(c.isalnum() or c in "\\/:._-" for c in path):
        return path
    return "& '" + path.replace("'", "''") + "'"


def policy_findings(policies: Mapping[str, str], windows: bool, exe: str = "powershell") -> list[Finding]:
    """What ``Get-ExecutionPolicy -List`` (as a scope -> policy table) means for a profile: the judgement
    for one host whose answer is only that table."""
    host = pwsh_policy.Host(
        pwsh_policy.CORE if "pwsh" in exe.lower() else pwsh_policy.DESKTOP,
        exe,
        answered=bool(policies),
        windows=windows,
        policies=dict(policies),
    )
    return host_policy_findings(host)


def host_policy_findings(host: pwsh_policy.Host) -> list[Finding]:
    """One host's policy: which scope decides, whether its profile (and any ``Activate.ps1``) can run,
    and the way out that fits: CurrentUser where the user may change it, else the script-free routes."""
    if not host.windows:
        return [Finding("ok", "execution policies are not enforced on this system")]
    if not host.policies:
        return [
            Finding(
                "warn",
                f"could not read the execution policy of {host.label}",
                f"{_ps_word(host.exe)} -NoProfile -Command Get-ExecutionPolicy -List",
            )
        ]
    listing = ", ".join(f"{s}={host.policies[s]}" for s in pwsh_policy.SCOPES if s in host.policies)
    policy, scope = host.policy
    findings = [Finding("info", f"{host.label} execution policy: {listing}; in effect: {policy}")]
    step = pwsh_policy.fix_plan([host])[0]
    gpo = pwsh_policy.group_policy_scope(host.policies)
    if gpo is not None:
        text = (
            f"your organisation set {gpo} = {host.policies[gpo]} by Group Policy: it overrides every other "
            "scope and Set-ExecutionPolicy cannot change it (autovenv never tries)"
        )
        if step.action == "group-policy":
            findings.append(
                Finding(
                    "error",
                    text + f". It governs script files: {_blocked_by(policy)}. It does not cover commands "
                    "you type or give with -Command, so the hook can start from a terminal profile",
                    pwsh_policy.TERMINAL_ROUTE
                    + (f"   (or sign your profile: {pwsh_policy.SIGN_FIX})" if policy == "AllSigned" else ""),
                )
            )
            findings.append(_one_shot_finding())
        else:
            findings.append(Finding("info", text))
        return findings
    if step.action == "process":
        findings.append(
            Finding(
                "warn",
                f"{host.label}: the Process scope is {policy} (the PSExecutionPolicyPreference variable or "
                "-ExecutionPolicy); new sessions without it follow the other scopes",
                "remove the PSExecutionPolicyPreference environment variable",
            )
        )
        return findings
    if step.action == "set":
        where = (
            "no scope sets a policy, so Windows' default Restricted applies"
            if scope == "default"
            else f"{scope} is {policy}"
        )
        findings.append(
            Finding(
                "error",
                f"{host.label}: {where}: {_blocked_by(policy)}, so the hook never loads",
                f"autovenv init pwsh --fix-policy   (runs {pwsh_policy.POLICY_FIX} in each PowerShell that "
                f"needs it; or, with no policy change: {pwsh_policy.TERMINAL_ROUTE})",
            )
        )
        findings.append(_one_shot_finding())
    else:
        findings.append(Finding("ok", f"{host.label}: {policy} ({scope}) lets its profile run"))
    return findings


def _blocked_by(policy: str) -> str:
    if policy == "AllSigned":
        return "an unsigned $PROFILE or Activate.ps1 cannot run"
    return "$PROFILE and Activate.ps1 cannot run"


def _one_shot_finding() -> Finding:
    return Finding(
        "info",
        f'"Activate.ps1 {pwsh_policy.DISABLED_TEXT}": activating needs no script',
        pwsh_policy.ONE_SHOT,
    )


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
