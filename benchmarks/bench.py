#!/usr/bin/env python3
"""Hook latency benchmark: what autovenv's shell hook adds per command in real interactive shells.

A benchmark, not a test: it prints numbers (and never fails because of them). Method, scenarios and the
latest results are in benchmarks/README.md. In short: real ``bash -i`` / ``zsh -i`` / ``fish -i`` /
``pwsh`` (PowerShell 7: ``pwsh`` on PATH or ``$AUTOVENV_TEST_PWSH``) on a pseudo-terminal; N commands
typed ahead in one write; the clock runs from that write to the output of a marker command typed behind
them, i.e. over N full prompt cycles (command, prompt hooks, prompt drawn, line editor reading the next
line). The same commands go to a shell without the hook in the same run,
interleaved sample by sample, and the difference per command is what the hook adds. Processes spawned are
counted by running each shell once more under ``strace -f``.

Nothing goes into the real home: every shell gets a temporary HOME and XDG directories; autovenv runs from
a venv this script creates (``--venv``) or from ``--autovenv PATH``.

    python3 benchmarks/bench.py --quick                # 50 commands x 3 samples, ~1 minute
    python3 benchmarks/bench.py --shells pwsh          # PowerShell alone
    python3 benchmarks/bench.py                        # 200 commands x 7 samples, ~5 minutes
    python3 benchmarks/bench.py --scale --scale-only   # 10,000 cached projects, depth 40, daemon RSS
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import fcntl
import json
import os
import platform
import re
import resource
import select
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
# The shell list the tests use (tests/shells/shell_list.py), from this checkout.
sys.path.insert(0, str(REPO))
from tests.shells.shell_list import SHELLS, SYSTEM_PATH, find_shell  # noqa: E402, I001
#: Wide enough that no command or prompt wraps (wrapping makes line editors redraw).
ROWS, COLUMNS = 50, 400
#: The prompt of every shell. Idle = this was drawn *and* the line editor reads input: fish switches the
#: terminal to raw mode before it runs its fish_prompt handlers, so raw mode alone comes too early.
PROMPT = "AVP> "
_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>@-Z\\^_]"
)
FISH_DIRS = ("completions", "conf.d", "functions")
#: Project markers the hooks look for, plus direnv's: none may sit above the workspace.
MARKERS = (".autovenv.toml", "pyproject.toml", ".venv", "venv", "env", ".python-version", ".envrc")
BUDGET_MS = {"prompt": 0.1, "cd-within": 0.5, "switch": 1.0, "in-out": 1.0, "first-visit daemon": 1.0}
ZERO_PROCESS = ("prompt", "cd-within", "switch", "in-out", "first-visit daemon")
STARTUP_BUDGET_MS = 10.0
WARMUP_N, MIN_N = 10, 10
PWSH_WARMUP_N = 600
#: PowerShell's samples per scenario, as a multiple of ``--samples``: a bare pwsh's time per command moves
#: between batches by more than a prompt's budget (its JIT keeps compiling on a thread of its own, and
#: the garbage collector runs when it will), so its estimate is the median of many paired differences.
PWSH_SAMPLE_FACTOR = 3
IMPORT_RUNS = 9
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
COLD_BUDGET_RATIO = 2.0
BASE, AUTOVENV, LEAN, DIRENV = "baseline", "autovenv", "autovenv (install.sh launcher)", "direnv"
#: The pip console script behind the start line `autovenv init` writes (it sources the saved start file).
START = "autovenv (start line)"
SLUG = {BASE: "base", AUTOVENV: "autovenv", LEAN: "lean", DIRENV: "direnv", START: "start"}


# --------------------------------------------------------------------------------------------------------
# The pty driver. Same idea as tests/shells/pty_shell.py (type-ahead plus a marker line; the line editor
# reading = ICANON and ECHO off), cut down to what timing needs: one write of N lines, one wait.
# PowerShell: .NET keeps the terminal raw all the time, so idle is "the prompt was drawn and the terminal
# is quiet"; PSReadLine asks where the cursor is (ESC[6n) and waits for the answer, which the driver
# gives from the text on the current row. Its type-ahead works as everywhere (no command here starts a
# child that reads the terminal).
# --------------------------------------------------------------------------------------------------------

_CURSOR_QUERY = b"\x1b[6n"


def shell_argv(shell: str, binary: str) -> list[str]:
    return [binary, "-NoLogo"] if shell == "pwsh" else [binary, "-i"]


class ShellFailed(RuntimeError):
    pass


def _controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def marker_line(token: str, shell: str = "bash") -> bytes:
    # Prints AVT_<token>; the echo of the line shows "AVT <token>", so only the output matches.
    if shell == "pwsh":
        return f" [Console]::Out.Write('AVT' + '_{token}' + [char]10)\r".encode()
    return f" builtin printf '%s_%s\\n' AVT {token}\r".encode()


class Session:
    """One interactive shell on its own pty. ``startup`` = seconds from spawn to the first marker's output."""

    def __init__(
        self,
        shell: str,
        env: dict[str, str],
        cwd: Path,
        prefix: tuple[str, ...] = (),
        timeout: float = 60.0,
    ) -> None:
        binary = find_shell(shell)
        if binary is None:
            raise ShellFailed(f"{shell} is not installed")
        self.shell = shell
        self.buf = bytearray()
        self.row = b""  # what the current terminal row shows (PowerShell's cursor position requests)
        self.idle = False  # known to sit at a drawn prompt, nothing typed since
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.fd = master
        self.spawned_wall = time.time()
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [*prefix, *shell_argv(shell, binary)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_controlling_tty,
        )
        os.close(slave)
        os.set_blocking(master, False)
        try:
            if shell == "pwsh":
                # Typed before .NET has set the terminal up, Enter would arrive as a line feed, which
                # PSReadLine takes for "another line" rather than "run it": start-up is the first prompt.
                self.wait_idle(timeout)
                done = time.perf_counter()
            else:
                _, done = self._exchange(b"", timeout)
        except BaseException:
            self.close()
            raise
        self.startup = done - started
        self.wait_idle()
        self.startup_cpu = self.cpu_ms()

    def _read(self, timeout: float, want_write: bool) -> bool:
        readable, writable, _ = select.select([self.fd], [self.fd] if want_write else [], [], timeout)
        if readable:
            chunk: bytes | None
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                chunk = None
            except OSError:  # EIO: the shell is gone
                chunk = b""
            if chunk == b"":
                raise ShellFailed(f"{self.shell} exited; last output:\n{self.tail()}")
            if chunk:
                self.buf += chunk
                if self.shell == "pwsh":
                    self.answer_cursor_queries(chunk)
        return bool(writable)

    def answer_cursor_queries(self, chunk: bytes) -> None:
        """Answer each ESC[6n with the column after the text on the current row (row 1 is enough)."""
        parts = chunk.split(_CURSOR_QUERY)
        for i, part in enumerate(parts):
            self.row += part
            cut = max(self.row.rfind(b"\n"), self.row.rfind(b"\r"))
            if cut >= 0:
                self.row = self.row[cut + 1 :]
            if i < len(parts) - 1:
                column = len(_ESCAPES.sub(b"", self.row).decode("utf-8", "replace"))
                os.write(self.fd, b"\x1b[1;%dR" % (column + 1))

    def _exchange(self, payload: bytes, timeout: float) -> tuple[str, float]:
        """Write ``payload`` + a marker line; return (output before the marker, time of the marker)."""
        token = uuid.uuid4().hex[:20]
        pattern = re.compile(rb"AVT_" + token.encode() + rb"\r?\n")
        data = payload + marker_line(token, self.shell)
        sent = 0
        self.idle = False
        start = scan = len(self.buf)
        deadline = time.monotonic() + timeout
        while True:
            match = pattern.search(self.buf, scan)
            if match:
                done = time.perf_counter()
                out = bytes(self.buf[start : match.start()])
                del self.buf[: match.end()]
                return out.decode("utf-8", "replace"), done
            scan = max(start, len(self.buf) - 40)
            if time.monotonic() > deadline:
                raise ShellFailed(f"{self.shell}: timed out; last output:\n{self.tail()}")
            if self._read(0.5, sent < len(data)) and sent < len(data):
                with contextlib.suppress(BlockingIOError):  # the pty's input queue is full
                    sent += os.write(self.fd, data[sent : sent + 4096])

    def tail(self) -> str:
        return bytes(self.buf[-1500:]).decode("utf-8", "replace")

    def at_prompt(self) -> bool:
        lflag = termios.tcgetattr(self.fd)[3]
        return not lflag & (termios.ICANON | termios.ECHO)

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Until the prompt was drawn, the line editor reads input and the terminal was quiet for 2 ms."""
        deadline = time.monotonic() + timeout
        prompt = PROMPT.rstrip().encode()
        while not self.idle:
            if time.monotonic() > deadline:
                raise ShellFailed(f"{self.shell}: never became idle; last output:\n{self.tail()}")
            before = len(self.buf)
            self._read(0.002, False)
            if len(self.buf) != before or not self.at_prompt():
                continue
            if _ESCAPES.sub(b"", bytes(self.buf[-200:])).rstrip().endswith(prompt):
                self.buf.clear()
                self.idle = True

    def batch(self, commands: list[str], timeout: float = 120.0) -> tuple[float, float]:
        """Type ``commands`` ahead in one write.

        Returns the seconds until all ran and the marker printed (wall), and the CPU milliseconds the shell
        and its children used from the idle prompt before to the idle prompt after (one more prompt and
        the marker line than ``commands``: a constant that the baseline subtraction removes).
        """
        self.wait_idle()
        cpu = self.cpu_ms()
        payload = "".join(c + "\r" for c in commands).encode()
        started = time.perf_counter()
        _, done = self._exchange(payload, timeout)
        self.wait_idle()
        return done - started, self.cpu_ms() - cpu

    def cpu_ms(self) -> float:
        """On-CPU time of the shell (all its threads, ns-exact from schedstat) plus its reaped children."""
        pid = self.proc.pid
        ns = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                ns += int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return ns / 1e6 + (int(fields[13]) + int(fields[14])) * 1000 / CLOCK_TICKS

    def run(self, command: str, timeout: float = 60.0) -> str:
        self.wait_idle()
        out, _ = self._exchange(command.encode() + b"\r", timeout)
        return out

    def query(self, expression: str) -> str:
        """The value of a shell expression such as ``$VIRTUAL_ENV`` (empty when unset; in PowerShell the
        environment variable of that name)."""
        if self.shell == "pwsh":
            name = expression.lstrip("$")
            out = self.run(f"[Console]::Out.Write('V[' + $env:{name} + ']V' + [char]10)")
        else:
            out = self.run(f"builtin printf 'V[%s]V\\n' \"{expression}\"")
        values = [v for v in re.findall(r"V\[([^\]\r\n]*)\]V", out) if v != "%s"]
        return values[-1] if values else ""

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    os.write(self.fd, b"\rexit\r")
                    self.proc.wait(timeout=3)
                except (OSError, subprocess.TimeoutExpired):
                    pass
        finally:
            if self.fd >= 0:
                os.close(self.fd)
                self.fd = -1
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


# --------------------------------------------------------------------------------------------------------
# Process counting: strace -f with wall-clock timestamps; forks/clones (not threads) inside a time window.
# --------------------------------------------------------------------------------------------------------

_CLONE_RE = re.compile(r"^\d+\s+(\d+\.\d+)\s+(clone3?|fork|vfork)\((.*)$")


def strace_prefix(path: Path) -> tuple[str, ...]:
    return (
        "strace",
        "-f",
        "--seccomp-bpf",  # only the traced syscalls stop the shell
        "-ttt",
        "-qq",
        "-e",
        "trace=clone,clone3,fork,vfork",
        "-e",
        "signal=none",
        "-o",
        str(path),
    )


def process_starts(path: Path) -> list[float]:
    """Wall-clock times at which a new process (not a thread) was created, from an strace log."""
    times = []
    for line in path.read_text(errors="replace").splitlines():
        match = _CLONE_RE.match(line)
        if match and "CLONE_THREAD" not in match.group(3):
            times.append(float(match.group(1)))
    return times


# --------------------------------------------------------------------------------------------------------
# Workspace: homes, projects, venvs, rc files.
# --------------------------------------------------------------------------------------------------------


def fish_quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "\\'") + "'"


def pwsh_quote(word: str) -> str:
    """PowerShell's single quotes (the curly ones count as quotes too): the workspace's paths are ASCII."""
    if not word.isascii():
        raise ValueError(f"the benchmark workspace must be ASCII for PowerShell: {word!r}")
    return "'" + word.replace("'", "''") + "'"


def quote(shell: str, word: str) -> str:
    if shell == "pwsh":
        return pwsh_quote(word)
    return fish_quote(word) if shell == "fish" else shlex.quote(word)


def nothing(shell: str) -> str:
    """The command that does nothing: the "prompt" scenarios run it."""
    return "$null" if shell == "pwsh" else ":"


def cd_command(shell: str, path: Path) -> str:
    # -LiteralPath: PowerShell's cd reads [ ] * ? as a pattern.
    word = quote(shell, str(path))
    return f"cd -LiteralPath {word}" if shell == "pwsh" else f"cd {word}"


def install_launcher(root: Path) -> Path | None:
    """Run the checkout's install.sh into the workspace (no rc change) and return its command.

    Its launcher serves `autovenv hook SHELL` from the copy saved in the cache, so shell start-up with
    the README's install costs no Python start once the copy exists.
    """
    checkout = Path(__file__).resolve().parents[1]
    prefix = root / "install"
    result = subprocess.run(
        ["sh", str(checkout / "install.sh"), "--prefix", str(prefix), "--bin-dir", str(prefix / "bin"),
         "--no-modify-rc", "--shell", "bash"],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(root / "install-home")},
    )
    if result.returncode != 0:
        print(f"bench: install.sh failed, using -I -S:\n{result.stderr[-500:]}", file=sys.stderr)
        return None
    return prefix / "bin" / "autovenv"


class Workspace:
    """The temporary tree: a bin/ with only ``autovenv`` in it, one home per shell and config, projects."""

    def __init__(self, root: Path, autovenv: str, pyenv_root: Path, py_venv: str, py_pin: str) -> None:
        self.root = root
        self.autovenv = autovenv
        self.pyenv_root = pyenv_root
        self.py_venv = py_venv
        self.py_pin = py_pin
        self.bin = root / "bin"
        self.bin.mkdir()
        (self.bin / "autovenv").symlink_to(autovenv)
        self.projects = root / "projects"
        self.projects.mkdir()
        self.export_cmd: list[str] = []
        #: the command install.sh puts in ~/.local/bin (set by install_launcher), or None
        self.launcher: Path | None = None

    # -- homes and environments -------------------------------------------------------------------------

    def home(self, name: str) -> Path:
        home = self.root / "homes" / name
        if not home.exists():
            for sub in (".config", ".cache", ".local/share", ".local/state", "run"):
                (home / sub).mkdir(parents=True, mode=0o700)
            # fish's first interactive start in a new home runs a disowned Python job that parses every
            # man page (and every start does, until it has finished), and mkdir for its config dirs.
            # A user's fish did that long ago.
            for sub in (".local/share/fish/generated_completions", *(f".config/fish/{d}" for d in FISH_DIRS)):
                (home / sub).mkdir(parents=True)
        return home

    def env(self, shell: str, home: Path) -> dict[str, str]:
        env = {
            "HOME": str(home),
            "PATH": f"{self.bin}:{SYSTEM_PATH}",
            "TERM": "dumb",
            "LANG": "C.UTF-8",
            "USER": os.environ.get("USER", "user"),
            "SHELL": find_shell(shell) or shell,
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_RUNTIME_DIR": str(home / "run"),
            "PYENV_ROOT": str(self.pyenv_root),
        }
        if shell == "zsh":
            env["ZDOTDIR"] = str(home)
        if shell == "pwsh":
            env.update(POWERSHELL_TELEMETRY_OPTOUT="1", POWERSHELL_UPDATECHECK="Off", DOTNET_NOLOGO="1")
        return env

    def hook_line(self, shell: str, config: str, home: Path | None = None) -> str:
        if config == BASE:
            return ""
        if shell == "pwsh":  # the README's profile line; PowerShell has no start file and no direnv hook
            if config == LEAN and self.launcher is not None:
                cmd = quote(shell, str(self.launcher))
            elif config == LEAN:
                cmd = " ".join(quote(shell, w) for w in self.export_cmd)
            else:
                cmd = "autovenv"
            return f"Invoke-Expression (& {cmd} hook pwsh | Out-String)"
        if config == START and home is not None:  # as `autovenv init` writes it (autovenv.shells.*)
            start = quote(shell, str(self.cache_dir(home) / f"start.{shell}"))
            if shell == "fish":
                return f"test -O {start}; and source {start}; or autovenv hook fish | source"
            return f'[ -O {start} ] && . {start} || eval "$(autovenv hook {shell})"'
        if config == AUTOVENV:
            cmd = "autovenv"
        elif config == LEAN and self.launcher is not None:  # the README's install: install.sh's command
            cmd = quote(shell, str(self.launcher))
        elif config == LEAN:  # no install.sh run: what its launcher falls back to, the interpreter -I -S
            cmd = " ".join(quote(shell, w) for w in self.export_cmd)
        else:
            cmd = "direnv"
        return f"{cmd} hook fish | source" if shell == "fish" else f'eval "$({cmd} hook {shell})"'

    def write_rc(self, shell: str, home: Path, config: str) -> None:
        hook = self.hook_line(shell, config, home)
        if shell == "bash":
            (home / ".bashrc").write_text(f"PS1='{PROMPT}'\n{hook}\n")
        elif shell == "zsh":
            (home / ".zshrc").write_text(f"PROMPT='{PROMPT}'\n{hook}\n")
        elif shell == "pwsh":
            # PSReadLine's predictions (computed at every key typed) and its history file (written at every
            # line) vary a bare pwsh's time per command from 0.4 to 2 ms: off in every configuration.
            profile = home / ".config" / "powershell" / "Microsoft.PowerShell_profile.ps1"
            profile.parent.mkdir(parents=True, exist_ok=True)
            quiet = "Set-PSReadLineOption -PredictionSource None -HistorySaveStyle SaveNothing"
            profile.write_text(f"{quiet}\nfunction prompt {{ '{PROMPT}' }}\n{hook}\n")
        else:
            (home / ".config" / "fish" / "config.fish").write_text(
                f"set -g fish_greeting\nfunction fish_prompt\n    echo -n '{PROMPT}'\nend\n{hook}\n"
            )

    def config_home(self, shell: str, config: str, tag: str = "") -> tuple[Path, dict[str, str]]:
        home = self.home(f"{shell}-{SLUG[config]}{tag}")
        self.write_rc(shell, home, config)
        return home, self.env(shell, home)

    def cache_dir(self, home: Path) -> Path:
        return home / ".cache" / "autovenv"

    def cache_entry(self, home: Path, shell: str, directory: Path) -> Path:
        """Where the hooks look for ``directory``'s answer (autovenv.cache.entry_path)."""
        escaped = str(directory).rstrip("/").replace("/%", "/%%")
        return Path(str(self.cache_dir(home) / shell) + escaped + "/%")

    # -- projects -------------------------------------------------------------------------------------

    def base_python(self, version: str) -> Path:
        return self.pyenv_root / "versions" / version / "bin" / "python3"

    def fake_venv(self, project: Path, envrc: bool = True) -> None:
        """A tiny venv that resolves like a real one: pyvenv.cfg naming this path, bin/python symlink."""
        venv = project / ".venv"
        (venv / "bin").mkdir(parents=True)
        python = self.base_python(self.py_venv)
        (venv / "pyvenv.cfg").write_text(
            f"home = {python.parent}\ninclude-system-site-packages = false\nversion = {self.py_venv}\n"
            f"executable = {python.resolve()}\ncommand = {python} -m venv {venv}\n"
        )
        (venv / "bin" / "python").symlink_to(python)
        if envrc:
            self.envrc_venv(project)

    def fresh_poetry_projects(self, group: str, count: int, env: dict[str, str]) -> list[Path]:
        """Poetry projects whose env is where Poetry keeps it (``{cache}/pypoetry/virtualenvs/
        {name}-{hash}-py{X.Y}``, with an envs.toml entry): a first visit reads pyproject.toml, Poetry's
        config files and envs.toml, and hashes the path, as for a real one."""
        import base64
        import hashlib

        cache = Path(env.get("XDG_CACHE_HOME") or Path(env["HOME"]) / ".cache")
        store = cache / "pypoetry" / "virtualenvs"
        store.mkdir(parents=True, exist_ok=True)
        base = self.projects / "fresh" / group
        minor = ".".join(self.py_venv.split(".")[:2])
        paths, entries = [], []
        for i in range(count):
            path = base / f"p{i:05d}"
            path.mkdir(parents=True)
            (path / "pyproject.toml").write_text(
                f'[project]\nname = "blog-{i}"\nversion = "0.1.0"\n\n[tool.poetry]\npackage-mode = false\n'
            )
            (path / "poetry.lock").write_text("")
            digest = hashlib.sha256(os.fsencode(os.path.realpath(path))).digest()
            name = f"blog-{i}-{base64.urlsafe_b64encode(digest).decode()[:8]}"
            venv = store / f"{name}-py{minor}"
            (venv / "bin").mkdir(parents=True)
            python = self.base_python(self.py_venv)
            (venv / "pyvenv.cfg").write_text(
                f"home = {python.parent}\ninclude-system-site-packages = false\nversion = {self.py_venv}\n"
                f"executable = {python.resolve()}\ncommand = {python} -m venv {venv}\n"
            )
            (venv / "bin" / "python").symlink_to(python)
            entries.append(f'[{name}]\nminor = "{minor}"\npatch = "{self.py_venv}"\n')
            paths.append(path)
        (store / "envs.toml").write_text("\n".join(entries))
        return paths

    def envrc_venv(self, project: Path) -> None:
        (project / ".envrc").write_text('export VIRTUAL_ENV="$PWD/.venv"\nPATH_add .venv/bin\n')

    def make_main_projects(self) -> dict[str, Path]:
        alpha, beta, plain = self.projects / "alpha", self.projects / "beta", self.projects / "plain"
        for sub in ("src", "tests"):
            (alpha / sub).mkdir(parents=True)
            (beta / sub).mkdir(parents=True)
        plain.mkdir()
        subprocess.run(
            [str(self.base_python(self.py_venv)), "-m", "venv", "--without-pip", str(alpha / ".venv")],
            check=True,
        )
        self.envrc_venv(alpha)
        (beta / ".python-version").write_text(f"{self.py_pin}\n")
        (beta / ".envrc").write_text(
            f"export PYENV_VERSION={self.py_pin}\nPATH_add {self.pyenv_root}/versions/{self.py_pin}/bin\n"
        )
        return {"alpha": alpha, "beta": beta, "plain": plain}

    def fresh_projects(self, group: str, count: int, envrc: bool = True) -> list[Path]:
        base = self.projects / "fresh" / group
        paths = [base / f"p{i:05d}" for i in range(count)]
        for path in paths:
            path.mkdir(parents=True)
            self.fake_venv(path, envrc)
        return paths


