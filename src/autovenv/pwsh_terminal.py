"""Terminal profiles that start PowerShell with the hook given on its command line, not in a profile script.

Execution policies govern script files (``$PROFILE``, ``Activate.ps1``); a command given with
``-Command`` is not one, so ``powershell.exe -NoExit -Command "Invoke-Expression (& autovenv hook pwsh |
Out-String)"`` loads the hook under Restricted or AllSigned, Group Policy included, with no policy change.
This module writes that as a Windows Terminal JSON fragment (one profile per installed PowerShell, under
``%LOCALAPPDATA%\\Microsoft\\Windows Terminal\\Fragments\\autovenv``, which Terminal reads at start) and as
the matching VS Code ``terminal.integrated.profiles.windows`` entry. Pure but for ``write``.
"""

from __future__ import annotations

import json
import os
import uuid

from autovenv.pwsh_policy import DESKTOP
from autovenv.shells import pwsh

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from autovenv.pwsh_policy import Host

#: The namespace of autovenv's profile GUIDs: the same profile gets the same GUID on every run and
#: machine, so rewriting the fragment keeps Terminal's settings for it (default profile, overrides).
NAMESPACE = uuid.UUID("6a1f3f52-3c1e-4c52-9a56-1d7a2e5b9c41")
APP = "autovenv"
ICONS = {DESKTOP: "ms-appx:///ProfileIcons/{61c54bbd-c2c6-5271-96e7-009a87ff44bf}.png"}
CORE_ICON = "ms-appx:///ProfileIcons/pwsh.png"


def hook_command(invocation: str = "autovenv") -> str:
    """The PowerShell command that loads the hook: the profile line, with ``invocation`` as the command
    (``autovenv``, or a quoted path with ``&`` in front when it is not on PATH)."""
    call = f"& {invocation}" if not invocation.startswith("&") else invocation
    return f"Invoke-Expression ({call} hook pwsh | Out-String)"


def invocation_for(path: str | None) -> str:
    """How the command line names autovenv: by name when it is on PATH (``path`` None), else by path."""
    return "autovenv" if path is None else "& " + pwsh.quote(path)


def arguments(command: str) -> list[str]:
    """The arguments after the executable: no banner, run ``command``, stay open."""
    return ["-NoLogo", "-NoExit", "-Command", command]


def windows_join(argv: Sequence[str]) -> str:
    """One Windows command line for ``argv``, read back by CommandLineToArgvW (and by PowerShell) as
    ``argv``: arguments with spaces, tabs or quotes in double quotes, ``"`` as ``\\"``, and the
    backslashes in front of a quote doubled."""
    out = []
    for arg in argv:
        if arg and not any(c in arg for c in ' \t"'):
            out.append(arg)
            continue
        text, slashes = '"', 0
        for char in arg:
            if char == "\\":
                slashes += 1
                continue
            text += "\\" * (slashes * 2 + 1 if char == '"' else slashes) + char
            slashes = 0
        out.append(text + "\\" * (slashes * 2) + '"')
    return " ".join(out)


def profile_name(host: Host) -> str:
    return ("Windows PowerShell" if host.kind == DESKTOP else "PowerShell") + " (autovenv)"


def guid(host: Host) -> str:
    """``{…}``, as Terminal writes GUIDs; stable for a kind of host (see ``NAMESPACE``)."""
    return "{" + str(uuid.uuid5(NAMESPACE, f"{APP}/{host.kind}")) + "}"


def fragment(hosts: Iterable[Host], command: str) -> dict[str, object]:
    """The Windows Terminal fragment: a profile per host, starting it with ``command``."""
    profiles = []
    for host in hosts:
        profiles.append(
            {
                "guid": guid(host),
                "name": profile_name(host),
                "commandline": windows_join([host.exe, *arguments(command)]),
                "icon": ICONS.get(host.kind, CORE_ICON),
            }
        )
    return {"profiles": profiles}


def vscode_settings(hosts: Iterable[Host], command: str) -> dict[str, object]:
    """The VS Code settings (``settings.json``) for the same profiles, the first one the default."""
    profiles: dict[str, object] = {}
    for host in hosts:
        profiles[profile_name(host)] = {
            "path": host.exe,
            "args": arguments(command),
            "icon": "terminal-powershell",
        }
    settings: dict[str, object] = {"terminal.integrated.profiles.windows": profiles}
    if profiles:
        settings["terminal.integrated.defaultProfile.windows"] = next(iter(profiles))
    return settings


def render(data: Mapping[str, object]) -> str:
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def fragment_path(environ: Mapping[str, str]) -> str:
    """Where Terminal reads a per-user application's fragments: ``%LOCALAPPDATA%\\Microsoft\\Windows
    Terminal\\Fragments\\{app}``."""
    local = environ.get("LOCALAPPDATA") or os.path.join(
        environ.get("USERPROFILE") or os.path.expanduser("~"), "AppData", "Local"
    )
    return os.path.join(local, "Microsoft", "Windows Terminal", "Fragments", APP, f"{APP}.json")


def write(path: str, text: str) -> bool:
    """Replace the fragment whole (Terminal may read it meanwhile); False when it was already so."""
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        handle.write(data)
    os.replace(temp, path)
    return True
