"""The shells autovenv hooks, as the scenarios, the pty driver and the benchmarks all run them.

One list and one way to find each shell, imported by ``tests/shells`` and ``benchmarks/`` alike (the
benchmarks put the checkout on ``sys.path`` for it): adding a shell is its adapter module, its template,
and its name here.
"""

from __future__ import annotations

import shutil

#: Every shell with a hook that runs on this platform's ptys, in the order tests and benchmarks go.
SHELLS = ("bash", "zsh", "fish")
#: Where shells are looked up, and the PATH every test and benchmark shell starts with.
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def find_shell(shell: str) -> str | None:
    """Absolute path of ``shell`` in the system directories, or None if it is not installed."""
    return shutil.which(shell, path=SYSTEM_PATH)