def direnv_allow(env: dict[str, str], dirs: list[Path]) -> None:
    def allow(path: Path) -> None:
        subprocess.run(["direnv", "allow", str(path)], env=env, cwd=path, check=True, capture_output=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(allow, [d for d in dirs if (d / ".envrc").exists()]))


# --------------------------------------------------------------------------------------------------------
# Scenarios and measurement.
# --------------------------------------------------------------------------------------------------------


class Scenario:
    """``commands(sample, n)`` gives the typed lines for one sample; ``setup`` runs once per session first.

    ``cold`` (first visits): the commands enter never-seen projects, a new set per sample, and autovenv's
    cache is cleared before each sample. Sample -1 is the warm-up, -2 the process count.
    """

    def __init__(
        self,
        name: str,
        setup: list[str],
        commands: Callable[[int, int], list[str]],
        cold: bool = False,
        size: int | None = None,
    ) -> None:
        self.name = name
        self.setup = setup
        self.commands = commands
        self.cold = cold
        self.size = size  # commands per sample at most, instead of args.n / args.n_cold


def alternate(shell: str, a: Path, b: Path) -> Callable[[int, int], list[str]]:
    ca, cb = cd_command(shell, a), cd_command(shell, b)
    return lambda sample, n: [cb if i % 2 == 0 else ca for i in range(n)]


