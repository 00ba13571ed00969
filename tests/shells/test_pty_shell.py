"""Self-tests for the pty harness, against the real bash, zsh, fish and PowerShell 7.

Why: every shell-integration test in this project trusts the harness to report exactly what a user's
terminal shows.  These tests pin that down for each shell: output and status capture, hook output after
``cd``, byte-exact environment and variable reads, and quoting of hostile directory names.
"""

from __future__ import annotations

import os
import pathlib
import random
import time
from typing import Iterator

import pytest

from tests.shells.conftest import not_installed
from tests.shells.pty_shell import (
    SHELLS,
    InteractiveShell,
    ShellError,
    ShellExitedError,
    ShellTimeoutError,
    find_shell,
    pwsh_home,
    quote,
)

pytestmark = pytest.mark.shell

SHELL_PARAMS = [
    pytest.param(name, marks=pytest.mark.skipif(find_shell(name) is None, reason=not_installed(name)))
    for name in SHELLS
]

#: A prompt hook in the style of autovenv's: prints to stderr when the directory changed.
HOOK_RC = {
    "bash": (
        "__t_last=$PWD\n"
        "__t_hook() {\n"
        '  if [[ $PWD != "$__t_last" ]]; then __t_last=$PWD; '
        "printf 'hook: entered %s\\n' \"${PWD##*/}\" >&2; fi\n"
        "}\n"
        "PROMPT_COMMAND=__t_hook\n"
    ),
    "zsh": (
        "__t_last=$PWD\n"
        "__t_hook() {\n"
        '  if [[ $PWD != "$__t_last" ]]; then __t_last=$PWD; '
        "printf 'hook: entered %s\\n' \"${PWD:t}\" >&2; fi\n"
        "}\n"
        "precmd_functions+=(__t_hook)\n"
    ),
    "fish": (
        "set -g __t_last $PWD\n"
        "function __t_hook --on-event fish_prompt\n"
        '  if test "$PWD" != "$__t_last"\n'
        "    set -g __t_last $PWD\n"
        "    printf 'hook: entered %s\\n' (path basename -- $PWD) >&2\n"
        "  end\n"
        "end\n"
    ),
    "pwsh": (
        "$global:__t_last = $PWD.Path\n"
        "function global:prompt {\n"
        "  if ($PWD.Path -ne $global:__t_last) {\n"
        "    $global:__t_last = $PWD.Path\n"
        "    [Console]::Error.WriteLine('hook: entered ' + (Split-Path -Leaf $PWD.Path))\n"
        "  }\n"
        "  'PS> '\n"
        "}\n"
    ),
}

#: Prompts that are multi-line, coloured and include the cwd: the harness must strip them anyway.
FANCY_PROMPT_RC = {
    "bash": "PS1='\\[\\e[1;32m\\](venv) \\w\\[\\e[0m\\]\\n\\$ '\n",
    "zsh": "PS1=$'%B(venv) %~%b\\n%# '\nRPROMPT='[right]'\n",
    "fish": "function fish_prompt\n  printf '(venv) %s\\n> ' $PWD\nend\n",
    # One row: PowerShell's prompt is found as the last row drawn (see the harness docstring).
    "pwsh": 'function prompt { "$([char]27)[1;32m(venv) $($PWD.Path)$([char]27)[0m> " }\n',
}

HOSTILE_NAMES = [
    b"with space",
    b"it's",
    b'double"quote',
    b"$(touch pwned)",
    b"`touch pwned`",
    b"new\nline",
    b"latin1-\xe9-\xff\xfe",
    b"-leading-dash",
    b"tab\there",
    "ünïcødé ⏎ 🐍".encode(),
    b"back\\slash!bang",
    b"{a,b}*?[x]~#;|&<>%^",
]


def set_exported(shell: str, name: str, value: bytes) -> str:
    """Command that exports ``name`` with an arbitrary byte value."""
    if shell == "pwsh":
        return f"$env:{name} = {quote(shell, value)}"
    if shell == "fish":
        return f"set -gx {name} {quote(shell, value)}"
    return f"export {name}={quote(shell, value)}"


