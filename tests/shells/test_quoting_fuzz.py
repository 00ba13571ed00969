"""Hostile values through the real shells: every adapter's quoting reads back byte-identical, runs nothing.

Property-based (hypothesis). Values are what paths and environment values can be: any text without NUL,
non-UTF-8 bytes as surrogate escapes, quotes, ``$()``, backticks, ``;``, ``&``, ``|``, newline, CR,
backslash, ``%``, ``!``, glob characters, a leading ``-``, very long runs, PowerShell's curly quotes.
Each test keeps ONE long-lived, non-interactive shell per shell (``bash --norc``, ``zsh -f``,
``fish --no-config``, ``pwsh -NoProfile``) that sources script files named on its stdin; each script
writes what the shell read back into files, compared here byte for byte (PowerShell: UTF-16 code unit
for code unit, since its strings are UTF-16 and a value that was not UTF-8 arrives as lone surrogates).
Every example also checks that no ``CANARY`` file appeared and that the shell said nothing on stderr.
PowerShell's answers are read by the hook's own ``__autovenv_parse`` (validator, then evaluation). The
interactive end of it (hostile directory names through the installed hook, hostile prompt text) runs in
real interactive shells through the pty harness.

Default: 1,000 examples per shell (PowerShell: 400; derandomized under ``CI``); ``-m slow`` runs 10,000.
"""

from __future__ import annotations

import json
import os
import pathlib
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autovenv import shells
from autovenv.answer import FORMAT, Answer
from autovenv.plan import Plan
from autovenv.shells import fish as fish_shell
from autovenv.shells import pwsh as pwsh_shell
from tests.hostile import PIECES, env_safe
from tests.shells.conftest import (
    BASE_PATH,
    PY_A,
    PY_B,
    PYENV_ROOT,
    World,
    make_venv,
    noop,
    not_installed,
    shown_prompt,
)
from tests.shells.pty_shell import find_shell

pytestmark = pytest.mark.shell

SHELLS = ("bash", "zsh", "fish", "pwsh")
CI = bool(os.environ.get("CI"))
EXAMPLES = 1000
#: PowerShell reads a long quoted value slowly (a value of thousands of non-ASCII characters is one expression
#: of thousands of terms: a second or more): a fifth of its examples take three quarters of its time, so its
#: default run is shorter; ``-m slow`` runs 10,000 there too.
PWSH_EXAMPLES = 400
#: Whole renderings are many quoted values each: fewer examples cover as many values.
RENDER_EXAMPLES = 300
SLOW_EXAMPLES = 10_000


