"""``autovenv init [SHELL]``: add the hook line to the shell's startup file, once, with a backup.

The shell is detected with shellingham (the process tree), falling back to ``$SHELL`` and, on Windows,
to PowerShell when ``PSModulePath`` says we run under it or ``COMSPEC``. The startup file is ``~/.bashrc``,
``${ZDOTDIR:-~}/.zshrc``, fish's ``config.fish`` or, for PowerShell, the ``$PROFILE`` of every installed
PowerShell (Windows PowerShell 5.1 and PowerShell 7 each have their own; each is asked, since Documents may
be redirected into OneDrive; computed when none is installed), created if missing. The
file is copied to ``FILE.autovenv-backup`` first and two lines are appended: a marker comment and the hook
line. Encoding and line endings of the file are kept (Windows PowerShell 5.1 profiles are often UTF-16).

For bash, zsh and fish the hook line is the start line: it sources the start file (autovenv.start) by its
absolute path and runs ``autovenv hook SHELL`` only when that file is missing or stale, so a pip, pipx or
uv install starts no Python at a shell start where nothing changed. A file that already runs ``autovenv
hook SHELL`` gets no second line: the documented plain line (``eval "$(autovenv hook bash)"``) and a start
line naming another path are replaced by the current start line, anything else is left alone, and so is
the line below install.sh's marker (its launcher serves the hook without Python already).

For PowerShell, ``--fix-policy`` (and only that) runs ``Set-ExecutionPolicy -Scope CurrentUser
RemoteSigned`` in each PowerShell whose policy blocks its profile, and reports per host: never another
scope, never where Group Policy or the Process scope decides (autovenv.pwsh_policy has the plan).
``--terminal`` writes no profile at all: Windows Terminal and VS Code profiles that start PowerShell with
the hook on its command line, which no execution policy governs (autovenv.pwsh_terminal).
"""

from __future__ import annotations

import difflib
import os
import re
import sys

from autovenv import pwsh_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import click

MARKER = "# added by autovenv init"
INSTALL_SH_MARKER = "# added by autovenv install.sh"
BACKUP_SUFFIX = ".autovenv-backup"


def canonical_shell(name: str) -> str | None:
    """The shell with a hook whose process or file name this is (``powershell.exe`` -> pwsh), from each
    adapter's ``PROCESS_NAMES``."""
    from autovenv import shells

    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base.endswith(".exe"):
        base = base[:-4]
    base = base.lstrip("-")  # login shells: "-bash"
    for shell in shells.names():
        if base in shells.get(shell).PROCESS_NAMES:
            return shell
    return None


def detect_shell(
    environ: Mapping[str, str],
    detector: Callable[[], tuple[str, str]] | None = None,
    windows: bool = os.name == "nt",
) -> tuple[str | None, str]:
    """(shell, how it was found). ``detector`` defaults to ``shellingham.detect_shell``."""
    if detector is None:
        import shellingham  # type: ignore[import-untyped]

        def detector() -> tuple[str, str]:
            return shellingham.detect_shell()  # type: ignore[no-any-return]

    try:
        name, _path = detector()
        found = canonical_shell(name)
        if found is not None:
            return found, "shellingham"
    except Exception:
        pass
    shell = canonical_shell(environ.get("SHELL", "")) if environ.get("SHELL") else None
    if shell is not None:
        return shell, "$SHELL"
    if windows:
        if environ.get("PSModulePath"):
            return "pwsh", "PSModulePath"
        comspec = canonical_shell(environ.get("COMSPEC", ""))
        if comspec is not None:
            return comspec, "COMSPEC"
    return None, "not detected"


def rc_file(shell: str, environ: Mapping[str, str], windows: bool = os.name == "nt", ask: bool = True) -> str:
    """The startup file the hook line goes into (PowerShell: the first host's; see ``pwsh_profiles``)."""
    from autovenv import shells

    home = environ.get("HOME") or os.path.expanduser("~")
    rc_for: Callable[[Mapping[str, str], str], str] | None = None
    if shell in shells.names():
        rc_for = getattr(shells.get(shell), "rc_file", None)
    if rc_for is not None:
        return rc_for(environ, home)
    if shell == "pwsh":
        return pwsh_profiles(environ, windows, ask)[0][1]
    raise ValueError(f"unknown shell {shell!r}; supported: {', '.join(shells.names())}")


