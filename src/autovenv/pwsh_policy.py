"""The PowerShells on this machine, each with its own profile and execution policy, and what to do about them.

Windows ships Windows PowerShell 5.1 (``powershell.exe``) and many users add PowerShell 7 (``pwsh.exe``).
They share nothing that matters here: 5.1 keeps its execution policy in the registry, 7 in
``powershell.config.json`` files (``$PSHOME`` for LocalMachine, beside ``$PROFILE`` for CurrentUser), and
each has its own profile (``Documents\\WindowsPowerShell\\…``, ``Documents\\PowerShell\\…``, with Documents
often redirected into OneDrive). So every question is asked of each host: one ``-NoProfile -NonInteractive
-Command`` run (the execution policy governs script files, never ``-Command``) that prints its edition,
``$PROFILE``, ``Get-ExecutionPolicy -List``, the effective policy, the language mode and whether its
profile is signed. Its output is ASCII whatever the console code page: every other character, and ``<``
itself, is written ``<XXXX>`` (a UTF-16 code unit in hex; no Windows path holds ``<``).

Everything after the run is pure: parsing recorded outputs, the judgement of each host's policy, and the
fix plan (``Set-ExecutionPolicy -Scope CurrentUser RemoteSigned`` in each host whose policy blocks its
profile, and nothing where Group Policy or the Process scope decides). ``doctor`` and ``init`` both use it.
Off Windows, PowerShell enforces no policy: there is no advice and no plan.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

#: PowerShell's precedence order: the first scope that is not Undefined decides.
SCOPES = ("MachinePolicy", "UserPolicy", "Process", "CurrentUser", "LocalMachine")
POLICIES = ("Restricted", "AllSigned", "RemoteSigned", "Unrestricted", "Bypass", "Undefined", "Default")
#: Set by Group Policy ("Turn on Script Execution"): they win over every other scope, and
#: Set-ExecutionPolicy cannot change them.
GROUP_POLICY_SCOPES = ("MachinePolicy", "UserPolicy")
#: Policies under which an unsigned profile does not run.
BLOCKING = ("Restricted", "AllSigned")
POLICY_FIX = "Set-ExecutionPolicy -Scope CurrentUser RemoteSigned"
#: What ``init --fix-policy`` runs in each host (``-Force``: no confirmation prompt in a -Command run).
SET_COMMAND = "Set-ExecutionPolicy -Scope CurrentUser -ExecutionPolicy RemoteSigned -Force"
SIGN_FIX = (
    "Set-AuthenticodeSignature -FilePath $PROFILE "
    "-Certificate (Get-ChildItem Cert:\\CurrentUser\\My -CodeSigningCert)[0]"
)
#: The script-free ways in, for machines where no profile may run.
TERMINAL_ROUTE = "autovenv init pwsh --terminal"
ONE_SHOT = "autovenv activate pwsh | Invoke-Expression"
#: The message PowerShell prints for a script the policy refuses (what users search for).
DISABLED_TEXT = "cannot be loaded because running scripts is disabled on this system"
PROFILE_NAME = "Microsoft.PowerShell_profile.ps1"
DESKTOP, CORE = "powershell", "pwsh"
PROBE_TAG = "autovenv-probe 1"

#: One run per host, valid in Windows PowerShell 5.1 and PowerShell 7, in FullLanguage and, as far as
#: it can, ConstrainedLanguage mode (each value is computed on its own; a failure leaves it empty).
PROBE_COMMAND = (
    "$ErrorActionPreference = 'Continue'; "
    "function __avq([scriptblock]$b) { try { $s = [string](& $b) } catch { $s = '' }; "
    "-join @($s.ToCharArray() | ForEach-Object { $c = [int]$_; "
    "if ($c -ge 32 -and $c -lt 127 -and $c -ne 60) { [string]$_ } else { '<{0:x4}>' -f $c } }) }; "
    f"'{PROBE_TAG}'; "
    "'edition=' + (__avq { $PSVersionTable.PSEdition }); "
    "'version=' + (__avq { $PSVersionTable.PSVersion }); "
    "'windows=' + (__avq { if (Test-Path Variable:IsWindows) { $IsWindows } else { $true } }); "
    "'profile=' + (__avq { $PROFILE.CurrentUserCurrentHost }); "
    "'documents=' + (__avq { [Environment]::GetFolderPath('MyDocuments') }); "
    "'language=' + (__avq { $ExecutionContext.SessionState.LanguageMode }); "
    "'effective=' + (__avq { Get-ExecutionPolicy }); "
    "'signature=' + (__avq { if (Test-Path -LiteralPath $PROFILE) "
    "{ (Get-AuthenticodeSignature -LiteralPath $PROFILE).Status } else { 'NoProfile' } }); "
    "foreach ($p in @(Get-ExecutionPolicy -List)) { 'policy=' + $p.Scope + '=' + $p.ExecutionPolicy }"
)


@dataclass(frozen=True)
class Host:
    """One installed PowerShell, as it answered (``answered`` False: it did not; the rest is computed)."""

    kind: str
    exe: str
    answered: bool = False
    edition: str = ""
    version: str = ""
    windows: bool = True
    profile: str = ""
    documents: str = ""
    language_mode: str = ""
    effective: str = ""
    signature: str = ""
    policies: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How users call it: "Windows PowerShell 5.1", "PowerShell 7.4.6"."""
        name = "Windows PowerShell" if self.kind == DESKTOP else "PowerShell"
        return f"{name} {self.version}" if self.version else name

    @property
    def policy(self) -> tuple[str, str]:
        """(effective policy, deciding scope); the host's own ``Get-ExecutionPolicy`` when it gave one
        (it knows its default: Restricted on Windows clients, RemoteSigned on servers)."""
        policy, scope = effective_policy(self.policies, self.windows)
        if self.effective in POLICIES and self.effective not in ("Undefined", "Default"):
            policy = self.effective
        return policy, scope

    @property
    def blocks_profile(self) -> bool:
        """Does the policy keep this host's profile from running? (AllSigned: unless it is signed.)"""
        if not self.windows or not self.answered:
            return False
        policy, _ = self.policy
        return policy == "Restricted" or (policy == "AllSigned" and self.signature != "Valid")


