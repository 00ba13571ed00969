"""The PowerShell hook in a real PowerShell: activation, exact restore, deactivate, hostile names, $? and
$LASTEXITCODE, loading twice, the cache path without Python.

These run wherever ``pwsh`` (PowerShell 7) or Windows PowerShell is installed, and are skipped with a
reason elsewhere: PowerShell cannot be installed on the project's build machines, so there its output is
checked by the tree-sitter grammar, golden files and our own evaluator (tests/unit/test_pwsh_*.py)
instead. Nothing here is faked: each test drives a real PowerShell process.

A prompt is simulated by calling the ``prompt`` function after ``Set-Location``, exactly what the host
does between two commands (``-NonInteractive -Command`` never draws one by itself).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

POWERSHELL = shutil.which("pwsh") or (shutil.which("powershell") if os.name == "nt" else None)
pytestmark = pytest.mark.skipif(
    POWERSHELL is None,
    reason="no pwsh/powershell here (it cannot be installed on this machine); the PowerShell output is "
    "checked by tests/unit/test_pwsh_* (tree-sitter grammar, golden files, evaluator) instead",
)
WINDOWS = os.name == "nt"
SEP = ";" if WINDOWS else ":"
ODD = "it's \u2018q\u2019 $(x) `y` caf\u00e9"


def q(value: str) -> str:
    from autovenv.shells.pwsh import quote

    return quote(value)


def make_venv(path: Path) -> Path:
    """A minimal venv autovenv accepts (pyvenv.cfg + interpreter), without paying for `python -m venv`."""
    scripts = path / ("Scripts" if WINDOWS else "bin")
    scripts.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).parent}\nversion = 3.12.1\n")
    python = scripts / ("python.exe" if WINDOWS else "python")
    python.write_bytes(b"")
    python.chmod(0o755)
    return scripts


@pytest.fixture
def home(tmp_path: Path) -> Path:
    for name in ("cache", "data", "config"):
        (tmp_path / name).mkdir()
    return tmp_path


def run_ps(home: Path, body: str, before: str = "") -> dict[str, object]:
    """Load the hook (as the documented profile line does) and run ``body``; returns ``$r`` as JSON."""
    hook_cmd = f"& {q(sys.executable)} -m autovenv hook pwsh"
    script = "\n".join(
        [
            "$ErrorActionPreference = 'Stop'",
            "$r = [ordered]@{}",
            "function global:prompt { 'PS> ' }",
            before,
            f"Invoke-Expression ({hook_cmd} | Out-String)",
            "function Get-Env([string]$n) { [System.Environment]::GetEnvironmentVariable($n) }",
            body,
            "$r | ConvertTo-Json -Depth 4 -Compress",
        ]
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "USERPROFILE": str(home),
        "AUTOVENV_CACHE_DIR": str(home / "cache"),
        "AUTOVENV_DATA_DIR": str(home / "data"),
        "AUTOVENV_CONFIG_DIR": str(home / "config"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
    }
    if WINDOWS:
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "C:\\Windows")
    assert POWERSHELL is not None
    result = subprocess.run(
        [POWERSHELL, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "-"],
        input=script.encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    out = result.stdout.decode("utf-8", "replace").strip().splitlines()
    assert result.returncode == 0 and out, result.stderr.decode("utf-8", "replace")
    data: dict[str, object] = json.loads(out[-1])
    data["_stderr"] = result.stderr.decode("utf-8", "replace")
    data["_stdout"] = "\n".join(out[:-1])
    return data


def test_activates_and_restores_exactly(home: Path) -> None:
    project = home / "shop"
    scripts = make_venv(project / ".venv")
    body = f"""
