"""Soak: random sequences of what users do, in a real interactive shell, checked against the pure model.

Steps: cd anywhere in a small tree (nested projects, plain dirs), create a venv (a real ``python -m venv``
at its final path, or one parked earlier moved back: still "created here"), delete one (``rm -rf``, or
park it), edit or remove ``.python-version`` (installed, a prefix, ``system``, not installed), activate a
venv by hand (its own ``activate``; ``Activate.ps1`` in PowerShell) and ``deactivate`` it, our
``deactivate`` (pause), set and unset the user's own variables (``MYVAR`` with odd values, a
``PYENV_VERSION`` of their own, PATH entries), start a child shell and exit it. After every step the
shell's exported environment must equal what the model predicts: ``autovenv.resolve.project.resolve`` +
``autovenv.decide.decide`` + ``autovenv.plan.plan`` on the same tree and environment, plus a simulation
of the venv's own activate/deactivate scripts. And no user variable may be lost.

Seeded (printed on failure with the session's step log, for replay with ``AUTOVENV_SOAK_SEED``).
Default: 8 sequences x 25 steps per shell in two sessions, which take every kind of step (checked:
``STEP_KINDS``); ``-m slow``: 1,000 sequences.
"""

from __future__ import annotations

import os
import pathlib
import random
from collections.abc import Callable

import pytest

from autovenv import plan as plan_mod
from autovenv import settings as settings_mod
from autovenv.decide import decide
from autovenv.resolve.project import resolve
from tests.shells.conftest import (
    PY_A,
    PY_B,
    PYENV_ROOT,
    World,
    child_shell,
    invoke,
    noop,
    setenv,
    source_activate,
    unsetenv,
)
from tests.shells.pty_shell import InteractiveShell, quote

pytestmark = pytest.mark.shell

STEPS_PER_SEQUENCE = 25
SEQUENCES = 8
SLOW_SEQUENCES = 1000
SEQUENCES_PER_SESSION = 4
#: Child shells the default run starts in PowerShell (each costs seconds; the other shells start freely).
CHILD_PWSH_SHELLS = 2
#: Changed by the shell itself or per shell process, or shell-local (PS1, which a 3.12 activate exports).
IGNORED = {"PWD", "OLDPWD", "_", "SHLVL", "AUTOVENV_HOOK", "PS1"}
PINS = [PY_B, PY_A, "3.12", "system", "3.99.0"]
USER_PYENV_VERSIONS = [PY_A, PY_B, "system"]
ODD_VALUES = [
    "plain",
    "with space",
    'quote\'d "both"',
    "$(touch CANARY)",
    "`touch CANARY`",
    "new\nline",
    "é🚒",
    "",
    "-n",
]
#: Every kind of step the soak takes; the default run must take each of them (see ``Soak.run``).
STEP_KINDS = (
    "cd",
    "create: python -m venv",
    "create: move a parked venv back",
    "delete: rm -rf",
    "delete: park",
    "pin: write",
    "pin: remove",
    "MYVAR: set",
    "MYVAR: unset",
    "PATH entry",
    "PYENV_VERSION: set",
    "PYENV_VERSION: unset",
    "activate by hand",
    "deactivate: the venv's own",
    "deactivate: ours",
    "child shell",
    "exit a child shell",
)
BASE_SEED = int(os.environ.get("AUTOVENV_SOAK_SEED", "20261122"))


def text(env: dict[str, bytes]) -> dict[str, str]:
    return {k: v.decode("utf-8", "surrogateescape") for k, v in env.items() if k not in IGNORED}


class Slot:
    """A place a venv can be: ``path`` (a marker the resolver sees) or ``parked`` beside it (invisible)."""

    def __init__(self, path: pathlib.Path, version: str) -> None:
        self.path = path
        self.parked = path.with_name(path.name + "-parked")
        self.version = version

    @property
    def name(self) -> str:
        return self.path.name


class Frame:
    """One shell level: its exported environment as the model predicts it, and shell-local facts."""

    def __init__(self, env: dict[str, str], pwd: str) -> None:
        self.env = env
        self.pwd = pwd
        self.manual: str | None = None  # venv activated by hand at this level (its deactivate is here)
        self.old_path: str | None = None  # bash/zsh activate's _OLD_VIRTUAL_PATH (not exported)
        self.myvar: str | None = None  # what the user set MYVAR to (None: unset)
        self.user_pyenv: str | None = None
        self.user_entries: list[str] = []
        self.entries_since_manual: list[str] = []

    def child(self) -> Frame:
        frame = Frame(dict(self.env), self.pwd)
        frame.myvar, frame.user_pyenv = self.myvar, self.user_pyenv
        frame.user_entries = list(self.user_entries)
        return frame


