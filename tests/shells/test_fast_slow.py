"""Fast path = slow path: random trees, random edit sequences, and after every step the hook's answer (from
the in-memory check, the cache, or a cold run, whichever the hook took) equals a full Python resolution.

The model is the pure code: ``plan.user_view`` → ``resolve`` → ``decide`` on the same tree and the same
environment the shell exports. The shell's answer is what it applied: ``AUTOVENV_KEY`` (absent when
nothing is active). Deactivate and hand-activated venvs are the soak test's business.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from autovenv import plan
from autovenv import settings as user_settings
from autovenv.decide import decide
from autovenv.resolve import config
from autovenv.resolve.project import resolve
from tests.shells.conftest import PY_A, PY_B, SHELLS, World, autovenv_command, make_venv, noop, not_installed
from tests.shells.pty_shell import find_shell

pytestmark = pytest.mark.shell

#: Includes a chain below a/sub/deep, so that markers come and go between $PWD and the project root
#: deep inside a project, where the hooks' walk remembers what it found (tests/shells/test_walk.py).
DIRS = ("a", "a/sub", "a/sub/deep", "a/sub/deep/l4/l5", "a/sub/deep/l4/l5/l6/l7/l8/l9", "b", "b/inner", "c")
PINS = (PY_A, PY_B, "3.12", "3.99.9", "system", "# only a comment", "garbage!!")

step = st.one_of(
    st.tuples(st.just("cd"), st.sampled_from(("", *DIRS))),
    st.tuples(st.just("venv"), st.sampled_from(DIRS), st.sampled_from((PY_A, PY_B))),
    st.tuples(st.just("rmvenv"), st.sampled_from(DIRS)),
    st.tuples(st.just("pin"), st.sampled_from(DIRS), st.sampled_from(PINS)),
    st.tuples(st.just("rmpin"), st.sampled_from(DIRS)),
    st.tuples(
        st.just("config"),
        st.sampled_from(DIRS),
        st.sampled_from(("enabled = false", "quiet = true", "bad =")),
    ),
    st.tuples(st.just("rmconfig"), st.sampled_from(DIRS)),
    # Trust decisions change no file the prompt checks: the shell learns of them from its deleted stamps.
    st.tuples(st.just("deny"), st.sampled_from(DIRS)),
    st.tuples(st.just("forget"), st.sampled_from(DIRS)),
)


def model_key(world_dir: pathlib.Path, env: dict[str, bytes], where: str | None = None) -> str | None:
    """The key the pure code decides for the shell's directory (``where``, else its exported ``PWD``)."""
    environ = {k: os.fsdecode(v) for k, v in env.items()}
    view = plan.user_view(environ)
    user = user_settings.load(view)
    decision = decide(resolve(where or environ["PWD"], view, user), user, view)
    return decision.target.key if decision.target else None


def ignored_config_on_the_way(env: dict[str, bytes], where: str | None = None) -> bool:
    """Whether resolving the shell's directory passes a project config file that is ignored whole."""
    environ = {k: os.fsdecode(v) for k, v in env.items()}
    view = plan.user_view(environ)
    found = resolve(where or environ["PWD"], view, user_settings.load(view))
    return any(config.WHOLE_FILE_IGNORED in line for line in found.problems)


def apply_step(
    root: pathlib.Path, action: tuple[str, ...], venvs_made: list[int], env: dict[str, str]
) -> str | None:
    """Change the tree or the trust store; returns a directory to cd into (relative), or None."""
    kind, where = action[0], root / action[1]
    if kind == "cd":
        return action[1]
    if kind == "venv":
        if venvs_made[0] >= 2 or (where / ".venv").exists():
            return None  # real venvs cost ~0.2 s each: two per sequence keep the run short
        venvs_made[0] += 1
        make_venv(where / ".venv", action[2])
    elif kind == "rmvenv":
        shutil.rmtree(where / ".venv", ignore_errors=True)
    elif kind == "pin":
        (where / ".python-version").write_text(action[2] + "\n")
    elif kind == "rmpin":
        (where / ".python-version").unlink(missing_ok=True)
    elif kind == "config":
        (where / ".autovenv.toml").write_text(action[2] + "\n")
    elif kind == "rmconfig":
        (where / ".autovenv.toml").unlink(missing_ok=True)
    elif kind == "deny":
        subprocess.run([autovenv_command(), "deny", str(where)], env=env, capture_output=True, check=False)
    elif kind == "forget":
        command = [autovenv_command(), "trust", "forget", str(where)]
        subprocess.run(command, env=env, capture_output=True, check=False)
    return None


@pytest.mark.parametrize("shell", SHELLS)
@settings(
    max_examples=int(os.environ.get("AUTOVENV_FAST_SLOW_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=bool(os.environ.get("CI")),
)
@given(steps=st.lists(step, min_size=4, max_size=12))
@example(steps=[("venv", "a", PY_A), ("cd", "a/sub"), ("deny", "a"), ("pin", "c", PY_B), ("forget", "a")])
@example(
    steps=[
        ("pin", "a", PY_A),
        ("cd", "a/sub/deep/l4/l5/l6/l7/l8/l9"),
        ("cd", "a"),
        ("cd", "a/sub/deep/l4/l5/l6/l7/l8/l9"),
        ("pin", "a/sub/deep/l4/l5", PY_B),
        ("cd", "a"),
        ("rmpin", "a/sub/deep/l4/l5"),
        ("cd", "a/sub/deep/l4/l5/l6/l7/l8/l9"),
        ("config", "a/sub", "enabled = false"),
        ("rmconfig", "a/sub"),
    ]
)
def test_fast_path_equals_full_resolution(shell: str, steps: list[tuple[str, ...]]) -> None:
    if find_shell(shell) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{shell} is not installed, and CI must run every shell")
        pytest.skip(not_installed(shell))
    base = pathlib.Path(tempfile.mkdtemp(prefix="fastslow-"))
    world = World(shell, base)
    try:
        root = world.projects
        for name in DIRS:
            (root / name).mkdir(parents=True, exist_ok=True)
        sh = world.start()
        sh.cd(root)
        cli_env = {k: os.fsdecode(v) for k, v in sh.env().items()}
        venvs_made = [0]
        here = root
        for action in steps:
            target = apply_step(root, action, venvs_made, cli_env)
            if target is not None:
                here = root / target
                sh.cd(here)
            else:
                sh.run(noop(shell))
            env = sh.env()
            shell_key = os.fsdecode(env[plan.KEY]) if plan.KEY in env else None
            # PowerShell keeps no $env:PWD: where it stands is its own $PWD.
            where = sh.run("$PWD.ProviderPath").rstrip("\n") if shell == "pwsh" else None
            expected = model_key(root, env, where)
            if shell_key != expected and target is None and ignored_config_on_the_way(env, where):
                # As designed (resolve/project.py): past a config file that is ignored, the directories
                # above are checked when the answer is read, at a cd, not at every prompt.
                sh.cd(here)
                env = sh.env()
                shell_key = os.fsdecode(env[plan.KEY]) if plan.KEY in env else None
            assert shell_key == expected, (action, steps)
    finally:
        world.close()
        shutil.rmtree(base, ignore_errors=True)