$r.path0 = $env:PATH
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}; $null = prompt
$r.venv = Get-Env VIRTUAL_ENV
$r.first = ($env:PATH -split [regex]::Escape('{SEP}'))[0]
$r.prompt = Get-Env AUTOVENV_PROMPT
$r.deactivate = [bool](Microsoft.PowerShell.Core\\Get-Command deactivate -ErrorAction Ignore)
$env:PATH = $env:PATH + '{SEP}' + 'added-inside'
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(home))}; $null = prompt
$r.after_venv = Get-Env VIRTUAL_ENV
$r.after_path = $env:PATH
$r.key = Get-Env AUTOVENV_KEY
"""
    r = run_ps(home, body)
    assert r["venv"] == str(project / ".venv")
    assert r["first"] == str(scripts)
    assert r["prompt"] == "(.venv) "
    assert r["deactivate"] is True
    assert r["after_venv"] is None and r["key"] is None
    assert r["after_path"] == f"{r['path0']}{SEP}added-inside"


def test_deactivate_pauses_until_leaving(home: Path) -> None:
    project = home / "p"
    make_venv(project / ".venv")
    body = f"""
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}; $null = prompt
deactivate
$null = prompt
$r.paused = Get-Env AUTOVENV_PAUSED
$r.venv = Get-Env VIRTUAL_ENV
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(home))}; $null = prompt
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}; $null = prompt
$r.again = Get-Env VIRTUAL_ENV
"""
    r = run_ps(home, body)
    assert r["paused"] == str(project) and r["venv"] is None
    assert r["again"] == str(project / ".venv")


def test_activate_ps1_over_ours_hands_the_venv_over(home: Path) -> None:
    """The venv's own Activate.ps1 over our activation of it: the user's venv from then on, and its
    deactivate brings back exactly what the user had (a real venv: its real Activate.ps1)."""
    project = home / "shop"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True)
    scripts = project / ".venv" / ("Scripts" if WINDOWS else "bin")
    # The user's habit runs the script file, which Windows' default policy blocks: allow it here.
    policy = "Set-ExecutionPolicy -Scope Process -ExecutionPolicy Bypass -Force" if WINDOWS else ""
    body = f"""
{policy}
$env:PYTHONHOME = 'mine'
$r.path0 = $env:PATH
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}; $null = prompt
. {q(str(scripts / "Activate.ps1"))}
$null = prompt
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(home))}; $null = prompt
$r.venv = Get-Env VIRTUAL_ENV
$r.path = $env:PATH
$r.key = Get-Env AUTOVENV_KEY
deactivate
$null = prompt
$r.after_venv = Get-Env VIRTUAL_ENV
$r.after_path = $env:PATH
$r.after_home = Get-Env PYTHONHOME
"""
    r = run_ps(home, body)
    assert r["venv"] == str(project / ".venv") and r["key"] is None
    assert r["path"] == f"{scripts}{SEP}{r['path0']}"
    assert r["after_venv"] is None
    assert r["after_path"] == r["path0"]
    assert r["after_home"] == "mine"


def test_hostile_directory_name(home: Path) -> None:
    project = home / ODD
    make_venv(project / ".venv")
    body = f"""
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}; $null = prompt
$r.venv = Get-Env VIRTUAL_ENV
$r.injected = Microsoft.PowerShell.Management\\Test-Path -LiteralPath variable:x
"""
    r = run_ps(home, body)
    assert r["venv"] == str(project / ".venv")
    assert r["injected"] is False


def test_status_and_exit_code_survive_the_prompt(home: Path) -> None:
    project = home / "s"
    make_venv(project / ".venv")
    before = "function global:prompt { $global:seen = $?; 'PS> ' }"
    body = f"""
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}
$global:LASTEXITCODE = 7
Microsoft.PowerShell.Utility\\Write-Error 'x' -ErrorAction SilentlyContinue
$null = prompt
$r.code = $global:LASTEXITCODE
$r.seen = $global:seen
$r.venv = Get-Env VIRTUAL_ENV
"""
    r = run_ps(home, body, before)
    assert r["venv"] == str(project / ".venv")  # the cold path (a Python process) ran
    assert r["code"] == 7
    assert r["seen"] is False


def test_loading_twice_wraps_once(home: Path) -> None:
    hook_cmd = f"& {q(sys.executable)} -m autovenv hook pwsh"
    body = f"""
Invoke-Expression ({hook_cmd} | Out-String)
$r.text = ([string]${{function:prompt}})
$r.out = prompt
"""
    r = run_ps(home, body)
    assert str(r["text"]).count("# __autovenv_prompt_wrapper") == 1
    assert r["out"] == "PS> "


def test_cached_answer_needs_no_python(home: Path) -> None:
    project = home / "c"
    make_venv(project / ".venv")
    body = f"""
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}; $null = prompt
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(home))}; $null = prompt
$global:__autovenv_export = @('autovenv-not-a-command')
Microsoft.PowerShell.Management\\Set-Location -LiteralPath {q(str(project))}; $null = prompt
$r.venv = Get-Env VIRTUAL_ENV
"""
    r = run_ps(home, body)
    assert r["venv"] == str(project / ".venv")
    assert "could not run" not in str(r["_stdout"]) + str(r["_stderr"])


def test_export_output_round_trips_in_powershell(home: Path) -> None:
    from autovenv.plan import Plan
    from autovenv.shells.pwsh import render_plan

    values = {f"AUTOVENV_T{i}": v for i, v in enumerate([ODD, "a\nb", "\u201cdq\u201d", "\U0001f692", "%X%"])}
    text = render_plan(Plan(dict(values), None, False))
    body = (
        "\n".join(["Invoke-Expression @'", text, "'@"])
        + "\n"
        + "\n".join(f"$r.{name} = Get-Env {name}" for name in values)
    )
    r = run_ps(home, body)
    for name, value in values.items():
        assert r[name] == value