def repeat(command: str) -> Callable[[int, int], list[str]]:
    return lambda sample, n: [command] * n


def visits(shell: str, dirs: Callable[[int, int], list[Path]]) -> Callable[[int, int], list[str]]:
    return lambda sample, n: [cd_command(shell, d) for d in dirs(sample, n)]


class Measurement:
    """Per-sample times of each config. ``paired`` (PowerShell): what a config adds is the median of the
    per-sample differences (sample i of the config minus sample i of the baseline, run next to each
    other), and its spread their interquartile range; otherwise the difference of the medians, and the
    spread the differences' min and max."""

    def __init__(self, paired: bool = False) -> None:
        self.paired = paired
        self.per_cmd: dict[str, list[float]] = {}  # config -> ms per command, one per sample
        self.sizes: dict[str, int] = {}  # config -> commands per sample
        self.cpu_per_cmd: dict[str, list[float]] = {}  # config -> CPU ms per command, one per sample

    def median(self, config: str, cpu: bool = False) -> float | None:
        values = (self.cpu_per_cmd if cpu else self.per_cmd).get(config)
        return statistics.median(values) if values else None

    def differences(self, config: str, cpu: bool = False) -> list[float]:
        """Sample i of ``config`` minus sample i of the baseline (the two ran one after the other)."""
        values = self.cpu_per_cmd if cpu else self.per_cmd
        return [h - b for h, b in zip(values.get(config, []), values.get(BASE, []))]

    def added(self, config: str, cpu: bool = False) -> float | None:
        if self.paired:
            diffs = self.differences(config, cpu)
            return statistics.median(diffs) if diffs else None
        hooked, base = self.median(config, cpu), self.median(BASE, cpu)
        return None if hooked is None or base is None else hooked - base

    def spread(self, config: str) -> tuple[float, float]:
        """Min and max of the per-sample differences; paired, their first and third quartiles."""
        diffs = self.differences(config)
        if not diffs:
            return (float("nan"), float("nan"))
        if self.paired and len(diffs) >= 4:
            quartiles = statistics.quantiles(diffs, n=4)
            return (quartiles[0], quartiles[2])
        return (min(diffs), max(diffs))

    def to_json(self) -> dict[str, Any]:
        return {
            "ms_per_cmd": self.per_cmd,
            "cpu_ms_per_cmd": self.cpu_per_cmd,
            "commands_per_sample": self.sizes,
        }


