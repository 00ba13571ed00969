"""The answer for one candidate directory, as the shell hooks consume it (from the cache or the cold path).

It carries what to do as operations (``plan.Target.operations``: set NAME VALUE, unset NAME, prepend PATH
ENTRY), which every hook applies with one generic loop, beside the key, root, prompt and message; the notes to
show once when entering, the watch lists (paths whose modification invalidates the answer) and ``sig``: the
values of the environment variables resolution depended on, so an answer computed under another
``PYENV_VERSION`` or ``WORKON_HOME`` is never reused.

There are two watch lists because a prompt pays for every path it checks. ``watch`` is what a prompt
checks; ``entry_watch`` is checked only when a cache entry is read: the cache's generation file, which
``autovenv allow``/``deny`` touch. Those commands also delete every shell's stamp files, and a prompt
whose stamp is gone checks again, so a prompt need not look at the generation file itself.
"""

from __future__ import annotations

import os

from autovenv import display
from autovenv.plan import PREPEND
from autovenv.resolve.finders import env_deps

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.decide import Decision
    from autovenv.resolve.project import Resolution

#: Bumped when the fields change, so hooks ignore entries written by another version. 2: the activation
#: as operations.
FORMAT = "2"
#: Environment variables resolution reads, as the finders declare them (``finders.env_deps``). The hooks
#: compare the same list, in this order.
ENV_DEPS = env_deps()
SIG_SEP = "\x1f"


def signature(view: Mapping[str, str]) -> str:
    """``NAME=value`` or ``NAME!`` (unset) for each dependency, each followed by a unit separator."""
    parts = []
    for name in ENV_DEPS:
        value = view.get(name)
        parts.append(f"{name}!" if value is None else f"{name}={value}")
        parts.append(SIG_SEP)
    return "".join(parts)


class Answer:
    """Flat, shell-friendly fields of a decision (empty strings for "none")."""

    __slots__ = (
        "entry_watch",
        "key",
        "message",
        "notes",
        "operations",
        "prompt",
        "quiet",
        "root",
        "sig",
        "venv",
        "watch",
    )

    def __init__(
        self,
        key: str = "",
        root: str = "",
        venv: str = "",
        prompt: str = "",
        operations: tuple[tuple[str, str, str], ...] = (),
        message: str = "",
        quiet: bool = False,
        notes: tuple[str, ...] = (),
        watch: tuple[str, ...] = (),
        sig: str = "",
        entry_watch: tuple[str, ...] = (),
    ) -> None:
        self.key = key
        self.root = root
        #: The venv this activation makes ours (``AUTOVENV_VENV``): a ``VIRTUAL_ENV`` holding anything
        #: else was activated by hand and wins. Not what activation sets: that is ``operations``.
        self.venv = venv
        self.prompt = prompt
        self.operations = operations
        self.message = message
        self.quiet = quiet
        self.notes = notes
        self.watch = watch
        self.sig = sig
        self.entry_watch = entry_watch

    def __repr__(self) -> str:
        return f"Answer(key={self.key!r}, notes={self.notes!r})"

    @property
    def all_watch(self) -> tuple[str, ...]:
        """Every path a cache entry is checked against: ``watch``, then ``entry_watch``."""
        return (*self.watch, *self.entry_watch)

    def scalars(self, fmt: str) -> tuple[tuple[str, str], ...]:
        """(hook variable suffix, value) for each single-valued field, as every hook template reads them."""
        return (
            ("v", fmt),
            ("key", self.key),
            ("root", self.root),
            ("venv", self.venv),
            ("prompt", self.prompt),
            ("msg", self.message),
            ("quiet", "1" if self.quiet else ""),
            ("sig", self.sig),
        )

    def flat_operations(self) -> tuple[str, ...]:
        """The operations as one list of words, three per operation (verb, name, value)."""
        return tuple(word for op in self.operations for word in op)

    def path_entries(self) -> tuple[str, ...]:
        """The entries the operations put first on PATH, in order."""
        return tuple(value for verb, name, value in self.operations if verb == PREPEND and name == "PATH")


def build(
    resolution: Resolution,
    decision: Decision,
    sig: str,
    extra_watch: tuple[str, ...],
    pathsep: str,
    entry_watch: tuple[str, ...] = (),
) -> Answer:
    """The answer for a resolution; its watch lists hold only paths that exist.

    Hooks treat a watched path that does not exist as a change, so a missing one ($PYENV_ROOT/versions
    before the first `pyenv install`) would make the answer stale forever; watching its nearest
    existing ancestor instead ($HOME) would re-resolve at every file created there. Its appearance is
    noticed at the next cd into the project.
    """
    seen: dict[str, None] = {}
    for path in (*resolution.watch, *extra_watch):
        if os.path.lexists(path):
            seen.setdefault(path, None)
    wanted = dict.fromkeys((*entry_watch, *resolution.entry_watch))
    on_entry = tuple(p for p in wanted if p not in seen and os.path.lexists(p))
    target = decision.target
    quiet = resolution.quiet
    # Every line a hook prints comes from here: one printable line each, whatever a file or name held.
    notes = display.lines(decision.notes)
    if target is None:
        return Answer(quiet=quiet, notes=notes, watch=tuple(seen), sig=sig, entry_watch=on_entry)
    return Answer(
        key=target.key,
        root=target.root,
        venv=target.venv or "",
        prompt=target.prompt or "",
        operations=target.operations(),
        message=display.text(target.message),
        quiet=quiet,
        notes=notes,
        watch=tuple(seen),
        sig=sig,
        entry_watch=on_entry,
    )
