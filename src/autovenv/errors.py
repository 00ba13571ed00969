"""The one user-facing error type: turned into a single stderr line and an exit code at the CLI edge."""

from __future__ import annotations


class AutovenvError(Exception):
    """A problem the user can act on; its message is one line, never a traceback."""

    exit_code = 1