# ------------------------------------------------------------------------------------------- parsing


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


def unescape(value: str) -> str:
    """A probe value back to text: ``<XXXX>`` is one UTF-16 code unit (pairs make one character)."""
    units = re.sub(r"<([0-9a-fA-F]{4})>", lambda m: chr(int(m.group(1), 16)), value)
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def parse_probe(kind: str, exe: str, text: str) -> Host:
    """A ``Host`` from what ``PROBE_COMMAND`` printed; ``answered`` is False when it is not that output."""
    lines = [line.strip() for line in text.splitlines()]
    if PROBE_TAG not in lines:
        return Host(kind, exe)
    values: dict[str, str] = {}
    policy_lines: list[str] = []
    for line in lines:
        name, sep, value = line.partition("=")
        if not sep:
            continue
        if name == "policy":
            policy_lines.append(value)
        elif name not in values:
            values[name] = unescape(value)
    edition = values.get("edition", "")
    return Host(
        kind=DESKTOP if edition == "Desktop" else (CORE if edition == "Core" else kind),
        exe=exe,
        answered=True,
        edition=edition,
        version=values.get("version", ""),
        windows=values.get("windows", "True").lower() != "false",
        profile=values.get("profile", ""),
        documents=values.get("documents", ""),
        language_mode=values.get("language", ""),
        effective=values.get("effective", ""),
        signature=values.get("signature", ""),
        policies=parse_execution_policy_list("\n".join(policy_lines)),
    )


# ----------------------------------------------------------------------------------------- judgement


def group_policy_scope(policies: Mapping[str, str]) -> str | None:
    """The Group Policy scope that decides the policy (MachinePolicy wins over UserPolicy), if any."""
    for scope in GROUP_POLICY_SCOPES:
        if policies.get(scope, "Undefined") not in ("Undefined", ""):
            return scope
    return None