def profile(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=CI,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ---------------------------------------------------------------------------------------- values

pieces = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
#: Weighted towards short hostile strings; one value in ten is very long (up to ~20,000 characters).
hostile = st.one_of(
    pieces,
    pieces,
    pieces,
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    st.binary(max_size=80).map(lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")),
    st.binary(max_size=80).map(lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")),
    pieces,
    pieces,
    st.builds(lambda piece, n: piece * n, st.sampled_from(PIECES), st.integers(50, 1500)),
).filter(env_safe)


def raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------------------- the reader shell


class ShellReader:
    """One non-interactive shell that sources the script files whose paths it reads on stdin.

    After each script it prints ``DONE``; a script that kills the shell, hangs it or makes it read
    stdin (an injection would) fails the example, and the next one starts a fresh shell.
    """

    LOOPS: ClassVar[dict[str, list[str]]] = {
        "bash": [
            "--norc",
            "--noprofile",
            "-c",
            "while IFS= read -r __f; do builtin source \"$__f\"; builtin printf 'DONE\\n'; done",
        ],
        "zsh": ["-f", "-c", "while IFS= read -r __f; do builtin source \"$__f\"; builtin print DONE; done"],
        "fish": ["--no-config", "-c", "while read -l __f; source $__f; builtin echo DONE; end"],
        "pwsh": ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
                 "while ($null -ne ($__f = [Console]::In.ReadLine())) { "
                 ". $__f; [Console]::Out.WriteLine('DONE') }"],
    }  # fmt: skip

    def __init__(self, shell: str, work: pathlib.Path) -> None:
        self.shell = shell
        self.work = work
        self.cwd = work / "cwd"
        self.cwd.mkdir(exist_ok=True)
        self.out = work / "out"
        self.script = work / ("script.ps1" if shell == "pwsh" else f"script.{shell}")  # pwsh runs only .ps1
        self.errors = work / "stderr"
        self.proc: subprocess.Popen[bytes] | None = None
        #: Sourced first in every new process of this shell (PowerShell: the hook, for its parser).
        self.preamble = ""

    def _start(self) -> subprocess.Popen[bytes]:
        binary = find_shell(self.shell)
        assert binary is not None
        env = {
            "PATH": BASE_PATH,
            "LANG": "C.UTF-8",
            "HOME": str(self.work),
            "XDG_CONFIG_HOME": str(self.work),
        }
        with open(self.errors, "ab") as errors:
            return subprocess.Popen(
                [binary, *self.LOOPS[self.shell]],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                cwd=self.cwd,
                env=env,
            )

    def source(self, text: str, timeout: float = 20.0) -> None:
        """Run ``text`` (shell code; surrogate escapes become raw bytes) in the shell; fail on trouble."""
        self.out.mkdir(exist_ok=True)
        for leftover in os.listdir(self.out):
            os.unlink(self.out / leftover)
        self.errors.write_bytes(b"")
        self.script.write_bytes(raw(text))
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
            if self.preamble:
                preamble = self.work / ("preamble.ps1" if self.shell == "pwsh" else "preamble")
                preamble.write_bytes(raw(self.preamble))
                assert self.proc.stdin is not None and self.proc.stdout is not None
                self.proc.stdin.write(os.fsencode(preamble) + b"\n")
                self.proc.stdin.flush()
                assert self.proc.stdout.readline() == b"DONE\n", self.errors.read_bytes()
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(os.fsencode(self.script) + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            line = proc.stdout.readline() if ready else b""
        except BrokenPipeError:
            line = b""
        if line != b"DONE\n":
            self.close()
            pytest.fail(
                f"{self.shell} did not finish the script (got {line!r}); stderr: {self.errors.read_bytes()!r}"
            )
        stderr = self.errors.read_bytes()
        assert stderr == b"", f"{self.shell} complained: {stderr!r}"
        # Injected commands run in the shell's working directory, which nothing else writes to.
        assert not os.listdir(self.cwd), f"something executed: {os.listdir(self.cwd)}"

    def read(self, name: str) -> bytes | None:
        path = self.out / name
        return path.read_bytes() if path.exists() else None

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.stdin:
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()
            self.proc = None


@pytest.fixture(params=SHELLS)
def reader(request: pytest.FixtureRequest) -> Iterator[ShellReader]:
    shell: str = request.param
    if find_shell(shell) is None:
        if CI:
            pytest.fail(f"{shell} is not installed, and CI must run every shell")
        pytest.skip(not_installed(shell))
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"quote-fuzz-{shell}-"))
    r = ShellReader(shell, work)
    if shell == "pwsh":
        from autovenv import hook

        r.preamble = hook.render("pwsh")
    try:
        yield r
    finally:
        r.close()
        shutil.rmtree(work, ignore_errors=True)


def units(value: str) -> bytes:
    """How the PowerShell dumps write a string: its UTF-16 code units in decimal, space-separated."""
    data = value.encode("utf-16-le", "surrogatepass")
    return " ".join(str(data[i] | data[i + 1] << 8) for i in range(0, len(data), 2)).encode()


def read_back(shell: str, value: str) -> bytes:
    """What a dump of ``value`` holds: its bytes, or (PowerShell) its code units."""
    return units(value) if shell == "pwsh" else raw(value)


def pwsh_dump(expr: str, name: str, out: pathlib.Path) -> str:
    """PowerShell code writing the code units of ``expr`` into ``out/name``, or nothing when it is null."""
    target = pwsh_shell.quote(str(out / name))
    return (
        f"$__x = {expr}; if ($null -ne $__x) {{ [System.IO.File]::WriteAllText({target}, "
        "[string]::Join(' ', [int[]][char[]][string]$__x)) }"
    )


def set_exported(shell: str, name: str, value: str) -> str:
    q = shells.get(shell).quote
    if shell == "pwsh":
        return f"$env:{name} = {q(value)}"
    return f"set -gx {name} {q(value)}" if shell == "fish" else f"export {name}={q(value)}"


def dump_scalar(shell: str, expr: str, name: str, out: pathlib.Path) -> str:
    """Code writing ``expr`` (a variable reference) into ``out/name``, or nothing when it is unset."""
    q = shells.get(shell).quote
    target = q(str(out / name))
    if shell == "pwsh":
        return pwsh_dump(expr, name, out)
    if shell == "fish":
        var = expr.lstrip("$")
        return f"set -q {var}; and builtin printf '%s' \"${var}\" > {target}"
    var = expr.lstrip("$")
    return f"[[ -n ${{{var}+x}} ]] && builtin printf '%s' \"${{{var}}}\" >| {target}"


def dump_list(shell: str, var: str, name: str, out: pathlib.Path) -> str:
    """Code writing each element of list ``var`` followed by NUL (values never hold one)."""
    target = shells.get(shell).quote(str(out / name))
    if shell == "pwsh":  # each element's code units, then a NUL
        count = pwsh_shell.quote(str(out / name) + ".n")
        return (
            "$__l = [System.Collections.Generic.List[string]]::new(); "
            f"foreach ($__i in @(${var})) {{ "
            "$__l.Add([string]::Join(' ', [int[]][char[]][string]$__i) + [char]0) }; "
            f"[System.IO.File]::WriteAllText({target}, [string]::Join('', $__l)); "
            f"[System.IO.File]::WriteAllText({count}, [string]@(${var}).Count)"
        )
    if shell == "fish":
        return f"builtin printf '%s\\0' ${var} > {target}; builtin printf '%s' (count ${var}) > {target}.n"
    elements, count = f'"${{{var}[@]}}"', f'"${{#{var}[@]}}"'
    return f"builtin printf '%s\\0' {elements} >| {target}; builtin printf '%s' {count} >| {target}.n"


def read_list(reader: ShellReader, name: str) -> list[bytes]:
    data = reader.read(name) or b""
    count = int(reader.read(name + ".n") or b"0")
    items = data.split(b"\0")[:-1] if count else []
    assert len(items) == count, (data, count)
    return items


# ---------------------------------------------------------------------------------------- adapter.quote


def check_quote(reader: ShellReader, values: list[str]) -> None:
    shell = reader.shell
    q = shells.get(shell).quote
    quoted = [q(v) for v in values]
    words = " ".join(quoted)
    lines = []
    if shell == "pwsh":  # an argument in command mode, not expression mode: to a function, as a user's
        lines.append("function __arg { param($v) $global:__w = $v }")
    for i, word in enumerate(quoted):
        # As a variable's value, and as a command argument (word context, a leading '-' included).
        if shell == "pwsh":
            lines.append(f"$__v = {word}")
            lines.append(dump_scalar(shell, "$__v", f"v{i}", reader.out))
            lines.append(f"__arg {word}")
            lines.append(dump_scalar(shell, "$__w", f"w{i}", reader.out))
            continue
        lines.append(f"set -g __v {word}" if shell == "fish" else f"__v={word}")
        lines.append(dump_scalar(shell, "$__v", f"v{i}", reader.out))
        lines.append(f"builtin printf '%s' {word} > {q(str(reader.out / f'w{i}'))}")
    if shell == "pwsh":
        lines.append(f"$__a = {pwsh_shell.quote_list(values)}")
    else:
        lines.append(f"set -g __a {words}" if shell == "fish" else f"__a=({words})")
    lines.append(dump_list(shell, "__a", "list", reader.out))
    reader.source("\n".join(lines) + "\n")
    for i, value in enumerate(values):
        assert reader.read(f"v{i}") == read_back(shell, value), f"as a variable: {value!r}"
        assert reader.read(f"w{i}") == read_back(shell, value), f"as an argument: {value!r}"
    assert read_list(reader, "list") == [read_back(shell, v) for v in values]


def test_quote_round_trips_through_the_real_shell(reader: ShellReader) -> None:
    @profile(PWSH_EXAMPLES if reader.shell == "pwsh" else EXAMPLES)
    @given(st.lists(hostile, min_size=1, max_size=6))
    def check(values: list[str]) -> None:
        check_quote(reader, values)

    check()


@pytest.mark.slow
def test_quote_round_trips_through_the_real_shell_slow(reader: ShellReader) -> None:
    @profile(SLOW_EXAMPLES)
    @given(st.lists(hostile, min_size=1, max_size=6))
    def check(values: list[str]) -> None:
        check_quote(reader, values)

    check()


# ---------------------------------------------------------------------------------------- render_plan

PLAN_NAMES = (
    "VIRTUAL_ENV",
    "VIRTUAL_ENV_PROMPT",
    "PYTHONHOME",
    "AUTOVENV_KEY",
    "AUTOVENV_OLD_PYENV_VERSION",
    "PATH",
)
BEFORE = "before-value"


def check_plan(reader: ShellReader, changes: dict[str, str | None]) -> None:
    """Evaluate ``render_plan`` after setting every name, then read back each variable and the exports."""
    shell = reader.shell
    adapter = shells.get(shell)
    q = adapter.quote
    lines = []
    for name in PLAN_NAMES:
        lines.append(set_exported(shell, name, BEFORE))
    lines.append(adapter.render_plan(Plan(changes, None, rehash=True)).rstrip("\n"))
    for name in PLAN_NAMES:
        if shell == "pwsh":
            value = f"[System.Environment]::GetEnvironmentVariable('{name}')"
            lines.append(pwsh_dump(value, name, reader.out))
        else:
            lines.append(dump_scalar(shell, f"${name}", name, reader.out))
    lines.append(f"{'& ' if shell == 'pwsh' else ''}'/usr/bin/env' -0 > {q(str(reader.out / 'env'))}")
    # Put PATH back for the loop's next round (it uses builtins only, but be tidy).
    lines.append(set_exported(shell, "PATH", BASE_PATH))
    reader.source("\n".join(lines) + "\n")
    exported = dict(entry.partition(b"=")[::2] for entry in (reader.read("env") or b"").split(b"\0") if entry)
    for name in PLAN_NAMES:
        value = changes.get(name, BEFORE)
        want = None if value is None else raw(value)
        if shell == "fish" and name == "PATH" and want is not None:
            # fish itself keeps an empty PATH element as "." (both mean the current directory), and the
            # PATH a plan computes comes from fish's own, so it never holds one.
            want = b":".join(part or b"." for part in want.split(b":"))
        got = reader.read(name)
        if shell == "pwsh":
            # .NET keeps the environment as UTF-8: a lone surrogate (a byte that was not UTF-8 when
            # Python read it) becomes U+FFFD there, for the shell and its children; nothing else changes.
            held = None if value is None else "".join(
                "\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in value
            )
            assert got == (None if held is None else units(held)), f"{name}: {value!r}"
            want = None if held is None else held.encode()
        else:
            assert got == want, f"{name}: {changes.get(name, BEFORE)!r}"
        got_env = exported.get(name.encode())
        assert got_env == want, f"exported {name}: {changes.get(name, BEFORE)!r}"


def test_render_plan_round_trips_through_the_real_shell(reader: ShellReader) -> None:
    @profile(RENDER_EXAMPLES)
    @given(st.dictionaries(st.sampled_from(PLAN_NAMES), st.one_of(st.none(), hostile), min_size=1))
    def check(changes: dict[str, str | None]) -> None:
        check_plan(reader, changes)

    check()


# ---------------------------------------------------------------------------------------- render_answer

SCALARS = ("key", "root", "venv", "prompt", "msg")
#: Operations with hostile names and values: the hook must read back exactly what Python wrote.
OPERATIONS = st.lists(st.tuples(st.sampled_from(["set", "unset", "prepend"]), hostile, hostile), max_size=3)


def make_answer(fields: list[str], ops: list[tuple[str, str, str]], notes: list[str], watch: list[str],
                quiet: bool) -> Answer:  # fmt: skip
    values = dict(zip(SCALARS, fields))
    return Answer(
        key=values["key"], root=values["root"], venv=values["venv"], prompt=values["prompt"],
        operations=tuple(ops), message=values["msg"], quiet=quiet, notes=tuple(notes), watch=tuple(watch),
        sig=fields[-1],
    )  # fmt: skip


def check_answer(
    reader: ShellReader,
    fields: list[str],
    ops: list[tuple[str, str, str]],
    notes: list[str],
    watch: list[str],
    quiet: bool,
) -> None:
    """bash and zsh source an answer, PowerShell decodes it (fish reads it: see check_fish_entry)."""
    shell = reader.shell
    answer = make_answer(fields, ops, notes, watch, quiet)
    text = shells.get(shell).render_answer(answer)
    names = [name for name, _ in answer.scalars(FORMAT)]
    if shell == "pwsh":
        # Read as the hook reads a cache entry: its own decoder, which evaluates nothing (shell/autovenv.ps1).
        entry = reader.work / "entry"
        entry.write_bytes(text.encode("ascii"))
        lines = [f"$__e = __autovenv_parse ([System.IO.File]::ReadAllText({pwsh_shell.quote(str(entry))}))"]
        for field in names:
            lines.append(pwsh_dump(f"$__e['{field}']", field, reader.out))
        lines.append("$__ops = $__e['ops']; $__notes = $__e['notes']; $__watch = $__e['watch']")
        for field in ("ops", "notes", "watch"):
            lines.append(dump_list(shell, f"__{field}", field, reader.out))
    else:
        lines = [text.rstrip("\n")]
        for field in names:
            lines.append(dump_scalar(shell, f"$__autovenv_e_{field}", field, reader.out))
        for field in ("ops", "notes", "watch"):
            lines.append(dump_list(shell, f"__autovenv_e_{field}", field, reader.out))
    reader.source("\n".join(lines) + "\n")
    for field, value in answer.scalars(FORMAT):
        assert reader.read(field) == read_back(shell, value), field
    assert read_list(reader, "ops") == [read_back(shell, word) for word in answer.flat_operations()]
    assert read_list(reader, "notes") == [read_back(shell, n) for n in notes]
    assert read_list(reader, "watch") == [read_back(shell, w) for w in watch]


def test_render_answer_round_trips_through_the_real_shell(reader: ShellReader) -> None:
    if reader.shell == "fish":
        pytest.skip("fish reads its answers: test_fish_entry_round_trips_through_read_tokenize")

    @profile(RENDER_EXAMPLES)
    @given(
        st.lists(hostile, min_size=len(SCALARS) + 1, max_size=len(SCALARS) + 1),
        OPERATIONS,
        st.lists(hostile, max_size=3),
        st.lists(hostile, max_size=4),
        st.booleans(),
    )
    def check(
        fields: list[str], ops: list[tuple[str, str, str]], notes: list[str], watch: list[str], quiet: bool
    ) -> None:
        check_answer(reader, fields, ops, notes, watch, quiet)

    check()


def check_fish_entry(
    reader: ShellReader,
    fields: list[str],
    ops: list[tuple[str, str, str]],
    notes: list[str],
    watch: list[str],
    quiet: bool,
) -> None:
    """The fish hook reads a cache entry's five lines with `read --tokenize` (and sources the same text
    from the cold path): every field, watched path, note, test position and operation must come back
    exactly, and nothing may run."""
    answer = make_answer(fields, ops, notes, watch, quiet)
    text = shells.get("fish").render_answer(answer)
    entry = reader.work / "entry"
    entry.write_bytes(raw(text))
    q = shells.get("fish").quote
    lines = [
        *(f"set -g __l{i}" for i in range(1, 6)),
        f"begin; {'; '.join(f'read -ta __l{i}' for i in range(1, 6))}; end <{q(str(entry))}",
        *(dump_list("fish", f"__l{i}", f"l{i}", reader.out) for i in range(1, 6)),
        text.rstrip("\n"),
        *(dump_list("fish", name, name, reader.out) for name in ("__autovenv_e", "__autovenv_eo")),
    ]
    reader.source("\n".join(lines) + "\n")
    scalars = [value for _, value in answer.scalars(FORMAT)]
    fields_and_watch = [raw(v) for v in (*scalars, *watch)]
    assert read_list(reader, "l1") == [b"set", b"-g", b"__autovenv_e", *fields_and_watch]
    assert read_list(reader, "l2") == [b"set", b"-g", b"__autovenv_en", *(raw(n) for n in notes)]
    checked, on_prompt = fish_shell.test_positions(len(watch), len(watch))
    assert read_list(reader, "l3") == [b"set", b"-g", b"__autovenv_ev", *(str(i).encode() for i in checked)]
    assert read_list(reader, "l4") == [b"set", b"-g", b"__autovenv_ep", *(str(i).encode() for i in on_prompt)]
    flat = [raw(word) for word in answer.flat_operations()]
    assert read_list(reader, "l5") == [b"set", b"-g", b"__autovenv_eo", *flat]
    assert read_list(reader, "__autovenv_e") == fields_and_watch
    assert read_list(reader, "__autovenv_eo") == flat


def test_fish_entry_round_trips_through_read_tokenize(reader: ShellReader) -> None:
    if reader.shell != "fish":
        pytest.skip("the fish hook's own way of reading a cache entry")

    @profile(RENDER_EXAMPLES)
    @given(
        st.lists(hostile, min_size=len(SCALARS) + 1, max_size=len(SCALARS) + 1),
        OPERATIONS,
        st.lists(hostile, max_size=3),
        st.lists(hostile, max_size=4),
        st.booleans(),
    )
    def check(
        fields: list[str], ops: list[tuple[str, str, str]], notes: list[str], watch: list[str], quiet: bool
    ) -> None:
        check_fish_entry(reader, fields, ops, notes, watch, quiet)

    check()


# ---------------------------------------------------------------------------------------- render_hook

path_component = hostile.map(lambda v: v.replace("/", "_")[:200]).filter(lambda v: v not in ("", ".", ".."))


def test_render_hook_keeps_hostile_install_paths_exact(reader: ShellReader) -> None:
    """autovenv installed under a hostile HOME: the hook's own variables hold the paths exactly."""
    from autovenv import hook

    adapter = shells.get(reader.shell)
    real = hook.hook_values({"HOME": str(reader.work), "XDG_CACHE_HOME": str(reader.work / "cache")})

    @profile(100)
    @given(path_component, path_component)
    def check(home: str, python: str) -> None:
        cache = f"/home/{home}/.cache/autovenv"
        export = [f"/opt/{python}/bin/python", *list(real["AUTOVENV_EXPORT"])[1:]]
        text = adapter.render_hook({**real, "AUTOVENV_CACHE": cache, "AUTOVENV_EXPORT": export})
        lines = [text.rstrip("\n")]
        lines.append(dump_scalar(reader.shell, "$__autovenv_cache", "cache", reader.out))
        lines.append(dump_list(reader.shell, "__autovenv_export", "export", reader.out))
        reader.source("\n".join(lines) + "\n")
        assert reader.read("cache") == read_back(reader.shell, cache)
        assert read_list(reader, "export") == [read_back(reader.shell, part) for part in export]

    check()


# ---------------------------------------------------------------------------------------- through the hook


def dir_name_ok(name: str) -> bool:
    data = raw(name)
    return "/" not in name and name not in (".", "..") and 0 < len(data) <= 255


directory_names = (
    st.one_of(
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join),
        st.binary(min_size=1, max_size=40).map(
            lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")
        ),
        st.builds(
            lambda piece, n: (piece * n)[:250],
            st.sampled_from(["x", "é", "'", "$(touch CANARY)"]),
            st.integers(50, 250),
        ),
    )
    .map(lambda v: v.replace("/", "_"))
    .filter(lambda v: env_safe(v) and dir_name_ok(v))
)


