"""Drive real interactive bash, zsh, fish and PowerShell sessions through a pseudo-terminal.

Why this exists: autovenv's hooks only do their job inside an *interactive* shell, between commands
(bash ``PROMPT_COMMAND``, zsh ``precmd``, fish ``fish_prompt`` events).  ``bash -c`` never runs them, so
the only faithful test is to type commands into a real shell on a real terminal, the way a user does,
and read back what the terminal shows.  This module does exactly that with the standard library only
(``os.openpty`` + ``subprocess`` + ``select``), so it works on any POSIX CI box with the shells installed.

How a command is driven (see :meth:`InteractiveShell.run`):

1. Wait until the shell sits in its line editor.  All three line editors switch the terminal to
   non-canonical, no-echo mode while they read a line, so ``ICANON|ECHO`` both off on the pty is a
   reliable "idle at the prompt" signal that needs no knowledge of the prompt text.
2. Type the command and, right behind it, a *marker line* (type-ahead, exactly like a fast typist).
   Because the terminal does not echo in that mode, the type-ahead stays invisible until the line
   editor reads it, which only happens after the command finished, the prompt hooks ran and the next
   prompt was drawn.  The marker line writes ``$?``/``$status`` (and, for bash/zsh, the expanded
   prompt) to a private file, then prints a unique token that is spelled differently in its own echo.
3. Everything between the echo of the command and the marker line's prompt row is the output.

The marker lines start with a space (kept out of history where the shell honours that) and use
``builtin printf`` so user functions or aliases named ``printf`` do not interfere.

Limitations, by design:

* A command must not read the terminal (``cat`` with no arguments, ``read``, a REPL): it would eat
  the type-ahead marker line, and :meth:`InteractiveShell.run` times out.  Incomplete input
  (``if true``, an unclosed quote) times out the same way.  After any timeout the session is marked
  unusable; close it and start another.
* Output printed after the next prompt (by a background job) shows up in a later ``run()``.
* Escape sequences are removed from results; ``last_raw`` keeps the bytes.
* fish's prompt is found from how fish paints it, not from its text (calling ``fish_prompt`` again
  would run user code an extra time); a fish prompt containing a carriage return confuses that.

PowerShell (``pwsh``) is driven differently, because its line editor is not like the others:

* .NET keeps the terminal in raw mode all the time (not only at the prompt), so the terminal mode says
  nothing, and it reads type-ahead greedily into its own buffer, so a marker typed behind a command that
  starts a child ``pwsh`` would be read by the parent, never by the child.  Instead the harness writes a
  second profile, ``profile.ps1`` (CurrentUserAllHosts: PowerShell runs it before the user's
  ``Microsoft.PowerShell_profile.ps1``, which holds the rc text), that wraps ``PSConsoleHostReadLine``,
  PSReadLine's entry point: each time PSReadLine is about to read a line it prints an invisible OSC
  sequence carrying ``$?`` and ``$LASTEXITCODE``.  That sequence is both "idle at the prompt" and the
  status, so a command is typed only after it, and nothing is typed ahead.  ``last_status`` is 0 when
  ``$?`` was true, else ``$LASTEXITCODE`` when it is a non-zero number, else 1.
* PSReadLine asks the terminal where the cursor is (``ESC[6n``) and waits for ``ESC[row;colR``; the
  harness answers from what it has seen printed on the current row.
* Enter is ``\r``; PSReadLine repaints the whole line at every key (TERM=dumb has no cursor motions), so
  the command's output starts after the first newline, not after a clean echo.
* PowerShell starts every prompt on a fresh row (it adds a newline after output that lacks one), so the
  last row before the OSC sequence is the prompt (kept as ``last_prompt``) and everything above it is
  the output.  Output without a final newline therefore comes back with one, as a user sees it; a
  prompt of several rows (or one showing a path with a newline) leaves all but its last in the output.
* Strings are UTF-16: :func:`quote` refuses bytes that are not UTF-8, which no PowerShell command can
  name.  Predictions and history saving are turned off in the harness profile, so what a test typed
  earlier never shows up as a grey suggestion and no test writes a history file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import pathlib
import re
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import time
import uuid
from typing import Callable, Mapping, Union

from tests.shells.shell_list import SHELLS, SYSTEM_PATH, find_shell

DEFAULT_PATH = SYSTEM_PATH
#: Terminal size.  Wide enough that commands, prompts and hook messages never wrap, because wrapping
#: makes the line editors redraw (bash scrolls horizontally) and the echo stops being the typed text.
ROWS, COLUMNS = 50, 1000
_SEARCH_PATH = SYSTEM_PATH
_POLL_SECONDS = 0.002
_TAIL_BYTES = 3000
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Bytes that may appear literally inside the quotes produced by :func:`quote` (printable ASCII minus
#: the characters that are special inside ``$'...'`` or fish ``'...'`` or to history expansion).
_LITERAL_BYTES = frozenset(b for b in range(0x20, 0x7F) if chr(b) not in "'\\!")
#: Terminal control sequences: CSI (colours, bracketed-paste toggles), OSC (titles), and 2-byte ESC.
_ESCAPE_RE = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC, BEL- or ST-terminated
    rb"|\x1b[()][0-9A-Za-z]|\x1b[=>@-Z\\^_]"  # charset selection, other 2-byte sequences
)
_ESCAPE_OR_PAD = rb"(?:\x1b\[[0-?]*[ -/]*[@-~]|[\r ])*"
#: "Missing newline" markers drawn before a prompt: zsh PROMPT_SP (``%``/``#`` + padding + ``\r \r``),
#: fish (``⏎`` + padding + ``\r⏎ \r``).  Both exist so the prompt always starts on a fresh row.
_INDICATOR_RE = {
    "bash": None,
    "zsh": re.compile(b"[%%#] {%d,%d}\r \r" % (COLUMNS - 3, COLUMNS)),
    "fish": re.compile("⏎ {%d,%d}\r⏎ \r".encode() % (COLUMNS - 3, COLUMNS)),
    "pwsh": None,
}
#: What the harness profile prints each time PSReadLine starts reading a line: ``$?`` and ``$LASTEXITCODE``.
_PWSH_READY_RE = re.compile(rb"\x1b\]9999;autovenv-pty;(True|False);([^\x07\x1b]*)\x07")
#: A terminal's cursor position request (PSReadLine and .NET send it), answered by the harness.
_CURSOR_QUERY = b"\x1b[6n"
#: Runs before the user's profile in every PowerShell the harness starts, child ``pwsh`` included.
_PWSH_HARNESS_PROFILE = """\
# Written by the test harness (tests/shells/pty_shell.py); the user's profile is the other file.
if (Microsoft.PowerShell.Core\\Get-Module PSReadLine) {
    Set-PSReadLineOption -PredictionSource None -HistorySaveStyle SaveNothing
}
function global:PSConsoleHostReadLine {
    $__pty_ok = $?
    Microsoft.PowerShell.Core\\Set-StrictMode -Off
    $__pty_code = $global:LASTEXITCODE
    # Ask where the cursor is now, so that no position request is pending when the harness types.
    $null = [System.Console]::CursorLeft
    $__pty_text = ']9999;autovenv-pty;' + $__pty_ok + ';' + $__pty_code
    [System.Console]::Write([string][char]27 + $__pty_text + [string][char]7)
    [Microsoft.PowerShell.PSConsoleReadLine]::ReadLine($Host.Runspace, $ExecutionContext, $__pty_ok)
}
"""
StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


class ShellError(RuntimeError):
    """The shell did something the harness cannot continue from; the message ends with the transcript tail."""


class ShellTimeoutError(ShellError, TimeoutError):
    """A wait ran out of time (command still running, incomplete input, shell stuck)."""


class ShellExitedError(ShellError):
    """The shell process went away while the harness was waiting for it."""


#: The harness's one-shot fish_prompt handler (see ``InteractiveShell._marker_line``).
_FISH_READY = "__pty_shell_ready"


@functools.cache
def pwsh_home(binary: str) -> str:
    """``$PSHOME`` of a PowerShell: at start-up pwsh puts it in front of PATH unless it is first already,
    so a test that compares PATH starts PowerShell with it in front."""
    result = subprocess.run(
        [binary, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "[Console]::Out.Write($PSHOME)"],
        capture_output=True,
        env={"PATH": DEFAULT_PATH, "HOME": tempfile.gettempdir(), "LANG": "C.UTF-8", **_pwsh_tmpdir()},
        timeout=120,
        check=True,
    )
    return result.stdout.decode("utf-8", "surrogateescape")


def _pwsh_tmpdir() -> dict[str, str]:
    """The test run's TMPDIR, if any: where the bundled PowerShell unpacks itself (its $PSHOME)."""
    return {"TMPDIR": os.environ["TMPDIR"]} if os.environ.get("TMPDIR") else {}


