"""The shell fixtures (``world``, ``shell_name``) for the differential tests that drive real shells."""

from tests.shells.conftest import shell_name, world  # noqa: F401
