"""From a resolution to what should be active: apply trust and validity, word the one-line messages."""

from __future__ import annotations

import os

from autovenv import display, trust
from autovenv.plan import Target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.resolve.project import Resolution, Settings
    from autovenv.resolve.venv import VenvInfo


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
    """A path as one word of a POSIX shell command shown to the user (``display.word`` for bash)."""
    return display.word(value, "bash")


def recreate_command(info: VenvInfo, shell: str) -> str:
    """How to make the venv afresh, in place: with uv for one uv made, else with ``venv``."""
    if "uv" in info.cfg:
        return display.command(["uv", "venv", "--clear", info.path], shell)
    return display.command(["python3", "-m", "venv", "--clear", info.path], shell)


def remedy(verdict: trust.Verdict, info: VenvInfo | None, root: str, shell: str) -> str:
    """The end of a block line: the one fix that fits why it was blocked (empty: none to offer)."""
    kind = verdict.remedy
    if kind == trust.RECREATE and info is not None:
        return f"; recreate it: {recreate_command(info, shell)}"
    if kind == trust.CHMOD and verdict.fix is not None:
        mode, path = verdict.fix
        return f"; to fix: {display.command(['chmod', mode, path], shell)}"
    allow = display.command(["autovenv", "allow", root], shell)
    if kind == trust.TRUST:
        return f"; to trust it: {allow}"
    if kind == trust.TRUST_AGAIN:
        return f"; to trust it again: {allow}"
    if kind == trust.UNDENY:
        return f"; to allow it again: {allow}"
    return ""


#: Finders named in the message (``activated blog-Xk3v9aQ2-py3.11 (poetry, Python 3.11.7)``).
TOOL_KINDS = frozenset(("uv", "poetry", "pdm", "pipenv", "hatch", "pyenv-virtualenv"))


#: What ``python -m venv NAME`` without ``--prompt`` leaves as the venv's prompt: only its directory's
#: name, which says nothing about the project. Such a prompt shows the project's name instead (as uv's
#: venvs do); any other prompt was chosen by someone and stays.
GENERIC_VENV_NAMES = frozenset((".venv", "venv", "env"))


def shown_path(path: str, root: str, environ: Mapping[str, str]) -> str:
    """``path`` as a message shows it: relative to the project when inside it, else from ``~``, else whole."""
    seps = "/" + os.sep if os.sep != "/" else "/"
    path = path.rstrip(seps) or path
    top = root.rstrip(seps)
    if top and len(path) > len(top) + 1 and path.startswith(top) and path[len(top)] in seps:
        return path[len(top) + 1 :]
    home = (environ.get("HOME") or environ.get("USERPROFILE") or "").rstrip(seps)
    if home and len(path) > len(home) + 1 and path.startswith(home) and path[len(home)] in seps:
        return "~" + path[len(home) :]
    return path


def venv_label(venv: str, root: str, environ: Mapping[str, str] | None = None) -> str:
    """The venv as messages name it: ``.venv`` for the project's own, ``~/envs/x``, or its full path."""
    return shown_path(venv, root, environ if environ is not None else {})


def project_name(root: str) -> str:
    """The name messages and generic prompts give a project: its directory's name."""
    return os.path.basename(root.rstrip("/")) or root or "/"


def prompt_name(info: VenvInfo, root: str) -> str:
    """The venv's own prompt, or the project's name where that prompt is only the venv directory's name."""
    own = info.prompt
    directory = os.path.basename(info.path.rstrip("/"))
    if own == directory and own in GENERIC_VENV_NAMES and root.rstrip("/"):
        return project_name(root)
    return own


def _prompt_values(name: str, version: tuple[int, ...]) -> str:
    """``VIRTUAL_ENV_PROMPT`` as the venv's own activate sets it: bare from 3.13, ``(name) `` before."""
    return name if version >= (3, 13) else f"({name}) "


