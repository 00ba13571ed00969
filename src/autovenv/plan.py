"""The pure heart of activation: from the current environment and a target, the variables to change.

State lives in exported variables (``AUTOVENV_*``) so child shells, tmux panes and ``exec bash`` see what
their parent applied: ``AUTOVENV_PATH_ADD`` names exactly the PATH entries we added (removed wherever they
are now, so entries the user added meanwhile survive), ``AUTOVENV_SAVED`` the variables we changed, whose
previous values sit in ``AUTOVENV_OLD_<NAME>`` (absent when the variable was unset) and what we set them
to in ``AUTOVENV_SET_<NAME>`` (absent when we unset them), so a value the user changed since is told
apart. What an activation sets is decided by ``Target.operations`` alone; the hook templates apply those
operations with one generic loop (``apply_operations`` is the same loop here) and implement the
transition rules of ``plan`` in shell for cached answers (differential tests hold the two equal).
Nothing here does I/O; the shell adapters render the resulting changes.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

KEY = "AUTOVENV_KEY"
ROOT = "AUTOVENV_ROOT"
VENV = "AUTOVENV_VENV"
PATH_ADD = "AUTOVENV_PATH_ADD"
SAVED = "AUTOVENV_SAVED"
PROMPT = "AUTOVENV_PROMPT"
PAUSED = "AUTOVENV_PAUSED"
OLD_PREFIX = "AUTOVENV_OLD_"
SET_PREFIX = "AUTOVENV_SET_"
STATE_VARS = (KEY, ROOT, VENV, PATH_ADD, SAVED, PROMPT)
#: Every variable an activation may set or unset besides PATH (``Target.operations``). The hooks act on
#: no other name: an inherited ``AUTOVENV_SAVED`` or an operation naming anything else is skipped.
ACTIVATION_VARS = ("VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "PYTHONHOME", "PYENV_VERSION")
#: The verbs of an activation's operations, each ``(verb, name, value)``: ``set NAME VALUE``, ``unset NAME``
#: (value empty) and ``prepend PATH ENTRY`` (the entries of all prepends go first on PATH, in their order).
SET = "set"
UNSET = "unset"
PREPEND = "prepend"
#: Separates the fields of a target key; never part of a path we accept.
KEY_SEP = "\x1f"


class Target:
    """What should be active for a project: a venv, or just an interpreter selected by version."""

    __slots__ = ("message", "path_entries", "prompt", "pyenv_version", "root", "venv", "venv_prompt")

    def __init__(
        self,
        root: str,
        path_entries: tuple[str, ...],
        venv: str | None = None,
        venv_prompt: str | None = None,
        prompt: str | None = None,
        pyenv_version: str | None = None,
        message: str = "",
    ) -> None:
        self.root = root
        self.path_entries = path_entries
        self.venv = venv
        self.venv_prompt = venv_prompt
        self.prompt = prompt
        self.pyenv_version = pyenv_version
        self.message = message

    @property
    def key(self) -> str:
        """Equal keys mean nothing to do: the same environment applied the same way."""
        return KEY_SEP.join(
            (
                self.root,
                self.venv or "",
                "\x1e".join(self.path_entries),
                self.pyenv_version or "",
                self.venv_prompt or "",
                self.prompt or "",
            )
        )

    def operations(self) -> tuple[tuple[str, str, str], ...]:
        """What activating this target does, as operations: the one place that decides it.

        Every hook applies these with one generic loop (save the old value, set or unset, record what it
        set) and undoes them generically, so what activation means changes here and nowhere else. A
        name set or unset must be in ``ACTIVATION_VARS``.
        """
        ops: list[tuple[str, str, str]] = []
        if self.venv is not None:
            ops += [
                (SET, "VIRTUAL_ENV", self.venv),
                (SET, "VIRTUAL_ENV_PROMPT", self.venv_prompt or ""),
                (UNSET, "PYTHONHOME", ""),
            ]
        elif self.pyenv_version is not None:
            ops.append((SET, "PYENV_VERSION", self.pyenv_version))
        ops += [(PREPEND, "PATH", entry) for entry in self.path_entries]
        return tuple(ops)

    def changes(self) -> dict[str, str | None]:
        """The variables this target sets (``None``: unsets), PATH aside, from ``operations``."""
        ops = self.operations()
        return {name: value if verb == SET else None for verb, name, value in ops if verb != PREPEND}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Target) and other.key == self.key and other.message == self.message

    def __repr__(self) -> str:
        return f"Target(root={self.root!r}, venv={self.venv!r}, path={self.path_entries!r})"


class Plan:
    """Variables to set (str) or unset (None), whether to clear the command hash, and the line to print."""

    __slots__ = ("changes", "message", "rehash")

    def __init__(self, changes: dict[str, str | None], message: str | None, rehash: bool) -> None:
        self.changes = changes
        self.message = message
        self.rehash = rehash

    def __repr__(self) -> str:
        return f"Plan({self.changes!r}, message={self.message!r}, rehash={self.rehash!r})"


def remove_entry(path_value: str, entry: str, pathsep: str) -> str:
    """Remove the first occurrence of ``entry`` from a PATH value, wherever it now stands."""
    parts = path_value.split(pathsep)
    if entry in parts:
        parts.remove(entry)
    return pathsep.join(parts)


def is_active(environ: Mapping[str, str]) -> bool:
    return KEY in environ


def saved_names(env: Mapping[str, str]) -> list[str]:
    """The names in ``AUTOVENV_SAVED`` that an activation may have saved; anything else is ignored.

    The value is inherited from the parent process, so it may be anything: a name such as ``PATH``
    would restore an ``AUTOVENV_OLD_PATH`` someone else chose, and the hooks never act on such a name
    either (they hold the same list, from ``ACTIVATION_VARS``).
    """
    return [name for name in env.get(SAVED, "").split() if name in ACTIVATION_VARS]


def changed_by_user(env: Mapping[str, str]) -> list[str]:
    """The variables we set that no longer hold what we set them to: the user changed them since.

    ``AUTOVENV_SET_<NAME>`` records the value we set (absent: we unset it).
    """
    return [name for name in saved_names(env) if env.get(name) != env.get(SET_PREFIX + name)]


def unapply(env: dict[str, str], pathsep: str) -> None:
    """Undo what the ``AUTOVENV_*`` state in ``env`` says we did.

    A variable the user changed after we set it is theirs now: it keeps its value, and our saved copy of
    what was there before is dropped (``pyenv shell 3.12`` inside a pinned project outlives leaving it).
    """
    if KEY not in env:
        return
    theirs = changed_by_user(env)
    added = env.get(PATH_ADD, "")
    if added and "PATH" in env:
        for entry in added.split(pathsep):
            env["PATH"] = remove_entry(env["PATH"], entry, pathsep)
    for name in saved_names(env):
        old = OLD_PREFIX + name
        env.pop(SET_PREFIX + name, None)
        if name in theirs:
            env.pop(old, None)
        elif old in env:
            env[name] = env.pop(old)
        else:
            env.pop(name, None)
    for name in STATE_VARS:
        env.pop(name, None)


#: Where a venv's own activate script keeps the PATH it will restore on ``deactivate``.
ACTIVATE_SAVED_PATH = "_OLD_VIRTUAL_PATH"


def taken_over(env: Mapping[str, str], pathsep: str) -> bool:
    """Whether the activate script of our venv ran after we activated it (``source .venv/bin/activate``).

    It saved PATH, our entries in it, as ``_OLD_VIRTUAL_PATH``; a leftover from before our activation
    holds no entry of ours.
    """
    added = env.get(PATH_ADD, "")
    saved = env.get(ACTIVATE_SAVED_PATH)
    if KEY not in env or not added or saved is None or env.get("VIRTUAL_ENV") != env.get(VENV):
        return False
    return added.split(pathsep)[0] in saved.split(pathsep)


def hand_over(env: dict[str, str], pathsep: str) -> None:
    """Make an activation a venv's activate took over wholly the user's, as if they had activated by hand.

    Our PATH entries leave PATH and the activate's saved copy, so its ``deactivate`` restores what the
    user had before we activated; a PYTHONHOME we had set aside goes to the activate's own slot for it;
    the values we set stay, as theirs.
    """
    for entry in env.get(PATH_ADD, "").split(pathsep):
        for name in ("PATH", ACTIVATE_SAVED_PATH):
            if name in env:
                env[name] = remove_entry(env[name], entry, pathsep)
    if OLD_PREFIX + "PYTHONHOME" in env and not env.get("_OLD_VIRTUAL_PYTHONHOME"):
        env["_OLD_VIRTUAL_PYTHONHOME"] = env[OLD_PREFIX + "PYTHONHOME"]
    for name in saved_names(env):
        env.pop(OLD_PREFIX + name, None)
        env.pop(SET_PREFIX + name, None)
    for name in STATE_VARS:
        env.pop(name, None)


def apply_operations(env: dict[str, str], operations: Iterable[tuple[str, str, str]], pathsep: str) -> None:
    """Apply operations to ``env`` exactly as the hooks' generic loop does: save a variable's old value
    (absent stays absent), set or unset it, record what was set; the prepended entries go first on PATH
    as one block. A name outside ``ACTIVATION_VARS``, a second operation on a name and an unknown verb
    are skipped, as the hooks skip them."""
    saved: list[str] = []
    added: list[str] = []
    for verb, name, value in operations:
        if verb == PREPEND and name == "PATH":
            added.append(value)
            continue
        if verb not in (SET, UNSET) or name not in ACTIVATION_VARS or name in saved:
            continue
        if name in env:
            env[OLD_PREFIX + name] = env[name]
        if verb == UNSET:
            env.pop(name, None)
        else:
            env[name] = env[SET_PREFIX + name] = value
        saved.append(name)
    if added:
        current = env.get("PATH")
        entries = pathsep.join(added)
        env["PATH"] = entries + pathsep + current if current else entries
        env[PATH_ADD] = entries
    env[SAVED] = " ".join(saved)


def apply(env: dict[str, str], target: Target, pathsep: str) -> None:
    """Activate ``target`` in ``env``, recording what is needed to undo it exactly."""
    apply_operations(env, target.operations(), pathsep)
    env[KEY] = target.key
    env[ROOT] = target.root
    if target.venv is not None:
        env[VENV] = target.venv
    if target.prompt:
        env[PROMPT] = target.prompt


def plan(
    environ: Mapping[str, str],
    target: Target | None,
    pathsep: str = ":",
    deactivate: bool = False,
    pause: bool = False,
) -> Plan:
    """The changes that take ``environ`` to ``target`` (``None``: nothing active) under DESIGN §4's rules.

    - A venv activated by hand (``VIRTUAL_ENV`` not ours) is never overridden, and nothing is touched
      while it is active; once it is deactivated, our own leftovers are tidied and activation resumes.
    - ``deactivate`` undoes the current activation; with ``pause`` the project stays off until left.
    - A paused project stays paused while the target is still that project; leaving it clears the pause.
    """
    env = dict(environ)
    message: str | None = None
    if "VIRTUAL_ENV" in env and env.get("VIRTUAL_ENV") != env.get(VENV):
        # A venv activated by hand wins. Its activate saved PATH with our entry in it and will restore
        # that on deactivate, so we touch nothing now and tidy up when it is gone.
        return _diff(environ, env, None)
    if taken_over(env, pathsep):
        # The venv's own activate ran over our activation of that same venv: a hand activation now.
        hand_over(env, pathsep)
        return _diff(environ, env, None)
    tidied = False
    if KEY in env and changed_by_user(env):
        # Something we set was changed behind our back: a hand-activated venv's `deactivate` unset
        # VIRTUAL_ENV (and restored a PATH holding our entry), the user ran `pyenv shell` or set
        # PYTHONHOME. Tidy up, keeping their values, then decide afresh; what is active afterwards is
        # said as usual ("deactivated" when nothing is).
        unapply(env, pathsep)
        tidied = True
    active = KEY in env
    if deactivate:
        if active:
            if pause:
                env[PAUSED] = env.get(ROOT, "")
            unapply(env, pathsep)
            message = "deactivated" + (" (paused here until you leave this project)" if pause else "")
        return _diff(environ, env, message)
    paused = env.get(PAUSED)
    if paused is not None and (target is None or target.root != paused):
        del env[PAUSED]
        paused = None
    if target is not None and target.root == paused:
        target = None
    if env.get(KEY) == (target.key if target else None):
        return _diff(environ, env, "deactivated" if tidied and not deactivate else None)
    if active:
        unapply(env, pathsep)
        message = "deactivated"
    if target is not None:
        apply(env, target, pathsep)
        message = target.message
    return _diff(environ, env, message)


def _diff(before: Mapping[str, str], after: Mapping[str, str], message: str | None) -> Plan:
    changes: dict[str, str | None] = {}
    for name, value in after.items():
        if before.get(name) != value:
            changes[name] = value
    for name in before:
        if name not in after:
            changes[name] = None
    rehash = "PATH" in changes
    return Plan(dict(sorted(changes.items())), message, rehash)


def user_view(environ: Mapping[str, str], pathsep: str = ":") -> dict[str, str]:
    """The environment as the user had it before we changed anything: what resolution must look at.

    Our own ``PYENV_VERSION`` must not count as the user's ``pyenv shell`` choice, for instance.
    """
    env = dict(environ)
    unapply(env, pathsep)
    return env
