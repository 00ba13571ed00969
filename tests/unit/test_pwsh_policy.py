"""Execution policy on PowerShell for Linux and macOS, from what PowerShell 7.6 really prints there.

Policies are enforced on Windows only; elsewhere `autovenv doctor` and `autovenv init pwsh` must give no
advice about them (Set-ExecutionPolicy itself fails there: "Operation is not supported on this
platform"). The Windows judgement is tested on recorded Windows outputs in tests/unit/test_doctor.py and
tests/unit/test_pwsh_hosts.py.
"""

from __future__ import annotations

from autovenv import doctor, pwsh_policy
from autovenv import init as init_mod

#: `Get-ExecutionPolicy -List | Out-String -Width 200` in PowerShell 7.6 on Linux (Debian), verbatim.
LINUX_76 = (
    "\n        Scope ExecutionPolicy\n        ----- ---------------\nMachinePolicy    Unrestricted\n"
    "   UserPolicy    Unrestricted\n      Process    Unrestricted\n  CurrentUser    Unrestricted\n"
    " LocalMachine    Unrestricted\n\n\n"
)


def test_the_recorded_linux_table_parses() -> None:
    assert pwsh_policy.parse_execution_policy_list(LINUX_76) == dict.fromkeys(
        pwsh_policy.SCOPES, "Unrestricted"
    )


def test_doctor_gives_no_policy_advice_off_windows() -> None:
    policies = pwsh_policy.parse_execution_policy_list(LINUX_76)
    findings = doctor.policy_findings(policies, windows=False, exe="pwsh")
    assert [(f.level, f.fix) for f in findings] == [("ok", None)]
    assert "not enforced" in findings[0].text
    # The same table on Windows would be Group Policy deciding: only Windows reads it so.
    assert pwsh_policy.group_policy_scope(policies) == "MachinePolicy"


def test_init_never_touches_or_explains_policies_off_windows() -> None:
    def no_powershell(*args: object, **kwargs: object) -> str:
        raise AssertionError("PowerShell was asked about a policy it does not enforce")

    linux = pwsh_policy.Host(
        "pwsh",
        "/usr/bin/pwsh",
        answered=True,
        windows=False,
        policies=pwsh_policy.parse_execution_policy_list(LINUX_76),
    )
    lines: list[str] = []
    assert init_mod.policy_step([linux], False, False, lines.append, no_powershell) == 0
    assert lines == []
    assert init_mod.policy_step([linux], False, True, lines.append, no_powershell) == 0
    assert lines == [
        "autovenv: PowerShell does not enforce execution policies on this system; nothing to change"
    ]
