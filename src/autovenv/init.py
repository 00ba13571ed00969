"""``autovenv init [SHELL]``: add the hook line to the shell's startup file, once, with a backup.

The shell is detected with shellingham (the process tree), falling back to ``$SHELL`` and, on Windows,
to PowerShell when ``PSModulePath`` says we run under it or ``COMSPEC``. The startup file is ``~/.bashrc``,
``${ZDOTDIR:-~}/.zshrc``, fish's ``config.fish`` or PowerShell's ``$PROFILE`` (asked from PowerShell
itself when it is installed, since Documents may be redirected, else computed), created if missing. The
file is copied to ``FILE.autovenv-backup`` first and two lines are appended: a marker comment and the hook
line. Encoding and line endings of the file are kept (Windows PowerShell 5.1 profiles are often UTF-16).

For bash, zsh and fish the hook line is the start line: it sources the start file (autovenv.start) by its
absolute path and runs ``autovenv hook SHELL`` only when that file is missing or stale, so a pip, pipx or
uv install starts no Python at a shell start where nothing changed. A file that already runs ``autovenv
hook SHELL`` gets no second line: the documented plain line (``eval "$(autovenv hook bash)"``) and a start
line naming another path are replaced by the current start line, anything else is left alone, and so is
the line below install.sh's marker (its launcher serves the hook without Python already).

For PowerShell, ``--fix-policy`` (and only that) runs ``Set-ExecutionPolicy -Scope CurrentUser
RemoteSigned``: never another scope, and never when Group Policy decides the policy.
"""

from __future__ import annotations

import difflib
import os
import re
import sys

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


def powershell_profile(environ: Mapping[str, str], windows: bool, desktop: bool = False) -> str:
    """``$PROFILE`` (current user, current host) as PowerShell computes it, without asking it.

    Windows: ``Documents\\PowerShell`` (7.x) or ``Documents\\WindowsPowerShell`` (5.1, ``desktop``);
    elsewhere ``$XDG_CONFIG_HOME/powershell`` (default ``~/.config/powershell``).
    """
    name = "Microsoft.PowerShell_profile.ps1"
    if windows:
        home = environ.get("USERPROFILE") or environ.get("HOME") or "C:\\Users\\Default"
        folder = "WindowsPowerShell" if desktop else "PowerShell"
        return home.rstrip("\\/") + "\\Documents\\" + folder + "\\" + name
    config = environ.get("XDG_CONFIG_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".config"
    )
    return os.path.join(config, "powershell", name)


def powershell_exe(which: Callable[[str], str | None] | None = None) -> str | None:
    """The PowerShell to ask: ``pwsh`` (7.x) first, else Windows PowerShell ``powershell``."""
    import shutil

    find = which or shutil.which
    return find("pwsh") or find("powershell")


