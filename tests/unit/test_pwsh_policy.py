"""Execution policy on PowerShell for Linux and macOS, from what PowerShell 7.6 really prints there.

Policies are enforced on Windows only; elsewhere `autovenv doctor` and `autovenv init pwsh` must give no
advice about them (Set-ExecutionPolicy itself fails there: "Operation is not supported on this
platform"). The Windows judgement is tested on recorded Windows outputs in tests/unit/test_doctor.py.
"""

from __future__ import annotations

import pytest

from autovenv import doctor
from autovenv import init as init_mod

#: `Get-ExecutionPolicy -List | Out-String -Width 200` in PowerShell 7.6 on Linux (Debian), verbatim.
LINUX_76 = (
    "\n        Scope ExecutionPolicy\n        ----- ---------------\nMachinePolicy    Unrestricted\n"
    "   UserPolicy    Unrestricted\n      Process    Unrestricted\n  CurrentUser    Unrestricted\n"
    " LocalMachine    Unrestricted\n\n\n"
)


def test_the_recorded_linux_table_parses() -> None:
    assert doctor.parse_execution_policy_list(LINUX_76) == dict.fromkeys(doctor.SCOPES, "Unrestricted")


def test_doctor_gives_no_policy_advice_off_windows() -> None:
    policies = doctor.parse_execution_policy_list(LINUX_76)
    findings = doctor.policy_findings(policies, windows=False, exe="pwsh")
    assert [(f.level, f.fix) for f in findings] == [("ok", None)]
    assert "not enforced" in findings[0].text
    # The same table on Windows would be Group Policy deciding: only Windows reads it so.
    assert doctor.group_policy_scope(policies) == "MachinePolicy"


def test_init_never_touches_or_explains_policies_off_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_powershell(*args: object, **kwargs: object) -> str:
        raise AssertionError("PowerShell was asked about a policy it does not enforce")

    monkeypatch.setattr(doctor, "probe_powershell", no_powershell)
    monkeypatch.setattr(init_mod, "run_powershell", no_powershell)
    lines: list[str] = []
    assert init_mod.policy_step(False, False, lines.append, windows=False, exe="pwsh") == 0
    assert lines == []
    assert init_mod.policy_step(False, True, lines.append, windows=False, exe="pwsh") == 0
    assert lines == [
        "autovenv: PowerShell does not enforce execution policies on this system; nothing to change"
    ]
    policies = doctor.parse_execution_policy_list(LINUX_76)
    assert init_mod.fix_policy("pwsh", policies, windows=False)[0] is False