def hook_line(shell: str, environ: Mapping[str, str] = os.environ) -> str:
    """The line to add: for bash, zsh and fish the start line (autovenv.start) with the start file's path
    in this environment's cache; for PowerShell, or a cache that is not absolute or not the user's alone,
    the plain line."""
    from autovenv import dirs, shells, start
    from autovenv.safepath import private_dir_problem

    adapter = shells.get(shell)
    line_for: Callable[[str], str] | None = getattr(adapter, "start_line", None)
    cache = dirs.cache_dir(environ)
    if line_for is None or not os.path.isabs(cache):
        return adapter.HOOK_LINE
    if private_dir_problem(cache) is not None:
        return adapter.HOOK_LINE  # a start file in a cache others could swap would be sourced at start
    return line_for(start.path(adapter.NAME, cache))


def has_hook(text: str, shell: str) -> bool:
    """Does the file already run ``autovenv hook SHELL`` (any spelling of the command, outside comments)?"""
    names = "pwsh|powershell" if shell == "pwsh" else re.escape(shell)
    pattern = rf"^[^#\n]*autovenv(?:\.exe)?['\"]?\s+hook\s+(?:{names})\b"
    found = re.search(pattern, text, re.MULTILINE | re.IGNORECASE if shell == "pwsh" else re.MULTILINE)
    return found is not None or any(is_start_line(line.strip(), shell) for line in text.splitlines())


def is_start_line(line: str, shell: str) -> bool:
    """Is ``line`` a start line as ``autovenv init`` writes it, for any start file path?"""
    shape = _start_shape(shell)
    if shape is None:
        return False
    head, tail = shape
    return len(line) > len(head) + len(tail) and line.startswith(head) and line.endswith(tail)


_SHAPES: dict[str, tuple[str, str] | None] = {}


def _start_shape(shell: str) -> tuple[str, str] | None:
    """What a start line of ``shell`` holds before its first path and after its last (None: it has none)."""
    if shell not in _SHAPES:
        from autovenv import shells

        adapter = shells.get(shell)
        line_for: Callable[[str], str] | None = getattr(adapter, "start_line", None)
        pieces = line_for("@").split(adapter.quote("@")) if line_for is not None else None
        _SHAPES[shell] = (pieces[0], pieces[-1]) if pieces is not None else None
    return _SHAPES[shell]


def replaceable(line: str, shell: str) -> bool:
    """A line ``init`` may swap for the current start line: the documented plain line, or a start line."""
    from autovenv import shells

    return line.strip() == shells.get(shell).HOOK_LINE or is_start_line(line.strip(), shell)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a startup file: BOMs respected (UTF-16 profiles from PowerShell 5.1)."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", "surrogatepass"), "utf-16-le-bom"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "surrogatepass"), "utf-16-be-bom"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "surrogateescape"), "utf-8-bom"
    return data.decode("utf-8", "surrogateescape"), "utf-8"


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be", "surrogatepass")
    if encoding == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogateescape")
    return text.encode("utf-8", "surrogateescape")


class Change:
    """What ``init`` would do to one file: ``after`` is ``None`` when the hook is already there."""

    __slots__ = ("after", "before", "created", "path", "shell")

    def __init__(self, shell: str, path: str, before: bytes | None, after: bytes | None) -> None:
        self.shell = shell
        self.path = path
        self.before = before
        self.after = after
        self.created = before is None

    def diff(self) -> str:
        old = decode(self.before)[0] if self.before is not None else ""
        new = decode(self.after)[0] if self.after is not None else old
        lines = difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile="/dev/null" if self.created else self.path,
            tofile=self.path,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def with_hook(before: bytes | None, shell: str, line: str) -> bytes | None:
    """The file's new bytes with the marker and hook line appended; ``None`` if it already has the hook.

    A file that has it through a line of the shape ``replaceable`` names gets that line swapped for
    ``line`` instead (the plain line becomes the start line; a start line whose path moved is updated),
    except right below install.sh's marker: its launcher serves the hook without Python already.
    """
    if before is None:
        text, encoding = "", "utf-8"
    else:
        text, encoding = decode(before)
    if has_hook(text, shell):
        return upgraded(text, encoding, shell, line)
    newline = "\r\n" if "\r\n" in text or (before is None and shell == "pwsh" and os.name == "nt") else "\n"
    if text and not text.endswith("\n"):
        text += newline
    text += MARKER + newline + line + newline
    return encode(text, encoding)


