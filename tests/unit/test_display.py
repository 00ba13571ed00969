"""Rule 5: text from files, names and paths is data. ``display.text`` makes any string one printable line;
``display.word`` quotes a name so that pasting it into the user's shell gives back exactly that name
(bash, zsh, fish and PowerShell each read their own quoting), checked through the real shells."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autovenv import display
from tests.hostile import PIECES, env_safe
from tests.shells.pty_shell import find_shell

PROFILE = settings(
    max_examples=200, deadline=None, derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
BIDI = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
        "\u2068", "\u2069", "\u2028", "\u2029", "\ufeff", "\u200b"]  # fmt: skip
hostile = st.one_of(
    st.lists(st.sampled_from([*PIECES, *CONTROLS, *BIDI]), max_size=16).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
    st.binary(max_size=24).map(lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")),
).filter(env_safe)


@pytest.mark.parametrize("char", CONTROLS + BIDI + ["\udcff"])
def test_text_escapes_every_character_a_terminal_would_act_on(char: str) -> None:
    shown = display.text(f"a{char}b")
    assert shown.isprintable() and shown.startswith("a\\") and shown.endswith("b")


@given(hostile)
def test_text_is_one_printable_line_and_idempotent(value: str) -> None:
    shown = display.text(value)
    assert shown.isprintable()
    assert display.text(shown) == shown
    if value.isprintable():
        assert shown == value


@pytest.mark.parametrize(
    ("environ", "shell"),
    [
        ({"AUTOVENV_HOOK": "fish:12"}, "fish"),
        ({"SHELL": "/usr/bin/zsh"}, "zsh"),
        ({"SHELL": "/opt/pwsh"}, "pwsh"),
        ({"AUTOVENV_HOOK": "bash:1", "SHELL": "/bin/fish"}, "bash"),
        ({}, "bash"),
        ({"SHELL": "/bin/tcsh"}, "bash"),
    ],
)
def test_user_shell(environ: dict[str, str], shell: str) -> None:
    assert display.user_shell(environ) == shell


def pwsh() -> str | None:
    return os.environ.get("AUTOVENV_TEST_PWSH") or shutil.which("pwsh")


def read_back(shell: str, words: list[str]) -> list[bytes]:
    """What ``shell`` makes of each word, as an argument, each ended by NUL."""
    if shell == "pwsh":
        exe = pwsh()
        if exe is None:
            pytest.skip("no pwsh here")
        show = "function show { [Console]::Out.Write([string]$args[0] + [char]0) }"
        lines = [show, *(f"show {w}" for w in words)]
        with tempfile.TemporaryDirectory() as folder:
            script = os.path.join(folder, "words.ps1")
            with open(script, "w", encoding="utf-8-sig") as handle:
                handle.write("\n".join(lines) + "\n")
            out = subprocess.run(
                [exe, "-NoProfile", "-NonInteractive", "-File", script],
                capture_output=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8", "TERM": "dumb"},
            )  # fmt: skip
        return out.stdout.split(b"\0")[:-1]
    binary = find_shell(shell)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(f"{shell} is not installed, and CI must run every shell")
        pytest.skip(f"{shell} is not installed")
    script = "\n".join(f"printf '%s\\0' {w}" for w in words) + "\n"
    env = {**os.environ, "LANG": "C.UTF-8"}
    out = subprocess.run([binary, "-c", script], capture_output=True, timeout=60, env=env)
    return out.stdout.split(b"\0")[:-1]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "pwsh"])
def test_word_reads_back_exactly_in_each_shell_and_shows_printably(shell: str, tmp_path: object) -> None:
    values: list[str] = []

    @PROFILE
    @given(hostile.filter(lambda v: v != ""))
    def collect(value: str) -> None:
        values.append(value)

    collect()
    if shell == "pwsh":  # PowerShell strings are UTF-16: bytes that are not UTF-8 have no spelling there
        values = [v for v in values if not any(0xDC80 <= ord(c) <= 0xDCFF for c in v)]
    words = [display.word(v, shell) for v in values]
    assert all(w.isprintable() for w in words)
    got = read_back(shell, words)
    expected = [v.encode("utf-8", "surrogateescape") for v in values]
    assert got == expected
