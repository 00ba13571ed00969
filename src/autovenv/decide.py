"""From a resolution to what should be active: apply trust and validity, word the one-line messages."""

from __future__ import annotations

import os

from autovenv import trust
from autovenv.plan import Target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.resolve.project import Resolution, Settings


class Decision:
    """The target (``None``: nothing active) and the notes to show once when entering the project."""

    __slots__ = ("blocked", "notes", "target")

    def __init__(self, target: Target | None, notes: list[str], blocked: str | None = None) -> None:
        self.target = target
        self.notes = notes
        self.blocked = blocked

    def __repr__(self) -> str:
        return f"Decision({self.target!r}, notes={self.notes!r})"


def display_quote(value: str) -> str:
    """Quote a path for a command shown to the user, so it can be pasted as it is (no shlex: it imports re).

    Plain names stay bare; others get POSIX single quotes; a name holding control characters (a newline,
    an ESC) gets ``$'...'`` escapes instead, so the message stays one printable line.
    """
    if value and all(c.isalnum() or c in "/._-+:@%=," for c in value):
        return value
    if value.isprintable():  # no C0/C1 controls, line separators or undecodable bytes (surrogates)
        return "'" + value.replace("'", "'\\''") + "'"
    from autovenv.shells.posix import quote

    return quote(value)


def venv_label(venv: str, root: str) -> str:
    parent = os.path.dirname(venv.rstrip("/"))
    return os.path.basename(venv.rstrip("/")) if parent == root.rstrip("/") else venv


def _prompt_values(name: str, version: tuple[int, ...]) -> str:
    """``VIRTUAL_ENV_PROMPT`` as the venv's own activate sets it: bare from 3.13, ``(name) `` before."""
    return name if version >= (3, 13) else f"({name}) "


def _venv_target(resolution: Resolution, settings: Settings, environ: Mapping[str, str]) -> Decision:
    info = resolution.venv
    root = resolution.root or ""
    assert info is not None
    notes = list(resolution.problems)
    if info.problem:
        return Decision(None, notes)
    verdict = trust.check_venv(info, settings.trust, environ)
    if not verdict.allowed:
        label = venv_label(info.path, root)
        notes.append(
            f"not activating {label}: {verdict.reason}; to trust it: autovenv allow {display_quote(root)}"
        )
        return Decision(None, notes, verdict.reason)
    name = resolution.prompt if isinstance(resolution.prompt, str) else info.prompt
    prompt = f"({name}) " if resolution.prompt is not False else None
    version = f" (Python {info.version})" if info.version else ""
    target = Target(
        root=root,
        path_entries=(info.bin_dir,),
        venv=info.path,
        venv_prompt=_prompt_values(name, info.version_tuple),
        prompt=prompt,
        message=f"activated {venv_label(info.path, root)}{version}",
    )
    if resolution.hint is not None:
        # What the venv lacks against the project's pins: part of the answer (the daemon's too), so it
        # shows when entering the project and when it changes, never at a cd within it.
        lead, words = resolution.hint
        notes.append(f"{lead} {' '.join(display_quote(word) for word in words)}")
    return Decision(target, notes)


def _python_target(resolution: Resolution, environ: Mapping[str, str], user_pyenv: str | None) -> Decision:
    selection = resolution.python
    root = resolution.root or ""
    assert selection is not None
    notes = list(resolution.problems)
    if not selection.ok or selection.problem:
        return Decision(None, notes)  # a pin with anything wrong changes nothing; its one line says why
    if user_pyenv is not None and resolution.kind != "config":
        return Decision(None, notes)  # `pyenv shell` outranks .python-version, exactly as in pyenv
    entries = tuple(selection.bin_dirs)
    for entry in entries:
        if os.pathsep in entry:
            notes.append(f"{entry} contains {os.pathsep!r}, which cannot be put on PATH")
            return Decision(None, notes)
        verdict = trust.check_python_dir(entry)
        if not verdict.allowed:
            notes.append(f"not selecting {entry}: {verdict.reason}")
            return Decision(None, notes, verdict.reason)
    name = selection.version_name()
    source = os.path.basename(resolution.source or "") or "PYENV_VERSION"
    target = Target(
        root=root, path_entries=entries, pyenv_version=name, message=f"using Python {name} ({source})"
    )
    return Decision(target, notes)


def decide(resolution: Resolution, settings: Settings, environ: Mapping[str, str]) -> Decision:
    """What should be active for ``resolution``; ``environ`` is the user's view (see plan.user_view)."""
    decision = _decide(resolution, settings, environ)
    if resolution.create_hint is not None:
        decision.notes.append(f"no venv yet: {resolution.create_hint}")
    return decision


def _decide(resolution: Resolution, settings: Settings, environ: Mapping[str, str]) -> Decision:
    if resolution.root is None or not resolution.enabled:
        return Decision(None, list(resolution.problems))
    if resolution.venv is not None:
        return _venv_target(resolution, settings, environ)
    if resolution.python is not None:
        return _python_target(resolution, environ, environ.get("PYENV_VERSION"))
    return Decision(None, list(resolution.problems))
