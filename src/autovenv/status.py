"""``autovenv status``: what would be active in a directory, why, and anything wrong with it."""

from __future__ import annotations

import os

from autovenv import display, pipeline, plan, trust

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

KIND_TEXT = {
    "config": "explicit config",
    "venv-dir": "in-project venv directory",
    "venv-file": ".venv file naming a venv",
    "python-version": ".python-version (pyenv rules)",
    "uv": "uv's project env",
    "poetry": "Poetry's env",
    "pdm": "PDM's env",
    "pipenv": "Pipenv's env",
    "hatch": "Hatch's default env",
    "pyenv-virtualenv": "pyenv-virtualenv env named in .python-version",
    "conda": "a conda project (not activated)",
}
#: Finders that stand for a tool: ``status --json`` names it in ``decided_by.tool``.
TOOLS = {
    "uv": "uv",
    "poetry": "poetry",
    "pdm": "pdm",
    "pipenv": "pipenv",
    "hatch": "hatch",
    "pyenv-virtualenv": "pyenv-virtualenv",
    "conda": "conda",
}


def report(directory: str, environ: Mapping[str, str]) -> dict[str, object]:
    """A JSON-ready description of the answer for ``directory`` and of this shell's current state."""
    found = pipeline.answer_for(directory, environ, None, os.pathsep)
    user, resolution, decision = found.user, found.resolution, found.decision
    venv = resolution.venv
    python = resolution.python
    target = decision.target
    data: dict[str, object] = {
        "directory": directory,
        "project_root": resolution.root,
        "decided_by": {
            "kind": resolution.kind,
            "tool": TOOLS.get(resolution.kind or ""),
            "source": resolution.source,
            "setting": resolution.setting,
        }
        if resolution.kind
        else None,
        "enabled": resolution.enabled,
        "venv": None,
        "python": None,
        "would_activate": None,
        "blocked": decision.blocked,
        # Your own config's mistakes first (the pipeline puts them there): they change what every
        # project gets.
        "problems": list(decision.notes),
        "trust_mode": user.trust,
        "user_config": {"path": user.path, "problems": list(user.problems)},
        "active_now": {
            "root": environ.get(plan.ROOT),
            "venv": environ.get(plan.VENV),
            "virtual_env": environ.get("VIRTUAL_ENV"),
            "manual": "VIRTUAL_ENV" in environ and environ.get("VIRTUAL_ENV") != environ.get(plan.VENV),
            "paused": environ.get(plan.PAUSED),
            "not_in_effect": not_in_effect(environ),
        },
    }
    if venv is not None:
        data["venv"] = {
            "path": venv.path,
            "python_version": venv.version,
            "interpreter": venv.python,
            "base_python": venv.cfg.get("home"),
            "created_at": venv.created_at,
            "trust": trust.stored(venv.path, environ),
            "problem": venv.problem,
        }
    if python is not None:
        data["python"] = {
            "version": python.version_name() if python.ok else None,
            "source": python.source,
            "bin_dirs": list(python.bin_dirs),
            "missing": list(python.missing),
            "problem": python.problem,
        }
    if target is not None:
        data["would_activate"] = {
            "venv": target.venv,
            "path_prepend": list(target.path_entries),
            "pyenv_version": target.pyenv_version,
            "prompt": target.prompt,
            # What a hook does, exactly as it applies it: [verb, name, value] each.
            "operations": [list(op) for op in found.answer.operations],
        }
    return data