def set_local(shell: str, name: str, value: bytes) -> str:
    """Command that sets a shell variable without exporting it."""
    if shell == "pwsh":
        return f"${name} = {quote(shell, value)}"
    if shell == "fish":
        return f"set -g {name} {quote(shell, value)}"
    return f"{name}={quote(shell, value)}"


@pytest.fixture(params=SHELL_PARAMS)
def shell(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def home(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def sh(shell: str, home: pathlib.Path) -> Iterator[InteractiveShell]:
    with InteractiveShell(shell, home, "") as session:
        yield session


# -- quoting without a shell -------------------------------------------------------------------------


def test_quote_is_ascii_and_escapes_specials() -> None:
    assert quote("bash", "a'b") == "$'a\\x27b'"
    assert quote("zsh", b"\xff\n") == "$'\\xff\\x0a'"
    assert quote("fish", "a'b c") == "'a'\\x27'b c'"
    assert quote("fish", "") == "''"
    assert quote("bash", "") == "$''"
    assert quote("pwsh", 'a\'b "$x" `y` \u2019\U0001f692\n') == '"a\'b `"`$x`" ``y`` `u{2019}`u{1F692}`u{A}"'
    assert quote("pwsh", "") == '""'
    with pytest.raises(ValueError):
        quote("pwsh", b"latin1-\xe9")  # PowerShell strings cannot hold it
    with pytest.raises(ValueError):
        quote("bash", b"nul\0byte")
    with pytest.raises(ValueError):
        quote("tcsh", "x")
    for shell_name in SHELLS:
        data = "".join(map(chr, range(1, 0x800))).encode() if shell_name == "pwsh" else bytes(range(1, 256))
        assert quote(shell_name, data).isascii()


# -- running commands --------------------------------------------------------------------------------


def test_startup_file_is_read_and_its_output_kept(shell: str, home: pathlib.Path) -> None:
    rc = {
        "fish": "set -g RC_LOADED yes\necho from-rc\n",
        "pwsh": "$RC_LOADED = 'yes'\necho from-rc\n",
    }.get(shell, "RC_LOADED=yes\necho from-rc\n")
    with InteractiveShell(shell, home, rc) as sh:
        assert sh.startup_output == "from-rc\n"
        assert sh.var("RC_LOADED") == "yes"


def test_simple_command_and_status(sh: InteractiveShell) -> None:
    assert sh.run("echo hello") == "hello\n"
    assert sh.last_status == 0
    assert sh.run("false") == ""
    assert sh.last_status == 1
    assert sh.run("sh -c 'exit 7'") == ""
    assert sh.last_status == 7
    assert sh.run("true") == ""
    assert sh.last_status == 0


def test_stderr_and_unterminated_output(sh: InteractiveShell) -> None:
    if sh.shell == "pwsh":
        to_stderr = "[Console]::Error.WriteLine('{}')"
        assert sh.run(to_stderr.format("oops")) == "oops\n"
        assert sh.run("printf foo") == "foo\n"  # PowerShell ends the row before its prompt, as shown
        assert sh.run(f"echo one; {to_stderr.format('two')}; echo three") == "one\ntwo\nthree\n"
        assert sh.last_prompt == "PS " + str(sh.home) + "> "
        return
    assert sh.run("echo oops >&2") == "oops\n"
    assert sh.run("printf foo") == "foo"
    assert sh.run("echo one; echo two >&2; echo three") == "one\ntwo\nthree\n"


def test_hostile_command_text(sh: InteractiveShell) -> None:
    text = "a'b\"c $HOME `uname` $(uname) ünïcødé ⏎ \\ !x %s"
    assert sh.run(f"printf '%s\\n' {quote(sh.shell, text)}") == text + "\n"
    if sh.shell == "pwsh":  # Write-Output: one argument per line
        assert sh.run("echo 'tick ` tick' \"dollar `$HOME\" ünï") == "tick ` tick\ndollar $HOME\nünï\n"
        return
    assert sh.run("echo 'tick ` tick' \"dollar \\$HOME\" ünï") == "tick ` tick dollar $HOME ünï\n"


def test_control_characters_are_refused(sh: InteractiveShell) -> None:
    for bad in ("echo a\nb", "echo a\tb", "echo \x1b"):
        with pytest.raises(ValueError):
            sh.run(bad)
    assert sh.run("echo 'still fine'") == "still fine\n"


def test_large_output(sh: InteractiveShell) -> None:
    assert sh.run("seq 1 20000") == "".join(f"{i}\n" for i in range(1, 20001))


def test_syntax_error_is_reported_and_shell_stays_usable(sh: InteractiveShell) -> None:
    bad, message = {
        "bash": ("echo )", "syntax error"),
        "zsh": ("echo )", "parse error"),
        "pwsh": ("echo )", "Unexpected token ')'"),
    }.get(sh.shell, ("echo $?", "is not the exit status"))
    assert message in sh.run(bad)
    assert sh.run("echo ok") == "ok\n"


def test_cwd_argument(shell: str, home: pathlib.Path, tmp_path: pathlib.Path) -> None:
    with InteractiveShell(shell, home, "", cwd=tmp_path) as sh:
        assert sh.run("$PWD.Path" if shell == "pwsh" else "pwd") == f"{tmp_path}\n"


def test_start_and_first_command_are_fast(shell: str, home: pathlib.Path) -> None:
    started = time.monotonic()
    with InteractiveShell(shell, home, "") as sh:
        assert sh.run("echo hi") == "hi\n"
    # Typically 0.02-0.15 s (PowerShell: 0.6-1 s, .NET's start); generous for loaded CI machines.
    assert time.monotonic() - started < (8.0 if shell == "pwsh" else 2.0)


# -- prompt hooks and prompts ------------------------------------------------------------------------


def test_prompt_hook_output_after_cd(shell: str, home: pathlib.Path, tmp_path: pathlib.Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    with InteractiveShell(shell, home, HOOK_RC[shell]) as sh:
        assert sh.startup_output == ""
        assert sh.cd(project) == "hook: entered proj\n"
        assert sh.run("true") == ""  # no directory change, no message
        cd = "cd -LiteralPath" if shell == "pwsh" else "cd"
        assert sh.run(f"{cd} {quote(shell, str(home))}; echo done") == "done\nhook: entered home\n"
        assert sh.run("false") == ""
        assert sh.last_status == 1  # the hook ran in between, the status survived it


def test_fancy_prompt_is_stripped(shell: str, home: pathlib.Path, tmp_path: pathlib.Path) -> None:
    with InteractiveShell(shell, home, FANCY_PROMPT_RC[shell]) as sh:
        assert sh.startup_output == ""
        assert sh.run("echo hi") == "hi\n"
        assert sh.run("printf foo") == ("foo\n" if shell == "pwsh" else "foo")
        assert sh.cd(tmp_path) == ""
        if shell == "pwsh":
            assert sh.last_prompt == f"(venv) {tmp_path}> "
        assert sh.run("false") == ""
        assert sh.last_status == 1


# -- env() and var() ---------------------------------------------------------------------------------


def test_env_is_byte_exact(shell: str, home: pathlib.Path) -> None:
    value = b"line1\nline2 \xff\xfe 'q' \"d\" $x `y` \\ \xc3\xbc"
    caller = b"c\xffd\ne"
    if shell == "pwsh":  # .NET strings: text that is not UTF-8 cannot be set, nor passed on unchanged
        value, caller = value.replace(b"\xff\xfe", "\u2019\U0001f692".encode()), b"c\xc3\xbfd\ne"
    with InteractiveShell(shell, home, "", env={"FROM_CALLER": os.fsdecode(caller)}) as sh:
        sh.run(set_exported(shell, "HARNESS_X", value))
        env = sh.env()
        assert env["HARNESS_X"] == value
        assert env["FROM_CALLER"] == caller
        assert env["HOME"] == os.fsencode(home)
        binary = find_shell(shell)
        assert binary is not None
        assert (
            env["PATH"]
            == (  # PowerShell puts its own folder first, unless it is there already
                os.fsencode(pwsh_home(binary)) + b":" if shell == "pwsh" else b""
            )
            + b"/usr/local/bin:/usr/bin:/bin"
        )
        assert env["LANG"] == b"C.UTF-8"
        assert env["TERM"] == b"dumb"


def test_env_and_var_do_not_change_last_status(sh: InteractiveShell) -> None:
    sh.run("false")
    sh.env()
    sh.var("HOME")
    assert sh.last_status == 1


def test_var_reads_unexported_values_exactly(sh: InteractiveShell) -> None:
    value = b"two\nlines \xff end " if sh.shell != "pwsh" else "two\nlines \u2019 end ".encode()
    sh.run(set_local(sh.shell, "HARNESS_LOCAL", value))
    assert os.fsencode(sh.var("HARNESS_LOCAL") or "") == value
    assert "HARNESS_LOCAL" not in sh.env()
    assert sh.var("HARNESS_UNSET") is None
    sh.run(set_local(sh.shell, "HARNESS_EMPTY", b""))
    assert sh.var("HARNESS_EMPTY") == ""
    with pytest.raises(ValueError):
        sh.var("not a name")


def test_var_reads_prompt_variable(shell: str, home: pathlib.Path) -> None:
    if shell in ("fish", "pwsh"):
        pytest.skip(f"{shell} has no PS1; its prompt is a function")
    with InteractiveShell(shell, home, "PS1='my prompt> '\n") as sh:
        assert sh.var("PS1") == "my prompt> "
        sh.run('PS1="(.venv) $PS1"')
        assert sh.var("PS1") == "(.venv) my prompt> "
        assert sh.run("echo hi") == "hi\n"


def test_fish_path_variables_join_with_colons(home: pathlib.Path) -> None:
    if find_shell("fish") is None:
        pytest.skip("fish is not installed")
    with InteractiveShell("fish", home, "") as sh:
        assert sh.var("PATH") == "/usr/local/bin:/usr/bin:/bin"
        sh.run("set -g HARNESS_LIST a b c")
        assert sh.var("HARNESS_LIST") == "a b c"


# -- hostile data ------------------------------------------------------------------------------------


def test_cd_into_hostile_directory(shell: str, home: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Every name in HOSTILE_NAMES, one directory each, entered in turn by one session (a PowerShell takes
    seconds to start); a failure names each name that failed."""
    rc = ""
    names = HOSTILE_NAMES
    if shell == "pwsh":
        # PowerShell's strings are UTF-16: it cannot name a directory that is not UTF-8; and on Linux it
        # reads a backslash in a path as a separator.
        names = [name for name in HOSTILE_NAMES if is_utf8(name) and b"\\" not in name]
        rc = "function prompt { '> ' }\n"  # its default shows the path: a newline would split the prompt
    failed = []
    with InteractiveShell(shell, home, rc) as sh:
        for name in names:
            target = os.path.join(os.fsencode(tmp_path), name)
            os.mkdir(target)
            try:
                check_cd_into(sh, target)
                assert not list(tmp_path.rglob("pwned")), "a directory name was executed"
            except AssertionError as exc:
                failed.append(f"{name!r}: {exc}")
    assert not failed, "\n".join(failed)


def is_utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_cd_into(sh: InteractiveShell, target: bytes) -> None:
    assert sh.cd(target) == ""
    assert sh.last_status == 0
    assert os.fsencode(sh.var("PWD") or "") == target
    if sh.shell == "pwsh":  # PowerShell keeps no $env:PWD of its own
        assert sh.run("$PWD.ProviderPath").encode() == target + b"\n"
        return
    assert sh.run("pwd").encode("utf-8", "surrogateescape") == target + b"\n"
    assert sh.env()["PWD"] == target


def test_quote_round_trips_every_byte(sh: InteractiveShell, tmp_path: pathlib.Path) -> None:
    rng = random.Random(1234)
    data = bytes(range(1, 256)) + bytes(rng.randrange(1, 256) for _ in range(256))
    chunks = [data[start : start + 64] for start in range(0, len(data), 64)]  # the line must not wrap
    if sh.shell == "pwsh":  # every code point a PowerShell string can hold, as UTF-8
        points = [*range(1, 0x800), *(rng.randrange(0x800, 0x110000) for _ in range(256))]
        text = "".join(chr(c) for c in points if not 0xD800 <= c < 0xE000)
        chunks = [text[start : start + 32].encode() for start in range(0, len(text), 32)]
        data = b"".join(chunks)
    out = tmp_path / "bytes"
    out.write_bytes(b"")
    for chunk in chunks:
        sh.run(f"printf '%s' {quote(sh.shell, chunk)} >> {quote(sh.shell, str(out))}")
        assert sh.last_status == 0
    assert out.read_bytes() == data


# -- failure handling --------------------------------------------------------------------------------


def test_timeout_raises_with_transcript(sh: InteractiveShell) -> None:
    started = time.monotonic()
    with pytest.raises(ShellTimeoutError) as excinfo:
        sh.run("echo before-sleep; sleep 30", timeout=0.3)
    assert time.monotonic() - started < 2.0
    assert "sleep 30" in str(excinfo.value)
    assert "before-sleep" in str(excinfo.value)  # the transcript tail
    closing = time.monotonic()
    sh.close()
    assert time.monotonic() - closing < 5.0


def test_incomplete_command_times_out_instead_of_hanging(sh: InteractiveShell) -> None:
    incomplete = {"fish": "begin", "pwsh": "if ($true) {"}.get(sh.shell, "if true")
    with pytest.raises(ShellTimeoutError):
        sh.run(incomplete, timeout=0.5)


def test_exit_is_reported(sh: InteractiveShell) -> None:
    with pytest.raises(ShellExitedError):
        sh.run("exit 3")


def test_closed_shell_refuses_commands(sh: InteractiveShell) -> None:
    sh.close()
    sh.close()  # idempotent
    with pytest.raises(ShellError, match="closed"):
        sh.run("echo hi")


def test_close_reaps_background_jobs(sh: InteractiveShell) -> None:
    if sh.shell == "pwsh":  # its `&` starts a job in another PowerShell: a process left by sh instead
        pid = int(sh.run("sh -c 'sleep 300 >/dev/null 2>&1 & echo $!'").strip())
    else:
        sh.run("sleep 300 &")
        pid = int(sh.run("echo $last_pid" if sh.shell == "fish" else "echo $!").strip())
    sh.close()
    assert _gone_or_zombie(pid)


def _gone_or_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except FileNotFoundError:
        return True
    return stat[stat.rindex(b")") + 2 :].startswith(b"Z")


# -- PowerShell specifics ----------------------------------------------------------------------------


def test_pwsh_cursor_requests_are_answered_and_a_child_pwsh_is_driven(home: pathlib.Path) -> None:
    """PSReadLine waits for an answer to ESC[6n after every native command; a child pwsh reads the next
    line itself (nothing is typed ahead that its parent could swallow)."""
    binary = find_shell("pwsh")
    if binary is None:
        pytest.skip(not_installed("pwsh"))
    with InteractiveShell("pwsh", home, "function prompt { '> ' }\n") as sh:
        for _ in range(3):
            assert sh.run("sh -c 'printf no-newline'") == "no-newline\n"
        assert sh.transcript.count(b"\x1b[6n") >= 3
        parent = sh.run("$PID").strip()
        assert sh.run(f"& {quote('pwsh', binary)} -NoLogo") == ""
        child = sh.run("$PID").strip()
        assert child != parent and sh.last_prompt == "> "
        assert sh.run("exit") == ""
        assert sh.run("$PID").strip() == parent


def test_pwsh_status_is_dollar_question_then_lastexitcode(home: pathlib.Path) -> None:
    if find_shell("pwsh") is None:
        pytest.skip(not_installed("pwsh"))
    with InteractiveShell("pwsh", home, "") as sh:
        sh.run("Write-Error x -ErrorAction SilentlyContinue")
        assert sh.last_status == 1
        sh.run("sh -c 'exit 9'")
        assert sh.last_status == 9
        sh.run("$null")
        assert sh.last_status == 0