def upgraded(text: str, encoding: str, shell: str, line: str) -> bytes | None:
    """``text`` with every replaceable hook line made ``line``; ``None`` when none differs from it."""
    lines = text.splitlines(keepends=True)
    changed = False
    for i, old in enumerate(lines):
        body = old.rstrip("\r\n")
        if body.strip() == line or not replaceable(body, shell):
            continue
        if i > 0 and lines[i - 1].rstrip("\r\n") == INSTALL_SH_MARKER:
            continue
        indent = body[: len(body) - len(body.lstrip())]
        lines[i] = indent + line + old[len(body) :]
        changed = True
    return encode("".join(lines), encoding) if changed else None


#: A startup file larger than this is not one init should rewrite.
MAX_RC_BYTES = 16 * 1024 * 1024


def plan(shell: str, path: str, environ: Mapping[str, str] = os.environ) -> Change:
    """What init would do to ``path``; a startup file that is a FIFO or device is refused (OSError)."""
    from autovenv.files import read_regular

    try:
        before: bytes | None = read_regular(path, MAX_RC_BYTES)
    except FileNotFoundError:
        before = None
    if before is not None and len(before) > MAX_RC_BYTES:
        raise OSError(f"{path} is larger than {MAX_RC_BYTES // 1024 // 1024} MiB; add the hook line yourself")
    return Change(shell, path, before, with_hook(before, shell, hook_line(shell, environ)))


def backup_path(path: str, exists: Callable[[str], bool] = os.path.lexists) -> str:
    """``FILE.autovenv-backup``, or ``FILE.autovenv-backup.N`` when earlier backups exist."""
    candidate = path + BACKUP_SUFFIX
    n = 1
    while exists(candidate):
        candidate = f"{path}{BACKUP_SUFFIX}.{n}"
        n += 1
    return candidate