def clear_cache(cache: Path, shell: str) -> None:
    shutil.rmtree(cache / shell, ignore_errors=True)


def time_scenarios(
    shell: str,
    sessions: dict[str, Session],
    homes: dict[str, Path],
    scenarios: list[Scenario],
    args: argparse.Namespace,
    ws: Workspace,
    log: Callable[[str], None],
) -> dict[str, Measurement]:
    """Interleaved: every sample runs the scenario in each config (rotating the order) before the next.

    Sample -1 is a warm-up of ``WARMUP_N`` commands, not recorded; it also sizes the batches: ``args.n``
    commands (``args.n_cold`` for first visits), fewer for a config so slow that a batch would take more
    than ``args.batch_seconds`` (direnv, first visits), but at least ``MIN_N``.
    """
    results: dict[str, Measurement] = {}
    configs = list(sessions)
    for scenario in scenarios:
        # (Not the first visits: each of their samples needs projects never seen, made for --samples.)
        paired = shell == "pwsh" and not scenario.cold and scenario.size is None
        m = results[scenario.name] = Measurement(paired=paired)
        samples = args.samples * (PWSH_SAMPLE_FACTOR if paired else 1)
        upper = scenario.size or (args.n_cold if scenario.cold else args.n)
        started = time.monotonic()
        for config in configs:
            for command in scenario.setup:
                sessions[config].run(command)
            if shell == "pwsh" and not scenario.cold and scenario.size is None:  # not the first visits
                # PowerShell compiles a script block, and .NET optimises a method (in steps, over the
                # first thousand calls or so), only once it has run a number of times: without 600
                # commands first, the samples show a hook still being compiled, not one in daily use.
                sessions[config].batch(scenario.commands(-1, PWSH_WARMUP_N))
        for sample in range(-1, samples):
            order = configs[sample % len(configs) :] + configs[: sample % len(configs)]
            for config in order:
                n = min(upper, WARMUP_N) if sample < 0 else m.sizes[config]
                if scenario.cold and config == AUTOVENV:
                    clear_cache(ws.cache_dir(homes[config]), shell)
                commands = scenario.commands(sample, n)
                seconds, cpu = sessions[config].batch(commands)
                if sample < 0:
                    fit = int(args.batch_seconds * len(commands) / seconds)
                    m.sizes[config] = max(min(upper, MIN_N), min(upper, fit)) // 2 * 2
                else:
                    m.per_cmd.setdefault(config, []).append(seconds * 1000 / len(commands))
                    m.cpu_per_cmd.setdefault(config, []).append(cpu / len(commands))
        log(f"  {shell} {scenario.name}: {time.monotonic() - started:.1f} s, commands per sample {m.sizes}")
    return results


def count_processes(
    shell: str,
    ws: Workspace,
    config: str,
    scenarios: list[Scenario],
    sizes: dict[str, int],
    home: Path | None = None,
) -> tuple[dict[str, float], float]:
    """Processes per command for each scenario (and at start-up) for one config, under strace -f.

    Each scenario gets two windows in one session: the marker line alone, then n commands + the marker;
    the difference over n is what the commands and their prompts spawned.
    """
    if home is None:
        home = ws.config_home(shell, config, "-strace")[0]
    env = ws.env(shell, home)
    log = ws.root / f"strace-{shell}-{SLUG[config]}-{uuid.uuid4().hex[:6]}.log"
    session = Session(shell, env, home, prefix=strace_prefix(log))
    windows: list[tuple[str, float, float, float, int]] = []
    try:
        session.wait_idle()
        startup_window = (session.spawned_wall, time.time())
        for scenario in scenarios:
            for command in scenario.setup:
                session.run(command)
            session.wait_idle()
            t0 = time.time()
            session.batch([])  # the marker alone: what each window costs without the commands
            session.wait_idle()
            t1 = time.time()
            n = sizes[scenario.name]
            session.batch(scenario.commands(-2, n))
            session.wait_idle()
            t2 = time.time()
            windows.append((scenario.name, t0, t1, t2, n))
    finally:
        session.close()
    starts = process_starts(log)

    def within(a: float, b: float) -> int:
        return sum(1 for t in starts if a <= t < b)

    counts = {name: (within(t1, t2) - within(t0, t1)) / n for name, t0, t1, t2, n in windows}
    return counts, float(within(*startup_window))


