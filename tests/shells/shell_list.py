"""The shells autovenv hooks, as the scenarios, the pty driver and the benchmarks all run them.

One list and one way to find each shell, imported by ``tests/shells`` and ``benchmarks/`` alike (the
benchmarks put the checkout on ``sys.path`` for it): adding a shell is its adapter module, its template,
and its name here.
"""

from __future__ import annotations

import os
import shutil

#: Every shell with a hook that runs on this platform's ptys, in the order tests and benchmarks go.
SHELLS = ("bash", "zsh", "fish", "pwsh")
#: Where shells are looked up, and the PATH every test and benchmark shell starts with.
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
#: Where the tests find PowerShell when ``pwsh`` is not on PATH (CI points it at a bundled PowerShell 7).
PWSH_VARIABLE = "AUTOVENV_TEST_PWSH"


def find_shell(shell: str) -> str | None:
    """Absolute path of ``shell`` in the system directories, or None if it is not installed.

    PowerShell is ``pwsh`` on PATH (the system directories first), else the file ``AUTOVENV_TEST_PWSH``
    names: it is rarely installed system-wide on a Linux machine.
    """
    if shell != "pwsh":
        return shutil.which(shell, path=SYSTEM_PATH)
    found = shutil.which("pwsh", path=SYSTEM_PATH) or shutil.which("pwsh")
    if found is not None:
        return os.path.abspath(found)
    given = os.environ.get(PWSH_VARIABLE, "")
    if given and os.path.isfile(given) and os.access(given, os.X_OK):
        return os.path.abspath(given)
    return None