def apply(change: Change) -> str | None:
    """Write the change (through symlinks, keeping the file's mode); returns the backup's path, if any."""
    if change.after is None:
        return None
    backup = None
    if change.before is not None:
        backup = backup_path(change.path)
        with open(backup, "wb") as handle:
            handle.write(change.before)
    else:
        directory = os.path.dirname(change.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
    with open(change.path, "wb") as handle:
        handle.write(change.after)
    return backup


# ------------------------------------------------------------------------------------------- PowerShell


def pwsh_profiles(
    environ: Mapping[str, str],
    windows: bool = os.name == "nt",
    ask: bool = True,
    hosts: list[pwsh_policy.Host] | None = None,
) -> list[tuple[pwsh_policy.Host | None, str]]:
    """(host, its ``$PROFILE``) for every installed PowerShell, each asked itself (Documents may be
    redirected, into OneDrive for one); one computed path when none is installed or ``ask`` is False.
    Hosts that share a profile are listed once (the first)."""
    if hosts is None and ask:
        hosts = pwsh_policy.discover(environ, pwsh_policy.run_powershell, windows=windows)
    found: list[tuple[pwsh_policy.Host | None, str]] = []
    for host in hosts or []:
        path = pwsh_policy.profile_of(host, environ)
        if all(path != seen for _, seen in found):
            found.append((host, path))
    return found or [(None, pwsh_policy.profile_path(pwsh_policy.CORE, environ, windows))]


def policy_step(
    hosts: list[pwsh_policy.Host],
    dry_run: bool,
    fix: bool,
    out: Callable[[str], None],
    run_ps: Callable[[str, str], str | None] = pwsh_policy.run_powershell,
) -> int:
    """After the profile edits, per host: explain a policy that blocks its profile; with ``fix`` (the
    user's consent) set CurrentUser to RemoteSigned in that host, and only there. Exit code 1 while a
    profile stays blocked."""
    steps = pwsh_policy.fix_plan(hosts)
    code = 0
    if fix and any(step.action == "not-enforced" for step in steps):
        out("autovenv: PowerShell does not enforce execution policies on this system; nothing to change")
    for step in steps:
        label = step.host.label
        if step.action in ("none", "not-enforced"):
            if fix and step.action == "none":
                out(f"autovenv: {label}: {step.why}; nothing to change")
            continue
        if step.action == "unknown":
            out(f"autovenv: {label}: could not read its execution policy; check with: autovenv doctor")
            continue
        if step.action != "set":
            out(f"autovenv: {label}: its profile cannot run: {step.why}")
            if step.action == "group-policy":
                out(f"autovenv: without any script, once: {pwsh_policy.ONE_SHOT}")
            code = 1
            continue
        if not fix:
            out(f"autovenv: {label}: {step.why}")
            out(
                "          with your consent init does it (CurrentUser only): autovenv init pwsh --fix-policy"
            )
            out(f"          or, with no policy change: {pwsh_policy.TERMINAL_ROUTE}")
            code = 1
            continue
        if dry_run:
            out(f"autovenv: {label}: would run in {step.host.exe}: {pwsh_policy.SET_COMMAND}")
            continue
        changed = run_ps(step.host.exe, pwsh_policy.SET_COMMAND) is not None
        after = pwsh_policy.discover_one(step.host, run_ps) if changed else step.host
        if changed and not after.blocks_profile:
            out(f"autovenv: {label}: set CurrentUser to RemoteSigned; its profile can run now")
        else:
            out(f"autovenv: {label}: could not set the policy; in {label} run: {pwsh_policy.POLICY_FIX}")
            code = 1
    return code


def terminal_step(
    hosts: list[pwsh_policy.Host],
    environ: Mapping[str, str],
    dry_run: bool,
    out: Callable[[str], None],
    windows: bool,
    autovenv_path: str | None,
) -> int:
    """``init pwsh --terminal``: a Windows Terminal profile per installed PowerShell that starts it with
    the hook on its command line (no profile script, no policy change), and the same for VS Code."""
    from autovenv import pwsh_terminal
    from autovenv.errors import AutovenvError

    if not windows:
        raise AutovenvError(
            "--terminal writes Windows Terminal and VS Code profiles for Windows, where execution policies "
            "apply; here the profile line works: autovenv init pwsh"
        )
    if not hosts:
        raise AutovenvError("no PowerShell found (powershell.exe or pwsh.exe)")
    command = pwsh_terminal.hook_command(pwsh_terminal.invocation_for(autovenv_path))
    text = pwsh_terminal.render(pwsh_terminal.fragment(hosts, command))
    path = pwsh_terminal.fragment_path(environ)
    names = ", ".join(pwsh_terminal.profile_name(host) for host in hosts)
    if dry_run:
        out(f"autovenv: would write {path}:")
        out(text.rstrip("\n"))
    elif pwsh_terminal.write(path, text):
        out(f"autovenv: wrote {path}")
        out(f"autovenv: Windows Terminal lists {names} in its new-tab menu (restart it if it is open)")
    else:
        out(f"autovenv: {path} is up to date")
    out("autovenv: for VS Code, merge this into your settings.json (Preferences: Open User Settings (JSON)):")
    out(pwsh_terminal.render(pwsh_terminal.vscode_settings(hosts, command)).rstrip("\n"))
    return 0


def _autovenv_path(which: Callable[[str], str | None]) -> str | None:
    """None when an ``autovenv`` is on PATH (the command line then names it as the README's profile line
    does, so an upgrade or a move of the installation keeps working), else this installation's command,
    if it has one."""
    import sys

    if which("autovenv") is not None:
        return None
    scripts = os.path.dirname(sys.executable)
    own = [os.path.join(scripts, name) for name in ("autovenv.exe", "autovenv")]
    return next((path for path in own if os.path.isfile(path)), None)


def run(
    shell: str | None,
    dry_run: bool,
    fix_policy_flag: bool,
    environ: Mapping[str, str],
    out: Callable[[str], None],
    terminal: bool = False,
    windows: bool = os.name == "nt",
    hosts: list[pwsh_policy.Host] | None = None,
) -> int:
    """The command's work: returns the exit code; ``out`` prints a line. ``hosts``: the PowerShells
    already asked (recorded answers in tests); by default every installed one is asked."""
    import shutil

    from autovenv.errors import AutovenvError

    how = "given"
    if shell is None:
        shell, how = detect_shell(environ)
        if shell is None:
            raise AutovenvError("cannot tell which shell you use; name it: autovenv init bash|zsh|fish|pwsh")
    else:
        from autovenv import shells

        # An unknown name raises shells.UnknownShell: one line and exit status 2, as `hook` and `doctor`.
        shell = canonical_shell(shell) or shells.get(shell).NAME
    if (fix_policy_flag or terminal) and shell != "pwsh":
        raise AutovenvError(f"{'--fix-policy' if fix_policy_flag else '--terminal'} is for PowerShell only")
    if how != "given":
        out(f"autovenv: shell {shell} (detected by {how})")
    if shell != "pwsh":
        edit(shell, rc_file(shell, environ), dry_run, environ, out)
        return 0
    if hosts is None:
        hosts = pwsh_policy.discover(environ, pwsh_policy.run_powershell, windows=windows)
    if terminal:
        return terminal_step(hosts, environ, dry_run, out, windows, _autovenv_path(shutil.which))
    for host, path in pwsh_profiles(environ, windows, hosts=hosts):
        edit(shell, path, dry_run, environ, out, host)
    return policy_step(hosts, dry_run, fix_policy_flag, out)


def edit(
    shell: str,
    path: str,
    dry_run: bool,
    environ: Mapping[str, str],
    out: Callable[[str], None],
    host: pwsh_policy.Host | None = None,
) -> None:
    """Add the hook line to one startup file (or show the change); PowerShell names the host."""
    change = plan(shell, path, environ)
    who = f"{host.label}: " if host is not None else ""
    if change.after is None:
        out(f"autovenv: {who}{path} already loads the hook; nothing to do")
        return
    if dry_run:
        out(f"autovenv: {who}would {'create' if change.created else 'change'} {path}:")
        out(change.diff().rstrip("\n"))
        return
    backup = apply(change)
    if backup and has_hook(decode(change.before or b"")[0], shell):
        out(f"autovenv: {who}updated the hook line in {path} to the start line (backup: {backup})")
    elif backup:
        out(f"autovenv: {who}added the hook to {path} (backup: {backup})")
    else:
        out(f"autovenv: {who}created {path} with the hook")
    if host is not None and host.signature == "Valid":
        out(
            f"autovenv: {who}the profile was signed; the new line voids the signature: {pwsh_policy.SIGN_FIX}"
        )
    out(f"autovenv: {'open a new PowerShell' if host is not None else 'open a new shell'} to start using it")


def _click_command() -> click.Command:
    import click

    @click.command(name="init", short_help="Add the hook line to your shell's startup file.")
    @click.argument("shell", required=False)
    @click.option("--dry-run", is_flag=True, help="Show the change to the startup file; change nothing.")
    @click.option(
        "--fix-policy",
        is_flag=True,
        help="PowerShell: in each PowerShell whose execution policy blocks its profile, set the CurrentUser "
        "policy to RemoteSigned (never another scope, never over Group Policy).",
    )
    @click.option(
        "--terminal",
        is_flag=True,
        help="PowerShell on Windows: instead of profiles, write a Windows Terminal profile per PowerShell "
        "that starts it with the hook on its command line (no script, no policy change), and print the "
        "VS Code entry.",
    )
    def init(shell: str | None, dry_run: bool, fix_policy: bool, terminal: bool) -> None:
        """Add the hook line for SHELL (default: the one you are in) to its startup file.

        For PowerShell, to the profile of every installed PowerShell (Windows PowerShell 5.1 and
        PowerShell 7 each have their own).
        """
        code = run(shell, dry_run, fix_policy, os.environ, lambda line: click.echo(line), terminal)
        if code:
            sys.exit(code)

    return init


command = _click_command()