def _as_bytes(value: StrPath) -> bytes:
    """Bytes of a str/bytes/path, with surrogateescape so ``os.fsdecode``'d names round-trip exactly."""
    data = os.fsencode(value)
    if b"\0" in data:
        raise ValueError("a shell word cannot contain a NUL byte")
    return data


def quote(shell: str, value: StrPath) -> str:
    """Return an ASCII-only literal that ``shell`` parses back to exactly the bytes of ``value``.

    bash/zsh: ``$'...'`` with every byte outside printable ASCII (and ``'``, ``\\``, ``!``) as ``\\xNN``;
    a fixed two-digit form, so a following hex digit is never swallowed.  fish: printable ASCII in
    single quotes (where only ``\\'`` and ``\\\\`` are special) alternating with unquoted ``\\xNN``
    escapes, which fish turns into raw bytes (0x80-0xff included) and joins into one word.  Being
    ASCII-only, the result also cannot contain a control character that a line editor would act on.
    """
    data = _as_bytes(value)
    if shell in ("bash", "zsh"):
        return "$'" + "".join(chr(b) if b in _LITERAL_BYTES else f"\\x{b:02x}" for b in data) + "'"
    if shell == "fish":
        return _quote_fish(data)
    if shell == "pwsh":
        return _quote_pwsh(data)
    raise ValueError(f"unsupported shell {shell!r}; expected one of {SHELLS}")


