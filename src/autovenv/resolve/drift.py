"""Does the venv hold what the project pins? A comparison of names and versions, never of file times.

The project's pins (``resolve.pins``) against the venv's ``*.dist-info`` directories (``resolve.installed``):
a pinned distribution installed at another version, or missing though its marker says it belongs here,
is a difference. One line says the first one, how many more, and the command that installs the pins:

    requirements.txt: django 5.1.2 pinned, 5.0.4 installed; 2 more; run: pip install -r requirements.txt

Nothing is said when they agree, so a ``pip freeze > requirements.txt``, a no-op ``pip install -r`` or a
``pdm install`` leave it quiet. Groups other than the main one (a dev group, another requirements layer)
count only when the venv holds some of their pins: a server that installed only ``requirements.txt`` is
not told about the test tools in ``requirements-dev.txt``.
"""

from __future__ import annotations

import os

from autovenv.resolve import installed as installed_mod
from autovenv.resolve import locksync, pins

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.resolve import markers
    from autovenv.resolve.venv import VenvInfo


class Drift:
    """The differences found: ``lines`` (one per distribution), what to show first, the fix as words."""

    __slots__ = ("command", "differences", "source")

    def __init__(self, source: str, differences: list[str], command: tuple[str, ...]) -> None:
        self.source = source
        self.differences = differences
        self.command = command

    def lead(self) -> str:
        """The hint up to its command: ``requirements.txt: django 5.1.2 pinned, 5.0.4 installed; 2 more;``."""
        return locksync.lead(self.source, self.differences)

    def __repr__(self) -> str:
        return f"Drift({self.source!r}, {self.differences!r}, {self.command!r})"


def venv_environment(info: VenvInfo) -> Mapping[str, markers.Value]:
    """The marker environment of ``info``'s interpreter, from its pyvenv.cfg alone (``pins``', built when
    a marker first reads it)."""
    return pins.venv_environment(info)


def _has_pip(info: VenvInfo) -> bool:
    return any(os.path.exists(os.path.join(info.bin_dir, name)) for name in ("pip", "pip.exe", "pip3"))


def fix_command(pinset: pins.PinSet, group_file: str, root: str, info: VenvInfo) -> tuple[str, ...]:
    """What installs the pins into this venv (activated), as words for the user's shell."""
    if pinset.kind in ("uv", "poetry", "pdm", "pylock"):
        return locksync.tool_command(pinset.kind, group_file, root, info.path)
    if pinset.kind == "pipenv":
        return ("pipenv", "sync", "--dev") if group_file == "develop" else ("pipenv", "sync")
    relative = os.path.relpath(group_file, root) if group_file.startswith(root + os.sep) else group_file
    installer = ("pip",) if _has_pip(info) else ("uv", "pip")
    return (*installer, "install", "-r", relative)


def compare(pinset: pins.PinSet, have: dict[str, str], root: str, info: VenvInfo) -> Drift | None:
    """The differences between ``pinset`` and the installed versions ``have``; None when they agree."""
    by_name: dict[str, list[pins.Pin]] = {}
    for pin in pinset.pins:
        by_name.setdefault(pin.name, []).append(pin)
    in_use = set(pinset.main)
    for pin in pinset.pins:
        if pin.name in have and pin.applies is not False:
            in_use.add(pin.group)
    from autovenv.resolve.versions import same  # here: a project pinning nothing never needs it

    mismatched: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    for name, candidates in sorted(by_name.items()):
        relevant = [p for p in candidates if p.applies is not False] or candidates
        if name in have:
            version = have[name]
            if not any(same(p.version, version) for p in relevant):
                shown = " or ".join(dict.fromkeys(p.version for p in relevant))
                mismatched.append((f"{name} {shown} pinned, {version} installed", relevant[0].group))
            continue
        due = [p for p in candidates if p.applies is True and p.group in in_use]
        if due:
            missing.append((f"{name} {due[0].version} pinned, not installed", due[0].group))
    found = mismatched + missing
    if not found:
        return None
    groups = [group for _, group in found]
    extra = [g for g in groups if g not in pinset.main]
    if pinset.kind == "requirements":
        # The layer on top of the first extra group with a difference installs the main set too (-r).
        chosen = extra[0] if extra else groups[0]
        target = pinset.groups.get(chosen, chosen)
        if not extra:
            # A developer's venv holding a dev layer is fixed by that layer, which includes the rest.
            layers = sorted(pinset.groups.get(g, g) for g in in_use if g not in pinset.main)
            covering = [top for top in layers if pinset.main <= pinset.covers.get(top, set())]
            target = covering[0] if covering else target
        source = groups[0]
    else:
        target = extra[0] if extra else pins.MAIN
        source = pinset.source
    command = fix_command(pinset, target, root, info)
    return Drift(source, [text for text, _ in found], command)


def check(
    root: str, info: VenvInfo, windows: bool = os.name == "nt"
) -> tuple[Drift | None, str | None, list[str]]:
    """(the differences or None, a problem reading the pins or None, the paths to watch for changes)."""
    found, problem, watch, _ = examine(root, info, windows)
    return found, problem, watch


def examine(
    root: str, info: VenvInfo, windows: bool = os.name == "nt"
) -> tuple[Drift | None, str | None, list[str], list[str]]:
    """``check``, and every file the pins' readers tried to open (``resolve.lockmemo``'s inputs)."""
    pinset, site, watch = pins.venv_pins(root, info, windows)
    if pinset is None:
        return None, None, [], []
    if site is None or not pinset.pins:
        return None, pinset.problem, watch, pinset.tried  # nothing to compare: the venv is not listed
    found = compare(pinset, installed_mod.installed(site), root, info)
    return found, pinset.problem, watch, pinset.tried