class Soak:
    """Drives one shell session through random steps, keeping the model in lockstep."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.shell = world.shell
        self.log: list[str] = []
        p = world.projects
        self.alpha, self.gamma = p / "alpha", p / "gamma"
        self.beta = self.alpha / "libs" / "beta"
        self.slots = [
            Slot(self.alpha / ".venv", PY_A),
            Slot(self.beta / ".venv", PY_B),
            Slot(self.gamma / "venv", PY_A),
        ]
        self.projects = [self.alpha, self.beta, self.gamma]
        self.dirs = [
            world.home, p, self.alpha, self.alpha / "src" / "pkg", self.alpha / "libs", self.beta,
            self.beta / "tests", self.gamma, self.gamma / "docs", p / "plain", p / "plain" / "deep",
        ]  # fmt: skip
        for directory in self.dirs:
            directory.mkdir(parents=True, exist_ok=True)
        self.sh: InteractiveShell | None = None
        self.frames: list[Frame] = []
        self.real_creations = 0
        self.entry_counter = 0
        self.kinds_taken: set[str] = set()
        #: How many more child shells the run may start (None: no limit); see test_soak.
        self.children_left: int | None = None
        self.turns: dict[tuple[str, ...], int] = {}

    # -- session ----------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.sh is not None:
            self.sh.close()
        self.sh = self.world.start()
        self.log.append(f"--- new {self.shell} session")
        env = text(self.sh.env())
        frame = Frame(env, str(self.world.home))
        self.frames = [frame]
        self.settle(frame)
        self.check("session start", "")

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    def q(self, value: object) -> str:
        return quote(self.shell, os.fsencode(str(value)) if not isinstance(value, bytes) else value)

    # -- the model ---------------------------------------------------------------------------------------

    def settle(self, frame: Frame) -> list[str]:
        """Run the model's prompt hook until nothing changes (the shell runs it at every prompt)."""
        messages: list[str] = []
        for _ in range(4):
            env = frame.env
            view = plan_mod.user_view(env)
            user = settings_mod.load(env)
            decision = decide(resolve(frame.pwd, view, user), user, view)
            result = plan_mod.plan(env, decision.target)
            if not result.changes:
                return messages
            apply(env, result.changes)
            if result.message:
                messages.append(result.message)
        raise AssertionError("the model does not settle: " + "\n".join(self.log[-30:]))

    def check(self, what: str, out: str, expected_messages: list[str] = ()) -> None:  # type: ignore[assignment]
        assert self.sh is not None
        real = text(self.sh.env())
        frame = self.frame
        context = f"{self.shell} after {what!r}; replay log (seed {BASE_SEED}):\n" + "\n".join(self.log[-60:])
        assert "Traceback" not in out, context
        for line in out.split("\n")[:-1] if out else []:
            if what.startswith("exit") and line == "exit":
                continue  # an interactive bash says so itself
            assert line.startswith("autovenv: "), f"unexpected output {line!r}; {context}"
        for message in expected_messages:
            if f"autovenv: {message}\n" not in out:
                pytest.fail(f"missing message {message!r} in {out!r}; {context}\n{self.diagnose()}")
        if real != frame.env:
            diff = {
                k: (real.get(k), frame.env.get(k))
                for k in set(real) | set(frame.env)
                if real.get(k) != frame.env.get(k)
            }
            pytest.fail(
                f"environment differs from the model (shell, model): {diff}; {context}\n{self.diagnose()}"
            )
        # No user variable lost: what the user set is still there (the model could share a mistake).
        if frame.myvar is None:
            assert "MYVAR" not in real, context
        else:
            assert real.get("MYVAR") == frame.myvar, context
        if frame.user_pyenv is not None:
            assert real.get("PYENV_VERSION") == frame.user_pyenv, context
        path = real.get("PATH", "").split(":")
        assert all(entry in path for entry in frame.user_entries), f"a user PATH entry was lost; {context}"
        assert not list(self.world.root.rglob("CANARY")), context

    def diagnose(self) -> str:
        """On failure: the hook's own answer, the cache entry for this directory, what both watch."""
        from autovenv import cache as cache_mod
        from autovenv import dirs

        lines = []
        try:
            assert self.sh is not None
            names = [
                "__autovenv_c",
                "__autovenv_cand",
                "__autovenv_e_key",
                "__autovenv_e_watch",
                "__autovenv_stamp",
            ]
            for name in names:
                lines.append(f"shell {name} = {self.sh.var(name)!r}")
            env = self.frame.env
            view = plan_mod.user_view(env)
            resolution = resolve(self.frame.pwd, view, settings_mod.load(env))
            lines.append(f"model: candidate {resolution.candidate!r}, {resolution!r}")
            if resolution.candidate:
                base = dirs.cache_dir(env)
                entry = pathlib.Path(cache_mod.entry_path(base, self.shell, resolution.candidate))
                if entry.exists():
                    content = entry.read_text("utf-8", "replace")
                    lines.append(f"cache entry {entry} mtime {entry.stat().st_mtime_ns}:\n{content}")
                else:
                    lines.append(f"no cache entry at {entry}")
                for path in dict.fromkeys(resolution.watch):
                    try:
                        lines.append(f"  watched {path} mtime {os.stat(path).st_mtime_ns}")
                    except OSError as exc:
                        lines.append(f"  watched {path}: {exc.strerror}")
        except Exception as exc:  # diagnosis is best effort
            lines.append(f"(diagnosis incomplete: {exc!r})")
        return "\n".join(lines)

    # -- steps ---------------------------------------------------------------------------------------------

    def in_turn(self, values: list[str]) -> str:
        """The next of ``values`` in turn, not at random: a short run, too, types every one of them."""
        turn = self.turns.get(tuple(values), 0)
        self.turns[tuple(values)] = turn + 1
        return values[turn % len(values)]

    def run(
        self,
        kind: str,
        what: str,
        cmd: str | None,
        effect: Callable[[], None],
        cd: pathlib.Path | None = None,
    ) -> None:
        """Type the step in the shell, apply the same step to the model, run the model's hook, compare.

        ``kind`` is one of STEP_KINDS: the default run checks that its sequences took every one."""
        assert self.sh is not None
        self.log.append(what)
        self.kinds_taken.add(kind)
        out = self.sh.cd(cd) if cd is not None else self.sh.run(cmd or noop(self.shell))
        effect()
        messages = self.settle(self.frame)
        self.check(what, out, messages)

    def step(self) -> None:
        rng = self.rng
        frame = self.frame
        manual_anywhere = "VIRTUAL_ENV" in frame.env and frame.env.get("VIRTUAL_ENV") != frame.env.get(
            plan_mod.VENV
        )
        # `deactivate` is ours only while no venv's own activate replaced it at this level.
        active_ours = plan_mod.KEY in frame.env and not manual_anywhere and frame.manual is None
        choices: list[tuple[float, Callable[[], None]]] = [
            (35, self.step_cd),
            (10, self.step_create),
            (8, self.step_delete),
            (12, self.step_pin),
            (6, self.step_myvar),
            (4, self.step_path),
            (4, self.step_pyenv_version),
        ]
        if frame.manual is None and not manual_anywhere and any(slot.path.exists() for slot in self.slots):
            choices.append((5, self.step_manual_activate))
        if frame.manual is not None:
            choices.append((6, self.step_manual_deactivate))
        if active_ours:
            choices.append((5, self.step_our_deactivate))
        if len(self.frames) < 3 and self.children_left != 0:
            choices.append((3, self.step_child))
        if len(self.frames) > 1:
            choices.append((4, self.step_exit))
        weights = [w for w, _ in choices]
        rng.choices([c for _, c in choices], weights)[0]()

    def step_cd(self) -> None:
        target = self.rng.choice(self.dirs)

        def effect() -> None:
            self.frame.pwd = str(target)

        self.run("cd", f"cd {target}", None, effect, cd=target)

    def step_create(self) -> None:
        absent = [slot for slot in self.slots if not slot.path.exists()]
        if not absent:
            return self.step_cd()
        slot = self.rng.choice(absent)
        if slot.parked.exists():
            kind, cmd = "create: move a parked venv back", f"mv {self.q(slot.parked)} {self.q(slot.path)}"
        elif self.real_creations < 1:
            self.real_creations += 1
            kind = "create: python -m venv"
            python = PYENV_ROOT / "versions" / slot.version / "bin" / "python"
            cmd = f"{invoke(self.shell, python)} -m venv --without-pip {self.q(slot.path)}"
        else:
            return self.step_cd()
        self.run(kind, f"create venv {slot.path}: {cmd}", cmd, lambda: None)

    def step_delete(self) -> None:
        present = [slot for slot in self.slots if slot.path.exists()]
        if not present:
            return self.step_cd()
        slot = self.rng.choice(present)
        if slot.parked.exists() or self.rng.random() < 0.25:
            kind, cmd = "delete: rm -rf", f"rm -rf {self.q(slot.path)}"
        else:
            kind, cmd = "delete: park", f"mv {self.q(slot.path)} {self.q(slot.parked)}"
        self.run(kind, f"delete venv {slot.path}: {cmd}", cmd, lambda: None)

    def step_pin(self) -> None:
        project = self.rng.choice(self.projects)
        pin = project / ".python-version"
        if pin.exists() and self.rng.random() < 0.3:
            kind, cmd = "pin: remove", f"rm -f {self.q(pin)}"
        else:
            kind, cmd = "pin: write", f"printf '%s\\n' {self.q(self.in_turn(PINS))} > {self.q(pin)}"
        self.run(kind, f"pin {pin}: {cmd}", cmd, lambda: None)

    def step_manual_activate(self) -> None:
        # Any venv, the one autovenv has active included (a habit: the hook then hands it over).
        candidates = [s for s in self.slots if s.path.exists()]
        if not candidates:
            return self.step_cd()
        slot = self.rng.choice(candidates)
        venv = str(slot.path)
        frame = self.frame
        # fish's activate and PowerShell's Activate.ps1 export the PATH they will restore; bash's and
        # zsh's keep it in a shell variable. Activate.ps1 sets the bare name as VIRTUAL_ENV_PROMPT.
        exported_old_path = self.shell in ("fish", "pwsh")

        def effect() -> None:
            env = frame.env
            # The script's own `deactivate nondestructive` first, then its activation.
            env.pop("VIRTUAL_ENV", None)
            env.pop("VIRTUAL_ENV_PROMPT", None)
            env["VIRTUAL_ENV"] = venv
            if exported_old_path:
                env["_OLD_VIRTUAL_PATH"] = env.get("PATH", "")
            else:
                frame.old_path = env.get("PATH", "")
            if self.shell == "fish":
                env["_OLD_FISH_PROMPT_OVERRIDE"] = venv
            env["PATH"] = f"{venv}/bin:{env.get('PATH', '')}"
            assert "PYTHONHOME" not in env  # the soak never sets one (it breaks every python)
            env["VIRTUAL_ENV_PROMPT"] = slot.name if self.shell == "pwsh" else f"({slot.name}) "
            if not exported_old_path:
                env["_OLD_VIRTUAL_PATH"] = frame.old_path or ""
            if plan_mod.taken_over(env, ":"):
                plan_mod.hand_over(env, ":")  # what the hook does at the next prompt
            if not exported_old_path:
                frame.old_path = env.pop("_OLD_VIRTUAL_PATH")
            frame.manual = venv
            frame.entries_since_manual = []

        command = source_activate(self.shell, slot.path)
        self.run("activate by hand", f"activate {venv} by hand", command, effect)

    def step_manual_deactivate(self) -> None:
        frame = self.frame

        def effect() -> None:
            env = frame.env
            exported = self.shell in ("fish", "pwsh")
            old = env.pop("_OLD_VIRTUAL_PATH", None) if exported else frame.old_path
            if old:
                env["PATH"] = old
            env.pop("_OLD_FISH_PROMPT_OVERRIDE", None)
            env.pop("VIRTUAL_ENV", None)
            env.pop("VIRTUAL_ENV_PROMPT", None)
            frame.manual, frame.old_path = None, None
            # activate restores its PATH snapshot: entries added meanwhile go (its documented flaw)
            frame.user_entries = [e for e in frame.user_entries if e not in frame.entries_since_manual]

        self.run("deactivate: the venv's own", "deactivate (the venv's own)", "deactivate", effect)

    def step_our_deactivate(self) -> None:
        frame = self.frame

        def effect() -> None:
            apply(frame.env, plan_mod.plan(frame.env, None, deactivate=True, pause=True).changes)

        self.run("deactivate: ours", "deactivate (ours: pause)", "deactivate", effect)

    def step_myvar(self) -> None:
        frame = self.frame
        if frame.myvar is not None and self.rng.random() < 0.3:
            kind, cmd = "MYVAR: unset", unsetenv(self.shell, "MYVAR")

            def effect() -> None:
                frame.env.pop("MYVAR", None)
                frame.myvar = None

        else:
            value = self.in_turn(ODD_VALUES)
            kind, cmd = "MYVAR: set", setenv(self.shell, "MYVAR", value)

            def effect() -> None:
                frame.env["MYVAR"] = value
                frame.myvar = value

        self.run(kind, f"MYVAR: {cmd}", cmd, effect)

    def step_path(self) -> None:
        frame = self.frame
        self.entry_counter += 1
        entry = f"/soak/user{self.entry_counter}"
        cmd = {
            "fish": f"set -gx PATH {entry} $PATH",
            "pwsh": f"$env:PATH = '{entry}:' + $env:PATH",
        }.get(self.shell, f'export PATH={entry}:"$PATH"')

        def effect() -> None:
            frame.env["PATH"] = f"{entry}:{frame.env.get('PATH', '')}"
            frame.user_entries.append(entry)
            if frame.manual is not None:
                frame.entries_since_manual.append(entry)

        self.run("PATH entry", f"PATH: {cmd}", cmd, effect)

    def step_pyenv_version(self) -> None:
        frame = self.frame
        if "PYENV_VERSION" in frame.env.get(plan_mod.SAVED, "").split():
            return self.step_cd()  # ours now: a user's change here is lost on leaving (see test_robustness)
        if frame.user_pyenv is not None:
            kind, cmd = "PYENV_VERSION: unset", unsetenv(self.shell, "PYENV_VERSION")

            def effect() -> None:
                frame.env.pop("PYENV_VERSION", None)
                frame.user_pyenv = None

        else:
            value = self.in_turn(USER_PYENV_VERSIONS)
            kind, cmd = "PYENV_VERSION: set", setenv(self.shell, "PYENV_VERSION", value)

            def effect() -> None:
                frame.env["PYENV_VERSION"] = value
                frame.user_pyenv = value

        self.run(kind, f"PYENV_VERSION: {cmd}", cmd, effect)

    def step_child(self) -> None:
        if self.children_left is not None:
            self.children_left -= 1

        def effect() -> None:
            child = self.frame.child()
            # PowerShell puts its own folder in front of the PATH it inherits; the hook's first prompt
            # puts its own entries back in front of it.
            child.env["PATH"] = self.world.child_path(child.env.get("PATH", ""), child.env)
            self.frames.append(child)

        self.run("child shell", f"child {self.shell}", child_shell(self.shell), effect)

    def step_exit(self) -> None:
        def effect() -> None:
            self.frames.pop()

        self.run("exit a child shell", "exit (child)", "exit", effect)

    def sequence(self, steps: int) -> None:
        self.real_creations = 0
        for _ in range(steps):
            self.step()
        while len(self.frames) > 1:
            self.step_exit()

    def close(self) -> None:
        if self.sh is not None:
            self.sh.close()


