"""Trust: a directory goes first on PATH only when it is plainly the user's own (DESIGN §5, README "Trust").

A venv's ``bin/`` first on PATH receives every command the user types. Without an explicit ``allow`` it
is activated only when all of these hold, checked in this order (the first that fails is reported,
with the remedy that fits it):

1. it still has its interpreter (else it is broken: recreate it);
2. the path is safe (``safepath``): every directory from ``/`` to its ``bin`` and to the interpreter its
   ``python`` runs is the user's or root's and writable by no one else;
3. it was made here (``origin``): its creator recorded this very path, and ``pyvenv.cfg`` was written
   in place;
4. no git repository containing it tracks it (``gitindex``);
5. the user's ``trust`` setting is ``"auto"`` (``"ask"``, or any value that is not ``"auto"``, needs an
   allow for every venv).

A deny always wins; an allow (``allowstore``) lifts the rules for exactly the venv it was given for, with
exactly the ``bin/`` it had. A pyenv interpreter selected by ``.python-version`` gets rule 2.
"""

from __future__ import annotations

import os

from autovenv import gitindex, origin
from autovenv.dirs import data_dir, mirror_path
from autovenv.safepath import Resolved, Walker

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.resolve.venv import VenvInfo

ALLOW = "allow"
DENY = "deny"
#: Remedies a block line may offer (decide.py words them for the user's shell).
RECREATE = "recreate"
TRUST = "allow"
TRUST_AGAIN = "allow-again"
UNDENY = "undeny"
CHMOD = "chmod"
NO_REMEDY = ""



# The store's functions, for the CLI and status (allowstore is imported only when it is needed: a venv
# that breaks no rule, the common case, costs the cold path no import of it).
def record(venv_path: str, kind: str, environ: Mapping[str, str] = os.environ) -> str:
    from autovenv import allowstore

    return allowstore.record(venv_path, kind, environ)


def forget(venv_path: str, environ: Mapping[str, str] = os.environ) -> bool:
    from autovenv import allowstore

    return allowstore.forget(venv_path, environ)


def records(environ: Mapping[str, str] = os.environ) -> list[tuple[str, str, bool]]:
    from autovenv import allowstore

    return allowstore.records(environ)


def stored(venv_path: str, environ: Mapping[str, str]) -> str | None:
    from autovenv import allowstore

    return allowstore.stored(venv_path, environ)


def denied(venv: str, environ: Mapping[str, str]) -> bool:
    """Whether the user denied the venv at ``venv`` (resolved path): one ``lstat``, no import."""
    store = os.path.join(data_dir(environ), "trust")
    return os.path.lexists(os.path.join(mirror_path(store, venv), DENY))


class Verdict:
    """Whether activation may proceed.

    ``reason`` is a short phrase for the one-line block message and ``remedy`` which fix to offer (with
    ``fix``: the ``chmod`` mode and directory). ``bin_dir`` is the resolved directory to put on PATH and
    ``venv`` the path to show as ``VIRTUAL_ENV``.
    """

    __slots__ = ("allowed", "bin_dir", "fix", "reason", "remedy", "venv")

    def __init__(
        self,
        allowed: bool,
        reason: str | None = None,
        remedy: str = NO_REMEDY,
        bin_dir: str | None = None,
        venv: str | None = None,
        fix: tuple[str, str] | None = None,
    ) -> None:
        self.allowed = allowed
        self.reason = reason
        self.remedy = remedy
        self.bin_dir = bin_dir
        self.venv = venv
        self.fix = fix

    def __repr__(self) -> str:
        return f"Verdict({self.allowed!r}, {self.reason!r}, {self.remedy!r})"


def _path_rule(found: Resolved, what: str) -> tuple[str, str, tuple[str, str] | None]:
    """(reason, remedy, chmod fix) for a path ``safepath`` found unsafe: the ``chmod`` when the user
    owns the directory at fault, else ``allow`` (trusting whoever can write it is the only other way)."""
    problem = found.problem or f"its {what} cannot be reached"
    return f"{problem}, so others could swap its {what}", (CHMOD if found.fix else TRUST), found.fix


