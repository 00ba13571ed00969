"""What a venv has installed, from one directory listing: ``<name>-<version>.dist-info`` (and ``.egg-info``).

No interpreter is started and no metadata file is opened: installers (pip, uv, Poetry, PDM) name each
dist-info directory after the distribution and the version they installed, with the name's ``-`` written
as ``_`` (so the last ``-`` separates the version). Legacy ``.egg-info`` directories carry the version
the same way, optionally followed by ``-pyX.Y``; one without a version says nothing and is skipped.
"""

from __future__ import annotations

import os

# Where a venv keeps its distributions is the venv's layout (``resolve.venv``): the first lock
# comparison needs only that, and does not import this module.
from autovenv.resolve.venv import site_packages as site_packages  # re-exported


def parse_entry(entry: str) -> tuple[str, str] | None:
    """(normalised name, version) for a ``*.dist-info`` or versioned ``*.egg-info`` directory name."""
    # Imported here: the first lock comparison's shortcut (``resolve.locksync``) needs only site_packages.
    from autovenv.resolve.versions import normalize_name

    if entry.endswith(".dist-info"):
        stem = entry[: -len(".dist-info")]
        name, sep, version = stem.rpartition("-")
        if not sep or not name or not version:
            return None
        return normalize_name(name), version
    if entry.endswith(".egg-info"):
        parts = entry[: -len(".egg-info")].split("-")
        if len(parts) < 2 or not parts[1][:1].isdigit():
            return None
        return normalize_name(parts[0]), parts[1]
    return None


def installed(site: str) -> dict[str, str]:
    """Normalised name -> installed version, for every distribution ``site`` holds.

    Two entries for one name (a broken upgrade left the old dist-info behind) keep the one whose
    directory sorts last, as importlib.metadata's first match in a sorted listing would differ by
    installer; the comparison then reports the pin against what most likely imports.
    """
    found: dict[str, str] = {}
    try:
        entries = sorted(os.listdir(site))
    except OSError:
        return found
    for entry in entries:
        parsed = parse_entry(entry)
        if parsed is not None:
            found[parsed[0]] = parsed[1]
    return found