def _venv_target(
    resolution: Resolution, settings: Settings, environ: Mapping[str, str], shell: str
) -> Decision:
    info = resolution.venv
    root = resolution.root or ""
    assert info is not None
    notes = list(resolution.problems)
    if info.problem:
        return Decision(None, notes)
    verdict = trust.check_venv(info, settings.trust, environ)
    label = display.text(venv_label(info.path, root, environ))
    if not verdict.allowed or verdict.bin_dir is None:
        notes.append(f"not activating {label}: {verdict.reason}{remedy(verdict, info, root, shell)}")
        return Decision(None, notes, verdict.reason)
    if os.pathsep in verdict.bin_dir:  # the resolved path, which is what goes on PATH
        notes.append(f"{display.text(verdict.bin_dir)} contains {os.pathsep!r}, which cannot be put on PATH")
        return Decision(None, notes)
    # Text from a project's config or a venv's pyvenv.cfg: shown escaped, never as terminal controls.
    name = display.text(resolution.prompt if isinstance(resolution.prompt, str) else prompt_name(info, root))
    prompt = f"({name}) " if resolution.prompt is not False else None
    version = [f"Python {display.text(info.version)}"] if info.version else []
    if resolution.kind in TOOL_KINDS:
        # A tool's env lives in its own store: its name says more than its long path.
        label = f"{resolution.kind} env {display.text(os.path.basename(info.path.rstrip('/')))}"
    details = ", ".join((label, *version))
    target = Target(
        root=root,
        path_entries=(verdict.bin_dir,),
        venv=verdict.venv or info.path,
        venv_prompt=_prompt_values(name, info.version_tuple),
        prompt=prompt,
        message=f"activated {display.text(project_name(root))} ({details})",
    )
    if resolution.hint is not None:
        # What the venv lacks against the project's pins: part of the answer (the daemon's too), so it
        # shows when entering the project and when it changes, never at a cd within it.
        lead, words = resolution.hint
        notes.append(f"{display.text(lead)} {display.command(words, shell)}")
    return Decision(target, notes)


def _python_target(
    resolution: Resolution, environ: Mapping[str, str], user_pyenv: str | None, shell: str
) -> Decision:
    selection = resolution.python
    root = resolution.root or ""
    assert selection is not None
    notes = list(resolution.problems)
    if not selection.ok or selection.problem:
        return Decision(None, notes)  # a pin with anything wrong changes nothing; its one line says why
    if user_pyenv is not None and resolution.kind != "config":
        return Decision(None, notes)  # `pyenv shell` outranks .python-version, exactly as in pyenv
    entries: list[str] = []
    for entry in selection.bin_dirs:
        verdict = trust.check_python_dir(entry)
        if not verdict.allowed or verdict.bin_dir is None:
            fix = remedy(verdict, None, root, shell) if verdict.remedy == trust.CHMOD else ""
            notes.append(f"not selecting {display.text(entry)}: {verdict.reason}{fix}")
            return Decision(None, notes, verdict.reason)
        if os.pathsep in verdict.bin_dir:
            shown = display.text(verdict.bin_dir)
            notes.append(f"{shown} contains {os.pathsep!r}, which cannot be put on PATH")
            return Decision(None, notes)
        entries.append(verdict.bin_dir)
    name = selection.version_name()
    source = os.path.basename(resolution.source or "") or "PYENV_VERSION"
    target = Target(
        root=root,
        path_entries=tuple(entries),
        pyenv_version=name,
        message=display.text(f"using Python {name} in {project_name(root)} ({source})"),
    )
    return Decision(target, notes)


def decide(
    resolution: Resolution, settings: Settings, environ: Mapping[str, str], shell: str | None = None
) -> Decision:
    """What should be active for ``resolution``; ``environ`` is the user's view (see plan.user_view).

    ``shell`` is the shell the notes are for: commands in them are quoted for it (default: the shell
    running the hook, else ``$SHELL``).
    """
    shell = shell or display.user_shell(environ)
    decision = _decide(resolution, settings, environ, shell)
    if resolution.create_hint is not None:
        decision.notes.append(display.text(f"no venv yet: {resolution.create_hint}"))
    return decision


def _decide(resolution: Resolution, settings: Settings, environ: Mapping[str, str], shell: str) -> Decision:
    if resolution.root is None or not resolution.enabled:
        return Decision(None, list(resolution.problems))
    if resolution.venv is not None:
        return _venv_target(resolution, settings, environ, shell)
    if resolution.python is not None:
        return _python_target(resolution, environ, environ.get("PYENV_VERSION"), shell)
    return Decision(None, list(resolution.problems))