def _rules(info: VenvInfo, walker: Walker, venv: Resolved, bin_dir: Resolved, mode: str) -> Verdict | None:
    """The first rule ``info`` breaks, as a Verdict (None: it breaks none)."""
    if info.interpreter_missing:
        home = info.cfg.get("home", "?")
        reason = f"its interpreter {info.python} is missing (was its base Python in {home} removed?)"
        return Verdict(False, reason, RECREATE)
    for found, what in ((venv, "venv"), (bin_dir, "bin")):
        if found.problem is not None:
            reason, remedy, fix = _path_rule(found, what)
            return Verdict(False, reason, remedy, fix=fix)
    interpreter = walker.resolve(info.python, "file")
    if interpreter.problem is not None:
        runs = interpreter.real or info.python
        return Verdict(False, f"its python runs {runs}: {interpreter.problem}", RECREATE)
    assert venv.real is not None
    made = origin.origin(info, venv.real)
    if made.reason is not None:
        return Verdict(False, made.reason, made.remedy)
    shipped = gitindex.tracked_by(venv.real)
    if shipped is not None:
        return Verdict(False, shipped, TRUST)
    if info.named_by is not None:
        reason = f"only {info.named_by} points there, outside the project (a project file is not enough)"
        return Verdict(False, reason, TRUST)
    if mode == "ask":
        return Verdict(False, 'trust = "ask" in your config and you have not allowed it', TRUST)
    if mode != "auto":
        reason = f'trust = "{mode}" in your config is not "auto" or "ask": treated as "ask"'
        return Verdict(False, reason, TRUST)
    return None


def check_venv(info: VenvInfo, mode: str, environ: Mapping[str, str]) -> Verdict:
    """Decide whether ``info`` may be activated; the first reason found is the one reported."""
    from autovenv.display import text

    walker = Walker()
    venv = walker.resolve(info.path, "dir")
    bin_dir = walker.resolve(info.bin_dir, "dir")
    if venv.real is None or bin_dir.real is None:
        return Verdict(False, text(venv.problem or bin_dir.problem or "its bin cannot be reached"), RECREATE)
    if denied(venv.real, environ):
        return Verdict(False, "you denied it", UNDENY)
    broken = _rules(info, walker, venv, bin_dir, mode)
    shown = info.path if venv.problem is None else venv.real
    if broken is None:
        return Verdict(True, bin_dir=bin_dir.real, venv=shown)
    from autovenv import allowstore

    decision = allowstore.lookup(venv.real, environ)
    if decision.kind == DENY:
        return Verdict(False, "you denied it", UNDENY)
    if decision.kind == ALLOW:
        try:
            now = allowstore.fingerprint(venv.real, bin_dir.real)
        except OSError:
            now = ""
        if decision.text == now:
            return Verdict(True, bin_dir=bin_dir.real, venv=shown)
        if allowstore.same_identity(decision.text, now):
            changed = allowstore.bin_changes(decision.text, now)
            names = ", ".join(text(n) for n in changed[:5]) + (", ..." if len(changed) > 5 else "")
            what = f"new or changed: {names}" if names else "entries removed"
            return Verdict(False, f"its bin/ changed since you allowed it ({what})", TRUST_AGAIN)
        if decision.text.startswith(allowstore.HEADER):
            broken.reason = f"{broken.reason} (you allowed the venv that was here before)"
        else:
            broken.reason = f"{broken.reason} (your allow of it predates bin/ fingerprints)"
            broken.remedy = TRUST_AGAIN if broken.remedy != RECREATE else RECREATE
    elif decision.unsafe is not None and broken.remedy in (TRUST, TRUST_AGAIN):
        broken.reason = f"{broken.reason}; your allows are ignored: {decision.unsafe}"
    broken.reason = text(broken.reason or "")
    return broken


def check_python_dir(bin_dir: str) -> Verdict:
    """A selected interpreter's ``bin/`` goes first on PATH too: the same safe-path rule, resolved."""
    from autovenv.display import text

    found = Walker().resolve(bin_dir, "dir")
    if found.real is None or found.problem is not None:
        reason, remedy, fix = _path_rule(found, "bin")
        return Verdict(False, text(reason), remedy, fix=fix)
    return Verdict(True, bin_dir=found.real)
