"""Shell adapters: one module per shell, each quoting and rendering for its own language (no I/O).

The contract is ``base.Adapter`` (a Protocol, a comment per member). An adapter is found by its module
name, so adding a shell touches no shared registry. Optional members: ``start_line(path)`` and
``render_start(checks, hook)`` (autovenv.start; bash, zsh and fish have them, a shell without gets the
plain ``HOOK_LINE`` and no start file), and ``rc_file(environ, home)``, the startup file ``init`` edits
(PowerShell's ``$PROFILE`` is asked from PowerShell itself, in init).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.shells.base import Adapter


class UnknownShell(ValueError):
    """The named shell has no adapter."""


def _module_names() -> list[str]:
    here = os.path.dirname(__file__)
    return sorted(
        name[:-3]
        for name in os.listdir(here)
        if name.endswith(".py")
        and not name.startswith("_")
        and name not in ("base.py", "posix.py", "posix_hook.py")
    )


#: Adapters that only render ``autovenv export``: no hook, no cache entries, no daemon work.
EXPORT_ONLY = ("sh",)


def names() -> list[str]:
    """Every shell with a hook (without aliases)."""
    return [name for name in _module_names() if name not in EXPORT_ONLY]


def get(name: str, export_only: bool = False) -> Adapter:
    """The adapter for ``name`` (or one of its aliases, e.g. ``powershell`` for ``pwsh``).

    ``export_only`` admits the adapters that only ``autovenv export`` renders for (``sh``).
    """
    known = _module_names() if export_only else names()
    if name.isidentifier() and name in known:
        return _load(name)
    for candidate in known:
        module = _load(candidate)
        if name in module.ALIASES:
            return module
    raise UnknownShell(f"unknown shell {name!r}; supported: {', '.join(names())}")


def _load(name: str) -> Adapter:
    """Import an adapter module (``__import__``: importlib itself costs an import on the hot path)."""
    package = __import__(f"autovenv.shells.{name}")
    module: Adapter = getattr(package.shells, name)
    return module


def template_dir() -> str:
    """The hook templates: shipped inside the package as ``autovenv/shell``; the checkout's ``shell/``."""
    packaged = os.path.join(os.path.dirname(os.path.dirname(__file__)), "shell")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(packaged))), "shell")


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace each ``@NAME@`` placeholder; every value must already be quoted for the target shell."""
    out = template
    for name, value in values.items():
        out = out.replace(f"@{name}@", value)
    if "@AUTOVENV_" in out:
        missing = out[out.index("@AUTOVENV_") :].split("@", 2)[1]
        raise KeyError(f"unfilled placeholder {missing}")
    return out


def read_template(file_name: str) -> str:
    with open(os.path.join(template_dir(), file_name), encoding="utf-8") as handle:
        return handle.read()