def effective_policy(policies: Mapping[str, str], windows: bool, server: bool = False) -> tuple[str, str]:
    """(policy, deciding scope): the first scope not Undefined, in PowerShell's precedence order.

    All Undefined means the default: Restricted on Windows clients, RemoteSigned on Windows Server; off
    Windows policies are not enforced (Unrestricted).
    """
    for scope in SCOPES:
        policy = policies.get(scope, "Undefined")
        if policy not in ("Undefined", ""):
            return ("Restricted" if policy == "Default" and not server else policy), scope
    if not windows:
        return "Unrestricted", "default"
    return ("RemoteSigned" if server else "Restricted"), "default"


@dataclass(frozen=True)
class Step:
    """What ``init pwsh --fix-policy`` does for one host: ``action`` is ``set`` (run ``SET_COMMAND`` in
    it) or one of ``none``, ``not-enforced``, ``unknown``, ``group-policy``, ``process``; ``why`` says it
    in one line."""

    host: Host
    action: str
    why: str


def fix_plan(hosts: Iterable[Host]) -> list[Step]:
    """For each host: change CurrentUser only where that makes its profile run, and nothing else.

    Never machine-wide; never where Group Policy decides (it wins over CurrentUser: only the
    administrator can change it); never where the Process scope decides (it comes from the
    ``PSExecutionPolicyPreference`` variable or ``-ExecutionPolicy``, and outranks CurrentUser too).
    """
    steps = []
    for host in hosts:
        steps.append(Step(host, *_step(host)))
    return steps


def _step(host: Host) -> tuple[str, str]:
    if not host.windows:
        return "not-enforced", "PowerShell does not enforce execution policies on this system"
    if not host.answered:
        return "unknown", f"{host.exe} did not answer, so its execution policy is unknown"
    policy, scope = host.policy
    if not host.blocks_profile:
        return "none", f"{policy} ({scope}) already lets its profile run"
    gpo = group_policy_scope(host.policies)
    if gpo is not None:
        return "group-policy", (
            f"your organisation set {gpo} = {host.policies[gpo]} by Group Policy; only an administrator can "
            f"change it, so autovenv does not try (without a script: {TERMINAL_ROUTE})"
        )
    if scope == "Process":
        return "process", (
            f"the Process scope decides ({policy}), set by the PSExecutionPolicyPreference variable or "
            "-ExecutionPolicy; it outranks CurrentUser, so remove it instead"
        )
    return "set", f"{policy} ({_scope_words(scope)}) blocks its profile: set CurrentUser to RemoteSigned"


def _scope_words(scope: str) -> str:
    return "no scope sets one: Windows' default" if scope == "default" else scope


# ------------------------------------------------------------------------------------ profile paths


def expand_windows_vars(value: str, environ: Mapping[str, str]) -> str:
    """``%NAME%`` expanded as Windows does (names case-insensitive; an unknown one stays as written)."""
    upper = {k.upper(): v for k, v in environ.items()}
    return re.sub(r"%([^%]+)%", lambda m: upper.get(m.group(1).upper(), m.group(0)), value)


def documents_dir(
    environ: Mapping[str, str], read_shell_folder: Callable[[], str | None] | None = None
) -> str:
    """The user's Documents folder on Windows, where OneDrive's Known Folder Move may have put it.

    Explorer's ``User Shell Folders\\Personal`` value names it (``%USERPROFILE%\\OneDrive - Contoso\\
    Documents``, or ``D:\\Docs``); without one it is ``%USERPROFILE%\\Documents``.
    """
    reader = read_shell_folder or _registry_documents
    found = reader()
    if found:
        return expand_windows_vars(found, environ).rstrip("\\/")
    home = environ.get("USERPROFILE") or environ.get("HOME") or "C:\\Users\\Default"
    return home.rstrip("\\/") + "\\Documents"