def time_startups(
    shell: str, ws: Workspace, configs: list[str], samples: int, per_sample: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Milliseconds from spawn to the output of a command typed ahead at spawn, for each config
    (interleaved), and the CPU milliseconds the shell and its children used until that first prompt."""
    homes = {c: ws.config_home(shell, c, "-start") for c in configs}
    times: dict[str, list[float]] = {c: [] for c in configs}
    cpus: dict[str, list[float]] = {c: [] for c in configs}
    for sample in range(-1, samples):
        for config in configs[sample % len(configs) :] + configs[: sample % len(configs)]:
            home, env = homes[config]
            runs, cpu = [], []
            for _ in range(per_sample):
                session = Session(shell, env, home)
                runs.append(session.startup * 1000)
                cpu.append(session.startup_cpu)
                session.close()
            if sample >= 0:
                times[config].append(statistics.median(runs))
                cpus[config].append(statistics.median(cpu))
    return times, cpus


# --------------------------------------------------------------------------------------------------------
# Python-level numbers.
# --------------------------------------------------------------------------------------------------------


def time_process(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU milliseconds (the child's user + system time) of one run of ``argv`` in ``cwd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        argv, env=dict(env, PWD=str(cwd)), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    return wall, cpu


def import_times(argv: list[str], env: dict[str, str], cwds: list[Path]) -> list[tuple[str, float, float]]:
    """(module with nesting indentation, self µs, cumulative µs), in import order.

    Each figure is the fastest of the runs: ``-X importtime`` measures wall time, and on a busy machine
    the minimum is the best estimate of what an import costs without contention.
    """
    samples: dict[str, list[tuple[int, int]]] = {}
    order: list[str] = []
    for cwd in cwds:
        proc = subprocess.run(
            [argv[0], "-X", "importtime", *argv[1:]],
            env=dict(env, PWD=str(cwd)),
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        for line in proc.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (.*)$", line)
            if match:
                name = match.group(3)
                if name not in samples:
                    order.append(name)
                samples.setdefault(name, []).append((int(match.group(1)), int(match.group(2))))
    return [(n, min(s for s, _ in samples[n]), min(c for _, c in samples[n])) for n in order]


# --------------------------------------------------------------------------------------------------------
# Output.
# --------------------------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:.{digits}f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"]
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for row in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    return "\n".join(lines)


def scenario_row(
    name: str,
    m: Measurement,
    procs: dict[str, dict[str, float]],
    have_direnv: bool,
    config: str = AUTOVENV,
    label: str | None = None,
) -> list[str]:
    base = m.median(BASE)
    hooked = m.median(config)
    added = m.added(config)
    low, high = m.spread(config)
    ratio = None if not base or hooked is None else hooked / base
    proc = procs.get(config, {}).get(name)
    proc_base = procs.get(BASE, {}).get(name, 0.0)
    row = [
        label or name,
        fmt(base, 3),
        f"{fmt(added, 3)} [{fmt(low, 3)}, {fmt(high, 3)}]",
        fmt(m.added(config, cpu=True), 3),
        f"{fmt(ratio, 1)}x",
        fmt(None if proc is None else proc - proc_base, 2),
    ]
    if have_direnv:
        dproc = procs.get(DIRENV, {}).get(name)
        row += [
            f"{fmt(m.added(DIRENV), 2)} ({fmt(m.added(DIRENV, cpu=True), 2)})",
            fmt(None if dproc is None else dproc - proc_base, 2),
        ]
    return row


HEADERS = [
    "scenario",
    "baseline ms/cmd",
    "autovenv ms added [range]",
    "autovenv CPU ms added",
    "ratio",
    "processes/cmd",
]
DIRENV_HEADERS = ["direnv ms added (CPU)", "direnv processes/cmd"]

# --------------------------------------------------------------------------------------------------------
# Setup helpers.
# --------------------------------------------------------------------------------------------------------


def newest_mtime(paths: list[Path]) -> float:
    newest = 0.0
    for top in paths:
        if top.is_file():
            newest = max(newest, top.stat().st_mtime)
        for dirpath, _, files in os.walk(top):
            for name in files:
                if not name.endswith(".pyc"):
                    newest = max(newest, os.stat(os.path.join(dirpath, name)).st_mtime)
    return newest


def ensure_venv(venv: Path, reinstall: bool, log: Callable[[str], None]) -> str:
    """A venv with autovenv installed from this checkout by pip; reinstalled when the source is newer."""
    stamp = venv / ".autovenv-bench-installed"
    source = newest_mtime([REPO / "src", REPO / "shell", REPO / "pyproject.toml"])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not (venv / "bin" / "python").exists():
        log(f"creating {venv} and pip-installing {REPO} into it")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([*pip, str(REPO)], check=True)
    elif reinstall or not stamp.exists() or float(stamp.read_text() or 0) < source:
        log(f"the checkout changed: pip-installing {REPO} into {venv} again")
        subprocess.run([*pip, "--force-reinstall", "--no-deps", str(REPO)], check=True)
    stamp.write_text(str(source))
    return str(venv / "bin" / "autovenv")


def export_command(ws: Workspace, env: dict[str, str]) -> list[str]:
    """The exact command the bash hook runs on its cold path (its __autovenv_export array)."""
    out = subprocess.run(
        [
            "bash",
            "--norc",
            "--noprofile",
            "-c",
            'eval "$(autovenv hook bash)" && printf "%s\\0" "${__autovenv_export[@]}"',
        ],
        env=env,
        capture_output=True,
        check=True,
    ).stdout
    return [w.decode() for w in out.split(b"\0") if w]


def check_markers_above(root: Path) -> list[str]:
    found = []
    for parent in root.parents:
        for marker in MARKERS:
            if os.path.lexists(parent / marker):
                found.append(str(parent / marker))
    return found


def machine_info(args: argparse.Namespace, autovenv: str, python: str, env: dict[str, str]) -> dict[str, str]:
    def first_line(argv: list[str]) -> str:
        try:
            out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=10)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = first_line(["git", "-C", str(REPO), "describe", "--always", "--dirty"])
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}",
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "autovenv": f"{first_line([autovenv, '--version'])} ({commit})",
        "bash": first_line(["bash", "--version"]),
        "zsh": first_line(["zsh", "--version"]),
        "fish": first_line(["fish", "--version"]),
        "direnv": first_line(["direnv", "version"]) if shutil.which("direnv") else "not installed",
        "python": first_line([python, "--version"]),
        "samples": f"{args.samples} samples of up to {args.n} commands ({args.n_cold} first visits), "
        f"fewer where a batch would take over {args.batch_seconds:g} s",
    }


def has_daemon(env: dict[str, str]) -> bool:
    proc = subprocess.run(["autovenv", "daemon", "--help"], env=env, capture_output=True, text=True)
    return proc.returncode == 0


# --------------------------------------------------------------------------------------------------------
# The runs.
# --------------------------------------------------------------------------------------------------------


def run_shell(
    shell: str,
    ws: Workspace,
    args: argparse.Namespace,
    projects: dict[str, Path],
    daemon: bool,
    log: Callable[[str], None],
) -> dict[str, Any]:
    direnv = args.direnv and shell != "pwsh"  # direnv has no PowerShell hook
    configs = [BASE, AUTOVENV] + ([DIRENV] if direnv else [])
    alpha, beta, plain = projects["alpha"], projects["beta"], projects["plain"]
    homes: dict[str, Path] = {}
    envs: dict[str, dict[str, str]] = {}
    for config in configs:
        homes[config], envs[config] = ws.config_home(shell, config)
    if direnv:
        direnv_allow(envs[DIRENV], [alpha, beta])
    cold_sets: dict[int, list[Path]] = {}

    def cold_dirs(sample: int, n: int) -> list[Path]:
        """Never-seen projects, a new set per sample (shared by the configs: each has its own cache)."""
        if sample not in cold_sets:
            cold_sets[sample] = ws.fresh_projects(f"{shell}-{sample + 2}", max(n, args.n_cold))
            if direnv:
                direnv_allow(envs[DIRENV], cold_sets[sample])
        return cold_sets[sample][:n]

    def cd(path: Path) -> str:
        return cd_command(shell, path)

    scenarios = [
        Scenario("prompt", [cd(alpha / "src")], repeat(nothing(shell))),
        Scenario("cd-within", [cd(alpha / "src")], alternate(shell, alpha / "src", alpha / "tests")),
        Scenario("switch", [cd(beta), cd(alpha)], alternate(shell, alpha, beta)),
        Scenario("in-out", [cd(alpha), cd(plain)], alternate(shell, plain, alpha)),
        Scenario("first-visit cold", [cd(plain)], visits(shell, cold_dirs), cold=True),
    ]
    notes: list[str] = []
    if shell == "pwsh":
        notes.append(
            f"pwsh prompt, cd-within, switch, in-out: {args.samples * PWSH_SAMPLE_FACTOR} samples each; "
            "'added' is the median of the per-sample differences (each hooked batch minus the bare batch "
            "next to it), and [range] their interquartile range"
        )
    sessions: dict[str, Session] = {}
    procs: dict[str, dict[str, float]] = {}
    try:
        for config in configs:
            sessions[config] = Session(shell, envs[config], homes[config])
        notes += sanity_check(shell, ws, sessions, projects)
        measured = time_scenarios(shell, sessions, homes, scenarios, args, ws, log)
        if daemon:
            found = daemon_first_visit(shell, ws, args, sessions[BASE], plain, log)
            if isinstance(found, str):
                notes.append(found)
            else:
                measured["first-visit daemon"], procs_daemon = found
                for config, value in procs_daemon.items():
                    procs.setdefault(config, {})["first-visit daemon"] = value
    finally:
        for s in sessions.values():
            s.close()

    startup_procs: dict[str, float] = {}
    if args.strace and shutil.which("strace"):
        sizes = {s.name: (args.n_strace_cold if s.cold else args.n_strace) for s in scenarios}
        for config in configs:
            counted, startup_procs[config] = count_processes(shell, ws, config, scenarios, sizes)
            procs.setdefault(config, {}).update(counted)
        log(f"  {shell} processes counted")
    elif args.strace:
        notes.append("strace not found: processes per command not counted (apt-get install strace)")

    # PowerShell keeps its plain profile line: no start line to time.
    start_line = [START] if shell != "pwsh" else []
    startup_configs = [BASE, AUTOVENV, *start_line, LEAN] + ([DIRENV] if direnv else [])
    startups, startup_cpu = time_startups(shell, ws, startup_configs, args.samples, args.starts)
    log(f"  {shell} start-up timed")

    names = [s.name for s in scenarios] + ["first-visit daemon"]
    rows = []
    for name in names:
        if name in measured:
            rows.append(scenario_row(name, measured[name], procs, direnv))
    if "first-visit daemon" not in measured:
        skipped = "skipped: no `autovenv daemon`" if not daemon else "skipped (see note)"
        rows.append(["first-visit daemon", skipped] + [""] * (len(HEADERS) - 2 + (2 if direnv else 0)))
    rows += startup_rows(startups, startup_cpu, startup_procs, direnv)
    headers = HEADERS + (DIRENV_HEADERS if direnv else [])
    raw: dict[str, Any] = {name: m.to_json() for name, m in measured.items()}
    raw["startup_ms"] = startups
    raw["startup_cpu_ms"] = startup_cpu
    raw["startup_processes"] = startup_procs
    return {
        "table": table(headers, rows),
        "notes": notes,
        "raw": raw,
        "budget": budget_lines(shell, measured, procs, startups, startup_cpu),
    }


def sanity_check(
    shell: str, ws: Workspace, sessions: dict[str, Session], projects: dict[str, Path]
) -> list[str]:
    """The hooks must really activate and deactivate, or their numbers mean nothing."""
    notes = []
    alpha, beta, plain = projects["alpha"], projects["beta"], projects["plain"]
    for config, s in sessions.items():
        s.run(cd_command(shell, alpha))
        venv = s.query("$VIRTUAL_ENV")
        s.run(cd_command(shell, beta))
        pin = s.query("$PYENV_VERSION")
        s.run(cd_command(shell, plain))
        left = s.query("$VIRTUAL_ENV")
        expected = ("", "", "") if config == BASE else (str(alpha / ".venv"), ws.py_pin, "")
        if (venv, pin, left) != expected:
            notes.append(
                f"{config} in {shell} did not behave: VIRTUAL_ENV={venv!r} PYENV_VERSION={pin!r} "
                f"after leaving={left!r}"
            )
    probe = ws.fresh_projects(f"{shell}-probe", 1)[0]
    sessions[AUTOVENV].run(cd_command(shell, probe))
    if sessions[AUTOVENV].query("$VIRTUAL_ENV") != str(probe / ".venv"):
        notes.append(f"autovenv in {shell} did not activate a fresh (fake) venv: first-visit numbers are off")
    sessions[AUTOVENV].run(cd_command(shell, plain))
    return notes


def startup_rows(
    startups: dict[str, list[float]],
    cpus: dict[str, list[float]],
    procs: dict[str, float],
    have_direnv: bool,
) -> list[list[str]]:
    med = statistics.median
    base = med(startups[BASE])
    rows = []
    for config, label in (
        (AUTOVENV, "shell start-up (ms, pip script)"),
        (START, "shell start-up (ms, start line)"),
        (LEAN, "shell start-up (ms, install.sh)"),
    ):
        if config not in startups:
            continue
        value = med(startups[config])
        diffs = [h - b for h, b in zip(startups[config], startups[BASE])]
        row = [
            label,
            fmt(base, 1),
            f"{fmt(value - base, 1)} [{fmt(min(diffs), 1)}, {fmt(max(diffs), 1)}]",
            fmt(med(cpus[config]) - med(cpus[BASE]), 1),
            f"{fmt(value / base, 1)}x",
            fmt(procs[AUTOVENV] - procs[BASE] if config == AUTOVENV and procs else None, 0),
        ]
        if have_direnv and config == AUTOVENV:
            direnv = f"{fmt(med(startups[DIRENV]) - base, 1)} ({fmt(med(cpus[DIRENV]) - med(cpus[BASE]), 1)})"
            row += [direnv, fmt(procs[DIRENV] - procs[BASE] if procs else None, 0)]
        elif have_direnv:
            row += ["", ""]
        rows.append(row)
    return rows


class Daemon:
    """``autovenv daemon start`` in a benchmark home, watching ``roots``; stopped (for sure) on exit."""

    def __init__(self, env: dict[str, str], roots: list[Path]) -> None:
        self.env = env
        config = Path(env["XDG_CONFIG_HOME"]) / "autovenv"
        config.mkdir(parents=True, exist_ok=True)
        (config / "config.toml").write_text(f"watch_roots = {json.dumps([str(r) for r in roots])}\n")
        self.pid: int | None = None

    def ctl(self, *words: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["autovenv", "daemon", *words], env=self.env, capture_output=True, text=True, timeout=60
        )

    def status(self) -> dict[str, Any]:
        try:
            data = json.loads(self.ctl("status", "--json").stdout or "{}")
        except (ValueError, subprocess.TimeoutExpired):
            return {}
        return data if isinstance(data, dict) else {}

    def __enter__(self) -> Daemon:
        started = self.ctl("start")
        status = self.status()
        if status.get("state") != "running":
            self.stop()
            raise ShellFailed(f"`autovenv daemon start` did not start it: {started.stderr.strip()[:300]}")
        self.pid = int(status["pid"])
        return self

    def wait(self, entries: list[Path], timeout: float) -> float:
        """Seconds until every one of ``entries`` exists and the daemon has nothing pending."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if all(e.exists() for e in entries) and self.status().get("pending") == 0:
                break
            time.sleep(0.2)
        return time.monotonic() - began

    def stop(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.ctl("stop")
        if self.pid is not None and Path(f"/proc/{self.pid}").exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, 9)

    def __exit__(self, *exc: object) -> None:
        self.stop()


def daemon_first_visit(
    shell: str,
    ws: Workspace,
    args: argparse.Namespace,
    base: Session,
    plain: Path,
    log: Callable[[str], None],
) -> tuple[Measurement, dict[str, float]] | str:
    """cd into never-visited projects under a watched root, with the daemon running (vs ``base``)."""
    home, env = ws.config_home(shell, AUTOVENV, "-daemon")
    per_set = min(args.n, 50)
    made = ws.fresh_projects(f"watched-{shell}", per_set * (args.samples + 2), envrc=False)
    root = made[0].parent
    sets = {
        sample: made[(sample + 2) * per_set : (sample + 3) * per_set] for sample in range(-2, args.samples)
    }
    scenario = Scenario(
        "first-visit daemon",
        [cd_command(shell, plain)],
        visits(shell, lambda sample, n: sets[sample][:n]),
        size=per_set,
    )
    try:
        with Daemon(env, [root]) as daemon:
            took = daemon.wait([ws.cache_entry(home, shell, p) for p in made], timeout=120)
            missing = sum(1 for p in made if not ws.cache_entry(home, shell, p).exists())
            log(f"  {shell} daemon pre-resolved {len(made) - missing}/{len(made)} projects in {took:.1f} s")
            if missing:
                return (
                    f"daemon: {missing} of {len(made)} watched projects had no cache entry after {took:.0f} s"
                )
            session = Session(shell, env, home)
            try:
                measured = time_scenarios(
                    shell, {BASE: base, AUTOVENV: session}, {AUTOVENV: home}, [scenario], args, ws, log
                )[scenario.name]
            finally:
                session.close()
            procs: dict[str, float] = {}
            if args.strace and shutil.which("strace"):
                sizes = {scenario.name: args.n_strace_cold}
                procs[AUTOVENV] = count_processes(shell, ws, AUTOVENV, [scenario], sizes, home)[0][
                    scenario.name
                ]
                procs[BASE] = count_processes(shell, ws, BASE, [scenario], sizes)[0][scenario.name]
            return measured, procs
    except ShellFailed as exc:
        return f"daemon: {exc}"


def run_daemon_rss(ws: Workspace, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """The daemon watching ``--daemon-projects`` projects: time to pre-resolve them, RSS, idle CPU."""
    home, env = ws.config_home("bash", AUTOVENV, "-daemon-rss")
    made = ws.fresh_projects("daemon-rss", args.daemon_projects, envrc=False)
    root = made[0].parent
    entries = [ws.cache_entry(home, "bash", p) for p in made]
    with Daemon(env, []) as idle:
        time.sleep(1)
        rss_empty = int(idle.status().get("rss_kb") or 0)
    with Daemon(env, [root]) as daemon:
        took = daemon.wait(entries, timeout=args.daemon_settle)
        done = sum(1 for e in entries if e.exists())
        status = daemon.status()
        assert daemon.pid is not None
        ticks = cpu_ticks([daemon.pid])
        time.sleep(5)
        cpu = (cpu_ticks([daemon.pid]) - ticks) / os.sysconf("SC_CLK_TCK") / 5 * 100
    rss = int(status.get("rss_kb") or 0) / 1024
    log(f"  daemon: {done}/{len(made)} pre-resolved in {took:.0f} s, RSS {rss:.1f} MB")
    return {
        "lines": [
            f"{'RSS, no watched root':44} {rss_empty / 1024:6.1f} MB",
            f"{f'RSS, watching {len(made)} projects':44} {rss:6.1f} MB (budget ≤ 40 MB): "
            f"{'OVER' if rss > 40 else 'ok'}",
            f"{'inotify watches':44} {status.get('watches', {}).get('inotify', '?'):>6}",
            f"{'time to pre-resolve them (all shells)':44} {took:6.1f} s   ({done}/{len(made)} done)",
            f"{'CPU while idle, over 5 s':44} {cpu:6.1f} %",
        ],
        "status": status,
    }


def budget_lines(
    shell: str,
    measured: dict[str, Measurement],
    procs: dict[str, dict[str, float]],
    startups: dict[str, list[float]],
    cpus: dict[str, list[float]],
) -> list[str]:
    """One line per budget of DESIGN.md §6: wall and CPU ms added (each judged), processes."""

    def judge(value: float | None, budget: float) -> str:
        return "-" if value is None else ("OVER" if value > budget else "ok")

    lines = []
    for name, budget in BUDGET_MS.items():
        if name not in measured:
            continue
        wall, cpu = measured[name].added(AUTOVENV), measured[name].added(AUTOVENV, cpu=True)
        proc = procs.get(AUTOVENV, {}).get(name, 0.0) - procs.get(BASE, {}).get(name, 0.0)
        counted = AUTOVENV in procs and name in procs[AUTOVENV]
        lines.append(
            f"{shell:4} {name:18} wall {fmt(wall, 3):>7} ms {judge(wall, budget):4}  CPU {fmt(cpu, 3):>7} ms "
            f"{judge(cpu, budget):4} (budget {budget:g} ms)   processes {fmt(proc if counted else None, 2)} "
            f"{judge(proc if counted else None, 0.005)}"
        )
    med = statistics.median
    for config, label in (
        (AUTOVENV, "start-up (pip)"),
        (START, "start-up (start line)"),
        (LEAN, "start-up (install.sh)"),
    ):
        if config not in startups:
            continue
        wall = med(startups[config]) - med(startups[BASE])
        cpu = med(cpus[config]) - med(cpus[BASE])
        lines.append(
            f"{shell:4} {label:18} wall {fmt(wall, 1):>7} ms {judge(wall, STARTUP_BUDGET_MS):4}  "
            f"CPU {fmt(cpu, 1):>7} ms {judge(cpu, STARTUP_BUDGET_MS):4} (budget {STARTUP_BUDGET_MS:g} ms)"
        )
    return lines


def run_python(ws: Workspace, env: dict[str, str], runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """python -I -S -c pass vs one cold export process (interleaved runs); the export path's imports."""
    py = ws.export_cmd[0]
    plain = ws.projects / "plain"
    fresh = iter(ws.fresh_projects("python-export", 2 * runs + 2 + IMPORT_RUNS, envrc=False))
    poetry = iter(ws.fresh_poetry_projects("python-export-poetry", runs + 1, env))
    cases: dict[str, tuple[list[str], Callable[[], Path]]] = {
        "python -I -S -c pass": ([py, "-I", "-S", "-c", "pass"], lambda: plain),
        "python -c pass (site)": ([py, "-c", "pass"], lambda: plain),
        "cold export, the hook's -I -S command": (
            [*ws.export_cmd, "export", "bash", "--hook"],
            lambda: next(fresh),
        ),
        "cold export, a Poetry project": (
            [*ws.export_cmd, "export", "bash", "--hook"],
            lambda: next(poetry),
        ),
        "cold export, `autovenv` pip script": (["autovenv", "export", "bash", "--hook"], lambda: next(fresh)),
        "`autovenv hook bash`, pip script": (["autovenv", "hook", "bash"], lambda: plain),
    }
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for i in range(runs + 1):  # run 0 warms the page cache
        for name, (argv, where) in cases.items():
            result = time_process(argv, env, where())
            if i:
                samples[name].append(result)
    imports = import_times(
        [*ws.export_cmd, "export", "bash", "--hook"], env, [next(fresh) for _ in range(IMPORT_RUNS)]
    )
    log("  python timed")
    med = statistics.median
    wall = {n: med(w for w, _ in s) for n, s in samples.items()}
    cpu = {n: med(c for _, c in s) for n, s in samples.items()}
    bare = "python -I -S -c pass"
    rows = [
        [
            name,
            f"{wall[name]:.1f}",
            f"{cpu[name]:.1f}",
            f"{wall[name] / wall[bare]:.2f}x",
            f"{cpu[name] / cpu[bare]:.2f}x",
        ]
        for name in cases
    ]
    lean = "cold export, the hook's -I -S command"
    by_wall, by_cpu = wall[lean] / wall[bare], cpu[lean] / cpu[bare]
    verdict = (
        f"cold export = {by_wall:.2f}x python -I -S by wall time, {by_cpu:.2f}x by CPU time "
        f"(budget ≤ {COLD_BUDGET_RATIO:g}x): {'OVER' if max(by_wall, by_cpu) > COLD_BUDGET_RATIO else 'ok'}"
    )
    tool = "cold export, a Poetry project"
    tool_wall, tool_cpu = wall[tool] / wall[bare], cpu[tool] / cpu[bare]
    verdict += (
        f"; a Poetry project's = {tool_wall:.2f}x by wall time, {tool_cpu:.2f}x by CPU time: "
        f"{'OVER' if max(tool_wall, tool_cpu) > COLD_BUDGET_RATIO else 'ok'}"
    )
    total_self = sum(s for _, s, _ in imports)
    ours = sum(s for n, s, _ in imports if n.strip().startswith("autovenv"))
    top = sorted(imports, key=lambda x: -x[2])[:15]
    import_rows = [
        [n.replace(" ", "·", len(n) - len(n.lstrip())), f"{s / 1000:.2f}", f"{c / 1000:.2f}"]
        for n, s, c in top
    ]
    slow_self = sorted(imports, key=lambda x: -x[1])[:10]
    self_rows = [[n.strip(), f"{s / 1000:.2f}"] for n, s, _ in slow_self]
    return {
        "table": table(
            [f"process (median of {runs}, interleaved)", "wall ms", "CPU ms", "x wall", "x CPU"], rows
        ),
        "verdict": verdict,
        "python": py,
        "imports_total_ms": total_self / 1000,
        "imports_autovenv_ms": ours / 1000,
        "imports_count": len(imports),
        "imports_cumulative": table(["module (·= nesting)", "self ms", "cumulative ms"], import_rows),
        "imports_self": table(["module", "self ms"], self_rows),
        "raw": samples,
    }


def run_scale_projects(ws: Workspace, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """cd into already-seen projects with 10 cached answers vs ``--projects`` cached answers.

    Two autovenv homes: one whose cache holds 10 projects, one holding all ``--projects`` (the 10
    included). Both shells, and a shell without the hook, get the same commands, interleaved: cd through
    those 10 projects (warm in the kernel's caches, so only the number of cached answers differs). The big
    one also visits a different project on every cd (cold dentries and pages, as in a real large tree).
    """
    out: dict[str, Any] = {}
    for shell in args.scale_shells:
        few_home, few_env = ws.config_home(shell, AUTOVENV, "-scale-10")
        many_home, many_env = ws.config_home(shell, AUTOVENV, f"-scale-{args.projects}")
        base_home, _ = ws.config_home(shell, BASE, "-scale")
        log(f"  creating {args.projects} projects with tiny venvs")
        many = ws.fresh_projects(f"many-{shell}", args.projects, envrc=False)
        export = [*ws.export_cmd, "export", shell, "--hook"]

        def visit(job: tuple[Path, dict[str, str]], export: list[str] = export) -> None:
            path, env = job
            # Filling the cache is set-up, not measured: on a loaded machine a start can take longer
            # than the hook's 200 ms deadline, which would leave the entry out.
            subprocess.run(
                export,
                env=dict(env, PWD=str(path), AUTOVENV_TIMEOUT_MS="10000"),
                cwd=path,
                stdout=subprocess.DEVNULL,
                check=True,
            )

        started = time.monotonic()
        jobs = [(p, few_env) for p in many[:10]] + [(p, many_env) for p in many]
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(visit, jobs))
        populate = time.monotonic() - started
        counts = [sum(1 for _ in (ws.cache_dir(h) / shell).rglob("%")) for h in (few_home, many_home)]
        log(f"  cached {counts[0]} and {counts[1]} answers with {len(jobs)} processes in {populate:.0f} s")
        few_key, many_key = f"{counts[0]} cached", f"{counts[1]} cached"

        def cycle(paths: list[Path], distinct: bool) -> Callable[[int, int], list[Path]]:
            def pick(sample: int, count: int) -> list[Path]:
                offset = (sample + 3) * count if distinct else 0
                return [paths[(offset + i) % len(paths)] for i in range(count)]

            return pick

        same10 = Scenario("cd seen project, cycling 10", [], visits(shell, cycle(many[:10], False)))
        each = Scenario("cd seen project, new one each cd", [], visits(shell, cycle(many[10:], True)))
        homes = {BASE: base_home, few_key: few_home, many_key: many_home}
        sessions = {key: Session(shell, ws.env(shell, home), home) for key, home in homes.items()}
        try:
            measured = time_scenarios(shell, sessions, homes, [same10], args, ws, log)
            del sessions[few_key]  # its cache does not hold the other projects: that would be a first visit
            measured.update(time_scenarios(shell, sessions, homes, [each], args, ws, log))
        finally:
            for s in sessions.values():
                s.close()
        procs: dict[str, dict[str, float]] = {}
        if args.strace and shutil.which("strace"):
            sizes = {same10.name: args.n_strace, each.name: args.n_strace}
            procs[BASE] = count_processes(shell, ws, BASE, [same10, each], sizes, base_home)[0]
            procs[few_key] = count_processes(shell, ws, AUTOVENV, [same10], sizes, few_home)[0]
            procs[many_key] = count_processes(shell, ws, AUTOVENV, [same10, each], sizes, many_home)[0]
        rows = [
            scenario_row(
                same10.name, measured[same10.name], procs, False, few_key, f"{same10.name}, {few_key}"
            ),
            scenario_row(
                same10.name, measured[same10.name], procs, False, many_key, f"{same10.name}, {many_key}"
            ),
            scenario_row(each.name, measured[each.name], procs, False, many_key, f"{each.name}, {many_key}"),
        ]
        out[shell] = {
            "table": table(HEADERS, rows),
            "populate": f"{len(jobs)} `autovenv export {shell} --hook` processes "
            f"({os.cpu_count()} at a time) filled the two caches in {populate:.0f} s",
            "raw": {n: m.to_json() for n, m in measured.items()},
        }
    return out


def run_scale_depth(ws: Workspace, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """Prompt, cd within and cd between projects 40 levels deep, against the same one level deep."""
    out: dict[str, Any] = {}
    depth = args.depth
    top = ws.root / "deep"
    inner = top / "proj"
    ws.fake_venv(inner, envrc=False)
    chain = inner.joinpath(*[f"l{i:02d}" for i in range(1, depth + 1)])
    for leaf in ("x", "y"):
        (chain / leaf).mkdir(parents=True)
        (inner / f"{leaf}1").mkdir()
    deep_roots = top.joinpath(*[f"d{i:02d}" for i in range(1, depth + 1)])
    shallow_roots = top / "shallow"
    for base in (deep_roots, shallow_roots):
        for name in ("pa", "pb"):
            ws.fake_venv(base / name, envrc=False)
    for shell in args.scale_shells:

        def q(path: Path, shell: str = shell) -> str:
            return quote(shell, str(path))

        scenarios = [
            Scenario("prompt, 1 below root", [f"cd {q(inner / 'x1')}"], repeat(nothing(shell))),
            Scenario(f"prompt, {depth} below root", [f"cd {q(chain / 'x')}"], repeat(nothing(shell))),
            Scenario(
                "cd-within, 1 below root",
                [f"cd {q(inner / 'x1')}"],
                alternate(shell, inner / "x1", inner / "y1"),
            ),
            Scenario(
                f"cd-within, {depth} below root",
                [f"cd {q(chain / 'x')}"],
                alternate(shell, chain / "x", chain / "y"),
            ),
            Scenario(
                "switch, roots 2 levels down",
                [f"cd {q(shallow_roots / 'pb')}", f"cd {q(shallow_roots / 'pa')}"],
                alternate(shell, shallow_roots / "pa", shallow_roots / "pb"),
            ),
            Scenario(
                f"switch, roots {depth + 1} levels down",
                [f"cd {q(deep_roots / 'pb')}", f"cd {q(deep_roots / 'pa')}"],
                alternate(shell, deep_roots / "pa", deep_roots / "pb"),
            ),
        ]
        homes = {c: ws.config_home(shell, c, "-depth")[0] for c in (BASE, AUTOVENV)}
        sessions = {c: Session(shell, ws.env(shell, homes[c]), homes[c]) for c in (BASE, AUTOVENV)}
        try:
            measured = time_scenarios(shell, sessions, homes, scenarios, args, ws, log)
        finally:
            for s in sessions.values():
                s.close()
        procs: dict[str, dict[str, float]] = {}
        if args.strace and shutil.which("strace"):
            sizes = {s.name: args.n_strace for s in scenarios}
            for config in (BASE, AUTOVENV):
                procs[config], _ = count_processes(shell, ws, config, scenarios, sizes, homes[config])
        rows = [scenario_row(s.name, measured[s.name], procs, False) for s in scenarios]
        out[shell] = {"table": table(HEADERS, rows), "raw": {n: m.to_json() for n, m in measured.items()}}
    return out


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total


# --------------------------------------------------------------------------------------------------------


def print_shell_tables(
    ws: Workspace,
    args: argparse.Namespace,
    projects: dict[str, Path],
    daemon: bool,
    env: dict[str, str],
    report: dict[str, Any],
    log: Callable[[str], None],
) -> None:
    """The per-shell tables, the budget check and the Python-level numbers (everything but --scale)."""
    report["shells"] = {}
    for shell in args.shells:
        if find_shell(shell) is None:
            print(f"## {shell}\n\nskipped: {shell} is not installed\n")
            continue
        log(f"{shell}:")
        result = run_shell(shell, ws, args, projects, daemon, log)
        report["shells"][shell] = result
        print(f"## {shell}\n\n{result['table']}\n")
        for note in result["notes"]:
            print(f"note: {note}")
        sys.stdout.flush()

    print("## budgets (autovenv)\n\n```")
    for shell in report["shells"]:
        for line in report["shells"][shell]["budget"]:
            print(line)
    print("```\n")

    log("python:")
    py = run_python(ws, env, args.python_runs, log)
    report["python"] = py
    print(f"## Python start-up vs the cold path\n\ninterpreter: `{py['python']}`\n")
    print(f"{py['table']}\n\n{py['verdict']}\n")
    print(
        f"`-X importtime` of one cold export: {py['imports_count']} modules imported, "
        f"{py['imports_total_ms']:.1f} ms self time in total, {py['imports_autovenv_ms']:.1f} ms of it "
        f"in autovenv's own modules (fastest of {IMPORT_RUNS} runs each). Top by cumulative time:\n"
    )
    print(f"{py['imports_cumulative']}\n\nTop by self time:\n\n{py['imports_self']}\n")
    sys.stdout.flush()


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="fewer commands and samples (about a minute)")
    p.add_argument("--shells", default=",".join(SHELLS), help="comma-separated (default: bash,zsh,fish)")
    p.add_argument(
        "--autovenv", help="an autovenv executable to benchmark instead of a venv built from this checkout"
    )
    p.add_argument(
        "--venv",
        default=os.path.join(tempfile.gettempdir(), "autovenv-benchvenv"),
        help="where to create the venv autovenv is pip-installed into (default: %(default)s)",
    )
    p.add_argument(
        "--reinstall", action="store_true", help="pip-install the checkout again even if unchanged"
    )
    p.add_argument("-n", type=int, help="commands per sample (default 200; --quick 50)")
    p.add_argument("--samples", type=int, help="samples, medians are reported (default 7; --quick 3)")
    p.add_argument("--n-cold", type=int, help="first visits per sample (default 20; --quick 10)")
    p.add_argument(
        "--batch-seconds",
        type=float,
        help="a config slower than this per sample gets fewer commands, at least 10 (default 1; --quick 0.4)",
    )
    p.add_argument("--starts", type=int, help="shell starts per sample for start-up (default 3; --quick 2)")
    p.add_argument("--no-direnv", dest="direnv", action="store_false", help="skip direnv even if installed")
    p.add_argument("--no-strace", dest="strace", action="store_false", help="do not count processes")
    p.add_argument("--python-runs", type=int, default=30, help="runs for the python -I -S / export timings")
    p.add_argument(
        "--scale", action="store_true", help="all scale runs: --projects 10000 --depth 40 --daemon"
    )
    p.add_argument(
        "--projects", type=int, default=0, help="scale: cd into seen projects with this many cached"
    )
    p.add_argument("--depth", type=int, default=0, help="scale: prompt/cd costs this many levels deep")
    p.add_argument("--daemon", action="store_true", help="scale: daemon RSS and idle CPU watching projects")
    p.add_argument("--daemon-projects", type=int, default=1000, help="projects for --daemon (default 1000)")
    p.add_argument(
        "--daemon-settle", type=float, default=300.0, help="max seconds for the daemon to pre-resolve them"
    )
    p.add_argument("--scale-shells", default="bash", help="shells for the scale runs (default: bash)")
    p.add_argument(
        "--scale-only", action="store_true", help="only the scale runs (skip the per-shell tables)"
    )
    p.add_argument("--py-venv", default="3.11.7", help="pyenv version the venv project is made from")
    p.add_argument("--py-pin", default="3.12.1", help="pyenv version the .python-version project pins")
    p.add_argument("--json", help="also write all raw numbers to this file")
    p.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    args = p.parse_args(argv)
    quick = args.quick
    args.n = args.n or (50 if quick else 200)
    args.samples = args.samples or (3 if quick else 7)
    args.n_cold = args.n_cold or (10 if quick else 20)
    args.batch_seconds = args.batch_seconds or (0.4 if quick else 1.0)
    args.starts = args.starts or (2 if quick else 3)
    args.n_strace, args.n_strace_cold = 10, 4
    args.n -= args.n % 2  # alternating scenarios end where they started
    if args.scale:
        args.projects = args.projects or 10000
        args.depth = args.depth or 40
        args.daemon = True
    args.shells = [s for s in args.shells.split(",") if s]
    args.scale_shells = [s for s in args.scale_shells.split(",") if s]
    args.direnv = args.direnv and shutil.which("direnv") is not None
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f}s] {message}", file=sys.stderr, flush=True)

    autovenv = (
        os.path.abspath(args.autovenv) if args.autovenv else ensure_venv(Path(args.venv), args.reinstall, log)
    )
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for version in (args.py_venv, args.py_pin):
        if not (pyenv_root / "versions" / version / "bin" / "python3").exists():
            print(f"bench: pyenv version {version} is not installed under {pyenv_root}", file=sys.stderr)
            return 2
    root = Path(tempfile.mkdtemp(prefix="autovenv-bench-")).resolve()
    above = check_markers_above(root)
    if above:
        print(f"bench: project markers above the workspace would skew results: {above}", file=sys.stderr)
        return 2
    ws = Workspace(root, autovenv, pyenv_root, args.py_venv, args.py_pin)
    report: dict[str, Any] = {}
    try:
        _, env = ws.config_home("bash", AUTOVENV, "-tools")
        ws.export_cmd = export_command(ws, env)
        ws.launcher = install_launcher(root)
        info = machine_info(args, autovenv, ws.export_cmd[0], env)
        report["info"] = info
        daemon = has_daemon(env)
        log(f"workspace {root}; autovenv {autovenv}")
        projects = ws.make_main_projects()

        print("# autovenv hook latency benchmark\n")
        for key, value in info.items():
            print(f"- {key}: {value}")
        print(
            "\nms per command are medians over samples; 'added' = hooked shell minus the no-hook shell in "
            "the same run\n[range] = min, max of the per-sample differences; processes/cmd = forks per "
            "command beyond the no-hook shell\n"
        )
        sys.stdout.flush()
        if not args.scale_only:
            print_shell_tables(ws, args, projects, daemon, env, report, log)
        if args.projects:
            log(f"scale: {args.projects} cached projects")
            scale = run_scale_projects(ws, args, log)
            report["scale_projects"] = scale
            for shell, res in scale.items():
                print(f"## scale: {args.projects} cached projects ({shell})\n\n{res['table']}\n")
                print(f"{res['populate']}\n")
        if args.depth:
            log(f"scale: depth {args.depth}")
            deep = run_scale_depth(ws, args, log)
            report["scale_depth"] = deep
            for shell, res in deep.items():
                print(f"## scale: directory depth {args.depth} ({shell})\n\n{res['table']}\n")
        if args.daemon and not daemon:
            print("## scale: daemon\n\nskipped: this build has no `autovenv daemon`\n")
        elif args.daemon:
            log(f"scale: daemon watching {args.daemon_projects} projects")
            res = run_daemon_rss(ws, args, log)
            report["scale_daemon"] = res
            print(f"## scale: daemon watching {args.daemon_projects} projects\n\n```")
            print("\n".join(res["lines"]))
            print("```\n")
        report["info"]["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"load average at start {info['loadavg']}, at end {report['info']['loadavg_end']}; "
            f"total {time.monotonic() - began:.0f} s"
        )
    finally:
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1, default=str))
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