def not_in_effect(environ: Mapping[str, str]) -> str | None:
    """Why this shell's activation is not what its commands get (None: it is, or there is none).

    The state variables travel to child shells; PATH is then rebuilt by rc files, which the hook's first
    prompt corrects. Until then, or after a user's own PATH edit put something in front, ``python`` is
    someone else's, and "active" would be a lie.
    """
    if plan.KEY not in environ or plan.ROOT not in environ:
        return None
    venv = environ.get(plan.VENV)
    if venv is not None and environ.get("VIRTUAL_ENV") != venv:
        return "VIRTUAL_ENV is not the venv autovenv activated"
    changed = plan.changed_by_user(environ)
    if changed:
        return f"{changed[0]} was changed since autovenv set it (the next prompt hands it to you)"
    wanted = [entry for entry in (environ.get(plan.PATH_ADD) or "").split(os.pathsep) if entry]
    if not wanted:
        return None
    entries = (environ.get("PATH") or "").split(os.pathsep)
    if entries[: len(wanted)] != wanted:
        ahead = next((entry for entry in entries if entry not in wanted), "")
        missing = [entry for entry in wanted if entry not in entries]
        if missing:
            return f"{missing[0]} is not on PATH"
        return f"{ahead} comes before {wanted[0]} on PATH"
    return None


def format_text(data: Mapping[str, object]) -> str:
    lines = [f"directory:     {data['directory']}"]
    root = data["project_root"]
    if root is None:
        lines.append("project:       none (no project file found walking up)")
    else:
        decided = data["decided_by"]
        assert isinstance(decided, dict)
        kind = KIND_TEXT.get(str(decided.get("kind")), str(decided.get("kind")))
        lines.append(f"project:       {root}")
        lines.append(f"decided by:    {kind}: {decided.get('source')}")
        if decided.get("setting"):
            lines.append(f"               {decided['setting']}")
    if not data["enabled"]:
        lines.append("autovenv:      disabled by the project's config (enabled = false)")
    venv = data["venv"]
    if isinstance(venv, dict):
        version = venv.get("python_version") or "unknown version"
        lines.append(f"venv:          {venv['path']} (Python {version})")
        lines.append(f"interpreter:   {venv['interpreter']} (base: {venv.get('base_python') or '?'})")
        if venv.get("trust"):
            lines.append(f"trust:         {venv['trust']} (stored)")
    python = data["python"]
    if isinstance(python, dict):
        shown = python.get("version") or "not installed"
        lines.append(f"python:        {shown} (from {python.get('source')})")
        for entry in python.get("bin_dirs") or []:
            lines.append(f"               {entry}")
    target = data["would_activate"]
    if isinstance(target, dict):
        shown = [operation_text(op) for op in target.get("operations") or []]
        lines.append("would apply:   " + (shown[0] if shown else "nothing"))
        lines.extend(f"               {text}" for text in shown[1:])
    elif root is not None:
        lines.append("would apply:   nothing")
    if data.get("blocked"):
        lines.append(f"blocked:       {data['blocked']}")
    for problem in data["problems"] or []:  # type: ignore[attr-defined]
        lines.append(f"problem:       {problem}")
    active = data["active_now"]
    assert isinstance(active, dict)
    if active.get("manual"):
        lines.append(
            f"this shell:    {active['virtual_env']} activated by hand (autovenv stays out of the way)"
        )
    elif active.get("root") and active.get("not_in_effect"):
        lines.append(
            f"this shell:    set up for {active['root']}, but not in effect: {active['not_in_effect']}"
        )
    elif active.get("root"):
        lines.append(f"this shell:    active for {active['root']}")
    if active.get("paused"):
        lines.append(f"paused:        {active['paused']} (after deactivate; resumes when you leave it)")
    # Paths and names are data: one printable line each, whatever the directory is called.
    return "".join(display.text(line) + "\n" for line in lines)


def operation_text(op: list[str]) -> str:
    """One operation as ``status`` shows it: ``NAME=value``, ``unset NAME``, ``PATH+=entry`` (an entry
    put first on PATH)."""
    verb, name, value = op
    if verb == "set":
        return f"{name}={value}"
    if verb == "unset":
        return f"unset {name}"
    return f"{name}+={value}"


def directory_arg(path: str | None, environ: Mapping[str, str]) -> str:
    if path is None:
        from autovenv.export import current_directory

        return current_directory(environ)
    return os.path.abspath(os.path.expanduser(path))