def run_powershell(exe: str, command: str, timeout: float = 20.0) -> str | None:
    """stdout of ``exe -NoProfile -NonInteractive -Command command``; the execution policy never blocks
    ``-Command`` (it only governs script files). ``None`` when it cannot run."""
    import subprocess

    try:
        result = subprocess.run(
            [exe, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", command],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def rc_file(shell: str, environ: Mapping[str, str], windows: bool = os.name == "nt", ask: bool = True) -> str:
    """The startup file the hook line goes into."""
    from autovenv import shells

    home = environ.get("HOME") or os.path.expanduser("~")
    rc_for: Callable[[Mapping[str, str], str], str] | None = None
    if shell in shells.names():
        rc_for = getattr(shells.get(shell), "rc_file", None)
    if rc_for is not None:
        return rc_for(environ, home)
    if shell == "pwsh":
        exe = powershell_exe() if ask else None
        if exe is not None:
            out = run_powershell(exe, "$PROFILE")
            if out and out.strip():
                return out.strip().splitlines()[-1]
        return powershell_profile(environ, windows)
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


# ------------------------------------------------------------------------------------------------ policy


def fix_policy(exe: str, policies: Mapping[str, str], windows: bool) -> tuple[bool, str]:
    """Set the CurrentUser scope to RemoteSigned, when that is allowed and useful; (changed, message)."""
    from autovenv import doctor

    if not windows:
        return False, "execution policies are not enforced on this system; nothing to change"
    decided = doctor.group_policy_scope(policies)
    if decided is not None:
        return False, (
            f"the execution policy is set by Group Policy ({decided} = {policies[decided]}); "
            "only your administrator can change it"
        )
    policy, _scope = doctor.effective_policy(policies, windows)
    if policy in ("RemoteSigned", "Unrestricted", "Bypass"):
        return False, f"the execution policy is already {policy}; nothing to change"
    out = run_powershell(exe, "Set-ExecutionPolicy -Scope CurrentUser -ExecutionPolicy RemoteSigned -Force")
    if out is None:
        return False, f"{exe} could not set the policy; run it yourself: {doctor.POLICY_FIX}"
    return True, "set the CurrentUser execution policy to RemoteSigned"


def run(
    shell: str | None,
    dry_run: bool,
    fix_policy_flag: bool,
    environ: Mapping[str, str],
    out: Callable[[str], None],
) -> int:
    """The command's work: returns the exit code; ``out`` prints a line."""
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
    if fix_policy_flag and shell != "pwsh":
        raise AutovenvError("--fix-policy is for PowerShell only")
    path = rc_file(shell, environ)
    change = plan(shell, path, environ)
    if how != "given":
        out(f"autovenv: shell {shell} (detected by {how})")
    if change.after is None:
        out(f"autovenv: {path} already loads the hook; nothing to do")
    elif dry_run:
        out(f"autovenv: would {'create' if change.created else 'change'} {path}:")
        out(change.diff().rstrip("\n"))
    else:
        backup = apply(change)
        if backup and has_hook(decode(change.before or b"")[0], shell):
            out(f"autovenv: updated the hook line in {path} to the start line (backup: {backup})")
        elif backup:
            out(f"autovenv: added the hook to {path} (backup: {backup})")
        else:
            out(f"autovenv: created {path} with the hook")
        out("autovenv: open a new shell to start using it")
    if shell == "pwsh":
        return policy_step(dry_run, fix_policy_flag, out)
    return 0


def policy_step(
    dry_run: bool,
    fix: bool,
    out: Callable[[str], None],
    windows: bool = os.name == "nt",
    exe: str | None = None,
) -> int:
    """After the profile edit: explain a blocking execution policy; with ``fix``, change CurrentUser only."""
    from autovenv import doctor

    if not windows:
        if fix:  # Set-ExecutionPolicy itself says "not supported on this platform"
            out("autovenv: PowerShell does not enforce execution policies on this system; nothing to change")
        return 0
    exe = exe or powershell_exe()
    if exe is None:
        return 0
    probe = doctor.probe_powershell(exe)
    if probe is None or not probe.policies:
        out("autovenv: could not read the execution policy; check it with: autovenv doctor")
        return 0
    findings = doctor.policy_findings(probe.policies, windows, exe)
    blocking = [f for f in findings if f.level == "error"]
    if not blocking:
        return 0
    if not fix:
        for finding in blocking:
            out(f"autovenv: {finding.text}")
            if finding.fix:
                out(f"          fix: {finding.fix}")
        if doctor.group_policy_scope(probe.policies) is None:
            out("autovenv: or let init do it (CurrentUser scope only): autovenv init pwsh --fix-policy")
        return 1
    if dry_run:
        out(f"autovenv: would run: {doctor.POLICY_FIX}")
        return 0
    changed, message = fix_policy(exe, probe.policies, windows)
    out(f"autovenv: {message}")
    return 0 if changed else 1


def _click_command() -> click.Command:
    import click

    @click.command(name="init", short_help="Add the hook line to your shell's startup file.")
    @click.argument("shell", required=False)
    @click.option("--dry-run", is_flag=True, help="Show the change to the startup file; change nothing.")
    @click.option(
        "--fix-policy",
        is_flag=True,
        help="PowerShell: set the CurrentUser execution policy to RemoteSigned if it blocks $PROFILE.",
    )
    def init(shell: str | None, dry_run: bool, fix_policy: bool) -> None:
        """Add the hook line for SHELL (default: the one you are in) to its startup file."""
        code = run(shell, dry_run, fix_policy, os.environ, lambda line: click.echo(line))
        if code:
            sys.exit(code)

    return init


command = _click_command()