def _registry_documents() -> str | None:
    if os.name != "nt":
        return None
    try:
        import winreg  # type: ignore[import-not-found,unused-ignore]

        key = "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\User Shell Folders"
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:  # type: ignore[attr-defined,unused-ignore]
            value, _ = winreg.QueryValueEx(handle, "Personal")  # type: ignore[attr-defined,unused-ignore]
        return str(value)
    except OSError:
        return None


def profile_path(kind: str, environ: Mapping[str, str], windows: bool, documents: str | None = None) -> str:
    """``$PROFILE`` (current user, current host) of ``kind``, computed the way that host does.

    Windows: ``<Documents>\\WindowsPowerShell\\…`` for 5.1, ``<Documents>\\PowerShell\\…`` for 7;
    elsewhere ``$XDG_CONFIG_HOME/powershell/…`` (default ``~/.config``).
    """
    if windows:
        folder = "WindowsPowerShell" if kind == DESKTOP else "PowerShell"
        return (documents or documents_dir(environ)) + "\\" + folder + "\\" + PROFILE_NAME
    config = environ.get("XDG_CONFIG_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".config"
    )
    return os.path.join(config, "powershell", PROFILE_NAME)


def profile_of(host: Host, environ: Mapping[str, str]) -> str:
    """The host's own answer, else the computed path (from the Documents folder it reported, if any)."""
    if host.profile:
        return host.profile
    return profile_path(host.kind, environ, host.windows, host.documents or None)


# ---------------------------------------------------------------------------------------- discovery


def candidates(
    environ: Mapping[str, str],
    which: Callable[[str], str | None],
    exists: Callable[[str], bool],
    windows: bool,
) -> list[tuple[str, str]]:
    """(kind, executable) of each installed PowerShell: on Windows Windows PowerShell, then PowerShell 7
    (what ``pwsh`` runs, else its usual places); elsewhere only ``pwsh``."""
    found: list[tuple[str, str]] = []
    if windows:
        system = environ.get("SystemRoot") or environ.get("SYSTEMROOT") or "C:\\Windows"
        desktop = which("powershell") or _first(
            exists, [system + "\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"]
        )
        if desktop:
            found.append((DESKTOP, desktop))
        places = [
            (environ.get("ProgramFiles") or "C:\\Program Files") + "\\PowerShell\\7\\pwsh.exe",
            (environ.get("LOCALAPPDATA") or "") + "\\Microsoft\\WindowsApps\\pwsh.exe",
        ]
        core = which("pwsh") or _first(exists, places)
    else:
        core = which("pwsh")
    if core:
        found.append((CORE, core))
    return found


def _first(exists: Callable[[str], bool], paths: Iterable[str]) -> str | None:
    for path in paths:
        if not path.startswith("\\") and exists(path):
            return path
    return None


def discover(
    environ: Mapping[str, str],
    run: Callable[[str, str], str | None],
    which: Callable[[str], str | None] | None = None,
    exists: Callable[[str], bool] = os.path.isfile,
    windows: bool = os.name == "nt",
) -> list[Host]:
    """Every installed PowerShell, each asked about itself with ``run(exe, command)`` (stdout or None)."""
    import shutil

    found = candidates(environ, which or shutil.which, exists, windows)
    return [discover_one(Host(kind, exe, windows=windows), run) for kind, exe in found]


def discover_one(host: Host, run: Callable[[str, str], str | None]) -> Host:
    """``host`` asked (again) about itself."""
    out = run(host.exe, PROBE_COMMAND)
    return (
        parse_probe(host.kind, host.exe, out)
        if out is not None
        else Host(host.kind, host.exe, windows=host.windows)
    )


def run_powershell(exe: str, command: str, timeout: float = 20.0) -> str | None:
    """stdout of ``exe -NoProfile -NonInteractive -Command command``; the execution policy never blocks
    ``-Command`` (it only governs script files). ``None`` when it cannot run."""
    import subprocess

    try:
        result = subprocess.run(
            [exe, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", command],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")