def stable(env: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in env.items() if k not in {"PWD", "OLDPWD", "_", "SHLVL"}}


def test_hostile_directory_names_through_the_interactive_hook(world: World) -> None:
    """One interactive session; each generated name is a project pinning Python, entered and left."""
    world.env["AUTOVENV_TIMEOUT_MS"] = "10000"  # a loaded CI box must not turn a slow start into a skip
    sh = world.start()
    sh.cd(world.projects)
    before = stable(sh.env())
    bin_dir = PYENV_ROOT / "versions" / PY_B / "bin"
    if not bin_dir.is_dir():
        pytest.skip(f"pyenv Python {PY_B} is not installed under {PYENV_ROOT}")

    @profile(30)
    @given(directory_names)
    def check(name: str) -> None:
        if world.shell == "pwsh":
            # UTF-16 strings cannot name bytes that are not UTF-8; on Linux a backslash is a separator;
            # and PowerShell 7.6's own `cd -LiteralPath` still matches * ? [ ] as a pattern (to `*` it
            # enters any sibling), so a test could not tell where the shell stands.
            assume(not any(c in "\\*?[]" or 0xD800 <= ord(c) <= 0xDFFF for c in name))
        where = os.fsencode(world.projects) + b"/" + raw(name)
        os.makedirs(where, exist_ok=True)
        with open(where + b"/.python-version", "w") as handle:
            handle.write(PY_B + "\n")
        out = sh.cd(where)
        assert out.startswith(f"autovenv: using Python {PY_B} in "), name
        assert out.endswith(" (.python-version)\n") and out.count("\n") == 1, name
        env = sh.env()
        assert env["AUTOVENV_ROOT"] == where
        assert env["PYENV_VERSION"] == PY_B.encode()
        assert env["PATH"] == os.fsencode(f"{bin_dir}:{world.path}")
        assert sh.cd(world.projects) == "autovenv: deactivated\n"
        assert stable(sh.env()) == before
        assert not list(world.root.rglob("CANARY*"))

    check()