def apply(env: dict[str, str], changes: dict[str, str | None]) -> None:
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value


def soak(world: World, sequences: int, children: int | None = None) -> set[str]:
    """Run ``sequences`` seeded sequences, a new session every SEQUENCES_PER_SESSION, starting at most
    ``children`` child shells (None: as many as the dice say); returns the kinds of step taken."""
    for version in (PY_A, PY_B):
        if not (PYENV_ROOT / "versions" / version / "bin" / "python").exists():
            pytest.skip(f"pyenv Python {version} is not installed under {PYENV_ROOT}")
    runner = Soak(world, random.Random())
    runner.children_left = children
    try:
        for index in range(sequences):
            if index % SEQUENCES_PER_SESSION == 0:
                runner.start()
            runner.rng.seed(BASE_SEED * 7919 + index)
            runner.log.append(f"--- sequence {index} (seed {BASE_SEED * 7919 + index})")
            runner.sequence(STEPS_PER_SEQUENCE)
    finally:
        runner.close()
    return runner.kinds_taken


def test_soak(world: World) -> None:
    # The default run is short (a shell's soak used to be a minute of the suite), but long enough that its
    # sequences take every kind of step and start a second session in the tree the first one left behind;
    # a seed that stopped doing so would make this a weaker test without anyone noticing, hence the check.
    # A child PowerShell takes seconds to start: there, the first two children are the run's only ones.
    taken = soak(world, SEQUENCES, children=CHILD_PWSH_SHELLS if world.shell == "pwsh" else None)
    assert taken == set(STEP_KINDS), f"the default soak no longer takes {sorted(set(STEP_KINDS) - taken)}"


@pytest.mark.slow
def test_soak_slow(world: World) -> None:
    soak(world, SLOW_SEQUENCES)