def _quote_pwsh(data: bytes) -> str:
    """PowerShell literal: a double-quoted string of printable ASCII, ``"``/backtick/``$`` escaped with a
    backtick, everything else as `` `u{XXXX} `` (PowerShell 6+), the curly quotes PowerShell also takes
    for quotes included.  Written independently of autovenv's own quoting, which it checks."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("PowerShell strings are UTF-16: bytes that are not UTF-8 cannot be typed") from None
    out = []
    for char in text:
        if char in '"`$':
            out.append("`" + char)
        elif 0x20 <= ord(char) < 0x7F:
            out.append(char)
        else:
            out.append(f"`u{{{ord(char):X}}}")
    return '"' + "".join(out) + '"'


def _quote_fish(data: bytes) -> str:
    """fish literal: quoted runs of safe characters, unquoted ``\\xNN`` for everything else."""
    if not data:
        return "''"
    parts: list[str] = []
    run: list[str] = []
    for byte in data:
        if byte in _LITERAL_BYTES:
            run.append(chr(byte))
            continue
        if run:
            parts.append("'" + "".join(run) + "'")
            run = []
        parts.append(f"\\x{byte:02x}")
    if run:
        parts.append("'" + "".join(run) + "'")
    return "".join(parts)


def _validate_command(cmd: str) -> bytes:
    """Encode ``cmd``; refuse control characters, which the line editor would interpret (Tab completes,
    a newline would submit half a command and desynchronise the marker protocol)."""
    bad = [ch for ch in cmd if ord(ch) < 0x20 or ord(ch) == 0x7F]
    if bad:
        raise ValueError(
            f"command contains control character(s) {bad!r}; type one line and use quote() for arbitrary data"
        )
    return cmd.encode("utf-8", "surrogateescape")


def _strip_escapes(data: bytes) -> bytes:
    """Drop terminal control sequences; assertions are about text, not colours or mode switches."""
    return _ESCAPE_RE.sub(b"", data)


def _normalise_prompt(prompt: bytes) -> bytes:
    """Render an expanded prompt the way it reaches the terminal: no readline ``\\001``/``\\002``
    invisibility markers, no escapes, ``\\n`` line ends (the pty turns them into ``\\r\\n``)."""
    return re.sub(rb"\r+\n", b"\n", _strip_escapes(prompt.replace(b"\x01", b"").replace(b"\x02", b"")))


def _prompt_start(text: bytes, prompt: bytes | None, echo: bytes, paints_with_cr: bool) -> int:
    """Index in ``text`` where the prompt in front of the marker line begins.

    ``text`` ends with ``[output][prompt][echo of the marker line]``; the output may lack a final
    newline, so the prompt can start mid-row.  Strategies, most exact first:

    1. bash/zsh: the marker line recorded the expanded prompt, so strip ``prompt + echo`` as a suffix
       (plus the carriage return zsh's PROMPT_CR puts in front of it).
    2. fish (or zsh with a prompt that changed in between, e.g. a clock): line editors that return
       to column 0 before drawing the prompt (fish on every redraw, zsh's PROMPT_CR) show it as
       ``\\r<prompt><echo>`` last; the first place where that ``\\r<prompt>`` was painted is where the
       prompt began.  This also copes with multi-line fish prompts, which fish repaints in full on a
       dumb terminal.
    3. Otherwise (bash) the prompt is assumed to occupy the last row.
    """
    if prompt is not None:
        expected = _normalise_prompt(prompt) + echo
        if text.endswith(expected):
            return len(text[: len(text) - len(expected)].rstrip(b"\r"))
    echo_at = text.rfind(echo) if echo and paints_with_cr else -1
    paint_at = text.rfind(b"\r", 0, echo_at) if echo_at > 0 else -1
    if paint_at >= 0:
        return text.find(text[paint_at:echo_at])
    return text.rfind(b"\n") + 1


def _tail(transcript: bytes | bytearray) -> str:
    """Last part of the raw transcript, printable, for error messages."""
    return bytes(transcript[-_TAIL_BYTES:]).decode("utf-8", "backslashreplace")


class InteractiveShell:
    """One real interactive shell on a pseudo-terminal, with a fake HOME holding its startup file.

    Attributes:
        shell: "bash", "zsh", "fish" or "pwsh".
        home: the fake HOME (the caller owns it; it is not deleted).
        transcript: every byte the terminal received since start, unprocessed (for debugging).
        startup_output: what was printed before the first prompt (rc output, first hook run), cleaned
            like :meth:`run` output.
        last_status: exit status reported by the last :meth:`run` (None before the first one).
        last_raw: the unprocessed bytes behind the last :meth:`run` result (from just after the
            command's echo to the end of the marker line's echo), for debugging and escape-sequence checks.
        last_prompt: pwsh only: the prompt PowerShell drew after the last command, as the user saw it
            (escape sequences removed); the other shells' prompts are read with their own expansion.
    """

    def __init__(
        self,
        shell: str,
        home: pathlib.Path,
        rc: str,
        env: Mapping[str, str] | None = None,
        cwd: pathlib.Path | None = None,
        timeout: float = 10.0,
    ) -> None:
        if shell not in SHELLS:
            raise ValueError(f"unsupported shell {shell!r}; expected one of {SHELLS}")
        binary = find_shell(shell)
        if binary is None:
            raise FileNotFoundError(f"{shell} is not installed (looked in {_SEARCH_PATH})")
        self.shell = shell
        self.home = pathlib.Path(home)
        self.transcript = bytearray()
        self.startup_output = ""
        self.last_status: int | None = None
        self.last_raw = b""
        self.last_prompt = ""
        self._buf = bytearray()
        self._queries_seen = 0  # pwsh: cursor position requests answered so far (in the transcript)
        self._idle = False  # pwsh: its line editor announced that it reads a line, nothing typed since
        self._eof = False
        self._usable = True
        self._closed = False
        self._fd = -1
        self._proc: subprocess.Popen[bytes] | None = None
        self._private = pathlib.Path(tempfile.mkdtemp(prefix="pty-shell-"))
        try:
            full_env = self._build_env(env)
            self._write_rc(rc, full_env)
            self._skip_fish_background_job(full_env)
            self._spawn(binary, full_env, pathlib.Path(cwd) if cwd else self.home)
            self.startup_output = self._converse(None, timeout, "the first prompt")
        except BaseException:
            self.close(graceful=False)
            raise

    # -- setup ---------------------------------------------------------------------------------------

    def _write_rc(self, rc: str, env: Mapping[str, str]) -> None:
        """Put ``rc`` where this shell looks for the user's interactive startup file."""
        if self.shell == "pwsh":
            # $PROFILE; the harness's own profile.ps1 beside it runs first (see the module docstring).
            config = pathlib.Path(env.get("XDG_CONFIG_HOME") or self.home / ".config") / "powershell"
            config.mkdir(parents=True, exist_ok=True)
            (config / "profile.ps1").write_text(_PWSH_HARNESS_PROFILE, encoding="utf-8")
            target = config / "Microsoft.PowerShell_profile.ps1"
        elif self.shell == "bash":
            target = self.home / ".bashrc"
        elif self.shell == "zsh":
            target = self.home / ".zshrc"  # its existence also keeps zsh-newuser-install quiet
        else:
            fish_dir = self.home / ".config" / "fish"
            # conf.d runs before config.fish, so config.fish stays byte-exact and may re-enable it.
            (fish_dir / "conf.d").mkdir(parents=True, exist_ok=True)
            (fish_dir / "conf.d" / "00-pty-shell-no-greeting.fish").write_text("set -g fish_greeting\n")
            target = fish_dir / "config.fish"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rc, encoding="utf-8", errors="surrogateescape")

    def _skip_fish_background_job(self, env: Mapping[str, str]) -> None:
        """Keep fish from starting its man-page completion generator in the background.

        A fish whose data dir has no ``generated_completions`` yet starts Python behind the first prompt,
        and that job runs ``man --path`` at a moment of its own. It competes for the CPU with the test and
        shows up among the processes a test counts, so the directory is made before fish starts.
        """
        if self.shell != "fish":
            return
        data_home = pathlib.Path(env.get("XDG_DATA_HOME") or self.home / ".local" / "share")
        (data_home / "fish" / "generated_completions").mkdir(parents=True, exist_ok=True)

    def _build_env(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        """Minimal, deterministic environment: nothing leaks in from the test runner's own session.

        TERM=dumb keeps the line editors from emitting cursor motions (bash and zsh also work with
        xterm; fish does not).  LANG=C.UTF-8 so non-ASCII text is echoed as is.  PowerShell is told not
        to phone home or look for updates, as every CI set-up of it does, and keeps the test run's TMPDIR
        (a PowerShell that unpacks itself on first use does that there: see ``pwsh_home``).
        """
        env = {"HOME": str(self.home), "PATH": DEFAULT_PATH, "TERM": "dumb", "LANG": "C.UTF-8"}
        if self.shell == "zsh":
            env["ZDOTDIR"] = str(self.home)
        elif self.shell == "fish":
            env["XDG_CONFIG_HOME"] = str(self.home / ".config")
        elif self.shell == "pwsh":
            env.update(POWERSHELL_TELEMETRY_OPTOUT="1", POWERSHELL_UPDATECHECK="Off", DOTNET_NOLOGO="1")
            env.update(_pwsh_tmpdir())
        env.update(extra or {})
        if self.shell == "fish" and env["TERM"] != "dumb":
            # On a capable terminal fish redraws with cursor motions instead of plain rows.
            raise ValueError("the fish harness needs TERM=dumb; its screen updates are only parsed for that")
        return env

    def _command(self, binary: str) -> list[str]:
        """The command line that starts the interactive shell (a subclass may wrap it)."""
        if self.shell == "pwsh":
            return [binary, "-NoLogo"]  # interactive on a terminal; the banner is not what tests look at
        return [binary, "-i"]

    def _spawn(self, binary: str, env: dict[str, str], cwd: pathlib.Path) -> None:
        """Start ``shell -i`` as a session leader whose controlling terminal is a fresh, wide pty."""
        master, slave = os.openpty()
        self._fd = master
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            self._proc = subprocess.Popen(
                self._command(binary),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_take_controlling_terminal,
            )
        finally:
            os.close(slave)

    # -- low-level I/O -------------------------------------------------------------------------------

    def _read_some(self, timeout: float) -> None:
        """Move whatever the terminal has (waiting at most ``timeout``) into the buffer and transcript."""
        if self._eof:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
        if not ready:
            return
        try:
            chunk = os.read(self._fd, 65536)
        except OSError as exc:  # EIO: the slave side is gone, i.e. the shell exited
            if exc.errno != errno.EIO:
                raise
            chunk = b""
        if not chunk:
            self._eof = True
        self.transcript += chunk
        self._buf += chunk
        if self.shell == "pwsh":
            self._answer_cursor_queries()

    def _answer_cursor_queries(self) -> None:
        """Answer every new ``ESC[6n`` with where the cursor is: the row count and the text since the
        last line break (escape sequences do not move it with TERM=dumb)."""
        found = self.transcript.count(_CURSOR_QUERY)
        while self._queries_seen < found:
            self._queries_seen += 1
            at = -1
            for _ in range(self._queries_seen):
                at = self.transcript.find(_CURSOR_QUERY, at + 1)
            before = bytes(self.transcript[:at])
            row_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
            column = len(_strip_escapes(before[row_start:]).decode("utf-8", "replace"))
            row = min(before.count(b"\n") + 1, ROWS)
            os.write(self._fd, b"\x1b[%d;%dR" % (row, column + 1))

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _wait_until(self, ready: Callable[[], bool], deadline: float, what: str) -> None:
        """Poll ``ready`` while draining output (a shell blocked on a full pty never gets anywhere)."""
        while not ready():
            if not self._alive():
                self._read_some(0)  # collect any last words for the error message
                self._usable = False
                raise ShellExitedError(self._describe(f"{self.shell} exited while waiting for {what}"))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._usable = False
                raise ShellTimeoutError(self._describe(f"timed out waiting for {what}"))
            self._read_some(min(_POLL_SECONDS, remaining))

    def _describe(self, message: str) -> str:
        status = "running" if self._alive() else f"exit status {self._proc and self._proc.returncode}"
        return f"{message} ({self.shell}, {status}); transcript tail:\n{_tail(self.transcript)}"

    def _at_prompt(self) -> bool:
        """True while a line editor is reading input: it has switched canonical mode and echo off.

        PowerShell: .NET keeps raw mode on all the time, so only its announcement counts (``_idle``)."""
        if self.shell == "pwsh":
            return self._idle
        lflag = termios.tcgetattr(self._fd)[3]
        return not lflag & (termios.ICANON | termios.ECHO)

    # -- the marker protocol -------------------------------------------------------------------------

    def _marker_line(self, token: str) -> bytes:
        """The line typed after each command; see the module docstring for why it looks like this."""
        target = quote(self.shell, os.fsencode(self._private / "status"))
        announce = f"builtin printf '%s_%s\\n' AVT {token}"
        if self.shell == "fish":
            # ^U first: after a syntax error fish keeps the bad line in its buffer for editing.
            # fish gives its line editor the terminal back before it fires the ``fish_prompt`` event, so
            # the terminal mode cannot say that the prompt hooks ran: a one-shot handler, defined after
            # every handler the rc made (fish runs them in the order they were defined), says it.
            ready = (
                f"function {_FISH_READY} --on-event fish_prompt; functions -e {_FISH_READY}; "
                f"builtin printf '%s_%s\\n' AVR {token}; end"
            )
            return f"\x15 builtin printf '%s\\n' $status > {target}; {ready}; {announce}".encode()
        prompt = '"${PS1@P}"' if self.shell == "bash" else '"${(%%)PS1}"'
        return f" builtin printf '%s\\n%s' \"$?\" {prompt} >| {target}; {announce}".encode()

    def _converse(self, cmd: str | None, timeout: float, what: str) -> str:
        """Type ``cmd`` (None: only the marker line) at the prompt; return its cleaned output."""
        encoded = _validate_command(cmd) if cmd is not None else None
        if not self._usable:
            raise ShellError(self._describe("shell is closed, or unusable after an earlier failure"))
        if self.shell == "pwsh":
            return self._converse_pwsh(encoded, timeout, what)
        deadline = time.monotonic() + timeout
        self._wait_until(self._at_prompt, deadline, f"the prompt before {what}")
        marker, token = self._new_marker()
        status_file = self._private / "status"
        status_file.unlink(missing_ok=True)
        sent_at = len(self._buf)
        os.write(self._fd, (encoded + b"\r" if encoded is not None else b"") + marker + b"\r")
        data = self._wait_for_token(token, sent_at, deadline, what)
        if self.shell == "fish":  # what the marker line's prompt hooks print is not the caller's either
            self._wait_for_token(b"AVR" + token[len(b"AVT") :], 0, deadline, f"the prompt hooks after {what}")
        # The marker line's own prompt hooks run after its output: wait until they are done and the
        # line editor reads again, so that a change the caller makes next is seen by the next command's
        # prompt, never by the tail of this one (whose output is not the caller's).
        self._wait_until(self._at_prompt, deadline, f"the prompt after {what}")
        status, prompt = self._read_status(status_file)
        self.last_status = status
        self.last_raw = data[self._output_start(data, encoded, sent_at) :]
        return self._clean(self.last_raw, prompt, marker.lstrip(b"\x15"))

    def _converse_pwsh(self, encoded: bytes | None, timeout: float, what: str) -> str:
        """PowerShell: type ``encoded`` + Enter only when its line editor announced itself, then wait for
        the next announcement (see the module docstring); None waits for the first prompt."""
        deadline = time.monotonic() + timeout
        if encoded is not None:
            self._wait_until(lambda: self._idle, deadline, f"the prompt before {what}")
            self._idle = False
            os.write(self._fd, encoded + b"\r")
        sent_at = len(self._buf)
        found: list[re.Match[bytes]] = []

        def announced() -> bool:
            match = _PWSH_READY_RE.search(self._buf, sent_at)
            if match:
                found.append(match)
            return match is not None

        self._wait_until(announced, deadline, what)
        ready = found[0]
        succeeded, code = ready.group(1) == b"True", ready.group(2).decode("ascii", "replace")
        data = bytes(self._buf[: ready.start()])
        del self._buf[: ready.end()]
        self._idle = True
        if succeeded:
            self.last_status = 0
        else:
            self.last_status = int(code) if code.lstrip("-").isdigit() and int(code) != 0 else 1
        start = 0
        if encoded is not None:
            enter = data.find(b"\n", sent_at)  # PSReadLine repaints the line, then Enter moves down
            start = enter + 1 if enter >= 0 else len(data)
        self.last_raw = data[start:]
        text = re.sub(rb"\r+\n", b"\n", _strip_escapes(self.last_raw))
        row = text.rfind(b"\n") + 1  # PowerShell draws every prompt on a row of its own
        self.last_prompt = re.sub(rb"^.*\r", b"", text[row:]).decode("utf-8", "surrogateescape")
        out = re.sub(rb"(?m)^[^\n]*\r(?=[^\n])", b"", text[:row])  # what a carriage return overwrote
        return out.decode("utf-8", "surrogateescape")

    def _new_marker(self) -> tuple[bytes, bytes]:
        token = uuid.uuid4().hex
        return self._marker_line(token), f"AVT_{token}".encode()

    def _wait_for_token(self, token: bytes, sent_at: int, deadline: float, what: str) -> bytes:
        """Wait for the marker's own output line; return (and consume) everything received before it."""
        done = re.compile(re.escape(token) + rb"\r*\n")
        scanned = sent_at
        found: list[re.Match[bytes]] = []

        def token_seen() -> bool:
            nonlocal scanned
            match = done.search(self._buf, scanned)
            scanned = max(scanned, len(self._buf) - len(token) - 8)  # never rescan old output
            if match:
                found.append(match)
            return match is not None

        self._wait_until(token_seen, deadline, what)
        data = bytes(self._buf[: found[0].start()])
        del self._buf[: found[0].end()]
        return data

    @staticmethod
    def _output_start(data: bytes, encoded: bytes | None, sent_at: int) -> int:
        """Index just past the echo of the typed command, i.e. where its output begins.

        Only bytes that arrived after the keystrokes were sent can be the echo.  The echo is the
        exact command, drawn after the prompt (so not at the start of a row, unlike the copy fish
        quotes in a syntax error message), then the Enter newline; fish redraws first, zsh/fish toggle
        bracketed paste.  If it is not found (a very long line scrolled, fish stopped redrawing to
        report a syntax error), the first newline after the keystrokes is the Enter.
        """
        if encoded is None:
            return 0
        echo = re.compile(rb"(?<!\n)" + re.escape(encoded) + _ESCAPE_OR_PAD + rb"\n")
        match = echo.search(data, sent_at)
        if match:
            return match.end()
        newline = data.find(b"\n", sent_at)
        return newline + 1 if newline >= 0 else len(data)

    def _read_status(self, status_file: pathlib.Path) -> tuple[int, bytes | None]:
        """Parse ``<status>\\n<expanded prompt>`` written by the marker line (fish: status only)."""
        try:
            raw = status_file.read_bytes()
        except FileNotFoundError:
            self._usable = False
            raise ShellError(self._describe("the marker line did not write its status file")) from None
        status, _, prompt = raw.partition(b"\n")
        return int(status.strip() or b"-1"), (prompt if self.shell != "fish" else None)

    def _clean(self, region: bytes, prompt: bytes | None, marker_echo: bytes) -> str:
        """Turn the raw bytes between the command's echo and the marker's output into plain text."""
        text = _strip_escapes(region)
        indicator = _INDICATOR_RE[self.shell]
        if indicator is not None:
            text = indicator.sub(b"", text)
        text = re.sub(rb"\r*\n\r*\Z", b"", text)  # the Enter that submitted the marker line
        text = re.sub(rb"\r+\n", b"\n", text)
        out = text[: _prompt_start(text, prompt, marker_echo, paints_with_cr=self.shell != "bash")]
        out = re.sub(rb"(?m)^\r+", b"", out)  # a carriage return at column 0 shows nothing
        return out.decode("utf-8", "surrogateescape")

    # -- public API ----------------------------------------------------------------------------------

    def run(self, cmd: str, timeout: float = 10.0) -> str:
        """Type ``cmd`` + Enter at the prompt, wait until it finished *and* the next prompt was drawn.

        Returns everything the terminal showed after the command's echo and before the next prompt:
        the command's stdout and stderr (one stream on a terminal) followed by whatever the prompt
        hooks printed, with terminal escape sequences removed, ``\\r\\n`` turned into ``\\n`` and the
        shells' "missing newline" markers (zsh PROMPT_SP, fish ``⏎``) removed.  Output that does not
        end in a newline is kept as is (the prompt after it is cut off).  Non-UTF-8 bytes come back as
        surrogate escapes (``out.encode("utf-8", "surrogateescape")`` gives the exact bytes).

        ``last_status`` is then ``$?``/``$status`` as seen by the next command line, i.e. after the
        prompt hooks ran; all three shells preserve it across their hooks.  ``cmd`` must be one line
        without control characters; embed arbitrary data with :func:`quote`.
        """
        return self._converse(cmd, timeout, f"command {cmd!r}")

    def cd(self, path: StrPath, timeout: float = 10.0) -> str:
        """``cd`` into ``path`` (any bytes) via :func:`quote`; returns :meth:`run`'s output (hook lines)."""
        data = _as_bytes(path)
        if self.shell == "pwsh":  # -LiteralPath: `[`, `*` and `?` are wildcards to plain `cd`
            return self.run(f"cd -LiteralPath {quote(self.shell, data)}", timeout)
        if data.startswith(b"-"):
            data = b"./" + data  # never let a name be taken for an option
        return self.run(f"cd {quote(self.shell, data)}", timeout)

    def env(self, timeout: float = 10.0) -> dict[str, bytes]:
        """The exported environment exactly as a child process sees it (``env -0``, parsed here).

        Keys are decoded with surrogateescape, values are the raw bytes.  Like any child, ``env``
        receives whatever ``_`` the shell sets.  Does not change ``last_status``.
        """
        target = self._private / "env"
        if self.shell == "pwsh":  # PowerShell 7.4+ keeps a native command's bytes redirected to a file
            env_binary = quote(self.shell, shutil.which("env", path=_SEARCH_PATH) or "/usr/bin/env")
            self._helper(f"& {env_binary} -0 > {quote(self.shell, os.fsencode(target))}", timeout)
        else:
            redirect = ">" if self.shell == "fish" else ">|"
            self._helper(f"command env -0 {redirect} {quote(self.shell, os.fsencode(target))}", timeout)
        result: dict[str, bytes] = {}
        for entry in target.read_bytes().split(b"\0"):
            if entry:
                key, _, value = entry.partition(b"=")
                result[key.decode("utf-8", "surrogateescape")] = value
        return result

    def var(self, name: str, timeout: float = 10.0) -> str | None:
        """Value of shell variable ``name`` (exported or not), or None if it is unset.

        Exact for scalars, via ``printf '%s' "$name"`` into a file.  Arrays follow each shell's
        double-quote rules: bash gives element 0, zsh joins with spaces, fish joins with spaces except
        ``*PATH`` variables, which it joins with ``:``.  Decoded with surrogateescape.  Does not change
        ``last_status``.
        """
        if not _NAME_RE.match(name):
            raise ValueError(f"not a variable name: {name!r}")
        target = self._private / "var"
        quoted = quote(self.shell, os.fsencode(target))
        if self.shell == "fish":
            cmd = f"builtin printf '%s%s' (set -q {name}; and echo S) \"${name}\" > {quoted}"
        elif self.shell == "pwsh":
            variables = "$ExecutionContext.SessionState.PSVariable"
            value = f"$(if ({variables}.Get('{name}')) {{ 'S' + [string]{variables}.GetValue('{name}') }})"
            cmd = f"[System.IO.File]::WriteAllText({quoted}, [string]{value})"
        else:
            cmd = f'builtin printf \'%s%s\' "${{{name}+S}}" "${{{name}-}}" >| {quoted}'
        self._helper(cmd, timeout)
        raw = target.read_bytes()
        return raw[1:].decode("utf-8", "surrogateescape") if raw.startswith(b"S") else None

    def _helper(self, cmd: str, timeout: float) -> None:
        """Run a harness command, failing loudly if it failed, without touching ``last_status``."""
        saved = self.last_status
        output = self.run(cmd, timeout)
        status, self.last_status = self.last_status, saved
        if status != 0:
            raise ShellError(self._describe(f"helper command {cmd!r} failed with {status}: {output!r}"))

    # -- shutdown ------------------------------------------------------------------------------------

    def close(self, graceful: bool = True) -> None:
        """Exit the shell (``exit`` at the prompt, if it is usable); kill it if it does not go.

        Idempotent.  Then the terminal is hung up (the master closed: SIGHUP, as when a terminal
        window is closed), the shell is SIGKILLed if it is still there after 2 s, and so is every
        process left in its session (background jobs a normal ``exit`` leaves running).
        """
        if self._closed:
            return
        self._closed = True
        try:
            if graceful and self._usable and self._alive():
                self._exit_gracefully()
        finally:
            self._usable = False
            self._hang_up()
            shutil.rmtree(self._private, ignore_errors=True)

    def _exit_gracefully(self) -> None:
        deadline = time.monotonic() + 3.0
        try:
            self._wait_until(self._at_prompt, deadline, "the prompt before exit")
            # Twice: zsh and fish refuse the first exit while jobs are running, and say so. Again while it
            # stays: a test may leave a child shell running inside (the first exit ends the child), and
            # PowerShell drops what is typed before its line editor is back.
            while True:
                os.write(self._fd, b"exit\rexit\r")
                again = min(deadline, time.monotonic() + 0.4)
                with contextlib.suppress(ShellTimeoutError):
                    self._wait_until(lambda: not self._alive(), again, "the shell to exit")
                if not self._alive() or time.monotonic() >= deadline:
                    break
        except (ShellError, OSError):
            pass

    def _hang_up(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        proc = self._proc
        if proc is None:
            return
        try:
            proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            _kill(proc.pid)
            proc.wait(timeout=5.0)
        # Background jobs (``sleep 100 &``) sit in their own process groups but in the shell's session,
        # and a shell that exits normally leaves them running: reap everything left in that session.
        leftovers = _session_members(proc.pid)
        for pid in leftovers:
            _kill(pid)
        deadline = time.monotonic() + 2.0
        while leftovers and time.monotonic() < deadline:  # SIGKILL is asynchronous
            leftovers = [pid for pid in leftovers if _running(pid)]
            time.sleep(_POLL_SECONDS)

    def __enter__(self) -> InteractiveShell:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close(graceful=exc_type is None)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _proc_stat(pid: int) -> list[bytes]:
    """Fields of /proc/PID/stat after "pid (comm)": state, ppid, pgrp, session, ...; [] if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return []
    return stat[stat.rindex(b")") + 2 :].split()


def _running(pid: int) -> bool:
    fields = _proc_stat(pid)
    return bool(fields) and fields[0] != b"Z"


def _session_members(sid: int) -> list[int]:
    """Live PIDs whose session id is ``sid``, from /proc (empty where there is no /proc)."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    members = []
    for entry in entries:
        if entry.isdigit():
            fields = _proc_stat(int(entry))
            if len(fields) > 3 and fields[0] != b"Z" and int(fields[3]) == sid:
                members.append(int(entry))
    return members


def _take_controlling_terminal() -> None:
    """In the child, after setsid(): make the pty on stdin the controlling terminal.

    Without one, bash and fish warn that job control is off and signals from the terminal (^C) do not
    reach foreground jobs, which is not how a user's shell runs.
    """
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
