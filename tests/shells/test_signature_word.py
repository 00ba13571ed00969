"""The hook's one-word resolution signature (bash, zsh) equals Python's ``answer.signature``.

A cached answer is used only while the signature the shell computes equals the one Python stored with
it, so the two must agree byte for byte: set, set-but-empty and unset variables, and values holding
anything an environment value can hold.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autovenv import answer
from autovenv.shells import posix_hook
from tests.hostile import PIECES, env_safe
from tests.shells.pty_shell import find_shell

pytestmark = pytest.mark.shell

value = st.one_of(
    st.none(),
    st.just(""),
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join).filter(env_safe),
    st.binary(max_size=24).map(lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")),
)
#: HOME is always set: zsh sets it itself when the environment lacks it.
environments = st.fixed_dictionaries(
    {name: value.filter(lambda v: v is not None) if name == "HOME" else value for name in answer.ENV_DEPS}
)


def shell_signature(shell: str, env: dict[str, str | None]) -> str:
    exe = find_shell(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed")
    script = f"s={posix_hook.usersig(answer.ENV_DEPS)}; printf '%s' \"$s\""
    child = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    child.update({k: v for k, v in env.items() if v is not None})
    encoded = {k: os.fsencode(v) for k, v in child.items()}
    args = [exe, "-c", script] if shell == "bash" else [exe, "-f", "-c", "emulate -L zsh; " + script]
    out = subprocess.run(args, env=encoded, capture_output=True, check=True).stdout  # type: ignore[arg-type]
    return os.fsdecode(out)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(env=environments)
def test_one_word_signature_equals_pythons(shell: str, env: dict[str, str | None]) -> None:
    view = {k: v for k, v in env.items() if v is not None}
    assert shell_signature(shell, env) == answer.signature(view)