# ---------------------------------------------------------------------------------------- prompt text

PROMPT_PAYLOAD = "$(touch CANARY)`touch CANARY2`"


def toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string (ASCII, \" \\ \uXXXX escapes) is a valid TOML basic string


def prompt_variant(shell: str, variant: str) -> None:
    if variant == "prompt_subst" and shell != "zsh":
        pytest.skip("prompt_subst is a zsh option")


@pytest.mark.parametrize("source", ["config-prompt", "venv-name"])
@pytest.mark.parametrize("variant", ["default", "prompt_subst"])
def test_hostile_prompt_text_never_runs(
    world: World, request: pytest.FixtureRequest, source: str, variant: str
) -> None:
    """A checkout's ``prompt = "..."`` (or its venv's directory name) is data: it must never execute.

    bash expands ``$(...)`` and backticks in PS1 by default (``promptvars``), zsh with ``prompt_subst``
    (set by most zsh frameworks); the hook prepends the prompt text to PS1 verbatim.
    """
    prompt_variant(world.shell, variant)
    project = world.projects / "shop"
    project.mkdir()
    if source == "config-prompt":
        make_venv(project / ".venv", PY_A)
        (project / ".autovenv.toml").write_text(f"prompt = {toml_string(PROMPT_PAYLOAD)}\n")
        venv = project / ".venv"
    else:
        venv = make_venv(project / PROMPT_PAYLOAD, PY_A)
        (project / ".autovenv.toml").write_text(f"venv = {toml_string(PROMPT_PAYLOAD)}\n")
    world.env["AUTOVENV_TIMEOUT_MS"] = "10000"
    sh = world.start(before="setopt prompt_subst" if variant == "prompt_subst" else "")
    sh.cd(project)
    for _ in range(3):
        sh.run(noop(world.shell))
    assert sh.env().get("VIRTUAL_ENV") == os.fsencode(venv)
    assert not list(world.root.rglob("CANARY*")), "the prompt text ran as code"


@pytest.mark.parametrize("variant", ["default", "prompt_subst"])
def test_prompt_prefix_is_shown_literally(world: World, request: pytest.FixtureRequest, variant: str) -> None:
    """The prefix a user sees is the text configured, whatever prompt escapes (``\\u``, ``%n``) it holds."""
    prompt_variant(world.shell, variant)
    text = r"50% \u %n $HOME"
    project = world.projects / "shop"
    make_venv(project / ".venv", PY_A)
    (project / ".autovenv.toml").write_text(f"prompt = {toml_string(text)}\n")
    world.env["AUTOVENV_TIMEOUT_MS"] = "10000"
    sh = world.start(before="setopt prompt_subst" if variant == "prompt_subst" else "")
    sh.cd(project)
    if world.shell == "pwsh":
        shown = shown_prompt(sh)
    elif world.shell == "fish":
        shown = sh.run("fish_prompt; echo").rstrip("\n")
    elif world.shell == "bash":
        shown = sh.run("builtin printf '%s\\n' \"${PS1@P}\"").rstrip("\n")
    else:
        shown = sh.run('builtin print -rP -- "$PS1"').rstrip("\n")
    assert shown == f"({text}) $ "
